//! One admission for everything that comes from outside — entries from peers (gossip,
//! sync) and from an imported file: before the store sees a valid entry, this node's trust
//! and limits decide whether it is taken. Only objective faults blame a sender; they are
//! found before this (see `network::worker`). Every verdict here is this node's own, so
//! it never blames anybody.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiel_protocol::{EntryId, OrgKey, Verified};
use wiel_store::Store;

use crate::rate::TokenBucket;
use crate::refusal::Refusal;
use crate::trust::{TrustSet, TrustState};

/// Authors whose rate is tracked at once; past it the table starts afresh.
const MAX_TRACKED_AUTHORS: usize = 10_000;
/// Ids remembered as declined at most (32 bytes each); past it the memory starts afresh.
const MAX_DECLINED: usize = 100_000;
/// How long a decline is remembered while the trust set stays the same: a full budget
/// may free up (an entry retracted, a store compacted) without the trust set changing.
const DECLINED_FOR: Duration = Duration::from_secs(60 * 60);

/// What becomes of a valid entry.
pub enum Admission {
    Take(Box<Verified>),
    /// Not taken now, for a reason of this node's own (its trust, its limits): never the
    /// sender's fault. `throttle`: catch up with the sender later by sync.
    Ignore {
        reason: Refusal,
        throttle: bool,
    },
}

/// What admission counts against this node's limits. The counts are read from the store
/// when first needed and again after [`Budgets::trust_changed`].
pub struct Budgets {
    /// Per untrusted author, how much more it may send now; `None`: no rate (an import is
    /// one deliberate act of the node's own operator, its budget is the byte cap).
    authors: Option<HashMap<OrgKey, TokenBucket>>,
    untrusted_profiles: Option<usize>,
    kept_apart_bytes: Option<u64>,
}

impl Budgets {
    /// For entries from peers: the per-author rate applies.
    pub fn for_network() -> Self {
        Self {
            authors: Some(HashMap::new()),
            untrusted_profiles: None,
            kept_apart_bytes: None,
        }
    }

    /// For an imported file: no rate, the same caps.
    pub fn for_import() -> Self {
        Self {
            authors: None,
            untrusted_profiles: None,
            kept_apart_bytes: None,
        }
    }

    /// The trust set changed: count again when next needed.
    pub fn trust_changed(&mut self) {
        self.untrusted_profiles = None;
        self.kept_apart_bytes = None;
    }
}

/// Valid entries this node declined for a reason that lasts as long as what decides
/// admission (an author it does not take, a full budget), by id: sync leaves them out of what it fetches
/// and of what it says it lacks, so that repeated syncs with a peer that holds them move
/// nothing. Forgotten when whom this node trusts changes, after an hour, or when full.
/// An id is the hash of the signed entry, so a peer cannot make this node decline an
/// entry other than the one it sent.
#[derive(Clone, Default)]
pub struct Declined(Arc<Mutex<DeclinedIds>>);

#[derive(Default)]
struct DeclinedIds {
    /// What decided them ([`TrustSet::admission_digest`]), and since when.
    under: Option<([u8; 32], Instant)>,
    ids: HashSet<EntryId>,
}

impl DeclinedIds {
    /// Forgets everything when `set` is not the set the ids were declined under, or the
    /// memory is old.
    fn under(&mut self, set: &TrustSet) -> &mut HashSet<EntryId> {
        // Only what decides admission counts: a stranger's rotation or self-revocation
        // changes the trust set, and must not make every node forget.
        let digest = set.admission_digest();
        let current = matches!(&self.under, Some((d, since))
            if *d == digest && since.elapsed() < DECLINED_FOR);
        if !current {
            self.ids.clear();
            self.under = Some((digest, Instant::now()));
        }
        &mut self.ids
    }
}

impl Declined {
    /// Whether a refusal for `reason` lasts while what decides admission does.
    pub fn lasts(reason: Refusal) -> bool {
        matches!(
            reason,
            Refusal::Untrusted | Refusal::TooManyProfiles | Refusal::KeptApartFull
        )
    }

