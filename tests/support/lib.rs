//! Helpers for the tests in `tests/`: run the real `wiel` binary on temporary data dirs.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test support: a failed setup should panic

mod daemon;
pub mod gossip;
pub mod inprocess;
mod measure;
pub mod netlab;
pub mod relevance;

pub use gossip::{gossip_swarm, gossip_to, join_national_space};

pub use daemon::{Daemon, free_port, wait_for_notify};
pub use measure::{
    cpu_ticks, cpu_time_of, dir_allocated, dir_size, env_number, open_files_of, peak_memory_of,
    percentile, rss_kib,
};

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// A small deterministic pseudo-random sequence (xorshift) for test data and benchmarks:
/// the same seed gives the same numbers on every machine.
pub struct Xorshift(u64);

impl Xorshift {
    /// Any seed but 0 (which would stay 0 forever; it is taken as 1).
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// A number in `0..m` (`m` > 0).
    pub fn below(&mut self, m: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % m as u64) as usize
    }
}

/// The `wiel` binary of this build. The end-to-end tests and the benchmarks belong to the
/// `wiel-cli` package, so cargo builds the binary, in the same profile, before it runs
/// them; nothing here builds.
pub fn wiel_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test> → target/<profile>/wiel
        let bin = exe
            .parent()
            .and_then(Path::parent)
            .expect("test executable lives in target/<profile>/deps")
            .join("wiel");
        assert!(
            bin.exists(),
            "{} is missing: run the tests and benchmarks through cargo (cargo test, cargo bench), \
             which builds it first",
            bin.display()
        );
        bin
    })
}

/// The result of one `wiel` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// `wiel` in English, whatever the caller's language: the tests read its messages in
/// English (`language` tests read the Dutch ones).
pub fn wiel_command() -> Command {
    let mut c = Command::new(wiel_bin());
    c.env("LANG", "en_GB.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c
}

/// `wiel --data-dir DIR ARGS`, with nothing from the caller's environment that would
/// change what it does. (A path, not a [`Node`], so that it can run on another thread
/// while a test drives a swarm.)
pub fn wiel_in(dir: &Path, args: &[&str]) -> Command {
    let mut c = wiel_command();
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("WIEL_DATA_DIR")
        .env("EDITOR", "false")
        .env_remove("VISUAL")
        .stdin(Stdio::null());
    c
}

/// Runs `wiel` on the data dir `dir` and expects success; returns stdout.
pub fn ok_in(dir: &Path, args: &[&str]) -> String {
    let r: Run = wiel_in(dir, args).output().expect("run wiel").into();
    assert_eq!(r.code, 0, "wiel {args:?} failed: {}", r.stderr);
    r.stdout
}

/// One node's data directory, removed when dropped.
pub struct Node {
    pub dir: tempfile::TempDir,
}

impl Node {
    /// An empty data dir (no `init` yet).
    pub fn empty() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A node initialised for `name` / `code` on the test network, in trust mode `open`
    /// (every valid entry accepted and passed on): the tests of trust itself use
    /// [`Node::init_with_trust`].
    pub fn init(name: &str, code: &str) -> Self {
        Self::init_with_trust(name, code, "open")
    }

    /// A node on the test network in trust mode `mode`.
    pub fn init_with_trust(name: &str, code: &str, mode: &str) -> Self {
        let node = Self::empty();
        node.ok(&[
            "init",
            "--name",
            name,
            "--code",
            code,
            "--network",
            "wiel-test",
            "--trust-mode",
            mode,
        ]);
        node
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where the node running on this data directory serves its API (its `api.json`).
    pub fn api_endpoint(&self) -> wiel_node::wire::ApiEndpoint {
        wiel_node::wire::ApiEndpoint::read(&wiel_node::DataDir::new(self.path()))
            .expect("a running node says where it serves in api.json")
    }

    /// Puts entries straight into the node's store (no node running), in batches of a
    /// thousand: a data directory with many entries for a benchmark.
    pub fn fill_store<'a>(&self, entries: impl IntoIterator<Item = &'a wiel_protocol::Verified>) {
        let store = wiel_store::Store::open(&self.path().join("store")).expect("open the store");
        let entries: Vec<wiel_protocol::Verified> = entries.into_iter().cloned().collect();
        for chunk in entries.chunks(1000) {
            store.ingest_batch(chunk.to_vec()).expect("ingest");
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        wiel_in(self.path(), args)
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.command(args).output().expect("run wiel").into()
    }

    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn wiel");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait for wiel").into()
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        ok_in(self.path(), args)
    }

    /// Runs in Dutch, the language users see by default, and expects success.
    pub fn dutch(&self, args: &[&str]) -> String {
        let r: Run = self
            .command(args)
            .env("LANG", "nl_NL.UTF-8")
            .output()
            .expect("run wiel")
            .into();
        assert_eq!(r.code, 0, "wiel {args:?} failed: {}", r.stderr);
        r.stdout
    }

    /// Runs and expects a failure with one clear line on stderr; returns that line.
    pub fn fails(&self, args: &[&str]) -> String {
        expect_one_line_error(self.run(args), args)
    }

    /// Publishes a Markdown document and returns the new entry's id.
    pub fn publish(&self, markdown: &str) -> String {
        let file = self.path().join("publish-input.md");
        std::fs::write(&file, markdown).expect("write input");
        let out = self.ok(&["--json", "publish", file.to_str().expect("utf-8 path")]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        v["id"].as_str().expect("id").to_owned()
    }

    /// Everything the store holds, as signed JSON lines: two equal snapshots mean nothing
    /// stored changed.
    pub fn snapshot(&self) -> String {
        self.ok(&["export"])
    }
}

/// Checks that a run failed with a non-zero exit and exactly one `wiel: error:` line.
pub fn expect_one_line_error(r: Run, args: &[&str]) -> String {
    assert_ne!(r.code, 0, "wiel {args:?} should fail; stdout: {}", r.stdout);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "one line of error expected for {args:?}, got: {}",
        r.stderr
    );
    assert!(
        lines[0].starts_with("wiel: error: "),
        "error line should start with 'wiel: error: ': {}",
        lines[0]
    );
    lines[0].to_owned()
}

