//! Regressions of the smaller faults found by the attacker's review: each bad input gets a
//! one-line error and a non-zero exit code, and leaves the store as it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::time::Duration;
use wiel_tests::published_id;

use wiel_node::Published;
use wiel_node::view::{Listing, SearchResults};
use wiel_node::wire::{ApiEndpoint, ProblemBody};
use wiel_protocol::{Timestamp, testing};
use wiel_store::Compacted;
use wiel_tests::StatusFacts;
use wiel_tests::{Daemon, Node, expect_one_line_error, free_port, import_file, wait_for};

const TIMEOUT: Duration = Duration::from_secs(60);

fn raw_get(addr: &str, path: &str, host: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn connect_to_an_address_where_nothing_listens_fails() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let _da = Daemon::start(&a, &[]);
    let nowhere = format!("/ip4/127.0.0.1/tcp/{}", free_port());
    let err = expect_one_line_error(a.run(&["connect", &nowhere]), &["connect", "nowhere"]);
    assert!(err.contains("127.0.0.1"), "{err}");
    assert!(!err.contains("Connected"), "{err}");
}

#[test]
fn connecting_a_node_to_itself_says_so() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let da = Daemon::start(&a, &[]);
    let bare = da.address.split("/p2p/").next().unwrap().to_owned();
    for own in [da.address.as_str(), bare.as_str()] {
        let err = expect_one_line_error(a.run(&["connect", own]), &["connect", "itself"]);
        assert!(err.contains("this node's own address"), "{err}");
    }
    assert_eq!(a.status().peers(), 0);
}

#[test]
fn a_huge_limit_is_refused_and_the_node_lives_on() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let _da = Daemon::start(&a, &[]);
    for command in ["search", "list"] {
        let mut args = vec![command];
        if command == "search" {
            args.push("jeugdhulp");
        }
        args.extend(["--limit", "1000000000000"]);
        let err = expect_one_line_error(a.run(&args), &args);
        assert!(err.contains("at most 10000"), "{err}");
        // `--limit 0` asks for no entries: an empty answer, not an error.
        let zero: Vec<&str> = args
            .iter()
            .map(|a| if *a == "1000000000000" { "0" } else { a })
            .collect();
        let listed = if command == "search" {
            a.json::<SearchResults>(&zero).results.len()
        } else {
            a.json::<Listing>(&zero).entries.len()
        };
        assert_eq!(listed, 0, "{command} --limit 0");
    }
    assert!(a.status().network.is_some(), "the node still answers");
}

#[test]
fn an_import_over_two_megabytes_goes_through_a_running_node() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let _da = Daemon::start(&a, &[]);
    let key = testing::key(9);
    let now = Timestamp::now().as_millis();
    let entries: Vec<_> = (0..400u64)
        .map(|i| testing::practice_with_text(&key, i, now - 10_000 - i, 8_000))
        .collect();
    let file = import_file(a.path(), "big.jsonl", &entries);
    assert!(std::fs::metadata(&file).unwrap().len() > 2 * 1024 * 1024);
    let out = a.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("400 new"), "{out}");
}

#[test]
fn the_data_dir_and_entry_log_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(a.path()), 0o700);
    assert_eq!(mode(&a.path().join("store").join("entries.log")), 0o600);
    assert_eq!(mode(&a.path().join("key")), 0o600);
    let config = std::fs::read_to_string(a.path().join("config.toml")).unwrap();
    assert!(config.contains("wiel-test"));
    assert!(!a.path().join("config.toml.partial").exists());
}

#[test]
fn metrics_answer_only_requests_for_an_address() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let metrics = format!("127.0.0.1:{}", free_port());
    let _da = Daemon::start_with(&a, &[], &["--metrics", &metrics]);
    let ok = wait_for("metrics to answer", TIMEOUT, || {
        std::net::TcpStream::connect(&metrics)
            .is_ok()
            .then(|| raw_get(&metrics, "/metrics", &metrics))
    });
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    let rebound = raw_get(&metrics, "/metrics", "evil.example:9464");
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    assert!(!rebound.contains("wiel_peers"), "{rebound}");
}

#[test]
fn a_retraction_reason_with_a_bsn_is_refused_and_the_retraction_can_go_without() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let question = a
        .json::<Published>(&["ask", "Hoe regelen jullie de intake?"])
        .id
        .to_hex();
    let before = a.snapshot();
    let args = [
        "retract",
        question.as_str(),
        "--reason",
        "bsn 111222333 en NL91ABNA0417164300 stonden erin",
    ];
    let err = expect_one_line_error(a.run(&args), &args);
    assert!(err.contains("BSN") || err.contains("bsn"), "{err}");
    assert_eq!(a.snapshot(), before, "nothing was published");
    a.ok(&["retract", &question]);
    assert!(!a.dutch(&["list"]).contains("intake"));
}

