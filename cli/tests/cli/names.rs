//! Names and codes are claims anyone can make: a name or code claimed by many keys is
//! never taken silently (the candidates are named with keys that can be given back),
//! nothing is guessed from part of a name, and a compromised key is nobody's to trust.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_node::view::{Listing, TrustReport};
use wiel_node::{Published, ThreadView};
use wiel_protocol::{Timestamp, testing};
use wiel_tests::{Node, expect_one_line_error, import_file, profile_claiming};

fn members(node: &Node) -> Vec<String> {
    node.json::<TrustReport>(&["trust", "list"])
        .members
        .iter()
        .map(|m| m.key.to_hex())
        .collect()
}

#[test]
fn a_name_or_code_claimed_by_many_keys_is_never_taken_silently() {
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let real = testing::key(40);
    let t0 = Timestamp::now().as_millis() - 60_000;
    let mut claims = vec![profile_claiming(&real, "Gemeente Zwolle", "GM0193", t0)];
    // An impostor with forty fresh keys, all claiming Zwolle's name and code.
    for n in 100..140u8 {
        claims.push(profile_claiming(
            &testing::key(n),
            "Gemeente Zwolle",
            "GM0193",
            t0 + u64::from(n),
        ));
    }
    let file = import_file(k.path(), "claims.jsonl", &claims);
    k.ok(&["import", file.to_str().unwrap()]);
    let before = members(&k);
    for args in [
        vec!["trust", "add", "GM0193"],
        vec!["trust", "add", "Gemeente Zwolle"],
        vec!["endorse", "gm0193"],
        vec!["list", "--author", "zwolle"],
    ] {
        let err = expect_one_line_error(k.run(&args), &args);
        assert!(err.contains("41 organisations claim"), "{err}");
        assert!(err.contains("give the key"), "{err}");
    }
    assert_eq!(members(&k), before, "nothing was trusted");
    // Each candidate is named with the start of its key, and that start names it alone.
    let err = expect_one_line_error(k.run(&["trust", "add", "GM0193"]), &["trust", "add"]);
    let shown: Vec<&str> = err
        .split(", key ")
        .skip(1)
        .map(|rest| &rest[..12])
        .collect();
    assert_eq!(shown.len(), 5, "{err}");
    assert!(
        err.contains("(not trusted)") && err.contains("and 36 more"),
        "{err}"
    );
    for prefix in &shown {
        assert!(prefix.bytes().all(|b| b.is_ascii_hexdigit()), "{err}");
        let listed = k.ok(&["--json", "list", "--author", prefix]);
        assert!(listed.starts_with('{'), "{listed}");
    }
    assert_eq!(members(&k), before, "nothing was trusted");

    // Trusted by its key (its start is enough), the real Zwolle is the one a name or code
    // means from now on.
    let real_key = real.public().to_string();
    let out = k.ok(&["trust", "add", &real_key[..12]]);
    assert!(
        out.contains(&format!(
            "Now trusted directly: Gemeente Zwolle, key {real_key}"
        )),
        "the whole key is shown: {out}"
    );
    assert!(members(&k).contains(&real_key));
    let shown = k.ok(&["--json", "list", "--author", "GM0193"]);
    assert!(shown.starts_with('{'), "{shown}");
    // An impostor's entry shows its claim as a claim, not as Zwolle.
    let impostors = [testing::key(101), testing::key(102)];
    let by_impostors: Vec<_> = impostors
        .iter()
        .map(|key| testing::practice(key, 1, t0 + 500))
        .collect();
    let file = import_file(k.path(), "impostor.jsonl", &by_impostors);
    k.ok(&["import", file.to_str().unwrap()]);
    let listed: Listing = k.json(&["list", "--untrusted"]);
    let names: Vec<&str> = listed
        .entries
        .iter()
        .filter_map(|e| e.author_name.as_deref())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("Gemeente Zwolle (unconfirmed, key ")),
        "in the reader's language: {names:?}"
    );
    let dutch: Listing =
        serde_json::from_str(&k.dutch(&["--json", "list", "--untrusted"])).unwrap();
    assert!(
        dutch
            .entries
            .iter()
            .filter_map(|e| e.author_name.as_deref())
            .any(|n| n.starts_with("Gemeente Zwolle (onbevestigd, sleutel ")),
        "{dutch:?}"
    );
    // In the list's narrow author column too, each keeps the start of its key.
    let text = k.dutch(&["list", "--untrusted"]);
    for key in &impostors {
        let short = &key.public().to_string()[..12];
        assert!(
            text.lines()
                .any(|l| l.contains(&format!("Gemeente… {short}"))),
            "{short} not in: {text}"
        );
    }
    k.ok(&["trust", "remove", "Gemeente Zwolle"]);
    assert!(
        !members(&k).contains(&real_key),
        "the trusted claimant was meant"
    );
}

