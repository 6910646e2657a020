//! The network: one libp2p swarm per node (TCP and QUIC, noise, yamux, identify, ping,
//! gossipsub, Kademlia, mDNS, and `/wiel/fetch/1`).
//!
//! - here: the protocols a node speaks — the behaviours, their configuration and wire
//!   names, and the handler module of each (a new protocol is its field and construction
//!   here, its handler file, and its arm in `event_loop`);
//! - `start`: setting up the swarm, the event loop and the ingest worker;
//! - `event_loop`: owns the swarm and only dispatches, to:
//!   - `peers`: the peer table, and the guard (strikes, blocks, per-peer rates);
//!   - `gossip`, `sync`, `fetch`: one handler per protocol, each with both sides;
//! - `dials`: dialing, and following a peer that rotated its key;
//! - `reach`: reachability (AutoNAT), relays, and finding peers beyond the bootstrap list;
//! - `punch`: hole punches (DCUtR), tried again while a peer is reached only by relay;
//! - `clock`: peers' clocks against ours (`/wiel/time/1`);
//! - `relay_policy`: what a seed relays for trusted organisations and for strangers;
//! - `strangers`: how many connections strangers may hold with this node;
//! - `serve`: the thread that does their store work off the loop;
//! - `runs`: bookkeeping of `wiel sync` runs;
//! - `client`: the cloneable handle that sends the loop commands;
//! - `worker`: admits, verifies and stores entries from the network in batches.

mod addresses;
mod bootstrap;
mod client;
mod clock;
mod comeback;
mod context;
mod dials;
mod event_loop;
mod fetch;
mod gossip;
mod guard;
mod peers;
mod punch;
mod reach;
mod relay_policy;
mod runs;
mod serve;
mod sets;
mod start;
mod strangers;
mod sync;
mod trim;
mod worker;

pub use crate::refusal::Refusal;
pub use client::{Client, DialFailure, NetworkError, NetworkStatus, PeerView, SpaceStatus};
pub use clock::middle as middle_offset;
pub use peers::peer_of;
pub use reach::{ReachView, Reachability};
pub use runs::{RunId, SpaceSync, SyncReport};
pub use sets::SpaceSets;
pub use start::{Running, StartError, SwarmOptions, start};
pub use worker::Counters;

use std::time::Duration;

use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{
    StreamProtocol, allow_block_list, autonat, connection_limits, dcutr, gossipsub, identify,
    identity, kad, mdns, ping, relay, request_response,
};
use serde::{Deserialize, Serialize};
use wiel_protocol::codec::MAX_ENTRY_BYTES;
use wiel_protocol::{EntryId, NetworkId, SpaceName};

use crate::reconcile::Fingerprint;

/// Most ids in one fetch request.
pub const MAX_FETCH_IDS: usize = 256;
/// What gossipsub's framing adds to the messages of one frame (topic names, fields).
pub const GOSSIP_ENVELOPE_BYTES: usize = 1024;

/// The gossip topic of a space: `/wiel/1/space/<space>`.
pub fn topic(space: &SpaceName) -> gossipsub::IdentTopic {
    gossipsub::IdentTopic::new(format!("/wiel/1/space/{space}"))
}

/// The space a topic hash belongs to, among `spaces`.
pub fn space_of(hash: &gossipsub::TopicHash, spaces: &[SpaceName]) -> Option<SpaceName> {
    spaces.iter().find(|s| topic(s).hash() == *hash).cloned()
}

/// Connections to one peer, at most.
const MAX_CONNECTIONS_PER_PEER: u32 = 5;
/// A seed's gossip mesh of each space: at least, aimed at, at most (libp2p's 5, 6 and 12
/// for every other node). A small space's followers (a province's few dozen) find few of
/// each other among their peers and graft onto the seeds; a seed that kept 12 of them
/// refused the others, which then heard an entry only when gossip told them of it a
/// heartbeat or more later (one follower 1.8 s after all the others had it). A seed is
/// an always-on node that keeps every space: it takes every follower of a province and
/// passes each entry on to more peers at once.
const SEED_MESH: (usize, usize, usize) = (16, 24, 64);

/// Identify's protocol version: peers on another network id are refused.
pub fn protocol_version(network: &NetworkId) -> String {
    format!("/wiel/{network}/1")
}

/// `/wiel/fetch/1` request: entries by id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FetchRequest {
    pub ids: Vec<EntryId>,
}

/// `/wiel/fetch/1` response: in request order, the canonical bytes of each entry the peer
/// holds (`None`: it does not hold that one). It may stop early to stay under the size
/// limit; the asking side asks again for the rest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FetchResponse {
    pub entries: Vec<Option<serde_bytes::ByteBuf>>,
}

/// How long one reconciliation round may take before the session ends.
pub const SYNC_ROUND_TIMEOUT: Duration = Duration::from_secs(10);

