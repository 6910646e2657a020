use super::*;

fn ids(range: std::ops::Range<u64>) -> Vec<EntryId> {
    range
        .map(|i| EntryId::from_bytes(*blake3::hash(&i.to_le_bytes()).as_bytes()))
        .collect()
}

fn sorted(mut v: Vec<EntryId>) -> Vec<EntryId> {
    v.sort();
    v
}

#[test]
fn finds_the_differences_both_ways() {
    for (a, b) in [
        (0..1000, 10..1010),
        (0..0, 0..500),
        (0..500, 0..0),
        (0..300, 0..300),
    ] {
        let (a_set, b_set) = (ItemSet::new(ids(a.clone())), ItemSet::new(ids(b.clone())));
        let (init, _) = reconcile_in_memory(a_set.clone(), &b_set).unwrap();
        let want_have: Vec<EntryId> = ids(a.clone())
            .into_iter()
            .filter(|i| !ids(b.clone()).contains(i))
            .collect();
        let want_need: Vec<EntryId> = ids(b.clone())
            .into_iter()
            .filter(|i| !ids(a.clone()).contains(i))
            .collect();
        assert_eq!(sorted(init.have.clone()), sorted(want_have));
        assert_eq!(sorted(init.need.clone()), sorted(want_need));
        if a == b {
            assert_eq!(a_set.fingerprint(), b_set.fingerprint());
            assert_eq!(init.rounds(), 1);
        }
    }
}

#[test]
fn few_rounds_for_small_differences() {
    let a = ItemSet::new(ids(0..10_000));
    let b = ItemSet::new(ids(50..10_050));
    let (init, _) = reconcile_in_memory(a, &b).unwrap();
    assert_eq!(init.need.len(), 50);
    assert_eq!(init.have.len(), 50);
    assert!(init.rounds() <= 4, "{} rounds", init.rounds());
}

#[test]
fn frames_round_trip() {
    let symbols = vec![
        Symbol {
            sum: [7; 32],
            hash: 42,
            count: -3,
        },
        Symbol {
            sum: [0; 32],
            hash: u64::MAX,
            count: i64::MIN,
        },
        Symbol::default(),
    ];
    assert_eq!(read_frame(&write_frame(&symbols)).unwrap(), symbols);
}

#[test]
fn garbage_from_a_peer_is_an_error_never_a_panic() {
    let (mut init, ask) = Initiator::start(ItemSet::new(ids(0..100)));
    let claimed = Fingerprint::from_parts(100, [1; 32]);
    for junk in [
        vec![1u8; 40],
        vec![0xff; 41 + 11],
        wiel_protocol::testing::noise(42, 5000),
    ] {
        assert!(init.receive(ask, claimed, &junk).is_err());
    }
    // Right length, random content: never decodes cleanly, ends within the budget.
    let mut ask = ask;
    let mut seed = 1;
    let outcome = loop {
        let frame: Vec<u8> = (0..ask.count)
            .flat_map(|_| {
                seed += 1;
                let mut s = wiel_protocol::testing::noise(seed, 40);
                s.push(2);
                s
            })
            .collect();
        match init.receive(ask, claimed, &frame) {
            Ok(Step::More(next)) => ask = next,
            other => break other,
        }
    };
    assert_eq!(
        outcome,
        Err(ReconcileError::DidNotConverge(init.symbols_received()))
    );
    assert!(init.symbols_received() <= init.symbol_budget());
}

#[test]
fn a_set_that_changes_between_rounds_cannot_pass_as_done() {
    let before = ItemSet::new(ids(0..1000));
    let after = ItemSet::new(ids(0..1001));
    let (mut init, ask) = Initiator::start(ItemSet::new(ids(0..1)));
    let mut outcome = init.receive(ask, before.fingerprint(), &before.encode(0, ask.count));
    while let Ok(Step::More(next)) = outcome {
        outcome = init.receive(
            next,
            after.fingerprint(),
            &after.encode(next.start, next.count),
        );
    }
    assert!(outcome.is_err(), "{outcome:?}");
}

#[test]
fn an_answer_for_the_wrong_range_is_refused() {
    let remote = ItemSet::new(ids(0..10));
    let (mut init, ask) = Initiator::start(ItemSet::new(ids(5..10)));
    let wrong = Ask { start: 7, ..ask };
    assert!(matches!(
        init.receive(wrong, remote.fingerprint(), &remote.encode(7, ask.count)),
        Err(ReconcileError::OutOfOrder { .. })
    ));
}

#[test]
fn a_live_set_changed_id_by_id_codes_as_the_same_set_built_at_once() {
    let mut live = LiveSet::default();
    for id in ids(0..300) {
        assert!(live.insert(&id));
    }
    let held = live.snapshot();
    assert!(!live.insert(&ids(5..6)[0]), "an id is in a set once");
    for id in ids(100..150) {
        assert!(live.remove(&id));
    }
    assert!(!live.remove(&ids(120..121)[0]));
    for id in ids(300..320) {
        live.insert(&id);
    }
    let expected: Vec<EntryId> = ids(0..100).into_iter().chain(ids(150..320)).collect();
    let built = ItemSet::new(expected);
    let now = live.snapshot();
    assert_eq!(now.fingerprint(), built.fingerprint());
    // The same coded symbols, whatever the order of the ids: a peer decodes against either.
    let (init, _) = reconcile_in_memory(ItemSet::new(ids(0..100)), &now).unwrap();
    assert_eq!(sorted(init.need.clone()), sorted(ids(150..320)));
    assert!(init.have.is_empty());
    // A snapshot handed out before the changes stays as it was.
    assert_eq!(held.len(), 300);
    assert_eq!(held.fingerprint(), ItemSet::new(ids(0..300)).fingerprint());
}
