//! Every rule of the design, fed a violating entry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_protocol::codec::{self, DecodeError, MAX_ENTRY_BYTES};
use wiel_protocol::{
    Batched, Body, Draft, EntryId, Invalid, Kind, KindFields, NetworkId, OrgKeypair, Ref, Rel,
    Rules, SpaceName, Timestamp, Verdict, Verified,
};

const NOW: u64 = 1_750_000_000_000;

fn rules() -> Rules {
    Rules {
        network: NetworkId::new("wiel-test").unwrap(),
        now: Timestamp::from_millis(NOW),
    }
}

fn key() -> OrgKeypair {
    OrgKeypair::from_secret([3u8; 32])
}

fn draft(kind: Kind) -> Draft {
    Draft {
        network: NetworkId::new("wiel-test").unwrap(),
        space: SpaceName::national(),
        kind,
        refs: vec![],
        created_at: Timestamp::from_millis(NOW),
        body: Body {
            title: "Lumpsum of p×q bij jeugdhulp".into(),
            text: "Wij kozen voor lumpsum met resultaatafspraken.".into(),
            ..Body::default()
        },
    }
}

fn valid() -> Verified {
    draft(Kind::Practice).sign(&key(), &rules()).unwrap()
}

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at] ^= 0x01;
    b
}

#[test]
fn a_valid_entry_round_trips() {
    let v = valid();
    assert_eq!(
        Verified::from_bytes(v.bytes().to_vec(), &rules()).unwrap(),
        v
    );
}

#[test]
fn flipped_bit_in_body_is_caught() {
    let v = valid();
    let at = v.bytes().len() - 5; // inside the text
    let err = Verified::from_bytes(flip(v.bytes(), at), &rules()).unwrap_err();
    assert_eq!(err, Invalid::BodyHashMismatch);
}

#[test]
fn flipped_bit_in_header_is_caught() {
    let v = valid();
    // byte 20 lies inside the author key: the id changes, the signature no longer fits
    let err = Verified::from_bytes(flip(v.bytes(), 20), &rules()).unwrap_err();
    assert!(
        matches!(err, Invalid::BadSignature | Invalid::BadAuthorKey(_)),
        "{err}"
    );
}

#[test]
fn flipped_bit_in_signature_is_caught() {
    let v = valid();
    let header_len = codec::to_bytes(v.header()).unwrap().len();
    let err = Verified::from_bytes(flip(v.bytes(), header_len + 10), &rules()).unwrap_err();
    assert_eq!(err, Invalid::BadSignature);
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let v = valid();
    for at in 0..v.bytes().len() {
        assert!(
            Verified::from_bytes(flip(v.bytes(), at), &rules()).is_err(),
            "flip at byte {at} was accepted"
        );
    }
}

#[test]
fn truncated_and_trailing_bytes_are_rejected() {
    let v = valid();
    for len in [0, 1, 10, v.bytes().len() - 1] {
        assert!(Verified::from_bytes(v.bytes()[..len].to_vec(), &rules()).is_err());
    }
    let mut longer = v.bytes().to_vec();
    longer.push(0);
    assert_eq!(
        Verified::from_bytes(longer, &rules()).unwrap_err(),
        Invalid::Decode(DecodeError::TrailingBytes(1))
    );
}

#[test]
fn unknown_version_is_rejected() {
    let v = valid();
    let mut b = v.bytes().to_vec();
    b[0] = 2;
    assert_eq!(
        Verified::from_bytes(b, &rules()).unwrap_err(),
        Invalid::Decode(DecodeError::UnknownVersion(2))
    );
}

/// A newer release's kind: told apart from garbage, so that a node passing it on is not
/// blamed (see the node's refusals).
#[test]
fn an_unknown_kind_is_named_and_garbage_at_its_place_is_malformed() {
    let v = valid();
    // The kind's code follows the version, the network id and the space name.
    let kind_at = v
        .bytes()
        .iter()
        .enumerate()
        .position(|(i, _)| {
            let mut b = v.bytes().to_vec();
            b[i] = Kind::ALL.len() as u8;
            matches!(codec::decode_entry(&b), Err(DecodeError::UnknownKind { code, .. }) if code == Kind::ALL.len() as u32)
        })
        .expect("one byte is the kind");
    let mut newer = v.bytes().to_vec();
    newer[kind_at] = 200;
    assert!(matches!(
        Verified::from_bytes(newer.clone(), &rules()).unwrap_err(),
        Invalid::Decode(DecodeError::UnknownKind { code: 200, .. })
    ));
    // On another network, it is on the wrong network, whatever its kind.
    let elsewhere = Rules {
        network: NetworkId::new("elders").unwrap(),
        ..rules()
    };
    assert!(matches!(
        Verified::from_bytes(newer, &elsewhere).unwrap_err(),
        Invalid::WrongNetwork { .. }
    ));
    // A known kind with a broken rest stays malformed.
    let mut broken = v.bytes().to_vec();
    broken.truncate(kind_at + 3);
    assert!(matches!(
        codec::decode_entry(&broken),
        Err(DecodeError::Malformed(_))
    ));
    // Garbage before the kind is malformed, not a newer kind.
    let mut garbage = v.bytes().to_vec();
    garbage[1..kind_at].fill(0xff);
    assert!(!matches!(
        codec::decode_entry(&garbage),
        Err(DecodeError::UnknownKind { .. })
    ));
}

