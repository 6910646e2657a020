//! Trust without a centre: which organisation keys this node trusts, and through whom.
//!
//! The trust set is a function of the node's roots (its own key and `[trust] roots` in
//! `config.toml`) and the *set* of endorsements, key rotations and revocations it holds —
//! never of their order or of the times their signers claim:
//! - keys of one organisation: a rotation K → N (signed by K, with N's consent) joins N to
//!   K's organisation, unless K rotated to two different keys: then K is compromised (a
//!   thief holds it), neither successor inherits anything, and K counts as revoked from
//!   its earliest rotation on; a rotation *into* a revoked or compromised key joins
//!   nothing (its holder may be a thief consenting for a key of its own), though trust
//!   still goes on along it from the old key to the new, never back;
//! - an organisation is trusted when one of its keys is a root, or is endorsed by a trusted
//!   organisation's key that is not revoked, up to `depth` steps; a retracted endorsement
//!   (a withdrawal) counts for nothing;
//! - a revocation of K signed by K or by a key K rotated to makes K's entries from its
//!   `since` on count for nothing (the earliest `since` wins); K's older entries stay the
//!   organisation's history; a revoked key's endorsements no longer count;
//! - a key history of K, signed by a trusted key that K rotated to (directly or in steps,
//!   none of them out of or into a compromised key) and that is neither revoked nor
//!   compromised, names what K signed: once K is revoked, exactly the entries so named
//!   count, and `since` and every date decide nothing for K. A compromised key's history
//!   is named by nobody: its dates decide.
//!
//! The computation is a breadth-first walk over the endorsement graph: microseconds for a
//! few hundred organisations (see the `trust` benchmark).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};
use wiel_protocol::{EntryId, Kind, KindFields, OrgKey, Timestamp, Verified};

/// The facts trust is computed from, read from entries.
#[derive(Clone, Debug, Default)]
pub struct TrustFacts {
    /// (endorser, subject), withdrawals left out.
    pub endorsements: Vec<(OrgKey, OrgKey)>,
    /// (old key, new key, created_at). Only rotations the new key consented to exist: the
    /// protocol refuses the others.
    pub rotations: Vec<(OrgKey, OrgKey, Timestamp)>,
    /// (signer, revoked key, since).
    pub revocations: Vec<(OrgKey, OrgKey, Timestamp)>,
    /// (signer, earlier key, entries that key signed): key histories.
    pub histories: Vec<(OrgKey, OrgKey, Vec<EntryId>)>,
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
            Some(KindFields::KeyRotation { new_key, .. }) => {
                self.rotations
                    .push((author, *new_key, entry.header().created_at));
                true
            }
            Some(KindFields::Revocation { key, since }) => {
                self.revocations.push((author, *key, *since));
                true
            }
            Some(KindFields::History { key, entries }) => {
                self.histories.push((author, *key, entries.clone()));
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
    /// The trusted keys that vouch for it directly (empty for a root), sorted.
    pub vouchers: Vec<OrgKey>,
}

/// The trust set of a node at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustSet {
    pub mode: TrustMode,
    trusted: BTreeMap<OrgKey, Standing>,
    /// Revoked keys and the moment from which their entries count for nothing.
    revoked: BTreeMap<OrgKey, Timestamp>,
    /// Keys that rotated to two different keys: held by someone besides their owner.
    compromised: BTreeSet<OrgKey>,
    /// For each key that rotated into its organisation's next key (the rotation joined
    /// them: see [`TrustSet::compute`]), that key.
    successor: BTreeMap<OrgKey, OrgKey>,
    /// Keys that a trusted key rotated to (or a key rotated to from one of those),
    /// whether or not the rotation counts: the store lets them act (retract, edit) on
    /// that key's entries.
    heirs: BTreeSet<OrgKey>,
    /// For each revoked key, the entries its organisation's later keys name as its
    /// history (see [`TrustSet::admits`]); revoked keys without one are absent.
    vouched: BTreeMap<OrgKey, BTreeSet<EntryId>>,
}

