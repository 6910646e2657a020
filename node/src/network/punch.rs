//! Hole punches, and trying again when one failed. DCUtR punches once when a relayed
//! connection comes up (three dials) and then never again; but a punch can fail for a
//! while only — a NAT still holding the state of a connection that just ended, a machine
//! too busy to answer in time — and a connection left on a relay for good costs the
//! municipality that relays. So while a peer is reached only through a relay, the punch
//! is tried again, waiting longer each time: a new connection through a relay this node
//! is connected to (the way DCUtR starts a punch), two relayed connections at most.
//! Once a direct connection has stood for a moment, the connections through the relay are
//! closed: they cost the municipality that relays, and gossip keeps alive only the first
//! connection to a peer, so a direct one beside a relayed one would idle out and leave
//! the peer on the relay. A direct connection that closes while the relay still carries
//! the peer sets the tries going again.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use libp2p::core::{ConnectedPoint, Endpoint};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::ConnectionId;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId, Swarm, dcutr};

use super::Behaviour;
use super::addresses::is_relayed;
use super::worker::Counters;

/// The first wait before a punch is tried again: past the minute a machine keeps a
/// connection that just closed (TIME_WAIT), which keeps the port a punch needs.
const AGAIN_FIRST: Duration = Duration::from_secs(60);
/// The longest wait between tries (behind a NAT that picks a new port for every
/// connection no punch ever succeeds).
const AGAIN_MOST: Duration = Duration::from_secs(30 * 60);
/// Relayed connections to one peer past which no try adds another.
const MAX_RELAYED: usize = 2;
/// Addresses through a relay remembered for one peer, at most.
const MAX_CIRCUITS: usize = 3;
/// How long a direct connection stands before the relayed ones to the same peer close.
const HANDOVER: Duration = Duration::from_secs(5);
/// A sync or fetch under way keeps a relayed connection open (closing it would fail the
/// request it carries) for this long at most after a direct one came.
const HANDOVER_MOST: Duration = Duration::from_secs(120);

/// What this node knows of its connections to one peer.
#[derive(Default)]
struct Links {
    /// Open connections through a relay (not those being closed), and direct ones.
    relayed: HashSet<ConnectionId>,
    direct: usize,
    /// Since when a direct connection stands.
    direct_since: Option<Instant>,
    /// Where the peer is reached through a relay (as dialed, or as it told identify).
    circuits: Vec<Multiaddr>,
    /// When to try the punch again, while no direct connection came.
    again_at: Option<Instant>,
    /// The wait after the next failure.
    next_wait: Option<Duration>,
    /// The connection the last try dialed through the relay.
    retry_dial: Option<ConnectionId>,
}

/// A punch to try again now, and where to dial.
#[derive(Debug, PartialEq)]
pub(crate) struct Retry {
    pub peer: PeerId,
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
            links.relayed.insert(connection);
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

    /// Whether this node chose to connect to `peer` on this connection: it dialed it, and
    /// not as its side of a punch the peer started (DCUtR dials with the role turned), nor
    /// to try a punch again. Discovery stops at a number of peers this node chose:
    /// strangers that reach it through a relay and punch must not switch it off.
    pub fn chosen_by_us(
        &self,
        peer: &PeerId,
        connection: ConnectionId,
        at: &ConnectedPoint,
    ) -> bool {
        let punch_answer = matches!(
            at,
            ConnectedPoint::Dialer {
                role_override: Endpoint::Listener,
                ..
            }
        );
        let retry = self
            .links
            .get(peer)
            .is_some_and(|links| links.retry_dial == Some(connection));
        at.is_dialer() && !punch_answer && !retry
    }

    pub fn on_closed(
        &mut self,
        peer: &PeerId,
        connection: ConnectionId,
        at: &ConnectedPoint,
        now: Instant,
    ) {
        let Some(links) = self.links.get_mut(peer) else {
            return;
        };
        if at.is_relayed() {
            links.relayed.remove(&connection);
        } else {
            links.direct = links.direct.saturating_sub(1);
            if links.direct == 0 {
                links.direct_since = None;
                // Only the relay carries the peer again: punch again, after a wait.
                if !links.relayed.is_empty()
                    && !links.circuits.is_empty()
                    && links.again_at.is_none()
                {
                    links.schedule(now);
                }
            }
        }
        if links.relayed.is_empty() && links.direct == 0 {
            self.links.remove(peer);
        }
    }

