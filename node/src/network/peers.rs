//! The peers: what this node knows of each connected peer (the peer table), and the
//! discipline it keeps them to (the peer guard: strikes and blocks for objective faults,
//! per-peer rates for gossip, sync and fetch requests, catch-ups for what was dropped).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};
use wiel_protocol::{OrgKey, SpaceName};

use crate::rate::TokenBucket;
use crate::trust::TrustSet;

use super::client::PeerView;

/// Invalid messages a peer may send within [`STRIKE_WINDOW`] before it is blocked.
pub const MAX_STRIKES: u32 = 10;
const STRIKE_WINDOW: Duration = Duration::from_secs(600);
/// How long a misbehaving peer, or one on another network, is kept away.
pub const BLOCK_TIME: Duration = Duration::from_secs(600);
/// Gossip a peer may send: messages a second, and a burst. Past it, messages are dropped
/// unvalidated and not passed on, and a catch-up sync with the peer follows: an honest
/// busy peer loses nothing, a flooding one is slowed to this node's pace.
const PEER_GOSSIP_RATE: f64 = 200.0;
const PEER_GOSSIP_BURST: f64 = 1000.0;
/// Sync requests a peer may make per second (a symbol round or an offer each), and at once.
/// An honest session needs a few rounds per space every few minutes.
const PEER_SYNC_RATE: f64 = 5.0;
const PEER_SYNC_BURST: f64 = 100.0;
/// Fetch requests a peer may make per second, and at once: a catch-up of 100 000 entries
/// is about 400 requests.
const PEER_FETCH_RATE: f64 = 50.0;
const PEER_FETCH_BURST: f64 = 500.0;
/// How long after throttling a peer the catch-up sync with it starts.
const CATCH_UP_DELAY: Duration = Duration::from_secs(10);
/// How long a peer may take to answer identify (and so say its network).
const IDENTIFY_DEADLINE: Duration = Duration::from_secs(30);

/// The organisation key behind a peer id: a node's libp2p identity is its organisation key.
pub fn org_key_of(peer: &PeerId) -> Option<OrgKey> {
    let hash = peer.as_ref();
    // Ed25519 keys are short enough to be inlined in the id ("identity" hash, code 0).
    if hash.code() != 0 {
        return None;
    }
    let key = libp2p::identity::PublicKey::try_decode_protobuf(hash.digest()).ok()?;
    Some(OrgKey::from_bytes(key.try_into_ed25519().ok()?.to_bytes()))
}

fn peer_id_of(key: &OrgKey) -> Option<PeerId> {
    let key = libp2p::identity::ed25519::PublicKey::try_from_bytes(key.as_bytes()).ok()?;
    Some(libp2p::identity::PublicKey::from(key).to_peer_id())
}

/// The peer id an address names: its last `/p2p/` part (through a relay,
/// `…/p2p/<relay>/p2p-circuit/p2p/<peer>`, the peer is the last one).
pub fn peer_of(addr: &Multiaddr) -> Option<PeerId> {
    addr.iter()
        .filter_map(|p| match p {
            Protocol::P2p(id) => Some(id),
            _ => None,
        })
        .last()
}

/// `addr` with its peer id moved on to the organisation's current key, when the key behind
/// it rotated (and the rotation counts: see [`TrustSet::current_key`]): peers keep reaching
/// a municipality that rotated its key. `None` when there is nothing to follow.
pub fn follow_rotation(addr: &Multiaddr, trust: &TrustSet) -> Option<Multiaddr> {
    let old = peer_of(addr)?;
    let current = peer_id_of(&trust.current_key(&org_key_of(&old)?)?)?;
    Some(
        addr.iter()
            .map(|p| match p {
                Protocol::P2p(_) => Protocol::P2p(current),
                other => other,
            })
            .collect(),
    )
}

/// What this node knows of one connected peer.
#[derive(Default)]
pub struct Peer {
    pub address: Option<Multiaddr>,
    pub org_key: Option<OrgKey>,
    pub agent: Option<String>,
    pub latency: Option<Duration>,
    pub spaces: Vec<SpaceName>,
    /// We dialed it (and so start catch-up sync with it).
    pub dialed: bool,
    /// When its first connection was made: a peer that has not told its network by
    /// identify within [`IDENTIFY_DEADLINE`] is let go.
    pub connected_at: Option<Instant>,
    /// Its open connections that do not go through a relay.
    pub direct: std::collections::HashSet<libp2p::swarm::ConnectionId>,
    /// How far its clock is ahead of ours, in milliseconds (see `clock`).
    pub clock_offset_ms: Option<i64>,
}

