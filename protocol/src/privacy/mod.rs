//! The privacy guard: finds personal data of citizens in an entry's text before it is
//! signed (and flags it in entries that arrive). Exact rules:
//!
//! - BSN: 9 digits (or 8, read with a leading zero), optionally written 4-2-3 with dots or
//!   spaces, passing the elfproef (weights 9..2 and −1, sum divisible by 11 and not 0).
//!   Blocks when "bsn", "burgerservicenummer" or "sofinummer" stands within 50 characters;
//!   otherwise asks. Amounts (after € or EUR) and dates written as yyyymmdd are not BSNs.
//! - IBAN: `NL` + 2 digits + 4 letters + 10 digits (spaces allowed), ISO 13616 mod 97 = 1.
//!   Blocks.
//! - A date after "geboren", "geboortedatum", "geb." (within 40 characters): asks.
//! - Dutch phone numbers (06…, 0xx…, +31…, 0031…; ten digits in all): asks.
//! - E-mail addresses: asks.
//! - A postcode (1234 AB) with a house number right before or after it (not a PO box):
//!   asks.
//!
//! Asking findings in the entry's contact field are expected there and not reported.
//! Patterns are compiled once; the `regex` crate runs in linear time on any input.

use std::sync::LazyLock;

use regex::Regex;

mod loose;
use regex_automata::meta::Regex as MultiRegex;

use crate::entry::Body;

/// What kind of personal data a finding is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Bsn,
    Iban,
    BirthDate,
    Phone,
    Email,
    Address,
}

impl FindingKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Bsn => "BSN",
            Self::Iban => "IBAN",
            Self::BirthDate => "date of birth",
            Self::Phone => "phone number",
            Self::Email => "e-mail address",
            Self::Address => "postcode and house number",
        }
    }
}

/// One piece of personal data found, and where.
#[derive(
    Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Finding {
    pub kind: FindingKind,
    /// Blocks publishing (a BSN near its keyword, an IBAN); otherwise the author confirms.
    pub blocks: bool,
    /// The field it is in: title, text, contact, tags, situation, …
    pub field: String,
    /// 1-based line and column (in characters) within that field.
    pub line: usize,
    pub column: usize,
    /// The finding with its middle masked, enough to recognise it.
    pub excerpt: String,
}

fn re(pattern: &str) -> Regex {
    // The patterns are constants checked by the tests below.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad privacy pattern {pattern}: {e}"))
}

// Digits are written `[0-9]`, not `\d`: Unicode's `\d` (the digits of every script) made
// each pattern several times costlier to compile, which every command that shows entries
// pays once; the checks (elfproef, mod 97) read ASCII digits only, and `loose` reads a copy
// with other scripts' digits made ASCII.
const BSN: &str = r"(?-u:\b)(?:[0-9]{4}[. ][0-9]{2}[. ][0-9]{3}|[0-9]{9}|[0-9]{8})(?-u:\b)";
const IBAN: &str = r"(?i)(?-u:\b)NL\s?[0-9]{2}\s?[A-Z]{4}\s?(?:[0-9]\s?){9}[0-9](?-u:\b)";
const DATE: &str = r"(?i)(?-u:\b)(?:[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}\s(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\s[0-9]{4})(?-u:\b)";
const PHONE: &str = r"(?:\+31|(?-u:\b)0031|(?-u:\b)0)[\s-]?(?:\(0\)[\s-]?)?\(?[1-9](?:[\s\-)]{0,2}[0-9]){8}(?-u:\b)";
const EMAIL: &str =
    r"(?-u:\b)[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?-u:\b)";
const POSTCODE: &str = r"(?-u:\b)[1-9][0-9]{3}\s?(?:[A-RT-Z][A-Z]|S[BCE-RT-Z])(?-u:\b)";

/// What a candidate may be, tried in this order.
#[derive(Clone, Copy)]
enum Pattern {
    Iban,
    Email,
    Date,
    Phone,
    Bsn,
    Postcode,
}

