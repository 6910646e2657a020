//! Operations figures of the "run it for years" issue, on a store of 100 000 entries: a
//! cold start of `wiel node` until it answers `wiel status`, the node's RSS once started,
//! and the time `wiel backup` and `wiel restore` take.
//!
//! Run: `cargo bench --bench operations` (env WIEL_BENCH_N to change the count).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 3;

fn wiel(bin: &Path, dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(bin)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "wiel {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Starts `wiel node` on `dir`; returns it once `wiel status` answers with the network up,
/// with the time that took. The caller stops it ([`stop`]).
#[allow(clippy::zombie_processes)]
fn cold_start(bin: &Path, dir: &Path) -> (std::process::Child, Duration) {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .arg("--data-dir")
        .arg(dir)
        .args([
            "node",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--no-mdns",
            "--no-kademlia",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Only once the node's API is up (its api.json names its pid): before that, `wiel
    // status` would open the store itself and hold it while the node waits for it.
    let api = dir.join("api.json");
    loop {
        let up = std::fs::read_to_string(&api)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .is_some_and(|v| v["pid"].as_u64() == Some(u64::from(child.id())));
        if !up {
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the node never started");
            }
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let out = Command::new(bin)
            .arg("--data-dir")
            .arg(dir)
            .args(["--json", "status"])
            .output()
            .unwrap();
        if out.status.success() {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            if v["network"]["peer_id"].is_string() {
                return (child, started.elapsed());
            }
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the node never answered");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stop(child: &mut std::process::Child) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap();
}

fn main() {
    let n = wiel_tests::env_number("WIEL_BENCH_N", 100_000);
    let bin = wiel_tests::wiel_bin();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("node");
    wiel_tests::bench_data_dir(&dir, n);
    // The first start builds the search index; the figure is a restart of a node that has
    // run before.
    let (mut first, _) = cold_start(bin, &dir);
    let index_ready = Instant::now();
    while index_ready.elapsed() < Duration::from_secs(600) {
        let out = wiel(bin, &dir, &["--json", "status"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        if v["search"]["documents"].is_u64() && v["search"]["waiting"].as_u64() == Some(0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    stop(&mut first);
    let mut starts = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..RUNS {
        let (mut child, took) = cold_start(bin, &dir);
        starts.push(took);
        std::thread::sleep(Duration::from_secs(5));
        rss.push(wiel_tests::rss_kib(child.id()));
        stop(&mut child);
    }
    starts.sort();
    rss.sort();
    println!(
        "cold start until wiel status answers   {:>7.0} – {:>7.0} ms   ({RUNS} restarts, {n} entries; goal ≤ 2 s)",
        starts[0].as_secs_f64() * 1e3,
        starts[RUNS - 1].as_secs_f64() * 1e3,
    );
    println!(
        "RSS 5 s after start                     {:>7.1} – {:>7.1} MiB  (goal ≤ 100 MB)",
        rss[0] as f64 / 1024.0,
        rss[RUNS - 1] as f64 / 1024.0,
    );
    let file = work.path().join("backup.wiel");
    let t = Instant::now();
    wiel(bin, &dir, &["backup", file.to_str().unwrap()]);
    let backup = t.elapsed();
    let size = std::fs::metadata(&file).unwrap().len();
    let restored = work.path().join("restored");
    let t = Instant::now();
    wiel(bin, &restored, &["restore", file.to_str().unwrap()]);
    let restore = t.elapsed();
    println!(
        "wiel backup                             {:>7.1} s   ({:.0} MiB for {n} entries)",
        backup.as_secs_f64(),
        size as f64 / (1024.0 * 1024.0)
    );
    println!(
        "wiel restore                            {:>7.1} s   (every entry verified again)",
        restore.as_secs_f64()
    );
}
