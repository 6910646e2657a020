//! The binary starts and explains itself. (Also makes `cargo test` build the `wiel` binary
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! that the workspace tests in `tests/` run.)

#[test]
fn help_lists_the_commands() {
    let out = wiel_tests::wiel_command().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for cmd in [
        "init", "publish", "ask", "answer", "react", "retract", "edit", "list", "show", "search",
        "export", "import", "demo",
    ] {
        assert!(text.contains(cmd), "help does not mention {cmd}");
    }
}

#[test]
fn unknown_command_is_a_usage_error() {
    let out = wiel_tests::wiel_command()
        .arg("frobnicate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn help_of(command: &[&str]) -> String {
    let out = wiel_tests::wiel_command()
        .args(command)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success(), "{command:?} --help failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn flags_appear_only_on_the_commands_they_apply_to() {
    // The privacy guard's --yes: where something is published, and nowhere else.
    for cmd in [
        &["publish"][..],
        &["ask"],
        &["answer"],
        &["react"],
        &["edit"],
        &["key", "revoke"],
    ] {
        assert!(help_of(cmd).contains("--yes"), "{cmd:?} lacks --yes");
    }
    for cmd in [
        &["list"][..],
        &["show"],
        &["search"],
        &["status"],
        &["import"],
    ] {
        assert!(!help_of(cmd).contains("--yes"), "{cmd:?} offers --yes");
    }
    // The global --json and --data-dir: absent where they mean nothing, and refused there.
    for (cmd, flag) in [
        (&["export"][..], "--json"),
        (&["node"], "--json"),
        (&["completions"], "--json"),
        (&["completions"], "--data-dir"),
        (&["manual"], "--data-dir"),
        (&["demo"], "--data-dir"),
    ] {
        assert!(!help_of(cmd).contains(flag), "{cmd:?} offers {flag}");
    }
    for cmd in [&["list"][..], &["status"], &["manual"]] {
        assert!(help_of(cmd).contains("--json"), "{cmd:?} lacks --json");
    }
    for args in [
        &["--json", "completions", "bash"][..],
        &["--data-dir", "/tmp/x", "completions", "bash"],
        &["--data-dir", "/tmp/x", "manual", "/tmp/x-man"],
    ] {
        let out = wiel_tests::wiel_command().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("does not go with"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} printed something");
    }
    // --kind: every kind for list, what search finds for search, none for questions.
    assert!(help_of(&["list"]).contains("key-rotation"));
    let search = help_of(&["search"]);
    assert!(
        search.contains("practice, story, question or answer"),
        "{search}"
    );
    assert!(!search.contains("key-rotation"), "{search}");
    assert!(!help_of(&["questions"]).contains("--kind"));
    // Every option says what it does.
    let publish = help_of(&["publish"]);
    assert!(
        publish.contains("--title <TITLE>\n          The title"),
        "{publish}"
    );
    // Themes: one list, the same everywhere.
    assert!(
        publish.contains("jeugdwet") && !publish.contains("jeugd,"),
        "{publish}"
    );
    assert!(help_of(&["search"]).contains("jeugdwet"));
    assert!(help_of(&["node"]).contains("--no-kademlia"));
}

#[test]
fn wiel_manual_writes_a_man_page_for_wiel_and_each_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = wiel_tests::wiel_command()
        .args(["manual", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (page, holds) in [
        ("wiel.1", ".TH wiel 1"),
        ("wiel-list.1", "\\-\\-limit"),
        ("wiel-key-rotate.1", ".TH wiel-key-rotate 1"),
        ("wiel-trust-add.1", ".SH NAME"),
        ("wiel-backup.1", "reservekopie"),
    ] {
        let text = std::fs::read_to_string(dir.path().join(page))
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        if page == "wiel-backup.1" {
            // In the reader's language: English here.
            assert!(text.contains("backup"), "{text}");
            assert!(!text.contains(holds), "{text}");
        } else {
            assert!(text.contains(holds), "{page}: {text}");
        }
    }
}

#[test]
fn a_command_that_needs_a_running_node_exits_3_without_one() {
    let node = wiel_tests::Node::init("Gemeente Zwolle", "GM0193");
    for args in [&["peers"][..], &["sync"][..]] {
        let r = node.run(args);
        assert_eq!(r.code, 3, "wiel {args:?}: {}", r.stderr);
        wiel_tests::expect_one_line_error(r, args);
    }
    // Other errors stay 1, wrong command lines 2.
    assert_eq!(node.run(&["show", "ffffffff"]).code, 1);
    assert_eq!(node.run(&["list", "--limit"]).code, 2);
}
