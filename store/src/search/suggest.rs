//! "Bedoelde u": the word in the index closest to one that matches nothing, among the
//! words of the entries the reader may see.

use super::query::Visible;
use super::*;

/// Candidates for "bedoelde u" checked against what the reader may see, at most: enough
/// that a stranger's entries full of near misses (its budget holds tens of thousands)
/// cannot push the reader's own word out; each check walks one short posting list.
const MAX_SUGGESTION_CHECKS: usize = 65_536;

impl SearchIndex {
    /// The indexed word closest to `word` (fewest edits, then most documents) that an
    /// entry the reader may see holds, if any is within reach.
    pub(super) fn closest_word(
        &self,
        visible: &Visible,
        word: &str,
    ) -> Result<Option<String>, SearchError> {
        let searcher = visible.searcher;
        let chars = word.chars().count();
        if chars < 4 {
            return Ok(None);
        }
        let edits = if chars <= 6 { 1 } else { MAX_EDITS };
        let term = Term::from_field_text(self.fields.exact, word);
        let automaton = FuzzyTermQuery::new(term, edits, true)
            .automaton()
            .map_err(|e| self.error(e))?;
        let mut candidates: Vec<(usize, std::cmp::Reverse<u64>, String)> = Vec::new();
        for segment in searcher.segment_readers() {
            let inverted = segment
                .inverted_index(self.fields.exact)
                .map_err(|e| self.error(e))?;
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(|e| self.error(e))?;
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let freq = u64::from(stream.value().doc_freq);
                let distance = strsim::damerau_levenshtein(word, candidate);
                candidates.push((distance, std::cmp::Reverse(freq), candidate.to_string()));
            }
        }
        candidates.sort();
        candidates.dedup_by(|a, b| a.2 == b.2);
        // Fewest edits first, then the most entries the reader may see (not all entries:
        // a stranger's must not decide between two of the reader's words). Which entries
        // the reader may see is read once; each candidate's postings are then checked
        // against it (thousands of a stranger's near misses cost little).
        let shown = match &visible.authors {
            Some(authors) => Some(
                searcher
                    .search(authors.as_ref(), &tantivy::collector::DocSetCollector)
                    .map_err(|e| self.error(e))?,
            ),
            None => None,
        };
        let mut best: Option<(usize, std::cmp::Reverse<u64>, String)> = None;
        for (distance, _, candidate) in candidates.into_iter().take(MAX_SUGGESTION_CHECKS) {
            if best.as_ref().is_some_and(|(d, _, _)| distance > *d) {
                break;
            }
            let seen = match &shown {
                Some(shown) => self.held_by(searcher, &candidate, shown)?,
                None => self.doc_freq(visible, self.fields.exact, &candidate)?,
            };
            let this = (distance, std::cmp::Reverse(seen), candidate);
            if seen > 0 && best.as_ref().is_none_or(|b| this < *b) {
                best = Some(this);
            }
        }
        Ok(best.map(|(_, _, word)| word))
    }

    /// How many of the documents in `shown` hold `word` exactly.
    fn held_by(
        &self,
        searcher: &tantivy::Searcher,
        word: &str,
        shown: &HashSet<tantivy::DocAddress>,
    ) -> Result<u64, SearchError> {
        use tantivy::DocSet;
        let term = Term::from_field_text(self.fields.exact, word);
        let mut count = 0;
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            let index = segment
                .inverted_index(self.fields.exact)
                .map_err(|e| self.error(e))?;
            let postings = index
                .read_postings(&term, tantivy::schema::IndexRecordOption::Basic)
                .map_err(|e| self.error(e))?;
            let Some(mut postings) = postings else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                let address = tantivy::DocAddress::new(segment_ord as u32, doc);
                count += u64::from(shown.contains(&address));
                doc = postings.advance();
            }
        }
        Ok(count)
    }
}
