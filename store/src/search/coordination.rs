//! Graded coordination of a query's words (see [`Coordination`]).

use tantivy::query::Query;

/// Graded coordination: an entry's score times the share of the query's distinct words it
/// holds (in some form), so that one holding three of four words ranks above one repeating
/// a single word. Each word's query is walked beside the main one, in document order.
pub(super) struct Coordination {
    words: Vec<Box<dyn tantivy::query::Weight>>,
}

impl Coordination {
    pub(super) fn new(
        searcher: &tantivy::Searcher,
        words: &[Box<dyn Query>],
    ) -> tantivy::Result<Self> {
        // One word: nothing to grade.
        let words = if words.len() < 2 {
            Vec::new()
        } else {
            let scoring = tantivy::query::EnableScoring::disabled_from_searcher(searcher);
            words
                .iter()
                .map(|q| q.weight(scoring))
                .collect::<tantivy::Result<Vec<_>>>()?
        };
        Ok(Self { words })
    }

    /// The score of a document of `segment` (visited in increasing order) given its score.
    pub(super) fn for_segment(
        &self,
        segment: &tantivy::SegmentReader,
    ) -> impl Fn(tantivy::DocId, tantivy::Score) -> tantivy::Score + use<> {
        use tantivy::DocSet;
        let n = self.words.len();
        // A word whose scorer cannot be made counts as held: the score stays as it was.
        let scorers: Vec<Option<Box<dyn tantivy::query::Scorer>>> = self
            .words
            .iter()
            .map(|w| w.scorer(segment, 1.0).ok())
            .collect();
        let scorers = std::cell::RefCell::new(scorers);
        move |doc, score| {
            if n == 0 {
                return score;
            }
            let mut scorers = scorers.borrow_mut();
            let mut held = 0;
            for scorer in scorers.iter_mut() {
                held += usize::from(match scorer {
                    None => true,
                    Some(s) if s.doc() < doc => s.seek(doc) == doc,
                    Some(s) => s.doc() == doc,
                });
            }
            score * held as f32 / n as f32
        }
    }
}
