//! What the store holds, judged by the trust set: how much is kept apart, what may change
//! the trust set, and what this node gives a peer that asks for an entry by id.

use wiel_protocol::{Kind, Rel, Verified};
use wiel_store::{Item, Store, StoreError};

use super::TrustSet;

/// What `store` holds from outside the trust set (see [`TrustSet::is_budgeted`]), of
/// `items` (from [`wiel_store::Store::items_by_space`]): (entries, bytes on disk). Reads
/// no entry.
pub fn kept_apart_usage(
    store: &wiel_store::Store,
    set: &TrustSet,
    items: &wiel_store::SpaceItems,
) -> Result<(u64, u64), wiel_store::StoreError> {
    let mut entries = 0;
    let mut bytes = 0;
    for item in items.values().flatten() {
        if set.is_budgeted(&item.author, item.created_at, &item.id) {
            entries += 1;
            bytes += store.stored_size(&item.id)?;
        }
    }
    Ok((entries, bytes))
}

/// Whether storing `entry` may change the trust set.
pub fn may_change_trust(entry: &Verified) -> bool {
    // A retraction may withdraw an endorsement.
    let kind = entry.header().kind;
    kind.rules().trust_fact || kind == wiel_protocol::Kind::Retraction
}

/// Whether this node gives `entry` to a peer that asks for it by id: what it passes on,
/// and an entry it keeps apart that something it passes on refers to (an acceptance of an
/// untrusted answer, a reaction to it): a peer that takes the referring entry needs its
/// target to read it as this node does, or two nodes that trust alike would show that
/// entry differently. Nothing else it keeps apart: an honest node is no source of
/// strangers' entries.
pub fn serves(store: &Store, set: &TrustSet, entry: &Verified) -> Result<bool, StoreError> {
    if passes_on_stored(store, set, entry)? {
        return Ok(true);
    }
    // A tombstone is given with what it passes on only: without its retraction a peer
    // could not take it.
    if entry.body().is_none() {
        return Ok(false);
    }
    let id = entry.id();
    for rel in [Rel::Answers, Rel::ReactsTo, Rel::Retracts, Rel::Supersedes] {
        for referrer in store.referrers(&id, rel)? {
            // Not a control entry, and only a reference that takes effect: a stranger
            // cannot make its profile (always passed on, editable) point at its entries
            // and have honest nodes hand them out.
            // By its author's standing: what travels only as an act (a revoked key's
            // version) brings nothing along.
            if let Some(referring) = store.get(&referrer)?
                && !referring.header().kind.is_control()
                && set.passes_on_entry(&referring)
                && !store.is_inert(&referring)?
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Acts on acts followed, at most, to find what an act acts on (versions of versions).
const MAX_ACT_CHAIN: usize = 16;

/// Whether this node passes on an entry it holds (gossip, the set catch-up compares, what
/// it gives when asked): by its author's standing ([`TrustSet::passes_on`]), or — a
/// retraction or a new version that takes effect — because what it acts on is passed on.
/// An act on an entry every node passes on must reach every node, or nodes that trust
/// alike would differ on that entry for good: a retraction signed with a revoked key
/// erases wherever it is held (see the README's threat model), and a node that holds the
/// erased entry's tombstone but passes on no retraction for it leaves its peers nothing
/// they can take. An act that takes no effect (of another's entry, of what is unknown
/// here) is not passed on for this: strangers cannot make honest nodes spread theirs.
pub fn passes_on_stored(
    store: &Store,
    set: &TrustSet,
    entry: &Verified,
) -> Result<bool, StoreError> {
    passes_on_act(store, set, entry, MAX_ACT_CHAIN)
}

/// Whether the trust set alone decides that an item is passed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStanding {
    Passes,
    Withheld,
    /// An act beyond its author's standing: it depends on what it acts on (see
    /// [`passes_on_stored`]), which may arrive later.
    DependsOnStore,
}

/// How `set` decides on `item`, without reading the store.
pub fn item_standing(set: &TrustSet, item: &Item) -> ItemStanding {
    if set.passes_on(item.kind, &item.author, item.created_at, &item.id) {
        ItemStanding::Passes
    } else if may_act(item.kind)
        && set.may_act_beyond_its_standing(&item.author, item.created_at, &item.id)
    {
        ItemStanding::DependsOnStore
    } else {
        // Most of what is kept apart is a stranger's: read none of it (an attacker's
        // entries must not make every rebuild of the sync set read the disk).
        ItemStanding::Withheld
    }
}

/// [`passes_on_stored`] for an item of [`Store::items_by_space`] (reads the entry only
/// when its author's standing does not decide).
pub fn passes_on_item(store: &Store, set: &TrustSet, item: &Item) -> Result<bool, StoreError> {
    match item_standing(set, item) {
        ItemStanding::Passes => Ok(true),
        ItemStanding::Withheld => Ok(false),
        ItemStanding::DependsOnStore => match store.get(&item.id)? {
            Some(entry) => passes_on_stored(store, set, &entry),
            None => Ok(false),
        },
    }
}

/// Whether an entry of `kind` may act on another: a retraction, or a new version.
fn may_act(kind: Kind) -> bool {
    kind == Kind::Retraction || kind.rules().editable
}

fn passes_on_act(
    store: &Store,
    set: &TrustSet,
    entry: &Verified,
    depth: usize,
) -> Result<bool, StoreError> {
    let h = entry.header();
    if set.passes_on(h.kind, &h.author, h.created_at, &entry.id()) {
        return Ok(true);
    }
    if depth == 0
        || !may_act(h.kind)
        || !set.may_act_beyond_its_standing(&h.author, h.created_at, &entry.id())
        || store.is_inert(entry)?
    {
        return Ok(false);
    }
    let Some(target) = h
        .target(Rel::Retracts)
        .or_else(|| h.target(Rel::Supersedes))
    else {
        return Ok(false);
    };
    match store.get(&target)? {
        Some(target) => passes_on_act(store, set, &target, depth - 1),
        None => Ok(false),
    }
}
