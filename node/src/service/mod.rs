//! The service: every operation a user can ask of their node, on its data directory.
//! Setting up and opening a data directory is here; the operations are split by concern:
//! `writing` (publish, answer, retract, edit), `trust_admin` (endorse, trust, keys, finding
//! an organisation), `reading` (views, lists, threads, counts), `search`, and `upkeep`
//! (check, compact, export, import).

use std::path::PathBuf;
use std::sync::Arc;

use wiel_protocol::{
    Body, CbsCode, Draft, EntryId, Invalid, Kind, KindFields, OrgKey, OrgKeypair, Ref, Rel, Rules,
    SpaceName, Timestamp, Verified,
};
use wiel_store::search::{SearchError, SearchIndex, SearchQuery};
use wiel_store::{Ingest, ListFilter, Rejection, Resolved, Store, StoreError};

use crate::config::{Config, ConfigError, DataDir, Organisation};
use crate::exchange::{self, ExportLine, LineError};
use crate::view::{EntryView, Listing, SearchResults, ThreadView};

mod backup;
mod names;
mod reading;
mod search;
mod trust_admin;
mod upkeep;
mod writing;

pub use backup::{BACKUP_FORMAT, BackupProblem, Restored, seal_key};
pub use reading::MAX_LIMIT;
pub use search::{HIDDEN_COUNTED, ReindexReport, SearchStatus};
pub use trust_admin::HistoriesNamed;
pub use upkeep::{ImportReport, KeptApartAuthor};
pub use writing::{EditSource, Edited, NewEntry, Published, Retracted};

/// Shortest id prefix accepted, so a typo does not pick a random entry.
pub const MIN_PREFIX: usize = 4;

/// What can go wrong; each message says what and where in plain words.
/// An organisation that claims a name or code asked for: its name and code as claimed, its
/// key, and whether this node trusts it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub key: OrgKey,
    pub claimed: String,
    pub trusted: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    DataDir(#[from] ConfigError),
    AlreadyInitialised {
        dir: PathBuf,
    },
    Store(StoreError),
    Search(SearchError),
    Invalid(Invalid),
    Rejected(Rejection),
    NoSuchEntry(String),
    AmbiguousId {
        prefix: String,
        candidates: Vec<String>,
    },
    BadIdPrefix(String),
    BadLimit(usize),
    NoSuchOrganisation(String),
    AmbiguousOrganisation {
        query: String,
        count: usize,
        /// The first few, to choose from by key.
        candidates: Vec<Candidate>,
    },
    NotEditable(Kind),
    Retracted(EntryId),
    Import(LineError),
    UnknownOrganisation(OrgKey),
    Name(wiel_protocol::NameError),
    NotOwnKey(OrgKey),
    OwnKeyRevoked {
        key: OrgKey,
        since: Timestamp,
    },
    SpaceChange {
        from: SpaceName,
        to: SpaceName,
    },
    UnknownTheme {
        theme: String,
    },
    UnfollowedSpace {
        space: SpaceName,
        followed: Vec<SpaceName>,
    },
    OwnOrganisation,
    /// `wiel init --name ""`.
    NoOrganisationName,
    /// This organisation's own profile: without it, anyone could be shown under its name.
    OwnProfile(EntryId),
    /// `wiel publish` / `POST /api/v1/entries` of a kind that has an operation of its own.
    NotPublishable(Kind),
    NotARoot(OrgKey),
    NotEndorsed(OrgKey),
    /// This organisation endorses `subject` already, with the same name and code.
    AlreadyEndorsed {
        subject: OrgKey,
        name: String,
        endorsement: EntryId,
    },
    PersonalData(Vec<wiel_protocol::privacy::Finding>),
    Backup(BackupProblem),
}

impl ServiceError {
    /// A stable code for this kind of error: the API's problem type carries it, so that a
    /// client (the CLI, a web page) can add what its own user should do.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::DataDir(ConfigError::NotInitialised { .. }) => "not_initialised",
            ServiceError::DataDir(_) => "data_dir",
            ServiceError::AlreadyInitialised { .. } => "already_initialised",
            ServiceError::Store(StoreError::Locked { .. }) => "store_locked",
            ServiceError::Store(_) => "store",
            ServiceError::Search(_) => "search_index",
            ServiceError::Invalid(_) => "invalid",
            ServiceError::Rejected(_) => "rejected",
            ServiceError::NoSuchEntry(_) => "no_such_entry",
            ServiceError::AmbiguousId { .. } => "ambiguous_id",
            ServiceError::BadIdPrefix(_) => "bad_id_prefix",
            ServiceError::BadLimit(_) => "bad_limit",
            ServiceError::NoSuchOrganisation(_) => "no_such_organisation",
            ServiceError::AmbiguousOrganisation { .. } => "ambiguous_organisation",
            ServiceError::NotEditable(_) => "not_editable",
            ServiceError::Retracted(_) => "retracted",
            ServiceError::Import(_) => "import_line",
            ServiceError::UnknownOrganisation(_) => "unknown_organisation",
            ServiceError::Name(_) => "name",
            ServiceError::NotOwnKey(_) => "not_own_key",
            ServiceError::OwnKeyRevoked { .. } => "own_key_revoked",
            ServiceError::NotEndorsed(_) => "not_endorsed",
            ServiceError::AlreadyEndorsed { .. } => "already_endorsed",
            ServiceError::OwnOrganisation => "own_organisation",
            ServiceError::NoOrganisationName => "no_organisation_name",
            ServiceError::OwnProfile(_) => "own_profile",
            ServiceError::NotPublishable(_) => "not_publishable",
            ServiceError::SpaceChange { .. } => "space_change",
            ServiceError::UnfollowedSpace { .. } => "unfollowed_space",
            ServiceError::UnknownTheme { .. } => "unknown_theme",
            ServiceError::NotARoot(_) => "not_a_root",
            ServiceError::PersonalData(f) if f.iter().any(|f| f.blocks) => "personal_data_blocked",
            ServiceError::PersonalData(_) => "personal_data",
            ServiceError::Backup(_) => "backup",
        }
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
    /// Names as shown (see [`Service::org_names`]), with the store generation and trust
    /// set they were read at.
    names: std::sync::Mutex<Option<NamesAt>>,
    /// Held from "is this endorsement new?" to its publishing: two at once publish one.
    endorsing: std::sync::Mutex<()>,
}

