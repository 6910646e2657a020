//! The full-text index (tantivy), derived from the store: it owns the folder `search/` in
//! the store's directory and never holds anything the store could not give it again.
//!
//! - What to index: the `unindexed` tree, written in the same transaction as each entry, is
//!   the index's work queue. [`SearchIndex::catch_up`] takes the queue in, commits the
//!   index, then empties the queue: a crash between store and index leaves rows that the
//!   next catch-up (at the latest when the index is opened) takes in again.
//! - Which documents: practices, stories, questions and answers with a body, latest versions
//!   only; a retraction or a new version removes its target's document.
//! - Every hit is checked against the store before it is returned, so a search never shows
//!   what the store does not have (or no longer has).
//! - [`SearchIndex::rebuild`] (`wiel reindex`) drops the index and builds it anew.

pub mod analysis;
mod compounds;
mod coordination;
mod query;
mod suggest;
mod synonyms;
mod words;

pub use synonyms::{Expansion, Thesaurus, ThesaurusError};

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use wiel_protocol::{Body, EntryId, Kind, OrgKey, Rel, Timestamp, Verified};

use crate::{ListFilter, Store, StoreError};

/// Written as the payload of every index commit. An index with another payload was built
/// by other analyzers or another schema, and is rebuilt.
const FORMAT: &str = "wiel-search-7";

/// Memory for the index writer (tantivy's minimum is 15 MB per thread).
const WRITER_BYTES: usize = 64 * 1024 * 1024;
/// One indexing thread: with two, a catch-up sync on a 2-core machine took 15.9 s instead
/// of 13.7 s (the index threads took the cores from verifying and storing).
const WRITER_THREADS: usize = 1;
/// How many queued entries one catch-up step takes in before it commits.
const CATCH_UP_STEP: usize = 20_000;
/// At most one index commit per this while entries keep coming: an entry is searchable at
/// most this long after it was stored.
const FOLLOW_BATCH: std::time::Duration = std::time::Duration::from_millis(500);
/// No commit for this long: a stream of commits has ended.
const FOLLOW_QUIET: std::time::Duration = std::time::Duration::from_millis(300);
/// How often [`SearchIndex::follow`] looks at its stop flag when nothing is stored.
const FOLLOW_WAKE: std::time::Duration = std::time::Duration::from_millis(200);
/// How long after a failed round the index tries again, with no new commit.
const FOLLOW_RETRY: std::time::Duration = std::time::Duration::from_secs(5);
/// Weight of a compound's parts relative to the whole word.
const PART_WEIGHT: f32 = 0.25;
/// Weight of a word that means the same (see `synonyms`) relative to the word typed.
const SYNONYM_WEIGHT: f32 = 0.5;
/// What the alternatives of a word (it and its synonyms) add beside the best of them. Both
/// relevance sets gave the same figures for 0, 0.2 and 0.5.
const ALTERNATIVES_TIE: f32 = 0.2;
/// A word with no match gets a suggestion at most this many edits away.
const MAX_EDITS: u8 = 2;

/// Weights of the fields in the score: a word in the title counts more, but not so much
/// that a common word in a title beats a rare, telling one in the text (3 did; both
/// relevance sets agree on 2).
const TITLE_BOOST: f32 = 2.0;
const TAGS_BOOST: f32 = 2.0;
const TEXT_BOOST: f32 = 1.0;
/// Extra weight when the word stands in the entry exactly as typed (not only its stem).
const EXACT_BOOST: f32 = 0.5;
/// Extra weight of an entry that has every distinct word of the query (in some form): it
/// ranks above one that repeats a single word often.
const ALL_WORDS_BOOST: f32 = 2.0;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    Index { path: PathBuf, reason: String },
    Store(#[from] StoreError),
}

/// What to search for.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// The words as the user typed them.
    pub text: String,
    /// kind, space, author, since, until, tag, theme and limit apply; the rest is ignored
    /// (only latest versions of content that was not retracted are ever indexed).
    pub filter: ListFilter,
    /// When set, only entries by these authors (the node's trust policy).
    pub authors: Option<Vec<OrgKey>>,
    /// Keys revoked from a moment on: what they signed from then on is never shown, and
    /// its words are no suggestion either.
    pub revoked: Vec<(OrgKey, Timestamp)>,
    /// Revoked keys whose history a later key of their organisation named: of these, the
    /// entries named are shown, whatever their dates, and nothing else.
    pub histories: Vec<(OrgKey, Vec<EntryId>)>,
}

/// One hit, best first.
#[derive(Clone, Debug)]
pub struct Hit {
    pub entry: Verified,
    pub score: f32,
    pub snippet: Snippet,
}

