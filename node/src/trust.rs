//! Trust without a centre: which organisation keys this node trusts, and through whom.
//!
//! The trust set is computed from the node's roots (its own key and `[trust] roots` in
//! `config.toml`) and the endorsements, key rotations and revocations it holds:
//! - an organisation endorsed by a trusted one is trusted, up to `depth` steps from a root;
//!   a retracted endorsement (a withdrawal) counts for nothing;
//! - a key rotation signed by a trusted key makes the new key trusted through the same
//!   vouchers; endorsements made by either key count;
//! - a revocation signed by the key itself or by the key it rotated to takes the key out
//!   of the set, and entries it signs from the revocation's moment on are refused.
//!
//! The computation is a breadth-first walk over the endorsement graph: microseconds for a
//! few hundred organisations (see the `trust` benchmark).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};
use wiel_protocol::{KindFields, OrgKey, Timestamp, Verified};

/// What a node does with entries of authors outside its trust set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustMode {
    /// Accept and relay every valid entry; mark the untrusted ones.
    Open,
    /// Keep untrusted entries apart: stored, never relayed, shown only when asked.
    #[default]
    WebOfTrust,
    /// Accept entries of the roots only.
    Closed,
}

impl std::str::FromStr for TrustMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "open" => Ok(Self::Open),
            "web-of-trust" => Ok(Self::WebOfTrust),
            "closed" => Ok(Self::Closed),
            other => Err(format!(
                "unknown trust mode '{other}': use open, web-of-trust or closed"
            )),
        }
    }
}

/// `[trust]` in `config.toml`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrustConfig {
    #[serde(default)]
    pub mode: TrustMode,
    /// Organisation keys trusted without endorsement (this node's own key always is).
    #[serde(default)]
    pub roots: Vec<OrgKey>,
    /// How many endorsement steps from a root trust reaches. Default 2.
    #[serde(default = "default_depth")]
    pub depth: u32,
    /// Most profiles of organisations outside the trust set this node keeps (anyone can
    /// make a key). Default 1 000.
    #[serde(default = "default_max_untrusted_profiles")]
    pub max_untrusted_profiles: usize,
    /// Entries of one organisation outside the trust set this node takes in per minute,
    /// by gossip and sync together (they are kept apart, but take disk). Default 1 200.
    #[serde(default = "default_untrusted_author_per_minute")]
    pub untrusted_author_per_minute: u32,
    /// … and at once, after a quiet while. Default 1 000.
    #[serde(default = "default_untrusted_author_burst")]
    pub untrusted_author_burst: u32,
}

fn default_untrusted_author_per_minute() -> u32 {
    1200
}

fn default_untrusted_author_burst() -> u32 {
    1000
}

fn default_depth() -> u32 {
    2
}

fn default_max_untrusted_profiles() -> usize {
    1000
}

impl Default for TrustConfig {
    fn default() -> Self {
        Self {
            mode: TrustMode::default(),
            roots: Vec::new(),
            depth: default_depth(),
            max_untrusted_profiles: default_max_untrusted_profiles(),
            untrusted_author_per_minute: default_untrusted_author_per_minute(),
            untrusted_author_burst: default_untrusted_author_burst(),
        }
    }
}

/// The facts trust is computed from, read from entries.
#[derive(Clone, Debug, Default)]
pub struct TrustFacts {
    /// (endorser, subject), withdrawals left out.
    pub endorsements: Vec<(OrgKey, OrgKey)>,
    /// (old key, new key).
    pub rotations: Vec<(OrgKey, OrgKey)>,
    /// (signer, revoked key, since).
    pub revocations: Vec<(OrgKey, OrgKey, Timestamp)>,
}

impl TrustFacts {
    /// Reads the facts from endorsement, rotation and revocation entries. Tombstones
    /// (retracted entries: a withdrawn endorsement) have no body and count for nothing.
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a Verified>) -> Self {
        let mut facts = Self::default();
        for entry in entries {
            facts.add(entry);
        }
        facts
    }

    /// Adds one entry's fact; returns whether it was a trust fact.
    pub fn add(&mut self, entry: &Verified) -> bool {
        let author = entry.header().author;
        match entry.body().map(|b| &b.fields) {
            Some(KindFields::Endorsement { subject, .. }) => {
                self.endorsements.push((author, *subject));
                true
            }
            Some(KindFields::KeyRotation { new_key }) => {
                self.rotations.push((author, *new_key));
                true
            }
            Some(KindFields::Revocation { key, since }) => {
                self.revocations.push((author, *key, *since));
                true
            }
            _ => false,
        }
    }
}

