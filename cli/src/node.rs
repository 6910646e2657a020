//! `wiel node`: the daemon. Flags override `config.toml`; SIGINT or SIGTERM stop it cleanly.

use std::time::Duration;

use anyhow::{Context, Result};
use libp2p::Multiaddr;
use tokio_util::sync::CancellationToken;
use wiel_node::network::GossipTiming;
use wiel_node::runtime::{self, NodeOptions};
use wiel_node::{DataDir, Service};

use crate::args::NodeArgs;
use wiel_lang::{Message, msg, t};

/// Network addresses from the flags or `config.toml`; `what` says which (a message id).
fn addrs(list: &[String], what: Message) -> Result<Vec<Multiaddr>> {
    list.iter()
        .map(|a| {
            a.parse::<Multiaddr>()
                .with_context(|| t!("not-an-address", what = what.clone(), address = a.as_str()))
        })
        .collect()
}

/// Opens the store, waiting a little for a CLI command that holds it right now.
fn open(dir: DataDir) -> Result<Service> {
    Ok(Service::open_waiting(dir, wiel_node::ops::LOCK_WAIT)?)
}

pub fn run(dir: DataDir, a: NodeArgs) -> Result<()> {
    if wiel_node::wire::client::ApiClient::find(&dir).is_some() {
        anyhow::bail!(t!(
            "node-already-running",
            dir = dir.root().display().to_string()
        ));
    }
    // Files left by a node that was killed: nobody answers there any more.
    let _ = std::fs::remove_file(dir.root().join("api.json"));
    let _ = std::fs::remove_file(dir.root().join("api.token"));
    rebuild_headers(&dir);
    let service = open(dir.clone())?;
    let config = service.config().node.clone();
    let listen = if a.listen.is_empty() {
        config.listen
    } else {
        a.listen
    };
    let mut bootstrap = config.bootstrap;
    bootstrap.extend(a.bootstrap);
    let options = NodeOptions {
        listen: addrs(&listen, msg!("listen-address"))?,
        bootstrap: addrs(&bootstrap, msg!("bootstrap-address"))?,
        bootstrap_dns: config.bootstrap_dns,
        mdns: config.mdns && !a.no_mdns,
        kademlia: !a.no_kademlia,
        seed: config.seed || a.seed,
        relay: config.relay,
        api: a.api,
        metrics: a.metrics,
        timing: GossipTiming {
            heartbeat: Duration::from_millis(a.heartbeat_ms.max(10)),
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .with_context(|| t!("no-runtime"))?;
    let wanted = wiel_node::limits::OPEN_FILES_WANTED;
    let open_files = wiel_node::limits::raise_open_files(wanted);
    runtime.block_on(async move {
        if open_files < wanted {
            tracing::warn!(
                open_files,
                wanted,
                "this process may open only {open_files} files; connections past that fail (raise LimitNOFILE or ulimit -n)"
            );
        }
        let shutdown = CancellationToken::new();
        let signal = shutdown.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("stopping");
            signal.cancel();
        });
        runtime::run(
            service,
            options,
            shutdown,
            |ready| {
                // A sign of life for whoever started it (logs go to stderr); nobody reading
                // it is no reason to stop.
                let mut said = vec![t!(
                    "node-running",
                    organisation = ready.organisation.as_str(),
                    spaces = ready.spaces.join(", "),
                    api = ready.api.to_string()
                )];
                for address in &ready.addresses {
                    said.push(format!(
                        "  {}",
                        t!("node-connect-with", address = address.as_str())
                    ));
                }
                said.push(t!("node-stop-with"));
                say(&said);
            },
            |changed| say(&peer_lines(&changed)),
        )
        .await
    })?;
    // Whatever still holds the store (a request being answered) gets a moment to end.
    runtime.shutdown_timeout(Duration::from_secs(5));
    rebuild_headers(&dir);
    outln!("{}", t!("node-stopped"));
    Ok(())
}

/// Gives the header database's free space back when most of its file is free, as a node
/// starts and once it stopped (see `wiel_store::rebuild_if_worth`): every command that
/// opens the store pays for that space. A problem is logged, never fatal: the store works
/// as it is.
fn rebuild_headers(dir: &DataDir) {
    if let Err(e) = wiel_store::rebuild_if_worth(&dir.store_path(), false) {
        tracing::warn!(error = %e, "cannot rebuild the header database; going on without");
    }
}

/// Lines on standard output, for whoever started the node (logs go to stderr); nobody
/// reading them is no reason to stop.
fn say(lines: &[String]) {
    let _ = std::io::Write::write_all(
        &mut std::io::stdout(),
        format!("{}\n", lines.join("\n")).as_bytes(),
    );
}

/// Names shown per change, at most: a busy network must not flood the output.
const PEERS_NAMED: usize = 8;

/// "Verbonden met Gemeente Kampen (peer 12D3…)", one line per peer up to
/// [`PEERS_NAMED`], then how many more, then how many are connected now.
fn peer_lines(changed: &wiel_node::runtime::PeersChanged) -> Vec<String> {
    let name = |(org, peer): &(Option<String>, String)| match org {
        Some(org) => t!(
            "node-peer-named",
            organisation = org.as_str(),
            peer = peer.as_str()
        ),
        None => t!("node-peer-unnamed", peer = peer.as_str()),
    };
    let mut lines = Vec::new();
    for (list, joined) in [(&changed.joined, true), (&changed.left, false)] {
        for peer in list.iter().take(PEERS_NAMED) {
            lines.push(if joined {
                t!("node-peer-joined", peer = name(peer))
            } else {
                t!("node-peer-left", peer = name(peer))
            });
        }
        if list.len() > PEERS_NAMED {
            lines.push(t!("candidates-more", count = list.len() - PEERS_NAMED));
        }
    }
    lines.push(t!("node-peers-connected", count = changed.connected));
    lines
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
