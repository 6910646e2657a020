//! Search: the full-text index, kept up with the store, and queries on it.

use super::reading::check_limit;
use super::*;

/// A search in a node first takes in at most this many entries still waiting for the index.
const SEARCH_CATCH_UP_LIMIT: usize = 1_000;
/// Matches of all authors looked at, at most, to count those a search leaves out.
pub const HIDDEN_COUNTED: usize = 200;

/// The search index as `wiel status` shows it.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct SearchStatus {
    /// Entries the index can find; `None` while it is being built.
    pub documents: Option<u64>,
    /// Entries stored but not yet taken in by the index.
    pub waiting: usize,
}

/// What `wiel reindex` did.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ReindexReport {
    /// Documents in the new index (latest versions of searchable entries).
    pub documents: usize,
    /// Entries in the store, tombstones included.
    pub entries: usize,
    pub seconds: f64,
    /// Size of the index on disk.
    pub bytes: u64,
}

impl Service {
    /// The search index, opened (and brought up to date) on first use.
    pub fn search_index(&self) -> Result<Arc<SearchIndex>, ServiceError> {
        let mut slot = self.search.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(index) = slot.as_ref() {
            return Ok(index.clone());
        }
        // Checked when the configuration was read.
        let thesaurus = self
            .config
            .thesaurus()
            .unwrap_or_else(|_| wiel_store::search::Thesaurus::builtin());
        let index = Arc::new(SearchIndex::open_with(&self.store, thesaurus)?);
        *slot = Some(index.clone());
        Ok(index)
    }

    /// Keeps the search index up to date with every commit to the store until `stop` is
    /// set (the node runs this on a thread of its own).
    pub fn follow_with_index(&self, stop: &std::sync::atomic::AtomicBool) {
        use std::sync::atomic::Ordering;
        self.indexer_running.store(true, Ordering::Release);
        match self.search_index() {
            Ok(index) => index.follow(stop),
            Err(e) => {
                tracing::error!(error = %e, "search index unusable; `wiel search` will fail until `wiel reindex` succeeds")
            }
        }
        self.indexer_running.store(false, Ordering::Release);
    }

    /// Dutch full-text search, best first: latest versions only, never retracted entries,
    /// and entries of untrusted organisations only when `filter.untrusted` asks for them.
    pub fn search(&self, query: &str, filter: &ListFilter) -> Result<SearchResults, ServiceError> {
        check_limit(filter)?;
        let index = self.search_index()?;
        let follower = self
            .indexer_running
            .load(std::sync::atomic::Ordering::Acquire);
        // Take in what was stored since the last catch-up, so that what was just published
        // is found; but while a node takes in a big catch-up sync, leave it to its indexer.
        let waiting = self.store.unindexed(SEARCH_CATCH_UP_LIMIT + 1)?.len();
        if !follower || (1..=SEARCH_CATCH_UP_LIMIT).contains(&waiting) {
            index.catch_up()?;
        }
        let set = self.trust.current();
        // One more than asked for: to know whether there are more.
        let mut wider = filter.clone();
        wider.limit += 1;
        let outcome = index.search(&SearchQuery {
            text: query.to_owned(),
            filter: wider,
            authors: if filter.untrusted {
                None
            } else {
                set.shown_authors()
            },
            revoked: if filter.untrusted {
                Vec::new()
            } else {
                set.revoked()
                    .iter()
                    .map(|(k, since)| (*k, *since))
                    .collect()
            },
            histories: if filter.untrusted {
                Vec::new()
            } else {
                set.vouched()
                    .iter()
                    .map(|(k, ids)| (*k, ids.iter().copied().collect()))
                    .collect()
            },
        })?;
        let total = outcome.total;
        let mut results = Vec::with_capacity(outcome.hits.len());
        for hit in outcome.hits {
            // What a revoked key signed from its revocation on is never shown by default.
            if !filter.untrusted && !set.shows_entry(&hit.entry) {
                continue;
            }
            let mut v = self.view(&hit.entry)?;
            v.score = Some(hit.score);
            v.snippet = Some(hit.snippet);
            results.push(v);
        }
        let more = results.len() > filter.limit;
        // What the index counted may include a hit the store no longer backs, or one a
        // revoked key signed after its revocation: never fewer than shown.
        let total = total.max(results.len().min(filter.limit));
        results.truncate(filter.limit);
        // Nothing vanishes without a word: what matches but is not shown is counted (when
        // the results end before the limit, which is when a reader would miss it).
        let mut untrusted_hidden = 0;
        if !filter.untrusted && !more {
            let mut everyone = filter.clone();
            everyone.limit = HIDDEN_COUNTED;
            untrusted_hidden = index
                .search(&SearchQuery {
                    text: query.to_owned(),
                    filter: everyone,
                    authors: None,
                    revoked: Vec::new(),
                    histories: Vec::new(),
                })?
                .hits
                .iter()
                .filter(|hit| !set.shows_entry(&hit.entry))
                .count();
        }
        Ok(SearchResults {
            query: query.to_owned(),
            corrected: outcome.corrected,
            replaced: outcome
                .replaced
                .into_iter()
                .map(|(typed, searched)| crate::view::Replaced { typed, searched })
                .collect(),
            also: outcome.also,
            unknown: outcome.unknown,
            ignored: outcome.ignored,
            results,
            more,
            total,
            untrusted_hidden,
        })
    }

    /// How far the search index is. Does not wait for an index being built.
    pub fn search_status(&self) -> Result<SearchStatus, ServiceError> {
        let documents = match self.search.try_lock() {
            Ok(slot) => match slot.as_ref() {
                Some(index) => Some(index.len()),
                None => {
                    drop(slot);
                    Some(self.search_index()?.len())
                }
            },
            Err(_) => None,
        };
        Ok(SearchStatus {
            documents,
            waiting: self.store.unindexed_count(),
        })
    }

    pub fn reindex(&self) -> Result<ReindexReport, ServiceError> {
        let started = std::time::Instant::now();
        let index = self.search_index()?;
        let documents = index.rebuild()?;
        Ok(ReindexReport {
            documents,
            entries: self.store.count(),
            seconds: started.elapsed().as_secs_f64(),
            bytes: index.size_on_disk(),
        })
    }
}