#[test]
fn the_start_of_a_key_names_a_key_never_a_name() {
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let real = testing::key(47);
    let prefix = real.public().to_string()[..12].to_owned();
    // An impostor calls itself by the start of the real organisation's key, while the
    // real one's profile has not reached this node yet.
    let impostor = profile_claiming(
        &testing::key(48),
        &prefix,
        "GM0999",
        Timestamp::now().as_millis() - 1_000,
    );
    let file = import_file(k.path(), "impostor.jsonl", &[impostor]);
    k.ok(&["import", file.to_str().unwrap()]);
    let before = members(&k);
    let args = ["trust", "add", prefix.as_str()];
    let err = expect_one_line_error(k.run(&args), &args);
    assert!(err.contains("no known organisation"), "{err}");
    assert_eq!(members(&k), before, "nothing was trusted");
}

#[test]
fn trust_commands_refuse_what_would_do_nothing_or_harm() {
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let before = members(&z);
    for args in [
        vec!["trust", "add", "GM0193"],
        vec!["trust", "remove", "Gemeente Zwolle"],
    ] {
        let err = expect_one_line_error(z.run(&args), &args);
        assert!(err.contains("your own organisation"), "{err}");
    }
    let stranger = testing::key(55).public().to_string();
    let args = ["trust", "remove", stranger.as_str()];
    let err = expect_one_line_error(z.run(&args), &args);
    assert!(err.contains("not trusted directly"), "{err}");
    assert_eq!(members(&z), before);
    // Trusting a root again changes nothing, and says so.
    let other = testing::key(56).public().to_string();
    z.ok(&["trust", "add", &other]);
    let again = z.ok(&["trust", "add", &other]);
    assert!(
        again.contains("is already trusted directly; nothing changed"),
        "{again}"
    );
}

#[test]
fn whom_to_trust_is_never_guessed_from_part_of_a_name_and_a_rotated_root_can_be_removed() {
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let oost = testing::key(61);
    let t0 = Timestamp::now().as_millis() - 60_000;
    let file = import_file(
        k.path(),
        "oost.jsonl",
        &[profile_claiming(
            &oost,
            "Gemeente Deventer-Oost",
            "GM9150",
            t0,
        )],
    );
    k.ok(&["import", file.to_str().unwrap()]);
    let args = ["trust", "add", "Deventer"];
    let err = expect_one_line_error(k.run(&args), &args);
    assert!(err.contains("no known organisation matches"), "{err}");
    // Runs of white space and case do not tell names apart.
    let out = k.ok(&["trust", "add", "gemeente   deventer-oost"]);
    assert!(out.contains(&oost.public().to_string()), "{out}");

    // Zwolle is trusted by its key, then rotates it: its code still names the root.
    let z = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let old = z.org_key();
    k.ok(&["trust", "add", &old]);
    z.ok(&["key", "rotate"]);
    let export = z.path().join("zwolle.jsonl");
    std::fs::write(&export, z.ok(&["export"])).unwrap();
    k.ok(&["import", export.to_str().unwrap()]);
    let out = k.ok(&["trust", "remove", "GM0193"]);
    assert!(out.contains("No longer trusted directly"), "{out}");
    assert!(!members(&k).contains(&old), "the old key was the root");
}

#[test]
fn a_compromised_key_is_nobodys_to_trust_or_endorse_by_name() {
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let (old, owner, thief) = (testing::key(70), testing::key(71), testing::key(72));
    let t0 = Timestamp::now().as_millis() - 60_000;
    k.ok(&["trust", "add", &old.public().to_string()]);
    let entries = vec![
        profile_claiming(&old, "Gemeente Deventer", "GM0150", t0),
        profile_claiming(&owner, "Gemeente Deventer", "GM0150", t0 + 1),
        profile_claiming(&thief, "Gemeente Deventer", "GM0150", t0 + 2),
        testing::rotation(&old, &owner, t0 + 10),
        testing::rotation(&old, &thief, t0 + 20),
    ];
    let file = import_file(k.path(), "stolen.jsonl", &entries);
    k.ok(&["import", file.to_str().unwrap()]);
    let args = [
        "endorse",
        "GM0150",
        "--name",
        "Gemeente Deventer",
        "--code",
        "GM0150",
    ];
    let err = expect_one_line_error(k.run(&args), &args);
    assert!(err.contains("2 organisations claim"), "{err}");
    assert!(!err.contains(&old.public().short()), "{err}");
}

