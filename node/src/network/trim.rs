//! How many peers a node stays connected to. Kademlia's looks connect to every peer they
//! ask, and other nodes dial in: with 342 municipalities each node would soon hold a
//! connection to nearly every other (open files, buffers and pings on every node, for
//! nothing). Above [`MOST_PEERS`] connected peers, those that matter least are let go, down
//! to [`KEPT_PEERS`]. Never let go: a bootstrap peer, a relay on either side of a
//! reservation or circuit, a member of a gossip mesh, a peer busy with a sync or a fetch,
//! and one connected within [`GRACE`] (gossip has not yet had the time to take it into a
//! mesh). Strangers go before organisations this node trusts, peers that dialed us before
//! peers we dialed (a look dials again when those fall short), and among equals the
//! newest first: the long-lived connections carry the meshes. A seed lets no one go.
//! (What this node relays for others is counted here too.) Kademlia's table is kept from
//! undoing this (`joins_table`).

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use libp2p::{PeerId, Swarm, kad, relay};

use super::Behaviour;
use super::fetch::FetchHandler;
use super::peers::PeerTable;
use super::reach::Reach;
use super::sync::SyncHandler;
use super::worker::Counters;
use crate::trust::TrustSet;

/// Connected peers past which some are let go.
pub const MOST_PEERS: usize = 48;
/// Connected peers kept when some are let go.
pub const KEPT_PEERS: usize = 32;
/// How long a new connection is left alone.
const GRACE: Duration = Duration::from_secs(10);

/// What decides whether a connected peer is kept.
pub(super) struct Standing {
    pub peer: PeerId,
    /// Never let go (see the module's doc).
    pub needed: bool,
    /// An organisation this node trusts.
    pub trusted: bool,
    /// This node dialed it.
    pub dialed: bool,
    pub connected_at: Instant,
}

/// Keeps the connections in bounds (see the module's doc).
pub(super) struct Trim {
    /// A seed lets no one go: municipalities keep their bootstrap peers and would dial
    /// again at once (its incoming limit in `behaviour` bounds it).
    seed: bool,
    /// Peers this node relays for: their reservations and circuits with it.
    relaying: HashMap<PeerId, u32>,
    counters: Arc<Counters>,
}

/// What else may hold on to a peer, besides a reservation or circuit through this node:
/// the peer table (when each came, whom we dialed), reachability (bootstrap peers, our
/// relays), sync and fetch at work, and the trust set.
pub(super) struct Holders<'a>(
    pub &'a PeerTable,
    pub &'a Reach,
    pub &'a SyncHandler,
    pub &'a FetchHandler,
    pub &'a TrustSet,
);

impl Trim {
    pub fn new(seed: bool, counters: Arc<Counters>) -> Self {
        Self {
            seed,
            counters,
            relaying: HashMap::new(),
        }
    }

    /// What this node did as a relay: counted, and noted per peer (see `needed`).
    pub fn on_relay(&mut self, event: relay::Event) {
        let (peers, up) = match &event {
            relay::Event::ReservationReqAccepted {
                src_peer_id,
                renewed: false,
            } => (vec![*src_peer_id], true),
            relay::Event::ReservationClosed { src_peer_id }
            | relay::Event::ReservationTimedOut { src_peer_id } => (vec![*src_peer_id], false),
            relay::Event::CircuitReqAccepted {
                src_peer_id,
                dst_peer_id,
            } => {
                self.counters.circuits_relayed.fetch_add(1, Relaxed);
                (vec![*src_peer_id, *dst_peer_id], true)
            }
            relay::Event::CircuitClosed {
                src_peer_id,
                dst_peer_id,
                ..
            } => (vec![*src_peer_id, *dst_peer_id], false),
            relay::Event::CircuitReqDenied { .. } | relay::Event::ReservationReqDenied { .. } => {
                self.counters.circuits_refused.fetch_add(1, Relaxed);
                (Vec::new(), false)
            }
            _ => (Vec::new(), false),
        };
        tracing::debug!(event = ?event, "relaying");
        for peer in peers {
            let n = self.relaying.entry(peer).or_default();
            *n = if up { *n + 1 } else { n.saturating_sub(1) };
            if *n == 0 {
                self.relaying.remove(&peer);
            }
        }
    }

