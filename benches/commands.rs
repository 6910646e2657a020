//! Whole-command figure of the foundation issue: `wiel show` and `wiel list` on a store with
//! 100 000 entries, timed as a user sees them (process start to exit).
//!
//! Run: `cargo bench --bench commands` (env WIEL_BENCH_N to change the count).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 50;

/// One untimed run (the first after filling the store reads it from disk), then `RUNS`.
fn time(bin: &std::path::Path, dir: &std::path::Path, args: &[&str]) -> (Duration, Vec<Duration>) {
    let mut times = Vec::with_capacity(RUNS + 1);
    for _ in 0..=RUNS {
        let t = Instant::now();
        let out = Command::new(bin)
            .arg("--data-dir")
            .arg(dir)
            .args(args)
            .output()
            .unwrap();
        times.push(t.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let first = times.remove(0);
    times.sort();
    (first, times)
}

fn main() {
    let n = wiel_tests::env_number("WIEL_BENCH_N", 100_000);
    let bin = wiel_tests::wiel_bin();
    let dir = tempfile::tempdir().unwrap();
    // WIEL_BENCH_KEEP=PATH keeps a copy of the filled data dir for profiling.
    let keep = std::env::var_os("WIEL_BENCH_KEEP");
    let target = wiel_tests::bench_data_dir(dir.path(), n).to_hex();
    if let Some(keep) = &keep {
        let status = Command::new("cp")
            .arg("-a")
            .arg(dir.path())
            .arg(keep)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let prefix = &target[..12];
    // The corpus is many organisations' entries: shown in open mode (the figures of the
    // issue), then — the node trusting none of them, its default — all kept apart.
    let config = dir.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("mode = \"web-of-trust\"", "mode = \"open\""),
    )
    .unwrap();
    for (label, args) in [
        ("wiel show ID", vec!["show", prefix]),
        ("wiel list", vec!["list"]),
        ("wiel list --json", vec!["--json", "list"]),
        (
            "wiel list --kind question",
            vec!["list", "--kind", "question"],
        ),
    ] {
        let (first, t) = time(bin, dir.path(), &args);
        println!(
            "{label:<28} p50 {:>6.1} ms   p99 {:>6.1} ms   max {:>6.1} ms   first {:>6.1} ms   ({RUNS} runs, {n} entries; goal ≤ 50 ms)",
            wiel_tests::percentile(&t, 50.0).as_secs_f64() * 1e3,
            wiel_tests::percentile(&t, 99.0).as_secs_f64() * 1e3,
            t.last().unwrap().as_secs_f64() * 1e3,
            first.as_secs_f64() * 1e3,
        );
    }
    std::fs::write(&config, text).unwrap();
    let (first, t) = time(bin, dir.path(), &["list"]);
    println!(
        "{:<28} p50 {:>6.1} ms   p99 {:>6.1} ms   max {:>6.1} ms   first {:>6.1} ms   ({RUNS} runs, {n} entries, none trusted: all counted as not shown)",
        "wiel list (all strangers')",
        wiel_tests::percentile(&t, 50.0).as_secs_f64() * 1e3,
        wiel_tests::percentile(&t, 99.0).as_secs_f64() * 1e3,
        t.last().unwrap().as_secs_f64() * 1e3,
        first.as_secs_f64() * 1e3,
    );
}
