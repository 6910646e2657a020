//! Words that mean the same to people in town halls (`synonyms.txt`): a query word from a
//! group also finds entries that use another word of the group, with less weight than
//! the word typed. Groups are kept by stem, so every form of a word finds its group.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::analysis;

const GROUPS: &str = include_str!("synonyms.txt");

/// Stem → the stems of the other words of its group.
fn by_stem() -> &'static HashMap<String, Vec<String>> {
    static MAP: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for line in GROUPS.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut stems: Vec<String> = line
                .split(',')
                .filter_map(|word| analysis::stems(word.trim()).into_iter().next())
                .collect();
            stems.sort();
            stems.dedup();
            for stem in &stems {
                let others = map.entry(stem.clone()).or_default();
                for other in &stems {
                    if other != stem && !others.contains(other) {
                        others.push(other.clone());
                    }
                }
            }
        }
        map
    })
}

/// The stems that mean the same as `stem` (not `stem` itself).
pub fn of(stem: &str) -> &'static [String] {
    by_stem().get(stem).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(word: &str) -> String {
        analysis::stems(word).into_iter().next().unwrap_or_default()
    }

    #[test]
    fn every_form_of_a_word_finds_its_group() {
        assert!(of(&stem("verzuim")).contains(&stem("uitval")));
        assert!(of(&stem("uitval")).contains(&stem("verzuim")));
        assert!(of(&stem("statushouders")).contains(&stem("vergunninghouder")));
        assert!(!of(&stem("verzuim")).contains(&stem("verzuim")));
        assert!(of(&stem("gemeente")).is_empty());
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