/// Sends one raw request with the node's token; returns the whole answer.
fn raw_api(node: &Node, method: &str, path: &str, body: &str) -> String {
    let api = node.api_endpoint();
    let addr = api.address.to_string();
    let token = std::fs::read_to_string(node.path().join("api.token")).unwrap();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        token.trim(),
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn every_error_of_the_api_is_problem_details() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let _da = Daemon::start(&a, &[]);
    for (method, path, body, status) in [
        ("POST", "/api/v1/search", "{not json", "400"),
        ("POST", "/api/v1/search", "{}", "422"),
        ("GET", "/api/v1/nowhere", "", "404"),
        ("DELETE", "/api/v1/status", "", "405"),
    ] {
        let answer = raw_api(&a, method, path, body);
        let (head, json) = answer.split_once("\r\n\r\n").unwrap();
        assert!(
            head.starts_with(&format!("HTTP/1.1 {status}")),
            "{method} {path}: {head}"
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{method} {path}: {head}"
        );
        let problem: ProblemBody = serde_json::from_str(json.trim()).unwrap();
        let detail = problem.detail;
        assert!(!detail.is_empty() && !detail.contains('\n'), "{detail}");
        assert_eq!(problem.status.to_string(), status);
    }
    // An error of the service carries its stable code as the problem type, and says what
    // went wrong without the words of any one client (the CLI adds its own).
    let stranger = wiel_protocol::testing::key(77).public().to_string();
    let body = format!(r#"{{"organisation":"{stranger}"}}"#);
    let answer = raw_api(&a, "POST", "/api/v1/endorsements", &body);
    let (_, json) = answer.split_once("\r\n\r\n").unwrap();
    let problem: ProblemBody = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(
        problem.kind, "urn:wiel:problem:unknown_organisation",
        "{json}"
    );
    assert!(!problem.detail.contains("--"), "{}", problem.detail);
    let err = expect_one_line_error(a.run(&["endorse", &stranger]), &["endorse"]);
    assert!(err.contains("--name and --code"), "{err}");
}

/// Any local process can open connections to the local API without its token: holding
/// every place with connections that never send a whole request, or with requests answered
/// without authority (refused for want of the token, or a page anyone may ask for), does not
/// keep the CLI out — a new connection takes the place of the oldest such one.
#[test]
fn silent_connections_do_not_keep_the_cli_out() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let _daemon = Daemon::start(&node, &[]);
    let api = node.api_endpoint();
    // More than the node keeps open at once (256): requests that never end, and
    // connections kept alive with requests answered without authority.
    let mut held: Vec<std::net::TcpStream> = (0..300)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(api.address).unwrap();
            stream
                .write_all(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
            stream
        })
        .collect();
    for (request, count) in [
        (&b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n"[..], 100),
        // Answered without any authority (a page under another host name: 421), on more
        // connections than there are places.
        (&b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..], 300),
    ] {
        for _ in 0..count {
            let mut stream = std::net::TcpStream::connect(api.address).unwrap();
            stream.write_all(request).unwrap();
            held.push(stream);
        }
    }
    for _ in 0..3 {
        let status = node.status();
        assert!(status.network.is_some(), "answered by the running node");
    }
    drop(held);
}

