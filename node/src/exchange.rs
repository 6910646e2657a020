//! The exchange format of `wiel export` / `wiel import`: JSON lines, one signed entry each.
//!
//! A line holds the entry's fields as JSON (ids and keys in hex) and, for convenience, its
//! id. Import rebuilds the canonical bytes from the fields and verifies them exactly like
//! network input: the `id` field is checked, never trusted. The last line is a trailer:
//! how many entries came before it and a digest of their ids, so that a file cut short
//! (even at a line boundary) or with lines left out is noticed.

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

/// The last line of an export file, as `{"trailer": {"entries": N, "digest": "…"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trailer {
    pub entries: u64,
    /// blake3 over the ids of the entries, in file order, hex.
    pub digest: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrailerLine {
    trailer: Trailer,
}

impl Trailer {
    /// The trailer line (without its newline).
    pub fn line(&self) -> String {
        serde_json::to_string(&TrailerLine {
            trailer: self.clone(),
        })
        .unwrap_or_default()
    }
}

/// Builds the trailer of the entries written, or checks it on import.
#[derive(Default)]
pub struct Tally {
    hasher: blake3::Hasher,
    entries: u64,
}

impl Tally {
    pub fn add(&mut self, id: &EntryId) {
        self.hasher.update(id.as_bytes());
        self.entries += 1;
    }

    pub fn trailer(&self) -> Trailer {
        Trailer {
            entries: self.entries,
            digest: self.hasher.finalize().to_hex().to_string(),
        }
    }
}

/// One usable line of an import file.
pub enum Line {
    Entry(Box<Verified>),
    /// Signed and whole, but dated further ahead than this node's clock allows: the clock of
    /// the node that signed it (or ours) is off. Not taken now; it counts for the trailer.
    InFuture {
        id: EntryId,
        why: LineError,
    },
    Trailer(Trailer),
}

/// Why one line of an import file is unusable. Carries the line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    Malformed {
        line: usize,
        reason: String,
    },
    Invalid {
        line: usize,
        reason: wiel_protocol::Invalid,
    },
    IdMismatch {
        line: usize,
        claimed: String,
        actual: String,
    },
    Cut {
        line: usize,
        expected: u64,
        found: u64,
    },
    Changed {
        line: usize,
        entries: u64,
    },
    AfterTrailer {
        line: usize,
    },
}

/// Parses and verifies one line (1-based `line` for messages): an entry or the trailer.
pub fn parse_line(
    text: &str,
    line: usize,
    rules: &wiel_protocol::Rules,
) -> Result<Line, LineError> {
    if let Ok(TrailerLine { trailer }) = serde_json::from_str::<TrailerLine>(text) {
        return Ok(Line::Trailer(trailer));
    }
    let parsed: ExportLine = serde_json::from_str(text).map_err(|e| LineError::Malformed {
        line,
        reason: e.to_string(),
    })?;
    let invalid = |e: wiel_protocol::Invalid| LineError::Invalid { line, reason: e };
    let header = parsed.entry.header.clone();
    match Verified::from_entry(parsed.entry, rules) {
        Ok(verified) => {
            check_id(line, parsed.id, verified.id())?;
            Ok(Line::Entry(Box::new(verified)))
        }
        // The date is checked after the signature: an entry refused only for its date is
        // authentic, so the id recomputed from its header is its id.
        Err(e @ wiel_protocol::Invalid::InFuture { .. }) => {
            let id = wiel_protocol::validate::entry_id(&header).map_err(invalid)?;
            check_id(line, parsed.id, id)?;
            Ok(Line::InFuture {
                id,
                why: invalid(e),
            })
        }
        Err(e) => Err(invalid(e)),
    }
}

fn check_id(line: usize, claimed: EntryId, actual: EntryId) -> Result<(), LineError> {
    if claimed == actual {
        Ok(())
    } else {
        Err(LineError::IdMismatch {
            line,
            claimed: claimed.short(),
            actual: actual.short(),
        })
    }
}

/// What an import file holds, every line checked.
#[derive(Default)]
pub struct ImportFile {
    pub entries: Vec<Verified>,
    /// Entries dated too far ahead to take now (see [`Line::InFuture`]).
    pub in_future: usize,
    /// Why the first of those was not taken (with its line), for a file that holds only
    /// such entries.
    pub first_in_future: Option<LineError>,
    /// The file ended with a trailer that matched what came before it.
    pub complete: bool,
}

/// Reads a whole import file: every entry verified, the trailer checked when there is one.
/// One bad line refuses the whole file; an entry dated ahead is only left out.
pub fn parse_file(text: &str, rules: &wiel_protocol::Rules) -> Result<ImportFile, LineError> {
    let mut file = ImportFile::default();
    let mut tally = Tally::default();
    let mut trailer_seen = false;
    for (n, text) in text.lines().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        if trailer_seen {
            return Err(LineError::AfterTrailer { line: n + 1 });
        }
        match parse_line(text, n + 1, rules)? {
            Line::Entry(v) => {
                tally.add(&v.id());
                file.entries.push(*v);
            }
            Line::InFuture { id, why } => {
                tally.add(&id);
                file.in_future += 1;
                file.first_in_future.get_or_insert(why);
            }
            Line::Trailer(t) => {
                let ours = tally.trailer();
                if t.entries != ours.entries {
                    return Err(LineError::Cut {
                        line: n + 1,
                        expected: t.entries,
                        found: ours.entries,
                    });
                }
                if t != ours {
                    return Err(LineError::Changed {
                        line: n + 1,
                        entries: ours.entries,
                    });
                }
                trailer_seen = true;
            }
        }
    }
    file.complete = trailer_seen;
    Ok(file)
}
