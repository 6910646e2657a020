//! A thief and a liar on real nodes: a key rotation keeps an organisation's history, a
//! thief holding a revoked key gains nothing with a backdated rotation, backdated entries
//! or a backdated revocation (online, after an offline catch-up, by import), and a node that follows only a province learns a
//! revocation at its first sync without anybody being struck (also when the key revoked
//! itself), answers that arrive before their question cost nobody a strike, and peers
//! follow a node whose key rotated to its new peer id (but not an impostor at its address).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;
use wiel_node::view::TrustReport;
use wiel_tests::published_id as id_of;

use wiel_protocol::{OrgKeypair, Timestamp, testing};
use wiel_tests::{Daemon, Node, expect_one_line_error, free_port, import_file, wait_for};
use wiel_tests::{Refusal, StatusFacts};

const TIMEOUT: Duration = Duration::from_secs(90);
const NO_KAD: &[&str] = &["--no-kademlia"];

fn trust_list(node: &Node) -> TrustReport {
    node.json(&["trust", "list"])
}

fn is_member(node: &Node, key: &str) -> bool {
    trust_list(node)
        .members
        .iter()
        .any(|m| m.key.to_hex() == key)
}

/// Whether `node` holds `key` as revoked (the first key it lists as revoked).
fn first_revoked_is(node: &Node, key: &str) -> bool {
    trust_list(node)
        .revoked
        .first()
        .is_some_and(|r| r.key.to_hex() == key)
}

fn listed(node: &Node) -> String {
    node.ok(&["--json", "list", "--limit", "1000"])
}

#[test]
fn after_a_key_rotation_the_organisation_keeps_its_history_and_can_withdraw_it() {
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let old = z.org_key();
    k.ok(&["trust", "add", &old]);
    let question = id_of(&z.ok(&["--json", "ask", "Hoe werven jullie jeugdconsulenten?"]));
    let deventer = testing::key(77).public().to_string();
    z.ok(&[
        "endorse",
        &deventer,
        "--name",
        "Gemeente Deventer",
        "--code",
        "GM0150",
    ]);
    assert!(is_member(&z, &deventer));

    z.ok(&["key", "rotate"]);
    let new = z.org_key();
    assert_ne!(new, old);
    // On its own node, the history signed with the old key is still the organisation's.
    assert!(listed(&z).contains(&question), "{}", listed(&z));
    assert!(is_member(&z, &old) && is_member(&z, &deventer));

    let dz = Daemon::start_with(&z, &[], NO_KAD);
    let _dk = Daemon::start_with(&k, &[&dz.address], NO_KAD);
    wait_for("Kampen to trust the new key", TIMEOUT, || {
        is_member(&k, &new).then_some(())
    });
    assert!(listed(&k).contains(&question));

    // The new key withdraws what the old one signed: the question and the endorsement.
    z.ok(&["retract", &question, "--reason", "verouderd"]);
    z.ok(&["endorse", "--withdraw", &deventer]);
    assert!(!is_member(&z, &deventer), "{:?}", trust_list(&z));
    wait_for("Kampen to see the retraction", TIMEOUT, || {
        (!listed(&k).contains(&question)).then_some(())
    });
    let shown = k.dutch(&["show", &question]);
    assert!(!shown.contains("jeugdconsulenten"), "{shown}");
    let refusals = k.status().refusals();
    assert!(
        refusals
            .keys()
            .all(|r| [Refusal::KeptApart, Refusal::Incomplete].contains(r)),
        "{refusals:?}"
    );
}

