//! Rebuilding the header database (sled) into a fresh file. sled never gives back the
//! segments its cleaner freed, and at every open it writes over each free segment of its
//! file and syncs it: a store filled by a catch-up had 89 of its 159 segments free, 45 MB
//! written by every command that opened it. When most of the file is free, a stopped node
//! copies every tree into a new database beside it and swaps that in.
//!
//! Crash safety: the copy is built in `rebuild/` and marked complete last (a file naming
//! what is in it, synced). Opening the store first finishes a marked swap — sled's old
//! files out, the new ones in, the mark last — or deletes an unmarked copy. A lock on the
//! store's directory (wiel's own) is held by every open until its sled holds the store,
//! and by a rebuild from before it opens the old database until the copy is in place: so
//! no process opens the old database once it has been copied (what it wrote would be lost
//! in the swap), nor either database while files move.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::StoreError;

/// Where the copy is built, inside the store's directory.
const REBUILD_DIR: &str = "rebuild";
/// In [`REBUILD_DIR`]: the names of the copy's files, written when the copy is complete.
const COMPLETE: &str = "complete";
/// A header database this large at least is looked at…
const REBUILD_MIN_BYTES: u64 = 32 * 1024 * 1024;
/// …and rebuilt when its file is this many times what its rows hold (a fresh one is
/// about twice: sled's pages and their headers).
const REBUILD_RATIO: u64 = 3;
/// Rows copied per batch.
const BATCH_ROWS: usize = 10_000;

/// What a rebuild did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// Bytes of the header database's file before and after.
    pub before: u64,
    pub after: u64,
    /// Rows copied.
    pub rows: u64,
}

/// The header database's file size and the bytes its rows hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct HeaderUsage {
    pub file_bytes: u64,
    pub row_bytes: u64,
}

impl HeaderUsage {
    /// Whether the file is mostly free space (see [`REBUILD_RATIO`]).
    pub fn worth_rebuilding(&self) -> bool {
        self.file_bytes >= REBUILD_MIN_BYTES && self.file_bytes > self.row_bytes * REBUILD_RATIO
    }
}

/// Whether `dir` holds one of sled's files (not the entry log, the lock or the copy).
fn is_sled_file(name: &str) -> bool {
    matches!(name, "conf" | "db" | "blobs") || name.starts_with("snap.")
}

fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Open {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// Takes `file`'s lock (of `path`) if it is free: `false` when another holds it.
fn try_lock(file: &File, path: &Path) -> Result<bool, StoreError> {
    match fs2::FileExt::try_lock_exclusive(file) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(false),
        Err(e) => Err(io_error(path, e)),
    }
}

/// The lock on the store's directory itself, held (see the module's doc). `None` when
/// another holds it. No lock file: one made by another user (root, with a strict umask)
/// would keep the store shut for its own user.
pub(crate) fn lock_moves(dir: &Path) -> Result<Option<File>, StoreError> {
    let file = File::open(dir).map_err(|e| io_error(dir, e))?;
    Ok(try_lock(&file, dir)?.then_some(file))
}

/// Whether a sled in some process has the store open (it locks its `db` file).
fn sled_holds(dir: &Path) -> Result<bool, StoreError> {
    let path = dir.join("db");
    match File::open(&path) {
        Ok(file) => Ok(!try_lock(&file, &path)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error(&path, e)),
    }
}

/// The lock on the store's directory, waited for up to [`crate::RELEASE_WAIT`]
/// ([`StoreError::Locked`] after). `None` when `dir` does not exist yet (a new store:
/// nothing to move).
pub(crate) fn lock_moves_waiting(dir: &Path) -> Result<Option<File>, StoreError> {
    if !dir.is_dir() {
        return Ok(None);
    }
    crate::within_release_wait(dir, || lock_moves(dir)).map(Some)
}

