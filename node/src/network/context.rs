//! What the event loop is given (its channels, the node's parts), what a protocol handler
//! may use while it handles one event, and what it asks of the loop afterwards. Each
//! handler owns its own state; the loop lends it the rest for the length of one call, and
//! applies the [`Outcome`] it returns.

use std::sync::Arc;

use libp2p::{PeerId, Swarm};
use tokio::sync::mpsc;
use wiel_protocol::{EntryId, NetworkId, OrgKey, SpaceName};
use wiel_store::Store;

use super::Behaviour;
use super::client::Command;
use super::guard::PeerGuard;
use super::peers::PeerTable;
use super::runs::{Origin, Runs};
use super::serve::{Served, Server};
use super::worker::{Counters, Job, Verdict};
use crate::events::Written;
use crate::trust::TrustState;

/// The event loop's channels: commands in, jobs to the worker, verdicts back, and the
/// serving thread's finished work.
pub(crate) struct Channels {
    pub commands: mpsc::Receiver<Command>,
    pub jobs: mpsc::Sender<Job>,
    pub verdicts: mpsc::Receiver<Verdict>,
    pub served: mpsc::UnboundedReceiver<Served>,
    /// The service's writes (see [`crate::events`]).
    pub written: mpsc::UnboundedReceiver<Written>,
}

/// What the loop needs of the node.
pub(crate) struct NodeParts {
    /// Only for the outbox count in `wiel status`.
    pub store: Store,
    pub network: NetworkId,
    pub spaces: Vec<SpaceName>,
    pub counters: Arc<Counters>,
    /// Only to follow peers that rotated their key.
    pub trust: TrustState,
    /// A seed: public, relays for others.
    pub seed: bool,
    /// Relays for others once public.
    pub relay: bool,
    /// The bootstrap list: peers to dial again while they are gone, relays to reserve on.
    pub bootstrap: Vec<libp2p::Multiaddr>,
}

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
    /// A space whose entries, found missing, did not come (a fetch failed, its peer is
    /// gone): settled again soon, not left to the next periodic sync.
    pub unfetched: Option<SpaceName>,
}

impl Outcome {
    pub fn blame(peer: PeerId) -> Self {
        Self {
            blame: vec![peer],
            ..Self::default()
        }
    }

    pub fn fetch(peer: PeerId, ids: Vec<EntryId>, origin: Origin) -> Self {
        Self {
            fetch: Some((peer, ids, origin)),
            ..Self::default()
        }
    }
}

/// Lends a handler the loop's shared parts (see [`Ctx`]); a macro, so that the handler
/// itself, another field, stays borrowable.
macro_rules! ctx {
    ($self:ident) => {
        Ctx {
            swarm: &mut $self.swarm,
            guard: &mut $self.guard,
            runs: &mut $self.runs,
            peers: &$self.peers,
            server: &$self.server,
            counters: &$self.node.counters,
            jobs: &$self.channels.jobs,
        }
    };
}
pub(super) use ctx;