impl Pattern {
    /// Whether a match of this pattern can start with byte `first` (cheap checks that
    /// spare most anchored searches). `has_at`: the region holds an '@'; `birth_word`:
    /// a word like "geboren" stands in or just before the region.
    fn may_start_with(self, first: u8, has_at: bool, birth_word: bool) -> bool {
        match self {
            Self::Iban => first.eq_ignore_ascii_case(&b'N'),
            Self::Email => has_at,
            Self::Date => birth_word && first.is_ascii_digit(),
            Self::Phone => matches!(first, b'+' | b'0' | b'('),
            Self::Bsn => first.is_ascii_digit(),
            Self::Postcode => matches!(first, b'1'..=b'9'),
        }
    }
}

const PATTERNS: [(Pattern, &str); 6] = [
    (Pattern::Iban, IBAN),
    (Pattern::Email, EMAIL),
    (Pattern::Date, DATE),
    (Pattern::Phone, PHONE),
    (Pattern::Bsn, BSN),
    (Pattern::Postcode, POSTCODE),
];

/// Patterns in one: one pass over the text finds the leftmost candidate and which
/// pattern (the first in `PATTERNS` order) matches there.
struct Candidates {
    regex: MultiRegex,
    /// Index in `PATTERNS` of each of the regex's patterns.
    patterns: Vec<usize>,
}

impl Candidates {
    fn new(with_dates: bool) -> Self {
        let patterns: Vec<usize> = (0..PATTERNS.len())
            .filter(|&i| with_dates || !matches!(PATTERNS[i].0, Pattern::Date))
            .collect();
        let sources: Vec<&str> = patterns.iter().map(|&i| PATTERNS[i].1).collect();
        // The patterns are constants checked by the tests below.
        let regex =
            MultiRegex::new_many(&sources).unwrap_or_else(|e| panic!("bad privacy patterns: {e}"));
        Self { regex, patterns }
    }
}

/// All patterns, for text near a word like "geboren".
static ANY: LazyLock<Candidates> = LazyLock::new(|| Candidates::new(true));
/// All but dates, which are only findings after such a word: most text has many dates and
/// no such word.
static ANY_BUT_DATES: LazyLock<Candidates> = LazyLock::new(|| Candidates::new(false));
/// Each pattern anchored, for when the candidate's own pattern fails its check (an
/// IBAN-shaped number failing mod 97 may still be a phone number).
static ANCHORED: LazyLock<Vec<(Pattern, Regex)>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .map(|(kind, p)| (*kind, re(&format!("^(?:{p})"))))
        .collect()
});
static BSN_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?-u:\b)(?:bsn|burgerservicenummer|burger\s?service\s?nummer|sofinummer|sofi-nummer)")
});
static BIRTH_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?-u:\b)(?:geboren|geboortedatum|geb\.|geboorte|date of birth|born)")
});
static NUMBER_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"[A-Za-z]\s[0-9]{1,5}(?:\s?[a-zA-Z])?(?:\s?-\s?[0-9]{1,4})?,?\s*$"));
static PO_BOX: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:postbus|antwoordnummer)\s[0-9]{1,5},?\s*$"));
static NUMBER_AFTER: LazyLock<Regex> = LazyLock::new(|| re(r"^\s[0-9]{1,5}(?-u:\b)"));

/// The digits of an 8- or 9-digit number, its separators left out, as nine (an 8-digit
/// BSN has a leading zero).
fn nine_digits(matched: &str) -> [u8; 9] {
    let digits: Vec<u8> = matched
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    let mut nine = [0u8; 9];
    let from = 9usize.saturating_sub(digits.len());
    nine[from..].copy_from_slice(&digits[digits.len().saturating_sub(9)..]);
    nine
}

/// The elfproef of a 9-digit BSN.
pub fn is_bsn(digits: &[u8; 9]) -> bool {
    const WEIGHTS: [i64; 9] = [9, 8, 7, 6, 5, 4, 3, 2, -1];
    let sum: i64 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| i64::from(*d) * w)
        .sum();
    sum != 0 && sum % 11 == 0
}

