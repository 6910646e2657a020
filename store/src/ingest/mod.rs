//! Ingest: the rules that need other entries, and writing an entry with its index rows.
//!
//! A batch is decided against the committed trees plus the batch's own earlier writes (an
//! overlay), then committed as one sled transaction and flushed once.

use std::collections::BTreeMap;

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use wiel_protocol::{EntryId, Kind, OrgKey, Rel, Verified};

use crate::log::{self, Span};
use crate::{Store, StoreError, Trees, keys};

mod lineage;
mod overlay;

pub(crate) use lineage::speaks_for_committed;
use lineage::{BACKWARD, FORWARD, speaks_for, successors_of};
use overlay::{Overlay, T};

/// What happened to one entry offered to the store. All are normal outcomes: the store
/// takes every entry that is valid on its own, whatever order entries come in, and decides
/// what an entry does to others (erase, replace) from the set it holds, never from the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingest {
    /// New: stored with its index rows.
    Stored,
    /// Already held: nothing changed.
    AlreadyStored,
    /// The entry was retracted by its author: only its signed header is kept, never its body.
    Retracted,
    /// A header without its body, and no retraction here that erased it: not a complete
    /// entry, so not stored (the full entry is fetched instead).
    Incomplete,
}

/// Why the service refuses to sign an entry that refers to another one (the store itself
/// never refuses for this: such an entry is kept inert, see [`Ingest`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    NotAuthorOfTarget {
        target: EntryId,
        action: &'static str,
    },
    VersionKindMismatch {
        target: EntryId,
        found: Kind,
        expected: Kind,
    },
    NotAQuestion {
        target: EntryId,
        found: Kind,
    },
    NotRetractable {
        target: EntryId,
        found: Kind,
    },
    NotReactable {
        target: EntryId,
        found: Kind,
    },
    NotAnAnswer {
        target: EntryId,
        found: Kind,
    },
    NotTheAsker {
        question: EntryId,
    },
    AcceptanceFromTheFuture {
        question: EntryId,
        accepted: EntryId,
        minutes_ahead: u64,
    },
}

impl Store {
    /// Stores one entry durably. See [`Store::ingest_batch`].
    pub fn ingest(&self, entry: Verified) -> Result<Ingest, StoreError> {
        let mut out = self.ingest_batch(vec![entry])?;
        Ok(out.pop().unwrap_or(Ingest::AlreadyStored))
    }

    /// Stores a batch of verified entries in one transaction and one flush. Returns one
    /// outcome per entry, in order; all of them are durable when this returns.
    pub fn ingest_batch(&self, batch: Vec<Verified>) -> Result<Vec<Ingest>, StoreError> {
        self.ingest_batch_if(batch, |_| true)
    }

    /// Like [`Store::ingest_batch`], but writes nothing unless `accept` approves the outcomes
    /// (an import that must be all or nothing).
    pub fn ingest_batch_if(
        &self,
        batch: Vec<Verified>,
        accept: impl FnOnce(&[Ingest]) -> bool,
    ) -> Result<Vec<Ingest>, StoreError> {
        let _turn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut overlay = Overlay::new(self);
        let mut outcomes = Vec::with_capacity(batch.len());
        for entry in batch {
            outcomes.push(ingest_one(&mut overlay, entry)?);
        }
        if accept(&outcomes) && !overlay.is_empty() {
            let added = overlay.added_to_time_index()?;
            let erased = overlay.commit()?;
            let flushed = self.db.flush();
            // The rows are there for readers whether or not the flush worked.
            self.committed(added);
            flushed?;
            if !erased.is_empty() {
                self.finish_erasures()?;
            }
        }
        Ok(outcomes)
    }
}

