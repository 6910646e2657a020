//! Byzantine eventual consistency: two stores that take in the same set of signed entries,
//! in any order and in any batches, hold the same state — stored set, erasures, versions,
//! trust set, visible entries and fingerprints — whatever hostile authors signed (answers
//! before questions, foreign retractions and versions, a thief's backdated rotation,
//! entries of a revoked key, headers stripped of their bodies, duplicates, entries dated
//! years ahead); and two stores that each took in part of it show and pass on the same
//! once they synced.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use wiel_node::reconcile::Fingerprint;
use wiel_node::trust::{TrustConfig, TrustFacts, TrustMode, TrustSet};
use wiel_protocol::{EntryId, OrgKey, SpaceName, Verified, testing};
use wiel_store::{ListFilter, Store};

const T: u64 = 1_700_000_000_000;

/// Everything a node shows or passes on, read back from a store.
#[derive(Debug, PartialEq, Eq)]
struct State {
    /// id → whether the body is held
    held: BTreeMap<EntryId, bool>,
    retracted_by: BTreeMap<EntryId, EntryId>,
    superseded_by: BTreeMap<EntryId, EntryId>,
    inert: BTreeSet<EntryId>,
    trust: TrustSet,
    visible: BTreeSet<EntryId>,
    /// question → its accepted answer
    accepted: BTreeMap<EntryId, EntryId>,
    fingerprint: Fingerprint,
}

fn own() -> OrgKey {
    testing::key(0).public()
}

fn config() -> TrustConfig {
    TrustConfig {
        mode: TrustMode::WebOfTrust,
        roots: vec![testing::key(1).public()],
        depth: 2,
        ..TrustConfig::default()
    }
}

fn state(store: &Store) -> State {
    let mut held = BTreeMap::new();
    let mut retracted_by = BTreeMap::new();
    let mut superseded_by = BTreeMap::new();
    let mut inert = BTreeSet::new();
    let mut accepted = BTreeMap::new();
    for entry in store.iter_all() {
        let entry = entry.unwrap();
        let id = entry.id();
        if entry.header().kind == wiel_protocol::Kind::Question
            && let Some(answer) = store.accepted_answer(&id).unwrap()
        {
            accepted.insert(id, answer);
        }
        held.insert(id, entry.body().is_some());
        if let Some(r) = store.retracted_by(&id).unwrap() {
            retracted_by.insert(id, r);
        }
        if let Some(v) = store.superseded_by(&id).unwrap() {
            superseded_by.insert(id, v);
        }
        if store.is_inert(&entry).unwrap() {
            inert.insert(id);
        }
    }
    let trust = TrustSet::compute(
        &config(),
        own(),
        &TrustFacts::from_entries(&store.trust_entries().unwrap()),
    );
    let visible = store
        .list(&ListFilter {
            limit: 10_000,
            ..ListFilter::default()
        })
        .unwrap()
        .iter()
        .filter(|e| trust.shows_entry(e))
        .map(Verified::id)
        .collect();
    let mut fingerprint = Fingerprint::default();
    for item in store.space_items(&SpaceName::national()).unwrap() {
        if wiel_node::trust::passes_on_item(store, &trust, &item).unwrap() {
            fingerprint.add(&item.id);
        }
    }
    State {
        held,
        retracted_by,
        superseded_by,
        inert,
        trust,
        visible,
        accepted,
        fingerprint,
    }
}

