//! What a reader may see of a revoked key in search: nothing it signed from its
//! revocation on, or exactly its named history — in hits and in "bedoelde u" alike.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_protocol::testing::{self, key};
use wiel_protocol::{Kind, Verified};
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

#[test]
fn what_a_revoked_key_signed_after_its_revocation_is_no_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let before = practice(1, "Wijkteam werkt", "Het wijkteam werkt samen.");
    // Signed with the organisation's old key after it was revoked (a thief's).
    let after = practice(100, "Betaalsitezwendel", "Meld betaalsitezwendel hier.");
    store.ingest_batch(vec![before, after]).unwrap();
    let index = SearchIndex::open(&store).unwrap();
    index.catch_up().unwrap();
    let ask = |revoked: Vec<(wiel_protocol::OrgKey, wiel_protocol::Timestamp)>| {
        index
            .search(&SearchQuery {
                text: "betaalsitezwendl".into(),
                filter: ListFilter::default(),
                authors: Some(vec![key(1).public()]),
                revoked,
                histories: Vec::new(),
            })
            .unwrap()
    };
    assert_eq!(
        ask(Vec::new()).corrected.as_deref(),
        Some("betaalsitezwendel")
    );
    let revoked = vec![(
        key(1).public(),
        wiel_protocol::Timestamp::from_millis(T0 + 50),
    )];
    let outcome = ask(revoked);
    assert_eq!(outcome.corrected, None);
    assert!(outcome.hits.is_empty());
}

#[test]
fn a_revoked_key_with_a_named_history_shows_exactly_that_history_whatever_the_dates() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let owners = practice(5, "Wijkteam werkt", "Het wijkteam werkt samen.");
    // Dated before the owner's, signed by a thief with the same key.
    let thiefs = practice(1, "Wijkteam betaalt", "Het wijkteam betaalt hier.");
    store
        .ingest_batch(vec![owners.clone(), thiefs.clone()])
        .unwrap();
    let index = SearchIndex::open(&store).unwrap();
    index.catch_up().unwrap();
    let found = |histories: Vec<(wiel_protocol::OrgKey, Vec<wiel_protocol::EntryId>)>| {
        let mut ids: Vec<_> = index
            .search(&SearchQuery {
                text: "wijkteam".into(),
                filter: ListFilter::default(),
                authors: Some(vec![key(1).public()]),
                // A revocation dated back to before either entry (a thief's).
                revoked: vec![(key(1).public(), wiel_protocol::Timestamp::from_millis(0))],
                histories,
            })
            .unwrap()
            .hits
            .iter()
            .map(|h| h.entry.id())
            .collect();
        ids.sort();
        ids
    };
    assert!(found(Vec::new()).is_empty());
    assert_eq!(
        found(vec![(key(1).public(), vec![owners.id()])]),
        vec![owners.id()]
    );
}
