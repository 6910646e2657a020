//! Why something from a peer was not taken: one typed list, each with a stable label
//! (metrics, `wiel status`) and whether the sender is to blame. Only objective faults
//! blame — what any node would find wrong with the bytes alone. A verdict that depends on
//! this node's own state (its trust, its budgets, its clock, how busy it is) never does:
//! punishing a peer for passing on a valid signed entry would split the network.

use wiel_protocol::{DecodeError, Invalid};

/// Why an entry or request from a peer was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Refusal {
    // Objective faults: the sender is to blame.
    TooLarge,
    UnknownVersion,
    Malformed,
    WrongNetwork,
    BodyHash,
    BadSignature,
    /// Breaks a rule of the protocol (see `wiel_protocol::validate`).
    Rules,
    /// A fetch answered with another entry than the one asked for.
    NotAskedFor,
    /// Gossiped on another space's topic.
    WrongTopic,
    /// Fetched for one space, of another.
    WrongSpace,
    /// A reconciliation that does not end, does not add up, or cannot be read.
    SyncEndless,
    SyncInconsistent,
    SyncMalformed,
    /// Asked for symbols past any honest session.
    SyncOutOfRange,
    /// On another wiel network.
    OtherNetworkPeer,
    // This node's own verdicts: nobody is blamed.
    /// Claimed to hold entries, then did not serve them: between its offer and the fetch
    /// a peer may have learned a revocation or a retraction and stopped passing them on.
    NotServed,
    /// Of a newer format version or kind than this release knows: a newer release's, not
    /// understood here (and not a fault of the node that passed it on: update wiel).
    /// Junk that claims to be newer goes unblamed too; the sender's rates still bound it.
    NewerFormat,
    /// Dated ahead of this node's clock (ours may be the wrong one).
    InFuture,
    /// Stored, but its author is outside the trust set: not passed on.
    KeptApart,
    /// A header without its body: fetched whole later.
    Incomplete,
    /// A closed node takes content of its roots only.
    Untrusted,
    TooManyProfiles,
    KeptApartFull,
    /// Past the sender's (or the author's) rate: caught up later by sync.
    RateLimited,
    SyncRateLimited,
    FetchRateLimited,
    /// The worker's queue or the serving thread's was full.
    Overloaded,
    ServeBusy,
    SyncMemoryBudget,
    /// Never said its network (identify).
    NoIdentify,
    /// A connection refused to keep room for others: a stranger's past the connections
    /// strangers may hold, or one from a network with many being set up (see `strangers`).
    StrangersFull,
}

impl Refusal {
    /// Every refusal, for labels and messages.
    pub const ALL: [Refusal; 31] = [
        Refusal::TooLarge,
        Refusal::UnknownVersion,
        Refusal::Malformed,
        Refusal::WrongNetwork,
        Refusal::BodyHash,
        Refusal::BadSignature,
        Refusal::Rules,
        Refusal::NotAskedFor,
        Refusal::WrongTopic,
        Refusal::WrongSpace,
        Refusal::NotServed,
        Refusal::SyncEndless,
        Refusal::SyncInconsistent,
        Refusal::SyncMalformed,
        Refusal::SyncOutOfRange,
        Refusal::OtherNetworkPeer,
        Refusal::NewerFormat,
        Refusal::InFuture,
        Refusal::KeptApart,
        Refusal::Incomplete,
        Refusal::Untrusted,
        Refusal::TooManyProfiles,
        Refusal::KeptApartFull,
        Refusal::RateLimited,
        Refusal::SyncRateLimited,
        Refusal::FetchRateLimited,
        Refusal::Overloaded,
        Refusal::ServeBusy,
        Refusal::SyncMemoryBudget,
        Refusal::NoIdentify,
        Refusal::StrangersFull,
    ];

