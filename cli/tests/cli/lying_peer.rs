//! A peer that lies in reconciliation cannot stall or poison a sync: a real node syncs
//! with in-process peers that claim entries they do not serve and serve entries that fail
//! validation, that serve other entries than asked for or of another space, that answer
//! forever, or that never answer. Each session ends, the good
//! entries stay, nothing bad is stored, and the liar is penalised.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};
use wiel_node::network::SyncReport;

use futures::StreamExt;
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{Multiaddr, StreamProtocol, noise, tcp, yamux};
use wiel_node::network::{FetchRequest, FetchResponse, SyncRequest, SyncResponse};
use wiel_node::reconcile::{Fingerprint, ItemSet};
use wiel_protocol::{EntryId, Verified, testing};
use wiel_tests::{Daemon, Node, practices, wait_for};
use wiel_tests::{Refusal, StatusFacts};

#[derive(NetworkBehaviour)]
struct Liar {
    sync: request_response::cbor::Behaviour<SyncRequest, SyncResponse>,
    fetch: request_response::cbor::Behaviour<FetchRequest, FetchResponse>,
}

#[derive(Clone, Copy)]
enum Lie {
    /// Claims good entries, entries it then serves damaged, and ids it never serves.
    Claims,
    /// Answers every round with symbols that never decode.
    Endless,
    /// Never answers.
    Stalls,
    /// Claims entries and serves others: a valid entry in place of the one asked for, and
    /// entries of a space the node does not follow under ids it asked for in `nl`.
    Swaps,
}

struct Holdings {
    good: Vec<Verified>,
    damaged: Vec<Verified>,
    fake: Vec<EntryId>,
    /// (claimed, served in its place)
    swapped: Vec<(Verified, Verified)>,
    /// Of a space the honest node does not follow, claimed in `nl`.
    elsewhere: Vec<Verified>,
}

impl Holdings {
    fn new() -> Self {
        Self {
            good: practices(300_000, 20, 300),
            damaged: practices(400_000, 10, 300),
            fake: (0..10u8)
                .map(|i| EntryId::from_bytes(*blake3::hash(&[i, 0xfa, 0x4e]).as_bytes()))
                .collect(),
            swapped: practices(500_000, 10, 300)
                .into_iter()
                .zip(practices(600_000, 10, 300))
                .collect(),
            elsewhere: (0..10u64)
                .map(|n| {
                    testing::practice_with_text_in(
                        &testing::key(77),
                        wiel_protocol::SpaceName::new("pv99").unwrap(),
                        n,
                        1_750_000_000_000 + n,
                        300,
                    )
                })
                .collect(),
        }
    }

    fn claimed(&self, lie: Lie) -> ItemSet {
        if let Lie::Swaps = lie {
            return ItemSet::new(
                self.swapped
                    .iter()
                    .map(|(claimed, _)| claimed.id())
                    .chain(self.elsewhere.iter().map(Verified::id)),
            );
        }
        ItemSet::new(
            self.good
                .iter()
                .chain(&self.damaged)
                .map(Verified::id)
                .chain(self.fake.iter().copied()),
        )
    }

    fn serve(&self, id: &EntryId) -> Option<serde_bytes::ByteBuf> {
        let whole = |e: &Verified| Some(serde_bytes::ByteBuf::from(e.bytes().to_vec()));
        if let Some((_, other)) = self.swapped.iter().find(|(c, _)| c.id() == *id) {
            return whole(other);
        }
        if let Some(e) = self.elsewhere.iter().find(|e| e.id() == *id) {
            return whole(e);
        }
        if let Some(e) = self.good.iter().find(|e| e.id() == *id) {
            return Some(serde_bytes::ByteBuf::from(e.bytes().to_vec()));
        }
        let e = self.damaged.iter().find(|e| e.id() == *id)?;
        let mut bytes = e.bytes().to_vec();
        let last = bytes.len() - 3; // inside the body: it no longer decodes or fits its hash
        bytes[last] ^= 0x20;
        Some(serde_bytes::ByteBuf::from(bytes))
    }
}

