//! How Dutch text becomes index terms: the stemmed analyzer (with compound parts) and the
//! exact analyzer, and the small normalisation the Snowball stemmer needs for the words of
//! this domain.
//!
//! The stemmed analyzer: words (letters and digits; a word joined by a hyphen, `&` or an
//! apostrophe whole and in its parts, see `words`), lower case, accents folded, Dutch stop
//! words out; each compound also yields its known parts (see `compounds`); then the
//! Snowball Dutch stemmer, and a last step that undoubles vowels, so that `inkoop` and
//! `inkopen` meet (`inkop`). The exact analyzer stops after lower case and folding.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Registered name of the stemmed analyzer.
pub const STEMMED: &str = "wiel_nl";
/// Registered name of the exact analyzer.
pub const EXACT: &str = "wiel_exact";

use super::compounds::parts;
pub use super::compounds::{COMPOUND_PARTS, is_known_word, split_compound, top_parts};

/// Words longer than this are not indexed (hashes, URLs without breaks).
const LONGEST_WORD: usize = 60;

/// Builds the two analyzers (registered by the index under [`STEMMED`] and [`EXACT`]).
pub fn stemmed_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(super::words::WordTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(StopWordFilter::new(Language::Dutch).unwrap_or_else(leftover_letters))
        .filter(leftover_letters())
        .filter(Decompound)
        .filter(DutchStem)
        .build()
}

pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(super::words::WordTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Single letters left over by splitting at apostrophes (`regio's` → `regio`, `s`).
fn leftover_letters() -> StopWordFilter {
    StopWordFilter::remove(["s".to_string(), "t".to_string()])
}

/// Words each analyzer remembers the outcome for (its compound parts, its stem); more
/// and the memory starts again. Dutch text repeats its words: most tokens are looked up,
/// not worked out again.
const REMEMBERED_WORDS: usize = 50_000;

/// A bounded word → outcome memo, shared by every copy of one analyzer: tantivy copies an
/// analyzer for each indexing thread and for each snippet, and a copy that started empty
/// worked every word out again (a search's 50 snippets did). The outcome is worked out
/// outside the lock.
struct Memo<V>(std::sync::Arc<std::sync::Mutex<rustc_hash::FxHashMap<String, V>>>);

impl<V> Clone for Memo<V> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Self(Default::default())
    }
}

impl<V: Clone> Memo<V> {
    fn get_or_insert_with(&self, word: &str, make: impl FnOnce(&str) -> V) -> V {
        let lock = || self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = lock().get(word) {
            return known.clone();
        }
        let value = make(word);
        let mut memo = lock();
        if memo.len() >= REMEMBERED_WORDS {
            memo.clear();
        }
        memo.insert(word.to_owned(), value.clone());
        value
    }
}

/// Token filter: after each compound, its parts at the same position.
#[derive(Clone, Copy)]
struct Decompound;

impl TokenFilter for Decompound {
    type Tokenizer<T: Tokenizer> = DecompoundFilter<T>;
    fn transform<T: Tokenizer>(self, inner: T) -> DecompoundFilter<T> {
        DecompoundFilter {
            inner,
            parts: Memo::default(),
        }
    }
}

#[derive(Clone)]
struct DecompoundFilter<T> {
    inner: T,
    /// The parts of each word seen (empty: not a compound).
    parts: Memo<Box<[String]>>,
}

impl<T: Tokenizer> Tokenizer for DecompoundFilter<T> {
    type TokenStream<'a> = DecompoundStream<'a, T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DecompoundStream {
            inner: self.inner.token_stream(text),
            parts: &self.parts,
            pending: Vec::new(),
            current: None,
        }
    }
}

struct DecompoundStream<'a, S> {
    inner: S,
    parts: &'a Memo<Box<[String]>>,
    /// Parts still to emit, last first.
    pending: Vec<Token>,
    /// The part being emitted; `None` while the inner stream's own token is.
    current: Option<Token>,
}

