//! Trust on real nodes in web-of-trust mode: a rogue organisation with a valid key that
//! nobody endorses publishes 1 000 entries; no honest node passes them on or shows them;
//! once a trusted organisation endorses it they appear everywhere, with who vouches for
//! it; after the withdrawal they are untrusted again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use wiel_node::ThreadView;
use wiel_node::network::SyncReport;
use wiel_node::reports::KeyRotated;
use wiel_node::service::Retracted;
use wiel_node::view::{Listing, TrustReport};
use wiel_protocol::{Body, Draft, Kind, OrgKeypair, SpaceName, Timestamp, testing};
use wiel_tests::{Daemon, Node, import_file, wait_for};
use wiel_tests::{Refusal, StatusFacts};

const TIMEOUT: Duration = Duration::from_secs(90);
const NO_KAD: &[&str] = &["--no-kademlia"];

/// Entries by `author` listed by `node` (`untrusted`: also those kept apart).
fn count_by(node: &Node, author: &str, untrusted: bool) -> usize {
    let mut args = vec!["--json", "list", "--author", author, "--limit", "5000"];
    if untrusted {
        args.push("--untrusted");
    }
    let list: Listing = serde_json::from_str(&node.ok(&args)).unwrap();
    list.entries.len()
}

#[test]
fn a_rogue_organisation_is_kept_apart_until_endorsed_and_again_after_withdrawal() {
    let a = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let b = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let c = Node::init_with_trust("Gemeente Deventer", "GM0150", "web-of-trust");
    let rogue = Node::init_with_trust("Gemeente Nergens", "GM9999", "open");
    let (ka, kb, kc, kr) = (a.org_key(), b.org_key(), c.org_key(), rogue.org_key());
    // The three municipalities trust each other directly.
    for (node, others) in [(&a, [&kb, &kc]), (&b, [&ka, &kc]), (&c, [&ka, &kb])] {
        for k in others {
            node.ok(&["trust", "add", k]);
        }
    }
    let listed = b.ok(&["trust", "list"]);
    assert!(
        listed.contains("mode: web-of-trust") && listed.contains("directly"),
        "{listed}"
    );

    // A - B - C in a line; the rogue connects to B.
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let db = Daemon::start_with(&b, &[&da.address], NO_KAD);
    let _dc = Daemon::start_with(&c, &[&db.address], NO_KAD);
    let _dr = Daemon::start_with(&rogue, &[&db.address], NO_KAD);

    // The rogue publishes 1 000 entries under its own, valid key.
    let key = OrgKeypair::from_protobuf(&std::fs::read(rogue.path().join("key")).unwrap()).unwrap();
    let now = Timestamp::now().as_millis();
    let entries: Vec<_> = (0..1000u64)
        .map(|i| testing::practice_with_text(&key, i, now - 1000 - i, 40))
        .collect();
    let file = import_file(rogue.path(), "spam.jsonl", &entries);
    rogue.ok(&["import", file.to_str().unwrap()]);

    // B, its neighbour, stores them apart: not shown, not passed on.
    wait_for("B to hold the rogue's entries apart", TIMEOUT, || {
        (count_by(&b, &kr, true) == 1000).then_some(())
    });
    assert_eq!(count_by(&b, &kr, false), 0, "shown by default");
    let status = b.status();
    assert!(status.spaces[0].kept_apart >= 1000, "{status:?}");
    let shown = b.dutch(&["list", "--untrusted", "--author", &kr, "--limit", "1"]);
    assert!(shown.contains("(niet vertrouwd)"), "{shown}");
    // A catch-up with B brings A nothing of the rogue's either.
    let report: SyncReport = a.json(&["sync", "--peer", &db.address]);
    assert!(report.done);
    for node in [&a, &c] {
        assert_eq!(
            count_by(node, &kr, true),
            0,
            "an honest node passed them on"
        );
    }

    // Zwolle vouches for the rogue (it holds no profile of it: name and code given), and
    // is told whom, by the whole key; the same again changes nothing and says so.
    let endorse = [
        "endorse",
        kr.as_str(),
        "--name",
        "Gemeente Nergens",
        "--code",
        "GM9999",
    ];
    let said = a.ok(&endorse);
    assert!(
        said.contains(&format!("now endorses Gemeente Nergens, key {kr}")),
        "{said}"
    );
    // (Entries keep arriving from the network here: count the endorsements only.)
    let endorsements = || {
        a.snapshot()
            .lines()
            .filter(|l| l.contains("\"kind\":\"endorsement\""))
            .count()
    };
    let before = endorsements();
    let err = wiel_tests::expect_one_line_error(a.run(&endorse), &endorse);
    assert!(
        err.contains("already endorses Gemeente Nergens") && err.contains("nothing changed"),
        "{err}"
    );
    assert_eq!(endorsements(), before, "no second endorsement");
    // Nor with the name written in another case or spacing.
    let again = [
        "endorse",
        kr.as_str(),
        "--name",
        "gemeente  nergens ",
        "--code",
        "GM9999",
    ];
    let err = wiel_tests::expect_one_line_error(a.run(&again), &again);
    assert!(err.contains("nothing changed"), "{err}");
    assert_eq!(endorsements(), before, "no second endorsement");
    for node in [&a, &b, &c] {
        wait_for("the endorsed entries everywhere", TIMEOUT, || {
            (count_by(node, &kr, false) == 1000).then_some(())
        });
    }
    let id = entries[0].id().to_string();
    let shown = c.dutch(&["show", &id]);
    assert!(shown.contains("vertrouwd via Gemeente Zwolle"), "{shown}");
    let view: ThreadView = c.json(&["show", &id]);
    let vouched_by = view.entry.trust.map(|t| t.vouched_by).unwrap_or_default();
    assert_eq!(
        vouched_by.first().map(String::as_str),
        Some("Gemeente Zwolle")
    );
    let trust = c.dutch(&["trust", "list"]);
    assert!(trust.contains("vertrouwd via Gemeente Zwolle"), "{trust}");

    // Withdrawn: untrusted again everywhere, kept but not shown. (As JSON: the shape of
    // `retract --json`.)
    let withdrawn: Retracted = a.json(&["endorse", "--withdraw", &kr]);
    assert_eq!(withdrawn.retractions.len(), 1, "{withdrawn:?}");
    for node in [&a, &b, &c] {
        wait_for("the withdrawal everywhere", TIMEOUT, || {
            (count_by(node, &kr, false) == 0).then_some(())
        });
        assert_eq!(count_by(node, &kr, true), 1000);
    }
    let shown = c.dutch(&["show", &id]);
    assert!(shown.contains("niet vertrouwd"), "{shown}");
}

