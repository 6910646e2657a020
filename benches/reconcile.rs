//! Reconciliation figure of the catch-up issue: n = 100 000 items on both sides and d
//! differences; round trips and bytes exchanged for reconciliation alone (negentropy,
//! frames of at most 256 KiB), against the bytes of the missing entries themselves.
//!
//! Run: `cargo bench --bench reconcile`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use wiel_node::reconcile::{Initiator, ItemSet, respond};
use wiel_protocol::{EntryId, Timestamp};

/// Bytes of one entry with a 2 KB body (as measured by the ingest benchmark).
const ENTRY_BYTES: usize = 2244;

fn item(i: u64) -> (Timestamp, EntryId) {
    (
        Timestamp::from_millis(1_700_000_000_000 + i * 1000),
        EntryId::from_bytes(*blake3::hash(&i.to_le_bytes()).as_bytes()),
    )
}

fn main() {
    let n: u64 = std::env::var("WIEL_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    println!("n = {n} items on each side; differences spread evenly, half missing on each side");
    println!(
        "{:>7} {:>7} {:>12} {:>14} {:>8} {:>9}",
        "d", "rounds", "recon bytes", "missing bytes", "ratio", "time"
    );
    for d in [10u64, 100, 1_000, 10_000] {
        // The shared n - d/2 items, plus d/2 only on A and d/2 only on B.
        let step = n / d;
        let mut a = Vec::new();
        let mut b = Vec::new();
        for i in 0..n {
            let differs = i.is_multiple_of(step);
            if !differs || (i / step).is_multiple_of(2) {
                a.push(item(i));
            }
            if !differs || !(i / step).is_multiple_of(2) {
                b.push(item(i));
            }
        }
        let start = Instant::now();
        let (a_set, b_set) = (ItemSet::new(&a).unwrap(), ItemSet::new(&b).unwrap());
        let (mut init, mut msg) = Initiator::start(a_set).unwrap();
        let mut rounds = 0;
        let mut bytes = 0usize;
        loop {
            rounds += 1;
            bytes += msg.len();
            let answer = respond(&b_set, &msg).unwrap();
            bytes += answer.len();
            match init.step(&answer).unwrap() {
                Some(next) => msg = next,
                None => break,
            }
        }
        let found = (init.have.len() + init.need.len()) as u64;
        assert_eq!(found, d, "found {found} of {d} differences");
        let missing = d as usize * ENTRY_BYTES;
        println!(
            "{d:>7} {rounds:>7} {bytes:>12} {missing:>14} {:>7.1}% {:>7.0} ms",
            bytes as f64 / missing as f64 * 100.0,
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    println!(
        "goal: ≤ 4 round trips at d ≤ 100; reconciliation bytes ≤ 10 % of the missing entries' bytes"
    );
}