/// A node that holds the store but whose local API does not answer (overloaded, stuck, or
/// held busy by another local process) is named as such, with exit code 3 — not taken
/// for another command that holds the store for a moment.
#[test]
fn a_node_whose_api_does_not_answer_is_said_to_be_silent() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let daemon = Daemon::start(&a, &[]);
    let before = a.snapshot();
    let file = a.path().join("api.json");
    let real = std::fs::read_to_string(&file).unwrap();
    let mut endpoint: ApiEndpoint = serde_json::from_str(&real).unwrap();
    endpoint.address = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    std::fs::write(&file, serde_json::to_string(&endpoint).unwrap()).unwrap();
    let r = a.run(&["status"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let err = expect_one_line_error(r, &["status"]);
    assert!(
        err.contains("does not answer") && err.contains(&format!("process {}", endpoint.pid)),
        "{err}"
    );
    std::fs::write(&file, real).unwrap();
    assert_eq!(a.snapshot(), before);
    assert!(a.status().network.is_some(), "the node answers again");
    daemon.stop();
}

/// The route names what an operation acts on: a body that is no object (which serde reads
/// field by field, in order), a body that names it again, or a route parameter that cannot
/// be read, is refused — never read as another entry.
#[test]
fn the_entry_a_route_names_is_the_one_it_acts_on() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let first = published_id(&a.ok(&["--json", "ask", "Wie heeft een goed verzuimbeleid?"]));
    let second = published_id(&a.ok(&["--json", "ask", "Wie deelt een functiehuis?"]));
    let _da = Daemon::start(&a, &[]);
    let before = a.snapshot();
    let retraction = format!("/api/v1/entries/{first}/retraction");
    let answers = format!("/api/v1/entries/{first}/answers");
    let array = format!(r#"["{second}", null, false]"#);
    let named = format!(r#"{{"id": "{second}", "text": "Wij wel."}}"#);
    let by_body = format!(r#"{{"id": "{first}", "text": "Wij wel."}}"#);
    for (path, body) in [
        (retraction.as_str(), array.as_str()),
        (answers.as_str(), named.as_str()),
        ("/api/v1/entries/%FF/answers", by_body.as_str()),
    ] {
        let answer = raw_api(&a, "POST", path, body);
        let (head, json) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400"), "{path} {body}: {head}");
        let problem: ProblemBody = serde_json::from_str(json.trim()).unwrap();
        assert!(!problem.detail.contains('\n'), "{}", problem.detail);
    }
    assert_eq!(a.snapshot(), before, "nothing was retracted or answered");
}

#[test]
fn compact_drops_what_retractions_left_with_and_without_a_running_node() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let kept = published_id(&a.ok(&["--json", "ask", "Wie heeft een goed verzuimbeleid?"]));
    let gone = published_id(&a.ok(&["--json", "ask", "Wie kent Jansen van de afdeling?"]));
    a.ok(&["retract", &gone, "--reason", "verkeerd gesteld"]);
    let report: Compacted = a.json(&["compact"]);
    assert!(report.after < report.before, "{report:?}");
    assert!(a.dutch(&["list"]).contains(&kept[..8]));

    let _da = Daemon::start(&a, &[]);
    let again = published_id(&a.ok(&["--json", "ask", "Nog een vraag over Jansen?"]));
    a.ok(&["retract", &again, "--reason", "verkeerd gesteld"]);
    let out = a.ok(&["compact"]);
    assert!(out.starts_with("Compacted the entry log"), "{out}");
    assert!(a.dutch(&["list"]).contains(&kept[..8]));
    assert!(!a.dutch(&["show", &again]).contains("Jansen"));
}

#[test]
fn a_node_says_where_it_is_and_when_it_stops_without_colour_in_a_log() {
    use std::io::BufRead;
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let mut child = a
        .command(&["node", "--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"])
        .env("RUST_LOG", "wiel_node=info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.contains("Gemeente Zwolle") && first.contains("is running"),
        "{first}"
    );
    let address = lines.next().unwrap().unwrap();
    assert!(
        address.contains("wiel connect /ip4/127.0.0.1/tcp/") && address.contains("/p2p/12D3"),
        "{address}"
    );
    let status = a.ok(&["status"]);
    assert!(status.contains("/p2p/12D3"), "{status}");
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    assert_eq!(
        rest.last().map(String::as_str),
        Some("wiel node stopped."),
        "{rest:?}"
    );
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert!(log.contains("node running"), "{log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a log file: {log}");
}

#[test]
fn an_answer_can_be_edited_and_an_edit_keeps_its_space() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let question = published_id(&a.ok(&["--json", "ask", "Wie heeft een goed verzuimbeleid?"]));
    let answer = published_id(&a.ok(&[
        "--json",
        "answer",
        &question,
        "Wij werken met een vaste contactpersoon.",
    ]));
    let file = a.path().join("versie2.md");
    std::fs::write(
        &file,
        "---\nkind: answer\ntitle: \"Re: Wie heeft een goed verzuimbeleid?\"\n---\n\nWij werken met een vaste contactpersoon en een gesprek na een week.\n",
    )
    .unwrap();
    a.ok(&["edit", &answer, file.to_str().unwrap()]);
    let thread: serde_json::Value =
        serde_json::from_str(&a.ok(&["--json", "show", &question])).unwrap();
    let text = thread.to_string();
    assert!(text.contains("gesprek na een week"), "{thread}");

    // Another space in the front matter: refused, nothing stored.
    let before = a.ok(&["--json", "list", "--limit", "1000"]);
    std::fs::write(
        &file,
        "---\nkind: question\nspace: onbekend\n---\n\nWie heeft een goed verzuimbeleid, ook voor korte uitval?\n",
    )
    .unwrap();
    let err = expect_one_line_error(
        a.run(&["edit", &question, file.to_str().unwrap()]),
        &["edit", "space"],
    );
    assert!(err.contains("stays in the space"), "{err}");
    assert_eq!(a.ok(&["--json", "list", "--limit", "1000"]), before);
}

#[test]
fn connections_that_send_nothing_or_half_a_request_are_closed_by_the_node() {
    use std::io::{Read, Write};
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let _daemon = Daemon::start(&node, &[]);
    let api = node.api_endpoint();
    let address = api.address.to_string();
    let mut held: Vec<std::net::TcpStream> = (0..20)
        .map(|_| std::net::TcpStream::connect(&address).unwrap())
        .collect();
    // Half a request: headers begun and never finished.
    held[0]
        .write_all(b"GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    let started = std::time::Instant::now();
    for stream in &mut held {
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        let mut answer = Vec::new();
        // The node closes it (end of stream, or a reset). A read that times out fails.
        match stream.read_to_end(&mut answer) {
            Ok(_) => {}
            Err(e) => assert!(
                matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
                ),
                "the node kept a silent connection open: {e}"
            ),
        }
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    // And it answers as before.
    assert!(node.ok(&["status"]).contains("Gemeente Zwolle"));
}

#[test]
fn a_retraction_reason_with_a_phone_number_needs_the_yes_it_asks_for() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let question = a
        .json::<Published>(&["ask", "Wie belt de nieuwe collega's?"])
        .id
        .to_hex()[..12]
        .to_owned();
    let before = a.snapshot();
    let reason = "het nummer 06-12345678 stond erin";
    let args = ["retract", question.as_str(), "--reason", reason];
    let err = expect_one_line_error(a.run(&args), &args);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(a.snapshot(), before, "nothing was published");
    // The flag it names exists, and does what it says.
    let out = a.ok(&["retract", question.as_str(), "--reason", reason, "--yes"]);
    assert!(out.contains(&question), "{out}");
    assert!(!a.dutch(&["list"]).contains("nieuwe collega"));
}

#[test]
fn revoking_a_key_that_is_not_ours_is_refused_before_anything_is_asked() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let other = wiel_protocol::testing::key(61).public().to_string();
    let before = a.snapshot();
    // Without --yes, a key of ours would be asked about; this one is refused at once.
    let args = ["key", "revoke", other.as_str()];
    let err = expect_one_line_error(a.run(&args), &args);
    assert!(!err.contains("--yes"), "asked before checking: {err}");
    assert!(err.contains("is not this organisation's"), "{err}");
    assert_eq!(a.snapshot(), before);
    // Our own key is still asked about first.
    let own = a.org_key();
    let args = ["key", "revoke", own.as_str()];
    let err = expect_one_line_error(a.run(&args), &args);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(a.snapshot(), before);
}

