//! Propagation figure of the network issue: 50 nodes in one process (real swarms on
//! 127.0.0.1, each with its own store), each dialling 3 random others. Each entry is
//! published on a random node; the time until the last of the other 49 has verified and
//! stored it is one sample. Also reports bytes sent per node per entry (amplification).
//!
//! Run: `cargo bench --bench propagation` (env WIEL_BENCH_NODES, WIEL_BENCH_ENTRIES).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use wiel_protocol::{EntryId, OrgKeypair, SpaceName, testing};
use wiel_store::Store;
use wiel_tests::inprocess::{InProcess, Joining};

fn main() {
    let n = wiel_tests::env_number("WIEL_BENCH_NODES", 50);
    let entries = wiel_tests::env_number("WIEL_BENCH_ENTRIES", 200);
    // WIEL_BENCH_TMP=/dev/shm puts the 50 stores in memory: on one machine all nodes share
    // one disk, and "stored" includes a sync that the disk serialises across all 50 nodes.
    let tmp_base = std::env::var_os("WIEL_BENCH_TMP");
    let where_stored = tmp_base
        .as_ref()
        .map(|b| b.to_string_lossy().into_owned())
        .unwrap_or_else(|| std::env::temp_dir().display().to_string());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let shutdown = CancellationToken::new();
        let mut nodes = Vec::new();
        let mut dirs = Vec::new();
        let arrivals: Arc<Mutex<HashMap<EntryId, Vec<Instant>>>> = Arc::default();
        for i in 0..n {
            let dir = match &tmp_base {
                Some(base) => tempfile::tempdir_in(base).unwrap(),
                None => tempfile::tempdir().unwrap(),
            };
            let store = Store::open(dir.path()).unwrap();
            let key = OrgKeypair::from_secret([(i % 250) as u8 + 1; 32]);
            let node = InProcess::start(
                key,
                store,
                Joining {
                    spaces: vec![SpaceName::national()],
                    bootstrap: vec![],
                    // The topology is the 3 random dials per node, as the figure asks.
                    kademlia: false,
                    seed: false,
                    quic: false,
                    memory: false,
                },
                &shutdown,
            );
            let mut rx = node.running.stored.subscribe();
            let arrivals = arrivals.clone();
            tokio::spawn(async move {
                while let Ok(id) = rx.recv().await {
                    arrivals.lock().unwrap().entry(id).or_default().push(Instant::now());
                }
            });
            nodes.push(node);
            dirs.push(dir);
        }
        // Listening addresses, then 3 random dials per node (seeded).
        let mut addrs = Vec::new();
        for node in &nodes {
            addrs.push(node.address().await);
        }
        let mut random = wiel_tests::Xorshift::new(0x9e37_79b9_7f4a_7c15);
        let mut rand = |m: usize| random.below(m);
        for (i, node) in nodes.iter().enumerate() {
            let mut picked = Vec::new();
            while picked.len() < 3.min(n - 1) {
                let j = rand(n);
                if j != i && !picked.contains(&j) {
                    picked.push(j);
                }
            }
            for j in picked {
                let _ = node.running.client.dial(addrs[j].clone()).await;
            }
        }
        // Let the gossip meshes form (a few heartbeats).
        tokio::time::sleep(Duration::from_secs(5)).await;
        let bytes_before: u64 = nodes.iter().map(InProcess::outbound_bytes).sum();

        let mut samples = Vec::new();
        let mut entry_bytes = 0usize;
        for e in 0..entries {
            let p = rand(n);
            let millis = wiel_protocol::Timestamp::now().as_millis();
            let entry = testing::practice_with_text(&nodes[p].key, e as u64 + 1_000_000, millis, 1500);
            entry_bytes += entry.bytes().len();
            let id = entry.id();
            let sent = nodes[p].publish(entry);
            let deadline = sent + Duration::from_secs(10);
            loop {
                let done = arrivals.lock().unwrap().get(&id).map(|v| v.len()).unwrap_or(0);
                if done >= n - 1 {
                    break;
                }
                assert!(Instant::now() < deadline, "entry {e} reached only {done} of {} nodes", n - 1);
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            let last = *arrivals.lock().unwrap()[&id].iter().max().unwrap();
            samples.push(last.duration_since(sent));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let bytes_after: u64 = nodes.iter().map(InProcess::outbound_bytes).sum();

        samples.sort();
        let mean_entry = entry_bytes as f64 / entries as f64;
        let per_node_per_entry = (bytes_after - bytes_before) as f64 / n as f64 / entries as f64;
        println!("nodes {n}, each dialling 3 random others; {entries} entries of {mean_entry:.0} bytes; stores in {where_stored}");
        println!(
            "publish → stored by the last node: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (goal p99 ≤ 50 ms)",
            wiel_tests::percentile(&samples, 50.0).as_secs_f64() * 1e3,
            wiel_tests::percentile(&samples, 99.0).as_secs_f64() * 1e3,
            samples.last().unwrap().as_secs_f64() * 1e3
        );
        println!(
            "bytes sent per node per entry: {per_node_per_entry:.0} = {:.1}× the entry (all protocols, incl. gossip control and pings)",
            per_node_per_entry / mean_entry
        );
        shutdown.cancel();
    });
}