#[test]
fn oversized_input_is_rejected_before_decoding() {
    let err = Verified::from_bytes(vec![1u8; MAX_ENTRY_BYTES + 1], &rules()).unwrap_err();
    assert!(matches!(err, Invalid::Decode(DecodeError::TooLarge { .. })));
    // Whatever version it claims.
    let err = Verified::from_bytes(vec![2u8; MAX_ENTRY_BYTES + 1], &rules()).unwrap_err();
    assert!(matches!(err, Invalid::Decode(DecodeError::TooLarge { .. })));
}

#[test]
fn random_bytes_are_rejected() {
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for len in [1usize, 7, 100, 3000] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        assert!(Verified::from_bytes(bytes, &rules()).is_err());
    }
}

#[test]
fn entry_dated_in_the_future_is_rejected() {
    let mut d = draft(Kind::Practice);
    d.created_at = Timestamp::from_millis(NOW + 24 * 3600 * 1000);
    assert_eq!(
        d.sign(&key(), &rules()).unwrap_err(),
        Invalid::InFuture { minutes: 1440 }
    );
    let mut ok = draft(Kind::Practice);
    ok.created_at = Timestamp::from_millis(NOW + 9 * 60 * 1000);
    assert!(ok.sign(&key(), &rules()).is_ok());
}

#[test]
fn wrong_network_is_rejected() {
    let v = valid();
    let other = Rules {
        network: NetworkId::main(),
        now: Timestamp::from_millis(NOW),
    };
    assert!(matches!(
        Verified::from_bytes(v.bytes().to_vec(), &other).unwrap_err(),
        Invalid::WrongNetwork { .. }
    ));
}

#[test]
fn size_limits_hold() {
    let mut d = draft(Kind::Practice);
    d.body.text = "x".repeat(70 * 1024);
    assert!(matches!(
        d.sign(&key(), &rules()).unwrap_err(),
        Invalid::BodyTooLarge { .. }
    ));

    let mut d = draft(Kind::Practice);
    d.body.title = "é".repeat(201);
    assert_eq!(
        d.sign(&key(), &rules()).unwrap_err(),
        Invalid::TitleTooLong { chars: 201 }
    );

    let mut d = draft(Kind::Practice);
    d.body.title = "   ".into();
    assert_eq!(d.sign(&key(), &rules()).unwrap_err(), Invalid::EmptyTitle);

    let mut d = draft(Kind::Practice);
    d.body.tags = (0..17).map(|i| format!("tag{i}")).collect();
    assert!(matches!(
        d.sign(&key(), &rules()).unwrap_err(),
        Invalid::TooManyTags { count: 17, .. }
    ));

    let mut d = draft(Kind::Answer);
    d.refs = (0..17)
        .map(|i| Ref {
            rel: Rel::Answers,
            target: EntryId::from_bytes([i; 32]),
        })
        .collect();
    assert_eq!(
        d.sign(&key(), &rules()).unwrap_err(),
        Invalid::TooManyRefs { count: 17 }
    );
}

#[test]
fn references_must_fit_the_kind() {
    let answer = draft(Kind::Answer);
    assert!(matches!(
        answer.sign(&key(), &rules()).unwrap_err(),
        Invalid::MissingRef { .. }
    ));
    let mut practice = draft(Kind::Practice);
    practice.refs = vec![Ref {
        rel: Rel::Retracts,
        target: EntryId::from_bytes([1; 32]),
    }];
    assert!(matches!(
        practice.sign(&key(), &rules()).unwrap_err(),
        Invalid::UnexpectedRef { .. }
    ));
    let mut reaction = draft(Kind::Reaction);
    reaction.refs = vec![Ref {
        rel: Rel::ReactsTo,
        target: EntryId::from_bytes([1; 32]),
    }];
    reaction.body.fields = KindFields::Reaction {
        verdict: Verdict::Works,
    };
    assert!(reaction.clone().sign(&key(), &rules()).is_ok());
    reaction.body.fields = KindFields::None;
    assert!(matches!(
        reaction.sign(&key(), &rules()).unwrap_err(),
        Invalid::FieldsDoNotMatchKind { .. }
    ));
}

#[test]
fn kind_names_parse_in_english_and_dutch() {
    assert_eq!("practice".parse::<Kind>().unwrap(), Kind::Practice);
    assert_eq!("praktijkverhaal".parse::<Kind>().unwrap(), Kind::Story);
    assert!("recipe".parse::<Kind>().is_err());
}