/// How an organisation came to be trusted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// Endorsement steps from a root (0: a root).
    pub depth: u32,
    /// The trusted organisations that vouch for it directly (empty for a root).
    pub vouchers: Vec<OrgKey>,
}

/// The trust set of a node at one moment.
#[derive(Clone, Debug, Default)]
pub struct TrustSet {
    pub mode: TrustMode,
    trusted: HashMap<OrgKey, Standing>,
    /// Revoked keys and the moment from which their entries are refused.
    revoked: HashMap<OrgKey, Timestamp>,
}

impl TrustSet {
    /// Computes the set for `own` key with `config` from `facts`.
    pub fn compute(config: &TrustConfig, own: OrgKey, facts: &TrustFacts) -> Self {
        let successors: HashMap<OrgKey, Vec<OrgKey>> =
            facts
                .rotations
                .iter()
                .fold(HashMap::new(), |mut map, (old, new)| {
                    map.entry(*old).or_insert_with(Vec::new).push(*new);
                    map
                });
        let mut revoked: HashMap<OrgKey, Timestamp> = HashMap::new();
        for (signer, key, since) in &facts.revocations {
            let by_itself = signer == key;
            let by_successor = successors.get(key).is_some_and(|s| s.contains(signer));
            if by_itself || by_successor {
                let at = revoked.entry(*key).or_insert(*since);
                *at = (*at).min(*since);
            }
        }
        let mut endorsed: HashMap<OrgKey, Vec<OrgKey>> = HashMap::new();
        for (endorser, subject) in &facts.endorsements {
            endorsed.entry(*endorser).or_default().push(*subject);
        }

        // A revoked key hands what it was trusted with to the keys it rotated to (the
        // organisation moved on; the stolen key did not).
        let live = |keys: Vec<OrgKey>| -> Vec<OrgKey> {
            let mut out = Vec::new();
            let mut pending = keys;
            let mut seen = HashSet::new();
            while let Some(key) = pending.pop() {
                if !seen.insert(key) {
                    continue;
                }
                if revoked.contains_key(&key) {
                    pending.extend(successors.get(&key).into_iter().flatten());
                } else {
                    out.push(key);
                }
            }
            out
        };
        let mut trusted: HashMap<OrgKey, Standing> = HashMap::new();
        let mut queue = VecDeque::new();
        let roots: HashSet<OrgKey> = live(config.roots.iter().copied().chain([own]).collect())
            .into_iter()
            .collect();
        for root in roots {
            trusted.insert(
                root,
                Standing {
                    depth: 0,
                    vouchers: vec![],
                },
            );
            queue.push_back(root);
        }
        if config.mode != TrustMode::Closed {
            while let Some(key) = queue.pop_front() {
                let Some(standing) = trusted.get(&key).cloned() else {
                    continue;
                };
                // A rotated key stands where the old one stood.
                for new in successors.get(&key).into_iter().flatten() {
                    if !revoked.contains_key(new) && !trusted.contains_key(new) {
                        trusted.insert(*new, standing.clone());
                        queue.push_back(*new);
                    }
                }
                if standing.depth >= config.depth {
                    continue;
                }
                let subjects = live(endorsed.get(&key).into_iter().flatten().copied().collect());
                for subject in &subjects {
                    match trusted.get_mut(subject) {
                        Some(s) if s.depth == standing.depth + 1 => {
                            if !s.vouchers.contains(&key) {
                                s.vouchers.push(key);
                            }
                        }
                        Some(_) => {}
                        None => {
                            trusted.insert(
                                *subject,
                                Standing {
                                    depth: standing.depth + 1,
                                    vouchers: vec![key],
                                },
                            );
                            queue.push_back(*subject);
                        }
                    }
                }
            }
        }
        Self {
            mode: config.mode,
            trusted,
            revoked,
        }
    }

    /// The standing of a trusted key; `None` when untrusted.
    pub fn standing(&self, key: &OrgKey) -> Option<&Standing> {
        self.trusted.get(key)
    }

