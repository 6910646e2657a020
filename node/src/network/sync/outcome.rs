//! Why a sync session starts and how it ends, as counted (`Counters::sync_sessions`),
//! and which failures are the peer's fault.

use crate::reconcile::ReconcileError;
use crate::refusal::Refusal;

/// Why a session starts (counted, see `Counters::sync_sessions`).
#[derive(Clone, Copy, Debug)]
pub(in crate::network) enum Why {
    /// A peer this node dialed was identified.
    NewPeer,
    /// Gossip from the peer was dropped.
    CatchUp,
    /// `wiel sync`, or a run going on with what its last round left.
    Run,
    /// Entries of the space arrived (`settle`), or a session about it failed.
    Settle,
    /// Sync brought entries from another peer.
    Ripple,
    /// Every `SYNC_INTERVAL`.
    Periodic,
    /// An own entry found no peer to gossip to.
    Outbox,
    /// Authors became trusted.
    Promote,
}

impl Why {
    pub fn label(self) -> &'static str {
        match self {
            Self::NewPeer => "new_peer",
            Self::CatchUp => "catch_up",
            Self::Run => "run",
            Self::Settle => "settle",
            Self::Ripple => "ripple",
            Self::Periodic => "periodic",
            Self::Outbox => "outbox",
            Self::Promote => "promote",
        }
    }
}

/// How a session ended (counted beside [`Why`]).
#[derive(Clone, Copy, Debug)]
pub(super) enum Ended {
    /// The differences are known.
    Reconciled,
    /// The peer does not follow the space, is busy, or no longer holds the round's snapshot.
    Refused,
    /// No answer: a time-out, the connection gone.
    Failed,
    /// The peer's answer was wrong (it is blamed).
    Faulty,
    /// This node's own memory budget for symbols was reached.
    Postponed,
}

impl Ended {
    pub fn label(self) -> &'static str {
        match self {
            Self::Reconciled => "reconciled",
            Self::Refused => "refused",
            Self::Failed => "failed",
            Self::Faulty => "faulty",
            Self::Postponed => "postponed",
        }
    }
}

/// The peer's fault in a failed reconciliation, if it is one: an answer out of order is
/// a late answer to a round this node gave up on (no fault); one that does not end,
/// does not add up, or cannot be read is.
pub(super) fn fault_of(error: &ReconcileError) -> Option<Refusal> {
    match error {
        ReconcileError::OutOfOrder { .. } => None,
        ReconcileError::DidNotConverge(_) => Some(Refusal::SyncEndless),
        ReconcileError::FingerprintMismatch => Some(Refusal::SyncInconsistent),
        ReconcileError::Malformed(_) | ReconcileError::Inconsistent => Some(Refusal::SyncMalformed),
    }
}