#[test]
fn endorse_errors_are_one_line() {
    let a = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let stranger = testing::key(77).public().to_string();
    let err = wiel_tests::expect_one_line_error(a.run(&["endorse", &stranger]), &["endorse"]);
    assert!(err.contains("--name and --code"), "{err}");
    let err = wiel_tests::expect_one_line_error(
        a.run(&["endorse", "--withdraw", &stranger]),
        &["endorse", "--withdraw"],
    );
    assert!(err.contains("has not endorsed"), "{err}");
    let own = a.org_key();
    let err = wiel_tests::expect_one_line_error(
        a.run(&["endorse", &own, "--name", "Zelf", "--code", "GM0193"]),
        &["endorse", "own"],
    );
    assert!(err.contains("cannot endorse its own key"), "{err}");
    let before = a.snapshot();
    let err = wiel_tests::expect_one_line_error(
        a.run(&["trust", "add", "Gemeente Onbekend"]),
        &["trust", "add"],
    );
    assert!(err.contains("no known organisation"), "{err}");
    assert_eq!(a.snapshot(), before);
}

fn signed(
    key: &OrgKeypair,
    kind: Kind,
    fields: wiel_protocol::KindFields,
    at: u64,
    title: &str,
) -> wiel_protocol::Verified {
    Draft {
        network: testing::network(),
        space: SpaceName::national(),
        kind,
        refs: vec![],
        created_at: Timestamp::from_millis(at),
        body: Body {
            title: title.into(),
            text: if kind == Kind::Practice {
                "Tekst.".into()
            } else {
                String::new()
            },
            fields,
            ..Body::default()
        },
    }
    .sign(key, &testing::rules())
    .unwrap()
}

