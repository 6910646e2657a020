use super::*;

fn kinds(text: &str) -> Vec<(FindingKind, bool)> {
    scan_field("text", text, false)
        .into_iter()
        .map(|f| (f.kind, f.blocks))
        .collect()
}

#[test]
fn bsn_by_elfproef_and_keyword() {
    // 111222333: 9+8+7+12+10+8+9+6-3 = 66 = 6 × 11.
    assert!(is_bsn(&[1, 1, 1, 2, 2, 2, 3, 3, 3]));
    assert!(!is_bsn(&[1, 1, 1, 2, 2, 2, 3, 3, 4]));
    assert!(!is_bsn(&[0; 9]), "sum 0 is no BSN");
    assert_eq!(
        kinds("Het BSN van de cliënt is 111222333."),
        [(FindingKind::Bsn, true)]
    );
    assert_eq!(
        kinds("burgerservicenummer: 1112.22.333"),
        [(FindingKind::Bsn, true)]
    );
    assert_eq!(
        kinds("Dossier 111222333 is dicht."),
        [(FindingKind::Bsn, false)]
    );
    // 8 digits read with a leading zero: 012345672 passes.
    assert!(is_bsn(&[0, 1, 2, 3, 4, 5, 6, 7, 2]));
    assert_eq!(kinds("sofinummer 12345672"), [(FindingKind::Bsn, true)]);
    assert!(kinds("bsn 111222334").is_empty(), "fails the elfproef");
}

#[test]
fn iban_by_mod_97() {
    assert!(is_iban("NL91ABNA0417164300"));
    assert!(is_iban("nl91 abna 0417 1643 00"));
    assert!(!is_iban("NL92ABNA0417164300"));
    assert_eq!(
        kinds("Maak over op NL91 ABNA 0417 1643 00 graag."),
        [(FindingKind::Iban, true)]
    );
    assert!(kinds("NL92ABNA0417164300").is_empty());
}

#[test]
fn phones_mails_birth_dates_and_addresses_ask() {
    for (text, kind) in [
        ("Bel 06-12345678 voor info", FindingKind::Phone),
        ("bel 06 1234 5678", FindingKind::Phone),
        ("+31 6 12345678", FindingKind::Phone),
        ("+31 (0)38 498 1234", FindingKind::Phone),
        ("tel. 038-4981234", FindingKind::Phone),
        ("(038) 498 12 34", FindingKind::Phone),
        ("0031 20 1234567", FindingKind::Phone),
        ("mail jan.jansen@example.nl", FindingKind::Email),
        ("geboren op 12-03-1984", FindingKind::BirthDate),
        ("geboortedatum: 3 maart 1984", FindingKind::BirthDate),
        (
            "woont aan de Dorpsstraat 12, 8011 AB Zwolle",
            FindingKind::Address,
        ),
        ("adres 8011AB 12", FindingKind::Address),
    ] {
        assert_eq!(kinds(text), [(kind, false)], "{text}");
    }
}

#[test]
fn ordinary_numbers_are_not_flagged() {
    for text in [
        "Het budget is € 123456789 voor vier jaar.",
        "Een bedrag van 2.500.000 euro, of € 1.250.000,00.",
        "In 2019, 2020 en 2023 stegen de kosten met 12,5%.",
        "Artikel 2.3.6 Jeugdwet en artikel 8.1.1 lid 3.",
        "We vergaderen op 12-03-2024 om 10.00 uur, en op 3 maart 2025.",
        "De vergadering van 20240115 is verplaatst.",
        "Zaaknummer Z-2024-000123, versie 1.2.",
        "Postcode 8011 AB is het centrum.",
        "Postbus 18607, 2502 EP Den Haag",
        "Kamer 0.12 in het stadhuis; 0,5 fte extra.",
        "Telefonisch spreekuur: 14 038.",
    ] {
        assert!(kinds(text).is_empty(), "flagged: {text}: {:?}", kinds(text));
    }
}

