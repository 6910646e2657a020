use super::*;

/// An entry id, where the rule at hand does not depend on which entry it is.
const ANY: EntryId = EntryId::from_bytes([0; 32]);

fn key(n: u8) -> OrgKey {
    wiel_protocol::testing::key(n).public()
}

fn config(roots: &[u8], depth: u32) -> TrustConfig {
    TrustConfig {
        mode: TrustMode::WebOfTrust,
        roots: roots.iter().map(|n| key(*n)).collect(),
        depth,
        ..TrustConfig::default()
    }
}

#[test]
fn trust_follows_endorsements_up_to_the_depth() {
    let facts = TrustFacts {
        endorsements: vec![
            (key(1), key(2)),
            (key(2), key(3)),
            (key(3), key(4)),
            (key(9), key(5)), // an untrusted endorser counts for nothing
        ],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
    for n in [0, 1, 2, 3] {
        assert!(set.is_trusted(&key(n)), "{n}");
    }
    assert!(!set.is_trusted(&key(4)), "three steps away");
    assert!(!set.is_trusted(&key(5)));
    assert_eq!(set.standing(&key(3)).unwrap().vouchers, vec![key(2)]);
    assert_eq!(set.standing(&key(2)).unwrap().depth, 1);
}

#[test]
fn every_voucher_at_the_same_depth_is_listed() {
    let facts = TrustFacts {
        endorsements: vec![(key(1), key(3)), (key(2), key(3))],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[1, 2], 2), key(0), &facts);
    let mut vouchers = set.standing(&key(3)).unwrap().vouchers.clone();
    vouchers.sort();
    let mut want = vec![key(1), key(2)];
    want.sort();
    assert_eq!(vouchers, want);
}

#[test]
fn a_rotated_key_is_trusted_through_the_old_keys_endorsers_until_revoked() {
    let facts = TrustFacts {
        endorsements: vec![(key(1), key(2))],
        rotations: vec![(key(2), key(7), Timestamp::from_millis(500))],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
    assert_eq!(set.standing(&key(7)).unwrap().vouchers, vec![key(1)]);
    // The new key revokes the old (stolen) one from a moment on.
    let since = Timestamp::from_millis(1_000);
    let facts = TrustFacts {
        revocations: vec![(key(7), key(2), since)],
        ..facts
    };
    let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
    assert!(
        set.is_trusted(&key(2)),
        "the old key's history stays the organisation's"
    );
    assert!(!set.admits(&key(2), since, &ANY));
    assert_eq!(
        set.standing(&key(7)).unwrap().vouchers,
        vec![key(1)],
        "the new key keeps the old key's endorsers"
    );
    assert!(set.admits(&key(2), Timestamp::from_millis(999), &ANY));
    // A revocation by a stranger counts for nothing.
    let set = TrustSet::compute(
        &config(&[1], 2),
        key(0),
        &TrustFacts {
            endorsements: vec![(key(1), key(2))],
            revocations: vec![(key(8), key(2), since)],
            ..TrustFacts::default()
        },
    );
    assert!(set.is_trusted(&key(2)) && set.admits(&key(2), since, &ANY));
}

#[test]
fn modes() {
    let facts = TrustFacts {
        endorsements: vec![(key(1), key(2))],
        ..TrustFacts::default()
    };
    let mut c = config(&[1], 2);
    c.mode = TrustMode::Open;
    let open = TrustSet::compute(&c, key(0), &facts);
    assert!(open.shows(&key(5)) && !open.is_trusted(&key(5)));
    c.mode = TrustMode::Closed;
    let closed = TrustSet::compute(&c, key(0), &facts);
    assert!(closed.takes(Kind::Practice, &key(1)));
    assert!(!closed.takes(Kind::Practice, &key(2)), "roots only");
    assert!(closed.takes(Kind::KeyRotation, &key(2)));
    c.mode = TrustMode::WebOfTrust;
    let web = TrustSet::compute(&c, key(0), &facts);
    let now = Timestamp::now();
    assert!(web.admits(&key(5), now, &ANY) && !web.passes_on(Kind::Practice, &key(5), now, &ANY));
    assert!(
        web.passes_on(Kind::Revocation, &key(5), now, &ANY),
        "what decides trust always goes on"
    );
}

fn at(ms: u64) -> Timestamp {
    Timestamp::from_millis(ms)
}

#[test]
fn a_thief_with_an_old_key_gains_nothing_by_a_backdated_rotation() {
    // 1 is a root and endorses 2; 2 rotated to 7 and revoked itself from t=5 000. A
    // thief with key 2 rotates it to 66, dated long before.
    let honest = TrustFacts {
        endorsements: vec![(key(1), key(2))],
        rotations: vec![(key(2), key(7), at(4_000))],
        revocations: vec![(key(7), key(2), at(5_000))],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[1], 2), key(0), &honest);
    assert!(set.is_trusted(&key(7)) && set.is_trusted(&key(2)));
    let mut stolen = honest.clone();
    stolen.rotations.push((key(2), key(66), at(10)));
    let set = TrustSet::compute(&config(&[1], 2), key(0), &stolen);
    assert!(
        !set.is_trusted(&key(66)),
        "the thief's key is never trusted"
    );
    assert!(set.compromised().contains(&key(2)));
    assert!(
        !set.admits(&key(2), at(10), &ANY),
        "revoked from its earliest rotation"
    );
    assert!(
        !set.is_trusted(&key(7)),
        "nobody inherits from a compromised key: the owner is endorsed anew"
    );
    // Endorsed anew, the owner's new key is trusted again; the thief's still is not.
    stolen.endorsements.push((key(1), key(7)));
    let set = TrustSet::compute(&config(&[1], 2), key(0), &stolen);
    assert!(set.is_trusted(&key(7)) && !set.is_trusted(&key(66)));
}

