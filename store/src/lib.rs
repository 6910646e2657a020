//! wiel-store: the node's content-addressed entry store on sled 0.34.7.
//!
//! - [`Store`] opens the database and owns its trees (one per index, see [`Store::open`]);
//! - ingest (`ingest.rs`) applies the rules that need other entries and writes an entry with
//!   all its index rows in one transaction;
//! - queries (`query.rs`) list, resolve id prefixes, and assemble threads;
//! - `wiel check` (`check.rs`) rechecks every entry and quarantines damaged ones;
//! - the entry log (`log.rs`) holds entry bodies outside sled, so that a retraction can
//!   truly erase them from the disk;
//! - the full-text index ([`search`]) is derived from the store: every ingest queues its
//!   entries for it in the same transaction;
//! - how its errors read (`texts.rs`), as messages of the catalogue (`wiel-lang`).
//!
//! Durability: [`Store::ingest_batch`] appends the batch's entries to the entry log and
//! syncs it, then commits the index rows in one sled transaction and flushes sled once.
//! Every outcome it returns is durable; callers batch entries to share the two syncs.

mod check;
mod compact;
mod ingest;
mod journal;
mod keys;
mod log;
mod query;
mod rebuild;
pub mod search;
mod texts;
mod threads;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sled::Tree;
use wiel_protocol::{EntryId, OrgKey, Rel};

pub use check::{CheckReport, Damaged};
pub use compact::{AUTO_COMPACT_DEAD_BYTES, Compacted, LogUsage};
pub use ingest::{Ingest, Rejection, is_acceptance};
pub use journal::AddedSince;
pub use query::{
    Acceptance, COUNTED_BEYOND_LIMIT, Item, ListFilter, Resolved, Scanned, SpaceItems, Thread,
};
pub use rebuild::{Rebuilt, rebuild_if_worth};

/// sled's page cache. Its default (1 GiB) is too much for a node that runs for months.
pub const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// What went wrong in the store itself (not with an entry: see [`Ingest`]).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    Locked {
        path: PathBuf,
    },
    Open {
        path: PathBuf,
        reason: String,
    },
    Io(sled::Error),
    Log {
        path: PathBuf,
        reason: String,
    },
    Aborted,
    Corrupt {
        id: String,
        reason: String,
    },
    /// Written by a newer wiel (its format is above [`STORE_FORMAT`]).
    NewerFormat {
        path: PathBuf,
        found: u32,
    },
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        Self::Io(e)
    }
}

/// The trees, in the order the write transaction takes them.
#[derive(Clone)]
pub(crate) struct Trees {
    /// id → where its full bytes are in the entry log, and its header-only bytes
    pub entries: Tree,
    /// created_at ‖ id → kind ‖ author ‖ space. The only per-entry index: sled splits its
    /// leaves at 16 items, so its start-up cost grows with the number of rows, and every
    /// CLI command opens the store. Filters read the value instead of a tree of their own.
    pub by_time: Tree,
    /// target ‖ rel ‖ source: answers, reactions, retractions, versions
    pub refs: Tree,
    /// retracted id → id of the retraction that erased it
    pub tombstones: Tree,
    /// old version id → id of a newer version by the same author
    pub superseded: Tree,
    /// author → id of their newest profile entry
    pub profiles: Tree,
    /// spans of the entry log still to be zeroed (see `log.rs`)
    pub erasures: Tree,
    /// ids of this node's own entries not yet gossiped to any peer
    pub outbox: Tree,
    /// author ‖ id of every entry signed on this node: what its organisation names as an
    /// earlier key's history after a key rotation (entries signed with that key elsewhere,
    /// by a thief, are not among them)
    pub signed: Tree,
    /// created_at ‖ id of endorsements, key rotations and revocations: what the trust
    /// set is computed from, without walking every entry
    pub trust: Tree,
    /// ids of entries stored since the search index last caught up (see `search`): the
    /// index's work queue, written in the same transaction as the entry, emptied by the
    /// index after its commit
    pub unindexed: Tree,
    /// `f` ‖ old key ‖ new key and `b` ‖ new key ‖ old key → id of the key rotation: which
    /// keys speak for which (a key speaks for every key it succeeded), read by retractions
    /// and new versions
    pub rotations: Tree,
    /// author ‖ id of retractions and new versions: what to settle again when the author's
    /// key turns out to succeed another
    pub acts: Tree,
    /// id → header-only bytes of entries that came without their body and with no
    /// retraction here to explain it: they become tombstones when the retraction arrives,
    /// and are dropped when the whole entry does (bounded; not part of the stored set)
    pub pending: Tree,
    /// id → why `wiel check` took a damaged entry out of the store
    pub quarantine: Tree,
    /// `log_end` → the entry log's length after the last commit that appended to it
    pub meta: Tree,
}

