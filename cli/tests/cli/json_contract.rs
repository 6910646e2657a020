//! JSON as a contract: each command's `--json` output has one schema, generated from the
//! type the node serves and kept in `docs/json/`; every field is always there (null where
//! empty). These tests check that the documented schemas are current and that real
//! output of every command validates against its schema.
//!
//! After changing a view type: `WIEL_WRITE_SCHEMAS=1 cargo test -p wiel-cli --test cli json_contract`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use schemars::JsonSchema;
use serde_json::Value;
use wiel_node::service::{Edited, ImportReport, Retracted};
use wiel_node::view::{SearchResults, TrustReport};
use wiel_node::{Listing, Published, ThreadView};
use wiel_tests::StatusFacts;
use wiel_tests::{Daemon, Node, wait_for};

/// The schema of `T`, with every property of every object required: a field is never
/// left out, it is null (or empty) instead.
fn schema<T: JsonSchema>() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
    require_all(&mut schema);
    schema
}

fn require_all(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                let all: Vec<Value> = props.keys().map(|k| Value::String(k.clone())).collect();
                map.insert("required".to_owned(), Value::Array(all));
            }
            map.values_mut().for_each(require_all);
        }
        Value::Array(items) => items.iter_mut().for_each(require_all),
        _ => {}
    }
}

/// Each documented schema: its file name and the schema. Commands that print the same
/// type share one file (named in `docs/json/README.md`).
fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("listing", schema::<Listing>()),
        ("thread", schema::<ThreadView>()),
        ("search", schema::<SearchResults>()),
        ("published", schema::<Published>()),
        ("retracted", schema::<Retracted>()),
        ("edited", schema::<Edited>()),
        ("import", schema::<ImportReport>()),
        ("trust-list", schema::<TrustReport>()),
        ("web-login", schema::<wiel_node::wire::WebLogin>()),
        ("status", schema::<wiel_node::wire::StatusView>()),
        ("peers", schema::<Vec<wiel_node::wire::PeerEntry>>()),
        ("doctor", schema::<wiel_node::doctor::DoctorReport>()),
        ("init", schema::<wiel_node::reports::Initialised>()),
        ("key-rotate", schema::<wiel_node::reports::KeyRotated>()),
        ("config-check", schema::<wiel_node::reports::ConfigCheck>()),
        ("backup", schema::<wiel_node::reports::BackedUp>()),
        ("restore", schema::<wiel_node::service::Restored>()),
        ("manual", schema::<wiel_node::reports::ManualWritten>()),
        ("connect", schema::<wiel_node::wire::Connected>()),
        ("sync", schema::<wiel_node::network::SyncReport>()),
        ("reindex", schema::<wiel_node::service::ReindexReport>()),
        ("check", schema::<wiel_store::CheckReport>()),
        ("compact", schema::<wiel_store::Compacted>()),
    ]
}

fn docs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("docs/json")
}

