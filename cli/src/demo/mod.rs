//! `wiel demo`: three municipal nodes (Zwolle, Kampen, Deventer) on loopback, each with the
//! same dozen sample entries, each signed by its own municipality. Then a question asked in
//! Deventer travels through Kampen to Zwolle by gossip, Zwolle answers, and the demo shows a
//! list, a search and the thread.

use std::path::PathBuf;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use wiel_node::service::InitOptions;
use wiel_node::wire::{AnswerRequest, ApiEndpoint, Nothing, SearchRequest};
use wiel_node::{DataDir, NewEntry, Service};
use wiel_protocol::{Body, CbsCode, EntryId, Kind, NetworkId, SpaceName, Verdict};
use wiel_store::ListFilter;

use crate::output;

mod samples;

use samples::{ORGS, SAMPLES, fill};
use wiel_lang::t;
use wiel_node::ops::Operations;
use wiel_node::wire::client::ApiClient;

/// A `wiel node` child process of this binary.
struct DemoNode {
    name: &'static str,
    dir: DataDir,
    child: std::process::Child,
    backend: ApiClient,
    address: String,
}

impl DemoNode {
    fn start(name: &'static str, dir: DataDir, bootstrap: Option<&str>) -> Result<DemoNode> {
        let exe = std::env::current_exe().with_context(|| t!("demo-no-program"))?;
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("--data-dir")
            .arg(dir.root())
            .args([
                "node",
                "--listen",
                "/ip4/127.0.0.1/tcp/0",
                "--no-mdns",
                // A strict line, so Deventer reaches Zwolle only through Kampen.
                "--no-kademlia",
                "--heartbeat-ms",
                "200",
            ])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(b) = bootstrap {
            cmd.args(["--bootstrap", b]);
        }
        let mut child = cmd.spawn().with_context(|| t!("demo-cannot-start"))?;
        let started = Instant::now();
        let backend = loop {
            if let Some(status) = child.try_wait()? {
                bail!(t!(
                    "demo-node-stopped",
                    name = name,
                    status = status.to_string()
                ));
            }
            let pid_ok = std::fs::read_to_string(dir.root().join("api.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<ApiEndpoint>(&t).ok())
                .is_some_and(|e| e.pid == child.id());
            if pid_ok && let Some(client) = ApiClient::find(&dir) {
                break client;
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                bail!(t!("demo-node-slow", name = name));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let status = backend.status(Nothing {})?;
        let net = status.network.with_context(|| t!("demo-no-network"))?;
        let listen = net
            .listening
            .iter()
            .find(|l| l.contains("/tcp/"))
            .cloned()
            .with_context(|| t!("demo-no-network"))?;
        Ok(DemoNode {
            name,
            dir,
            child,
            backend,
            address: format!("{listen}/p2p/{}", net.peer_id),
        })
    }

    /// Waits until this node holds `id`; returns how long that took.
    fn wait_for(&self, id: &EntryId, since: Instant) -> Result<Duration> {
        loop {
            if self.backend.resolve(id.to_hex().as_str().into()).is_ok() {
                return Ok(since.elapsed());
            }
            if since.elapsed() > Duration::from_secs(30) {
                bail!(t!("demo-not-received", name = self.name, id = id.short()));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn stop(mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        let _ = &self.dir;
    }
}

impl Drop for DemoNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn run(keep: Option<PathBuf>, json: bool) -> Result<()> {
    let temp;
    let kept = keep.is_some();
    let root = match keep {
        Some(dir) => dir,
        None => {
            temp = tempfile::Builder::new()
                .prefix("wiel-demo-")
                .tempdir()
                .with_context(|| t!("demo-no-temp-dir"))?;
            temp.path().to_owned()
        }
    };
    let dirs: Vec<DataDir> = ["zwolle", "kampen", "deventer"]
        .iter()
        .map(|n| DataDir::new(root.join(n)))
        .collect();
    {
        let services = ORGS
            .iter()
            .zip(&dirs)
            .map(|(org, dir)| {
                Service::init(
                    dir.clone(),
                    InitOptions {
                        name: org.name.into(),
                        code: CbsCode::new(org.code)?,
                        province: Some("Overijssel".into()),
                        spaces: vec![SpaceName::national(), SpaceName::new("pv23")?],
                        network: NetworkId::new("wiel-demo")?,
                        trust_mode: Default::default(),
                    },
                )
                .map_err(anyhow::Error::from)
            })
            .collect::<Result<Vec<_>>>()?;
        // The three municipalities trust each other (web of trust, the default).
        let keys: Vec<_> = services.iter().map(|s| s.org_key()).collect();
        for s in &services {
            let others: Vec<_> = keys
                .iter()
                .filter(|k| **k != s.org_key())
                .copied()
                .collect();
            s.update_trust(|t| t.roots.extend(others))?;
        }
        fill(&services)?;
        for s in &services {
            // Sample entries are on every node already; only new ones will be gossiped.
            for id in s.store().outbox()? {
                s.store().outbox_remove(&id)?;
            }
        }
    }

    // A line: Zwolle ← Kampen ← Deventer. Deventer reaches Zwolle only through Kampen.
    let zwolle = DemoNode::start(ORGS[0].name, dirs[0].clone(), None)?;
    let kampen = DemoNode::start(ORGS[1].name, dirs[1].clone(), Some(&zwolle.address))?;
    let deventer = DemoNode::start(ORGS[2].name, dirs[2].clone(), Some(&kampen.address))?;
    let nodes = [&zwolle, &kampen, &deventer];
    // Wait until every link carries both spaces (the peers' subscriptions have arrived).
    let started = Instant::now();
    let linked = |n: &DemoNode, want: usize| -> Result<bool> {
        let peers = n.backend.peers(Nothing {})?;
        Ok(peers.len() >= want && peers.iter().all(|p| p.peer.spaces.len() >= 2))
    };
    while !(linked(&kampen, 2)? && linked(&zwolle, 1)? && linked(&deventer, 1)?) {
        if started.elapsed() > Duration::from_secs(30) {
            bail!(t!("demo-not-connected"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }

    let question = "Wie heeft een goede aanpak voor wachtlijsten in de jeugdhulp?";
    let sent = Instant::now();
    let asked = deventer.backend.publish(NewEntry {
        kind: Kind::Question,
        space: Some(SpaceName::new("pv23")?),
        refs: vec![],
        body: Body {
            title: question.into(),
            text: "Wij zien de wachttijden oplopen. Wat werkt bij jullie?".into(),
            tags: vec!["wachtlijst".into(), "jeugdhulp".into()],
            themes: vec!["jeugdwet".into()],
            ..Body::default()
        },
        created_at: None,
        confirmed_personal_data: false,
        new_space: false,
    })?;
    let to_kampen = kampen.wait_for(&asked.id, sent)?;
    let to_zwolle = zwolle.wait_for(&asked.id, sent)?;
    let sent = Instant::now();
    let answered = zwolle.backend.answer(AnswerRequest {
        id: asked.id.to_hex(),
        text: "Wij werken met een regionaal wachtlijstoverleg: elke week kijken aanbieders samen wie waar terecht kan.".into(),
        confirmed_personal_data: false,
    })?;
    let back = deventer.wait_for(&answered.id, sent)?;
    // Deventer marks the answer that helped (`wiel accept`).
    deventer.backend.publish(NewEntry::reaction(
        answered.id,
        Verdict::Accepted,
        String::new(),
    ))?;

    let query = "wachtlijsten jeugdhulp";
    let found = zwolle.backend.search(SearchRequest {
        query: query.to_owned(),
        filter: ListFilter::default(),
    })?;
    let thread = deventer.backend.thread(asked.id.to_hex().as_str().into())?;
    let listing = zwolle.backend.list(ListFilter {
        limit: 8,
        content_only: true,
        ..ListFilter::default()
    })?;

    if json {
        output::json(&serde_json::json!({
            "nodes": nodes.iter().map(|n| serde_json::json!({"organisation": n.name, "address": n.address, "data_dir": n.dir.root()})).collect::<Vec<_>>(),
            "question": asked.id,
            "arrival_ms": { "kampen": to_kampen.as_secs_f64() * 1e3, "zwolle": to_zwolle.as_secs_f64() * 1e3 },
            "answer": answered.id,
            "answer_arrival_ms": back.as_secs_f64() * 1e3,
            "list": listing,
            "search": { "query": query, "results": found },
            "thread": thread,
        }))?;
    } else {
        let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1e3);
        outln!("{}", t!("demo-intro"));
        for n in nodes {
            outln!("  {:<18} {}", n.name, n.address);
        }
        outln!(
            "{}\n",
            t!("demo-samples", count = SAMPLES.len() + ORGS.len())
        );
        outln!(
            "$ wiel list --limit 8   {}",
            t!("demo-on-node", name = zwolle.name)
        );
        output::entry_lines(&listing, 8, &t!("list-empty"))?;
        outln!(
            "\n{}",
            t!("demo-asks", name = deventer.name, question = question)
        );
        outln!(
            "  {}",
            t!(
                "demo-gossiped",
                first = kampen.name,
                first_ms = ms(to_kampen),
                second = zwolle.name,
                second_ms = ms(to_zwolle)
            )
        );
        outln!(
            "{}\n",
            t!(
                "demo-answered",
                answerer = zwolle.name,
                asker = deventer.name,
                ms = ms(back)
            )
        );
        outln!(
            "$ wiel search {query}   {}",
            t!("demo-on-node", name = zwolle.name)
        );
        output::search_results(&found, ListFilter::default().limit)?;
        outln!(
            "\n$ wiel show {}   {}",
            asked.id.short(),
            t!("demo-on-node", name = deventer.name)
        );
        output::thread(&thread)?;
        outln!();
    }
    for n in [deventer, kampen, zwolle] {
        n.stop();
    }
    if !json {
        if kept {
            outln!(
                "{}",
                t!(
                    "demo-kept",
                    dir = root.display().to_string(),
                    node_dir = dirs[0].root().display().to_string()
                )
            );
        } else {
            outln!("{}", t!("demo-removed"));
        }
    }
    Ok(())
}
