//! `wiel node`: runs the network and the local API on a data directory until told to stop,
//! then shuts down in a fixed order (API, network, ingest worker, store).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use libp2p::Multiaddr;
use tokio_util::sync::CancellationToken;

use crate::api::{self, ApiState};
use crate::network::{self, GossipTiming, SwarmOptions};
use crate::service::Service;
use crate::wire::ApiEndpoint;

/// How `wiel node` runs. Defaults come from `config.toml`; flags override them.
#[derive(Clone, Debug)]
pub struct NodeOptions {
    pub listen: Vec<Multiaddr>,
    pub bootstrap: Vec<Multiaddr>,
    /// Domains whose DNS lists more bootstrap peers (see [`crate::bootstrap_dns`]).
    pub bootstrap_dns: Vec<String>,
    /// Find peers on the local network. Default on.
    pub mdns: bool,
    /// Find peers beyond the bootstrap list. Default on.
    pub kademlia: bool,
    /// A seed: an always-on public node that relays for nodes behind NAT (see
    /// `network::reach`). Default off.
    pub seed: bool,
    /// Relay for others once reachable from outside. Default on.
    pub relay: bool,
    /// Where the local API listens. Default 127.0.0.1 with a free port.
    pub api: SocketAddr,
    /// Serve Prometheus metrics on this address (127.0.0.1 only). Default off.
    pub metrics: Option<SocketAddr>,
    pub timing: GossipTiming,
}

/// Where a node that started can be reached, for the person who started it.
#[derive(Clone, Debug)]
pub struct Ready {
    pub organisation: String,
    /// Its listen addresses with `/p2p/<peer id>`: what another node gives `wiel connect`.
    pub addresses: Vec<String>,
    /// The local API.
    pub api: SocketAddr,
    pub spaces: Vec<String>,
}

/// Reads `[trust]` from `config.toml` again on every SIGHUP (`systemctl reload`), until
/// the node stops; a file with a mistake is reported and changes nothing.
#[cfg(unix)]
async fn reload_on_hangup(service: Arc<Service>, shutdown: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP; config.toml is read at start only");
        return;
    };
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            got = hangups.recv() => if got.is_none() { return },
        }
        let service = service.clone();
        match tokio::task::spawn_blocking(move || service.reload_trust()).await {
            Ok(Ok(promoted)) => tracing::info!(
                newly_trusted = promoted.len(),
                "[trust] read again from config.toml"
            ),
            Ok(Err(e)) => tracing::error!(
                error = %wiel_lang::Localise::message(&e).text(),
                "config.toml not read again; the trust settings stay as they were"
            ),
            Err(e) => tracing::error!(error = %e, "reading config.toml again failed"),
        }
    }
}

/// Peers that connected or went since the last look (see [`run`]): what `wiel node`
/// says on its output, for whoever watches it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeersChanged {
    /// (organisation as this node names it, peer id) of each peer that connected.
    pub joined: Vec<(Option<String>, String)>,
    /// The same, of each peer that went.
    pub left: Vec<(Option<String>, String)>,
    /// Peers connected now.
    pub connected: usize,
}

/// How often [`watch_peers`] looks.
const PEERS_LOOKED_AT_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// Tells `on_peers` which peers connected or went, every
/// [`PEERS_LOOKED_AT_EVERY`] at most, until the node stops.
async fn watch_peers(
    client: network::Client,
    service: Arc<Service>,
    shutdown: CancellationToken,
    mut on_peers: impl FnMut(PeersChanged) + Send + 'static,
) {
    let mut known: std::collections::BTreeMap<String, Option<String>> = Default::default();
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(PEERS_LOOKED_AT_EVERY) => {}
        }
        let Ok(peers) = client.peers().await else {
            return;
        };
        let now: std::collections::BTreeMap<String, Option<String>> = peers
            .into_iter()
            .map(|p| {
                let name = p.org_key.and_then(|k| service.org_name(&k).ok().flatten());
                (p.peer_id, name)
            })
            .collect();
        let changed = PeersChanged {
            joined: now
                .iter()
                .filter(|(id, _)| !known.contains_key(*id))
                .map(|(id, name)| (name.clone(), id.clone()))
                .collect(),
            left: known
                .iter()
                .filter(|(id, _)| !now.contains_key(*id))
                .map(|(id, name)| (name.clone(), id.clone()))
                .collect(),
            connected: now.len(),
        };
        known = now;
        if !changed.joined.is_empty() || !changed.left.is_empty() {
            on_peers(changed);
        }
    }
}

