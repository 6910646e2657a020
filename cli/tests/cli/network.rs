//! The network with real `wiel node` processes on 127.0.0.1: gossip across a line of nodes,
//! networks that must not mix, a node killed with SIGKILL, and one back at once on another
//! port.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;
use wiel_node::wire::PeerEntry;
use wiel_tests::published_id;

use wiel_tests::{Daemon, Node, expect_one_line_error, practice_md, wait_for, wait_for_or_show};
use wiel_tests::{Refusal, StatusFacts};

/// How long a test waits for what it expects, at most. Under CI's full load (every test
/// binary at once on two cores) a daemon's first entry once took over 30 s to reach its
/// peer; the other test files wait 60 – 90 s.
const TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn entry_published_on_a_reaches_c_through_b() {
    let (a, b, c) = (
        Node::init("Gemeente Zwolle", "GM0193"),
        Node::init("Gemeente Kampen", "GM0166"),
        Node::init("Gemeente Deventer", "GM0150"),
    );
    // A strict line: no discovery, so C reaches A only through B.
    let line = ["--no-kademlia"];
    let da = Daemon::start_with(&a, &[], &line);
    let db = Daemon::start_with(&b, &[&da.address], &line);
    let _dc = Daemon::start_with(&c, &[&db.address], &line);
    wait_for("B to see A and C", TIMEOUT, || {
        (b.status().peers() >= 2).then_some(())
    });
    assert_eq!(a.status().peers(), 1, "A must know only B");
    assert_eq!(c.status().peers(), 1, "C must know only B");

    let file = a.path().join("p.md");
    std::fs::write(
        &file,
        practice_md(
            "Onboarding jeugdconsulenten via gossip",
            "Een buddy voor iedereen.",
        ),
    )
    .unwrap();
    let id = published_id(&a.ok(&["--json", "publish", file.to_str().unwrap()]));

    wait_for("the entry to reach C", TIMEOUT, || {
        c.search_ids("jeugdconsulenten").contains(&id).then_some(())
    });
    // C's copy is the signed original, byte for byte, and verifies on import elsewhere.
    let line_of = |n: &Node| {
        n.snapshot()
            .lines()
            .find(|l| l.contains(&id))
            .map(str::to_owned)
    };
    assert_eq!(line_of(&c), line_of(&a));
    let fresh = Node::init("Gemeente Kampen", "GM0166");
    let f = fresh.path().join("c.jsonl");
    std::fs::write(&f, line_of(&c).unwrap()).unwrap();
    fresh.ok(&["import", f.to_str().unwrap()]);
    assert!(fresh.has(&id));
    // and C counted it as received from the network
    assert!(c.status().stored_from_network >= 1);
}

#[test]
fn nodes_on_different_networks_refuse_each_other() {
    let test_net = Node::init("Gemeente Zwolle", "GM0193");
    let honest = Node::init("Gemeente Kampen", "GM0166");
    let other = Node::empty();
    other.ok(&[
        "init",
        "--name",
        "Gemeente Oss",
        "--code",
        "GM0828",
        "--network",
        "wiel-other",
    ]);

    let dt = Daemon::start(&test_net, &[]);
    let _dh = Daemon::start(&honest, &[&dt.address]);
    let _do = Daemon::start(&other, &[&dt.address]);
    wait_for(
        "the node on the other network to be refused",
        TIMEOUT,
        || {
            let refused = test_net.status().refused(Refusal::OtherNetworkPeer)
                + other.status().refused(Refusal::OtherNetworkPeer);
            (refused >= 1).then_some(())
        },
    );

    let id = published_id(&test_net.ok(&["--json", "ask", "Wie doet mee aan de pilot?"]));
    wait_for(
        "the entry to reach the node on the same network",
        TIMEOUT,
        || honest.has(&id).then_some(()),
    );
    assert!(!other.has(&id), "an entry leaked into another network");
    let peers: Vec<PeerEntry> = other.json(&["peers"]);
    let test_node = test_net.status().peer_id().to_owned();
    assert!(
        peers.iter().all(|p| p.peer.peer_id != test_node),
        "the other network still lists the test node as a peer: {peers:?}"
    );
    // `wiel connect` to a node of another network says so, and fails; tried again, it
    // says that node is blocked for now, not "see the log".
    let third = Node::empty();
    third.ok(&[
        "init",
        "--name",
        "Gemeente Ede",
        "--code",
        "GM0228",
        "--network",
        "wiel-third",
    ]);
    let d3 = Daemon::start(&third, &[]);
    let args = ["connect", d3.address.as_str()];
    let err = expect_one_line_error(honest.run(&args), &args);
    assert!(
        err.contains("another wiel network"),
        "{err}\n{}",
        _dh.log_text()
    );
    // (Which of the two learns first that the other is on another network is a race:
    // the one that hears it second only sees the other break off, and says so.)
    let err = expect_one_line_error(honest.run(&args), &args);
    assert!(
        err.contains("blocked") || err.contains("another wiel network"),
        "{err}"
    );
}

