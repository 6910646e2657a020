//! The canonical encoding: bincode 2, standard configuration, hard byte limits.
//!
//! Decoding is strict: the first byte must be a known format version, nothing may follow
//! the value, and the bytes must be exactly what encoding the decoded value gives back
//! (so one entry has one encoding, and its id and signature cover all of it).

use bincode::config::{self, Configuration, Limit, LittleEndian, Varint};
use serde::{Serialize, de::DeserializeOwned};

use crate::FORMAT_VERSION;
use crate::entry::{Body, Entry, Kind};
use crate::names::{NetworkId, SpaceName};

/// Largest encoded header.
pub const MAX_HEADER_BYTES: usize = 1024;
/// Largest encoded body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest encoded entry: header, signature, body and their framing.
pub const MAX_ENTRY_BYTES: usize = MAX_HEADER_BYTES + 80 + MAX_BODY_BYTES + 16;

type Limited = Configuration<LittleEndian, Varint, Limit<MAX_ENTRY_BYTES>>;

fn config() -> Limited {
    config::standard().with_limit::<MAX_ENTRY_BYTES>()
}

/// Why bytes are not a well-formed entry or body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    Empty,
    TooLarge {
        len: usize,
        limit: usize,
    },
    UnknownVersion(u8),
    /// An entry of a kind this release does not know: a newer release's (its code, and
    /// the network its header names).
    UnknownKind {
        code: u32,
        network: NetworkId,
    },
    Malformed(String),
    TrailingBytes(usize),
    NonCanonical,
}

/// Why a value could not be encoded (only ever a value over the limit).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct EncodeError(String);

impl EncodeError {
    pub fn detail(&self) -> &str {
        &self.0
    }
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, EncodeError> {
    bincode::serde::encode_to_vec(value, config()).map_err(|e| EncodeError(e.to_string()))
}

fn decode_strict<T: DeserializeOwned + Serialize>(
    bytes: &[u8],
    limit: usize,
) -> Result<T, DecodeError> {
    if bytes.len() > limit {
        return Err(DecodeError::TooLarge {
            len: bytes.len(),
            limit,
        });
    }
    let (value, used): (T, usize) = bincode::serde::decode_from_slice(bytes, config())
        .map_err(|e| DecodeError::Malformed(e.to_string()))?;
    if used != bytes.len() {
        return Err(DecodeError::TrailingBytes(bytes.len() - used));
    }
    if encode(&value).map_err(|_| DecodeError::NonCanonical)? != bytes {
        return Err(DecodeError::NonCanonical);
    }
    Ok(value)
}

/// Canonical bytes of anything in the protocol (header, body, entry).
pub fn to_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>, EncodeError> {
    encode(value)
}

/// Encodes a signed entry for the wire and the store.
pub fn encode_entry(entry: &Entry) -> Result<Vec<u8>, EncodeError> {
    encode(entry)
}

/// Decodes a signed entry, checking only its form (see [`crate::validate`] for the rules).
pub fn decode_entry(bytes: &[u8]) -> Result<Entry, DecodeError> {
    // Too large whatever it claims to be: a newer version is no excuse.
    if bytes.len() > MAX_ENTRY_BYTES {
        return Err(DecodeError::TooLarge {
            len: bytes.len(),
            limit: MAX_ENTRY_BYTES,
        });
    }
    match bytes.first() {
        None => Err(DecodeError::Empty),
        Some(&v) if v != FORMAT_VERSION => Err(DecodeError::UnknownVersion(v)),
        Some(_) => decode_strict(bytes, MAX_ENTRY_BYTES).map_err(|error| match error {
            DecodeError::Malformed(_) => unknown_kind(bytes).map_or(error, |(code, network)| {
                DecodeError::UnknownKind { code, network }
            }),
            other => other,
        }),
    }
}

/// The kind code (and network) of an entry that failed to decode, when its header is well formed up to
/// the kind and the kind is one this release does not know. (A newer release adds kinds;
/// a node that passes such an entry on is not at fault.)
fn unknown_kind(bytes: &[u8]) -> Option<(u32, NetworkId)> {
    type UpToKind = (u8, NetworkId, SpaceName);
    let ((_, network, _), used): (UpToKind, usize) =
        bincode::serde::decode_from_slice(bytes, config()).ok()?;
    let (code, _): (u32, usize) =
        bincode::serde::decode_from_slice(bytes.get(used..)?, config()).ok()?;
    (usize::try_from(code).ok()? >= Kind::ALL.len()).then_some((code, network))
}

/// Decodes a body on its own (as hashed by `body_hash`).
pub fn decode_body(bytes: &[u8]) -> Result<Body, DecodeError> {
    decode_strict(bytes, MAX_BODY_BYTES)
}
