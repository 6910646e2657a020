//! Where a command is carried out: in this process on the store (no node running), or by
//! the running node through its local API (sled allows one process per store).

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wiel_node::api::{
    AnswerRequest, ConnectRequest, Health, NewVersionRequest, PeerEntry, ProblemBody,
    RetractRequest, SearchRequest, StatusView,
};
use wiel_node::exchange::ExportLine;
use wiel_node::network::SyncReport;
use wiel_node::runtime::ApiEndpoint;
use wiel_node::service::{EditSource, ImportReport, ReindexReport};
use wiel_node::view::SearchResults;
use wiel_node::{DataDir, EntryView, NewEntry, Published, Service, ThreadView};
use wiel_protocol::{Body, EntryId, OrgKey, SpaceName};
use wiel_store::ListFilter;

/// How long a command waits for a store held by another process.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

pub fn is_locked(e: &wiel_node::ServiceError) -> bool {
    matches!(
        e,
        wiel_node::ServiceError::Store(wiel_store::StoreError::Locked { .. })
    )
}

/// The running node's local API.
pub struct Remote {
    agent: ureq::Agent,
    base: String,
    token: String,
}

pub enum Backend {
    Local(Box<Service>),
    Remote(Remote),
}

impl Remote {
    /// The node running on `dir`, if one answers.
    pub fn find(dir: &DataDir) -> Option<Remote> {
        let endpoint: ApiEndpoint =
            serde_json::from_str(&std::fs::read_to_string(dir.root().join("api.json")).ok()?)
                .ok()?;
        let token = std::fs::read_to_string(dir.root().join("api.token")).ok()?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(2)))
            .timeout_global(Some(Duration::from_secs(600)))
            .build()
            .into();
        let remote = Remote {
            agent,
            base: format!("http://{}", endpoint.address),
            token: token.trim().to_owned(),
        };
        // A stale file from a node that died: ignore it.
        remote.get::<Health>("/api/v1/health").ok().map(|_| remote)
    }

    fn read<T: DeserializeOwned>(mut resp: ureq::http::Response<ureq::Body>) -> Result<T> {
        let status = resp.status();
        if status.is_success() {
            return resp
                .body_mut()
                .with_config()
                .limit(u64::MAX)
                .read_json::<T>()
                .context("the node's answer could not be read");
        }
        match resp.body_mut().read_json::<ProblemBody>() {
            Ok(p) => Err(anyhow!("{}", p.detail)),
            Err(_) => Err(anyhow!("the node answered {status}")),
        }
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let resp = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .call()
            .context("cannot reach the running node")?;
        Self::read(resp)
    }

    fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let resp = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .send_json(body)
            .context("cannot reach the running node")?;
        Self::read(resp)
    }

    fn post_text<T: DeserializeOwned>(&self, path: &str, text: String) -> Result<T> {
        let resp = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", "text/plain")
            .send(text)
            .context("cannot reach the running node")?;
        Self::read(resp)
    }

    fn get_text(&self, path: &str) -> Result<String> {
        let mut resp = self
            .agent
            .get(format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {}", self.token))
            .call()
            .context("cannot reach the running node")?;
        if !resp.status().is_success() {
            return Self::read::<()>(resp).map(|_| String::new());
        }
        resp.body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_string()
            .context("the node's answer could not be read")
    }
}

