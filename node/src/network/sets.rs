//! Each space's id set as this node passes it on (entries of untrusted authors left out),
//! followed by what the store's commits add instead of read anew after each commit: a seed
//! answers hundreds of sync sessions while a burst of entries arrives, and reading a space
//! means walking the whole time index (every space's rows). Read anew only when the trust
//! set changed, or the store changed otherwise than by adding (see
//! [`wiel_store::AddedSince`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use wiel_protocol::{EntryId, SpaceName};
use wiel_store::{AddedSince, Item, Store};

use crate::reconcile::{ItemSet, LiveSet};
use crate::trust::{ItemStanding, TrustSet, item_standing, passes_on_item};

/// The sets of the spaces asked about.
#[derive(Default)]
pub struct SpaceSets {
    sets: HashMap<SpaceName, Followed>,
}

/// One space's set, as of a store generation and a trust set.
struct Followed {
    generation: u64,
    trust: Arc<TrustSet>,
    set: LiveSet,
    /// Acts beyond their author's standing: whether they pass on depends on what else the
    /// store holds, so they are weighed again after every commit.
    depending: BTreeMap<EntryId, Item>,
}

impl Followed {
    /// Takes an item in (one that depends on the store is weighed by `weigh_depending`).
    fn take(&mut self, item: Item) {
        match item_standing(&self.trust, &item) {
            ItemStanding::Passes => {
                self.set.insert(&item.id);
            }
            ItemStanding::Withheld => {}
            ItemStanding::DependsOnStore => {
                self.depending.insert(item.id, item);
            }
        }
    }

    /// Weighs every act beyond its author's standing against the store as it is now.
    fn weigh_depending(&mut self, store: &Store) {
        for item in self.depending.values() {
            if matches!(passes_on_item(store, &self.trust, item), Ok(true)) {
                self.set.insert(&item.id);
            } else {
                self.set.remove(&item.id);
            }
        }
    }
}

impl SpaceSets {
    /// The set of `space` as this node passes it on under `trust`, now.
    pub fn set_of(
        &mut self,
        store: &Store,
        trust: &Arc<TrustSet>,
        space: &SpaceName,
    ) -> Arc<ItemSet> {
        if let Some(followed) = self.sets.get_mut(space)
            && Arc::ptr_eq(&followed.trust, trust)
            && let AddedSince::Known { now, added } = store.added_since(followed.generation)
        {
            if now != followed.generation {
                for (in_space, item) in added {
                    if in_space == space.as_str() {
                        followed.take(item);
                    }
                }
                followed.weigh_depending(store);
                followed.generation = now;
            }
            return followed.set.snapshot();
        }
        // Read before the walk: what a commit adds during it is taken again next time,
        // which changes nothing (a set holds an id once).
        let generation = store.generation();
        let items = match store.space_items(space) {
            Ok(items) => items,
            Err(e) => {
                // Not kept: later commits would add to a set that lacks the rest.
                tracing::warn!(error = %e, "cannot read the store for sync");
                self.sets.remove(space);
                return Arc::default();
            }
        };
        let mut followed = Followed {
            generation,
            trust: trust.clone(),
            set: LiveSet::default(),
            depending: BTreeMap::new(),
        };
        for item in items {
            followed.take(item);
        }
        followed.weigh_depending(store);
        let set = followed.set.snapshot();
        self.sets.insert(space.clone(), followed);
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::{TrustConfig, TrustMode, TrustState};
    use wiel_protocol::{OrgKeypair, testing};

    /// The set by its definition: every item of the space that passes on.
    fn read_anew(store: &Store, trust: &Arc<TrustSet>, space: &SpaceName) -> Arc<ItemSet> {
        let items = store.space_items(space).unwrap().into_iter();
        let passing = items.filter(|i| passes_on_item(store, trust, i).unwrap());
        Arc::new(ItemSet::new(passing.map(|i| i.id)))
    }

    #[test]
    fn a_followed_set_stays_equal_to_a_set_read_anew_through_commits_and_trust_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (own, stranger) = (OrgKeypair::generate(), OrgKeypair::generate());
        // A web of trust: the stranger's entries are kept apart until it is endorsed.
        let trust = TrustState::load(own.public(), TrustConfig::default(), &store).unwrap();
        let (national, other) = (SpaceName::national(), SpaceName::new("pv20").unwrap());
        let mut sets = SpaceSets::default();
        let mut before = sets.set_of(&store, &trust.current(), &national);
        for round in 0..6u64 {
            let batch: Vec<_> = (0..5)
                .map(|n| {
                    let key = if n % 2 == 0 { &own } else { &stranger };
                    let space = if n % 3 == 0 { &other } else { &national };
                    let number = round * 10 + n;
                    testing::practice_with_text_in(key, space.clone(), number, 1_000 + number, 10)
                })
                .collect();
            store.ingest_batch(batch).unwrap();
            if round == 3 {
                let endorsed = testing::endorsement(&own, &stranger, 2_000);
                store.ingest(endorsed).unwrap();
                trust.refresh(&store).unwrap();
            }
            let current = trust.current();
            for space in [&national, &other] {
                let followed = sets.set_of(&store, &current, space);
                let anew = read_anew(&store, &current, space);
                assert_eq!(
                    followed.fingerprint(),
                    anew.fingerprint(),
                    "round {round}, {space}"
                );
            }
            let now = sets.set_of(&store, &current, &national);
            // A snapshot handed out earlier is never changed.
            assert!(before.len() < now.len(), "round {round}");
            before = now;
        }
        // Of the three entries a round puts in `nl`, the own one passes on from the start
        // and the stranger's two once it was endorsed: 6 + 12, and the endorsement.
        assert_eq!(before.len(), 19);
    }

    #[test]
    fn a_set_followed_while_another_thread_stores_ends_equal_to_one_read_anew() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let key = OrgKeypair::generate();
        let open = TrustConfig {
            mode: TrustMode::Open,
            ..Default::default()
        };
        let trust = TrustState::load(key.public(), open, &store).unwrap();
        let space = SpaceName::national();
        let writer = {
            let store = store.clone();
            std::thread::spawn(move || {
                for round in 0..40u64 {
                    let batch: Vec<_> = (0..7)
                        .map(|n| testing::practice(&key, round * 10 + n, 1_000 + round * 10 + n))
                        .collect();
                    store.ingest_batch(batch).unwrap();
                }
            })
        };
        let mut sets = SpaceSets::default();
        let mut fresh_reads = 0;
        while !writer.is_finished() {
            sets.set_of(&store, &trust.current(), &space);
            // Now and then read anew, racing the writer.
            if fresh_reads < 20 {
                sets = SpaceSets::default();
                fresh_reads += 1;
            }
        }
        writer.join().unwrap();
        let followed = sets.set_of(&store, &trust.current(), &space);
        let anew = SpaceSets::default().set_of(&store, &trust.current(), &space);
        assert_eq!(anew.len(), 280);
        assert_eq!(followed.fingerprint(), anew.fingerprint());
    }
}
