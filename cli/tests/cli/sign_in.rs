//! The web page beyond this machine: signing in through a real OpenID provider
//! (`oidc-provider` from npm, a certified implementation, in `tests/browser/oidc-provider.mjs`),
//! the person's name and role in what they publish and in the audit log, and what is
//! refused: a token for another audience, an expired token, a replayed or forged callback,
//! a login link, and a `[web]` that would serve the page without sign-in. Everything on
//! 127.0.0.1. Needs `node` (Node.js 20 or newer); `.ci/run` installs it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use wiel_node::ThreadView;
use wiel_node::wire::WebLogin;

use wiel_tests::{Daemon, Node, expect_one_line_error, free_port, practice_md};

use crate::browser::{browser_dir, npm_packages};

/// The test's OpenID provider, stopped when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Provider {
    fn start(redirect: &str) -> Provider {
        npm_packages();
        let mut child = Command::new("node")
            .arg("oidc-provider.mjs")
            .arg(redirect)
            .current_dir(browser_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the test's OpenID provider (Node.js 20 or newer)");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        // What it prints later is read and let go: a closed pipe would stop it.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let port = line
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("the provider did not start: {line:?}"))
            .trim()
            .to_owned();
        Provider {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Makes the token endpoint hand out tokens that must be refused (`aud`, `expired`), or
    /// good ones again (`ok`).
    fn mode(&self, mode: &str) {
        let mut answer = ureq::get(format!("{}/test/mode?m={mode}", self.issuer))
            .call()
            .unwrap();
        assert_eq!(answer.body_mut().read_to_string().unwrap(), mode);
    }

    /// Who the next sign-in is: anne, bert, mallory or redactie.
    fn account(&self, who: &str) {
        ureq::get(format!("{}/test/mode?who={who}", self.issuer))
            .call()
            .unwrap();
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser without JavaScript: keeps cookies per host and port, follows redirects one by
/// one (so each step can be looked at).
struct Browser {
    agent: ureq::Agent,
    cookies: HashMap<String, BTreeMap<String, String>>,
}

struct Answer {
    status: u16,
    url: String,
    location: Option<String>,
    body: String,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                // A new connection for every request: the node closes one left idle
                // (headers within 10 s), and a POST on a closed one is not sent again.
                .max_idle_connections(0)
                .build()
                .into(),
            cookies: HashMap::new(),
        }
    }

    fn authority(url: &str) -> String {
        url.split("//")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned()
    }

    fn cookie_header(&self, url: &str) -> Option<String> {
        let jar = self.cookies.get(&Self::authority(url))?;
        (!jar.is_empty()).then(|| {
            jar.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    fn take(&mut self, url: &str, mut resp: ureq::http::Response<ureq::Body>) -> Answer {
        let jar = self.cookies.entry(Self::authority(url)).or_default();
        for set in resp.headers().get_all("set-cookie") {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            if value.is_empty() || set.contains("Max-Age=0") || set.contains("max-age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
        Answer {
            status: resp.status().as_u16(),
            url: url.to_owned(),
            location: resp
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_owned()),
            body: resp.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    fn get(&mut self, url: &str) -> Answer {
        let mut req = self.agent.get(url);
        if let Some(c) = self.cookie_header(url) {
            req = req.header("Cookie", c);
        }
        let resp = req.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
        self.take(url, resp)
    }

    fn post(&mut self, url: &str, origin: &str, form: &[(&str, &str)]) -> Answer {
        let mut req = self
            .agent
            .post(url)
            .header("Origin", origin)
            .header("Content-Type", "application/x-www-form-urlencoded");
        if let Some(c) = self.cookie_header(url) {
            req = req.header("Cookie", c);
        }
        let resp = req
            .send(serde_urlencoded::to_string(form).unwrap())
            .unwrap();
        self.take(url, resp)
    }

    /// Follows redirects from `url` until a page answers; every URL visited on the way.
    fn follow(&mut self, url: &str) -> (Answer, Vec<String>) {
        let mut visited = vec![url.to_owned()];
        let mut answer = self.get(url);
        for _ in 0..20 {
            let Some(location) = answer.location.clone().filter(|_| answer.status / 100 == 3)
            else {
                return (answer, visited);
            };
            let next = if location.starts_with("http") {
                location
            } else {
                format!("http://{}{location}", Self::authority(&answer.url))
            };
            visited.push(next.clone());
            answer = self.get(&next);
        }
        panic!("too many redirects: {visited:?}");
    }

    fn has_session(&self, authority: &str) -> bool {
        self.cookies
            .get(authority)
            .is_some_and(|jar| jar.contains_key("wiel_sessie"))
    }
}

/// A node whose page is served on 127.0.0.1:`port` with sign-in through `issuer`.
fn shared_node(port: u16, issuer: &str) -> Node {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let secret = node.path().join("oidc-secret");
    std::fs::write(&secret, "geheim-voor-de-test\n").unwrap();
    let config = node.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[web]\nlisten = \"127.0.0.1:{port}\"\naddress = \"http://127.0.0.1:{port}\"\n\n\
         [web.sign_in]\nissuer = \"{issuer}\"\nclient_id = \"wiel\"\n\
         client_secret_file = \"{}\"\n\
         allowed_roles = [\"HR-adviseur\", \"wiel-redacteur\"]\n\
         editor_roles = [\"wiel-redacteur\"]\ntrust_roles = [\"wiel-redacteur\"]\n",
        secret.display()
    ));
    std::fs::write(&config, text).unwrap();
    node
}

fn audit_lines(node: &Node) -> Vec<serde_json::Value> {
    std::fs::read_to_string(node.path().join("audit.log"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_colleague_signs_in_through_the_provider_and_what_she_publishes_carries_her_name() {
    let port = free_port();
    let page = format!("http://127.0.0.1:{port}");
    let provider = Provider::start(&format!("{page}/inloggen/terug"));
    let node = shared_node(port, &provider.issuer);
    let _daemon = Daemon::start(&node, &[]);

    let mut browser = Browser::new();
    // Not signed in: the page sends her to the provider, and the provider back.
    let (signed_in, visited) = browser.follow(&format!("{page}/"));
    assert!(
        visited.iter().any(|u| u.starts_with(&provider.issuer)),
        "{visited:?}"
    );
    let callback = visited.last().unwrap().clone();
    assert!(
        callback.starts_with(&format!("{page}/inloggen/terug?")),
        "{callback}"
    );
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    assert!(signed_in.body.contains("Anne de Vries (HR-adviseur)"));
    assert!(browser.has_session(&format!("127.0.0.1:{port}")));

    // The write form says her name goes with what she sends, and asks no contact.
    let form = browser.get(&format!("{page}/schrijven"));
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Anne de Vries (HR-adviseur)"));
    assert!(!form.body.contains("id=\"contact\""));
    let at = form.body.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = form.body[at..at + 64].to_owned();
    let published = browser.post(
        &format!("{page}/schrijven"),
        &page,
        &[
            ("csrf", csrf.as_str()),
            ("soort", "goed-voorbeeld"),
            ("titel", "Maatjes voor nieuwe collega's"),
            (
                "tekst",
                "Elke nieuwe collega krijgt een maatje voor het eerste halfjaar.",
            ),
            ("contact", "iemand-anders@example.org"),
        ],
    );
    assert_eq!(published.status, 303, "{}", published.body);
    let id = published
        .location
        .unwrap()
        .strip_prefix("/bericht/")
        .unwrap()
        .to_owned();
    let shown: ThreadView = node.json(&["show", &id]);
    assert_eq!(
        shown.entry.contact.as_deref(),
        Some("Anne de Vries (HR-adviseur)")
    );

    // The audit log says who did what.
    let audit = audit_lines(&node);
    assert_eq!(audit.len(), 2, "{audit:?}");
    for line in &audit {
        assert_eq!(line["via"], "sign-in");
        assert_eq!(line["subject"], "anne");
        assert_eq!(line["name"], "Anne de Vries");
        assert_eq!(line["role"], "HR-adviseur");
    }
    assert_eq!(audit[0]["action"], "sign-in");
    assert_eq!(audit[1]["action"], "publish");
    assert_eq!(audit[1]["entry"], id.as_str());

    // The callback works once: replayed, it signs nobody in.
    let mut replay = Browser::new();
    replay.cookies = browser.cookies.clone();
    replay
        .cookies
        .get_mut(&format!("127.0.0.1:{port}"))
        .unwrap()
        .remove("wiel_sessie");
    let again = replay.get(&callback);
    assert_eq!(again.status, 403, "{}", again.body);
    assert!(!replay.has_session(&format!("127.0.0.1:{port}")));

    // A callback this browser did not start (no state cookie) is refused too.
    let mut stranger = Browser::new();
    let forged = stranger.get(&format!("{page}/inloggen/terug?code=abc&state=def"));
    assert_eq!(forged.status, 403);
    assert!(!stranger.has_session(&format!("127.0.0.1:{port}")));

    // Login links are for the node's own computer, not for this address.
    let link: WebLogin = node.json(&["web"]);
    let token = link.url.rsplit('/').next().unwrap();
    let refused = stranger.get(&format!("{page}/inloggen/{token}"));
    assert_eq!(refused.status, 403);
    assert!(!stranger.has_session(&format!("127.0.0.1:{port}")));

    // A form from another origin does nothing, even with her session.
    let foreign = browser.post(
        &format!("{page}/schrijven"),
        "http://wiel-aanval.localhost:8080",
        &[("csrf", csrf.as_str()), ("titel", "Vervalst")],
    );
    assert_eq!(foreign.status, 403);

    // Signing out ends the session.
    let out = browser.post(&format!("{page}/uitloggen"), &page, &[("csrf", &csrf)]);
    assert_eq!(out.status, 200);
    assert!(!browser.has_session(&format!("127.0.0.1:{port}")));
    assert_eq!(audit_lines(&node).last().unwrap()["action"], "sign-out");
}

#[test]
fn a_token_for_another_audience_or_an_expired_one_signs_nobody_in() {
    let port = free_port();
    let page = format!("http://127.0.0.1:{port}");
    let provider = Provider::start(&format!("{page}/inloggen/terug"));
    let node = shared_node(port, &provider.issuer);
    let daemon = Daemon::start(&node, &[]);
    for mode in ["aud", "expired"] {
        provider.mode(mode);
        let mut browser = Browser::new();
        let (answer, visited) = browser.follow(&format!("{page}/"));
        assert!(
            visited
                .last()
                .unwrap()
                .starts_with(&format!("{page}/inloggen/terug?")),
            "{mode}: {visited:?}"
        );
        assert_eq!(answer.status, 403, "{mode}: {}", answer.body);
        assert!(
            answer.body.contains("niet geaccepteerd"),
            "{mode}: {}",
            answer.body
        );
        assert!(!browser.has_session(&format!("127.0.0.1:{port}")), "{mode}");
        assert_eq!(browser.get(&format!("{page}/")).status, 303, "{mode}");
    }
    assert!(audit_lines(&node).is_empty());
    // Refused for what was wrong with them, as the node's log tells the ICT staff.
    let log = daemon.log_text();
    assert!(log.contains("Invalid audiences"), "{log}");
    assert!(log.contains("ID token expired"), "{log}");
    // And with good tokens again, she gets in: the refusals were about the tokens.
    provider.mode("ok");
    let mut browser = Browser::new();
    let (answer, _) = browser.follow(&format!("{page}/"));
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(browser.has_session(&format!("127.0.0.1:{port}")));
}

#[test]
fn a_page_beyond_this_machine_without_sign_in_or_tls_is_refused_at_start() {
    let port = free_port();
    let cases = [
        (
            format!("[web]\nlisten = \"0.0.0.0:{port}\"\naddress = \"https://wiel.example.org\"\n"),
            "[web.sign_in]",
        ),
        (
            format!(
                "[web]\nlisten = \"0.0.0.0:{port}\"\naddress = \"http://wiel.example.org\"\n\n\
                 [web.sign_in]\nissuer = \"https://login.example.org\"\nclient_id = \"wiel\"\n"
            ),
            "https://",
        ),
        (
            format!(
                "[web]\nlisten = \"127.0.0.1:{port}\"\naddress = \"http://127.0.0.1:{port}\"\n\n\
                 [web.sign_in]\nissuer = \"http://login.example.org\"\nclient_id = \"wiel\"\n"
            ),
            "issuer",
        ),
        (
            format!(
                "[web]\nlisten = \"127.0.0.1:{port}\"\n\n\
                 [web.sign_in]\nissuer = \"https://login.example.org\"\nclient_id = \"wiel\"\n"
            ),
            "[web] address",
        ),
        (
            format!(
                "[web]\nlisten = \"127.0.0.1:{port}\"\naddress = \"http://127.0.0.1:{port}\"\n\n\
                 [web.sign_in]\nissuer = \"https://login.example.org\"\nclient_id = \"wiel\"\n\
                 client_secret_file = \"/nonexistent/oidc-secret\"\n"
            ),
            "/nonexistent/oidc-secret",
        ),
    ];
    for (web, said) in cases {
        let node = Node::init("Gemeente Zwolle", "GM0193");
        node.publish(&practice_md(
            "Maatjes",
            "Een maatje voor elke nieuwe collega.",
        ));
        let before = node.snapshot();
        let config = node.path().join("config.toml");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push('\n');
        text.push_str(&web);
        std::fs::write(&config, text).unwrap();
        let args = ["node", "--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"];
        let line = expect_one_line_error(node.run(&args), &args);
        assert!(line.contains(said), "{said}: {line}");
        assert_eq!(node.snapshot(), before, "{said}: nothing stored changes");
        assert!(
            std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
            "{said}: nothing listens"
        );
    }
}

/// Signs `who` in on a fresh browser; the answer of the page that says so.
fn sign_in_as(provider: &Provider, page: &str, who: &str) -> (Browser, Answer) {
    provider.account(who);
    let mut browser = Browser::new();
    let (answer, _) = browser.follow(&format!("{page}/"));
    (browser, answer)
}

fn csrf_of(browser: &mut Browser, page: &str) -> String {
    let form = browser.get(&format!("{page}/mijn"));
    let at = form.body.find("name=\"csrf\" value=\"").unwrap() + 19;
    form.body[at..at + 64].to_owned()
}

#[test]
fn a_colleague_changes_only_her_own_entries_and_roles_decide_the_rest() {
    let port = free_port();
    let page = format!("http://127.0.0.1:{port}");
    let authority = format!("127.0.0.1:{port}");
    let provider = Provider::start(&format!("{page}/inloggen/terug"));
    let node = shared_node(port, &provider.issuer);
    let _daemon = Daemon::start(&node, &[]);

    // A role the municipality did not allow: signed in at the provider, not here.
    let (mallory, answer) = sign_in_as(&provider, &page, "mallory");
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer.body.contains("rol geeft geen toegang"),
        "{}",
        answer.body
    );
    assert!(!mallory.has_session(&authority));

    // A thousand sign-ins begun and left do not push out one under way.
    provider.account("anne");
    let mut anne = Browser::new();
    let begun = anne.get(&format!("{page}/inloggen"));
    assert_eq!(begun.status, 303);
    for _ in 0..1000 {
        assert_eq!(Browser::new().get(&format!("{page}/inloggen")).status, 303);
    }
    let (answer, _) = anne.follow(begun.location.as_deref().unwrap());
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(anne.has_session(&authority));

    let csrf = csrf_of(&mut anne, &page);
    let published = anne.post(
        &format!("{page}/schrijven"),
        &page,
        &[
            ("csrf", csrf.as_str()),
            ("soort", "goed-voorbeeld"),
            ("titel", "Exitgesprekken die iets opleveren"),
            (
                "tekst",
                "Wij vragen bij elk vertrek drie dingen, en doen er iets mee.",
            ),
        ],
    );
    assert_eq!(published.status, 303, "{}", published.body);
    let entry = published.location.unwrap();

    // Bert, a colleague with the same role, may read it but not change or withdraw it.
    let (mut bert, answer) = sign_in_as(&provider, &page, "bert");
    assert_eq!(answer.status, 200, "{}", answer.body);
    let bert_csrf = csrf_of(&mut bert, &page);
    for path in [format!("{entry}/bewerken"), format!("{entry}/intrekken")] {
        let refused = bert.get(&format!("{page}{path}"));
        assert_eq!(refused.status, 403, "{path}: {}", refused.body);
        assert!(
            refused.body.contains("zelf hebt geplaatst"),
            "{}",
            refused.body
        );
    }
    let refused = bert.post(
        &format!("{page}{entry}/intrekken"),
        &page,
        &[("csrf", bert_csrf.as_str())],
    );
    assert_eq!(refused.status, 403);
    let refused = bert.post(
        &format!("{page}{entry}/bewerken"),
        &page,
        &[
            ("csrf", bert_csrf.as_str()),
            ("titel", "Overgenomen"),
            ("tekst", "Door Bert."),
        ],
    );
    assert_eq!(refused.status, 403);
    // Nor vouch for an organisation: his role does not allow it.
    let trust = bert.get(&format!("{page}/vertrouwen"));
    assert!(
        !trust.body.contains("/vertrouwen/aanbevelen"),
        "{}",
        trust.body
    );
    let refused = bert.post(
        &format!("{page}/vertrouwen/aanbevelen"),
        &page,
        &[("csrf", bert_csrf.as_str()), ("organisatie", "GM0166")],
    );
    assert_eq!(refused.status, 403);
    let id = entry.trim_start_matches("/bericht/");
    let shown: ThreadView = node.json(&["show", id]);
    assert!(shown.entry.retracted_by.is_none(), "{shown:?}");

    // Anne changes her own; an editor may change anyone's.
    assert_eq!(anne.get(&format!("{page}{entry}/bewerken")).status, 200);
    let (mut rita, answer) = sign_in_as(&provider, &page, "redactie");
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(rita.get(&format!("{page}{entry}/intrekken")).status, 200);
    assert!(
        rita.get(&format!("{page}/vertrouwen"))
            .body
            .contains("/vertrouwen/aanbevelen")
    );
}
