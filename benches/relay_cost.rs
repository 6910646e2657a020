//! What relaying costs a seed: ten municipalities behind the namespace lab's random-port
//! NAT (where hole punching fails) each catch up 10 000 entries from a municipality behind
//! another NAT, all at once and all through the seed's relay. Reports the seed's CPU time
//! and the bytes on its link, against the bytes of the entries moved, and how long the ten
//! catch-ups took.
//!
//! Run as root (network namespaces): `cargo bench --bench relay_cost`
//! (WIEL_BENCH_SYNCS and WIEL_BENCH_ENTRIES to change the ten and the 10 000).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use wiel_tests::netlab::{Host, Lab, SEED_ADDRESS};
use wiel_tests::wait_for;

const SETUP: Duration = Duration::from_secs(120);
const CATCH_UP: Duration = Duration::from_secs(900);

fn main() {
    let syncs = wiel_tests::env_number("WIEL_BENCH_SYNCS", 10);
    let entries = wiel_tests::env_number("WIEL_BENCH_ENTRIES", 10_000);
    let lab = Lab::up().expect("network namespaces (run as root)");
    let mut seed = Host::with_trust(&lab, "seed", "Gemeente Deventer", "GM0150", "web-of-trust");
    let mut a = Host::new(&lab, "a", "Gemeente Zwolle", "GM0193");
    let mut behind: Vec<Host> = (0..syncs)
        .map(|i| {
            Host::new(
                &lab,
                "c",
                &format!("Gemeente {i}"),
                &format!("GM{:04}", 100 + i),
            )
        })
        .collect();
    // The seed trusts them all: a catch-up between municipalities is what it relays
    // generously (a stranger's circuits are few). It trusts none of the entries' authors,
    // so it holds nothing to give: every entry comes from A through the relay.
    for node in std::iter::once(&a).chain(behind.iter()) {
        seed.ok(&["trust", "add", &node.node.org_key()]);
    }
    let file = wiel_tests::import_file(
        a.node.path(),
        "many.jsonl",
        &wiel_tests::practices(0, entries, 300),
    );
    a.ok(&["import", file.to_str().unwrap()]);
    let raw: u64 = std::fs::metadata(&file).unwrap().len();
    seed.start(&["--seed", "--no-kademlia"]);
    let bootstrap = format!("/ip4/{SEED_ADDRESS}/tcp/4001/p2p/{}", seed.peer_id());
    a.start(&["--bootstrap", &bootstrap, "--no-kademlia"]);
    let ida = a.peer_id();
    wait_for("A's reservation on the seed", SETUP, || {
        a.log().contains("reachable through a relay").then_some(())
    });
    for (i, host) in behind.iter_mut().enumerate() {
        host.start_at(
            4001 + i as u16,
            &["--bootstrap", &bootstrap, "--no-kademlia"],
        );
    }
    let cpu_before = seed.cpu_time();
    let (rx_before, tx_before) = seed.wan_bytes();
    let started = Instant::now();
    let relayed = format!("{bootstrap}/p2p-circuit/p2p/{ida}");
    for host in &behind {
        host.ok(&["connect", &relayed]);
    }
    // Done when every one holds what A holds (their profiles go to A too, so A's set
    // grows a little on the way).
    wait_for("every catch-up through the relay", CATCH_UP, || {
        let target = a.fingerprints();
        let held: u64 = target.iter().map(|(_, n, _)| n).sum();
        (held >= entries as u64 && behind.iter().all(|h| h.fingerprints() == target)).then_some(())
    });
    let took = started.elapsed();
    let cpu = seed.cpu_time() - cpu_before;
    let (rx, tx) = seed.wan_bytes();
    let (rx, tx) = (rx - rx_before, tx - tx_before);
    let moved = raw * syncs as u64;
    for host in &behind {
        assert!(
            !host.direct_to(&ida),
            "behind the random-port NAT the connection stays relayed"
        );
    }
    println!(
        "relay cost, {syncs} catch-ups of {entries} entries at once through one seed: done in {:.1} s; \
         seed CPU {:.1} s ({:.0} % of one core); seed link {:.1} MB in, {:.1} MB out for {:.1} MB of entries \
         ({:.2}× in, {:.2}× out)",
        took.as_secs_f64(),
        cpu.as_secs_f64(),
        100.0 * cpu.as_secs_f64() / took.as_secs_f64(),
        rx as f64 / 1e6,
        tx as f64 / 1e6,
        moved as f64 / 1e6,
        rx as f64 / moved as f64,
        tx as f64 / moved as f64,
    );
}
