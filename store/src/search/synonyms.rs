//! Words that mean the same to people in town halls (`synonyms.txt`): a query word from a
//! group also finds entries that use another word of the group, with less weight than
//! the word typed. Groups are kept by stem, so every form of a word finds its group.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::analysis;

const GROUPS: &str = include_str!("synonyms.txt");

/// A word of a group: its stem, and the word as written (for "ook gezocht op").
#[derive(Debug)]
pub struct Synonym {
    pub stem: String,
    pub word: &'static str,
}

/// Stem → the other words of its group, one per stem.
fn by_stem() -> &'static HashMap<String, Vec<Synonym>> {
    static MAP: OnceLock<HashMap<String, Vec<Synonym>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: HashMap<String, Vec<Synonym>> = HashMap::new();
        for line in GROUPS.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut group: Vec<(String, &'static str)> = Vec::new();
            for word in line.split(',').map(str::trim) {
                if let Some(stem) = analysis::stems(word).into_iter().next()
                    && !group.iter().any(|(s, _)| *s == stem)
                {
                    group.push((stem, word));
                }
            }
            for (stem, _) in &group {
                let others = map.entry(stem.clone()).or_default();
                for (other, word) in &group {
                    if other != stem && !others.iter().any(|o| o.stem == *other) {
                        others.push(Synonym {
                            stem: other.clone(),
                            word,
                        });
                    }
                }
            }
        }
        map
    })
}

/// The words that mean the same as the word stemmed `stem` (not that word itself).
pub fn of(stem: &str) -> &'static [Synonym] {
    by_stem().get(stem).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(word: &str) -> String {
        analysis::stems(word).into_iter().next().unwrap_or_default()
    }

    fn stems_of(word: &str) -> Vec<String> {
        of(&stem(word)).iter().map(|s| s.stem.clone()).collect()
    }

    #[test]
    fn every_form_of_a_word_finds_its_group() {
        assert!(stems_of("verzuim").contains(&stem("uitval")));
        assert!(stems_of("uitval").contains(&stem("verzuim")));
        assert!(stems_of("statushouders").contains(&stem("vergunninghouder")));
        assert!(!stems_of("verzuim").contains(&stem("verzuim")));
        assert!(of(&stem("gemeente")).is_empty());
        assert!(of(&stem("uitval")).iter().any(|s| s.word == "verzuim"));
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
}
