//! Reaching and being reached behind NAT or a firewall. AutoNAT asks the seeds to dial
//! back the addresses peers saw this node at: one that answers makes the node public (it
//! then relays for others, answers Kademlia, and asks relays for no more reservations);
//! until then a node reserves a slot on the relays it chose (bootstrap peers,
//! organisations it trusts) and is reachable through them at
//! `<relay>/p2p-circuit/p2p/<node>`; it finds peers beyond its bootstrap list by asking
//! Kademlia for the peers closest to a random id every 20 – 40 s, and dials them,
//! through a relay where that is the only way; DCUtR then punches a hole for a direct
//! connection (`punch`), which gossip and sync go on over. What relays did is logged.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

use libp2p::core::ConnectedPoint;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use libp2p::{Multiaddr, PeerId, Swarm, autonat, identify, kad, mdns, relay};
use serde::{Deserialize, Serialize};

use super::Behaviour;
use super::addresses::{dial_rank, has_ip};
pub use super::addresses::{is_loopback, is_relayed};
use super::bootstrap::Bootstrap;
use super::guard::PeerGuard;
use super::worker::Counters;

/// Kademlia's protocol (`behaviour`): a peer that speaks it answers lookups.
const KAD: &str = "/wiel/kad/1";
/// Circuit Relay v2's protocol for reservations: a peer that speaks it relays.
const HOP: &str = "/libp2p/circuit/relay/0.2.0/hop";
/// How often, on average, to look for peers beyond those connected.
const DISCOVERY_EVERY: Duration = Duration::from_secs(30);
/// The first look, soon after the first connection.
const FIRST_DISCOVERY: Duration = Duration::from_secs(2);
/// Peers dialed after one look, at most.
const DIALS_PER_LOOK: usize = 16;
/// Peers past which a look dials no one (those that count: see `PeerTable::counted`).
/// Gossip needs a handful per space and catch-up any one that holds the entries; with 342
/// municipalities, dialing every peer found would connect each to nearly all others (file
/// descriptors and memory on every node, for nothing). Peers dialing in still are
/// accepted up to the incoming limit in `behaviour`, and `trim` lets the least needed go
/// past its most, keeping more than this: letting go never sets discovery off again.
const WANTED_PEERS: usize = 16;
/// Addresses tried for one peer Kademlia found, at most (a peer may say many).
const ADDRESSES_PER_DIAL: usize = 4;
/// Addresses of one peer passed on to Kademlia, at most (a peer may say a hundred, and
/// others would dial them all).
const MAX_PEER_ADDRESSES: usize = 8;
/// Relays this node reserves a slot on, at most.
const MAX_RELAYS: usize = 3;
/// After a relay refused or closed a reservation: the first wait before asking again, and
/// the longest.
const RETRY_FIRST: Duration = Duration::from_secs(30);
const RETRY_MOST: Duration = Duration::from_secs(15 * 60);
/// Unreachable addresses remembered, at most (peers may tell many).
const MAX_TESTED: usize = 16;
/// AutoNAT v2's protocol: a peer that speaks it dials back (a seed).
const AUTONAT_DIAL_REQUEST: &str = "/libp2p/autonat/2/dial-request";
/// How long after a peer that dials back was first seen a node without a confirmed
/// address counts as not reachable. (Behind a NAT that drops what it did not ask for,
/// the dial back dies silently and no answer says "unreachable".)
const UNCONFIRMED_AFTER: Duration = Duration::from_secs(45);

type Kad = kad::Behaviour<kad::store::MemoryStore>;

/// libp2p's Kademlia looks up every bucket of its table (a "bootstrap") whenever it is
/// given a peer while the table holds fewer than 20, and cannot be told not to outside its
/// own tests. Each such walk asks dozens of peers, every one a connection made, synced
/// with and let go, and lasts minutes when peers are slow: 342 nodes started together
/// asked ~17 000 peers so while joining (~45 000 connections in all). This node looks for
/// peers itself while it has too few (`Reach::on_tick`), so a walk is ended as soon as it
/// is seen (within a second), and each step it goes on to is ended before it asks anyone.
fn end_walks_of_every_bucket(kad: &mut Kad) {
    for mut query in kad.iter_queries_mut() {
        if matches!(query.info(), kad::QueryInfo::Bootstrap { .. }) {
            query.finish();
        }
    }
}

