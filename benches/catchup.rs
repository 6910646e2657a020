//! Full catch-up figure of the sync issue: an empty node fetches 100 000 entries with 2 KB
//! bodies from one peer over loopback; verified (signatures in batches), stored and
//! indexed for search. Timed as `wiel sync --peer` sees it (first reconciliation round to
//! the last entry on disk), and until the search index of the new node has taken in every
//! entry (as `wiel status` reports it). Real release processes.
//!
//! Run: `cargo bench --bench catchup` (env WIEL_BENCH_N to change the count).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use wiel_store::Store;
use wiel_tests::{Daemon, Node};

fn main() {
    let n = wiel_tests::env_number("WIEL_BENCH_N", 100_000);
    let source = Node::init("Gemeente Zwolle", "GM0193");
    eprintln!("filling the source store with {n} entries…");
    let corpus = wiel_tests::corpus(n, 2048);
    let bytes: usize = corpus.iter().map(|e| e.bytes().len()).sum();
    {
        let store = Store::open(&source.path().join("store")).unwrap();
        for chunk in corpus.chunks(1000) {
            store.ingest_batch(chunk.to_vec()).unwrap();
        }
    }
    drop(corpus);
    let quiet = "wiel_node=info";
    let source_node = Daemon::start_logged(&source, &[], &["--no-kademlia"], quiet);
    let empty = Node::init("Gemeente Hattem", "GM0244");
    let _empty_node = Daemon::start_logged(&empty, &[], &["--no-kademlia"], quiet);

    let start = Instant::now();
    let out = empty.ok(&["--json", "sync", "--peer", &source_node.address]);
    let wall = start.elapsed().as_secs_f64();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let stored = report["stored"].as_u64().unwrap();
    assert!(
        stored as usize >= n,
        "only {stored} of {n} stored: {report}"
    );
    assert_eq!(report["rejected"], 0);
    assert_eq!(source.fingerprints(), empty.fingerprints(), "sets differ");
    let secs = report["elapsed_ms"].as_f64().unwrap() / 1000.0;
    wiel_tests::wait_for(
        "the search index to take in every entry",
        std::time::Duration::from_secs(600),
        || {
            let search = empty.status().search;
            (search.waiting == 0 && search.documents >= Some(n as u64)).then_some(())
        },
    );
    let searchable = start.elapsed().as_secs_f64();
    println!(
        "catch-up of {stored} entries ({:.0} MB) from one peer: {secs:.1} s in the node, {wall:.1} s for `wiel sync`; {:.0} entries/s; all searchable after {searchable:.1} s (goal: 100 000 in ≤ 20 s, stored and indexed)",
        bytes as f64 / 1e6,
        stored as f64 / secs
    );
}
