//! The ingest worker: a thread that verifies entries from the network and stores them in
//! batches, off the event loop (verification is CPU, storing is disk).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use libp2p::PeerId;
use libp2p::gossipsub::{MessageAcceptance, MessageId};
use tokio::sync::mpsc;
use wiel_protocol::{EntryId, Invalid, NetworkId, Rules, SpaceName, Timestamp, Verified};
use wiel_store::{Ingest, Store};

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
    /// Entries a peer sent in answer to a fetch.
    Fetched { peer: PeerId, entries: Vec<Vec<u8>> },
}

/// What the worker decided about one gossip message or one fetched entry.
pub struct Verdict {
    /// `None` for fetched entries (nothing to report to gossipsub).
    pub message_id: Option<MessageId>,
    pub source: PeerId,
    pub acceptance: MessageAcceptance,
    /// Targets this entry refers to that we do not hold: worth fetching from `source`.
    pub missing: Vec<EntryId>,
}

/// Counters the node exports (status, metrics).
#[derive(Default)]
pub struct Counters {
    pub received: AtomicU64,
    pub stored: AtomicU64,
    pub duplicates: AtomicU64,
    pub gossip_bytes_in: AtomicU64,
    pub gossip_bytes_out: AtomicU64,
    pub rejected: Mutex<BTreeMap<&'static str, u64>>,
    /// Unix ms of the last entry stored from the network.
    pub last_stored_at: AtomicU64,
    /// Connected peers.
    pub peers: AtomicU64,
}

impl Counters {
    pub fn reject(&self, reason: &'static str) {
        let mut map = self.rejected.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry(reason).or_default() += 1;
    }

    pub fn rejected(&self) -> BTreeMap<&'static str, u64> {
        self.rejected
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// A short, stable label for metrics and logs.
pub fn reason_label(invalid: &Invalid) -> &'static str {
    use wiel_protocol::DecodeError;
    match invalid {
        Invalid::Decode(DecodeError::TooLarge { .. }) => "too_large",
        Invalid::Decode(DecodeError::UnknownVersion(_)) => "unknown_version",
        Invalid::Decode(_) => "malformed",
        Invalid::WrongNetwork { .. } => "wrong_network",
        Invalid::HeaderTooLarge { .. } | Invalid::BodyTooLarge { .. } => "too_large",
        Invalid::BodyLenMismatch { .. } | Invalid::BodyHashMismatch => "body_hash",
        Invalid::BadAuthorKey(_) | Invalid::BadSignature => "bad_signature",
        Invalid::InFuture { .. } => "in_future",
        _ => "rules",
    }
}

/// Runs until the job channel closes.
pub fn run(
    store: Store,
    network: NetworkId,
    mut jobs: mpsc::Receiver<Job>,
    verdicts: mpsc::Sender<Verdict>,
    counters: std::sync::Arc<Counters>,
    stored: tokio::sync::broadcast::Sender<EntryId>,
) {
    while let Some(first) = jobs.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let rules = Rules::new(network.clone());
        let mut out = Vec::new();
        let mut valid = Vec::new();
        for job in batch {
            match job {
                Job::Gossip {
                    message_id,
                    source,
                    space,
                    data,
                } => {
                    counters.received.fetch_add(1, Ordering::Relaxed);
                    match check(data, space.as_ref(), &rules) {
                        Ok(entry) => valid.push((Some(message_id), source, entry)),
                        Err(reason) => {
                            out.push(refuse(Some(message_id), source, reason, &counters))
                        }
                    }
                }
                Job::Fetched { peer, entries } => {
                    for data in entries {
                        counters.received.fetch_add(1, Ordering::Relaxed);
                        match check(data, None, &rules) {
                            Ok(entry) => valid.push((None, peer, entry)),
                            Err(reason) => out.push(refuse(None, peer, reason, &counters)),
                        }
                    }
                }
            }
        }
        // Refusals first: they need no disk.
        for verdict in out.drain(..) {
            if verdicts.blocking_send(verdict).is_err() {
                return; // the event loop is gone: shutting down
            }
        }
        let entries: Vec<Verified> = valid.iter().map(|(_, _, e)| e.clone()).collect();
        // Verdicts go out as soon as the store has decided, before its commit and fsync:
        // forwarding need not wait for this node's disk (a crash before the flush loses
        // the entry here only; peers still have it).
        let mut gone = false;
        let result = store.ingest_batch_if(entries, |outcomes| {
            for ((message_id, source, entry), outcome) in valid.iter().zip(outcomes) {
                let verdict = judge(
                    &store,
                    message_id.clone(),
                    *source,
                    entry,
                    outcome.clone(),
                    &counters,
                );
                if verdicts.blocking_send(verdict).is_err() {
                    gone = true;
                }
            }
            true
        });
        match result {
            Ok(outcomes) => {
                for ((_, _, entry), outcome) in valid.iter().zip(outcomes) {
                    if outcome == Ingest::Stored {
                        // Nobody listening is fine.
                        let _ = stored.send(entry.id());
                    }
                }
            }
            Err(e) => {
                // Already forwarded; the entry comes back through sync once the disk works.
                tracing::error!(error = %e, "cannot store entries from the network");
            }
        }
        if gone {
            return;
        }
    }
}

fn check(
    data: Vec<u8>,
    space: Option<&SpaceName>,
    rules: &Rules,
) -> Result<Verified, &'static str> {
    let entry = Verified::from_bytes(data, rules).map_err(|e| reason_label(&e))?;
    if space.is_some_and(|s| *s != entry.header().space) {
        return Err("wrong_topic");
    }
    Ok(entry)
}

fn refuse(
    message_id: Option<MessageId>,
    source: PeerId,
    reason: &'static str,
    counters: &Counters,
) -> Verdict {
    counters.reject(reason);
    tracing::debug!(peer = %source, reason, "refused entry from the network");
    Verdict {
        message_id,
        source,
        acceptance: MessageAcceptance::Reject,
        missing: vec![],
    }
}

fn judge(
    store: &Store,
    message_id: Option<MessageId>,
    source: PeerId,
    entry: &Verified,
    outcome: Ingest,
    counters: &Counters,
) -> Verdict {
    let acceptance = match outcome {
        Ingest::Stored => {
            counters.stored.fetch_add(1, Ordering::Relaxed);
            counters
                .last_stored_at
                .store(Timestamp::now().as_millis(), Ordering::Relaxed);
            tracing::debug!(peer = %source, entry = %entry.id().short(), "stored entry from the network");
            MessageAcceptance::Accept
        }
        Ingest::AlreadyStored | Ingest::Retracted => {
            counters.duplicates.fetch_add(1, Ordering::Relaxed);
            MessageAcceptance::Ignore
        }
        Ingest::Rejected(r) => {
            let label = match r {
                wiel_store::Rejection::NotAuthorOfTarget { .. } => "not_author",
                _ => "rules",
            };
            counters.reject(label);
            tracing::debug!(peer = %source, entry = %entry.id().short(), reason = %r, "refused entry");
            MessageAcceptance::Reject
        }
    };
    let missing = if acceptance == MessageAcceptance::Accept {
        entry
            .header()
            .refs
            .iter()
            .map(|r| r.target)
            .filter(|t| matches!(store.get(t), Ok(None)))
            .collect()
    } else {
        vec![]
    };
    Verdict {
        message_id,
        source,
        acceptance,
        missing,
    }
}
