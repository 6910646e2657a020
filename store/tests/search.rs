//! The search index follows the store: new entries, retractions, versions, a crash between
//! store and index, a rebuild; and it suggests a close word for a typo.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_protocol::testing::{self, key};
use wiel_protocol::{EntryId, Kind, Ref, Rel, Verified};
use wiel_store::search::{SearchIndex, SearchQuery};
use wiel_store::{ListFilter, Store};

const T0: u64 = 1_750_000_000_000;

fn practice(n: u64, title: &str, text: &str) -> Verified {
    testing::written(
        &key(1),
        Kind::Practice,
        vec![],
        T0 + n,
        title,
        text,
        &["hrm"],
    )
}

fn found(index: &SearchIndex, words: &str) -> Vec<EntryId> {
    search(index, words, ListFilter::default())
}

fn search(index: &SearchIndex, words: &str, filter: ListFilter) -> Vec<EntryId> {
    let query = SearchQuery {
        text: words.into(),
        filter,
        authors: None,
        revoked: Vec::new(),
        histories: Vec::new(),
    };
    index
        .search(&query)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.entry.id())
        .collect()
}

#[test]
fn index_follows_store_through_retractions_versions_and_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let onboarding = practice(
        1,
        "Onboarding van jeugdconsulenten",
        "Nieuwe jeugdconsulenten lopen de eerste maand mee met een buddy.",
    );
    let inkoop = practice(
        2,
        "Inkopen van jeugdhulp per regio",
        "De jeugdzorgregio's kopen samen in bij jeugdhulpaanbieders.",
    );
    store
        .ingest_batch(vec![onboarding.clone(), inkoop.clone()])
        .unwrap();
    let index = SearchIndex::open(&store).unwrap();
    assert_eq!(index.len(), 2);
    assert_eq!(found(&index, "onboarding"), vec![onboarding.id()]);
    // plural meets singular, compound found by its part
    assert_eq!(found(&index, "inkoop jeugdzorgregio")[0], inkoop.id());
    assert_eq!(found(&index, "aanbieder"), vec![inkoop.id()]);

    // a new version replaces the old one in the index
    let v2 = testing::written(
        &key(1),
        Kind::Practice,
        vec![Ref {
            rel: Rel::Supersedes,
            target: onboarding.id(),
        }],
        T0 + 10,
        "Onboarding van jeugdconsulenten en wmo-consulenten",
        "Ook wmo-consulenten krijgen nu een buddy.",
        &["hrm"],
    );
    store.ingest(v2.clone()).unwrap();
    index.catch_up().unwrap();
    assert_eq!(found(&index, "onboarding"), vec![v2.id()]);

    // a retraction removes it
    let retraction = testing::retraction(&key(1), inkoop.id(), T0 + 11);
    store.ingest(retraction).unwrap();
    index.catch_up().unwrap();
    assert!(found(&index, "inkoop").is_empty());

    // the store moves on while the index is closed (a crash between the two)
    drop(index);
    let late = practice(
        3,
        "Lumpsum of p×q voor jeugdhulp",
        "Wij kozen voor lumpsum.",
    );
    store.ingest(late.clone()).unwrap();
    let index = SearchIndex::open(&store).unwrap();
    assert_eq!(found(&index, "lumpsum"), vec![late.id()]);

    // a rebuild gives the same answers
    assert_eq!(index.rebuild().unwrap(), 2);
    assert_eq!(found(&index, "lumpsum"), vec![late.id()]);
    assert_eq!(found(&index, "onboarding"), vec![v2.id()]);
    assert!(found(&index, "inkoop").is_empty());
}

#[test]
fn a_typo_gets_the_closest_word_and_filters_apply() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = practice(
        1,
        "Onboarding in de regio",
        "Een buddy voor iedere nieuwe collega.",
    );
    let q = testing::written(
        &key(2),
        Kind::Question,
        vec![],
        T0 + 5,
        "Wie heeft een onboardingprogramma voor inkopers?",
        "Wij zoeken voorbeelden.",
        &["inkoop"],
    );
    store.ingest_batch(vec![a.clone(), q.clone()]).unwrap();
    let index = SearchIndex::open(&store).unwrap();
    let outcome = index
        .search(&SearchQuery {
            text: "onbaording".into(),
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(outcome.corrected.as_deref(), Some("onboarding"));
    assert_eq!(outcome.hits.len(), 1);
    // the word matched the title only: the snippet is the start of the text, unmarked
    assert_eq!(outcome.hits[0].entry.id(), a.id());
    assert!(
        outcome.hits[0].snippet.text.contains("buddy"),
        "{:?}",
        outcome.hits[0].snippet
    );
    assert!(outcome.hits[0].snippet.marks.is_empty());

    let nothing = index
        .search(&SearchQuery {
            text: "xqzvwk".into(),
            ..SearchQuery::default()
        })
        .unwrap();
    assert!(nothing.hits.is_empty());
    assert_eq!(nothing.unknown, vec!["xqzvwk".to_string()]);

    let questions = ListFilter {
        kind: Some(Kind::Question),
        ..ListFilter::default()
    };
    assert_eq!(search(&index, "voorbeelden buddy", questions), vec![q.id()]);
    let tagged = ListFilter {
        tag: Some("HRM".into()),
        ..ListFilter::default()
    };
    assert_eq!(search(&index, "voorbeelden buddy", tagged), vec![a.id()]);
    let only_key2 = SearchQuery {
        text: "buddy voorbeelden".into(),
        authors: Some(vec![key(2).public()]),
        ..SearchQuery::default()
    };
    let hits = index.search(&only_key2).unwrap().hits;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].entry.id(), q.id());
}