fn ingest_one(o: &mut Overlay<'_>, entry: Verified) -> Result<Ingest, StoreError> {
    let id = entry.id();
    let key = id.as_bytes().to_vec();

    if let Some(existing) = o.load(&id)? {
        let tombstoned = o.get(T::Tombstones, &key)?.is_some();
        return Ok(match (existing.body().is_some(), entry.body().is_some()) {
            (false, true) if tombstoned => Ingest::Retracted,
            (false, true) => {
                // We held only the header (written by an earlier version): fill in.
                o.put_entry(entry)?;
                Ingest::Stored
            }
            _ if tombstoned => Ingest::Retracted,
            _ => Ingest::AlreadyStored,
        });
    }

    // A header alone is only the tombstone of a retraction we hold; otherwise a peer
    // stripped the body, or the retraction is still on its way. It waits apart (bounded)
    // until one or the other arrives, and is fetched whole meanwhile.
    if entry.body().is_none() && valid_retraction(o, &id, entry.header())?.is_none() {
        // Only what a retraction can erase may wait for one.
        if entry.header().kind.is_retractable()
            && o.get(T::Pending, &key)?.is_none()
            && o.tree(T::Pending).len() < MAX_PENDING_HEADERS
        {
            o.put(T::Pending, key, entry.bytes().to_vec());
        }
        return Ok(Ingest::Incomplete);
    }
    if o.get(T::Pending, &key)?.is_some() {
        o.remove(T::Pending, key.clone());
    }

    write_entry(o, &entry)?;
    // What waited for this entry, and what this entry does to those it refers to.
    settle(o, &id)?;
    for r in &entry.header().refs {
        if matches!(r.rel, Rel::Retracts | Rel::Supersedes) {
            settle_act(o, &r.target, &entry)?;
        }
    }
    // A new key now speaks for its predecessors: its (and its successors') retractions and
    // versions of their entries take effect.
    if let Some(wiel_protocol::KindFields::KeyRotation { new_key, .. }) =
        entry.body().map(|b| &b.fields)
    {
        for successor in successors_of(o, new_key)? {
            for act in o.keys_with_prefix(T::Acts, successor.as_bytes())? {
                let Some(act_id) = keys::trailing_id(&act) else {
                    continue;
                };
                if let Some(act) = o.load(&act_id)? {
                    for r in &act.header().refs {
                        settle(o, &r.target)?;
                    }
                }
            }
        }
    }
    Ok(if o.get(T::Tombstones, &key)?.is_some() {
        Ingest::Retracted
    } else {
        Ingest::Stored
    })
}

fn referrers(o: &Overlay<'_>, target: &EntryId, rel: Rel) -> Result<Vec<EntryId>, StoreError> {
    Ok(o.keys_with_prefix(T::Refs, &keys::ref_prefix(target, rel))?
        .iter()
        .filter_map(|k| keys::trailing_id(k))
        .collect())
}

/// `meta` key: the entry log's length as of the last commit that appended to it.
pub(crate) const LOG_END: &[u8] = b"log_end";

/// Most headers without body kept waiting for their retraction (1 KiB each at most).
const MAX_PENDING_HEADERS: usize = 10_000;

/// The retraction that erases `target` (with this header): the smallest id among the valid
/// ones, so that every node picks the same whatever came first.
fn valid_retraction(
    o: &Overlay<'_>,
    target: &EntryId,
    header: &wiel_protocol::Header,
) -> Result<Option<EntryId>, StoreError> {
    if !header.kind.is_retractable() {
        return Ok(None);
    }
    let mut best: Option<EntryId> = None;
    for source in referrers(o, target, Rel::Retracts)? {
        if let Some(r) = o.load(&source)?
            && r.header().kind == Kind::Retraction
            && speaks_for(o, &r.header().author, &header.author)?
            && best.is_none_or(|b| source < b)
        {
            best = Some(source);
        }
    }
    Ok(best)
}

/// What one new retraction or version does to `target`: compared with the current
/// choice only (not every referrer again), so a thousand retractions of one entry cost a
/// thousand steps, not a million. The outcome is the one [`settle`] reaches.
fn settle_act(o: &mut Overlay<'_>, target: &EntryId, act: &Verified) -> Result<(), StoreError> {
    let Some(t) = o.load(target)? else {
        return settle(o, target); // a header may be waiting for this retraction
    };
    let key = target.as_bytes().to_vec();
    let th = t.header().clone();
    let ah = act.header();
    if !speaks_for(o, &ah.author, &th.author)? {
        return Ok(());
    }
    match ah.kind {
        Kind::Retraction if th.kind.is_retractable() => {
            let current = o
                .get(T::Tombstones, &key)?
                .and_then(|v| keys::id_from_value(&v));
            if current.is_none_or(|c| act.id() < c) {
                o.put(T::Tombstones, key.clone(), act.id().as_bytes().to_vec());
            }
            if t.body().is_some() {
                o.put_entry(t.to_tombstone())?;
                o.put(T::Unindexed, key, Vec::new());
            }
        }
        kind if kind == th.kind
            && th.kind.is_editable()
            && ah.target(Rel::Supersedes).is_some()
            && keeps_relations(ah, &th) =>
        {
            let candidate = (ah.created_at, act.id());
            let current = match o
                .get(T::Superseded, &key)?
                .and_then(|v| keys::id_from_value(&v))
            {
                Some(c) => o.load(&c)?.map(|v| (v.header().created_at, c)),
                None => None,
            };
            if current.is_none_or(|c| candidate > c) {
                o.put(T::Superseded, key.clone(), act.id().as_bytes().to_vec());
                o.put(T::Unindexed, key, Vec::new());
            }
        }
        _ => {}
    }
    Ok(())
}