/// Keys joined into organisations by their rotations (a union-find).
struct Organisations {
    parent: HashMap<OrgKey, OrgKey>,
}

impl Organisations {
    fn find(&mut self, key: OrgKey) -> OrgKey {
        let mut root = key;
        while let Some(p) = self.parent.get(&root).copied()
            && p != root
        {
            root = p;
        }
        // Path compression.
        let mut cursor = key;
        while let Some(p) = self.parent.get(&cursor).copied()
            && p != root
        {
            self.parent.insert(cursor, root);
            cursor = p;
        }
        root
    }

    fn join(&mut self, a: OrgKey, b: OrgKey) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller key leads: the same result in every order.
            let (lead, other) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent.insert(other, lead);
        }
    }
}

impl TrustSet {
    /// Computes the set for `own` key with `config` from `facts`.
    pub fn compute(config: &TrustConfig, own: OrgKey, facts: &TrustFacts) -> Self {
        let mut successors: HashMap<OrgKey, BTreeSet<OrgKey>> = HashMap::new();
        let mut first_rotation: HashMap<OrgKey, Timestamp> = HashMap::new();
        for (old, new, at) in &facts.rotations {
            successors.entry(*old).or_default().insert(*new);
            let first = first_rotation.entry(*old).or_insert(*at);
            *first = (*first).min(*at);
        }
        let compromised: BTreeSet<OrgKey> = successors
            .iter()
            .filter(|(_, s)| s.len() > 1)
            .map(|(k, _)| *k)
            .collect();
        // Every key that rotated from `key`, in steps.
        let descends_from = |signer: &OrgKey, key: &OrgKey| -> bool {
            let mut pending = vec![*key];
            let mut seen = HashSet::new();
            while let Some(k) = pending.pop() {
                if !seen.insert(k) {
                    continue;
                }
                for next in successors.get(&k).into_iter().flatten() {
                    if next == signer {
                        return true;
                    }
                    pending.push(*next);
                }
            }
            false
        };
        let mut revoked: BTreeMap<OrgKey, Timestamp> = BTreeMap::new();
        let mut revoke = |key: OrgKey, since: Timestamp| {
            let at = revoked.entry(key).or_insert(since);
            *at = (*at).min(since);
        };
        for (signer, key, since) in &facts.revocations {
            if signer == key || descends_from(signer, key) {
                revoke(*key, *since);
            }
        }
        for key in &compromised {
            if let Some(at) = first_rotation.get(key) {
                revoke(*key, *at);
            }
        }
        let mut organisations = Organisations {
            parent: HashMap::new(),
        };
        // A rotation joins two keys into one organisation unless the old key is
        // compromised, or the new key is revoked or compromised: a thief holding a key that
        // its owner rotated away from and revoked can still consent to "succeed" a fresh
        // key of its own (T -> J), and must not bring T into the organisation that way.
        let mut successor = BTreeMap::new();
        for (old, new, _) in &facts.rotations {
            if !compromised.contains(old)
                && !compromised.contains(new)
                && !revoked.contains_key(new)
            {
                organisations.join(*old, *new);
                successor.insert(*old, *new);
            }
        }
        let mut members: HashMap<OrgKey, BTreeSet<OrgKey>> = HashMap::new();
        let mut all_keys: BTreeSet<OrgKey> = facts
            .rotations
            .iter()
            .flat_map(|(o, n, _)| [*o, *n])
            .collect();
        all_keys.extend(facts.endorsements.iter().flat_map(|(e, s)| [*e, *s]));
        all_keys.extend(config.roots.iter().copied());
        all_keys.insert(own);
        for key in &all_keys {
            let org = organisations.find(*key);
            members.entry(org).or_default().insert(*key);
        }
        let mut endorsed: HashMap<OrgKey, BTreeSet<OrgKey>> = HashMap::new();
        for (endorser, subject) in &facts.endorsements {
            endorsed.entry(*endorser).or_default().insert(*subject);
        }

        // Breadth-first over organisations; every key of an organisation stands together.
        let mut standing_of: BTreeMap<OrgKey, Standing> = BTreeMap::new();
        let mut queue = VecDeque::new();
        let roots: BTreeSet<OrgKey> = config
            .roots
            .iter()
            .chain([&own])
            .map(|k| organisations.find(*k))
            .collect();
        for org in roots {
            standing_of.insert(
                org,
                Standing {
                    depth: 0,
                    vouchers: vec![],
                },
            );
            queue.push_back(org);
        }
        while let Some(org) = queue.pop_front() {
            let Some(standing) = standing_of.get(&org).cloned() else {
                continue;
            };
            // Trust goes on from a key to the key it rotated to, even one revoked in turn
            // (the rotation does not join them then: see above), at the same standing —
            // so an organisation that rotated twice and revoked the middle key stays
            // trusted. Never backwards: a thief's fresh key that "rotated to" a revoked
            // one gains nothing.
            for member in members.get(&org).into_iter().flatten() {
                if compromised.contains(member) {
                    continue;
                }
                for next in successors.get(member).into_iter().flatten() {
                    let next_org = organisations.find(*next);
                    let nearer = standing_of
                        .get(&next_org)
                        .is_none_or(|s| s.depth > standing.depth);
                    if compromised.contains(next) || !nearer {
                        continue;
                    }
                    standing_of.insert(next_org, standing.clone());
                    queue.push_front(next_org);
                }
            }
            if config.mode == TrustMode::Closed || standing.depth >= config.depth {
                continue;
            }
            {
                let endorsers = members.get(&org).cloned().unwrap_or_default();
                for endorser in endorsers {
                    if revoked.contains_key(&endorser) {
                        continue; // a revoked key vouches for nobody any more
                    }
                    for subject in endorsed.get(&endorser).into_iter().flatten() {
                        let subject_org = organisations.find(*subject);
                        match standing_of.get_mut(&subject_org) {
                            Some(s) if s.depth == standing.depth + 1 => {
                                if !s.vouchers.contains(&endorser) {
                                    s.vouchers.push(endorser);
                                    s.vouchers.sort();
                                }
                            }
                            Some(_) => {}
                            None => {
                                standing_of.insert(
                                    subject_org,
                                    Standing {
                                        depth: standing.depth + 1,
                                        vouchers: vec![endorser],
                                    },
                                );
                                queue.push_back(subject_org);
                            }
                        }
                    }
                }
            }
        }
        let mut trusted = BTreeMap::new();
        for (org, standing) in standing_of {
            for key in members.get(&org).into_iter().flatten() {
                trusted.insert(*key, standing.clone());
            }
        }
        // Every key reached by rotations from a trusted key (a rotation of a rotation too).
        let mut heirs: BTreeSet<OrgKey> = BTreeSet::new();
        let mut reached: Vec<OrgKey> = trusted.keys().copied().collect();
        while let Some(key) = reached.pop() {
            for (old, new, _) in &facts.rotations {
                if *old == key && heirs.insert(*new) {
                    reached.push(*new);
                }
            }
        }
        // A revoked key's history, as named by the keys it rotated to that are trusted
        // and neither revoked nor compromised themselves: a thief's key names nothing
        // here, and a key revoked in turn leaves its naming to the key after it.
        // Only a key in the organisation's own line of keys names a history: reached from
        // the named key by rotations neither out of nor into a compromised key. Once a
        // thief rotated a key as well, no successor of it speaks for its history (a thief
        // holding it and any trusted key could otherwise make that key "succeed" it), and
        // the dates decide.
        let mut line: HashMap<OrgKey, OrgKey> = HashMap::new();
        for (old, new, _) in &facts.rotations {
            if !compromised.contains(old) && !compromised.contains(new) {
                line.insert(*old, *new);
            }
        }
        let in_line = |signer: &OrgKey, key: &OrgKey| {
            let mut current = *key;
            for _ in 0..=line.len() {
                match line.get(&current) {
                    Some(next) if next == signer => return true,
                    Some(next) => current = *next,
                    None => return false,
                }
            }
            false
        };
        let mut set = Self {
            mode: config.mode,
            trusted,
            revoked,
            compromised,
            successor,
            heirs,
            vouched: BTreeMap::new(),
        };
        for (signer, key, entries) in &facts.histories {
            if set.revoked.contains_key(key)
                && set.may_name_a_history(signer)
                && in_line(signer, key)
            {
                set.vouched
                    .entry(*key)
                    .or_default()
                    .extend(entries.iter().copied());
            }
        }
        set
    }