    /// The last connection to `peer` closed.
    pub fn on_gone(&mut self, peer: &PeerId) {
        self.relaying.remove(peer);
    }

    /// Every second: past [`MOST_PEERS`], lets the peers that matter least go.
    pub fn on_tick(&self, swarm: &mut Swarm<Behaviour>, holders: Holders, now: Instant) {
        let Holders(peers, reach, sync, fetch, trust) = holders;
        if self.seed || peers.count() <= MOST_PEERS {
            return;
        }
        let mesh: HashSet<PeerId> = swarm
            .behaviour()
            .gossipsub
            .all_mesh_peers()
            .copied()
            .collect();
        let standings: Vec<Standing> = (peers.ids().into_iter())
            .filter_map(|peer| {
                let known = peers.get(&peer)?;
                Some(Standing {
                    peer,
                    needed: mesh.contains(&peer)
                        || self.relaying.contains_key(&peer)
                        || reach.needs(&peer)
                        || sync.busy_with(&peer)
                        || fetch.busy_with(&peer),
                    trusted: known.org_key.is_some_and(|k| trust.is_trusted(&k)),
                    dialed: known.dialed,
                    connected_at: known.connected_at.unwrap_or(now),
                })
            })
            .collect();
        let connected = standings.len();
        let gone = to_let_go(standings, now);
        for standing in gone {
            tracing::debug!(
                peer = %standing.peer,
                connected,
                dialed = standing.dialed,
                age_s = now.saturating_duration_since(standing.connected_at).as_secs(),
                "letting go of a peer beyond the most kept"
            );
            let _ = swarm.disconnect_peer_id(standing.peer);
        }
    }
}

/// The peers to let go of, of all those connected.
pub(super) fn to_let_go(standings: Vec<Standing>, now: Instant) -> Vec<Standing> {
    if standings.len() <= MOST_PEERS {
        return Vec::new();
    }
    let excess = standings.len() - KEPT_PEERS;
    let mut candidates: Vec<Standing> = standings
        .into_iter()
        .filter(|s| !s.needed && now.saturating_duration_since(s.connected_at) >= GRACE)
        .collect();
    candidates.sort_by_key(|s| (s.trusted, s.dialed, Reverse(s.connected_at)));
    candidates.truncate(excess);
    candidates
}

