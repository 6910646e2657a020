//! `wiel node` as a systemd service: the unit in `packaging/` passes `systemd-analyze
//! verify`, and the node run as the unit runs it says READY=1 once it listens, WATCHDOG=1
//! while it is alive, and STOPPING=1 when it stops (no systemd as process 1 is needed: the
//! test is the notify socket); SIGHUP reads the trust settings again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::net::UnixDatagram;
use std::time::Duration;
use wiel_node::view::TrustReport;

use wiel_tests::{Node, wiel_bin};

fn unit() -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging/wiel-node.service");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_unit_file_passes_systemd_analyze_verify() {
    let dir = tempfile::tempdir().unwrap();
    // As installed, with the binary where this build put it.
    let text = unit().replace("/usr/bin/wiel", wiel_bin().to_str().unwrap());
    let path = dir.path().join("wiel-node.service");
    std::fs::write(&path, text).unwrap();
    let out = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze (Debian's systemd package; .ci/run installs it)");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
    // The hardening the issue asks for is there.
    for line in [
        "Type=notify",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=\n",
        "ReadWritePaths=/var/lib/wiel",
        "WatchdogSec=",
    ] {
        assert!(unit().contains(line), "{line}");
    }
}

#[test]
fn the_node_tells_systemd_it_is_ready_alive_and_stopping() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let socket_path = node.path().join("notify");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut child = node
        .command(&["node", "--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"])
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "1000000")
        .env_remove("WATCHDOG_PID")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let seen = wiel_tests::wait_for_notify(&socket, |s| s.starts_with("READY=1"));
    assert!(
        seen.last()
            .unwrap()
            .contains("STATUS=listening on /ip4/127.0.0.1/tcp/")
    );
    wiel_tests::wait_for_notify(&socket, |s| s == "WATCHDOG=1");
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    wiel_tests::wait_for_notify(&socket, |s| s == "STOPPING=1");
    assert!(child.wait().unwrap().success());
}

#[test]
fn sighup_reads_the_trust_settings_again_and_a_mistake_changes_nothing() {
    let node = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let kampen = wiel_protocol::testing::key(31).public().to_string();
    let daemon = wiel_tests::Daemon::start(&node, &[]);
    let roots = |node: &Node| -> Vec<String> {
        let report: TrustReport = node.json(&["trust", "list"]);
        report.roots.iter().map(|r| r.key.to_hex()).collect()
    };
    assert!(!roots(&node).contains(&kampen));
    let hangup = || {
        std::process::Command::new("kill")
            .args(["-HUP", &daemon.child.id().to_string()])
            .status()
            .unwrap()
    };
    // A mistake first: the node goes on as it was, and says why in its log.
    node.set_config_line("roots = []", "roots = [\"geen sleutel\"]");
    hangup();
    wiel_tests::wait_for(
        "the node to report the mistake",
        Duration::from_secs(30),
        || {
            daemon
                .log_text()
                .contains("config.toml not read again")
                .then_some(())
        },
    );
    assert!(!roots(&node).contains(&kampen));
    node.set_config_line(
        "roots = [\"geen sleutel\"]",
        &format!("roots = [\"{kampen}\"]"),
    );
    hangup();
    wiel_tests::wait_for("the new root", Duration::from_secs(30), || {
        roots(&node).contains(&kampen).then_some(())
    });
    assert!(daemon.stop().success());
}

#[test]
fn with_log_format_json_every_log_line_is_a_json_object_with_its_fields() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let daemon =
        wiel_tests::Daemon::start_logged(&node, &[], &["--log-format", "json"], "wiel_node=info");
    assert!(daemon.stop().success());
    let log = std::fs::read_to_string(node.path().join(format!("node-{}.log", std::process::id())))
        .unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let running = lines
        .iter()
        .find(|l| l["fields"]["message"] == "node running")
        .unwrap_or_else(|| panic!("{log}"));
    assert_eq!(running["level"], "INFO");
    assert!(
        running["fields"]["peer_id"]
            .as_str()
            .unwrap()
            .starts_with("12D3KooW")
    );
}

/// One message of journald's native protocol: `KEY=value` lines, or `KEY`, a newline,
/// the value's length as 8 bytes little-endian, the value and a newline.
fn journal_fields(mut data: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut fields = std::collections::BTreeMap::new();
    while let Some(end) = data.iter().position(|&b| b == b'\n' || b == b'=') {
        let key = String::from_utf8_lossy(&data[..end]).into_owned();
        if data[end] == b'=' {
            let rest = &data[end + 1..];
            let stop = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            fields.insert(key, String::from_utf8_lossy(&rest[..stop]).into_owned());
            data = rest.get(stop + 1..).unwrap_or_default();
        } else {
            let rest = &data[end + 1..];
            let len = u64::from_le_bytes(rest[..8].try_into().unwrap()) as usize;
            let value = &rest[8..8 + len];
            fields.insert(key, String::from_utf8_lossy(value).into_owned());
            data = rest.get(8 + len + 1..).unwrap_or_default();
        }
    }
    fields
}