    /// The refusal with this label (as `wiel status` and the metrics give it).
    pub fn from_label(label: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.label() == label)
    }

    /// The stable label used in metrics and `wiel status`.
    pub const fn label(self) -> &'static str {
        match self {
            Refusal::TooLarge => "too_large",
            Refusal::UnknownVersion => "unknown_version",
            Refusal::Malformed => "malformed",
            Refusal::WrongNetwork => "wrong_network",
            Refusal::BodyHash => "body_hash",
            Refusal::BadSignature => "bad_signature",
            Refusal::Rules => "rules",
            Refusal::NotAskedFor => "not_asked_for",
            Refusal::WrongTopic => "wrong_topic",
            Refusal::WrongSpace => "wrong_space",
            Refusal::NotServed => "not_served",
            Refusal::SyncEndless => "sync_endless",
            Refusal::SyncInconsistent => "sync_inconsistent",
            Refusal::SyncMalformed => "sync_malformed",
            Refusal::SyncOutOfRange => "sync_out_of_range",
            Refusal::OtherNetworkPeer => "other_network_peer",
            Refusal::InFuture => "in_future",
            Refusal::KeptApart => "kept_apart",
            Refusal::Incomplete => "incomplete",
            Refusal::Untrusted => "untrusted",
            Refusal::TooManyProfiles => "too_many_profiles",
            Refusal::KeptApartFull => "kept_apart_full",
            Refusal::RateLimited => "rate_limited",
            Refusal::SyncRateLimited => "sync_rate_limited",
            Refusal::FetchRateLimited => "fetch_rate_limited",
            Refusal::Overloaded => "overloaded",
            Refusal::ServeBusy => "serve_busy",
            Refusal::SyncMemoryBudget => "sync_memory_budget",
            Refusal::NoIdentify => "no_identify",
            Refusal::StrangersFull => "strangers_full",
            Refusal::NewerFormat => "newer_format",
        }
    }

    /// Whether the sender is to blame (a strike).
    pub const fn blames_sender(self) -> bool {
        match self {
            Refusal::TooLarge
            | Refusal::UnknownVersion
            | Refusal::Malformed
            | Refusal::WrongNetwork
            | Refusal::BodyHash
            | Refusal::BadSignature
            | Refusal::Rules
            | Refusal::NotAskedFor
            | Refusal::WrongTopic
            | Refusal::WrongSpace
            | Refusal::SyncEndless
            | Refusal::SyncInconsistent
            | Refusal::SyncMalformed
            | Refusal::SyncOutOfRange
            | Refusal::OtherNetworkPeer => true,
            Refusal::NewerFormat
            | Refusal::NotServed
            | Refusal::InFuture
            | Refusal::KeptApart
            | Refusal::Incomplete
            | Refusal::Untrusted
            | Refusal::TooManyProfiles
            | Refusal::KeptApartFull
            | Refusal::RateLimited
            | Refusal::SyncRateLimited
            | Refusal::FetchRateLimited
            | Refusal::Overloaded
            | Refusal::ServeBusy
            | Refusal::SyncMemoryBudget
            | Refusal::NoIdentify
            | Refusal::StrangersFull => false,
        }
    }

    /// The refusal of an entry that failed validation.
    pub fn of_invalid(invalid: &Invalid) -> Self {
        match invalid {
            Invalid::Decode(DecodeError::TooLarge { .. }) => Refusal::TooLarge,
            Invalid::Decode(DecodeError::UnknownVersion(v))
                if *v > wiel_protocol::FORMAT_VERSION =>
            {
                Refusal::NewerFormat
            }
            Invalid::Decode(DecodeError::UnknownVersion(_)) => Refusal::UnknownVersion,
            Invalid::Decode(DecodeError::UnknownKind { .. }) => Refusal::NewerFormat,
            Invalid::Decode(_) => Refusal::Malformed,
            Invalid::WrongNetwork { .. } => Refusal::WrongNetwork,
            Invalid::HeaderTooLarge { .. } | Invalid::BodyTooLarge { .. } => Refusal::TooLarge,
            Invalid::BodyLenMismatch { .. } | Invalid::BodyHashMismatch => Refusal::BodyHash,
            Invalid::BadAuthorKey(_) | Invalid::BadSignature => Refusal::BadSignature,
            Invalid::InFuture { .. } => Refusal::InFuture,
            _ => Refusal::Rules,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_of_this_nodes_own_state_never_blames_and_labels_are_unique() {
        let all = Refusal::ALL;
        let labels: std::collections::BTreeSet<&str> = all.iter().map(|r| r.label()).collect();
        assert_eq!(labels.len(), all.len());
        for own in [
            Refusal::InFuture,
            Refusal::KeptApart,
            Refusal::Untrusted,
            Refusal::KeptApartFull,
            Refusal::RateLimited,
            Refusal::ServeBusy,
        ] {
            assert!(!own.blames_sender(), "{own:?}");
        }
        let future = Invalid::InFuture { minutes: 11 };
        assert!(!Refusal::of_invalid(&future).blames_sender());
        assert!(Refusal::of_invalid(&Invalid::BadSignature).blames_sender());
    }

    /// A node a release behind must not block the nodes already upgraded for passing on
    /// what they can read: a newer version or kind is refused without blame; a version
    /// that never was (below ours) stays a fault.
    #[test]
    fn a_newer_format_or_kind_blames_nobody() {
        let newer = wiel_protocol::FORMAT_VERSION + 1;
        for invalid in [
            Invalid::Decode(DecodeError::UnknownVersion(newer)),
            Invalid::Decode(DecodeError::UnknownKind {
                code: 42,
                network: wiel_protocol::NetworkId::new("wiel-test").unwrap(),
            }),
        ] {
            assert_eq!(Refusal::of_invalid(&invalid), Refusal::NewerFormat);
            assert!(!Refusal::of_invalid(&invalid).blames_sender());
        }
        let never = Invalid::Decode(DecodeError::UnknownVersion(0));
        assert!(Refusal::of_invalid(&never).blames_sender());
    }
}
