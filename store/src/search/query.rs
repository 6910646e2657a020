//! Answering a query: BM25 over the fields with their weights, compound parts and exact
//! words, filters, and snippets with the matched words marked ("bedoelde u" for a word
//! that matches nothing is in `suggest`, the grading by words held in `coordination`).

use std::collections::HashMap;

use super::coordination::Coordination;
use super::*;

/// The index as one query may see it: when the node names the authors it shows, whether
/// a word is held, how telling it is, and what "bedoelde u" offers are read from their
/// entries only (a word held only by an entry kept apart must not surface).
pub(super) struct Visible<'a> {
    pub(super) searcher: &'a tantivy::Searcher,
    /// The entries the reader may see: by the authors shown, less what revoked keys signed
    /// from their revocation on (or outside their named history). `None`: every entry.
    pub(super) authors: Option<Box<dyn Query>>,
}

impl SearchIndex {
    /// The entries a reader with `query`'s trust may see (`None`: all): by its authors,
    /// less what a revoked key signed from its revocation on.
    fn visible_query(&self, query: &SearchQuery) -> Option<Box<dyn Query>> {
        let f = self.fields;
        let authors = query.authors.as_ref()?;
        let revoked_since = |key: &OrgKey| {
            query
                .revoked
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, since)| *since)
                .min()
        };
        // Authors in full, and revoked ones up to their revocation: a union, with no
        // exclusion (tantivy 0.27 overflows seeking a range backwards under a MustNot).
        let mut whole = Vec::new();
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let history = |key: &OrgKey| {
            query
                .histories
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, ids)| ids)
        };
        for author in authors {
            if let Some(ids) = history(author) {
                any.push((
                    Occur::Should,
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, term_query(f.author, &author.to_hex())),
                        (
                            Occur::Must,
                            Box::new(TermSetQuery::new(
                                ids.iter()
                                    .map(|id| Term::from_field_text(f.id, &id.to_hex())),
                            )),
                        ),
                    ])),
                ));
                continue;
            }
            match revoked_since(author) {
                None => whole.push(Term::from_field_text(f.author, &author.to_hex())),
                Some(since) => {
                    let until = i64::try_from(since.as_millis()).unwrap_or(i64::MAX);
                    any.push((
                        Occur::Should,
                        Box::new(BooleanQuery::new(vec![
                            (Occur::Must, term_query(f.author, &author.to_hex())),
                            (
                                Occur::Must,
                                Box::new(RangeQuery::new(
                                    std::ops::Bound::Unbounded,
                                    std::ops::Bound::Excluded(Term::from_field_i64(
                                        f.created, until,
                                    )),
                                )),
                            ),
                        ])),
                    ));
                }
            }
        }
        if any.is_empty() {
            return Some(Box::new(TermSetQuery::new(whole)));
        }
        any.push((Occur::Should, Box::new(TermSetQuery::new(whole))));
        Some(Box::new(BooleanQuery::new(any)))
    }
}

