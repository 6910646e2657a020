//! The `[trust]` section of `config.toml`: the mode, the roots, how far endorsements
//! reach, and the budgets for what strangers send.

use serde::{Deserialize, Serialize};
use wiel_protocol::OrgKey;

/// What a node does with entries of authors outside its trust set.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum TrustMode {
    /// Accept and relay every valid entry; mark the untrusted ones.
    Open,
    /// Keep untrusted entries apart: stored, never relayed, shown only when asked.
    #[default]
    WebOfTrust,
    /// Accept entries of the roots only.
    Closed,
}

impl std::str::FromStr for TrustMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "open" => Ok(Self::Open),
            "web-of-trust" => Ok(Self::WebOfTrust),
            "closed" => Ok(Self::Closed),
            other => Err(format!(
                "unknown trust mode '{other}': use open, web-of-trust or closed"
            )),
        }
    }
}

/// `[trust]` in `config.toml`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TrustConfig {
    #[serde(default)]
    pub mode: TrustMode,
    /// Organisation keys trusted without endorsement (this node's own key always is).
    #[serde(default)]
    pub roots: Vec<OrgKey>,
    /// How many endorsement steps from a root trust reaches. Default 2.
    #[serde(default = "default_depth")]
    pub depth: u32,
    /// Most profiles of organisations outside the trust set this node keeps (anyone can
    /// make a key). Default 1 000.
    #[serde(default = "default_max_untrusted_profiles")]
    pub max_untrusted_profiles: usize,
    /// Entries of one organisation outside the trust set this node takes in per minute,
    /// by gossip and sync together (they are kept apart, but take disk). Default 1 200.
    #[serde(default = "default_untrusted_author_per_minute")]
    pub untrusted_author_per_minute: u32,
    /// … and at once, after a quiet while. Default 1 000.
    #[serde(default = "default_untrusted_author_burst")]
    pub untrusted_author_burst: u32,
    /// Bytes this node keeps of entries it does not pass on (untrusted authors, keys
    /// after their revocation), all authors together: keys are free, so this bounds what
    /// strangers can put on the disk. Past it such entries are not taken in (they come by
    /// sync once their author is trusted). Default 256 MiB.
    #[serde(default = "default_max_kept_apart_bytes")]
    pub max_kept_apart_bytes: u64,
}

fn default_max_kept_apart_bytes() -> u64 {
    256 * 1024 * 1024
}

fn default_untrusted_author_per_minute() -> u32 {
    1200
}

fn default_untrusted_author_burst() -> u32 {
    1000
}

fn default_depth() -> u32 {
    2
}

fn default_max_untrusted_profiles() -> usize {
    1000
}

impl Default for TrustConfig {
    fn default() -> Self {
        Self {
            mode: TrustMode::default(),
            roots: Vec::new(),
            depth: default_depth(),
            max_untrusted_profiles: default_max_untrusted_profiles(),
            untrusted_author_per_minute: default_untrusted_author_per_minute(),
            untrusted_author_burst: default_untrusted_author_burst(),
            max_kept_apart_bytes: default_max_kept_apart_bytes(),
        }
    }
}
