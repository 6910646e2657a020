//! What a stranger can make a node do is bounded, and what depends on this node's own view
//! is never held against the sender: a body-stripped entry is not taken for a whole one,
//! fresh keys cannot fill the disk past the kept-apart budget, and two nodes that trust
//! differently settle (repeated syncs move nothing).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;
use wiel_node::network::SyncReport;
use wiel_node::service::ImportReport;

use wiel_protocol::{OrgKeypair, Timestamp, testing};
use wiel_tests::{Daemon, Node, import_file, wait_for};
use wiel_tests::{Refusal, StatusFacts};

const TIMEOUT: Duration = Duration::from_secs(90);
const NO_KAD: &[&str] = &["--no-kademlia"];

fn gossip_to(address: &str, messages: Vec<Vec<u8>>) {
    wiel_tests::gossip_to(address, messages, TIMEOUT)
}

#[test]
fn a_header_stripped_of_its_body_is_not_taken_for_the_entry() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let author = testing::key(21);
    let now = Timestamp::now().as_millis();
    let whole = testing::written(
        &author,
        wiel_protocol::Kind::Practice,
        vec![],
        now - 1000,
        "Een heel goed voorbeeld",
        "Met een tekst.",
        &[],
    );
    let stripped = whole.to_tombstone();
    gossip_to(&da.address, vec![stripped.bytes().to_vec()]);
    wait_for("A to judge the stripped entry", TIMEOUT, || {
        (a.status().refused(Refusal::Incomplete) >= 1).then_some(())
    });
    assert!(!a.has(&whole.id().to_string()), "a header alone was stored");
    // The whole entry still comes in, with its body.
    gossip_to(&da.address, vec![whole.bytes().to_vec()]);
    wait_for("A to store the whole entry", TIMEOUT, || {
        a.dutch(&["show", &whole.id().to_string()])
            .contains("Een heel goed voorbeeld")
            .then_some(())
    });
    let refusals = a.status().refusals();
    assert!(
        refusals.keys().all(|why| !why.blames_sender()),
        "a peer was blamed: {refusals:?}"
    );
}

#[test]
fn fresh_keys_cannot_fill_the_disk_past_the_kept_apart_budget() {
    let b = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let a = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    b.ok(&["trust", "add", &a.org_key()]);
    let limit = 200_000u64;
    b.set_config_line(
        "max_kept_apart_bytes = 268435456",
        &format!("max_kept_apart_bytes = {limit}"),
    );
    let db = Daemon::start_with(&b, &[], NO_KAD);
    let _da = Daemon::start_with(&a, &[&db.address], NO_KAD);
    // 40 fresh keys, 10 entries of ~2 KB each: 800 KB of strangers' entries.
    let now = Timestamp::now().as_millis();
    let mut flood = Vec::new();
    for k in 0..40u8 {
        let key = OrgKeypair::from_secret([k.wrapping_add(100); 32]);
        for i in 0..10u64 {
            flood.push(
                testing::practice_with_text(&key, i, now - 10_000 - i, 2_000)
                    .bytes()
                    .to_vec(),
            );
        }
    }
    let honest = std::thread::spawn({
        let dir = a.path().to_owned();
        move || wiel_tests::ask_in(&dir, "Wie heeft een goed verzuimbeleid?")
    });
    gossip_to(&db.address, flood);
    let honest = honest.join().unwrap();
    wait_for("B to refuse strangers past its budget", TIMEOUT, || {
        (b.status().refused(Refusal::KeptApartFull) > 0).then_some(())
    });
    wait_for("the honest entry to reach B", TIMEOUT, || {
        b.has(&honest).then_some(())
    });
    let kept = b.status().kept_apart;
    assert!(kept.bytes <= limit, "{kept:?}");
    assert_eq!(kept.limit, limit);
    assert!(
        b.ok(&["status"])
            .contains("kept apart (from organisations not trusted here")
    );
}

#[test]
fn two_nodes_that_trust_differently_settle() {
    let a = Node::init("Gemeente Zwolle", "GM0193"); // open: passes everything on
    let b = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let stranger = testing::key(33);
    let now = Timestamp::now().as_millis();
    let entries: Vec<_> = (0..3u64)
        .map(|i| testing::practice(&stranger, i, now - 5_000 - i))
        .collect();
    let f = import_file(a.path(), "s.jsonl", &entries);
    a.ok(&["import", f.to_str().unwrap()]);
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let _db = Daemon::start_with(&b, &[&da.address], NO_KAD);
    wait_for("B to hold the stranger's entries apart", TIMEOUT, || {
        entries
            .iter()
            .all(|e| b.has(&e.id().to_string()))
            .then_some(())
    });
    for _ in 0..3 {
        let report: SyncReport = b.json(&["sync", "--peer", &da.address]);
        assert_eq!((report.to_fetch, report.fetched), (0, 0), "{report:?}");
    }
    // The stranger's three entries and Zwolle's profile (B does not trust Zwolle either).
    assert_eq!(b.status().kept_apart.entries, 4);
}

