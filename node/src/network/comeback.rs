//! A peer back as a new run while this node still holds a connection of its last one: a
//! node killed and started again within seconds, whose earlier QUIC connection its peers
//! keep until the idle timeout (10 s; a TCP connection cut by a power loss longer).
//! gossipsub tells a peer what this node follows only on its first connection: it takes
//! the new run's connections for more connections of a peer it told already, so the new
//! run hears from no one what they follow and publishes to no one. A node says which run
//! it is in identify's agent string. When a known peer names another run, this node first
//! dials it at an address the new run names (a probe, beside the connection it has); only
//! when that works does it close every connection to the peer and, once they are gone,
//! dial it again there: both sides start afresh. A peer that cannot be dialed back (behind
//! NAT) keeps its connection as it is, and sync carries what gossip does not.
//!
//! The peer itself decides what it names, so what it can do is bounded: the probe is dialed
//! under its own peer id (another node answering there fails the dial, which is not taken
//! for a rotated key), at most [`MAX_ADDRESSES`] addresses, never this node's own, loopback
//! only for a peer on this machine; and at most once every [`REDIAL_GAP`] per peer.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::swarm::ConnectionId;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId, Swarm};

use super::Behaviour;
use super::addresses::is_this_machine;

/// The shortest time between two probes of a peer that came back as a new run.
pub const REDIAL_GAP: Duration = Duration::from_secs(60);
/// Addresses of a new run tried, at most.
pub const MAX_ADDRESSES: usize = 8;

/// The agent string of this run of the node: its version and a random run id.
pub fn agent_version() -> String {
    let run = getrandom::u64().unwrap_or_else(|_| {
        // No random source: the clock tells runs apart as well.
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    format!("wiel/{} run/{run:016x}", env!("CARGO_PKG_VERSION"))
}

/// Where a peer back as a new run stands.
enum Step {
    /// Dialed beside the connections it has, to see whether it can be dialed back.
    Probing(ConnectionId),
    /// It could: every connection to it is closing; then it is dialed at `.0`.
    Closing(Multiaddr),
    /// Dialed again after every connection closed.
    Redialing(ConnectionId),
}

#[derive(Default)]
pub(super) struct Comebacks {
    /// Each with when it began: a step left over (the peer back before its last connection
    /// closed, so that `on_gone` never came) is dropped after [`REDIAL_GAP`].
    steps: HashMap<PeerId, (Step, Instant)>,
    /// When each peer was last probed (kept for [`REDIAL_GAP`]).
    probed: HashMap<PeerId, Instant>,
}

impl Comebacks {
    /// `peer` said by identify that it is another run than the one this node met, at
    /// `listen_addrs`; `on_loopback`: it is connected on this machine.
    pub fn on_new_run(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        peer: PeerId,
        listen_addrs: &[Multiaddr],
        on_loopback: bool,
        now: Instant,
    ) {
        self.probed
            .retain(|_, at| now.duration_since(*at) < REDIAL_GAP);
        self.steps
            .retain(|_, (_, since)| now.duration_since(*since) < REDIAL_GAP);
        // A step under way began with a probe within the gap: the peer is in `probed`.
        if self.probed.contains_key(&peer) {
            tracing::debug!(%peer, "peer back as a new run again within a minute: left as it is");
            return;
        }
        self.probed.insert(peer, now);
        let own: Vec<Multiaddr> = swarm.listeners().cloned().collect();
        let addresses: Vec<Multiaddr> = listen_addrs
            .iter()
            .filter(|a| !own.contains(a) && (on_loopback || !is_this_machine(a)))
            .take(MAX_ADDRESSES)
            .cloned()
            .collect();
        if addresses.is_empty() {
            tracing::info!(%peer, "peer is back as a new run and names no address to dial it back at: its connection is left as it is (sync carries what gossip does not)");
            return;
        }
        let opts = DialOpts::peer_id(peer)
            .addresses(addresses)
            .condition(PeerCondition::Always)
            .build();
        let connection = opts.connection_id();
        match swarm.dial(opts) {
            Ok(()) => {
                self.steps.insert(peer, (Step::Probing(connection), now));
            }
            Err(e) => {
                tracing::debug!(%peer, error = %e, "cannot dial a peer back as a new run")
            }
        }
    }

    /// A connection to `peer` at `address` was made.
    pub fn on_established(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        peer: PeerId,
        connection: ConnectionId,
        address: &Multiaddr,
    ) {
        match self.steps.get(&peer) {
            Some((Step::Probing(probe), since)) if *probe == connection => {
                tracing::info!(%peer, "peer is back as a new run while its last connection was open: closing its connections so that both sides start afresh");
                let since = *since;
                self.steps
                    .insert(peer, (Step::Closing(address.clone()), since));
                let _ = swarm.disconnect_peer_id(peer);
            }
            Some((Step::Redialing(redial), _)) if *redial == connection => {
                self.steps.remove(&peer);
            }
            _ => {}
        }
    }

    /// A dial failed: whether it was one of these (then it is not a rotated key's).
    pub fn on_dial_failed(&mut self, connection: ConnectionId) -> bool {
        let Some(peer) = self.steps.iter().find_map(|(peer, (step, _))| match step {
            Step::Probing(c) | Step::Redialing(c) if *c == connection => Some(*peer),
            _ => None,
        }) else {
            return false;
        };
        tracing::debug!(%peer, "a peer back as a new run could not be dialed back");
        self.steps.remove(&peer);
        true
    }

    /// The last connection to `peer` closed: dial it again where the probe reached it.
    pub fn on_gone(&mut self, swarm: &mut Swarm<Behaviour>, peer: &PeerId) {
        let Some((Step::Closing(address), since)) = self.steps.remove(peer) else {
            return;
        };
        let opts = DialOpts::peer_id(*peer)
            .addresses(vec![address])
            .condition(PeerCondition::Disconnected)
            .build();
        let connection = opts.connection_id();
        match swarm.dial(opts) {
            Ok(()) => {
                self.steps
                    .insert(*peer, (Step::Redialing(connection), since));
            }
            Err(e) => {
                tracing::debug!(%peer, error = %e, "cannot dial a peer back as a new run")
            }
        }
    }
}
