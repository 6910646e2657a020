//! Nodes behind NAT, on a small internet in network namespaces (`tests/netlab/netlab`): a
//! public seed that relays, and municipalities behind routers that let nothing in. Needs
//! root, iproute2 and nftables (`.ci/run` installs them); where namespaces cannot be made
//! the test says so in one line and fails, unless WIEL_SKIP_NETNS=1 says to skip it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use wiel_tests::{Node, practice_md, wait_for, wiel_bin};

const TIMEOUT: Duration = Duration::from_secs(90);
const SEED_ADDRESS: &str = "203.0.113.10";

fn netlab() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/netlab/netlab")
}

/// The lab, removed when dropped.
struct Lab {
    prefix: String,
}

impl Lab {
    /// `None` when the machine cannot make namespaces and WIEL_SKIP_NETNS=1 says to skip.
    fn up() -> Option<Lab> {
        let prefix = format!("w{}", std::process::id() % 100_000);
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

    fn ns(&self, host: &str) -> String {
        format!("{}-{host}", self.prefix)
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

/// A node living in one of the lab's hosts.
struct Host {
    node: Node,
    ns: String,
    child: Option<Child>,
}

impl Host {
    fn new(lab: &Lab, host: &str, name: &str, code: &str) -> Host {
        Host {
            node: Node::init_with_trust(name, code, "open"),
            ns: lab.ns(host),
            child: None,
        }
    }

    /// `wiel` in this host's namespace, in English.
    fn wiel(&self, args: &[&str]) -> Command {
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

    fn ok(&self, args: &[&str]) -> String {
        let out = self.wiel(args).output().unwrap();
        assert!(
            out.status.success(),
            "wiel {args:?} in {}: {}",
            self.ns,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn start(&mut self, extra: &[&str]) {
        let log = std::fs::File::create(self.node.path().join("node.log")).unwrap();
        let mut args = vec![
            "node",
            "--listen",
            "/ip4/0.0.0.0/tcp/4001",
            "--listen",
            "/ip4/0.0.0.0/udp/4001/quic-v1",
            "--no-mdns",
            "--heartbeat-ms",
            "200",
        ];
        args.extend_from_slice(extra);
        let child = self
            .wiel(&args)
            .env(
                "RUST_LOG",
                "wiel_node=debug,libp2p_dcutr=debug,libp2p_relay=debug",
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

    fn peer_id(&self) -> String {
        let api: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(self.node.path().join("api.json")).unwrap(),
        )
        .unwrap();
        api["peer_id"].as_str().unwrap().to_owned()
    }

    fn peers(&self) -> Vec<serde_json::Value> {
        serde_json::from_str::<serde_json::Value>(&self.ok(&["--json", "peers"]))
            .unwrap()
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Publishes a good practice: its id.
    fn publish(&self, title: &str, text: &str) -> String {
        let file = self.node.path().join("entry.md");
        std::fs::write(&file, practice_md(title, text)).unwrap();
        let published: serde_json::Value =
            serde_json::from_str(&self.ok(&["--json", "publish", file.to_str().unwrap()])).unwrap();
        published["id"].as_str().unwrap().to_owned()
    }

    fn has(&self, id: &str) -> bool {
        self.wiel(&["--json", "show", id])
            .output()
            .unwrap()
            .status
            .success()
    }

    fn log(&self) -> String {
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

#[test]
fn municipalities_behind_nat_meet_through_a_seed_punch_holes_and_keep_going_without_it() {
    let Some(lab) = Lab::up() else { return };
    let mut seed = Host::new(&lab, "seed", "Gemeente Deventer", "GM0150");
    seed.start(&["--seed"]);
    let bootstrap = format!("/ip4/{SEED_ADDRESS}/tcp/4001/p2p/{}", seed.peer_id());
    let mut a = Host::new(&lab, "a", "Gemeente Zwolle", "GM0193");
    let mut b = Host::new(&lab, "b", "Gemeente Kampen", "GM0166");
    a.start(&["--bootstrap", &bootstrap]);
    b.start(&["--bootstrap", &bootstrap]);
    let (ida, idb) = (a.peer_id(), b.peer_id());

    // A finds B through the seed, reaches it through the relay, and the punch makes the
    // connection direct.
    let direct = |from: &Host, to: &str| {
        from.peers()
            .iter()
            .any(|p| p["peer_id"] == to && p["relayed"] == false)
    };
    wait_for("A and B connected directly", TIMEOUT, || {
        (direct(&a, &idb) || direct(&b, &ida)).then_some(())
    });
    assert!(
        a.log().contains("hole punched") || b.log().contains("hole punched"),
        "A:\n{}\nB:\n{}",
        a.log(),
        b.log()
    );

    // An entry published on A reaches B.
    let id = a.publish(
        "Samen inkopen over de grens",
        "Zwolle en Kampen kochten samen in.",
    );
    wait_for("the entry on B", TIMEOUT, || b.has(&id).then_some(()));

    // Behind the NAT that picks random ports, the punch fails: C stays reachable through
    // the relay, and what it publishes reaches the others.
    let mut c = Host::new(&lab, "c", "Gemeente Dalfsen", "GM0148");
    c.start(&["--bootstrap", &bootstrap]);
    let idc = c.peer_id();
    let relayed = |from: &Host, to: &str| {
        from.peers()
            .iter()
            .any(|p| p["peer_id"] == to && p["relayed"] == true)
    };
    wait_for("C reached through the relay", TIMEOUT, || {
        (relayed(&c, &ida) || relayed(&a, &idc) || relayed(&c, &idb) || relayed(&b, &idc))
            .then_some(())
    });
    wait_for("a failed punch with C", TIMEOUT, || {
        [&a, &b, &c]
            .iter()
            .any(|h| h.log().contains("hole punching failed"))
            .then_some(())
    });
    assert!(
        !direct(&c, &ida) && !direct(&c, &idb),
        "C is behind a random-port NAT: {:?}\n{}",
        c.peers(),
        c.log()
            .lines()
            .filter(|l| l.contains("punch") || l.contains("Connection established"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let from_c = c.publish("Dalfsen doet mee", "Wij kopen de volgende ronde mee in.");
    wait_for("C's entry on A and B", TIMEOUT, || {
        (a.has(&from_c) && b.has(&from_c)).then_some(())
    });

    // The seed goes down: A and B keep their direct connection and keep exchanging.
    drop(seed);
    let later = b.publish("Na de seed", "Kampen en Zwolle houden contact zonder seed.");
    wait_for("B's entry on A without the seed", TIMEOUT, || {
        a.has(&later).then_some(())
    });
    assert!(direct(&a, &idb) || direct(&b, &ida));
}
