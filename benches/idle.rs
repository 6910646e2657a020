//! Idle figure of the network issue: one `wiel node` process with 10 peers (also real
//! processes) and no traffic; its RSS and CPU over WIEL_IDLE_SECS (default 600 = 10 min).
//!
//! Run: `cargo bench --bench idle` (Linux: reads /proc).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use wiel_tests::StatusFacts;
use wiel_tests::{Daemon, Node, cpu_ticks, rss_kib, wait_for};

fn main() {
    let secs: u64 = std::env::var("WIEL_IDLE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let measured = Node::init("Gemeente Zwolle", "GM0193");
    let hub = Daemon::start(&measured, &[]);
    let peers: Vec<Node> = (0..10)
        .map(|i| Node::init(&format!("Gemeente Peer {i}"), "GM0001"))
        .collect();
    let _daemons: Vec<Daemon> = peers
        .iter()
        .map(|p| Daemon::start(p, &[&hub.address]))
        .collect();
    wait_for("10 peers", Duration::from_secs(60), || {
        (measured.status().peers() >= 10).then_some(())
    });
    let pid = hub.child.id();
    let start = Instant::now();
    let ticks0 = cpu_ticks(pid);
    let rss0 = rss_kib(pid);
    let mut rss_max = rss0;
    while start.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_secs(5).min(Duration::from_secs(secs)));
        rss_max = rss_max.max(rss_kib(pid));
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = (cpu_ticks(pid) - ticks0) as f64 / 100.0;
    let rss1 = rss_kib(pid);
    let peers_end = measured.status().peers();
    println!("idle node with {peers_end} peers, {elapsed:.0} s, no traffic");
    println!(
        "RSS: {:.1} MiB at start, {:.1} MiB at end, {:.1} MiB max",
        rss0 as f64 / 1024.0,
        rss1 as f64 / 1024.0,
        rss_max as f64 / 1024.0
    );
    println!(
        "CPU: {cpu:.2} s in {elapsed:.0} s = {:.3} % of one core",
        cpu / elapsed * 100.0
    );
}