#[test]
fn a_thief_with_a_revoked_key_gains_nothing_online_offline_or_by_import() {
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let d = Node::init_with_trust("Gemeente Dalfsen", "GM0148", "web-of-trust");
    let i = Node::init_with_trust("Gemeente Ommen", "GM0175", "web-of-trust");
    let old = z.org_key();
    for node in [&k, &d, &i] {
        node.ok(&["trust", "add", &old]);
    }
    let history = id_of(&z.ok(&["--json", "ask", "Wie heeft ervaring met lumpsum?"]));
    // The owner moves to a new key and revokes the old one; the thief's rotation will
    // make the old key compromised, so its peers trust the new key anew.
    z.ok(&["key", "rotate"]);
    z.ok(&["key", "revoke", &old, "--since", "1h", "--yes"]);
    let stolen = z.old_keypair();
    let new = z.org_key();
    for node in [&k, &d, &i] {
        node.ok(&["trust", "add", &new]);
    }

    // The thief rotates the old key to its own, dated three hours back, and writes with
    // both keys.
    let thief = testing::key(66);
    let now = Timestamp::now().as_millis();
    let forged = vec![
        rotation(&stolen, &thief, now - 3 * 3600 * 1000),
        practice(&thief, "Van de dief", now - 1000),
        practice(
            &stolen,
            "Met de oude sleutel, teruggedateerd",
            now - 2 * 3600 * 1000,
        ),
        practice(&stolen, "Met de oude sleutel", now - 500),
    ];
    let t = Node::init_with_trust("Gemeente Dief", "GM0999", "open");
    let f = import_file(t.path(), "forged.jsonl", &forged);
    t.ok(&["import", f.to_str().unwrap()]);

    // Online: Zwolle, Kampen and the thief's node are connected.
    let dz = Daemon::start_with(&z, &[], NO_KAD);
    let dk = Daemon::start_with(&k, &[&dz.address], NO_KAD);
    let dt = Daemon::start_with(&t, &[&dk.address], NO_KAD);
    wait_for("Kampen to hold the thief's rotation", TIMEOUT, || {
        k.has(&forged[0].id().to_string()).then_some(())
    });
    wait_for("Kampen to know the revocation", TIMEOUT, || {
        (!trust_list(&k).revoked.is_empty()).then_some(())
    });
    // Offline, then a catch-up sync.
    let _dd = Daemon::start_with(&d, &[&dk.address], NO_KAD);
    wait_for("Dalfsen to catch up", TIMEOUT, || {
        d.has(&forged[0].id().to_string()).then_some(())
    });
    // By import: Zwolle's export, then the thief's.
    for from in [&z, &t] {
        let f = i.path().join("in.jsonl");
        std::fs::write(&f, from.ok(&["export"])).unwrap();
        i.ok(&["import", f.to_str().unwrap()]);
    }
    let thief_key = thief.public().to_string();
    for node in [&k, &d, &i] {
        assert!(!is_member(node, &thief_key), "{:?}", trust_list(node));
        let shown = listed(node);
        assert!(!shown.contains("Van de dief"), "{shown}");
        assert!(!shown.contains("Met de oude sleutel"), "{shown}");
        let report = trust_list(node);
        assert!(
            report.compromised.iter().any(|c| c.key.to_hex() == old),
            "{report:?}"
        );
    }
    // Nobody was struck for passing on valid signed entries.
    for node in [&k, &d] {
        let refusals = node.status().refusals();
        assert!(
            refusals.keys().all(|why| !why.blames_sender()),
            "a peer was blamed: {refusals:?}"
        );
    }
    let _ = (dt, history);
}