/// The version of what the store keeps and how: 1 for stores from before it was written
/// down (without the `signed` tree), 2 since. A store of a newer format is refused, untouched.
pub const STORE_FORMAT: u32 = 2;

/// `meta` key of the store's format.
const FORMAT_KEY: &[u8] = b"format";

fn read_format(meta: &Tree) -> Result<Option<u32>, StoreError> {
    match meta.get(FORMAT_KEY)? {
        None => Ok(None),
        Some(v) => match <[u8; 4]>::try_from(v.as_ref()) {
            Ok(bytes) => Ok(Some(u32::from_be_bytes(bytes))),
            // Unreadable: from something other than a wiel this old or newer.
            Err(_) => Ok(Some(u32::MAX)),
        },
    }
}

/// In `meta` when `signed` holds every entry signed here (see [`Store::signed_here`]).
const SIGNED_NOTED_FROM_START: &[u8] = b"signed_noted_from_start";

/// The entry store. Cheap to clone; one writer at a time.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    trees: Trees,
    /// The entry log in use; swapped by a compaction (see `compact.rs`).
    log: Arc<std::sync::RwLock<Arc<log::EntryLog>>>,
    /// Ingest decides on the committed state plus its own batch, so writers take turns.
    writer: Arc<Mutex<()>>,
    /// The generation, and what recent commits added to the time index.
    journal: Arc<journal::Journal>,
    /// Wakes [`Store::wait_for_commit`] when the generation moves.
    commits: Arc<(Mutex<()>, std::sync::Condvar)>,
    dir: PathBuf,
}