/// What an identify answer told about a peer.
pub enum Identified {
    /// It is on another wiel network: block it.
    OtherNetwork,
    /// Its first answer, and we dialed it: start catching up with it.
    NewDialed,
    /// Its first answer, and it dialed us.
    NewDialedUs,
    /// Another run of it than the one met on a connection still open (see `comeback`).
    NewRun,
    Known,
}

/// The connected peers.
#[derive(Default)]
pub struct PeerTable {
    peers: HashMap<PeerId, Peer>,
}

impl PeerTable {
    pub fn entry(&mut self, peer: PeerId) -> &mut Peer {
        self.peers.entry(peer).or_default()
    }

    pub fn get(&self, peer: &PeerId) -> Option<&Peer> {
        self.peers.get(peer)
    }

    /// A connection to `peer` was set up (by us when `dialed`) at `address`.
    pub fn on_connected(
        &mut self,
        peer: PeerId,
        address: &Multiaddr,
        dialed: bool,
        connection: libp2p::swarm::ConnectionId,
        relayed: bool,
    ) {
        let peer = self.entry(peer);
        if !relayed {
            peer.direct.insert(connection);
        }
        // The address shown: a direct one, where there is one.
        if !relayed || peer.direct.is_empty() {
            peer.address = Some(address.clone());
        }
        peer.dialed |= dialed;
        peer.connected_at.get_or_insert_with(Instant::now);
    }

    /// One of the connections to `peer` closed (others may remain).
    pub fn on_closed(&mut self, peer: &PeerId, connection: libp2p::swarm::ConnectionId) {
        if let Some(peer) = self.peers.get_mut(peer) {
            peer.direct.remove(&connection);
        }
    }

    /// Whether we reach `peer` on this machine's loopback.
    pub fn is_on_loopback(&self, peer: &PeerId) -> bool {
        self.peers
            .get(peer)
            .and_then(|p| p.address.as_ref())
            .is_some_and(super::reach::is_loopback)
    }

    /// `peer` now follows `space`, or (`follows` false) no longer does.
    pub fn on_subscription(&mut self, peer: PeerId, space: SpaceName, follows: bool) {
        if follows {
            let peer = self.entry(peer);
            if !peer.spaces.contains(&space) {
                peer.spaces.push(space);
            }
        } else if let Some(peer) = self.peers.get_mut(&peer) {
            peer.spaces.retain(|s| *s != space);
        }
    }

    pub fn on_clock(&mut self, peer: &PeerId, offset_ms: i64) {
        if let Some(p) = self.peers.get_mut(peer) {
            p.clock_offset_ms = Some(offset_ms);
        }
    }

    pub fn on_ping(&mut self, event: libp2p::ping::Event) {
        if let (Ok(rtt), Some(p)) = (event.result, self.peers.get_mut(&event.peer)) {
            p.latency = Some(rtt);
        }
    }

    pub fn contains(&self, peer: &PeerId) -> bool {
        self.peers.contains_key(peer)
    }

    pub fn remove(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
    }

    pub fn count(&self) -> usize {
        self.peers.len()
    }

    /// The peers that count when a node asks whether it has enough: those it dialed, and
    /// those whose entries it shows (organisations it trusts; everyone in open mode). A
    /// thousand fresh keys dialing in count for nothing, and letting peers go (`trim`)
    /// keeps more than discovery wants, so it does not set discovery off again.
    pub fn counted(&self, trust: &TrustSet) -> usize {
        let shown = |p: &Peer| p.org_key.is_some_and(|k| trust.shows(&k));
        self.peers.values().filter(|p| p.dialed || shown(p)).count()
    }

    /// Notes what `peer` said by identify (`ours`: this node's protocol version).
    pub fn on_identified(
        &mut self,
        peer: PeerId,
        info: &libp2p::identify::Info,
        ours: &str,
    ) -> Identified {
        if info.protocol_version != ours {
            return Identified::OtherNetwork;
        }
        let entry = self.entry(peer);
        entry.org_key = info
            .public_key
            .clone()
            .try_into_ed25519()
            .ok()
            .map(|k| OrgKey::from_bytes(k.to_bytes()));
        let earlier = entry.agent.replace(info.agent_version.clone());
        match (earlier, entry.dialed) {
            (None, true) => Identified::NewDialed,
            (None, false) => Identified::NewDialedUs,
            (Some(run), _) if run != info.agent_version => Identified::NewRun,
            (Some(_), _) => Identified::Known,
        }
    }