#[test]
fn a_thief_holding_only_the_revoked_key_neither_adds_to_its_history_nor_hides_it() {
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let i = Node::init_with_trust("Gemeente Ommen", "GM0175", "web-of-trust");
    let old = z.org_key();
    for node in [&k, &i] {
        node.ok(&["trust", "add", &old]);
    }
    let history = id_of(&z.ok(&["--json", "ask", "Wie heeft ervaring met lumpsum?"]));
    z.ok(&["key", "rotate"]);
    z.ok(&["key", "revoke", &old, "--since", "1h", "--yes"]);
    let stolen = z.old_keypair();
    // With the old key alone: entries dated before the revocation's moment and after it,
    // and a revocation of the old key from long before the owner's entries.
    let now = Timestamp::now().as_millis();
    let forged = vec![
        practice(
            &stolen,
            "Teruggedateerd door de dief",
            now - 2 * 3600 * 1000,
        ),
        practice(&stolen, "Door de dief", now - 500),
        testing::revocation(&stolen, &stolen, 0, now - 4 * 3600 * 1000),
    ];
    let t = Node::init_with_trust("Gemeente Dief", "GM0999", "open");
    let f = import_file(t.path(), "forged.jsonl", &forged);
    t.ok(&["import", f.to_str().unwrap()]);
    // Online, and by import.
    let dz = Daemon::start_with(&z, &[], NO_KAD);
    let dk = Daemon::start_with(&k, &[&dz.address], NO_KAD);
    let _dt = Daemon::start_with(&t, &[&dk.address], NO_KAD);
    wait_for("Kampen to hold the thief's revocation", TIMEOUT, || {
        k.has(&forged[2].id().to_string()).then_some(())
    });
    let mut said = String::new();
    for from in [&z, &t] {
        let f = i.path().join("in.jsonl");
        std::fs::write(&f, from.ok(&["export"])).unwrap();
        said = i.ok(&["import", f.to_str().unwrap()]);
    }
    // Import says why the thief's entries are kept apart (not "trust it": it is trusted).
    assert!(
        said.contains(&format!("signed with key {old}, which is revoked")),
        "{said}"
    );
    assert!(!said.contains("to trust it"), "{said}");
    // The history the owner's new key named decides, not the dates the thief chose.
    for node in [&k, &i] {
        let shown = listed(node);
        assert!(shown.contains(&history), "{shown}");
        assert!(!shown.contains("door de dief"), "{shown}");
        assert!(!shown.contains("Door de dief"), "{shown}");
    }
    drop(dk);
}

/// Kampen's node, following only its province's space (besides `nl`, always followed).
fn province_node() -> Node {
    let p = Node::empty();
    p.ok(&[
        "init",
        "--name",
        "Gemeente Kampen",
        "--code",
        "GM0166",
        "--network",
        "wiel-test",
        "--trust-mode",
        "web-of-trust",
        "--space",
        "pv23",
    ]);
    p
}

#[test]
fn a_node_that_follows_only_its_province_learns_a_revocation_at_its_first_sync() {
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let p = province_node();
    let old = z.org_key();
    p.ok(&["trust", "add", &old]);
    z.ok(&["key", "rotate"]);
    z.ok(&["key", "revoke", &old, "--yes"]);
    let dz = Daemon::start_with(&z, &[], NO_KAD);
    let _dp = Daemon::start_with(&p, &[&dz.address], NO_KAD);
    wait_for("the province node to learn the revocation", TIMEOUT, || {
        first_revoked_is(&p, &old).then_some(())
    });
    wait_for("the province node to learn Zwolle's name", TIMEOUT, || {
        p.ok(&["peers"]).contains("Gemeente Zwolle").then_some(())
    });
    assert!(is_member(&p, &z.org_key()), "{:?}", trust_list(&p));
    for node in [&z, &p] {
        let status = node.status();
        assert_eq!(status.network.as_ref().unwrap().outbox, 0, "{status:?}");
        let refusals = status.refusals();
        assert!(
            refusals.keys().all(|why| !why.blames_sender()),
            "a peer was blamed: {refusals:?}"
        );
    }
}

fn rotation(old: &OrgKeypair, new: &OrgKeypair, at: u64) -> wiel_protocol::Verified {
    wiel_protocol::Draft {
        network: testing::network(),
        space: wiel_protocol::SpaceName::national(),
        kind: wiel_protocol::Kind::KeyRotation,
        refs: vec![],
        created_at: Timestamp::from_millis(at),
        body: wiel_protocol::Body {
            fields: wiel_protocol::KindFields::KeyRotation {
                new_key: new.public(),
                consent: new.consent_to_succeed(&testing::network(), &old.public()),
            },
            ..wiel_protocol::Body::default()
        },
    }
    .sign(old, &testing::rules())
    .unwrap()
}

