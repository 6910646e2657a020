//! The rules every node applies to every entry, from the CLI, an import file or the network.
//!
//! Rules that need other entries (a retraction only by the target's author, an answer only
//! to a question) live in the store, which has them.

use crate::codec::{self, DecodeError, MAX_BODY_BYTES, MAX_HEADER_BYTES};
use crate::entry::{Body, Entry, Header, Kind, KindFields, Rel};
use crate::ids::{EntryId, OrgKey};
use crate::messages::signing_message;
use crate::names::{NetworkId, SpaceName, Timestamp};

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Most tags (and most themes) on one entry.
pub const MAX_TAGS: usize = 16;
/// Longest tag or theme, in characters.
pub const MAX_TAG_CHARS: usize = 64;
/// Most references on one entry.
pub const MAX_REFS: usize = 16;
/// Entry ids one key-history entry names at most (32 bytes each: half a body).
pub const MAX_HISTORY_ENTRIES: usize = 1024;
/// How far in the future an entry may be dated: clocks drift, but not by more than this.
pub const MAX_CLOCK_SKEW_MS: u64 = 10 * 60 * 1000;

/// The context an entry is judged in.
#[derive(Clone, Debug)]
pub struct Rules {
    /// Entries from another network are refused.
    pub network: NetworkId,
    /// The receiver's clock.
    pub now: Timestamp,
}

impl Rules {
    pub fn new(network: NetworkId) -> Self {
        Self {
            network,
            now: Timestamp::now(),
        }
    }
}

/// Why an entry is not valid. Every variant says what is wrong in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    Decode(DecodeError),
    WrongNetwork {
        expected: NetworkId,
        found: NetworkId,
    },
    HeaderTooLarge {
        len: usize,
    },
    BodyTooLarge {
        len: usize,
    },
    BodyLenMismatch {
        declared: u32,
        actual: usize,
    },
    BodyHashMismatch,
    BadAuthorKey(OrgKey),
    BadSignature,
    InFuture {
        minutes: u64,
    },
    EmptyTitle,
    TitleTooLong {
        chars: usize,
    },
    TooManyTags {
        what: &'static str,
        count: usize,
    },
    BadTag {
        what: &'static str,
        value: String,
    },
    TooManyRefs {
        count: usize,
    },
    MissingRef {
        kind: Kind,
        rel: &'static str,
    },
    UnexpectedRef {
        kind: Kind,
        rel: Rel,
    },
    FieldsDoNotMatchKind {
        kind: Kind,
    },
    EmptyField {
        field: &'static str,
    },
    OwnKey {
        action: &'static str,
    },
    ControlOutsideNational {
        kind: Kind,
        space: String,
    },
    NoRotationConsent,
    IdMismatch,
    TextNotAllowed {
        kind: Kind,
    },
    /// A key history that names no entry, more than [`MAX_HISTORY_ENTRIES`], or names
    /// them out of order or twice (one entry set has one encoding).
    BadHistory {
        count: usize,
    },
}

impl From<DecodeError> for Invalid {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

/// An entry that passed every rule that needs no other entry. Holds its canonical bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    id: EntryId,
    entry: Entry,
    bytes: Vec<u8>,
}

impl Verified {
    /// Decodes and checks bytes from anywhere outside this process.
    pub fn from_bytes(bytes: Vec<u8>, rules: &Rules) -> Result<Self, Invalid> {
        let entry = decode_for(&bytes, rules)?;
        let id = check(&entry, rules)?;
        Ok(Self { id, entry, bytes })
    }

    /// Checks an entry built in memory (from JSON, or just signed).
    pub fn from_entry(entry: Entry, rules: &Rules) -> Result<Self, Invalid> {
        let id = check(&entry, rules)?;
        let bytes = codec::encode_entry(&entry).map_err(|_| Invalid::BodyTooLarge {
            len: MAX_BODY_BYTES + 1,
        })?;
        Ok(Self { id, entry, bytes })
    }