/// Whether `event` is of a walk of every bucket; one gone on to its next bucket is ended
/// before it asks anyone.
fn end_a_walk_gone_on(kad: &mut Kad, event: &kad::Event) -> bool {
    let kad::Event::OutboundQueryProgressed {
        result: kad::QueryResult::Bootstrap(_),
        step,
        ..
    } = event
    else {
        return false;
    };
    if !step.last {
        end_walks_of_every_bucket(kad);
    }
    true
}

/// How many peers one look may dial with `connected` peers connected.
fn dials_after_look(connected: usize) -> usize {
    WANTED_PEERS.saturating_sub(connected).min(DIALS_PER_LOOK)
}

/// Whether others can dial this node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reachability {
    /// Not tested yet: no peer that tests (a seed) was asked, or none answered.
    Unknown,
    /// A peer dialed us back at an address: others can reach us directly.
    Public,
    /// Out of reach (NAT, firewall): an address tested was, or no peer that tests could
    /// dial us back for a while. Others reach us through a relay, or after a hole punch.
    Private,
}

/// What `wiel status` and `wiel doctor` show of how this node is reached.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReachView {
    pub reachability: Reachability,
    /// A seed (`wiel node --seed`).
    pub seed: bool,
    /// Addresses a peer dialed us back at (a seed: the addresses it listens on).
    pub public_addresses: Vec<String>,
    /// Addresses tested that could not be reached from outside.
    pub unreachable_addresses: Vec<String>,
    /// Relays holding a reservation for this node (peer ids).
    pub relays: Vec<String>,
    /// Whether this node offers to relay for others (it does once it is public).
    pub relays_for_others: bool,
    pub punches_succeeded: u64,
    pub punches_failed: u64,
}

pub(crate) struct Reach {
    seed: bool,
    /// `[node] relay`: relay for others once public.
    relay_on: bool,
    /// Addresses confirmed reachable (by AutoNAT, or a seed's own), and tested unreachable.
    confirmed: BTreeSet<Multiaddr>,
    unreachable: BTreeSet<Multiaddr>,
    /// Relays whose reservation for us holds.
    accepted: HashSet<PeerId>,
    /// When a peer that serves AutoNAT was first seen.
    tester_seen: Option<Instant>,
    /// Where we dialed each peer directly: where to ask it for a reservation.
    dialed: HashMap<PeerId, Multiaddr>,
    /// Relays asked for a reservation, by the listener that holds it.
    reserved: HashMap<libp2p::core::transport::ListenerId, PeerId>,
    /// Relays dialed over QUIC beside TCP (see `dial_quic_too`).
    quic_dialed: HashSet<PeerId>,
    /// Relays to ask again (a reservation refused or ended): when, and the next wait.
    retry: HashMap<PeerId, (Instant, Duration)>,
    /// The bootstrap peers: relays this node reserves on, besides those it trusts; dialed
    /// again while they are gone.
    bootstrap: Bootstrap,
    trust: crate::trust::TrustState,
    next_look: Option<Instant>,
    counters: Arc<Counters>,
}

impl Reach {
    pub fn new(
        seed: bool,
        relay_on: bool,
        bootstrap_addrs: Vec<Multiaddr>,
        trust: crate::trust::TrustState,
        counters: Arc<Counters>,
    ) -> Reach {
        Reach {
            seed,
            relay_on,
            confirmed: BTreeSet::new(),
            unreachable: BTreeSet::new(),
            accepted: HashSet::new(),
            tester_seen: None,
            counters,
            bootstrap: Bootstrap::new(bootstrap_addrs),
            trust,
            dialed: HashMap::new(),
            reserved: HashMap::new(),
            retry: HashMap::new(),
            quic_dialed: HashSet::new(),
            next_look: None,
        }
    }

    pub fn on_connected(&mut self, peer: PeerId, endpoint: &ConnectedPoint, now: Instant) {
        if let ConnectedPoint::Dialer { address, .. } = endpoint {
            self.bootstrap.on_dialed(peer, address);
        }
        if let ConnectedPoint::Dialer { address, .. } = endpoint
            && !is_relayed(address)
        {
            let plain = super::peers::without_peer(address);
            self.dialed.insert(peer, plain);
        }
        if self.next_look.is_none() {
            self.next_look = Some(now + FIRST_DISCOVERY);
        }
    }

    /// A seed is public: what it listens on at a public address is where others reach it,
    /// and a relay offers its service only with an address to be reached at.
    pub fn on_listening(&mut self, swarm: &mut Swarm<Behaviour>, address: &Multiaddr) {
        if self.seed && dial_rank(address) == 0 {
            swarm.add_external_address(address.clone());
            self.confirmed.insert(address.clone());
        }
    }

