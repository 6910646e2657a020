//! The privacy guard on texts modelled on the seed texts the project grew from, written
//! fresh for the repository (`tests/data/seeds/`, with made-up contact details): the phone
//! numbers, e-mail addresses and the office's address must be found (all of the asking
//! kind), and the many ordinary numbers, amounts, years, dates and the PO box must not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_protocol::privacy::{FindingKind, scan_field};

fn seeds() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/seeds");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn finds_the_phone_numbers_and_mail_addresses_in_the_seeds_and_nothing_else() {
    let seeds = seeds();
    assert!(seeds.len() >= 5);
    let mut phones = 0;
    let mut mails = 0;
    let mut addresses = 0;
    for (name, text) in &seeds {
        for f in scan_field("text", text, false) {
            println!("{name}: {f}");
            assert!(!f.blocks, "{name}: nothing in the seeds blocks: {f}");
            match f.kind {
                FindingKind::Phone => phones += 1,
                FindingKind::Email => mails += 1,
                FindingKind::Address => addresses += 1,
                other => panic!("{name}: unexpected {other:?}: {f}"),
            }
        }
    }
    // 001: a mail address and a mobile number; 003: two mobile numbers and two mail
    // addresses (one of them twice); 004: an office's address (street, number, postcode),
    // phone number and mail address (its PO box is no house address).
    assert_eq!(phones, 4, "phone numbers");
    assert_eq!(mails, 5, "e-mail addresses");
    assert_eq!(addresses, 1, "postcode with house number");
}