type NamesAt = (
    u64,
    Arc<crate::trust::TrustSet>,
    Arc<std::collections::BTreeMap<OrgKey, names::ShownName>>,
);

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
        dir.check_is_directory()?;
        if dir.is_initialised() {
            return Err(ServiceError::AlreadyInitialised {
                dir: dir.root().to_owned(),
            });
        }
        if options.name.trim().is_empty() {
            return Err(ServiceError::NoOrganisationName);
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
                // Each space once, in the order given.
                let mut spaces: Vec<SpaceName> = Vec::new();
                for space in options.spaces {
                    if !spaces.contains(&space) {
                        spaces.push(space);
                    }
                }
                spaces
            },
            default_space: None,
            node: Default::default(),
            trust: crate::trust::TrustConfig {
                mode: options.trust_mode,
                ..Default::default()
            },
            search: Default::default(),
            web: Default::default(),
        };
        let key = OrgKeypair::generate();
        let store_dir = dir.store_path();
        config.save(&dir)?;
        dir.write_key(&key)?;
        let store = open_store(&dir, &store_dir)?;
        let trust = crate::trust::TrustState::load(key.public(), config.trust.clone(), &store)?;
        let service = Self::with_parts(dir, config, key, store, trust);
        service.publish_profile()?;
        Ok(service)
    }

    /// Opens an initialised data directory, waiting up to `wait` for a store another
    /// process holds briefly (a node starting, another command).
    pub fn open_waiting(dir: DataDir, wait: std::time::Duration) -> Result<Self, ServiceError> {
        let start = std::time::Instant::now();
        loop {
            match Self::open(dir.clone()) {
                Err(ServiceError::Store(StoreError::Locked { .. })) if start.elapsed() < wait => {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                other => return other,
            }
        }
    }

    /// Opens an initialised data directory.
    pub fn open(dir: DataDir) -> Result<Self, ServiceError> {
        dir.check_is_directory()?;
        if !dir.is_initialised() {
            return Err(ConfigError::NotInitialised {
                dir: dir.root().to_owned(),
            }
            .into());
        }
        warm_up_for_reading();
        let key = dir.read_key()?;
        let config = Config::load(&dir)?;
        let store = open_store(&dir, &dir.store_path())?;
        let trust = crate::trust::TrustState::load(key.public(), config.trust.clone(), &store)?;
        Ok(Self::with_parts(dir, config, key, store, trust))
    }

    fn with_parts(
        dir: DataDir,
        config: Config,
        key: OrgKeypair,
        store: Store,
        trust: crate::trust::TrustState,
    ) -> Self {
        Self {
            dir,
            config,
            key,
            store,
            trust,
            search: std::sync::Mutex::new(None),
            counts: std::sync::Mutex::new(None),
            notifier: Default::default(),
            names: std::sync::Mutex::new(None),
            endorsing: std::sync::Mutex::new(()),
            indexer_running: std::sync::atomic::AtomicBool::new(false),
        }
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
}

/// Builds what showing and searching entries needs once a process (the search's lexicon
/// and thesaurus, the privacy patterns every view is checked with) on a thread of its own,
/// once: a command without a node does it while its store opens, not after.
fn warm_up_for_reading() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let started = std::thread::Builder::new()
            .name("warm-up".into())
            .spawn(|| {
                wiel_store::search::warm_up();
                wiel_protocol::privacy::warm_up();
            });
        // Without the thread, the first search or view builds them itself.
        if let Err(e) = started {
            tracing::debug!(error = %e, "no thread to warm up on");
        }
    });
}

fn open_store(dir: &DataDir, path: &std::path::Path) -> Result<Store, ServiceError> {
    Store::open(path).map_err(|e| match e {
        StoreError::Open { reason, .. }
            if reason.contains("Permission denied") || reason.contains("Read-only") =>
        {
            ConfigError::NotWritable {
                dir: dir.root().to_owned(),
                reason,
            }
            .into()
        }
        other => other.into(),
    })
}