impl<S: TokenStream> TokenStream for DecompoundStream<'_, S> {
    fn advance(&mut self) -> bool {
        if let Some(part) = self.pending.pop() {
            self.current = Some(part);
            return true;
        }
        self.current = None;
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token();
        let parts = self.parts.get_or_insert_with(&token.text, |word| {
            split_compound(word)
                .map(|parts| parts.into_iter().map(str::to_owned).collect())
                .unwrap_or_default()
        });
        self.pending
            .extend(parts.into_vec().into_iter().rev().map(|text| Token {
                text,
                ..token.clone()
            }));
        true
    }
    fn token(&self) -> &Token {
        self.current.as_ref().unwrap_or_else(|| self.inner.token())
    }
    fn token_mut(&mut self) -> &mut Token {
        match &mut self.current {
            Some(part) => part,
            None => self.inner.token_mut(),
        }
    }
}

/// Token filter: the Snowball Dutch (Porter) stemmer, then `oo` → `o`, `aa` → `a`,
/// `ee` → `e`, `uu` → `u`, so that open and closed syllable forms meet (inkoop / inkopen).
///
/// Why Porter and not Snowball's newer Dutch stemmer (Kraaij-Pohlmann, tantivy's
/// `Language::Dutch`): that one strips `ge-`, so `gemeente` becomes `men` and `werkgever`
/// becomes `werkver` — see the test below.
#[derive(Clone, Copy)]
struct DutchStem;

impl TokenFilter for DutchStem {
    type Tokenizer<T: Tokenizer> = DutchStemFilter<T>;
    fn transform<T: Tokenizer>(self, inner: T) -> DutchStemFilter<T> {
        DutchStemFilter {
            inner,
            stems: Memo::default(),
        }
    }
}

#[derive(Clone)]
struct DutchStemFilter<T> {
    inner: T,
    stems: Memo<String>,
}

impl<T: Tokenizer> Tokenizer for DutchStemFilter<T> {
    type TokenStream<'a> = DutchStemStream<'a, T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        DutchStemStream {
            inner: self.inner.token_stream(text),
            stemmer: frostem::Stemmer::new(STEMMER),
            stems: &self.stems,
        }
    }
}

const STEMMER: frostem::Algorithm = frostem::Algorithm::DutchPorter;

struct DutchStemStream<'a, S> {
    inner: S,
    stemmer: frostem::Stemmer,
    stems: &'a Memo<String>,
}

impl<S: TokenStream> TokenStream for DutchStemStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.inner.advance() {
            return false;
        }
        let token = self.inner.token_mut();
        let stemmer = &self.stemmer;
        let stem = self.stems.get_or_insert_with(&token.text, |word| {
            let singular = plural_latin(word);
            let word = agent_noun(plural_ie(plural_es(&singular)));
            match derivation(word) {
                Some(kept) => undouble_vowels(&kept),
                None => undouble_vowels(&stemmer.stem(word)),
            }
        });
        token.text = stem;
        true
    }
    fn token(&self) -> &Token {
        self.inner.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// `gemeentes` → `gemeente`: the Porter stemmer keeps an `s` after `e`, so this plural
/// would not meet `gemeente` and `gemeenten`. Short words (`proces`, `congres`) stay.
fn plural_es(word: &str) -> &str {
    let b = word.as_bytes();
    let n = b.len();
    if n >= 8
        && b[n - 2..] == *b"es"
        && !matches!(b[n - 3], b'a' | b'e' | b'i' | b'o' | b'u' | b's')
    {
        &word[..n - 1]
    } else {
        word
    }
}

/// `criteria` → `criterium`, `centra` → `centrum`, `musea` → `museum`: a Latin plural meets
/// its singular where that is a known word. Only after `i`, `e`, `r` or `c`, the endings of
/// those nouns: `minima` (the social domain's households on a minimum income) and `quota`
/// stay themselves.
fn plural_latin(word: &str) -> std::borrow::Cow<'_, str> {
    if let Some(stem) = word.strip_suffix('a')
        && stem.len() >= 4
        && stem.ends_with(['i', 'e', 'r', 'c'])
    {
        let singular = format!("{stem}um");
        if parts().contains(singular.as_str()) {
            return std::borrow::Cow::Owned(singular);
        }
    }
    std::borrow::Cow::Borrowed(word)
}

/// `organisaties` → `organisatie`, `categorieen` (from `categorieën`) → `categorie`: the
/// Porter stemmer leaves plurals in -ies and -ieën apart from their singular.
fn plural_ie(word: &str) -> &str {
    if word.len() >= 6 && word.ends_with("ies") {
        &word[..word.len() - 1]
    } else if word.len() >= 7 && word.ends_with("ieen") {
        &word[..word.len() - 2]
    } else {
        word
    }
}

