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

/// The time at the start of a `by_time` key.
pub(crate) fn time_of(key: &[u8]) -> Option<Timestamp> {
    let bytes: [u8; 8] = key.get(..8)?.try_into().ok()?;
    Some(Timestamp::from_millis(u64::from_be_bytes(bytes)))
}

/// The `by_time` value: what lists filter on, so they need not load entries to filter.
/// `kind (1) ‖ author (32) ‖ space`
pub(crate) fn facets(kind: Kind, author: &OrgKey, space: &SpaceName) -> Vec<u8> {
    let mut v = Vec::with_capacity(33 + space.as_str().len());
    v.push(kind.code());
    v.extend_from_slice(author.as_bytes());
    v.extend_from_slice(space.as_str().as_bytes());
    v
}

/// Reads a `by_time` value back: (kind code, author bytes, space bytes).
pub(crate) fn split_facets(value: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    if value.len() < 33 {
        return None;
    }
    Some((value[0], &value[1..33], &value[33..]))
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

/// `author ‖ id`
pub(crate) fn author_key(author: &OrgKey, id: &EntryId) -> Vec<u8> {
    let mut k = author.as_bytes().to_vec();
    k.extend_from_slice(id.as_bytes());
    k
}