    pub fn is_trusted(&self, key: &OrgKey) -> bool {
        self.trusted.contains_key(key)
    }

    /// Whether an entry by `author` made at `at` may be stored at all: not by a revoked
    /// key after its revocation, and in closed mode only by the roots.
    pub fn admits(&self, author: &OrgKey, at: Timestamp) -> bool {
        if self.revoked.get(author).is_some_and(|since| at >= *since) {
            return false;
        }
        self.mode != TrustMode::Closed || self.is_trusted(author)
    }

    /// Whether this node passes `author`'s entries on (gossip, sync, fetch).
    pub fn relays(&self, author: &OrgKey) -> bool {
        self.mode == TrustMode::Open || self.is_trusted(author)
    }

    /// Whether views show `author`'s entries without being asked for untrusted ones.
    pub fn shows(&self, author: &OrgKey) -> bool {
        self.relays(author)
    }

    /// The authors whose entries views show without being asked for untrusted ones;
    /// `None` when every author is shown (open mode).
    pub fn shown_authors(&self) -> Option<Vec<OrgKey>> {
        (self.mode != TrustMode::Open).then(|| self.trusted.keys().copied().collect())
    }

    /// Every trusted key with its standing, sorted by depth.
    pub fn members(&self) -> BTreeMap<(u32, OrgKey), Standing> {
        self.trusted
            .iter()
            .map(|(k, s)| ((s.depth, *k), s.clone()))
            .collect()
    }

    /// The keys this set passes on that `before` did not: whose kept-apart entries may
    /// now go out.
    pub fn newly_relayed(&self, before: &TrustSet) -> Vec<OrgKey> {
        self.trusted
            .keys()
            .filter(|k| !before.relays(k) && self.relays(k))
            .copied()
            .collect()
    }

    /// Revoked keys.
    pub fn revoked(&self) -> &HashMap<OrgKey, Timestamp> {
        &self.revoked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> OrgKey {
        wiel_protocol::testing::key(n).public()
    }

    fn config(roots: &[u8], depth: u32) -> TrustConfig {
        TrustConfig {
            mode: TrustMode::WebOfTrust,
            roots: roots.iter().map(|n| key(*n)).collect(),
            depth,
            ..TrustConfig::default()
        }
    }

    #[test]
    fn trust_follows_endorsements_up_to_the_depth() {
        let facts = TrustFacts {
            endorsements: vec![
                (key(1), key(2)),
                (key(2), key(3)),
                (key(3), key(4)),
                (key(9), key(5)), // an untrusted endorser counts for nothing
            ],
            ..TrustFacts::default()
        };
        let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
        for n in [0, 1, 2, 3] {
            assert!(set.is_trusted(&key(n)), "{n}");
        }
        assert!(!set.is_trusted(&key(4)), "three steps away");
        assert!(!set.is_trusted(&key(5)));
        assert_eq!(set.standing(&key(3)).unwrap().vouchers, vec![key(2)]);
        assert_eq!(set.standing(&key(2)).unwrap().depth, 1);
    }

    #[test]
    fn every_voucher_at_the_same_depth_is_listed() {
        let facts = TrustFacts {
            endorsements: vec![(key(1), key(3)), (key(2), key(3))],
            ..TrustFacts::default()
        };
        let set = TrustSet::compute(&config(&[1, 2], 2), key(0), &facts);
        let mut vouchers = set.standing(&key(3)).unwrap().vouchers.clone();
        vouchers.sort();
        let mut want = vec![key(1), key(2)];
        want.sort();
        assert_eq!(vouchers, want);
    }

    #[test]
    fn a_rotated_key_is_trusted_through_the_old_keys_endorsers_until_revoked() {
        let facts = TrustFacts {
            endorsements: vec![(key(1), key(2))],
            rotations: vec![(key(2), key(7))],
            revocations: vec![],
        };
        let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
        assert_eq!(set.standing(&key(7)).unwrap().vouchers, vec![key(1)]);
        // The new key revokes the old (stolen) one from a moment on.
        let since = Timestamp::from_millis(1_000);
        let facts = TrustFacts {
            revocations: vec![(key(7), key(2), since)],
            ..facts
        };
        let set = TrustSet::compute(&config(&[1], 2), key(0), &facts);
        assert!(!set.is_trusted(&key(2)));
        assert!(!set.admits(&key(2), since));
        assert_eq!(
            set.standing(&key(7)).unwrap().vouchers,
            vec![key(1)],
            "the new key keeps the old key's endorsers"
        );
        assert!(set.admits(&key(2), Timestamp::from_millis(999)));
        // A revocation by a stranger counts for nothing.
        let set = TrustSet::compute(
            &config(&[1], 2),
            key(0),
            &TrustFacts {
                endorsements: vec![(key(1), key(2))],
                revocations: vec![(key(8), key(2), since)],
                ..TrustFacts::default()
            },
        );
        assert!(set.is_trusted(&key(2)) && set.admits(&key(2), since));
    }

    #[test]
    fn modes() {
        let facts = TrustFacts {
            endorsements: vec![(key(1), key(2))],
            ..TrustFacts::default()
        };
        let mut c = config(&[1], 2);
        c.mode = TrustMode::Open;
        let open = TrustSet::compute(&c, key(0), &facts);
        assert!(open.relays(&key(5)) && !open.is_trusted(&key(5)));
        c.mode = TrustMode::Closed;
        let closed = TrustSet::compute(&c, key(0), &facts);
        assert!(closed.admits(&key(1), Timestamp::now()));
        assert!(!closed.admits(&key(2), Timestamp::now()), "roots only");
        c.mode = TrustMode::WebOfTrust;
        let web = TrustSet::compute(&c, key(0), &facts);
        assert!(web.admits(&key(5), Timestamp::now()) && !web.relays(&key(5)));
    }
}

/// The trust set of a running node or CLI: recomputed when its facts or its config change,
/// read by views, the ingest worker and sync. Cheap to clone.
#[derive(Clone)]
pub struct TrustState {
    inner: std::sync::Arc<TrustInner>,
}

impl std::fmt::Debug for TrustState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustState")
            .field("config", &self.config())
            .finish()
    }
}