/// Starts a lying peer; returns its address with `/p2p/`.
async fn spawn_liar(lie: Lie) -> String {
    let mut swarm = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default(),
            noise::Config::new,
            yamux::Config::default,
        )
        .unwrap()
        .with_behaviour(|_| Liar {
            sync: request_response::cbor::Behaviour::new(
                [(StreamProtocol::new("/wiel/sync/1"), ProtocolSupport::Full)],
                // Its own side holds a request as long as it likes.
                request_response::Config::default().with_request_timeout(Duration::from_secs(300)),
            ),
            fetch: request_response::cbor::Behaviour::new(
                [(StreamProtocol::new("/wiel/fetch/1"), ProtocolSupport::Full)],
                request_response::Config::default(),
            ),
        })
        .unwrap()
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(60)))
        .build();
    swarm
        .listen_on("/ip4/127.0.0.1/tcp/0".parse::<Multiaddr>().unwrap())
        .unwrap();
    let address = loop {
        if let SwarmEvent::NewListenAddr { address, .. } = swarm.select_next_some().await {
            break format!("{address}/p2p/{}", swarm.local_peer_id());
        }
    };
    tokio::spawn(async move {
        let holdings = Holdings::new();
        let claimed = holdings.claimed(lie);
        let mut held_back = Vec::new();
        let mut seed = 0u64;
        loop {
            match swarm.select_next_some().await {
                SwarmEvent::Behaviour(LiarEvent::Sync(request_response::Event::Message {
                    message:
                        request_response::Message::Request {
                            request, channel, ..
                        },
                    ..
                })) => {
                    let SyncRequest::Symbols { start, count, .. } = request else {
                        let _ = swarm
                            .behaviour_mut()
                            .sync
                            .send_response(channel, SyncResponse::Taken);
                        continue;
                    };
                    let response = match lie {
                        Lie::Claims | Lie::Swaps => SyncResponse::Symbols {
                            fingerprint: claimed.fingerprint(),
                            symbols: serde_bytes::ByteBuf::from(claimed.encode(start, count)),
                        },
                        Lie::Endless => {
                            // Well-formed symbols of random content: they never decode.
                            let mut symbols = Vec::new();
                            for _ in 0..count {
                                seed += 1;
                                symbols.extend(testing::noise(seed, 40));
                                symbols.push(4);
                            }
                            SyncResponse::Symbols {
                                fingerprint: Fingerprint::from_parts(100, [7; 32]),
                                symbols: serde_bytes::ByteBuf::from(symbols),
                            }
                        }
                        Lie::Stalls => {
                            held_back.push(channel);
                            continue;
                        }
                    };
                    let _ = swarm.behaviour_mut().sync.send_response(channel, response);
                }
                SwarmEvent::Behaviour(LiarEvent::Fetch(request_response::Event::Message {
                    message:
                        request_response::Message::Request {
                            request, channel, ..
                        },
                    ..
                })) => {
                    let entries = request.ids.iter().map(|id| holdings.serve(id)).collect();
                    let _ = swarm
                        .behaviour_mut()
                        .fetch
                        .send_response(channel, FetchResponse { entries });
                }
                _ => {}
            }
        }
    });
    address
}

/// `wiel --json sync --peer ADDRESS`: (exit code, report, seconds taken).
fn sync_with(node: &Node, address: &str) -> (i32, SyncReport, f64) {
    let start = Instant::now();
    let r = node.run(&["--json", "sync", "--peer", address]);
    let report = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|_| panic!("no report: {} {}", r.stdout, r.stderr));
    (r.code, report, start.elapsed().as_secs_f64())
}