#[test]
fn node_killed_with_sigkill_loses_nothing_acknowledged_and_rejoins() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let da = Daemon::start(&a, &[]);
    let db = Daemon::start(&b, &[&da.address]);
    wait_for("A and B to connect", TIMEOUT, || {
        (a.status().peers() >= 1).then_some(())
    });

    // A streams entries to B while B itself publishes; every publish B acknowledged is noted.
    let streamer = {
        let dir = a.path().to_owned();
        std::thread::spawn(move || {
            for i in 0..60 {
                let _ = wiel_tests::wiel_command()
                    .arg("--data-dir")
                    .arg(&dir)
                    .args(["ask", &format!("Stroomvraag {i}?")])
                    .output();
            }
        })
    };
    let mut acknowledged = Vec::new();
    for i in 0..15 {
        let r = b.run(&["--json", "ask", &format!("Eigen vraag {i}?")]);
        if r.code == 0 {
            acknowledged.push(published_id(&r.stdout));
        }
    }
    wait_for("B to receive part of the stream", TIMEOUT, || {
        (b.status().stored_from_network >= 5).then_some(())
    });
    db.kill9();
    streamer.join().unwrap();

    // The store opens again (the stale API file is ignored) and holds all it acknowledged.
    for id in &acknowledged {
        assert!(b.has(id), "acknowledged entry {id} was lost");
    }
    let _db = Daemon::start(&b, &[&da.address]);
    let id = published_id(&a.ok(&["--json", "ask", "Na de herstart?"]));
    wait_for("B to rejoin and receive a new entry", TIMEOUT, || {
        b.has(&id).then_some(())
    });
    drop(da);
}

#[test]
fn entries_published_offline_are_gossiped_when_the_node_starts() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let offline = published_id(&a.ok(&["--json", "ask", "Geschreven zonder netwerk?"]));
    let db = Daemon::start(&b, &[]);
    let _da = Daemon::start(&a, &[&db.address]);
    wait_for("the offline entry to reach B", TIMEOUT, || {
        b.has(&offline).then_some(())
    });
    let status = db.stop();
    assert!(status.success(), "wiel node did not stop cleanly: {status}");
    assert!(!b.path().join("api.json").exists());
}

fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn metrics_endpoint_counts_peers_and_entries() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let metrics = format!("127.0.0.1:{port}");
    let da = Daemon::start_with(&a, &[], &["--metrics", &metrics]);
    let _db = Daemon::start(&b, &[&da.address]);
    let id = published_id(&b.ok(&["--json", "ask", "Meten is weten?"]));
    wait_for("A to store B's entry", TIMEOUT, || a.has(&id).then_some(()));
    let text = wait_for("metrics to show the entry", TIMEOUT, || {
        let text = http_get(&metrics, "/metrics");
        text.contains("wiel_entries_stored_total 2").then_some(text) // B's profile and question
    });
    assert!(text.contains("wiel_peers 1"), "{text}");
    assert!(text.contains("libp2p_bandwidth"), "{text}");
    // The local API needs the token; metrics are on their own address.
    let api = a.api_endpoint();
    let unauthorised = http_get(&api.address.to_string(), "/api/v1/status");
    assert!(unauthorised.starts_with("HTTP/1.1 401"), "{unauthorised}");
    assert!(
        unauthorised.contains("application/problem+json"),
        "{unauthorised}"
    );
}

#[test]
fn errors_through_a_running_node_are_the_same_one_line_errors() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let _da = Daemon::start(&a, &[]);
    let file = a.path().join("p.md");
    std::fs::write(&file, practice_md("Een goed voorbeeld", "Tekst.")).unwrap();
    let practice = published_id(&a.ok(&["--json", "publish", file.to_str().unwrap()]));
    let before = a.snapshot();
    let err = a.fails(&["answer", &practice[..8], "Wij ook"]);
    assert!(err.contains("is a good practice, not a question"), "{err}");
    let err = a.fails(&["show", "0000000"]);
    assert!(err.contains("no entry has an id starting with"), "{err}");
    let bad = a.path().join("bad.md");
    std::fs::write(&bad, "---\nkind: practice\ntitle: \"\"\n---\nTekst\n").unwrap();
    let err = a.fails(&["publish", bad.to_str().unwrap()]);
    assert!(err.contains("title is empty"), "{err}");
    assert_eq!(a.snapshot(), before);
}

#[test]
fn a_bootstrap_peer_that_comes_back_is_dialed_again() {
    let (seed, a, fixed) = seed_and_municipality();
    let ds = start_seed(&seed, &fixed);
    let seed_id = seed.status().peer_id();
    let bootstrap = format!("{fixed}/p2p/{seed_id}");
    let _da = Daemon::start_with(&a, &[&bootstrap], &["--no-kademlia"]);
    wait_for("A to reach its bootstrap peer", TIMEOUT, || {
        a.peer_ids().contains(&seed_id).then_some(())
    });
    ds.stop();
    wait_for("A to notice the seed is gone", TIMEOUT, || {
        (!a.peer_ids().contains(&seed_id)).then_some(())
    });
    // The seed comes back at the same address; it dials nobody: A must, and soon, as A
    // has no other peer (with other peers, a gone bootstrap peer is dialed every minute).
    let _ds = start_seed(&seed, &fixed);
    wait_for(
        "A, alone, to dial its bootstrap peer again",
        ALONE_REDIAL,
        || a.peer_ids().contains(&seed_id).then_some(()),
    );
}

/// A seed and a municipality, and a fixed address on loopback for the seed.
fn seed_and_municipality() -> (Node, Node, String) {
    let seed = Node::init("Gemeente Deventer", "GM0150");
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let fixed = format!("/ip4/127.0.0.1/tcp/{}", wiel_tests::free_port());
    (seed, a, fixed)
}

fn start_seed(seed: &Node, fixed: &str) -> Daemon {
    Daemon::start_with(seed, &[], &["--listen", fixed, "--no-kademlia"])
}

/// Well within the minute a node with peers waits: a node alone dials its bootstrap
/// peers after 1, 2, 4, 8 … s (each spread over its second half).
const ALONE_REDIAL: Duration = Duration::from_secs(25);

