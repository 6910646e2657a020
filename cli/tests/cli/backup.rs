//! Backup and restore through the real `wiel` binary: a backup made under a write load holds
//! every entry acknowledged before it began; restored onto an empty data directory, the node
//! catches up the rest from a peer until the fingerprints agree; a backup cut short, changed,
//! of another kind, or restored onto a node refuses in one line and leaves the directory as
//! it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wiel_tests::{Daemon, Node, ask_in, expect_one_line_error, wait_for};

const TIMEOUT: Duration = Duration::from_secs(60);
const NO_KAD: &[&str] = &["--no-kademlia"];

#[test]
fn a_backup_under_write_load_restores_all_acknowledged_and_the_node_catches_up() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let da = Daemon::start_with(&a, &[], NO_KAD);
    let _db = Daemon::start_with(&b, &[&da.address], NO_KAD);

    // A writer asks questions through the running node until told to stop; each id is
    // noted once the command said it was stored.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (dir, acknowledged, stop) = (a.path().to_owned(), acknowledged.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let id = ask_in(&dir, &format!("Vraag {n} over verzuimbeleid?"));
                acknowledged.lock().unwrap().push(id);
                n += 1;
            }
        })
    };
    wait_for("a few questions", TIMEOUT, || {
        (acknowledged.lock().unwrap().len() >= 3).then_some(())
    });
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let file = a.path().join("backup.wiel");
    // Where a file is in the way (readable by others), or a link to elsewhere, the backup
    // replaces it with a file of its own, readable by its owner only.
    let elsewhere = a.path().join("elsewhere");
    std::fs::write(&elsewhere, "van iemand anders").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&elsewhere, &file).unwrap();
    let said = a.ok(&["backup", file.to_str().unwrap()]);
    assert!(said.contains("Backup written to"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap(),
        "van iemand anders"
    );
    assert!(!std::fs::symlink_metadata(&file).unwrap().is_symlink());
    wait_for("more questions after the backup", TIMEOUT, || {
        (acknowledged.lock().unwrap().len() >= before.len() + 3).then_some(())
    });
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the backup holds the key");
    }
    let all: Vec<String> = acknowledged.lock().unwrap().clone();
    wait_for("Kampen to hold every question", TIMEOUT, || {
        all.iter().all(|id| b.has(id)).then_some(())
    });
    da.stop();

    // Zwolle's machine is gone; its backup goes onto a new one.
    let r = Node::empty();
    let said = r.ok(&["restore", file.to_str().unwrap()]);
    assert!(said.contains("Gemeente Zwolle is restored in"), "{said}");
    assert_eq!(r.org_key(), a.org_key());
    for id in &before {
        assert!(
            r.has(id),
            "{id}, acknowledged before the backup, is missing"
        );
    }
    // Started, it fetches what came after the backup from Kampen.
    let dr = Daemon::start_with(&r, &[&_db.address], NO_KAD);
    wait_for("the restored node to catch up", TIMEOUT, || {
        all.iter().all(|id| r.has(id)).then_some(())
    });
    wait_for("equal fingerprints", TIMEOUT, || {
        (r.fingerprints() == b.fingerprints()).then_some(())
    });
    // It signs as Zwolle again.
    let after = r.ask("Na het terugzetten: wie heeft ervaring met generatiepact?");
    assert!(r.has(&after));
    // A key rotation names as the old key's history what this node signed (the backup's,
    // and since the restore), and says how many came from elsewhere: signed after the
    // backup, they came back from Kampen; whoever holds a stolen key could have signed them.
    dr.stop();
    let said = r.ok(&["key", "rotate"]);
    // Those acknowledged after the backup began, at most (some written while it was made
    // are in it), and at least those written after it was done.
    let said_count: usize = said
        .split("Note: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        (1..=all.len() - before.len()).contains(&said_count),
        "{said}"
    );
    assert!(said.contains("came from elsewhere"), "{said}");
}

