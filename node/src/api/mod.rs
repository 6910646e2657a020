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
use serde::{Deserialize, Serialize};
use wiel_protocol::{Body, EntryId, SpaceName};
use wiel_store::ListFilter;

use crate::network::{Client, Counters, NetworkStatus, PeerView};
use crate::service::{EditSource, NewEntry, Service, ServiceError};

pub mod client;
mod entries;
mod problem;
pub mod routes;
mod trust;
mod upkeep;

use entries::*;
pub use entries::{AnswerRequest, NewVersionRequest, RetractRequest, SearchRequest};
pub use problem::ProblemBody;
use problem::*;
use trust::*;
pub use trust::{AuthorQuery, EndorseRequest, RevokeRequest, TrustRootRequest, WithdrawRequest};
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
    tokio::task::spawn_blocking(move || f(&service))
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
    tokio::task::spawn_blocking(move || f(&service))
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

/// `GET /api/v1/status`
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct StatusView {
    pub organisation: String,
    pub org_key: String,
    pub network_id: String,
    /// `None` when no node runs (the CLI reads the store itself).
    pub network: Option<NetworkStatusView>,
    pub entries: usize,
    pub spaces: Vec<crate::view::SpaceCount>,
    pub received: u64,
    pub stored_from_network: u64,
    pub rejected: std::collections::BTreeMap<String, u64>,
    /// Unix ms of the last entry stored from the network.
    pub last_received_at: Option<u64>,
    #[serde(default)]
    pub search: crate::service::SearchStatus,
    /// What this node keeps apart, against its budget.
    #[serde(default)]
    pub kept_apart: crate::view::KeptApart,
}

#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct NetworkStatusView {
    pub peer_id: String,
    pub listening: Vec<String>,
    pub peers: usize,
    pub outbox: usize,
    /// Whether others can reach this node, and how (AutoNAT, relays, hole punches).
    pub reach: crate::network::ReachView,
}

/// The status of this node's store, search index and trust budget: all of `wiel status`
/// but the network part (which a running node adds).
pub(crate) fn local_status(svc: &Service) -> Result<StatusView, ServiceError> {
    let (counts, kept_apart) = svc.space_counts_and_budget()?;
    Ok(StatusView {
        organisation: svc.config().organisation.name.clone(),
        org_key: svc.org_key().to_hex(),
        network_id: svc.config().network.to_string(),
        network: None,
        entries: counts.iter().map(|c| c.entries).sum(),
        spaces: counts,
        received: 0,
        stored_from_network: 0,
        rejected: std::collections::BTreeMap::new(),
        last_received_at: None,
        search: svc.search_status()?,
        kept_apart,
    })
}

/// `GET /api/v1/health`: answers at once (the CLI asks it to find a running node).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Health {
    pub peer_id: String,
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
        let mut view = local_status(svc)?;
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

/// A connected peer with its organisation's name.
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct PeerEntry {
    #[serde(flatten)]
    pub peer: PeerView,
    pub organisation: Option<String>,
    /// Whether this node trusts the organisation behind the peer.
    #[serde(default)]
    pub trusted: bool,
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

#[derive(Serialize, Deserialize)]
pub struct ConnectRequest {
    pub address: String,
}

/// `POST /api/v1/sync`: start a catch-up sync run.
#[derive(Serialize, Deserialize, Default)]
pub struct SyncRequest {
    /// A peer id, or a multiaddress ending in `/p2p/<peer id>` (dialled first). Absent:
    /// every connected peer.
    pub peer: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct SyncStarted {
    pub run: crate::network::RunId,
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
) -> ApiResult<serde_json::Value> {
    let addr = req.address.parse().map_err(|_: libp2p::multiaddr::Error| {
        refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Refused",
            wiel_lang::msg!("api-not-an-address", address = req.address.as_str()),
        )
    })?;
    s.network.dial(addr).await.map_err(|e| {
        refused(
            StatusCode::BAD_GATEWAY,
            "Cannot connect",
            wiel_lang::Localise::message(&e),
        )
    })?;
    Ok(Json(serde_json::json!({ "connected": req.address })))
}

/// `POST /api/v1/web/login`: a one-time login link for the web page (`wiel web`).
async fn web_login(State(s): State<ApiState>) -> ApiResult<WebLogin> {
    let token = s.sessions.new_link().map_err(|e| internal_failure(&e))?;
    Ok(Json(WebLogin {
        url: format!("{}/inloggen/{token}", s.origin),
    }))
}

/// A login link for the web page: it works once, within ten minutes.
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct WebLogin {
    pub url: String,
}

async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
}
