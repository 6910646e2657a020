//! What a signature covers: the domain-separated messages of an entry's signature and of
//! a new key's consent to a rotation, and checking that consent. Both signing (`sign`)
//! and validation (`validate`) depend on this; neither on the other's internals.

use crate::ids::{EntryId, OrgKey, Signature};
use crate::names::NetworkId;

/// Domain separation: a wiel entry signature can never be mistaken for another signature.
pub const SIGNING_DOMAIN: &[u8] = b"wiel/entry/v1";

/// The message an entry's signature covers.
pub fn signing_message(id: &EntryId) -> [u8; 45] {
    let mut msg = [0u8; 45];
    msg[..13].copy_from_slice(SIGNING_DOMAIN);
    msg[13..].copy_from_slice(id.as_bytes());
    msg
}

/// Domain of the new key's consent to a key rotation.
pub const ROTATION_DOMAIN: &[u8] = b"wiel/rotation/v1";

/// The message a new key signs to consent to succeed `old` on `network`.
pub fn rotation_consent_message(network: &NetworkId, old: &OrgKey, new: &OrgKey) -> Vec<u8> {
    let mut msg = Vec::with_capacity(ROTATION_DOMAIN.len() + 1 + network.as_str().len() + 64);
    msg.extend_from_slice(ROTATION_DOMAIN);
    msg.push(network.as_str().len() as u8);
    msg.extend_from_slice(network.as_str().as_bytes());
    msg.extend_from_slice(old.as_bytes());
    msg.extend_from_slice(new.as_bytes());
    msg
}

/// Whether `consent` is `new`'s signature agreeing to succeed `old`.
pub fn verify_rotation_consent(
    network: &NetworkId,
    old: &OrgKey,
    new: &OrgKey,
    consent: &Signature,
) -> bool {
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(new.as_bytes()) else {
        return false;
    };
    let signature = ed25519_dalek::Signature::from_bytes(consent.as_bytes());
    key.verify_strict(&rotation_consent_message(network, old, new), &signature)
        .is_ok()
}
