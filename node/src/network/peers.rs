//! The peers: what this node knows of each connected peer (the peer table). The
//! discipline it keeps them to is the guard's (`guard`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};
use wiel_protocol::{OrgKey, SpaceName};

use crate::trust::TrustSet;

use super::client::PeerView;

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

pub(super) fn peer_id_of(key: &OrgKey) -> Option<PeerId> {
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

/// `addr` without its `/p2p/` parts: where, not who.
pub fn without_peer(addr: &Multiaddr) -> Multiaddr {
    addr.iter()
        .filter(|p| !matches!(p, Protocol::P2p(_)))
        .collect()
}

/// The peer id of the organisation behind `peer` under its current key, when that key
/// rotated (and the rotation counts: see [`TrustSet::current_key`]). `None` when there is
/// nothing to follow.
pub fn rotated_peer(peer: &PeerId, trust: &TrustSet) -> Option<PeerId> {
    peer_id_of(&trust.current_key(&org_key_of(peer)?)?)
}

/// `addr` with the peer id it names moved on to the organisation's current key (see
/// [`rotated_peer`]): peers keep reaching a municipality that rotated its key. A relay's id
/// before it stays. `None` when there is nothing to follow.
pub fn follow_rotation(addr: &Multiaddr, trust: &TrustSet) -> Option<Multiaddr> {
    let old = peer_of(addr)?;
    let current = rotated_peer(&old, trust)?;
    Some(
        addr.iter()
            .map(|p| match p {
                Protocol::P2p(id) if id == old => Protocol::P2p(current),
                other => other,
            })
            .collect(),
    )
}

/// How long a peer we dialed has to tell the spaces it follows before its first sync asks
/// about all of ours (see [`PeerTable::untold_first_syncs`]).
pub const TELL_GRACE: Duration = Duration::from_secs(10);

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
    /// The spaces whose first sync with it has started (see [`PeerTable::first_syncs`]).
    first_synced: Vec<SpaceName>,
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

    /// Of `ours`, the spaces whose first sync with `peer` is due now: a peer we dialed, on
    /// our network (identified), that follows them; each once while it stays connected.
    /// Called when it is identified and when it follows a space, whichever comes last:
    /// gossipsub tells a peer's spaces on its own stream, before or after identify. A
    /// space neither follows is not asked about (the peer would refuse it), and following
    /// a space again does not start another.
    pub fn first_syncs(&mut self, peer: &PeerId, ours: &[SpaceName]) -> Vec<SpaceName> {
        let Some(p) = self.peers.get_mut(peer) else {
            return Vec::new();
        };
        if !p.dialed || p.agent.is_none() {
            return Vec::new();
        }
        let due: Vec<SpaceName> = ours
            .iter()
            .filter(|space| p.spaces.contains(space) && !p.first_synced.contains(space))
            .cloned()
            .collect();
        p.first_synced.extend(due.iter().cloned());
        due
    }

    /// The peers whose first sync is due about every space of `ours` though they told
    /// none of them: dialed by us, identified, and silent about our spaces
    /// [`TELL_GRACE`] after they connected. A node back as a new run hears nothing from a
    /// peer that kept its last run's connection (see `comeback`), and a peer that follows
    /// only other spaces than ours tells none of ours (it refuses them). Once per peer
    /// while it stays connected.
    pub fn untold_first_syncs(&mut self, ours: &[SpaceName], now: Instant) -> Vec<PeerId> {
        let mut due = Vec::new();
        for (id, p) in &mut self.peers {
            let waited = p
                .connected_at
                .is_some_and(|at| now.saturating_duration_since(at) >= TELL_GRACE);
            let untold = p.spaces.is_empty() && p.first_synced.is_empty();
            if p.dialed && p.agent.is_some() && untold && waited {
                p.first_synced = ours.to_vec();
                due.push(*id);
            }
        }
        due
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotation_moves_the_peer_an_address_names_and_leaves_a_relays_id() {
        let generate = || wiel_protocol::OrgKeypair::generate().public();
        let (old, new, own) = (generate(), generate(), generate());
        let facts = crate::trust::TrustFacts {
            rotations: vec![(old, new, wiel_protocol::Timestamp::now())],
            ..crate::trust::TrustFacts::default()
        };
        let trust = TrustSet::compute(&crate::trust::TrustConfig::default(), own, &facts);
        let [old_id, new_id] = [old, new].map(|k| peer_id_of(&k).unwrap());
        let relay = PeerId::random();
        let via = |peer: PeerId| -> Multiaddr {
            format!("/ip4/198.51.100.1/tcp/4001/p2p/{relay}/p2p-circuit/p2p/{peer}")
                .parse()
                .unwrap()
        };
        assert_eq!(rotated_peer(&old_id, &trust), Some(new_id));
        assert_eq!(follow_rotation(&via(old_id), &trust), Some(via(new_id)));
        assert_eq!(
            follow_rotation(&via(new_id), &trust),
            None,
            "nothing to follow"
        );
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

    #[test]
    fn a_dialed_peer_is_first_synced_once_per_space_both_follow_whatever_comes_first() {
        let space = |name: &str| SpaceName::new(name).unwrap();
        let ours = [space("nl"), space("pv-utrecht")];
        let mut table = PeerTable::default();
        let peer = PeerId::random();
        table.entry(peer).dialed = true;
        table.on_subscription(peer, space("nl"), true);
        assert!(
            table.first_syncs(&peer, &ours).is_empty(),
            "not identified yet"
        );
        table.entry(peer).agent = Some("wiel/0.1".into());
        assert_eq!(table.first_syncs(&peer, &ours), vec![space("nl")]);
        assert!(
            table.first_syncs(&peer, &ours).is_empty(),
            "started already"
        );
        // A space only the peer follows is never asked about; one both follow later is.
        table.on_subscription(peer, space("pv-zeeland"), true);
        assert!(table.first_syncs(&peer, &ours).is_empty());
        table.on_subscription(peer, space("pv-utrecht"), true);
        assert_eq!(table.first_syncs(&peer, &ours), vec![space("pv-utrecht")]);
        // Following again does not start another; nor does a peer that dialed us.
        table.on_subscription(peer, space("nl"), false);
        table.on_subscription(peer, space("nl"), true);
        assert!(table.first_syncs(&peer, &ours).is_empty());
        let dialed_us = PeerId::random();
        table.entry(dialed_us).agent = Some("wiel/0.1".into());
        table.on_subscription(dialed_us, space("nl"), true);
        assert!(table.first_syncs(&dialed_us, &ours).is_empty());
        assert!(
            table.first_syncs(&PeerId::random(), &ours).is_empty(),
            "unknown"
        );
        // One that tells none of our spaces is asked about all of them once it had the
        // time to (a node back as a new run hears nothing from a peer that kept its last
        // run's connection); the others are not.
        let untold = PeerId::random();
        let p = table.entry(untold);
        (p.dialed, p.agent) = (true, Some("wiel/0.1".into()));
        p.connected_at = Some(Instant::now());
        table.on_subscription(untold, space("pv-zeeland"), true);
        table.entry(untold).spaces.clear(); // only ours are noted
        let later = Instant::now() + TELL_GRACE;
        assert!(
            table.untold_first_syncs(&ours, Instant::now()).is_empty(),
            "within grace"
        );
        assert_eq!(table.untold_first_syncs(&ours, later), vec![untold]);
        assert!(table.untold_first_syncs(&ours, later).is_empty(), "once");
        assert!(
            table.first_syncs(&untold, &ours).is_empty(),
            "asked about all already"
        );
        // Connected again after it was gone: a first sync again.
        table.remove(&peer);
        table.entry(peer).dialed = true;
        table.entry(peer).agent = Some("wiel/0.1".into());
        table.on_subscription(peer, space("nl"), true);
        assert_eq!(table.first_syncs(&peer, &ours), vec![space("nl")]);
    }
}