    /// Remembers `ids`, declined under `set` for reasons that last (one batch: what
    /// decides admission is read once).
    pub fn note(&self, ids: impl IntoIterator<Item = EntryId>, set: &TrustSet) {
        let mut declined = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let held = declined.under(set);
        for id in ids {
            if held.len() >= MAX_DECLINED {
                held.clear();
            }
            held.insert(id);
        }
    }

    /// Keeps of `ids` those not declined under `set` (and still remembered).
    pub fn retain_undeclined(&self, ids: &mut Vec<EntryId>, set: &TrustSet) {
        let mut declined = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let held = declined.under(set);
        if !held.is_empty() {
            ids.retain(|id| !held.contains(id));
        }
    }
}

/// Decides on a valid entry by this node's trust and limits.
pub fn admit(
    e: Verified,
    set: &TrustSet,
    store: &Store,
    trust: &TrustState,
    budgets: &mut Budgets,
) -> Admission {
    let h = e.header();
    let ignore = |reason| Admission::Ignore {
        reason,
        throttle: false,
    };
    // A closed node takes content of its roots only.
    if !set.takes(h.kind, &h.author) {
        return ignore(Refusal::Untrusted);
    }
    if !within_profile_bound(&e, set, store, trust, &mut budgets.untrusted_profiles) {
        return ignore(Refusal::TooManyProfiles);
    }
    if !set.is_budgeted(&h.author, h.created_at, &e.id())
        || matches!(store.holds(&e.id()), Ok(true))
    {
        return Admission::Take(Box::new(e));
    }
    // From outside the trust set (an untrusted author, or a revoked key after its
    // revocation; kept apart, or passed on if it is a profile, rotation or revocation):
    // taken in up to a byte budget for all authors together ([trust]
    // max_kept_apart_bytes), and from peers at a bounded rate per author, by gossip and
    // sync together ([trust] untrusted_author_per_minute and _burst); what is dropped
    // comes later by sync.
    let config = trust.config();
    let used = *budgets
        .kept_apart_bytes
        .get_or_insert_with(|| count_kept_apart_bytes(store, set));
    let size = e.bytes().len() as u64;
    if used + size > config.max_kept_apart_bytes {
        return ignore(Refusal::KeptApartFull);
    }
    if let Some(authors) = budgets.authors.as_mut() {
        if authors.len() >= MAX_TRACKED_AUTHORS {
            authors.clear();
        }
        let allowed = authors
            .entry(h.author)
            .or_insert_with(|| {
                TokenBucket::new(
                    f64::from(config.untrusted_author_per_minute) / 60.0,
                    f64::from(config.untrusted_author_burst),
                )
            })
            .take();
        if !allowed {
            return Admission::Ignore {
                reason: Refusal::RateLimited,
                throttle: true,
            };
        }
    }
    budgets.kept_apart_bytes = Some(used + size);
    Admission::Take(Box::new(e))
}

/// Bytes of what this node holds and does not pass on.
fn count_kept_apart_bytes(store: &Store, set: &TrustSet) -> u64 {
    store
        .items_by_space(None)
        .and_then(|items| crate::trust::kept_apart_usage(store, set, &items))
        .map(|(_, bytes)| bytes)
        .unwrap_or(0)
}

/// Profiles of organisations nobody here trusts are taken up to a bound (keys are free).
fn within_profile_bound(
    e: &Verified,
    set: &TrustSet,
    store: &Store,
    trust: &TrustState,
    untrusted_profiles: &mut Option<usize>,
) -> bool {
    let h = e.header();
    if h.kind != wiel_protocol::Kind::Profile
        || set.shows(&h.author)
        || !matches!(store.profile(&h.author), Ok(None))
    {
        return true;
    }
    let limit = trust.config().max_untrusted_profiles;
    let count = *untrusted_profiles.get_or_insert_with(|| count_untrusted_profiles(store, set));
    if count >= limit {
        false
    } else {
        *untrusted_profiles = Some(count + 1);
        true
    }
}