#[test]
fn a_damaged_or_foreign_backup_or_a_node_in_the_way_is_refused_and_nothing_is_written() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    a.ask("Wie werkt met een lumpsum?");
    let file = a.path().join("backup.wiel");
    a.ok(&["backup", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();

    let changed = a.path().join("changed.wiel");
    std::fs::write(&changed, text.replacen("lumpsum", "lumpsun", 1)).unwrap();
    let cut = a.path().join("cut.wiel");
    let half = text.as_bytes()[..text.len() / 2]
        .iter()
        .rposition(|b| *b == b'\n')
        .unwrap()
        + 1;
    std::fs::write(&cut, &text[..half]).unwrap();
    let export = a.path().join("export.jsonl");
    std::fs::write(&export, a.ok(&["export"])).unwrap();
    for (bad, what) in [
        (&changed, "changed"),
        (&cut, "cut short or changed"),
        (&export, "no wiel backup"),
    ] {
        let r = Node::empty();
        let target = r.path().join("new");
        let args = ["restore", bad.to_str().unwrap()];
        let run: wiel_tests::Run = wiel_tests::wiel_in(&target, &args).output().unwrap().into();
        let line = expect_one_line_error(run, &args);
        assert!(line.contains(what), "{line}");
        assert!(!target.exists(), "{what}: {target:?} was left behind");
    }
    // Into a directory that holds something else: refused, all of it left as it was.
    let other = Node::empty();
    std::fs::write(other.path().join("config.toml"), "van iemand anders").unwrap();
    std::fs::create_dir(other.path().join("store")).unwrap();
    std::fs::write(other.path().join("store").join("kostbaar.txt"), "x").unwrap();
    let args = ["restore", file.to_str().unwrap()];
    let line = expect_one_line_error(other.run(&args), &args);
    assert!(line.contains("is not empty"), "{line}");
    assert_eq!(
        std::fs::read_to_string(other.path().join("config.toml")).unwrap(),
        "van iemand anders"
    );
    assert!(other.path().join("store").join("kostbaar.txt").exists());
    // Onto a node: refused, the node untouched.
    let b = Node::init("Gemeente Kampen", "GM0166");
    let before = b.snapshot();
    let key = b.org_key();
    let args = ["restore", file.to_str().unwrap()];
    let line = expect_one_line_error(b.run(&args), &args);
    assert!(line.contains("already holds a wiel node"), "{line}");
    assert_eq!(b.snapshot(), before);
    assert_eq!(b.org_key(), key);
}

#[test]
fn a_backup_with_its_key_sealed_needs_the_passphrase_to_be_restored() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let question = a.ask("Wie heeft een goed verzuimbeleid?");
    let secret = a.path().join("wachtzin");
    std::fs::write(&secret, "paard batterij nietje correct\n").unwrap();
    let file = a.path().join("backup.wiel");
    a.ok(&[
        "backup",
        file.to_str().unwrap(),
        "--passphrase-file",
        secret.to_str().unwrap(),
    ]);
    let key_hex = hex::encode(std::fs::read(a.path().join("key")).unwrap());
    assert!(
        !std::fs::read_to_string(&file).unwrap().contains(&key_hex),
        "the key is in the file in the clear"
    );
    let wrong = a.path().join("fout");
    std::fs::write(&wrong, "een andere wachtzin\n").unwrap();
    for (extra, what) in [
        (vec![], "sealed with a passphrase"),
        (
            vec!["--passphrase-file", wrong.to_str().unwrap()],
            "does not open the key",
        ),
    ] {
        let r = Node::empty();
        let target = r.path().join("new");
        let mut args = vec!["restore", file.to_str().unwrap()];
        args.extend(extra);
        let run: wiel_tests::Run = wiel_tests::wiel_in(&target, &args).output().unwrap().into();
        let line = expect_one_line_error(run, &args);
        assert!(line.contains(what), "{line}");
        assert!(!target.exists(), "{what}: {target:?} was left behind");
    }
    let r = Node::empty();
    r.ok(&[
        "restore",
        file.to_str().unwrap(),
        "--passphrase-file",
        secret.to_str().unwrap(),
    ]);
    assert_eq!(r.org_key(), a.org_key());
    assert!(r.has(&question));
}
