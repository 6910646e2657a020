//! The ingest worker: a thread that verifies entries from the network and stores them in
//! batches, off the event loop (verification is CPU, storing is disk).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use libp2p::PeerId;
use libp2p::gossipsub::{MessageAcceptance, MessageId};
use tokio::sync::mpsc;
use wiel_protocol::{Batched, EntryId, NetworkId, Rules, SpaceName, Timestamp, Verified};
use wiel_store::{Ingest, Store};

use super::runs::Origin;
use crate::admission::{Admission, Budgets, Declined, admit};
use crate::refusal::Refusal;

/// Most jobs stored in one batch (one transaction, one flush).
const MAX_BATCH: usize = 512;

/// Work for the ingest worker.
pub enum Job {
    /// A gossip message to validate; its verdict goes back to gossipsub.
    Gossip {
        message_id: MessageId,
        source: PeerId,
        /// The space of the topic it came on.
        space: Option<SpaceName>,
        data: Vec<u8>,
    },
    /// Entries a peer sent in answer to a fetch, with the ids asked for.
    Fetched {
        peer: PeerId,
        origin: Origin,
        entries: Vec<(EntryId, Vec<u8>)>,
    },
}

/// What the worker decided.
pub enum Verdict {
    /// About one gossip message: reported to gossipsub.
    Gossip {
        message_id: MessageId,
        source: PeerId,
        acceptance: MessageAcceptance,
        /// Targets this entry refers to that we do not hold: worth fetching from `source`.
        missing: Vec<EntryId>,
    },
    /// About the entries of one fetch response.
    Fetched(FetchTally),
    /// These authors became trusted: pass their kept-apart entries on.
    Promote(Vec<wiel_protocol::OrgKey>),
    /// Gossip from this peer was dropped (an untrusted author over its rate): catch up
    /// with it later by sync.
    Throttled { peer: PeerId },
}

/// Counters the node exports (status, metrics).
#[derive(Default)]
pub struct Counters {
    pub received: AtomicU64,
    pub stored: AtomicU64,
    pub duplicates: AtomicU64,
    pub gossip_bytes_in: AtomicU64,
    pub gossip_bytes_out: AtomicU64,
    /// Gossip messages gossipsub could not hand a peer in time (its queue was full, or a
    /// message waited too long): the peer gets them by sync instead.
    pub gossip_not_sent: AtomicU64,
    /// Refusals by [`Refusal::label`].
    pub rejected: Mutex<BTreeMap<&'static str, u64>>,
    /// Unix ms of the last entry stored from the network.
    pub last_stored_at: AtomicU64,
    /// Connected peers.
    pub peers: AtomicU64,
    /// Connections made, either way (a peer's second connection too).
    pub connections_made: AtomicU64,
    /// Bytes of gossip waiting for the worker (the queue is bounded in bytes too).
    pub gossip_queued_bytes: AtomicU64,
    /// Hole punches that gave a direct connection, and that did not.
    pub punches_succeeded: AtomicU64,
    pub punches_failed: AtomicU64,
    /// Reservations a relay granted this node.
    pub relay_reservations: AtomicU64,
    /// Circuits this node (a seed) relayed; reservations and circuits it refused.
    pub circuits_relayed: AtomicU64,
    pub circuits_refused: AtomicU64,
    /// Sync sessions this node started, by why (`sync::Why::label`).
    pub sync_started: Mutex<BTreeMap<&'static str, u64>>,
    /// Sync sessions this node started, by how they ended (`sync::Ended::label`).
    pub sync_ended: Mutex<BTreeMap<&'static str, u64>>,
}

impl Counters {
    pub fn reject(&self, refusal: Refusal) {
        add_one(&self.rejected, refusal.label());
    }

    pub fn rejected(&self) -> BTreeMap<&'static str, u64> {
        read(&self.rejected)
    }

    pub fn sync_started(&self, why: &'static str) {
        add_one(&self.sync_started, why);
    }

    pub fn sync_ended(&self, how: &'static str) {
        add_one(&self.sync_ended, how);
    }

    /// Sync sessions started by why, and ended by how.
    pub fn sync_sessions(&self) -> [BTreeMap<&'static str, u64>; 2] {
        [read(&self.sync_started), read(&self.sync_ended)]
    }
}

/// Counts one more of `label`.
fn add_one(map: &Mutex<BTreeMap<&'static str, u64>>, label: &'static str) {
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    *map.entry(label).or_default() += 1;
}