/// Brings what others do to `target` up to date with the set held: the retraction that
/// erases it and the newest version that replaces it. Both only grow as entries arrive,
/// so the outcome is the same in every order.
fn settle(o: &mut Overlay<'_>, target: &EntryId) -> Result<(), StoreError> {
    let key = target.as_bytes().to_vec();
    let Some(t) = o.load(target)? else {
        // A header that waited for its retraction: now a tombstone, if this was it.
        if let Some(bytes) = o.get(T::Pending, &key)?
            && let Ok(header_only) = Verified::from_trusted_bytes(*target, bytes)
            && valid_retraction(o, target, header_only.header())?.is_some()
        {
            o.remove(T::Pending, key.clone());
            write_entry(o, &header_only)?;
            let retraction = valid_retraction(o, target, header_only.header())?;
            if let Some(r) = retraction {
                o.put(T::Tombstones, key, r.as_bytes().to_vec());
            }
        }
        return Ok(()); // otherwise decided when the target arrives
    };
    let header = t.header().clone();
    if let Some(retraction) = valid_retraction(o, target, &header)? {
        if o.get(T::Tombstones, &key)?.as_deref() != Some(retraction.as_bytes()) {
            o.put(T::Tombstones, key.clone(), retraction.as_bytes().to_vec());
        }
        if t.body().is_some() {
            o.put_entry(t.to_tombstone())?;
            // The search index forgets it (whatever entry brought this about).
            o.put(T::Unindexed, key.clone(), Vec::new());
        }
    }
    if header.kind.is_editable() {
        let mut newest: Option<(wiel_protocol::Timestamp, EntryId)> = None;
        for source in referrers(o, target, Rel::Supersedes)? {
            if let Some(v) = o.load(&source)?
                && v.header().kind == header.kind
                && keeps_relations(v.header(), &header)
                && speaks_for(o, &v.header().author, &header.author)?
            {
                let candidate = (v.header().created_at, source);
                if newest.is_none_or(|n| candidate > n) {
                    newest = Some(candidate);
                }
            }
        }
        if let Some((_, newest)) = newest
            && o.get(T::Superseded, &key)?.as_deref() != Some(newest.as_bytes())
        {
            o.put(T::Superseded, key.clone(), newest.as_bytes().to_vec());
            o.put(T::Unindexed, key, Vec::new());
        }
    }
    Ok(())
}

/// Whether a new version keeps the relations of the one it replaces (an answer stays the
/// answer to its question): all its references but the one to that version are the same.
/// A version that would move an entry elsewhere replaces nothing.
pub fn keeps_relations(version: &wiel_protocol::Header, previous: &wiel_protocol::Header) -> bool {
    let others = |h: &wiel_protocol::Header| {
        let mut refs: Vec<(u8, EntryId)> = h
            .refs
            .iter()
            .filter(|r| r.rel != Rel::Supersedes)
            .map(|r| (r.rel.code(), r.target))
            .collect();
        refs.sort();
        refs
    };
    others(version) == others(previous)
}

/// A reaction that accepts an answer.
pub fn is_acceptance(entry: &Verified) -> bool {
    entry.header().kind == Kind::Reaction
        && matches!(
            entry.body().map(|b| &b.fields),
            Some(wiel_protocol::KindFields::Reaction {
                verdict: wiel_protocol::Verdict::Accepted
            })
        )
}

fn write_entry(o: &mut Overlay<'_>, entry: &Verified) -> Result<(), StoreError> {
    let id = entry.id();
    let h = entry.header();
    let t = h.created_at;
    o.put_entry(entry.clone())?;
    o.put(T::Unindexed, id.as_bytes().to_vec(), Vec::new());
    o.put(
        T::ByTime,
        keys::time_key(t, &id),
        keys::facets(h.kind, &h.author, &h.space),
    );
    for r in &h.refs {
        o.put(T::Refs, keys::ref_key(&r.target, r.rel, &id), Vec::new());
    }
    if h.kind == Kind::Retraction || h.target(Rel::Supersedes).is_some() {
        o.put(T::Acts, keys::author_key(&h.author, &id), Vec::new());
    }
    if h.kind.rules().trust_fact {
        o.put(T::Trust, keys::time_key(t, &id), vec![h.kind.code()]);
    }
    if let Some(wiel_protocol::KindFields::KeyRotation { new_key, .. }) =
        entry.body().map(|b| &b.fields)
    {
        for (prefix, from, to) in [
            (FORWARD, &h.author, new_key),
            (BACKWARD, new_key, &h.author),
        ] {
            let mut k = vec![prefix];
            k.extend_from_slice(from.as_bytes());
            k.extend_from_slice(to.as_bytes());
            o.put(T::Rotations, k, id.as_bytes().to_vec());
        }
    }
    if h.kind == Kind::Profile {
        // The newest by (created_at, id): the same choice in every order.
        let newer = match o.get(T::Profiles, h.author.as_bytes())? {
            Some(v) => match keys::id_from_value(&v).map(|old| o.load(&old)) {
                Some(Ok(Some(old))) => (old.header().created_at, old.id()) < (t, id),
                Some(Err(e)) => return Err(e),
                _ => true,
            },
            None => true,
        };
        if newer {
            o.put(
                T::Profiles,
                h.author.as_bytes().to_vec(),
                id.as_bytes().to_vec(),
            );
        }
    }
    Ok(())
}
