//! Catch-up sync on real processes: a node that was stopped gets what it missed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use wiel_node::exchange::ExportLine;
use wiel_tests::{Daemon, Node, wait_for};

const TIMEOUT: Duration = Duration::from_secs(60);

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
        (b.ids().len() >= 1010 && c.ids().len() >= 1010).then_some(())
    });

    // D starts; nobody publishes; sync alone must bring everything.
    let _dd = Daemon::start(&d, &[&da.address]);
    let expected = a.ids();
    wait_for("D to catch up", TIMEOUT, || {
        let have = d.ids();
        expected.is_subset(&have).then_some(())
    });
    // And D holds nothing the network does not have (its own profile has reached A too).
    wait_for("A to have D's profile", TIMEOUT, || {
        (a.ids() == d.ids()).then_some(())
    });
}
