//! What a protocol handler may use while it handles one event, and what it asks of the
//! event loop afterwards. Each handler owns its own state; the loop lends it the rest
//! for the length of one call, and applies the [`Outcome`] it returns.

use libp2p::{PeerId, Swarm};
use tokio::sync::mpsc;
use wiel_protocol::{EntryId, OrgKey};

use super::behaviour::Behaviour;
use super::peers::{PeerGuard, PeerTable};
use super::runs::{Origin, Runs};
use super::serve::Server;
use super::worker::{Counters, Job};

/// Lent to a handler for one event.
pub(super) struct Ctx<'a> {
    pub swarm: &'a mut Swarm<Behaviour>,
    pub guard: &'a mut PeerGuard,
    pub runs: &'a mut Runs,
    pub peers: &'a PeerTable,
    pub server: &'a Server,
    pub counters: &'a Counters,
    pub jobs: &'a mpsc::Sender<Job>,
}

impl Ctx<'_> {
    /// The organisation a connected peer speaks for, when its peer id names one.
    pub fn org_key(&self, peer: &PeerId) -> Option<OrgKey> {
        self.peers.get(peer).and_then(|p| p.org_key)
    }
}

/// What a handler asks of the loop once it is done with an event.
#[derive(Default)]
#[must_use]
pub(super) struct Outcome {
    /// Peers that sent what no honest peer sends: one strike each.
    pub blame: Vec<PeerId>,
    /// Entries to fetch, from whom, and why.
    pub fetch: Option<(PeerId, Vec<EntryId>, Origin)>,
}

impl Outcome {
    pub fn blame(peer: PeerId) -> Self {
        Self {
            blame: vec![peer],
            fetch: None,
        }
    }

    pub fn fetch(peer: PeerId, ids: Vec<EntryId>, origin: Origin) -> Self {
        Self {
            blame: Vec::new(),
            fetch: Some((peer, ids, origin)),
        }
    }
}
