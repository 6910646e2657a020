//! Catch-up sync on real processes: a node that was stopped gets what it missed, a split
//! network heals to one set, a late joiner fills up, and a lying peer cannot stall or
//! poison a sync.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;
use wiel_node::ThreadView;
use wiel_node::network::SyncReport;

use wiel_tests::StatusFacts;
use wiel_tests::{Daemon, Node, import_file, practices, wait_for};

const TIMEOUT: Duration = Duration::from_secs(90);

/// Nodes in these tests keep the topology they are given.
const NO_KAD: &[&str] = &["--no-kademlia"];

#[test]
fn node_that_was_stopped_catches_up_with_everything_it_missed() {
    let (a, b, c, d) = (
        Node::init("Gemeente Zwolle", "GM0193"),
        Node::init("Gemeente Kampen", "GM0166"),
        Node::init("Gemeente Deventer", "GM0150"),
        Node::init("Gemeente Olst-Wijhe", "GM0175"),
    );
    // Kademlia off: nobody finds D but through A.
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let _db = Daemon::start_with(&b, &[&da.address], NO_KAD);
    let _dc = Daemon::start_with(&c, &[&da.address], NO_KAD);
    // D is off while 1000 entries are published.
    let file = import_file(a.path(), "batch.jsonl", &wiel_tests::corpus(1000, 300));
    a.ok(&["import", file.to_str().unwrap()]);
    wait_for("B and C to have the 1000", TIMEOUT, || {
        (b.ids().len() >= 1010 && c.ids().len() >= 1010).then_some(())
    });

    // D starts; nobody publishes; sync alone must bring everything.
    // (Only to A, so that its last sync is with A.)
    let _dd = Daemon::start_with(&d, &[&da.address], NO_KAD);
    let expected = a.ids();
    wait_for("D to catch up", TIMEOUT, || {
        let have = d.ids();
        expected.is_subset(&have).then_some(())
    });
    // And D holds nothing the network does not have (its own profile has reached A too).
    wait_for("A to have D's profile", TIMEOUT, || {
        (a.ids() == d.ids()).then_some(())
    });
    assert_eq!(a.fingerprints(), d.fingerprints());
    // `wiel status` tells when D last synced, with whom, and what came in.
    let status = d.status();
    let last = status.spaces[0].last_sync.as_ref().expect("a last sync");
    assert_eq!(
        last.organisation.as_deref(),
        Some("Gemeente Zwolle"),
        "{status:?}"
    );
    assert!(last.missing >= 1010, "{status:?}");
    assert_eq!(last.stored, last.missing, "{status:?}");
    let text = d.ok(&["status"]);
    assert!(
        text.contains("last sync") && text.contains("with Gemeente Zwolle"),
        "{text}"
    );
}

#[test]
fn late_joiner_with_an_empty_store_gets_all_10_000_entries() {
    let x = Node::init("Gemeente Zwolle", "GM0193");
    let file = import_file(x.path(), "many.jsonl", &practices(0, 10_000, 300));
    x.ok(&["import", file.to_str().unwrap()]);
    let dx = Daemon::start_with(&x, &[], NO_KAD);
    let y = Node::init("Gemeente Hattem", "GM0244");
    let _dy = Daemon::start_with(&y, &[&dx.address], NO_KAD);
    wait_for("the late joiner to hold the same set", TIMEOUT, || {
        (x.fingerprints() == y.fingerprints()).then_some(())
    });
    let ids = y.ids();
    assert_eq!(ids.len(), 10_002, "10 000 entries and two profiles");
    assert_eq!(ids, x.ids());
}

fn retracted_everywhere(nodes: &[&Node], id: &str) -> bool {
    nodes.iter().all(|n| {
        let r = n.run(&["--json", "show", id]);
        r.code == 0 && {
            let v: ThreadView = serde_json::from_str(&r.stdout).unwrap();
            v.entry.retracted_by.is_some() && v.entry.title.is_none()
        }
    })
}

