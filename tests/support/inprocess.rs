//! Nodes in the benchmark's own process (the propagation and all-municipalities
//! benchmarks): a real swarm on 127.0.0.1 over its own store, trusting everyone (the
//! figures are about the network), and what publishing through it takes.

use libp2p::Multiaddr;
use tokio_util::sync::CancellationToken;
use wiel_node::network::{self, GossipTiming, SwarmOptions};
use wiel_protocol::{OrgKeypair, SpaceName, Verified};
use wiel_store::Store;

/// One node in this process.
pub struct InProcess {
    pub key: OrgKeypair,
    pub store: Store,
    pub running: network::Running,
    pub registry: libp2p::metrics::Registry,
    notifier: wiel_node::events::Notifier,
}

/// How a node in this process joins.
pub struct Joining {
    pub spaces: Vec<SpaceName>,
    pub bootstrap: Vec<Multiaddr>,
    pub kademlia: bool,
    pub seed: bool,
}

impl InProcess {
    pub fn start(
        key: OrgKeypair,
        store: Store,
        joining: Joining,
        shutdown: &CancellationToken,
    ) -> InProcess {
        let mut registry = libp2p::metrics::Registry::default();
        // What the service does when it publishes: the outbox, and a word to the network.
        let notifier = wiel_node::events::Notifier::default();
        let written = notifier.listen().unwrap();
        let trust = wiel_node::trust::TrustState::load(
            key.public(),
            wiel_node::trust::TrustConfig {
                mode: wiel_node::trust::TrustMode::Open,
                ..Default::default()
            },
            &store,
        )
        .unwrap();
        let running = network::start(
            &key,
            store.clone(),
            SwarmOptions {
                network: wiel_protocol::testing::network(),
                spaces: joining.spaces,
                listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
                bootstrap: joining.bootstrap,
                mdns: false,
                kademlia: joining.kademlia,
                seed: joining.seed,
                relay: false,
                timing: GossipTiming::default(),
                trust,
            },
            &mut registry,
            written,
            shutdown.clone(),
        )
        .unwrap();
        InProcess {
            key,
            store,
            running,
            registry,
            notifier,
        }
    }

    /// Its first listen address with `/p2p/<id>`, once it listens.
    pub async fn address(&self) -> Multiaddr {
        loop {
            let s = self.running.client.status().await.unwrap();
            if let Some(first) = s.listening.first() {
                return format!("{first}/p2p/{}", s.peer_id).parse().unwrap();
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Stores `entry` as its own and tells the network, as the service does. Returns the
    /// moment it was stored, from which its way to the others is timed.
    pub fn publish(&self, entry: Verified) -> std::time::Instant {
        let id = entry.id();
        self.store.ingest(entry).unwrap();
        let stored = std::time::Instant::now();
        self.store.outbox_add(&id).unwrap();
        self.notifier.send(wiel_node::events::Written::Own);
        stored
    }

    /// Bytes it sent so far, all protocols.
    pub fn outbound_bytes(&self) -> u64 {
        wiel_node::metrics::render(&self.registry)
            .lines()
            .filter(|l| {
                l.starts_with("libp2p_bandwidth_bytes_total")
                    && l.contains("direction=\"Outbound\"")
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }
}