#[test]
fn a_rotated_key_keeps_its_trust_and_a_revoked_key_is_refused_network_wide() {
    let a = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let c = Node::init("Gemeente Dalfsen", "GM0148");
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let db = Daemon::start_with(&b, &[&da.address], NO_KAD);
    let (old, new) = (testing::key(40), testing::key(41));
    let (old_hex, new_hex) = (old.public().to_string(), new.public().to_string());
    a.ok(&[
        "endorse",
        &old_hex,
        "--name",
        "Gemeente Oud",
        "--code",
        "GM0400",
    ]);

    // The organisation moves to a new key (signed by the old one) and writes with it.
    let now = Timestamp::now().as_millis();
    let rotation = signed(
        &old,
        Kind::KeyRotation,
        wiel_protocol::KindFields::KeyRotation {
            new_key: new.public(),
            consent: new.consent_to_succeed(&testing::network(), &old.public()),
        },
        now - 60_000,
        "",
    );
    let by_new = signed(
        &new,
        Kind::Practice,
        wiel_protocol::KindFields::None,
        now - 50_000,
        "Geschreven met de nieuwe sleutel",
    );
    let f = import_file(a.path(), "rotation.jsonl", &[rotation, by_new.clone()]);
    a.ok(&["import", f.to_str().unwrap()]);
    let shown = a.dutch(&["show", &by_new.id().to_string()]);
    assert!(shown.contains("vertrouwd via Gemeente Zwolle"), "{shown}");

    // The old key was stolen: the new key revokes it from a moment on.
    let since = now - 10_000;
    let revocation = signed(
        &new,
        Kind::Revocation,
        wiel_protocol::KindFields::Revocation {
            key: old.public(),
            since: Timestamp::from_millis(since),
        },
        now - 5_000,
        "",
    );
    let f = import_file(
        a.path(),
        "revocation.jsonl",
        std::slice::from_ref(&revocation),
    );
    a.ok(&["import", f.to_str().unwrap()]);
    wait_for("B to have the revocation", TIMEOUT, || {
        b.has(&revocation.id().to_string()).then_some(())
    });
    let trust: TrustReport = a.json(&["trust", "list"]);
    assert_eq!(trust.revoked[0].key.to_hex(), old_hex, "{trust:?}");
    assert!(
        trust.members.iter().any(|m| m.key.to_hex() == new_hex),
        "{trust:?}"
    );

    // A new entry made with the revoked key counts for nothing: on import here it is kept
    // apart, not shown, not passed on…
    let stolen = signed(
        &old,
        Kind::Practice,
        wiel_protocol::KindFields::None,
        now,
        "Met de gestolen sleutel",
    );
    let f = import_file(a.path(), "stolen.jsonl", std::slice::from_ref(&stolen));
    let out = a.ok(&["import", f.to_str().unwrap()]);
    assert!(out.contains("kept apart"), "{out}");
    assert!(!a.dutch(&["list"]).contains("gestolen"));
    // …and by the network: C never saw the revocation, holds the entry and offers it to B,
    // which takes it apart too and blames nobody (C could not know).
    let f = import_file(c.path(), "stolen.jsonl", std::slice::from_ref(&stolen));
    c.ok(&["import", f.to_str().unwrap()]);
    let _dc = Daemon::start_with(&c, &[], NO_KAD);
    let out = c.run(&["--json", "sync", "--peer", &db.address]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // C learns the revocation from B at that sync (national space), and keeps the stolen
    // entry to itself from then on.
    wait_for("C to learn the revocation", TIMEOUT, || {
        c.has(&revocation.id().to_string()).then_some(())
    });
    let status = b.status();
    let refusals = status.refusals();
    assert!(
        refusals.keys().all(|why| !why.blames_sender()),
        "a peer was blamed: {refusals:?}"
    );
    assert!(!b.dutch(&["list"]).contains("gestolen"));
    assert!(!c.dutch(&["list"]).contains("gestolen"));
}

#[test]
fn wiel_key_rotate_and_revoke() {
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let old = z.org_key();
    k.ok(&["trust", "add", &old]);
    let out: KeyRotated = z.json(&["key", "rotate"]);
    let new = out.new_key.to_hex();
    assert_eq!(out.old_key.to_hex(), old);
    assert_eq!(z.org_key(), new, "the node now signs with the new key");

    // The new key revokes the old one (after a confirmation).
    let before = z.snapshot();
    let err = wiel_tests::expect_one_line_error(
        z.run(&["key", "revoke", &old]),
        &["key", "revoke", "unconfirmed"],
    );
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(z.snapshot(), before, "nothing was done");
    let err = wiel_tests::expect_one_line_error(z.run(&["key", "revoke"]), &["key", "revoke"]);
    assert!(err.contains("--current"), "{err}");
    // A key is named like an id: in full, or by its first characters.
    z.ok(&["key", "revoke", &old[..10], "--yes"]);
    let err = wiel_tests::expect_one_line_error(
        z.run(&[
            "key",
            "revoke",
            &testing::key(5).public().to_string(),
            "--yes",
        ]),
        &["key", "revoke", "stranger"],
    );
    assert!(err.contains("is not this organisation's"), "{err}");

    // Kampen learns it all from Zwolle's export: the new key stands where the old stood.
    let f = z.path().join("zwolle.jsonl");
    std::fs::write(&f, z.snapshot()).unwrap();
    k.ok(&["import", f.to_str().unwrap()]);
    let trust: TrustReport = k.json(&["trust", "list"]);
    assert!(
        trust.members.iter().any(|m| m.key.to_hex() == new),
        "{trust:?}"
    );
    assert_eq!(trust.revoked[0].key.to_hex(), old, "{trust:?}");
    // Something signed with the old key now is refused.
    let stolen_key = z.old_keypair();
    let stolen = signed(
        &stolen_key,
        Kind::Practice,
        wiel_protocol::KindFields::None,
        Timestamp::now().as_millis(),
        "Met de oude sleutel",
    );
    let f = import_file(k.path(), "stolen.jsonl", std::slice::from_ref(&stolen));
    let out = k.ok(&["import", f.to_str().unwrap()]);
    assert!(out.contains("1 new entry is kept apart"), "{out}");
    assert!(!k.dutch(&["list"]).contains("oude sleutel"));
    // Zwolle's history, signed with the old key, stays Zwolle's on both nodes.
    for node in [&z, &k] {
        let listed = node.ok(&["--json", "list", "--kind", "profile"]);
        assert!(listed.contains(&old), "{listed}");
    }
}

#[test]
fn a_running_node_revokes_at_once_but_rotates_only_when_stopped() {
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let key = z.org_key();
    k.ok(&["trust", "add", &key]);
    let dz = Daemon::start_with(&z, &[], NO_KAD);
    let _dk = Daemon::start_with(&k, &[&dz.address], NO_KAD);

    // A new key would change the running node's network identity: refused, nothing changes.
    let before = z.snapshot();
    let err = wiel_tests::expect_one_line_error(z.run(&["key", "rotate"]), &["key", "rotate"]);
    assert!(err.contains("a node is running"), "{err}");
    assert_eq!(z.org_key(), key);
    assert_eq!(z.snapshot(), before);

    // A revocation goes through the node, which gossips it: Kampen refuses the key.
    let out = z.ok(&["key", "revoke", "--current", "--yes"]);
    assert!(out.contains("is revoked from"), "{out}");
    // A revoked key signs nothing more.
    let err =
        wiel_tests::expect_one_line_error(z.run(&["ask", "Mag dit nog?"]), &["ask", "revoked"]);
    assert!(err.contains("wiel key rotate"), "{err}");
    wait_for("Kampen to know the key is revoked", TIMEOUT, || {
        let trust: TrustReport = k.json(&["trust", "list"]);
        trust
            .revoked
            .first()
            .is_some_and(|r| r.key.to_hex() == key)
            .then_some(())
    });
}

#[test]
fn profiles_of_untrusted_organisations_are_bounded() {
    let b = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let config = b.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("max_untrusted_profiles = 1000"), "{text}");
    std::fs::write(
        &config,
        text.replace(
            "max_untrusted_profiles = 1000",
            "max_untrusted_profiles = 1",
        ),
    )
    .unwrap();
    let db = Daemon::start_with(&b, &[], NO_KAD);
    let strangers: Vec<Node> = (0..3)
        .map(|i| Node::init(&format!("Gemeente Vreemd {i}"), &format!("GM95{i:02}")))
        .collect();
    let _daemons: Vec<Daemon> = strangers
        .iter()
        .map(|s| Daemon::start_with(s, &[&db.address], NO_KAD))
        .collect();
    // Each stranger's profile reaches B (gossip on subscription, and sync): one is kept
    // apart, the others are refused.
    wait_for("B to refuse profiles past the bound", TIMEOUT, || {
        (b.status().refused(Refusal::TooManyProfiles) >= 2).then_some(())
    });
    let profiles: Listing = b.json(&["list", "--kind", "profile", "--untrusted"]);
    let names: Vec<&str> = profiles
        .entries
        .iter()
        .map(|p| p.title.as_deref().unwrap())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "its own profile and one stranger's: {names:?}"
    );
    assert!(names.contains(&"Gemeente Kampen"));
}

