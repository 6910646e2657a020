//! The web page in a real browser: Debian's chromium driven by playwright-core, every page
//! checked by axe-core against WCAG 2.1 AA, a phone-sized window, and a keyboard-only search
//! and publish (`tests/browser/walk.mjs`). Needs `node` and `/usr/bin/chromium` (`.ci/run`
//! installs chromium); the npm packages are installed from `tests/browser/package-lock.json`
//! when missing. Screenshots go to `target/browser-artefacts/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use wiel_node::wire::WebLogin;

use std::time::Duration;

use wiel_tests::{Daemon, Node, practice_md, wait_for};

pub(crate) fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/browser")
}

/// The npm packages of the walk and of the sign-in tests, installed once from the lock
/// file.
pub(crate) fn npm_packages() {
    // Tests of this binary run side by side: one installs, the others wait for it.
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(install_npm_packages);
}

fn install_npm_packages() {
    let dir = browser_dir();
    if [
        "playwright-core",
        "@axe-core/playwright",
        "oidc-provider",
        "jose",
    ]
    .iter()
    .all(|package| dir.join("node_modules").join(package).is_dir())
    {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .status()
        .expect("npm is needed for the browser test (Node.js 18 or newer)");
    assert!(status.success(), "npm ci in tests/browser failed");
}

#[test]
fn every_page_passes_axe_on_a_phone_and_by_keyboard_in_a_real_browser() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "the browser test needs {chromium}: apt-get install chromium (or set CHROMIUM)"
    );
    npm_packages();

    let node = Node::init("Gemeente Zwolle", "GM0193");
    let daemon = Daemon::start(&node, &[]);
    // A second municipality's entry reaches this node's page over the network.
    let kampen = Node::init("Gemeente Kampen", "GM0166");
    let _kampen = Daemon::start(&kampen, &[&daemon.address]);
    let remote = kampen.publish(&practice_md(
        "Samen inkopen met de buurgemeente",
        "Wij kochten de schoonmaak samen in met Zwolle; het scheelde een aanbesteding.",
    ));
    wait_for("Kampen's entry on Zwolle", Duration::from_secs(60), || {
        node.has(&remote).then_some(())
    });
    node.publish(&practice_md(
        "Buddy voor elke nieuwe collega",
        "Een ervaren collega begeleidt het eerste halfjaar; het verzuim daalde.",
    ));
    let question = wiel_tests::published_id(&node.ok(&[
        "--json",
        "ask",
        "Hoe houden jullie het verzuim onder jeugdconsulenten laag?",
    ]));
    node.ok(&["answer", &question, "Met korte lijnen en een vaste coach."]);
    let login: WebLogin = node.json(&["web"]);

    let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/browser-artefacts");
    let out = Command::new("node")
        .arg("walk.mjs")
        .current_dir(browser_dir())
        .env("WIEL_LOGIN_URL", &login.url)
        .env("WIEL_ENTRY", format!("/bericht/{question}"))
        .env("WIEL_REMOTE_TITLE", "Samen inkopen met de buurgemeente")
        .env("WIEL_ARTEFACTS", &artefacts)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs the walk");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(report.trim()).unwrap();
    assert_eq!(report["checked"].as_array().unwrap().len(), 10, "{report}");
    assert!(
        report["failures"].as_array().unwrap().is_empty(),
        "{report}"
    );
    assert!(artefacts.join("schrijven.png").exists());
    // The cold browser's first render, reported (not asserted: machines are noisy).
    let first = &report["firstRender"];
    assert!(first["load_ms"].as_u64().is_some(), "{report}");
    eprintln!("first render from a cold browser: {first}");
    // What the keyboard published is there for everyone who searches.
    assert!(
        node.dutch(&["search", "sjabloon", "verzuimgesprek"])
            .contains("Wie deelt een sjabloon voor het verzuimgesprek?")
    );
}
