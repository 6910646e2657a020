//! Compacting the entry log: a retraction zeroes a body in place, so the log keeps
//! growing with dead bytes. Compaction copies every live body into a fresh log file, then
//! switches to it in one sled transaction (the new spans and the new file's number), and
//! deletes the old file. A crash before the switch leaves the old file in use (the new one
//! is deleted on open); after it, the new one (the old one is deleted on open).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use crate::log::{self, EntryLog};
use crate::{Store, StoreError};

/// `meta` key: the number of the entry log file in use (absent: 0, `entries.log`).
pub(crate) const LOG_FILE: &[u8] = b"log_file";

/// Bodies copied per append while compacting.
const COPY_CHUNK_BYTES: usize = 8 * 1024 * 1024;

/// Dead bytes past which a node compacts its log when it starts: both this many, and
/// more than the live bytes.
pub const AUTO_COMPACT_DEAD_BYTES: u64 = 64 * 1024 * 1024;

/// What a compaction did.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
pub struct Compacted {
    /// Bytes of the entry log before and after.
    pub before: u64,
    pub after: u64,
    /// Entry bodies copied.
    pub bodies: u64,
}

/// The entry log's size and how much of it no entry refers to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogUsage {
    pub bytes: u64,
    pub dead_bytes: u64,
}

impl LogUsage {
    /// Whether a node should compact when it starts (see [`AUTO_COMPACT_DEAD_BYTES`]).
    pub fn worth_compacting(&self) -> bool {
        self.dead_bytes >= AUTO_COMPACT_DEAD_BYTES && self.dead_bytes * 2 > self.bytes
    }
}

/// The file of log number `n`.
pub(crate) fn log_path(dir: &Path, n: u64) -> PathBuf {
    match n {
        0 => dir.join("entries.log"),
        n => dir.join(format!("entries.{n}.log")),
    }
}

/// The number of the log file in use, from `meta`.
pub(crate) fn log_number(meta: &sled::Tree) -> Result<u64, StoreError> {
    Ok(meta
        .get(LOG_FILE)?
        .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
        .map(u64::from_be_bytes)
        .unwrap_or(0))
}

/// Deletes log files other than number `n` (what a compaction interrupted by a crash
/// left behind).
pub(crate) fn remove_other_logs(dir: &Path, n: u64) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let number = match name {
            "entries.log" => Some(0),
            _ => name
                .strip_prefix("entries.")
                .and_then(|r| r.strip_suffix(".log"))
                .and_then(|d| d.parse::<u64>().ok()),
        };
        if number.is_some_and(|k| k != n) {
            tracing::info!(path = %path.display(), "removing an entry log left by an interrupted compaction");
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

impl Store {
    /// The entry log's size and its dead bytes. Reads only the index.
    pub fn log_usage(&self) -> Result<LogUsage, StoreError> {
        let mut live = 0u64;
        for row in self.trees.entries.iter() {
            let (_, record) = row?;
            if let Some((Some(span), _)) = log::decode_record(&record) {
                live += u64::from(span.len);
            }
        }
        let bytes = self.current_log().len_on_disk();
        Ok(LogUsage {
            bytes,
            dead_bytes: bytes.saturating_sub(live),
        })
    }

    /// Copies every live body into a new log file and switches to it (see the module's
    /// doc). Writers wait meanwhile; readers go on.
    pub fn compact(&self) -> Result<Compacted, StoreError> {
        let _turn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        self.finish_erasures()?;
        let old = self.current_log();
        let number = log_number(&self.trees.meta)? + 1;
        let path = log_path(&self.dir, number);
        let io = |e: std::io::Error| StoreError::Log {
            path: path.clone(),
            reason: e.to_string(),
        };
        if path.exists() {
            std::fs::remove_file(&path).map_err(io)?;
        }
        let new = EntryLog::open(&path).map_err(io)?;
        let mut moved: Vec<(sled::IVec, Vec<u8>)> = Vec::new();
        let mut keys = Vec::new();
        let mut chunk: Vec<Vec<u8>> = Vec::new();
        let mut chunk_bytes = 0;
        let flush = |keys: &mut Vec<sled::IVec>,
                     chunk: &mut Vec<Vec<u8>>,
                     moved: &mut Vec<(sled::IVec, Vec<u8>)>|
         -> Result<(), StoreError> {
            let parts: Vec<&[u8]> = chunk.iter().map(Vec::as_slice).collect();
            let spans = new.append(&parts).map_err(io)?;
            for (key, span) in keys.drain(..).zip(spans) {
                moved.push((key, log::encode_record(Some(span), &[])));
            }
            chunk.clear();
            Ok(())
        };
        for row in self.trees.entries.iter() {
            let (key, record) = row?;
            let Some((Some(span), _)) = log::decode_record(&record) else {
                continue;
            };
            let bytes = old.read_stored(span)?;
            chunk_bytes += bytes.len();
            chunk.push(bytes);
            keys.push(key);
            if chunk_bytes >= COPY_CHUNK_BYTES {
                flush(&mut keys, &mut chunk, &mut moved)?;
                chunk_bytes = 0;
            }
        }
        flush(&mut keys, &mut chunk, &mut moved)?;
        let after = new.len_on_disk();
        let before = old.len_on_disk();
        let bodies = moved.len() as u64;
        {
            // Readers look up a span and read it under this lock: none reads an old span
            // from the new file.
            let mut slot = self.log.write().unwrap_or_else(|p| p.into_inner());
            let trees = (&self.trees.entries, &self.trees.meta);
            trees
                .transaction(|(entries, meta)| {
                    for (key, record) in &moved {
                        entries.insert(key, record.as_slice())?;
                    }
                    meta.insert(crate::ingest::LOG_END, &after.to_be_bytes())?;
                    meta.insert(LOG_FILE, &number.to_be_bytes())?;
                    Ok::<(), ConflictableTransactionError<()>>(())
                })
                .map_err(|e| match e {
                    TransactionError::Storage(e) => StoreError::from(e),
                    TransactionError::Abort(()) => StoreError::Log {
                        path: path.clone(),
                        reason: "compaction aborted".into(),
                    },
                })?;
            self.db.flush()?;
            *slot = Arc::new(new);
        }
        let old_path = old.path().to_owned();
        drop(old);
        std::fs::remove_file(&old_path).map_err(|e| StoreError::Log {
            path: old_path.clone(),
            reason: e.to_string(),
        })?;
        tracing::info!(before, after, bodies, "entry log compacted");
        Ok(Compacted {
            before,
            after,
            bodies,
        })
    }
}