    /// The relayed connections to close now: to peers a direct connection has reached for
    /// [`HANDOVER`], unless `busy` (a sync or fetch under way) and for less than
    /// [`HANDOVER_MOST`]. They count as closed from here on.
    fn handovers(
        &mut self,
        now: Instant,
        busy: impl Fn(&PeerId) -> bool,
    ) -> Vec<(PeerId, ConnectionId)> {
        let mut closing = Vec::new();
        for (peer, links) in &mut self.links {
            let Some(since) = links.direct_since else {
                continue;
            };
            let stood = now.saturating_duration_since(since);
            if links.relayed.is_empty() || stood < HANDOVER || (stood < HANDOVER_MOST && busy(peer))
            {
                continue;
            }
            closing.extend(links.relayed.drain().map(|connection| (*peer, connection)));
        }
        closing
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
    /// this node knows where, the punch is tried again; returns the wait.
    fn on_failed(&mut self, peer: PeerId, now: Instant) -> Option<Duration> {
        let links = self.links.get_mut(&peer)?;
        if links.direct > 0 || links.circuits.is_empty() {
            return None;
        }
        // Both connections through the relay may fail: one wait, not two.
        if let Some(at) = links.again_at {
            return Some(at.saturating_duration_since(now));
        }
        Some(links.schedule(now))
    }

    /// The punches due now, through relays `relay_connected` says this node is connected
    /// to: the relay client then asks over that connection, and no address a peer named
    /// is dialed (a stranger's "relay" would be one it runs itself). Each try schedules
    /// the next: the side that dials through the relay is told nothing when the punch
    /// fails.
    fn due(&mut self, now: Instant, relay_connected: impl Fn(&PeerId) -> bool) -> Vec<Retry> {
        let mut due = Vec::new();
        for (peer, links) in &mut self.links {
            if links.again_at.is_none_or(|at| now < at) {
                continue;
            }
            if links.direct > 0 {
                links.again_at = None;
                continue;
            }
            links.schedule(now);
            let circuits: Vec<Multiaddr> = links
                .circuits
                .iter()
                .filter(|c| relay_of(c).is_some_and(|relay| relay_connected(&relay)))
                .cloned()
                .collect();
            // Two relayed connections at most (one each way); none is closed under way.
            if circuits.is_empty() || links.relayed.len() >= MAX_RELAYED {
                continue;
            }
            due.push(Retry {
                peer: *peer,
                circuits,
            });
        }
        due
    }

    /// Every second: punches due are started again, and relayed connections a direct one
    /// replaced are closed (`busy`: whether a sync or fetch with a peer is under way).
    pub fn on_tick(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        now: Instant,
        busy: impl Fn(&PeerId) -> bool,
    ) {
        for (peer, connection) in self.handovers(now, busy) {
            tracing::debug!(%peer, "connected directly: closing the connection through the relay");
            swarm.close_connection(connection);
        }
        let connected: HashSet<PeerId> = swarm.connected_peers().copied().collect();
        for retry in self.due(now, |relay| connected.contains(relay)) {
            let opts = DialOpts::peer_id(retry.peer)
                .addresses(retry.circuits)
                .condition(PeerCondition::Always)
                .build();
            if let Some(links) = self.links.get_mut(&retry.peer) {
                links.retry_dial = Some(opts.connection_id());
            }
            match swarm.dial(opts) {
                Ok(()) => tracing::info!(peer = %retry.peer, "trying a hole punch again"),
                Err(error) => {
                    tracing::debug!(peer = %retry.peer, %error, "cannot dial through a relay again")
                }
            }
        }
    }
}

impl Links {
    /// The next try, after the next wait; returns the wait.
    fn schedule(&mut self, now: Instant) -> Duration {
        let wait = self.next_wait.unwrap_or(AGAIN_FIRST);
        self.again_at = Some(now + wait);
        self.next_wait = Some((wait * 2).min(AGAIN_MOST));
        wait
    }
}

/// The relay a circuit address goes through: the peer named just before `/p2p-circuit`.
fn relay_of(circuit: &Multiaddr) -> Option<PeerId> {
    let mut relay = None;
    for protocol in circuit.iter() {
        match protocol {
            Protocol::P2p(peer) => relay = Some(peer),
            Protocol::P2pCircuit => return relay,
            _ => {}
        }
    }
    None
}

fn note_circuit(links: &mut Links, address: &Multiaddr) {
    if links.circuits.len() < MAX_CIRCUITS && !links.circuits.contains(address) {
        links.circuits.push(address.clone());
    }
}

#[cfg(test)]
#[path = "punch_tests.rs"]
mod tests;
