//! The language wiel speaks: Dutch unless asked for English (`LANG=en`), in help, errors
//! (also those a running node gives), and output; every error one line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_tests::{Daemon, Node, Run, practice_md};

/// `wiel ARGS` on `node` with `LANG` set to `lang`, or unset.
fn run_in(node: &Node, lang: Option<&str>, args: &[&str]) -> Run {
    let mut c = node.command(args);
    match lang {
        Some(l) => c.env("LANG", l),
        None => c.env_remove("LANG"),
    };
    c.output().expect("run wiel").into()
}

fn one_line(r: &Run) -> String {
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not one line: {}", r.stderr);
    lines[0].to_owned()
}

#[test]
fn dutch_unless_english_is_asked_for() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    for lang in [None, Some("nl_NL.UTF-8"), Some("C.UTF-8")] {
        let help = run_in(&node, lang, &["--help"]);
        assert_eq!(help.code, 0);
        assert!(
            help.stdout.contains("Opdrachten:"),
            "{lang:?}: {}",
            help.stdout
        );
        assert!(
            help.stdout.contains("Stel het netwerk een vraag"),
            "{}",
            help.stdout
        );
        let listed = run_in(&node, lang, &["list"]);
        assert_eq!(listed.stdout.trim(), "Geen berichten gevonden.");
        let wrong = run_in(&node, lang, &["lijst"]);
        assert_eq!(wrong.code, 2, "a usage error");
        assert_eq!(
            one_line(&wrong),
            "wiel: fout: onbekende opdracht 'lijst' (bedoelde u 'list'?); zie wiel --help, of wiel OPDRACHT --help"
        );
        let missing = run_in(&node, lang, &["show", "0000000"]);
        assert_eq!(missing.code, 1);
        assert_eq!(
            one_line(&missing),
            "wiel: fout: geen bericht heeft een kenmerk dat begint met '0000000' (`wiel list` en `wiel search` tonen de kenmerken)"
        );
    }
    let help = run_in(&node, Some("en_GB.UTF-8"), &["--help"]);
    assert!(help.stdout.contains("Commands:"), "{}", help.stdout);
    assert!(
        help.stdout.contains("Ask the network a question"),
        "{}",
        help.stdout
    );
    let wrong = run_in(&node, Some("en_GB.UTF-8"), &["list", "--limt", "3"]);
    assert_eq!(wrong.code, 2);
    assert_eq!(
        one_line(&wrong),
        "wiel: error: unknown option '--limt' (did you mean '--limit'?); see wiel --help, or wiel COMMAND --help"
    );
    let limit = run_in(&node, None, &["list", "--limit", "veel"]);
    assert_eq!(limit.code, 2);
    assert!(
        one_line(&limit).contains("geen geheel getal"),
        "{}",
        limit.stderr
    );
}

#[test]
fn a_running_node_answers_in_the_language_of_the_command() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let _daemon = Daemon::start(&node, &[]);
    let practice = node.publish(&practice_md("Een goed voorbeeld", "Tekst."));
    let before = node.snapshot();
    let args = ["answer", &practice[..8], "Wij ook"];
    let dutch = run_in(&node, None, &args);
    assert_eq!(dutch.code, 1);
    assert!(
        one_line(&dutch)
            .contains("is een goed voorbeeld, geen vraag: alleen vragen kunnen worden beantwoord"),
        "{}",
        dutch.stderr
    );
    let english = run_in(&node, Some("en"), &args);
    assert!(
        one_line(&english).contains("is a good practice, not a question"),
        "{}",
        english.stderr
    );
    let status = run_in(&node, None, &["status"]);
    assert!(
        status.stdout.contains("node: draait als"),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains("bereikbaar op /ip4/"),
        "{}",
        status.stdout
    );
    assert_eq!(node.snapshot(), before, "nothing stored");
}

#[test]
fn wrong_arguments_found_after_parsing_are_usage_errors_too() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let before = node.snapshot();
    for args in [
        vec!["list", "--kind", "blog"],
        vec!["list", "--since", "gisteren"],
        vec!["ask", ""],
        vec!["key", "revoke"],
        vec!["key", "revoke", "abc"],
        vec!["list", "extra"],
        vec!["list", "--limit"],
    ] {
        let r = run_in(&node, None, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        let line = one_line(&r);
        assert!(
            line.ends_with("zie wiel --help, of wiel OPDRACHT --help"),
            "{line}"
        );
    }
    assert_eq!(node.snapshot(), before, "nothing stored");
    // A data directory that is a file: said as such, by every command.
    let file = node.path().join("een-bestand");
    std::fs::write(&file, "x").unwrap();
    for args in [
        vec!["list"],
        vec!["init", "--name", "Gemeente Kampen", "--code", "GM0166"],
    ] {
        let mut c = wiel_tests::wiel_command();
        c.arg("--data-dir")
            .arg(&file)
            .args(&args)
            .env_remove("LANG");
        let r: Run = c.output().unwrap().into();
        assert_eq!(r.code, 1);
        assert!(
            one_line(&r).contains("is een bestand, geen map"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn a_colon_in_a_title_and_a_dutch_kind_name_are_taken_as_written() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let id = node.publish(
        "---\nkind: goed-voorbeeld\ntitle: Inkoop: lumpsum of p×q\n---\nTekst over inkoop.\n",
    );
    let shown = node.dutch(&["show", &id]);
    assert!(
        shown.starts_with("Inkoop: lumpsum of p×q\ngoed voorbeeld · "),
        "{shown}"
    );
}
