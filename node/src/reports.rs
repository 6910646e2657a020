//! What the commands that set up, check or keep a node print with `--json`, beside the
//! views of entries (`view`): one type each, so that `docs/json/` can describe them.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use wiel_protocol::{OrgKey, SpaceName};

/// `wiel init --json`.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Initialised {
    pub data_dir: PathBuf,
    pub organisation: String,
    /// The key this organisation signs with (as `org_key` in `wiel status`).
    pub org_key: OrgKey,
    pub spaces: Vec<SpaceName>,
}

/// `wiel key rotate --json`.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KeyRotated {
    pub old_key: OrgKey,
    pub new_key: OrgKey,
    /// Entries named as the old keys' history (signed here).
    pub history_named: usize,
    /// Entries of the old keys held here but not signed here: not named.
    pub history_from_elsewhere: usize,
}

/// `wiel config check --json`.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConfigCheck {
    pub file: String,
    pub valid: bool,
    /// What is wrong, and where (`null` when nothing is).
    pub problem: Option<String>,
}

/// `wiel backup --json`.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BackedUp {
    pub file: PathBuf,
    pub bytes: u64,
}

/// `wiel manual --json`.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ManualWritten {
    pub dir: PathBuf,
    /// The file names of the man pages written there.
    pub pages: Vec<String>,
}