fn count_untrusted_profiles(store: &Store, set: &TrustSet) -> usize {
    store
        .profiles()
        .map(|all| {
            all.iter()
                .filter(|p| !set.shows(&p.header().author))
                .count()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> EntryId {
        EntryId::from_bytes([n; 32])
    }

    impl Declined {
        fn contains(&self, id: &EntryId, set: &TrustSet) -> bool {
            let mut ids = vec![*id];
            self.retain_undeclined(&mut ids, set);
            ids.is_empty()
        }
    }

    #[test]
    fn a_lasting_decline_is_remembered_until_the_trust_set_differs() {
        let declined = Declined::default();
        let set = Arc::new(TrustSet::default());
        declined.note([id(1), id(2)], &set);
        assert!(declined.contains(&id(1), &set));
        assert!(declined.contains(&id(2), &set));
        assert!(!declined.contains(&id(3), &set));
        // The same set computed again (a stranger's trust entry was stored): remembered.
        let again = Arc::new(TrustSet::default());
        assert!(declined.contains(&id(1), &again));
        // Another set: everything is asked for again.
        let closed = crate::trust::TrustConfig {
            mode: crate::trust::TrustMode::Closed,
            ..Default::default()
        };
        let own = wiel_protocol::testing::key(1).public();
        let changed = Arc::new(TrustSet::compute(
            &closed,
            own,
            &crate::trust::TrustFacts::default(),
        ));
        assert!(!declined.contains(&id(1), &changed));
        assert!(!declined.contains(&id(1), &again));
    }

    #[test]
    fn a_strangers_rotation_or_self_revocation_does_not_make_a_node_forget() {
        use crate::trust::{TrustConfig, TrustFacts, TrustMode};
        use wiel_protocol::Timestamp;
        let key = |n| wiel_protocol::testing::key(n).public();
        let config = TrustConfig {
            mode: TrustMode::WebOfTrust,
            roots: vec![key(2)],
            ..Default::default()
        };
        let before = TrustSet::compute(&config, key(1), &TrustFacts::default());
        let declined = Declined::default();
        declined.note([id(1)], &before);
        let stranger = TrustFacts {
            rotations: vec![(key(7), key(8), Timestamp::from_millis(5))],
            revocations: vec![(key(9), key(9), Timestamp::from_millis(0))],
            ..TrustFacts::default()
        };
        let after = TrustSet::compute(&config, key(1), &stranger);
        assert_ne!(before, after, "the trust set did change");
        assert!(
            declined.contains(&id(1), &after),
            "what decides admission did not"
        );
        // Trusting someone new does.
        let endorsed = TrustFacts {
            endorsements: vec![(key(2), key(9))],
            ..TrustFacts::default()
        };
        let trusting_more = TrustSet::compute(&config, key(1), &endorsed);
        assert!(!declined.contains(&id(1), &trusting_more));
    }

    #[test]
    fn a_passing_refusal_is_not_remembered() {
        // Over an author's rate: comes later by sync.
        assert!(!Declined::lasts(Refusal::RateLimited));
        // Dated ahead of this node's clock: taken once it is no longer ahead.
        assert!(!Declined::lasts(Refusal::InFuture));
        assert!(Declined::lasts(Refusal::Untrusted) && Declined::lasts(Refusal::KeptApartFull));
        assert!(Declined::lasts(Refusal::TooManyProfiles));
    }

    #[test]
    fn the_memory_is_bounded() {
        let declined = Declined::default();
        let set = Arc::new(TrustSet::default());
        for n in 0..=MAX_DECLINED as u32 {
            let mut bytes = [0u8; 32];
            bytes[..4].copy_from_slice(&n.to_le_bytes());
            declined.note([EntryId::from_bytes(bytes)], &set);
        }
        let held = declined.0.lock().unwrap().ids.len();
        assert!(held <= MAX_DECLINED, "{held}");
    }
}