    pub fn reachability(&self) -> Reachability {
        let waited = self
            .tester_seen
            .is_some_and(|seen| seen.elapsed() >= UNCONFIRMED_AFTER);
        if !self.confirmed.is_empty() {
            Reachability::Public
        } else if !self.unreachable.is_empty() || waited {
            Reachability::Private
        } else {
            Reachability::Unknown
        }
    }

    pub fn view(&self) -> ReachView {
        let text = |set: &BTreeSet<Multiaddr>| set.iter().map(|a| a.to_string()).collect();
        let mut relays: Vec<String> = self.accepted.iter().map(|p| p.to_string()).collect();
        relays.sort();
        ReachView {
            reachability: self.reachability(),
            seed: self.seed,
            public_addresses: text(&self.confirmed),
            unreachable_addresses: text(&self.unreachable),
            relays,
            relays_for_others: (self.seed || self.relay_on)
                && self.reachability() == Reachability::Public,
            punches_succeeded: self.counters.punches_succeeded.load(Relaxed),
            punches_failed: self.counters.punches_failed.load(Relaxed),
        }
    }

    /// What AutoNAT found for one address. The first address confirmed makes this node
    /// public: it offers to relay, answers Kademlia, and asks relays for no more
    /// reservations.
    pub fn on_autonat(&mut self, swarm: &mut Swarm<Behaviour>, event: autonat::v2::client::Event) {
        let address = event.tested_addr;
        // Only a peer this node chose may tell it that it is public: any peer can speak
        // AutoNAT, and a hostile one that dials back over the way we came (a NAT lets that
        // in) would make us stop asking relays for a way in, out of reach for the others.
        if !self.is_chosen(&event.server) {
            tracing::debug!(%address, server = %event.server, "ignoring AutoNAT's verdict of a peer this node did not choose");
            // libp2p took its confirmation as an address of ours: not on its word alone.
            if event.result.is_ok() && !self.confirmed.contains(&address) {
                swarm.remove_external_address(&address);
            }
            return;
        }
        match event.result {
            Ok(()) => {
                tracing::info!(%address, server = %event.server, "reachable from outside at this address");
                self.unreachable.remove(&address);
                let first = self.confirmed.is_empty();
                self.confirmed.insert(address);
                if first {
                    let behaviour = swarm.behaviour_mut();
                    if let Some(relay) = behaviour.relay.as_mut() {
                        relay.set_status(Some(relay::Status::Enable));
                    }
                    // No new reservations (see `reserve`); those held are kept until
                    // their connection ends: closing a reservation's listener while the
                    // relay's answer is on its way makes libp2p's relay client panic
                    // ("Relay connection exist"), and peers dial public addresses first.
                    self.retry.clear();
                    self.set_kad_mode(swarm);
                }
            }
            Err(error) => {
                tracing::info!(%address, server = %event.server, %error, "not reachable from outside at this address");
                let direct = has_ip(&address) && !is_relayed(&address);
                if direct
                    && !self.confirmed.contains(&address)
                    && self.unreachable.len() < MAX_TESTED
                {
                    self.unreachable.insert(address);
                }
            }
        }
    }

    /// The last connection to `peer` closed.
    pub fn on_gone(&mut self, peer: &PeerId) {
        self.dialed.remove(peer);
        self.accepted.remove(peer);
        self.reserved.retain(|_, relay| relay != peer);
        self.retry.remove(peer);
        self.quic_dialed.remove(peer);
    }

    /// A listener closed: when it held a reservation, that relay is asked again later
    /// (it may have refused, been full, or restarted), waiting longer each time.
    pub fn on_listener_closed(
        &mut self,
        listener: libp2p::core::transport::ListenerId,
        now: Instant,
    ) {
        let Some(relay) = self.reserved.remove(&listener) else {
            return;
        };
        self.accepted.remove(&relay);
        let wait = self
            .retry
            .get(&relay)
            .map_or(RETRY_FIRST, |(_, wait)| *wait);
        tracing::info!(%relay, wait_s = wait.as_secs(), "no reservation on a relay; asking again later");
        self.retry
            .insert(relay, (now + wait, (wait * 2).min(RETRY_MOST)));
    }