#[test]
fn a_closed_node_declines_entries_once_and_asks_again_only_when_its_trust_changes() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init_with_trust("Gemeente Kampen", "GM0166", "closed");
    let questions: Vec<String> = [
        "Hoe houden jullie het verzuim laag?",
        "Wie heeft een goed inwerkprogramma?",
        "Hoe kopen jullie jeugdhulp in?",
    ]
    .iter()
    .map(|q| wiel_tests::ask_in(a.path(), q))
    .collect();
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let _db = Daemon::start_with(&b, &[&da.address], NO_KAD);
    // The sync on connecting fetched them; B (closed) takes content of its roots only.
    wait_for("B to decline Zwolle's questions", TIMEOUT, || {
        (b.status().refused(Refusal::Untrusted) >= 3).then_some(())
    });
    let sync = || -> SyncReport { b.json(&["sync", "--peer", &da.address]) };
    for _ in 0..3 {
        let report = sync();
        assert_eq!((report.to_fetch, report.fetched), (0, 0), "{report:?}");
    }
    assert!(questions.iter().all(|q| !b.has(q)));
    // Trusting Zwolle changes the trust set: what was declined is asked for again.
    b.ok(&["trust", "add", &a.org_key()]);
    wait_for(
        "B to fetch Zwolle's questions once it trusts Zwolle",
        TIMEOUT,
        || {
            let report = sync();
            questions.iter().all(|q| b.has(q)).then_some(report)
        },
    );
}

#[test]
fn an_import_passes_the_same_admission_as_entries_from_peers() {
    let b = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let limit = 100_000u64;
    b.set_config_line(
        "max_kept_apart_bytes = 268435456",
        &format!("max_kept_apart_bytes = {limit}"),
    );
    // 200 KB of entries by an organisation nobody here trusts.
    let stranger = testing::key(44);
    let now = Timestamp::now().as_millis();
    let entries: Vec<_> = (0..100u64)
        .map(|i| testing::practice_with_text(&stranger, i, now - 10_000 - i, 2_000))
        .collect();
    let file = import_file(b.path(), "stranger.jsonl", &entries);
    let report: ImportReport = b.json(&["import", file.to_str().unwrap()]);
    let refused = report.refused.get("kept_apart_full").copied().unwrap_or(0);
    assert!(refused > 0, "{report:?}");
    assert_eq!(report.stored + refused, entries.len(), "{report:?}");
    let kept = b.status().kept_apart;
    assert!(kept.bytes <= limit, "{kept:?}");
    let out = b.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("were not taken"), "{out}");
}

#[test]
fn an_import_into_a_running_node_is_passed_on_only_where_gossip_would_be() {
    let a = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let b = Node::init("Gemeente Kampen", "GM0166"); // open: takes whatever it is given
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let _db = Daemon::start_with(&b, &[&da.address], NO_KAD);
    wait_for("B to connect to A", TIMEOUT, || {
        (b.status().peers() >= 1).then_some(())
    });
    // Entries of an organisation A does not trust, imported into the running A.
    let stranger = testing::key(45);
    let now = Timestamp::now().as_millis();
    let strangers: Vec<_> = (0..5u64)
        .map(|i| testing::practice(&stranger, i, now - 5_000 - i))
        .collect();
    let file = import_file(a.path(), "stranger.jsonl", &strangers);
    a.ok(&["import", file.to_str().unwrap()]);
    assert!(
        strangers.iter().all(|e| a.has(&e.id().to_string())),
        "kept apart on A"
    );
    // A's own entry after them reaches B; the stranger's, imported before it, did not.
    let own = a.ask("Wie deelt een goed exitgesprek?");
    wait_for("A's own entry to reach B", TIMEOUT, || {
        b.has(&own).then_some(())
    });
    b.ok(&["sync", "--peer", &da.address]);
    for e in &strangers {
        assert!(
            !b.has(&e.id().to_string()),
            "A passed on what it keeps apart"
        );
    }
}