#[test]
fn an_old_key_leads_to_the_current_key_unless_it_is_compromised() {
    let chain = TrustFacts {
        rotations: vec![(key(2), key(7), at(1)), (key(7), key(8), at(2))],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[1], 2), key(0), &chain);
    assert_eq!(set.current_key(&key(2)), Some(key(8)));
    assert_eq!(set.current_key(&key(7)), Some(key(8)));
    assert_eq!(set.current_key(&key(8)), None);
    let mut stolen = chain.clone();
    stolen.rotations.push((key(2), key(66), at(3)));
    let set = TrustSet::compute(&config(&[1], 2), key(0), &stolen);
    assert_eq!(
        set.current_key(&key(2)),
        None,
        "two successors: follow neither"
    );
    assert_eq!(set.current_key(&key(7)), Some(key(8)));
}

#[test]
fn a_thief_cannot_attach_a_fresh_key_before_a_revoked_one() {
    // 2 rotated to 7 and was revoked; the thief holding 2 makes 66 "rotate to" 2.
    let facts = TrustFacts {
        endorsements: vec![(key(1), key(2))],
        rotations: vec![(key(2), key(7), at(4_000)), (key(66), key(2), at(100))],
        revocations: vec![(key(7), key(2), at(5_000))],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
    assert!(set.is_trusted(&key(7)) && set.is_trusted(&key(2)));
    assert!(!set.is_trusted(&key(66)), "{:?}", set.members());
}

#[test]
fn a_revocation_by_a_stranger_or_an_older_key_counts_for_nothing() {
    let facts = TrustFacts {
        endorsements: vec![(key(1), key(2))],
        rotations: vec![(key(2), key(7), at(1))],
        revocations: vec![(key(8), key(2), at(0)), (key(2), key(7), at(0))],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
    assert!(set.admits(&key(2), at(5), &ANY) && set.admits(&key(7), at(5), &ANY));
}

#[test]
fn every_old_key_of_the_own_organisation_stays_trusted() {
    let facts = TrustFacts {
        rotations: vec![(key(3), key(0), at(1))],
        revocations: vec![(key(0), key(3), at(100))],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[], 2), key(0), &facts);
    assert!(set.is_trusted(&key(3)));
    assert!(set.passes_on(Kind::Practice, &key(3), at(99), &ANY));
    assert!(!set.passes_on(Kind::Practice, &key(3), at(100), &ANY));
}

fn id(n: u8) -> EntryId {
    EntryId::from_bytes([n; 32])
}

#[test]
fn a_named_history_decides_what_a_revoked_key_signed_whatever_the_dates() {
    // 1 is a root and endorses 2; 2 rotated to 7, which revoked 2 from t=5 000. Entry 10
    // is the owner's (t=4 000), entry 11 a thief's dated back (t=100); the thief also
    // revoked 2 from t=0 to hide the owner's history.
    let mut facts = TrustFacts {
        endorsements: vec![(key(1), key(2))],
        rotations: vec![(key(2), key(7), at(4_500))],
        revocations: vec![(key(7), key(2), at(5_000)), (key(2), key(2), at(0))],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
    assert!(
        !set.admits(&key(2), at(4_000), &id(10)),
        "hidden by the thief"
    );
    facts.histories.push((key(7), key(2), vec![id(10)]));
    let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
    assert!(
        set.admits(&key(2), at(4_000), &id(10)),
        "named by the owner"
    );
    assert!(
        !set.admits(&key(2), at(100), &id(11)),
        "not named: the thief's"
    );
    assert!(set.passes_on(Kind::Practice, &key(2), at(4_000), &id(10)));
    assert!(!set.passes_on(Kind::Practice, &key(2), at(100), &id(11)));
    // The same facts in another order: the same set.
    let mut reversed = facts.clone();
    reversed.revocations.reverse();
    reversed.histories.reverse();
    assert_eq!(TrustSet::compute(&config(&[1], 2), key(0), &reversed), set);
}

#[test]
fn only_a_trusted_later_key_that_is_not_revoked_names_a_history() {
    let base = TrustFacts {
        endorsements: vec![(key(1), key(2))],
        rotations: vec![(key(2), key(7), at(4_000)), (key(7), key(8), at(6_000))],
        revocations: vec![(key(7), key(2), at(5_000)), (key(8), key(7), at(7_000))],
        ..TrustFacts::default()
    };
    let named_by = |signer: u8| {
        let mut facts = base.clone();
        facts.histories.push((key(signer), key(2), vec![id(11)]));
        TrustSet::compute(&config(&[1], 2), key(0), &facts).admits(&key(2), at(9_000), &id(11))
    };
    assert!(named_by(8), "the organisation's current key");
    assert!(
        !named_by(7),
        "revoked in turn: the key after it names the history"
    );
    assert!(!named_by(66), "a stranger");
    assert!(!named_by(1), "another organisation, trusted or not");
    // A thief's successor of the stolen key (which makes it compromised) names nothing.
    let mut stolen = base.clone();
    stolen.rotations.push((key(2), key(66), at(100)));
    stolen.histories.push((key(66), key(2), vec![id(12)]));
    let set = TrustSet::compute(&config(&[1], 2), key(0), &stolen);
    assert!(!set.admits(&key(2), at(100), &id(12)));
}

#[test]
fn an_organisation_that_rotated_twice_and_revoked_the_middle_key_stays_trusted() {
    let facts = TrustFacts {
        endorsements: vec![(key(1), key(2))],
        rotations: vec![(key(2), key(7), at(4_000)), (key(7), key(8), at(6_000))],
        revocations: vec![(key(7), key(2), at(5_000)), (key(8), key(7), at(7_000))],
        ..TrustFacts::default()
    };
    let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
    for n in [2, 7, 8] {
        assert_eq!(set.standing(&key(n)).map(|s| s.depth), Some(1), "{n}");
    }
    // Forwards only: a fresh key that "rotated to" the revoked 7 gains nothing.
    let mut stolen = facts.clone();
    stolen.rotations.push((key(66), key(7), at(100)));
    let set = TrustSet::compute(&config(&[1], 2), key(0), &stolen);
    assert!(set.is_trusted(&key(8)) && !set.is_trusted(&key(66)));
}

#[test]
fn a_thief_holding_the_revoked_key_and_another_trusted_key_names_no_history() {
    // 2 rotated to 7 and was revoked; 7 named 10 as 2's history. A thief holding 2 and
    // the key of trusted organisation 3 rotates 2 to 3 and names its own entry 11 with 3.
    let facts = TrustFacts {
        endorsements: vec![(key(1), key(2)), (key(1), key(3))],
        rotations: vec![(key(2), key(7), at(4_000)), (key(2), key(3), at(100))],
        revocations: vec![(key(7), key(2), at(5_000))],
        histories: vec![
            (key(7), key(2), vec![id(10)]),
            (key(3), key(2), vec![id(11)]),
        ],
    };
    for mode in [TrustMode::WebOfTrust, TrustMode::Open] {
        let mut config = config(&[1], 2);
        config.mode = mode;
        let mut with_owner = facts.clone();
        with_owner.endorsements.push((key(1), key(7))); // the owner, endorsed anew
        for facts in [&facts, &with_owner] {
            let set = TrustSet::compute(&config, key(0), facts);
            assert!(set.compromised().contains(&key(2)));
            assert!(
                !set.admits(&key(2), at(4_500), &id(11)),
                "{mode:?}: the thief's"
            );
            assert!(
                set.vouched().get(&key(2)).is_none(),
                "{mode:?}: dates decide"
            );
        }
    }
}
