//! Fixed key + fixed entry = fixed bytes and a fixed id: the wire format cannot drift silently.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_protocol::{
    Body, Draft, Kind, KindFields, NetworkId, OrgKeypair, Rules, SpaceName, Timestamp, Verified,
    codec,
};

fn vector_entry() -> Verified {
    let key = OrgKeypair::from_secret([7u8; 32]);
    let draft = Draft {
        network: NetworkId::new("wiel-test").unwrap(),
        space: SpaceName::new("pv23").unwrap(),
        kind: Kind::Story,
        refs: vec![],
        created_at: Timestamp::from_millis(1_700_000_000_000),
        body: Body {
            title: "Onboarding jeugdconsulenten".into(),
            text: "Een buddy voor elke nieuwe consulent.".into(),
            tags: vec!["onboarding".into(), "jeugdwet".into()],
            themes: vec!["hrm".into()],
            contact: Some("hr@zwolle.example".into()),
            fields: KindFields::Story {
                situation: "Veel verloop.".into(),
                approach: "Buddy's.".into(),
                result: "Minder verloop.".into(),
                lessons: "Begin klein.".into(),
            },
        },
    };
    let rules = Rules {
        network: NetworkId::new("wiel-test").unwrap(),
        now: Timestamp::from_millis(1_700_000_000_000),
    };
    let v = draft.sign(&key, &rules).unwrap();
    assert_eq!(v.header().author, key.public());
    v
}

const VECTOR_ID: &str = "b7119e7167914f1539c8239721a21de0b18df5fbe2d73ce4f8d2408171a526a4";
const VECTOR_HEX: &str = "01097769656c2d74657374047076323301ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22cfd0068e5cf8b010000c9a84b1b7320db56a05fc7bd6d6eb1c611a04113b1b3f3ae3b2f7c4800ec8e63a400408d4fe4e3be8ea67f8b695bd6bc99b0d814a3cf870f1c71c4faefc3c280b3bb9ee38292436147d30c00ece0d98cc5cca57b4a647692e42fc5331de08f57b42204011b4f6e626f617264696e67206a65756764636f6e73756c656e74656e2545656e20627564647920766f6f7220656c6b65206e696575776520636f6e73756c656e742e020a6f6e626f617264696e67086a65756764776574010368726d01116872407a776f6c6c652e6578616d706c65010d5665656c207665726c6f6f702e08427564647927732e0f4d696e646572207665726c6f6f702e0c426567696e206b6c65696e2e";

#[test]
fn fixed_entry_has_fixed_bytes_and_id() {
    let v = vector_entry();
    assert_eq!(v.id().to_hex(), VECTOR_ID);
    assert_eq!(hex::encode(v.bytes()), VECTOR_HEX);
    // and the bytes decode back to the same entry
    let rules = Rules {
        network: NetworkId::new("wiel-test").unwrap(),
        now: Timestamp::from_millis(1_700_000_000_000),
    };
    let again = Verified::from_bytes(v.bytes().to_vec(), &rules).unwrap();
    assert_eq!(again, v);
    assert_eq!(codec::decode_entry(v.bytes()).unwrap(), *v.entry());
}