fn read(map: &Mutex<BTreeMap<&'static str, u64>>) -> BTreeMap<&'static str, u64> {
    map.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// An entry from a peer: held here already, objectively at fault (strike the sender), or
/// valid and admitted or not by this node's own rules (see [`crate::admission`]).
enum Judged {
    /// Held here already: one more copy.
    Held,
    Admitted(Admission),
    Strike(Refusal),
}

/// Where a checked entry came from, to report on it.
enum Source {
    Gossip {
        message_id: MessageId,
        peer: PeerId,
    },
    /// Index into the batch's fetch tallies.
    Fetch(usize),
}

/// The verdict on the entries of one fetch response.
pub struct FetchTally {
    pub peer: PeerId,
    pub origin: Origin,
    pub stored: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// Targets the stored entries refer to that we do not hold.
    pub missing: Vec<EntryId>,
}

/// What the worker works with.
pub struct Context {
    pub store: Store,
    pub network: NetworkId,
    pub trust: crate::trust::TrustState,
    /// Where this node notes what it declined (read by sync, see [`crate::admission::Declined`]).
    pub declined: crate::admission::Declined,
    pub counters: std::sync::Arc<Counters>,
    /// Ids of entries stored from the network, as they are stored.
    pub stored: tokio::sync::broadcast::Sender<EntryId>,
}

/// Runs until the job channel closes.
pub fn run(context: Context, mut jobs: mpsc::Receiver<Job>, verdicts: mpsc::Sender<Verdict>) {
    let Context {
        store,
        network,
        trust,
        declined,
        counters,
        stored,
    } = context;
    // What admission counts against this node's limits, across batches.
    let mut budgets = Budgets::for_network();
    let unqueue = |job: &Job| {
        if let Job::Gossip { data, .. } = job {
            counters
                .gossip_queued_bytes
                .fetch_sub(data.len() as u64, Ordering::Relaxed);
        }
    };
    while let Some(first) = jobs.blocking_recv() {
        unqueue(&first);
        let mut batch = vec![first];
        let mut entries_in_batch = 0;
        while entries_in_batch < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => {
                    unqueue(&job);
                    entries_in_batch += match &job {
                        Job::Gossip { .. } => 1,
                        Job::Fetched { entries, .. } => entries.len(),
                    };
                    batch.push(job)
                }
                Err(_) => break,
            }
        }
        let rules = Rules::new(network.clone());
        let mut refusals = Vec::new();
        let mut tallies = Vec::new();
        let mut sources = Vec::new();
        let mut unchecked = Vec::new();
        for job in batch {
            match job {
                Job::Gossip {
                    message_id,
                    source,
                    space,
                    data,
                } => {
                    sources.push(Source::Gossip {
                        message_id,
                        peer: source,
                    });
                    unchecked.push(Unchecked {
                        data,
                        space,
                        id: None,
                        on_topic: true,
                    });
                }
                Job::Fetched {
                    peer,
                    origin,
                    entries,
                } => {
                    let tally = tallies.len();
                    let space = origin.space.clone();
                    tallies.push(FetchTally {
                        peer,
                        origin,
                        stored: 0,
                        duplicates: 0,
                        rejected: 0,
                        missing: Vec::new(),
                    });
                    for (id, data) in entries {
                        sources.push(Source::Fetch(tally));
                        unchecked.push(Unchecked {
                            data,
                            space: space.clone(),
                            id: Some(id),
                            on_topic: false,
                        });
                    }
                }
            }
        }
        counters
            .received
            .fetch_add(unchecked.len() as u64, Ordering::Relaxed);
        let mut valid = Vec::new();
        let mut declined_now = Vec::new();
        let set = trust.current();
        for (source, checked) in sources
            .into_iter()
            .zip(check_all(unchecked, &rules, &store))
        {
            let admission = match checked {
                // Dated ahead of this node's clock: our clock may be the wrong one. Taken
                // later by sync, once it is no longer ahead.
                Err(reason) if !reason.blames_sender() => Judged::Admitted(Admission::Ignore {
                    reason,
                    throttle: false,
                }),
                Err(fault) => Judged::Strike(fault),
                Ok(Batched::Held { .. }) => Judged::Held,
                Ok(Batched::Verified(e)) => {
                    let id = e.id();
                    let admission = admit(*e, &set, &store, &trust, &mut budgets);
                    if let Admission::Ignore { reason, .. } = &admission
                        && Declined::lasts(*reason)
                    {
                        declined_now.push(id);
                    }
                    Judged::Admitted(admission)
                }
            };
            match (admission, source) {
                (Judged::Admitted(Admission::Take(entry)), source) => valid.push((source, *entry)),
                (
                    Judged::Admitted(Admission::Ignore { reason, throttle }),
                    Source::Gossip { message_id, peer },
                ) => {
                    counters.reject(reason);
                    refusals.push(Verdict::Gossip {
                        message_id,
                        source: peer,
                        acceptance: MessageAcceptance::Ignore,
                        missing: vec![],
                    });
                    if throttle {
                        refusals.push(Verdict::Throttled { peer });
                    }
                }
                (Judged::Admitted(Admission::Ignore { reason, .. }), Source::Fetch(tally)) => {
                    counters.reject(reason);
                    tallies[tally].duplicates += 1;
                }
                (Judged::Held, source) => {
                    counters.duplicates.fetch_add(1, Ordering::Relaxed);
                    match source {
                        Source::Gossip { message_id, peer } => refusals.push(Verdict::Gossip {
                            message_id,
                            source: peer,
                            acceptance: MessageAcceptance::Ignore,
                            missing: vec![],
                        }),
                        Source::Fetch(tally) => tallies[tally].duplicates += 1,
                    }
                }
                (Judged::Strike(reason), Source::Gossip { message_id, peer }) => {
                    refusals.push(refuse(message_id, peer, reason, &counters))
                }
                (Judged::Strike(reason), Source::Fetch(tally)) => {
                    counters.reject(reason);
                    tallies[tally].rejected += 1;
                }
            }
        }
        if !declined_now.is_empty() {
            declined.note(declined_now.drain(..), &set);
        }
        // Refusals first: they need no disk.
        for verdict in refusals.drain(..) {
            if verdicts.blocking_send(verdict).is_err() {
                return; // the event loop is gone: shutting down
            }
        }
        let entries: Vec<Verified> = valid.iter().map(|(_, e)| e.clone()).collect();
        // Gossip verdicts go out as soon as the store has decided, before its commit and
        // fsync: forwarding need not wait for this node's disk (a crash before the flush
        // loses the entry here only; peers still have it). Fetch verdicts go out after
        // the commit: a finished sync run means its entries are on disk.
        let mut gone = false;
        let result = store.ingest_batch_if(entries, |outcomes| {
            for ((source, entry), outcome) in valid.iter().zip(outcomes) {
                let mut acceptance = judge(entry, outcome.clone(), &counters);
                if acceptance == MessageAcceptance::Accept
                    && !matches!(
                        crate::trust::passes_on_stored(&store, &set, entry),
                        Ok(true)
                    )
                {
                    // Stored, kept apart: not passed on until its author is trusted.
                    counters.reject(Refusal::KeptApart);
                    acceptance = MessageAcceptance::Ignore;
                    if let Source::Fetch(tally) = source {
                        tallies[*tally].stored += 1;
                        continue;
                    }
                }
                let missing = if acceptance == MessageAcceptance::Accept {
                    missing_refs(&store, entry)
                } else {
                    vec![]
                };
                match source {
                    Source::Gossip { message_id, peer } => {
                        let verdict = Verdict::Gossip {
                            message_id: message_id.clone(),
                            source: *peer,
                            acceptance,
                            missing,
                        };
                        if verdicts.blocking_send(verdict).is_err() {
                            gone = true;
                        }
                    }
                    Source::Fetch(tally) => {
                        let tally = &mut tallies[*tally];
                        match acceptance {
                            MessageAcceptance::Accept => tally.stored += 1,
                            MessageAcceptance::Ignore => tally.duplicates += 1,
                            MessageAcceptance::Reject => tally.rejected += 1,
                        }
                        tally.missing.extend(missing);
                    }
                }
            }
            true
        });
        match result {
            Ok(outcomes) => {
                let mut trust_changed = false;
                for ((_, entry), outcome) in valid.iter().zip(outcomes) {
                    if outcome == Ingest::Stored {
                        // Nobody listening is fine.
                        let _ = stored.send(entry.id());
                        trust_changed |= crate::trust::may_change_trust(entry);
                    }
                }
                if trust_changed {
                    let before = trust.current().admission_digest();
                    let refreshed = trust.refresh(&store);
                    if before != trust.current().admission_digest() {
                        budgets.trust_changed();
                    }
                    match refreshed {
                        Ok(promoted) if !promoted.is_empty() => {
                            if verdicts.blocking_send(Verdict::Promote(promoted)).is_err() {
                                gone = true;
                            }
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "cannot recompute the trust set"),
                    }
                }
            }
            Err(e) => {
                // Already forwarded; the entry comes back through sync once the disk works.
                tracing::error!(error = %e, "cannot store entries from the network");
                for tally in &mut tallies {
                    // Not stored after all: counted neither way, fetched again later.
                    tally.stored = 0;
                }
            }
        }
        for tally in tallies {
            if verdicts.blocking_send(Verdict::Fetched(tally)).is_err() {
                gone = true;
            }
        }
        if gone {
            return;
        }
    }
}