    /// Bytes read back from this node's own store: checked when stored, so only decoded.
    pub fn from_trusted_bytes(id: EntryId, bytes: Vec<u8>) -> Result<Self, DecodeError> {
        let entry = codec::decode_entry(&bytes)?;
        Ok(Self { id, entry, bytes })
    }

    /// Bytes read back from this node's own store, checked against damage on the disk:
    /// the header must hash to `id` and the body to the header's body hash (a blake3 of at
    /// most 64 KiB: microseconds). The signature is not checked again here (`wiel check`
    /// does).
    pub fn from_stored_bytes(id: EntryId, bytes: Vec<u8>) -> Result<Self, Invalid> {
        let entry = codec::decode_entry(&bytes)?;
        if entry_id(&entry.header)? != id {
            return Err(Invalid::IdMismatch);
        }
        if let Some(body) = &entry.body {
            let body_bytes = codec::to_bytes(body).map_err(|_| Invalid::BodyTooLarge {
                len: MAX_BODY_BYTES + 1,
            })?;
            if body_bytes.len() != entry.header.body_len as usize
                || blake3::hash(&body_bytes).as_bytes() != entry.header.body_hash.as_bytes()
            {
                return Err(Invalid::BodyHashMismatch);
            }
        }
        Ok(Self { id, entry, bytes })
    }

    /// Every rule again, the signature included: for `wiel check`.
    pub fn recheck(&self, rules: &Rules) -> Result<(), Invalid> {
        let id = check(&self.entry, rules)?;
        if id != self.id {
            return Err(Invalid::IdMismatch);
        }
        Ok(())
    }

    pub fn id(&self) -> EntryId {
        self.id
    }
    pub fn entry(&self) -> &Entry {
        &self.entry
    }
    pub fn header(&self) -> &Header {
        &self.entry.header
    }
    pub fn body(&self) -> Option<&Body> {
        self.entry.body.as_ref()
    }
    /// The canonical encoding, as stored and sent.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    pub fn into_entry(self) -> Entry {
        self.entry
    }

    /// The same signed header with the body erased: what a retraction leaves behind.
    pub fn to_tombstone(&self) -> Self {
        let entry = Entry {
            header: self.entry.header.clone(),
            signature: self.entry.signature,
            body: None,
        };
        // A header that encoded before encodes again; fall back to the full entry otherwise.
        let bytes = codec::encode_entry(&entry).unwrap_or_else(|_| self.bytes.clone());
        Self {
            id: self.id,
            entry,
            bytes,
        }
    }
}

/// The id of a header: blake3 of its canonical encoding.
pub fn entry_id(header: &Header) -> Result<EntryId, Invalid> {
    let bytes = codec::to_bytes(header).map_err(|_| Invalid::HeaderTooLarge {
        len: MAX_HEADER_BYTES + 1,
    })?;
    if bytes.len() > MAX_HEADER_BYTES {
        return Err(Invalid::HeaderTooLarge { len: bytes.len() });
    }
    Ok(EntryId::from_bytes(*blake3::hash(&bytes).as_bytes()))
}

/// Applies every rule that needs no other entry; returns the entry's id.
pub fn check(entry: &Entry, rules: &Rules) -> Result<EntryId, Invalid> {
    let id = check_before_signature(entry, rules)?;
    if !verify_signatures(&[(entry, id)])[0] {
        return Err(signature_error(entry));
    }
    check_after_signature(entry, rules)?;
    Ok(id)
}

/// The rules checked before the signature (in this order, so that a damaged entry always
/// gets the same reason): version, network, header size; returns the id.
fn check_before_signature(entry: &Entry, rules: &Rules) -> Result<EntryId, Invalid> {
    let header = &entry.header;
    if header.version != crate::FORMAT_VERSION {
        return Err(DecodeError::UnknownVersion(header.version).into());
    }
    if header.network != rules.network {
        return Err(Invalid::WrongNetwork {
            expected: rules.network.clone(),
            found: header.network.clone(),
        });
    }
    entry_id(header)
}