fn documented(name: &str) -> Value {
    let path = docs().join(format!("{name}.schema.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn the_documented_schemas_are_current() {
    let write = std::env::var_os("WIEL_WRITE_SCHEMAS").is_some();
    for (name, schema) in schemas() {
        let path = docs().join(format!("{name}.schema.json"));
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if write {
            std::fs::create_dir_all(docs()).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == text,
            "docs/json/{name}.schema.json is out of date: run WIEL_WRITE_SCHEMAS=1 cargo test -p wiel-cli --test cli json_contract"
        );
    }
}

/// Where `value` breaks the documented schema `name`.
fn violations(name: &str, value: &Value) -> Vec<String> {
    let schema = documented(name);
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator
        .iter_errors(value)
        .map(|e| format!("{e} (at {})", e.instance_path))
        .collect()
}

/// Checks `output` (one command's `--json` output) against the documented schema `name`.
fn check(name: &str, command: &str, output: &str) {
    let value: Value = serde_json::from_str(output)
        .unwrap_or_else(|e| panic!("`{command}` printed no JSON ({e}): {output}"));
    let errors = violations(name, &value);
    assert!(
        errors.is_empty(),
        "`{command}` does not match docs/json/{name}.schema.json: {errors:?}\n{output}"
    );
}

fn id(published: &str) -> String {
    serde_json::from_str::<Value>(published).unwrap()["id"]
        .as_str()
        .unwrap()[..12]
        .to_owned()
}

#[test]
fn every_command_output_matches_its_schema() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let kampen = Node::init("Gemeente Kampen", "GM0166");
    let story = zwolle.path().join("story.md");
    std::fs::write(
        &story,
        "---\nkind: story\ntitle: Buddy's voor jeugdconsulenten\nsituation: Verloop\n\
         approach: Een buddy\nresult: Minder verloop\nlessons: Begin klein\n---\n\nTekst.\n",
    )
    .unwrap();
    let run = |node: &Node, args: &[&str]| {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        (args.join(" "), node.ok(&all))
    };

    let (c, out) = run(&zwolle, &["publish", story.to_str().unwrap()]);
    check("published", &c, &out);
    let story_id = id(&out);
    let (c, out) = run(&zwolle, &["ask", "Lumpsum of p×q bij jeugdhulp?"]);
    check("published", &c, &out);
    let question = id(&out);

    let carried = kampen.path().join("from-zwolle.jsonl");
    std::fs::write(&carried, zwolle.snapshot()).unwrap();
    let (c, out) = run(&kampen, &["import", carried.to_str().unwrap()]);
    check("import", &c, &out);
    let (c, out) = run(&kampen, &["answer", &question, "Wij kiezen lumpsum."]);
    check("published", &c, &out);
    let answer = id(&out);
    let (c, out) = run(&kampen, &["react", &story_id, "--works", "Ook bij ons"]);
    check("published", &c, &out);
    let back = zwolle.path().join("from-kampen.jsonl");
    std::fs::write(&back, kampen.snapshot()).unwrap();
    let (c, out) = run(&zwolle, &["import", back.to_str().unwrap()]);
    check("import", &c, &out);
    let (c, out) = run(&zwolle, &["accept", &answer]);
    check("published", &c, &out);

    // The schemas bite: a field left out, or of another type, is caught.
    let (_, out) = run(&zwolle, &["list"]);
    let mut listing: Value = serde_json::from_str(&out).unwrap();
    listing["entries"][0]
        .as_object_mut()
        .unwrap()
        .remove("question_title");
    assert!(!violations("listing", &listing).is_empty());
    listing["more"] = Value::String("nee".into());
    assert!(!violations("listing", &listing).is_empty());

    for args in [
        vec!["list"],
        vec!["list", "--untrusted", "--limit", "1"],
        vec!["questions"],
        vec!["questions", "--open"],
    ] {
        let (c, out) = run(&zwolle, &args);
        check("listing", &c, &out);
    }
    for target in [&story_id, &question, &answer] {
        let (c, out) = run(&zwolle, &["show", target]);
        check("thread", &c, &out);
    }
    for words in ["jeugdconsulenten", "lumpsum", "xqzvwkj", "jeugdconsulentn"] {
        let (c, out) = run(&zwolle, &["search", words]);
        check("search", &c, &out);
    }
    let (c, out) = run(&zwolle, &["trust", "list"]);
    check("trust-list", &c, &out);

    let edited = zwolle.path().join("edited.md");
    std::fs::write(
        &edited,
        "---\nkind: story\ntitle: Buddy's voor alle nieuwe collega's\nsituation: Verloop\n\
         approach: Een buddy\nresult: Minder verloop\nlessons: Begin klein\n---\n\nTekst.\n",
    )
    .unwrap();
    let (c, out) = run(&zwolle, &["edit", &story_id, edited.to_str().unwrap()]);
    check("edited", &c, &out);
    let (c, out) = run(&zwolle, &["edit", &story_id, edited.to_str().unwrap()]);
    check("edited", &c, &out);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["new_version"],
        Value::Null
    );
    let (c, out) = run(&zwolle, &["retract", &story_id]);
    check("retracted", &c, &out);

    // Where --json has no meaning, it is refused rather than ignored.
    for args in [["--json", "export"], ["--json", "node"]] {
        let err = zwolle.fails(&args);
        assert!(err.contains("--json does not go with"), "{err}");
    }
}

