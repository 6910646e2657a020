//! Threads that tell the truth, end to end on real processes: one accepted answer per
//! question (a later acceptance replaces the earlier), one verdict per organisation,
//! reactions only on what people wrote, untrusted answers marked and untrusted reactions
//! not counted, and a question its asker retracted that lives on in no answer, search or
//! export. Views are read as the typed views the node serves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_node::{EntryView, ThreadView};
use wiel_protocol::{
    Body, EntryId, Kind, KindFields, OrgKeypair, Ref, Rel, Timestamp, Verdict, testing,
};
use wiel_tests::Node;
use wiel_tests::published_id as id;

fn thread(node: &Node, id: &str) -> ThreadView {
    serde_json::from_str(&node.ok(&["--json", "show", &id[..12]])).unwrap()
}

/// Copies everything `from` holds into `to` (what sync would do).
fn carry(from: &Node, to: &Node) {
    let file = to.path().join("carry.jsonl");
    std::fs::write(&file, from.snapshot()).unwrap();
    to.ok(&["import", file.to_str().unwrap()]);
}

fn accepted(answers: &[EntryView]) -> Vec<String> {
    answers
        .iter()
        .filter(|a| a.accepted)
        .map(|a| a.id.to_hex())
        .collect()
}

#[test]
fn one_accepted_answer_one_verdict_per_organisation_untrusted_marked() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let kampen = Node::init("Gemeente Kampen", "GM0166");
    let deventer = Node::init("Gemeente Deventer", "GM0150");
    let q = id(&zwolle.ok(&[
        "--json",
        "ask",
        "Hoe houden jullie het verzuim onder jeugdconsulenten laag?",
    ]));
    carry(&zwolle, &kampen);
    carry(&zwolle, &deventer);
    let from_kampen = id(&kampen.ok(&[
        "--json",
        "answer",
        &q[..12],
        "Een vaste contactpersoon en een gesprek na een week.",
    ]));
    let from_deventer = id(&deventer.ok(&[
        "--json",
        "answer",
        &q[..12],
        "Wij bieden coaching aan in het eerste jaar.",
    ]));
    carry(&kampen, &zwolle);
    carry(&deventer, &zwolle);
    zwolle.ok(&["trust", "add", "GM0166"]);

    // Deventer is not trusted here: its answer is shown, marked.
    let shown = zwolle.dutch(&["show", &q[..12]]);
    let deventer_line = shown
        .lines()
        .find(|l| l.contains(&from_deventer[..12]))
        .unwrap();
    assert!(deventer_line.contains("(niet vertrouwd)"), "{shown}");
    let kampen_line = shown
        .lines()
        .find(|l| l.contains(&from_kampen[..12]))
        .unwrap();
    assert!(!kampen_line.contains("niet vertrouwd"), "{shown}");

    // One accepted answer: a later acceptance replaces the earlier one, and the asker
    // can go back.
    zwolle.ok(&["accept", &from_kampen[..12]]);
    zwolle.ok(&["accept", &from_deventer[..12]]);
    let t = thread(&zwolle, &q);
    assert_eq!(accepted(&t.answers), vec![from_deventer.clone()]);
    assert_eq!(t.answers[0].id.to_hex(), from_deventer, "accepted first");
    assert_eq!(
        t.entry.accepted_answer.map(|a| a.to_hex()),
        Some(from_deventer.clone())
    );
    assert_eq!(
        zwolle
            .dutch(&["show", &q[..12]])
            .matches("✓ geaccepteerd antwoord")
            .count(),
        1
    );
    zwolle.ok(&["accept", &from_kampen[..12]]);
    assert_eq!(
        accepted(&thread(&zwolle, &q).answers),
        vec![from_kampen.clone()]
    );
    // Every node that holds the same entries agrees, whatever order they came in.
    carry(&zwolle, &kampen);
    carry(&zwolle, &deventer);
    for node in [&kampen, &deventer] {
        assert_eq!(
            accepted(&thread(node, &q).answers),
            vec![from_kampen.clone()]
        );
    }

    // One verdict per organisation: its latest counts.
    kampen.ok(&["react", &q[..12], "--works"]);
    kampen.ok(&["react", &q[..12], "--works"]);
    kampen.ok(&["react", &q[..12], "--does-not-work", "Toch niet"]);
    deventer.ok(&["react", &q[..12], "--works"]);
    carry(&kampen, &zwolle);
    carry(&deventer, &zwolle);
    let t = thread(&zwolle, &q);
    assert_eq!(t.reactions.len(), 1, "{:?}", t.reactions);
    assert_eq!(t.reactions[0].text.as_deref(), Some("Toch niet"));
    assert_eq!(
        t.untrusted_reactions, 1,
        "Deventer's reaction is not counted"
    );
    let shown = zwolle.dutch(&["show", &q[..12]]);
    assert!(shown.contains("werkt niet 1×"), "{shown}");
    assert!(
        shown.contains("1 reactie van organisaties die deze node niet vertrouwt"),
        "{shown}"
    );

    // Reactions only on what people wrote: a reaction to a reaction is refused, nothing
    // stored.
    let reaction = t.reactions[0].id.to_hex();
    let before = kampen.snapshot();
    let err = kampen.fails(&["react", &reaction[..12], "--works"]);
    assert!(
        err.contains("reactions are for good practices, practice stories, questions and answers"),
        "{err}"
    );
    assert_eq!(kampen.snapshot(), before);
}

