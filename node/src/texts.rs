//! How the node's errors read, as messages of the catalogue (`wiel-lang`).

use wiel_lang::{Localise, Message, english_display, msg};

use crate::config::ConfigError;
use crate::exchange::LineError;
use crate::network::StartError;
use crate::network::{DialFailure, NetworkError};
use crate::ops::OpError;
use crate::reconcile::ReconcileError;
use crate::refusal::Refusal;
use crate::runtime::NodeError;
use crate::service::{MAX_LIMIT, MIN_PREFIX, ServiceError};
use crate::wire::client::ClientError;

impl Localise for ServiceError {
    fn message(&self) -> Message {
        match self {
            ServiceError::DataDir(e) => e.message(),
            ServiceError::AlreadyInitialised { dir } => {
                msg!("already-initialised", dir = dir.display().to_string())
            }
            ServiceError::Store(e) => e.message(),
            ServiceError::Search(e) => e.message(),
            ServiceError::Invalid(e) => msg!("entry-invalid", reason = e.message()),
            ServiceError::Rejected(e) => msg!("entry-refused", reason = e.message()),
            ServiceError::NoSuchEntry(prefix) => msg!("no-such-entry", prefix = prefix.as_str()),
            ServiceError::AmbiguousId { prefix, candidates } => msg!(
                "ambiguous-id",
                prefix = prefix.as_str(),
                candidates = candidates.join(", ")
            ),
            ServiceError::BadIdPrefix(prefix) => {
                msg!("bad-id-prefix", prefix = prefix.as_str(), min = MIN_PREFIX)
            }
            ServiceError::BadLimit(limit) => msg!("bad-limit", limit = *limit, max = MAX_LIMIT),
            ServiceError::NoSuchOrganisation(query) => {
                msg!("no-such-organisation", query = query.as_str())
            }
            ServiceError::AmbiguousOrganisation {
                query,
                count,
                candidates,
            } => {
                let mut names: Vec<wiel_lang::Message> = candidates
                    .iter()
                    .map(|c| {
                        let standing = if c.trusted {
                            msg!("candidate-trusted")
                        } else {
                            msg!("candidate-untrusted")
                        };
                        msg!(
                            "organisation-candidate",
                            name = c.claimed.as_str(),
                            key = c.key.short(),
                            standing = standing
                        )
                    })
                    .collect();
                if *count > candidates.len() {
                    names.push(msg!("candidates-more", count = *count - candidates.len()));
                }
                msg!(
                    "ambiguous-organisation",
                    query = query.as_str(),
                    count = *count,
                    names = names
                )
            }
            ServiceError::NotEditable(kind) => msg!("not-editable", kind = kind.with_article()),
            ServiceError::Retracted(id) => msg!("entry-retracted", id = id.short()),
            ServiceError::Import(e) => e.message(),
            ServiceError::UnknownOrganisation(key) => {
                msg!("organisation-unknown", key = key.short())
            }
            ServiceError::Name(e) => e.message(),
            ServiceError::NotOwnKey(key) => msg!("not-own-key", key = key.short()),
            ServiceError::OwnKeyRevoked { key, since } => msg!(
                "own-key-revoked",
                key = key.short(),
                since = wiel_lang::date_time(since.as_millis() as i64)
            ),
            ServiceError::SpaceChange { from, to } => {
                msg!("space-change", from = from.as_str(), to = to.as_str())
            }
            ServiceError::UnknownTheme { theme } => msg!(
                "unknown-theme",
                theme = theme.as_str(),
                known = wiel_protocol::themes::theme_names()
            ),
            ServiceError::UnfollowedSpace { space, followed } => msg!(
                "unfollowed-space",
                space = space.as_str(),
                followed = followed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ServiceError::OwnOrganisation => msg!("own-organisation"),
            ServiceError::NoOrganisationName => msg!("no-organisation-name"),
            ServiceError::OwnProfile(id) => msg!("own-profile", id = id.short()),
            ServiceError::NotPublishable(kind) => msg!("not-publishable", kind = kind.message()),
            ServiceError::NotARoot(key) => msg!("not-a-root", key = key.short()),
            ServiceError::NotEndorsed(key) => msg!("not-endorsed", key = key.short()),
            ServiceError::AlreadyEndorsed {
                subject,
                name,
                endorsement,
            } => msg!(
                "already-endorsed",
                organisation = name.as_str(),
                key = subject.to_string(),
                id = endorsement.short()
            ),
            ServiceError::PersonalData(findings) => personal_data(findings),
            ServiceError::Backup(problem) => match problem {
                crate::service::BackupProblem::NotABackup => msg!("backup-not-a-backup"),
                crate::service::BackupProblem::Damaged => msg!("backup-damaged"),
                crate::service::BackupProblem::NewerFormat(format) => msg!(
                    "backup-newer-format",
                    format = *format,
                    known = crate::service::BACKUP_FORMAT
                ),
                crate::service::BackupProblem::BadKey(reason) => {
                    msg!("backup-bad-key", reason = reason.as_str())
                }
                crate::service::BackupProblem::NeedsPassphrase => {
                    msg!("backup-needs-passphrase")
                }
                crate::service::BackupProblem::WrongPassphrase => {
                    msg!("backup-wrong-passphrase")
                }
                crate::service::BackupProblem::NotEmpty(dir) => {
                    msg!("restore-not-empty", dir = dir.as_str())
                }
            },
        }
    }
}

/// One line about the privacy guard's findings: what blocks, or what to confirm.
pub fn personal_data(findings: &[wiel_protocol::privacy::Finding]) -> Message {
    let blocking: Vec<Message> = findings
        .iter()
        .filter(|f| f.blocks)
        .map(|f| f.message())
        .collect();
    if blocking.is_empty() {
        let all: Vec<Message> = findings.iter().map(|f| f.message()).collect();
        msg!("personal-data-confirm", found = all)
    } else {
        msg!("personal-data-blocked", found = blocking)
    }
}

impl Localise for LineError {
    fn message(&self) -> Message {
        match self {
            LineError::Malformed { line, .. } => msg!("line-malformed", line = *line),
            LineError::Invalid { line, reason } => {
                msg!("line-invalid", line = *line, reason = reason.message())
            }
            LineError::IdMismatch {
                line,
                claimed,
                actual,
            } => msg!(
                "line-id-mismatch",
                line = *line,
                claimed = claimed.as_str(),
                actual = actual.as_str()
            ),
            LineError::Cut {
                line,
                expected,
                found,
            } => msg!(
                "line-cut",
                line = *line,
                expected = *expected,
                found = *found
            ),
            LineError::Changed { line, entries } => {
                msg!("line-changed", line = *line, count = *entries)
            }
            LineError::AfterTrailer { line } => msg!("line-after-trailer", line = *line),
        }
    }
}

impl Localise for ReconcileError {
    fn message(&self) -> Message {
        match self {
            ReconcileError::Malformed(what) => msg!("sync-malformed", detail = *what),
            ReconcileError::OutOfOrder { expected, got } => {
                msg!("sync-out-of-order", expected = *expected, got = *got)
            }
            ReconcileError::Inconsistent => msg!("sync-inconsistent"),
            ReconcileError::FingerprintMismatch => msg!("sync-fingerprint-mismatch"),
            ReconcileError::DidNotConverge(n) => msg!("sync-did-not-converge", count = *n),
        }
    }
}

impl Localise for ConfigError {
    fn message(&self) -> Message {
        match self {
            ConfigError::NotInitialised { dir } => {
                msg!("not-initialised", dir = dir.display().to_string())
            }
            ConfigError::NotWritable { dir, reason } => msg!(
                "data-dir-not-writable",
                dir = dir.display().to_string(),
                detail = reason.as_str()
            ),
            ConfigError::Io { path, reason } => msg!(
                "file-error",
                path = path.display().to_string(),
                detail = reason.as_str()
            ),
            ConfigError::Config { path, reason } => msg!(
                "config-invalid",
                path = path.display().to_string(),
                detail = reason.as_str()
            ),
            ConfigError::Unreadable {
                path,
                line,
                problem: crate::config::TomlProblem::UnknownKey { key, known },
            } => msg!(
                "config-unknown-key",
                path = path.display().to_string(),
                line = *line,
                key = key.as_str(),
                known = known.as_str()
            ),
            ConfigError::Unreadable {
                path,
                line,
                problem: crate::config::TomlProblem::Other(detail),
            } => msg!(
                "config-syntax",
                path = path.display().to_string(),
                line = *line,
                detail = detail.as_str()
            ),
            ConfigError::Key { path, reason } => msg!(
                "key-file-unusable",
                path = path.display().to_string(),
                detail = reason.as_str()
            ),
            ConfigError::NotADirectory { path } => {
                msg!("data-dir-is-a-file", path = path.display().to_string())
            }
            ConfigError::Synonyms { path, error } => msg!(
                "config-synonyms",
                path = path.display().to_string(),
                reason = error.message()
            ),
        }
    }
}

impl Localise for NodeError {
    fn message(&self) -> Message {
        match self {
            NodeError::Network(e) => e.message(),
            NodeError::ApiNotLocal(addr) => msg!("api-not-local", addr = addr.to_string()),
            NodeError::Web(e) => e.message(),
            NodeError::Api { addr, reason } => msg!(
                "api-cannot-listen",
                addr = addr.to_string(),
                detail = reason.as_str()
            ),
            NodeError::Io { path, reason } => msg!(
                "file-error",
                path = path.display().to_string(),
                detail = reason.as_str()
            ),
            NodeError::NetworkFailed => msg!("node-network-failed"),
        }
    }
}

impl Localise for crate::web::WebSetupError {
    fn message(&self) -> Message {
        use crate::web::WebSetupError as E;
        match self {
            E::NeedsSignIn => msg!("web-setup-needs-sign-in"),
            E::NeedsAddress => msg!("web-setup-needs-address"),
            E::BadAddress { given } => msg!("web-setup-bad-address", given = given.as_str()),
            E::NeedsHttps { listen } => msg!("web-setup-needs-https", listen = listen.to_string()),
            E::BadIssuer { given } => msg!("web-setup-bad-issuer", given = given.as_str()),
            E::Secret { path, reason } => msg!(
                "web-setup-secret",
                path = path.display().to_string(),
                detail = reason.as_str()
            ),
            E::CannotListen { listen, reason } => msg!(
                "web-setup-cannot-listen",
                listen = listen.to_string(),
                detail = reason.as_str()
            ),
        }
    }
}

impl Localise for StartError {
    fn message(&self) -> Message {
        match self {
            StartError::Setup(detail) => msg!("network-setup", detail = detail.as_str()),
            StartError::Listen { addr, reason } => msg!(
                "network-cannot-listen",
                addr = addr.as_str(),
                detail = reason.as_str()
            ),
        }
    }
}

impl Localise for NetworkError {
    fn message(&self) -> Message {
        match self {
            NetworkError::Stopped => msg!("network-stopped"),
            // libp2p's reason (transports, multiple dial errors) says nothing to a reader:
            // it goes to the log where the dial failed.
            NetworkError::Dial { addr, reason } => msg!(
                "network-cannot-dial",
                addr = addr.as_str(),
                reason = reason.message()
            ),
            NetworkError::NotConnected(peer) => msg!("network-not-connected", peer = peer.as_str()),
            NetworkError::NoPeers => msg!("network-no-peers"),
        }
    }
}

impl Localise for DialFailure {
    fn message(&self) -> Message {
        match self {
            DialFailure::NothingListens => msg!("dial-nothing-listens"),
            DialFailure::NoAnswer => msg!("dial-no-answer"),
            DialFailure::Itself => msg!("dial-itself"),
            DialFailure::OtherNetwork => msg!("dial-other-network"),
            DialFailure::Blocked => msg!("dial-blocked"),
            DialFailure::NoIdentify => msg!("dial-no-identify"),
            DialFailure::HungUp => msg!("dial-hung-up"),
            DialFailure::NotTheNodeNamed { found, named } => msg!(
                "dial-not-the-node-named",
                found = found.as_str(),
                named = named.as_str()
            ),
            DialFailure::Other => msg!("dial-other"),
        }
    }
}

impl Localise for ClientError {
    fn message(&self) -> Message {
        match self {
            ClientError::Unreachable(detail) => msg!("api-unreachable", detail = detail.as_str()),
            // The node wrote it in the language this client asked for.
            ClientError::Refused { detail, .. } => msg!("as-given", text = detail.as_str()),
            ClientError::Status(status) => msg!("api-status", status = *status),
            ClientError::Unreadable(detail) => msg!("api-unreadable", detail = detail.as_str()),
        }
    }
}

impl Localise for OpError {
    fn message(&self) -> Message {
        match self {
            OpError::Service(e) => e.message(),
            OpError::Api(e) => e.message(),
            OpError::NoNode => msg!("no-node"),
            OpError::NodeSilent { pid, address } => msg!(
                "node-silent",
                pid = pid.to_string(),
                address = address.to_string()
            ),
        }
    }
}

impl Localise for Refusal {
    /// Why something from another node was not taken, in a few words.
    fn message(&self) -> Message {
        match self {
            Refusal::TooLarge => msg!("refusal-too-large"),
            Refusal::UnknownVersion => msg!("refusal-unknown-version"),
            Refusal::NewerFormat => msg!("refusal-newer-format"),
            Refusal::Malformed => msg!("refusal-malformed"),
            Refusal::WrongNetwork => msg!("refusal-wrong-network"),
            Refusal::BodyHash => msg!("refusal-body-hash"),
            Refusal::BadSignature => msg!("refusal-bad-signature"),
            Refusal::Rules => msg!("refusal-rules"),
            Refusal::NotAskedFor => msg!("refusal-not-asked-for"),
            Refusal::WrongTopic => msg!("refusal-wrong-topic"),
            Refusal::WrongSpace => msg!("refusal-wrong-space"),
            Refusal::NotServed => msg!("refusal-not-served"),
            Refusal::SyncEndless => msg!("refusal-sync-endless"),
            Refusal::SyncInconsistent => msg!("refusal-sync-inconsistent"),
            Refusal::SyncMalformed => msg!("refusal-sync-malformed"),
            Refusal::SyncOutOfRange => msg!("refusal-sync-out-of-range"),
            Refusal::OtherNetworkPeer => msg!("refusal-other-network-peer"),
            Refusal::InFuture => msg!("refusal-in-future"),
            Refusal::KeptApart => msg!("refusal-kept-apart"),
            Refusal::Incomplete => msg!("refusal-incomplete"),
            Refusal::Untrusted => msg!("refusal-untrusted"),
            Refusal::TooManyProfiles => msg!("refusal-too-many-profiles"),
            Refusal::KeptApartFull => msg!("refusal-kept-apart-full"),
            Refusal::RateLimited => msg!("refusal-rate-limited"),
            Refusal::SyncRateLimited => msg!("refusal-sync-rate-limited"),
            Refusal::FetchRateLimited => msg!("refusal-fetch-rate-limited"),
            Refusal::Overloaded => msg!("refusal-overloaded"),
            Refusal::ServeBusy => msg!("refusal-serve-busy"),
            Refusal::SyncMemoryBudget => msg!("refusal-sync-memory-budget"),
            Refusal::NoIdentify => msg!("refusal-no-identify"),
            Refusal::StrangersFull => msg!("refusal-strangers-full"),
        }
    }
}

english_display!(
    ServiceError,
    LineError,
    ReconcileError,
    ConfigError,
    NodeError,
    StartError,
    crate::web::WebSetupError,
    NetworkError,
    ClientError,
    OpError
);