/// Bytes from a peer, with what they must be.
struct Unchecked {
    data: Vec<u8>,
    /// The space it must be in: its gossip topic's, or the space a sync asked in.
    space: Option<SpaceName>,
    /// The id it was fetched as.
    id: Option<EntryId>,
    /// Came by gossip (else by fetch).
    on_topic: bool,
}

/// Decodes and verifies entries (signatures checked in one batch), and checks that each is
/// what it was sent as: a gossiped entry on its own space's topic, a fetched one the entry
/// asked for, in the space asked in.
///
/// A copy of an entry this node holds, byte for byte, is not verified again (see
/// [`Batched::Held`]): under a burst many come twice, by gossip and by sync. (A damaged
/// copy differs in its bytes: checked, refused and blamed as before.)
fn check_all(
    unchecked: Vec<Unchecked>,
    rules: &Rules,
    store: &Store,
) -> Vec<Result<Batched, Refusal>> {
    let mut data = Vec::with_capacity(unchecked.len());
    let mut expected = Vec::with_capacity(unchecked.len());
    for u in unchecked {
        data.push(u.data);
        expected.push((u.space, u.id, u.on_topic));
    }
    let held = |id: &EntryId, bytes: &[u8]| matches!(store.holds_as(id, bytes), Ok(true));
    Verified::from_bytes_batch(data, rules, held)
        .into_iter()
        .zip(expected)
        .map(|(checked, (space, id, on_topic))| {
            let checked = checked.map_err(|e| Refusal::of_invalid(&e))?;
            let (its_id, its_space) = match &checked {
                Batched::Verified(entry) => (entry.id(), &entry.header().space),
                Batched::Held { id, space } => (*id, space),
            };
            if id.is_some_and(|id| id != its_id) {
                return Err(Refusal::NotAskedFor);
            }
            if space.is_some_and(|s| s != *its_space) {
                return Err(if on_topic {
                    Refusal::WrongTopic
                } else {
                    Refusal::WrongSpace
                });
            }
            Ok(checked)
        })
        .collect()
}

