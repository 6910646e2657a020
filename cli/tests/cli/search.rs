//! `wiel search`, `wiel questions --open`, `wiel accept` and `wiel reindex`, end to end on
//! real processes (offline and through a running node).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use wiel_node::Published;
use wiel_node::service::ReindexReport;
use wiel_node::view::{Listing, SearchResults, ThreadView};
use wiel_protocol::KindFields;
use wiel_tests::{Daemon, Node, practice_md, wait_for};

fn id(published: Published) -> String {
    published.id.to_hex()
}

/// The ids of the hits, best first.
fn hit_ids(found: &SearchResults) -> Vec<String> {
    found.results.iter().map(|r| r.id.to_hex()).collect()
}

/// Copies everything `from` holds into `to` (what sync would do).
fn carry(from: &Node, to: &Node) {
    let file = to.path().join("carry.jsonl");
    std::fs::write(&file, from.snapshot()).unwrap();
    to.ok(&["import", file.to_str().unwrap()]);
}

#[test]
fn dutch_search_with_filters_snippets_and_did_you_mean() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let onboarding = zwolle.publish(
        "---\nkind: practice\ntitle: Onboarding van jeugdconsulenten\ntags: [onboarding]\nthemes: [hrm]\n---\n\n\
         Nieuwe jeugdconsulenten lopen zes weken mee met een buddy.\n",
    );
    let inkoop = zwolle.publish(
        "---\nkind: practice\ntitle: Inkopen van jeugdhulp in de jeugdzorgregio\ntags: [lumpsum]\nthemes: [inkoop]\n---\n\n\
         De jeugdzorgregio's kopen vóór één januari samen in bij jeugdhulpaanbieders, met een lumpsum.\n",
    );

    // plural meets singular, compound found by its part, with the match marked
    let found: SearchResults = zwolle.json(&["search", "inkoop", "aanbieder"]);
    assert_eq!(hit_ids(&found)[0], inkoop);
    assert!(found.results[0].score.unwrap() > 0.0);
    let snippet = found.results[0].snippet.clone().unwrap();
    assert!(!snippet.marks.is_empty(), "{snippet:?}");
    // Marks count characters, not bytes.
    let (start, end) = snippet.marks[0];
    let marked: String = snippet.text.chars().skip(start).take(end - start).collect();
    assert_eq!(marked, "jeugdhulpaanbieders", "{snippet:?}");

    // terminal view: rank, title, kind, organisation, date, snippet with *stars*
    let view = zwolle.dutch(&["search", "buddy"]);
    assert!(
        view.contains(" 1. Onboarding van jeugdconsulenten"),
        "{view}"
    );
    assert!(view.contains("goed voorbeeld · Gemeente Zwolle"), "{view}");
    assert!(view.contains("*buddy*"), "{view}");

    // a typo: the closest word in the index is searched instead, and said so
    let typo = zwolle.dutch(&["search", "onbaording"]);
    assert!(typo.contains("bedoelde u \"onboarding\""), "{typo}");
    assert!(typo.contains("Onboarding van jeugdconsulenten"), "{typo}");
    let typo: SearchResults = zwolle.json(&["search", "onbaording"]);
    assert_eq!(typo.corrected.as_deref(), Some("onboarding"));
    let nothing = zwolle.dutch(&["search", "xqzvwkj"]);
    assert!(
        nothing.contains("Komt nergens voor: \"xqzvwkj\"") && nothing.contains("Niets gevonden."),
        "{nothing}"
    );

    // filters
    let by_theme: SearchResults =
        zwolle.json(&["search", "jeugdconsulenten", "lumpsum", "--theme", "inkoop"]);
    assert_eq!(hit_ids(&by_theme), vec![inkoop.clone()]);
    let by_tag: SearchResults = zwolle.json(&[
        "search",
        "jeugdconsulenten",
        "lumpsum",
        "--tag",
        "ONBOARDING",
    ]);
    assert_eq!(hit_ids(&by_tag), vec![onboarding]);
    let questions: SearchResults = zwolle.json(&["search", "lumpsum", "--kind", "question"]);
    assert!(questions.results.is_empty());
    let old: SearchResults = zwolle.json(&["search", "lumpsum", "--until", "2020-01-01"]);
    assert!(old.results.is_empty());

    // retracted: never found again
    zwolle.ok(&["retract", &inkoop[..10]]);
    let gone: SearchResults = zwolle.json(&["search", "lumpsum"]);
    assert!(gone.results.is_empty(), "{gone:?}");
}

