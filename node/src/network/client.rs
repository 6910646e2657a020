//! The handle the rest of the node uses to talk to the network event loop.

use libp2p::{Multiaddr, PeerId};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use wiel_protocol::{OrgKey, SpaceName};

use super::runs::{RunId, SpaceSync, SyncReport};

/// Why a network command could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    Stopped,
    Dial { addr: String, reason: DialFailure },
    NotConnected(String),
    NoPeers,
}

/// Why dialing an address failed, in terms a reader can act on; libp2p's own account goes
/// to the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialFailure {
    /// Nothing listens there (connection refused).
    NothingListens,
    /// No answer in time: a firewall, or a wrong address.
    NoAnswer,
    /// The address is this node's own.
    Itself,
    /// A node of another wiel network answered (the test network and the real one).
    OtherNetwork,
    /// This node blocked that peer for a while (it sent invalid data, or is on another
    /// network).
    Blocked,
    /// A node answered but did not say who it is in time.
    NoIdentify,
    /// The node broke the connection off before saying who it is.
    HungUp,
    /// Another node answered than the one the address names, and it did not show that it
    /// succeeded that node's key.
    NotTheNodeNamed {
        found: String,
        named: String,
    },
    Other,
}

impl DialFailure {
    /// Sorts libp2p's account of a failed dial (one line of text: its error types do not
    /// tell these apart across transports).
    pub fn of(libp2p_error: &str) -> DialFailure {
        let text = libp2p_error.to_lowercase();
        if text.contains("connection refused") {
            DialFailure::NothingListens
        } else if text.contains("timed out") || text.contains("timeout") {
            DialFailure::NoAnswer
        } else if text.contains("local peer id") || text.contains("dial itself") {
            DialFailure::Itself
        } else if text.contains("blocked") {
            DialFailure::Blocked
        } else {
            DialFailure::Other
        }
    }
}

/// What `wiel peers` shows about one connected peer.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PeerView {
    pub peer_id: String,
    /// The organisation key behind the peer id (their libp2p identity is their org key).
    pub org_key: Option<OrgKey>,
    pub address: Option<String>,
    pub spaces: Vec<SpaceName>,
    /// Round-trip time of the last ping, in milliseconds.
    pub latency_ms: Option<f64>,
    pub agent: Option<String>,
    /// Reached only through a relay (no direct connection).
    #[serde(default)]
    pub relayed: bool,
    /// How far its clock is ahead of ours, in milliseconds (negative: behind).
    #[serde(default)]
    pub clock_offset_ms: Option<i64>,
    /// Seconds since its first connection was made.
    #[serde(default)]
    pub connected_s: Option<u64>,
}

/// What `wiel status` shows about the network.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NetworkStatus {
    pub peer_id: String,
    pub listening: Vec<String>,
    pub peers: usize,
    pub spaces: Vec<SpaceStatus>,
    /// Entries waiting to be gossiped (published while no peer was listening).
    pub outbox: usize,
    /// Whether others can reach this node, and how.
    pub reach: super::reach::ReachView,
}

/// The sync state of one followed space.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SpaceStatus {
    pub space: SpaceName,
    pub last_sync: Option<SpaceSync>,
}

pub(crate) enum Command {
    Dial {
        addr: Multiaddr,
        /// Until the peer said who it is (`wiel connect`), not only until connected.
        until_identified: bool,
        reply: oneshot::Sender<Result<(), NetworkError>>,
    },
    Peers {
        reply: oneshot::Sender<Vec<PeerView>>,
    },
    Status {
        reply: oneshot::Sender<NetworkStatus>,
    },
    Sync {
        peer: Option<PeerId>,
        reply: oneshot::Sender<Result<RunId, NetworkError>>,
    },
    SyncReport {
        run: RunId,
        reply: oneshot::Sender<Option<SyncReport>>,
    },
}

/// A cloneable handle on the event loop. Every call is a command with a one-shot reply.
#[derive(Clone)]
pub struct Client {
    pub(crate) tx: mpsc::Sender<Command>,
    pub(crate) peer_id: PeerId,
}

impl Client {
    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }

    async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, NetworkError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| NetworkError::Stopped)?;
        rx.await.map_err(|_| NetworkError::Stopped)
    }

    /// Connects to `addr` (answers once connected).
    pub async fn dial(&self, addr: Multiaddr) -> Result<(), NetworkError> {
        self.ask(|reply| Command::Dial {
            addr,
            until_identified: false,
            reply,
        })
        .await?
    }

    /// Connects to `addr` and answers once the peer said who it is: a node of another
    /// network is refused then, and `wiel connect` says so.
    pub async fn connect(&self, addr: Multiaddr) -> Result<(), NetworkError> {
        self.ask(|reply| Command::Dial {
            addr,
            until_identified: true,
            reply,
        })
        .await?
    }

    pub async fn peers(&self) -> Result<Vec<PeerView>, NetworkError> {
        self.ask(|reply| Command::Peers { reply }).await
    }

    pub async fn status(&self) -> Result<NetworkStatus, NetworkError> {
        self.ask(|reply| Command::Status { reply }).await
    }

    /// Starts reconciling every followed space with `peer`, or with every connected peer.
    pub async fn sync(&self, peer: Option<PeerId>) -> Result<RunId, NetworkError> {
        self.ask(|reply| Command::Sync { peer, reply }).await?
    }

    /// Progress of a sync run; `None` for a run this node does not know (any more).
    pub async fn sync_report(&self, run: RunId) -> Result<Option<SyncReport>, NetworkError> {
        self.ask(|reply| Command::SyncReport { run, reply }).await
    }
}