/// `mantelzorger`, `mantelzorgers` → `mantelzorg`: a person noun in -er meets what the
/// person does, where that is a known word (or a compound of known words) of five letters
/// at least — `werker` and `ouder` stay, as do words whose base is no word (`partner`).
fn agent_noun(word: &str) -> &str {
    let base = word
        .strip_suffix("ers")
        .or_else(|| word.strip_suffix("er"))
        .unwrap_or(word);
    if base.len() < word.len()
        && base.len() >= 5
        && base.is_ascii()
        && !base.ends_with('e')
        && (parts().contains(base) || split_compound(base).is_some())
    {
        base
    } else {
        word
    }
}

/// Derivations that change what a word means keep their ending: the stemmer would make
/// `inzetbaarheid` and `inzetbaar` into `inzet`, `veiligheid` into `veilig` and
/// `persoonlijk` into `persoon`. Their plural or inflection meets them (`mogelijkheden` →
/// `mogelijkheid`, `persoonlijke` → `persoonlijk`).
fn derivation(word: &str) -> Option<String> {
    if word.len() < 8 {
        return None;
    }
    if let Some(stem) = word.strip_suffix("heden") {
        return Some(format!("{stem}heid"));
    }
    if word.ends_with("heid") || word.ends_with("baar") {
        return Some(word.to_owned());
    }
    if let Some(stem) = word.strip_suffix("bare") {
        return Some(format!("{stem}baar"));
    }
    if word.ends_with("lijk") || word.ends_with("lijks") {
        return Some(word.to_owned());
    }
    if let Some(stem) = word.strip_suffix("lijke") {
        return Some(format!("{stem}lijk"));
    }
    None
}

/// Text in one Unicode form (NFC): an `ë` pasted from a PDF or a Mac as `e` and a
/// combining diaeresis is the same `ë` as one typed here.
pub fn normalise(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfc().collect())
    }
}

fn undouble_vowels(stem: &str) -> String {
    if !has_double_vowel(stem) {
        return stem.to_string();
    }
    let mut out = String::with_capacity(stem.len());
    let mut last = None;
    for c in stem.chars() {
        if Some(c) == last && matches!(c, 'a' | 'o' | 'u' | 'e') {
            continue;
        }
        out.push(c);
        last = Some(c);
    }
    out
}

fn has_double_vowel(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == w[1] && matches!(w[0], b'a' | b'o' | b'u' | b'e'))
}

/// The terms the stemmed analyzer makes of `text` (for tests and query building).
pub fn stems(text: &str) -> Vec<String> {
    // One analyzer a thread: making one builds its stop word set, and its memo of stems
    // pays off across calls.
    thread_local! {
        static STEMMED_ANALYZER: std::cell::RefCell<TextAnalyzer> =
            std::cell::RefCell::new(stemmed_analyzer());
    }
    STEMMED_ANALYZER.with(|a| terms(&mut a.borrow_mut(), text))
}

/// A word of a query: as the exact analyzer makes it (a joined word without its marks:
/// `reintegratie` for `re-integratie`), and the parts it was joined from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    pub word: String,
    pub joined_from: Vec<String>,
}

/// The words of a query, each once as typed (see [`super::words`]).
pub fn query_words(text: &str) -> Vec<QueryWord> {
    let text = normalise(text);
    let mut exact = exact_analyzer();
    let mut one = |s: &str| terms(&mut exact, s).into_iter().next();
    super::words::written_words(&text)
        .iter()
        .filter_map(|w| {
            let word = one(&super::words::without_marks(&text, w))?;
            let joined_from = if w.pieces().len() > 1 {
                // Single letters are not searched on their own (the `b` of `B&W`).
                w.pieces()
                    .iter()
                    .filter_map(|&(a, b)| one(&text[a..b]))
                    .filter(|part| part.chars().count() > 1)
                    .collect()
            } else {
                Vec::new()
            };
            Some(QueryWord { word, joined_from })
        })
        .collect()
}

