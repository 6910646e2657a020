//! The service: every operation a user can ask of their node, on its data directory.

use std::path::PathBuf;
use std::sync::Arc;

use wiel_protocol::{
    Body, CbsCode, Draft, EntryId, Invalid, Kind, KindFields, OrgKey, OrgKeypair, Ref, Rel, Rules,
    SpaceName, Timestamp, Verified,
};
use wiel_store::search::{SearchError, SearchIndex, SearchQuery};
use wiel_store::{Ingest, ListFilter, Rejection, Resolved, Store, StoreError};

use crate::config::{Config, DataDir, Organisation};
use crate::exchange::{self, ExportLine, LineError};
use crate::view::{EntryView, SearchResults, ThreadView};

/// Shortest id prefix accepted, so a typo does not pick a random entry.
pub const MIN_PREFIX: usize = 4;

/// What can go wrong; each message says what and where in plain words.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("no wiel node in {dir}: run `wiel init --name \"Gemeente …\" --code GM….` first")]
    NotInitialised { dir: PathBuf },
    #[error(
        "{dir} already holds a wiel node (its key is kept); use another --data-dir to make a new one"
    )]
    AlreadyInitialised { dir: PathBuf },
    #[error("cannot write to the data directory {dir}: {reason}")]
    NotWritable { dir: PathBuf, reason: String },
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("{path}: invalid configuration: {reason}")]
    Config { path: PathBuf, reason: String },
    #[error("{path}: unusable key file: {reason}")]
    Key { path: PathBuf, reason: String },
    #[error("{0}")]
    Store(StoreError),
    #[error("{0} (rebuild it with `wiel reindex`)")]
    Search(SearchError),
    #[error("the entry is not valid: {0}")]
    Invalid(Invalid),
    #[error("refused: {0}")]
    Rejected(Rejection),
    #[error("no entry has an id starting with '{0}'")]
    NoSuchEntry(String),
    #[error("'{prefix}' matches several entries ({}); give more characters", .candidates.join(", "))]
    AmbiguousId {
        prefix: String,
        candidates: Vec<String>,
    },
    #[error("'{0}' is not an entry id: use at least {MIN_PREFIX} hex characters (0-9, a-f)")]
    BadIdPrefix(String),
    #[error("the limit must be between 1 and {MAX_LIMIT} (got {0})")]
    BadLimit(usize),
    #[error("no known organisation matches '{0}' (give a CBS code like GM0193, a name, or a key)")]
    NoSuchOrganisation(String),
    #[error("'{query}' matches several organisations: {}", .names.join(", "))]
    AmbiguousOrganisation { query: String, names: Vec<String> },
    #[error("a {0} cannot be edited; retract it and make a new one")]
    NotEditable(Kind),
    #[error("entry {0} was retracted by its author")]
    Retracted(String),
    #[error("{0}")]
    Import(LineError),
    #[error(
        "no profile of organisation {0} is known here: give its name and CBS code with --name and --code"
    )]
    UnknownOrganisation(String),
    #[error("{0}")]
    Name(wiel_protocol::NameError),
    #[error(
        "key {0} is not this organisation's: revoke only the current key or one it rotated away from"
    )]
    NotOwnKey(String),
    #[error(
        "your key {key} is revoked (from Unix time {} ms on): nothing signed with it counts any more; run `wiel key rotate` to move to a new key",
        since.as_millis()
    )]
    OwnKeyRevoked { key: String, since: Timestamp },
    #[error("this organisation has not endorsed {0}")]
    NotEndorsed(String),
    #[error("{}", personal_data_message(.0))]
    PersonalData(Vec<wiel_protocol::privacy::Finding>),
}

/// One line about the privacy guard's findings: what blocks, or what to confirm.
pub fn personal_data_message(findings: &[wiel_protocol::privacy::Finding]) -> String {
    let blocking: Vec<String> = findings
        .iter()
        .filter(|f| f.blocks)
        .map(|f| f.to_string())
        .collect();
    if blocking.is_empty() {
        let all: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
        format!(
            "the entry may hold personal data of a citizen: {}; check it, then publish anyway with --yes",
            all.join("; ")
        )
    } else {
        format!(
            "the entry holds personal data of a citizen: {}; remove it (this is never published)",
            blocking.join("; ")
        )
    }
}

impl From<SearchError> for ServiceError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Store(e) => Self::Store(e),
            other => Self::Search(other),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<Invalid> for ServiceError {
    fn from(e: Invalid) -> Self {
        Self::Invalid(e)
    }
}

impl From<Rejection> for ServiceError {
    fn from(e: Rejection) -> Self {
        Self::Rejected(e)
    }
}

impl From<LineError> for ServiceError {
    fn from(e: LineError) -> Self {
        Self::Import(e)
    }
}

/// A new entry as the user describes it; the service adds author, time, network, signature.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct NewEntry {
    pub kind: Kind,
    /// Default: the configured default space (or the target's space for answers, reactions,
    /// retractions and new versions).
    pub space: Option<SpaceName>,
    pub refs: Vec<Ref>,
    pub body: Body,
    /// Default: now. (Sample data is back-dated; the future is refused like any entry.)
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// The author saw what the privacy guard asks about (phone numbers, e-mail, …) and
    /// publishes anyway. What it blocks (BSN, IBAN) is never published.
    #[serde(default)]
    pub confirmed_personal_data: bool,
}

