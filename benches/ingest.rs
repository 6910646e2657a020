//! Ingest figure of the foundation issue: 100 000 signed entries with 2 KB bodies, decoded,
//! verified and stored in batches; the verify-only rate as ceiling; disk use afterwards.
//!
//! Run: `cargo bench --bench ingest` (env WIEL_BENCH_N to change the count).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use wiel_protocol::{Rules, Verified, testing};
use wiel_store::Store;

const BATCH: usize = 1000;

fn main() {
    let n = wiel_tests::env_number("WIEL_BENCH_N", 100_000);
    eprintln!("signing {n} entries with 2 KB bodies…");
    let wire: Vec<Vec<u8>> = wiel_tests::corpus(n, 2048)
        .iter()
        .map(|v| v.bytes().to_vec())
        .collect();
    let raw: u64 = wire.iter().map(|b| b.len() as u64).sum();
    let rules: Rules = testing::rules();

    // Ceiling: decode + verify only.
    let t = Instant::now();
    for bytes in &wire {
        Verified::from_bytes(bytes.clone(), &rules).unwrap();
    }
    let verify_rate = wire.len() as f64 / t.elapsed().as_secs_f64();

    // Ingest: decode + verify + store, batches of 1000, durable per batch.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let t = Instant::now();
    for chunk in wire.chunks(BATCH) {
        let batch: Vec<Verified> = chunk
            .iter()
            .map(|b| Verified::from_bytes(b.clone(), &rules).unwrap())
            .collect();
        store.ingest_batch(batch).unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    let ingest_rate = wire.len() as f64 / secs;
    assert_eq!(store.count(), wire.len());
    drop(store);

    let apparent = wiel_tests::dir_size(dir.path());
    let allocated = wiel_tests::dir_allocated(dir.path());
    println!("entries                 {}", wire.len());
    println!("raw entry bytes         {:.1} MB", raw as f64 / 1e6);
    println!("verify-only (ceiling)   {verify_rate:.0} entries/s");
    println!("ingest (verify+store)   {ingest_rate:.0} entries/s  ({secs:.1} s; goal ≥ 5000)");
    println!("ingest / verify-only    {:.2}", ingest_rate / verify_rate);
    println!(
        "disk after ingest       {:.1} MB apparent, {:.1} MB allocated = {:.2}× raw (goal ≤ 3×)",
        apparent as f64 / 1e6,
        allocated as f64 / 1e6,
        apparent.max(allocated) as f64 / raw as f64
    );
}
