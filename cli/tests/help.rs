//! The binary starts and explains itself. (Also makes `cargo test` build the `wiel` binary
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! that the workspace tests in `tests/` run.)

use std::process::Command;

#[test]
fn help_lists_the_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_wiel"))
        .arg("--help")
        .output()
        .unwrap();
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
    let out = Command::new(env!("CARGO_BIN_EXE_wiel"))
        .arg("frobnicate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