impl NewEntry {
    /// A reaction to `target` with `verdict` and an optional comment (`wiel react`, and
    /// `wiel accept` with [`Verdict::Accepted`]).
    pub fn reaction(target: EntryId, verdict: wiel_protocol::Verdict, comment: String) -> Self {
        Self {
            kind: Kind::Reaction,
            space: None,
            refs: vec![Ref {
                rel: Rel::ReactsTo,
                target,
            }],
            body: Body {
                text: comment,
                fields: KindFields::Reaction { verdict },
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data: false,
        }
    }
}

/// The result of a publish.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Published {
    pub id: EntryId,
    pub kind: Kind,
    pub space: SpaceName,
}

/// A search in a node first takes in at most this many entries still waiting for the index.
const SEARCH_CATCH_UP_LIMIT: usize = 1_000;

/// The search index as `wiel status` shows it.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SearchStatus {
    /// Entries the index can find; `None` while it is being built.
    pub documents: Option<u64>,
    /// Entries stored but not yet taken in by the index.
    pub waiting: usize,
}

/// What `wiel reindex` did.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ReindexReport {
    /// Documents in the new index (latest versions of searchable entries).
    pub documents: usize,
    /// Entries in the store, tombstones included.
    pub entries: usize,
    pub seconds: f64,
    /// Size of the index on disk.
    pub bytes: u64,
}

/// What an import did.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ImportReport {
    pub stored: usize,
    pub already_stored: usize,
    /// Entries that were retracted: only their header is kept.
    pub retracted: usize,
    /// New entries kept apart: by organisations outside the trust set, or signed by a
    /// revoked key after its revocation. Stored, not shown, not passed on.
    #[serde(default)]
    pub kept_apart: usize,
    /// The organisations whose entries were kept apart, by name where known.
    #[serde(default)]
    pub kept_apart_authors: Vec<String>,
    /// Headers without their body (no retraction here erased it): not stored.
    #[serde(default)]
    pub incomplete: usize,
    /// The new entries this node passes on, as gossip would (for the node to gossip).
    #[serde(skip)]
    pub new_ids: Vec<EntryId>,
}

/// What `wiel edit` starts from: the newest version of one of this node's own entries.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EditSource {
    pub latest: EntryId,
    pub kind: Kind,
    pub space: SpaceName,
    pub body: Body,
}

/// The node's service over its data directory. One per process (sled locks the store).
pub struct Service {
    dir: DataDir,
    config: Config,
    key: OrgKeypair,
    store: Store,
    trust: crate::trust::TrustState,
    /// Opened on first use (a search, a reindex, or the node's start).
    search: std::sync::Mutex<Option<Arc<SearchIndex>>>,
    /// Set while a node's indexer thread keeps the index up to date.
    indexer_running: std::sync::atomic::AtomicBool,
    /// The last [`Service::space_counts_and_budget`], with the store generation and trust
    /// set it was computed at: `wiel status` walks the store only after a change.
    counts: std::sync::Mutex<Option<CountsAt>>,
    /// Tells a running network about our writes.
    notifier: crate::events::Notifier,
}

type CountsAt = (
    u64,
    Arc<crate::trust::TrustSet>,
    (Vec<crate::view::SpaceCount>, crate::view::KeptApart),
);

/// What `wiel init` needs.
#[derive(Clone, Debug)]
pub struct InitOptions {
    pub name: String,
    pub code: CbsCode,
    pub province: Option<String>,
    pub spaces: Vec<SpaceName>,
    pub network: wiel_protocol::NetworkId,
    pub trust_mode: crate::trust::TrustMode,
}

impl Service {
    /// Makes a new node: key (mode 0600), `config.toml`, store and a signed profile entry.
    /// Refuses a directory that already has a key, and leaves it as it was.
    pub fn init(dir: DataDir, options: InitOptions) -> Result<Self, ServiceError> {
        if dir.is_initialised() {
            return Err(ServiceError::AlreadyInitialised {
                dir: dir.root().to_owned(),
            });
        }
        if options.name.trim().is_empty() {
            return Err(Invalid::EmptyField {
                field: "organisation name",
            }
            .into());
        }
        dir.prepare()?;
        let config = Config {
            organisation: Organisation {
                name: options.name.trim().to_owned(),
                code: options.code,
                province: options.province,
            },
            network: options.network,
            spaces: if options.spaces.is_empty() {
                vec![SpaceName::national()]
            } else {
                options.spaces
            },
            default_space: None,
            node: Default::default(),
            trust: crate::trust::TrustConfig {
                mode: options.trust_mode,
                ..Default::default()
            },
        };
        let key = OrgKeypair::generate();
        let store_dir = dir.store_path();
        config.save(&dir)?;
        dir.write_key(&key)?;
        let store = open_store(&dir, &store_dir)?;
        let trust = crate::trust::TrustState::load(key.public(), config.trust.clone(), &store)?;
        let service = Self {
            dir,
            config,
            key,
            store,
            trust,
            search: std::sync::Mutex::new(None),
            counts: std::sync::Mutex::new(None),
            notifier: Default::default(),
            indexer_running: std::sync::atomic::AtomicBool::new(false),
        };
        service.publish_profile()?;
        Ok(service)
    }

