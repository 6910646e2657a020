//! What is read back is verified, and erasure reaches every copy on disk: a changed byte
//! in the entry log is found, walks skip a damaged entry, `check` quarantines it, and a
//! crash between appending a body and committing it leaves no copy behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use wiel_protocol::testing::{self, key};
use wiel_protocol::{Body, Kind};
use wiel_store::{Ingest, ListFilter, Store, StoreError};

const T0: u64 = 1_750_000_000_000;

fn marked(n: u64, marker: &str) -> wiel_protocol::Verified {
    testing::written(
        &key(1),
        Kind::Practice,
        vec![],
        T0 + n,
        &format!("Voorbeeld {n}"),
        &format!("Tekst met {marker} erin."),
        &[],
    )
}

/// Every file under `dir` that holds `needle`.
fn files_holding(dir: &std::path::Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_holding(&path, needle));
        } else if std::fs::read(&path)
            .unwrap()
            .windows(needle.len())
            .any(|w| w == needle)
        {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_changed_byte_in_the_log_is_found_skipped_and_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<_> = (0..3).map(|n| marked(n, "gewoon")).collect();
    {
        let store = Store::open(dir.path()).unwrap();
        store.ingest_batch(entries.clone()).unwrap();
    }
    // Flip one byte inside the second entry's text.
    let log = dir.path().join("entries.log");
    let mut bytes = std::fs::read(&log).unwrap();
    let at = bytes
        .windows(b"Voorbeeld 1".len())
        .position(|w| w == b"Voorbeeld 1")
        .unwrap();
    bytes[at] ^= 0x20;
    std::fs::write(&log, &bytes).unwrap();

    let store = Store::open(dir.path()).unwrap();
    match store.get(&entries[1].id()) {
        Err(StoreError::Corrupt { reason, .. }) => assert!(reason.contains("body"), "{reason}"),
        other => panic!("a damaged entry must not read as authentic: {other:?}"),
    }
    // Walks leave it out instead of failing.
    let listed = store.list(&ListFilter::default()).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(store.iter_all().filter(|e| e.is_ok()).count(), 2);
    // `check` finds it and takes it out, so that sync fetches it again.
    let before = store.generation();
    let report = store.check(&testing::rules()).unwrap();
    // Sets that follow the store by its additions are told to read it anew.
    assert!(matches!(
        store.added_since(before),
        wiel_store::AddedSince::Unknown { .. }
    ));
    assert_eq!(report.checked, 3);
    assert_eq!(report.quarantined.len(), 1);
    assert_eq!(report.quarantined[0].id, entries[1].id());
    assert!(!store.holds(&entries[1].id()).unwrap());
    assert_eq!(store.ingest(entries[1].clone()).unwrap(), Ingest::Stored);
    assert_eq!(
        store.get(&entries[1].id()).unwrap(),
        Some(entries[1].clone())
    );
    assert!(
        store
            .check(&testing::rules())
            .unwrap()
            .quarantined
            .is_empty()
    );
}

#[test]
fn a_truncated_log_never_shows_another_entry_under_an_old_id() {
    let dir = tempfile::tempdir().unwrap();
    let first = marked(1, "eerste");
    {
        let store = Store::open(dir.path()).unwrap();
        store.ingest(first.clone()).unwrap();
    }
    let log = dir.path().join("entries.log");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(0)
        .unwrap();
    let store = Store::open(dir.path()).unwrap();
    let second = marked(2, "tweede");
    store.ingest(second.clone()).unwrap();
    assert!(matches!(
        store.get(&first.id()),
        Err(StoreError::Corrupt { .. })
    ));
    assert_eq!(store.get(&second.id()).unwrap(), Some(second));
}

#[test]
fn a_crash_between_log_append_and_commit_leaves_no_copy_after_a_retraction() {
    let dir = tempfile::tempdir().unwrap();
    let marker = "Zeergeheimemarkering";
    let secret = marked(7, marker);
    {
        let store = Store::open(dir.path()).unwrap();
        store.ingest(marked(1, "gewoon")).unwrap();
    }
    // The crash: the entry's bytes were appended to the log, sled never committed.
    std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("entries.log"))
        .unwrap()
        .write_all(secret.bytes())
        .unwrap();
    assert!(!files_holding(dir.path(), marker.as_bytes()).is_empty());
    {
        // After the restart the entry arrives again and is then retracted.
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.ingest(secret.clone()).unwrap(), Ingest::Stored);
        let retraction = testing::signed_body(
            &key(1),
            Kind::Retraction,
            vec![wiel_protocol::Ref {
                rel: wiel_protocol::Rel::Retracts,
                target: secret.id(),
            }],
            T0 + 100,
            Body::default(),
        );
        assert_eq!(store.ingest(retraction).unwrap(), Ingest::Stored);
        store.flush().unwrap();
    }
    assert_eq!(
        files_holding(dir.path(), marker.as_bytes()),
        Vec::<std::path::PathBuf>::new(),
        "a copy of the retracted text survived on disk"
    );
}