/// A practice in Markdown with front matter.
pub fn practice_md(title: &str, text: &str) -> String {
    format!("---\nkind: practice\ntitle: {title}\ntags: [test]\n---\n\n{text}\n")
}

/// A node's data directory `dir` (made by `wiel init` as "Gemeente Bench" on the test
/// network) whose store is filled with [`corpus`]`(n, 2048)`, for the benchmarks that time
/// commands on a big store. Returns the id of the entry in the middle.
pub fn bench_data_dir(dir: &Path, n: usize) -> wiel_protocol::EntryId {
    ok_in(
        dir,
        &[
            "init",
            "--name",
            "Gemeente Bench",
            "--code",
            "GM0001",
            "--network",
            "wiel-test",
        ],
    );
    eprintln!("filling a store with {n} entries…");
    let corpus = corpus(n, 2048);
    let store = wiel_store::Store::open(&dir.join("store")).expect("open the store");
    for chunk in corpus.chunks(1000) {
        store.ingest_batch(chunk.to_vec()).expect("fill the store");
    }
    corpus[n / 2].id()
}

/// `n` signed practices with bodies of about `text_len` bytes, by 10 organisations (each
/// with a profile first), one second apart, on the `wiel-test` network.
pub fn corpus(n: usize, text_len: usize) -> Vec<wiel_protocol::Verified> {
    use wiel_protocol::testing;
    let keys: Vec<_> = (1..=10u8).map(testing::key).collect();
    let start = 1_700_000_000_000u64;
    let mut out = Vec::with_capacity(n + keys.len());
    for (i, k) in keys.iter().enumerate() {
        out.push(profile(k, &format!("Gemeente Test {i}"), start));
    }
    out.extend(practices(0, n, text_len));
    out
}

