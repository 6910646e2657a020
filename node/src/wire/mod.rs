//! The local API's vocabulary, shared by the server (`api`) and its client (`client`):
//! what each operation takes and answers, and how a request travels (`routes`). The
//! operations themselves are the table in `ops`; the server and the OpenAPI document
//! made from that table live in `api`; nothing here serves.

use serde::{Deserialize, Serialize};
use wiel_protocol::{Body, SpaceName};
use wiel_store::ListFilter;

use crate::network::PeerView;
use crate::service::{EditSource, Service, ServiceError};

pub mod client;
pub mod routes;

/// How an answer travels: JSON, JSON lines (a list, one item a line) or text as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Lines,
    Text,
}

/// Written to `DATA_DIR/api.json` while the node runs, so the CLI finds it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApiEndpoint {
    pub address: std::net::SocketAddr,
    pub pid: u32,
    pub peer_id: String,
}

impl ApiEndpoint {
    /// Where the node on `dir` said it serves, if a node said so (and did not remove it
    /// when it stopped).
    pub fn read(dir: &crate::DataDir) -> Option<ApiEndpoint> {
        serde_json::from_str(&std::fs::read_to_string(dir.root().join("api.json")).ok()?).ok()
    }
}

/// An error as RFC 9457 problem details, as the API sends it.
#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct ProblemBody {
    /// `urn:wiel:problem:<code>` for an error with a stable code, else `about:blank`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What is wrong, in one line, in the language `Accept-Language` asked for.
    pub detail: String,
}

/// The problem type of an error with a stable code.
pub const PROBLEM_TYPE_PREFIX: &str = "urn:wiel:problem:";

impl ProblemBody {
    /// The stable code in the problem type, if it has one.
    pub fn code(&self) -> Option<&str> {
        self.kind.strip_prefix(PROBLEM_TYPE_PREFIX)
    }
}

/// `POST /api/v1/peers`: what `wiel connect` was told.
#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct Connected {
    pub connected: String,
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

impl StatusView {
    /// The status of this node's store, search index and trust budget: all of `wiel
    /// status` but the network part (which a running node adds).
    pub fn of_store(svc: &Service) -> Result<StatusView, ServiceError> {
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
}

/// `GET /api/v1/health`: answers at once (the CLI asks it to find a running node).
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct Health {
    pub peer_id: String,
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

#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct ConnectRequest {
    pub address: String,
}

/// `POST /api/v1/sync`: start a catch-up sync run.
#[derive(Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct SyncRequest {
    /// A peer id, or a multiaddress ending in `/p2p/<peer id>` (dialled first). Absent:
    /// every connected peer.
    pub peer: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct SyncStarted {
    pub run: crate::network::RunId,
}

/// A login link for the web page: it works once, within ten minutes.
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct WebLogin {
    pub url: String,
}

/// What an operation without parameters takes: nothing (a field sent is refused).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nothing {}

/// An entry named by its id or a unique prefix of it (in the route).
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct EntryRef {
    pub id: String,
}

impl From<&str> for EntryRef {
    fn from(id: &str) -> Self {
        EntryRef { id: id.to_owned() }
    }
}

/// A prefix of an entry id (in the route).
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct PrefixRef {
    pub prefix: String,
}

impl From<&str> for PrefixRef {
    fn from(prefix: &str) -> Self {
        PrefixRef {
            prefix: prefix.to_owned(),
        }
    }
}

/// A sync run (in the route).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, schemars::JsonSchema)]
pub struct SyncRunRef {
    pub run: crate::network::RunId,
}

/// JSON lines of signed entries to import, sent as `text/plain`.
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
#[serde(transparent)]
pub struct ImportText(pub String);

impl ImportText {
    /// Whether requests of type `Q` are this text (a body of its own size and media type).
    pub fn is<Q: 'static>() -> bool {
        std::any::TypeId::of::<Q>() == std::any::TypeId::of::<ImportText>()
    }
}

#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct AnswerRequest {
    /// The question (in the route).
    pub id: String,
    pub text: String,
    /// Publish despite what the privacy guard asks about (see `NewEntry`).
    #[serde(default)]
    pub confirmed_personal_data: bool,
}

#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct RetractRequest {
    /// The entry (in the route).
    pub id: String,
    pub reason: Option<String>,
    /// The reason may hold what the privacy guard asks about (see `NewEntry`).
    #[serde(default)]
    pub confirmed_personal_data: bool,
}

#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct NewVersionRequest {
    pub source: EditSource,
    pub body: Body,
    pub space: Option<SpaceName>,
    #[serde(default)]
    pub confirmed_personal_data: bool,
}

#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct SearchRequest {
    pub query: String,
    pub filter: ListFilter,
}

/// `POST /api/v1/endorsements`: vouch for an organisation.
#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct EndorseRequest {
    /// Key, CBS code, name, or an id (prefix) of one of its entries.
    pub organisation: String,
    pub name: Option<String>,
    pub code: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct WithdrawRequest {
    pub organisation: String,
}

/// `POST /api/v1/keys/revocation`: revoke one of this organisation's keys (named: the
/// current one or one it rotated from) from `since` (default: now) on.
#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct RevokeRequest {
    pub key: wiel_protocol::OrgKey,
    #[serde(default)]
    pub since: Option<wiel_protocol::Timestamp>,
    /// Only whether this organisation may revoke the key: nothing is published, and the
    /// answer is null.
    #[serde(default)]
    pub check_only: bool,
}

/// `POST /api/v1/trust/roots`: add (or with `remove`, take away) a trusted root.
#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct TrustRootRequest {
    pub organisation: String,
    #[serde(default)]
    pub remove: bool,
}

#[derive(Serialize, Deserialize, Debug, schemars::JsonSchema)]
pub struct AuthorQuery {
    pub q: String,
}