/// Why the node could not run.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    Network(#[from] network::StartError),
    ApiNotLocal(SocketAddr),
    Web(#[from] crate::web::WebSetupError),
    Api {
        addr: SocketAddr,
        reason: String,
    },
    Io {
        path: PathBuf,
        reason: String,
    },
    /// The network ended by itself (see the log).
    NetworkFailed,
}

fn write_private(path: &std::path::Path, text: &str) -> Result<(), NodeError> {
    use std::io::Write;
    let io = |e: std::io::Error| NodeError::Io {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)
}

fn new_token() -> Result<String, NodeError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| NodeError::Io {
        path: "api.token".into(),
        reason: e.to_string(),
    })?;
    Ok(hex::encode(bytes))
}

/// Whether a `Host` header names an IP address or `localhost` (with or without a port).
fn is_address_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

/// Serves `GET /metrics` until `shutdown` fires.
async fn serve_metrics(
    addr: SocketAddr,
    registry: Arc<libp2p::metrics::Registry>,
    shutdown: CancellationToken,
) -> Result<(), NodeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| NodeError::Api {
            addr,
            reason: e.to_string(),
        })?;
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move |headers: axum::http::HeaderMap| {
            let registry = registry.clone();
            async move {
                use axum::response::IntoResponse;
                // A web page elsewhere could point a name of its own at this address (DNS
                // rebinding): only requests for an address or `localhost` are answered.
                let host = headers
                    .get(axum::http::header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("");
                if !is_address_host(host) {
                    return (
                        axum::http::StatusCode::MISDIRECTED_REQUEST,
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "text/plain; charset=utf-8",
                        )],
                        "metrics answer requests for an IP address or localhost only\n".to_owned(),
                    )
                        .into_response();
                }
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    crate::metrics::render(registry.as_ref()),
                )
                    .into_response()
            }
        }),
    );
    tracing::info!(%addr, "metrics");
    tokio::spawn(crate::http::serve(listener, app, shutdown));
    Ok(())
}

/// Serves the web page beyond this machine, as `[web]` set it up, until `shutdown` fires:
/// its own host, origin and sessions, and sign-in through the identity provider only.
async fn serve_shared_page(
    page: crate::web::SharedPage,
    state: crate::web::WebState,
    shutdown: CancellationToken,
) -> Result<(), NodeError> {
    let listener = tokio::net::TcpListener::bind(page.listen)
        .await
        .map_err(|e| crate::web::WebSetupError::CannotListen {
            listen: page.listen,
            reason: e.to_string(),
        })?;
    tracing::info!(listen = %page.listen, address = %page.origin, "web page for colleagues");
    if !page.listen.ip().is_loopback() {
        tracing::warn!(listen = %page.listen, "the web page is served over plain HTTP here: keep the way from the TLS proxy to it inside a network you trust");
    }
    let app = crate::web::router(crate::web::WebState {
        host: Arc::new(page.host),
        origin: Arc::new(page.origin),
        secure: page.secure,
        sign_in: Some(page.sign_in),
        ..state
    });
    tokio::spawn(crate::http::serve(listener, app, shutdown));
    Ok(())
}

