//! What answering a sync session costs a seed while entries arrive: a store of 100 000
//! entries over 13 spaces (`nl` and 12 provinces, as a seed keeps them), one new entry
//! stored before each session, and the set of `nl` the session is answered from (64
//! sessions hold theirs, as on a busy seed). Timed:
//! the set followed by what the store's commits added (what a node does), and the set read
//! anew from every row of the store (what it did before, after every commit).
//!
//! Run: `cargo bench --bench sync_set` (env WIEL_BENCH_N changes the number of entries).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use wiel_node::network::SpaceSets;
use wiel_node::trust::{TrustConfig, TrustMode, TrustState};
use wiel_protocol::{OrgKeypair, SpaceName, testing};
use wiel_store::Store;

const SESSIONS: usize = 200;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let n = wiel_tests::env_number("WIEL_BENCH_N", 100_000) as u64;
    let spaces: Vec<SpaceName> = std::iter::once(SpaceName::national())
        .chain((0..12).map(|p| SpaceName::new(format!("pv{}", 20 + p)).unwrap()))
        .collect();
    let keys: Vec<OrgKeypair> = (0..20).map(|i| testing::key(i as u8 + 1)).collect();
    let entry = |i: u64| {
        let space = spaces[(i % 2 * (1 + i / 2 % 12)) as usize].clone();
        testing::practice_with_text_in(
            &keys[(i % 20) as usize],
            space,
            i,
            1_750_000_000_000 + i,
            200,
        )
    };
    eprintln!("storing {n} entries…");
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut next = 0u64;
    while next < n {
        let batch: Vec<_> = (next..(next + 1000).min(n)).map(entry).collect();
        next += batch.len() as u64;
        store.ingest_batch(batch).unwrap();
    }
    let own = OrgKeypair::generate();
    let open = TrustConfig {
        mode: TrustMode::Open,
        ..Default::default()
    };
    let trust = TrustState::load(own.public(), open, &store).unwrap();
    let national = SpaceName::national();
    let mut followed = SpaceSets::default();
    let start = Instant::now();
    let first = followed.set_of(&store, &trust.current(), &national);
    println!(
        "{n} entries, {} of them in nl; the first read of the set: {:.1} ms",
        first.len(),
        ms(start.elapsed())
    );
    let (mut by_following, mut read_anew) = (Vec::new(), Vec::new());
    // Sessions hold their snapshots (a seed answers up to 64 at once): the next change
    // copies the set instead of changing what they hold.
    let mut held = std::collections::VecDeque::new();
    for _ in 0..SESSIONS {
        store.ingest(entry(next)).unwrap();
        next += 1;
        let t = Instant::now();
        let set = followed.set_of(&store, &trust.current(), &national);
        by_following.push(t.elapsed());
        let t = Instant::now();
        let anew = SpaceSets::default().set_of(&store, &trust.current(), &national);
        read_anew.push(t.elapsed());
        assert_eq!(
            set.fingerprint(),
            anew.fingerprint(),
            "the followed set went astray"
        );
        held.push_back(set);
        if held.len() > 64 {
            held.pop_front();
        }
    }
    by_following.sort();
    read_anew.sort();
    let p = wiel_tests::percentile;
    println!(
        "the set of nl after one more entry, {SESSIONS} sessions: followed p50 {:.3} ms, p99 {:.3} ms; read anew p50 {:.1} ms, p99 {:.1} ms",
        ms(p(&by_following, 50.0)),
        ms(p(&by_following, 99.0)),
        ms(p(&read_anew, 50.0)),
        ms(p(&read_anew, 99.0)),
    );
}
