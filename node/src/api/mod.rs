//! The local API: HTTP+JSON on 127.0.0.1 for the CLI while a node runs. A thin layer over
//! the [`Service`]; every call needs the token from `DATA_DIR/api.token`.
//! Errors are `application/problem+json` (`problem`); `GET /openapi.json` describes it all.
//! The node's own routes (status, peers, sync) are here; the others by concern in
//! `entries`, `trust` and `upkeep`.

use std::sync::Arc;

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use wiel_protocol::EntryId;
use wiel_store::ListFilter;

use crate::network::{Client, Counters, NetworkStatus};
use crate::service::{EditSource, NewEntry, Service, ServiceError};

mod entries;
mod problem;
mod trust;
mod upkeep;

use crate::wire::*;
use entries::*;
use problem::*;
use trust::*;
use upkeep::*;

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub service: Arc<Service>,
    pub network: Client,
    pub counters: Arc<Counters>,
    pub token: Arc<String>,
    /// The web page's sessions: the API hands out its login links.
    pub sessions: Arc<crate::web::Sessions>,
    /// Where the node serves, for the login link: `http://127.0.0.1:PORT`.
    pub origin: Arc<String>,
}

/// Runs a service call on the blocking pool (the store does disk I/O).
async fn blocking<T: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&Service) -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, Problem> {
    let service = state.service.clone();
    // What the service words itself (a name shown as a claim) in the request's language.
    let reader = problem::request_language();
    tokio::task::spawn_blocking(move || wiel_lang::for_reader(reader, || f(&service)))
        .await
        .map_err(|e| internal_failure(&e))?
        .map_err(Problem::from)
}

/// [`blocking`], for an operation of [`crate::ops::Operations`] on the service.
async fn blocking_op<T: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&Service) -> Result<T, crate::ops::OpError> + Send + 'static,
) -> Result<T, Problem> {
    let service = state.service.clone();
    // What the service words itself (a name shown as a claim) in the request's language.
    let reader = problem::request_language();
    tokio::task::spawn_blocking(move || wiel_lang::for_reader(reader, || f(&service)))
        .await
        .map_err(|e| internal_failure(&e))?
        .map_err(Problem::from)
}

async fn require_token(
    State(state): State<ApiState>,
    headers: HeaderMap,
    req: Request,
    next: Next,
) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(t) if constant_time_eq(t.as_bytes(), state.token.as_bytes()) => next.run(req).await,
        _ => refused(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            wiel_lang::msg!("api-unauthorized"),
        )
        .into_response(),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn router(state: ApiState) -> Router {
    Router::new()
        .route(routes::HEALTH, get(health))
        .route(routes::STATUS, get(status))
        .route(routes::PEERS, get(peers).post(connect))
        .route(routes::SYNC, post(start_sync))
        .route(routes::ENDORSEMENTS, post(endorse))
        .route(routes::ENDORSEMENT_WITHDRAWAL, post(withdraw_endorsement))
        .route(routes::KEY_REVOCATION, post(revoke_key))
        .route(routes::TRUST, get(trust))
        .route(routes::TRUST_ROOTS, post(trust_roots))
        .route(routes::SYNC_RUN, get(sync_report))
        .route(routes::ENTRIES, get(list).post(publish))
        .route(routes::ENTRY, get(show))
        .route(routes::ANSWERS, post(answer))
        .route(routes::RETRACTION, post(retract))
        .route(routes::EDIT_SOURCE, get(edit_source))
        .route(routes::VERSIONS, post(new_version))
        .route(routes::RESOLVE, get(resolve))
        .route(routes::SEARCH, post(search))
        .route(routes::REINDEX, post(reindex))
        .route(routes::CHECK, post(check))
        .route(routes::COMPACT, post(compact))
        .route(routes::ORGANISATIONS, get(organisations))
        .route(routes::ORGANISATIONS_RESOLVE, get(resolve_author))
        .route(
            routes::IMPORT,
            post(import).layer(axum::extract::DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route(routes::EXPORT, get(export))
        .route(routes::BACKUP, get(backup))
        .route(routes::WEB_LOGIN, post(web_login))
        .route(routes::OPENAPI, get(openapi))
        // Any other path is answered here, as problem details: the web page merged beside
        // the API answers only its own routes.
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        .layer(middleware::from_fn(as_problem))
        .with_state(state)
}

async fn health(State(s): State<ApiState>) -> ApiResult<Health> {
    Ok(Json(Health {
        peer_id: s.network.peer_id().to_string(),
    }))
}

async fn status(State(s): State<ApiState>) -> ApiResult<StatusView> {
    let net: NetworkStatus = s.network.status().await.map_err(internal)?;
    let synced = net.spaces.clone();
    let mut view = blocking(&s, move |svc| {
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
    Ok(Json(view))
}

async fn peers(State(s): State<ApiState>) -> ApiResult<Vec<PeerEntry>> {
    let peers = s.network.peers().await.map_err(internal)?;
    let out = blocking(&s, move |svc| {
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
    .await?;
    Ok(Json(out))
}

async fn start_sync(
    State(s): State<ApiState>,
    Json(req): Json<SyncRequest>,
) -> ApiResult<SyncStarted> {
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
    Ok(Json(SyncStarted { run }))
}

/// `GET /api/v1/sync/{run}`: progress of a sync run.
async fn sync_report(
    State(s): State<ApiState>,
    Path(run): Path<crate::network::RunId>,
) -> ApiResult<crate::network::SyncReport> {
    match s.network.sync_report(run).await.map_err(internal)? {
        Some(report) => Ok(Json(report.in_language(problem::request_language()))),
        None => Err(refused(
            StatusCode::NOT_FOUND,
            "Not found",
            wiel_lang::msg!("api-no-sync-run", run = run.to_string()),
        )),
    }
}

async fn connect(
    State(s): State<ApiState>,
    Json(req): Json<ConnectRequest>,
) -> ApiResult<Connected> {
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
    Ok(Json(Connected {
        connected: req.address,
    }))
}

/// `POST /api/v1/web/login`: a one-time login link for the web page (`wiel web`).
async fn web_login(State(s): State<ApiState>) -> ApiResult<WebLogin> {
    let token = s.sessions.new_link().map_err(|e| internal_failure(&e))?;
    Ok(Json(WebLogin {
        url: format!("{}/inloggen/{token}", s.origin),
    }))
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::wire::openapi::document())
}