/// ISO 13616 mod 97 of an IBAN (spaces removed, any case).
pub fn is_iban(text: &str) -> bool {
    let iban: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if iban.len() < 5 || !iban.iter().all(char::is_ascii_alphanumeric) {
        return false;
    }
    let rearranged = iban[4..].iter().chain(&iban[..4]);
    let mut rest: u32 = 0;
    for c in rearranged {
        let value = c.to_digit(36).unwrap_or(0);
        rest = if value >= 10 {
            (rest * 100 + value) % 97
        } else {
            (rest * 10 + value) % 97
        };
    }
    rest == 1
}

/// The window of `text` within `chars` characters before `start` (and after `end`).
fn around(text: &str, start: usize, end: usize, before: usize, after: usize) -> &str {
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(before.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let to = text[end..]
        .char_indices()
        .nth(after)
        .map_or(text.len(), |(i, _)| end + i);
    &text[from..to]
}

fn mask(found: &str) -> String {
    // The first three and the last two characters (one allocation: there may be many).
    let head_end = found.char_indices().nth(3).map(|(i, _)| i);
    let tail_start = found.char_indices().rev().nth(1).map(|(i, _)| i);
    match (head_end, tail_start) {
        (Some(head_end), Some(tail_start)) if found[head_end..tail_start].chars().count() >= 2 => {
            let mut out =
                String::with_capacity(head_end + '…'.len_utf8() + found.len() - tail_start);
            out.push_str(&found[..head_end]);
            out.push('…');
            out.push_str(&found[tail_start..]);
            out
        }
        _ => "…".to_owned(),
    }
}

/// Line and column (1-based, in characters) of byte offsets, walking the text once.
struct Positions<'a> {
    text: &'a str,
    at: usize,
    line: usize,
    /// Characters from the start of the current line to `at`.
    column: usize,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            at: 0,
            line: 1,
            column: 0,
        }
    }

    /// The position of `offset`; offsets must come in increasing order. Each byte of the
    /// text is counted once, in blocks the compiler vectorises.
    fn of(&mut self, offset: usize) -> (usize, usize) {
        let passed = &self.text[self.at..offset];
        match passed.rfind('\n') {
            Some(last) => {
                self.line += count_newlines(passed.as_bytes());
                self.column = passed[last + 1..].chars().count();
            }
            None => self.column += passed.chars().count(),
        }
        self.at = offset;
        (self.line, self.column + 1)
    }
}

/// The number of '\n' bytes in `bytes`, 32 at a time.
fn count_newlines(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(32);
    let mut count: usize = chunks
        .by_ref()
        .map(|chunk| usize::from(chunk.iter().map(|&b| u8::from(b == b'\n')).sum::<u8>()))
        .sum();
    count += chunks.remainder().iter().filter(|&&b| b == b'\n').count();
    count
}

/// Whether any byte of `chunk` can start a trigger (a digit, '@' or '+'). Written as a
/// branch-free fold over a fixed-size chunk so the compiler turns it into vector code:
/// prose is skipped 32 bytes at a time.
fn chunk_may_trigger(chunk: &[u8; TRIGGER_CHUNK]) -> bool {
    chunk.iter().fold(false, |any, &b| {
        any | (b.wrapping_sub(b'0') < 10) | (b == b'@') | (b == b'+')
    })
}

const TRIGGER_CHUNK: usize = 32;

/// The position of the next byte at or after `from` that is a digit, '@' or '+'.
fn next_trigger_byte(bytes: &[u8], mut from: usize) -> Option<usize> {
    let is_trigger = |b: u8| b.is_ascii_digit() || b == b'@' || b == b'+';
    while from + TRIGGER_CHUNK <= bytes.len() {
        let chunk: &[u8; TRIGGER_CHUNK] = bytes[from..from + TRIGGER_CHUNK].try_into().ok()?;
        if chunk_may_trigger(chunk) {
            break;
        }
        from += TRIGGER_CHUNK;
    }
    bytes[from..]
        .iter()
        .position(|&b| is_trigger(b))
        .map(|i| from + i)
}

