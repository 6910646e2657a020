//! A small internet in network namespaces (`tests/netlab/netlab`) with `wiel` nodes in
//! its hosts: for the NAT tests and the hole-punching benchmark. Needs root, iproute2 and
//! nftables.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{Node, practice_md, wait_for, wiel_bin};

pub const TIMEOUT: Duration = Duration::from_secs(90);
pub const SEED_ADDRESS: &str = "203.0.113.10";
/// How long a node may take to notice that a killed peer is gone: over QUIC no packet
/// says so, and it holds the connection for its idle timeout (more on a busy machine).
pub const LET_GO: Duration = Duration::from_secs(60);

fn netlab() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/netlab/netlab")
}

/// The lab, removed when dropped.
pub struct Lab {
    prefix: String,
}

impl Lab {
    /// `None` when the machine cannot make namespaces and WIEL_SKIP_NETNS=1 says to skip.
    pub fn up() -> Option<Lab> {
        // Namespaces of this process, one set per lab (tests run side by side): at most six
        // characters.
        static LABS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = LABS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 10;
        let prefix = format!("w{}{n}", std::process::id() % 10_000);
        let made = Command::new("bash")
            .arg(netlab())
            .args(["up", &prefix])
            .output()
            .expect("bash runs tests/netlab/netlab");
        if !made.status.success() {
            let why = String::from_utf8_lossy(&made.stderr);
            let _ = Command::new("bash")
                .arg(netlab())
                .args(["down", &prefix])
                .status();
            if std::env::var("WIEL_SKIP_NETNS").is_ok_and(|v| v == "1") {
                eprintln!(
                    "skipped: cannot make network namespaces here: {}",
                    why.trim()
                );
                return None;
            }
            panic!(
                "cannot make network namespaces (needs root, iproute2 and nftables; WIEL_SKIP_NETNS=1 skips): {}",
                why.trim()
            );
        }
        Some(Lab { prefix })
    }

    pub fn ns(&self, host: &str) -> String {
        format!("{}-{host}", self.prefix)
    }

    /// `host` asks `server` for names from now on.
    pub fn use_dns(&self, host: &str, server: &str) {
        let done = Command::new("bash")
            .arg(netlab())
            .args(["dns", &self.prefix, host, server])
            .status()
            .unwrap();
        assert!(done.success());
    }

    /// A DNS server on `host` that answers TXT questions for `name` with `texts` (see
    /// `tests/netlab/dns-txt.mjs`); stopped when dropped.
    pub fn dns_server(&self, host: &str, name: &str, texts: &[String]) -> ChildGuard {
        let mut child = Command::new("ip")
            .args(["netns", "exec", &self.ns(host), "node"])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/netlab/dns-txt.mjs"))
            .arg(name)
            .args(texts)
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs tests/netlab/dns-txt.mjs");
        let mut first = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut first,
        )
        .unwrap();
        assert_eq!(first.trim(), "listening");
        ChildGuard(child)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(netlab())
            .args(["down", &self.prefix])
            .status();
    }
}

/// A process killed when dropped.
pub struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A node living in one of the lab's hosts.
pub struct Host {
    pub node: Node,
    pub ns: String,
    child: Option<Child>,
}

impl Host {
    pub fn new(lab: &Lab, host: &str, name: &str, code: &str) -> Host {
        Self::with_trust(lab, host, name, code, "open")
    }

    /// A host whose node trusts as `mode` says (`open`, `web-of-trust`, `closed`).
    pub fn with_trust(lab: &Lab, host: &str, name: &str, code: &str, mode: &str) -> Host {
        Host {
            node: Node::init_with_trust(name, code, mode),
            ns: lab.ns(host),
            child: None,
        }
    }

