//! Figures of the search issue, in one run:
//! 1. building the index over N entries (default 100 000): rate and size on disk;
//! 2. query latency p50/p99 for 1-, 2- and 3-word queries, side by side with SQLite FTS5
//!    (bundled SQLite, bm25 with the same field weights, snippets) on the same entries and
//!    the same queries;
//! 3. recall@5 and MRR of both on the two relevance sets (tests/data/relevance*);
//! 4. the whole command `wiel search "twee woorden"` on a data directory holding the N
//!    entries, process start to exit: through a running node, and without one.
//!
//! Run: `cargo bench --bench search` (env WIEL_BENCH_N to change N, WIEL_BENCH_QUERIES to
//! change the number of queries per length, default 1 000; WIEL_BENCH_KEEP=1 keeps the data
//! directory of the whole-command figure, for profiling).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use rusqlite::Connection;
use wiel_store::Store;
use wiel_store::search::{SearchIndex, SearchQuery};
use wiel_tests::relevance::{self, Doc};

const LIMIT: usize = 10;
const COMMAND_RUNS: usize = 200;

fn main() {
    let n: usize = env_number("WIEL_BENCH_N", 100_000);
    let per_length: usize = env_number("WIEL_BENCH_QUERIES", 1_000);

    eprintln!("making {n} entries from the relevance corpus…");
    let entries = relevance::synthetic(n);
    let raw_bytes: usize = entries.iter().map(|(_, e)| e.bytes().len()).sum();

    // 1. the index, built from a filled store
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let t = Instant::now();
    for chunk in entries.chunks(1000) {
        store
            .ingest_batch(chunk.iter().map(|(_, e)| e.clone()).collect())
            .unwrap();
    }
    let store_time = t.elapsed();
    // Opening an index on a store without one builds it (the same as `wiel reindex`).
    let t = Instant::now();
    let index = SearchIndex::open(&store).unwrap();
    let build = t.elapsed();
    assert_eq!(index.len(), n as u64);
    println!(
        "index build       {n} entries in {:.1} s: {:.0} entries/s (store ingest before it: {:.0} entries/s)",
        build.as_secs_f64(),
        n as f64 / build.as_secs_f64(),
        n as f64 / store_time.as_secs_f64()
    );
    println!(
        "index size        {:.1} MB ({:.2}× the {:.1} MB of signed entries)",
        index.size_on_disk() as f64 / 1e6,
        index.size_on_disk() as f64 / raw_bytes as f64,
        raw_bytes as f64 / 1e6
    );

    // 2. latency, wiel and FTS5 on the same entries and queries
    let fts = fts5(entries.iter().map(|(d, _)| d));
    let vocabulary = relevance::vocabulary();
    let mut random = wiel_tests::Xorshift::new(42);
    let mut pick = |m: usize| random.below(m);
    let mut p99s = Vec::new();
    for words in 1..=3 {
        let queries: Vec<String> = (0..per_length)
            .map(|_| {
                (0..words)
                    .map(|_| vocabulary[pick(vocabulary.len())].clone())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let wiel = time_queries(&queries, |q| {
            let mut query = SearchQuery {
                text: q.to_owned(),
                ..SearchQuery::default()
            };
            query.filter.limit = LIMIT;
            index.search(&query).unwrap().hits.len()
        });
        let sqlite = time_queries(&queries, |q| fts_search(&fts, q).len());
        println!(
            "{words}-word queries    wiel p50 {:>6.2} ms  p99 {:>6.2} ms   |   SQLite FTS5 p50 {:>6.2} ms  p99 {:>6.2} ms   ({per_length} queries, top {LIMIT} with snippets)",
            ms(percentile(&wiel, 50.0)),
            ms(percentile(&wiel, 99.0)),
            ms(percentile(&sqlite, 50.0)),
            ms(percentile(&sqlite, 99.0)),
        );
        p99s.push((percentile(&wiel, 99.0), percentile(&sqlite, 99.0)));
    }
    let all_faster = p99s.iter().all(|(w, s)| w <= s);
    println!(
        "goal: wiel p99 ≤ SQLite FTS5 p99 for every query length: {}",
        if all_faster { "met" } else { "NOT met" }
    );
    drop(fts);

    // 3. relevance of both
    relevance_side_by_side();

    // 4. the whole command against a running node
    drop(index);
    drop(store);
    whole_command(&entries);
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    wiel_tests::percentile(sorted, p)
}

/// Runs every query once untimed (warm caches), then once timed; sorted durations.
fn time_queries(queries: &[String], mut run: impl FnMut(&str) -> usize) -> Vec<Duration> {
    for q in queries {
        run(q);
    }
    let mut times: Vec<Duration> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            std::hint::black_box(run(q));
            t.elapsed()
        })
        .collect();
    times.sort();
    times
}

