//! The data directory and `config.toml`.
//!
//! ```text
//! DATA_DIR/
//!   key           the organisation key (libp2p protobuf encoding), mode 0600
//!   config.toml   organisation, network, spaces
//!   store/        the sled database
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use wiel_protocol::{CbsCode, NetworkId, OrgKeypair, SpaceName};

/// What can go wrong with a data directory, its key file and its `config.toml`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    NotInitialised {
        dir: PathBuf,
    },
    NotWritable {
        dir: PathBuf,
        reason: String,
    },
    Io {
        path: PathBuf,
        reason: String,
    },
    Config {
        path: PathBuf,
        reason: String,
    },
    /// `config.toml` does not read: at which line, and what is wrong there.
    Unreadable {
        path: PathBuf,
        line: usize,
        problem: TomlProblem,
    },
    Key {
        path: PathBuf,
        reason: String,
    },
    Synonyms {
        path: PathBuf,
        error: wiel_store::search::ThesaurusError,
    },
    NotADirectory {
        path: PathBuf,
    },
}

/// What is wrong at a line of `config.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TomlProblem {
    /// A name wiel does not know there, and the names it does.
    UnknownKey { key: String, known: String },
    /// Anything else, in the TOML parser's own (English) words.
    Other(String),
}

impl TomlProblem {
    fn of(error: &toml::de::Error) -> Self {
        let message = error.message().trim();
        if let Some(rest) = message.strip_prefix("unknown field `")
            && let Some((key, known)) = rest.split_once('`')
        {
            let known = known
                .trim_start_matches(", expected one of ")
                .trim_start_matches(", expected ")
                .replace('`', "");
            return TomlProblem::UnknownKey {
                key: key.to_owned(),
                known,
            };
        }
        TomlProblem::Other(message.replace('\n', "; "))
    }
}

/// Where a node keeps its files.
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn key_path(&self) -> PathBuf {
        self.root.join("key")
    }
    pub fn config_path(&self) -> PathBuf {
        self.root.join("config.toml")
    }
    pub fn store_path(&self) -> PathBuf {
        self.root.join("store")
    }
    pub fn is_initialised(&self) -> bool {
        self.key_path().exists()
    }

    /// Creates the directory and proves it is writable, before anything is generated.
    pub(crate) fn prepare(&self) -> Result<(), ConfigError> {
        let not_writable = |e: std::io::Error| ConfigError::NotWritable {
            dir: self.root.clone(),
            reason: crate::text::io_problem(&e),
        };
        std::fs::create_dir_all(&self.root).map_err(not_writable)?;
        // The data dir holds the organisation's key and what it keeps apart: its owner's.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.root, std::fs::Permissions::from_mode(0o700))
                .map_err(not_writable)?;
        }
        let probe = self.root.join(".wiel-write-test");
        std::fs::write(&probe, b"ok").map_err(not_writable)?;
        std::fs::remove_file(&probe).map_err(not_writable)?;
        Ok(())
    }

    /// Writes the key file, readable by its owner only; never overwrites one.
    pub(crate) fn write_key(&self, key: &OrgKeypair) -> Result<(), ConfigError> {
        let path = self.key_path();
        let bytes = key.to_protobuf().map_err(|e| ConfigError::Key {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let io = |e: std::io::Error| ConfigError::Io {
            path: path.clone(),
            reason: crate::text::io_problem(&e),
        };
        let mut file = options.open(&path).map_err(io)?;
        file.write_all(&bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(())
    }

    /// Puts `new` in place of the key file; the old key is kept beside it as
    /// `key.old.<unix ms>` (mode 0600), for entries that still need it (a revocation).
    pub(crate) fn replace_key(&self, new: &OrgKeypair) -> Result<PathBuf, ConfigError> {
        let path = self.key_path();
        let old = self.root.join(format!(
            "key.old.{}",
            wiel_protocol::Timestamp::now().as_millis()
        ));
        let io = |p: &Path, e: std::io::Error| ConfigError::Io {
            path: p.to_owned(),
            reason: crate::text::io_problem(&e),
        };
        std::fs::copy(&path, &old).map_err(|e| io(&old, e))?;
        let fresh = Self::new(self.root.join("key.new"));
        let _ = std::fs::remove_file(fresh.root.join("key"));
        std::fs::create_dir_all(fresh.root()).map_err(|e| io(fresh.root(), e))?;
        fresh.write_key(new)?;
        std::fs::rename(fresh.key_path(), &path).map_err(|e| io(&path, e))?;
        let _ = std::fs::remove_dir(fresh.root());
        Ok(old)
    }

    /// A data directory that is a file is refused at once: "no node here, run init" would
    /// send its owner to a command that fails too.
    pub(crate) fn check_is_directory(&self) -> Result<(), ConfigError> {
        if self.root.exists() && !self.root.is_dir() {
            return Err(ConfigError::NotADirectory {
                path: self.root.clone(),
            });
        }
        Ok(())
    }

    pub(crate) fn read_key(&self) -> Result<OrgKeypair, ConfigError> {
        let path = self.key_path();
        let bytes = std::fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ConfigError::NotInitialised {
                    dir: self.root.clone(),
                }
            } else {
                ConfigError::Io {
                    path: path.clone(),
                    reason: e.to_string(),
                }
            }
        })?;
        OrgKeypair::from_protobuf(&bytes).map_err(|e| ConfigError::Key {
            path,
            reason: e.to_string(),
        })
    }
}

