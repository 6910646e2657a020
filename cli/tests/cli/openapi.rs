//! The OpenAPI document against the router: every operation the document names is sent to
//! a running node, and what the node answers is checked against the document — an answer
//! against the schema of the answer, a refusal as problem details of a route that exists.
//! A route the document lacks, or a documented one the router does not serve, fails here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use serde_json::{Value, json};
use wiel_tests::{Daemon, Node};

/// A running node's local API, called as any client would.
struct Api {
    base: String,
    token: String,
    agent: ureq::Agent,
}

impl Api {
    fn of(node: &Node) -> Api {
        let endpoint: Value =
            serde_json::from_str(&std::fs::read_to_string(node.path().join("api.json")).unwrap())
                .unwrap();
        Api {
            base: format!("http://{}", endpoint["address"].as_str().unwrap()),
            token: std::fs::read_to_string(node.path().join("api.token"))
                .unwrap()
                .trim()
                .to_owned(),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
        }
    }

    /// Status, content type and body of one call.
    fn call(&self, method: &str, path: &str, body: Option<&Body>) -> (u16, String, String) {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {}", self.token);
        let answer = match (method, body) {
            ("get", _) => self.agent.get(&url).header("Authorization", &auth).call(),
            ("post", Some(Body::Json(v))) => self
                .agent
                .post(&url)
                .header("Authorization", &auth)
                .send_json(v),
            ("post", Some(Body::Text(t))) => self
                .agent
                .post(&url)
                .header("Authorization", &auth)
                .header("Content-Type", "text/plain")
                .send(t.as_str()),
            ("post", None) => self
                .agent
                .post(&url)
                .header("Authorization", &auth)
                .send_empty(),
            _ => panic!("the document names method {method}"),
        };
        let mut answer = answer.unwrap();
        let status = answer.status().as_u16();
        let kind = answer
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = answer.body_mut().read_to_string().unwrap();
        (status, kind, text)
    }
}

enum Body {
    Json(Value),
    Text(String),
}

/// What a call should bring: the answer the document describes, or a refusal.
enum Expect {
    Answer,
    Refusal,
}

/// `instance` against `schema`, whose references point into the document's components.
fn violations(doc: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    let mut root = schema.clone();
    if let Value::Object(map) = &mut root {
        map.insert("components".into(), doc["components"].clone());
    }
    let validator = jsonschema::validator_for(&root).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} (at {})", e.instance_path))
        .collect()
}