/// The rules checked after the signature: time, references, body.
fn check_after_signature(entry: &Entry, rules: &Rules) -> Result<(), Invalid> {
    let header = &entry.header;
    let limit = rules.now.saturating_add_millis(MAX_CLOCK_SKEW_MS);
    if header.created_at > limit {
        let ahead = header.created_at.as_millis() - rules.now.as_millis();
        return Err(Invalid::InFuture {
            minutes: ahead.div_ceil(60_000),
        });
    }
    check_refs(header)?;
    if header.kind.is_control() && header.space != crate::names::SpaceName::national() {
        return Err(Invalid::ControlOutsideNational {
            kind: header.kind,
            space: header.space.as_str().to_owned(),
        });
    }
    if header.body_len as usize > MAX_BODY_BYTES {
        return Err(Invalid::BodyTooLarge {
            len: header.body_len as usize,
        });
    }
    if let Some(body) = &entry.body {
        let bytes = codec::to_bytes(body).map_err(|_| Invalid::BodyTooLarge {
            len: MAX_BODY_BYTES + 1,
        })?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(Invalid::BodyTooLarge { len: bytes.len() });
        }
        if bytes.len() != header.body_len as usize {
            return Err(Invalid::BodyLenMismatch {
                declared: header.body_len,
                actual: bytes.len(),
            });
        }
        if blake3::hash(&bytes).as_bytes() != header.body_hash.as_bytes() {
            return Err(Invalid::BodyHashMismatch);
        }
        check_body(header.kind, header.author, body)?;
        if let KindFields::KeyRotation { new_key, consent } = &body.fields
            && !crate::messages::verify_rotation_consent(
                &header.network,
                &header.author,
                new_key,
                consent,
            )
        {
            return Err(Invalid::NoRotationConsent);
        }
    }
    Ok(())
}

fn signature_error(entry: &Entry) -> Invalid {
    let author = entry.header.author;
    match ed25519_dalek::VerifyingKey::from_bytes(author.as_bytes()) {
        Ok(_) => Invalid::BadSignature,
        Err(_) => Invalid::BadAuthorKey(author),
    }
}

/// Most signatures in one batch equation. A batch's tables grow with it (about 1 KiB per
/// signature) while the time per signature hardly falls beyond a few dozen. A node taking
/// in a burst verifies up to 512 entries at once: in a profile of the 342-node bench, the
/// kernel zeroing fresh pages for those tables took 5 % of the CPU, and 1.5 % with
/// batches of 64.
const MAX_VERIFY_BATCH: usize = 64;

/// Verifies the signatures of entries with their ids: in batches of at most
/// [`MAX_VERIFY_BATCH`], and one by one only in a batch that fails. Every path, single
/// entries included, uses the same (cofactored) batch equation, so that every node accepts
/// exactly the same signatures: batch and single verification of ed25519 may otherwise
/// disagree on crafted ones.
fn verify_signatures(entries: &[(&Entry, EntryId)]) -> Vec<bool> {
    let parsed: Vec<
        Option<(
            ed25519_dalek::VerifyingKey,
            ed25519_dalek::Signature,
            [u8; 45],
        )>,
    > = entries
        .iter()
        .map(|(entry, id)| {
            let key =
                ed25519_dalek::VerifyingKey::from_bytes(entry.header.author.as_bytes()).ok()?;
            let signature = ed25519_dalek::Signature::from_bytes(entry.signature.as_bytes());
            Some((key, signature, signing_message(id)))
        })
        .collect();
    let batch = |items: &[&(
        ed25519_dalek::VerifyingKey,
        ed25519_dalek::Signature,
        [u8; 45],
    )]| {
        let messages: Vec<&[u8]> = items.iter().map(|(_, _, m)| &m[..]).collect();
        let signatures: Vec<_> = items.iter().map(|(_, s, _)| *s).collect();
        let keys: Vec<_> = items.iter().map(|(k, _, _)| *k).collect();
        ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
    };
    let mut valid = Vec::with_capacity(parsed.len());
    for chunk in parsed.chunks(MAX_VERIFY_BATCH) {
        let all: Vec<_> = chunk.iter().flatten().collect();
        if all.len() == chunk.len() && batch(&all) {
            valid.extend(std::iter::repeat_n(true, chunk.len()));
        } else {
            valid.extend(
                chunk
                    .iter()
                    .map(|p| p.as_ref().is_some_and(|item| batch(&[item]))),
            );
        }
    }
    valid
}