#[test]
fn questions_open_and_accept() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let kampen = Node::init("Gemeente Kampen", "GM0166");
    let q = id(zwolle.json(&["ask", "Hoe korten jullie de wachtlijsten in de jeugdhulp?"]));
    carry(&zwolle, &kampen);
    let a = id(kampen.json(&["answer", &q[..10], "Met een wekelijks wachtlijstoverleg."]));
    carry(&kampen, &zwolle);

    let open: Listing = zwolle.json(&["questions", "--open"]);
    assert_eq!(open.entries.len(), 1);
    assert_eq!(open.entries[0].id.to_hex(), q);

    // bad input: accepting a question, and accepting for someone else's question
    let before = zwolle.snapshot();
    let err = zwolle.fails(&["accept", &q[..10]]);
    assert!(err.contains("not an answer"), "{err}");
    let kampen_before = kampen.snapshot();
    let err = kampen.fails(&["accept", &a[..10]]);
    assert!(
        err.contains("only the organisation that asked question"),
        "{err}"
    );
    assert_eq!(kampen.snapshot(), kampen_before);
    assert_eq!(zwolle.snapshot(), before);
    let err = zwolle.fails(&["accept", "ffffffffff"]);
    assert!(err.contains("no entry has an id starting with"), "{err}");

    // the asker accepts; then it is "accepted already" to the asker, and still "only the
    // asker" to anyone else
    zwolle.ok(&["accept", &a[..10]]);
    let err = zwolle.fails(&["accept", &a[..10]]);
    assert!(err.contains("already accepted"), "{err}");
    carry(&zwolle, &kampen);
    let err = kampen.fails(&["accept", &a[..10]]);
    assert!(
        err.contains("only the organisation that asked question"),
        "{err}"
    );
    // A selection without any question does not say every question is answered.
    let none = zwolle.dutch(&["questions", "--open", "--theme", "duurzaamheid"]);
    assert!(
        none.contains("Geen vragen") && !none.contains("Geen open vragen"),
        "{none}"
    );
    let open: Listing = zwolle.json(&["questions", "--open"]);
    assert!(open.entries.is_empty(), "{open:?}");
    assert!(
        zwolle
            .dutch(&["questions", "--open"])
            .contains("Geen open vragen")
    );
    let all: Listing = zwolle.json(&["questions"]);
    assert_eq!(
        all.entries[0].accepted_answer.map(|i| i.to_hex()),
        Some(a.clone())
    );
    let shown = zwolle.dutch(&["show", &q[..10]]);
    assert!(shown.contains("✓ geaccepteerd antwoord"), "{shown}");
    let found: SearchResults = zwolle.json(&["search", "wachtlijstoverleg"]);
    assert_eq!(hit_ids(&found)[0], a);
    assert!(found.results[0].accepted);
    assert!(
        zwolle
            .dutch(&["search", "wachtlijstoverleg"])
            .contains("✓ geaccepteerd antwoord")
    );

    // the acceptance travels: Kampen sees it too
    carry(&zwolle, &kampen);
    let thread: ThreadView = kampen.json(&["show", &q[..10]]);
    assert_eq!(thread.entry.accepted_answer.map(|i| i.to_hex()), Some(a));
    assert!(thread.answers[0].accepted);
}

#[test]
fn reindex_and_a_damaged_or_missing_index_lose_nothing() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(node.publish(&practice_md(
            &format!("Inkoopbeleid {n}"),
            "Regels voor inkopen.",
        )));
    }
    assert_eq!(node.search_ids("inkopen").len(), 5);
    let report: ReindexReport = node.json(&["reindex"]);
    assert_eq!(report.documents, 5);
    assert!(
        node.ok(&["reindex"])
            .contains("Search index rebuilt: 5 searchable")
    );

    let index_dir = node.path().join("store/search");
    assert!(index_dir.is_dir());
    let before = node.snapshot();
    // damaged: its metadata overwritten with garbage
    std::fs::write(index_dir.join("meta.json"), b"{ not json").unwrap();
    assert_eq!(node.search_ids("inkoop").len(), 5);
    // missing
    std::fs::remove_dir_all(&index_dir).unwrap();
    assert_eq!(node.search_ids("inkoopbeleid").len(), 5);
    assert_eq!(node.snapshot(), before);
}