#[test]
fn an_empty_organisation_name_is_told_as_such() {
    let node = Node::empty();
    let args = ["init", "--name", " ", "--code", "GM0193"];
    let err = expect_one_line_error(node.run(&args), &args);
    assert!(
        err.contains("name is empty") && err.contains("--name") && !err.contains("entry"),
        "{err}"
    );
    assert!(
        !node.path().join("config.toml").exists(),
        "nothing was set up"
    );
}

#[test]
fn entries_that_decide_trust_or_erase_go_only_through_their_own_operations() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let listed: Listing = a.json(&["list", "--kind", "profile"]);
    let profile = listed.entries[0].id.to_hex();
    let _da = Daemon::start(&a, &[]);
    let before = a.snapshot();
    let body = r#"{"title":"","text":"","tags":[],"themes":[],"contact":null,"fields":"none"}"#;
    for (kind, refs) in [
        (
            "retraction",
            format!(r#"[{{"rel":"retracts","target":"{profile}"}}]"#),
        ),
        ("endorsement", "[]".to_owned()),
        ("profile", "[]".to_owned()),
    ] {
        let request = format!(r#"{{"kind":"{kind}","space":null,"refs":{refs},"body":{body}}}"#);
        let answer = raw_api(&a, "POST", "/api/v1/entries", &request);
        assert!(
            answer.starts_with("HTTP/1.1 422")
                && answer.contains("urn:wiel:problem:not_publishable"),
            "{kind}: {answer}"
        );
    }
    assert_eq!(a.snapshot(), before, "nothing was published");
}