impl SearchIndex {
    /// Searches; see [`SearchQuery`].
    pub fn search(&self, query: &SearchQuery) -> Result<SearchOutcome, SearchError> {
        let searcher = self.reader.searcher();
        let f = self.fields;
        let visible = Visible {
            searcher: &searcher,
            authors: self.visible_query(query),
        };
        let mut stemmed = analysis::stemmed_analyzer();
        let typed = analysis::query_words(&query.text);
        // A joined word (`re-integratie`) also searches its parts, as a compound does.
        let joined_from: HashMap<&str, &[String]> = typed
            .iter()
            .map(|w| (w.word.as_str(), w.joined_from.as_slice()))
            .collect();
        let mut outcome = SearchOutcome::default();
        let mut searched: Vec<String> = Vec::new();
        let mut corrected = false;
        for analysis::QueryWord { word, joined_from } in &typed {
            let stems = stems_with_parts(&mut stemmed, word, joined_from);
            if stems.is_empty() || word.chars().count() < 2 {
                if !outcome.ignored.contains(word) {
                    outcome.ignored.push(word.clone());
                }
                continue;
            }
            if searched.contains(word) {
                continue;
            }
            let same: Vec<&String> = stems
                .first()
                .map(|s| self.thesaurus.of(s))
                .unwrap_or_default()
                .iter()
                .map(|s| &s.stem)
                .collect();
            // Held as typed, by a stem, part or word that means the same, or (an
            // abbreviation) by every word it stands for.
            let found = self.doc_freq(&visible, f.exact, word)? > 0
                || stems.iter().chain(same).try_fold(false, |any, s| {
                    Ok::<_, SearchError>(
                        any || self.held(&visible, s)? || self.doc_freq(&visible, f.tags, s)? > 0,
                    )
                })?
                || match stems.first() {
                    Some(stem) => self.expansion_held(&visible, stem)?.is_some(),
                    None => false,
                };
            if found {
                searched.push(word.clone());
            } else if !analysis::is_known_word(word)
                && let Some(close) = self.closest_word(&visible, word)?
            {
                outcome.replaced.push((word.clone(), close.clone()));
                searched.push(close);
                corrected = true;
            } else {
                outcome.unknown.push(word.clone());
            }
        }
        if corrected {
            outcome.corrected = Some(searched.join(" "));
        }
        // Words of an abbreviation's expansion typed in a row also find the abbreviation.
        let first_stems: Vec<String> = searched
            .iter()
            .map(|w| {
                analysis::terms(&mut stemmed, w)
                    .into_iter()
                    .next()
                    .unwrap_or_default()
            })
            .collect();
        let mut abbreviated: Vec<Vec<&synonyms::Synonym>> = vec![Vec::new(); searched.len()];
        for (start, n, abbreviation) in self.thesaurus.abbreviations_in(&first_stems) {
            for slot in &mut abbreviated[start..start + n] {
                slot.push(abbreviation);
            }
        }
        let mut words: Vec<Box<dyn Query>> = Vec::new();
        for (i, word) in searched.iter().enumerate() {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut seen = HashSet::new();
            let own = stems_with_parts(
                &mut stemmed,
                word,
                joined_from.get(word.as_str()).copied().unwrap_or_default(),
            );
            // The word's own stem first, then the parts of a compound, then the words that
            // mean the same: they count less. A part counts by how telling it is: the rarest
            // part of the word gets PART_WEIGHT, a part in many entries (`beleid` of
            // `thuiswerkbeleid`) less, in proportion to its IDF.
            let idfs = own
                .iter()
                .skip(1)
                .map(|stem| self.idf(&visible, stem))
                .collect::<Result<Vec<f32>, _>>()?;
            let most_telling = idfs.iter().copied().fold(0.0_f32, f32::max);
            let weighted = own.iter().enumerate().map(|(n, stem)| {
                let weight = match n {
                    0 => 1.0,
                    _ if most_telling > 0.0 => PART_WEIGHT * idfs[n - 1] / most_telling,
                    _ => PART_WEIGHT,
                };
                (stem.clone(), weight)
            });
            let mut same = Vec::new();
            for synonym in own
                .first()
                .map(|s| self.thesaurus.of(s))
                .unwrap_or_default()
                .iter()
                .chain(abbreviated[i].iter().copied())
            {
                // Named in "ook gezocht op" only where an entry holds it.
                if self.held(&visible, &synonym.stem)? && !outcome.also.contains(&synonym.word) {
                    outcome.also.push(synonym.word.clone());
                }
                same.push((synonym.stem.clone(), SYNONYM_WEIGHT));
            }
            let direct = same.len();
            // The parts of a compound have their words that mean the same too
            // (`ziekteverzuimbeleid`: verzuim, uitval), weighing as a part does.
            let weighted: Vec<(String, f32)> = weighted.collect();
            // A part no entry holds (its weight by IDF is nil) lends its synonyms the
            // weight of a part.
            for (stem, weight) in weighted.iter().skip(1) {
                let weight = if *weight > 0.0 { *weight } else { PART_WEIGHT };
                for synonym in self.thesaurus.of(stem) {
                    same.push((synonym.stem.clone(), weight));
                }
            }
            // The word and the words that mean the same are alternatives: an entry counts
            // by the best of them (and a little of the rest), not by their sum, so that one
            // using the typed word once is not outweighed by one repeating a synonym. The
            // parts of a compound add up, as before.
            let own_len = weighted.len();
            let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
            for (n, (stem, weight)) in weighted.into_iter().chain(same).enumerate() {
                if !seen.insert(stem.clone()) {
                    continue;
                }
                let fields: Vec<(Occur, Box<dyn Query>)> = [
                    (f.title, TITLE_BOOST),
                    (f.text, TEXT_BOOST),
                    (f.tags, TAGS_BOOST),
                ]
                .into_iter()
                .map(|(field, boost)| {
                    (
                        Occur::Should,
                        boosted(term_query(field, &stem), boost * weight),
                    )
                })
                .collect();
                let in_fields: Box<dyn Query> = Box::new(BooleanQuery::new(fields));
                if n == 0 || (own_len..own_len + direct).contains(&n) {
                    alternatives.push(in_fields);
                } else {
                    clauses.push((Occur::Should, in_fields));
                }
            }
            if !alternatives.is_empty() {
                clauses.push((
                    Occur::Should,
                    Box::new(tantivy::query::DisjunctionMaxQuery::with_tie_breaker(
                        alternatives,
                        ALTERNATIVES_TIE,
                    )),
                ));
            }
            clauses.push((
                Occur::Should,
                boosted(term_query(f.exact, word), EXACT_BOOST),
            ));
            // An abbreviation also finds entries with every word it stands for.
            if let Some(stem) = own.first()
                && let Some(expansion) = self.expansion_held(&visible, stem)?
            {
                if !outcome.also.contains(&expansion.words) {
                    outcome.also.push(expansion.words.clone());
                }
                clauses.push((Occur::Should, self.all_of(&expansion.stems)));
            }
            // A compound no entry holds whole also finds entries that hold all its parts
            // apart ("gesprek over verzuim" for `verzuimgesprek`), as a word that means the
            // same does.
            let held_whole = match own.first() {
                Some(stem) => self.doc_freq(&visible, f.text, stem)? > 0,
                None => true,
            };
            let apart: Vec<String> = (!held_whole)
                .then(|| analysis::top_parts(word))
                .flatten()
                .unwrap_or_default()
                .iter()
                .filter_map(|part| analysis::terms(&mut stemmed, part).into_iter().next())
                .collect();
            if apart.len() >= 2 {
                clauses.push((Occur::Should, self.all_of(&apart)));
            }
            words.push(Box::new(BooleanQuery::new(clauses)));
        }
        if words.is_empty() {
            return Ok(outcome);
        }
        let coordination = Coordination::new(&searcher, &words).map_err(|e| self.error(e))?;
        let mut any_word: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|q| (Occur::Should, q.box_clone()))
            .collect();
        if words.len() > 1 {
            let every_word =
                BooleanQuery::new(words.into_iter().map(|q| (Occur::Must, q)).collect());
            any_word.push((
                Occur::Should,
                boosted(Box::new(every_word), ALL_WORDS_BOOST),
            ));
        }
        let text_query: Box<dyn Query> = Box::new(BooleanQuery::new(any_word));
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        let filter = &query.filter;
        let mut exact_filter = |field: Field, value: Option<String>| {
            if let Some(v) = value {
                must.push((Occur::Must, Box::new(term_filter(field, &v))));
            }
        };
        exact_filter(f.kind, filter.kind.map(|k| k.as_str().to_string()));
        exact_filter(
            f.space,
            filter.space.as_ref().map(|s| s.as_str().to_string()),
        );
        exact_filter(f.author, filter.author.as_ref().map(|a| a.to_hex()));
        exact_filter(f.tag, filter.tag.as_ref().map(|t| t.to_lowercase()));
        exact_filter(f.theme, filter.theme.as_ref().map(|t| t.to_lowercase()));
        if filter.since.is_some() || filter.until.is_some() {
            let lower = filter.since.map_or(i64::MIN, millis);
            let upper = filter
                .until
                .map_or(i64::MAX, |t| millis(t).saturating_sub(1));
            must.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    std::ops::Bound::Included(Term::from_field_i64(f.created, lower)),
                    std::ops::Bound::Included(Term::from_field_i64(f.created, upper)),
                )),
            ));
        }
        if let Some(authors) = &visible.authors {
            must.push((Occur::Must, authors.box_clone()));
        }
        let full = BooleanQuery::new(must);
        // A few more than asked: a hit the store no longer backs is dropped below.
        let wanted = filter.limit.max(1);
        let (top, total) = searcher
            .search(
                &full,
                &(
                    TopDocs::with_limit(wanted + wanted / 2 + 8).tweak_score(
                        move |segment: &tantivy::SegmentReader| coordination.for_segment(segment),
                    ),
                    tantivy::collector::Count,
                ),
            )
            .map_err(|e| self.error(e))?;
        outcome.total = total;
        let snippets =
            SnippetGenerator::create(&searcher, &*text_query, f.text).map_err(|e| self.error(e))?;
        // Each hit's id is read from its column, not from the stored document (a block to
        // decompress per hit).
        let mut ids: HashMap<u32, tantivy::columnar::StrColumn> = HashMap::new();
        let mut id_text = String::new();
        for (score, address) in top {
            if outcome.hits.len() >= wanted {
                break;
            }
            let column = match ids.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let segment = searcher.segment_reader(address.segment_ord);
                    let Some(column) = segment
                        .fast_fields()
                        .str(ID_FIELD)
                        .map_err(|e| self.error(e))?
                    else {
                        continue;
                    };
                    v.insert(column)
                }
            };
            id_text.clear();
            let Some(ord) = column.term_ords(address.doc_id).next() else {
                continue;
            };
            if !column
                .ord_to_str(ord, &mut id_text)
                .map_err(|e| self.error(e))?
            {
                continue;
            }
            let Ok(id) = id_text.parse::<EntryId>() else {
                continue;
            };
            let Some(entry) = crate::query::skip_damaged(self.store.get(&id))? else {
                continue;
            };
            if !self.is_current(&entry)? {
                continue;
            }
            let snippet = entry
                .body()
                .map(|b| snippet_of(&snippets, b))
                .unwrap_or_default();
            outcome.hits.push(Hit {
                entry,
                score,
                snippet,
            });
        }
        Ok(outcome)
    }

    /// How telling a stem is: BM25's inverse document frequency over the text field (0 for
    /// a stem no entry holds).
    fn idf(&self, visible: &Visible, stem: &str) -> Result<f32, SearchError> {
        let df = self.doc_freq(visible, self.fields.text, stem)?;
        if df == 0 {
            return Ok(0.0);
        }
        let n = visible.searcher.num_docs() as f32;
        let df = df as f32;
        Ok((1.0 + (n - df + 0.5) / (df + 0.5)).ln())
    }

    /// What the abbreviation stemmed `stem` stands for, where every word of it is held by
    /// some entry.
    fn expansion_held(
        &self,
        visible: &Visible,
        stem: &str,
    ) -> Result<Option<&synonyms::Expansion>, SearchError> {
        for expansion in self.thesaurus.expansions(stem) {
            let mut held = true;
            for s in &expansion.stems {
                held &= self.held(visible, s)?;
            }
            if held {
                return Ok(Some(expansion));
            }
        }
        Ok(None)
    }

    /// Whether some entry holds `stem` in its title or text.
    fn held(&self, visible: &Visible, stem: &str) -> Result<bool, SearchError> {
        Ok(self.doc_freq(visible, self.fields.text, stem)? > 0
            || self.doc_freq(visible, self.fields.title, stem)? > 0)
    }

    /// Every one of `stems`, each in any field, weighing as a word that means the same.
    fn all_of(&self, stems: &[String]) -> Box<dyn Query> {
        let every: Vec<(Occur, Box<dyn Query>)> = stems
            .iter()
            .map(|stem| (Occur::Must, self.in_any_field(stem)))
            .collect();
        boosted(Box::new(BooleanQuery::new(every)), SYNONYM_WEIGHT)
    }

    /// `stem` in the title, text or tags, with their weights.
    fn in_any_field(&self, stem: &str) -> Box<dyn Query> {
        let f = self.fields;
        Box::new(BooleanQuery::new(
            [
                (f.title, TITLE_BOOST),
                (f.text, TEXT_BOOST),
                (f.tags, TAGS_BOOST),
            ]
            .into_iter()
            .map(|(field, boost)| (Occur::Should, boosted(term_query(field, stem), boost)))
            .collect(),
        ))
    }

    /// Entries the reader may see that hold `text` in `field`.
    pub(super) fn doc_freq(
        &self,
        visible: &Visible,
        field: Field,
        text: &str,
    ) -> Result<u64, SearchError> {
        let term = Term::from_field_text(field, text);
        let Some(authors) = &visible.authors else {
            return visible.searcher.doc_freq(&term).map_err(|e| self.error(e));
        };
        // Most words are in no entry at all: no need to count.
        if visible
            .searcher
            .doc_freq(&term)
            .map_err(|e| self.error(e))?
            == 0
        {
            return Ok(0);
        }
        let held_by_shown = BooleanQuery::new(vec![
            (Occur::Must, term_query(field, text)),
            (Occur::Must, authors.box_clone()),
        ]);
        let count = visible
            .searcher
            .search(&held_by_shown, &tantivy::collector::Count)
            .map_err(|e| self.error(e))?;
        Ok(count as u64)
    }
}

