//! Every bad input named in the foundation issue: a clear one-line error, a non-zero exit,
//! and nothing stored changes (checked by comparing a full signed export before and after).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_node::Published;
use wiel_node::exchange::ExportLine;
use wiel_node::service::ImportReport;
use wiel_node::view::Listing;
use wiel_protocol::{Body, Draft, Kind, NetworkId, OrgKeypair, Rules, SpaceName, Timestamp};
use wiel_tests::{Node, expect_one_line_error, practice_md};

/// A node holding a few entries, and its snapshot.
fn node_with_entries() -> (Node, String) {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    node.publish(&practice_md(
        "Buddy voor nieuwe consulenten",
        "Een buddy per persoon.",
    ));
    node.ok(&["ask", "Lumpsum of p×q?"]);
    let snap = node.snapshot();
    (node, snap)
}

fn write(node: &Node, name: &str, text: &str) -> String {
    let p = node.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

fn id_of(node: &Node, kind: &str) -> String {
    let listed: Listing = node.json(&["list", "--kind", kind]);
    listed.entries[0].id.to_hex()
}

#[test]
fn malformed_front_matter() {
    let (node, before) = node_with_entries();
    let f = write(
        &node,
        "bad.md",
        "---\nkind: practice\ntitle: [concept] is tekst\ntags: [niet, gesloten\nthemes: hrm\n---\nTekst\n",
    );
    let err = node.fails(&["publish", &f]);
    assert!(
        err.contains("bad.md: front matter is not valid at line 5")
            && err.contains("write each line as 'name: value'"),
        "{err}"
    );
    let f = write(
        &node,
        "open.md",
        "---\nkind: practice\ntitle: x\nTekst zonder einde\n",
    );
    let err = node.fails(&["publish", &f]);
    assert!(err.contains("no closing '---'"), "{err}");
    assert_eq!(node.snapshot(), before);
}

#[test]
fn unknown_kind() {
    let (node, before) = node_with_entries();
    let f = write(
        &node,
        "k.md",
        "---\nkind: recept\ntitle: Appeltaart\n---\nTekst\n",
    );
    let err = node.fails(&["publish", &f]);
    assert!(err.contains("unknown kind 'recept'"), "{err}");
    let err = node.fails(&["list", "--kind", "recept"]);
    assert!(err.contains("unknown kind 'recept'"), "{err}");
    // It names every kind `list` takes, by both names.
    for kind in [
        "sleutelwissel (key-rotation)",
        "reactie (reaction)",
        "goed-voorbeeld (practice)",
    ] {
        assert!(err.contains(kind), "{kind}: {err}");
    }
    assert_eq!(node.snapshot(), before);
}

#[test]
fn body_over_the_limit() {
    let (node, before) = node_with_entries();
    let f = write(
        &node,
        "big.md",
        &practice_md("Te lang", &"woord ".repeat(12_000)),
    );
    let err = node.fails(&["publish", &f]);
    assert!(
        err.contains("body is") && err.contains("the limit of 65536"),
        "{err}"
    );
    assert_eq!(node.snapshot(), before);
}

#[test]
fn empty_title() {
    let (node, before) = node_with_entries();
    let f = write(
        &node,
        "t.md",
        "---\nkind: practice\ntitle: \"  \"\n---\nTekst\n",
    );
    let err = node.fails(&["publish", &f]);
    assert!(err.contains("title is empty"), "{err}");
    let err = node.fails(&["ask", "   "]);
    assert!(err.contains("the question is empty"), "{err}");
    assert_eq!(node.snapshot(), before);
}

#[test]
fn a_space_this_node_does_not_follow() {
    let (node, before) = node_with_entries();
    let args = ["ask", "Wie kent een goede jobcoach?", "--space", "pv32"];
    let err = expect_one_line_error(node.run(&args), &args);
    assert!(
        err.contains("does not follow space 'pv32'") && err.contains("--new-space"),
        "{err}"
    );
    let f = write(
        &node,
        "p.md",
        "---\nkind: practice\ntitle: Jobcoach\nspace: pv32\n---\nTekst\n",
    );
    let err = node.fails(&["publish", &f]);
    assert!(err.contains("does not follow space 'pv32'"), "{err}");
    assert_eq!(node.snapshot(), before);
    // On purpose: published there.
    node.ok(&[
        "ask",
        "Wie kent een goede jobcoach?",
        "--space",
        "pv32",
        "--new-space",
    ]);
    node.ok(&["publish", &f, "--new-space"]);
    let listed = node.dutch(&["list", "--space", "pv32"]);
    assert_eq!(listed.lines().count(), 2, "{listed}");
}

#[test]
fn id_prefix_that_matches_nothing_or_several() {
    let (node, _) = node_with_entries();
    // Find a 4-character prefix no id has, and one that several ids share (publish until so).
    let ids: Vec<String> = node.ids().into_iter().collect();
    let unused = (0..=0xffffu32)
        .map(|n| format!("{n:04x}"))
        .find(|p| ids.iter().all(|id| !id.starts_with(p.as_str())))
        .unwrap();
    let err = node.fails(&["show", &unused]);
    assert!(
        err.contains(&format!("no entry has an id starting with '{unused}'")),
        "{err}"
    );
    let err = node.fails(&["show", "xyz!"]);
    assert!(err.contains("is not an entry id"), "{err}");

    // With 17+ entries two share their first hex digit; a 1-digit prefix is too short, so
    // look for two ids that share 4 digits: make entries until they do (bounded).
    let mut all = ids.clone();
    let mut shared = None;
    for i in 0..3000 {
        let asked: Published = node.json(&["ask", &format!("Vraag nummer {i}?")]);
        let id = asked.id.to_hex();
        if let Some(other) = all.iter().find(|o| o[..4] == id[..4]) {
            shared = Some((id[..4].to_owned(), other.clone(), id.clone()));
            break;
        }
        all.push(id);
    }
    let (prefix, a, b) = shared.expect("two ids share a 4-digit prefix within 3000 entries");
    let before = node.snapshot();
    let err = node.fails(&["show", &prefix]);
    assert!(err.contains("matches several entries"), "{err}");
    assert!(err.contains(&a[..12]) && err.contains(&b[..12]), "{err}");
    let err = node.fails(&["answer", &prefix, "antwoord"]);
    assert!(err.contains("matches several entries"), "{err}");
    assert_eq!(node.snapshot(), before);
}

#[test]
fn answer_to_something_that_is_not_a_question() {
    let (node, before) = node_with_entries();
    let practice = id_of(&node, "practice");
    let err = node.fails(&["answer", &practice[..8], "Wij ook"]);
    assert!(err.contains("is a good practice, not a question"), "{err}");
    assert_eq!(node.snapshot(), before);
}

#[test]
fn retracting_someone_elses_entry() {
    let (kampen, _) = node_with_entries();
    let zwolle = Node::init("Gemeente Zwolle", "GM0193");
    let export = write(&zwolle, "kampen.jsonl", &kampen.snapshot());
    zwolle.ok(&["import", &export]);
    let before = zwolle.snapshot();
    let theirs = id_of(&zwolle, "practice");
    let err = zwolle.fails(&["retract", &theirs[..8]]);
    assert!(err.contains("only the author of entry"), "{err}");
    let err = zwolle.fails(&["edit", &theirs[..8], &export]);
    assert!(err.contains("only the author of entry"), "{err}");
    assert_eq!(zwolle.snapshot(), before);
}

/// A second node's export, and the node to import it into.
fn import_fixture() -> (Node, Vec<String>, String) {
    let (source, _) = node_with_entries();
    let lines: Vec<String> = source.snapshot().lines().map(str::to_owned).collect();
    let target = Node::init("Gemeente Kampen", "GM0166");
    target.publish(&practice_md("Eigen bericht", "Van Kampen zelf."));
    let before = target.snapshot();
    (target, lines, before)
}

#[test]
fn corrupt_or_truncated_import_file() {
    let (node, lines, before) = import_fixture();
    let all = lines.join("\n");
    let truncated = &all[..all.len() - 40];
    let f = write(&node, "truncated.jsonl", truncated);
    let err = node.fails(&["import", &f]);
    assert!(
        err.contains(&format!("line {}: not a wiel entry", lines.len())),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");

    let f = write(
        &node,
        "garbage.jsonl",
        &format!("{}\n\u{0}\u{1}garbage\n{}", lines[0], lines[1]),
    );
    let err = node.fails(&["import", &f]);
    assert!(err.contains("line 2: not a wiel entry"), "{err}");

    let missing = node.path().join("no-such-file.jsonl");
    let err = node.fails(&["import", missing.to_str().unwrap()]);
    assert!(
        err.contains("cannot read") && err.contains("no-such-file.jsonl"),
        "{err}"
    );
    assert_eq!(node.snapshot(), before);
}

fn tamper(line: &str, f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
    f(&mut v);
    serde_json::to_string(&v).unwrap()
}

fn flip_hex(s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    c[10] = if c[10] == '0' { '1' } else { '0' };
    c.into_iter().collect()
}

#[test]
fn imported_entry_with_a_flipped_bit() {
    let (node, lines, before) = import_fixture();
    // The practice is line 2 (after the profile).
    let n = 2;
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "body",
            tamper(&lines[n - 1], |v| {
                let t = v["entry"]["body"]["text"]
                    .as_str()
                    .unwrap()
                    .replacen('E', "D", 1);
                v["entry"]["body"]["text"] = t.into();
            }),
            "does not match its signed header",
        ),
        (
            "header",
            tamper(&lines[n - 1], |v| {
                let t = v["entry"]["header"]["created_at"].as_u64().unwrap() ^ 1;
                v["entry"]["header"]["created_at"] = t.into();
            }),
            "signature does not verify",
        ),
        (
            "signature",
            tamper(&lines[n - 1], |v| {
                let s = flip_hex(v["entry"]["signature"].as_str().unwrap());
                v["entry"]["signature"] = s.into();
            }),
            "signature does not verify",
        ),
        (
            "id",
            tamper(&lines[n - 1], |v| {
                let s = flip_hex(v["id"].as_str().unwrap());
                v["id"] = s.into();
            }),
            "does not match the entry's contents",
        ),
    ];
    for (what, bad, expected) in cases {
        let mut file = lines.clone();
        file[n - 1] = bad;
        let f = write(&node, &format!("flip-{what}.jsonl"), &file.join("\n"));
        let err = node.fails(&["import", &f]);
        assert!(err.contains(&format!("line {n}:")), "{what}: {err}");
        assert!(err.contains(expected), "{what}: {err}");
        assert_eq!(node.snapshot(), before, "{what}: store changed");
    }
}