fn practice(key: &OrgKeypair, title: &str, at: u64) -> wiel_protocol::Verified {
    testing::written(
        key,
        wiel_protocol::Kind::Practice,
        vec![],
        at,
        title,
        "Een tekst.",
        &[],
    )
}

#[test]
fn a_damaged_entry_is_skipped_quarantined_by_check_and_fetched_again() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let question = id_of(&a.ok(&["--json", "ask", "Wie deelt een onboardingplan?"]));
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let db = Daemon::start_with(&b, &[&da.address], NO_KAD);
    wait_for("B to have the question", TIMEOUT, || {
        b.has(&question).then_some(())
    });
    db.stop();
    let log = b.path().join("store").join("entries.log");
    let mut bytes = std::fs::read(&log).unwrap();
    let at = bytes
        .windows(b"onboardingplan".len())
        .position(|w| w == b"onboardingplan")
        .unwrap();
    bytes[at] ^= 0x01;
    std::fs::write(&log, &bytes).unwrap();
    // Lists leave the damaged entry out instead of failing.
    assert!(!listed(&b).contains(&question));
    let _db = Daemon::start_with(&b, &[&da.address], NO_KAD);
    let err = wiel_tests::expect_one_line_error(b.run(&["check"]), &["check"]);
    assert!(err.contains("1 damaged"), "{err}");
    wait_for("B to fetch the damaged entry again", TIMEOUT, || {
        let shown = b.run(&["show", &question]);
        (shown.code == 0 && shown.stdout.contains("onboardingplan")).then_some(())
    });
    assert!(b.run(&["check"]).code == 0);
}

fn peer_id(node: &Node) -> String {
    node.status().peer_id()
}

#[test]
fn peers_follow_a_node_whose_key_rotated_but_not_an_impostor_at_its_address() {
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    k.ok(&["trust", "add", &z.org_key()]);
    let listen = format!("/ip4/127.0.0.1/tcp/{}", free_port());
    let flags = ["--no-kademlia", "--listen", listen.as_str()];
    let dz = Daemon::start_with(&z, &[], &flags);
    let old_address = format!("{listen}/p2p/{}", peer_id(&z));
    let dk = Daemon::start_with(&k, &[&old_address], NO_KAD);
    wait_for("Kampen to connect", TIMEOUT, || {
        (k.peer_ids().len() == 1).then_some(())
    });

    // Zwolle rotates its key while its node is down: Kampen knows nothing of it yet.
    dz.stop();
    z.ok(&["key", "rotate"]);
    let new_key = z.org_key();
    let dz = Daemon::start_with(&z, &[], &flags);
    let new_peer = peer_id(&z);
    assert!(!old_address.ends_with(&new_peer));
    // The address Kampen has names the old id; the node there shows it succeeded it.
    let out = k.ok(&["connect", &old_address]);
    assert!(!out.is_empty());
    assert!(k.peer_ids().contains(&new_peer), "{:?}", k.peer_ids());
    assert!(is_member(&k, &new_key), "{:?}", trust_list(&k));
    // An address where nothing listens fails, even under an id this node follows.
    let old_id = old_address.rsplit('/').next().unwrap();
    let nowhere = format!("/ip4/127.0.0.1/tcp/{}/p2p/{old_id}", free_port());
    expect_one_line_error(k.run(&["connect", &nowhere]), &["connect", "nowhere"]);
    // Restarted with the old address as bootstrap, Kampen dials the new id at once.
    drop(dk);
    let dk = Daemon::start_with(&k, &[&old_address], NO_KAD);
    wait_for("Kampen to reach Zwolle's new id", TIMEOUT, || {
        k.peer_ids().contains(&new_peer).then_some(())
    });
    drop(dk);

    // An impostor at the address (another municipality's node, not a successor) is let go.
    drop(dz);
    let impostor = Node::init_with_trust("Gemeente Nergens", "GM9999", "web-of-trust");
    let _di = Daemon::start_with(&impostor, &[], &flags);
    let lone = Node::init_with_trust("Gemeente Olst", "GM0175", "web-of-trust");
    let _dl = Daemon::start_with(&lone, &[], NO_KAD);
    let err = expect_one_line_error(
        lone.run(&["connect", &old_address]),
        &["connect", "impostor"],
    );
    assert!(err.contains("did not show"), "{err}");
    wait_for("the impostor to be let go", TIMEOUT, || {
        lone.peer_ids().is_empty().then_some(())
    });
}

