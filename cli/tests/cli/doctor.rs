//! `wiel doctor` on this machine (the NAT tests ask it behind NATs): a node that does not
//! run, a broken configuration, a bad bootstrap domain, and a running node with a peer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_node::doctor::{Check, DoctorReport, Health};
use wiel_node::reports::ConfigCheck;
use wiel_node::wire::PeerEntry;
use wiel_tests::{Daemon, Node, expect_one_line_error, wait_for};

const NO_KAD: &[&str] = &["--no-kademlia"];

fn report(node: &Node) -> (i32, DoctorReport) {
    let r = node.run(&["--json", "doctor"]);
    (r.code, serde_json::from_str(&r.stdout).unwrap())
}

fn health(report: &DoctorReport, check: Check) -> Option<Health> {
    report
        .findings
        .iter()
        .find(|f| f.check == check)
        .map(|f| f.health)
}

#[test]
fn a_node_that_does_not_run_is_a_problem_and_exit_code_1() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let (code, report) = report(&node);
    assert_eq!(code, 1);
    assert!(!report.healthy);
    assert_eq!(health(&report, Check::Node), Some(Health::Fail));
    assert_eq!(health(&report, Check::Store), Some(Health::Ok));
    assert_eq!(health(&report, Check::Disk), Some(Health::Ok));
    // The text says it in one line per finding, and ends with one error line.
    let r = node.run(&["doctor"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("wiel node"), "{}", r.stdout);
    expect_one_line_error(r, &["doctor"]);
}

#[test]
fn a_broken_configuration_is_named_with_its_line_and_nothing_is_touched() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let before = node.ids();
    node.set_config_line("mdns = true", "mdns = tru");
    let (code, report) = report(&node);
    assert_eq!(code, 1);
    let findings = &report.findings;
    assert_eq!(findings.len(), 1, "{report:?}");
    assert_eq!(findings[0].check, Check::Config);
    assert!(findings[0].message.contains("line"), "{report:?}");
    node.set_config_line("mdns = tru", "mdns = true");
    assert_eq!(node.ids(), before);
}

#[test]
fn a_bootstrap_domain_that_is_no_domain_is_refused_in_one_line() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let before = node.ids();
    node.set_config_line(
        "bootstrap_dns = []",
        "bootstrap_dns = [\"seeds example.nl\"]",
    );
    for args in [&["status"][..], &["node", "--no-mdns"][..]] {
        let err = expect_one_line_error(node.run(args), args);
        assert!(
            err.contains("bootstrap_dns") && err.contains("seeds example.nl"),
            "{err}"
        );
    }
    node.set_config_line(
        "bootstrap_dns = [\"seeds example.nl\"]",
        "bootstrap_dns = []",
    );
    assert_eq!(node.ids(), before);
}

#[test]
fn a_running_node_with_a_peer_is_healthy_and_its_peer_told_its_clock() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let _db = Daemon::start_with(&b, &[&da.address], NO_KAD);
    wait_for(
        "B's clock offset on A",
        std::time::Duration::from_secs(30),
        || {
            let peers: Vec<PeerEntry> =
                serde_json::from_str(&a.run(&["--json", "peers"]).stdout).unwrap();
            peers
                .iter()
                .any(|p| p.peer.clock_offset_ms.is_some_and(|o| o.abs() < 5_000))
                .then_some(())
        },
    );
    let (code, report) = report(&a);
    assert_eq!(code, 0, "{report:?}");
    assert!(report.healthy);
    assert_eq!(health(&report, Check::Node), Some(Health::Ok));
    assert_eq!(health(&report, Check::Peers), Some(Health::Ok));
    // One peer is too few to judge a clock by: a note, not a verdict.
    assert_eq!(health(&report, Check::Clock), Some(Health::Note));
}

#[test]
fn config_check_says_in_order_or_names_the_line_of_a_mistake() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let ok = node.dutch(&["config", "check"]);
    assert!(ok.contains("config.toml is in orde."), "{ok}");
    let config = node.path().join("config.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{good}\nspaces = [\n")).unwrap();
    let args = ["config", "check"];
    let err = expect_one_line_error(node.run(&args), &args);
    assert!(
        err.contains("config.toml") && err.contains("line "),
        "{err}"
    );
    let r = node.run(&["--json", "config", "check"]);
    assert_eq!(r.code, 1);
    let v: ConfigCheck = serde_json::from_str(&r.stdout).unwrap();
    assert!(!v.valid);
    assert!(v.problem.as_deref().unwrap().contains("line "), "{v:?}");
    // Checking changes nothing.
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        format!("{good}\nspaces = [\n")
    );
}

#[test]
fn completions_for_each_shell_name_the_commands() {
    // No data directory: completions use no node (and refuse --data-dir).
    let run = |shell: &str| {
        wiel_tests::wiel_command()
            .args(["completions", shell])
            .output()
            .unwrap()
    };
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(shell);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for command in ["publish", "search", "doctor", "trust"] {
            assert!(script.contains(command), "{shell}: {command} missing");
        }
    }
    let out = run("tcsh");
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_mistake_in_config_toml_is_told_in_plain_words_with_its_line() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let config = node.path().join("config.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    let line = good.lines().count() + 2;
    std::fs::write(&config, format!("{good}\n[web]\nmnds = true\n")).unwrap();
    let out = node
        .command(&["config", "check"])
        .env("LANG", "nl_NL.UTF-8")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("regel {}", line + 1))
            && err.contains("'mnds' kent wiel hier niet")
            && !err.contains("unknown field"),
        "{err}"
    );
    // A folder that cannot be made, in plain words too.
    let init = wiel_tests::wiel_command()
        .args([
            "--data-dir",
            "/proc/wiel-kan-hier-niet",
            "init",
            "--name",
            "Gemeente Test",
            "--code",
            "GM0999",
        ])
        .env("LANG", "nl_NL.UTF-8")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&init.stderr);
    assert_ne!(init.status.code(), Some(0));
    assert!(
        err.contains("/proc/wiel-kan-hier-niet") && !err.contains("os error"),
        "{err}"
    );
}