#[test]
fn a_retracted_word_is_never_suggested_and_leaves_the_index_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let secret = practice(
        1,
        "Casus Wolterinkhuizen",
        "Het gezin Wolterinkhuizen kreeg hulp van het wijkteam.",
    );
    let other = practice(
        2,
        "Wijkteam werkt",
        "Het wijkteam werkt samen met de school.",
    );
    store.ingest_batch(vec![secret.clone(), other]).unwrap();
    let index = SearchIndex::open(&store).unwrap();
    index.catch_up().unwrap();
    let typo = |index: &SearchIndex| {
        index
            .search(&SearchQuery {
                text: "wolterinkhuisen".into(),
                filter: ListFilter::default(),
                authors: None,
                revoked: Vec::new(),
                histories: Vec::new(),
            })
            .unwrap()
            .corrected
    };
    assert_eq!(typo(&index).as_deref(), Some("wolterinkhuizen"));
    store
        .ingest(testing::retraction(&key(1), secret.id(), T0 + 10))
        .unwrap();
    index.catch_up().unwrap();
    assert_eq!(typo(&index), None, "a retracted name must not be suggested");
    let search_dir = dir.path().join("search");
    let mut holding = Vec::new();
    for entry in std::fs::read_dir(&search_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file()
            && std::fs::read(&path)
                .unwrap()
                .windows(b"olterinkhuizen".len())
                .any(|w| w == b"olterinkhuizen")
        {
            holding.push(path);
        }
    }
    assert!(
        holding.is_empty(),
        "the retracted name is still in {holding:?}"
    );
}

/// Words joined by a hyphen, `&`, `×` or an apostrophe meet their form written as one
/// word, and their parts still find them.
#[test]
fn joined_words_meet_their_unjoined_form() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let hyphen = practice(
        1,
        "Re-integratie in het tweede spoor",
        "Met zij-instromers.",
    );
    let joined = practice(
        2,
        "Reintegratie na ziekte",
        "Een zzp'er als coach; B&W stemt in.",
    );
    let stray = practice(3, "Een b en een w", "Losse letters b w p q.");
    store
        .ingest_batch(vec![hyphen.clone(), joined.clone(), stray.clone()])
        .unwrap();
    let index = SearchIndex::open(&store).unwrap();
    for query in ["reintegratie", "re-integratie"] {
        let hits = found(&index, query);
        assert!(
            hits.contains(&hyphen.id()) && hits.contains(&joined.id()),
            "{query}: {hits:?}"
        );
    }
    assert_eq!(found(&index, "zijinstromers"), vec![hyphen.id()]);
    assert_eq!(found(&index, "instromers"), vec![hyphen.id()]);
    assert_eq!(found(&index, "B&W"), vec![joined.id()]);
    assert_eq!(found(&index, "zzp'er"), vec![joined.id()]);
    assert_eq!(found(&index, "zzp"), vec![joined.id()]);
}

