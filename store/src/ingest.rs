//! Ingest: the rules that need other entries, and writing an entry with its index rows.
//!
//! A batch is decided against the committed trees plus the batch's own earlier writes (an
//! overlay), then committed as one sled transaction and flushed once.

use std::collections::BTreeMap;

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use wiel_protocol::{EntryId, Kind, Rel, Verified};

use crate::log::{self, Span};
use crate::{Store, StoreError, Trees, keys};

/// What happened to one entry offered to the store. All are normal outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingest {
    /// New: stored with its index rows.
    Stored,
    /// Already held: nothing changed.
    AlreadyStored,
    /// The entry was retracted by its author: only its signed header is kept, never its body.
    Retracted,
    /// Refused by a rule that needs another entry.
    Rejected(Rejection),
}

/// Why the store refused an entry that is valid on its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("only the author of entry {} can {action} it", target.short())]
    NotAuthorOfTarget {
        target: EntryId,
        action: &'static str,
    },
    #[error("entry {} is a {found}, so a new version of it must be a {found} too, not a {expected}", target.short())]
    VersionKindMismatch {
        target: EntryId,
        found: Kind,
        expected: Kind,
    },
    #[error("entry {} is a {found}, not a question: only questions can be answered", target.short())]
    NotAQuestion { target: EntryId, found: Kind },
    #[error("entry {} is a retraction itself and cannot be retracted or edited", target.short())]
    TargetIsRetraction { target: EntryId },
    #[error("entry {} is a {found}, not an answer: only answers can be accepted", target.short())]
    NotAnAnswer { target: EntryId, found: Kind },
    #[error("only the organisation that asked question {} can accept an answer to it", question.short())]
    NotTheAsker { question: EntryId },
}

#[derive(Clone, Copy)]
enum T {
    Entries,
    ByTime,
    Refs,
    Tombstones,
    Superseded,
    Profiles,
    Erasures,
    Trust,
    Unindexed,
}
const TREE_COUNT: usize = 9;

/// Pending writes of one batch, readable before they are committed.
struct Overlay<'a> {
    store: &'a Store,
    /// Index rows; the `entries` records are derived from `entries` at commit.
    writes: [BTreeMap<Vec<u8>, Option<Vec<u8>>>; TREE_COUNT],
    /// New or changed entries, in their final state for this batch.
    entries: BTreeMap<EntryId, Verified>,
    /// Log spans whose entries lost their body in this batch.
    erase: Vec<Span>,
}

impl<'a> Overlay<'a> {
    fn new(store: &'a Store) -> Self {
        Self {
            store,
            writes: Default::default(),
            entries: BTreeMap::new(),
            erase: Vec::new(),
        }
    }

    fn tree(&self, t: T) -> &'a sled::Tree {
        let trees: &'a Trees = &self.store.trees;
        match t {
            T::Entries => &trees.entries,
            T::ByTime => &trees.by_time,
            T::Refs => &trees.refs,
            T::Tombstones => &trees.tombstones,
            T::Superseded => &trees.superseded,
            T::Profiles => &trees.profiles,
            T::Erasures => &trees.erasures,
            T::Trust => &trees.trust,
            T::Unindexed => &trees.unindexed,
        }
    }

    fn get(&self, t: T, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(v) = self.writes[t as usize].get(key) {
            return Ok(v.clone());
        }
        Ok(self.tree(t).get(key)?.map(|v| v.to_vec()))
    }

    fn put(&mut self, t: T, key: Vec<u8>, value: Vec<u8>) {
        self.writes[t as usize].insert(key, Some(value));
    }

    /// Keys under `prefix`, committed and pending.
    fn keys_with_prefix(&self, t: T, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut found: BTreeMap<Vec<u8>, bool> = BTreeMap::new();
        for row in self.tree(t).scan_prefix(prefix) {
            let (k, _) = row?;
            found.insert(k.to_vec(), true);
        }
        for (k, v) in self.writes[t as usize].range(prefix.to_vec()..) {
            if !k.starts_with(prefix) {
                break;
            }
            found.insert(k.clone(), v.is_some());
        }
        Ok(found
            .into_iter()
            .filter(|(_, live)| *live)
            .map(|(k, _)| k)
            .collect())
    }

    fn load(&self, id: &EntryId) -> Result<Option<Verified>, StoreError> {
        match self.entries.get(id) {
            Some(v) => Ok(Some(v.clone())),
            None => self.store.get(id),
        }
    }

    /// Stores `entry` as the new state of its id; a body it no longer has is erased.
    fn put_entry(&mut self, entry: Verified) -> Result<(), StoreError> {
        let id = entry.id();
        if entry.body().is_none()
            && !self.entries.contains_key(&id)
            && let Some(record) = self.store.trees.entries.get(id.as_bytes())?
            && let Some((Some(span), _)) = log::decode_record(&record)
        {
            self.erase.push(span);
            self.put(T::Erasures, log::erasure_key(span), Vec::new());
        }
        self.entries.insert(id, entry);
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.writes.iter().all(|w| w.is_empty())
    }

    /// Appends new bodies to the log (synced), then commits all rows in one transaction.
    fn commit(mut self) -> Result<Vec<Span>, StoreError> {
        let with_body: Vec<&Verified> = self
            .entries
            .values()
            .filter(|v| v.body().is_some())
            .collect();
        let chunks: Vec<&[u8]> = with_body.iter().map(|v| v.bytes()).collect();
        let spans = self
            .store
            .log
            .append(&chunks)
            .map_err(|e| self.store.log_error(e))?;
        let mut records = Vec::with_capacity(self.entries.len());
        let mut span_of = with_body.iter().map(|v| v.id()).zip(spans);
        let mut next = span_of.next();
        for (id, v) in &self.entries {
            let span = match next {
                Some((sid, span)) if sid == *id => {
                    next = span_of.next();
                    Some(span)
                }
                _ => None,
            };
            // With a body in the log, the header is there too: sled keeps only the span.
            let header_only: &[u8] = match span {
                Some(_) => &[],
                None => v.bytes(),
            };
            records.push((
                id.as_bytes().to_vec(),
                log::encode_record(span, header_only),
            ));
        }
        for (k, v) in records {
            self.put(T::Entries, k, v);
        }
        let t = &self.store.trees;
        let all = (
            &t.entries,
            &t.by_time,
            &t.refs,
            &t.tombstones,
            &t.superseded,
            &t.profiles,
            &t.erasures,
            &t.trust,
            &t.unindexed,
        );
        let writes = &self.writes;
        let result: Result<(), TransactionError<()>> =
            all.transaction(|(a, b, c, d, e, f, g, h, i)| {
                let txs = [a, b, c, d, e, f, g, h, i];
                for (tx, tree_writes) in txs.iter().zip(writes.iter()) {
                    for (k, v) in tree_writes {
                        match v {
                            Some(v) => tx.insert(k.as_slice(), v.as_slice())?,
                            None => tx.remove(k.as_slice())?,
                        };
                    }
                }
                Ok::<(), ConflictableTransactionError<()>>(())
            });
        match result {
            Ok(()) => Ok(self.erase),
            Err(TransactionError::Storage(e)) => Err(StoreError::Io(e)),
            Err(TransactionError::Abort(())) => Err(StoreError::Aborted),
        }
    }
}