#[test]
fn an_untrusted_author_is_taken_in_at_a_bounded_rate_by_gossip_and_sync() {
    let b = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let config = b.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("untrusted_author_per_minute = 1200")
            && text.contains("untrusted_author_burst = 1000"),
        "{text}"
    );
    // No refill: 100 entries of an untrusted author, then nothing.
    std::fs::write(
        &config,
        text.replace(
            "untrusted_author_per_minute = 1200",
            "untrusted_author_per_minute = 0",
        )
        .replace(
            "untrusted_author_burst = 1000",
            "untrusted_author_burst = 100",
        ),
    )
    .unwrap();
    let db = Daemon::start_with(&b, &[], NO_KAD);
    let rogue = Node::init_with_trust("Gemeente Nergens", "GM9999", "open");
    let kr = rogue.org_key();
    let dr = Daemon::start_with(&rogue, &[&db.address], NO_KAD);
    let key = OrgKeypair::from_protobuf(&std::fs::read(rogue.path().join("key")).unwrap()).unwrap();
    let now = Timestamp::now().as_millis();
    let entries: Vec<_> = (0..300u64)
        .map(|i| testing::practice_with_text(&key, i, now - 1000 - i, 40))
        .collect();
    let file = import_file(rogue.path(), "spam.jsonl", &entries);
    rogue.ok(&["import", file.to_str().unwrap()]);

    wait_for(
        "B to drop the rogue's entries past its budget",
        TIMEOUT,
        || (b.status().refused(Refusal::RateLimited) > 0).then_some(()),
    );
    // A catch-up sync brings no more: the budget holds for sync too.
    b.ok(&["sync", "--peer", &dr.address]);
    let held = count_by(&b, &kr, true);
    // the budget of 100 covers its profile too
    assert!(
        (99..=100).contains(&held),
        "B holds {held} of the rogue's entries"
    );
    assert_eq!(count_by(&b, &kr, false), 0, "shown by default");
    let limited = b.status().refused(Refusal::RateLimited);
    assert!(limited >= 200, "{limited} dropped");
}