/// With the directory's lock held, before sled opens: deletes a snapshot sled began and
/// never finished (`snap.….generating`, left by a process killed while writing it). sled
/// 0.34.7 takes it for its newest snapshot and then fails every open ("corrupted data");
/// without it, sled reads its last finished snapshot and the log after it: nothing is lost.
/// A snapshot being written by a sled that holds the store is left alone.
pub(crate) fn remove_unfinished_snapshots(dir: &Path) -> Result<(), StoreError> {
    if sled_holds(dir)? {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let path = entry.path();
            tracing::warn!(path = %path.display(), "removing a snapshot that was never finished");
            std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
        }
    }
    Ok(())
}

/// With the directory's lock held, before sled opens: finishes a swap a crash
/// interrupted, or deletes a copy that was never completed. A copy beside a store a sled holds is left
/// alone ([`StoreError::Locked`]): whoever holds it got there past this lock.
pub(crate) fn recover(dir: &Path) -> Result<(), StoreError> {
    let copy = dir.join(REBUILD_DIR);
    if std::fs::symlink_metadata(&copy).is_err() {
        return Ok(());
    }
    if sled_holds(dir)? {
        return Err(StoreError::Locked {
            path: dir.to_owned(),
        });
    }
    finish(dir)
}

/// The names a mark lists: only sled's own, never a path elsewhere. `None` for a mark
/// that does not name both of sled's essential files (not one this module wrote).
fn marked_names(text: &str) -> Option<Vec<String>> {
    let names: Vec<String> = text
        .lines()
        .filter(|n| is_sled_file(n) && !n.contains(['/', '\\']) && !n.contains(".."))
        .map(str::to_owned)
        .collect();
    let has = |name: &str| names.iter().any(|n| n == name);
    (has("db") && has("conf")).then_some(names)
}

/// Under both locks: swaps a completed copy in, or deletes an incomplete one.
fn finish(dir: &Path) -> Result<(), StoreError> {
    let copy = dir.join(REBUILD_DIR);
    let mark = copy.join(COMPLETE);
    let text = match std::fs::read_to_string(&mark) {
        Ok(text) => Some(text),
        Err(e) if copy.is_dir() && e.kind() != std::io::ErrorKind::NotFound => {
            return Err(io_error(&mark, e));
        }
        Err(_) => None,
    };
    let Some(names) = text.as_deref().and_then(marked_names) else {
        tracing::info!(path = %copy.display(), "removing an unfinished rebuild of the header database");
        return remove(&copy);
    };
    // The old files out: those the copy has no file of that name for, and those whose
    // new one still waits in the copy (a name the copy lists but no longer holds was
    // moved already, by a swap a crash cut short).
    for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let path = entry.map_err(|e| io_error(dir, e))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !is_sled_file(name) {
            continue;
        }
        if !names.iter().any(|n| n == name) || copy.join(name).exists() {
            remove(&path)?;
        }
    }
    for name in &names {
        let from = copy.join(name);
        if from.exists() {
            let to = dir.join(name);
            std::fs::rename(&from, &to).map_err(|e| io_error(&to, e))?;
        }
    }
    sync_dir(dir)?;
    std::fs::remove_dir_all(&copy).map_err(|e| io_error(&copy, e))?;
    sync_dir(dir)?;
    tracing::info!(path = %dir.display(), "header database swapped for its rebuilt copy");
    Ok(())
}

fn remove(path: &Path) -> Result<(), StoreError> {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    removed.map_err(|e| io_error(path, e))
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_error(dir, e))
}

/// The header database's usage: its file against what its rows hold (reads every row).
fn header_usage(db: &sled::Db) -> Result<HeaderUsage, StoreError> {
    let file_bytes = db.size_on_disk()?;
    let mut row_bytes = 0u64;
    for name in db.tree_names() {
        for row in db.open_tree(&name)?.iter() {
            let (key, value) = row?;
            row_bytes += (key.len() + value.len()) as u64;
        }
    }
    Ok(HeaderUsage {
        file_bytes,
        row_bytes,
    })
}

