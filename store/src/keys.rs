//! Index key layouts. Times are big-endian so sled's byte order is time order.

use wiel_protocol::{EntryId, Kind, OrgKey, Rel, SpaceName, Timestamp};

pub(crate) const ID_LEN: usize = 32;

/// `created_at ‖ id`
pub(crate) fn time_key(t: Timestamp, id: &EntryId) -> Vec<u8> {
    let mut k = Vec::with_capacity(8 + ID_LEN);
    k.extend_from_slice(&t.as_millis().to_be_bytes());
    k.extend_from_slice(id.as_bytes());
    k
}

/// `space ‖ 0 ‖ created_at ‖ id` (space names never contain a zero byte)
pub(crate) fn space_prefix(space: &SpaceName) -> Vec<u8> {
    let mut k = Vec::with_capacity(space.as_str().len() + 1 + 8 + ID_LEN);
    k.extend_from_slice(space.as_str().as_bytes());
    k.push(0);
    k
}

pub(crate) fn space_key(space: &SpaceName, t: Timestamp, id: &EntryId) -> Vec<u8> {
    let mut k = space_prefix(space);
    k.extend_from_slice(&time_key(t, id));
    k
}

/// `author ‖ created_at ‖ id`
pub(crate) fn author_key(author: &OrgKey, t: Timestamp, id: &EntryId) -> Vec<u8> {
    let mut k = author.as_bytes().to_vec();
    k.extend_from_slice(&time_key(t, id));
    k
}

/// `kind ‖ created_at ‖ id`
pub(crate) fn kind_key(kind: Kind, t: Timestamp, id: &EntryId) -> Vec<u8> {
    let mut k = vec![kind.code()];
    k.extend_from_slice(&time_key(t, id));
    k
}

/// `target ‖ rel ‖ source`: who refers to `target`, and how.
pub(crate) fn ref_key(target: &EntryId, rel: Rel, source: &EntryId) -> Vec<u8> {
    let mut k = ref_prefix(target, rel);
    k.extend_from_slice(source.as_bytes());
    k
}

pub(crate) fn ref_prefix(target: &EntryId, rel: Rel) -> Vec<u8> {
    let mut k = target.as_bytes().to_vec();
    k.push(rel.code());
    k
}

/// The entry id at the end of any index key.
pub(crate) fn trailing_id(key: &[u8]) -> Option<EntryId> {
    let start = key.len().checked_sub(ID_LEN)?;
    let bytes: [u8; ID_LEN] = key[start..].try_into().ok()?;
    Some(EntryId::from_bytes(bytes))
}

pub(crate) fn id_from_value(value: &[u8]) -> Option<EntryId> {
    let bytes: [u8; ID_LEN] = value.try_into().ok()?;
    Some(EntryId::from_bytes(bytes))
}