/// A piece of the entry's text around the matched words.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Snippet {
    pub text: String,
    /// Where the matched words are in `text`: [start, end) counted in characters (Unicode
    /// scalar values, not bytes), in order, not overlapping.
    pub marks: Vec<(usize, usize)>,
}

/// The hits, and what the search did with words it could not find.
#[derive(Clone, Debug, Default)]
pub struct SearchOutcome {
    pub hits: Vec<Hit>,
    /// How many entries match in all (the hits are the best of them).
    pub total: usize,
    /// The words actually searched when some typed word matched nothing and a close word
    /// from the index replaced it ("bedoelde u …").
    pub corrected: Option<String>,
    /// Each typed word that matched nothing, with the close word searched instead.
    pub replaced: Vec<(String, String)>,
    /// Words that mean the same as a typed word, searched too and held by some entry
    /// ("ook gezocht op: uitval").
    pub also: Vec<String>,
    /// Typed words that match nothing and have no close word either.
    pub unknown: Vec<String>,
    /// Typed words left out: too common to tell entries apart (de, het, een, …), or a
    /// single character.
    pub ignored: Vec<String>,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    text: Field,
    tags: Field,
    exact: Field,
    kind: Field,
    space: Field,
    author: Field,
    tag: Field,
    theme: Field,
    created: Field,
}

