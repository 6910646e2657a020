//! Fixtures for tests in this and other crates (feature `test-utils`).

use crate::entry::{Body, Kind, KindFields, Ref, Rel, Verdict};
use crate::ids::EntryId;
use crate::names::{NetworkId, SpaceName, Timestamp};
use crate::sign::{Draft, OrgKeypair};
use crate::validate::{Rules, Verified};

/// The network all fixtures live on.
pub fn network() -> NetworkId {
    NetworkId::new("wiel-test").unwrap_or_else(|_| NetworkId::main())
}

/// Rules on the fixture network, with the real clock.
pub fn rules() -> Rules {
    Rules::new(network())
}

/// A deterministic organisation key: the same `n` always gives the same key.
pub fn key(n: u8) -> OrgKeypair {
    OrgKeypair::from_secret([n; 32])
}

/// A practice by `key` at `millis`, with a title and text derived from `n`.
pub fn practice(key: &OrgKeypair, n: u64, millis: u64) -> Verified {
    signed(
        key,
        Kind::Practice,
        vec![],
        millis,
        body(format!("Goed voorbeeld {n}"), n),
    )
}

/// A question by `key` at `millis`.
pub fn question(key: &OrgKeypair, n: u64, millis: u64) -> Verified {
    signed(
        key,
        Kind::Question,
        vec![],
        millis,
        body(format!("Vraag {n}"), n),
    )
}

/// An answer to `question`.
pub fn answer(key: &OrgKeypair, question: EntryId, n: u64, millis: u64) -> Verified {
    let r = Ref {
        rel: Rel::Answers,
        target: question,
    };
    signed(
        key,
        Kind::Answer,
        vec![r],
        millis,
        body(format!("Antwoord {n}"), n),
    )
}

/// A reaction to `target`.
pub fn reaction(key: &OrgKeypair, target: EntryId, millis: u64) -> Verified {
    let mut b = body(String::new(), 0);
    b.fields = KindFields::Reaction {
        verdict: Verdict::Works,
    };
    let r = Ref {
        rel: Rel::ReactsTo,
        target,
    };
    signed(key, Kind::Reaction, vec![r], millis, b)
}

/// A retraction of `target`.
pub fn retraction(key: &OrgKeypair, target: EntryId, millis: u64) -> Verified {
    let r = Ref {
        rel: Rel::Retracts,
        target,
    };
    signed(
        key,
        Kind::Retraction,
        vec![r],
        millis,
        body(String::new(), 0),
    )
}

/// A new version of the practice `previous`.
pub fn new_version(key: &OrgKeypair, previous: EntryId, n: u64, millis: u64) -> Verified {
    let r = Ref {
        rel: Rel::Supersedes,
        target: previous,
    };
    signed(
        key,
        Kind::Practice,
        vec![r],
        millis,
        body(format!("Goed voorbeeld {n}, herzien"), n),
    )
}

/// A key rotation from `old` to `new` (signed by `old`, with `new`'s consent).
pub fn rotation(old: &OrgKeypair, new: &OrgKeypair, millis: u64) -> Verified {
    let b = Body {
        fields: KindFields::KeyRotation {
            new_key: new.public(),
            consent: new.consent_to_succeed(&network(), &old.public()),
        },
        ..Body::default()
    };
    signed(old, Kind::KeyRotation, vec![], millis, b)
}

/// A revocation of `key`, signed by `signer`, of what `key` signs from `since` on.
pub fn revocation(signer: &OrgKeypair, key: &OrgKeypair, since: u64, millis: u64) -> Verified {
    let b = Body {
        fields: KindFields::Revocation {
            key: key.public(),
            since: Timestamp::from_millis(since),
        },
        ..Body::default()
    };
    signed(signer, Kind::Revocation, vec![], millis, b)
}

/// A key history: `signer` names `entries` as what `key` signed (sorted here).
pub fn history(
    signer: &OrgKeypair,
    key: &OrgKeypair,
    entries: &[crate::EntryId],
    millis: u64,
) -> Verified {
    let mut entries = entries.to_vec();
    entries.sort();
    entries.dedup();
    let b = Body {
        fields: KindFields::History {
            key: key.public(),
            entries,
        },
        ..Body::default()
    };
    signed(signer, Kind::History, vec![], millis, b)
}

/// An endorsement of `subject` by `endorser`.
pub fn endorsement(endorser: &OrgKeypair, subject: &OrgKeypair, millis: u64) -> Verified {
    let b = Body {
        title: "Aanbeveling".into(),
        fields: KindFields::Endorsement {
            subject: subject.public(),
            name: "Gemeente Test".into(),
            cbs_code: crate::names::CbsCode::new("GM0999").unwrap_or_else(|_| unreachable!()),
        },
        ..Body::default()
    };
    signed(endorser, Kind::Endorsement, vec![], millis, b)
}

/// `len` pseudo-random bytes from `seed` (xorshift): the same seed gives the same bytes.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A practice whose text is about `len` bytes of Dutch-looking text.
pub fn practice_with_text(key: &OrgKeypair, n: u64, millis: u64, len: usize) -> Verified {
    practice_with_text_in(key, SpaceName::national(), n, millis, len)
}

/// [`practice_with_text`] in `space`.
pub fn practice_with_text_in(
    key: &OrgKeypair,
    space: SpaceName,
    n: u64,
    millis: u64,
    len: usize,
) -> Verified {
    let mut b = body(format!("Goed voorbeeld {n}"), n);
    let words = [
        "gemeente",
        "jeugdhulp",
        "inkoop",
        "werkgever",
        "participatie",
        "wmo",
        "regio",
        "aanbesteding",
        "leernetwerk",
        "omgevingswet",
        "consulent",
        "burger",
    ];
    let mut text = String::with_capacity(len + 16);
    for pick in noise(n.wrapping_mul(0x9e3779b97f4a7c15), len) {
        if text.len() >= len {
            break;
        }
        text.push_str(words[pick as usize % words.len()]);
        text.push(' ');
    }
    b.text = text;
    signed_in(key, space, Kind::Practice, vec![], millis, b)
}

/// An entry of `kind` with the given title, text and tags.
pub fn written(
    key: &OrgKeypair,
    kind: Kind,
    refs: Vec<Ref>,
    millis: u64,
    title: &str,
    text: &str,
    tags: &[&str],
) -> Verified {
    let body = Body {
        title: title.into(),
        text: text.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Body::default()
    };
    signed(key, kind, refs, millis, body)
}

/// An entry of `kind` with these refs and this body.
pub fn signed_body(
    key: &OrgKeypair,
    kind: Kind,
    refs: Vec<Ref>,
    millis: u64,
    body: Body,
) -> Verified {
    signed(key, kind, refs, millis, body)
}

fn body(title: String, n: u64) -> Body {
    Body {
        title,
        text: format!("Tekst van fixture {n}."),
        tags: vec!["test".into()],
        ..Body::default()
    }
}

fn signed(key: &OrgKeypair, kind: Kind, refs: Vec<Ref>, millis: u64, body: Body) -> Verified {
    signed_in(key, SpaceName::national(), kind, refs, millis, body)
}

fn signed_in(
    key: &OrgKeypair,
    space: SpaceName,
    kind: Kind,
    refs: Vec<Ref>,
    millis: u64,
    body: Body,
) -> Verified {
    let draft = Draft {
        network: network(),
        space,
        kind,
        refs,
        created_at: Timestamp::from_millis(millis),
        body,
    };
    match draft.sign(key, &rules()) {
        Ok(v) => v,
        Err(e) => panic!("fixture does not validate: {e}"),
    }
}