/// The terms `analyzer` makes of `text`, normalised first (see [`normalise`]).
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let text = normalise(text);
    let mut stream = analyzer.token_stream(&text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.text.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(word: &str) -> String {
        stems(word).into_iter().next().unwrap_or_default()
    }

    #[test]
    fn a_derivation_does_not_meet_its_root() {
        assert_ne!(stem("inzetbaarheid"), stem("inzet"));
        // `persoonlijk` budget is no `persoonsgebonden` one, `vriendelijk` no friend.
        assert_ne!(stem("persoonlijk"), stem("persoon"));
        assert_ne!(stem("vriendelijke"), stem("vriend"));
        assert_eq!(stem("persoonlijke"), stem("persoonlijk"));
        assert_ne!(stem("inzetbaar"), stem("inzet"));
        assert_eq!(stem("inzetbaar"), stem("inzetbare"));
        assert_ne!(stem("veiligheid"), stem("veilig"));
    }

    #[test]
    fn only_latin_plurals_of_known_words_meet_their_singular() {
        assert_eq!(stem("criteria"), stem("criterium"));
        // The social domain's minima are households, not a minimum; no `agendum` is known.
        for (word, other) in [
            ("minima", "minimum"),
            ("quota", "quotum"),
            ("agenda", "agendum"),
        ] {
            assert_ne!(stem(word), stem(other), "{word}");
        }
    }

    #[test]
    fn person_nouns_stay_apart_where_their_base_is_no_word() {
        for (word, other) in [("werker", "werk"), ("ouder", "oud"), ("partner", "partn")] {
            assert_ne!(stem(word), stem(other), "{word}");
        }
    }

    #[test]
    fn plurals_of_the_domain_meet_their_singular() {
        let families: &[&[&str]] = &[
            &["gemeente", "gemeenten", "gemeentes"],
            &["voorbeeld", "voorbeelden"],
            &["inkoop", "inkopen"],
            &["jeugdzorgregio", "jeugdzorgregio's"],
            &["werkgever", "werkgevers"],
            &["aanbesteding", "aanbestedingen"],
            &["medewerker", "medewerkers"],
            &["contract", "contracten"],
            &["regel", "regels"],
            &["afspraak", "afspraken"],
            &["jeugdconsulent", "jeugdconsulenten"],
            &["leernetwerk", "leernetwerken"],
            &["vergunning", "vergunningen"],
            &["organisatie", "organisaties"],
            &["situatie", "situaties"],
            &["subsidie", "subsidies"],
            &["categorie", "categorieën"],
            &["mogelijkheid", "mogelijkheden"],
            &["financiën", "financie\u{0308}n"],
            &["mantelzorg", "mantelzorger", "mantelzorgers"],
            &["sport", "sporter", "sporters"],
            &["criterium", "criteria"],
            &["centrum", "centra"],
            &["museum", "musea"],
        ];
        for family in families {
            let first = stem(family[0]);
            for word in &family[1..] {
                assert_eq!(stem(word), first, "{word} does not meet {}", family[0]);
            }
        }
    }

    #[test]
    fn compounds_are_found_by_their_parts() {
        for (compound, parts) in [
            ("arbeidsmarktregio", &["arbeidsmarkt", "regio"][..]),
            ("jeugdhulpaanbieder", &["jeugdhulp", "aanbieder"]),
            ("jeugdhulpaanbieders", &["jeugdhulp", "aanbieders"]),
            ("omgevingsvisie", &["omgeving", "visie"]),
            ("inkoopbeleid", &["inkoop", "beleid"]),
            ("leernetwerken", &["netwerken"]),
            // Not in the domain's own list: found through the lexicon.
            ("ziekteverzuim", &["ziekte", "verzuim"]),
            ("personeelsverloop", &["personeel", "verloop"]),
            ("thuiswerkbeleid", &["thuiswerk", "beleid"]),
            ("wachtlijstbeheer", &["wachtlijst", "beheer"]),
        ] {
            let terms = stems(compound);
            for part in parts {
                for t in stems(part) {
                    assert!(
                        terms.contains(&t),
                        "{compound} ({terms:?}) lacks {part} ({t})"
                    );
                }
            }
        }
    }

    #[test]
    fn ordinary_words_are_not_split() {
        for word in [
            "regionale",
            "werken",
            "plannen",
            "beleidsmatig",
            "programmering",
            "verzuim",
            "inzetbaarheid",
            "gemeentelijke",
            "medewerkers",
            "organisatie",
            "voorbeeld",
            "onderwijs",
            "overleg",
            "samenwerking",
        ] {
            assert_eq!(split_compound(word), None, "{word}");
        }
        assert_eq!(stems("de en van het"), Vec::<String>::new());
    }
}