fn id_of(published: &str) -> String {
    serde_json::from_str::<Value>(published).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn every_documented_operation_is_served_and_answers_as_documented() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let question = id_of(&node.ok(&["--json", "ask", "Wie heeft ervaring met lumpsum?"]));
    let to_retract = id_of(&node.ok(&["--json", "ask", "Wat kost een inburgeringstraject?"]));
    let export = node.ok(&["export"]);
    let _daemon = Daemon::start(&node, &[]);
    let api = Api::of(&node);

    let (status, _, text) = api.call("get", "/openapi.json", None);
    assert_eq!(status, 200, "{text}");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let own_key =
        serde_json::from_str::<Value>(&node.ok(&["--json", "status"])).unwrap()["org_key"]
            .as_str()
            .unwrap()
            .to_owned();
    let edit_source = api
        .call(
            "get",
            &format!("/api/v1/entries/{question}/edit-source"),
            None,
        )
        .2;
    let edit_source: Value = serde_json::from_str(&edit_source).unwrap();
    let mut new_body = edit_source["body"].clone();
    new_body["title"] = json!("Wie heeft ervaring met lumpsum in de jeugdhulp?");
    let mut other_body = edit_source["body"].clone();
    other_body["title"] = json!("Wie deelt een model voor thuiswerken?");

    // Each operation: the path with its parameter filled in, what is sent, what is expected.
    let id = &question[..12];
    let calls: Vec<(&str, &str, String, Option<Body>, Expect)> = vec![
        (
            "get",
            "/api/v1/health",
            "/api/v1/health".into(),
            None,
            Expect::Answer,
        ),
        (
            "get",
            "/api/v1/status",
            "/api/v1/status".into(),
            None,
            Expect::Answer,
        ),
        (
            "get",
            "/api/v1/peers",
            "/api/v1/peers".into(),
            None,
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/peers",
            "/api/v1/peers".into(),
            Some(Body::Json(json!({ "address": "geen adres" }))),
            Expect::Refusal,
        ),
        (
            "get",
            "/api/v1/entries",
            "/api/v1/entries?kind=question&limit=5".into(),
            None,
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/entries",
            "/api/v1/entries".into(),
            Some(Body::Json(
                json!({ "kind": "question", "space": null, "refs": [], "body": other_body }),
            )),
            Expect::Answer,
        ),
        (
            "get",
            "/api/v1/entries/{id}",
            format!("/api/v1/entries/{id}"),
            None,
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/entries/{id}/answers",
            format!("/api/v1/entries/{id}/answers"),
            Some(Body::Json(
                json!({ "text": "Wij werken met lumpsum sinds 2022." }),
            )),
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/entries/{id}/retraction",
            format!("/api/v1/entries/{}/retraction", &to_retract[..12]),
            Some(Body::Json(json!({ "reason": null }))),
            Expect::Answer,
        ),
        (
            "get",
            "/api/v1/entries/{id}/edit-source",
            format!("/api/v1/entries/{id}/edit-source"),
            None,
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/versions",
            "/api/v1/versions".into(),
            Some(Body::Json(
                json!({ "source": edit_source, "body": new_body, "space": null }),
            )),
            Expect::Answer,
        ),
        (
            "get",
            "/api/v1/resolve/{prefix}",
            format!("/api/v1/resolve/{id}"),
            None,
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/search",
            "/api/v1/search".into(),
            Some(Body::Json(json!({ "query": "lumpsum", "filter": {} }))),
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/reindex",
            "/api/v1/reindex".into(),
            None,
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/check",
            "/api/v1/check".into(),
            None,
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/compact",
            "/api/v1/compact".into(),
            None,
            Expect::Answer,
        ),
        (
            "get",
            "/api/v1/organisations",
            "/api/v1/organisations".into(),
            None,
            Expect::Answer,
        ),
        (
            "get",
            "/api/v1/organisations/resolve",
            "/api/v1/organisations/resolve?q=GM0193".into(),
            None,
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/import",
            "/api/v1/import".into(),
            Some(Body::Text(export)),
            Expect::Answer,
        ),
        (
            "get",
            "/api/v1/export",
            "/api/v1/export".into(),
            None,
            Expect::Answer,
        ),
        (
            "get",
            "/api/v1/backup",
            "/api/v1/backup".into(),
            None,
            Expect::Answer,
        ),
        // No peer is connected: the sync is refused, and its run is unknown.
        (
            "post",
            "/api/v1/sync",
            "/api/v1/sync".into(),
            Some(Body::Json(json!({ "peer": null }))),
            Expect::Refusal,
        ),
        (
            "get",
            "/api/v1/sync/{run}",
            "/api/v1/sync/4711".into(),
            None,
            Expect::Refusal,
        ),
        (
            "post",
            "/api/v1/endorsements",
            "/api/v1/endorsements".into(),
            Some(Body::Json(
                json!({ "organisation": "GM0000", "name": null, "code": null }),
            )),
            Expect::Refusal,
        ),
        (
            "post",
            "/api/v1/endorsements/withdrawal",
            "/api/v1/endorsements/withdrawal".into(),
            Some(Body::Json(json!({ "organisation": "GM0000" }))),
            Expect::Refusal,
        ),
        // Revoking this node's own key would end the test; a key that is not its own is refused.
        (
            "post",
            "/api/v1/keys/revocation",
            "/api/v1/keys/revocation".into(),
            Some(Body::Json(json!({ "key": "11".repeat(32) }))),
            Expect::Refusal,
        ),
        (
            "get",
            "/api/v1/trust",
            "/api/v1/trust".into(),
            None,
            Expect::Answer,
        ),
        (
            "post",
            "/api/v1/trust/roots",
            "/api/v1/trust/roots".into(),
            Some(Body::Json(json!({ "organisation": own_key }))),
            Expect::Refusal,
        ),
        (
            "post",
            "/api/v1/web/login",
            "/api/v1/web/login".into(),
            None,
            Expect::Answer,
        ),
        (
            "get",
            "/openapi.json",
            "/openapi.json".into(),
            None,
            Expect::Answer,
        ),
    ];

    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    let called: BTreeSet<(String, String)> = calls
        .iter()
        .map(|(m, p, ..)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        documented, called,
        "the operations of the document are the ones this test calls"
    );

    for (method, path, url, body, expect) in &calls {
        let operation = &doc["paths"][path][method];
        let (status, kind, text) = api.call(method, url, body.as_ref());
        let what = format!("{} {url}", method.to_uppercase());
        match expect {
            Expect::Answer => {
                assert_eq!(status, 200, "{what}: {text}");
                let content = operation["responses"]["200"]["content"]
                    .as_object()
                    .unwrap();
                let (media, described) = content.iter().next().unwrap();
                assert!(
                    kind.starts_with(media.as_str()),
                    "{what}: {kind}, documented {media}"
                );
                if media == "application/json" {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    let errors = violations(&doc, &described["schema"], &value);
                    assert!(
                        errors.is_empty(),
                        "{what} answers off the document: {errors:?}\n{text}"
                    );
                }
            }
            Expect::Refusal => {
                assert!((400..500).contains(&status), "{what}: {status} {text}");
                assert_ne!(status, 405, "{what} is not served");
                assert!(
                    kind.starts_with("application/problem+json"),
                    "{what}: {kind}"
                );
                let problem: Value = serde_json::from_str(&text).unwrap();
                let schema = &doc["components"]["responses"]["Problem"]["content"]["application/problem+json"]
                    ["schema"];
                assert!(
                    violations(&doc, schema, &problem).is_empty(),
                    "{what}: {text}"
                );
                assert!(
                    !problem["detail"]
                        .as_str()
                        .unwrap()
                        .starts_with("no such route"),
                    "{what} is not served: {text}"
                );
            }
        }
    }
}
