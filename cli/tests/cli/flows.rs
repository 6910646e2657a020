//! The commands of the foundation issue, end to end on real processes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use wiel_tests::{Node, practice_md};

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn id(out: &str) -> String {
    json(out)["id"].as_str().unwrap().to_owned()
}

#[test]
fn publish_ask_answer_react_show() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    // The national space stays the default; the province's is followed too.
    zwolle.set_config_line("spaces = [\"nl\"]", "spaces = [\"nl\", \"pv23\"]");
    let story = zwolle.publish(
        "---\nkind: story\ntitle: Buddy's voor jeugdconsulenten\nspace: pv23\ntags: [onboarding]\n\
         themes: [hrm, jeugdwet]\nsituation: Veel verloop\napproach: Een buddy\nresult: Minder verloop\n\
         lessons: Begin klein\n---\n\nHet eerste half jaar een vaste collega.\n",
    );
    let q = id(&zwolle.ok(&[
        "--json",
        "ask",
        "Hoe contracteren jullie jeugdhulp: lumpsum of p×q?",
        "--tag",
        "inkoop",
    ]));
    let a = id(&zwolle.ok(&["--json", "answer", &q[..8], "Wij kozen lumpsum."]));
    zwolle.ok(&["react", &story[..8], "--applied", "Overgenomen in Kampen"]);

    let thread = json(&zwolle.ok(&["--json", "show", &q[..10]]));
    assert_eq!(thread["entry"]["kind"], "question");
    assert_eq!(thread["entry"]["author_name"], "Gemeente Zwolle");
    assert_eq!(thread["answers"][0]["id"], a.as_str());
    let shown = zwolle.dutch(&["show", &story[..8]]);
    assert!(shown.contains("Buddy's voor jeugdconsulenten"));
    assert!(shown.contains("Situatie:\nVeel verloop"));
    assert!(shown.contains("hier toegepast — Gemeente Zwolle: Overgenomen in Kampen"));

    let s = json(&zwolle.ok(&["--json", "show", &story]));
    assert_eq!(s["entry"]["space"], "pv23");
    assert_eq!(s["entry"]["fields"]["story"]["lessons"], "Begin klein");

    // list: newest first; reactions and profiles only on request
    let list = json(&zwolle.ok(&["--json", "list"]));
    let kinds: Vec<&str> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["answer", "question", "story"]);
    let reactions = json(&zwolle.ok(&["--json", "list", "--kind", "reaction"]));
    assert_eq!(reactions["entries"].as_array().unwrap().len(), 1);
    let in_space = json(&zwolle.ok(&["--json", "list", "--space", "pv23"]));
    assert_eq!(in_space["entries"].as_array().unwrap().len(), 1);
    let by_author = json(&zwolle.ok(&["--json", "list", "--author", "GM0193", "--since", "1d"]));
    assert_eq!(by_author["entries"].as_array().unwrap().len(), 3);
    let none = json(&zwolle.ok(&["--json", "list", "--until", "2020-01-01"]));
    assert!(none["entries"].as_array().unwrap().is_empty());

    // search
    let found = json(&zwolle.ok(&["--json", "search", "lumpsum"]));
    let found_ids: Vec<&str> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert!(found_ids.contains(&q.as_str()) && found_ids.contains(&a.as_str()));
    let text = zwolle.dutch(&["search", "buddy"]);
    assert!(text.contains(" 1. Buddy's voor jeugdconsulenten"), "{text}");
}

#[test]
fn publish_from_stdin_with_flags() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let r = node.run_with_stdin(
        &[
            "--json",
            "publish",
            "--kind",
            "goed voorbeeld",
            "--title",
            "Via stdin",
            "--theme",
            "wmo",
        ],
        "Tekst uit een pijp.\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shown = json(&node.ok(&["--json", "show", &id(&r.stdout)]));
    assert_eq!(shown["entry"]["title"], "Via stdin");
    assert_eq!(shown["entry"]["text"], "Tekst uit een pijp.");
    assert_eq!(shown["entry"]["themes"][0], "wmo");
}