impl Store {
    /// Stores one entry durably. See [`Store::ingest_batch`].
    pub fn ingest(&self, entry: Verified) -> Result<Ingest, StoreError> {
        let mut out = self.ingest_batch(vec![entry])?;
        Ok(out.pop().unwrap_or(Ingest::AlreadyStored))
    }

    /// Stores a batch of verified entries in one transaction and one flush. Returns one
    /// outcome per entry, in order; all of them are durable when this returns.
    pub fn ingest_batch(&self, batch: Vec<Verified>) -> Result<Vec<Ingest>, StoreError> {
        self.ingest_batch_if(batch, |_| true)
    }

    /// Like [`Store::ingest_batch`], but writes nothing unless `accept` approves the outcomes
    /// (an import that must be all or nothing).
    pub fn ingest_batch_if(
        &self,
        batch: Vec<Verified>,
        accept: impl FnOnce(&[Ingest]) -> bool,
    ) -> Result<Vec<Ingest>, StoreError> {
        let _turn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut overlay = Overlay::new(self);
        let mut outcomes = Vec::with_capacity(batch.len());
        for entry in batch {
            outcomes.push(ingest_one(&mut overlay, entry)?);
        }
        if accept(&outcomes) && !overlay.is_empty() {
            let erased = overlay.commit()?;
            self.db.flush()?;
            self.committed();
            if !erased.is_empty() {
                self.finish_erasures()?;
            }
        }
        Ok(outcomes)
    }
}

fn ingest_one(o: &mut Overlay<'_>, entry: Verified) -> Result<Ingest, StoreError> {
    let id = entry.id();
    let key = id.as_bytes().to_vec();

    if let Some(existing) = o.load(&id)? {
        let tombstoned = o.get(T::Tombstones, &key)?.is_some();
        return Ok(match (existing.body().is_some(), entry.body().is_some()) {
            (false, true) if tombstoned => Ingest::Retracted,
            (false, true) => {
                // We held only the header (a tombstone whose retraction we never saw): fill in.
                o.put_entry(entry)?;
                Ingest::Stored
            }
            _ if tombstoned => Ingest::Retracted,
            _ => Ingest::AlreadyStored,
        });
    }

    if let Some(rejection) = check_targets(o, &entry)? {
        return Ok(Ingest::Rejected(rejection));
    }

    // Effects that waited for this entry: a retraction or new version that arrived first.
    let header = entry.header();
    let mut outcome = Ingest::Stored;
    let mut to_store = entry.clone();
    for source in referrers(o, &id, Rel::Retracts)? {
        if let Some(r) = o.load(&source)?
            && r.header().author == header.author
        {
            o.put(T::Tombstones, key.clone(), source.as_bytes().to_vec());
            to_store = entry.to_tombstone();
            outcome = Ingest::Retracted;
            break;
        }
    }
    for source in referrers(o, &id, Rel::Supersedes)? {
        if let Some(newer) = o.load(&source)?
            && newer.header().author == header.author
            && newer.header().kind == header.kind
        {
            o.put(T::Superseded, key.clone(), source.as_bytes().to_vec());
        }
    }

    write_entry(o, &to_store)?;
    apply_effects(o, &entry)?;
    Ok(outcome)
}