#[test]
fn the_contact_field_may_hold_phone_and_mail_but_not_a_bsn() {
    assert!(scan_field("contact", "j.jansen@zwolle.nl, 06-12345678", true).is_empty());
    assert_eq!(scan_field("contact", "bsn 111222333", true).len(), 1);
}

/// Texts made of pieces that are, or are close to, personal data.
fn pieces() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    const PIECES: &[&str] = &[
        "Bel ",
        "06-12345678",
        "06 12 34 56 78",
        "(038) 498 12 34",
        "+31 6 1234 5678",
        "0031 20 1234567",
        " ",
        "\n",
        ", ",
        "geboren op ",
        "12-03-1984",
        "3 maart 1984",
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "NL92ABNA0417164300",
        "€ ",
        "111222333",
        "1112.22.333",
        "12345672",
        "bsn ",
        "sofinummer: ",
        "jan@example.nl",
        "@",
        "a.b@c",
        "8011 AB",
        "Dorpsstraat 12, ",
        "Postbus 18607, ",
        "2024",
        "20240115",
        "é",
        "ë€",
        "0,5",
        "10.00",
        "artikel 2.3.6",
        "wachtlijst",
        "Zwolle",
        "+",
        "0",
        "9999",
        "x",
    ];
    proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
        .prop_map(|parts| parts.concat())
}

proptest::proptest! {
    /// Looking only around the triggers finds exactly what a search of the whole
    /// text finds.
    #[test]
    fn regions_miss_nothing(text in pieces()) {
        let fast = scan_field("text", &text, false);
        let mut whole = scan_regions("text", &text, false, vec![(0, text.len())]);
        let loose = super::loose::blocking("text", &text, &whole);
        whole.extend(loose);
        proptest::prop_assert_eq!(fast, whole);
    }
}

#[test]
fn findings_say_where_they_are() {
    let f = scan_field("text", "Eerste regel.\nBel 06-12345678 nu.", false);
    assert_eq!((f[0].line, f[0].column), (2, 5));
    assert_eq!(f[0].excerpt, "06-…78");
    assert_eq!(mask("123456"), "…");
    assert_eq!(mask("1234567"), "123…67");
    assert_eq!(mask("éé@ab.nl"), "éé@…nl");
    assert_eq!(
        f[0].to_string(),
        "phone number 06-…78 in the text at line 2, column 5"
    );
    // Columns count characters, lines carry on across findings. (é@x.nl is no
    // address: the rules take ASCII letters before the @, so the match is j@….)
    let text = "één € 5\n\nzij mailt é@x.nl en ë.j@example.nl\nNL91ABNA0417164300";
    let f = scan_field("text", text, false);
    let at: Vec<_> = f.iter().map(|f| (f.kind, f.line, f.column)).collect();
    assert_eq!(at, [(FindingKind::Email, 3, 23), (FindingKind::Iban, 4, 1)]);
}

#[test]
fn a_bsn_or_iban_blocks_however_it_is_written() {
    for text in [
        "BSN 111 222 333",
        "bsn: 111.222.333",
        "BSN 111-222-333",
        "BSN 111\u{200b}222333",
        "BSN 1112\u{ad}22333",
        "BSN \u{ff11}\u{ff11}\u{ff11}\u{ff12}\u{ff12}\u{ff12}\u{ff13}\u{ff13}\u{ff13}",
        "BSN \u{661}\u{661}\u{661}\u{662}\u{662}\u{662}\u{663}\u{663}\u{663}",
        "NL91.ABNA.0417.1643.00",
        "NL91ABNA0417\u{200b}164300",
        "rekening BE68539007547034",
        "DE89 3704 0044 0532 0130 00",
    ] {
        let found = scan_field("text", text, false);
        assert!(found.iter().any(|f| f.blocks), "{text:?}: {found:?}");
    }
    // Not every number is one: a count of people, an amount, a failing elfproef.
    for text in [
        "BSN-proof: 111 222 334 keer",
        "Wij hadden 100 000 000 euro",
        "NL91 ABNA 0417 1643 01",
    ] {
        let found = scan_field("text", text, false);
        assert!(!found.iter().any(|f| f.blocks), "{text:?}: {found:?}");
    }
}