#[test]
fn a_name_that_only_looks_like_a_trusted_one_is_shown_as_a_claim() {
    let k = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let real = testing::key(50);
    let t0 = Timestamp::now().as_millis() - 60_000;
    let file = import_file(
        k.path(),
        "real.jsonl",
        &[profile_claiming(&real, "Gemeente Zwolle", "GM0193", t0)],
    );
    k.ok(&["import", file.to_str().unwrap()]);
    k.ok(&["trust", "add", &real.public().to_string()]);
    // A Cyrillic а and о, and another code: it looks like Zwolle all the same.
    let look_alike = testing::key(51);
    let file = import_file(
        k.path(),
        "look-alike.jsonl",
        &[
            profile_claiming(&look_alike, "Gemeente Zw\u{043e}lle", "GM9992", t0 + 1),
            testing::practice(&look_alike, 1, t0 + 2),
        ],
    );
    k.ok(&["import", file.to_str().unwrap()]);
    let listed: Listing =
        serde_json::from_str(&k.dutch(&["--json", "list", "--untrusted"])).unwrap();
    let shown: Vec<&str> = listed
        .entries
        .iter()
        .filter(|e| e.author.to_string() == look_alike.public().to_string())
        .filter_map(|e| e.author_name.as_deref())
        .collect();
    let short = &look_alike.public().to_string()[..12];
    assert_eq!(
        shown,
        [format!(
            "Gemeente Zw\u{043e}lle (onbevestigd, sleutel {short})"
        )],
        "{listed:?}"
    );
}

#[test]
fn an_organisation_cannot_retract_its_own_profile_and_leave_its_name_to_others() {
    let z = Node::init("Gemeente Zwolle", "GM0193");
    let listed: Listing = z.json(&["list", "--kind", "profile"]);
    let profile = listed.entries[0].id.to_hex()[..12].to_owned();
    let before = z.snapshot();
    let args = ["retract", profile.as_str()];
    let err = expect_one_line_error(z.run(&args), &args);
    assert!(
        err.contains("your organisation's profile") && err.contains("under your name"),
        "{err}"
    );
    assert_eq!(z.snapshot(), before, "nothing was published");
    let dutch = z
        .command(&args)
        .env("LANG", "nl_NL.UTF-8")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&dutch.stderr).contains("het profiel van uw organisatie"),
        "{}",
        String::from_utf8_lossy(&dutch.stderr)
    );
}

#[test]
fn a_thief_with_a_revoked_key_cannot_rename_the_organisation() {
    let z = Node::init("Gemeente Zwolle", "GM0193");
    let asked: Published = z.json(&["ask", "Wie deelt een goed functiehuis?"]);
    let question = asked.id.to_hex();
    z.ok(&["key", "rotate"]);
    let old = z.old_keypair();
    z.ok(&["key", "revoke", &old.public().to_string(), "--yes"]);
    // The thief, holding the old key, calls it by another organisation's name after the
    // revocation.
    let later = Timestamp::now().as_millis() + 1_000;
    let renamed = profile_claiming(&old, "Gemeente Kampen", "GM0166", later);
    let v = Node::init_with_trust("Gemeente Deventer", "GM0150", "web-of-trust");
    let file = import_file(v.path(), "zwolle.jsonl", &[]);
    std::fs::write(&file, z.snapshot()).unwrap();
    v.ok(&["import", file.to_str().unwrap()]);
    v.ok(&["trust", "add", &z.org_key()]);
    let thief = import_file(v.path(), "thief.jsonl", &[renamed]);
    v.ok(&["import", thief.to_str().unwrap()]);
    let shown: ThreadView = v.json(&["show", &question[..12]]);
    assert_eq!(
        shown.entry.author_name.as_deref(),
        Some("Gemeente Zwolle"),
        "the organisation's name, not the thief's"
    );
    assert!(!v.ok(&["trust", "list"]).contains("Gemeente Kampen"));
}