    /// Whether what `author` signed at `at` may act on an entry this node passes on while
    /// not passed on itself (see [`passes_on_stored`]): signed by a key revoked by then,
    /// or by a key a trusted key rotated to. Anyone else acts only on what is its own and
    /// passed on as little as it is.
    pub fn may_act_beyond_its_standing(
        &self,
        author: &OrgKey,
        at: Timestamp,
        id: &EntryId,
    ) -> bool {
        // A revoked key acts beyond its standing only on what it signed before, and only
        // that is passed on where its author is trusted: a stranger that revokes its own
        // key gains nothing.
        let revoked_but_trusted = !self.admits(author, at, id)
            && (self.mode == TrustMode::Open || self.is_trusted(author));
        revoked_but_trusted || self.heirs.contains(author)
    }

    /// What decides whether this node takes an entry (see `admission`): the mode, the keys
    /// it trusts, and from when each of those is revoked. A stranger's rotation or
    /// revocation changes the trust set but none of this.
    pub fn admission_digest(&self) -> [u8; 32] {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&[self.mode as u8]);
        for key in self.trusted.keys() {
            hasher.update(key.as_bytes());
            if let Some(since) = self.revoked.get(key) {
                hasher.update(&since.as_millis().to_le_bytes());
                for id in self.vouched.get(key).into_iter().flatten() {
                    hasher.update(id.as_bytes());
                }
            }
        }
        *hasher.finalize().as_bytes()
    }

    /// The key an organisation uses now, for one it used before: `key`'s successor, its
    /// successor's, and so on. `None` when `key` did not rotate (or its rotations do not
    /// count: a compromised key has no successor).
    pub fn current_key(&self, key: &OrgKey) -> Option<OrgKey> {
        let mut seen = BTreeSet::from([*key]);
        let mut current = *key;
        while let Some(next) = self.successor.get(&current) {
            if !seen.insert(*next) {
                break;
            }
            current = *next;
        }
        (current != *key).then_some(current)
    }

    /// The standing of a trusted key; `None` when untrusted.
    pub fn standing(&self, key: &OrgKey) -> Option<&Standing> {
        self.trusted.get(key)
    }

    pub fn is_trusted(&self, key: &OrgKey) -> bool {
        self.trusted.contains_key(key)
    }

    /// Whether `signer` speaks for the organisation whose key was `author`: the same key,
    /// or a key it rotated to in rotations that count (a compromised key's successors do
    /// not speak for it).
    pub fn speaks_for(&self, signer: &OrgKey, author: &OrgKey) -> bool {
        let mut seen = BTreeSet::from([*author]);
        let mut current = *author;
        loop {
            if current == *signer {
                return true;
            }
            match self.successor.get(&current) {
                Some(next) if seen.insert(*next) => current = *next,
                _ => return false,
            }
        }
    }

    /// Whether entry `id` by `author` made at `at` counts: any entry of a key that is
    /// not revoked; of a revoked key, exactly the entries its organisation's later key
    /// named as its history when there is such a naming (dates decide nothing: a thief's
    /// entries dated back are not in it, and a revocation dated back hides none of it),
    /// and otherwise those made before the revocation's moment.
    pub fn admits(&self, author: &OrgKey, at: Timestamp, id: &EntryId) -> bool {
        match self.revoked.get(author) {
            None => true,
            Some(since) => match self.vouched.get(author) {
                Some(history) => history.contains(id),
                None => at < *since,
            },
        }
    }

    /// Whether a key history `signer` signs may count (see [`TrustSet::admits`]): a
    /// trusted key (any key in open mode) that is not revoked or compromised.
    pub fn may_name_a_history(&self, signer: &OrgKey) -> bool {
        !self.revoked.contains_key(signer)
            && (self.mode == TrustMode::Open || self.trusted.contains_key(signer))
    }

    /// For each revoked key with a history named by a later key, that history.
    pub fn vouched(&self) -> &BTreeMap<OrgKey, BTreeSet<EntryId>> {
        &self.vouched
    }

    /// Whether this node takes an entry in at all. A closed node takes content of its
    /// roots (and their keys) only; what decides trust is taken by every node.
    pub fn takes(&self, kind: Kind, author: &OrgKey) -> bool {
        self.mode != TrustMode::Closed || kind.is_control() || self.is_trusted(author)
    }

    /// Whether this node passes an entry on (gossip, sync, fetch) and shows it without
    /// being asked for untrusted ones. Profiles, key rotations and revocations always go
    /// on, whoever signed them: they are what lets every node decide. Everything else
    /// only from a trusted author (any author in open mode), and never what a revoked key
    /// signed from its revocation on.
    pub fn passes_on(&self, kind: Kind, author: &OrgKey, at: Timestamp, id: &EntryId) -> bool {
        if kind.rules().always_passed_on {
            return true;
        }
        self.admits(author, at, id) && (self.mode == TrustMode::Open || self.is_trusted(author))
    }

    /// Whether an entry counts against the budgets for strangers (rate per author, bytes
    /// in `[trust] max_kept_apart_bytes`): anything not by a trusted author, or by a
    /// revoked key from its revocation on — also the profiles, rotations and revocations
    /// that are passed on whoever signed them.
    pub fn is_budgeted(&self, author: &OrgKey, at: Timestamp, id: &EntryId) -> bool {
        !(self.admits(author, at, id) && (self.mode == TrustMode::Open || self.is_trusted(author)))
    }

    /// [`TrustSet::passes_on`] for a whole entry.
    pub fn passes_on_entry(&self, entry: &Verified) -> bool {
        let h = entry.header();
        self.passes_on(h.kind, &h.author, h.created_at, &entry.id())
    }

    /// Whether views show this entry without being asked for untrusted ones: by a trusted
    /// author (any author in open mode), and not signed by a revoked key from its
    /// revocation on.
    pub fn shows_entry(&self, entry: &Verified) -> bool {
        let h = entry.header();
        self.shows_signed(&h.author, h.created_at, &entry.id())
    }

    /// [`TrustSet::shows_entry`] for entry `id` by `author` made at `at`, as the store's
    /// index knows it (without reading the entry).
    pub fn shows_signed(&self, author: &OrgKey, at: Timestamp, id: &EntryId) -> bool {
        self.admits(author, at, id) && self.shows(author)
    }

    /// Whether views show `author`'s entries without being asked for untrusted ones.
    pub fn shows(&self, author: &OrgKey) -> bool {
        self.mode == TrustMode::Open || self.is_trusted(author)
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
            .filter(|k| !before.shows(k) && self.shows(k))
            .copied()
            .collect()
    }

    /// Revoked keys.
    pub fn revoked(&self) -> &BTreeMap<OrgKey, Timestamp> {
        &self.revoked
    }

    /// Keys that rotated to two different keys (a thief holds them too).
    pub fn compromised(&self) -> &BTreeSet<OrgKey> {
        &self.compromised
    }
}

mod config;
mod held;
mod state;
pub use config::{TrustConfig, TrustMode};
pub use held::{
    ItemStanding, item_standing, kept_apart_usage, may_change_trust, passes_on_item,
    passes_on_stored, serves,
};
pub use state::TrustState;

#[cfg(test)]
mod tests;