    /// Every connected peer.
    pub fn ids(&self) -> Vec<PeerId> {
        self.peers.keys().copied().collect()
    }

    /// The peers that said by identify that they are on our network.
    pub fn identified(&self) -> Vec<PeerId> {
        self.peers
            .iter()
            .filter(|(_, p)| p.agent.is_some())
            .map(|(id, _)| *id)
            .collect()
    }

    /// The identified peers that follow `space`, in a stable order.
    pub fn following(&self, space: &SpaceName) -> Vec<PeerId> {
        let mut followers: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| p.agent.is_some() && p.spaces.contains(space))
            .map(|(id, _)| *id)
            .collect();
        followers.sort();
        followers
    }

    /// Peers that have not answered identify within [`IDENTIFY_DEADLINE`] of connecting.
    pub fn silent(&self, now: Instant) -> Vec<PeerId> {
        self.peers
            .iter()
            .filter(|(_, p)| {
                p.agent.is_none()
                    && p.connected_at
                        .is_some_and(|at| now.duration_since(at) > IDENTIFY_DEADLINE)
            })
            .map(|(id, _)| *id)
            .collect()
    }

    pub fn views(&self) -> Vec<PeerView> {
        let mut views: Vec<PeerView> = self
            .peers
            .iter()
            .map(|(id, p)| PeerView {
                peer_id: id.to_string(),
                org_key: p.org_key,
                address: p.address.as_ref().map(|a| a.to_string()),
                spaces: p.spaces.clone(),
                latency_ms: p.latency.map(|d| d.as_secs_f64() * 1000.0),
                agent: p.agent.clone(),
                relayed: p.direct.is_empty(),
                clock_offset_ms: p.clock_offset_ms,
                connected_s: p.connected_at.map(|at| at.elapsed().as_secs()),
            })
            .collect();
        views.sort_by(|a, b| a.peer_id.cmp(&b.peer_id));
        views
    }
}

/// The discipline peers are kept to. Only objective faults strike (see the worker's
/// admission); verdicts that depend on this node's own state never do.
#[derive(Default)]
pub struct PeerGuard {
    strikes: HashMap<PeerId, (u32, Instant)>,
    blocked_until: HashMap<PeerId, Instant>,
    gossip: HashMap<PeerId, TokenBucket>,
    sync: HashMap<PeerId, TokenBucket>,
    fetch: HashMap<PeerId, TokenBucket>,
    /// Peers whose messages were dropped (throttled, or the worker was busy): a catch-up
    /// sync with each at the given moment.
    catch_up: HashMap<PeerId, Instant>,
}

impl PeerGuard {
    /// Counts a fault of `peer`. `true` when it reached [`MAX_STRIKES`] within
    /// [`STRIKE_WINDOW`]: block it now (see [`PeerGuard::block`]).
    pub fn strike(&mut self, peer: PeerId) -> bool {
        let strikes = self.strikes.entry(peer).or_insert((0, Instant::now()));
        strikes.0 += 1;
        if strikes.0 >= MAX_STRIKES {
            self.strikes.remove(&peer);
            true
        } else {
            false
        }
    }

    /// Keeps `peer` away for [`BLOCK_TIME`].
    pub fn block(&mut self, peer: PeerId) {
        self.blocked_until.insert(peer, Instant::now() + BLOCK_TIME);
        self.forget(&peer);
    }

    pub fn is_blocked(&self, peer: &PeerId) -> bool {
        self.blocked_until.contains_key(peer)
    }

    /// Whether `peer` may send one more gossip message now.
    pub fn allow_gossip(&mut self, peer: PeerId) -> bool {
        take(&mut self.gossip, peer, PEER_GOSSIP_RATE, PEER_GOSSIP_BURST)
    }

    /// Whether `peer` may make one more sync request (a symbol round or an offer) now.
    pub fn allow_sync(&mut self, peer: PeerId) -> bool {
        take(&mut self.sync, peer, PEER_SYNC_RATE, PEER_SYNC_BURST)
    }