/// A starts before its seed, given the seed's address with its peer id or (`bare`) without:
/// A dials it again and again until the seed is up, then reaches it.
fn reaches_a_seed_started_later(bare: bool) {
    let (seed, a, fixed) = seed_and_municipality();
    // The seed's peer id is known once it has run.
    let ds = start_seed(&seed, &fixed);
    let seed_id = seed.status().peer_id();
    ds.stop();
    let bootstrap = if bare {
        fixed.clone()
    } else {
        format!("{fixed}/p2p/{seed_id}")
    };
    // Nothing listens there now: A's first dials fail, as they do when a seed refuses the
    // dials of hundreds of nodes starting at once.
    let da = Daemon::start_with(&a, &[&bootstrap], &["--no-kademlia"]);
    // A tries again, and again (a node with peers would wait a minute after its first).
    wait_for(
        "A, alone, to dial its seed a third time",
        ALONE_REDIAL,
        || {
            let tries = da
                .log_text()
                .matches("dialing a bootstrap peer again")
                .count();
            (tries >= 3).then_some(())
        },
    );
    let _ds = start_seed(&seed, &fixed);
    wait_for("A, alone, to reach its seed", ALONE_REDIAL, || {
        a.peer_ids().contains(&seed_id).then_some(())
    });
}

#[test]
fn a_node_started_before_its_seed_reaches_it_soon_after_it_starts() {
    reaches_a_seed_started_later(false);
}

/// An ICT department may write a seed down as `/dns4/seed.example.nl/tcp/4001`, without
/// its peer id: it was dialed at the start only, and a node started before it stayed alone.
#[test]
fn a_seed_given_without_its_peer_id_is_dialed_again_until_it_answers() {
    reaches_a_seed_started_later(true);
}

/// A connection that never says who it is does not hold its slot for long (libp2p's 10 s for
/// setting a connection up): with at most 8 being set up from one network at once (see
/// `strangers`), one machine's silent connections cannot keep everyone else out.
#[test]
fn a_connection_that_never_says_who_it_is_is_closed() {
    use std::io::Read;
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let da = Daemon::start_with(&a, &[], &["--no-kademlia"]);
    let port = da
        .address
        .split('/')
        .nth(4)
        .and_then(|p| p.parse::<u16>().ok())
        .expect("a TCP address");
    let mut silent = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    silent.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut buf = [0u8; 64];
    // Whatever the node sends first (its side of the handshake), it then closes.
    let closed = loop {
        match silent.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(_) => break false,
        }
    };
    assert!(
        closed,
        "the node still holds a connection that never said who it is"
    );
}

#[test]
fn wiel_node_says_where_it_is_which_peers_come_and_go_and_when_it_stops() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let da = Daemon::start_with(&a, &[], &["--no-kademlia"]);
    let said = da.said();
    assert!(said.contains("wiel connect /ip4/127.0.0.1/tcp/"), "{said}");
    assert!(said.contains(&da.address), "{said}");
    let db = Daemon::start_with(&b, &[&da.address], &["--no-kademlia"]);
    let b_id = b.status().peer_id();
    wait_for("A to say B connected", TIMEOUT, || {
        let said = da.said();
        (said.contains("Connected to ") && said.contains(&b_id)).then_some(())
    });
    assert!(
        da.said().contains("Connected to 1 node now."),
        "{}",
        da.said()
    );
    db.stop();
    wait_for("A to say B went", TIMEOUT, || {
        da.said().contains("No longer connected to").then_some(())
    });
    assert!(
        da.said().contains("Connected to 0 nodes now."),
        "{}",
        da.said()
    );
    let out = da.out.clone();
    assert!(da.stop().success());
    let said = std::fs::read_to_string(out).unwrap();
    assert!(said.trim_end().ends_with("wiel node stopped."), "{said}");
}

/// `node`'s QUIC address, with its peer id.
fn quic_address(node: &Node) -> String {
    let status = node.status();
    let network = status.network.expect("a running node");
    let listen = network
        .listening
        .iter()
        .find(|l| l.contains("/quic-v1"))
        .expect("a QUIC address");
    format!("{listen}/p2p/{}", network.peer_id)
}