/// Whether `peer` goes into Kademlia's table, which holds only the peers it is given
/// (`behaviour`). Two rules of libp2p's Kademlia make a table that takes every peer
/// churn without end once peers are let go (`trim`): given a peer while it holds fewer
/// than 20, it looks up every bucket (a "bootstrap", connecting to dozens of peers); given
/// a peer for a full bucket, it dials the bucket's oldest peer no longer connected, to see
/// whether it lives. So a seed takes every peer that answers lookups, where there is room;
/// another node its bootstrap peers, and others only once its table holds 20 — looks go
/// through the seeds, which know everyone.
pub(super) fn joins_table(
    kad: &mut kad::Behaviour<kad::store::MemoryStore>,
    peer: PeerId,
    seed: bool,
    bootstrap: bool,
) -> bool {
    let full = kad::K_VALUE.get();
    let held: usize = kad.kbuckets().map(|b| b.num_entries()).sum();
    let room = kad.kbucket(peer).is_some_and(|bucket| {
        bucket.num_entries() < full || bucket.iter().any(|e| *e.node.key.preimage() == peer)
    });
    room && (seed || bootstrap || held >= full)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(age_s: u64, now: Instant) -> Standing {
        Standing {
            peer: PeerId::random(),
            needed: false,
            trusted: false,
            dialed: false,
            connected_at: now - Duration::from_secs(age_s),
        }
    }

    #[test]
    fn up_to_the_most_nobody_is_let_go_and_past_it_down_to_the_kept_number() {
        let now = Instant::now() + Duration::from_secs(3600);
        let at_most: Vec<Standing> = (0..MOST_PEERS).map(|_| standing(60, now)).collect();
        assert!(to_let_go(at_most, now).is_empty());
        let over: Vec<Standing> = (0..MOST_PEERS + 1).map(|_| standing(60, now)).collect();
        assert_eq!(to_let_go(over, now).len(), MOST_PEERS + 1 - KEPT_PEERS);
    }

    #[test]
    fn needed_and_new_peers_stay_even_when_too_few_others_can_go() {
        let now = Instant::now() + Duration::from_secs(3600);
        let mut all: Vec<Standing> = (0..MOST_PEERS).map(|_| standing(60, now)).collect();
        for s in all.iter_mut().take(MOST_PEERS - 3) {
            s.needed = true;
        }
        let new = standing(1, now);
        let new_peer = new.peer;
        all.push(new);
        let gone: Vec<PeerId> = to_let_go(all, now).iter().map(|s| s.peer).collect();
        assert_eq!(
            gone.len(),
            3,
            "only the three that are neither needed nor new"
        );
        assert!(!gone.contains(&new_peer));
    }

    #[test]
    fn strangers_go_first_then_those_that_dialed_us_then_the_newest() {
        let now = Instant::now() + Duration::from_secs(3600);
        let mut all: Vec<Standing> = Vec::new();
        for _ in 0..MOST_PEERS {
            let mut s = standing(600, now);
            s.trusted = true;
            s.dialed = true;
            all.push(s);
        }
        let stranger = standing(600, now);
        let mut dialed_us = standing(600, now);
        dialed_us.trusted = true;
        let mut newest = standing(30, now);
        newest.trusted = true;
        newest.dialed = true;
        let order = [stranger.peer, dialed_us.peer, newest.peer];
        all.extend([stranger, dialed_us, newest]);
        let gone: Vec<PeerId> = to_let_go(all, now).iter().map(|s| s.peer).collect();
        assert_eq!(gone.len(), MOST_PEERS + 3 - KEPT_PEERS);
        assert_eq!(&gone[..3], &order);
    }

    fn kademlia() -> kad::Behaviour<kad::store::MemoryStore> {
        let me = PeerId::random();
        let config = kad::Config::new(libp2p::StreamProtocol::new("/wiel/kad/1"));
        kad::Behaviour::with_config(me, kad::store::MemoryStore::new(me), config)
    }

    fn add(kad: &mut kad::Behaviour<kad::store::MemoryStore>, peer: PeerId) {
        kad.add_address(&peer, "/ip4/192.0.2.1/tcp/4001".parse().unwrap());
    }

    #[test]
    fn a_municipality_takes_its_bootstrap_peers_and_others_only_once_its_table_is_full_enough() {
        let mut kad = kademlia();
        let seed_peer = PeerId::random();
        assert!(joins_table(&mut kad, seed_peer, false, true));
        add(&mut kad, seed_peer);
        assert!(
            !joins_table(&mut kad, PeerId::random(), false, false),
            "a table of fewer than 20 would look up every bucket for each peer it is given"
        );
        let mut kad = kademlia();
        for _ in 0..kad::K_VALUE.get() + 5 {
            let peer = PeerId::random();
            if joins_table(&mut kad, peer, true, false) {
                add(&mut kad, peer);
            }
        }
        let held: usize = kad.kbuckets().map(|b| b.num_entries()).sum();
        assert!(
            held >= kad::K_VALUE.get(),
            "a seed takes every peer while there is room"
        );
        let peer = PeerId::random();
        let room = kad
            .kbucket(peer)
            .is_some_and(|b| b.num_entries() < kad::K_VALUE.get());
        assert_eq!(joins_table(&mut kad, peer, false, false), room);
    }
}
