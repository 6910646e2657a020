//! Nodes in the benchmark's own process (the propagation and all-municipalities
//! benchmarks): a real swarm on 127.0.0.1 over its own store, trusting everyone (the
//! figures are about the network), and what publishing through it takes.

use std::collections::HashMap;

use wiel_node::reconcile::{Fingerprint, LiveSet};

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
    /// Each space's fingerprint, as of a store generation (see [`InProcess::fingerprints`]).
    followed: std::sync::Mutex<(u64, HashMap<String, LiveSet>)>,
    /// Stops this node alone (a child of the token it was started with).
    shutdown: CancellationToken,
}

/// How a node in this process joins.
pub struct Joining {
    pub spaces: Vec<SpaceName>,
    pub bootstrap: Vec<Multiaddr>,
    pub kademlia: bool,
    pub seed: bool,
    /// QUIC instead of TCP: one UDP socket per node, where TCP costs two open files per
    /// connection in one process (hundreds of nodes would exhaust the process's limit).
    pub quic: bool,
    /// libp2p's memory transport instead of TCP or QUIC: no sockets at all (see
    /// `SwarmOptions::in_process`).
    pub memory: bool,
}

impl InProcess {
    pub fn start(
        key: OrgKeypair,
        store: Store,
        joining: Joining,
        shutdown: &CancellationToken,
    ) -> InProcess {
        let shutdown = shutdown.child_token();
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
                listen: vec![if joining.memory {
                    "/memory/0".parse().unwrap()
                } else if joining.quic {
                    "/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap()
                } else {
                    "/ip4/127.0.0.1/tcp/0".parse().unwrap()
                }],
                bootstrap: joining.bootstrap,
                mdns: false,
                kademlia: joining.kademlia,
                seed: joining.seed,
                relay: false,
                timing: GossipTiming::default(),
                in_process: joining.memory,
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
            followed: std::sync::Mutex::new((u64::MAX, HashMap::new())),
            shutdown,
        }
    }

    /// Stops it as `wiel node` stops (its network, then its worker) and gives back its key
    /// once its store is closed, so that it can start again on the same directory.
    pub async fn stop(self) -> OrgKeypair {
        self.shutdown.cancel();
        let InProcess {
            key,
            store,
            running,
            ..
        } = self;
        running.event_loop.await.unwrap();
        tokio::task::spawn_blocking(move || running.worker.join().unwrap())
            .await
            .unwrap();
        drop(store);
        key
    }

    /// Per space it follows: how many entries it holds there and their fingerprint (the
    /// size and XOR of the ids catch-up compares; everyone is trusted here). Follows the
    /// store by what its commits add: reading every row of 342 stores four times a second
    /// took the CPU the nodes being measured needed.
    pub fn fingerprints(&self, spaces: &[SpaceName]) -> Vec<Fingerprint> {
        let mut followed = self.followed.lock().unwrap();
        let (generation, sets) = &mut *followed;
        match self.store.added_since(*generation) {
            wiel_store::AddedSince::Known { now, added } => {
                for (space, item) in added {
                    sets.entry(space).or_default().insert(&item.id);
                }
                *generation = now;
            }
            // Read anew: a commit during the walk is told again next time, and a set takes
            // an id once.
            wiel_store::AddedSince::Unknown { now } => {
                *generation = now;
                sets.clear();
                for (space, items) in self.store.items_by_space(None).unwrap() {
                    let set = sets.entry(space).or_default();
                    for item in items {
                        set.insert(&item.id);
                    }
                }
            }
        }
        let print =
            |space: &SpaceName| sets.get(space.as_str()).map(|s| s.snapshot().fingerprint());
        spaces
            .iter()
            .map(|space| print(space).unwrap_or_default())
            .collect()
    }

    /// Whether the fingerprints followed by the store's commits are those of every row of
    /// the store (a check of the bench's own bookkeeping).
    pub fn followed_as_read_anew(&self) -> bool {
        let read = self.store.items_by_space(None).unwrap();
        let spaces: Vec<SpaceName> = read
            .keys()
            .filter_map(|space| SpaceName::new(space.as_str()).ok())
            .collect();
        let followed = self.fingerprints(&spaces);
        spaces.iter().zip(followed).all(|(space, print)| {
            let mut anew = Fingerprint::default();
            for item in &read[space.as_str()] {
                anew.add(&item.id);
            }
            anew == print
        })
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