/// Most ids in one sync offer.
pub const MAX_OFFER_IDS: usize = 4096;

/// `/wiel/sync/1` request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum SyncRequest {
    /// Coded symbols `start .. start + count` of the peer's set of entry ids in `space`
    /// (see [`crate::reconcile`]).
    Symbols {
        space: SpaceName,
        start: u64,
        count: u32,
    },
    /// "I hold these entries of `space` and you lack them": the peer fetches them.
    Offer { space: SpaceName, ids: Vec<EntryId> },
}

/// `/wiel/sync/1` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum SyncResponse {
    /// The asked-for symbols, with the fingerprint (and so the size) of the set they code.
    Symbols {
        fingerprint: Fingerprint,
        symbols: serde_bytes::ByteBuf,
    },
    /// The offer was taken.
    Taken,
    /// The peer does not follow this space, or refused the request.
    Refused,
}

#[derive(NetworkBehaviour)]
pub struct Behaviour {
    pub limits: connection_limits::Behaviour,
    /// Strangers' connections, bounded so that they cannot keep trusted ones out.
    pub strangers: strangers::Strangers,
    pub blocked: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    pub gossipsub: gossipsub::Behaviour,
    pub identify: identify::Behaviour,
    pub ping: ping::Behaviour,
    pub kad: Toggle<kad::Behaviour<kad::store::MemoryStore>>,
    pub mdns: Toggle<mdns::tokio::Behaviour>,
    pub fetch: request_response::cbor::Behaviour<FetchRequest, FetchResponse>,
    pub sync: request_response::cbor::Behaviour<SyncRequest, SyncResponse>,
    /// Reaching peers through a relay, and being reached through one (see `reach`).
    pub relay_client: relay::client::Behaviour,
    /// Relaying for others: on a seed, and on a node others can reach (it offers to relay
    /// only once AutoNAT confirmed an address of it), unless `[node] relay = false`.
    pub relay: Toggle<relay::Behaviour>,
    /// Turning a relayed connection into a direct one by hole punching.
    pub dcutr: dcutr::Behaviour,
    /// Asking peers that serve AutoNAT to dial us back: are we reachable, and where.
    pub autonat: autonat::v2::client::Behaviour,
    /// Dialing back those who ask: on a seed only (a node behind NAT could not answer
    /// truly).
    pub autonat_server: Toggle<autonat::v2::server::Behaviour>,
    /// `/wiel/time/1`: a peer's clock, to see whether ours is off (see `clock`).
    pub time: request_response::cbor::Behaviour<clock::TimeRequest, clock::TimeResponse>,
}

/// Gossip timing. Tests shorten the heartbeat.
#[derive(Clone, Debug)]
pub struct GossipTiming {
    /// Gossipsub heartbeat. Default 1 s.
    pub heartbeat: Duration,
}

impl Default for GossipTiming {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(1),
        }
    }
}

/// A wait drawn at random between `shortest` and `longest`: nodes started together (a
/// release rolled out at once, a power cut) must not all act in the same second. Without
/// randomness (not seen on the systems wiel runs on) it is the middle.
pub(super) fn drawn_between(shortest: Duration, longest: Duration) -> Duration {
    let mut bytes = [0u8; 2];
    let drawn = getrandom::fill(&mut bytes).map_or(0.5, |()| {
        f64::from(u16::from_le_bytes(bytes)) / f64::from(u16::MAX)
    });
    shortest + longest.saturating_sub(shortest).mul_f64(drawn)
}

/// The gossip message id: blake3 of the message bytes. Entries are canonical, so every
/// honest copy of an entry has the same bytes and the same id. (Not the entry id itself,
/// which covers only the header: a peer could send a copy with a damaged body under the
/// real entry's id first, and the honest copy would then be dropped as a duplicate.)
fn message_id(message: &gossipsub::Message) -> gossipsub::MessageId {
    gossipsub::MessageId::new(blake3::hash(&message.data).as_bytes())
}

/// Peer scoring: invalid messages weigh heavily; quiet topics are never held against a peer.
fn score_params(spaces: &[SpaceName]) -> gossipsub::PeerScoreParams {
    let mut params = gossipsub::PeerScoreParams {
        // Many municipalities may sit behind one address (a shared provider, a test
        // machine): that is no sign of a Sybil here. Trust comes from keys, not addresses.
        ip_colocation_factor_weight: 0.0,
        ..gossipsub::PeerScoreParams::default()
    };
    for space in spaces {
        let topic_params = gossipsub::TopicScoreParams {
            topic_weight: 1.0,
            mesh_message_deliveries_weight: 0.0,
            mesh_failure_penalty_weight: 0.0,
            // -3 × count²: a peer outside the mesh is graylisted (-400) after about 12
            // invalid messages, just after the event loop has blocked it (10 strikes) and
            // counted every one; one long in a mesh (its time there counts up to +3 600
            // by libp2p's defaults) only after ~37, well after the block.
            invalid_message_deliveries_weight: -3.0,
            invalid_message_deliveries_decay: 0.9,
            ..gossipsub::TopicScoreParams::default()
        };
        params.topics.insert(topic(space).hash(), topic_params);
    }
    params
}