#[test]
fn a_retracted_question_lives_on_in_no_answer_search_or_export() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let kampen = Node::init("Gemeente Kampen", "GM0166");
    let q = id(&zwolle.ok(&[
        "--json",
        "ask",
        "Wie kent mevrouw Jansen-Oostervelde van de Populierstraat?",
    ]));
    carry(&zwolle, &kampen);
    let a = id(&kampen.ok(&[
        "--json",
        "answer",
        &q[..12],
        "Daar kunnen wij niets over zeggen.",
    ]));
    carry(&kampen, &zwolle);
    let answer = thread(&zwolle, &a).entry;
    assert_eq!(
        answer.question_title.as_deref(),
        Some("Wie kent mevrouw Jansen-Oostervelde van de Populierstraat?")
    );
    assert_eq!(answer.title.as_deref(), Some(""), "no copy of the question");
    // The readable export says what an answer answers, from the reference.
    let md = zwolle.ok(&["export", "--format", "md"]);
    assert!(
        md.contains(&format!(
            "answer to \"Wie kent mevrouw Jansen-Oostervelde van de Populierstraat?\" ({})",
            &q[..12]
        )),
        "{md}"
    );

    zwolle.ok(&["retract", &q[..12], "--reason", "bevat persoonsgegevens"]);
    carry(&zwolle, &kampen);
    for node in [&zwolle, &kampen] {
        let answer = thread(node, &a).entry;
        assert_eq!(answer.question_title, None);
        let shown = node.dutch(&["show", &a[..12]]);
        assert!(!shown.contains("Oostervelde"), "{shown}");
        let listed = node.dutch(&["list"]);
        assert!(!listed.contains("Oostervelde"), "{listed}");
        let found = node.dutch(&["search", "Oostervelde"]);
        assert!(found.contains("Niets gevonden"), "{found}");
        let md = node.ok(&["export", "--format", "md"]);
        assert!(md.contains("Daar kunnen wij niets over zeggen."), "{md}");
        assert!(md.contains("which cannot be read here"), "{md}");
        assert!(!md.contains("Oostervelde"), "{md}");
        assert!(!node.snapshot().contains("Oostervelde"));
    }
}

/// An acceptance that would not count (the asker's latest acceptance is dated ahead of this
/// computer's clock) is refused before it is signed, with the reason, instead of printing
/// "Accepted" for an answer that stays unaccepted.
#[test]
fn an_acceptance_that_would_not_count_is_refused() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let q = id(&zwolle.ok(&["--json", "ask", "Wie heeft een goed verzuimprotocol?"]));
    let first = id(&zwolle.ok(&[
        "--json",
        "answer",
        &q[..12],
        "Wij: kort en met één casemanager.",
    ]));
    let second = id(&zwolle.ok(&[
        "--json",
        "answer",
        &q[..12],
        "Wij werken met een arbodienst.",
    ]));
    // The same organisation accepted `first` from a computer whose clock ran 5 minutes ahead.
    let key =
        OrgKeypair::from_protobuf(&std::fs::read(zwolle.path().join("key")).unwrap()).unwrap();
    let ahead = Timestamp::now().as_millis() + 5 * 60 * 1000;
    let body = Body {
        fields: KindFields::Reaction {
            verdict: Verdict::Accepted,
        },
        ..Body::default()
    };
    let target: EntryId = first.parse().unwrap();
    let acceptance = testing::signed_body(
        &key,
        Kind::Reaction,
        vec![Ref {
            rel: Rel::ReactsTo,
            target,
        }],
        ahead,
        body,
    );
    let file = wiel_tests::import_file(zwolle.path(), "ahead.jsonl", &[acceptance]);
    zwolle.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(accepted(&thread(&zwolle, &q).answers), vec![first.clone()]);

    let before = zwolle.snapshot();
    let args = ["accept", &second[..12]];
    let err = wiel_tests::expect_one_line_error(zwolle.run(&args), &args);
    assert!(
        err.contains("would not count") && err.contains("clock") && err.contains(&first[..8]),
        "{err}"
    );
    assert_eq!(zwolle.snapshot(), before, "nothing was signed");
    assert_eq!(accepted(&thread(&zwolle, &q).answers), vec![first]);
}

