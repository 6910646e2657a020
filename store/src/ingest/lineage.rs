//! Which keys speak for which: rotations followed forward (successors) and backward
//! (predecessors), read from the `rotations` tree through the ingest overlay.

use super::*;

/// `key` and every key that rotated from it, directly or in steps (with the new key's
/// consent, checked when the rotation was verified). Not capped: a cap would make "who
/// speaks for whom" depend on how many rotations arrived first; rotations are budgeted
/// where they come in.
pub(super) fn successors_of(o: &Overlay<'_>, key: &OrgKey) -> Result<Vec<OrgKey>, StoreError> {
    follow(o, key, FORWARD)
}

/// Every key along rotations from `key`, in the direction of `prefix` (successors or
/// predecessors), `key` included.
pub(super) fn follow(o: &Overlay<'_>, key: &OrgKey, prefix: u8) -> Result<Vec<OrgKey>, StoreError> {
    let mut out = vec![*key];
    let mut seen: std::collections::HashSet<OrgKey> = out.iter().copied().collect();
    let mut next = 0;
    while next < out.len() {
        let from = out[next];
        next += 1;
        let mut start = vec![prefix];
        start.extend_from_slice(from.as_bytes());
        for row in o.keys_with_prefix(T::Rotations, &start)? {
            if let Some(other) = row
                .get(33..65)
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .map(OrgKey::from_bytes)
                && seen.insert(other)
            {
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// Row prefixes of the rotations tree: old → new, and new → old.
pub(super) const FORWARD: u8 = b'f';
pub(super) const BACKWARD: u8 = b'b';

/// Whether `signer` speaks for `author`: the same key, or a key `author` rotated to.
/// Searched from the signer back through its predecessors: only holders of keys on the
/// signer's own chain can add to that walk.
pub(super) fn speaks_for(
    o: &Overlay<'_>,
    signer: &OrgKey,
    author: &OrgKey,
) -> Result<bool, StoreError> {
    Ok(signer == author || follow(o, signer, BACKWARD)?.contains(author))
}

/// [`speaks_for`] on the committed store.
pub(crate) fn speaks_for_committed(
    store: &Store,
    signer: &OrgKey,
    author: &OrgKey,
) -> Result<bool, StoreError> {
    speaks_for(&Overlay::new(store), signer, author)
}