/// `config.toml`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub organisation: Organisation,
    /// Network id; `wiel` is the real network. Default `wiel`.
    #[serde(default = "NetworkId::main")]
    pub network: NetworkId,
    /// Spaces this node follows. Default `["nl"]`. The national space is followed in any
    /// case (see [`Config::followed_spaces`]).
    #[serde(default = "default_spaces")]
    pub spaces: Vec<SpaceName>,
    /// Where new entries go when no space is given. Default: the first of `spaces`.
    pub default_space: Option<SpaceName>,
    /// How `wiel node` joins the network.
    #[serde(default)]
    pub node: NodeSection,
    /// Whom this node trusts.
    #[serde(default)]
    pub trust: crate::trust::TrustConfig,
    /// How this node searches.
    #[serde(default)]
    pub search: SearchSection,
    /// The web page for colleagues beyond this machine.
    #[serde(default, skip_serializing_if = "WebSection::is_default")]
    pub web: WebSection,
}

/// `[web]` in `config.toml`. Without `listen`, the page is served on this machine only,
/// through the one-time link of `wiel web`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSection {
    /// Serve the page to colleagues on this address too, e.g. `"0.0.0.0:8080"`. Needs
    /// `address` and `[web.sign_in]`: nobody gets in without signing in.
    pub listen: Option<std::net::SocketAddr>,
    /// The address colleagues open, e.g. `"https://wiel.zwolle.nl"` (https unless `listen`
    /// is on this machine, behind a proxy that adds TLS). The identity provider sends people
    /// back to `<address>/inloggen/terug`.
    pub address: Option<String>,
    /// Sign-in through the municipality's identity provider (OpenID Connect).
    pub sign_in: Option<SignInSection>,
}

impl WebSection {
    fn is_default(&self) -> bool {
        *self == WebSection::default()
    }
}

/// `[web.sign_in]` in `config.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInSection {
    /// The provider's issuer, e.g. `"https://login.zwolle.nl/realms/gemeente"`.
    pub issuer: String,
    /// This node's client id at the provider.
    pub client_id: String,
    /// A file holding the client secret (kept out of `config.toml`, which more people read).
    pub client_secret_file: Option<PathBuf>,
    /// The claim that holds the person's role (a string or a list). Default `roles`.
    #[serde(default = "default_role_claim")]
    pub role_claim: String,
    /// Only people with one of these roles may sign in. Default: everyone the provider
    /// signs in for this client.
    #[serde(default)]
    pub allowed_roles: Vec<String>,
    /// People with one of these roles may change or withdraw any of the municipality's
    /// entries; everyone else only what they wrote themselves. Default: none.
    #[serde(default)]
    pub editor_roles: Vec<String>,
    /// People with one of these roles may vouch for organisations, or stop. Default: none
    /// (trust is then changed on the node's own computer only).
    #[serde(default)]
    pub trust_roles: Vec<String>,
}

fn default_role_claim() -> String {
    "roles".to_owned()
}

/// `[search]` in `config.toml`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchSection {
    /// Groups of words that mean the same here, beside the groups wiel comes with: one
    /// group a string, its words separated by commas, e.g. `"loket, balie, klantcontact"`.
    /// A search for one word of a group also finds the others (with less weight).
    #[serde(default)]
    pub synonyms: Vec<String>,
}