#[test]
fn untrusted_authors_only_when_asked() {
    let zwolle = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let rogue = Node::init("Onbekende Organisatie", "GM0999");
    rogue.publish(&practice_md(
        "Lumpsum voor alles",
        "Lumpsum, lumpsum, lumpsum.",
    ));
    carry(&rogue, &zwolle);
    zwolle.publish(&practice_md(
        "Lumpsum in de jeugdhulp",
        "Wij kozen een lumpsum.",
    ));
    let shown: SearchResults = zwolle.json(&["search", "lumpsum"]);
    assert_eq!(shown.results.len(), 1);
    assert_eq!(
        shown.results[0].author_name.as_deref(),
        Some("Gemeente Zwolle")
    );
    let all: SearchResults = zwolle.json(&["search", "lumpsum", "--untrusted"]);
    assert_eq!(all.results.len(), 2);
    let view = zwolle.dutch(&["search", "lumpsum", "--untrusted"]);
    assert!(view.contains("niet vertrouwd"), "{view}");
}

#[test]
fn search_through_a_running_node_follows_the_store() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let offline = node.publish(&practice_md(
        "Generatiepact voor oudere medewerkers",
        "Minder werken, volledig pensioen.",
    ));
    let daemon = Daemon::start(&node, &[]);
    // published before the node started: taken in at start-up
    assert_eq!(node.search_ids("generatiepact"), vec![offline.clone()]);
    // published through the node: found once the node's indexer took it in
    let online = node.publish(&practice_md(
        "Vitaliteit en duurzame inzetbaarheid",
        "Een loopbaangesprek voor iedereen.",
    ));
    wait_for("the new entry in search", Duration::from_secs(20), || {
        (node.search_ids("loopbaangesprek") == vec![online.clone()]).then_some(())
    });
    // retracted through the node: gone from search
    node.ok(&["retract", &online[..10]]);
    wait_for("the retraction in search", Duration::from_secs(20), || {
        node.search_ids("loopbaangesprek").is_empty().then_some(())
    });
    // reindex through the node
    let report: ReindexReport = node.json(&["reindex"]);
    assert_eq!(report.documents, 1);
    assert_eq!(node.search_ids("generatiepact"), vec![offline]);
    daemon.stop();
}

#[test]
fn a_node_killed_before_its_index_caught_up_loses_nothing_from_search() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let entries = wiel_tests::practices(0, 300, 400);
    let file = wiel_tests::import_file(node.path(), "batch.jsonl", &entries);
    let daemon = Daemon::start(&node, &[]);
    // stored through the node; killed at once, most likely before the indexer committed
    node.ok(&["import", file.to_str().unwrap()]);
    daemon.kill9();
    let found: SearchResults = node.json(&["search", "voorbeeld", "--limit", "1000"]);
    let mut ids = hit_ids(&found);
    ids.sort();
    let mut expected: Vec<String> = entries.iter().map(|e| e.id().to_hex()).collect();
    expected.sort();
    assert_eq!(ids, expected);
    let status = node.status();
    assert_eq!(status.search.waiting, 0);
    assert_eq!(status.search.documents, Some(300));
}

