//! `wiel search`, `wiel questions --open`, `wiel accept` and `wiel reindex`, end to end on
//! real processes (offline and through a running node).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use serde_json::Value;
use wiel_tests::{Daemon, Node, practice_md, wait_for};

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn id(out: &str) -> String {
    json(out)["id"].as_str().unwrap().to_owned()
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
    let found = json(&zwolle.ok(&["--json", "search", "inkoop", "aanbieder"]));
    assert_eq!(found["results"][0]["id"], inkoop.as_str());
    assert!(found["results"][0]["score"].as_f64().unwrap() > 0.0);
    let snippet = &found["results"][0]["snippet"];
    let marks = snippet["marks"].as_array().unwrap();
    assert!(!marks.is_empty(), "{snippet}");
    let text = snippet["text"].as_str().unwrap();
    let first = &marks[0];
    // Marks count characters, not bytes.
    let (start, end) = (
        first[0].as_u64().unwrap() as usize,
        first[1].as_u64().unwrap() as usize,
    );
    let marked: String = text.chars().skip(start).take(end - start).collect();
    assert_eq!(marked, "jeugdhulpaanbieders", "{snippet}");

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
    let typo = json(&zwolle.ok(&["--json", "search", "onbaording"]));
    assert_eq!(typo["corrected"], "onboarding");
    let nothing = zwolle.dutch(&["search", "xqzvwkj"]);
    assert!(
        nothing.contains("Komt nergens voor: \"xqzvwkj\"") && nothing.contains("Niets gevonden."),
        "{nothing}"
    );

    // filters
    let by_theme = json(&zwolle.ok(&[
        "--json",
        "search",
        "jeugdconsulenten",
        "lumpsum",
        "--theme",
        "inkoop",
    ]));
    let ids: Vec<&str> = by_theme["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![inkoop.as_str()]);
    let by_tag = json(&zwolle.ok(&[
        "--json",
        "search",
        "jeugdconsulenten",
        "lumpsum",
        "--tag",
        "ONBOARDING",
    ]));
    assert_eq!(by_tag["results"][0]["id"], onboarding.as_str());
    assert_eq!(by_tag["results"].as_array().unwrap().len(), 1);
    let questions = json(&zwolle.ok(&["--json", "search", "lumpsum", "--kind", "question"]));
    assert!(questions["results"].as_array().unwrap().is_empty());
    let old = json(&zwolle.ok(&["--json", "search", "lumpsum", "--until", "2020-01-01"]));
    assert!(old["results"].as_array().unwrap().is_empty());

    // retracted: never found again
    zwolle.ok(&["retract", &inkoop[..10]]);
    let gone = json(&zwolle.ok(&["--json", "search", "lumpsum"]));
    assert!(gone["results"].as_array().unwrap().is_empty(), "{gone}");
}

#[test]
fn questions_open_and_accept() {
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let kampen = Node::init("Gemeente Kampen", "GM0166");
    let q = id(&zwolle.ok(&[
        "--json",
        "ask",
        "Hoe korten jullie de wachtlijsten in de jeugdhulp?",
    ]));
    carry(&zwolle, &kampen);
    let a = id(&kampen.ok(&[
        "--json",
        "answer",
        &q[..10],
        "Met een wekelijks wachtlijstoverleg.",
    ]));
    carry(&kampen, &zwolle);

    let open = json(&zwolle.ok(&["--json", "questions", "--open"]));
    assert_eq!(open["entries"].as_array().unwrap().len(), 1);
    assert_eq!(open["entries"][0]["id"], q.as_str());

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
    let open = json(&zwolle.ok(&["--json", "questions", "--open"]));
    assert!(open["entries"].as_array().unwrap().is_empty(), "{open}");
    assert!(
        zwolle
            .dutch(&["questions", "--open"])
            .contains("Geen open vragen")
    );
    let all = json(&zwolle.ok(&["--json", "questions"]));
    assert_eq!(all["entries"][0]["accepted_answer"], a.as_str());
    let shown = zwolle.dutch(&["show", &q[..10]]);
    assert!(shown.contains("✓ geaccepteerd antwoord"), "{shown}");
    let found = json(&zwolle.ok(&["--json", "search", "wachtlijstoverleg"]));
    assert_eq!(found["results"][0]["id"], a.as_str());
    assert_eq!(found["results"][0]["accepted"], true);
    assert!(
        zwolle
            .dutch(&["search", "wachtlijstoverleg"])
            .contains("✓ geaccepteerd antwoord")
    );

    // the acceptance travels: Kampen sees it too
    carry(&zwolle, &kampen);
    let thread = json(&kampen.ok(&["--json", "show", &q[..10]]));
    assert_eq!(thread["entry"]["accepted_answer"], a.as_str());
    assert_eq!(thread["answers"][0]["accepted"], true);
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
    let report = json(&node.ok(&["--json", "reindex"]));
    assert_eq!(report["documents"], 5);
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
    let shown = json(&zwolle.ok(&["--json", "search", "lumpsum"]));
    assert_eq!(shown["results"].as_array().unwrap().len(), 1);
    assert_eq!(shown["results"][0]["author_name"], "Gemeente Zwolle");
    let all = json(&zwolle.ok(&["--json", "search", "lumpsum", "--untrusted"]));
    assert_eq!(all["results"].as_array().unwrap().len(), 2);
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
    let report = json(&node.ok(&["--json", "reindex"]));
    assert_eq!(report["documents"], 1);
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
    let found = json(&node.ok(&["--json", "search", "voorbeeld", "--limit", "1000"]));
    let mut ids: Vec<String> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
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
    let ids = |words: &str| -> Vec<String> {
        let found = json(&node.ok(&["--json", "search", words]));
        found["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
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
    let none = json(&node.ok(&["--json", "search", "subsidie", "--limit", "0"]));
    assert!(none["results"].as_array().unwrap().is_empty());
    assert_eq!(none["more"], true);
    let none = json(&node.ok(&["--json", "list", "--limit", "0"]));
    assert!(none["entries"].as_array().unwrap().is_empty());
    assert_eq!(none["more"], true);
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
    let ids = |words: &str| -> Vec<String> {
        let found = json(&node.ok(&["--json", "search", words]));
        found["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
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
    let ids = |words: &str| -> Vec<String> {
        let found = json(&node.ok(&["--json", "search", words]));
        found["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
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
    let shown = json(&node.ok(&["--json", "show", &story[..12]]));
    let fields = &shown["entry"]["fields"]["story"];
    assert_eq!(
        fields["situation"], "Veel verloop onder starters.",
        "{shown}"
    );
    assert_eq!(fields["approach"], "Een buddy voor elke starter.");
    assert_eq!(fields["result"], "De helft minder verloop.");
    assert_eq!(fields["lessons"], "Begin klein.");
    assert_eq!(shown["entry"]["text"], "");
    // The label words are not in the text: they do not match every story.
    let found = json(&node.ok(&["--json", "search", "aanpak"]));
    assert!(found["results"].as_array().unwrap().is_empty(), "{found}");
    let found = json(&node.ok(&["--json", "search", "buddy"]));
    assert_eq!(found["results"][0]["id"], story.as_str());
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
        json(&node.ok(&["--json", "search", "loket"]))["results"]
            .as_array()
            .unwrap()
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
