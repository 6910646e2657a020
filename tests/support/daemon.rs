//! A `wiel node` process for a test: started on a free port, waited for until its API
//! answers, stopped by SIGTERM (or killed when dropped).

use std::path::PathBuf;
use std::process::Command;

use crate::{Node, wait_for};

/// A running `wiel node` process on a [`Node`]'s data dir, on 127.0.0.1 with a random port.
/// Killed when dropped.
pub struct Daemon {
    pub child: std::process::Child,
    /// `/ip4/127.0.0.1/tcp/PORT/p2p/PEER`
    pub address: String,
    pub log: PathBuf,
    /// What it wrote on standard output (for whoever started it).
    pub out: PathBuf,
}

impl Daemon {
    /// Starts `wiel node` and waits until its API answers.
    pub fn start(node: &Node, bootstrap: &[&str]) -> Daemon {
        Self::start_with(node, bootstrap, &[])
    }

    /// Like [`Daemon::start`], with more flags for `wiel node`.
    pub fn start_with(node: &Node, bootstrap: &[&str], extra: &[&str]) -> Daemon {
        let filter = std::env::var("WIEL_TEST_LOG").unwrap_or_else(|_| "wiel_node=debug".into());
        Self::start_logged(node, bootstrap, extra, &filter)
    }

    /// Like [`Daemon::start_with`], logging with the `RUST_LOG` filter `log_filter`.
    pub fn start_logged(
        node: &Node,
        bootstrap: &[&str],
        extra: &[&str],
        log_filter: &str,
    ) -> Daemon {
        let log = node.path().join(format!("node-{}.log", std::process::id()));
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let mut cmd = node.command(&[
            "node",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--no-mdns",
            "--heartbeat-ms",
            "100",
        ]);
        for b in bootstrap {
            cmd.args(["--bootstrap", b]);
        }
        cmd.args(extra);
        let out = node.path().join(format!("node-{}.out", std::process::id()));
        let out_file = std::fs::File::create(&out).unwrap();
        let child = cmd
            .env("RUST_LOG", log_filter)
            .stdout(out_file)
            .stderr(log_file)
            .spawn()
            .expect("start wiel node");
        let mut daemon = Daemon {
            child,
            address: String::new(),
            log,
            out,
        };
        daemon.address = wait_for("the node's API", std::time::Duration::from_secs(30), || {
            if let Ok(Some(status)) = daemon.child.try_wait() {
                panic!("wiel node exited with {status}: {}", daemon.log_text());
            }
            // The node writes api.json (with its pid) once its API listens.
            let endpoint: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(node.path().join("api.json")).ok()?)
                    .ok()?;
            if endpoint["pid"].as_u64()? != u64::from(daemon.child.id()) {
                return None;
            }
            let r = node.run(&["--json", "status"]);
            if r.code != 0 {
                return None;
            }
            let v: serde_json::Value = serde_json::from_str(&r.stdout).ok()?;
            let net = v.get("network")?.as_object()?;
            let listen = net.get("listening")?.as_array()?.iter().find_map(|l| {
                let l = l.as_str()?;
                l.contains("/tcp/").then(|| l.to_owned())
            })?;
            Some(format!("{listen}/p2p/{}", net.get("peer_id")?.as_str()?))
        });
        daemon
    }

    /// What the node said on standard output so far.
    pub fn said(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, and wait for a clean exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let status = wait_for(
            "the node to stop",
            std::time::Duration::from_secs(20),
            || self.child.try_wait().ok().flatten(),
        );
        std::mem::forget(self);
        status
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::forget(self);
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The states a node told systemd on `socket` (its `NOTIFY_SOCKET`, read with a timeout)
/// until `until` holds of one; panics after a minute without it.
pub fn wait_for_notify(
    socket: &std::os::unix::net::UnixDatagram,
    until: impl Fn(&str) -> bool,
) -> Vec<String> {
    let started = std::time::Instant::now();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while started.elapsed() < std::time::Duration::from_secs(60) {
        if let Ok(n) = socket.recv(&mut buf) {
            let state = String::from_utf8_lossy(&buf[..n]).into_owned();
            let done = until(&state);
            seen.push(state);
            if done {
                return seen;
            }
        }
    }
    panic!("the node never said it: {seen:?}");
}
