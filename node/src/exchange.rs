//! The exchange format of `wiel export` / `wiel import`: JSON lines, one signed entry each.
//!
//! A line holds the entry's fields as JSON (ids and keys in hex) and, for convenience, its
//! id. Import rebuilds the canonical bytes from the fields and verifies them exactly like
//! network input: the `id` field is checked, never trusted.

use serde::{Deserialize, Serialize};
use wiel_protocol::{Entry, EntryId, Verified};

/// One line of an export file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportLine {
    pub id: EntryId,
    pub entry: Entry,
}

impl ExportLine {
    pub fn new(v: &Verified) -> Self {
        Self {
            id: v.id(),
            entry: v.entry().clone(),
        }
    }
}

/// Why one line of an import file is unusable. Carries the line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("line {line}: not a wiel entry ({reason})")]
    Malformed { line: usize, reason: String },
    #[error("line {line}: entry is invalid: {reason}")]
    Invalid { line: usize, reason: String },
    #[error("line {line}: the id {claimed} does not match the entry's contents (it is {actual})")]
    IdMismatch {
        line: usize,
        claimed: String,
        actual: String,
    },
}

/// Parses and verifies one line (1-based `line` for messages).
pub fn parse_line(
    text: &str,
    line: usize,
    rules: &wiel_protocol::Rules,
) -> Result<Verified, LineError> {
    let parsed: ExportLine = serde_json::from_str(text).map_err(|e| LineError::Malformed {
        line,
        reason: e.to_string(),
    })?;
    let verified = Verified::from_entry(parsed.entry, rules).map_err(|e| LineError::Invalid {
        line,
        reason: e.to_string(),
    })?;
    if verified.id() != parsed.id {
        return Err(LineError::IdMismatch {
            line,
            claimed: parsed.id.short(),
            actual: verified.id().short(),
        });
    }
    Ok(verified)
}