impl Store {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let db = {
            // Held until sled holds the store (see `rebuild`).
            let moves = rebuild::lock_moves_waiting(dir)?;
            if moves.is_some() {
                rebuild::recover(dir)?;
                rebuild::remove_unfinished_snapshots(dir)?;
            }
            open_db(dir)?
        };
        // What a newer wiel wrote is not touched: its format is read before anything else.
        let format = read_format(&db.open_tree("meta")?)?;
        if let Some(found) = format
            && found > STORE_FORMAT
        {
            return Err(StoreError::NewerFormat {
                path: dir.to_owned(),
                found,
            });
        }
        let tree = |name: &str| db.open_tree(name);
        let trees = Trees {
            entries: tree("entries")?,
            by_time: tree("by_time")?,
            refs: tree("refs")?,
            tombstones: tree("tombstones")?,
            superseded: tree("superseded")?,
            profiles: tree("profiles")?,
            erasures: tree("erasures")?,
            outbox: tree("outbox")?,
            signed: tree("signed")?,
            trust: tree("trust")?,
            unindexed: tree("unindexed")?,
            rotations: tree("rotations")?,
            acts: tree("acts")?,
            pending: tree("pending")?,
            quarantine: tree("quarantine")?,
            meta: tree("meta")?,
        };
        let number = compact::log_number(&trees.meta)?;
        let log_path = compact::log_path(dir, number);
        let open_error = |e: std::io::Error| StoreError::Open {
            path: log_path.clone(),
            reason: e.to_string(),
        };
        compact::remove_other_logs(dir, number).map_err(open_error)?;
        let log = log::EntryLog::open(&log_path).map_err(open_error)?;
        let store = Self {
            db,
            trees,
            log: Arc::new(std::sync::RwLock::new(Arc::new(log))),
            writer: Arc::new(Mutex::new(())),
            journal: Arc::default(),
            commits: Arc::new((Mutex::new(()), std::sync::Condvar::new())),
            dir: dir.to_owned(),
        };
        match format {
            Some(_) => {}
            // A new store notes every entry signed here from its start (see `signed_here`).
            None if store.trees.entries.is_empty() => {
                store.trees.meta.insert(SIGNED_NOTED_FROM_START, &[])?;
                store.write_format()?;
            }
            // Written before formats were: format 1, which had no `signed` tree. It fills
            // on first use (see `signed_here`); nothing else differs.
            None => {
                tracing::info!(from = 1, to = STORE_FORMAT, "store migrated");
                store.write_format()?;
            }
        }
        store.cut_uncommitted_log_tail()?;
        store.finish_erasures()?;
        Ok(store)
    }

    fn write_format(&self) -> Result<(), StoreError> {
        self.trees
            .meta
            .insert(FORMAT_KEY, &STORE_FORMAT.to_be_bytes())?;
        self.db.flush()?;
        Ok(())
    }

    /// A number that changes whenever a commit changed the store (in this process): lets
    /// a cache of derived data know it is stale.
    pub fn generation(&self) -> u64 {
        self.journal.generation()
    }

    /// What commits added to the time index (each entry's [`Item`], by space) since
    /// `generation`: a set derived from the store follows it by these instead of reading
    /// every row again.
    pub fn added_since(&self, generation: u64) -> AddedSince {
        self.journal.added_since(generation)
    }

    /// Marks a commit: bumps the generation, notes what it added to the time index
    /// (`None`: it changed the index otherwise), and wakes those waiting for one.
    pub(crate) fn committed(&self, added: Option<Vec<journal::Added>>) {
        let _guard = self.commits.0.lock().unwrap_or_else(|p| p.into_inner());
        self.journal.note(added);
        self.commits.1.notify_all();
    }

    /// Waits until the generation differs from `seen` or `timeout` passed; returns the
    /// generation then.
    pub fn wait_for_commit(&self, seen: u64, timeout: std::time::Duration) -> u64 {
        let guard = self.commits.0.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation() != seen {
            return self.generation();
        }
        let _ = self
            .commits
            .1
            .wait_timeout(guard, timeout)
            .unwrap_or_else(|p| p.into_inner());
        self.generation()
    }

    /// The directory the store lives in (the search index has a folder inside it).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Up to `max` ids of entries the search index has not taken in yet.
    pub fn unindexed(&self, max: usize) -> Result<Vec<EntryId>, StoreError> {
        let mut out = Vec::new();
        for row in self.trees.unindexed.iter().take(max) {
            let (key, _) = row?;
            if let Some(id) = keys::id_from_value(&key) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// How many entries the search index has not taken in yet.
    pub fn unindexed_count(&self) -> usize {
        self.trees.unindexed.len()
    }

    /// The search index took these in (and committed).
    pub fn mark_indexed(&self, ids: &[EntryId]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for id in ids {
            batch.remove(id.as_bytes());
        }
        self.trees.unindexed.apply_batch(batch)?;
        Ok(())
    }

    /// Cuts the entry log back to its length at the last commit: what a crash left
    /// appended but never committed is referenced by nothing, and must not outlive a
    /// retraction of the same entry.
    fn cut_uncommitted_log_tail(&self) -> Result<(), StoreError> {
        let Some(end) = self.trees.meta.get(ingest::LOG_END)? else {
            return Ok(());
        };
        let Ok(end) = <[u8; 8]>::try_from(end.as_ref()) else {
            return Ok(());
        };
        let end = u64::from_be_bytes(end);
        let log = self.current_log();
        if log.len_on_disk() > end {
            tracing::warn!(
                bytes = log.len_on_disk() - end,
                "cutting uncommitted bytes off the entry log (a crash between append and commit)"
            );
            log.truncate_to(end).map_err(|e| self.log_error(e))?;
        }
        Ok(())
    }

    /// Zeroes the log spans that a committed retraction released (normally right after the
    /// commit; on open, whatever a crash left undone).
    pub(crate) fn finish_erasures(&self) -> Result<(), StoreError> {
        let mut spans = Vec::new();
        let mut keys = Vec::new();
        for row in self.trees.erasures.iter() {
            let (key, _) = row?;
            if let Some(span) = log::decode_erasure_key(&key) {
                spans.push(span);
            }
            keys.push(key);
        }
        if keys.is_empty() {
            return Ok(());
        }
        self.current_log()
            .erase(&spans)
            .map_err(|e| self.log_error(e))?;
        for key in keys {
            self.trees.erasures.remove(key)?;
        }
        Ok(())
    }

    /// The entry log in use now.
    pub(crate) fn current_log(&self) -> Arc<log::EntryLog> {
        self.log.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn log_error(&self, e: std::io::Error) -> StoreError {
        StoreError::Log {
            path: self.current_log().path().to_owned(),
            reason: e.to_string(),
        }
    }

    /// Bytes used on disk: sled's files and the entry log.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()? + self.current_log().len_on_disk())
    }

    /// Writes everything to disk; also done by every ingest.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Number of entries, tombstones included. Walks the index: O(n).
    pub fn count(&self) -> usize {
        self.trees.by_time.len()
    }

    /// Marks an own entry as still to be gossiped (durable).
    pub fn outbox_add(&self, id: &EntryId) -> Result<(), StoreError> {
        self.trees.outbox.insert(id.as_bytes(), &[])?;
        self.db.flush()?;
        Ok(())
    }

    /// Notes that this node signed these entries, each with its author's key. Durable with
    /// the next flush: noted before an entry is stored, it reaches the disk with the entry
    /// (the ingest's flush), or neither does.
    pub fn note_signed_here(&self, signed: &[(OrgKey, EntryId)]) -> Result<(), StoreError> {
        for (author, id) in signed {
            let mut key = Vec::with_capacity(64);
            key.extend_from_slice(author.as_bytes());
            key.extend_from_slice(id.as_bytes());
            self.trees.signed.insert(key, &[])?;
        }
        Ok(())
    }

    /// Every entry signed on this node, by key, ids sorted. A store from before this was
    /// noted holds no such note for its older entries: the first call notes every entry
    /// held whose author `is_ours` (the best such a store can know).
    pub fn signed_here(
        &self,
        is_ours: impl Fn(&OrgKey) -> bool,
    ) -> Result<std::collections::BTreeMap<OrgKey, Vec<EntryId>>, StoreError> {
        if self.trees.meta.get(SIGNED_NOTED_FROM_START)?.is_none() {
            for item in self.items_by_space(None)?.values().flatten() {
                if is_ours(&item.author) {
                    let mut key = Vec::with_capacity(64);
                    key.extend_from_slice(item.author.as_bytes());
                    key.extend_from_slice(item.id.as_bytes());
                    self.trees.signed.insert(key, &[])?;
                }
            }
            self.trees.meta.insert(SIGNED_NOTED_FROM_START, &[])?;
            self.db.flush()?;
        }
        let mut out: std::collections::BTreeMap<OrgKey, Vec<EntryId>> = Default::default();
        for row in self.trees.signed.iter() {
            let (key, _) = row?;
            if let (Ok(author), Ok(id)) = (
                <[u8; 32]>::try_from(&key[..key.len().min(32)]),
                <[u8; 32]>::try_from(&key[key.len().min(32)..]),
            ) {
                out.entry(OrgKey::from_bytes(author))
                    .or_default()
                    .push(EntryId::from_bytes(id));
            }
        }
        Ok(out)
    }

    /// The entry went out to the network.
    pub fn outbox_remove(&self, id: &EntryId) -> Result<(), StoreError> {
        self.trees.outbox.remove(id.as_bytes())?;
        Ok(())
    }

    /// Own entries not yet gossiped.
    pub fn outbox(&self) -> Result<Vec<EntryId>, StoreError> {
        let mut out = Vec::new();
        for row in self.trees.outbox.iter() {
            let (key, _) = row?;
            if let Some(id) = keys::id_from_value(&key) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Bytes `id` takes in the store (its full bytes in the entry log, or its header);
    /// 0 when not held. Reads no entry.
    pub fn stored_size(&self, id: &EntryId) -> Result<u64, StoreError> {
        Ok(match self.trees.entries.get(id.as_bytes())? {
            Some(record) => match log::decode_record(&record) {
                Some((Some(span), _)) => u64::from(span.len),
                Some((None, header)) => header.len() as u64,
                None => 0,
            },
            None => 0,
        })
    }

    /// Whether the store holds `id` as exactly `bytes` (its entry as stored, byte for
    /// byte): a copy that would change nothing. A tombstone is not such a copy.
    pub fn holds_as(&self, id: &EntryId, bytes: &[u8]) -> Result<bool, StoreError> {
        let log = self.log.read().unwrap_or_else(|p| p.into_inner());
        let Some(record) = self.trees.entries.get(id.as_bytes())? else {
            return Ok(false);
        };
        let span = match log::decode_record(&record) {
            Some((Some(span), _)) if span.len as usize == bytes.len() => span,
            _ => return Ok(false),
        };
        Ok(log.read_stored(span)? == bytes)
    }

    /// Whether the store holds `id` (with its body or as a tombstone).
    pub fn holds(&self, id: &EntryId) -> Result<bool, StoreError> {
        Ok(self.trees.entries.contains_key(id.as_bytes())?)
    }

    /// Whether `id` was retracted, and by which retraction.
    pub fn retracted_by(&self, id: &EntryId) -> Result<Option<EntryId>, StoreError> {
        Ok(self
            .trees
            .tombstones
            .get(id.as_bytes())?
            .and_then(|v| keys::id_from_value(&v)))
    }

    /// The newer version that replaces `id`, if any.
    pub fn superseded_by(&self, id: &EntryId) -> Result<Option<EntryId>, StoreError> {
        Ok(self
            .trees
            .superseded
            .get(id.as_bytes())?
            .and_then(|v| keys::id_from_value(&v)))
    }

    /// Ids of the entries that refer to `target` with `rel`.
    pub fn referrers(&self, target: &EntryId, rel: Rel) -> Result<Vec<EntryId>, StoreError> {
        let mut out = Vec::new();
        for row in self.trees.refs.scan_prefix(keys::ref_prefix(target, rel)) {
            let (key, _) = row?;
            if let Some(id) = keys::trailing_id(&key) {
                out.push(id);
            }
        }
        Ok(out)
    }
}

/// How long `open` waits for a lock that a store just closed in this process still holds
/// (sled's flusher thread releases it a moment after the last handle is dropped).
pub(crate) const RELEASE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// How sled is set up for a store's header database in `dir`.
pub(crate) fn sled_config(dir: &Path) -> sled::Config {
    sled::Config::new()
        .path(dir)
        .cache_capacity(CACHE_BYTES)
        .mode(sled::Mode::LowSpace)
}

pub(crate) fn open_db(dir: &Path) -> Result<sled::Db, StoreError> {
    within_release_wait(dir, || {
        match sled_config(dir).open().map_err(|e| open_error(dir, e)) {
            Err(StoreError::Locked { .. }) => Ok(None),
            opened => opened.map(Some),
        }
    })
}

/// Tries `attempt` until it gives something, for up to [`RELEASE_WAIT`] (a lock that
/// another handle is about to let go of); [`StoreError::Locked`] on `dir` after.
pub(crate) fn within_release_wait<T>(
    dir: &Path,
    mut attempt: impl FnMut() -> Result<Option<T>, StoreError>,
) -> Result<T, StoreError> {
    let start = std::time::Instant::now();
    loop {
        if let Some(done) = attempt()? {
            return Ok(done);
        }
        if start.elapsed() > RELEASE_WAIT {
            return Err(StoreError::Locked {
                path: dir.to_owned(),
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

pub(crate) fn open_error(dir: &Path, e: sled::Error) -> StoreError {
    let text = e.to_string();
    if text.contains("could not acquire lock") {
        StoreError::Locked {
            path: dir.to_owned(),
        }
    } else {
        StoreError::Open {
            path: dir.to_owned(),
            reason: text,
        }
    }
}

pub(crate) fn corrupt(id: &EntryId, reason: impl ToString) -> StoreError {
    StoreError::Corrupt {
        id: id.to_hex(),
        reason: reason.to_string(),
    }
}