    /// Whether `peer` may make one more fetch request now.
    pub fn allow_fetch(&mut self, peer: PeerId) -> bool {
        take(&mut self.fetch, peer, PEER_FETCH_RATE, PEER_FETCH_BURST)
    }

    /// Catches up with `peer` soon, for what was dropped from it.
    pub fn schedule_catch_up(&mut self, peer: PeerId) {
        self.catch_up
            .entry(peer)
            .or_insert_with(|| Instant::now() + CATCH_UP_DELAY);
    }

    /// Gossipsub could not hand `peer` what we sent it in time (its queue was full, or a
    /// message waited longer than gossipsub lets it): it may lack entries now, which only a
    /// sync brings it. A catch-up with it follows, once per delay however often it is
    /// slow, so a peer that never reads costs a session every few seconds, no more.
    pub fn on_slow_peer(&mut self, peer: PeerId, failed: &libp2p::gossipsub::FailedMessages) {
        tracing::debug!(
            %peer,
            priority = failed.priority,
            non_priority = failed.non_priority,
            "a peer missed messages we sent it; catching up with it"
        );
        self.schedule_catch_up(peer);
    }

    /// The peer disconnected: its rates start afresh (its strikes and block stay).
    pub fn forget(&mut self, peer: &PeerId) {
        self.gossip.remove(peer);
        self.sync.remove(peer);
        self.fetch.remove(peer);
        self.catch_up.remove(peer);
    }

    /// Blocks that ended by `now`, to lift; strikes past their window are forgotten.
    /// Each second: unblocks the peers whose time is up, and lets go of peers that never
    /// said which network they are on.
    pub fn on_tick(
        &mut self,
        swarm: &mut libp2p::Swarm<super::Behaviour>,
        table: &mut PeerTable,
        counters: &super::worker::Counters,
        now: Instant,
    ) {
        for peer in self.due_unblocks(now) {
            swarm.behaviour_mut().blocked.unblock_peer(peer);
            tracing::info!(%peer, "peer no longer blocked");
        }
        for peer in table.silent(now) {
            tracing::info!(%peer, "letting go of a peer that never said which network it is on");
            counters.reject(crate::refusal::Refusal::NoIdentify);
            let _ = swarm.disconnect_peer_id(peer);
            table.remove(&peer);
        }
    }

    pub fn due_unblocks(&mut self, now: Instant) -> Vec<PeerId> {
        self.strikes
            .retain(|_, (_, since)| now.duration_since(*since) < STRIKE_WINDOW);
        take_due(&mut self.blocked_until, now)
    }

    /// Catch-ups whose moment has come.
    pub fn due_catch_ups(&mut self, now: Instant) -> Vec<PeerId> {
        take_due(&mut self.catch_up, now)
    }
}

fn take(buckets: &mut HashMap<PeerId, TokenBucket>, peer: PeerId, rate: f64, burst: f64) -> bool {
    buckets
        .entry(peer)
        .or_insert_with(|| TokenBucket::new(rate, burst))
        .take()
}

