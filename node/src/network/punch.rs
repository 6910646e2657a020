//! Hole punches, and trying again when one failed. DCUtR punches once when a relayed
//! connection comes up (three dials) and then never again; but a punch can fail for a
//! while only — a NAT still holding the state of a connection that just ended, a machine
//! too busy to answer in time — and a connection left on a relay for good costs the
//! municipality that relays. So while a peer is reached only through a relay, the punch
//! is tried again, waiting longer each time: a new connection through the relay (the way
//! DCUtR starts a punch), the older relayed ones closed so that no more than two stay.
//! Once a peer is reached directly, its relayed connections are closed after a while
//! (what was under way on them done): gossip and sync move to the direct one, and the
//! relay's budget is kept for those that need it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use libp2p::core::ConnectedPoint;
use libp2p::swarm::ConnectionId;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId, Swarm, dcutr};

use super::addresses::is_relayed;
use super::behaviour::Behaviour;
use super::worker::Counters;

/// The first wait before a punch is tried again: past the minute a machine keeps a
/// connection that just closed (TIME_WAIT), which keeps the port a punch needs.
const AGAIN_FIRST: Duration = Duration::from_secs(60);
/// The longest wait between tries (behind a NAT that picks a new port for every
/// connection no punch ever succeeds).
const AGAIN_MOST: Duration = Duration::from_secs(30 * 60);
/// How long a peer is reached directly before its relayed connections are closed.
const RELAYED_CLOSED_AFTER: Duration = Duration::from_secs(10);
/// Addresses through a relay remembered for one peer, at most.
const MAX_CIRCUITS: usize = 3;

/// What this node knows of its connections to one peer.
#[derive(Default)]
struct Links {
    /// Relayed connections, oldest first.
    relayed: Vec<ConnectionId>,
    direct: usize,
    /// Since when the peer is reached directly.
    direct_since: Option<Instant>,
    /// Where the peer is reached through a relay (as dialed, or as it told identify).
    circuits: Vec<Multiaddr>,
    /// When to try the punch again, if it failed and no direct connection came since.
    again_at: Option<Instant>,
    /// The wait after the next failure.
    next_wait: Option<Duration>,
}

/// A punch to try again now: the relayed connections to close first, and where to dial.
#[derive(Debug, PartialEq)]
pub(crate) struct Retry {
    pub peer: PeerId,
    pub close: Vec<ConnectionId>,
    pub circuits: Vec<Multiaddr>,
}

pub(crate) struct Punches {
    links: HashMap<PeerId, Links>,
    counters: Arc<Counters>,
}

impl Punches {
    pub fn new(counters: Arc<Counters>) -> Punches {
        Punches {
            links: HashMap::new(),
            counters,
        }
    }

    pub fn on_connected(
        &mut self,
        peer: PeerId,
        connection: ConnectionId,
        at: &ConnectedPoint,
        now: Instant,
    ) {
        let links = self.links.entry(peer).or_default();
        if at.is_relayed() {
            links.relayed.push(connection);
            if let ConnectedPoint::Dialer { address, .. } = at {
                note_circuit(links, address);
            }
        } else {
            links.direct += 1;
            links.direct_since.get_or_insert(now);
            links.again_at = None;
            links.next_wait = None;
        }
    }

    pub fn on_closed(&mut self, peer: &PeerId, connection: ConnectionId, at: &ConnectedPoint) {
        let Some(links) = self.links.get_mut(peer) else {
            return;
        };
        if at.is_relayed() {
            links.relayed.retain(|c| *c != connection);
        } else {
            links.direct = links.direct.saturating_sub(1);
            if links.direct == 0 {
                links.direct_since = None;
            }
        }
        if links.relayed.is_empty() && links.direct == 0 {
            self.links.remove(peer);
        }
    }

