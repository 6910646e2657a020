//! The OpenAPI document of the local API (`GET /openapi.json`), made from [`OPERATIONS`]:
//! each route with its method and the very types its handler takes and answers, whose
//! JSON Schemas `schemars` derives. Nothing is written by hand twice: a field added to a
//! view is in the document at once, and a test (`cli/tests/cli/openapi.rs`) sends every
//! operation to a running node and checks what it answers against the document.

use std::collections::BTreeMap;

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};
use wiel_protocol::{EntryId, OrgKey};

use super::routes;
use super::*;

/// What travels in a request or an answer.
#[derive(Clone, Copy)]
pub enum Payload {
    Nothing,
    /// JSON of a type, its schema made on demand.
    Json(fn(&mut SchemaGenerator) -> Schema),
    /// Text of a media type (`text/plain`, `application/jsonl`).
    Text(&'static str),
}

/// JSON of type `T`.
fn json<T: JsonSchema>() -> Payload {
    Payload::Json(|generator| generator.subschema_for::<T>())
}

/// One operation of the API.
#[derive(Clone, Copy)]
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Query parameters: the properties of this type's schema.
    pub query: Option<fn(&mut SchemaGenerator) -> Schema>,
    pub request: Payload,
    pub answer: Payload,
}

const fn op(method: &'static str, path: &'static str, summary: &'static str) -> Operation {
    Operation {
        method,
        path,
        summary,
        query: None,
        request: Payload::Nothing,
        answer: Payload::Nothing,
    }
}

impl Operation {
    fn takes(self, request: Payload) -> Self {
        Self { request, ..self }
    }
    fn answers(self, answer: Payload) -> Self {
        Self { answer, ..self }
    }
    fn query<T: JsonSchema>(self) -> Self {
        Self {
            query: Some(|generator| T::json_schema(generator)),
            ..self
        }
    }
}