/// Runs until `shutdown` fires. Entries acknowledged before that are on disk.
pub async fn run(
    service: Service,
    options: NodeOptions,
    shutdown: CancellationToken,
    on_ready: impl FnOnce(Ready) + Send + 'static,
    on_peers: impl FnMut(PeersChanged) + Send + 'static,
) -> Result<(), NodeError> {
    for addr in std::iter::once(options.api).chain(options.metrics) {
        if !addr.ip().is_loopback() {
            return Err(NodeError::ApiNotLocal(addr));
        }
    }
    // `[web]` is checked before anything starts: a page beyond this machine without
    // sign-in is refused, not served open.
    let shared_page = crate::web::SharedPage::from_config(&service.config().web)?;
    let service = Arc::new(service);
    // Retractions leave zeroed bytes in the entry log; past a threshold, rewrite it first.
    match service.log_usage() {
        Ok(usage) if usage.worth_compacting() => {
            tracing::info!(
                bytes = usage.bytes,
                dead_bytes = usage.dead_bytes,
                "compacting the entry log before starting"
            );
            if let Err(e) = service.compact() {
                tracing::warn!(error = %e, "cannot compact the entry log; going on without");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "cannot measure the entry log"),
    }
    // The search index follows the store on a thread of its own (building it first if it
    // is missing, so start-up does not wait for that).
    let indexer_stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let indexer = {
        let follower = service.clone();
        let stop = indexer_stop.clone();
        std::thread::Builder::new()
            .name("wiel-indexer".into())
            .spawn(move || follower.follow_with_index(&stop))
            .map_err(|e| NodeError::Io {
                path: service.data_dir().root().to_owned(),
                reason: format!("cannot start the search indexer thread: {e}"),
            })?
    };
    // Our writes reach the network by themselves (`events`). (Only one network listens;
    // were one listening already, this one would hear nothing and keep its sender.)
    let (_unheard, written) = match service.listen() {
        Some(rx) => (None, rx),
        None => {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            (Some(tx), rx)
        }
    };
    let mut registry = libp2p::metrics::Registry::default();
    let dir = service.data_dir().clone();
    let config = service.config().clone();
    let network_token = shutdown.child_token();
    let mut bootstrap = options.bootstrap.clone();
    // All domains at once: one that does not answer delays the start by its timeout only.
    let mut domains = options.bootstrap_dns.clone();
    domains.sort();
    domains.dedup();
    let answers =
        futures::future::join_all(domains.iter().map(|d| crate::bootstrap_dns::resolve(d))).await;
    for (domain, answer) in domains.iter().zip(answers) {
        match answer {
            Ok(found) => {
                tracing::info!(%domain, count = found.len(), "bootstrap peers from DNS");
                for addr in found {
                    if !bootstrap.contains(&addr) {
                        bootstrap.push(addr);
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%domain, %error, "no bootstrap peers from DNS; starting without them")
            }
        }
    }
    let running = network::start(
        service.keypair(),
        service.store().clone(),
        SwarmOptions {
            network: config.network.clone(),
            spaces: config.followed_spaces(),
            listen: options.listen.clone(),
            bootstrap,
            mdns: options.mdns,
            kademlia: options.kademlia,
            seed: options.seed,
            relay: options.relay,
            trust: service.trust().clone(),
            timing: options.timing.clone(),
            in_process: false,
        },
        &mut registry,
        written,
        network_token.clone(),
    )?;
    registry.register_collector(Box::new(crate::metrics::CounterCollector(
        running.counters.clone(),
    )));
    let network::Running {
        client: network_client,
        counters: network_counters,
        event_loop,
        worker,
        ..
    } = running;
    // A network that ends before it was told to (a bug) stops the whole node, with an
    // error, so that whatever runs it (systemd) starts it again: never a node that answers
    // `wiel status` but no longer takes part.
    let network_failed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let network_watch = {
        let (shutdown, failed) = (shutdown.clone(), network_failed.clone());
        tokio::spawn(async move {
            let ended = event_loop.await;
            if !shutdown.is_cancelled() {
                let panicked = ended.as_ref().is_err_and(|e| e.is_panic());
                tracing::error!(
                    panicked,
                    "the network stopped unexpectedly; stopping the node"
                );
                failed.store(true, std::sync::atomic::Ordering::SeqCst);
                shutdown.cancel();
            }
        })
    };
    if let Some(addr) = options.metrics {
        serve_metrics(addr, Arc::new(registry), shutdown.clone()).await?;
    }

    let listener = tokio::net::TcpListener::bind(options.api)
        .await
        .map_err(|e| NodeError::Api {
            addr: options.api,
            reason: e.to_string(),
        })?;
    let address = listener.local_addr().map_err(|e| NodeError::Api {
        addr: options.api,
        reason: e.to_string(),
    })?;
    let token = new_token()?;
    write_private(&dir.root().join("api.token"), &token)?;
    let endpoint = ApiEndpoint {
        address,
        pid: std::process::id(),
        peer_id: network_client.peer_id().to_string(),
    };
    let endpoint_json = serde_json::to_string_pretty(&endpoint).unwrap_or_default();
    write_private(&dir.root().join("api.json"), &endpoint_json)?;
    tracing::info!(api = %address, peer_id = %endpoint.peer_id, "node running");
    {
        // Where others reach it: the listen addresses, once the swarm has them.
        let client = network_client.clone();
        let peer_id = endpoint.peer_id.clone();
        let organisation = service.config().organisation.name.clone();
        let spaces = service.config().followed_spaces();
        tokio::spawn(async move {
            let mut listening = Vec::new();
            for _ in 0..50 {
                match client.status().await {
                    Ok(s) if !s.listening.is_empty() => {
                        listening = s.listening;
                        break;
                    }
                    Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                    Err(_) => return,
                }
            }
            crate::systemd::notify(&format!(
                "READY=1\nSTATUS=listening on {}",
                listening
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            on_ready(Ready {
                organisation,
                addresses: listening
                    .iter()
                    .map(|a| format!("{a}/p2p/{peer_id}"))
                    .collect(),
                api: address,
                spaces: spaces.iter().map(|s| s.to_string()).collect(),
            });
        });
    }
    #[cfg(unix)]
    tokio::spawn(reload_on_hangup(service.clone(), shutdown.clone()));
    tokio::spawn(crate::systemd::keep_alive(
        network_client.clone(),
        shutdown.clone(),
    ));
    tokio::spawn(watch_peers(
        network_client.clone(),
        service.clone(),
        shutdown.clone(),
        on_peers,
    ));

    let audit = Arc::new(crate::audit::AuditLog::new(dir.root()));
    if let Some(page) = shared_page {
        serve_shared_page(
            page,
            crate::web::WebState {
                service: service.clone(),
                sessions: Arc::new(crate::web::Sessions::default()),
                network: network_client.clone(),
                host: Arc::default(),
                origin: Arc::default(),
                secure: false,
                sign_in: None,
                audit: audit.clone(),
                stop: shutdown.clone(),
            },
            shutdown.clone(),
        )
        .await?;
    }
    let sessions = Arc::new(crate::web::Sessions::default());
    let web_host = format!(
        "{}:{}",
        crate::web::host_name().map_err(|e| NodeError::Io {
            path: dir.root().to_owned(),
            reason: e.to_string(),
        })?,
        address.port()
    );
    let state = ApiState {
        service: service.clone(),
        network: network_client.clone(),
        counters: network_counters.clone(),
        token: Arc::new(token),
        sessions: sessions.clone(),
        origin: Arc::new(format!("http://{web_host}")),
    };
    let origin = state.origin.clone();
    // The web page beside the API, over the same service (see `web`).
    let app = api::router(state.clone()).merge(crate::web::router(crate::web::WebState {
        service: service.clone(),
        sessions,
        network: network_client.clone(),
        host: Arc::new(web_host),
        origin,
        secure: false,
        sign_in: None,
        audit,
        stop: shutdown.clone(),
    }));
    crate::http::serve(listener, app, shutdown.clone()).await;

    // Fixed order: the API is closed; now the network, then the worker, then the store.
    shutdown.cancel();
    crate::systemd::notify("STOPPING=1");
    let _ = std::fs::remove_file(dir.root().join("api.json"));
    let _ = std::fs::remove_file(dir.root().join("api.token"));
    drop(network_client);
    let _ = network_watch.await;
    let _ = tokio::task::spawn_blocking(move || worker.join()).await;
    indexer_stop.store(true, std::sync::atomic::Ordering::Release);
    let _ = tokio::task::spawn_blocking(move || indexer.join()).await;
    if let Err(e) = state.service.store().flush() {
        tracing::error!(error = %e, "cannot flush the store at shutdown");
    }
    if network_failed.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(NodeError::NetworkFailed);
    }
    tracing::info!("node stopped");
    Ok(())
}
