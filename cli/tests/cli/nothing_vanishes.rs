//! Nothing vanishes without a word: a list that stops at its limit says so, a list or a
//! search that leaves out untrusted authors says how many and how to see them, an import of an empty
//! file or of a file cut short warns, and an export file with lines left out is refused
//! with nothing stored.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_node::Listing;
use wiel_tests::{Node, corpus, expect_one_line_error, import_file, practice_md};

fn listing(node: &Node, args: &[&str]) -> Listing {
    let mut all = vec!["--json", "list"];
    all.extend_from_slice(args);
    serde_json::from_str(&node.ok(&all)).unwrap()
}

#[test]
fn a_list_says_what_it_did_not_show() {
    let node = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    // 60 practices of 10 organisations nobody here trusts.
    let file = import_file(node.path(), "others.jsonl", &corpus(60, 200));
    let said = node.ok(&["import", file.to_str().unwrap()]);
    // Per organisation: what was kept apart, and the exact command to trust it.
    let per_author: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("6 entries — to trust it: wiel trust add "))
        .collect();
    assert_eq!(per_author.len(), 10, "{said}");
    assert!(
        per_author[0].trim_start().starts_with("Gemeente Test "),
        "{said}"
    );

    let hidden = listing(&node, &[]);
    assert!(hidden.entries.is_empty());
    assert!(!hidden.more);
    assert_eq!(hidden.untrusted_hidden, 60);
    let text = node.dutch(&["list"]);
    assert!(
        text.contains(
            "60 berichten van organisaties die deze node niet vertrouwt (of met een ingetrokken sleutel ondertekend), niet getoond; bekijk ze met --untrusted."
        ),
        "{text}"
    );
    assert!(!text.contains("Geen berichten gevonden"), "{text}");

    let shown = listing(&node, &["--untrusted"]);
    assert_eq!(shown.entries.len(), 50);
    assert!(shown.more);
    assert_eq!(shown.total, Some(60));
    let text = node.dutch(&["list", "--untrusted"]);
    assert!(
        text.contains("De nieuwste 50 van 60 getoond. Toon meer met --limit 200."),
        "{text}"
    );
    let all = listing(&node, &["--untrusted", "--limit", "200"]);
    assert_eq!(all.entries.len(), 60);
    assert!(!all.more);
    assert!(
        !node
            .dutch(&["list", "--untrusted", "--limit", "60"])
            .contains("Toon meer")
    );
    // Search says so too: a word only untrusted organisations wrote finds nothing shown,
    // and says what it left out.
    let title = all.entries[0].title.clone().unwrap();
    let word = title
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .unwrap()
        .to_lowercase();
    let found: wiel_node::view::SearchResults =
        serde_json::from_str(&node.ok(&["--json", "search", &word])).unwrap();
    assert!(found.results.is_empty(), "{word}");
    assert!(found.untrusted_hidden >= 1, "{word}");
    let text = node.dutch(&["search", &word]);
    assert!(text.contains("Niets gevonden."), "{text}");
    // Not "nowhere": in nothing of an organisation trusted here.
    assert!(
        !text.contains("Komt nergens voor")
            && text
                .contains("Komt niet voor in berichten van organisaties die deze node vertrouwt"),
        "{text}"
    );
    assert!(
        text.contains("van organisaties die deze node niet vertrouwt (of met een ingetrokken sleutel ondertekend), niet getoond; zoek ook daarin met --untrusted."),
        "{text}"
    );
    let found: wiel_node::view::SearchResults =
        serde_json::from_str(&node.ok(&["--json", "search", &word, "--untrusted"])).unwrap();
    assert!(!found.results.is_empty(), "{word}");
    assert_eq!(found.untrusted_hidden, 0);

    // The readable export marks them too.
    let md = node.dutch(&["export", "--format", "md"]);
    let marked = md
        .lines()
        .filter(|l| l.contains(" · niet vertrouwd · "))
        .count();
    assert_eq!(marked, 60, "{md}");

    // Nothing left out, nothing said.
    let own = Node::init("Gemeente Kampen", "GM0166");
    assert_eq!(own.dutch(&["list"]).trim(), "Geen berichten gevonden.");

    // Search too says when it stops at its limit.
    for n in 0..3 {
        own.publish(&practice_md(
            &format!("Buddy voor nieuwe collega's {n}"),
            "Een buddy per persoon.",
        ));
    }
    let found: wiel_node::view::SearchResults =
        serde_json::from_str(&own.ok(&["--json", "search", "buddy", "--limit", "2"])).unwrap();
    assert_eq!(found.results.len(), 2);
    assert!(found.more);
    assert_eq!(found.total, 3);
    let text = own.dutch(&["search", "buddy", "--limit", "2"]);
    assert!(
        text.contains("De beste 2 van 3 getoond. Toon meer met --limit 8."),
        "{text}"
    );
    let found: wiel_node::view::SearchResults =
        serde_json::from_str(&own.ok(&["--json", "search", "buddy", "--limit", "3"])).unwrap();
    assert!(!found.more);
}