#[test]
fn words_as_people_type_them() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let organisations = node.publish(&practice_md(
        "Samenwerking tussen organisaties in de regio",
        "Drie organisaties delen één loket voor subsidies aan verenigingen.",
    ));
    let finance = node.publish(&practice_md(
        "Grip op financiën van het sociaal domein",
        "Maandelijkse rapportage voor het college van B en W.",
    ));
    let inzet = node.publish(&practice_md(
        "Duurzame inzetbaarheid van oudere medewerkers",
        "Loopbaangesprekken vanaf vijftig jaar.",
    ));
    let p_times_q = node.publish(&practice_md(
        "Contracteren met p×q",
        "Per cliënt een prijs maal een hoeveelheid.",
    ));
    let ids = |words: &str| -> Vec<String> { hit_ids(&node.json(&["search", words])) };
    // Plurals in -ies meet their singular.
    assert_eq!(ids("organisatie"), vec![organisations.clone()]);
    assert_eq!(ids("subsidie"), vec![organisations.clone()]);
    // An ë pasted as e + combining diaeresis is the same ë.
    assert_eq!(ids("financie\u{0308}n"), vec![finance.clone()]);
    assert_eq!(ids("financiën"), vec![finance.clone()]);
    // A derivation is not its root: "inzet" does not find "inzetbaarheid".
    assert!(ids("inzet").is_empty());
    assert_eq!(ids("inzetbaarheid"), vec![inzet]);
    // Words that say nothing are not searched, and the search says so.
    assert!(ids("de het een").is_empty());
    let said = node.dutch(&["search", "de", "het", "een"]);
    assert!(said.contains("Niet op gezocht, te algemeen"), "{said}");
    // The s of regio's and the letters of B&W match nothing on their own.
    assert_eq!(ids("regio's"), ids("regio"));
    assert!(
        !ids("B&W").contains(&p_times_q),
        "the p of p×q is no match for B&W"
    );
    // A common Dutch word that no entry holds is not "corrected" into another word.
    let said = node.dutch(&["search", "fietsenstalling"]);
    assert!(!said.contains("bedoelde u"), "{said}");
    assert!(
        said.contains("Komt nergens voor: \"fietsenstalling\""),
        "{said}"
    );
    // --limit 0 means none, and says whether there are any.
    let none: SearchResults = node.json(&["search", "subsidie", "--limit", "0"]);
    assert!(none.results.is_empty() && none.more);
    let none: Listing = node.json(&["list", "--limit", "0"]);
    assert!(none.entries.is_empty() && none.more);
    // In words too: none shown of how many, not "nothing found".
    for args in [
        &["search", "subsidie", "--limit", "0"][..],
        &["list", "--limit", "0"],
    ] {
        let said = node.dutch(args);
        assert!(
            !said.contains("Niets gevonden") && !said.contains("Geen berichten"),
            "{said}"
        );
        assert!(
            said.contains(" 0 van ") && said.contains("--limit 10"),
            "{said}"
        );
    }
    // Only the word that was replaced is named.
    let said = node.dutch(&["search", "subsidie", "verenigingne"]);
    assert!(
        said.contains("\"verenigingne\" komt nergens voor; bedoelde u \"verenigingen\"?"),
        "{said}"
    );
    assert!(!said.contains("subsidie verenigingne"), "{said}");
    // Every word found ranks first.
    let both = node.publish(&practice_md(
        "Subsidies voor verenigingen",
        "Subsidies voor verenigingen in elke kern.",
    ));
    let one = node.publish(&practice_md(
        "Subsidies, subsidies, subsidies",
        "Subsidies en nog eens subsidies, subsidieregels en subsidiebeleid.",
    ));
    let ranked = ids("subsidies verenigingen");
    assert_eq!(ranked.first(), Some(&both), "{ranked:?}");
    assert!(ranked.contains(&one));
}

#[test]
fn the_word_a_municipality_uses_finds_the_word_another_used() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let verzuim = node.publish(&practice_md(
        "Minder verzuim door een vaste contactpersoon",
        "Na een week belt de leidinggevende.",
    ));
    let statushouders = node.publish(&practice_md(
        "Statushouders aan het werk",
        "Taalles en werkervaring tegelijk.",
    ));
    let ids = |words: &str| -> Vec<String> { hit_ids(&node.json(&["search", words])) };
    assert_eq!(ids("uitval"), vec![verzuim.clone()]);
    let said = node.dutch(&["search", "uitval"]);
    assert!(said.contains("Ook gezocht op: verzuim."), "{said}");
    assert_eq!(ids("ziekmeldingen"), vec![verzuim.clone()]);
    assert_eq!(ids("vergunninghouders"), vec![statushouders.clone()]);
    // The word typed counts more than a word that means the same.
    let exact = node.publish(&practice_md(
        "Uitval van jonge medewerkers",
        "Wat doen we als iemand uitvalt?",
    ));
    assert_eq!(ids("uitval").first(), Some(&exact));
}