#[test]
fn an_organisation_that_rotated_its_key_is_one_organisation_in_reports() {
    let d = Node::init("Gemeente Deventer", "GM0150");
    d.ok(&["ask", "Wie heeft een goede exitgesprek-vragenlijst?"]);
    d.ok(&["key", "rotate"]);
    d.ok(&["ask", "Hoe organiseren jullie de introductiedag?"]);
    d.ok(&["key", "rotate"]);
    d.ok(&["ask", "Wie werkt met een generatiepact?"]);
    let current = d.org_key();
    let a = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let file = a.path().join("deventer.jsonl");
    std::fs::write(&file, d.snapshot()).unwrap();
    let said = a.ok(&["import", file.to_str().unwrap()]);
    let lines: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("Gemeente Deventer"))
        .collect();
    assert_eq!(lines.len(), 1, "one line for Deventer: {said}");
    assert!(lines[0].contains(&current), "under its current key: {said}");
    // Trusted by its current key: one line, the earlier keys named on it.
    a.ok(&["trust", "add", &current]);
    let list = a.ok(&["trust", "list"]);
    let lines: Vec<&str> = list
        .lines()
        .filter(|l| l.contains("Gemeente Deventer"))
        .collect();
    assert_eq!(lines.len(), 1, "{list}");
    assert!(lines[0].contains("earlier keys"), "{list}");
    let listed: TrustReport = a.json(&["trust", "list"]);
    let old_keys = listed
        .members
        .iter()
        .filter(|m| m.current_key.map(|k| k.to_hex()) == Some(current.clone()))
        .count();
    assert_eq!(old_keys, 2, "{listed:?}");
    let shown = a.dutch(&["list", "--author", &current[..12]]);
    assert!(shown.contains("generatiepact"), "{shown}");
}