#[test]
fn import_warns_about_an_empty_or_cut_file_and_refuses_missing_lines() {
    let source = Node::init("Gemeente Zwolle", "GM0193");
    for n in 0..3 {
        source.ok(&["ask", &format!("Vraag nummer {n} over verzuim?")]);
    }
    let export = source.snapshot();
    let lines: Vec<&str> = export.lines().collect();
    assert!(
        lines.last().unwrap().starts_with("{\"trailer\""),
        "{export}"
    );
    let target = Node::init("Gemeente Kampen", "GM0166");
    let write = |name: &str, text: &str| {
        let p = target.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_owned()
    };

    // An empty file: a warning, nothing stored.
    let before = target.snapshot();
    let empty = write("empty.jsonl", "");
    let run = target.run(&["import", &empty]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("holds no entries"), "{}", run.stderr);
    assert_eq!(target.snapshot(), before);

    // Lines left out while the last line stays: refused, nothing stored.
    let mut gapped: Vec<&str> = lines.clone();
    gapped.remove(1);
    let gapped = write("gapped.jsonl", &gapped.join("\n"));
    let args = ["import", gapped.as_str()];
    let err = expect_one_line_error(target.run(&args), &args);
    assert!(
        err.contains(
            "the file is incomplete or changed: its last line says 4 entries, but 3 came before it"
        ),
        "{err}"
    );
    assert_eq!(target.snapshot(), before);

    // Anything after the last line: refused.
    let extended = write("extended.jsonl", &format!("{export}{}\n", lines[1]));
    let err = target.fails(&["import", &extended]);
    assert!(err.contains("goes on after its last line"), "{err}");
    assert_eq!(target.snapshot(), before);

    // Cut at a line boundary, the last line lost: taken in, with a warning.
    let cut = write("cut.jsonl", &lines[..2].join("\n"));
    let run = target.run(&["import", &cut]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("may be cut short"), "{}", run.stderr);
    assert!(run.stdout.contains("2 new"), "{}", run.stdout);

    // The whole file: no warning.
    let whole = write("whole.jsonl", &export);
    let run = target.run(&["import", &whole]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    // Far more than a pipe holds (64 KB), as JSON and as text.
    let file = import_file(node.path(), "many.jsonl", &corpus(400, 400));
    node.ok(&["import", file.to_str().unwrap()]);
    let again = file.to_str().unwrap().to_owned();
    for args in [
        vec!["import", again.as_str()],
        vec!["--json", "list", "--untrusted", "--limit", "400"],
        vec!["list", "--untrusted", "--limit", "400"],
        vec!["export"],
        vec!["export", "--format", "md"],
    ] {
        let mut child = wiel_tests::wiel_in(node.path(), &args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        // The reader goes away, as `| head -1` does.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(
            !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn an_answer_whose_question_is_not_here_is_told_as_waiting() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    // Kampen's question and its answer; only the answer reaches this node.
    let kampen = wiel_protocol::testing::key(31);
    let t0 = wiel_protocol::Timestamp::now().as_millis() - 60_000;
    let question = wiel_protocol::testing::question(&kampen, 1, t0);
    let answer = wiel_protocol::testing::answer(&kampen, question.id(), 2, t0 + 1);
    let file = import_file(node.path(), "answer.jsonl", &[answer]);
    node.ok(&["import", file.to_str().unwrap()]);
    let waiting = listing(&node, &["--kind", "answer"]);
    assert!(waiting.entries.is_empty());
    assert_eq!(waiting.waiting_hidden, 1);
    let text = node.dutch(&["list", "--kind", "answer"]);
    assert!(
        text.contains("1 bericht wacht op het bericht waar ze naar verwijzen")
            && !text.contains("Geen berichten gevonden"),
        "{text}"
    );
    // The question arrives: the answer shows, nothing waits.
    let file = import_file(node.path(), "question.jsonl", &[question]);
    node.ok(&["import", file.to_str().unwrap()]);
    let shown = listing(&node, &["--kind", "answer"]);
    assert_eq!((shown.entries.len(), shown.waiting_hidden), (1, 0));
}