/// The parts of `text` the patterns must look at. Every pattern holds an '@' (e-mail), a
/// '+' before digits or a number starting with 0 (phone), or a run of at least four digits
/// (the year of a date, a postcode, the groups of a BSN or an IBAN). Only the words around
/// those (from whitespace to whitespace, far enough for the longest pattern) are searched;
/// the rest of the text is skipped by a vectorised byte scan. Prose has few such numbers.
fn regions(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let is_space = |b: u8| b == b' ' || b == b'\n' || b == b'\t' || b == b'\r';
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(at) = next_trigger_byte(bytes, i) {
        let b = bytes[at];
        let (back, ahead, next) = if b == b'@' {
            (70, 260, at + 1)
        } else if b == b'+' {
            if !bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
                i = at + 1;
                continue;
            }
            (40, 40, at + 1)
        } else {
            let run = bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let word_start = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
            if run < 4 && !(b == b'0' && word_start) {
                i = at + run;
                continue;
            }
            (40, 40, at + run)
        };
        let reach = (at + ahead).min(bytes.len());
        let extend = |mut end: usize| {
            while end < bytes.len() && !is_space(bytes[end]) {
                end += 1;
            }
            end
        };
        i = next;
        match out.last_mut() {
            // Inside the region so far: only its end may move.
            Some(last) if at < last.1 => {
                if reach > last.1 {
                    last.1 = extend(reach);
                }
                continue;
            }
            _ => {}
        }
        let mut start = at.saturating_sub(back);
        while start > 0 && !is_space(bytes[start - 1]) {
            start -= 1;
        }
        let end = extend(reach);
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// The findings of the patterns in `part` of `text`, which starts at byte `offset`.
fn scan_part<'t>(
    text: &'t str,
    offset: usize,
    part: &'t str,
    birth_word: bool,
    found: &mut Vec<(usize, &'t str, FindingKind, bool)>,
) {
    let has_at = part.contains('@');
    let candidates: &Candidates = if birth_word { &ANY } else { &ANY_BUT_DATES };
    for candidate in candidates.regex.find_iter(part) {
        let rest = &part[candidate.start()..];
        let start = offset + candidate.start();
        let first = rest.as_bytes()[0];
        let own = candidates.patterns[candidate.pattern().as_usize()];
        let matched = &rest[..candidate.len()];
        if let Some((kind, blocks)) = PATTERNS[own].0.check(text, start, matched, birth_word) {
            found.push((start, matched, kind, blocks));
            continue;
        }
        // The patterns before `own` do not match here (the leftmost-first rule); the
        // ones after it may.
        for (pattern, anchored) in &ANCHORED[own + 1..] {
            if !pattern.may_start_with(first, has_at, birth_word) {
                continue;
            }
            let Some(m) = anchored.find(rest) else {
                continue;
            };
            let matched = &rest[..m.end()];
            if let Some((kind, blocks)) = pattern.check(text, start, matched, birth_word) {
                found.push((start, matched, kind, blocks));
                break;
            }
        }
    }
}

impl Pattern {
    /// Whether `matched`, a match of this pattern at byte `start` of `text`, is personal
    /// data, and if so of what kind and whether it blocks.
    /// `birth_word`: as in `may_start_with`.
    fn check(
        self,
        text: &str,
        start: usize,
        matched: &str,
        birth_word: bool,
    ) -> Option<(FindingKind, bool)> {
        let end = start + matched.len();
        match self {
            Self::Iban => is_iban(matched).then_some((FindingKind::Iban, true)),
            Self::Bsn => bsn(text, start, end, matched).map(|blocks| (FindingKind::Bsn, blocks)),
            Self::Date => (birth_word && BIRTH_WORD.is_match(around(text, start, start, 40, 0)))
                .then_some((FindingKind::BirthDate, false)),
            Self::Phone => Some((FindingKind::Phone, false)),
            Self::Email => Some((FindingKind::Email, false)),
            Self::Postcode => {
                let before = around(text, start, start, 40, 0);
                let house_number = (NUMBER_BEFORE.is_match(before) && !PO_BOX.is_match(before))
                    || NUMBER_AFTER.is_match(&text[end..]);
                house_number.then_some((FindingKind::Address, false))
            }
        }
    }
}

/// Whether `matched` (at `start..end` of `text`) is a BSN, and if so whether it blocks
/// (its keyword is near). Amounts and yyyymmdd dates are not BSNs.
fn bsn(text: &str, start: usize, end: usize, matched: &str) -> Option<bool> {
    let nine = nine_digits(matched);
    let digits = &nine[9 - matched.bytes().filter(u8::is_ascii_digit).count()..];
    let before = around(text, start, end, 6, 0);
    let amount = before.contains('€') || before.to_ascii_uppercase().contains("EUR");
    let date_like = digits.len() == 8 && {
        let year = u32::from(digits[0]) * 1000
            + u32::from(digits[1]) * 100
            + u32::from(digits[2]) * 10
            + u32::from(digits[3]);
        let month = digits[4] * 10 + digits[5];
        let day = digits[6] * 10 + digits[7];
        (1900..2100).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
    };
    (is_bsn(&nine) && !amount && !date_like)
        .then(|| BSN_WORD.is_match(around(text, start, end, 50, 50)))
}

/// Personal data in one field's text. `contact`: the entry's contact field, where asking
/// findings are expected.
pub fn scan_field(field: &str, text: &str, contact: bool) -> Vec<Finding> {
    let mut found = scan_regions(field, text, contact, regions(text));
    let more = loose::blocking(field, text, &found);
    found.extend(more);
    found
}

/// The findings in the given regions of `text` (the whole text, in tests).
fn scan_regions(
    field: &str,
    text: &str,
    contact: bool,
    regions: Vec<(usize, usize)>,
) -> Vec<Finding> {
    let mut found: Vec<(usize, &str, FindingKind, bool)> = Vec::new();
    for (start, end) in regions {
        // A date is only a finding after a word like "geboren": most texts have none.
        let birth_word = BIRTH_WORD.is_match(around(text, start, end, 40, 0));
        scan_part(text, start, &text[start..end], birth_word, &mut found);
    }
    found.sort_by_key(|f| f.0);
    // Digits inside an IBAN are not also a phone number or a BSN.
    let mut out: Vec<Finding> = Vec::new();
    let mut positions = Positions::new(text);
    let mut covered_until = 0;
    for (start, matched, kind, blocks) in found {
        if start < covered_until {
            continue;
        }
        covered_until = covered_until.max(start + matched.len());
        if contact && !blocks {
            continue;
        }
        let (line, column) = positions.of(start);
        out.push(Finding {
            kind,
            blocks,
            field: field.to_owned(),
            line,
            column,
            excerpt: mask(matched),
        });
    }
    out
}

/// Compiles the patterns every scan uses, so that a thread can do it while the process
/// does other work (a command opening its store); a scan after it starts at once.
pub fn warm_up() {
    LazyLock::force(&ANY_BUT_DATES);
    LazyLock::force(&BIRTH_WORD);
    LazyLock::force(&BSN_WORD);
    loose::warm_up();
}

/// Personal data anywhere in a body: title, text, tags, themes, story fields, contact.
pub fn scan(body: &Body) -> Vec<Finding> {
    let mut out = scan_field("title", &body.title, false);
    out.extend(scan_field("text", &body.text, false));
    for tag in &body.tags {
        out.extend(scan_field("tags", tag, false));
    }
    for theme in &body.themes {
        out.extend(scan_field("themes", theme, false));
    }
    for (name, text) in body.fields.story_parts() {
        out.extend(scan_field(name, text, false));
    }
    if let Some(contact) = &body.contact {
        out.extend(scan_field("contact", contact, true));
    }
    out
}

#[cfg(test)]
mod tests;
