//! Privacy-guard figure of the trust issue: the guard on a 64 KB body, against signing the
//! same entry (encode, hash, sign, and the check every signed entry gets).
//!
//! Run: `cargo bench --bench privacy`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use wiel_protocol::{Body, Draft, Kind, SpaceName, Timestamp, privacy, testing};

const RUNS: u32 = 200;
const BATCHES: usize = 5;

fn main() {
    // Dutch text with the numbers a practice holds: amounts, years, articles, dates, one
    // phone number and one e-mail address per few kilobytes.
    let paragraph = "In 2024 besteedde de gemeente € 1.250.000 aan jeugdhulp (artikel 2.3.6 Jeugdwet). \
        Het overleg van 12-03-2024 besprak de wachtlijsten; bel 038-4981234 of mail \
        jeugd@zwolle.example voor het verslag. Zaak Z-2024-000123, versie 1.2, 0,5 fte extra.\n";
    let mut text = String::new();
    while text.len() < 64 * 1024 - paragraph.len() {
        text.push_str(paragraph);
    }
    let body = Body {
        title: "Verslag wachtlijstaanpak".into(),
        text,
        ..Body::default()
    };
    // And prose as people write it: the seed texts, repeated to 64 KB.
    let seeds_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol/tests/data/seeds");
    let mut seeds = String::new();
    for entry in std::fs::read_dir(&seeds_dir).unwrap() {
        seeds.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    let mut prose = String::new();
    while prose.len() + seeds.len() < 64 * 1024 {
        prose.push_str(&seeds);
    }
    let mut cut = 64 * 1024 - prose.len();
    while !seeds.is_char_boundary(cut) {
        cut -= 1;
    }
    prose.push_str(&seeds[..cut]);
    let prose = Body {
        title: "Praktijkverhalen".into(),
        text: prose,
        ..Body::default()
    };
    // The best of a few batches: a shared machine only ever adds time.
    let time_scan = |body: &Body| {
        (0..BATCHES)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..RUNS {
                    std::hint::black_box(privacy::scan(std::hint::black_box(body)));
                }
                start.elapsed() / RUNS
            })
            .min()
            .unwrap()
    };
    let scan_prose = time_scan(&prose);
    let findings = privacy::scan(&body).len();
    let scan = time_scan(&body);
    let key = testing::key(1);
    let rules = testing::rules();
    let sign = (0..BATCHES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..RUNS {
                let draft = Draft {
                    network: testing::network(),
                    space: SpaceName::national(),
                    kind: Kind::Practice,
                    refs: vec![],
                    created_at: Timestamp::now(),
                    body: body.clone(),
                };
                std::hint::black_box(draft.sign(&key, &rules).unwrap());
            }
            start.elapsed() / RUNS
        })
        .min()
        .unwrap();
    println!(
        "privacy guard on 64 KB of the seed texts ({} findings): {:.3} ms",
        privacy::scan(&prose).len(),
        scan_prose.as_secs_f64() * 1e3
    );
    println!(
        "privacy guard on a {} KB body dense with numbers ({findings} findings): {:.3} ms; signing the entry: {:.3} ms ({:.1}×)",
        body.text.len() / 1024,
        scan.as_secs_f64() * 1e3,
        sign.as_secs_f64() * 1e3,
        scan.as_secs_f64() / sign.as_secs_f64()
    );
}