/// Rebuilds the header database of the store in `dir` when most of its file is free
/// (`force`: whatever its usage). The store must not be open in this process; when
/// another process has it open, returns [`StoreError::Locked`].
pub fn rebuild_if_worth(dir: &Path, force: bool) -> Result<Option<Rebuilt>, StoreError> {
    // A file too small is not worth opening sled for (a node's start pays that open).
    let file_bytes = std::fs::metadata(dir.join("db")).map_or(0, |m| m.len());
    if !force && file_bytes < REBUILD_MIN_BYTES {
        return Ok(None);
    }
    // Held to the end: once the old database is copied, nobody opens it.
    let _moves = lock_moves_waiting(dir)?;
    recover(dir)?;
    let db = crate::open_db(dir)?;
    let usage = header_usage(&db)?;
    if !force && !usage.worth_rebuilding() {
        return Ok(None);
    }
    tracing::info!(
        file_bytes = usage.file_bytes,
        row_bytes = usage.row_bytes,
        "rebuilding the header database"
    );
    let copy = dir.join(REBUILD_DIR);
    if copy.exists() {
        remove(&copy)?;
    }
    let copied = copy_into(&db, &copy);
    drop(db);
    // Marked and swapped once this process's sled let go of the old files. A copy that
    // failed (a full disk) is deleted at once, not left to the next open.
    let marked = copied.and_then(|rows| {
        wait_released(dir)?;
        mark_complete(&copy)?;
        Ok(rows)
    });
    let rows = match marked {
        Ok(rows) => rows,
        Err(e) => {
            let _ = remove(&copy);
            return Err(e);
        }
    };
    finish(dir)?;
    let after = std::fs::metadata(dir.join("db"))
        .map_err(|e| io_error(dir, e))?
        .len();
    let rebuilt = Rebuilt {
        before: usage.file_bytes,
        after,
        rows,
    };
    tracing::info!(
        before = rebuilt.before,
        after,
        rows,
        "header database rebuilt"
    );
    Ok(Some(rebuilt))
}

/// Copies every tree of `db` into a new database at `copy`, closed and synced when this
/// returns; the number of rows.
fn copy_into(db: &sled::Db, copy: &Path) -> Result<u64, StoreError> {
    let new = crate::sled_config(copy)
        .open()
        .map_err(|e| crate::open_error(copy, e))?;
    let mut rows = 0u64;
    for name in db.tree_names() {
        let (from, to) = (db.open_tree(&name)?, new.open_tree(&name)?);
        let mut batch = sled::Batch::default();
        let mut in_batch = 0;
        for row in from.iter() {
            let (key, value) = row?;
            batch.insert(key, value);
            in_batch += 1;
            if in_batch == BATCH_ROWS {
                to.apply_batch(std::mem::take(&mut batch))?;
                rows += in_batch as u64;
                in_batch = 0;
            }
        }
        to.apply_batch(batch)?;
        rows += in_batch as u64;
    }
    new.flush()?;
    drop(new);
    wait_released(copy)?;
    Ok(rows)
}

/// Waits for sled's flusher, which lets go a moment after the last handle of `dir`.
fn wait_released(dir: &Path) -> Result<(), StoreError> {
    crate::within_release_wait(dir, || Ok((!sled_holds(dir)?).then_some(())))
}

/// Syncs every file of the copy, then writes the mark naming them (synced, then renamed
/// into place: a mark is whole or absent).
fn mark_complete(copy: &Path) -> Result<(), StoreError> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(copy).map_err(|e| io_error(copy, e))? {
        let path = entry.map_err(|e| io_error(copy, e))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !is_sled_file(&name) {
            continue;
        }
        if path.is_file() {
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(|e| io_error(&path, e))?;
        }
        names.push(name);
    }
    sync_dir(copy)?;
    let text = names.join("\n");
    if marked_names(&text).is_none() {
        return Err(StoreError::Open {
            path: copy.to_owned(),
            reason: "the rebuilt header database lacks its files".into(),
        });
    }
    let written: PathBuf = copy.join("complete.tmp");
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut file = File::create(&written)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&written, copy.join(COMPLETE))
    };
    write().map_err(|e| io_error(&written, e))?;
    sync_dir(copy)
}

#[cfg(test)]
#[path = "rebuild_tests.rs"]
mod tests;