fn score_thresholds() -> gossipsub::PeerScoreThresholds {
    gossipsub::PeerScoreThresholds {
        gossip_threshold: -100.0,
        publish_threshold: -200.0,
        graylist_threshold: -400.0,
        accept_px_threshold: 10.0,
        opportunistic_graft_threshold: 5.0,
    }
}

/// Gossipsub's "do not send me this" (IDONTWANT) is never sent: no message is this large.
/// libp2p sends one for every message over 1 000 bytes to every mesh peer as it arrives,
/// before validation, so junk from one peer made a seed (a mesh of 64) send four times its
/// bytes in IDONTWANTs. And under a burst the frames cost more than the copies they saved:
/// in the 342-node bench the nodes took a burst in as fast or faster without them, with
/// 2.8 – 3.2× the entry's bytes sent per node instead of 2.3× (the goal is 8×).
const NO_IDONTWANT: usize = 4 * MAX_ENTRY_BYTES;

/// Gossipsub's configuration: a seed's meshes are larger (see [`SEED_MESH`]).
fn gossip_config(seed: bool, timing: &GossipTiming) -> Result<gossipsub::Config, String> {
    let mut config = gossipsub::ConfigBuilder::default();
    if seed {
        let (low, aimed, high) = SEED_MESH;
        config.mesh_n_low(low).mesh_n(aimed).mesh_n_high(high);
    }
    config
        .heartbeat_interval(timing.heartbeat)
        // Entries carry their own signatures; gossip adds none of its own.
        .validation_mode(gossipsub::ValidationMode::Anonymous)
        .validate_messages()
        .message_id_fn(message_id)
        // One frame may carry several messages (gossipsub puts what is queued for a peer
        // together), so a frame must fit the largest entry with others beside it: twice
        // the largest entry. An oversized entry still reaches validation, where it is
        // refused and counted; what waits for validation is bounded in bytes by the event
        // loop (MAX_GOSSIP_QUEUE_BYTES).
        .max_transmit_size(2 * MAX_ENTRY_BYTES + GOSSIP_ENVELOPE_BYTES)
        .duplicate_cache_time(Duration::from_secs(120))
        .idontwant_message_size_threshold(NO_IDONTWANT)
        .build()
        .map_err(|e| e.to_string())
}

