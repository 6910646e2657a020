//! Catch-up sync on real processes: a node that was stopped gets what it missed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::time::Duration;

use wiel_node::exchange::ExportLine;
use wiel_tests::{Daemon, Node, wait_for};

const TIMEOUT: Duration = Duration::from_secs(60);

fn ids(node: &Node) -> BTreeSet<String> {
    node.snapshot()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn node_that_was_stopped_catches_up_with_everything_it_missed() {
    let (a, b, c, d) = (
        Node::init("Gemeente Zwolle", "GM0193"),
        Node::init("Gemeente Kampen", "GM0166"),
        Node::init("Gemeente Deventer", "GM0150"),
        Node::init("Gemeente Olst-Wijhe", "GM0175"),
    );
    let da = Daemon::start(&a, &[]);
    let _db = Daemon::start(&b, &[&da.address]);
    let _dc = Daemon::start(&c, &[&da.address]);
    // D is off while 1000 entries are published.
    let lines: Vec<String> = wiel_tests::corpus(1000, 300)
        .iter()
        .map(|e| serde_json::to_string(&ExportLine::new(e)).unwrap())
        .collect();
    let file = a.path().join("batch.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    a.ok(&["import", file.to_str().unwrap()]);
    wait_for("B and C to have the 1000", TIMEOUT, || {
        (ids(&b).len() >= 1010 && ids(&c).len() >= 1010).then_some(())
    });

    // D starts; nobody publishes; sync alone must bring everything.
    let _dd = Daemon::start(&d, &[&da.address]);
    let expected = ids(&a);
    wait_for("D to catch up", TIMEOUT, || {
        let have = ids(&d);
        expected.is_subset(&have).then_some(())
    });
    // And D holds nothing the network does not have (its own profile has reached A too).
    wait_for("A to have D's profile", TIMEOUT, || {
        (ids(&a) == ids(&d)).then_some(())
    });
}