#[test]
fn a_lying_peer_cannot_stall_or_poison_a_sync() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (claims, endless, stalls) = runtime.block_on(async {
        (
            spawn_liar(Lie::Claims).await,
            spawn_liar(Lie::Endless).await,
            spawn_liar(Lie::Stalls).await,
        )
    });
    let honest = Node::init("Gemeente Zwolle", "GM0193");
    let _node = Daemon::start_with(&honest, &[], &["--no-kademlia"]);
    let holdings = Holdings::new();

    // Claims: the good entries are stored, the damaged refused, the fake ones never served.
    let (code, report, _) = sync_with(&honest, &claims);
    assert_ne!(code, 0, "problems must show in the exit code: {report:?}");
    assert!(report.done, "{report:?}");
    assert_eq!(report.to_fetch, 40, "{report:?}");
    assert_eq!(report.stored, 20, "{report:?}");
    assert_eq!(report.rejected, 10, "{report:?}");
    assert_eq!(report.not_served, 10, "{report:?}");
    for e in &holdings.good {
        assert!(honest.has(&e.id().to_string()));
    }
    for e in &holdings.damaged {
        assert!(
            !honest.has(&e.id().to_string()),
            "a damaged entry was stored"
        );
    }
    // Penalised: blocked after its strikes, the connection is gone.
    let liar_id = claims.rsplit('/').next().unwrap().to_owned();
    wait_for(
        "the liar to be disconnected",
        Duration::from_secs(30),
        || (!honest.peer_ids().contains(&liar_id)).then_some(()),
    );

    // Endless: the session ends within its symbol budget.
    let (code, report, secs) = sync_with(&honest, &endless);
    assert_ne!(code, 0);
    let problems = report.problems.join("; ");
    assert!(problems.contains("did not come to an end"), "{report:?}");
    assert!(secs < 30.0, "took {secs} s");

    // Stalls: the round times out and the session ends.
    let (code, report, secs) = sync_with(&honest, &stalls);
    assert_ne!(code, 0);
    assert!(report.problems.join("; ").contains("Timeout"), "{report:?}");
    assert!(
        secs < wiel_node::network::SYNC_ROUND_TIMEOUT.as_secs_f64() + 20.0,
        "took {secs} s"
    );

    let status = honest.status();
    for reason in [Refusal::NotServed, Refusal::SyncEndless] {
        assert!(status.refused(reason) >= 1, "{reason:?}: {status:?}");
    }
    let damaged = status.refused(Refusal::Malformed) + status.refused(Refusal::BodyHash);
    assert_eq!(damaged, 10, "{status:?}");
    // The good entries stayed; nothing else came in.
    assert_eq!(
        honest.ids().len(),
        21,
        "own profile and the 20 good entries"
    );
}

#[test]
fn a_peer_that_serves_other_entries_than_it_was_asked_for_is_caught() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let swaps = runtime.block_on(spawn_liar(Lie::Swaps));
    let honest = Node::init("Gemeente Zwolle", "GM0193");
    let _node = Daemon::start_with(&honest, &[], &["--no-kademlia"]);
    let holdings = Holdings::new();
    let (code, report, _) = sync_with(&honest, &swaps);
    assert_ne!(code, 0, "problems must show in the exit code: {report:?}");
    assert!(report.done, "{report:?}");
    assert_eq!(report.to_fetch, 20, "{report:?}");
    assert_eq!(report.stored, 0, "{report:?}");
    // Nothing served in place of what was asked, nor of a space not followed, is kept.
    for (claimed, served) in &holdings.swapped {
        assert!(!honest.has(&claimed.id().to_string()));
        assert!(
            !honest.has(&served.id().to_string()),
            "a swapped entry was stored"
        );
    }
    for e in &holdings.elsewhere {
        assert!(
            !honest.has(&e.id().to_string()),
            "an entry of pv99 was stored"
        );
    }
    let status = honest.status();
    for reason in [Refusal::NotAskedFor, Refusal::WrongSpace] {
        assert_eq!(status.refused(reason), 10, "{reason:?}: {status:?}");
    }
    let liar_id = swaps.rsplit('/').next().unwrap().to_owned();
    wait_for(
        "the liar to be disconnected",
        Duration::from_secs(30),
        || (!honest.peer_ids().contains(&liar_id)).then_some(()),
    );
}