/// Signed by a node whose clock runs a day ahead.
fn from_tomorrow() -> wiel_protocol::Verified {
    let network = NetworkId::new("wiel-test").unwrap();
    let tomorrow = Timestamp::now().saturating_add_millis(24 * 3600 * 1000);
    let ahead = Rules {
        network: network.clone(),
        now: tomorrow,
    };
    Draft {
        network,
        space: SpaceName::national(),
        kind: Kind::Practice,
        refs: vec![],
        created_at: tomorrow,
        body: Body {
            title: "Uit de toekomst".into(),
            text: "Morgen gepubliceerd.".into(),
            ..Body::default()
        },
    }
    .sign(&OrgKeypair::generate(), &ahead)
    .unwrap()
}

#[test]
fn entry_dated_a_day_in_the_future() {
    let (node, _, before) = import_fixture();
    let f = write(
        &node,
        "future.jsonl",
        &serde_json::to_string(&ExportLine::new(&from_tomorrow())).unwrap(),
    );
    let err = node.fails(&["import", &f]);
    assert!(err.contains("line 1: the entry is dated 14"), "{err}");
    assert!(err.contains("minutes in the future"), "{err}");
    assert_eq!(node.snapshot(), before);
}

/// One entry dated ahead (its signer's clock ran fast) does not make a whole export
/// unusable: it is left out, said why, and the rest is taken in; the trailer still holds.
#[test]
fn an_entry_dated_ahead_is_left_out_and_the_rest_taken_in() {
    let (node, lines, _) = import_fixture();
    let mut file: Vec<String> = lines
        .iter()
        .filter(|l| !l.starts_with("{\"trailer\""))
        .cloned()
        .collect();
    let kept = file.len();
    let future = from_tomorrow();
    file.insert(1, serde_json::to_string(&ExportLine::new(&future)).unwrap());
    let mut tally = wiel_node::exchange::Tally::default();
    for line in &file {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        tally.add(&v["id"].as_str().unwrap().parse().unwrap());
    }
    file.push(tally.trailer().line());
    let f = write(&node, "ahead.jsonl", &file.join("\n"));
    let report: ImportReport = node.json(&["import", &f]);
    assert_eq!(report.stored, kept, "{report:?}");
    assert_eq!(report.refused.get("in_future"), Some(&1), "{report:?}");
    assert!(report.complete, "{report:?}");
    assert!(!node.has(&future.id().to_hex()));

    let again = node.ok(&["import", &f]);
    assert!(
        again.contains("1 entry was not taken") && again.contains("ahead of this computer's clock"),
        "{again}"
    );
}

