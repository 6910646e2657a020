//! Every operation a user can ask, declared once in [`operations!`]'s table: its name, the
//! route of the local API, what it takes and answers, what this process does with it on the
//! store ([`Service`], while no node runs), and who serves it in a running node. From that
//! one row come the [`Operations`] trait, its two sides (the service here, the running
//! node's [`ApiClient`]; sled allows one process per store), the router and the OpenAPI
//! document (`api`). The CLI calls this one interface either way.

use wiel_protocol::OrgKey;

use crate::Service;
use crate::service::ServiceError;
use crate::wire::Format;
use crate::wire::client::{ApiClient, ClientError};

/// Why an operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    Service(#[from] ServiceError),
    Api(#[from] ClientError),
    /// What only a running node does (peers, sync, connect).
    NoNode,
    /// A node holds the store but its local API does not answer.
    NodeSilent {
        pid: u32,
        address: std::net::SocketAddr,
    },
}

impl OpError {
    /// The error's stable code (see [`ServiceError::code`]), wherever it was carried out.
    pub fn code(&self) -> Option<&str> {
        match self {
            OpError::Service(e) => Some(e.code()),
            OpError::Api(ClientError::Refused { code, .. }) => code.as_deref(),
            OpError::Api(_) => None,
            OpError::NoNode => Some("no_node"),
            OpError::NodeSilent { .. } => Some("node_silent"),
        }
    }
}

type Result<T> = std::result::Result<T, OpError>;

/// How long a command waits for a store held by another process.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The running node on `dir` if one answers, else the store itself (waited for up to
/// [`LOCK_WAIT`] while another command holds it). A node that said where it serves but
/// does not answer, and still holds the store, is said to be silent at once: waiting
/// would not change that.
pub fn open(dir: &crate::DataDir) -> Result<Box<dyn Operations>> {
    if let Some(client) = ApiClient::find(dir) {
        return Ok(Box::new(client));
    }
    let Some(endpoint) = crate::wire::ApiEndpoint::read(dir) else {
        return Ok(Box::new(Service::open_waiting(dir.clone(), LOCK_WAIT)?));
    };
    match Service::open(dir.clone()) {
        Err(ServiceError::Store(wiel_store::StoreError::Locked { .. })) => {
            Err(OpError::NodeSilent {
                pid: endpoint.pid,
                address: endpoint.address,
            })
        }
        opened => Ok(Box::new(opened?)),
    }
}