fn referrers(o: &Overlay<'_>, target: &EntryId, rel: Rel) -> Result<Vec<EntryId>, StoreError> {
    Ok(o.keys_with_prefix(T::Refs, &keys::ref_prefix(target, rel))?
        .iter()
        .filter_map(|k| keys::trailing_id(k))
        .collect())
}

/// Rules against the entries this one refers to, when we hold them.
fn check_targets(o: &Overlay<'_>, entry: &Verified) -> Result<Option<Rejection>, StoreError> {
    let header = entry.header();
    for r in &header.refs {
        let Some(target) = o.load(&r.target)? else {
            continue; // decided when the target arrives
        };
        let t = target.header();
        let rejection = match r.rel {
            Rel::Retracts | Rel::Supersedes if t.kind == Kind::Retraction => {
                Some(Rejection::TargetIsRetraction { target: r.target })
            }
            Rel::Retracts | Rel::Supersedes if t.author != header.author => {
                Some(Rejection::NotAuthorOfTarget {
                    target: r.target,
                    action: if r.rel == Rel::Retracts {
                        "retract"
                    } else {
                        "make a new version of"
                    },
                })
            }
            Rel::ReactsTo if is_acceptance(entry) && t.kind != Kind::Answer => {
                Some(Rejection::NotAnAnswer {
                    target: r.target,
                    found: t.kind,
                })
            }
            Rel::ReactsTo if is_acceptance(entry) => match t.target(Rel::Answers) {
                Some(question) => match o.load(&question)? {
                    Some(q) if q.header().author != header.author => {
                        Some(Rejection::NotTheAsker { question })
                    }
                    _ => None,
                },
                None => None,
            },
            Rel::Supersedes if t.kind != header.kind => Some(Rejection::VersionKindMismatch {
                target: r.target,
                found: t.kind,
                expected: header.kind,
            }),
            Rel::Answers if t.kind != Kind::Question => Some(Rejection::NotAQuestion {
                target: r.target,
                found: t.kind,
            }),
            _ => None,
        };
        if rejection.is_some() {
            return Ok(rejection);
        }
    }
    Ok(None)
}

/// A reaction that accepts an answer.
pub(crate) fn is_acceptance(entry: &Verified) -> bool {
    entry.header().kind == Kind::Reaction
        && matches!(
            entry.body().map(|b| &b.fields),
            Some(wiel_protocol::KindFields::Reaction {
                verdict: wiel_protocol::Verdict::Accepted
            })
        )
}

fn write_entry(o: &mut Overlay<'_>, entry: &Verified) -> Result<(), StoreError> {
    let id = entry.id();
    let h = entry.header();
    let t = h.created_at;
    o.put_entry(entry.clone())?;
    o.put(T::Unindexed, id.as_bytes().to_vec(), Vec::new());
    o.put(
        T::ByTime,
        keys::time_key(t, &id),
        keys::facets(h.kind, &h.author, &h.space),
    );
    for r in &h.refs {
        o.put(T::Refs, keys::ref_key(&r.target, r.rel, &id), Vec::new());
    }
    if matches!(
        h.kind,
        Kind::Endorsement | Kind::KeyRotation | Kind::Revocation
    ) {
        o.put(T::Trust, keys::time_key(t, &id), vec![h.kind.code()]);
    }
    if h.kind == Kind::Profile {
        let newer = match o.get(T::Profiles, h.author.as_bytes())? {
            Some(v) => match keys::id_from_value(&v).map(|old| o.load(&old)) {
                Some(Ok(Some(old))) => old.header().created_at <= t,
                Some(Err(e)) => return Err(e),
                _ => true,
            },
            None => true,
        };
        if newer {
            o.put(
                T::Profiles,
                h.author.as_bytes().to_vec(),
                id.as_bytes().to_vec(),
            );
        }
    }
    Ok(())
}

/// What this entry does to entries we already hold: erase a body, mark a version old.
fn apply_effects(o: &mut Overlay<'_>, entry: &Verified) -> Result<(), StoreError> {
    let h = entry.header();
    let id = entry.id();
    for r in &h.refs {
        let Some(target) = o.load(&r.target)? else {
            continue;
        };
        match r.rel {
            Rel::Retracts => {
                o.put(
                    T::Tombstones,
                    r.target.as_bytes().to_vec(),
                    id.as_bytes().to_vec(),
                );
                o.put_entry(target.to_tombstone())?;
            }
            Rel::Supersedes => {
                o.put(
                    T::Superseded,
                    r.target.as_bytes().to_vec(),
                    id.as_bytes().to_vec(),
                );
            }
            Rel::Answers | Rel::ReactsTo => {}
        }
    }
    Ok(())
}
