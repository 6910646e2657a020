//! Compound words: the Dutch words a compound may be made of (the lexicon `lexicon.txt` and
//! the domain's own parts) and how a word is split into them.

/// Word parts of this domain that a general word list may lack, beside the lexicon
/// (`lexicon.txt`). A word is split only when it is made entirely of known parts (the last
/// may carry a plural or inflection ending), at least two: `jeugdhulpaanbieders` →
/// jeugdhulp + aanbieders.
pub const COMPOUND_PARTS: &[&str] = &[
    "aanbesteding",
    "aanbieder",
    "aanpak",
    "adviseur",
    "afspraak",
    "afspraken",
    "arbeid",
    "arbeidsmarkt",
    "bedrijf",
    "beleid",
    "bemiddeling",
    "beschermd",
    "beschikking",
    "bestemming",
    "bestuur",
    "bijstand",
    "budget",
    "burger",
    "casus",
    "coach",
    "consulent",
    "contract",
    "dienst",
    "dienstverlening",
    "digitaal",
    "doel",
    "doelgroep",
    "eigen",
    "functie",
    "gebied",
    "gemeente",
    "gesprek",
    "gezin",
    "gezondheid",
    "hulp",
    "huishoud",
    "inkoop",
    "jeugd",
    "jeugdhulp",
    "jeugdzorg",
    "kader",
    "kennis",
    "klant",
    "kosten",
    "leer",
    "leider",
    "loon",
    "maatwerk",
    "markt",
    "medewerker",
    "migratie",
    "milieu",
    "netwerk",
    "omgeving",
    "onderzoek",
    "ontwikkeling",
    "opdracht",
    "opleiding",
    "organisatie",
    "overleg",
    "partner",
    "personeel",
    "plan",
    "plaats",
    "platform",
    "praktijk",
    "proces",
    "programma",
    "project",
    "regel",
    "regie",
    "regio",
    "risico",
    "samenwerking",
    "school",
    "sociaal",
    "sociale",
    "staat",
    "stelsel",
    "subsidie",
    "team",
    "tender",
    "toegang",
    "traject",
    "uitkering",
    "verbetering",
    "vergunning",
    "verhaal",
    "verlening",
    "verlener",
    "loket",
    "punt",
    "service",
    "taal",
    "verlof",
    "visie",
    "voorziening",
    "voorwaarden",
    "vraag",
    "werk",
    "werkgever",
    "werknemer",
    "wijk",
    "woning",
    "zorg",
];

/// Linking sounds that may stand between two parts: arbeid-s-markt, gemeente-n-raad.
const LINKS: &[&str] = &["s", "en", "e", "n"];
/// Endings the last part may carry.
const ENDINGS: &[&str] = &["", "s", "'s", "en", "n", "e", "es", "ers"];

/// Dutch words a compound may be made of (see `lexicon.txt`), with [`COMPOUND_PARTS`].
const LEXICON: &str = include_str!("lexicon.txt");

/// Shortest part a compound is split into: shorter ones (`ver`, `ge`) make nonsense splits.
const SHORTEST_PART: usize = 4;

/// Words that end derivations rather than compounds (beleids-matig, gemeente-lijk): never
/// split off as a part.
const SUFFIXES: &[&str] = &[
    "achtig", "achtige", "baar", "bare", "heid", "heden", "lijk", "lijke", "lijks", "loos", "loze",
    "matig", "matige", "schap", "schappen", "waardig", "waardige", "zaam", "zame",
];

/// Words that start derived verbs and nouns rather than compounds (voor-beeld, onder-wijs,
/// mede-werker): never split off as a part.
const PREFIXES: &[&str] = &[
    "achter", "binnen", "buiten", "door", "langs", "mede", "onder", "over", "rond", "samen",
    "tegen", "terug", "tussen", "voor",
];

/// The words compounds are split into: the lexicon and the domain's own parts.
/// Made once a process, when a word is first split (about 1.5 ms: FxHash and room made at
/// once, where the standard set took 4 ms of every `wiel search`).
pub(super) fn parts() -> &'static rustc_hash::FxHashSet<&'static str> {
    static PARTS: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    PARTS.get_or_init(|| {
        let mut parts = rustc_hash::FxHashSet::default();
        parts.reserve(LEXICON.len() / 8 + COMPOUND_PARTS.len());
        parts.extend(
            LEXICON
                .lines()
                .filter(|l| !l.starts_with('#') && l.len() >= SHORTEST_PART)
                .filter(|l| !SUFFIXES.contains(l) && !PREFIXES.contains(l))
                .chain(COMPOUND_PARTS.iter().copied()),
        );
        parts
    })
}

/// Whether `word` (lower case, folded) is a common Dutch word or one of the domain's: such
/// a word is never "corrected" into another, even when no entry holds it.
pub fn is_known_word(word: &str) -> bool {
    parts().contains(word)
}

/// Splits a lower-case word into known parts, or `None` when it is not such a compound.
/// The longest first part that lets the rest split too wins: arbeidsmarkt + regio, not
/// arbeid + s + markt + regio. The last part may carry a plural or inflection ending.
pub fn top_parts(word: &str) -> Option<Vec<&str>> {
    fn go<'w>(rest: &'w str, parts: &mut Vec<&'w str>) -> bool {
        for end in (SHORTEST_PART..=rest.len()).rev() {
            let head = &rest[..end];
            if !self::parts().contains(head) {
                continue;
            }
            let after = &rest[end..];
            if !parts.is_empty() && ENDINGS.contains(&after) {
                parts.push(rest);
                return true;
            }
            for link in LINKS.iter().chain([""].iter()) {
                if let Some(next) = after.strip_prefix(link)
                    && next.len() >= SHORTEST_PART
                {
                    parts.push(head);
                    if go(next, parts) {
                        return true;
                    }
                    parts.pop();
                }
            }
        }
        false
    }
    if !word.is_ascii() || word.len() < 2 * SHORTEST_PART {
        return None;
    }
    let mut parts = Vec::new();
    if !(go(word, &mut parts) && parts.len() >= 2) {
        return None;
    }
    Some(parts)
}

/// [`top_parts`], and the parts of parts that are compounds themselves: arbeidsmarktregio →
/// arbeidsmarkt, regio, arbeid, markt.
pub fn split_compound(word: &str) -> Option<Vec<&str>> {
    let parts = top_parts(word)?;
    let mut all = parts.clone();
    for part in parts {
        if let Some(sub) = split_compound(part) {
            all.extend(sub);
        }
    }
    Some(all)
}
