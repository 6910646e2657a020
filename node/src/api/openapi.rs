//! The OpenAPI document of the local API (`GET /openapi.json`), made from the table of operations (`ops`):
//! each route with its method and the very types its handler takes and answers, whose
//! JSON Schemas `schemars` derives. Nothing is written by hand twice: a field added to a
//! view is in the document at once, and a test (`cli/tests/cli/openapi.rs`) sends every
//! operation to a running node and checks what it answers against the document.

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

use crate::wire::{ImportText, Nothing, ProblemBody, routes};

/// What travels in a request or an answer.
#[derive(Clone)]
pub enum Payload {
    Nothing,
    /// JSON of a type, its schema made on demand.
    Json(fn(&mut SchemaGenerator) -> Schema),
    /// JSON of a schema made already.
    Schema(Schema),
    /// Text of a media type (`text/plain`, `application/jsonl`).
    Text(&'static str),
}

/// One operation of the API.
#[derive(Clone)]
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// A GET's query parameters or a POST's body, less the route's parameters.
    pub request: Payload,
    pub answer: Payload,
}

/// What a request of type `T` carries.
fn request<T: JsonSchema + 'static>() -> Payload {
    use std::any::TypeId;
    if TypeId::of::<T>() == TypeId::of::<Nothing>() {
        Payload::Nothing
    } else if ImportText::is::<T>() {
        Payload::Text("text/plain")
    } else {
        Payload::Json(|generator| T::json_schema(generator))
    }
}

/// What an answer carries, as its row says.
macro_rules! answer {
    (Json, $answer:ty) => {
        Payload::Json(|generator| generator.subschema_for::<$answer>())
    };
    ($lines:ident, $answer:ty) => {
        Payload::Text("application/jsonl")
    };
}

/// The document's operations, one per row of the table.
macro_rules! document_rows {
    ($($name:ident: $method:ident $path:literal, $req:ty => $ans:ty as $format:ident, $summary:literal,
        local |$s:pat_param, $r:pat_param| $local:expr, served by $served:ident;)*) => {
        /// Every operation the router serves (`api::router`), in the order of the table.
        pub fn operations() -> Vec<Operation> {
            let mut all = vec![$(Operation {
                method: stringify!($method),
                path: $path,
                summary: $summary,
                request: request::<$req>(),
                answer: answer!($format, $ans),
            }),*];
            all.push(Operation {
                method: "get",
                path: routes::OPENAPI,
                summary: "This document",
                request: Payload::Nothing,
                answer: answer!(Json, Value),
            });
            all
        }
    };
}

crate::ops::operations!(document_rows);

fn content(payload: Payload, generator: &mut SchemaGenerator) -> Option<Value> {
    match payload {
        Payload::Nothing => None,
        Payload::Json(schema) => {
            Some(json!({ "application/json": { "schema": schema(generator) } }))
        }
        Payload::Schema(schema) => Some(json!({ "application/json": { "schema": schema } })),
        Payload::Text(media) => Some(json!({ media: { "schema": { "type": "string" } } })),
    }
}

/// The document.
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let mut paths: Map<String, Value> = Map::new();
    for operation in operations() {
        let mut parameters: Vec<Value> = path_parameters(operation.path);
        let mut request = operation.request.clone();
        if let Payload::Json(schema) = operation.request {
            let mut schema = schema(&mut generator);
            for name in routes::parameters(operation.path) {
                if let Some(Value::Object(properties)) = schema.get_mut("properties") {
                    properties.remove(name);
                }
                if let Some(Value::Array(required)) = schema.get_mut("required") {
                    required.retain(|r| r != name);
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            if operation.method == "get" {
                for (name, property) in properties.into_iter().flatten() {
                    parameters.push(json!({
                        "name": name, "in": "query", "required": false, "schema": property,
                    }));
                }
                request = Payload::Nothing;
            } else if properties.is_some_and(Map::is_empty) {
                request = Payload::Nothing;
            } else {
                request = Payload::Schema(schema);
            }
        }
        let mut answer = json!({ "description": "Done" });
        if let Some(body) = content(operation.answer, &mut generator) {
            answer["content"] = body;
        }
        let mut entry = json!({
            "summary": operation.summary,
            "responses": { "200": answer, "default": { "$ref": "#/components/responses/Problem" } },
        });
        if !parameters.is_empty() {
            entry["parameters"] = Value::Array(parameters);
        }
        if let Some(body) = content(request, &mut generator) {
            entry["requestBody"] = json!({ "required": true, "content": body });
        }
        let path = paths
            .entry(operation.path.to_owned())
            .or_insert_with(|| json!({}));
        path[operation.method] = entry;
    }
    let problem = generator.subschema_for::<ProblemBody>();
    let mut schemas = generator.take_definitions(true);
    schemas.sort_keys();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "wiel node local API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "HTTP+JSON on 127.0.0.1 for the wiel command while a node runs. \
                Every call needs 'Authorization: Bearer TOKEN' with the token from \
                DATA_DIR/api.token. Errors are application/problem+json (RFC 9457) in the \
                language Accept-Language asks for (nl or en).",
        },
        "servers": [{ "url": "http://127.0.0.1" }],
        "security": [{ "token": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas,
            "responses": {
                "Problem": {
                    "description": "What went wrong, in one line",
                    "content": { "application/problem+json": { "schema": problem } },
                },
            },
        },
    })
}

/// The `{name}` parts of a route, as path parameters.
fn path_parameters(path: &str) -> Vec<Value> {
    routes::parameters(path)
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_documented_and_every_documented_path_is_a_route() {
        let doc = document();
        let paths = doc["paths"].as_object().unwrap();
        for (method, route) in crate::ops::ROUTES {
            assert!(
                paths.get(*route).is_some_and(|p| p.get(*method).is_some()),
                "{method} {route} is not in the document"
            );
        }
        for path in paths.keys() {
            let routed = crate::ops::ROUTES.iter().any(|(_, r)| r == path);
            assert!(routed || path == routes::OPENAPI, "{path} is no route");
        }
    }

    #[test]
    fn every_reference_points_at_a_schema_of_the_document() {
        let doc = document();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        fn refs(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(r)) = map.get("$ref") {
                        out.push(r.clone());
                    }
                    map.values().for_each(|v| refs(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 20, "the answers are described by reference");
        for r in found {
            if let Some(name) = r.strip_prefix("#/components/schemas/") {
                assert!(schemas.contains_key(name), "{r} points at nothing");
            } else {
                assert_eq!(r, "#/components/responses/Problem");
            }
        }
    }

    #[test]
    fn the_list_filter_is_offered_as_query_parameters() {
        let doc = document();
        let names: Vec<&str> = doc["paths"]["/api/v1/entries"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"kind") && names.contains(&"limit"),
            "{names:?}"
        );
    }
}