/// An abbreviation finds what it stands for and back, and says so; a compound finds an
/// entry that holds its parts apart.
#[test]
fn abbreviations_and_compounds_apart() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let written_out = practice(1, "Tarieven voor het persoonsgebonden budget", "Per uur.");
    let abbreviated = practice(2, "Pgb en zorg in natura", "Wat kiezen inwoners?");
    let apart = practice(
        3,
        "Het eerste gesprek",
        "Na twee weken verzuim volgt een gesprek.",
    );
    store
        .ingest_batch(vec![
            written_out.clone(),
            abbreviated.clone(),
            apart.clone(),
        ])
        .unwrap();
    let index = SearchIndex::open(&store).unwrap();
    let outcome = |words: &str| {
        index
            .search(&SearchQuery {
                text: words.into(),
                filter: ListFilter::default(),
                authors: None,
                revoked: Vec::new(),
                histories: Vec::new(),
            })
            .unwrap()
    };
    let pgb = outcome("pgb");
    let ids: Vec<EntryId> = pgb.hits.iter().map(|h| h.entry.id()).collect();
    assert!(
        ids.contains(&written_out.id()) && ids.contains(&abbreviated.id()),
        "{ids:?}"
    );
    assert!(
        pgb.also.contains(&"persoonsgebonden budget".to_owned()),
        "{:?}",
        pgb.also
    );
    let long = outcome("persoonsgebonden budget");
    let ids: Vec<EntryId> = long.hits.iter().map(|h| h.entry.id()).collect();
    assert_eq!(ids.first(), Some(&written_out.id()), "typed words first");
    assert!(ids.contains(&abbreviated.id()), "{ids:?}");
    assert!(long.also.contains(&"pgb".to_owned()), "{:?}", long.also);
    assert_eq!(found(&index, "verzuimgesprek"), vec![apart.id()]);
}

/// A stranger's "retraction" or "version" of another organisation's entries is inert: the
/// entries stay searchable and the fake version is not, in every arrival order; an
/// answer that came before its question is found once the question is there.
#[test]
fn inert_acts_change_no_search_in_any_order() {
    let author = key(1);
    let stranger = key(9);
    let practice = testing::written(
        &author,
        Kind::Practice,
        vec![],
        T0 + 1,
        "Vroegsignalering van schulden",
        "Met de woningcorporatie.",
        &[],
    );
    let question = testing::written(
        &author,
        Kind::Question,
        vec![],
        T0 + 2,
        "Wie heeft zonnepanelen op scholen?",
        "Graag ervaringen.",
        &[],
    );
    let answer = testing::written(
        &author,
        Kind::Answer,
        vec![Ref {
            rel: Rel::Answers,
            target: question.id(),
        }],
        T0 + 3,
        "",
        "Wij legden ze op drie scholen, met de energiecoöperatie.",
        &[],
    );
    let retraction = testing::retraction(&stranger, practice.id(), T0 + 4);
    let fake = testing::written(
        &stranger,
        Kind::Question,
        vec![Ref {
            rel: Rel::Supersedes,
            target: question.id(),
        }],
        T0 + 5,
        "Vervalste vraag over zonnepanelen",
        "Koop onze panelen.",
        &[],
    );
    let all = [
        practice.clone(),
        question.clone(),
        answer.clone(),
        retraction,
        fake.clone(),
    ];
    let orders: [Vec<usize>; 3] = [
        vec![0, 1, 2, 3, 4],
        vec![4, 3, 2, 1, 0],
        vec![2, 3, 0, 4, 1],
    ];
    let mut outcomes = Vec::new();
    for order in orders {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let index = SearchIndex::open(&store).unwrap();
        for i in order {
            store.ingest_batch(vec![all[i].clone()]).unwrap();
            index.catch_up().unwrap();
        }
        let found_now = (
            found(&index, "vroegsignalering"),
            found(&index, "zonnepanelen"),
            found(&index, "energiecoöperatie"),
        );
        assert_eq!(found_now.0, vec![practice.id()]);
        assert_eq!(
            found_now.1,
            vec![question.id()],
            "the fake version is not found"
        );
        assert_eq!(found_now.2, vec![answer.id()]);
        outcomes.push(found_now);
    }
    assert!(outcomes.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn only_words_of_entries_the_reader_may_see_are_suggested_or_count_as_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let shown = practice(
        1,
        "Wijkteam werkt",
        "Het wijkteam werkt samen met de school.",
    );
    // Kept apart on this node: by an organisation it does not trust.
    let stranger = testing::written(
        &key(9),
        Kind::Practice,
        vec![],
        T0 + 2,
        "Casus Wolterinkhuizen",
        "Het gezin Wolterinkhuizen kreeg hulp.",
        &[],
    );
    store.ingest_batch(vec![shown, stranger]).unwrap();
    let index = SearchIndex::open(&store).unwrap();
    index.catch_up().unwrap();
    let ask = |words: &str, authors: Option<Vec<wiel_protocol::OrgKey>>| {
        index
            .search(&SearchQuery {
                text: words.into(),
                filter: ListFilter::default(),
                authors,
                revoked: Vec::new(),
                histories: Vec::new(),
            })
            .unwrap()
    };
    let trusted = Some(vec![key(1).public()]);
    // Without a trust policy the word is there to suggest...
    assert_eq!(
        ask("wolterinkhuisen", None).corrected.as_deref(),
        Some("wolterinkhuizen")
    );
    // ...but a reader who is shown key 1 only is not told it exists.
    let outcome = ask("wolterinkhuisen", trusted.clone());
    assert_eq!(outcome.corrected, None);
    assert!(outcome.replaced.is_empty());
    assert_eq!(outcome.unknown, vec!["wolterinkhuisen".to_string()]);
    // Typed right, it is a word nobody the reader sees wrote: said so, nothing found.
    let outcome = ask("wolterinkhuizen", trusted.clone());
    assert!(outcome.hits.is_empty());
    assert_eq!(outcome.unknown, vec!["wolterinkhuizen".to_string()]);
    // A typo of a word a shown entry holds is still corrected.
    assert_eq!(
        ask("wijkteem", trusted).corrected.as_deref(),
        Some("wijkteam")
    );
}

#[test]
fn the_parts_of_a_compound_find_their_words_that_mean_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let uitval = practice(
        1,
        "Aanpak van uitval",
        "Ons beleid bij uitval: de leidinggevende belt in de eerste week.",
    );
    let parkeren = practice(
        2,
        "Parkeren bij het stadhuis",
        "Het beleid voor parkeren is vorig jaar herzien.",
    );
    store
        .ingest_batch(vec![uitval.clone(), parkeren.clone()])
        .unwrap();
    let index = SearchIndex::open(&store).unwrap();
    index.catch_up().unwrap();
    // Nobody wrote `verzuimbeleid`; its part `verzuim` means what `uitval` means.
    assert_eq!(found(&index, "verzuimbeleid").first(), Some(&uitval.id()));
}