#[test]
fn a_split_network_heals_to_one_set_with_retractions_applied() {
    let names = [
        ("Gemeente Zwolle", "GM0193"),
        ("Gemeente Kampen", "GM0166"),
        ("Gemeente Dalfsen", "GM0148"),
        ("Gemeente Deventer", "GM0150"),
        ("Gemeente Raalte", "GM0177"),
        ("Gemeente Olst-Wijhe", "GM0175"),
    ];
    let nodes: Vec<Node> = names.iter().map(|(n, c)| Node::init(n, c)).collect();
    let all: Vec<&Node> = nodes.iter().collect();
    let (a1, a2, a3) = (&nodes[0], &nodes[1], &nodes[2]);
    let (b1, b2, b3) = (&nodes[3], &nodes[4], &nodes[5]);
    // Side A: a2 and a3 dial a1. Side B: b2 and b3 dial b1. One link a3 - b3 between.
    let da1 = Daemon::start_with(a1, &[], NO_KAD);
    let _da2 = Daemon::start_with(a2, &[&da1.address], NO_KAD);
    let da3 = Daemon::start_with(a3, &[&da1.address], NO_KAD);
    let db1 = Daemon::start_with(b1, &[], NO_KAD);
    let _db2 = Daemon::start_with(b2, &[&db1.address], NO_KAD);
    let db3 = Daemon::start_with(b3, &[&db1.address], NO_KAD);
    a3.ok(&["connect", &db3.address]);

    // Before the split: questions from both sides reach all six.
    let old_a: Vec<String> = (0..3)
        .map(|i| a2.ask(&format!("Vraag uit Kampen nummer {i}?")))
        .collect();
    let old_b: Vec<String> = (0..3)
        .map(|i| b2.ask(&format!("Vraag uit Raalte nummer {i}?")))
        .collect();
    let practice = b2.publish(&wiel_tests::practice_md(
        "Werkwijze Raalte, eerste versie",
        "Zo deden wij het eerst.",
    ));
    for id in old_a.iter().chain(&old_b).chain([&practice]) {
        wait_for("the questions to reach all six", TIMEOUT, || {
            all.iter().all(|n| n.has(id)).then_some(())
        });
    }

    // Split: a3 restarts without its link to b3.
    da3.stop();
    let _da3 = Daemon::start_with(a3, &[&da1.address], NO_KAD);
    wait_for("b3 to lose a3", TIMEOUT, || {
        (b3.status().peers() == 1).then_some(())
    });

    // Each side publishes 200 entries and retracts two older questions.
    let side_a = practices(100_000, 200, 400);
    let side_b = practices(200_000, 200, 400);
    a1.ok(&[
        "import",
        import_file(a1.path(), "a.jsonl", &side_a).to_str().unwrap(),
    ]);
    b1.ok(&[
        "import",
        import_file(b1.path(), "b.jsonl", &side_b).to_str().unwrap(),
    ]);
    for id in &old_a[..2] {
        a2.ok(&["retract", id]);
    }
    for id in &old_b[..2] {
        b2.ok(&["retract", id]);
    }
    // And side B makes a second and a third version of its practice.
    for (n, version) in ["tweede", "derde"].iter().enumerate() {
        let f = b2.path().join(format!("v{n}.md"));
        std::fs::write(
            &f,
            wiel_tests::practice_md(
                &format!("Werkwijze Raalte, {version} versie"),
                "Zo doen wij het nu.",
            ),
        )
        .unwrap();
        b2.ok(&["edit", &practice, f.to_str().unwrap()]);
    }
    let side_fingerprints = |side: &[&Node]| {
        let first = side[0].fingerprints();
        side.iter()
            .all(|n| n.fingerprints() == first)
            .then_some(first)
    };
    let fa = wait_for("side A to agree", TIMEOUT, || {
        side_fingerprints(&[a1, a2, a3])
    });
    let fb = wait_for("side B to agree", TIMEOUT, || {
        side_fingerprints(&[b1, b2, b3])
    });
    assert_ne!(fa, fb, "the sides differ while split");
    assert!(!a3.has(&side_b[0].id().to_string()));

    // Heal: one `wiel sync` over the restored link.
    let out = a3.ok(&["--json", "sync", "--peer", &db3.address]);
    let report: SyncReport = serde_json::from_str(&out).unwrap();
    assert!(report.done, "{report:?}");
    assert!(report.to_fetch >= 202, "{report:?}");
    assert!(report.offered >= 202, "{report:?}");
    assert_eq!(report.rejected, 0, "{report:?}");
    assert!(report.problems.is_empty(), "{report:?}");

    // Everyone ends with the same set: the fingerprints and the ids agree.
    let healed = wait_for("all six to hold one set", TIMEOUT, || {
        side_fingerprints(&all)
    });
    assert_ne!(healed, fa);
    let ids = a1.ids();
    for n in &all {
        assert_eq!(n.ids(), ids);
    }
    for e in side_a.iter().chain(&side_b) {
        assert!(ids.contains(&e.id().to_string()));
    }
    // Retractions made on either side erased the bodies on the other side too.
    for id in old_a[..2].iter().chain(&old_b[..2]) {
        assert!(
            retracted_everywhere(&all, id),
            "{id} not retracted everywhere"
        );
    }
    for id in [&old_a[2], &old_b[2]] {
        assert!(
            all.iter()
                .all(|n| n.dutch(&["show", id]).contains("Vraag uit"))
        );
    }
}