fn snippet_of(generator: &SnippetGenerator, body: &Body) -> Snippet {
    let text = searchable_text(body).join("\n");
    let snippet = generator.snippet(&text);
    if snippet.fragment().is_empty() {
        let start: String = text.chars().take(160).collect();
        return Snippet {
            text: start.split_whitespace().collect::<Vec<_>>().join(" "),
            marks: vec![],
        };
    }
    let text = snippet.fragment().to_string();
    let chars_before = |byte: usize| text.get(..byte).map_or(0, |t| t.chars().count());
    let marks = snippet
        .highlighted()
        .iter()
        .map(|r| (chars_before(r.start), chars_before(r.end)))
        .collect();
    Snippet { text, marks }
}

/// The stems of a query word and, for a joined word (`re-integratie`), of its parts —
/// searched as a compound's parts are.
fn stems_with_parts(
    stemmed: &mut tantivy::tokenizer::TextAnalyzer,
    word: &str,
    joined_from: &[String],
) -> Vec<String> {
    let mut stems = analysis::terms(stemmed, word);
    if !stems.is_empty() {
        for part in joined_from {
            stems.extend(analysis::terms(stemmed, part));
        }
    }
    stems
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn term_filter(field: Field, text: &str) -> TermQuery {
    TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic)
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}
