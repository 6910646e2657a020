//! Trust figure: recomputing the trust set for 342 organisations and 2 000 endorsements
//! (and a few rotations and revocations), from entries as the node holds them.
//!
//! Run: `cargo bench --bench trust`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use wiel_node::trust::{TrustConfig, TrustFacts, TrustMode, TrustSet};
use wiel_protocol::{
    Body, CbsCode, Draft, Kind, KindFields, OrgKeypair, SpaceName, Timestamp, testing,
};

const ORGS: usize = 342;
const ENDORSEMENTS: usize = 2000;
const RUNS: u32 = 200;

fn main() {
    let keys: Vec<OrgKeypair> = (0..ORGS)
        .map(|i| {
            let mut secret = [0u8; 32];
            secret[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
            OrgKeypair::from_secret(secret)
        })
        .collect();
    // A deterministic spread of endorsements: each organisation vouches for a few others.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let now = Timestamp::now();
    let mut entries = Vec::new();
    while entries.len() < ENDORSEMENTS {
        let (from, to) = ((next() as usize) % ORGS, (next() as usize) % ORGS);
        if from == to {
            continue;
        }
        let entry = Draft {
            network: testing::network(),
            space: SpaceName::national(),
            kind: Kind::Endorsement,
            refs: vec![],
            created_at: now,
            body: Body {
                fields: KindFields::Endorsement {
                    subject: keys[to].public(),
                    name: format!("Gemeente {to}"),
                    cbs_code: CbsCode::new(format!("GM{:04}", to)).unwrap(),
                },
                ..Body::default()
            },
        }
        .sign(&keys[from], &testing::rules())
        .unwrap();
        entries.push(entry);
    }
    let config = TrustConfig {
        mode: TrustMode::WebOfTrust,
        roots: keys[1..6].iter().map(|k| k.public()).collect(),
        depth: 2,
        ..TrustConfig::default()
    };
    let start = Instant::now();
    let mut trusted = 0;
    for _ in 0..RUNS {
        let facts = TrustFacts::from_entries(&entries);
        let set = TrustSet::compute(&config, keys[0].public(), &facts);
        trusted = set.members().len();
    }
    let per_run = start.elapsed() / RUNS;
    println!(
        "trust set for {ORGS} organisations and {ENDORSEMENTS} endorsements: {:.3} ms per recomputation (facts read from entries, then the walk); {trusted} trusted at depth 2",
        per_run.as_secs_f64() * 1e3
    );
}