/// The table of operations, handed to `$consumer`, a macro that makes one thing of it
/// (the trait and its sides here; the router in `api`, the document in `api::openapi`).
/// A row: `name: method "route", Request => Answer as Format, "summary",
/// local |service, request| what this process does, served by service | by handler;`.
/// `served by service` runs `local` in the node too; `by handler` names a function of
/// `api::node` for what only a running node knows (peers, sync, its own status).
macro_rules! operations {
    ($consumer:ident) => {
        $consumer! {
            health: get "/api/v1/health", crate::wire::Nothing => crate::wire::Health as Json,
                "Whether the node answers (what the CLI asks first)",
                local |_s, _r| Err(OpError::NoNode), served by health;
            status: get "/api/v1/status", crate::wire::Nothing => crate::wire::StatusView as Json,
                "This node: store, spaces, network, counters",
                local |s, _r| Ok(crate::wire::StatusView::of_store(s)?), served by status;
            peers: get "/api/v1/peers", crate::wire::Nothing => Vec<crate::wire::PeerEntry> as Json,
                "Connected peers with their organisation",
                local |_s, _r| Err(OpError::NoNode), served by peers;
            connect: post "/api/v1/peers", crate::wire::ConnectRequest => crate::wire::Connected as Json,
                "Connect to a peer at an address ending in /p2p/<peer id>",
                local |_s, _r| Err(OpError::NoNode), served by connect;
            list: get "/api/v1/entries", wiel_store::ListFilter => crate::Listing as Json,
                "Entries, newest first",
                local |s, filter| Ok(s.list(&filter)?), served by service;
            publish: post "/api/v1/entries", crate::NewEntry => crate::Published as Json,
                "Publish a new entry of what people write (signed here, passed on at once); \
                 entries that decide trust or erase have their own operations",
                local |s, new| {
                    if !(new.kind.rules().content
                        || matches!(new.kind, wiel_protocol::Kind::Answer | wiel_protocol::Kind::Reaction))
                    {
                        return Err(ServiceError::NotPublishable(new.kind).into());
                    }
                    Ok(s.publish(new)?)
                }, served by service;
            thread: get "/api/v1/entries/{id}", crate::wire::EntryRef => crate::ThreadView as Json,
                "An entry (id or unique prefix) with its thread",
                local |s, r| Ok(s.thread(&s.resolve(&r.id)?)?), served by service;
            answer: post "/api/v1/entries/{id}/answers", crate::wire::AnswerRequest => crate::Published as Json,
                "Answer a question",
                local |s, r| Ok(s.answer(s.resolve(&r.id)?, r.text, r.confirmed_personal_data)?),
                served by service;
            retract: post "/api/v1/entries/{id}/retraction", crate::wire::RetractRequest => Vec<crate::Published> as Json,
                "Retract every version of an own entry",
                local |s, r| Ok(s.retract(s.resolve(&r.id)?, r.reason, r.confirmed_personal_data)?),
                served by service;
            edit_source: get "/api/v1/entries/{id}/edit-source", crate::wire::EntryRef => crate::service::EditSource as Json,
                "The newest version of an own entry, to edit",
                local |s, r| Ok(s.edit_source(s.resolve(&r.id)?)?), served by service;
            new_version: post "/api/v1/versions", crate::wire::NewVersionRequest => Option<crate::Published> as Json,
                "Publish a new version; null when nothing changed",
                local |s, r| Ok(s.new_version(&r.source, r.body, r.space, r.confirmed_personal_data)?),
                served by service;
            resolve: get "/api/v1/resolve/{prefix}", crate::wire::PrefixRef => wiel_protocol::EntryId as Json,
                "The full id of a unique id prefix",
                local |s, r| Ok(s.resolve(&r.prefix)?), served by service;
            search: post "/api/v1/search", crate::wire::SearchRequest => crate::view::SearchResults as Json,
                "Search in Dutch, best first",
                local |s, r| Ok(s.search(&r.query, &r.filter)?), served by service;
            reindex: post "/api/v1/reindex", crate::wire::Nothing => crate::service::ReindexReport as Json,
                "Build the search index anew",
                local |s, _r| Ok(s.reindex()?), served by service;
            check: post "/api/v1/check", crate::wire::Nothing => wiel_store::CheckReport as Json,
                "Check every stored entry; quarantine and fetch again what is damaged",
                local |s, _r| Ok(s.check()?), served by check;
            compact: post "/api/v1/compact", crate::wire::Nothing => wiel_store::Compacted as Json,
                "Rewrite the entry log without the bytes of retracted entries",
                local |s, _r| Ok(s.compact()?), served by service;
            org_names: get "/api/v1/organisations", crate::wire::Nothing => std::collections::BTreeMap<wiel_protocol::OrgKey, String> as Json,
                "Organisations by key, with the name this node shows",
                local |s, _r| Ok(s.org_names()?), served by service;
            resolve_author: get "/api/v1/organisations/resolve", crate::wire::AuthorQuery => wiel_protocol::OrgKey as Json,
                "The key of an organisation named by key, CBS code or name",
                local |s, r| Ok(s.resolve_author(&r.q)?), served by service;
            import: post "/api/v1/import", crate::wire::ImportText => crate::service::ImportReport as Json,
                "Import JSON lines of signed entries (text/plain), each checked as if received",
                local |s, r| Ok(s.import(&r.0)?), served by service;
            export: get "/api/v1/export", crate::wire::Nothing => Vec<crate::exchange::ExportLine> as Lines,
                "Every stored entry as JSON lines",
                local |s, _r| Ok(s.export().collect::<std::result::Result<Vec<_>, _>>()?),
                served by service;
            backup: get "/api/v1/backup", crate::wire::Nothing => String as Text,
                "A consistent backup of key, configuration and store as JSON lines",
                local |s, _r| Ok(s.backup()?), served by service;
            sync_start: post "/api/v1/sync", crate::wire::SyncRequest => crate::wire::SyncStarted as Json,
                "Start a catch-up sync run with one peer or every connected one",
                local |_s, _r| Err(OpError::NoNode), served by sync_start;
            sync_report: get "/api/v1/sync/{run}", crate::wire::SyncRunRef => crate::network::SyncReport as Json,
                "Progress of a sync run",
                local |_s, _r| Err(OpError::NoNode), served by sync_report;
            endorse: post "/api/v1/endorsements", crate::wire::EndorseRequest => crate::Published as Json,
                "Vouch for an organisation (key, CBS code, name, or an entry of it)",
                local |s, r| {
                    let subject = s.resolve_organisation(&r.organisation)?;
                    let code = r.code.map(wiel_protocol::CbsCode::new).transpose().map_err(ServiceError::Name)?;
                    Ok(s.endorse(subject, r.name, code)?)
                }, served by service;
            withdraw_endorsement: post "/api/v1/endorsements/withdrawal", crate::wire::WithdrawRequest => Vec<crate::Published> as Json,
                "Withdraw this organisation's endorsement of another",
                local |s, r| Ok(s.withdraw_endorsement(s.resolve_organisation(&r.organisation)?)?),
                served by service;
            revoke_key: post "/api/v1/keys/revocation", crate::wire::RevokeRequest => Option<crate::Published> as Json,
                "Revoke one of this organisation's keys from a moment on (default: now); \
                 with check_only only whether it may, answering null",
                local |s, r| {
                    if r.check_only {
                        s.may_revoke(r.key)?;
                        return Ok(None);
                    }
                    let since = r.since.unwrap_or_else(wiel_protocol::Timestamp::now);
                    Ok(Some(s.revoke_key(r.key, since)?))
                }, served by service;
            trust_report: get "/api/v1/trust", crate::wire::Nothing => crate::view::TrustReport as Json,
                "Whom this node trusts, and why",
                local |s, _r| Ok(s.trust_report()?), served by service;
            trust_root: post "/api/v1/trust/roots", crate::wire::TrustRootRequest => crate::view::TrustReport as Json,
                "Add (or with remove, take away) a trusted root",
                local |s, r| Ok(s.change_root(&r.organisation, r.remove)?), served by service;
            web_login: post "/api/v1/web/login", crate::wire::Nothing => crate::wire::WebLogin as Json,
                "A one-time login link for the web page",
                local |_s, _r| Err(OpError::NoNode), served by web_login;
        }
    };
}
pub(crate) use operations;

