//! The vendored sled's lock that orders transactions is one per database, not one per
//! process (`vendor/sled/PATCHES.md`): many stores in one process (the 342-node bench) do
//! not wait for each other's commits.

use std::sync::mpsc;
use std::time::Duration;

use sled::transaction::ConflictableTransactionError;

#[test]
fn a_transaction_held_open_in_one_database_does_not_stop_another() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = sled::Config::new().path(a_dir.path()).open().unwrap();
    let b = sled::Config::new().path(b_dir.path()).open().unwrap();
    let (a_tree, b_tree) = (a.open_tree("t").unwrap(), b.open_tree("t").unwrap());
    let a_other_tree = a.open_tree("u").unwrap();
    let (a_is_open, a_opened) = mpsc::channel();
    let (b_is_done, b_done) = mpsc::channel();
    let (a_read, a_was_read) = mpsc::channel();
    let other = std::thread::spawn(move || {
        a_opened.recv().unwrap();
        // Within A, the lock still holds: a read of A's other tree waits for the end of
        // A's transaction (the thread below reads it and reports).
        let reader = std::thread::spawn(move || {
            a_other_tree.get("k").unwrap();
            a_read.send(()).unwrap();
        });
        // While A's transaction is open: a transaction, a write and a read in B.
        b_tree
            .transaction(|t| {
                t.insert("k", "v")?;
                Ok::<_, ConflictableTransactionError<()>>(())
            })
            .unwrap();
        b_tree.insert("k2", "v2").unwrap();
        assert_eq!(b_tree.get("k").unwrap().as_deref(), Some(&b"v"[..]));
        b_is_done.send(()).unwrap();
        reader
    });
    let b_went_on = a_tree
        .transaction(|t| {
            t.insert("x", "y")?;
            a_is_open.send(()).ok();
            let b_went_on = b_done.recv_timeout(Duration::from_secs(20)).is_ok();
            let a_read_meanwhile = a_was_read.recv_timeout(Duration::from_millis(300)).is_ok();
            Ok::<_, ConflictableTransactionError<()>>((b_went_on, a_read_meanwhile))
        })
        .unwrap();
    let (b_went_on, a_read_meanwhile) = b_went_on;
    assert!(b_went_on, "database B waited for A's transaction to end");
    assert!(
        !a_read_meanwhile,
        "a read of A's other tree did not wait for A's transaction"
    );
    let reader = other.join().unwrap();
    reader.join().unwrap();
    a_was_read.recv_timeout(Duration::from_secs(20)).unwrap();
    assert_eq!(a_tree.get("x").unwrap().as_deref(), Some(&b"y"[..]));
}

/// sled's I/O pool wakes one thread per piece of work (`vendor/sled/PATCHES.md`, the third
/// change): flushes of many databases from many threads at once must all still complete,
/// each with its writes readable after a reopen.
#[test]
fn flushes_of_many_databases_from_many_threads_all_complete() {
    const DATABASES: usize = 8;
    const THREADS: usize = 16;
    const FLUSHES: usize = 40;
    let dirs: Vec<_> = (0..DATABASES)
        .map(|_| tempfile::tempdir().unwrap())
        .collect();
    let dbs: Vec<sled::Db> = dirs
        .iter()
        .map(|d| sled::Config::new().path(d.path()).open().unwrap())
        .collect();
    let (done, finished) = mpsc::channel();
    for thread in 0..THREADS {
        let db = dbs[thread % DATABASES].clone();
        let done = done.clone();
        std::thread::spawn(move || {
            for flush in 0..FLUSHES {
                db.insert(format!("{thread}-{flush}"), vec![7u8; 600])
                    .unwrap();
                db.flush().unwrap();
            }
            done.send(thread).unwrap();
        });
    }
    for _ in 0..THREADS {
        finished
            .recv_timeout(Duration::from_secs(60))
            .expect("a thread's flushes did not complete within 60 s");
    }
    drop(dbs);
    for (i, dir) in dirs.iter().enumerate() {
        let db = reopened(dir.path());
        let expected = (THREADS / DATABASES) * FLUSHES;
        assert_eq!(db.len(), expected, "database {i} lost flushed writes");
    }
}

/// Opens the database at `dir` again, once sled's threads of its last run let go of its
/// lock (a moment after the last handle is dropped), within 20 s.
fn reopened(dir: &std::path::Path) -> sled::Db {
    let until = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        match sled::Config::new().path(dir).open() {
            Ok(db) => return db,
            Err(_) if std::time::Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("could not open {} again: {e}", dir.display()),
        }
    }
}