#[test]
fn status_peers_and_doctor_match_their_schemas() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let kampen = Node::init("Gemeente Kampen", "GM0166");
    // Without a running node: no network part.
    check("status", "status", &zwolle.ok(&["--json", "status"]));
    let doctor = zwolle.run(&["--json", "doctor"]);
    check("doctor", "doctor (no node)", &doctor.stdout);
    let dz = Daemon::start_with(&zwolle, &[], &["--no-kademlia"]);
    let _dk = Daemon::start_with(&kampen, &[&dz.address], &["--no-kademlia"]);
    wait_for(
        "the nodes to connect",
        std::time::Duration::from_secs(30),
        || (zwolle.status().peers() >= 1).then_some(()),
    );
    check(
        "status",
        "status (running)",
        &zwolle.ok(&["--json", "status"]),
    );
    let peers = zwolle.ok(&["--json", "peers"]);
    assert!(peers.contains("Gemeente Kampen"), "{peers}");
    check("peers", "peers", &peers);
    check(
        "connect",
        "connect",
        &kampen.ok(&["--json", "connect", &dz.address]),
    );
    check("sync", "sync", &kampen.ok(&["--json", "sync"]));
    let doctor = zwolle.run(&["--json", "doctor"]);
    check("doctor", "doctor (running)", &doctor.stdout);
}

#[test]
fn setting_up_and_keeping_a_node_match_their_schemas() {
    let node = Node::empty();
    let init = node.ok(&[
        "--json",
        "init",
        "--name",
        "Gemeente Zwolle",
        "--code",
        "GM0193",
        "--network",
        "wiel-test",
    ]);
    check("init", "init", &init);
    assert_eq!(
        serde_json::from_str::<Value>(&init).unwrap()["org_key"],
        node.org_key().as_str(),
        "the same name as in status"
    );
    let (c, out) = (
        String::from("config check"),
        node.ok(&["--json", "config", "check"]),
    );
    check("config-check", &c, &out);
    node.ok(&["ask", "Hoe werven jullie jongeren?"]);
    check("reindex", "reindex", &node.ok(&["--json", "reindex"]));
    check("check", "check", &node.ok(&["--json", "check"]));
    check("compact", "compact", &node.ok(&["--json", "compact"]));
    let file = node.path().join("zwolle.wielbackup");
    check(
        "backup",
        "backup",
        &node.ok(&["--json", "backup", file.to_str().unwrap()]),
    );
    let restored = Node::empty();
    check(
        "restore",
        "restore",
        &restored.ok(&["--json", "restore", file.to_str().unwrap()]),
    );
    let pages = node.path().join("man");
    // (`Node::ok` names the data directory, which `manual` refuses.)
    let manual = wiel_tests::wiel_command()
        .args(["--json", "manual", pages.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(manual.status.success());
    check(
        "manual",
        "manual",
        &String::from_utf8(manual.stdout).unwrap(),
    );
    check(
        "key-rotate",
        "key rotate",
        &node.ok(&["--json", "key", "rotate"]),
    );
    let old =
        serde_json::from_str::<Value>(&restored.ok(&["--json", "status"])).unwrap()["org_key"]
            .as_str()
            .unwrap()
            .to_owned();
    check(
        "published",
        "key revoke",
        &node.ok(&["--json", "key", "revoke", &old, "--yes"]),
    );
}
