//! The privacy guard through the real `wiel` binary, offline and through a running node:
//! what blocks is never signed, what it asks about needs `--yes` (there is no terminal
//! here to ask at), the contact field may hold a work address, and an entry with a BSN
//! that arrives from elsewhere is stored but flagged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_node::ThreadView;
use wiel_node::exchange::ExportLine;
use wiel_node::service::Retracted;
use wiel_protocol::privacy::FindingKind;
use wiel_protocol::{Body, Draft, Kind, SpaceName, Timestamp, testing};
use wiel_tests::published_id;
use wiel_tests::{Daemon, Node, expect_one_line_error, practice_md};

fn file(node: &Node, name: &str, text: &str) -> String {
    let p = node.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// Runs the guard's bad inputs on `node` (offline or through its running node).
fn blocks_and_asks(node: &Node) {
    let before = node.snapshot();
    // A BSN next to its keyword: refused, even with --yes, with the place named.
    let bsn = file(
        node,
        "bsn.md",
        &practice_md("Casus", "Over de cliënt.\nZijn BSN is 111222333, let op."),
    );
    for args in [
        vec!["publish", bsn.as_str()],
        vec!["publish", bsn.as_str(), "--yes"],
    ] {
        let err = expect_one_line_error(node.run(&args), &args);
        assert!(err.contains("holds personal data of a citizen"), "{err}");
        assert!(
            err.contains("BSN 111…33 in the text at line 2, column 13"),
            "{err}"
        );
    }
    // An IBAN that passes mod 97, in a question.
    let args = ["ask", "Wie betaalt naar NL91 ABNA 0417 1643 00?", "--yes"];
    let err = expect_one_line_error(node.run(&args), &args);
    assert!(
        err.contains("IBAN NL9…00 in the title at line 1, column 18"),
        "{err}"
    );
    // A phone number in the text asks; without a terminal that means --yes.
    let args = ["answer", "abcd", "Bel mevrouw op 06-12345678."];
    let err = expect_one_line_error(node.run(&args), &args);
    assert!(err.contains("may hold personal data"), "{err}");
    assert!(
        err.contains("phone number 06-…78 in the text at line 1, column 16"),
        "{err}"
    );
    assert!(err.contains("--yes"), "{err}");
    let mail = file(
        node,
        "mail.md",
        &practice_md("Aanpak", "Mail de ouder op ouder@example.nl."),
    );
    let args = ["publish", mail.as_str()];
    let err = expect_one_line_error(node.run(&args), &args);
    assert!(err.contains("e-mail address"), "{err}");
    assert_eq!(node.snapshot(), before, "nothing was stored");

    // With --yes it goes out; a work address in the contact field needs nothing.
    node.ok(&["publish", &mail, "--yes"]);
    let contact = file(
        node,
        "contact.md",
        "---\nkind: practice\ntitle: Inwerken\ncontact: hr@zwolle.example, 038-4981234\n---\n\nEen buddy per nieuwe collega.\n",
    );
    node.ok(&["publish", &contact]);
    // Ordinary numbers pass without a question.
    node.ok(&[
        "ask",
        "Budget € 250000000 in 2025, artikel 2.3.6 Jeugdwet, overleg op 12-03-2025: wie herkent dit?",
    ]);
}

#[test]
fn the_guard_blocks_and_asks_before_signing_offline() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    blocks_and_asks(&node);
}

#[test]
fn the_guard_blocks_and_asks_through_a_running_node() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let _daemon = Daemon::start(&node, &[]);
    blocks_and_asks(&node);
}

#[test]
fn an_incoming_entry_with_a_bsn_is_stored_but_flagged() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    // Signed elsewhere, by a node without the guard.
    let entry = Draft {
        network: testing::network(),
        space: SpaceName::national(),
        kind: Kind::Story,
        refs: vec![],
        created_at: Timestamp::now(),
        body: Body {
            title: "Casus schuldhulp".into(),
            text: "Burgerservicenummer 111222333 stond in het dossier.".into(),
            ..Body::default()
        },
    };
    let mut entry = entry;
    entry.body.fields = wiel_protocol::KindFields::Story {
        situation: "s".into(),
        approach: "a".into(),
        result: "r".into(),
        lessons: "l".into(),
    };
    let entry = entry.sign(&testing::key(9), &testing::rules()).unwrap();
    let id = entry.id().to_string();
    let f = file(
        &node,
        "in.jsonl",
        &serde_json::to_string(&ExportLine::new(&entry)).unwrap(),
    );
    node.ok(&["import", &f]);
    let shown = node.dutch(&["show", &id]);
    assert!(
        shown.contains("Let op: dit bericht bevat persoonsgegevens van een burger (BSN 111…33 in de tekst op regel 1, kolom 21)"),
        "{shown}"
    );
    let shown: ThreadView = node.json(&["show", &id]);
    let finding = &shown.entry.personal_data[0];
    assert_eq!(finding.kind, FindingKind::Bsn);
    assert!(finding.blocks);
}

#[test]
fn retracting_a_retraction_erases_its_reason_and_keeps_what_it_retracted_erased() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let question = published_id(&node.ok(&["--json", "ask", "Wie werkt met een lumpsum?"]));
    let reason = "Op verzoek van collega Pietersen van team Inkoop";
    let retracted: Retracted = node.json(&["retract", &question, "--reason", reason]);
    let retraction = retracted.retractions[0].id.to_hex();
    assert!(node.dutch(&["show", &retraction]).contains("Pietersen"));

    let said = node.dutch(&["retract", &retraction]);
    assert!(said.contains("De reden van intrekking"), "{said}");
    assert!(said.contains("blijft ingetrokken"), "{said}");
    let shown = node.dutch(&["show", &retraction]);
    assert!(!shown.contains("Pietersen"), "{shown}");
    let original = node.dutch(&["show", &question]);
    assert!(original.contains("Ingetrokken"), "{original}");
    assert!(!original.contains("lumpsum"), "{original}");
}