/// `[node]` in `config.toml`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSection {
    /// Listen addresses. Default: TCP and QUIC on port 4001, all interfaces.
    #[serde(default = "default_listen")]
    pub listen: Vec<String>,
    /// Peers to connect to at start, and again while they are gone (multiaddresses, best
    /// with /p2p/…: one without it is dialed at its address, and whoever answers there is
    /// taken for nothing more than a peer). Default: none.
    #[serde(default)]
    pub bootstrap: Vec<String>,
    /// Domains whose DNS holds more of them (TXT records at `_dnsaddr.<domain>`, each
    /// `dnsaddr=<address with /p2p/…>`), read when the node starts: the seeds' operators
    /// can change the list without a new release. Default: none.
    #[serde(default)]
    pub bootstrap_dns: Vec<String>,
    /// Find peers on the local network with mDNS. Default: true.
    #[serde(default = "default_true")]
    pub mdns: bool,
    /// Run as a seed: an always-on public node (a province, a regional cooperation) that
    /// relays for nodes behind NAT or a firewall. Default: false.
    #[serde(default)]
    pub seed: bool,
    /// Relay for nodes behind NAT once this node turns out to be reachable from outside
    /// (within the limits of `[trust]`: generous for trusted organisations, small for
    /// strangers). Default: true.
    #[serde(default = "default_true")]
    pub relay: bool,
}

impl Default for NodeSection {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            bootstrap: Vec::new(),
            bootstrap_dns: Vec::new(),
            mdns: true,
            seed: false,
            relay: true,
        }
    }
}

fn default_listen() -> Vec<String> {
    vec![
        "/ip4/0.0.0.0/tcp/4001".to_owned(),
        "/ip4/0.0.0.0/udp/4001/quic-v1".to_owned(),
    ]
}

fn default_true() -> bool {
    true
}

/// Who runs this node.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// For example "Gemeente Zwolle".
    pub name: String,
    /// CBS code, for example GM0193.
    pub code: CbsCode,
    /// Province, for example "Overijssel". Optional.
    pub province: Option<String>,
}

impl Config {
    /// The spaces the network follows: those in `spaces`, and always the national space
    /// `nl`, where profiles, endorsements, key rotations and revocations live. Every node
    /// must learn those (a revocation above all), and one mandatory space keeps gossip and
    /// sync as they are: no second channel with rules of its own.
    pub fn followed_spaces(&self) -> Vec<SpaceName> {
        let mut spaces = self.spaces.clone();
        let national = SpaceName::national();
        if !spaces.contains(&national) {
            spaces.push(national);
        }
        spaces
    }
}

fn default_spaces() -> Vec<SpaceName> {
    vec![SpaceName::national()]
}

impl Config {
    pub fn default_space(&self) -> SpaceName {
        self.default_space
            .clone()
            .or_else(|| self.spaces.first().cloned())
            .unwrap_or_else(SpaceName::national)
    }

    pub fn load(dir: &DataDir) -> Result<Self, ConfigError> {
        let path = dir.config_path();
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Io {
            path: path.clone(),
            reason: crate::text::io_problem(&e),
        })?;
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Unreadable {
            path: path.clone(),
            line: e.span().map_or(1, |span| {
                text.get(..span.start)
                    .unwrap_or(&text)
                    .matches('\n')
                    .count()
                    + 1
            }),
            problem: TomlProblem::of(&e),
        })?;
        if let Some(bad) = config
            .node
            .bootstrap_dns
            .iter()
            .find(|d| !crate::bootstrap_dns::is_domain(d))
        {
            return Err(ConfigError::Config {
                path,
                reason: format!(
                    "[node] bootstrap_dns: {bad:?} is no domain name (like \"seeds.example.nl\")"
                ),
            });
        }
        // Checked only where there is something to check: the built-in groups need the
        // lexicon, which a command that does not search should not load.
        if !config.search.synonyms.is_empty() {
            config
                .thesaurus()
                .map_err(|error| ConfigError::Synonyms { path, error })?;
        }
        Ok(config)
    }

    /// The built-in synonyms with those of `[search] synonyms`.
    pub fn thesaurus(
        &self,
    ) -> Result<std::sync::Arc<wiel_store::search::Thesaurus>, wiel_store::search::ThesaurusError>
    {
        wiel_store::search::Thesaurus::with_extra(&self.search.synonyms)
    }

    pub(crate) fn save(&self, dir: &DataDir) -> Result<(), ConfigError> {
        let path = dir.config_path();
        let text = toml::to_string_pretty(self).map_err(|e| ConfigError::Config {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let header = "# wiel node configuration. See `wiel --help`.\n\n";
        // Written beside it and renamed: a crash leaves the old file or the new one whole.
        let partial = path.with_extension("toml.partial");
        let io = |p: &std::path::Path, e: std::io::Error| ConfigError::Io {
            path: p.to_owned(),
            reason: crate::text::io_problem(&e),
        };
        {
            use std::io::Write;
            let mut file = std::fs::File::create(&partial).map_err(|e| io(&partial, e))?;
            file.write_all(format!("{header}{text}").as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| io(&partial, e))?;
        }
        std::fs::rename(&partial, &path).map_err(|e| io(&path, e))
    }
}