#[test]
fn edit_makes_a_new_version_and_list_shows_the_latest() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let v1 = node.publish(&practice_md("Eerste versie", "Oude tekst."));
    let f = node.path().join("v2.md");
    std::fs::write(&f, practice_md("Tweede versie", "Nieuwe tekst.")).unwrap();
    let edited = json(&node.ok(&["--json", "edit", &v1[..8], f.to_str().unwrap()]));
    let v2 = edited["new_version"]["id"].as_str().unwrap().to_owned();
    let list = json(&node.ok(&["--json", "list"]));
    assert_eq!(list["entries"].as_array().unwrap().len(), 1);
    assert_eq!(list["entries"][0]["id"], v2.as_str());
    let all = json(&node.ok(&["--json", "list", "--all-versions"]));
    assert_eq!(all["entries"].as_array().unwrap().len(), 2);
    let old = json(&node.ok(&["--json", "show", &v1]));
    assert_eq!(old["entry"]["superseded_by"], v2.as_str());
    assert_eq!(old["versions"].as_array().unwrap().len(), 2);
    // editing the old id edits the latest version; an unchanged file makes no version
    let same = node.ok(&["edit", &v1[..8], f.to_str().unwrap()]);
    assert!(same.contains("Nothing changed"), "{same}");
    assert_eq!(
        json(&node.ok(&["--json", "list", "--all-versions"]))["entries"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn retract_erases_every_version_and_travels_by_export() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let v1 = zwolle.publish(&practice_md(
        "Met persoonsgegevens",
        "Geheime tekst die weg moet.",
    ));
    let f = zwolle.path().join("v2.md");
    std::fs::write(
        &f,
        practice_md("Met persoonsgegevens (2)", "Nog steeds geheim."),
    )
    .unwrap();
    zwolle.ok(&["edit", &v1[..8], f.to_str().unwrap()]);

    // Kampen got both versions before the retraction.
    let kampen = Node::init("Gemeente Kampen", "GM0166");
    let early = zwolle.path().join("early.jsonl");
    std::fs::write(&early, zwolle.snapshot()).unwrap();
    kampen.ok(&["import", early.to_str().unwrap()]);
    assert!(kampen.snapshot().contains("Geheime tekst"));

    let out = zwolle.ok(&["retract", &v1[..8], "--reason", "bevat persoonsgegevens"]);
    assert!(out.contains("2 versions"), "{out}");
    let snap = zwolle.snapshot();
    assert!(!snap.contains("Geheime tekst") && !snap.contains("Nog steeds geheim"));
    assert!(
        json(&zwolle.ok(&["--json", "list"]))["entries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let shown = zwolle.dutch(&["show", &v1[..8]]);
    assert!(shown.contains("Ingetrokken door de auteur"), "{shown}");

    // The retraction reaches Kampen: the bodies are erased there too...
    let late = zwolle.path().join("late.jsonl");
    std::fs::write(&late, &snap).unwrap();
    kampen.ok(&["import", late.to_str().unwrap()]);
    let kampen_snap = kampen.snapshot();
    assert!(!kampen_snap.contains("Geheime tekst") && !kampen_snap.contains("Nog steeds geheim"));
    // ...and the old copy with body is refused when it comes back.
    let out = kampen.ok(&["import", early.to_str().unwrap()]);
    assert!(out.contains("0 new"), "{out}");
    assert!(!kampen.snapshot().contains("Geheime tekst"));
}

#[test]
fn export_import_round_trip_and_markdown() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    a.publish(&practice_md(
        "Samen inkopen",
        "Regionale inkoop van jeugdhulp.",
    ));
    a.ok(&["ask", "Wie doet mee?"]);
    let f = a.path().join("all.jsonl");
    a.ok(&["export", "--output", f.to_str().unwrap()]);
    let b = Node::init("Gemeente Kampen", "GM0166");
    let report = json(&b.ok(&["--json", "import", f.to_str().unwrap()]));
    assert_eq!(report["stored"], 3); // profile, practice, question
    let again = json(&b.ok(&["--json", "import", f.to_str().unwrap()]));
    assert_eq!(again["already_stored"], 3);
    // b holds a's entries byte for byte, and knows a's name
    let b_snap = b.snapshot();
    for line in a.snapshot().lines() {
        if line.starts_with("{\"trailer\"") {
            continue; // the last line counts what each export holds
        }
        assert!(b_snap.contains(line));
    }
    assert!(
        b.dutch(&["list", "--author", "zwolle"])
            .contains("Samen inkopen")
    );
    let md = a.ok(&["export", "--format", "md"]);
    assert!(md.contains("title: Samen inkopen") && md.contains("Regionale inkoop van jeugdhulp."));
}

#[test]
fn demo_runs_a_network_of_three_nodes() {
    let out = wiel_tests::wiel_command().arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // A question asked in Deventer reached Zwolle through Kampen, and the answer came back.
    assert!(text.contains("through Kampen to Gemeente Zwolle"), "{text}");
    assert!(text.contains("back at Gemeente Deventer"), "{text}");
    assert!(text.contains("Answers (1)"), "{text}");
    assert!(
        text.contains("Marktconsultatie vóór de aanbesteding"),
        "{text}"
    );
}
