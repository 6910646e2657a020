//! Every operation a user can ask, written once: carried out in this process on the store
//! ([`Service`], while no node runs), or by the running node through its local API
//! ([`ApiClient`]; sled allows one process per store). The CLI calls this one interface
//! either way; the API's handlers call the service's side of it.

use std::collections::BTreeMap;

use wiel_protocol::{Body, EntryId, Kind, OrgKey, SpaceName, Timestamp};
use wiel_store::{CheckReport, Compacted, ListFilter};

use crate::exchange::ExportLine;
use crate::network::{RunId, SyncReport};
use crate::service::{EditSource, ImportReport, ReindexReport, ServiceError};
use crate::view::{SearchResults, TrustReport};
use crate::wire::client::{ApiClient, ClientError};
use crate::wire::{
    AnswerRequest, ConnectRequest, EndorseRequest, NewVersionRequest, PeerEntry, RetractRequest,
    RevokeRequest, SearchRequest, StatusView, SyncRequest, SyncStarted, TrustRootRequest,
    WithdrawRequest, routes,
};
use crate::{Listing, NewEntry, Published, Service, ThreadView};

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    Service(#[from] ServiceError),
    Api(#[from] ClientError),
    /// What only a running node does (peers, sync, connect).
    NoNode,
}

impl OpError {
    /// The error's stable code (see [`ServiceError::code`]), wherever it was carried out.
    pub fn code(&self) -> Option<&str> {
        match self {
            OpError::Service(e) => Some(e.code()),
            OpError::Api(ClientError::Refused { code, .. }) => code.as_deref(),
            OpError::Api(_) => None,
            OpError::NoNode => Some("no_node"),
        }
    }
}

type Result<T> = std::result::Result<T, OpError>;

/// How long a command waits for a store held by another process.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The running node on `dir` if one answers, else the store itself (waited for up to
/// [`LOCK_WAIT`]).
pub fn open(dir: &crate::DataDir) -> Result<Box<dyn Operations>> {
    if let Some(client) = ApiClient::find(dir) {
        return Ok(Box::new(client));
    }
    Ok(Box::new(Service::open_waiting(dir.clone(), LOCK_WAIT)?))
}

/// See the module's doc.
pub trait Operations {
    fn publish(&self, new: NewEntry) -> Result<Published>;
    fn answer(&self, question: &str, text: String, confirmed: bool) -> Result<Published>;
    /// `confirmed`: the reason may hold what the privacy guard asks about (see `NewEntry`).
    fn retract(
        &self,
        target: &str,
        reason: Option<String>,
        confirmed: bool,
    ) -> Result<Vec<Published>>;
    fn edit_source(&self, target: &str) -> Result<EditSource>;
    fn new_version(
        &self,
        source: EditSource,
        body: Body,
        space: Option<SpaceName>,
        confirmed: bool,
    ) -> Result<Option<Published>>;
    fn resolve(&self, prefix: &str) -> Result<EntryId>;
    fn thread(&self, prefix: &str) -> Result<ThreadView>;
    fn list(&self, filter: &ListFilter) -> Result<Listing>;
    fn search(&self, query: &str, filter: &ListFilter) -> Result<SearchResults>;
    fn check(&self) -> Result<CheckReport>;
    fn compact(&self) -> Result<Compacted>;
    fn reindex(&self) -> Result<ReindexReport>;
    fn import(&self, text: String) -> Result<ImportReport>;
    fn export(&self) -> Result<Vec<ExportLine>>;
    /// The node's backup (see [`Service::backup`]).
    fn backup(&self) -> Result<String>;
    fn org_names(&self) -> Result<BTreeMap<OrgKey, String>>;
    fn resolve_author(&self, query: &str) -> Result<OrgKey>;
    /// The key this organisation signs with now.
    fn own_key(&self) -> Result<OrgKey>;
    fn status(&self) -> Result<StatusView>;
    fn endorse(
        &self,
        organisation: &str,
        name: Option<String>,
        code: Option<String>,
    ) -> Result<Published>;
    fn withdraw_endorsement(&self, organisation: &str) -> Result<Vec<Published>>;
    /// `check_only`: only whether it may be revoked (before asking the user); `None` then.
    fn revoke_key(
        &self,
        key: OrgKey,
        since: Timestamp,
        check_only: bool,
    ) -> Result<Option<Published>>;
    fn trust_report(&self) -> Result<TrustReport>;
    /// Adds (or with `remove`, takes away) a trusted root.
    fn trust_root(&self, organisation: &str, remove: bool) -> Result<TrustReport>;
    fn peers(&self) -> Result<Vec<PeerEntry>>;
    fn sync_start(&self, peer: Option<String>) -> Result<RunId>;
    fn sync_report(&self, run: RunId) -> Result<SyncReport>;
    fn connect(&self, address: &str) -> Result<()>;
    /// A one-time login link for the running node's web page.
    fn web_login(&self) -> Result<crate::wire::WebLogin>;
}

impl Operations for Service {
    /// What people write (practices, stories, questions, answers, reactions); entries
    /// that decide trust or erase go through their own operations (endorse, key revoke,
    /// retract), which check what they must.
    fn publish(&self, new: NewEntry) -> Result<Published> {
        if !(new.kind.rules().content || matches!(new.kind, Kind::Answer | Kind::Reaction)) {
            return Err(ServiceError::NotPublishable(new.kind).into());
        }
        Ok(Service::publish(self, new)?)
    }
    fn answer(&self, question: &str, text: String, confirmed: bool) -> Result<Published> {
        Ok(Service::answer(
            self,
            self.resolve(question)?,
            text,
            confirmed,
        )?)
    }
    fn retract(
        &self,
        target: &str,
        reason: Option<String>,
        confirmed: bool,
    ) -> Result<Vec<Published>> {
        Ok(Service::retract(
            self,
            self.resolve(target)?,
            reason,
            confirmed,
        )?)
    }
    fn edit_source(&self, target: &str) -> Result<EditSource> {
        Ok(Service::edit_source(self, self.resolve(target)?)?)
    }
    fn new_version(
        &self,
        source: EditSource,
        body: Body,
        space: Option<SpaceName>,
        confirmed: bool,
    ) -> Result<Option<Published>> {
        Ok(Service::new_version(self, &source, body, space, confirmed)?)
    }
    fn resolve(&self, prefix: &str) -> Result<EntryId> {
        Ok(Service::resolve(self, prefix)?)
    }
    fn thread(&self, prefix: &str) -> Result<ThreadView> {
        Ok(Service::thread(self, &self.resolve(prefix)?)?)
    }
    fn list(&self, filter: &ListFilter) -> Result<Listing> {
        Ok(Service::list(self, filter)?)
    }
    fn search(&self, query: &str, filter: &ListFilter) -> Result<SearchResults> {
        Ok(Service::search(self, query, filter)?)
    }
    fn check(&self) -> Result<CheckReport> {
        Ok(Service::check(self)?)
    }
    fn compact(&self) -> Result<Compacted> {
        Ok(Service::compact(self)?)
    }
    fn reindex(&self) -> Result<ReindexReport> {
        Ok(Service::reindex(self)?)
    }
    fn import(&self, text: String) -> Result<ImportReport> {
        Ok(Service::import(self, &text)?)
    }
    fn export(&self) -> Result<Vec<ExportLine>> {
        Ok(Service::export(self).collect::<std::result::Result<Vec<_>, _>>()?)
    }
    fn backup(&self) -> Result<String> {
        Ok(Service::backup(self)?)
    }
    fn org_names(&self) -> Result<BTreeMap<OrgKey, String>> {
        Ok(Service::org_names(self)?)
    }
    fn resolve_author(&self, query: &str) -> Result<OrgKey> {
        Ok(Service::resolve_author(self, query)?)
    }
    fn own_key(&self) -> Result<OrgKey> {
        Ok(self.org_key())
    }
    fn status(&self) -> Result<StatusView> {
        Ok(crate::wire::StatusView::of_store(self)?)
    }
    fn endorse(
        &self,
        organisation: &str,
        name: Option<String>,
        code: Option<String>,
    ) -> Result<Published> {
        let subject = self.resolve_organisation(organisation)?;
        let code = code
            .map(wiel_protocol::CbsCode::new)
            .transpose()
            .map_err(ServiceError::Name)?;
        Ok(Service::endorse(self, subject, name, code)?)
    }
    fn withdraw_endorsement(&self, organisation: &str) -> Result<Vec<Published>> {
        let subject = self.resolve_organisation(organisation)?;
        Ok(Service::withdraw_endorsement(self, subject)?)
    }
    fn revoke_key(
        &self,
        key: OrgKey,
        since: Timestamp,
        check_only: bool,
    ) -> Result<Option<Published>> {
        if check_only {
            Service::may_revoke(self, key)?;
            return Ok(None);
        }
        Ok(Some(Service::revoke_key(self, key, since)?))
    }
    fn trust_report(&self) -> Result<TrustReport> {
        Ok(Service::trust_report(self)?)
    }
    fn trust_root(&self, organisation: &str, remove: bool) -> Result<TrustReport> {
        let key = self.resolve_organisation(organisation)?;
        let own = self.org_key();
        if key == own || matches!(self.store().speaks_for(&own, &key), Ok(true)) {
            return Err(ServiceError::OwnOrganisation.into());
        }
        // A root named by a key the organisation has rotated from is that organisation too.
        let set = self.trust().current();
        let same = |root: &OrgKey| *root == key || set.current_key(root) == Some(key);
        let is_root = self.trust().config().roots.iter().any(same);
        if remove && !is_root {
            return Err(ServiceError::NotARoot(key).into());
        }
        self.update_trust(|t| {
            if remove {
                t.roots.retain(|k| !same(k));
            } else {
                t.roots.push(key);
            }
        })?;
        Ok(Service::trust_report(self)?)
    }
    fn peers(&self) -> Result<Vec<PeerEntry>> {
        Err(OpError::NoNode)
    }
    fn sync_start(&self, _peer: Option<String>) -> Result<RunId> {
        Err(OpError::NoNode)
    }
    fn sync_report(&self, _run: RunId) -> Result<SyncReport> {
        Err(OpError::NoNode)
    }
    fn connect(&self, _address: &str) -> Result<()> {
        Err(OpError::NoNode)
    }
    fn web_login(&self) -> Result<crate::wire::WebLogin> {
        Err(OpError::NoNode)
    }
}

fn none() -> serde_json::Value {
    serde_json::Value::Null
}

impl Operations for ApiClient {
    fn publish(&self, new: NewEntry) -> Result<Published> {
        Ok(self.post(routes::ENTRIES, &new)?)
    }
    fn answer(&self, question: &str, text: String, confirmed: bool) -> Result<Published> {
        let request = AnswerRequest {
            text,
            confirmed_personal_data: confirmed,
        };
        Ok(self.post(&routes::fill(routes::ANSWERS, question), &request)?)
    }
    fn retract(
        &self,
        target: &str,
        reason: Option<String>,
        confirmed: bool,
    ) -> Result<Vec<Published>> {
        let request = RetractRequest {
            reason,
            confirmed_personal_data: confirmed,
        };
        Ok(self.post(&routes::fill(routes::RETRACTION, target), &request)?)
    }
    fn edit_source(&self, target: &str) -> Result<EditSource> {
        Ok(self.get(&routes::fill(routes::EDIT_SOURCE, target))?)
    }
    fn new_version(
        &self,
        source: EditSource,
        body: Body,
        space: Option<SpaceName>,
        confirmed: bool,
    ) -> Result<Option<Published>> {
        let request = NewVersionRequest {
            source,
            body,
            space,
            confirmed_personal_data: confirmed,
        };
        Ok(self.post(routes::VERSIONS, &request)?)
    }
    fn resolve(&self, prefix: &str) -> Result<EntryId> {
        Ok(self.get(&routes::fill(routes::RESOLVE, prefix))?)
    }
    fn thread(&self, prefix: &str) -> Result<ThreadView> {
        Ok(self.get(&routes::fill(routes::ENTRY, prefix))?)
    }
    fn list(&self, filter: &ListFilter) -> Result<Listing> {
        let query = serde_urlencoded::to_string(filter)
            .map_err(|e| ClientError::Unreadable(format!("cannot encode the filter: {e}")))?;
        Ok(self.get(&format!("{}?{query}", routes::ENTRIES))?)
    }
    fn search(&self, query: &str, filter: &ListFilter) -> Result<SearchResults> {
        let request = SearchRequest {
            query: query.to_owned(),
            filter: filter.clone(),
        };
        Ok(self.post(routes::SEARCH, &request)?)
    }
    fn check(&self) -> Result<CheckReport> {
        Ok(self.post(routes::CHECK, &none())?)
    }
    fn compact(&self) -> Result<Compacted> {
        Ok(self.post(routes::COMPACT, &none())?)
    }
    fn reindex(&self) -> Result<ReindexReport> {
        Ok(self.post(routes::REINDEX, &none())?)
    }
    fn import(&self, text: String) -> Result<ImportReport> {
        Ok(self.post_text(routes::IMPORT, text)?)
    }
    fn backup(&self) -> Result<String> {
        Ok(self.get_text(routes::BACKUP)?)
    }
    fn export(&self) -> Result<Vec<ExportLine>> {
        self.get_text(routes::EXPORT)?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l).map_err(|e| {
                    OpError::Api(ClientError::Unreadable(format!("an export line: {e}")))
                })
            })
            .collect()
    }
    fn org_names(&self) -> Result<BTreeMap<OrgKey, String>> {
        Ok(self.get(routes::ORGANISATIONS)?)
    }
    fn resolve_author(&self, query: &str) -> Result<OrgKey> {
        let query = serde_urlencoded::to_string([("q", query)])
            .map_err(|e| ClientError::Unreadable(format!("cannot encode the query: {e}")))?;
        Ok(self.get(&format!("{}?{query}", routes::ORGANISATIONS_RESOLVE))?)
    }
    fn own_key(&self) -> Result<OrgKey> {
        let hex = Operations::status(self)?.org_key;
        hex.parse().map_err(|e| {
            OpError::Api(ClientError::Unreadable(format!(
                "the node reported a bad key '{hex}': {e}"
            )))
        })
    }
    fn status(&self) -> Result<StatusView> {
        Ok(self.get(routes::STATUS)?)
    }
    fn endorse(
        &self,
        organisation: &str,
        name: Option<String>,
        code: Option<String>,
    ) -> Result<Published> {
        let request = EndorseRequest {
            organisation: organisation.to_owned(),
            name,
            code,
        };
        Ok(self.post(routes::ENDORSEMENTS, &request)?)
    }
    fn withdraw_endorsement(&self, organisation: &str) -> Result<Vec<Published>> {
        let request = WithdrawRequest {
            organisation: organisation.to_owned(),
        };
        Ok(self.post(routes::ENDORSEMENT_WITHDRAWAL, &request)?)
    }
    fn revoke_key(
        &self,
        key: OrgKey,
        since: Timestamp,
        check_only: bool,
    ) -> Result<Option<Published>> {
        let request = RevokeRequest {
            key,
            since: Some(since),
            check_only,
        };
        Ok(self.post(routes::KEY_REVOCATION, &request)?)
    }
    fn trust_report(&self) -> Result<TrustReport> {
        Ok(self.get(routes::TRUST)?)
    }
    fn trust_root(&self, organisation: &str, remove: bool) -> Result<TrustReport> {
        let request = TrustRootRequest {
            organisation: organisation.to_owned(),
            remove,
        };
        Ok(self.post(routes::TRUST_ROOTS, &request)?)
    }
    fn peers(&self) -> Result<Vec<PeerEntry>> {
        Ok(self.get(routes::PEERS)?)
    }
    fn sync_start(&self, peer: Option<String>) -> Result<RunId> {
        let started: SyncStarted = self.post(routes::SYNC, &SyncRequest { peer })?;
        Ok(started.run)
    }
    fn sync_report(&self, run: RunId) -> Result<SyncReport> {
        Ok(self.get(&routes::fill(routes::SYNC_RUN, &run.to_string()))?)
    }
    fn connect(&self, address: &str) -> Result<()> {
        let request = ConnectRequest {
            address: address.to_owned(),
        };
        self.post::<_, serde_json::Value>(routes::PEERS, &request)?;
        Ok(())
    }
    fn web_login(&self) -> Result<crate::wire::WebLogin> {
        Ok(self.post(routes::WEB_LOGIN, &serde_json::json!({}))?)
    }
}