/// Makes the trait and its two sides of the table.
macro_rules! sides {
    ($($name:ident: $method:ident $path:literal, $req:ty => $ans:ty as $format:ident, $summary:literal,
        local |$s:pat_param, $r:pat_param| $local:expr, served by $served:ident;)*) => {
        /// See the module's doc.
        pub trait Operations {
            $(
                #[doc = $summary]
                fn $name(&self, request: $req) -> Result<$ans>;
            )*

            /// The key this organisation signs with now.
            fn own_key(&self) -> Result<OrgKey> {
                let hex = self.status(crate::wire::Nothing {})?.org_key;
                hex.parse().map_err(|e| {
                    OpError::Api(ClientError::Unreadable(format!(
                        "the node reported a bad key '{hex}': {e}"
                    )))
                })
            }

            /// Ends the use of these operations in a process that exits next.
            fn finish(self: Box<Self>) -> Result<()> {
                Ok(())
            }
        }

        impl Operations for Service {
            $(
                fn $name(&self, request: $req) -> Result<$ans> {
                    let ($s, $r) = (self, request);
                    $local
                }
            )*

            /// This process holds the key: no status needs building for it.
            fn own_key(&self) -> Result<OrgKey> {
                Ok(self.org_key())
            }

            /// Makes what the store holds durable and leaves freeing the rest to the
            /// process's exit: sled frees its page table page by page, which took a
            /// command without a node more time than its search (~4 ms at 100 000
            /// entries). sled and the search index are made to survive a process that
            /// ends at any moment; after the flush nothing of this one is lost.
            fn finish(self: Box<Self>) -> Result<()> {
                self.store().flush().map_err(ServiceError::from)?;
                std::mem::forget(self);
                Ok(())
            }
        }

        impl Operations for ApiClient {
            $(
                fn $name(&self, request: $req) -> Result<$ans> {
                    Ok(self.call(stringify!($method), $path, Format::$format, &request)?)
                }
            )*
        }

        /// Every route of the table, with its method.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];
    };
}

operations!(sides);