/// An in-memory FTS5 table of the same fields: title, text, tags.
fn fts5<'a>(docs: impl Iterator<Item = &'a Doc>) -> Connection {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch(
        "CREATE VIRTUAL TABLE docs USING fts5(title, text, tags, tokenize = 'unicode61 remove_diacritics 2');",
    )
    .unwrap();
    let tx = db.unchecked_transaction().unwrap();
    {
        let mut insert = tx
            .prepare("INSERT INTO docs (rowid, title, text, tags) VALUES (?1, ?2, ?3, ?4)")
            .unwrap();
        for (i, d) in docs.enumerate() {
            insert
                .execute(rusqlite::params![
                    i as i64,
                    d.title,
                    d.text,
                    format!("{} {}", d.tags.join(", "), d.theme)
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    db
}

/// The FTS5 counterpart of wiel's search: any of the words, bm25 with the title weighted
/// 3 and the tags 2 (as in wiel), the best `LIMIT` with a snippet. Returns the rowids.
fn fts_search(db: &Connection, words: &str) -> Vec<i64> {
    let expression = words
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" OR ");
    if expression.is_empty() {
        return vec![];
    }
    let mut statement = db
        .prepare_cached(
            "SELECT rowid, snippet(docs, 1, '[', ']', '…', 16) FROM docs WHERE docs MATCH ?1 \
             ORDER BY bm25(docs, 3.0, 1.0, 2.0) LIMIT ?2",
        )
        .unwrap();
    statement
        .query_map(rusqlite::params![expression, LIMIT as i64], |row| {
            let id: i64 = row.get(0)?;
            let _snippet: String = row.get(1)?;
            Ok(id)
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn relevance_side_by_side() {
    for set in [relevance::FIRST, relevance::REALISTIC] {
        let queries = relevance::queries(set);
        let corpus = relevance::indexed_corpus(set);
        let wiel = relevance::score(&queries, |text| corpus.search(text, LIMIT));
        let docs = relevance::corpus(set);
        let fts = fts5(docs.iter());
        let sqlite = relevance::score(&queries, |text| {
            fts_search(&fts, text)
                .into_iter()
                .map(|row| docs[row as usize].name.clone())
                .collect()
        });
        println!(
            "relevance, {:<9} wiel recall@5 {:.3}  MRR {:.3}   |   SQLite FTS5 recall@5 {:.3}  MRR {:.3}   ({} entries, {} queries)",
            set.name,
            wiel.recall_at_5,
            wiel.mrr,
            sqlite.recall_at_5,
            sqlite.mrr,
            docs.len(),
            queries.len()
        );
    }
}

fn whole_command(entries: &[(Doc, wiel_protocol::Verified)]) {
    let node = wiel_tests::Node::init("Gemeente Bench", "GM0001");
    node.fill_store(entries.iter().map(|(_, e)| e));
    let vocabulary = relevance::vocabulary();
    {
        let daemon = wiel_tests::Daemon::start(&node, &[]);
        let t = Instant::now();
        // Built when the node says no entry waits for its index (the first entries are
        // found long before: timed then, the commands would share the cores with it).
        wiel_tests::wait_for("the node's search index", Duration::from_secs(600), || {
            let status = node.run(&["--json", "status"]);
            let status: serde_json::Value = serde_json::from_str(&status.stdout).ok()?;
            let search = &status["search"];
            (search["waiting"] == 0 && search["documents"] == entries.len()).then_some(())
        });
        eprintln!(
            "node up and its index built from the store in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let times = command_times(&node, &vocabulary);
        println!(
            "wiel search \"twee woorden\" (whole command, running node, {} entries): p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms  ({COMMAND_RUNS} runs; goal p99 ≤ 30 ms)",
            entries.len(),
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 99.0)),
            ms(*times.last().unwrap()),
        );
        // Stopped as an operator stops it (its service's stop): it gives its header
        // database's free space back on the way out, when there is much.
        let t = Instant::now();
        assert!(daemon.stop().success());
        eprintln!("node stopped in {:.1} s", t.elapsed().as_secs_f64());
    }
    // The node stopped: each command opens the store and the index itself.
    let times = command_times(&node, &vocabulary);
    if std::env::var_os("WIEL_BENCH_KEEP").is_some() {
        // For profiling a whole command by hand: the data directory is left in place.
        eprintln!("data directory kept: {}", node.path().display());
        std::mem::forget(node);
    }
    println!(
        "wiel search \"twee woorden\" (whole command, no node, {} entries): p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms  ({COMMAND_RUNS} runs; goal p99 ≤ 40 ms)",
        entries.len(),
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 99.0)),
        ms(*times.last().unwrap()),
    );
}

/// Times `wiel search` with two words from the vocabulary, process start to exit, sorted
/// (one warm-up run first).
fn command_times(node: &wiel_tests::Node, vocabulary: &[String]) -> Vec<Duration> {
    let mut times = Vec::with_capacity(COMMAND_RUNS);
    for i in 0..=COMMAND_RUNS {
        let a = &vocabulary[(i * 7) % vocabulary.len()];
        let b = &vocabulary[(i * 13 + 5) % vocabulary.len()];
        let t = Instant::now();
        let out = node
            .command(&["search", &format!("{a} {b}")])
            .output()
            .unwrap();
        let elapsed = t.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if i > 0 {
            times.push(elapsed);
        }
    }
    times.sort();
    times
}
