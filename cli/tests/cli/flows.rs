//! The commands of the foundation issue, end to end on real processes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_node::ThreadView;
use wiel_node::service::{Edited, ImportReport};
use wiel_node::view::{Listing, SearchResults};
use wiel_protocol::{Kind, KindFields};
use wiel_tests::published_id as id;
use wiel_tests::{Node, practice_md};

/// Ids of a listing's entries, newest first.
fn ids(listing: &Listing) -> Vec<String> {
    listing.entries.iter().map(|e| e.id.to_hex()).collect()
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

    let thread: ThreadView = zwolle.json(&["show", &q[..10]]);
    assert_eq!(thread.entry.kind, Kind::Question);
    assert_eq!(thread.entry.author_name.as_deref(), Some("Gemeente Zwolle"));
    assert_eq!(thread.answers[0].id.to_hex(), a);
    let shown = zwolle.dutch(&["show", &story[..8]]);
    assert!(shown.contains("Buddy's voor jeugdconsulenten"));
    assert!(shown.contains("Situatie:\nVeel verloop"));
    assert!(shown.contains("hier toegepast — Gemeente Zwolle: Overgenomen in Kampen"));

    let s: ThreadView = zwolle.json(&["show", &story]);
    assert_eq!(s.entry.space.as_str(), "pv23");
    assert!(
        matches!(&s.entry.fields, Some(KindFields::Story { lessons, .. }) if lessons == "Begin klein"),
        "{s:?}"
    );

    // list: newest first; reactions and profiles only on request
    let list: Listing = zwolle.json(&["list"]);
    let kinds: Vec<Kind> = list.entries.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![Kind::Answer, Kind::Question, Kind::Story]);
    let reactions: Listing = zwolle.json(&["list", "--kind", "reaction"]);
    assert_eq!(reactions.entries.len(), 1);
    let in_space: Listing = zwolle.json(&["list", "--space", "pv23"]);
    assert_eq!(in_space.entries.len(), 1);
    let by_author: Listing = zwolle.json(&["list", "--author", "GM0193", "--since", "1d"]);
    assert_eq!(by_author.entries.len(), 3);
    let none: Listing = zwolle.json(&["list", "--until", "2020-01-01"]);
    assert!(none.entries.is_empty());

    // search
    let found: SearchResults = zwolle.json(&["search", "lumpsum"]);
    let found_ids: Vec<String> = found.results.iter().map(|e| e.id.to_hex()).collect();
    assert!(found_ids.contains(&q) && found_ids.contains(&a));
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
    let shown: ThreadView = node.json(&["show", &id(&r.stdout)]);
    assert_eq!(shown.entry.title.as_deref(), Some("Via stdin"));
    assert_eq!(shown.entry.text.as_deref(), Some("Tekst uit een pijp."));
    assert_eq!(shown.entry.themes[0], "wmo");
}

#[test]
fn edit_makes_a_new_version_and_list_shows_the_latest() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let v1 = node.publish(&practice_md("Eerste versie", "Oude tekst."));
    let f = node.path().join("v2.md");
    std::fs::write(&f, practice_md("Tweede versie", "Nieuwe tekst.")).unwrap();
    let edited: Edited = node.json(&["edit", &v1[..8], f.to_str().unwrap()]);
    let v2 = edited.new_version.unwrap().id.to_hex();
    let list: Listing = node.json(&["list"]);
    assert_eq!(ids(&list), vec![v2.clone()]);
    let all: Listing = node.json(&["list", "--all-versions"]);
    assert_eq!(all.entries.len(), 2);
    let old: ThreadView = node.json(&["show", &v1]);
    assert_eq!(old.entry.superseded_by.map(|i| i.to_hex()), Some(v2));
    assert_eq!(old.versions.len(), 2);
    // editing the old id edits the latest version; an unchanged file makes no version
    let same = node.ok(&["edit", &v1[..8], f.to_str().unwrap()]);
    assert!(same.contains("Nothing changed"), "{same}");
    assert_eq!(
        node.json::<Listing>(&["list", "--all-versions"])
            .entries
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
    assert!(zwolle.json::<Listing>(&["list"]).entries.is_empty());
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
    let report: ImportReport = b.json(&["import", f.to_str().unwrap()]);
    assert_eq!(report.stored, 3); // profile, practice, question
    let again: ImportReport = b.json(&["import", f.to_str().unwrap()]);
    assert_eq!(again.already_stored, 3);
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