/// Reads messages from the journal socket until one has `message`; that one's fields.
fn journal_until(
    socket: &UnixDatagram,
    message: &str,
) -> std::collections::BTreeMap<String, String> {
    let mut seen = Vec::new();
    let mut buf = vec![0u8; 65536];
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let Ok(n) = socket.recv(&mut buf) else {
            continue;
        };
        let fields = journal_fields(&buf[..n]);
        if fields.get("MESSAGE").is_some_and(|m| m == message) {
            return fields;
        }
        seen.push(fields);
    }
    panic!("the journal never heard {message}: {seen:#?}");
}

#[test]
fn run_as_a_service_the_node_logs_to_the_journal_with_its_fields() {
    // The journal is a socket this test listens on, put where journald's is
    // (/run/systemd/journal/socket) in a mount namespace of the node's own (as root).
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let run = tempfile::tempdir().unwrap();
    std::fs::create_dir(run.path().join("journal")).unwrap();
    let socket = UnixDatagram::bind(run.path().join("journal/socket")).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    // systemd gives a service's stderr to the journal and says so in JOURNAL_STREAM:
    // the node then logs to the journal by itself, fields and all.
    let stderr_path = run.path().join("stderr");
    let stderr = std::fs::File::create(&stderr_path).unwrap();
    let meta = std::os::unix::fs::MetadataExt::dev(&stderr.metadata().unwrap());
    let inode = std::os::unix::fs::MetadataExt::ino(&stderr.metadata().unwrap());
    let script = format!(
        "mkdir -p /run/systemd && mount --bind {} /run/systemd && exec \"$@\"",
        run.path().display()
    );
    let mut child = std::process::Command::new("unshare")
        .args(["--mount", "sh", "-c", &script, "sh"])
        .arg(wiel_bin())
        .arg("--data-dir")
        .arg(node.path())
        .args([
            "node",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--no-kademlia",
            "--no-mdns",
        ])
        .env("JOURNAL_STREAM", format!("{meta}:{inode}"))
        .env("RUST_LOG", "wiel_node=info")
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("unshare (util-linux; .ci/run installs it)");
    let running = journal_until(&socket, "node running");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(running["SYSLOG_IDENTIFIER"], "wiel", "{running:?}");
    assert!(
        running["WIEL_PEER_ID"].starts_with("12D3KooW"),
        "{running:?}"
    );
    assert!(running["WIEL_API"].starts_with("127.0.0.1:"), "{running:?}");
    assert!(running.contains_key("PRIORITY"), "{running:?}");
    let on_stderr = std::fs::read_to_string(&stderr_path).unwrap();
    assert!(
        !on_stderr.contains("node running"),
        "logged twice: {on_stderr}"
    );
}

fn monitoring() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging/monitoring")
}

#[test]
fn the_alert_rules_fire_when_they_should_and_name_only_metrics_the_node_exposes() {
    // promtool (Debian's prometheus package; .ci/run installs it) checks the rules and runs
    // their unit tests: each alert fires when it should, and not before.
    for args in [
        &["check", "rules", "wiel-alerts.yml"][..],
        &["test", "rules", "wiel-alerts.test.yml"][..],
    ] {
        let out = std::process::Command::new("promtool")
            .args(args)
            .current_dir(monitoring())
            .output()
            .expect("promtool");
        assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Every metric the rules and the dashboard name is one the node exposes.
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let address = format!("127.0.0.1:{}", wiel_tests::free_port());
    let daemon = wiel_tests::Daemon::start_with(&node, &[], &["--metrics", &address]);
    let exposed = {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "GET /metrics HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).unwrap();
        out
    };
    assert!(daemon.stop().success());
    let families: Vec<&str> = exposed
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let mut named = Vec::new();
    for file in ["wiel-alerts.yml", "wiel-dashboard.json"] {
        let text = std::fs::read_to_string(monitoring().join(file)).unwrap();
        for (i, _) in text.match_indices("wiel_") {
            let name: String = text[i..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            named.push((file, name));
        }
    }
    assert!(named.len() > 10, "{named:?}");
    for (file, name) in named {
        let family = name.strip_suffix("_total").unwrap_or(&name);
        assert!(
            families.contains(&family),
            "{file} names {name}, which the node does not expose: {families:?}"
        );
    }
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(monitoring().join("wiel-dashboard.json")).unwrap(),
    )
    .unwrap();
    assert!(dashboard["panels"].as_array().unwrap().len() >= 6);
}