#[test]
fn sync_without_peers_or_node_says_so() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let err = wiel_tests::expect_one_line_error(a.run(&["sync"]), &["sync"]);
    assert!(err.contains("no node is running"), "{err}");
    let _da = Daemon::start(&a, &[]);
    let err = wiel_tests::expect_one_line_error(a.run(&["sync"]), &["sync"]);
    assert!(err.contains("no peers to sync with"), "{err}");
    let err = wiel_tests::expect_one_line_error(
        a.run(&["sync", "--peer", "12D3KooWnotapeer"]),
        &["sync", "--peer"],
    );
    assert!(err.contains("neither a peer id"), "{err}");
}

/// A node asks a peer it dialed about the spaces both follow, and only those: a province
/// the peer does not follow is not asked about (the peer would refuse it). (Whether the
/// peer tells its spaces before or after it says who it is: `peers.rs`'s unit test.)
#[test]
fn a_new_peer_is_asked_only_about_the_spaces_both_follow() {
    use wiel_protocol::SpaceName;
    use wiel_tests::inprocess::{InProcess, Joining};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let shutdown = tokio_util::sync::CancellationToken::new();
        let spaces =
            |province: &str| vec![SpaceName::national(), SpaceName::new(province).unwrap()];
        let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
        let start = |n: usize, province: &str, bootstrap: Vec<libp2p::Multiaddr>| {
            let store = wiel_store::Store::open(dirs[n].path()).unwrap();
            let joining = Joining {
                spaces: spaces(province),
                bootstrap,
                kademlia: false,
                seed: false,
                quic: false,
                memory: false,
            };
            InProcess::start(
                wiel_protocol::testing::key(n as u8 + 1),
                store,
                joining,
                &shutdown,
            )
        };
        let a = start(0, "pv-utrecht", vec![]);
        let address = a.address().await;
        // B follows another province than A; C the same.
        let b = start(1, "pv-zeeland", vec![address.clone()]);
        let c = start(2, "pv-utrecht", vec![address]);
        let sessions = |node: &InProcess| node.running.counters.sync_sessions();
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        let reconciled = |node: &InProcess| sessions(node)[1].get("reconciled").copied();
        while reconciled(&b) < Some(1) || reconciled(&c) < Some(2) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "first syncs not done: B {:?}, C {:?}",
                sessions(&b),
                sessions(&c)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for (node, spaces) in [(&b, 1), (&c, 2)] {
            let [started, ended] = sessions(node);
            assert_eq!(started.get("new_peer"), Some(&spaces), "{started:?}");
            assert_eq!(ended.get("refused"), None, "{ended:?}");
        }
        shutdown.cancel();
    });
}
