//! Nodes behind NAT, on a small internet in network namespaces (`tests/netlab/netlab`): a
//! public seed that relays, and municipalities behind routers that let nothing in. Needs
//! root, iproute2 and nftables (`.ci/run` installs them); where namespaces cannot be made
//! the test says so in one line and fails, unless WIEL_SKIP_NETNS=1 says to skip it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_tests::netlab::{Host, Lab, SEED_ADDRESS, TIMEOUT};
use wiel_tests::wait_for;

#[test]
fn municipalities_behind_nat_meet_through_a_seed_punch_holes_and_keep_going_without_it() {
    let Some(lab) = Lab::up() else { return };
    let mut seed = Host::new(&lab, "seed", "Gemeente Deventer", "GM0150");
    seed.start(&["--seed"]);
    let bootstrap = format!("/ip4/{SEED_ADDRESS}/tcp/4001/p2p/{}", seed.peer_id());
    let mut a = Host::new(&lab, "a", "Gemeente Zwolle", "GM0193");
    let mut b = Host::new(&lab, "b", "Gemeente Kampen", "GM0166");
    a.start(&["--bootstrap", &bootstrap]);
    b.start(&["--bootstrap", &bootstrap]);
    let (ida, idb) = (a.peer_id(), b.peer_id());

    // A finds B through the seed, reaches it through the relay, and the punch makes the
    // connection direct.
    wait_for("A and B connected directly", TIMEOUT, || {
        (a.direct_to(&idb) || b.direct_to(&ida)).then_some(())
    });
    assert!(
        a.log().contains("hole punched") || b.log().contains("hole punched"),
        "A:\n{}\nB:\n{}",
        a.log(),
        b.log()
    );

    // An entry published on A reaches B.
    let id = a.publish(
        "Samen inkopen over de grens",
        "Zwolle en Kampen kochten samen in.",
    );
    wait_for("the entry on B", TIMEOUT, || b.has(&id).then_some(()));

    // Behind the NAT that picks random ports, the punch fails: C stays reachable through
    // the relay, and what it publishes reaches the others.
    let mut c = Host::new(&lab, "c", "Gemeente Dalfsen", "GM0148");
    c.start(&["--bootstrap", &bootstrap]);
    let idc = c.peer_id();
    wait_for("C reached through the relay", TIMEOUT, || {
        (c.relayed_to(&ida) || a.relayed_to(&idc) || c.relayed_to(&idb) || b.relayed_to(&idc))
            .then_some(())
    });
    wait_for("a failed punch with C", TIMEOUT, || {
        [&a, &b, &c]
            .iter()
            .any(|h| h.log().contains("hole punching failed"))
            .then_some(())
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
    // `wiel doctor` on C says that it is reached through a relay and why: its punches fail.
    wait_for("C's doctor on its punches", TIMEOUT, || {
        c.doctor_says("hole_punching")
            .filter(|(health, _)| health == "warn")
    });
    let (health, message) = c.doctor_says("reachability").unwrap();
    assert_eq!(health, "ok", "{message}");
    assert!(message.contains("through 1 relay"), "{message}");
    let (health, message) = seed.doctor_says("reachability").unwrap();
    assert_eq!(health, "ok", "{message}");
    assert!(message.contains(SEED_ADDRESS), "{message}");
    eprintln!("A: {:?}\nC: {:?}", a.doctor(), c.doctor());
    let from_c = c.publish("Dalfsen doet mee", "Wij kopen de volgende ronde mee in.");
    wait_for("C's entry on A and B", TIMEOUT, || {
        (a.has(&from_c) && b.has(&from_c)).then_some(())
    });

    // The seed goes down: A and B keep their direct connection and keep exchanging.
    drop(seed);
    let later = b.publish("Na de seed", "Kampen en Zwolle houden contact zonder seed.");
    wait_for("B's entry on A without the seed", TIMEOUT, || {
        a.has(&later).then_some(())
    });
    assert!(a.direct_to(&idb) || b.direct_to(&ida));
}
