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
