//! What always blocks, found however it is written: a BSN next to its keyword in any
//! grouping (`111 222 333`, `111-222-333`), and an IBAN of a European country with spaces,
//! dots or dashes — also when digits are full-width or Arabic-Indic, or hidden characters
//! (zero width, soft hyphen) are put between them. The fast scan in `mod.rs` finds the
//! usual forms; this pass reads a normalised copy of the text for the rest.

use std::sync::LazyLock;

use regex::Regex;

use super::{Finding, FindingKind, is_bsn, is_iban, mask, nine_digits, re};

/// A number of 8 or 9 digits in groups, within a few characters after a BSN keyword (any
/// but an ASCII letter, digit or `_`: Unicode's `\W` made this the costliest pattern to compile).
static BSN_NEAR_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:bsn|burgerservicenummer|burger\s?service\s?nummer|sofinummer|sofi-nummer)[^a-zA-Z0-9_]{0,12}([0-9](?:[ .\-]?[0-9]){7,8})(?-u:\b)",
    )
});
/// Two letters, two digits, then 11 to 30 letters or digits, with separators between.
static IBAN_ANY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?-u:\b)([A-Za-z]{2}[0-9]{2}(?:[ .\-]?[A-Za-z0-9]){11,30})(?-u:\b)"));

/// Compiles this pass's patterns (see [`super::warm_up`]).
pub(super) fn warm_up() {
    LazyLock::force(&BSN_NEAR_WORD);
    LazyLock::force(&IBAN_ANY);
}

/// How long an IBAN of this country is (the countries of the EU and EEA, the UK and
/// Switzerland, and a few more that use the IBAN).
fn iban_length(country: &str) -> Option<usize> {
    Some(match country {
        "NO" => 15,
        "BE" => 16,
        "DK" | "FI" | "FO" | "GL" | "NL" => 18,
        "MK" | "SI" => 19,
        "AT" | "BA" | "EE" | "KZ" | "LT" | "LU" => 20,
        "CH" | "CR" | "HR" | "LI" | "LV" => 21,
        "BG" | "DE" | "GB" | "GE" | "IE" | "ME" | "RS" => 22,
        "GI" | "IL" => 23,
        "AD" | "CZ" | "ES" | "MD" | "PK" | "RO" | "SA" | "SE" | "SK" | "TN" | "VG" => 24,
        "PT" => 25,
        "IS" | "TR" => 26,
        "FR" | "GR" | "IT" | "MC" | "MR" | "SM" => 27,
        "AL" | "AZ" | "BY" | "CY" | "DO" | "GT" | "HU" | "LB" | "PL" => 28,
        "MT" => 31,
        _ => return None,
    })
}

/// The text with every decimal digit as ASCII, full-width letters as ASCII, and invisible
/// characters taken out.
fn normalised(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let mapped = match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => None,
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + u32::from(b'0')),
            '\u{FF21}'..='\u{FF3A}' => char::from_u32(c as u32 - 0xFF21 + u32::from(b'A')),
            '\u{FF41}'..='\u{FF5A}' => char::from_u32(c as u32 - 0xFF41 + u32::from(b'a')),
            '\u{0660}'..='\u{0669}' => char::from_u32(c as u32 - 0x0660 + u32::from(b'0')),
            '\u{06F0}'..='\u{06F9}' => char::from_u32(c as u32 - 0x06F0 + u32::from(b'0')),
            '\u{0966}'..='\u{096F}' => char::from_u32(c as u32 - 0x0966 + u32::from(b'0')),
            '\u{2007}' | '\u{202F}' | '\u{00A0}' => Some(' '),
            c => Some(c),
        };
        out.extend(mapped);
    }
    out
}

/// Blocking findings the fast scan did not report (`already`).
pub(super) fn blocking(field: &str, text: &str, already: &[Finding]) -> Vec<Finding> {
    let text = normalised(text);
    let mut out: Vec<Finding> = Vec::new();
    let mut add = |kind: FindingKind, at: usize, plain: &str| {
        let excerpt = mask(plain);
        if already
            .iter()
            .chain(out.iter())
            .any(|f| f.kind == kind && f.excerpt == excerpt)
        {
            return;
        }
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        out.push(Finding {
            kind,
            blocks: true,
            field: field.to_owned(),
            line,
            column,
            excerpt,
        });
    };
    for found in BSN_NEAR_WORD.captures_iter(&text) {
        let Some(number) = found.get(1) else {
            continue;
        };
        if is_bsn(&nine_digits(number.as_str())) {
            let plain: String = number
                .as_str()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            add(FindingKind::Bsn, number.start(), &plain);
        }
    }
    for found in IBAN_ANY.captures_iter(&text) {
        let Some(candidate) = found.get(1) else {
            continue;
        };
        let plain: String = candidate
            .as_str()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        // As long as that country's IBANs are: a longer run is not read as one.
        let Some(length) = iban_length(&plain[..2]) else {
            continue;
        };
        if plain.len() >= length && is_iban(&plain[..length]) {
            add(FindingKind::Iban, candidate.start(), &plain[..length]);
        }
    }
    out
}
