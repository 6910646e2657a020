//! Words that mean the same to people in town halls: the groups in `synonyms.txt`, and
//! any a node's operator adds in `config.toml`. A query word from a group also finds
//! entries that use another word of the group, with less weight than the word typed.
//! Groups are kept by stem, so every form of a word finds its group. Used at query time
//! only: a change needs no new index.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::analysis;

const GROUPS: &str = include_str!("synonyms.txt");

/// A word of a group: its stem, and the word as written (for "ook gezocht op").
#[derive(Debug, Clone)]
pub struct Synonym {
    pub stem: String,
    pub word: String,
}

/// Why a group of words cannot be used. `group` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThesaurusError {
    #[error(
        "synonym group {group}: '{word}' is not one word (write each word on its own, without spaces, hyphens or apostrophes)"
    )]
    NotOneWord { group: usize, word: String },
    #[error(
        "synonym group {group}: '{word}' is a word search leaves out (a stop word), so it cannot stand for another"
    )]
    StopWord { group: usize, word: String },
    #[error("synonym group {group} has fewer than two different words")]
    TooFew { group: usize },
}

/// Stem → the other words of its group, one per stem.
#[derive(Debug, Default)]
pub struct Thesaurus {
    by_stem: HashMap<String, Vec<Synonym>>,
}

impl Thesaurus {
    /// The groups that come with wiel.
    pub fn builtin() -> Arc<Thesaurus> {
        static BUILTIN: OnceLock<Arc<Thesaurus>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let mut t = Thesaurus::default();
                for line in GROUPS.lines().map(str::trim) {
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    // The file is checked by a test; a bad word is left out, not fatal.
                    let words: Vec<&str> = line.split(',').map(str::trim).collect();
                    t.add_group(&words.iter().filter_map(|w| one_stem(w)).collect::<Vec<_>>());
                }
                Arc::new(t)
            })
            .clone()
    }

    /// The built-in groups and `extra` (one group a string, words separated by commas).
    pub fn with_extra(extra: &[String]) -> Result<Arc<Thesaurus>, ThesaurusError> {
        if extra.is_empty() {
            return Ok(Self::builtin());
        }
        let mut t = Thesaurus {
            by_stem: Self::builtin().by_stem.clone(),
        };
        for (n, line) in extra.iter().enumerate() {
            let group = n + 1;
            let mut stems = Vec::new();
            for word in line.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                let terms = analysis::terms(&mut analysis::exact_analyzer(), word);
                if terms.len() != 1 {
                    return Err(ThesaurusError::NotOneWord {
                        group,
                        word: word.to_owned(),
                    });
                }
                match one_stem(word) {
                    Some(stem) => stems.push(stem),
                    None => {
                        return Err(ThesaurusError::StopWord {
                            group,
                            word: word.to_owned(),
                        });
                    }
                }
            }
            let distinct: std::collections::HashSet<&str> =
                stems.iter().map(|(stem, _)| stem.as_str()).collect();
            if distinct.len() < 2 {
                return Err(ThesaurusError::TooFew { group });
            }
            t.add_group(&stems);
        }
        Ok(Arc::new(t))
    }

    fn add_group(&mut self, words: &[(String, String)]) {
        let mut group: Vec<&(String, String)> = Vec::new();
        for w in words {
            if !group.iter().any(|(s, _)| *s == w.0) {
                group.push(w);
            }
        }
        for (stem, _) in &group {
            let others = self.by_stem.entry(stem.clone()).or_default();
            for (other, word) in &group {
                if other != stem && !others.iter().any(|o| o.stem == *other) {
                    others.push(Synonym {
                        stem: other.clone(),
                        word: word.clone(),
                    });
                }
            }
        }
    }

    /// The words that mean the same as the word stemmed `stem` (not that word itself).
    pub fn of(&self, stem: &str) -> &[Synonym] {
        self.by_stem.get(stem).map_or(&[], Vec::as_slice)
    }
}

/// The word's stem, with the word as written; `None` for a stop word.
fn one_stem(word: &str) -> Option<(String, String)> {
    analysis::stems(word)
        .into_iter()
        .next()
        .map(|stem| (stem, word.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(word: &str) -> String {
        analysis::stems(word).into_iter().next().unwrap_or_default()
    }

    fn stems_of(t: &Thesaurus, word: &str) -> Vec<String> {
        t.of(&stem(word)).iter().map(|s| s.stem.clone()).collect()
    }

    #[test]
    fn every_form_of_a_word_finds_its_group() {
        let t = Thesaurus::builtin();
        assert!(stems_of(&t, "verzuim").contains(&stem("uitval")));
        assert!(stems_of(&t, "uitval").contains(&stem("verzuim")));
        assert!(stems_of(&t, "statushouders").contains(&stem("vergunninghouder")));
        assert!(!stems_of(&t, "verzuim").contains(&stem("verzuim")));
        assert!(t.of(&stem("gemeente")).is_empty());
        assert!(t.of(&stem("uitval")).iter().any(|s| s.word == "verzuim"));
    }

    #[test]
    fn every_word_in_the_file_is_one_word() {
        for line in GROUPS.lines().filter(|l| !l.trim().starts_with('#')) {
            for word in line.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                // One word: its first term is the whole word (a compound adds its parts).
                assert_eq!(
                    analysis::terms(&mut analysis::exact_analyzer(), word).len(),
                    1,
                    "'{word}' in synonyms.txt is not one word"
                );
                assert!(
                    !analysis::stems(word).is_empty(),
                    "'{word}' in synonyms.txt is a stop word"
                );
            }
        }
    }

    #[test]
    fn an_operator_adds_groups_and_joins_existing_ones() {
        let t = Thesaurus::with_extra(&[
            "loket, balie, klantcontactcentrum".to_owned(),
            "verzuim, absentie".to_owned(),
        ])
        .unwrap();
        assert!(stems_of(&t, "balie").contains(&stem("loket")));
        assert!(stems_of(&t, "absentie").contains(&stem("verzuim")));
        // The built-in group stays whole.
        assert!(stems_of(&t, "verzuim").contains(&stem("uitval")));
        assert!(Thesaurus::builtin().of(&stem("balie")).is_empty());
    }

    #[test]
    fn a_bad_group_is_refused_with_its_number_and_word() {
        let bad = |g: &str| Thesaurus::with_extra(&["loket, balie".to_owned(), g.to_owned()]);
        assert_eq!(
            bad("wijkteam, sociaal team").unwrap_err(),
            ThesaurusError::NotOneWord {
                group: 2,
                word: "sociaal team".into()
            }
        );
        assert_eq!(
            bad("de, het").unwrap_err(),
            ThesaurusError::StopWord {
                group: 2,
                word: "de".into()
            }
        );
        assert_eq!(
            bad("wijkteam").unwrap_err(),
            ThesaurusError::TooFew { group: 2 }
        );
    }
}