/// Signed practices number `first .. first + n` (distinct numbers give distinct entries),
/// by the 10 test organisations, one second apart, on the `wiel-test` network.
pub fn practices(first: usize, n: usize, text_len: usize) -> Vec<wiel_protocol::Verified> {
    use wiel_protocol::testing;
    let keys: Vec<_> = (1..=10u8).map(testing::key).collect();
    let start = 1_700_000_000_000u64;
    (first..first + n)
        .map(|i| {
            testing::practice_with_text(
                &keys[i % keys.len()],
                i as u64,
                start + 1000 + i as u64 * 1000,
                text_len,
            )
        })
        .collect()
}

/// Writes `entries` as a `wiel import` file in `dir`; returns its path.
pub fn import_file(dir: &Path, name: &str, entries: &[wiel_protocol::Verified]) -> PathBuf {
    let lines: Vec<String> = entries
        .iter()
        .map(|e| serde_json::to_string(&wiel_node::exchange::ExportLine::new(e)).unwrap())
        .collect();
    let file = dir.join(name);
    std::fs::write(&file, lines.join("\n")).unwrap();
    file
}

fn profile(key: &wiel_protocol::OrgKeypair, name: &str, at: u64) -> wiel_protocol::Verified {
    profile_claiming(key, name, "GM0001", at)
}

/// A profile of `key` that claims `name` and the CBS `code` (anyone can claim any).
pub fn profile_claiming(
    key: &wiel_protocol::OrgKeypair,
    name: &str,
    code: &str,
    at: u64,
) -> wiel_protocol::Verified {
    use wiel_protocol::*;
    Draft {
        network: testing::network(),
        space: SpaceName::national(),
        kind: Kind::Profile,
        refs: vec![],
        created_at: Timestamp::from_millis(at),
        body: Body {
            title: name.into(),
            fields: KindFields::Profile {
                name: name.into(),
                cbs_code: CbsCode::new(code).unwrap(),
                province: None,
            },
            ..Body::default()
        },
    }
    .sign(key, &testing::rules())
    .unwrap()
}

/// Polls `check` every 50 ms until it returns `Some`, or panics after `timeout` with `what`.
pub fn wait_for<T>(
    what: &str,
    timeout: std::time::Duration,
    check: impl FnMut() -> Option<T>,
) -> T {
    wait_for_or_show(what, timeout, check, String::new)
}

/// [`wait_for`], and on timeout the panic also shows what `shown` gives (a daemon's log).
pub fn wait_for_or_show<T>(
    what: &str,
    timeout: std::time::Duration,
    mut check: impl FnMut() -> Option<T>,
    shown: impl FnOnce() -> String,
) -> T {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = check() {
            return v;
        }
        if start.elapsed() >= timeout {
            let shown = shown();
            let sep = if shown.is_empty() { "" } else { "\n" };
            panic!("timed out after {timeout:?} waiting for {what}{sep}{shown}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The id (hex) of what `wiel --json publish|ask|answer|…` printed.
pub fn published_id(out: &str) -> String {
    serde_json::from_str::<wiel_node::Published>(out)
        .unwrap_or_else(|e| panic!("no published entry ({e}): {out}"))
        .id
        .to_hex()
}

impl Node {
    /// What `wiel --json ARGS` prints, read as the view `T` it is documented as.
    pub fn json<T: serde::de::DeserializeOwned>(&self, args: &[&str]) -> T {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| {
            panic!(
                "wiel {} printed no {} ({e}): {out}",
                args.join(" "),
                std::any::type_name::<T>()
            )
        })
    }

    /// `--json status` of the running node (or the store), typed.
    pub fn status(&self) -> StatusView {
        let out = self.ok(&["--json", "status"]);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("status is no StatusView ({e}): {out}"))
    }

    /// The ids of everything the store holds (from a full export).
    pub fn ids(&self) -> std::collections::BTreeSet<String> {
        self.snapshot()
            .lines()
            .filter(|l| !l.starts_with("{\"trailer\""))
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    /// Ids found by `wiel search` for `words`.
    pub fn search_ids(&self, words: &str) -> Vec<String> {
        let r = self.run(&["--json", "search", words]);
        if r.code != 0 {
            return vec![];
        }
        serde_json::from_str::<serde_json::Value>(&r.stdout)
            .ok()
            .and_then(|v| {
                v["results"].as_array().map(|a| {
                    a.iter()
                        .filter_map(|e| e["id"].as_str().map(str::to_owned))
                        .collect()
                })
            })
            .unwrap_or_default()
    }

    /// Whether the store holds the entry `id` (through the node if one runs).
    /// The organisation key this node signs with now (hex).
    pub fn org_key(&self) -> String {
        self.status().org_key
    }

    /// The key this organisation rotated away from, from its `key.old.*` file.
    pub fn old_keypair(&self) -> wiel_protocol::OrgKeypair {
        let path = std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("key.old.")
            })
            .expect("the old key is kept");
        wiel_protocol::OrgKeypair::from_protobuf(&std::fs::read(path).unwrap()).unwrap()
    }

    pub fn has(&self, id: &str) -> bool {
        self.run(&["--json", "show", id]).code == 0
    }
}