/// Entries from honest, hostile and thieving authors. Key 1 is the root; 2 is endorsed by
/// it, rotates to 5 and revokes itself; a thief holding 2 rotates it to 6, backdated;
/// 3 is a stranger who answers, retracts and edits what is not its own.
fn pool() -> Vec<Verified> {
    let k = testing::key;
    let q1 = testing::question(&k(1), 1, T);
    let p1 = testing::practice(&k(2), 1, T + 1);
    let p_old = testing::practice(&k(2), 2, T + 2);
    let p_old2 = testing::practice(&k(2), 3, T + 3);
    let a1 = testing::answer(&k(3), q1.id(), 1, T + 4);
    let a2 = testing::answer(&k(2), q1.id(), 2, T + 5);
    let accept = |key: u8, answer: EntryId, at: u64| {
        testing::signed_body(
            &k(key),
            wiel_protocol::Kind::Reaction,
            vec![wiel_protocol::Ref {
                rel: wiel_protocol::Rel::ReactsTo,
                target: answer,
            }],
            at,
            wiel_protocol::Body {
                fields: wiel_protocol::KindFields::Reaction {
                    verdict: wiel_protocol::Verdict::Accepted,
                },
                ..wiel_protocol::Body::default()
            },
        )
    };
    let accept_a2 = accept(1, a2.id(), T + 7);
    let r_ok = testing::retraction(&k(2), p1.id(), T + 40);
    let rot_ok = testing::rotation(&k(2), &k(5), T + 10);
    let p5 = testing::practice(&k(5), 5, T + 31);
    let e10 = testing::practice(&k(10), 16, T + 1);
    let q20 = testing::question(&k(3), 20, T + 70);
    let e10b = testing::practice(&k(10), 17, T + 1);
    let thief10 = testing::practice(&k(10), 18, T + 2);
    let id_of_after_revocation = testing::practice(&k(2), 7, T + 30).id();
    vec![
        q1.clone(),
        p1.clone(),
        a1.clone(),
        a2.clone(),
        testing::answer(&k(1), p1.id(), 3, T + 6), // answers no question: inert
        accept_a2.clone(),                         // by the asker
        accept(3, a1.id(), T + 8),                 // not by the asker: inert
        r_ok.clone(),
        testing::retraction(&k(3), q1.id(), T + 41), // foreign: inert
        testing::retraction(&k(2), r_ok.id(), T + 42), // erases r_ok's reason
        testing::new_version(&k(2), p1.id(), 10, T + 43),
        testing::new_version(&k(3), p1.id(), 11, T + 44), // foreign: inert
        testing::endorsement(&k(1), &k(2), T + 9),
        testing::endorsement(&k(3), &k(4), T + 9), // by a stranger
        rot_ok.clone(),
        testing::rotation(&k(2), &k(6), T - 1_000_000), // the thief, backdated
        testing::revocation(&k(5), &k(2), T + 20, T + 21),
        testing::practice(&k(2), 7, T + 30), // after the revocation
        testing::practice(&k(6), 8, T + 32), // the thief's key
        p5.clone(),
        testing::retraction(&k(5), p_old.id(), T + 45), // by the new key: counts
        p_old.clone(),
        p_old.to_tombstone(), // a header whose retraction comes
        q1.to_tombstone(),    // a stripped header: never a tombstone
        testing::endorsement(&k(2), &k(3), T + 22), // by the revoked key
        testing::reaction(&k(4), p5.id(), T + 46),
        testing::retraction(&k(2), rot_ok.id(), T + 47), // of a rotation: inert
        testing::new_version(&k(5), p_old2.id(), 12, T + 48), // by the new key: counts
        p_old2.clone(),
        testing::answer(&k(3), a1.id(), 4, T + 49), // answers an answer: inert
        testing::rotation(&k(66), &k(2), T + 1),    // the thief attaches a key of its own to 2
        testing::rotation(&k(2), &k(70), T + 2),    // more of the thief's rotations of 2
        testing::rotation(&k(2), &k(71), T + 3),
        testing::practice(&k(66), 9, T + 50),
        accept(1, a1.id(), T + 51), // the asker changes its mind: this one counts
        testing::reaction(&k(4), accept_a2.id(), T + 52), // to a reaction: inert
        dated_ahead(&k(2), &testing::practice(&k(2), 14, T)), // the revoked key
        dated_ahead(&k(1), &testing::practice(&k(1), 15, T)), // the root, years ahead
        // 10 is endorsed by the root, moves to 11 and revokes itself from T + 3; a thief
        // holding 10 retracts 10's earlier entry with a retraction dated after that.
        testing::endorsement(&k(1), &k(10), T + 1),
        e10.clone(),
        testing::rotation(&k(10), &k(11), T + 2),
        testing::revocation(&k(11), &k(10), T + 3, T + 4),
        testing::retraction(&k(10), e10.id(), T + 60),
        // A stranger's own answer, edited to answer another question: replaces nothing.
        q20.clone(),
        moved(&k(3), &a1, &q20, T + 71),
        // 10's owner names its history with 11; the thief holding 10 signs an entry dated
        // before the revocation and revokes 10 from before everything, to hide the rest.
        e10b.clone(),
        thief10.clone(),
        testing::revocation(&k(10), &k(10), T, T + 5),
        testing::history(&k(11), &k(10), &[e10.id(), e10b.id()], T + 6),
        // Histories named by the thief's successor of 2, and by a stranger: nothing.
        testing::history(&k(6), &k(2), &[id_of_after_revocation], T + 7),
        testing::history(&k(3), &k(10), &[thief10.id()], T + 8),
    ]
}