/// One entry of [`Verified::from_bytes_batch`] that decoded and passed the checks.
#[derive(Debug, PartialEq)]
pub enum Batched {
    Verified(Box<Verified>),
    /// A copy, byte for byte, of an entry held here already (the caller said so), so its
    /// signature and the rest were not checked again: it only came once more.
    Held {
        id: EntryId,
        space: SpaceName,
    },
}

impl Verified {
    /// Decodes and checks many entries from outside this process at once, with one batch
    /// signature verification: the same outcome as [`Verified::from_bytes`] on each, but
    /// for an entry that `held` says is held already with these very bytes: that one is
    /// [`Batched::Held`], and its signature is not verified (the costly part, for a copy
    /// that changes nothing). A damaged copy of a held entry differs in its bytes, and is
    /// checked and refused as any other.
    pub fn from_bytes_batch(
        all: Vec<Vec<u8>>,
        rules: &Rules,
        held: impl Fn(&EntryId, &[u8]) -> bool,
    ) -> Vec<Result<Batched, Invalid>> {
        let decoded: Vec<Result<(Self, bool), Invalid>> = all
            .into_iter()
            .map(|bytes| {
                let entry = decode_for(&bytes, rules)?;
                let id = check_before_signature(&entry, rules)?;
                // Not yet verified: only handed out after the signature and the rest.
                let held = held(&id, &bytes);
                Ok((Self { id, entry, bytes }, held))
            })
            .collect();
        let to_verify: Vec<(&Entry, EntryId)> = decoded
            .iter()
            .filter_map(|d| match d {
                Ok((v, false)) => Some((&v.entry, v.id)),
                _ => None,
            })
            .collect();
        let mut verdicts = verify_signatures(&to_verify).into_iter();
        decoded
            .into_iter()
            .map(|d| {
                let (unverified, held) = d?;
                if held {
                    return Ok(Batched::Held {
                        id: unverified.id,
                        space: unverified.entry.header.space,
                    });
                }
                if !verdicts.next().unwrap_or(false) {
                    return Err(signature_error(&unverified.entry));
                }
                check_after_signature(&unverified.entry, rules)?;
                Ok(Batched::Verified(Box::new(unverified)))
            })
            .collect()
    }
}

fn check_refs(header: &Header) -> Result<(), Invalid> {
    let kind = header.kind;
    if header.refs.len() > MAX_REFS {
        return Err(Invalid::TooManyRefs {
            count: header.refs.len(),
        });
    }
    let (required, verb): (Option<Rel>, &str) = match kind {
        Kind::Answer => (Some(Rel::Answers), "answers"),
        Kind::Reaction => (Some(Rel::ReactsTo), "reacts to"),
        Kind::Retraction => (Some(Rel::Retracts), "retracts"),
        _ => (None, ""),
    };
    let mut seen_required = 0;
    let mut seen_supersedes = 0;
    for r in &header.refs {
        if Some(r.rel) == required {
            seen_required += 1;
        } else if r.rel == Rel::Supersedes && kind.is_editable() {
            seen_supersedes += 1;
        } else {
            return Err(Invalid::UnexpectedRef { kind, rel: r.rel });
        }
    }
    if required.is_some() && seen_required != 1 {
        return Err(Invalid::MissingRef { kind, rel: verb });
    }
    if seen_supersedes > 1 {
        return Err(Invalid::UnexpectedRef {
            kind,
            rel: Rel::Supersedes,
        });
    }
    Ok(())
}

