//! Reconciliation figure of the catch-up issue: n = 100 000 ids on both sides and d
//! differences; round trips and bytes exchanged for reconciliation alone (rateless IBLT,
//! see `wiel_node::reconcile`), against the bytes of the missing entries themselves.
//!
//! Run: `cargo bench --bench reconcile` (`WIEL_BENCH_N` changes n).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use wiel_node::reconcile::{ItemSet, reconcile_in_memory};
use wiel_protocol::EntryId;

/// Bytes of one entry with a 2 KB body (as measured by the ingest benchmark).
const ENTRY_BYTES: usize = 2244;

fn id(i: u64) -> EntryId {
    EntryId::from_bytes(*blake3::hash(&i.to_le_bytes()).as_bytes())
}

fn main() {
    let n = wiel_tests::env_number("WIEL_BENCH_N", 100_000) as u64;
    println!("n = {n} ids on each side; differences spread evenly, half missing on each side");
    println!(
        "{:>7} {:>7} {:>12} {:>14} {:>8} {:>9}",
        "d", "rounds", "recon bytes", "missing bytes", "ratio", "time"
    );
    for d in [10u64, 100, 1_000, 10_000] {
        // The shared n - d/2 ids, plus d/2 only on A and d/2 only on B.
        let step = n / d;
        let mut a = Vec::new();
        let mut b = Vec::new();
        for i in 0..n {
            let differs = i.is_multiple_of(step);
            if !differs || (i / step).is_multiple_of(2) {
                a.push(id(i));
            }
            if !differs || !(i / step).is_multiple_of(2) {
                b.push(id(i));
            }
        }
        let (a_set, b_set) = (ItemSet::new(a), ItemSet::new(b));
        let start = Instant::now();
        let (init, bytes) = reconcile_in_memory(a_set, &b_set).unwrap();
        let elapsed = start.elapsed();
        let found = (init.have.len() + init.need.len()) as u64;
        assert_eq!(found, d, "found {found} of {d} differences");
        let missing = d as usize * ENTRY_BYTES;
        println!(
            "{d:>7} {:>7} {bytes:>12} {missing:>14} {:>7.1}% {:>7.0} ms",
            init.rounds(),
            bytes as f64 / missing as f64 * 100.0,
            elapsed.as_secs_f64() * 1e3
        );
    }
    println!(
        "goal: ≤ 4 round trips at d ≤ 100; reconciliation bytes ≤ 10 % of the missing entries' bytes"
    );
}
