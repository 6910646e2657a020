//! The store's rules, its indexes, its durability, and a property test against a model.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use wiel_protocol::testing::{self, key};
use wiel_protocol::{EntryId, Kind, Verified};
use wiel_store::{AddedSince, Ingest, ListFilter, Resolved, Store, StoreError};

const T0: u64 = 1_750_000_000_000;

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn ids(entries: &[Verified]) -> Vec<EntryId> {
    entries.iter().map(|e| e.id()).collect()
}

#[test]
fn ingest_is_idempotent_and_durable() {
    let dir = tempfile::tempdir().unwrap();
    let e = testing::practice(&key(1), 1, T0);
    {
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.ingest(e.clone()).unwrap(), Ingest::Stored);
        assert_eq!(store.ingest(e.clone()).unwrap(), Ingest::AlreadyStored);
    }
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.get(&e.id()).unwrap(), Some(e.clone()));
    assert_eq!(store.count(), 1);
}

#[test]
fn a_second_process_gets_a_clear_locked_error() {
    let (dir, _store) = open();
    match Store::open(dir.path()) {
        Err(StoreError::Locked { .. }) => {}
        Err(other) => panic!("expected Locked, got {other}"),
        Ok(_) => panic!("opened a locked store twice"),
    }
}

#[test]
fn retraction_erases_the_body_and_refuses_it_later() {
    let (_dir, store) = open();
    let k = key(1);
    let e = testing::practice(&k, 1, T0);
    let r = testing::retraction(&k, e.id(), T0 + 1);
    store.ingest(e.clone()).unwrap();
    assert_eq!(store.ingest(r.clone()).unwrap(), Ingest::Stored);
    let kept = store.get(&e.id()).unwrap().unwrap();
    assert!(kept.body().is_none(), "body must be erased");
    assert_eq!(kept.header(), e.header(), "the signed header stays");
    assert_eq!(store.retracted_by(&e.id()).unwrap(), Some(r.id()));
    // it comes back through a peer that still had it: refused
    assert_eq!(store.ingest(e.clone()).unwrap(), Ingest::Retracted);
    assert!(store.get(&e.id()).unwrap().unwrap().body().is_none());
    assert!(
        store
            .list(&ListFilter::default())
            .unwrap()
            .iter()
            .all(|x| x.id() != e.id())
    );
}

/// Whether `needle` occurs in any file under `dir`.
fn on_disk(dir: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let path = e.unwrap().path();
        if path.is_dir() {
            on_disk(&path, needle)
        } else {
            let bytes = std::fs::read(&path).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle)
        }
    })
}

#[test]
fn retracted_body_is_gone_from_every_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let k = key(1);
    let secret = testing::practice_with_text(&k, 77, T0, 3000);
    let needle = secret.body().unwrap().text.as_bytes()[..64].to_vec();
    {
        let store = Store::open(dir.path()).unwrap();
        store.ingest(secret.clone()).unwrap();
        for i in 0..50 {
            store.ingest(testing::practice(&k, i, T0 + i)).unwrap();
        }
        assert!(
            on_disk(dir.path(), &needle),
            "the body should be on disk before"
        );
        store
            .ingest(testing::retraction(&k, secret.id(), T0 + 100))
            .unwrap();
        assert!(
            !on_disk(dir.path(), &needle),
            "the retracted body is still on disk"
        );
    }
    let store = Store::open(dir.path()).unwrap();
    assert!(store.get(&secret.id()).unwrap().unwrap().body().is_none());
    assert_eq!(store.list(&ListFilter::default()).unwrap().len(), 50);
}

#[test]
fn retraction_that_arrives_before_its_target_still_applies() {
    let (_dir, store) = open();
    let k = key(1);
    let e = testing::practice(&k, 1, T0);
    let r = testing::retraction(&k, e.id(), T0 + 1);
    assert_eq!(store.ingest(r).unwrap(), Ingest::Stored);
    assert_eq!(store.ingest(e.clone()).unwrap(), Ingest::Retracted);
    assert!(store.get(&e.id()).unwrap().unwrap().body().is_none());
}