/// Every operation the router serves (`api::router`), in the order of the document.
pub fn operations() -> Vec<Operation> {
    use crate::service::{ImportReport, NewEntry, ReindexReport};
    use crate::view::{SearchResults, TrustReport};
    use crate::{Listing, Published, ThreadView};
    vec![
        op(
            "get",
            routes::HEALTH,
            "Whether the node answers (what the CLI asks first)",
        )
        .answers(json::<Health>()),
        op(
            "get",
            routes::STATUS,
            "This node: store, spaces, network, counters",
        )
        .answers(json::<StatusView>()),
        op(
            "get",
            routes::PEERS,
            "Connected peers with their organisation",
        )
        .answers(json::<Vec<PeerEntry>>()),
        op(
            "post",
            routes::PEERS,
            "Connect to a peer at an address ending in /p2p/<peer id>",
        )
        .takes(json::<ConnectRequest>())
        .answers(json::<Connected>()),
        op("get", routes::ENTRIES, "Entries, newest first")
            .query::<wiel_store::ListFilter>()
            .answers(json::<Listing>()),
        op(
            "post",
            routes::ENTRIES,
            "Publish a new entry (signed here, passed on at once)",
        )
        .takes(json::<NewEntry>())
        .answers(json::<Published>()),
        op(
            "get",
            routes::ENTRY,
            "An entry (id or unique prefix) with its thread",
        )
        .answers(json::<ThreadView>()),
        op("post", routes::ANSWERS, "Answer a question")
            .takes(json::<AnswerRequest>())
            .answers(json::<Published>()),
        op(
            "post",
            routes::RETRACTION,
            "Retract every version of an own entry",
        )
        .takes(json::<RetractRequest>())
        .answers(json::<Vec<Published>>()),
        op(
            "get",
            routes::EDIT_SOURCE,
            "The newest version of an own entry, to edit",
        )
        .answers(json::<EditSource>()),
        op(
            "post",
            routes::VERSIONS,
            "Publish a new version; null when nothing changed",
        )
        .takes(json::<NewVersionRequest>())
        .answers(json::<Option<Published>>()),
        op("get", routes::RESOLVE, "The full id of a unique id prefix").answers(json::<EntryId>()),
        op("post", routes::SEARCH, "Search in Dutch, best first")
            .takes(json::<SearchRequest>())
            .answers(json::<SearchResults>()),
        op("post", routes::REINDEX, "Build the search index anew").answers(json::<ReindexReport>()),
        op(
            "post",
            routes::CHECK,
            "Check every stored entry; quarantine and fetch again what is damaged",
        )
        .answers(json::<wiel_store::CheckReport>()),
        op(
            "post",
            routes::COMPACT,
            "Rewrite the entry log without the bytes of retracted entries",
        )
        .answers(json::<wiel_store::Compacted>()),
        op(
            "get",
            routes::ORGANISATIONS,
            "Known organisations: key → name",
        )
        .answers(json::<BTreeMap<OrgKey, String>>()),
        op(
            "get",
            routes::ORGANISATIONS_RESOLVE,
            "An organisation by CBS code, name or key",
        )
        .query::<AuthorQuery>()
        .answers(json::<OrgKey>()),
        op(
            "post",
            routes::IMPORT,
            "Import signed JSON lines; all or nothing",
        )
        .takes(Payload::Text("text/plain"))
        .answers(json::<ImportReport>()),
        op("get", routes::EXPORT, "Every entry as signed JSON lines")
            .answers(Payload::Text("application/jsonl")),
        op(
            "get",
            routes::BACKUP,
            "A checksummed backup of this node (read by wiel restore)",
        )
        .answers(Payload::Text("application/jsonl")),
        op(
            "post",
            routes::SYNC,
            "Start a catch-up sync with one peer, or every connected peer",
        )
        .takes(json::<SyncRequest>())
        .answers(json::<SyncStarted>()),
        op("get", routes::SYNC_RUN, "Progress of a sync run")
            .answers(json::<crate::network::SyncReport>()),
        op("post", routes::ENDORSEMENTS, "Vouch for an organisation")
            .takes(json::<EndorseRequest>())
            .answers(json::<Published>()),
        op(
            "post",
            routes::ENDORSEMENT_WITHDRAWAL,
            "Withdraw this organisation's endorsements of another",
        )
        .takes(json::<WithdrawRequest>())
        .answers(json::<Vec<Published>>()),
        op(
            "post",
            routes::KEY_REVOCATION,
            "Revoke a key of this organisation from a moment on",
        )
        .takes(json::<RevokeRequest>())
        .answers(json::<Option<Published>>()),
        op(
            "get",
            routes::TRUST,
            "Trust: mode, roots, trusted organisations and who vouches, revoked keys",
        )
        .answers(json::<TrustReport>()),
        op(
            "post",
            routes::TRUST_ROOTS,
            "Add a trusted root, or take one away",
        )
        .takes(json::<TrustRootRequest>())
        .answers(json::<TrustReport>()),
        op(
            "post",
            routes::WEB_LOGIN,
            "A login link for the web page: once, within ten minutes",
        )
        .answers(json::<WebLogin>()),
        op("get", routes::OPENAPI, "This document").answers(json::<Value>()),
    ]
}

fn content(payload: Payload, generator: &mut SchemaGenerator) -> Option<Value> {
    match payload {
        Payload::Nothing => None,
        Payload::Json(schema) => {
            Some(json!({ "application/json": { "schema": schema(generator) } }))
        }
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
        if let Some(query) = operation.query {
            let schema = query(&mut generator);
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (name, property) in properties {
                    parameters.push(json!({
                        "name": name, "in": "query", "required": false, "schema": property,
                    }));
                }
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
        if let Some(body) = content(operation.request, &mut generator) {
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
    path.split('/')
        .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
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
        for route in routes::ALL {
            assert!(paths.contains_key(route), "{route} is not in the document");
        }
        for path in paths.keys() {
            assert!(routes::ALL.contains(&path.as_str()), "{path} is no route");
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
        let names: Vec<&str> = doc["paths"][routes::ENTRIES]["get"]["parameters"]
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