#[test]
fn compaction_drops_dead_bytes_keeps_every_live_entry_and_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let marker = "Teverwijderenmarkering";
    let kept: Vec<_> = (0..10).map(|n| marked(n, "blijvend")).collect();
    let gone: Vec<_> = (10..20).map(|n| marked(n, marker)).collect();
    {
        let store = Store::open(dir.path()).unwrap();
        store.ingest_batch(kept.clone()).unwrap();
        store.ingest_batch(gone.clone()).unwrap();
        let retractions = gone
            .iter()
            .enumerate()
            .map(|(i, e)| testing::retraction(&key(1), e.id(), T0 + 1_000 + i as u64))
            .collect();
        store.ingest_batch(retractions).unwrap();
        let usage = store.log_usage().unwrap();
        assert!(usage.dead_bytes > 0, "{usage:?}");
        let done = store.compact().unwrap();
        assert!(done.after < done.before, "{done:?}");
        assert_eq!(store.log_usage().unwrap().dead_bytes, 0);
        for e in &kept {
            assert_eq!(store.get(&e.id()).unwrap().unwrap().bytes(), e.bytes());
        }
        // Writing goes on in the new file.
        assert_eq!(store.ingest(marked(30, "nieuw")).unwrap(), Ingest::Stored);
        store.flush().unwrap();
    }
    assert!(
        !dir.path().join("entries.log").exists(),
        "the old log is gone"
    );
    // What a crash in a later compaction would leave: a half-written next file.
    std::fs::write(dir.path().join("entries.2.log"), b"half written").unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert!(!dir.path().join("entries.2.log").exists());
    for e in &kept {
        assert_eq!(store.get(&e.id()).unwrap().unwrap().bytes(), e.bytes());
    }
    let listed = store.list(&ListFilter::default()).unwrap();
    let practices = listed
        .iter()
        .filter(|e| e.header().kind == Kind::Practice && e.body().is_some())
        .count();
    assert_eq!(practices, 11, "ten kept and the new one");
    drop(store);
    assert_eq!(
        files_holding(dir.path(), marker.as_bytes()),
        Vec::<std::path::PathBuf>::new()
    );
}

/// A retraction by `key(1)` of `target`, giving `reason`.
fn retraction(target: wiel_protocol::EntryId, reason: &str, n: u64) -> wiel_protocol::Verified {
    testing::signed_body(
        &key(1),
        Kind::Retraction,
        vec![wiel_protocol::Ref {
            rel: wiel_protocol::Rel::Retracts,
            target,
        }],
        T0 + n,
        Body {
            text: reason.into(),
            ..Body::default()
        },
    )
}

#[test]
fn a_retracted_retraction_loses_its_reason_on_disk_and_keeps_its_effect_in_any_order() {
    let marker = "Mevrouwjanssenvroegerom";
    let entry = marked(1, "gewoon");
    let first = retraction(entry.id(), &format!("Reden: {marker}"), 10);
    let second = retraction(first.id(), "", 20);
    for order in [
        vec![entry.clone(), first.clone(), second.clone()],
        vec![second.clone(), first.clone(), entry.clone()],
        vec![first.clone(), second.clone(), entry.clone()],
    ] {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            for e in order {
                store.ingest(e).unwrap();
            }
            store.flush().unwrap();
            assert_eq!(store.retracted_by(&entry.id()).unwrap(), Some(first.id()));
            assert_eq!(store.retracted_by(&first.id()).unwrap(), Some(second.id()));
            assert!(store.get(&first.id()).unwrap().unwrap().body().is_none());
            assert!(store.get(&entry.id()).unwrap().unwrap().body().is_none());
        }
        assert_eq!(
            files_holding(dir.path(), marker.as_bytes()),
            Vec::<std::path::PathBuf>::new(),
            "the reason survived on disk"
        );
    }
}

#[test]
fn only_the_same_bytes_of_a_held_entry_count_as_a_copy_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (held, retracted, never) = (marked(1, "a"), marked(2, "b"), marked(3, "c"));
    for e in [&held, &retracted] {
        assert_eq!(store.ingest(e.clone()).unwrap(), Ingest::Stored);
    }
    let retraction = testing::retraction(&key(1), retracted.id(), T0 + 10);
    assert_eq!(store.ingest(retraction).unwrap(), Ingest::Stored);
    let bytes = held.bytes().to_vec();
    assert!(store.holds_as(&held.id(), &bytes).unwrap());
    let mut damaged = bytes.clone();
    *damaged.last_mut().unwrap() ^= 1;
    assert!(!store.holds_as(&held.id(), &damaged).unwrap());
    assert!(
        !store
            .holds_as(&held.id(), &bytes[..bytes.len() - 1])
            .unwrap()
    );
    assert!(!store.holds_as(&never.id(), never.bytes()).unwrap());
    // A retracted entry is held as a tombstone: its old bytes are no copy of that.
    assert!(store.holds(&retracted.id()).unwrap());
    assert!(!store.holds_as(&retracted.id(), retracted.bytes()).unwrap());
}
