use super::*;
use crate::Store;

/// A store's header database with rows in two trees, and 8 MB of rows written and removed
/// again (the garbage a catch-up leaves); its checksum.
fn store_with_garbage(dir: &Path) -> u64 {
    let db = crate::open_db(dir).unwrap();
    let kept = db.open_tree("kept").unwrap();
    for i in 0u32..2_000 {
        kept.insert(i.to_be_bytes(), vec![7u8; 100]).unwrap();
    }
    let churn = db.open_tree("churn").unwrap();
    for round in 0..4u32 {
        for i in 0u32..2_000 {
            let key = (round * 10_000 + i).to_be_bytes();
            churn.insert(key, vec![1u8; 1_000]).unwrap();
        }
        churn.clear().unwrap();
        db.flush().unwrap();
    }
    db.insert(b"default tree", b"kept too").unwrap();
    db.flush().unwrap();
    drop((kept, churn, db));
    wait_released(dir).unwrap();
    checksum(dir)
}

/// The rows `store_with_garbage` wrote, as a checksum (a store that opened on the
/// database adds rows of its own).
fn checksum(dir: &Path) -> u64 {
    let db = crate::open_db(dir).unwrap();
    let mut hasher = std::hash::DefaultHasher::new();
    for tree in [&*db, &db.open_tree("kept").unwrap()] {
        for row in tree.iter() {
            let (key, value) = row.unwrap();
            std::hash::Hash::hash(&(&*key, &*value), &mut hasher);
        }
    }
    drop(db);
    wait_released(dir).unwrap();
    std::hash::Hasher::finish(&hasher)
}

fn db_bytes(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("db")).unwrap().len()
}

/// The copy built and marked complete, not swapped in (a crash right after the mark).
fn copy_marked(dir: &Path) {
    let db = crate::open_db(dir).unwrap();
    copy_into(&db, &dir.join(REBUILD_DIR)).unwrap();
    drop(db);
    wait_released(dir).unwrap();
    mark_complete(&dir.join(REBUILD_DIR)).unwrap();
}

#[test]
fn a_rebuild_keeps_every_row_and_gives_the_free_space_back() {
    let dir = tempfile::tempdir().unwrap();
    let sum = store_with_garbage(dir.path());
    let before = db_bytes(dir.path());

    let rebuilt = rebuild_if_worth(dir.path(), true).unwrap().unwrap();
    assert_eq!(rebuilt.before, before);
    assert!(rebuilt.after < before / 2, "{rebuilt:?}");
    assert_eq!(rebuilt.rows, 2_001);
    assert!(!dir.path().join(REBUILD_DIR).exists());
    assert_eq!(checksum(dir.path()), sum);
    // The store opens on it as before.
    Store::open(dir.path()).unwrap();
}

#[test]
fn a_small_or_mostly_used_database_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let sum = store_with_garbage(dir.path());
    let before = db_bytes(dir.path());
    assert_eq!(rebuild_if_worth(dir.path(), false).unwrap(), None);
    assert_eq!(db_bytes(dir.path()), before);
    assert_eq!(checksum(dir.path()), sum);

    let mb = 1024 * 1024;
    let usage = |file_bytes, row_bytes| HeaderUsage {
        file_bytes,
        row_bytes,
    };
    assert!(!usage(20 * mb, mb).worth_rebuilding(), "small");
    assert!(!usage(80 * mb, 30 * mb).worth_rebuilding(), "mostly used");
    assert!(usage(80 * mb, 20 * mb).worth_rebuilding());
}

#[test]
fn opening_the_store_deletes_a_copy_that_was_never_completed() {
    let dir = tempfile::tempdir().unwrap();
    let sum = store_with_garbage(dir.path());
    let copy = dir.path().join(REBUILD_DIR);
    std::fs::create_dir(&copy).unwrap();
    std::fs::write(copy.join("db"), b"half a copy").unwrap();

    Store::open(dir.path()).unwrap();
    assert!(!copy.exists());
    assert_eq!(checksum(dir.path()), sum);
}

#[test]
fn opening_the_store_finishes_a_swap_a_crash_left_before_it_began_or_halfway() {
    for moved in [0, 1, 2] {
        let dir = tempfile::tempdir().unwrap();
        let sum = store_with_garbage(dir.path());
        let before = db_bytes(dir.path());
        copy_marked(dir.path());
        // Halfway: the old database file removed and the new one moved in, or only removed.
        if moved > 0 {
            std::fs::remove_file(dir.path().join("db")).unwrap();
        }
        if moved > 1 {
            std::fs::rename(
                dir.path().join(REBUILD_DIR).join("db"),
                dir.path().join("db"),
            )
            .unwrap();
        }

        Store::open(dir.path()).unwrap();
        assert!(!dir.path().join(REBUILD_DIR).exists(), "{moved}");
        assert!(db_bytes(dir.path()) < before / 2, "{moved}");
        assert_eq!(checksum(dir.path()), sum, "{moved}");
    }
}

