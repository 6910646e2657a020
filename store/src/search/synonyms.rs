//! Words that mean the same to people in town halls: the groups in `synonyms.txt`, and
//! any a node's operator adds in `config.toml`. A query word from a group also finds
//! entries that use another word of the group, with less weight than the word typed.
//! An abbreviation (`pgb = persoonsgebonden budget`) finds what it stands for (all its
//! words), and those words typed in a row find the abbreviation.
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
    NotOneWord { group: usize, word: String },
    StopWord { group: usize, word: String },
    TooFew { group: usize },
    BadAbbreviation { group: usize },
}

/// What an abbreviation stands for: the words as written and their stems, in order.
#[derive(Debug, Clone)]
pub struct Expansion {
    pub words: String,
    pub stems: Vec<String>,
}

/// Stem → the other words of its group, one per stem.
#[derive(Debug, Default, Clone)]
pub struct Thesaurus {
    by_stem: HashMap<String, Vec<Synonym>>,
    /// Abbreviation stem → what it stands for.
    expansions: HashMap<String, Vec<Expansion>>,
    /// What abbreviations stand for, with the abbreviation.
    abbreviations: Vec<(Expansion, Synonym)>,
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
                    // The file is checked by a test; a bad line is left out, not fatal.
                    let _ = t.add_line(0, line);
                }
                Arc::new(t)
            })
            .clone()
    }

    /// The built-in groups and `extra`: one line a string, words that mean the same
    /// separated by commas, or an abbreviation (`pgb = persoonsgebonden budget`).
    pub fn with_extra(extra: &[String]) -> Result<Arc<Thesaurus>, ThesaurusError> {
        if extra.is_empty() {
            return Ok(Self::builtin());
        }
        let mut t = Thesaurus::clone(&Self::builtin());
        for (n, line) in extra.iter().enumerate() {
            t.add_line(n + 1, line)?;
        }
        Ok(Arc::new(t))
    }

    /// Adds one line: words that mean the same, separated by commas, or an abbreviation.
    fn add_line(&mut self, group: usize, line: &str) -> Result<(), ThesaurusError> {
        if let Some((short, long)) = line.split_once('=') {
            let (Some(abbreviation), Some(expansion)) = (
                self::one_word(group, short.trim())?,
                Some(long.trim()).filter(|l| !l.is_empty() && !l.contains([',', '='])),
            ) else {
                return Err(ThesaurusError::BadAbbreviation { group });
            };
            // One stem a word (not a compound's parts), stop words left out, as a query's
            // words are searched.
            let stems: Vec<String> = expansion
                .split_whitespace()
                .filter_map(|w| analysis::stems(w).into_iter().next())
                .collect();
            if stems.len() < 2 {
                return Err(ThesaurusError::BadAbbreviation { group });
            }
            let expansion = Expansion {
                words: expansion.to_owned(),
                stems,
            };
            let (stem, word) = abbreviation;
            self.expansions
                .entry(stem.clone())
                .or_default()
                .push(expansion.clone());
            self.abbreviations.push((expansion, Synonym { stem, word }));
            return Ok(());
        }
        let mut stems = Vec::new();
        for word in line.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            stems.extend(self::one_word(group, word)?);
        }
        let distinct: std::collections::HashSet<&str> =
            stems.iter().map(|(stem, _)| stem.as_str()).collect();
        if distinct.len() < 2 {
            return Err(ThesaurusError::TooFew { group });
        }
        self.add_group(&stems);
        Ok(())
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

    /// What the abbreviation stemmed `stem` stands for.
    pub fn expansions(&self, stem: &str) -> &[Expansion] {
        self.expansions.get(stem).map_or(&[], Vec::as_slice)
    }

    /// The abbreviations whose words stand in a row in `stems` (a query's words): where
    /// they start, how many words, and the abbreviation.
    pub fn abbreviations_in(&self, stems: &[String]) -> Vec<(usize, usize, &Synonym)> {
        let mut found = Vec::new();
        for (expansion, abbreviation) in &self.abbreviations {
            let n = expansion.stems.len();
            for start in 0..stems.len().saturating_sub(n - 1) {
                if stems[start..start + n] == expansion.stems[..] {
                    found.push((start, n, abbreviation));
                }
            }
        }
        found
    }
}

/// One word of a group as its stem and the word as written; `None` for nothing written.
fn one_word(group: usize, word: &str) -> Result<Option<(String, String)>, ThesaurusError> {
    if word.is_empty() {
        return Ok(None);
    }
    if analysis::terms(&mut analysis::exact_analyzer(), word).len() != 1 {
        return Err(ThesaurusError::NotOneWord {
            group,
            word: word.to_owned(),
        });
    }
    match one_stem(word) {
        Some(stem) => Ok(Some(stem)),
        None => Err(ThesaurusError::StopWord {
            group,
            word: word.to_owned(),
        }),
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
    fn every_line_in_the_file_can_be_used() {
        let mut t = Thesaurus::default();
        let mut bad = Vec::new();
        for line in GROUPS.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Err(e) = t.add_line(1, line) {
                bad.push(format!("{line}: {e}"));
            }
        }
        assert!(bad.is_empty(), "synonyms.txt: {bad:#?}");
    }

    #[test]
    fn an_abbreviation_and_what_it_stands_for_find_each_other() {
        let t =
            Thesaurus::with_extra(&["POB = persoonlijk ondersteuningsbudget".to_owned()]).unwrap();
        let expansions = t.expansions(&stem("pob"));
        assert_eq!(expansions.len(), 1);
        assert_eq!(
            expansions[0].stems,
            [stem("persoonlijk"), stem("ondersteuningsbudget")]
        );
        let query: Vec<String> = "vragen persoonlijk ondersteuningsbudget"
            .split(' ')
            .map(stem)
            .collect();
        let found = t.abbreviations_in(&query);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].0, found[0].1, found[0].2.word.as_str()),
            (1, 2, "POB")
        );
        let reversed: Vec<String> = ["ondersteuningsbudget", "persoonlijk"].map(stem).to_vec();
        assert!(t.abbreviations_in(&reversed).is_empty());
        for bad in ["ikb =", "= keuzebudget", "ikb = keuzebudget", "i k b = x y"] {
            assert!(
                Thesaurus::with_extra(&[bad.to_owned()]).is_err(),
                "{bad} was taken"
            );
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