    /// The addresses a connected peer listens on: those through a relay are where a
    /// punch can be started again.
    pub fn on_identified(&mut self, peer: &PeerId, listen: &[Multiaddr]) {
        if let Some(links) = self.links.get_mut(peer) {
            for address in listen.iter().filter(|a| is_relayed(a)) {
                note_circuit(links, address);
            }
        }
    }

    pub fn on_dcutr(&mut self, event: dcutr::Event, now: Instant) {
        let peer = event.remote_peer_id;
        match event.result {
            Ok(_) => {
                self.counters.punches_succeeded.fetch_add(1, Relaxed);
                if let Some(links) = self.links.get_mut(&peer) {
                    links.again_at = None;
                    links.next_wait = None;
                }
                tracing::info!(%peer, "hole punched: connected directly")
            }
            Err(error) => {
                self.counters.punches_failed.fetch_add(1, Relaxed);
                match self.on_failed(peer, now) {
                    Some(wait) => {
                        tracing::info!(%peer, %error, again_in_s = wait.as_secs(), "hole punching failed; staying relayed, trying again later")
                    }
                    None => tracing::info!(%peer, %error, "hole punching failed; staying relayed"),
                }
            }
        }
    }

    /// A punch with `peer` failed: when it is still reached only through a relay, and
    /// this node knows where, the punch is tried again after the returned wait.
    fn on_failed(&mut self, peer: PeerId, now: Instant) -> Option<Duration> {
        let links = self.links.get_mut(&peer)?;
        if links.direct > 0 || links.circuits.is_empty() {
            return None;
        }
        let wait = links.next_wait.unwrap_or(AGAIN_FIRST);
        links.again_at = Some(now + wait);
        links.next_wait = Some((wait * 2).min(AGAIN_MOST));
        Some(wait)
    }

    /// The punches due now. Each is taken off the list: the next failure puts it back.
    fn due(&mut self, now: Instant) -> Vec<Retry> {
        let mut due = Vec::new();
        for (peer, links) in &mut self.links {
            if links.again_at.is_none_or(|at| now < at) {
                continue;
            }
            links.again_at = None;
            if links.direct > 0 {
                continue;
            }
            // The newest relayed connection stays until the new one is up.
            let keep = links.relayed.len().saturating_sub(1);
            due.push(Retry {
                peer: *peer,
                close: links.relayed[..keep].to_vec(),
                circuits: links.circuits.clone(),
            });
        }
        due
    }

    /// Relayed connections to peers reached directly for a while.
    fn relayed_to_close(&self, now: Instant) -> Vec<ConnectionId> {
        self.links
            .values()
            .filter(|links| {
                links
                    .direct_since
                    .is_some_and(|since| now.duration_since(since) >= RELAYED_CLOSED_AFTER)
            })
            .flat_map(|links| links.relayed.iter().copied())
            .collect()
    }

    /// Every second: punches due are started again, and relayed connections no longer
    /// needed are closed.
    pub fn on_tick(&mut self, swarm: &mut Swarm<Behaviour>, now: Instant) {
        for connection in self.relayed_to_close(now) {
            if swarm.close_connection(connection) {
                tracing::debug!(
                    ?connection,
                    "closing a relayed connection: connected directly"
                );
            }
        }
        for retry in self.due(now) {
            for connection in &retry.close {
                swarm.close_connection(*connection);
            }
            let opts = DialOpts::peer_id(retry.peer)
                .addresses(retry.circuits)
                .condition(PeerCondition::Always)
                .build();
            match swarm.dial(opts) {
                Ok(()) => tracing::info!(peer = %retry.peer, "trying a hole punch again"),
                Err(error) => {
                    tracing::debug!(peer = %retry.peer, %error, "cannot dial through a relay again")
                }
            }
        }
    }
}

fn note_circuit(links: &mut Links, address: &Multiaddr) {
    if links.circuits.len() < MAX_CIRCUITS && !links.circuits.contains(address) {
        links.circuits.push(address.clone());
    }
}

#[cfg(test)]
#[path = "punch_tests.rs"]
mod tests;
