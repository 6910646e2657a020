//! A peer back as a new run while this node still holds a connection of its last one: a
//! node killed and started again within seconds, whose earlier QUIC connection its peers
//! keep until the idle timeout (10 s; a TCP connection cut by a power loss longer).
//! gossipsub tells a peer what this node follows only on its first connection: it takes
//! the new run's connections for more connections of a peer it told already, so the new
//! run hears from no one what they follow and publishes to no one. A node says which run
//! it is in identify's agent string; when a known peer names another run, every
//! connection to it is closed and, once the last is gone, dialed again: both sides start
//! afresh. A peer can only make this node drop and dial itself; a peer that keeps naming
//! new runs is dialed again at most once every [`REDIAL_GAP`].

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId, Swarm};

use super::Behaviour;

/// The shortest time between two dials to a peer that came back as a new run.
pub const REDIAL_GAP: Duration = Duration::from_secs(60);

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

#[derive(Default)]
pub(super) struct Comebacks {
    /// Peers whose connections are being closed, with where to dial them once they are.
    to_dial: HashMap<PeerId, Vec<Multiaddr>>,
    /// When each peer was last dialed again (kept for [`REDIAL_GAP`]).
    dialed: HashMap<PeerId, Instant>,
}

impl Comebacks {
    /// `peer` said by identify that it is another run than the one this node met.
    pub fn on_new_run(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        peer: PeerId,
        listen_addrs: &[Multiaddr],
        now: Instant,
    ) {
        self.dialed
            .retain(|_, at| now.duration_since(*at) < REDIAL_GAP);
        let redial = !self.dialed.contains_key(&peer);
        tracing::info!(%peer, redial, "peer is back as a new run while its last connection was open: closing its connections so that both sides start afresh");
        if redial {
            self.to_dial.insert(peer, listen_addrs.to_vec());
        }
        let _ = swarm.disconnect_peer_id(peer);
    }

    /// The last connection to `peer` closed: dial it again if it came back as a new run.
    pub fn on_gone(&mut self, swarm: &mut Swarm<Behaviour>, peer: &PeerId, now: Instant) {
        let Some(addresses) = self.to_dial.remove(peer) else {
            return;
        };
        self.dialed.insert(*peer, now);
        let opts = DialOpts::peer_id(*peer)
            .addresses(addresses)
            .condition(PeerCondition::Disconnected)
            .build();
        if let Err(e) = swarm.dial(opts) {
            tracing::debug!(%peer, error = %e, "cannot dial a peer back as a new run");
        }
    }
}