#[test]
fn compounds_nobody_listed_are_found_by_their_parts() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let verzuim = node.publish(&practice_md(
        "Ziekteverzuim terugdringen",
        "Een vaste contactpersoon.",
    ));
    let verloop = node.publish(&practice_md(
        "Personeelsverloop in het sociaal domein",
        "Exitgesprekken met iedereen die vertrekt.",
    ));
    let thuis = node.publish(&practice_md(
        "Een thuiswerkbeleid dat past",
        "Twee dagen op kantoor.",
    ));
    let ids = |words: &str| -> Vec<String> { hit_ids(&node.json(&["search", words])) };
    assert_eq!(ids("verzuim"), vec![verzuim]);
    assert_eq!(ids("verloop"), vec![verloop.clone()]);
    assert_eq!(ids("thuiswerken"), vec![thuis]);
    // A query word that is itself a compound nobody listed finds entries with its parts.
    assert_eq!(ids("medewerkersverloop"), vec![verloop]);
}

#[test]
fn a_story_pasted_with_labels_fills_its_fields() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let story = node.publish(
        "---\nkind: story\ntitle: Buddy's voor starters\n---\n\n**Situatie.** Veel verloop onder starters.\n\n\
         **Aanpak.** Een buddy voor elke starter.\n\n**Resultaat.** De helft minder verloop.\n\n\
         **Lessen.** Begin klein.\n",
    );
    let shown: ThreadView = node.json(&["show", &story[..12]]);
    let Some(KindFields::Story {
        situation,
        approach,
        result,
        lessons,
    }) = shown.entry.fields.clone()
    else {
        panic!("no story's fields: {shown:?}");
    };
    assert_eq!(situation, "Veel verloop onder starters.", "{shown:?}");
    assert_eq!(approach, "Een buddy voor elke starter.");
    assert_eq!(result, "De helft minder verloop.");
    assert_eq!(lessons, "Begin klein.");
    assert_eq!(shown.entry.text.as_deref(), Some(""));
    // The label words are not in the text: they do not match every story.
    let found: SearchResults = node.json(&["search", "aanpak"]);
    assert!(found.results.is_empty(), "{found:?}");
    let found: SearchResults = node.json(&["search", "buddy"]);
    assert_eq!(hit_ids(&found)[0], story);
}

/// A node's operator adds the words of her own municipality to the synonyms in
/// `config.toml`; a group that cannot work is refused with a one-line error that names
/// the file, the group and the word, and nothing stored changes.
#[test]
fn the_operator_adds_synonyms_in_the_configuration() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    zwolle.publish(&practice_md(
        "Eén balie voor werk en inkomen",
        "Inwoners melden zich aan één balie in het stadhuis.",
    ));
    let config = zwolle.path().join("config.toml");
    let original = std::fs::read_to_string(&config).unwrap();
    assert!(original.contains("[search]\nsynonyms = []"), "{original}");
    let found = |node: &Node| {
        node.json::<SearchResults>(&["search", "loket"])
            .results
            .len()
    };
    assert_eq!(found(&zwolle), 0, "no synonyms yet");

    std::fs::write(
        &config,
        original.replace(
            "synonyms = []",
            r#"synonyms = ["loket, balie, klantcontactcentrum"]"#,
        ),
    )
    .unwrap();
    assert_eq!(found(&zwolle), 1);
    let shown = zwolle.dutch(&["search", "loket"]);
    assert!(shown.contains("Ook gezocht op: balie."), "{shown}");

    let before = zwolle.snapshot();
    std::fs::write(
        &config,
        original.replace(
            "synonyms = []",
            r#"synonyms = ["loket, balie", "wijkteam, sociaal team"]"#,
        ),
    )
    .unwrap();
    let args = ["search", "loket"];
    let err = wiel_tests::expect_one_line_error(zwolle.run(&args), &args);
    assert!(
        err.contains("config.toml")
            && err.contains("[search] synonyms")
            && err.contains("group 2")
            && err.contains("'sociaal team' is not one word"),
        "{err}"
    );
    std::fs::write(&config, &original).unwrap();
    assert_eq!(zwolle.snapshot(), before);
}