#[test]
fn a_node_back_within_seconds_on_another_port_is_heard_by_gossip() {
    const QUIC: &[&str] = &["--listen", "/ip4/127.0.0.1/udp/0/quic-v1", "--no-kademlia"];
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let _da = Daemon::start_with(&a, &[], QUIC);
    let at_a = quic_address(&a);
    let db = Daemon::start_with(&b, &[&at_a], QUIC);
    let before = published_id(&b.ok(&["--json", "ask", "Voor de herstart?"]));
    wait_for("B's entry to reach A", TIMEOUT, || {
        a.has(&before).then_some(())
    });
    // Killed, and back at once on another port: A still holds its QUIC connection to the
    // B that was (until its idle timeout).
    db.kill9();
    let db = Daemon::start_with(&b, &[&at_a], QUIC);
    wait_for("B to be connected again", TIMEOUT, || {
        (b.status().peers() >= 1).then_some(())
    });
    let published = std::time::Instant::now();
    let after = published_id(&b.ok(&["--json", "ask", "Na de herstart?"]));
    wait_for("B's new entry to reach A", TIMEOUT, || {
        a.has(&after).then_some(())
    });
    // By gossip, not by the next reconciliation (that waits 5 s for arrivals to pause).
    let took = published.elapsed();
    assert!(
        took < Duration::from_secs(4),
        "B's entry took {took:?} to reach A; B's log:\n{}",
        db.log_text()
    );
}

#[test]
fn a_node_back_twice_within_a_minute_stays_connected_and_its_entries_arrive() {
    // The second time, its peer does not dial it back again (at most once a minute): the
    // connection the new run made is kept, and what gossip does not carry, sync does.
    const QUIC: &[&str] = &["--listen", "/ip4/127.0.0.1/udp/0/quic-v1", "--no-kademlia"];
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let da = Daemon::start_with(&a, &[], QUIC);
    let at_a = quic_address(&a);
    let mut db = Daemon::start_with(&b, &[&at_a], QUIC);
    let mut while_away = String::new();
    for round in 0..3 {
        wait_for("B to be connected", TIMEOUT, || {
            (b.status().peers() >= 1).then_some(())
        });
        let id = published_id(&b.ok(&["--json", "ask", &format!("Ronde {round}?")]));
        wait_for_or_show(
            &format!("B's entry of round {round} to reach A"),
            TIMEOUT,
            || a.has(&id).then_some(()),
            || format!("B's log:\n{}", db.log_text()),
        );
        db.kill9();
        if round == 2 {
            while_away = published_id(&a.ok(&["--json", "ask", "Terwijl B weg was?"]));
        }
        db = Daemon::start_with(&b, &[&at_a], QUIC);
    }
    wait_for("B to be connected at the end", TIMEOUT, || {
        (b.status().peers() >= 1).then_some(())
    });
    // What A stored while B was away reaches B by its first sync with A. A kept the last
    // run's connection, so its gossipsub tells the new run nothing of what A follows: B
    // asks about all its spaces once A told none (10 s after it connected).
    wait_for_or_show(
        "A's entry to reach B",
        TIMEOUT,
        || b.has(&while_away).then_some(()),
        || format!("B's log:\n{}", db.log_text()),
    );
    // A quiet A: nothing of its own arrives to set a reconciliation going, and no gossip is
    // dropped to set off a catch-up. B, whose entry no peer it knows follows, offers it by
    // sync at once; without that only the periodic sync would bring it, 5 – 10 minutes
    // after B started: well past the wait.
    // A's fetch of the offer may go over the last run's connection, not yet closed: it
    // fails, and A settles the space again with B (5 s later).
    let last = published_id(&b.ok(&["--json", "ask", "Na de laatste herstart?"]));
    wait_for_or_show(
        "B's last entry to reach A",
        TIMEOUT,
        || a.has(&last).then_some(()),
        || format!("A's log:\n{}\nB's log:\n{}", da.log_text(), db.log_text()),
    );
}