fn missing_refs(store: &Store, entry: &Verified) -> Vec<EntryId> {
    entry
        .header()
        .refs
        .iter()
        .map(|r| r.target)
        .filter(|t| matches!(store.get(t), Ok(None)))
        .collect()
}

fn refuse(message_id: MessageId, source: PeerId, reason: Refusal, counters: &Counters) -> Verdict {
    counters.reject(reason);
    tracing::debug!(peer = %source, reason = reason.label(), "refused entry from the network");
    Verdict::Gossip {
        message_id,
        source,
        acceptance: MessageAcceptance::Reject,
        missing: vec![],
    }
}

/// Counts the store's outcome and turns it into gossip's terms. No outcome of the store
/// is the sender's fault: it takes every valid entry, whatever the order.
fn judge(entry: &Verified, outcome: Ingest, counters: &Counters) -> MessageAcceptance {
    match outcome {
        Ingest::Stored => {
            counters.stored.fetch_add(1, Ordering::Relaxed);
            counters
                .last_stored_at
                .store(Timestamp::now().as_millis(), Ordering::Relaxed);
            tracing::debug!(entry = %entry.id().short(), "stored entry from the network");
            MessageAcceptance::Accept
        }
        Ingest::AlreadyStored | Ingest::Retracted => {
            counters.duplicates.fetch_add(1, Ordering::Relaxed);
            MessageAcceptance::Ignore
        }
        Ingest::Incomplete => {
            counters.reject(Refusal::Incomplete);
            tracing::debug!(entry = %entry.id().short(), "header without its body: fetched whole later");
            MessageAcceptance::Ignore
        }
    }
}