/// A last line that counts right but lists other entries: the file was changed.
#[test]
fn an_export_whose_last_line_lists_other_entries() {
    let (node, lines, before) = import_fixture();
    let trailer = lines.last().unwrap();
    assert!(trailer.starts_with("{\"trailer\""));
    let changed = tamper(trailer, |v| {
        let d = flip_hex(v["trailer"]["digest"].as_str().unwrap());
        v["trailer"]["digest"] = d.into();
    });
    let mut file = lines.clone();
    *file.last_mut().unwrap() = changed;
    let f = write(&node, "changed.jsonl", &file.join("\n"));
    let err = node.fails(&["import", &f]);
    assert!(
        err.contains(&format!("line {}: the file was changed", lines.len())),
        "{err}"
    );
    // Only a last line, whose digest is not that of no entries.
    let f = write(
        &node,
        "only-trailer.jsonl",
        r#"{"trailer":{"entries":0,"digest":"00"}}"#,
    );
    let err = node.fails(&["import", &f]);
    assert!(err.contains("line 1: the file was changed"), "{err}");
    assert!(!err.contains("0 came before it"), "{err}");
    assert_eq!(node.snapshot(), before);
}

#[test]
fn entry_from_another_network_is_refused() {
    let (node, lines, before) = import_fixture();
    let other = tamper(&lines[1], |v| {
        v["entry"]["header"]["network"] = "wiel".into()
    });
    let f = write(&node, "other-net.jsonl", &other);
    let err = node.fails(&["import", &f]);
    assert!(err.contains("belongs to network 'wiel'"), "{err}");
    assert_eq!(node.snapshot(), before);
}