pub fn build(
    key: &identity::Keypair,
    options: &SwarmOptions,
    relay_client: relay::client::Behaviour,
) -> Result<Behaviour, String> {
    let SwarmOptions {
        network,
        spaces,
        mdns: mdns_on,
        kademlia: kad_on,
        seed,
        timing,
        ..
    } = options;
    let (mdns_on, kad_on, seed) = (*mdns_on, *kad_on, *seed);
    let peer_id = key.public().to_peer_id();
    let config = gossip_config(seed, timing)?;
    let mut gossipsub =
        gossipsub::Behaviour::new(gossipsub::MessageAuthenticity::Anonymous, config)
            .map_err(|e| e.to_string())?;
    gossipsub.with_peer_score(score_params(spaces), score_thresholds())?;

    let identify = identify::Behaviour::new(
        identify::Config::new(protocol_version(network), key.public())
            .with_agent_version(comeback::agent_version())
            // A new address (one through a relay, above all) reaches the peers at once.
            .with_push_listen_addr_updates(true),
    );
    let mut kad_config = kad::Config::new(StreamProtocol::new("/wiel/kad/1"));
    // wiel uses Kademlia to find peers only: records and providers other nodes put are
    // never stored (they would be memory anyone can fill).
    kad_config.set_record_filtering(kad::StoreInserts::FilterBoth);
    // No bootstrap every five minutes: a bootstrap looks up every bucket, which connects
    // to dozens of peers at once; `reach` looks for peers itself while it has too few.
    kad_config.set_periodic_bootstrap_interval(None);
    // Peers go into the table only where `reach` puts them (see `reach::joins_table`).
    kad_config.set_kbucket_inserts(kad::BucketInserts::Manual);
    let kad = kad_on.then(|| {
        let mut kad =
            kad::Behaviour::with_config(peer_id, kad::store::MemoryStore::new(peer_id), kad_config);
        // A seed answers Kademlia; any other node only asks until a peer it chose found
        // it reachable or a relay holds a reservation for it (see `reach`). Not libp2p's
        // own choice, which takes any address a peer (one we did not choose) confirmed.
        kad.set_mode(Some(if seed {
            kad::Mode::Server
        } else {
            kad::Mode::Client
        }));
        kad
    });
    let mdns = if mdns_on {
        Some(
            mdns::tokio::Behaviour::new(mdns::Config::default(), peer_id)
                .map_err(|e| e.to_string())?,
        )
    } else {
        None
    };
    let fetch = request_response::cbor::Behaviour::new(
        [(
            StreamProtocol::new("/wiel/fetch/1"),
            request_response::ProtocolSupport::Full,
        )],
        request_response::Config::default().with_request_timeout(Duration::from_secs(30)),
    );
    let sync = request_response::cbor::Behaviour::new(
        [(
            StreamProtocol::new("/wiel/sync/1"),
            request_response::ProtocolSupport::Full,
        )],
        // A round answers in milliseconds; a peer that stalls ends the session.
        request_response::Config::default().with_request_timeout(SYNC_ROUND_TIMEOUT),
    );
    // A node runs for months: bound what strangers can make it hold.
    let limits = connection_limits::ConnectionLimits::default()
        // And at most a few from one network (see `strangers`).
        .with_max_pending_incoming(Some(strangers::PENDING_CONNECTIONS))
        // Dials under way (discovery, punches, peers' answers): a peer that names
        // hundreds of addresses to punch to cannot make this node dial them all at once.
        .with_max_pending_outgoing(Some(64))
        // Strangers hold fewer (see `strangers`): the rest is room for organisations
        // this node trusts, whatever strangers do.
        .with_max_established_incoming(Some(strangers::INCOMING_CONNECTIONS))
        // A peer is reached at most by one connection each way through a relay (both
        // sides may dial at once), the direct ones a punch races over TCP and QUIC, and
        // a relay over TCP and QUIC (see `reach`): below that, the connection a punch
        // made is refused the moment it is made.
        .with_max_established_per_peer(Some(MAX_CONNECTIONS_PER_PEER));
    Ok(Behaviour {
        limits: connection_limits::Behaviour::new(limits),
        strangers: strangers::Strangers::new(options.trust.clone()),
        blocked: allow_block_list::Behaviour::default(),
        gossipsub,
        identify,
        ping: ping::Behaviour::new(ping::Config::new()),
        kad: Toggle::from(kad),
        mdns: Toggle::from(mdns),
        fetch,
        sync,
        relay_client,
        relay: Toggle::from((seed || options.relay).then(|| {
            let mut relay = relay::Behaviour::new(peer_id, relay_policy::config(&options.trust));
            // A seed offers to relay once it listens on a public address; another node
            // once AutoNAT found it reachable (see `reach`), not when it merely holds a
            // reservation on a relay itself (libp2p's own choice).
            if !seed {
                relay.set_status(Some(relay::Status::Disable));
            }
            relay
        })),
        dcutr: dcutr::Behaviour::new(peer_id),
        // Tests each address peers observed us at (up to ten), every five seconds those
        // not tested yet.
        autonat: autonat::v2::client::Behaviour::default(),
        autonat_server: Toggle::from(seed.then(autonat::v2::server::Behaviour::default)),
        time: request_response::cbor::Behaviour::new(
            [(
                StreamProtocol::new(clock::PROTOCOL),
                request_response::ProtocolSupport::Full,
            )],
            request_response::Config::default().with_request_timeout(Duration::from_secs(10)),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libp2p checks the mesh sizes it is given per topic, not these: a triple out of order
    /// would underflow in its heartbeat. And a seed must take a whole province (the largest
    /// has 56 municipalities) into a mesh.
    #[test]
    fn a_seed_takes_a_province_into_its_mesh_where_others_keep_libp2ps_sizes() {
        let timing = GossipTiming::default();
        let seed = gossip_config(true, &timing).unwrap();
        let other = gossip_config(false, &timing).unwrap();
        assert_eq!(
            (seed.mesh_n_low(), seed.mesh_n(), seed.mesh_n_high()),
            SEED_MESH
        );
        assert!(seed.mesh_n_high() >= 60, "a province's followers and more");
        for config in [&seed, &other] {
            let outbound = config.mesh_outbound_min();
            assert!(outbound <= config.mesh_n_low() && outbound * 2 <= config.mesh_n());
            assert!(
                config.mesh_n_low() <= config.mesh_n() && config.mesh_n() < config.mesh_n_high()
            );
        }
        assert_eq!(
            (other.mesh_n_low(), other.mesh_n(), other.mesh_n_high()),
            (5, 6, 12)
        );
        assert_eq!(seed.max_transmit_size(), other.max_transmit_size());
        for config in [&seed, &other] {
            assert!(
                config.idontwant_message_size_threshold() > config.max_transmit_size(),
                "no IDONTWANT: no message is over the threshold"
            );
        }
    }
}