    /// `wiel` in this host's namespace, in English.
    pub fn wiel(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.ns])
            .arg(wiel_bin())
            .arg("--data-dir")
            .arg(self.node.path())
            .args(args)
            .env("LANG", "en_GB.UTF-8")
            .env_remove("LC_ALL");
        cmd
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.wiel(args).output().unwrap();
        assert!(
            out.status.success(),
            "wiel {args:?} in {}: {}",
            self.ns,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn start(&mut self, extra: &[&str]) {
        self.start_at(4001, extra);
    }

    /// Starts its node listening on `port` (several nodes in one host).
    pub fn start_at(&mut self, port: u16, extra: &[&str]) {
        let log = std::fs::File::create(self.node.path().join("node.log")).unwrap();
        let tcp = format!("/ip4/0.0.0.0/tcp/{port}");
        let quic = format!("/ip4/0.0.0.0/udp/{port}/quic-v1");
        let mut args = vec![
            "node",
            "--listen",
            &tcp,
            "--listen",
            &quic,
            "--no-mdns",
            "--heartbeat-ms",
            "200",
        ];
        args.extend_from_slice(extra);
        let child = self
            .wiel(&args)
            .env(
                "RUST_LOG",
                "wiel_node=debug,libp2p_dcutr=debug,libp2p_relay=debug,libp2p_autonat=debug,libp2p_swarm=debug,libp2p_tcp=debug",
            )
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        wait_for("the node's API", TIMEOUT, || {
            self.node.path().join("api.json").exists().then_some(())
        });
    }

    /// The TCP sockets of its host and what its NAT router keeps of the connections
    /// through it (`ss`, conntrack): for the message of a test that failed.
    pub fn network_state(&self) -> String {
        let run = |ns: &str, args: &[&str]| {
            Command::new("ip")
                .args(["netns", "exec", ns])
                .args(args)
                .output()
                .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
                .unwrap_or_default()
        };
        let router = match self.ns.rsplit_once('-') {
            Some((prefix, host)) => format!("{prefix}-r{host}"),
            None => String::new(),
        };
        format!(
            "sockets of {}:\n{}\nconnections through {router}:\n{}",
            self.ns,
            run(&self.ns, &["ss", "-tan"]),
            run(&router, &["cat", "/proc/net/nf_conntrack"])
        )
    }

    /// CPU time its node used so far (user and system), from /proc.
    pub fn cpu_time(&self) -> Duration {
        crate::cpu_time_of(self.child.as_ref().expect("the node runs").id())
    }

    /// Bytes received and sent on its host's link to the internet (`wan`).
    pub fn wan_bytes(&self) -> (u64, u64) {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.ns, "cat", "/proc/net/dev"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("wan:"))
            .expect("a host on the internet has wan");
        let fields: Vec<u64> = line
            .split(':')
            .nth(1)
            .unwrap()
            .split_whitespace()
            .map(|f| f.parse().unwrap())
            .collect();
        (fields[0], fields[8])
    }

    pub fn peer_id(&self) -> String {
        let api: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(self.node.path().join("api.json")).unwrap(),
        )
        .unwrap();
        api["peer_id"].as_str().unwrap().to_owned()
    }

    pub fn peers(&self) -> Vec<serde_json::Value> {
        serde_json::from_str::<serde_json::Value>(&self.ok(&["--json", "peers"]))
            .unwrap()
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Publishes a good practice: its id.
    pub fn publish(&self, title: &str, text: &str) -> String {
        let file = self.node.path().join("entry.md");
        std::fs::write(&file, practice_md(title, text)).unwrap();
        let published: serde_json::Value =
            serde_json::from_str(&self.ok(&["--json", "publish", file.to_str().unwrap()])).unwrap();
        published["id"].as_str().unwrap().to_owned()
    }

    pub fn has(&self, id: &str) -> bool {
        self.wiel(&["--json", "show", id])
            .output()
            .unwrap()
            .status
            .success()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.node.path().join("node.log")).unwrap_or_default()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Host {
    /// Stops its node (killed, as a power cut would).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(self.node.path().join("api.json"));
    }

    /// `wiel doctor --json`: whether it found no problem, and each finding's check, health
    /// and message.
    pub fn doctor(&self) -> (bool, Vec<(String, String, String)>) {
        let out = self.wiel(&["--json", "doctor"]).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let findings = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let field = |name: &str| f[name].as_str().unwrap().to_owned();
                (field("check"), field("health"), field("message"))
            })
            .collect();
        assert_eq!(out.status.success(), report["healthy"] == true);
        (out.status.success(), findings)
    }

    /// The health `wiel doctor` gives `check`, with its message.
    pub fn doctor_says(&self, check: &str) -> Option<(String, String)> {
        self.doctor()
            .1
            .into_iter()
            .find(|(c, _, _)| c == check)
            .map(|(_, health, message)| (health, message))
    }

    /// Per followed space: its name, entry count and fingerprint.
    pub fn fingerprints(&self) -> Vec<(String, u64, String)> {
        crate::fingerprints_in(&serde_json::from_str(&self.ok(&["--json", "status"])).unwrap())
    }

    /// Whether its node reaches `peer` without a relay.
    pub fn direct_to(&self, peer: &str) -> bool {
        self.peers()
            .iter()
            .any(|p| p["peer_id"] == peer && p["relayed"] == false)
    }

    /// Waits until its node no longer lists `peer` (killed: see [`LET_GO`]).
    pub fn until_let_go_of(&self, peer: &str) {
        wait_for("a node to let go of a killed peer", LET_GO, || {
            (!self.peers().iter().any(|p| p["peer_id"] == peer)).then_some(())
        });
    }

    /// Whether its node reaches `peer` only through a relay.
    pub fn relayed_to(&self, peer: &str) -> bool {
        self.peers()
            .iter()
            .any(|p| p["peer_id"] == peer && p["relayed"] == true)
    }
}
