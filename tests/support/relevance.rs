//! The relevance set (`tests/data/relevance/`): a corpus of Dutch entries and queries with
//! the entries a professional expects in the top 5, and the two measures over it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use wiel_protocol::{Kind, Verified};

/// One relevance set: a corpus and its judged queries.
#[derive(Clone, Copy, Debug)]
pub struct Set {
    pub name: &'static str,
    corpus: &'static str,
    queries: &'static str,
}

/// The first set (`tests/data/relevance/`): plurals, compounds, typos, loan words.
pub const FIRST: Set = Set {
    name: "first",
    corpus: include_str!("../data/relevance/corpus.txt"),
    queries: include_str!("../data/relevance/queries.txt"),
};

/// The realistic set (`tests/data/relevance2/`): questions as an HR adviser or buyer types
/// them — natural sentences, her own municipality's word, compounds nobody listed,
/// abbreviations, hyphenated forms, text pasted with odd Unicode — over entries that share
/// topics but differ in aspect. Written fresh, judged by reading the entries.
pub const REALISTIC: Set = Set {
    name: "realistic",
    corpus: include_str!("../data/relevance2/corpus.txt"),
    queries: include_str!("../data/relevance2/queries.txt"),
};

/// One corpus entry as written.
#[derive(Clone, Debug)]
pub struct Doc {
    pub name: String,
    pub kind: Kind,
    pub theme: String,
    pub title: String,
    pub tags: Vec<String>,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct Query {
    pub text: String,
    /// Names of the entries expected in the top 5.
    pub expected: Vec<String>,
}

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/relevance")
}

pub fn corpus(set: Set) -> Vec<Doc> {
    let mut docs = Vec::new();
    for block in set.corpus.split("\n\n") {
        let lines: Vec<&str> = block
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect();
        let Some(head) = lines.first().and_then(|l| l.strip_prefix('@')) else {
            continue;
        };
        let mut head = head.split_whitespace();
        let (name, kind, theme) = (head.next(), head.next(), head.next());
        let (Some(name), Some(kind), Some(theme)) = (name, kind, theme) else {
            panic!("bad corpus header: {block}");
        };
        let tags = lines
            .get(2)
            .and_then(|l| l.strip_prefix("tags:"))
            .map(|t| t.split(',').map(|s| s.trim().to_owned()).collect())
            .unwrap_or_default();
        docs.push(Doc {
            name: name.to_owned(),
            kind: kind.parse().unwrap_or_else(|e| panic!("{name}: {e}")),
            theme: theme.to_owned(),
            title: lines.get(1).map(|s| s.to_string()).unwrap_or_default(),
            tags,
            text: lines.get(3..).map(|l| l.join("\n")).unwrap_or_default(),
        });
    }
    docs
}

pub fn queries(set: Set) -> Vec<Query> {
    set.queries
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let l = l.split('#').next().unwrap_or(l);
            let (text, expected) = l.split_once('|').expect("query | ids");
            Query {
                text: text.trim().to_owned(),
                expected: expected.split_whitespace().map(str::to_owned).collect(),
            }
        })
        .collect()
}

/// The corpus signed by a few fixed test organisations, each entry a day apart. A story's
/// text is split under its labels as publishing does (without labels, it is the
/// situation); an answer answers the question before it in the corpus.
pub fn signed_corpus(set: Set) -> Vec<(String, Verified)> {
    let keys: Vec<_> = (1..=7).map(wiel_protocol::testing::key).collect();
    let mut last_question = None;
    let mut out = Vec::new();
    for (i, d) in corpus(set).into_iter().enumerate() {
        let mut body = wiel_protocol::Body {
            title: d.title.clone(),
            text: d.text.clone(),
            tags: d.tags.clone(),
            themes: vec![d.theme.clone()],
            ..wiel_protocol::Body::default()
        };
        if d.kind == Kind::Story {
            body.fields = match wiel_node::text::story_parts(&body.text) {
                Some(parts) => {
                    body.text = parts.intro;
                    wiel_protocol::KindFields::Story {
                        situation: parts.situation,
                        approach: parts.approach,
                        result: parts.result,
                        lessons: parts.lessons,
                    }
                }
                None => wiel_protocol::KindFields::Story {
                    situation: std::mem::take(&mut body.text),
                    approach: String::new(),
                    result: String::new(),
                    lessons: String::new(),
                },
            };
        }
        let refs = match (d.kind, last_question) {
            (Kind::Answer, Some(target)) => vec![wiel_protocol::Ref {
                rel: wiel_protocol::Rel::Answers,
                target,
            }],
            (Kind::Answer, None) => panic!("answer {} comes before any question", d.name),
            _ => vec![],
        };
        let entry = wiel_protocol::testing::signed_body(
            &keys[i % keys.len()],
            d.kind,
            refs,
            1_750_000_000_000 + i as u64 * 86_400_000,
            body,
        );
        if d.kind == Kind::Question {
            last_question = Some(entry.id());
        }
        out.push((d.name, entry));
    }
    out
}