#[test]
fn nothing_moves_while_another_holds_the_store_open() {
    let dir = tempfile::tempdir().unwrap();
    let sum = store_with_garbage(dir.path());
    let before = db_bytes(dir.path());
    let open = crate::open_db(dir.path()).unwrap();
    let err = rebuild_if_worth(dir.path(), true).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(!dir.path().join(REBUILD_DIR).exists());

    // A completed copy waits while the store is open, and is swapped in once it is not.
    drop(open);
    wait_released(dir.path()).unwrap();
    copy_marked(dir.path());
    let open = crate::open_db(dir.path()).unwrap();
    assert!(matches!(
        recover(dir.path()),
        Err(StoreError::Locked { .. })
    ));
    assert!(dir.path().join(REBUILD_DIR).join(COMPLETE).exists());
    assert!(db_bytes(dir.path()) > before / 2, "the old file in use");
    drop(open);
    wait_released(dir.path()).unwrap();
    // Another process moving the files: the open says locked.
    let held = lock_moves(dir.path()).unwrap().unwrap();
    assert!(matches!(
        Store::open(dir.path()),
        Err(StoreError::Locked { .. })
    ));
    drop(held);
    Store::open(dir.path()).unwrap();
    assert_eq!(checksum(dir.path()), sum);
}

#[test]
fn a_mark_that_does_not_name_the_database_never_costs_the_live_one() {
    for mark in ["", "snap.0001", "conf", "db\n../../elsewhere", "db\nconf\n"] {
        let dir = tempfile::tempdir().unwrap();
        let sum = store_with_garbage(dir.path());
        let copy = dir.path().join(REBUILD_DIR);
        std::fs::create_dir(&copy).unwrap();
        std::fs::write(copy.join(COMPLETE), mark).unwrap();

        // The last names both, but the copy holds neither (as after a swap that moved
        // everything and stopped before deleting the copy): the live files stay.
        drop(Store::open(dir.path()).unwrap());
        assert!(!copy.exists(), "{mark:?}");
        assert_eq!(checksum(dir.path()), sum, "{mark:?}");
    }
    // A file where the copy's directory would be.
    let dir = tempfile::tempdir().unwrap();
    let sum = store_with_garbage(dir.path());
    std::fs::write(dir.path().join(REBUILD_DIR), b"not a directory").unwrap();
    Store::open(dir.path()).unwrap();
    assert!(!dir.path().join(REBUILD_DIR).exists());
    assert_eq!(checksum(dir.path()), sum);
}

#[test]
fn rows_written_while_rebuilds_run_are_never_lost() {
    let dir = tempfile::tempdir().unwrap();
    store_with_garbage(dir.path());
    let path = dir.path().to_owned();
    let rebuilds = std::thread::spawn(move || {
        let mut done = 0;
        for _ in 0..6 {
            match rebuild_if_worth(&path, true) {
                Ok(_) => done += 1,
                Err(StoreError::Locked { .. }) => {}
                Err(e) => panic!("{e}"),
            }
        }
        done
    });
    let mut written = Vec::new();
    for i in 0u32..40 {
        match Store::open(dir.path()) {
            Ok(store) => {
                store
                    .trees
                    .meta
                    .insert(format!("row {i}"), &b"x"[..])
                    .unwrap();
                store.db.flush().unwrap();
                written.push(i);
            }
            Err(StoreError::Locked { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert!(rebuilds.join().unwrap() > 0, "no rebuild ran");
    assert!(!written.is_empty(), "no write got in");
    let store = Store::open(dir.path()).unwrap();
    for i in written {
        assert!(
            store.trees.meta.get(format!("row {i}")).unwrap().is_some(),
            "row {i} lost"
        );
    }
}

#[test]
fn a_snapshot_never_finished_is_removed_and_the_store_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let sum = store_with_garbage(&path);
    // What a process killed while sled wrote its snapshot leaves behind.
    let unfinished = path.join("snap.00000000FFFFFFFF.generating");
    std::fs::write(&unfinished, [0u8; 40]).unwrap();
    assert!(
        crate::sled_config(&path).open().is_err(),
        "sled itself takes the unfinished snapshot for its newest"
    );
    wait_released(&path).unwrap();
    let store = Store::open(&path).unwrap();
    assert!(!unfinished.exists());
    drop(store);
    wait_released(&path).unwrap();
    assert_eq!(checksum(&path), sum);
}