#[test]
fn retracting_someone_elses_entry_is_kept_inert_and_changes_nothing() {
    let (_dir, store) = open();
    let e = testing::practice(&key(1), 1, T0);
    store.ingest(e.clone()).unwrap();
    let forged = testing::retraction(&key(2), e.id(), T0 + 1);
    // Stored (the same set on every node, whatever came first), but without effect.
    assert_eq!(store.ingest(forged.clone()).unwrap(), Ingest::Stored);
    assert_eq!(store.get(&e.id()).unwrap(), Some(e));
    assert!(store.is_inert(&forged).unwrap());
    let listed = ids(&store.list(&ListFilter::default()).unwrap());
    assert!(
        !listed.contains(&forged.id()),
        "an inert entry is not shown"
    );
    assert_eq!(store.count(), 2);
}

#[test]
fn early_retraction_by_another_author_does_not_erase() {
    let (_dir, store) = open();
    let e = testing::practice(&key(1), 1, T0);
    store
        .ingest(testing::retraction(&key(2), e.id(), T0 + 1))
        .unwrap();
    assert_eq!(store.ingest(e.clone()).unwrap(), Ingest::Stored);
    assert!(store.get(&e.id()).unwrap().unwrap().body().is_some());
}

#[test]
fn versions_list_latest_and_thread_shows_the_chain() {
    let (_dir, store) = open();
    let k = key(1);
    let v1 = testing::practice(&k, 1, T0);
    let v2 = testing::new_version(&k, v1.id(), 2, T0 + 10);
    let v3 = testing::new_version(&k, v2.id(), 3, T0 + 20);
    // out of order on purpose
    for e in [&v3, &v1, &v2] {
        assert_eq!(store.ingest(e.clone()).unwrap(), Ingest::Stored);
    }
    assert_eq!(
        ids(&store.list(&ListFilter::default()).unwrap()),
        vec![v3.id()]
    );
    let all = ListFilter {
        all_versions: true,
        ..ListFilter::default()
    };
    assert_eq!(store.list(&all).unwrap().len(), 3);
    let thread = store.thread(&v1.id()).unwrap().unwrap();
    assert_eq!(thread.versions, vec![v1.id(), v2.id(), v3.id()]);
    assert_eq!(thread.latest, Some(v3.id()));
    // a new version by someone else is kept inert: it replaces nothing
    let foreign = testing::new_version(&key(2), v3.id(), 4, T0 + 30);
    assert_eq!(store.ingest(foreign.clone()).unwrap(), Ingest::Stored);
    assert!(store.is_inert(&foreign).unwrap());
    assert_eq!(store.latest_version(&v1.id()).unwrap(), v3.id());
    assert_eq!(
        ids(&store.list(&ListFilter::default()).unwrap()),
        vec![v3.id()]
    );
}

#[test]
fn answers_only_to_questions_and_threads_collect_them() {
    let (_dir, store) = open();
    let q = testing::question(&key(1), 1, T0);
    let p = testing::practice(&key(1), 2, T0);
    store.ingest_batch(vec![q.clone(), p.clone()]).unwrap();
    let a1 = testing::answer(&key(2), q.id(), 1, T0 + 5);
    let a2 = testing::answer(&key(3), q.id(), 2, T0 + 6);
    let bad = testing::answer(&key(2), p.id(), 3, T0 + 7);
    let r = testing::reaction(&key(1), a1.id(), T0 + 8);
    let out = store
        .ingest_batch(vec![a1.clone(), a2.clone(), bad.clone(), r.clone()])
        .unwrap();
    assert_eq!(out[0], Ingest::Stored);
    assert_eq!(
        out[2],
        Ingest::Stored,
        "kept, inert: it answers no question"
    );
    assert!(store.is_inert(&bad).unwrap());
    assert!(store.thread(&p.id()).unwrap().unwrap().answers.is_empty());
    let listed = ids(&store.list(&ListFilter::default()).unwrap());
    assert!(!listed.contains(&bad.id()) && listed.contains(&a1.id()));
    let thread = store.thread(&q.id()).unwrap().unwrap();
    assert_eq!(ids(&thread.answers), vec![a1.id(), a2.id()]);
    assert_eq!(store.thread(&a1.id()).unwrap().unwrap().reactions.len(), 1);
}

