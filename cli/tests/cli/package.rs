//! The Debian package, as an ICT department installs it (as root): `dpkg -i` puts the
//! binary, the service unit, man pages, completions and documentation in place and makes
//! the `wiel` system user; the unit's command, run as that user, starts a node that tells
//! systemd it is ready, answers `wiel status` and stops cleanly; `dpkg --purge` removes the
//! package and keeps the node's data. Built from this build's binary with cargo-deb
//! (`packaging/build-deb.sh dev`; .ci/run installs cargo-deb).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn run(command: &mut Command) -> String {
    let out = command.output().expect("run");
    assert!(
        out.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_debian_package_installs_runs_as_its_user_and_purges_keeping_the_data() {
    assert_eq!(
        run(Command::new("id").arg("-u")).trim(),
        "0",
        "dpkg -i needs root (CI runs as root)"
    );
    run(Command::new("bash")
        .arg(root().join("packaging/build-deb.sh"))
        .args(["dev", "--fast"])
        .current_dir(root()));
    let deb = std::fs::read_dir(root().join("target/debian"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .expect("a .deb");
    run(Command::new("dpkg").arg("-i").arg(&deb));

    assert!(run(Command::new("/usr/bin/wiel").arg("--version")).starts_with("wiel "));
    assert!(run(Command::new("getent").args(["passwd", "wiel"])).contains("/var/lib/wiel"));
    let unit = Path::new("/usr/lib/systemd/system/wiel-node.service");
    let verified = Command::new("systemd-analyze")
        .arg("verify")
        .arg(unit)
        .output()
        .unwrap();
    assert!(
        verified.status.success() && verified.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    for file in [
        "/usr/share/man/man1/wiel.1.gz",
        "/usr/share/man/man1/wiel-backup.1.gz",
        "/usr/share/bash-completion/completions/wiel",
        "/usr/share/doc/wiel/copyright",
        "/usr/share/doc/wiel/monitoring/wiel-alerts.yml",
    ] {
        assert!(Path::new(file).exists(), "{file}");
    }
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata("/var/lib/wiel")
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "the data directory holds the key");
    }

    // The unit's command as the unit runs it: as user wiel, on a data directory of its own
    // (a node that may live in /var/lib/wiel is not touched).
    let data = format!("/var/lib/wiel/package-test-{}", std::process::id());
    // setpriv runs the command itself as user wiel (no process in between that signals
    // would reach instead), as systemd does with User=wiel.
    let as_wiel = |args: &[&str]| {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=wiel",
            "--regid=wiel",
            "--init-groups",
            "--",
            "/usr/bin/wiel",
            "--data-dir",
            &data,
        ])
        .args(args)
        .env("LANG", "C.UTF-8")
        .env("HOME", "/var/lib/wiel");
        c
    };
    run(&mut as_wiel(&[
        "init",
        "--name",
        "Gemeente Pakket",
        "--code",
        "GM0001",
        "--network",
        "wiel-test",
    ]));
    let socket_dir = tempfile::tempdir().unwrap();
    let socket_path = socket_dir.path().join("notify");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(socket_dir.path(), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        std::fs::set_permissions(&socket_path, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let mut node = as_wiel(&["node", "--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"])
        .env("NOTIFY_SOCKET", &socket_path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wiel_tests::wait_for_notify(&socket, |s| s.contains("READY=1"));
    let status = run(&mut as_wiel(&["--json", "status"]));
    assert!(status.contains("Gemeente Pakket"), "{status}");
    run(Command::new("kill").args(["-TERM", &node.id().to_string()]));
    wiel_tests::wait_for_notify(&socket, |s| s.contains("STOPPING=1"));
    assert!(node.wait().unwrap().success());

    run(Command::new("dpkg").args(["--purge", "wiel"]));
    assert!(!Path::new("/usr/bin/wiel").exists());
    assert!(
        Path::new(&data).join("key").exists(),
        "purging keeps the organisation's key and entries"
    );
    std::fs::remove_dir_all(&data).unwrap();
}
