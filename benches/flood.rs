//! Flood figure of the Byzantine-trust issue: one `wiel node` process holding 20 000
//! entries, and 10 in-process peers that ask it for coded symbols and send it offers of
//! random ids as fast as it answers, for WIEL_FLOOD_SECS (default 60). Reports the node's
//! RSS and CPU, how many requests it answered or refused, and how long `wiel status` takes
//! meanwhile (whole command).
//!
//! Run: `cargo bench --bench flood` (Linux: reads /proc).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use futures::StreamExt;
use libp2p::request_response::{self, ProtocolSupport};
use libp2p::{Multiaddr, StreamProtocol, noise, tcp, yamux};
use wiel_node::network::{SyncRequest, SyncResponse};
use wiel_protocol::{EntryId, SpaceName};
use wiel_tests::{Daemon, Node, Xorshift, cpu_ticks, import_file, percentile, rss_kib, wait_for};

type SyncBehaviour = request_response::cbor::Behaviour<SyncRequest, SyncResponse>;

/// A flooding peer: answers identify like a wiel node (or it is let go), and floods sync.
#[derive(libp2p::swarm::NetworkBehaviour)]
struct Flooder {
    identify: libp2p::identify::Behaviour,
    sync: SyncBehaviour,
}

/// One flooding peer: keeps 8 requests in flight until `until`. Returns (answered,
/// refused, failed).
async fn flood(address: Multiaddr, seed: u64, until: tokio::time::Instant) -> (u64, u64, u64) {
    let mut swarm = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default(),
            noise::Config::new,
            yamux::Config::default,
        )
        .unwrap()
        .with_behaviour(|key| Flooder {
            identify: libp2p::identify::Behaviour::new(libp2p::identify::Config::new(
                "/wiel/wiel-test/1".into(),
                key.public(),
            )),
            sync: SyncBehaviour::new(
                [(StreamProtocol::new("/wiel/sync/1"), ProtocolSupport::Full)],
                request_response::Config::default().with_request_timeout(Duration::from_secs(10)),
            ),
        })
        .unwrap()
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(120)))
        .build();
    let peer = address
        .iter()
        .find_map(|p| match p {
            libp2p::multiaddr::Protocol::P2p(id) => Some(id),
            _ => None,
        })
        .unwrap();
    swarm.dial(address).unwrap();
    let space = SpaceName::national();
    let mut rng = Xorshift::new(seed);
    let next_request = |rng: &mut Xorshift| {
        if rng.below(2) == 0 {
            SyncRequest::Symbols {
                space: space.clone(),
                start: rng.below(60_000) as u64,
                count: 16_384,
            }
        } else {
            SyncRequest::Offer {
                space: space.clone(),
                ids: (0..4096)
                    .map(|_| {
                        let mut b = [0u8; 32];
                        for chunk in b.chunks_mut(8) {
                            chunk.copy_from_slice(&(rng.below(usize::MAX) as u64).to_le_bytes());
                        }
                        EntryId::from_bytes(b)
                    })
                    .collect(),
            }
        }
    };
    let (mut answered, mut refused, mut failed) = (0, 0, 0);
    let mut in_flight = 0;
    loop {
        if tokio::time::Instant::now() >= until {
            return (answered, refused, failed);
        }
        while in_flight < 8 && swarm.is_connected(&peer) {
            let request = next_request(&mut rng);
            swarm.behaviour_mut().sync.send_request(&peer, request);
            in_flight += 1;
        }
        match tokio::time::timeout_at(until, swarm.select_next_some()).await {
            Err(_) => return (answered, refused, failed),
            Ok(libp2p::swarm::SwarmEvent::Behaviour(FlooderEvent::Sync(
                request_response::Event::Message {
                    message: request_response::Message::Response { response, .. },
                    ..
                },
            ))) => {
                in_flight -= 1;
                match response {
                    SyncResponse::Refused => refused += 1,
                    _ => answered += 1,
                }
            }
            Ok(libp2p::swarm::SwarmEvent::Behaviour(FlooderEvent::Sync(
                request_response::Event::OutboundFailure { .. },
            ))) => {
                in_flight -= 1;
                failed += 1;
            }
            Ok(_) => {}
        }
    }
}

fn main() {
    let secs: u64 = std::env::var("WIEL_FLOOD_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let measured = Node::init("Gemeente Zwolle", "GM0193");
    let corpus = wiel_tests::corpus(20_000, 300);
    let file = import_file(measured.path(), "corpus.jsonl", &corpus);
    measured.ok(&["import", file.to_str().unwrap()]);
    let node = Daemon::start_with(&measured, &[], &["--no-kademlia"]);
    wait_for("the node to answer", Duration::from_secs(30), || {
        measured.status().network.map(|_| ())
    });
    let pid = node.child.id();
    let rss0 = rss_kib(pid);
    let ticks0 = cpu_ticks(pid);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let until = tokio::time::Instant::now() + Duration::from_secs(secs);
    let address: Multiaddr = node.address.parse().unwrap();
    let flooders: Vec<_> = (0..10u64)
        .map(|i| runtime.spawn(flood(address.clone(), 0x9e37_79b9 + i, until)))
        .collect();
    let start = Instant::now();
    let mut rss_max = rss0;
    let mut status_times = Vec::new();
    while start.elapsed() < Duration::from_secs(secs) {
        let t = Instant::now();
        let status = measured.run(&["--json", "status"]);
        status_times.push(t.elapsed());
        assert_eq!(status.code, 0, "{}", status.stderr);
        rss_max = rss_max.max(rss_kib(pid));
        std::thread::sleep(Duration::from_millis(500));
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = (cpu_ticks(pid) - ticks0) as f64 / 100.0;
    let (mut answered, mut refused, mut failed) = (0, 0, 0);
    for f in flooders {
        let (a, r, x) = runtime.block_on(f).unwrap();
        answered += a;
        refused += r;
        failed += x;
    }
    status_times.sort();
    println!(
        "flood: 10 peers, {elapsed:.0} s, node holding 20 000 entries: {answered} requests answered, {refused} refused (rate limit), {failed} failed"
    );
    println!(
        "RSS: {:.1} MiB before, {:.1} MiB max, {:.1} MiB at end",
        rss0 as f64 / 1024.0,
        rss_max as f64 / 1024.0,
        rss_kib(pid) as f64 / 1024.0
    );
    println!(
        "CPU: {cpu:.1} s in {elapsed:.0} s = {:.0} % of one core",
        cpu / elapsed * 100.0
    );
    println!(
        "`wiel status` during the flood (whole command): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} runs",
        percentile(&status_times, 50.0).as_secs_f64() * 1000.0,
        percentile(&status_times, 99.0).as_secs_f64() * 1000.0,
        status_times.last().unwrap().as_secs_f64() * 1000.0,
        status_times.len()
    );
}