#[test]
fn init_twice_refuses_and_keeps_the_key() {
    let (node, before) = node_with_entries();
    let key = std::fs::read(node.path().join("key")).unwrap();
    let config = std::fs::read(node.path().join("config.toml")).unwrap();
    let err = node.fails(&["init", "--name", "Gemeente Kampen", "--code", "GM0166"]);
    assert!(
        err.contains("already holds a wiel node (its key is kept)"),
        "{err}"
    );
    assert_eq!(std::fs::read(node.path().join("key")).unwrap(), key);
    assert_eq!(
        std::fs::read(node.path().join("config.toml")).unwrap(),
        config
    );
    assert_eq!(node.snapshot(), before);
}

#[test]
fn key_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let mode = std::fs::metadata(node.path().join("key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs `wiel --data-dir DIR args` with DIR read-only: a read-only bind mount in a private
/// mount namespace when root (root ignores file modes), file modes otherwise.
fn run_read_only(node: &Node, args: &[&str]) -> wiel_tests::Run {
    let dir = node.path().to_str().unwrap();
    let mut cmd = if is_root() {
        let mut c = std::process::Command::new("unshare");
        c.args([
            "-m",
            "sh",
            "-c",
            "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"",
            dir,
        ]);
        c.arg(wiel_tests::wiel_bin())
            .env("LANG", "en_GB.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES");
        c
    } else {
        wiel_tests::wiel_command()
    };
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("WIEL_DATA_DIR");
    if !is_root() {
        set_writable(node.path(), false);
    }
    let out = cmd.output().unwrap().into();
    if !is_root() {
        set_writable(node.path(), true);
    }
    out
}

fn set_writable(dir: &std::path::Path, writable: bool) {
    let mode = if writable { "u+w" } else { "a-w" };
    let status = std::process::Command::new("chmod")
        .args(["-R", mode])
        .arg(dir)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn data_dir_that_is_not_writable() {
    // init in a read-only directory
    let empty = Node::empty();
    let r = run_read_only(
        &empty,
        &["init", "--name", "Gemeente Zwolle", "--code", "GM0193"],
    );
    let err = expect_one_line_error(r, &["init"]);
    assert!(err.contains("cannot write to the data directory"), "{err}");
    assert!(!empty.path().join("key").exists());

    // publish on an existing node whose directory became read-only
    let (node, before) = node_with_entries();
    let f = write(&node, "p.md", &practice_md("Nieuw", "Tekst"));
    let r = run_read_only(&node, &["publish", &f]);
    let err = expect_one_line_error(r, &["publish"]);
    assert!(
        err.contains("cannot write to the data directory") || err.contains("Read-only"),
        "{err}"
    );
    assert_eq!(node.snapshot(), before);
}

#[test]
fn a_theme_outside_the_list_and_flags_that_do_not_apply() {
    let (node, before) = node_with_entries();
    let args = ["ask", "Wie kent een goede jobcoach?", "--theme", "jeugd"];
    let err = expect_one_line_error(node.run(&args), &args);
    assert!(
        err.contains("unknown theme 'jeugd': use one of") && err.contains("jeugdwet"),
        "{err}"
    );
    assert_eq!(node.snapshot(), before);
    // Written as listed, whatever the case.
    node.ok(&["ask", "Wie kent een goede jobcoach?", "--theme", "HRM"]);
    let listed = node.ok(&["--json", "list", "--theme", "hrm"]);
    assert!(
        listed.contains("\"themes\": [\n        \"hrm\""),
        "{listed}"
    );

    let args = ["search", "jobcoach", "--kind", "profile"];
    let err = expect_one_line_error(node.run(&args), &args);
    assert!(err.contains("search finds good practices"), "{err}");
    // (`run` always names the node's --data-dir.)
    let args = ["demo"];
    let err = expect_one_line_error(node.run(&args), &args);
    assert!(
        err.contains("--data-dir does not go with `wiel demo`"),
        "{err}"
    );
}
