//! Figures of the web page (issue 17): server time per page, p50 and p99, for the search
//! page, an entry page and the front page, on a running node holding N entries (default
//! 100 000); and the weight of the search page with its stylesheet and script. Times are request to
//! last byte over loopback, one request at a time, after one warm-up each.
//!
//! Run: `cargo bench --bench web` (env WIEL_BENCH_N to change N).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use wiel_tests::relevance;

const RUNS: usize = 300;

fn main() {
    let n = wiel_tests::env_number("WIEL_BENCH_N", 100_000);
    eprintln!("making {n} entries from the relevance corpus…");
    let entries = relevance::synthetic(n);
    let node = wiel_tests::Node::init("Gemeente Bench", "GM0001");
    node.fill_store(entries.iter().map(|(_, e)| e));
    let _daemon = wiel_tests::Daemon::start(&node, &[]);
    wiel_tests::wait_for("the node's search index", Duration::from_secs(900), || {
        (!node.search_ids("onboarding").is_empty()).then_some(())
    });
    let login: serde_json::Value = serde_json::from_str(&node.ok(&["--json", "web"])).unwrap();
    let login = login["url"].as_str().unwrap().to_owned();
    // The page's own host name (`wiel-….localhost:PORT`), reached on 127.0.0.1 as a
    // browser would.
    let host = login
        .trim_start_matches("http://")
        .split("/inloggen/")
        .next()
        .unwrap()
        .to_owned();
    let port = host.rsplit(':').next().unwrap().to_owned();
    let base = format!("http://127.0.0.1:{port}");
    let path_of_login = login.split_once(".localhost").unwrap().1;
    let path_of_login = &path_of_login[path_of_login.find('/').unwrap()..];
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let resp = agent
        .get(format!("{base}{path_of_login}"))
        .header("Host", &host)
        .call()
        .unwrap();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let get = |path: &str| -> (Duration, usize) {
        let t = Instant::now();
        let mut resp = agent
            .get(format!("{base}{path}"))
            .header("Host", &host)
            .header("Cookie", &cookie)
            .call()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        let body = resp.body_mut().read_to_string().unwrap();
        (t.elapsed(), body.len())
    };

    let vocabulary = relevance::vocabulary();
    let search = times(|i| {
        let a = &vocabulary[(i * 7) % vocabulary.len()];
        let b = &vocabulary[(i * 13 + 5) % vocabulary.len()];
        get(&format!("/zoeken?q={a}+{b}")).0
    });
    report("search page (two words)", &search, 30.0, n);
    let entry = times(|i| {
        let id = entries[(i * 7919) % entries.len()].1.id().to_hex();
        get(&format!("/bericht/{id}")).0
    });
    report("entry page", &entry, 20.0, n);
    let front = times(|_| get("/").0);
    report("front page", &front, 20.0, n);

    let (_, html) = get("/zoeken?q=onboarding+buddy");
    let (_, css) = get("/stijl.css");
    let (_, script) = get("/wiel.js");
    println!(
        "search page weight: {:.1} KB (HTML {:.1} KB + stylesheet {:.1} KB + script {:.1} KB; no images, no fonts); goal ≤ 100 KB",
        (html + css + script) as f64 / 1024.0,
        html as f64 / 1024.0,
        css as f64 / 1024.0,
        script as f64 / 1024.0
    );
}

/// RUNS requests (after one warm-up), sorted.
fn times(mut one: impl FnMut(usize) -> Duration) -> Vec<Duration> {
    one(0);
    let mut all: Vec<Duration> = (1..=RUNS).map(&mut one).collect();
    all.sort();
    all
}

fn report(what: &str, sorted: &[Duration], goal_ms: f64, n: usize) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{what:<26} p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms  ({RUNS} requests, {n} entries; goal p99 ≤ {goal_ms} ms)",
        ms(wiel_tests::percentile(sorted, 50.0)),
        ms(wiel_tests::percentile(sorted, 99.0)),
        ms(*sorted.last().unwrap()),
    );
}