fn acceptance_of(key: &OrgKeypair, answer: &str, at: u64) -> wiel_protocol::Verified {
    let body = Body {
        fields: KindFields::Reaction {
            verdict: Verdict::Accepted,
        },
        ..Body::default()
    };
    testing::signed_body(
        key,
        Kind::Reaction,
        vec![Ref {
            rel: Rel::ReactsTo,
            target: answer.parse().unwrap(),
        }],
        at,
        body,
    )
}

/// A stranger cannot mark another organisation's question as answered: not by moving an
/// answer it accepted on its own question over with a new version, and not by accepting
/// with the asker's stolen, revoked key. Another organisation's "version" of an answer is
/// not shown, and no acceptance shows as a verdict.
#[test]
fn a_stranger_or_a_thief_cannot_decide_the_accepted_answer() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let q = id(&zwolle.ok(&[
        "--json",
        "ask",
        "Wie heeft een vacaturebank voor zij-instromers?",
    ]));
    let good = id(&zwolle.ok(&["--json", "answer", &q[..12], "Wij: samen met de regio."]));
    let other = id(&zwolle.ok(&["--json", "answer", &q[..12], "Wij: via het UWV."]));
    zwolle.ok(&["accept", &good[..12]]);
    let asker = zwolle.org_key();
    let question: EntryId = q.parse().unwrap();
    let now = Timestamp::now().as_millis();

    // A stranger asks and answers its own question, accepts its answer, then moves that
    // answer to Zwolle's question with a new version.
    let x = testing::key(91);
    let own_question = testing::question(&x, 1, now - 60_000);
    let moved = testing::answer(&x, own_question.id(), 2, now - 50_000);
    let own_acceptance = acceptance_of(&x, &moved.id().to_hex(), now - 40_000);
    let version = testing::signed_body(
        &x,
        Kind::Answer,
        vec![
            Ref {
                rel: Rel::Supersedes,
                target: moved.id(),
            },
            Ref {
                rel: Rel::Answers,
                target: question,
            },
        ],
        now - 30_000,
        Body {
            text: "Koop onze dienst.".into(),
            ..Body::default()
        },
    );
    // Another organisation's "version" of Zwolle's answer.
    let fake_version = testing::signed_body(
        &x,
        Kind::Answer,
        vec![
            Ref {
                rel: Rel::Supersedes,
                target: good.parse().unwrap(),
            },
            Ref {
                rel: Rel::Answers,
                target: question,
            },
        ],
        now - 20_000,
        Body {
            text: "Vervalst antwoord.".into(),
            ..Body::default()
        },
    );
    let file = wiel_tests::import_file(
        zwolle.path(),
        "stranger.jsonl",
        &[
            own_question,
            moved,
            own_acceptance,
            version.clone(),
            fake_version.clone(),
        ],
    );
    zwolle.ok(&["import", file.to_str().unwrap()]);

    // The owner moves to a new key and revokes the old one; a thief with the old key
    // accepts the other answer.
    zwolle.ok(&["key", "rotate"]);
    zwolle.ok(&["key", "revoke", &asker, "--yes"]);
    let stolen = zwolle.old_keypair();
    let theft = acceptance_of(&stolen, &other, Timestamp::now().as_millis());
    let file = wiel_tests::import_file(zwolle.path(), "thief.jsonl", &[theft]);
    zwolle.ok(&["import", file.to_str().unwrap()]);

    let t = thread(&zwolle, &q);
    assert_eq!(
        t.entry.accepted_answer.map(|a| a.to_hex()),
        Some(good.clone())
    );
    assert_eq!(accepted(&t.answers), vec![good.clone()]);
    let shown: Vec<String> = t.answers.iter().map(|a| a.id.to_hex()).collect();
    assert!(!shown.contains(&fake_version.id().to_hex()), "{shown:?}");
    assert!(
        t.reactions
            .iter()
            .all(|r| r.kind != Kind::Reaction || !format!("{r:?}").contains("Accepted")),
        "{:?}",
        t.reactions
    );
    let open = zwolle.dutch(&["questions", "--open"]);
    assert!(!open.contains(&q[..8]), "{open}");
}