struct TrustInner {
    own: OrgKey,
    config: std::sync::RwLock<TrustConfig>,
    set: std::sync::RwLock<std::sync::Arc<TrustSet>>,
}

impl TrustState {
    /// Computes the set from the store's trust entries.
    pub fn load(
        own: OrgKey,
        config: TrustConfig,
        store: &wiel_store::Store,
    ) -> Result<Self, wiel_store::StoreError> {
        let facts = TrustFacts::from_entries(&store.trust_entries()?);
        let set = TrustSet::compute(&config, own, &facts);
        Ok(Self {
            inner: std::sync::Arc::new(TrustInner {
                own,
                config: std::sync::RwLock::new(config),
                set: std::sync::RwLock::new(std::sync::Arc::new(set)),
            }),
        })
    }

    /// The set as it stands now.
    pub fn current(&self) -> std::sync::Arc<TrustSet> {
        self.inner
            .set
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn config(&self) -> TrustConfig {
        self.inner
            .config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Recomputes from the store (after a trust entry or a retraction was stored). Returns
    /// the keys that became trusted, whose kept-apart entries may now be passed on.
    pub fn refresh(
        &self,
        store: &wiel_store::Store,
    ) -> Result<Vec<OrgKey>, wiel_store::StoreError> {
        let facts = TrustFacts::from_entries(&store.trust_entries()?);
        let config = self.config();
        let set = TrustSet::compute(&config, self.inner.own, &facts);
        let mut slot = self.inner.set.write().unwrap_or_else(|p| p.into_inner());
        let promoted = set.newly_relayed(&slot);
        *slot = std::sync::Arc::new(set);
        Ok(promoted)
    }

    /// Replaces the config (roots, mode, depth) and recomputes.
    pub fn set_config(
        &self,
        config: TrustConfig,
        store: &wiel_store::Store,
    ) -> Result<Vec<OrgKey>, wiel_store::StoreError> {
        *self.inner.config.write().unwrap_or_else(|p| p.into_inner()) = config;
        self.refresh(store)
    }
}

/// Whether storing `entry` may change the trust set.
pub fn may_change_trust(entry: &Verified) -> bool {
    matches!(
        entry.header().kind,
        wiel_protocol::Kind::Endorsement
            | wiel_protocol::Kind::KeyRotation
            | wiel_protocol::Kind::Revocation
            | wiel_protocol::Kind::Retraction
    )
}