    /// A peer we dialed that relays, and that we chose (a bootstrap peer, or an
    /// organisation we trust): reserve a slot on it, to be reachable through it. Not on any
    /// relay that happens to be found: whoever relays sees who talks to whom. (And a peer
    /// that tests reachability is noted, when chosen.)
    pub fn on_identified(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        peer: PeerId,
        info: &identify::Info,
        on_this_machine: bool,
    ) {
        let answers_kad = info.protocols.iter().any(|p| p.as_ref() == KAD);
        let (seed, bootstrap) = (
            self.seed,
            self.bootstrap.contains(&peer, &self.trust.current()),
        );
        if let Some(kad) = swarm.behaviour_mut().kad.as_mut()
            && answers_kad
            && super::trim::joins_table(kad, peer, seed, bootstrap)
        {
            // A peer's loopback addresses are this machine's only when we reach it there.
            for addr in info.listen_addrs.iter().take(MAX_PEER_ADDRESSES) {
                if on_this_machine || !is_loopback(addr) {
                    kad.add_address(&peer, addr.clone());
                }
            }
        }
        if self.tester_seen.is_none()
            && self.is_chosen(&peer)
            && info
                .protocols
                .iter()
                .any(|p| p.as_ref() == AUTONAT_DIAL_REQUEST)
        {
            self.tester_seen = Some(Instant::now());
        }
        if !info.protocols.iter().any(|p| p.as_ref() == HOP) {
            return;
        }
        if self.is_chosen(&peer) {
            self.reserve(swarm, peer);
            self.dial_quic_too(swarm, peer, &info.listen_addrs);
        }
    }

    /// A relay this node chose, dialed over TCP: dialed over QUIC as well, so that it
    /// sees (and identify tells us) where our QUIC socket is reached from outside. A hole
    /// punch then tries QUIC beside TCP — and TCP alone fails for minutes after a peer
    /// vanished (a power cut): the old connection's socket lingers on the very port a
    /// punch must dial from.
    fn dial_quic_too(&mut self, swarm: &mut Swarm<Behaviour>, peer: PeerId, listen: &[Multiaddr]) {
        let is_quic = |a: &Multiaddr| a.iter().any(|p| matches!(p, Protocol::QuicV1));
        if self.seed
            || self.reachability() == Reachability::Public
            || self.dialed.get(&peer).is_none_or(is_quic)
            || self.quic_dialed.contains(&peer)
        {
            return;
        }
        let Some(quic) = listen
            .iter()
            .find(|a| is_quic(a) && !is_relayed(a) && dial_rank(a) == 0)
        else {
            return;
        };
        self.quic_dialed.insert(peer);
        let opts = DialOpts::peer_id(peer)
            .addresses(vec![quic.clone()])
            .condition(PeerCondition::Always)
            .build();
        if swarm.dial(opts).is_ok() {
            tracing::debug!(relay = %peer, address = %quic, "dialing a relay over QUIC too");
        }
    }

    /// A peer this node chose to rely on: a bootstrap peer, or an organisation it trusts.
    fn is_chosen(&self, peer: &PeerId) -> bool {
        self.bootstrap.contains(peer, &self.trust.current())
            || super::peers::org_key_of(peer)
                .is_some_and(|key| self.trust.current().is_trusted(&key))
    }

    fn reserve(&mut self, swarm: &mut Swarm<Behaviour>, peer: PeerId) {
        if self.seed
            || self.reachability() == Reachability::Public
            || self.reserved.len() >= MAX_RELAYS
            || self.reserved.values().any(|relay| *relay == peer)
        {
            return;
        }
        let Some(addr) = self.dialed.get(&peer) else {
            return;
        };
        let circuit = addr
            .clone()
            .with(Protocol::P2p(peer))
            .with(Protocol::P2pCircuit);
        match swarm.listen_on(circuit.clone()) {
            Ok(listener) => {
                self.reserved.insert(listener, peer);
                tracing::info!(relay = %peer, %circuit, "asking a relay for a reservation");
            }
            Err(error) => tracing::warn!(relay = %peer, %error, "cannot listen through a relay"),
        }
    }

