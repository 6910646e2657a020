//! The web page of a running node, continued: vouching for an organisation from the trust
//! page, new entries arriving as events, and names claimed by strangers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::web::signed_in;
use wiel_tests::{Daemon, Node};

#[test]
fn an_organisation_is_vouched_for_and_no_longer_from_the_trust_page() {
    let node = Node::init_with_trust("Gemeente Zwolle", "GM0193", "web-of-trust");
    let kampen = wiel_protocol::OrgKeypair::generate();
    let profile = wiel_tests::profile_claiming(
        &kampen,
        "Gemeente Kampen",
        "GM0166",
        wiel_protocol::Timestamp::now().as_millis() - 1000,
    );
    let file = wiel_tests::import_file(node.path(), "kampen.jsonl", &[profile]);
    node.ok(&["import", file.to_str().unwrap()]);
    let _daemon = Daemon::start(&node, &[]);
    let mut b = signed_in(&node);
    let csrf = b.csrf();
    let trust = b.get("/vertrouwen");
    assert!(
        trust.body.contains("Een organisatie aanbevelen"),
        "{}",
        trust.body
    );

    // An organisation this node does not know: said, nothing published.
    let unknown = b.post(
        "/vertrouwen/aanbevelen",
        &[("csrf", csrf.as_str()), ("organisatie", "GM0999")],
    );
    assert_eq!(unknown.status, 422, "{}", unknown.body);

    let page = b.post(
        "/vertrouwen/aanbevelen",
        &[("csrf", csrf.as_str()), ("organisatie", "GM0166")],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let trust = b.get("/vertrouwen");
    assert!(trust.body.contains("Gemeente Kampen"), "{}", trust.body);
    assert!(
        trust.body.contains("Niet meer aanbevelen"),
        "{}",
        trust.body
    );
    let listed = node.ok(&["trust", "list"]);
    assert!(listed.contains("Gemeente Kampen"), "{listed}");

    let key = kampen.public().to_string();
    let page = b.post(
        "/vertrouwen/intrekken",
        &[("csrf", csrf.as_str()), ("organisatie", key.as_str())],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let trust = b.get("/vertrouwen");
    assert!(
        !trust.body.contains("Niet meer aanbevelen"),
        "{}",
        trust.body
    );
    let audit = std::fs::read_to_string(node.path().join("audit.log")).unwrap();
    assert!(audit.contains("\"action\":\"endorse\""), "{audit}");
    assert!(
        audit.contains("\"action\":\"withdraw-endorsement\""),
        "{audit}"
    );
}

#[test]
fn new_entries_arrive_as_events_and_the_stream_ends_with_the_session() {
    use std::io::BufRead;
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let _daemon = Daemon::start(&node, &[]);
    let b = signed_in(&node);
    let resp = b
        .agent
        .get(format!("{}/nieuw", b.connect))
        .header("Host", &b.host)
        .header("Cookie", b.cookie.as_deref().unwrap())
        .call()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(resp.into_body().into_reader()).lines();
        while let Some(Ok(line)) = lines.next() {
            if tx.send(line).is_err() {
                break;
            }
        }
        let _ = tx.send("(ended)".to_owned());
    });
    node.publish(&wiel_tests::practice_md(
        "Een maatje voor <elke> nieuwe collega",
        "Het verzuim daalde.",
    ));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut got = Vec::new();
    while !got.iter().any(|l: &String| l.starts_with("data:")) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        got.push(rx.recv_timeout(left).expect("an event for the new entry"));
    }
    assert!(got.contains(&"event: bericht".to_owned()), "{got:?}");
    let data: serde_json::Value =
        serde_json::from_str(got.last().unwrap().trim_start_matches("data:").trim()).unwrap();
    assert_eq!(data["title"], "Een maatje voor <elke> nieuwe collega");
    assert!(data["href"].as_str().unwrap().starts_with("/bericht/"));

    // Signed out, the stream ends.
    let mut b = b;
    let csrf = b.csrf();
    assert_eq!(b.post("/uitloggen", &[("csrf", csrf.as_str())]).status, 200);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if rx.recv_timeout(left).expect("the stream to end") == "(ended)" {
            break;
        }
    }
}

#[test]
fn a_name_claimed_by_a_stranger_is_marked_in_the_page_s_language() {
    let node = Node::init_with_trust("Gemeente Kampen", "GM0166", "web-of-trust");
    let real = wiel_protocol::testing::key(91);
    let impostor = wiel_protocol::testing::key(92);
    let t0 = wiel_protocol::Timestamp::now().as_millis() - 60_000;
    let question = wiel_protocol::testing::question(&impostor, 1, t0 + 2);
    let file = wiel_tests::import_file(
        node.path(),
        "claims.jsonl",
        &[
            wiel_tests::profile_claiming(&real, "Gemeente Zwolle", "GM0193", t0),
            wiel_tests::profile_claiming(&impostor, "Gemeente Zwolle", "GM0193", t0 + 1),
            question.clone(),
        ],
    );
    node.ok(&["import", file.to_str().unwrap()]);
    node.ok(&["trust", "add", &real.public().to_string()]);
    let _daemon = Daemon::start(&node, &[]);
    let mut browser = signed_in(&node);
    let path = format!("/bericht/{}", question.id());
    let short = &impostor.public().to_string()[..12];
    browser.language = Some("en");
    let page = browser.get(&path);
    assert!(
        page.body
            .contains(&format!("Gemeente Zwolle (unconfirmed, key {short})")),
        "{}",
        page.body
    );
    browser.language = Some("nl");
    let page = browser.get(&path);
    assert!(
        page.body
            .contains(&format!("Gemeente Zwolle (onbevestigd, sleutel {short})")),
        "{}",
        page.body
    );
}