#[test]
fn a_strangers_near_misses_do_not_push_the_readers_word_out_of_bedoelde_u() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let own = practice(
        1,
        "Parkeervergunning",
        "De parkeervergunning voor medewerkers.",
    );
    // A stranger's entries full of words one or two letters from what the reader will
    // mistype (the mistyped word itself among them).
    let letters = "abcdefghijklmnopqrstuvwxyz";
    let mut near = Vec::new();
    for a in letters.chars() {
        for b in letters.chars() {
            if (a, b) != ('n', 'g') {
                near.push(format!("parkeervergunni{a}{b}"));
            }
        }
    }
    let stranger: Vec<Verified> = near
        .chunks(200)
        .enumerate()
        .map(|(n, words)| {
            testing::written(
                &key(9),
                Kind::Practice,
                vec![],
                T0 + 10 + n as u64,
                "Lijst",
                &words.join(" "),
                &[],
            )
        })
        .collect();
    store.ingest_batch(vec![own.clone()]).unwrap();
    store.ingest_batch(stranger).unwrap();
    let index = SearchIndex::open(&store).unwrap();
    index.catch_up().unwrap();
    let outcome = index
        .search(&SearchQuery {
            text: "parkeervergunnimg".into(),
            filter: ListFilter::default(),
            authors: Some(vec![key(1).public()]),
            revoked: Vec::new(),
            histories: Vec::new(),
        })
        .unwrap();
    assert_eq!(outcome.corrected.as_deref(), Some("parkeervergunning"));
    assert_eq!(outcome.hits.first().map(|h| h.entry.id()), Some(own.id()));
}

#[test]
fn an_entry_with_more_of_the_words_ranks_above_one_repeating_a_word() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let three_of_four = practice(
        1,
        "Woonplaatsbeginsel bij verblijf",
        "Verhuist het gezin van een kind in een pleeggezin tijdens de jeugdhulp, dan blijft de \
         gemeente verantwoordelijk waar het kind stond ingeschreven voordat het verblijf begon.",
    );
    let one_repeated = testing::written(
        &key(1),
        Kind::Practice,
        vec![],
        T0 + 2,
        "Jeugdhulp",
        "Jeugdhulp dichtbij: jeugdhulp op school en jeugdhulp in de wijk.",
        &["jeugdhulp"],
    );
    // Entries on other things where a family moves: `gezin` and `verhuist` are common
    // words here, `jeugdhulp` a rare one.
    let mut entries: Vec<Verified> = (10..30)
        .map(|n| {
            practice(
                n,
                "Een nieuwe woning",
                "Het gezin verhuist naar een huurwoning in de wijk.",
            )
        })
        .collect();
    entries.extend([three_of_four.clone(), one_repeated.clone()]);
    store.ingest_batch(entries).unwrap();
    let index = SearchIndex::open(&store).unwrap();
    index.catch_up().unwrap();
    // Neither holds `betaalt`; the one holding three of the four words comes first.
    let hits = found(&index, "wie betaalt de jeugdhulp als een gezin verhuist");
    assert_eq!(hits[..2], [three_of_four.id(), one_repeated.id()]);
}