#[test]
fn filters_and_prefixes() {
    let (_dir, store) = open();
    let mut batch = Vec::new();
    for i in 0..40u64 {
        let k = key((i % 2) as u8 + 1);
        batch.push(if i % 4 == 0 {
            testing::question(&k, i, T0 + i * 1000)
        } else {
            testing::practice(&k, i, T0 + i * 1000)
        });
    }
    store.ingest_batch(batch.clone()).unwrap();
    let q = store
        .list(&ListFilter {
            kind: Some(Kind::Question),
            ..ListFilter::default()
        })
        .unwrap();
    assert_eq!(q.len(), 10);
    assert!(
        q.windows(2)
            .all(|w| w[0].header().created_at > w[1].header().created_at)
    );
    let by_author = store
        .list(&ListFilter {
            author: Some(key(1).public()),
            since: Some(wiel_protocol::Timestamp::from_millis(T0 + 20_000)),
            until: Some(wiel_protocol::Timestamp::from_millis(T0 + 30_000)),
            ..ListFilter::default()
        })
        .unwrap();
    // i in 20..30 with i even
    assert_eq!(by_author.len(), 5);
    let limited = store
        .list(&ListFilter {
            limit: 3,
            ..ListFilter::default()
        })
        .unwrap();
    assert_eq!(
        ids(&limited),
        vec![batch[39].id(), batch[38].id(), batch[37].id()]
    );

    let target = batch[7].id();
    assert_eq!(
        store.resolve_prefix(&target.to_hex()[..12]).unwrap(),
        Resolved::Found(target)
    );
    assert!(matches!(store.resolve_prefix("").unwrap(), Resolved::Ambiguous(v) if v.len() == 10));
    assert_eq!(store.resolve_prefix("zz").unwrap(), Resolved::NotFound);
    let missing = (0..=255u8)
        .map(|b| format!("{b:02x}ffff"))
        .find(|p| batch.iter().all(|e| !e.id().to_hex().starts_with(p)))
        .unwrap();
    assert_eq!(store.resolve_prefix(&missing).unwrap(), Resolved::NotFound);
}

// ---- property test against a model ----

#[derive(Clone, Debug)]
enum Op {
    Insert(usize),
    Reopen,
}

/// A pool of entries whose order of arrival the property test shuffles.
struct Pool {
    entries: Vec<Verified>,
}

fn pool() -> Pool {
    let a = key(1);
    let b = key(2);
    let mut entries = Vec::new();
    for i in 0..6u64 {
        let k = if i % 2 == 0 { &a } else { &b };
        entries.push(testing::practice(k, i, T0 + i));
    }
    // right-author retractions of 0 and 1, wrong-author retraction of 2
    entries.push(testing::retraction(&a, entries[0].id(), T0 + 100));
    entries.push(testing::retraction(&b, entries[1].id(), T0 + 101));
    entries.push(testing::retraction(&b, entries[2].id(), T0 + 102));
    Pool { entries }
}

/// The model: which entries are held, and which targets are retracted.
#[derive(Default)]
struct Model {
    held: BTreeMap<EntryId, Verified>,
}

impl Model {
    fn retracts(e: &Verified) -> Option<EntryId> {
        e.header().target(wiel_protocol::Rel::Retracts)
    }

    fn is_retracted(&self, id: &EntryId) -> bool {
        let Some(target) = self.held.get(id) else {
            return false;
        };
        self.held
            .values()
            .any(|r| Self::retracts(r) == Some(*id) && r.header().author == target.header().author)
    }