/// Takes the peers whose moment has come out of `deadlines`.
fn take_due(deadlines: &mut HashMap<PeerId, Instant>, now: Instant) -> Vec<PeerId> {
    let due: Vec<PeerId> = deadlines
        .iter()
        .filter(|(_, at)| **at <= now)
        .map(|(p, _)| *p)
        .collect();
    for peer in &due {
        deadlines.remove(peer);
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_is_blocked_at_its_tenth_strike_and_let_back_after_the_block() {
        let mut guard = PeerGuard::default();
        let peer = PeerId::random();
        for _ in 1..MAX_STRIKES {
            assert!(!guard.strike(peer));
        }
        assert!(guard.strike(peer), "the tenth strike blocks");
        guard.block(peer);
        assert!(guard.is_blocked(&peer));
        assert!(guard.due_unblocks(Instant::now()).is_empty());
        let later = Instant::now() + BLOCK_TIME + Duration::from_secs(1);
        assert_eq!(guard.due_unblocks(later), vec![peer]);
        assert!(!guard.is_blocked(&peer));
        // Strikes start again from zero after a block.
        assert!(!guard.strike(peer));
    }

    #[test]
    fn strikes_older_than_the_window_are_forgotten() {
        let mut guard = PeerGuard::default();
        let peer = PeerId::random();
        for _ in 1..MAX_STRIKES {
            guard.strike(peer);
        }
        guard.due_unblocks(Instant::now() + STRIKE_WINDOW + Duration::from_secs(1));
        assert!(!guard.strike(peer), "the old strikes no longer count");
    }

    #[test]
    fn each_peer_has_its_own_rate_and_a_reconnect_does_not_reset_a_block() {
        let mut guard = PeerGuard::default();
        let (flooder, honest) = (PeerId::random(), PeerId::random());
        let allowed = (0..10_000).filter(|_| guard.allow_sync(flooder)).count();
        assert!(
            (100..=101).contains(&allowed),
            "the burst, and what refilled meanwhile: {allowed}"
        );
        assert!(guard.allow_sync(honest), "another peer is not slowed");
        guard.block(flooder);
        guard.forget(&flooder);
        assert!(guard.is_blocked(&flooder));
    }

    #[test]
    fn a_peer_that_missed_what_we_sent_is_caught_up_with_once_per_delay() {
        let mut guard = PeerGuard::default();
        let peer = PeerId::random();
        let failed = libp2p::gossipsub::FailedMessages {
            priority: 0,
            non_priority: 3,
        };
        guard.on_slow_peer(peer, &failed);
        guard.on_slow_peer(peer, &failed);
        let later = Instant::now() + CATCH_UP_DELAY + Duration::from_millis(1);
        assert_eq!(guard.due_catch_ups(later), vec![peer]);
        assert!(guard.due_catch_ups(later).is_empty());
    }

    #[test]
    fn a_catch_up_is_scheduled_once_and_comes_due_after_its_delay() {
        let mut guard = PeerGuard::default();
        let peer = PeerId::random();
        guard.schedule_catch_up(peer);
        guard.schedule_catch_up(peer);
        assert!(guard.due_catch_ups(Instant::now()).is_empty());
        let later = Instant::now() + CATCH_UP_DELAY + Duration::from_secs(1);
        assert_eq!(guard.due_catch_ups(later), vec![peer]);
        assert!(guard.due_catch_ups(later).is_empty());
    }

    #[test]
    fn a_peer_naming_another_run_is_a_new_run_and_the_same_run_is_known() {
        let mut table = PeerTable::default();
        let key = wiel_protocol::testing::key(4).to_libp2p();
        let peer = key.public().to_peer_id();
        let ours = "/wiel/wiel-test/1";
        let info = |agent: &str| libp2p::identify::Info {
            public_key: key.public(),
            protocol_version: ours.into(),
            agent_version: agent.into(),
            listen_addrs: Vec::new(),
            protocols: Vec::new(),
            observed_addr: "/ip4/127.0.0.1/tcp/1".parse().unwrap(),
            signed_peer_record: None,
        };
        let first = info("wiel/0.1.0 run/0000000000000001");
        assert!(matches!(
            table.on_identified(peer, &first, ours),
            Identified::NewDialedUs
        ));
        // A second connection of the same run, or identify pushing new addresses.
        assert!(matches!(
            table.on_identified(peer, &first, ours),
            Identified::Known
        ));
        let next = info("wiel/0.1.0 run/0000000000000002");
        assert!(matches!(
            table.on_identified(peer, &next, ours),
            Identified::NewRun
        ));
        assert!(matches!(
            table.on_identified(peer, &next, ours),
            Identified::Known
        ));
    }

    #[test]
    fn a_peer_id_is_its_organisation_key() {
        let key = wiel_protocol::testing::key(3);
        let peer = key.to_libp2p().public().to_peer_id();
        assert_eq!(org_key_of(&peer), Some(key.public()));
        assert_eq!(peer_id_of(&key.public()), Some(peer));
    }

    #[test]
    fn a_peer_that_never_identifies_is_silent_after_the_deadline() {
        let mut table = PeerTable::default();
        let (silent, identified) = (PeerId::random(), PeerId::random());
        table.entry(silent).connected_at = Some(Instant::now());
        let p = table.entry(identified);
        p.connected_at = Some(Instant::now());
        p.agent = Some("wiel/0.1".into());
        assert!(table.silent(Instant::now()).is_empty());
        let later = Instant::now() + IDENTIFY_DEADLINE + Duration::from_secs(1);
        assert_eq!(table.silent(later), vec![silent]);
        assert_eq!(table.identified(), vec![identified]);
    }
}