/// Per space in a `wiel --json status`: its name, number of entries and set fingerprint.
pub fn fingerprints_in(status: &StatusView) -> Vec<(String, u64, String)> {
    status
        .spaces
        .iter()
        .map(|s| (s.space.to_string(), s.entries as u64, s.fingerprint.clone()))
        .collect()
}

pub use wiel_node::refusal::Refusal;
pub use wiel_node::wire::StatusView;

/// What the tests read from a status.
pub trait StatusFacts {
    /// Connected peers (0 when no node runs).
    fn peers(&self) -> usize;
    /// The running node's peer id.
    fn peer_id(&self) -> String;
    /// How often `why` was counted.
    fn refused(&self, why: Refusal) -> u64;
    /// Every refusal counted, typed (a label no refusal has fails the test).
    fn refusals(&self) -> std::collections::BTreeMap<Refusal, u64>;
}

impl StatusFacts for StatusView {
    fn peers(&self) -> usize {
        self.network.as_ref().map_or(0, |n| n.peers)
    }
    fn peer_id(&self) -> String {
        self.network
            .as_ref()
            .expect("a running node")
            .peer_id
            .clone()
    }
    fn refused(&self, why: Refusal) -> u64 {
        self.rejected.get(why.label()).copied().unwrap_or(0)
    }
    fn refusals(&self) -> std::collections::BTreeMap<Refusal, u64> {
        self.rejected
            .iter()
            .map(|(label, n)| {
                let why = Refusal::from_label(label)
                    .unwrap_or_else(|| panic!("no refusal is labelled {label}"));
                (why, *n)
            })
            .collect()
    }
}

impl Node {
    /// Per space: its number of entries and set fingerprint, as `wiel status` shows them.
    pub fn fingerprints(&self) -> Vec<(String, u64, String)> {
        fingerprints_in(&self.status())
    }
}

/// `wiel --json ask TEXT` on the data dir `dir`; returns the new question's id.
pub fn ask_in(dir: &Path, text: &str) -> String {
    let out = ok_in(dir, &["--json", "ask", text]);
    serde_json::from_str::<serde_json::Value>(&out).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

impl Node {
    /// The peer ids of the running node's connected peers.
    pub fn peer_ids(&self) -> Vec<String> {
        let peers: serde_json::Value =
            serde_json::from_str(&self.ok(&["--json", "peers"])).unwrap();
        peers
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["peer_id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Changes one line of `config.toml` (the node must not run).
    pub fn set_config_line(&self, old: &str, new: &str) {
        let path = self.path().join("config.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(old), "{old} not in {text}");
        std::fs::write(&path, text.replace(old, new)).unwrap();
    }
}

impl Node {
    /// Asks a question; returns its id.
    pub fn ask(&self, text: &str) -> String {
        ask_in(self.path(), text)
    }
}