/// Escapes one path segment (ids and prefixes are hex, but users type anything).
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Backend {
    /// The running node if there is one, else the store itself. A store that another
    /// process holds briefly (a node starting, another command) is waited for up to 10 s.
    pub fn open(dir: &DataDir) -> Result<Backend> {
        let start = std::time::Instant::now();
        loop {
            if let Some(remote) = Remote::find(dir) {
                return Ok(Backend::Remote(remote));
            }
            match Service::open(dir.clone()) {
                Ok(service) => return Ok(Backend::Local(Box::new(service))),
                Err(e) if is_locked(&e) && start.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub fn publish(&self, new: NewEntry) -> Result<Published> {
        match self {
            Backend::Local(s) => Ok(s.publish(new)?),
            Backend::Remote(r) => r.post("/api/v1/entries", &new),
        }
    }

    pub fn answer(&self, question: &str, text: String, confirmed: bool) -> Result<Published> {
        match self {
            Backend::Local(s) => Ok(s.answer(s.resolve(question)?, text, confirmed)?),
            Backend::Remote(r) => r.post(
                &format!("/api/v1/entries/{}/answers", segment(question)),
                &AnswerRequest {
                    text,
                    confirmed_personal_data: confirmed,
                },
            ),
        }
    }

    pub fn retract(&self, target: &str, reason: Option<String>) -> Result<Vec<Published>> {
        match self {
            Backend::Local(s) => Ok(s.retract(s.resolve(target)?, reason)?),
            Backend::Remote(r) => r.post(
                &format!("/api/v1/entries/{}/retraction", segment(target)),
                &RetractRequest { reason },
            ),
        }
    }

    pub fn edit_source(&self, target: &str) -> Result<EditSource> {
        match self {
            Backend::Local(s) => Ok(s.edit_source(s.resolve(target)?)?),
            Backend::Remote(r) => {
                r.get(&format!("/api/v1/entries/{}/edit-source", segment(target)))
            }
        }
    }

    pub fn new_version(
        &self,
        source: EditSource,
        body: Body,
        space: Option<SpaceName>,
        confirmed: bool,
    ) -> Result<Option<Published>> {
        match self {
            Backend::Local(s) => Ok(s.new_version(&source, body, space, confirmed)?),
            Backend::Remote(r) => r.post(
                "/api/v1/versions",
                &NewVersionRequest {
                    source,
                    body,
                    space,
                    confirmed_personal_data: confirmed,
                },
            ),
        }
    }

    pub fn resolve(&self, prefix: &str) -> Result<EntryId> {
        match self {
            Backend::Local(s) => Ok(s.resolve(prefix)?),
            Backend::Remote(r) => r.get(&format!("/api/v1/resolve/{}", segment(prefix))),
        }
    }

    pub fn thread(&self, prefix: &str) -> Result<ThreadView> {
        match self {
            Backend::Local(s) => Ok(s.thread(&s.resolve(prefix)?)?),
            Backend::Remote(r) => r.get(&format!("/api/v1/entries/{}", segment(prefix))),
        }
    }

    pub fn list(&self, filter: &ListFilter) -> Result<Vec<EntryView>> {
        match self {
            Backend::Local(s) => Ok(s.list(filter)?),
            Backend::Remote(r) => {
                let query =
                    serde_urlencoded::to_string(filter).context("cannot encode the filter")?;
                r.get(&format!("/api/v1/entries?{query}"))
            }
        }
    }

    pub fn check(&self) -> Result<wiel_store::CheckReport> {
        match self {
            Backend::Local(s) => Ok(s.check()?),
            Backend::Remote(r) => r.post("/api/v1/check", &serde_json::Value::Null),
        }
    }

    pub fn compact(&self) -> Result<wiel_store::Compacted> {
        match self {
            Backend::Local(s) => Ok(s.compact()?),
            Backend::Remote(r) => r.post("/api/v1/compact", &serde_json::Value::Null),
        }
    }

    pub fn reindex(&self) -> Result<ReindexReport> {
        match self {
            Backend::Local(s) => Ok(s.reindex()?),
            Backend::Remote(r) => r.post("/api/v1/reindex", &serde_json::Value::Null),
        }
    }

    pub fn search(&self, query: &str, filter: &ListFilter) -> Result<SearchResults> {
        match self {
            Backend::Local(s) => Ok(s.search(query, filter)?),
            Backend::Remote(r) => r.post(
                "/api/v1/search",
                &SearchRequest {
                    query: query.to_owned(),
                    filter: filter.clone(),
                },
            ),
        }
    }

    pub fn resolve_author(&self, q: &str) -> Result<OrgKey> {
        match self {
            Backend::Local(s) => Ok(s.resolve_author(q)?),
            Backend::Remote(r) => {
                let query =
                    serde_urlencoded::to_string([("q", q)]).context("cannot encode the query")?;
                r.get(&format!("/api/v1/organisations/resolve?{query}"))
            }
        }
    }

    pub fn import(&self, text: String) -> Result<ImportReport> {
        match self {
            Backend::Local(s) => Ok(s.import(&text)?),
            Backend::Remote(r) => r.post_text("/api/v1/import", text),
        }
    }

    pub fn export(&self) -> Result<Vec<ExportLine>> {
        match self {
            Backend::Local(s) => Ok(s.export().collect::<Result<Vec<_>, _>>()?),
            Backend::Remote(r) => r
                .get_text("/api/v1/export")?
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).context("the node sent an unreadable export line"))
                .collect(),
        }
    }

    pub fn org_names(&self) -> Result<BTreeMap<OrgKey, String>> {
        match self {
            Backend::Local(s) => Ok(s.org_names()?),
            Backend::Remote(r) => r.get("/api/v1/organisations"),
        }
    }

    /// The key this organisation signs with now.
    pub fn own_key(&self) -> Result<OrgKey> {
        match self {
            Backend::Local(s) => Ok(s.org_key()),
            Backend::Remote(_) => {
                let hex = self.status()?.org_key;
                hex.parse()
                    .map_err(|e| anyhow::anyhow!("the node reported a bad key '{hex}': {e}"))
            }
        }
    }

    pub fn status(&self) -> Result<StatusView> {
        match self {
            Backend::Local(s) => {
                let (counts, kept_apart) = s.space_counts_and_budget()?;
                Ok(StatusView {
                    organisation: s.config().organisation.name.clone(),
                    org_key: s.org_key().to_hex(),
                    network_id: s.config().network.to_string(),
                    network: None,
                    entries: counts.iter().map(|c| c.entries).sum(),
                    spaces: counts,
                    received: 0,
                    stored_from_network: 0,
                    rejected: BTreeMap::new(),
                    last_received_at: None,
                    search: s.search_status()?,
                    kept_apart,
                })
            }
            Backend::Remote(r) => r.get("/api/v1/status"),
        }
    }

    pub fn peers(&self) -> Result<Vec<PeerEntry>> {
        match self {
            Backend::Local(_) => {
                bail!("no node is running on this data directory: start one with `wiel node`")
            }
            Backend::Remote(r) => r.get("/api/v1/peers"),
        }
    }

    pub fn endorse(
        &self,
        organisation: &str,
        name: Option<String>,
        code: Option<String>,
    ) -> Result<Published> {
        match self {
            Backend::Local(s) => {
                let subject = s.resolve_organisation(organisation)?;
                let code = code
                    .map(wiel_protocol::CbsCode::new)
                    .transpose()
                    .map_err(|e| anyhow!("--code: {e}"))?;
                Ok(s.endorse(subject, name, code)?)
            }
            Backend::Remote(r) => r.post(
                "/api/v1/endorsements",
                &wiel_node::api::EndorseRequest {
                    organisation: organisation.to_owned(),
                    name,
                    code,
                },
            ),
        }
    }

    pub fn withdraw_endorsement(&self, organisation: &str) -> Result<Vec<Published>> {
        match self {
            Backend::Local(s) => Ok(s.withdraw_endorsement(s.resolve_organisation(organisation)?)?),
            Backend::Remote(r) => r.post(
                "/api/v1/endorsements/withdrawal",
                &wiel_node::api::WithdrawRequest {
                    organisation: organisation.to_owned(),
                },
            ),
        }
    }

    /// Revokes a key of this organisation (the current one when `key` is `None`).
    pub fn revoke_key(
        &self,
        key: wiel_protocol::OrgKey,
        since: wiel_protocol::Timestamp,
    ) -> Result<Published> {
        match self {
            Backend::Local(s) => Ok(s.revoke_key(key, since)?),
            Backend::Remote(r) => r.post(
                "/api/v1/keys/revocation",
                &wiel_node::api::RevokeRequest {
                    key,
                    since: Some(since),
                },
            ),
        }
    }

    pub fn trust_report(&self) -> Result<wiel_node::view::TrustReport> {
        match self {
            Backend::Local(s) => Ok(s.trust_report()?),
            Backend::Remote(r) => r.get("/api/v1/trust"),
        }
    }

    pub fn trust_root(
        &self,
        organisation: &str,
        remove: bool,
    ) -> Result<wiel_node::view::TrustReport> {
        match self {
            Backend::Local(s) => {
                let key = s.resolve_organisation(organisation)?;
                s.update_trust(|t| {
                    if remove {
                        t.roots.retain(|k| *k != key);
                    } else {
                        t.roots.push(key);
                    }
                })?;
                Ok(s.trust_report()?)
            }
            Backend::Remote(r) => r.post(
                "/api/v1/trust/roots",
                &wiel_node::api::TrustRootRequest {
                    organisation: organisation.to_owned(),
                    remove,
                },
            ),
        }
    }

    /// Starts a sync run on the running node.
    pub fn sync_start(&self, peer: Option<String>) -> Result<wiel_node::network::RunId> {
        match self {
            Backend::Local(_) => bail!(
                "no node is running on this data directory: start one with `wiel node` \
                 (it syncs with every peer it connects to), then run `wiel sync` again"
            ),
            Backend::Remote(r) => r
                .post::<_, wiel_node::api::SyncStarted>(
                    "/api/v1/sync",
                    &wiel_node::api::SyncRequest { peer },
                )
                .map(|s| s.run),
        }
    }

    pub fn sync_report(&self, run: wiel_node::network::RunId) -> Result<SyncReport> {
        match self {
            Backend::Local(_) => bail!("no node is running on this data directory"),
            Backend::Remote(r) => r.get(&format!("/api/v1/sync/{run}")),
        }
    }

    pub fn connect(&self, address: &str) -> Result<()> {
        match self {
            Backend::Local(_) => {
                bail!("no node is running on this data directory: start one with `wiel node`")
            }
            Backend::Remote(r) => r
                .post::<_, serde_json::Value>(
                    "/api/v1/peers",
                    &ConnectRequest {
                        address: address.to_owned(),
                    },
                )
                .map(|_| ()),
        }
    }
}