/// A new version of `answer` by `key` that answers `question` instead.
fn moved(
    key: &wiel_protocol::OrgKeypair,
    answer: &Verified,
    question: &Verified,
    at: u64,
) -> Verified {
    wiel_protocol::Draft {
        network: testing::network(),
        space: SpaceName::national(),
        kind: wiel_protocol::Kind::Answer,
        refs: vec![
            wiel_protocol::Ref {
                rel: wiel_protocol::Rel::Answers,
                target: question.id(),
            },
            wiel_protocol::Ref {
                rel: wiel_protocol::Rel::Supersedes,
                target: answer.id(),
            },
        ],
        created_at: wiel_protocol::Timestamp::from_millis(at),
        body: answer.body().unwrap().clone(),
    }
    .sign(key, &testing::rules())
    .unwrap()
}

/// Ten years, in milliseconds: a node's admission refuses entries dated ahead of its clock,
/// but the state must not depend on when an entry was taken in.
const FUTURE: u64 = 10 * 365 * 24 * 3600 * 1000;

/// `entry` signed again by `key`, dated [`FUTURE`] ahead (signed by a clock that far ahead:
/// a node's admission would refuse it; the store must take it like any other).
fn dated_ahead(key: &wiel_protocol::OrgKeypair, entry: &Verified) -> Verified {
    let h = entry.header();
    let at = wiel_protocol::Timestamp::from_millis(T + FUTURE);
    let mut rules = testing::rules();
    rules.now = at;
    wiel_protocol::Draft {
        network: testing::network(),
        space: h.space.clone(),
        kind: h.kind,
        refs: h.refs.clone(),
        created_at: at,
        body: entry.body().unwrap().clone(),
    }
    .sign(key, &rules)
    .unwrap()
}

/// Entries in the pool.
const POOL: usize = 51;