/// The refusals counted in a node's status that blame the sender.
fn faults(node: &Node) -> Vec<String> {
    node.status()
        .refusals()
        .into_keys()
        .filter(|why| why.blames_sender())
        .map(|why| why.label().to_owned())
        .collect()
}

#[test]
fn a_key_that_revokes_itself_reaches_an_offline_province_node_by_catch_up() {
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let p = province_node();
    let key = z.org_key();
    p.ok(&["trust", "add", &key]);
    let before = id_of(&z.ok(&["--json", "ask", "Wie werkt met een regionale flexpool?"]));
    // Lost control of it: the key revokes itself (nothing it signs from now on counts).
    z.ok(&["key", "revoke", "--current", "--yes"]);
    let out = wiel_tests::wiel_in(z.path(), &["ask", "Nog een vraag na de intrekking?"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a revoked key still published");
    // The province node was offline throughout: it learns all of it by catch-up.
    let dz = Daemon::start_with(&z, &[], NO_KAD);
    let _dp = Daemon::start_with(&p, &[&dz.address], NO_KAD);
    wait_for(
        "the province node to learn the self-revocation",
        TIMEOUT,
        || first_revoked_is(&p, &key).then_some(()),
    );
    // What the key signed before stays Zwolle's.
    wait_for(
        "the earlier question to reach the province node",
        TIMEOUT,
        || p.has(&before).then_some(()),
    );
    assert!(listed(&p).contains("regionale flexpool"), "{}", listed(&p));
    assert!(faults(&p).is_empty(), "{:?}", faults(&p));
    assert!(faults(&z).is_empty(), "{:?}", faults(&z));
}

#[test]
fn answers_that_arrive_before_their_question_cost_nobody_a_strike() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let now = Timestamp::now().as_millis();
    let question = testing::question(&testing::key(41), 1, now - 60_000);
    let answers = vec![
        testing::answer(&testing::key(42), question.id(), 2, now - 50_000),
        testing::answer(&testing::key(43), question.id(), 3, now - 40_000),
    ];
    let reaction = testing::reaction(&testing::key(44), answers[0].id(), now - 30_000);
    let mut all = vec![question.clone(), reaction.clone()];
    all.extend(answers.iter().cloned());
    let file = import_file(a.path(), "thread.jsonl", &all);
    a.ok(&["import", file.to_str().unwrap()]);
    // B hears the reaction and the answers first, by gossip, from a peer that has nothing
    // else to give...
    let db = Daemon::start_with(&b, &[], NO_KAD);
    let early: Vec<Vec<u8>> = std::iter::once(&reaction)
        .chain(&answers)
        .map(|e| e.bytes().to_vec())
        .collect();
    wiel_tests::gossip_to(&db.address, early, TIMEOUT);
    // ...and the question only later, when A comes online.
    let _da = Daemon::start_with(&a, &[&db.address], NO_KAD);
    wait_for("B to hold the whole thread", TIMEOUT, || {
        all.iter().all(|e| b.has(&e.id().to_string())).then_some(())
    });
    wait_for("A and B to hold the same set", TIMEOUT, || {
        (a.fingerprints() == b.fingerprints()).then_some(())
    });
    let shown = b.dutch(&["show", &question.id().to_string()[..12]]);
    for answer in &answers {
        assert!(
            shown.contains(&answer.id().to_string()[..12]),
            "an answer is missing from the thread: {shown}"
        );
    }
    assert!(faults(&b).is_empty(), "{:?}", faults(&b));
    assert!(faults(&a).is_empty(), "{:?}", faults(&a));
}