fn check_labels(what: &'static str, labels: &[String]) -> Result<(), Invalid> {
    if labels.len() > MAX_TAGS {
        return Err(Invalid::TooManyTags {
            what,
            count: labels.len(),
        });
    }
    for label in labels {
        let chars = label.trim().chars().count();
        if chars == 0 || chars > MAX_TAG_CHARS {
            return Err(Invalid::BadTag {
                what: if what == "tags" { "tag" } else { "theme" },
                value: label.clone(),
            });
        }
    }
    Ok(())
}

fn check_body(kind: Kind, header_author: OrgKey, body: &Body) -> Result<(), Invalid> {
    let title_chars = body.title.chars().count();
    if title_chars > MAX_TITLE_CHARS {
        return Err(Invalid::TitleTooLong { chars: title_chars });
    }
    if kind.rules().titled && body.title.trim().is_empty() {
        return Err(Invalid::EmptyTitle);
    }
    check_labels("tags", &body.tags)?;
    check_labels("themes", &body.themes)?;
    let fits = match (&body.fields, kind) {
        (KindFields::Story { .. }, Kind::Story) => true,
        (KindFields::Reaction { .. }, Kind::Reaction) => true,
        (KindFields::Profile { name, .. }, Kind::Profile) => {
            if name.trim().is_empty() {
                return Err(Invalid::EmptyField {
                    field: "organisation name",
                });
            }
            true
        }
        (KindFields::Endorsement { subject, name, .. }, Kind::Endorsement) => {
            if name.trim().is_empty() {
                return Err(Invalid::EmptyField {
                    field: "organisation name",
                });
            }
            if *subject == header_author {
                return Err(Invalid::OwnKey { action: "endorse" });
            }
            true
        }
        (KindFields::KeyRotation { new_key, .. }, Kind::KeyRotation) => {
            if *new_key == header_author {
                return Err(Invalid::OwnKey {
                    action: "rotate to",
                });
            }
            true
        }
        (KindFields::Revocation { .. }, Kind::Revocation) => true,
        (KindFields::History { key, entries }, Kind::History) => {
            if *key == header_author {
                return Err(Invalid::OwnKey {
                    action: "vouch for",
                });
            }
            if entries.is_empty()
                || entries.len() > MAX_HISTORY_ENTRIES
                || entries.windows(2).any(|w| w[0] >= w[1])
            {
                return Err(Invalid::BadHistory {
                    count: entries.len(),
                });
            }
            true
        }
        (KindFields::None, k) => matches!(
            k,
            Kind::Practice | Kind::Question | Kind::Answer | Kind::Retraction
        ),
        _ => false,
    };
    if !fits {
        return Err(Invalid::FieldsDoNotMatchKind { kind });
    }
    // What decides trust goes to every node: it carries no free text (a stranger could
    // otherwise fill every disk with 64 KiB per entry).
    if !kind.rules().free_text
        && (!body.text.is_empty() || !body.tags.is_empty() || !body.themes.is_empty())
    {
        return Err(Invalid::TextNotAllowed { kind });
    }
    if matches!(kind, Kind::Answer | Kind::Practice) && body.text.trim().is_empty() {
        return Err(Invalid::EmptyField { field: "text" });
    }
    Ok(())
}

/// Decodes an entry from a peer. One of a kind this release does not know, on another
/// network, is on the wrong network (a fault) whatever its kind.
fn decode_for(bytes: &[u8], rules: &Rules) -> Result<Entry, Invalid> {
    codec::decode_entry(bytes).map_err(|error| match error {
        DecodeError::UnknownKind { network, .. } if network != rules.network => {
            Invalid::WrongNetwork {
                expected: rules.network.clone(),
                found: network,
            }
        }
        other => other.into(),
    })
}