fn ingest_in_batches(store: &Store, entries: &[Verified], cuts: &[usize]) {
    let mut start = 0;
    for cut in cuts.iter().chain([&entries.len()]) {
        let end = (*cut).clamp(start, entries.len());
        if end > start {
            store.ingest_batch(entries[start..end].to_vec()).unwrap();
        }
        start = end;
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn case_count() -> u32 {
    std::env::var("WIEL_CONVERGENCE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: case_count(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_order_and_every_split_yields_the_same_state(
        chosen in prop::collection::vec(prop::bool::weighted(0.8), POOL),
        duplicates in prop::collection::vec(0usize..POOL, 0..4),
        order_a in Just((0..POOL + 4).collect::<Vec<_>>()).prop_shuffle(),
        order_b in Just((0..POOL + 4).collect::<Vec<_>>()).prop_shuffle(),
        cuts_a in prop::collection::vec(0usize..POOL + 4, 0..5),
        cuts_b in prop::collection::vec(0usize..POOL + 4, 0..5),
    ) {
        let pool = pool();
        // The set: the chosen entries, some of them twice.
        let mut set: Vec<Verified> = pool
            .iter()
            .zip(&chosen)
            .filter(|(_, c)| **c)
            .map(|(e, _)| e.clone())
            .collect();
        set.extend(duplicates.iter().map(|i| pool[*i].clone()));
        let arrange = |order: &[usize], cuts: &[usize]| {
            let entries: Vec<Verified> = order
                .iter()
                .filter(|i| **i < set.len())
                .map(|i| set[*i].clone())
                .collect();
            let mut cuts = cuts.to_vec();
            cuts.sort();
            (entries, cuts)
        };
        let (entries_a, cuts_a) = arrange(&order_a, &cuts_a);
        let (entries_b, cuts_b) = arrange(&order_b, &cuts_b);
        let (_da, a) = open();
        let (_db, b) = open();
        ingest_in_batches(&a, &entries_a, &cuts_a);
        ingest_in_batches(&b, &entries_b, &cuts_b);
        let (sa, sb) = (state(&a), state(&b));
        prop_assert_eq!(&sa, &sb);
        // Once the owner's own rotation is known, the thief's key is never trusted.
        let has = |i: usize| chosen[i] || duplicates.contains(&i);
        if has(14) {
            prop_assert!(!sa.trust.is_trusted(&testing::key(6).public()));
        }
        // A key attached before a revoked or compromised key gains nothing.
        if has(14) && (has(16) || has(15)) {
            prop_assert!(!sa.trust.is_trusted(&testing::key(66).public()));
        }
    }
}

/// What `store` passes on in `nl` by its own trust set: the set catch-up sync compares.
fn passed_on(store: &Store) -> BTreeSet<EntryId> {
    let trust = state(store).trust;
    store
        .space_items(&SpaceName::national())
        .unwrap()
        .into_iter()
        .filter(|i| wiel_node::trust::passes_on_item(store, &trust, i).unwrap())
        .map(|i| i.id)
        .collect()
}

/// Catch-up between two stores as the nodes do it: each fetches what the other passes on
/// and it does not hold, and the targets its entries refer to that it lacks (from a peer
/// that gives them: [`wiel_node::trust::serves`]), round after round (what arrives can
/// change a trust set, and with it what is passed on), until a round moves nothing.
fn sync(a: &Store, b: &Store) -> usize {
    for round in 1..=10 {
        let mut moved = 0;
        for (from, to) in [(a, b), (b, a)] {
            let trust = state(from).trust;
            let targets: BTreeSet<EntryId> = to
                .iter_all()
                .flat_map(|e| e.unwrap().header().refs.clone())
                .map(|r| r.target)
                .collect();
            let missing: Vec<Verified> = passed_on(from)
                .into_iter()
                .chain(targets)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .filter(|id| !to.holds(id).unwrap())
                .filter_map(|id| from.get(&id).unwrap())
                .filter(|e| wiel_node::trust::serves(from, &trust, e).unwrap())
                .collect();
            moved += missing.len();
            if !missing.is_empty() {
                to.ingest_batch(missing).unwrap();
            }
        }
        if moved == 0 {
            return round;
        }
    }
    panic!("sync between two stores did not settle in 10 rounds");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: case_count() / 4,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// The pool split at random across two nodes (some entries on both), each taking in
    /// its part in a random order; after catch-up both show and pass on the same.
    #[test]
    fn a_random_split_across_two_nodes_converges_by_sync(
        sides in prop::collection::vec(0u8..3, POOL),
        order in Just((0..POOL).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let pool = pool();
        let (_da, a) = open();
        let (_db, b) = open();
        for i in order {
            // 0: A, 1: B, 2: both.
            if sides[i] != 1 {
                a.ingest_batch(vec![pool[i].clone()]).unwrap();
            }
            if sides[i] != 0 {
                b.ingest_batch(vec![pool[i].clone()]).unwrap();
            }
        }
        sync(&a, &b);
        let (sa, sb) = (state(&a), state(&b));
        prop_assert_eq!(&sa.trust, &sb.trust);
        prop_assert_eq!(&sa.visible, &sb.visible);
        prop_assert_eq!(&sa.accepted, &sb.accepted);
        prop_assert_eq!(sa.fingerprint, sb.fingerprint);
        prop_assert_eq!(passed_on(&a), passed_on(&b));
    }
}

#[test]
fn the_pool_exercises_every_rule() {
    // With the whole pool, in one batch: the rules above take effect as documented.
    let (_d, store) = open();
    let pool = pool();
    store.ingest_batch(pool.clone()).unwrap();
    let s = state(&store);
    // A node reads key histories in a second step, only those that may count: the same set.
    let node = wiel_node::trust::TrustState::load(own(), config(), &store).unwrap();
    assert_eq!(*node.current(), s.trust);
    let id = |i: usize| pool[i].id();
    assert_eq!(
        s.held.get(&id(1)),
        Some(&false),
        "p1 retracted by its author"
    );
    assert_eq!(
        s.held.get(&id(0)),
        Some(&true),
        "a foreign retraction erases nothing"
    );
    assert_eq!(
        s.held.get(&id(21)),
        Some(&false),
        "the new key retracts the old key's entry"
    );
    assert_eq!(
        s.superseded_by.get(&id(28)),
        Some(&id(27)),
        "the new key edits the old key's entry"
    );
    assert_eq!(
        s.accepted.get(&id(0)),
        Some(&id(2)),
        "the asker's later acceptance replaces the earlier"
    );
    assert_eq!(
        s.held.get(&id(7)),
        Some(&false),
        "a retraction retracted by its author loses its reason"
    );
    assert_eq!(
        s.retracted_by.get(&id(1)),
        Some(&id(7)),
        "and keeps its effect"
    );
    for inert in [4, 6, 8, 11, 26, 29, 35] {
        assert!(
            s.inert.contains(&id(inert)),
            "entry {inert} should be inert"
        );
    }
    assert!(s.trust.compromised().contains(&testing::key(2).public()));
    assert!(!s.trust.is_trusted(&testing::key(6).public()));
    assert!(
        !s.visible.contains(&id(17)),
        "written by the revoked key after its revocation"
    );
    assert!(!s.visible.contains(&id(18)), "written with the thief's key");
    // The thief's retraction with the revoked key erases 10's entry, and is passed on
    // with what it acts on: every node must erase it.
    assert_eq!(
        s.held.get(&id(39)),
        Some(&false),
        "{:?}",
        s.held.get(&id(39))
    );
    let passed = passed_on(&store);
    assert!(
        passed.contains(&id(42)),
        "an act on what is passed on travels with it"
    );
    assert!(!s.visible.contains(&id(39)));
    // 10's history as its owner named it decides, not the dates: the owner's entry stays
    // though the thief revoked 10 from before it, the thief's dated back does not count,
    // and what the thief's key or a stranger names counts for nothing.
    assert!(s.visible.contains(&id(45)), "named by the owner");
    assert!(!s.visible.contains(&id(46)), "the thief's, dated back");
    assert!(!s.visible.contains(&id(17)), "named by the thief's key");
    // A version that moves an answer to another question replaces nothing.
    assert!(s.inert.contains(&id(44)), "a moved answer is inert");
    assert_ne!(s.superseded_by.get(&id(2)), Some(&id(44)));
    assert!(
        !s.held.contains_key(&id(23)) || s.held.get(&id(23)) == Some(&true),
        "a stripped header is never taken for a tombstone"
    );
}

/// What a node gives a peer that asks by id, of what it keeps apart: only the target of
/// something it passes on that takes effect (an acceptance of an untrusted answer), never
/// what a stranger points at from an entry honest nodes pass on anyway (its profile).
#[test]
fn a_kept_apart_entry_is_given_only_as_the_target_of_what_takes_effect() {
    let k = testing::key;
    let (_d, store) = open();
    // The root asks; a stranger (3) answers; the root accepts the stranger's answer.
    let question = testing::question(&k(1), 1, T);
    let answer = testing::answer(&k(3), question.id(), 2, T + 1);
    let acceptance = testing::signed_body(
        &k(1),
        wiel_protocol::Kind::Reaction,
        vec![wiel_protocol::Ref {
            rel: wiel_protocol::Rel::ReactsTo,
            target: answer.id(),
        }],
        T + 2,
        wiel_protocol::Body {
            fields: wiel_protocol::KindFields::Reaction {
                verdict: wiel_protocol::Verdict::Accepted,
            },
            ..wiel_protocol::Body::default()
        },
    );
    // Another stranger (7): a question of its own, and its profile, edited to point at it.
    let spam = testing::question(&k(7), 3, T + 3);
    let profile = wiel_tests::profile_claiming(&k(7), "Gemeente Zeven", "GM0777", T + 4);
    let pointing = wiel_protocol::Draft {
        network: testing::network(),
        space: SpaceName::national(),
        kind: wiel_protocol::Kind::Profile,
        refs: vec![wiel_protocol::Ref {
            rel: wiel_protocol::Rel::Supersedes,
            target: spam.id(),
        }],
        created_at: wiel_protocol::Timestamp::from_millis(T + 5),
        body: profile.body().unwrap().clone(),
    }
    .sign(&k(7), &testing::rules())
    .unwrap();
    store
        .ingest_batch(vec![
            question,
            answer.clone(),
            acceptance,
            spam.clone(),
            profile,
            pointing,
        ])
        .unwrap();
    let trust = state(&store).trust;
    let gives = |e: &Verified| wiel_node::trust::serves(&store, &trust, e).unwrap();
    assert!(
        !trust.passes_on_entry(&answer),
        "the stranger's answer is kept apart"
    );
    assert!(
        gives(&answer),
        "the target of the root's acceptance is given"
    );
    assert!(
        !gives(&spam),
        "a profile pointing at it gives a stranger's entry nothing"
    );
}