    fn insert(&mut self, e: &Verified) -> Ingest {
        if self.held.contains_key(&e.id()) {
            return if self.is_retracted(&e.id()) {
                Ingest::Retracted
            } else {
                Ingest::AlreadyStored
            };
        }
        self.held.insert(e.id(), e.clone());
        if self.is_retracted(&e.id()) {
            Ingest::Retracted
        } else {
            Ingest::Stored
        }
    }

    /// A retraction counts when its target is held and by the same author.
    fn is_inert(&self, e: &Verified) -> bool {
        Self::retracts(e).is_some_and(|target| {
            self.held
                .get(&target)
                .is_none_or(|t| t.header().author != e.header().author)
        })
    }

    fn visible(&self) -> BTreeSet<EntryId> {
        self.held
            .iter()
            .filter(|(id, e)| !self.is_retracted(id) && !self.is_inert(e))
            .map(|(id, _)| *id)
            .collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn store_matches_model(ops in prop::collection::vec(
        prop_oneof![9 => (0usize..9).prop_map(Op::Insert), 1 => Just(Op::Reopen)], 1..30))
    {
        let pool = pool();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Some(Store::open(dir.path()).unwrap());
        let mut model = Model::default();
        // A set that follows the store by what its commits added (as a sync set does).
        let mut followed: (u64, BTreeSet<(String, EntryId)>) = (0, BTreeSet::new());
        for op in ops {
            match op {
                Op::Insert(i) => {
                    let e = &pool.entries[i];
                    let got = store.as_ref().unwrap().ingest(e.clone()).unwrap();
                    prop_assert_eq!(got, model.insert(e));
                }
                Op::Reopen => {
                    drop(store.take());
                    store = Some(Store::open(dir.path()).unwrap());
                    // Generations count the commits of one open store.
                    followed = (u64::MAX, BTreeSet::new());
                }
            }
            let s = store.as_ref().unwrap();
            let all_items = || -> BTreeSet<(String, EntryId)> {
                s.items_by_space(None).unwrap().into_iter()
                    .flat_map(|(space, items)| items.into_iter().map(move |i| (space.clone(), i.id)))
                    .collect()
            };
            match s.added_since(followed.0) {
                AddedSince::Known { now, added } => {
                    followed.0 = now;
                    followed.1.extend(added.into_iter().map(|(space, item)| (space, item.id)));
                }
                AddedSince::Unknown { now } => followed = (now, all_items()),
            }
            prop_assert_eq!(&followed.1, &all_items());
            for id in model.held.keys() {
                let held = s.get(id).unwrap();
                prop_assert!(held.is_some());
                prop_assert_eq!(held.unwrap().body().is_none(), model.is_retracted(id));
            }
            let listed: BTreeSet<EntryId> = s
                .list(&ListFilter { limit: 1000, ..ListFilter::default() })
                .unwrap()
                .iter()
                .map(|e| e.id())
                .collect();
            prop_assert_eq!(listed, model.visible());
        }
    }
}

#[test]
fn a_scan_counts_the_matches_past_its_limit_up_to_a_bound() {
    let (_d, store) = open();
    let n = 252;
    let entries: Vec<Verified> = (0..n)
        .map(|i| testing::practice(&key(1), i, T0 + i))
        .collect();
    store.ingest_batch(entries).unwrap();
    let scan = |limit: usize| {
        store
            .scan(
                &ListFilter {
                    limit,
                    ..ListFilter::default()
                },
                |_| true,
                |_| true,
            )
            .unwrap()
    };
    let all_counted = scan(60);
    assert!(all_counted.more);
    assert_eq!(all_counted.entries.len(), 60);
    assert_eq!(all_counted.total, Some(n as usize));
    // 50 shown and more than 200 beyond: not all counted.
    let bounded = scan(50);
    assert!(bounded.more && bounded.total.is_none());
    assert_eq!(scan(2_000).total, Some(n as usize));
}

/// The format a closed store in `dir` says it has.
fn written_format(dir: &std::path::Path) -> u32 {
    let db = sled::open(dir).unwrap();
    let format = db
        .open_tree("meta")
        .unwrap()
        .get(b"format")
        .unwrap()
        .unwrap();
    u32::from_be_bytes(format.as_ref().try_into().unwrap())
}

/// Every file under `dir` with its bytes.
fn files(dir: &std::path::Path) -> BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    out
}