/// The entry's id: a term (to delete or find the entry) and a column (to read a hit's id).
const ID_FIELD: &str = "id";

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::STEMMED)
            // No phrase queries, and snippets tokenize the text again: no positions.
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::EXACT)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_text_field(ID_FIELD, STRING | FAST),
        title: b.add_text_field("title", stemmed.clone()),
        text: b.add_text_field("text", stemmed.clone()),
        tags: b.add_text_field("tags", stemmed),
        exact: b.add_text_field("exact", exact),
        kind: b.add_text_field("kind", STRING),
        space: b.add_text_field("space", STRING),
        author: b.add_text_field("author", STRING),
        tag: b.add_text_field("tag", STRING),
        theme: b.add_text_field("theme", STRING),
        created: b.add_i64_field("created", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// Builds what every search process needs once (the lexicon's set of words, the built-in
/// thesaurus), so that a thread can do it while the process opens its store.
pub fn warm_up() {
    let _ = compounds::parts();
    let _ = Thesaurus::builtin();
}

/// Kinds that are searched: what people write to share.
pub fn is_searchable(kind: Kind) -> bool {
    kind.rules().content
}

/// The full-text index of one store.
pub struct SearchIndex {
    store: Store,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Made on first write: a read-only search does not start writer threads.
    writer: Mutex<Option<IndexWriter>>,
    path: PathBuf,
    /// Words that mean the same, applied to queries.
    thesaurus: std::sync::Arc<Thesaurus>,
}

impl SearchIndex {
    /// Opens the index in the store's directory (building it if it is missing or was built
    /// differently) and takes in whatever the store holds that it lacks. Queries use the
    /// built-in synonyms.
    pub fn open(store: &Store) -> Result<Self, SearchError> {
        Self::open_with(store, Thesaurus::builtin())
    }

    /// [`SearchIndex::open`], with the synonyms of `thesaurus`.
    pub fn open_with(
        store: &Store,
        thesaurus: std::sync::Arc<Thesaurus>,
    ) -> Result<Self, SearchError> {
        let path = store.dir().join("search");
        let err = |reason: String| SearchError::Index {
            path: path.clone(),
            reason,
        };
        let (schema, fields) = schema();
        let existing = Index::open_in_dir(&path).ok().filter(|index| {
            index.schema() == schema
                && index
                    .load_metas()
                    .is_ok_and(|m| m.payload.as_deref() == Some(FORMAT))
        });
        let fresh = existing.is_none();
        let index = match existing {
            Some(index) => index,
            None => {
                if path.exists() {
                    std::fs::remove_dir_all(&path).map_err(|e| err(e.to_string()))?;
                }
                std::fs::create_dir_all(&path).map_err(|e| err(e.to_string()))?;
                Index::create_in_dir(&path, schema).map_err(|e| err(e.to_string()))?
            }
        };
        index
            .tokenizers()
            .register(analysis::STEMMED, analysis::stemmed_analyzer());
        index
            .tokenizers()
            .register(analysis::EXACT, analysis::exact_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| err(e.to_string()))?;
        let me = Self {
            store: store.clone(),
            index,
            reader,
            fields,
            writer: Mutex::new(None),
            path,
            thesaurus,
        };
        if fresh {
            me.rebuild()?;
        } else {
            me.catch_up()?;
        }
        Ok(me)
    }

    fn error(&self, e: impl ToString) -> SearchError {
        SearchError::Index {
            path: self.path.clone(),
            reason: e.to_string(),
        }
    }

    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let writer = self
                .index
                .writer_with_num_threads(WRITER_THREADS, WRITER_BYTES)
                .map_err(|e| self.error(e))?;
            *guard = Some(writer);
        }
        let result = match guard.as_mut() {
            Some(writer) => f(writer),
            None => Err(self.error("no index writer")),
        };
        if result.is_err() {
            // A writer that failed (out of file handles, a full disk) may be dead inside:
            // the next round starts a new one, from the last commit.
            *guard = None;
        }
        result
    }

    fn commit(&self, writer: &mut IndexWriter) -> Result<(), SearchError> {
        let mut prepared = writer.prepare_commit().map_err(|e| self.error(e))?;
        prepared.set_payload(FORMAT);
        prepared.commit().map_err(|e| self.error(e))?;
        self.reader.reload().map_err(|e| self.error(e))
    }

    /// Takes in every entry the store queued for the index; returns how many.
    pub fn catch_up(&self) -> Result<usize, SearchError> {
        let mut total = 0;
        loop {
            let ids = self.store.unindexed(CATCH_UP_STEP)?;
            if ids.is_empty() {
                return Ok(total);
            }
            self.with_writer(|writer| {
                let mut erased = false;
                for id in &ids {
                    erased |= self.apply(writer, id)?;
                }
                self.commit(writer)?;
                if erased {
                    self.purge_deleted(writer)?;
                }
                Ok(())
            })?;
            self.store.mark_indexed(&ids)?;
            total += ids.len();
        }
    }

    /// Takes in every commit to the store as it happens, until `stop` is set. Commits that
    /// come in while a catch-up runs are taken in together by the next one.
    pub fn follow(&self, stop: &std::sync::atomic::AtomicBool) {
        // Whether the last round failed: then it is tried again at the next wake, commit
        // or not (what it could not take in is still queued in the store).
        let log = |result: Result<usize, SearchError>| match result {
            Ok(_) => false,
            Err(e) => {
                tracing::error!(error = %e, "search index could not take in new entries; trying again");
                true
            }
        };
        // Read before catching up: a commit during the catch-up moves it, and is taken in
        // by the next round.
        let mut seen = self.store.generation();
        let mut failed = log(self.catch_up());
        let mut last = std::time::Instant::now();
        while !stop.load(std::sync::atomic::Ordering::Acquire) {
            let now = self.store.wait_for_commit(seen, FOLLOW_WAKE);
            // After a failure, again every few seconds (not at every wake: a full disk
            // would fill the log).
            let retry = failed && last.elapsed() >= FOLLOW_RETRY;
            if now == seen && !retry {
                continue;
            }
            // Under a stream of commits (a catch-up sync), take them in together: every
            // index commit writes a segment that later has to be merged. (Longer pauses
            // measured slower: a big commit stalls the sync on a small machine.)
            self.wait_while_busy(last + FOLLOW_BATCH, stop);
            seen = self.store.generation();
            last = std::time::Instant::now();
            failed = log(self.catch_up());
        }
    }

    /// Waits until `deadline` while commits keep coming; returns early when the store has
    /// been quiet for `FOLLOW_QUIET` (the stream ended: take it in now) or `stop` is set.
    fn wait_while_busy(&self, deadline: std::time::Instant, stop: &std::sync::atomic::AtomicBool) {
        let mut generation = self.store.generation();
        loop {
            let now = std::time::Instant::now();
            if now >= deadline || stop.load(std::sync::atomic::Ordering::Acquire) {
                return;
            }
            let next = self
                .store
                .wait_for_commit(generation, FOLLOW_QUIET.min(deadline - now));
            if next == generation {
                return;
            }
            generation = next;
        }
    }

    /// Rewrites every segment that holds deleted documents: a deleted document's words
    /// stay in its segment's files (and in the word list suggestions come from) until
    /// then. Done after a retraction, so that the erased text is gone from the disk.
    fn purge_deleted(&self, writer: &mut IndexWriter) -> Result<(), SearchError> {
        let searcher = self.reader.searcher();
        let segments: Vec<_> = searcher
            .segment_readers()
            .iter()
            .filter(|s| s.num_deleted_docs() > 0)
            .map(|s| s.segment_id())
            .collect();
        if segments.is_empty() {
            return Ok(());
        }
        writer.merge(&segments).wait().map_err(|e| self.error(e))?;
        writer
            .garbage_collect_files()
            .wait()
            .map_err(|e| self.error(e))?;
        self.reader.reload().map_err(|e| self.error(e))
    }

    /// Brings the document of `id` (and of what it retracts or replaces) in line with the
    /// store. Returns whether an erased body's document was deleted (a retraction).
    fn apply(&self, writer: &mut IndexWriter, id: &EntryId) -> Result<bool, SearchError> {
        let Some(entry) = crate::query::skip_damaged(self.store.get(id))? else {
            return Ok(false);
        };
        let erased =
            entry.header().kind == wiel_protocol::Kind::Retraction || entry.body().is_none();
        self.refresh(writer, &entry)?;
        // What the entry may change: the entries it retracts or replaces (only if its
        // relation holds, which the store decides: a stranger's "retraction" erases
        // nothing), and the entries that refer to it, whose relation may hold now that it
        // is here (an answer that came before its question). The same outcome in every
        // arrival order.
        let mut touched: Vec<EntryId> = entry
            .header()
            .refs
            .iter()
            .filter(|r| matches!(r.rel, Rel::Retracts | Rel::Supersedes))
            .map(|r| r.target)
            .collect();
        for rel in [Rel::Answers, Rel::Supersedes] {
            touched.extend(self.store.referrers(id, rel)?);
        }
        for other in touched {
            match crate::query::skip_damaged(self.store.get(&other))? {
                Some(other) => self.refresh(writer, &other)?,
                None => {
                    writer.delete_term(self.id_term(&other));
                }
            }
        }
        Ok(erased)
    }

    /// The entry's document, as the store has it now: there if it is current, else gone.
    fn refresh(&self, writer: &mut IndexWriter, entry: &Verified) -> Result<(), SearchError> {
        writer.delete_term(self.id_term(&entry.id()));
        if self.is_current(entry)? {
            writer
                .add_document(self.document(entry))
                .map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    /// Searchable: content with its text, its latest version, and its relations holding
    /// (not an answer to something that is not a question, not another organisation's
    /// "version").
    fn is_current(&self, entry: &Verified) -> Result<bool, SearchError> {
        Ok(is_searchable(entry.header().kind)
            && entry.body().is_some()
            && self.store.superseded_by(&entry.id())?.is_none()
            && !self.store.is_inert(entry)?)
    }

    fn id_term(&self, id: &EntryId) -> Term {
        Term::from_field_text(self.fields.id, &id.to_hex())
    }

    fn document(&self, entry: &Verified) -> TantivyDocument {
        let f = &self.fields;
        let h = entry.header();
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, entry.id().to_hex());
        doc.add_text(f.kind, h.kind.as_str());
        doc.add_text(f.space, h.space.as_str());
        doc.add_text(f.author, h.author.to_hex());
        doc.add_i64(f.created, millis(h.created_at));
        if let Some(body) = entry.body() {
            let title = analysis::normalise(&body.title);
            doc.add_text(f.title, &title);
            doc.add_text(f.exact, &title);
            for part in searchable_text(body) {
                let part = analysis::normalise(part);
                doc.add_text(f.text, &part);
                doc.add_text(f.exact, &part);
            }
            for label in body.tags.iter().chain(&body.themes) {
                let label = analysis::normalise(label);
                doc.add_text(f.tags, &label);
                doc.add_text(f.exact, &label);
            }
            for tag in &body.tags {
                doc.add_text(f.tag, tag.to_lowercase());
            }
            for theme in &body.themes {
                doc.add_text(f.theme, theme.to_lowercase());
            }
        }
        doc
    }

    /// Drops the index and builds it anew from the store; returns the number of documents.
    pub fn rebuild(&self) -> Result<usize, SearchError> {
        // Entries stored while this runs stay queued and are taken in by the next catch-up.
        let queued = self.store.unindexed(usize::MAX)?;
        let count = self.with_writer(|writer| {
            writer.delete_all_documents().map_err(|e| self.error(e))?;
            let mut count = 0;
            for entry in self.store.iter_all() {
                let entry = entry?;
                if self.is_current(&entry)? {
                    writer
                        .add_document(self.document(&entry))
                        .map_err(|e| self.error(e))?;
                    count += 1;
                }
            }
            self.commit(writer)?;
            Ok(count)
        })?;
        self.store.mark_indexed(&queued)?;
        Ok(count)
    }

    /// Number of documents in the index (as of the last commit).
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the index takes on disk.
    pub fn size_on_disk(&self) -> u64 {
        dir_size(&self.path)
    }
}

/// The text of an entry that is searched besides title and tags: the text and the story
/// fields.
fn searchable_text(body: &Body) -> Vec<&str> {
    let mut parts = vec![body.text.as_str()];
    parts.extend(body.fields.story_parts().into_iter().map(|(_, t)| t));
    parts
}

fn millis(t: Timestamp) -> i64 {
    i64::try_from(t.as_millis()).unwrap_or(i64::MAX)
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}