#[test]
fn every_kind_has_its_name_in_both_languages() {
    use wiel_lang::{Lang, Localise};
    for kind in Kind::ALL {
        let id = format!("kind-{}", kind.as_str());
        for lang in [Lang::Nl, Lang::En] {
            let name = lang.text(&kind.message());
            assert!(!name.is_empty() && name != id, "{id} is not in {lang:?}");
        }
    }
    assert_eq!(Lang::Nl.text(&Kind::Story.message()), "praktijkverhaal");
}

#[test]
fn batch_verification_gives_each_entry_the_same_outcome_as_one_by_one() {
    // More than two batches' worth (a batch holds 64): a bad entry in each.
    let good: Vec<Verified> = (0..150)
        .map(|i| {
            let mut d = draft(Kind::Practice);
            d.body.title = format!("Voorbeeld {i}");
            d.sign(&key(), &rules()).unwrap()
        })
        .collect();
    let header_len = codec::to_bytes(good[0].header()).unwrap().len();
    let mut all: Vec<Vec<u8>> = good.iter().map(|v| v.bytes().to_vec()).collect();
    all[3] = flip(&all[3], header_len + 10); // signature
    all[70] = flip(&all[70], 20); // author key
    let len = all[140].len();
    all[140] = flip(&all[140], len - 5); // body
    all.push(vec![1, 2, 3]); // not an entry
    let one_by_one: Vec<_> = all
        .iter()
        .map(|b| Verified::from_bytes(b.clone(), &rules()))
        .collect();
    let verified = |r: Result<Batched, Invalid>| {
        r.map(|b| match b {
            Batched::Verified(v) => *v,
            Batched::Held { .. } => panic!("none held"),
        })
    };
    let batched: Vec<_> = Verified::from_bytes_batch(all.clone(), &rules(), |_, _| false)
        .into_iter()
        .map(verified)
        .collect();
    assert_eq!(batched, one_by_one);
    assert_eq!(batched.iter().filter(|r| r.is_ok()).count(), 147);
    // All valid: one batch, all accepted.
    let valid: Vec<Vec<u8>> = good.iter().map(|v| v.bytes().to_vec()).collect();
    assert!(
        Verified::from_bytes_batch(valid, &rules(), |_, _| false)
            .iter()
            .all(Result::is_ok)
    );
    assert!(Verified::from_bytes_batch(vec![], &rules(), |_, _| false).is_empty());
    // Copies of held entries are said to be held, their signatures unchecked; a damaged
    // copy of a held entry (3: its signature) is checked and refused as before, and so is
    // what does not decode.
    let held: std::collections::HashMap<EntryId, Vec<u8>> = [0, 3, 100]
        .map(|i| (good[i].id(), good[i].bytes().to_vec()))
        .into();
    let holds = |id: &EntryId, bytes: &[u8]| held.get(id).is_some_and(|b| b == bytes);
    let batched = Verified::from_bytes_batch(all.clone(), &rules(), holds);
    for (i, (got, alone)) in batched.into_iter().zip(one_by_one).enumerate() {
        match got {
            Ok(Batched::Held { id, space }) => {
                assert!([0, 100].contains(&i), "{i}");
                assert_eq!((id, space), (good[i].id(), good[i].header().space.clone()));
            }
            other => {
                assert!(![0, 100].contains(&i), "{i}");
                assert_eq!(verified(other), alone, "{i}");
            }
        }
    }
}

#[test]
fn a_key_history_names_another_key_and_its_entries_sorted_once_within_the_limit() {
    let history = |key: wiel_protocol::OrgKey, entries: Vec<EntryId>| {
        let mut d = draft(Kind::History);
        d.body = Body {
            fields: KindFields::History { key, entries },
            ..Body::default()
        };
        d.sign(&self::key(), &rules())
    };
    let earlier = OrgKeypair::from_secret([4u8; 32]).public();
    let id = |n: u8| EntryId::from_bytes([n; 32]);
    assert!(history(earlier, vec![id(1), id(2)]).is_ok());
    for (entries, what) in [
        (vec![], "none"),
        (vec![id(2), id(1)], "out of order"),
        (vec![id(1), id(1)], "twice"),
        (
            (0..=wiel_protocol::validate::MAX_HISTORY_ENTRIES)
                .map(|n| {
                    let mut b = [0u8; 32];
                    b[..8].copy_from_slice(&(n as u64).to_be_bytes());
                    EntryId::from_bytes(b)
                })
                .collect(),
            "too many",
        ),
    ] {
        assert!(
            matches!(history(earlier, entries), Err(Invalid::BadHistory { .. })),
            "{what}"
        );
    }
    assert!(matches!(
        history(key().public(), vec![id(1)]),
        Err(Invalid::OwnKey { .. })
    ));
    // No text rides along: a history goes to every node that trusts its signer.
    let mut d = draft(Kind::History);
    d.body.fields = KindFields::History {
        key: earlier,
        entries: vec![id(1)],
    };
    assert!(matches!(
        d.sign(&key(), &rules()),
        Err(Invalid::TextNotAllowed { .. })
    ));
}