#[test]
fn a_store_from_before_formats_were_written_is_migrated_and_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<Verified> = (0..5)
        .map(|i| testing::practice(&key(1), i, T0 + i))
        .collect();
    {
        let store = Store::open(dir.path()).unwrap();
        store.ingest_batch(entries.clone()).unwrap();
        store.flush().unwrap();
    }
    // As format 1 left it: no format written, and no note of what was signed here.
    {
        let db = sled::open(dir.path()).unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.remove(b"format").unwrap();
        meta.remove(b"signed_noted_from_start").unwrap();
        db.drop_tree("signed").unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    for e in &entries {
        assert!(store.holds(&e.id()).unwrap());
    }
    // The list of entries signed here is filled from what the organisation's keys signed.
    let signed = store.signed_here(|k| *k == key(1).public()).unwrap();
    assert_eq!(signed.get(&key(1).public()).map(Vec::len), Some(5));
    drop(store);
    assert_eq!(written_format(dir.path()), wiel_store::STORE_FORMAT);
}

#[test]
fn a_store_of_a_newer_format_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        store.ingest(testing::practice(&key(1), 1, T0)).unwrap();
        store.flush().unwrap();
    }
    {
        let db = sled::open(dir.path()).unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.insert(b"format", &99u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    let before = files(dir.path());
    match Store::open(dir.path()) {
        Err(StoreError::NewerFormat { found, .. }) => assert_eq!(found, 99),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a store of a newer format was opened"),
    }
    // Nothing of wiel's changed: the entry log is as it was, the format is still the newer
    // one (sled may write a snapshot of its own on open).
    let after = files(dir.path());
    let log = dir.path().join("entries.log");
    assert_eq!(before[&log], after[&log]);
    let db = sled::open(dir.path()).unwrap();
    let meta = db.open_tree("meta").unwrap();
    assert_eq!(
        meta.get(b"format").unwrap().unwrap().as_ref(),
        99u32.to_be_bytes()
    );
    // Under the newer wiel (here: the format set back) it is whole.
    meta.insert(b"format", &wiel_store::STORE_FORMAT.to_be_bytes())
        .unwrap();
    db.flush().unwrap();
    drop((meta, db));
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.count(), 1);
}

/// Copies `from` into `to`, files only (one level: a store directory).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn a_store_of_format_2_written_by_an_earlier_build_opens_with_its_entries() {
    // `tests/data/store-format-2`: a node's store as `wiel init` and `wiel ask` left it when
    // the format was 2 (its profile and one question). Every later build must read it, or
    // migrate it, never lose it.
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/store-format-2");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture, dir.path());
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.count(), 2);
    let question: EntryId = "db1f9a8c861ba24bad3edfc2a6d7beace698695f26451f239c4c37f5d0888afc"
        .parse()
        .unwrap();
    let entry = store.get(&question).unwrap().expect("the question");
    assert_eq!(
        entry.body().unwrap().title,
        "Wie heeft ervaring met een generatiepact?"
    );
    assert_eq!(entry.header().kind, Kind::Question);
    assert_eq!(
        entry.header().author.to_hex(),
        "32ec821c390db9be42eec491f9815fdc26ce9ab1a1bfebbd6ef4b3051d77244b"
    );
    drop(store);
    assert_eq!(written_format(dir.path()), wiel_store::STORE_FORMAT);
}
