//! Hole punching through the port-keeping NATs of the namespace lab (`tests/netlab/netlab`):
//! 50 trials of municipality A reaching B through the seed's relay (`wiel connect` with B's
//! relayed address), each timed from the connect until A reaches B directly. Reports the
//! success rate (goal ≥ 95 %) and the time from relayed to direct, p50 and p99. B restarts
//! between trials, so each starts with no connection between them.
//!
//! Run as root (network namespaces): `cargo bench --bench holepunch` (WIEL_BENCH_TRIALS to
//! change the number of trials).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use wiel_tests::netlab::{Host, Lab, SEED_ADDRESS};
use wiel_tests::percentile;

/// How long one trial may take to turn direct.
const TRIAL: Duration = Duration::from_secs(15);

fn main() {
    let trials = wiel_tests::env_number("WIEL_BENCH_TRIALS", 50);
    let lab = Lab::up().expect("network namespaces (run as root)");
    let mut seed = Host::with_trust(&lab, "seed", "Gemeente Deventer", "GM0150", "web-of-trust");
    let mut a = Host::new(&lab, "a", "Gemeente Zwolle", "GM0193");
    let mut b = Host::new(&lab, "b", "Gemeente Kampen", "GM0166");
    // The seed trusts both (a stranger's reservations are few, and B restarts 50 times).
    for node in [&a, &b] {
        seed.ok(&["trust", "add", &node.node.org_key()]);
    }
    seed.start(&["--seed", "--no-kademlia"]);
    let seed_id = seed.peer_id();
    let bootstrap = format!("/ip4/{SEED_ADDRESS}/tcp/4001/p2p/{seed_id}");
    // Without Kademlia: A reaches B only when told to, so each trial is one punch.
    a.start(&["--bootstrap", &bootstrap, "--no-kademlia"]);
    let mut times = Vec::new();
    let mut failed = 0;
    for trial in 0..trials {
        b.start(&["--bootstrap", &bootstrap, "--no-kademlia"]);
        let idb = b.peer_id();
        let waited = Instant::now();
        while !b.log().contains("reachable through a relay") {
            assert!(
                waited.elapsed() < TRIAL,
                "no reservation for B on the seed:\n{}\nseed:\n{}",
                b.log(),
                seed.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let relayed = format!("{bootstrap}/p2p-circuit/p2p/{idb}");
        let started = Instant::now();
        a.ok(&["connect", &relayed]);
        let mut direct = false;
        while started.elapsed() < TRIAL {
            if a.direct_to(&idb) {
                direct = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if direct {
            times.push(started.elapsed());
        } else {
            failed += 1;
            eprintln!("trial {trial}: no direct connection within {TRIAL:?}");
        }
        b.stop();
        // A lets go of B before the next trial.
        a.until_let_go_of(&idb);
    }
    times.sort();
    let ok = times.len();
    println!(
        "hole punching, port-keeping NATs: {ok}/{trials} direct ({:.0} %; goal ≥ 95 %); relayed → direct p50 {:.0} ms, p99 {:.0} ms",
        100.0 * ok as f64 / trials as f64,
        percentile(&times, 50.0).as_secs_f64() * 1000.0,
        percentile(&times, 99.0).as_secs_f64() * 1000.0,
    );
    if failed > 0 {
        println!("{failed} trials stayed relayed");
    }
}
