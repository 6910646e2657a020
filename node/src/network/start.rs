//! Setting the network up: the swarm (transports, the behaviours of `network`), the event
//! loop and the ingest worker.

use libp2p::{Multiaddr, noise, tcp, yamux};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wiel_protocol::{NetworkId, OrgKeypair, SpaceName};
use wiel_store::Store;

use super::*;

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
    /// Also listen and dial on libp2p's memory transport (`/memory/<n>`), through Noise and
    /// yamux as over TCP: nodes in one process reach each other without sockets. For
    /// simulations of hundreds of nodes in one process only, where the kernel's TCP on
    /// loopback costs a large part of the CPU; `wiel node` never sets it.
    pub in_process: bool,
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

/// The memory transport when `on`, authenticated and multiplexed as TCP is; else none.
fn in_process_transport(
    key: &libp2p::identity::Keypair,
    on: bool,
) -> Result<InProcessTransport, Box<dyn std::error::Error + Send + Sync>> {
    use libp2p::Transport;
    use libp2p::core::muxing::StreamMuxerBox;
    use libp2p::core::transport::{MemoryTransport, OptionalTransport};
    if !on {
        return Ok(OptionalTransport::none());
    }
    let transport = MemoryTransport::default()
        .upgrade(libp2p::core::upgrade::Version::V1)
        .authenticate(noise::Config::new(key)?)
        .multiplex(yamux::Config::default())
        .map(|(peer, muxer), _| (peer, StreamMuxerBox::new(muxer)))
        .boxed();
    Ok(OptionalTransport::some(transport))
}

type InProcessTransport = libp2p::core::transport::OptionalTransport<
    libp2p::core::transport::Boxed<(libp2p::PeerId, libp2p::core::muxing::StreamMuxerBox)>,
>;

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
        .with_other_transport(|key| in_process_transport(key, options.in_process))
        .map_err(|e| setup(&e))?
        .with_dns()
        .map_err(|e| setup(&e))?
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .map_err(|e| setup(&e))?
        .with_bandwidth_metrics(registry)
        .with_behaviour(|k, relay_client| {
            build(k, &options, relay_client)
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })
        })
        .map_err(|e| setup(&e))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(120)))
        .build();
    for space in &options.spaces {
        swarm
            .behaviour_mut()
            .gossipsub
            .subscribe(&topic(space))
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
