//! What recent commits added to the time index, so that a set derived from the store (a
//! space's sync set, its fingerprint) can follow the store by its changes instead of
//! reading every row again after each commit. It owns the store's generation: the number
//! of commits that changed the store in this process.
//!
//! Only additions are told: a commit that removed rows (`wiel check` quarantining an entry)
//! leaves a gap, and whoever asks across it reads the store anew. Bounded in items: a
//! reader that fell far behind reads anew too.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Item;

/// Items kept, at most, over the commits remembered (~100 bytes each).
const MAX_ITEMS: usize = 16_384;
/// Commits remembered, at most.
const MAX_COMMITS: usize = 4_096;

/// One item added to the time index, with the space it is in.
pub type Added = (String, Item);

/// What changed in the store since a generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddedSince {
    /// The generation now, and every item added after the one asked about, oldest first.
    /// One who read the store anew while a commit was under way may be told some of its
    /// items again: take them as a set does, once.
    Known { now: u64, added: Vec<Added> },
    /// The store changed in another way, or too long ago to tell: read it anew.
    Unknown { now: u64 },
}

/// One commit: the generation after it, and what it added (`None`: rows were removed).
type Commit = (u64, Option<Arc<[Added]>>);

/// Where the next journal's generations start: each store opened in this process counts
/// in its own range, so that a generation of another store (or of this one before it was
/// opened again) is never taken for one of this store's.
static NEXT_RANGE: AtomicU64 = AtomicU64::new(0);

pub(crate) struct Journal {
    /// Bumped by every commit that changed the store, inside the lock of `commits`.
    generation: AtomicU64,
    commits: std::sync::Mutex<Remembered>,
}

/// The commits remembered, oldest first, and the items they hold together.
#[derive(Default)]
struct Remembered {
    commits: VecDeque<Commit>,
    items: usize,
}

impl Default for Journal {
    fn default() -> Self {
        Self {
            generation: AtomicU64::new(NEXT_RANGE.fetch_add(1 << 40, Ordering::Relaxed)),
            commits: Default::default(),
        }
    }
}

impl Journal {
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Notes a commit: what it added to the time index, or `None` when it changed the index
    /// otherwise. Returns the new generation.
    pub fn note(&self, added: Option<Vec<Added>>) -> u64 {
        let mut remembered = self.commits.lock().unwrap_or_else(|p| p.into_inner());
        let Remembered { commits, items } = &mut *remembered;
        let now = self.generation.load(Ordering::Acquire) + 1;
        *items += added.as_ref().map_or(0, Vec::len);
        commits.push_back((now, added.map(Arc::from)));
        while commits.len() > 1 && (*items > MAX_ITEMS || commits.len() > MAX_COMMITS) {
            if let Some((_, Some(dropped))) = commits.pop_front() {
                *items -= dropped.len();
            }
        }
        // Inside the lock: a reader sees the generation and the commits that led to it.
        self.generation.store(now, Ordering::Release);
        now
    }

    pub fn added_since(&self, since: u64) -> AddedSince {
        let remembered = self.commits.lock().unwrap_or_else(|p| p.into_inner());
        let commits = &remembered.commits;
        let now = self.generation.load(Ordering::Acquire);
        if since == now {
            return AddedSince::Known {
                now,
                added: Vec::new(),
            };
        }
        let remembered_from = commits.front().map_or(now + 1, |(g, _)| *g);
        if since > now || remembered_from > since + 1 {
            return AddedSince::Unknown { now };
        }
        let mut added = Vec::new();
        for (_, commit) in commits.iter().filter(|(g, _)| *g > since) {
            match commit {
                Some(items) => added.extend(items.iter().cloned()),
                None => return AddedSince::Unknown { now },
            }
        }
        AddedSince::Known { now, added }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiel_protocol::{EntryId, Kind, OrgKey, Timestamp};

    fn item(n: u8) -> Added {
        let item = Item {
            created_at: Timestamp::from_millis(u64::from(n)),
            id: EntryId::from_bytes([n; 32]),
            author: OrgKey::from_bytes([1; 32]),
            kind: Kind::Practice,
        };
        ("nl".to_owned(), item)
    }

    fn known(journal: &Journal, since: u64) -> Vec<u8> {
        match journal.added_since(since) {
            AddedSince::Known { added, .. } => {
                added.iter().map(|(_, i)| i.id.as_bytes()[0]).collect()
            }
            AddedSince::Unknown { .. } => panic!("expected the changes since {since} to be known"),
        }
    }

    #[test]
    fn additions_since_a_generation_are_told_in_order_and_a_removal_is_a_gap() {
        let journal = Journal::default();
        let g = journal.generation();
        assert_eq!(known(&journal, g), Vec::<u8>::new());
        assert_eq!(journal.note(Some(vec![item(1), item(2)])), g + 1);
        assert_eq!(journal.note(Some(vec![item(3)])), g + 2);
        assert_eq!(known(&journal, g), vec![1, 2, 3]);
        assert_eq!(known(&journal, g + 1), vec![3]);
        assert_eq!(known(&journal, g + 2), Vec::<u8>::new());
        journal.note(None);
        journal.note(Some(vec![item(4)]));
        assert_eq!(
            journal.added_since(g + 1),
            AddedSince::Unknown { now: g + 4 }
        );
        assert_eq!(known(&journal, g + 3), vec![4]);
        // A generation this store never had.
        assert_eq!(
            journal.added_since(g + 9),
            AddedSince::Unknown { now: g + 4 }
        );
    }

    #[test]
    fn a_generation_of_another_store_is_never_taken_for_one_of_this_store() {
        let (first, second) = (Journal::default(), Journal::default());
        let seen = first.generation();
        first.note(Some(vec![item(1)]));
        // The second (a store opened again, say) made as many commits and more.
        for _ in 0..3 {
            second.note(Some(vec![item(2)]));
        }
        for asked in [seen, first.generation()] {
            assert!(matches!(
                second.added_since(asked),
                AddedSince::Unknown { .. }
            ));
        }
        assert!(matches!(
            first.added_since(second.generation()),
            AddedSince::Unknown { .. }
        ));
    }

    #[test]
    fn a_reader_too_far_behind_reads_anew() {
        let journal = Journal::default();
        let g = journal.generation();
        for _ in 0..=MAX_ITEMS / 2 {
            journal.note(Some(vec![item(1), item(2)]));
        }
        assert!(matches!(journal.added_since(g), AddedSince::Unknown { .. }));
        let now = journal.generation();
        assert_eq!(known(&journal, now - 1).len(), 2);
    }
}