/// Recall@5 and MRR over the queries, and the queries that fell short.
#[derive(Clone, Debug, Default)]
pub struct Scores {
    pub recall_at_5: f64,
    pub mrr: f64,
    /// Query, found (top 5), expected.
    pub misses: Vec<(String, Vec<String>, Vec<String>)>,
}

/// Scores `search`, which returns entry names, best first.
pub fn score(queries: &[Query], mut search: impl FnMut(&str) -> Vec<String>) -> Scores {
    let mut recall = 0.0;
    let mut mrr = 0.0;
    let mut misses = Vec::new();
    for q in queries {
        let found = search(&q.text);
        let top: Vec<String> = found.iter().take(5).cloned().collect();
        let hits = q.expected.iter().filter(|e| top.contains(e)).count();
        recall += hits as f64 / q.expected.len().min(5) as f64;
        if let Some(rank) = found.iter().position(|f| q.expected.contains(f)) {
            mrr += 1.0 / (rank + 1) as f64;
        }
        if hits < q.expected.len().min(5) {
            misses.push((q.text.clone(), top, q.expected.clone()));
        }
    }
    let n = queries.len() as f64;
    Scores {
        recall_at_5: recall / n,
        mrr: mrr / n,
        misses,
    }
}

/// The relevance corpus in a store and its search index (in a temporary directory).
pub struct IndexedCorpus {
    pub index: wiel_store::search::SearchIndex,
    /// Entry names by id.
    pub names: BTreeMap<wiel_protocol::EntryId, String>,
    _store: wiel_store::Store,
    _dir: tempfile::TempDir,
}

pub fn indexed_corpus(set: Set) -> IndexedCorpus {
    let signed = signed_corpus(set);
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = wiel_store::Store::open(dir.path()).expect("store");
    store
        .ingest_batch(signed.iter().map(|(_, e)| e.clone()).collect())
        .expect("ingest");
    let index = wiel_store::search::SearchIndex::open(&store).expect("search index");
    IndexedCorpus {
        index,
        names: names(&signed),
        _store: store,
        _dir: dir,
    }
}

impl IndexedCorpus {
    /// Names of the best `limit` hits for `text`.
    pub fn search(&self, text: &str, limit: usize) -> Vec<String> {
        let mut query = wiel_store::search::SearchQuery {
            text: text.to_owned(),
            ..Default::default()
        };
        query.filter.limit = limit;
        self.index
            .search(&query)
            .expect("search")
            .hits
            .iter()
            .map(|h| self.names[&h.entry.id()].clone())
            .collect()
    }
}

/// Names by entry id, to map search results back.
pub fn names(signed: &[(String, Verified)]) -> BTreeMap<wiel_protocol::EntryId, String> {
    signed.iter().map(|(n, e)| (e.id(), n.clone())).collect()
}

/// `n` entries made of the corpus's own sentences, titles and tags, recombined (a
/// deterministic generator): a realistic vocabulary and length for benchmarks. Practices,
/// stories and questions by the 10 test organisations on the `wiel-test` network, one
/// second apart.
pub fn synthetic(n: usize) -> Vec<(Doc, Verified)> {
    let docs = corpus(FIRST);
    let sentences: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.text.split_inclusive(". "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let keys: Vec<_> = (1..=10u8).map(wiel_protocol::testing::key).collect();
    let mut random = crate::Xorshift::new(0x9E37_79B9_7F4A_7C15);
    let mut next = |m: usize| random.below(m);
    (0..n)
        .map(|i| {
            let base = &docs[next(docs.len())];
            let other = &docs[next(docs.len())];
            let count = 3 + next(5);
            let text: Vec<&str> = (0..count)
                .map(|_| sentences[next(sentences.len())])
                .collect();
            let kind = [Kind::Practice, Kind::Practice, Kind::Question][next(3)];
            let doc = Doc {
                name: format!("s{i}"),
                kind,
                theme: base.theme.clone(),
                title: format!("{} ({})", base.title, other.tags.first().map_or("", |t| t)),
                tags: base
                    .tags
                    .iter()
                    .chain(other.tags.iter().take(1))
                    .cloned()
                    .collect(),
                text: text.join(" "),
            };
            let body = wiel_protocol::Body {
                title: doc.title.clone(),
                text: doc.text.clone(),
                tags: doc.tags.clone(),
                themes: vec![doc.theme.clone()],
                ..wiel_protocol::Body::default()
            };
            let entry = wiel_protocol::testing::signed_body(
                &keys[i % keys.len()],
                kind,
                vec![],
                1_700_000_000_000 + 1000 + i as u64 * 1000,
                body,
            );
            (doc, entry)
        })
        .collect()
}

/// Words of the corpus titles (5 letters or more), for benchmark queries.
pub fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = corpus(FIRST)
        .iter()
        .flat_map(|d| {
            d.title
                .split(|c: char| !c.is_alphanumeric())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .filter(|w| w.chars().count() >= 5)
        .collect();
    words.sort();
    words.dedup();
    words
}
