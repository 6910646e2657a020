//! The overlay of one ingest batch: its pending writes, readable before they are
//! committed, and the commit that writes them in one sled transaction.

use super::*;

#[derive(Clone, Copy)]
pub(super) enum T {
    Entries,
    ByTime,
    Refs,
    Tombstones,
    Superseded,
    Profiles,
    Erasures,
    Trust,
    Unindexed,
    Rotations,
    Acts,
    Pending,
    Meta,
}
pub(super) const TREE_COUNT: usize = 13;

/// Pending writes of one batch, readable before they are committed.
pub(super) struct Overlay<'a> {
    store: &'a Store,
    /// Index rows; the `entries` records are derived from `entries` at commit.
    writes: [BTreeMap<Vec<u8>, Option<Vec<u8>>>; TREE_COUNT],
    /// New or changed entries, in their final state for this batch.
    entries: BTreeMap<EntryId, Verified>,
    /// Log spans whose entries lost their body in this batch.
    erase: Vec<Span>,
}

impl<'a> Overlay<'a> {
    pub(super) fn new(store: &'a Store) -> Self {
        Self {
            store,
            writes: Default::default(),
            entries: BTreeMap::new(),
            erase: Vec::new(),
        }
    }

    pub(super) fn tree(&self, t: T) -> &'a sled::Tree {
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
            T::Rotations => &trees.rotations,
            T::Acts => &trees.acts,
            T::Pending => &trees.pending,
            T::Meta => &trees.meta,
        }
    }

    pub(super) fn get(&self, t: T, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(v) = self.writes[t as usize].get(key) {
            return Ok(v.clone());
        }
        Ok(self.tree(t).get(key)?.map(|v| v.to_vec()))
    }

    pub(super) fn put(&mut self, t: T, key: Vec<u8>, value: Vec<u8>) {
        self.writes[t as usize].insert(key, Some(value));
    }

    pub(super) fn remove(&mut self, t: T, key: Vec<u8>) {
        self.writes[t as usize].insert(key, None);
    }

    /// Keys under `prefix`, committed and pending.
    pub(super) fn keys_with_prefix(&self, t: T, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
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

    pub(super) fn load(&self, id: &EntryId) -> Result<Option<Verified>, StoreError> {
        match self.entries.get(id) {
            Some(v) => Ok(Some(v.clone())),
            None => self.store.get(id),
        }
    }

    /// Stores `entry` as the new state of its id; a body it no longer has is erased.
    pub(super) fn put_entry(&mut self, entry: Verified) -> Result<(), StoreError> {
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

    /// The rows this batch adds to the time index (new keys only), as items by space;
    /// `None` if it removes any (no batch does today).
    pub(super) fn added_to_time_index(
        &self,
    ) -> Result<Option<Vec<crate::journal::Added>>, StoreError> {
        let mut added = Vec::new();
        for (key, value) in &self.writes[T::ByTime as usize] {
            let Some(value) = value else {
                return Ok(None);
            };
            if let Some((space, item)) = crate::query::time_row_item(key, value)
                && !self.tree(T::ByTime).contains_key(key)?
            {
                added.push((String::from_utf8_lossy(space).into_owned(), item));
            }
        }
        Ok(Some(added))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.writes.iter().all(|w| w.is_empty())
    }

    /// Appends new bodies to the log (synced), then commits all rows in one transaction.
    pub(super) fn commit(mut self) -> Result<Vec<Span>, StoreError> {
        let with_body: Vec<&Verified> = self
            .entries
            .values()
            .filter(|v| v.body().is_some())
            .collect();
        let chunks: Vec<&[u8]> = with_body.iter().map(|v| v.bytes()).collect();
        let log = self.store.current_log();
        let spans = log.append(&chunks).map_err(|e| self.store.log_error(e))?;
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
        let appended = !chunks.is_empty();
        for (k, v) in records {
            self.put(T::Entries, k, v);
        }
        if appended {
            let end = log.len_on_disk();
            self.put(T::Meta, LOG_END.to_vec(), end.to_be_bytes().to_vec());
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
            &t.rotations,
            &t.acts,
            &t.pending,
            &t.meta,
        );
        let writes = &self.writes;
        let result: Result<(), TransactionError<()>> =
            all.transaction(|(a, b, c, d, e, f, g, h, i, j, k, l, m)| {
                let txs = [a, b, c, d, e, f, g, h, i, j, k, l, m];
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