    /// Opens an initialised data directory.
    pub fn open(dir: DataDir) -> Result<Self, ServiceError> {
        if !dir.is_initialised() {
            return Err(ServiceError::NotInitialised {
                dir: dir.root().to_owned(),
            });
        }
        let key = dir.read_key()?;
        let config = Config::load(&dir)?;
        let store = open_store(&dir, &dir.store_path())?;
        let trust = crate::trust::TrustState::load(key.public(), config.trust.clone(), &store)?;
        Ok(Self {
            dir,
            config,
            key,
            store,
            trust,
            search: std::sync::Mutex::new(None),
            counts: std::sync::Mutex::new(None),
            notifier: Default::default(),
            indexer_running: std::sync::atomic::AtomicBool::new(false),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }
    pub fn data_dir(&self) -> &DataDir {
        &self.dir
    }
    /// The organisation key: the node's libp2p identity.
    pub(crate) fn keypair(&self) -> &OrgKeypair {
        &self.key
    }

    pub fn org_key(&self) -> OrgKey {
        self.key.public()
    }
    pub fn store(&self) -> &Store {
        &self.store
    }
    /// Whom this node trusts.
    pub fn trust(&self) -> &crate::trust::TrustState {
        &self.trust
    }

    /// An organisation named by key, CBS code or name, or by the id (prefix) of any of its
    /// entries.
    pub fn resolve_organisation(&self, query: &str) -> Result<OrgKey, ServiceError> {
        match self.resolve_author(query) {
            Ok(key) => Ok(key),
            Err(ServiceError::NoSuchOrganisation(_)) if self.resolve(query).is_ok() => {
                Ok(self.get(&self.resolve(query)?)?.header().author)
            }
            Err(e) => Err(e),
        }
    }

    /// Vouches for another organisation's key. Its name and CBS code come from `name` and
    /// `code`, or else from the newest profile this node holds of it.
    pub fn endorse(
        &self,
        subject: OrgKey,
        name: Option<String>,
        code: Option<CbsCode>,
    ) -> Result<Published, ServiceError> {
        let profile = self.store.profile(&subject)?;
        let (known_name, known_code) = match profile.as_ref().and_then(|p| p.body()) {
            Some(Body {
                fields: KindFields::Profile { name, cbs_code, .. },
                ..
            }) => (Some(name.clone()), Some(cbs_code.clone())),
            _ => (None, None),
        };
        let (Some(name), Some(code)) = (name.or(known_name), code.or(known_code)) else {
            return Err(ServiceError::UnknownOrganisation(subject.short()));
        };
        self.publish(NewEntry {
            kind: Kind::Endorsement,
            space: Some(SpaceName::national()),
            refs: vec![],
            body: Body {
                title: format!("Aanbeveling: {name}"),
                fields: KindFields::Endorsement {
                    subject,
                    name,
                    cbs_code: code,
                },
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data: false,
        })
    }

    /// Withdraws this organisation's endorsements of `subject` (retracts them).
    pub fn withdraw_endorsement(&self, subject: OrgKey) -> Result<Vec<Published>, ServiceError> {
        let mine: Vec<EntryId> = self
            .store
            .trust_entries()?
            .iter()
            .filter(|e| {
                // Endorsements made with any key this organisation rotated from count too.
                matches!(
                    self.store
                        .speaks_for(&self.key.public(), &e.header().author),
                    Ok(true)
                )
            })
            .filter(|e| {
                matches!(
                    e.body().map(|b| &b.fields),
                    Some(KindFields::Endorsement { subject: s, .. }) if *s == subject
                )
            })
            .map(Verified::id)
            .collect();
        if mine.is_empty() {
            return Err(ServiceError::NotEndorsed(subject.short()));
        }
        let mut done = Vec::new();
        for id in mine {
            done.extend(self.retract(id, Some("aanbeveling ingetrokken".into()))?);
        }
        Ok(done)
    }

    /// The trust set as people read it: mode, depth, roots, and every trusted organisation
    /// with the ones that vouch for it.
    pub fn trust_report(&self) -> Result<crate::view::TrustReport, ServiceError> {
        let config = self.trust.config();
        let set = self.trust.current();
        let name = |k: &OrgKey| -> Result<String, ServiceError> {
            Ok(self.org_name(k)?.unwrap_or_else(|| k.short()))
        };
        let mut members = Vec::new();
        for ((depth, key), standing) in set.members() {
            members.push(crate::view::TrustMember {
                organisation: name(&key)?,
                key,
                depth,
                vouched_by: standing
                    .vouchers
                    .iter()
                    .map(name)
                    .collect::<Result<_, _>>()?,
            });
        }
        let mut revoked = Vec::new();
        for (key, since) in set.revoked() {
            revoked.push(crate::view::RevokedKey {
                organisation: name(key)?,
                key: *key,
                since: *since,
            });
        }
        let compromised = set
            .compromised()
            .iter()
            .map(|key| {
                Ok(crate::view::CompromisedKey {
                    organisation: name(key)?,
                    key: *key,
                })
            })
            .collect::<Result<_, ServiceError>>()?;
        Ok(crate::view::TrustReport {
            mode: config.mode,
            depth: config.depth,
            roots: config
                .roots
                .iter()
                .map(|k| Ok((*k, name(k)?)))
                .collect::<Result<_, ServiceError>>()?,
            members,
            revoked,
            compromised,
        })
    }

    /// Moves this organisation to a new key: the new key is saved first (the old one kept
    /// beside it as `key.old.<unix ms>`), then a key-rotation entry signed by the old key
    /// with the new key's consent, a profile signed by the new key, and the organisation's
    /// standing endorsements signed anew (a revoked key's endorsements stop counting).
    /// Returns the service on the new key, and the old and new keys. A running node must
    /// be stopped first: the key is also its network identity.
    pub fn rotate_key(self) -> Result<(Service, OrgKey, OrgKey), ServiceError> {
        let old = self.key.public();
        let new_key = OrgKeypair::generate();
        let new = new_key.public();
        let consent = new_key.consent_to_succeed(&self.config.network, &old);
        // A crash after this leaves the new key with the old one beside it, never a
        // published rotation to a key that was lost.
        self.dir.replace_key(&new_key)?;
        self.publish(NewEntry {
            kind: Kind::KeyRotation,
            space: Some(SpaceName::national()),
            refs: vec![],
            body: Body {
                fields: KindFields::KeyRotation {
                    new_key: new,
                    consent,
                },
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data: false,
        })?;
        // Withdrawn endorsements are tombstones (no body): left out.
        let endorsed: std::collections::BTreeMap<OrgKey, (String, CbsCode)> = self
            .store
            .trust_entries()?
            .iter()
            .filter(|e| matches!(self.store.speaks_for(&old, &e.header().author), Ok(true)))
            .filter_map(|e| match e.body().map(|b| &b.fields) {
                Some(KindFields::Endorsement {
                    subject,
                    name,
                    cbs_code,
                }) => Some((*subject, (name.clone(), cbs_code.clone()))),
                _ => None,
            })
            .collect();
        let dir = self.dir.clone();
        drop(self);
        let service = Service::open(dir)?;
        service.publish_profile()?;
        for (subject, (name, code)) in endorsed {
            service.endorse(subject, Some(name), Some(code))?;
        }
        Ok((service, old, new))
    }

    /// Revokes one of this organisation's keys (the current one, or one it rotated away
    /// from): entries that key signs from `since` on count for nothing on every node.
    pub fn revoke_key(&self, key: OrgKey, since: Timestamp) -> Result<Published, ServiceError> {
        let own = self.key.public();
        if !self.store.speaks_for(&own, &key)? {
            return Err(ServiceError::NotOwnKey(key.short()));
        }
        self.publish(NewEntry {
            kind: Kind::Revocation,
            space: Some(SpaceName::national()),
            refs: vec![],
            body: Body {
                fields: KindFields::Revocation { key, since },
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data: false,
        })
    }

    /// Changes the `[trust]` section (roots, mode, depth), saves `config.toml` and
    /// recomputes the trust set. Returns the keys that became trusted.
    pub fn update_trust(
        &self,
        change: impl FnOnce(&mut crate::trust::TrustConfig),
    ) -> Result<Vec<OrgKey>, ServiceError> {
        let mut trust = self.trust.config();
        change(&mut trust);
        trust.roots.sort();
        trust.roots.dedup();
        let mut config = self.config.clone();
        config.trust = trust.clone();
        config.save(&self.dir)?;
        let promoted = self.trust.set_config(trust, &self.store)?;
        self.notify_promoted(&promoted);
        Ok(promoted)
    }

    /// Recomputes the trust set from the store; a running network passes on the entries
    /// of organisations that became trusted.
    fn refresh_trust(&self) -> Result<(), ServiceError> {
        let promoted = self.trust.refresh(&self.store)?;
        self.notify_promoted(&promoted);
        Ok(())
    }

    fn notify_promoted(&self, promoted: &[OrgKey]) {
        if !promoted.is_empty() {
            self.notifier
                .send(crate::events::Written::Promoted(promoted.to_vec()));
        }
    }

    /// What this service writes, for the network (see [`crate::events`]). `None` when a
    /// network listens already.
    pub fn listen(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<crate::events::Written>> {
        self.notifier.listen()
    }

    fn rules(&self) -> Rules {
        Rules::new(self.config.network.clone())
    }

    fn publish_profile(&self) -> Result<Published, ServiceError> {
        let org = &self.config.organisation;
        self.publish(NewEntry {
            kind: Kind::Profile,
            space: Some(SpaceName::national()),
            refs: vec![],
            body: Body {
                title: org.name.clone(),
                text: String::new(),
                fields: KindFields::Profile {
                    name: org.name.clone(),
                    cbs_code: org.code.clone(),
                    province: org.province.clone(),
                },
                ..Body::default()
            },
            created_at: None,
            // The organisation's own name and code.
            confirmed_personal_data: true,
        })
    }

    /// Signs and stores a new entry by this node's organisation.
    pub fn publish(&self, new: NewEntry) -> Result<Published, ServiceError> {
        // Every signed text, a retraction's reason included (a retraction can always go
        // out without a reason: it is how personal data is taken back).
        let findings = wiel_protocol::privacy::scan(&new.body);
        if findings.iter().any(|f| f.blocks)
            || (!findings.is_empty() && !new.confirmed_personal_data)
        {
            return Err(ServiceError::PersonalData(findings));
        }
        // A revoked key signs nothing any more, but its move to a new key.
        let own = self.key.public();
        if new.kind != Kind::KeyRotation
            && let Some(since) = self.trust.current().revoked().get(&own)
        {
            return Err(ServiceError::OwnKeyRevoked {
                key: own.short(),
                since: *since,
            });
        }
        let mut space = new.space;
        let accepts = matches!(
            new.body.fields,
            KindFields::Reaction {
                verdict: wiel_protocol::Verdict::Accepted
            }
        );
        for r in &new.refs {
            let target = self.get(&r.target)?;
            self.check_target(&target, r.rel, new.kind)?;
            if accepts {
                self.check_acceptance(&target)?;
            }
            if space.is_none() {
                space = Some(target.header().space.clone());
            }
        }
        let draft = Draft {
            network: self.config.network.clone(),
            space: space.unwrap_or_else(|| self.config.default_space()),
            kind: new.kind,
            refs: new.refs,
            created_at: new.created_at.unwrap_or_else(Timestamp::now),
            body: new.body,
        };
        let entry = draft.sign(&self.key, &self.rules())?;
        let published = Published {
            id: entry.id(),
            kind: entry.header().kind,
            space: entry.header().space.clone(),
        };
        let changes_trust = crate::trust::may_change_trust(&entry);
        self.store.ingest(entry)?;
        self.store.outbox_add(&published.id)?;
        self.notifier.send(crate::events::Written::Own);
        if changes_trust {
            self.refresh_trust()?;
        }
        Ok(published)
    }

    /// Clear refusals before signing (the store applies the same rules again).
    fn check_target(&self, target: &Verified, rel: Rel, kind: Kind) -> Result<(), ServiceError> {
        let h = target.header();
        let id = target.id();
        if matches!(rel, Rel::Retracts | Rel::Supersedes) {
            if !h.kind.is_retractable() {
                return Err(Rejection::NotRetractable {
                    target: id,
                    found: h.kind,
                }
                .into());
            }
            // Every key this organisation rotated from counts as this organisation.
            if !self.store.speaks_for(&self.key.public(), &h.author)? {
                let action = if rel == Rel::Retracts {
                    "retract"
                } else {
                    "make a new version of"
                };
                return Err(Rejection::NotAuthorOfTarget { target: id, action }.into());
            }
        }
        if rel == Rel::Answers && h.kind != Kind::Question {
            return Err(Rejection::NotAQuestion {
                target: id,
                found: h.kind,
            }
            .into());
        }
        if rel == Rel::Supersedes && h.kind != kind {
            return Err(Rejection::VersionKindMismatch {
                target: id,
                found: h.kind,
                expected: kind,
            }
            .into());
        }
        if matches!(rel, Rel::Supersedes | Rel::Answers | Rel::ReactsTo) && target.body().is_none()
        {
            return Err(ServiceError::Retracted(id.short()));
        }
        Ok(())
    }

    /// Only the organisation that asked may accept an answer to its question.
    fn check_acceptance(&self, answer: &Verified) -> Result<(), ServiceError> {
        let h = answer.header();
        let question = match (h.kind, h.target(Rel::Answers)) {
            (Kind::Answer, Some(question)) => question,
            _ => {
                return Err(Rejection::NotAnAnswer {
                    target: answer.id(),
                    found: h.kind,
                }
                .into());
            }
        };
        let asked_by = self.get(&question)?.header().author;
        if !self.store.speaks_for(&self.key.public(), &asked_by)? {
            return Err(Rejection::NotTheAsker { question }.into());
        }
        Ok(())
    }

    /// Answers a question; the title is "Re: " and the question's title.
    pub fn answer(
        &self,
        question: EntryId,
        text: String,
        confirmed_personal_data: bool,
    ) -> Result<Published, ServiceError> {
        let title = self
            .get(&question)?
            .body()
            .map(|b| format!("Re: {}", b.title))
            .unwrap_or_else(|| "Antwoord".to_owned());
        self.publish(NewEntry {
            kind: Kind::Answer,
            space: None,
            refs: vec![Ref {
                rel: Rel::Answers,
                target: question,
            }],
            body: Body {
                title: title
                    .chars()
                    .take(wiel_protocol::validate::MAX_TITLE_CHARS)
                    .collect(),
                text,
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data,
        })
    }

    /// Withdraws every version of one of this node's entries (personal data must not
    /// survive in an older version). Returns one retraction per version still standing.
    pub fn retract(
        &self,
        target: EntryId,
        reason: Option<String>,
    ) -> Result<Vec<Published>, ServiceError> {
        let thread = self.thread(&target)?;
        let mut done = Vec::new();
        for version in &thread.versions {
            if self.store.retracted_by(version)?.is_some() {
                continue;
            }
            done.push(self.publish(NewEntry {
                kind: Kind::Retraction,
                space: None,
                refs: vec![Ref {
                    rel: Rel::Retracts,
                    target: *version,
                }],
                body: Body {
                    text: reason.clone().unwrap_or_default(),
                    ..Body::default()
                },
                created_at: None,
                confirmed_personal_data: false,
            })?);
        }
        if done.is_empty() {
            return Err(ServiceError::Retracted(target.short()));
        }
        Ok(done)
    }

    /// The newest version of an own, editable, not retracted entry.
    pub fn edit_source(&self, target: EntryId) -> Result<EditSource, ServiceError> {
        let latest = self.store.latest_version(&target)?;
        let current = self.get(&latest)?;
        let h = current.header();
        if !self.store.speaks_for(&self.key.public(), &h.author)? {
            return Err(Rejection::NotAuthorOfTarget {
                target: latest,
                action: "make a new version of",
            }
            .into());
        }
        if !h.kind.is_editable() {
            return Err(ServiceError::NotEditable(h.kind));
        }
        let body = current
            .body()
            .cloned()
            .ok_or_else(|| ServiceError::Retracted(latest.short()))?;
        Ok(EditSource {
            latest,
            kind: h.kind,
            space: h.space.clone(),
            body,
        })
    }

    /// Publishes `body` as a new version of `source`; `None` when nothing changed.
    pub fn new_version(
        &self,
        source: &EditSource,
        body: Body,
        space: Option<SpaceName>,
        confirmed_personal_data: bool,
    ) -> Result<Option<Published>, ServiceError> {
        let space = space.unwrap_or_else(|| source.space.clone());
        if body == source.body && space == source.space {
            return Ok(None);
        }
        self.publish(NewEntry {
            kind: source.kind,
            space: Some(space),
            refs: vec![Ref {
                rel: Rel::Supersedes,
                target: source.latest,
            }],
            body,
            created_at: None,
            confirmed_personal_data,
        })
        .map(Some)
    }

    /// Entries per space this node follows (and any other space it holds entries of).
    /// Per space: the entries this node holds and passes on (the set catch-up sync
    /// compares, so the fingerprint matches a peer's when both hold the same), and the
    /// entries it keeps apart (untrusted authors).
    pub fn space_counts(&self) -> Result<Vec<crate::view::SpaceCount>, ServiceError> {
        Ok(self.space_counts_and_budget()?.0)
    }

    /// [`Service::space_counts`] and what this node holds from outside the trust set (against
    /// `[trust] max_kept_apart_bytes`), in one walk of the store.
    pub fn space_counts_and_budget(
        &self,
    ) -> Result<(Vec<crate::view::SpaceCount>, crate::view::KeptApart), ServiceError> {
        let generation = self.store.generation();
        let trust = self.trust.current();
        let mut cached = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, set, counts)) = cached.as_ref()
            && *at == generation
            && Arc::ptr_eq(set, &trust)
        {
            return Ok(counts.clone());
        }
        let counts = self.count_spaces()?;
        *cached = Some((generation, trust, counts.clone()));
        Ok(counts)
    }

    fn count_spaces(
        &self,
    ) -> Result<(Vec<crate::view::SpaceCount>, crate::view::KeptApart), ServiceError> {
        let mut items = self.store.items_by_space(None)?;
        let (entries, bytes) =
            crate::trust::kept_apart_usage(&self.store, &self.trust.current(), &items)?;
        let budget = crate::view::KeptApart {
            entries,
            bytes,
            limit: self.trust.config().max_kept_apart_bytes,
        };
        let mut names: Vec<SpaceName> = self.config.spaces.clone();
        for name in items.keys() {
            if let Ok(space) = SpaceName::new(name.clone())
                && !names.contains(&space)
            {
                names.push(space);
            }
        }
        let set = self.trust.current();
        let mut out = Vec::new();
        for space in names {
            let mut fingerprint = crate::reconcile::Fingerprint::default();
            let mut kept_apart = 0;
            let mut entries = 0;
            for item in items.remove(space.as_str()).unwrap_or_default() {
                if set.passes_on(item.kind, &item.author, item.created_at) {
                    fingerprint.add(&item.id);
                    entries += 1;
                } else {
                    kept_apart += 1;
                }
            }
            out.push(crate::view::SpaceCount {
                entries,
                kept_apart,
                fingerprint: fingerprint.short(),
                last_sync: None,
                space,
            });
        }
        Ok((out, budget))
    }

    pub fn org_names(&self) -> Result<std::collections::BTreeMap<OrgKey, String>, ServiceError> {
        let mut names = std::collections::BTreeMap::new();
        for p in self.store.profiles()? {
            if let Some(Body {
                fields: KindFields::Profile { name, .. },
                ..
            }) = p.body()
            {
                names.insert(p.header().author, name.clone());
            }
        }
        Ok(names)
    }

    /// Turns a full id or a unique prefix (at least [`MIN_PREFIX`] hex characters) into an id.
    pub fn resolve(&self, prefix: &str) -> Result<EntryId, ServiceError> {
        let p = prefix.trim().to_ascii_lowercase();
        if p.len() < MIN_PREFIX || p.len() > 64 || !p.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ServiceError::BadIdPrefix(prefix.to_owned()));
        }
        match self.store.resolve_prefix(&p)? {
            Resolved::Found(id) => Ok(id),
            Resolved::NotFound => Err(ServiceError::NoSuchEntry(prefix.to_owned())),
            Resolved::Ambiguous(ids) => Err(ServiceError::AmbiguousId {
                prefix: prefix.to_owned(),
                candidates: ids.iter().map(|id| id.short()).collect(),
            }),
        }
    }

    /// The entry with this id, or a clear error.
    pub fn get(&self, id: &EntryId) -> Result<Verified, ServiceError> {
        self.store
            .get(id)?
            .ok_or_else(|| ServiceError::NoSuchEntry(id.short()))
    }

    /// The organisation's name from its newest profile.
    pub fn org_name(&self, key: &OrgKey) -> Result<Option<String>, ServiceError> {
        Ok(self.store.profile(key)?.and_then(|p| match p.body() {
            Some(Body {
                fields: KindFields::Profile { name, .. },
                ..
            }) => Some(name.clone()),
            _ => None,
        }))
    }

    /// Finds an organisation by key (64 hex), CBS code or (part of) its name.
    pub fn resolve_author(&self, query: &str) -> Result<OrgKey, ServiceError> {
        if let Ok(key) = query.parse::<OrgKey>() {
            return Ok(key);
        }
        let needle = query.trim().to_lowercase();
        let mut matches = Vec::new();
        for profile in self.store.profiles()? {
            if let Some(Body {
                fields: KindFields::Profile { name, cbs_code, .. },
                ..
            }) = profile.body()
            {
                let lower = name.to_lowercase();
                if cbs_code.as_str().eq_ignore_ascii_case(&needle) || lower == needle {
                    return Ok(profile.header().author);
                }
                if lower.contains(&needle) {
                    matches.push((profile.header().author, name.clone()));
                }
            }
        }
        match matches.len() {
            1 => Ok(matches[0].0),
            0 => Err(ServiceError::NoSuchOrganisation(query.to_owned())),
            _ => Err(ServiceError::AmbiguousOrganisation {
                query: query.to_owned(),
                names: matches.into_iter().map(|(_, n)| n).collect(),
            }),
        }
    }

    pub fn view(&self, entry: &Verified) -> Result<EntryView, ServiceError> {
        let mut v = EntryView::new(entry, self.org_name(&entry.header().author)?);
        match entry.header().kind {
            Kind::Answer => v.accepted = self.store.acceptance_of(entry)?.is_some(),
            Kind::Question => v.accepted_answer = self.store.accepted_answer(&entry.id())?,
            _ => {}
        }
        v.trust = Some(self.trust_view(&entry.header().author)?);
        v.retracted_by = self.store.retracted_by(&entry.id())?;
        if self.store.superseded_by(&entry.id())?.is_some() {
            v.superseded_by = Some(self.store.latest_version(&entry.id())?);
        }
        Ok(v)
    }

    fn views(&self, entries: &[Verified]) -> Result<Vec<EntryView>, ServiceError> {
        entries.iter().map(|e| self.view(e)).collect()
    }

    /// Who vouches for `author` in this node's trust set.
    pub fn trust_view(&self, author: &OrgKey) -> Result<crate::view::TrustView, ServiceError> {
        let set = self.trust.current();
        Ok(match set.standing(author) {
            Some(standing) => crate::view::TrustView {
                trusted: true,
                root: standing.depth == 0,
                vouched_by: standing
                    .vouchers
                    .iter()
                    .map(|k| Ok(self.org_name(k)?.unwrap_or_else(|| k.short())))
                    .collect::<Result<_, ServiceError>>()?,
            },
            None => crate::view::TrustView {
                trusted: false,
                root: false,
                vouched_by: vec![],
            },
        })
    }

    pub fn list(&self, filter: &ListFilter) -> Result<Vec<EntryView>, ServiceError> {
        check_limit(filter)?;
        let set = self.trust.current();
        let shown = |e: &Verified| {
            (filter.untrusted || set.shows_entry(e))
                && (!filter.open
                    || (e.header().kind == Kind::Question
                        && matches!(self.store.accepted_answer(&e.id()), Ok(None))))
        };
        self.views(&self.store.scan(filter, shown)?)
    }

    /// The entry, its versions, answers and reactions.
    pub fn thread(&self, id: &EntryId) -> Result<ThreadView, ServiceError> {
        let thread = self
            .store
            .thread(id)?
            .ok_or_else(|| ServiceError::NoSuchEntry(id.short()))?;
        Ok(ThreadView {
            entry: self.view(&thread.entry)?,
            versions: thread.versions,
            answers: self.views(&thread.answers)?,
            reactions: self.views(&thread.reactions)?,
        })
    }

    /// The search index, opened (and brought up to date) on first use.
    pub fn search_index(&self) -> Result<Arc<SearchIndex>, ServiceError> {
        let mut slot = self.search.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(index) = slot.as_ref() {
            return Ok(index.clone());
        }
        let index = Arc::new(SearchIndex::open(&self.store)?);
        *slot = Some(index.clone());
        Ok(index)
    }

    /// Keeps the search index up to date with every commit to the store until `stop` is
    /// set (the node runs this on a thread of its own).
    pub fn follow_with_index(&self, stop: &std::sync::atomic::AtomicBool) {
        use std::sync::atomic::Ordering;
        self.indexer_running.store(true, Ordering::Release);
        match self.search_index() {
            Ok(index) => index.follow(stop),
            Err(e) => {
                tracing::error!(error = %e, "search index unusable; `wiel search` will fail until `wiel reindex` succeeds")
            }
        }
        self.indexer_running.store(false, Ordering::Release);
    }

    /// Dutch full-text search, best first: latest versions only, never retracted entries,
    /// and entries of untrusted organisations only when `filter.untrusted` asks for them.
    pub fn search(&self, query: &str, filter: &ListFilter) -> Result<SearchResults, ServiceError> {
        check_limit(filter)?;
        let index = self.search_index()?;
        let follower = self
            .indexer_running
            .load(std::sync::atomic::Ordering::Acquire);
        // Take in what was stored since the last catch-up, so that what was just published
        // is found; but while a node takes in a big catch-up sync, leave it to its indexer.
        let waiting = self.store.unindexed(SEARCH_CATCH_UP_LIMIT + 1)?.len();
        if !follower || (1..=SEARCH_CATCH_UP_LIMIT).contains(&waiting) {
            index.catch_up()?;
        }
        let set = self.trust.current();
        let outcome = index.search(&SearchQuery {
            text: query.to_owned(),
            filter: filter.clone(),
            authors: if filter.untrusted {
                None
            } else {
                set.shown_authors()
            },
        })?;
        let mut results = Vec::with_capacity(outcome.hits.len());
        for hit in outcome.hits {
            // What a revoked key signed from its revocation on is never shown by default.
            if !filter.untrusted && !set.shows_entry(&hit.entry) {
                continue;
            }
            let mut v = self.view(&hit.entry)?;
            v.score = Some(hit.score);
            v.snippet = Some(hit.snippet);
            results.push(v);
        }
        Ok(SearchResults {
            query: query.to_owned(),
            corrected: outcome.corrected,
            unknown: outcome.unknown,
            results,
        })
    }

    /// How far the search index is. Does not wait for an index being built.
    pub fn search_status(&self) -> Result<SearchStatus, ServiceError> {
        let documents = match self.search.try_lock() {
            Ok(slot) => match slot.as_ref() {
                Some(index) => Some(index.len()),
                None => {
                    drop(slot);
                    Some(self.search_index()?.len())
                }
            },
            Err(_) => None,
        };
        Ok(SearchStatus {
            documents,
            waiting: self.store.unindexed_count(),
        })
    }

    /// Builds the search index anew from the store.
    /// Reads every entry back and checks it by every rule; damaged entries are taken out
    /// (quarantined) so that catch-up sync fetches them again from a peer.
    pub fn check(&self) -> Result<wiel_store::CheckReport, ServiceError> {
        let report = self.store.check(&self.rules())?;
        if !report.quarantined.is_empty() {
            self.refresh_trust()?;
        }
        Ok(report)
    }

    /// Rewrites the entry log without the bytes of retracted entries.
    pub fn compact(&self) -> Result<wiel_store::Compacted, ServiceError> {
        Ok(self.store.compact()?)
    }

    /// The entry log's size and its dead bytes.
    pub fn log_usage(&self) -> Result<wiel_store::LogUsage, ServiceError> {
        Ok(self.store.log_usage()?)
    }

    pub fn reindex(&self) -> Result<ReindexReport, ServiceError> {
        let started = std::time::Instant::now();
        let index = self.search_index()?;
        let documents = index.rebuild()?;
        Ok(ReindexReport {
            documents,
            entries: self.store.count(),
            seconds: started.elapsed().as_secs_f64(),
            bytes: index.size_on_disk(),
        })
    }

    /// Every entry (tombstones included), oldest first, as export lines.
    pub fn export(&self) -> impl Iterator<Item = Result<ExportLine, ServiceError>> + '_ {
        self.store
            .iter_all()
            .map(|r| r.map(|v| ExportLine::new(&v)).map_err(ServiceError::from))
    }

    /// Imports JSON lines from another node. Every line is verified like network input
    /// before anything is stored; one bad line stores nothing and names the line.
    pub fn import(&self, text: &str) -> Result<ImportReport, ServiceError> {
        let rules = self.rules();
        let mut batch = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            batch.push(exchange::parse_line(line, n + 1, &rules)?);
        }
        let changes_trust = batch.iter().any(crate::trust::may_change_trust);
        let ids: Vec<EntryId> = batch.iter().map(|e| e.id()).collect();
        let outcomes = self.store.ingest_batch(batch)?;
        if changes_trust {
            self.refresh_trust()?;
        }
        // Import is admission too: what is new here is shown and passed on exactly as if it
        // had come by gossip.
        let set = self.trust.current();
        let mut report = ImportReport::default();
        let mut kept_apart_authors = std::collections::BTreeSet::new();
        for (id, outcome) in ids.into_iter().zip(outcomes) {
            match outcome {
                Ingest::Stored => {
                    report.stored += 1;
                    match self.store.get(&id)? {
                        Some(entry) if set.passes_on_entry(&entry) => report.new_ids.push(id),
                        Some(entry) => {
                            report.kept_apart += 1;
                            kept_apart_authors.insert(entry.header().author);
                        }
                        None => {}
                    }
                }
                Ingest::AlreadyStored => report.already_stored += 1,
                Ingest::Retracted => report.retracted += 1,
                Ingest::Incomplete => report.incomplete += 1,
            }
        }
        for author in kept_apart_authors {
            report.kept_apart_authors.push(
                self.org_name(&author)?
                    .map(|name| format!("{name} ({})", author.short()))
                    .unwrap_or_else(|| format!("onbekende organisatie ({})", author.short())),
            );
        }
        if !report.new_ids.is_empty() {
            self.notifier
                .send(crate::events::Written::Imported(report.new_ids.clone()));
        }
        Ok(report)
    }
}

/// Most entries one list or search returns.
pub const MAX_LIMIT: usize = 10_000;

fn check_limit(filter: &ListFilter) -> Result<(), ServiceError> {
    if (1..=MAX_LIMIT).contains(&filter.limit) {
        Ok(())
    } else {
        Err(ServiceError::BadLimit(filter.limit))
    }
}

fn open_store(dir: &DataDir, path: &std::path::Path) -> Result<Store, ServiceError> {
    Store::open(path).map_err(|e| match e {
        StoreError::Open { reason, .. }
            if reason.contains("Permission denied") || reason.contains("Read-only") =>
        {
            ServiceError::NotWritable {
                dir: dir.root().to_owned(),
                reason,
            }
        }
        other => other.into(),
    })
}
