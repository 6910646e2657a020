//! What only a running node answers: its health and status with the network's view, its
//! peers, connecting, sync runs, the web page's login links, and a check that fetches
//! what it found damaged.

use super::*;

pub(super) async fn health(s: &ApiState, _: Nothing) -> Result<Health, Problem> {
    Ok(Health {
        peer_id: s.network.peer_id().to_string(),
    })
}

pub(super) async fn status(s: &ApiState, _: Nothing) -> Result<StatusView, Problem> {
    let net: NetworkStatus = s.network.status().await.map_err(internal)?;
    let synced = net.spaces.clone();
    let mut view = blocking(s, move |svc| {
        let mut view = StatusView::of_store(svc)?;
        for count in &mut view.spaces {
            let last = synced
                .iter()
                .find(|s| s.space == count.space)
                .and_then(|s| s.last_sync.clone());
            count.last_sync = match last {
                Some(l) => Some(crate::view::LastSync {
                    organisation: match &l.org_key {
                        Some(k) => svc.org_name(k)?,
                        None => None,
                    },
                    at: l.at,
                    peer_id: l.peer_id,
                    missing: l.missing,
                    stored: l.stored,
                }),
                None => None,
            };
        }
        Ok(view)
    })
    .await?;
    use std::sync::atomic::Ordering::Relaxed;
    let counters = &s.counters;
    let last = counters.last_stored_at.load(Relaxed);
    view.network = Some(NetworkStatusView {
        peer_id: net.peer_id,
        listening: net.listening,
        peers: net.peers,
        outbox: net.outbox,
        reach: net.reach,
    });
    view.received = counters.received.load(Relaxed);
    view.stored_from_network = counters.stored.load(Relaxed);
    view.rejected = counters
        .rejected()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    view.last_received_at = (last > 0).then_some(last);
    Ok(view)
}

pub(super) async fn peers(s: &ApiState, _: Nothing) -> Result<Vec<PeerEntry>, Problem> {
    let peers = s.network.peers().await.map_err(internal)?;
    blocking(s, move |svc| {
        peers
            .into_iter()
            .map(|p| {
                let organisation = match &p.org_key {
                    Some(k) => svc.org_name(k)?,
                    None => None,
                };
                let trusted = p
                    .org_key
                    .is_some_and(|k| svc.trust().current().is_trusted(&k));
                Ok(PeerEntry {
                    peer: p,
                    organisation,
                    trusted,
                })
            })
            .collect()
    })
    .await
}

pub(super) async fn sync_start(s: &ApiState, req: SyncRequest) -> Result<SyncStarted, Problem> {
    let refused = |message: wiel_lang::Message| {
        problem::refused(StatusCode::UNPROCESSABLE_ENTITY, "Refused", message)
    };
    let peer = match req.peer.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) if text.starts_with('/') => {
            let addr: libp2p::Multiaddr = text
                .parse()
                .map_err(|_| refused(wiel_lang::msg!("api-not-an-address", address = text)))?;
            let peer = crate::network::peer_of(&addr)
                .ok_or_else(|| refused(wiel_lang::msg!("api-no-peer-id", address = text)))?;
            s.network.dial(addr).await.map_err(|e| {
                problem::refused(
                    StatusCode::BAD_GATEWAY,
                    "Cannot connect",
                    wiel_lang::Localise::message(&e),
                )
            })?;
            Some(peer)
        }
        Some(text) => Some(
            text.parse::<libp2p::PeerId>()
                .map_err(|_| refused(wiel_lang::msg!("api-not-a-peer", peer = text)))?,
        ),
    };
    let run = s.network.sync(peer).await.map_err(|e| match e {
        crate::network::NetworkError::Stopped => internal(e),
        other => problem::refused(
            StatusCode::CONFLICT,
            "Cannot sync",
            wiel_lang::Localise::message(&other),
        ),
    })?;
    Ok(SyncStarted { run })
}

/// `GET /api/v1/sync/{run}`: progress of a sync run.
pub(super) async fn sync_report(
    s: &ApiState,
    SyncRunRef { run }: SyncRunRef,
) -> Result<crate::network::SyncReport, Problem> {
    match s.network.sync_report(run).await.map_err(internal)? {
        Some(report) => Ok(report.in_language(problem::request_language())),
        None => Err(refused(
            StatusCode::NOT_FOUND,
            "Not found",
            wiel_lang::msg!("api-no-sync-run", run = run.to_string()),
        )),
    }
}

pub(super) async fn connect(s: &ApiState, req: ConnectRequest) -> Result<Connected, Problem> {
    let addr = req.address.parse().map_err(|_: libp2p::multiaddr::Error| {
        refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Refused",
            wiel_lang::msg!("api-not-an-address", address = req.address.as_str()),
        )
    })?;
    s.network.connect(addr).await.map_err(|e| {
        refused(
            StatusCode::BAD_GATEWAY,
            "Cannot connect",
            wiel_lang::Localise::message(&e),
        )
    })?;
    Ok(Connected {
        connected: req.address,
    })
}

/// `POST /api/v1/web/login`: a one-time login link for the web page (`wiel web`).
pub(super) async fn web_login(s: &ApiState, _: Nothing) -> Result<WebLogin, Problem> {
    let token = s.sessions.new_link().map_err(|e| internal_failure(&e))?;
    Ok(WebLogin {
        url: format!("{}/inloggen/{token}", s.origin),
    })
}

/// Rechecks every stored entry; damaged ones are quarantined and fetched again from peers
/// at once.
pub(super) async fn check(s: &ApiState, _: Nothing) -> Result<wiel_store::CheckReport, Problem> {
    let report = blocking(s, |svc| svc.check()).await?;
    if !report.quarantined.is_empty()
        && let Err(e) = s.network.sync(None).await
    {
        tracing::warn!(error = %e, "cannot start a catch-up sync after the check");
    }
    Ok(report)
}
