//! The network: one libp2p swarm per node (TCP and QUIC, noise, yamux, identify, ping,
//! gossipsub, Kademlia, mDNS, and `/wiel/fetch/1`).
//!
//! - `behaviour`: the behaviours, their configuration and wire names;
//! - `event_loop`: owns the swarm and only dispatches, to:
//!   - `peers`: the peer table, and the guard (strikes, blocks, per-peer rates);
//!   - `gossip`, `sync`, `fetch`: one handler per protocol, each with both sides;
//! - `dials`: dialing, and following a peer that rotated its key;
//! - `reach`: reachability (AutoNAT), relays, and finding peers beyond the bootstrap list;
//! - `punch`: hole punches (DCUtR), tried again while a peer is reached only by relay;
//! - `clock`: peers' clocks against ours (`/wiel/time/1`);
//! - `relay_policy`: what a seed relays for trusted organisations and for strangers;
//! - `serve`: the thread that does their store work off the loop;
//! - `runs`: bookkeeping of `wiel sync` runs;
//! - `client`: the cloneable handle that sends the loop commands;
//! - `worker`: admits, verifies and stores entries from the network in batches.

mod addresses;
mod behaviour;
mod client;
mod clock;
mod context;
mod dials;
mod event_loop;
mod fetch;
mod gossip;
mod peers;
mod punch;
mod reach;
mod relay_policy;
mod runs;
mod serve;
mod sync;
mod trim;
mod worker;

use std::sync::Arc;
use std::time::Duration;

use libp2p::{Multiaddr, noise, tcp, yamux};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wiel_protocol::{NetworkId, OrgKeypair, SpaceName};
use wiel_store::Store;

pub use crate::refusal::Refusal;
pub use behaviour::{
    FetchRequest, FetchResponse, GossipTiming, SYNC_ROUND_TIMEOUT, SyncRequest, SyncResponse, topic,
};
pub use client::{Client, DialFailure, NetworkError, NetworkStatus, PeerView, SpaceStatus};
pub use clock::middle as middle_offset;
pub use peers::peer_of;
pub use reach::{ReachView, Reachability};
pub use runs::{RunId, SpaceSync, SyncReport};
pub use worker::Counters;

/// Bound of the queue between the event loop and the ingest worker. Past it, gossip is
/// ignored (not forwarded) rather than buffered without limit.
const JOB_QUEUE: usize = 4096;

/// How the swarm is set up.
#[derive(Clone, Debug)]
pub struct SwarmOptions {
    pub network: NetworkId,
    pub spaces: Vec<SpaceName>,
    pub listen: Vec<Multiaddr>,
    pub bootstrap: Vec<Multiaddr>,
    pub mdns: bool,
    /// Find peers beyond the bootstrap list through Kademlia. Default on; benchmarks turn
    /// it off to keep the topology they dial.
    pub kademlia: bool,
    /// A seed (`wiel node --seed`): public, relays for others, answers AutoNAT.
    pub seed: bool,
    /// Relay for others once AutoNAT found this node reachable (`[node] relay`).
    pub relay: bool,
    pub timing: GossipTiming,
    /// Whom the node trusts: untrusted entries are kept apart and not passed on.
    pub trust: crate::trust::TrustState,
}

/// Why the network could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    Setup(String),
    Listen { addr: String, reason: String },
}

/// A running network: its client, and the tasks to wait for at shutdown.
pub struct Running {
    pub client: Client,
    /// Ids of entries stored from the network, as they are stored.
    pub stored: tokio::sync::broadcast::Sender<wiel_protocol::EntryId>,
    pub counters: Arc<Counters>,
    pub event_loop: tokio::task::JoinHandle<()>,
    pub worker: std::thread::JoinHandle<()>,
}

/// Starts the swarm, the event loop and the ingest worker. Stops when `shutdown` fires.
pub fn start(
    key: &OrgKeypair,
    store: Store,
    options: SwarmOptions,
    registry: &mut libp2p::metrics::Registry,
    written: mpsc::UnboundedReceiver<crate::events::Written>,
    shutdown: CancellationToken,
) -> Result<Running, StartError> {
    let setup = |e: &dyn std::fmt::Display| StartError::Setup(e.to_string());
    let mut swarm = libp2p::SwarmBuilder::with_existing_identity(key.to_libp2p())
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| setup(&e))?
        .with_quic()
        .with_dns()
        .map_err(|e| setup(&e))?
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .map_err(|e| setup(&e))?
        .with_bandwidth_metrics(registry)
        .with_behaviour(|k, relay_client| {
            behaviour::build(k, &options, relay_client)
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })
        })
        .map_err(|e| setup(&e))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(120)))
        .build();
    for space in &options.spaces {
        swarm
            .behaviour_mut()
            .gossipsub
            .subscribe(&behaviour::topic(space))
            .map_err(|e| setup(&e))?;
    }
    for addr in &options.listen {
        swarm
            .listen_on(addr.clone())
            .map_err(|e| StartError::Listen {
                addr: addr.to_string(),
                reason: e.to_string(),
            })?;
    }
    for addr in &options.bootstrap {
        let addr = match peers::follow_rotation(addr, &options.trust.current()) {
            Some(current) => {
                tracing::warn!(given = %addr, %current, "a bootstrap peer rotated its key; dialing its current one (update the bootstrap list)");
                current
            }
            None => addr.clone(),
        };
        if let Err(e) = swarm.dial(addr.clone()) {
            tracing::warn!(%addr, error = %e, "cannot dial bootstrap peer");
        }
    }
    let peer_id = *swarm.local_peer_id();
    let counters = Arc::new(Counters::default());
    let (command_tx, command_rx) = mpsc::channel(64);
    let (job_tx, job_rx) = mpsc::channel(JOB_QUEUE);
    let (verdict_tx, verdict_rx) = mpsc::channel(JOB_QUEUE);
    let (stored_tx, _) = tokio::sync::broadcast::channel(1024);
    let declined = crate::admission::Declined::default();
    let worker = {
        let declined = declined.clone();
        let stored = stored_tx.clone();
        let store = store.clone();
        let network = options.network.clone();
        let counters = counters.clone();
        let trust = options.trust.clone();
        std::thread::Builder::new()
            .name("wiel-ingest".into())
            .spawn(move || {
                worker::run(
                    worker::Context {
                        store,
                        network,
                        trust,
                        declined,
                        counters,
                        stored,
                    },
                    job_rx,
                    verdict_tx,
                )
            })
            .map_err(|e| setup(&e))?
    };
    let (served_tx, served_rx) = mpsc::unbounded_channel();
    let server = serve::Server::start(
        serve::ServeState::new(store.clone(), options.trust.clone(), declined),
        served_tx,
    )
    .map_err(|e| setup(&e))?;
    let event_loop = event_loop::EventLoop::new(
        swarm,
        context::Channels {
            commands: command_rx,
            jobs: job_tx,
            verdicts: verdict_rx,
            served: served_rx,
            written,
        },
        server,
        context::NodeParts {
            store,
            network: options.network,
            spaces: options.spaces,
            counters: counters.clone(),
            seed: options.seed,
            relay: options.relay,
            bootstrap: options.bootstrap.clone(),
            trust: options.trust,
        },
    );
    let event_loop = tokio::spawn(event_loop.run(shutdown));
    Ok(Running {
        client: Client {
            tx: command_tx,
            peer_id,
        },
        stored: stored_tx,
        counters,
        event_loop,
        worker,
    })
}
