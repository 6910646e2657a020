//! Nodes behind NAT, on a small internet in network namespaces (`tests/netlab/netlab`): a
//! public seed that relays, and municipalities behind routers that let nothing in. Needs
//! root, iproute2 and nftables (`.ci/run` installs them); where namespaces cannot be made
//! the test says so in one line and fails, unless WIEL_SKIP_NETNS=1 says to skip it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_tests::netlab::{Host, Lab, SEED_ADDRESS, TIMEOUT};
use wiel_tests::wait_for;

/// A catch-up of 10 000 entries, in a debug build, over the lab's links.
const CATCH_UP: std::time::Duration = std::time::Duration::from_secs(180);
/// A direct connection, when the first punch may fail (a busy machine; B's kernel
/// holding the port of its last connection to A for a minute after a restart) and the
/// node tries again after a minute.
const PUNCHED: std::time::Duration = std::time::Duration::from_secs(180);
/// What a node logs when it closes a relayed connection a direct one replaced.
const HANDED_OVER: &str = "connected directly: closing the connection through the relay";

#[test]
fn municipalities_behind_nat_meet_through_a_seed_punch_holes_and_keep_going_without_it() {
    let Some(lab) = Lab::up() else { return };
    // The seed trusts the municipalities (it relays for them as much as they need; a
    // stranger's circuits run out) but none of the authors of the entries they exchange:
    // those it keeps apart and never offers, so what B catches up below comes from A.
    let mut seed = Host::with_trust(&lab, "seed", "Gemeente Deventer", "GM0150", "web-of-trust");
    let mut a = Host::new(&lab, "a", "Gemeente Zwolle", "GM0193");
    let mut b = Host::new(&lab, "b", "Gemeente Kampen", "GM0166");
    for node in [&a, &b] {
        seed.ok(&["trust", "add", &node.node.org_key()]);
    }
    seed.start(&["--seed"]);
    let bootstrap = format!("/ip4/{SEED_ADDRESS}/tcp/4001/p2p/{}", seed.peer_id());
    a.start(&["--bootstrap", &bootstrap]);
    b.start(&["--bootstrap", &bootstrap]);
    let (ida, idb) = (a.peer_id(), b.peer_id());

    // A finds B through the seed, reaches it through the relay, and the punch makes the
    // connection direct.
    until_within(
        PUNCHED,
        "A and B connected directly",
        &[&a, &b, &seed],
        || a.direct_to(&idb) || b.direct_to(&ida),
    );
    assert!(
        a.log().contains("hole punched") || b.log().contains("hole punched"),
        "A:\n{}\nB:\n{}",
        a.log(),
        b.log()
    );
    // The direct connection takes over: the one through the seed's relay is closed (it
    // costs the seed, and gossip would keep only it alive).
    until(
        "the relayed connection between A and B closed",
        &[&a, &b],
        || [&a, &b].iter().any(|h| h.log().contains(HANDED_OVER)),
    );

    // An entry published on A reaches B.
    let id = a.publish(
        "Samen inkopen over de grens",
        "Zwolle en Kampen kochten samen in.",
    );
    until("the entry on B", &[&a, &b], || b.has(&id));

    // Behind the NAT that picks random ports, the punch fails: C stays reachable through
    // the relay, and what it publishes reaches the others.
    let mut c = Host::new(&lab, "c", "Gemeente Dalfsen", "GM0148");
    seed.ok(&["trust", "add", &c.node.org_key()]);
    c.start(&["--bootstrap", &bootstrap]);
    let idc = c.peer_id();
    until("C reached through the relay", &[&a, &b, &c, &seed], || {
        c.relayed_to(&ida) || a.relayed_to(&idc) || c.relayed_to(&idb) || b.relayed_to(&idc)
    });
    until("a failed punch with C", &[&a, &b, &c], || {
        [&a, &b, &c]
            .iter()
            .any(|h| h.log().contains("hole punching failed"))
    });
    assert!(
        !c.direct_to(&ida) && !c.direct_to(&idb),
        "C is behind a random-port NAT: {:?}\n{}",
        c.peers(),
        c.log()
            .lines()
            .filter(|l| l.contains("punch") || l.contains("Connection established"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // `wiel doctor` on C says that it is reached through a relay and why: its connections
    // stay relayed, the punches fail.
    until("C's doctor on its punches", &[&c], || {
        c.doctor_says("hole_punching")
            .is_some_and(|(health, _)| health == "warn")
    });
    until("C's doctor on its reachability", &[&c], || {
        let (health, message) = c.doctor_says("reachability").unwrap();
        health == "ok" && message.contains("through 1 relay")
    });
    let status = c.ok(&["status"]);
    assert!(
        status.contains("reachable from outside through 1 relay"),
        "{status}"
    );
    let (health, message) = seed.doctor_says("reachability").unwrap();
    assert_eq!(health, "ok", "{message}");
    assert!(message.contains(SEED_ADDRESS), "{message}");
    let from_c = c.publish("Dalfsen doet mee", "Wij kopen de volgende ronde mee in.");
    until("C's entry on A and B", &[&a, &b, &c], || {
        a.has(&from_c) && b.has(&from_c)
    });

    // B was away while A took in 10 000 entries: when B is back, it finds A again (through
    // the seed and the relay, then a punch) and catches up with all of them.
    b.stop();
    let file = wiel_tests::import_file(
        a.node.path(),
        "many.jsonl",
        &wiel_tests::practices(0, 10_000, 300),
    );
    a.ok(&["import", file.to_str().unwrap()]);
    // Away means A noticed: over QUIC no packet says a killed node is gone, and A holds
    // the last connection for its idle timeout. (A node back within that time is dialed
    // back by A and both start afresh where A can reach it; behind NAT A cannot, and what
    // B publishes reaches A by sync, not gossip: see "A node back within seconds" in the
    // README.)
    a.until_let_go_of(&idb);
    b.start(&["--bootstrap", &bootstrap]);
    until_within(
        CATCH_UP,
        "B caught up with A's 10 000 entries",
        &[&a, &b],
        || {
            let (fa, fb) = (a.fingerprints(), b.fingerprints());
            fa == fb && fa.iter().map(|(_, n, _)| n).sum::<u64>() > 10_000
        },
    );
    until_within(
        PUNCHED,
        "A and B connected directly again",
        &[&a, &b],
        || a.direct_to(&idb) || b.direct_to(&ida),
    );

    // The seed goes down: A and B keep their direct connection and keep exchanging.
    drop(seed);
    let later = b.publish("Na de seed", "Kampen en Zwolle houden contact zonder seed.");
    until("B's entry on A without the seed", &[&a, &b], || {
        a.has(&later)
    });
    assert!(a.direct_to(&idb) || b.direct_to(&ida));
}

/// Waits until `done`; on a timeout, fails with what `hosts` logged about reaching others.
fn until(what: &str, hosts: &[&Host], done: impl FnMut() -> bool) {
    until_within(TIMEOUT, what, hosts, done)
}

/// [`until`], waiting at most `limit`.
fn until_within(
    limit: std::time::Duration,
    what: &str,
    hosts: &[&Host],
    mut done: impl FnMut() -> bool,
) {
    let start = std::time::Instant::now();
    while !done() {
        if start.elapsed() > limit {
            let about = |line: &&str| {
                [
                    "reach",
                    "punch",
                    "relay",
                    "autonat",
                    "Connection",
                    "gossip",
                    "connected",
                    "disconnected",
                ]
                .iter()
                .any(|word| line.contains(word))
            };
            let logs: Vec<String> = hosts
                .iter()
                .map(|h| {
                    let log = h.log();
                    format!(
                        "{}:\n{}\n{}",
                        h.ns,
                        log.lines().filter(about).collect::<Vec<_>>().join("\n"),
                        h.network_state()
                    )
                })
                .collect();
            // Said again at the end: CI shows a failure's last lines.
            panic!(
                "timed out waiting for {what}\n{}\n(timed out waiting for {what})",
                logs.join("\n")
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}

/// A node the seed does not trust (a stranger: a fresh key, say) gets a reservation a few
/// times — a node restarted now and then — and then no more for a while: a thousand
/// restarts, or a thousand fresh keys from one place, cannot fill a municipality's relay.
#[test]
fn a_stranger_gets_a_few_reservations_on_a_relay_and_then_none() {
    let Some(lab) = Lab::up() else { return };
    let mut seed = Host::with_trust(&lab, "seed", "Gemeente Deventer", "GM0150", "closed");
    seed.start(&["--seed"]);
    let bootstrap = format!("/ip4/{SEED_ADDRESS}/tcp/4001/p2p/{}", seed.peer_id());
    let mut stranger = Host::new(&lab, "c", "Gemeente Dalfsen", "GM0148");
    for round in 1..=4 {
        stranger.start(&["--bootstrap", &bootstrap]);
        wait_for(&format!("reservation {round}"), TIMEOUT, || {
            stranger
                .log()
                .contains("reachable through a relay")
                .then_some(())
        });
        stranger.stop();
    }
    stranger.start(&["--bootstrap", &bootstrap]);
    wait_for("the fifth reservation refused", TIMEOUT, || {
        stranger
            .log()
            .contains("no reservation on a relay")
            .then_some(())
    });
    assert!(
        !stranger.log().contains("reachable through a relay"),
        "{}",
        stranger.log()
    );
    let (health, message) = stranger.doctor_says("reachability").unwrap();
    assert_ne!(health, "ok", "{message}");
}

/// The bootstrap list in DNS: a node that names only a domain finds the seed its TXT
/// records list, and reaches the others through it.
#[test]
fn a_node_finds_the_seed_through_a_bootstrap_list_in_dns() {
    let Some(lab) = Lab::up() else { return };
    let mut seed = Host::new(&lab, "seed", "Gemeente Deventer", "GM0150");
    seed.start(&["--seed"]);
    let seed_id = seed.peer_id();
    let _dns = lab.dns_server(
        "seed",
        "_dnsaddr.seeds.wiel.example",
        &[
            format!("dnsaddr=/ip4/{SEED_ADDRESS}/tcp/4001/p2p/{seed_id}"),
            "dnsaddr=/ip4/203.0.113.99/tcp/4001".to_owned(),
        ],
    );
    let mut a = Host::new(&lab, "a", "Gemeente Zwolle", "GM0193");
    lab.use_dns("a", SEED_ADDRESS);
    a.node.set_config_line(
        "bootstrap_dns = []",
        "bootstrap_dns = [\"seeds.wiel.example\"]",
    );
    a.start(&[]);
    wait_for("A connected to the seed it found in DNS", TIMEOUT, || {
        a.peers()
            .iter()
            .any(|p| p["peer_id"] == seed_id.as_str())
            .then_some(())
    });
    assert!(
        a.log().contains("no address with a peer id"),
        "the record without a peer id is named: {}",
        a.log()
    );
    let (health, message) = a.doctor_says("config").unwrap();
    assert_eq!(health, "ok", "{message}");
}