    /// Every second: Kademlia's mode, relays to ask again, and now and then, while fewer
    /// than [`WANTED_PEERS`] are connected, ask Kademlia for more peers.
    pub fn on_tick(&mut self, swarm: &mut Swarm<Behaviour>, counted_peers: usize, now: Instant) {
        if let Some(kad) = swarm.behaviour_mut().kad.as_mut() {
            end_walks_of_every_bucket(kad);
        }
        self.bootstrap.redial(swarm, &self.trust.current(), now);
        // A reservation lost, a relay gone: Kademlia follows.
        self.set_kad_mode(swarm);
        let due: Vec<PeerId> = self
            .retry
            .iter()
            .filter(|(_, (at, _))| *at <= now)
            .map(|(relay, _)| *relay)
            .collect();
        for relay in due {
            if let Some((at, wait)) = self.retry.get_mut(&relay) {
                // Kept, with its next wait, until a reservation holds or the relay goes.
                *at = now + *wait;
            }
            self.reserve(swarm, relay);
        }
        let Some(due) = self.next_look else {
            return;
        };
        if now < due {
            return;
        }
        // Spread at random (20 – 40 s): nodes started together (after a power cut, a
        // release) would otherwise look, connect and sync with new peers all at once.
        self.next_look =
            Some(now + super::drawn_between(DISCOVERY_EVERY * 2 / 3, DISCOVERY_EVERY * 4 / 3));
        // A look connects to the peers it asks: with enough peers, none is made.
        if dials_after_look(counted_peers) == 0 {
            return;
        }
        if let Some(kad) = swarm.behaviour_mut().kad.as_mut() {
            tracing::debug!(counted_peers, "looking for peers beyond those connected");
            kad.get_closest_peers(PeerId::random());
        }
    }

    /// Peers mDNS found on the local network: dialed unless connected or blocked.
    pub fn on_mdns(&mut self, swarm: &mut Swarm<Behaviour>, event: mdns::Event, guard: &PeerGuard) {
        let mdns::Event::Discovered(found) = event else {
            return;
        };
        for (peer, addr) in found {
            if !swarm.is_connected(&peer) && !guard.is_blocked(&peer) {
                let _ = swarm.dial(addr);
            }
        }
    }

    /// Peers Kademlia found: dialed where not connected yet (through a relay if that is
    /// the address they have), until [`WANTED_PEERS`] are connected.
    pub fn on_kad(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        event: kad::Event,
        counted_peers: usize,
        guard: &PeerGuard,
    ) {
        if let Some(kad) = swarm.behaviour_mut().kad.as_mut()
            && end_a_walk_gone_on(kad, &event)
        {
            return;
        }
        let kad::Event::OutboundQueryProgressed {
            result: kad::QueryResult::GetClosestPeers(Ok(found)),
            ..
        } = event
        else {
            return;
        };
        let local = *swarm.local_peer_id();
        let room = dials_after_look(counted_peers);
        let mut dialed = 0;
        for info in found.peers {
            if dialed == room {
                break;
            }
            if info.peer_id == local
                || swarm.is_connected(&info.peer_id)
                || guard.is_blocked(&info.peer_id)
                || info.addrs.is_empty()
            {
                continue;
            }
            let mut addrs = info.addrs;
            addrs.sort_by_key(dial_rank);
            addrs.truncate(ADDRESSES_PER_DIAL);
            let opts = DialOpts::peer_id(info.peer_id)
                .addresses(addrs)
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build();
            if swarm.dial(opts).is_ok() {
                dialed += 1;
                tracing::debug!(peer = %info.peer_id, "dialing a peer Kademlia found");
            }
        }
    }

    /// Kademlia answers where others can reach this node to ask: directly (public), or
    /// through a relay that holds a reservation for it — how nodes behind NAT find each
    /// other. Otherwise it only asks.
    fn set_kad_mode(&self, swarm: &mut Swarm<Behaviour>) {
        let answers =
            self.seed || self.reachability() == Reachability::Public || !self.accepted.is_empty();
        if let Some(kad) = swarm.behaviour_mut().kad.as_mut() {
            let mode = if answers {
                kad::Mode::Server
            } else {
                kad::Mode::Client
            };
            if kad.mode() != mode {
                kad.set_mode(Some(mode));
            }
        }
    }

    pub fn on_relay_client(&mut self, swarm: &mut Swarm<Behaviour>, event: relay::client::Event) {
        match event {
            relay::client::Event::ReservationReqAccepted { relay_peer_id, .. } => {
                self.retry.remove(&relay_peer_id);
                self.accepted.insert(relay_peer_id);
                self.set_kad_mode(swarm);
                self.counters.relay_reservations.fetch_add(1, Relaxed);
                tracing::info!(relay = %relay_peer_id, "reachable through a relay");
            }
            other => tracing::debug!(event = ?other, "relay"),
        }
    }

    /// Whether this node must stay connected to `peer`: a bootstrap peer, or a relay that
    /// holds (or is asked for) a reservation for us.
    pub fn needs(&self, peer: &PeerId) -> bool {
        self.bootstrap.contains(peer, &self.trust.current())
            || self.accepted.contains(peer)
            || self.reserved.values().any(|relay| relay == peer)
    }
}

#[cfg(test)]
#[path = "reach_tests.rs"]
mod tests;
