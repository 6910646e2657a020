//! Set reconciliation of a space's (created_at, entry id) items with the negentropy
//! protocol: which entries one side has that the other lacks, in few round trips and few
//! bytes. This is the pure part of catch-up sync; the network protocol builds on it.

use negentropy::{Id, Negentropy, NegentropyStorageVector};
use wiel_protocol::{EntryId, Timestamp};

/// Largest reconciliation message, in bytes. Bounds memory on both sides; more rounds
/// are needed for large differences.
pub const FRAME_LIMIT: u64 = 256 * 1024;

/// Why reconciliation failed (a malformed or hostile message).
#[derive(Debug, thiserror::Error)]
#[error("set reconciliation failed: {0}")]
pub struct ReconcileError(String);

fn err(e: negentropy::Error) -> ReconcileError {
    ReconcileError(e.to_string())
}

/// The sealed, sorted set of one side.
pub struct ItemSet(NegentropyStorageVector);

impl ItemSet {
    pub fn new(items: &[(Timestamp, EntryId)]) -> Result<Self, ReconcileError> {
        let mut storage = NegentropyStorageVector::with_capacity(items.len());
        for (t, id) in items {
            storage
                .insert(t.as_millis(), Id::from_byte_array(*id.as_bytes()))
                .map_err(err)?;
        }
        storage.seal().map_err(err)?;
        Ok(Self(storage))
    }
}

/// The side that starts a sync session and learns the differences.
pub struct Initiator {
    session: Negentropy<'static, NegentropyStorageVector>,
    /// Ids we hold that the other side lacks.
    pub have: Vec<EntryId>,
    /// Ids the other side holds that we lack.
    pub need: Vec<EntryId>,
}

impl Initiator {
    /// Starts a session on this side's set; returns it and the first message.
    pub fn start(set: ItemSet) -> Result<(Self, Vec<u8>), ReconcileError> {
        let mut session = Negentropy::owned(set.0, FRAME_LIMIT).map_err(err)?;
        let first = session.initiate().map_err(err)?;
        Ok((
            Self {
                session,
                have: Vec::new(),
                need: Vec::new(),
            },
            first,
        ))
    }

    /// Takes the other side's answer; returns the next message, or `None` when done.
    pub fn step(&mut self, answer: &[u8]) -> Result<Option<Vec<u8>>, ReconcileError> {
        let mut have = Vec::new();
        let mut need = Vec::new();
        let next = self
            .session
            .reconcile_with_ids(answer, &mut have, &mut need)
            .map_err(err)?;
        self.have
            .extend(have.iter().map(|id| EntryId::from_bytes(id.to_bytes())));
        self.need
            .extend(need.iter().map(|id| EntryId::from_bytes(id.to_bytes())));
        Ok(next)
    }
}

/// The answering side: stateless between messages.
pub fn respond(set: &ItemSet, message: &[u8]) -> Result<Vec<u8>, ReconcileError> {
    let mut session = Negentropy::borrowed(&set.0, FRAME_LIMIT).map_err(err)?;
    session.reconcile(message).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(range: std::ops::Range<u64>) -> Vec<(Timestamp, EntryId)> {
        range
            .map(|i| {
                let id = EntryId::from_bytes(*blake3::hash(&i.to_le_bytes()).as_bytes());
                (Timestamp::from_millis(1_000 + i), id)
            })
            .collect()
    }

    #[test]
    fn finds_the_differences_both_ways() {
        let mut a = items(0..1000);
        let b_items = items(10..1010);
        a.sort();
        let (a_set, b_set) = (ItemSet::new(&a).unwrap(), ItemSet::new(&b_items).unwrap());
        let (mut init, mut msg) = Initiator::start(a_set).unwrap();
        let mut rounds = 0;
        loop {
            rounds += 1;
            let answer = respond(&b_set, &msg).unwrap();
            match init.step(&answer).unwrap() {
                Some(next) => msg = next,
                None => break,
            }
        }
        let mut have = init.have.clone();
        let mut need = init.need.clone();
        have.sort();
        need.sort();
        let mut want_have: Vec<EntryId> = items(0..10).into_iter().map(|x| x.1).collect();
        let mut want_need: Vec<EntryId> = items(1000..1010).into_iter().map(|x| x.1).collect();
        want_have.sort();
        want_need.sort();
        assert_eq!(have, want_have);
        assert_eq!(need, want_need);
        assert!(rounds <= 4, "{rounds} rounds");
    }

    #[test]
    fn garbage_from_a_peer_never_panics() {
        let set = ItemSet::new(&items(0..100)).unwrap();
        // Other versions, truncated varints and noise: an answer or an error, never a panic
        // (another version gets negentropy's version answer).
        for junk in [
            &[0x60][..],
            &[0x61, 0xff, 0xff, 0xff, 0xff, 0xff][..],
            &[][..],
        ] {
            let _ = respond(&set, junk);
        }
        for len in [1usize, 2, 33, 300, 5000] {
            let mut junk = wiel_protocol::testing::noise(42 + len as u64, len);
            junk[0] = 0x61;
            let _ = respond(&set, &junk);
        }
    }
}
