//! The web page of a running node, as a browser uses it: the login link, the session, the
//! forms with their CSRF token, the privacy guard inline, and the guards against other
//! origins and other Host names. (HTTP on 127.0.0.1; no JavaScript is needed.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use wiel_node::ThreadView;
use wiel_node::wire::WebLogin;
use wiel_tests::{Daemon, Node};

/// A browser without JavaScript: keeps the session cookie, follows no redirect itself.
/// Like a browser it takes `*.localhost` to this machine: it connects to 127.0.0.1 and
/// names the page's host in the Host header.
pub(super) struct Browser {
    pub(super) agent: ureq::Agent,
    /// `http://wiel-….localhost:PORT`, as links name it.
    pub(super) base: String,
    /// `http://127.0.0.1:PORT`, where it connects.
    pub(super) connect: String,
    /// `wiel-….localhost:PORT`
    pub(super) host: String,
    pub(super) cookie: Option<String>,
    /// Accept-Language, when the browser sends one.
    pub(super) language: Option<&'static str>,
}

pub(super) struct Page {
    pub(super) status: u16,
    pub(super) location: Option<String>,
    pub(super) body: String,
}

impl Browser {
    pub(super) fn new(base: &str) -> Browser {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            // A new connection for every request: the node closes one left idle
            // (headers within 10 s), and a POST on a closed one is not sent again.
            .max_idle_connections(0)
            .build()
            .into();
        let host = base.trim_start_matches("http://").to_owned();
        let port = host.rsplit(':').next().unwrap();
        Browser {
            agent,
            base: base.to_owned(),
            connect: format!("http://127.0.0.1:{port}"),
            host,
            cookie: None,
            language: None,
        }
    }

    pub(super) fn read(&mut self, mut resp: ureq::http::Response<ureq::Body>) -> Page {
        if let Some(set) = resp.headers().get("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            self.cookie = Some(pair);
        }
        Page {
            status: resp.status().as_u16(),
            location: resp
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_owned()),
            body: resp.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    pub(super) fn get(&mut self, path: &str) -> Page {
        let path = path.strip_prefix(&self.base).unwrap_or(path);
        let mut req = self
            .agent
            .get(format!("{}{path}", self.connect))
            .header("Host", &self.host);
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        if let Some(language) = self.language {
            req = req.header("Accept-Language", language);
        }
        let resp = req.call().unwrap();
        self.read(resp)
    }

    pub(super) fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.connect))
            .header("Host", &self.host)
            .header("Content-Type", "application/x-www-form-urlencoded");
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        let body = serde_urlencoded::to_string(form).unwrap();
        let resp = req.send(body).unwrap();
        self.read(resp)
    }

    /// The CSRF token in a page's forms.
    pub(super) fn csrf(&mut self) -> String {
        let page = self.get("/schrijven");
        let at = page
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        page.body[at..at + 64].to_owned()
    }
}

pub(super) fn login_url(node: &Node) -> String {
    node.json::<WebLogin>(&["web"]).url
}

pub(super) fn signed_in(node: &Node) -> Browser {
    let url = login_url(node);
    let base = url.split("/inloggen/").next().unwrap().to_owned();
    let mut b = Browser::new(&base);
    let page = b.get(&url);
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/"));
    b
}

#[test]
fn only_a_login_link_used_once_on_this_machine_opens_the_page() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let _daemon = Daemon::start(&node, &[]);
    let url = login_url(&node);
    let base = url.split("/inloggen/").next().unwrap().to_owned();

    let mut stranger = Browser::new(&base);
    let page = stranger.get("/");
    assert_eq!(page.status, 303, "no session: to the sign-in page");
    assert_eq!(page.location.as_deref(), Some("/inloggen"));
    let page = stranger.get("/inloggen");
    assert!(page.body.contains("wiel web"), "{}", page.body);

    let mut b = Browser::new(&base);
    let page = b.get(&url);
    assert_eq!(page.status, 303);
    let cookie = b.cookie.clone().unwrap();
    assert!(cookie.starts_with("wiel_sessie="));
    let home = b.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("<html lang=\"nl\">"), "{}", home.body);

    // Used once: the same link again opens nothing.
    let mut again = Browser::new(&base);
    assert_eq!(again.get(&url).status, 403);
    assert!(again.cookie.is_none());

    // Another Host (DNS rebinding): refused, even with the session.
    for host in [
        "wiel.example:80".to_owned(),
        b.connect.replace("http://", ""),
    ] {
        // Not even 127.0.0.1 itself: under it, every other service on this machine would
        // receive the cookie (cookies are not kept apart by port).
        let resp = b
            .agent
            .get(format!("{}/", b.connect))
            .header("Host", &host)
            .header("Cookie", &cookie)
            .call()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 421, "{host}");
    }
    assert!(
        b.host.starts_with("wiel-") && b.host.contains(".localhost:"),
        "{}",
        b.host
    );

    // A made-up session is no session.
    let mut forger = Browser::new(&base);
    forger.cookie = Some(format!("wiel_sessie={}", "ab".repeat(32)));
    assert_eq!(forger.get("/").status, 303);
}

#[test]
fn forms_need_this_pages_token_and_the_privacy_guard_speaks_at_the_field() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let _daemon = Daemon::start(&node, &[]);
    let mut b = signed_in(&node);
    let before = node.snapshot();

    // Without the token, or from another origin: nothing is done.
    let page = b.post(
        "/schrijven",
        &[
            ("soort", "vraag"),
            ("titel", "Een vraag"),
            ("tekst", "Tekst"),
        ],
    );
    assert_eq!(page.status, 403);
    let csrf = b.csrf();
    let resp = b
        .agent
        .post(format!("{}/schrijven", b.connect))
        .header("Host", &b.host)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", b.cookie.as_deref().unwrap())
        .header("Origin", "http://wiel.example")
        .send(format!("csrf={csrf}&soort=vraag&titel=Vraag"))
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert_eq!(node.snapshot(), before, "nothing stored");

    // A phone number: asked about, the text kept, nothing published until confirmed.
    let text = "Bel mij op 06-12345678 voor de details.";
    let form = [
        ("csrf", csrf.as_str()),
        ("soort", "goed-voorbeeld"),
        ("titel", "Buddy voor nieuwe collega's"),
        ("tekst", text),
        ("thema", "hrm"),
    ];
    let page = b.post("/schrijven", &form);
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("telefoonnummer 06-…78 in de tekst"),
        "{}",
        page.body
    );
    assert!(page.body.contains(text), "the text is kept");
    assert!(page.body.contains("name=\"bevestigd\""));
    assert_eq!(node.snapshot(), before);

    // A BSN next to its keyword: blocked, no confirmation offered, the text kept.
    let bsn = "Casus met BSN 111222333 uit de wijk.";
    let page = b.post(
        "/schrijven",
        &[
            ("csrf", csrf.as_str()),
            ("soort", "praktijkverhaal"),
            ("titel", "Casus"),
            ("situatie", bsn),
        ],
    );
    assert_eq!(page.status, 422);
    assert!(page.body.contains("nooit gepubliceerd"), "{}", page.body);
    assert!(!page.body.contains("name=\"bevestigd\""));
    assert!(page.body.contains(bsn));
    assert_eq!(node.snapshot(), before);

    // Confirmed: published, and shown.
    let mut confirmed = form.to_vec();
    confirmed.push(("bevestigd", "ja"));
    let page = b.post("/schrijven", &confirmed);
    assert_eq!(page.status, 303, "{}", page.body);
    let entry = page.location.unwrap();
    let shown = b.get(&entry);
    assert!(
        shown.body.contains("Buddy voor nieuwe collega&#39;s")
            || shown.body.contains("Buddy voor nieuwe collega's"),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("goed voorbeeld · Gemeente Zwolle"),
        "{}",
        shown.body
    );

    // A new version, from the form with the newest version in it; the kind stays.
    let form = b.get(&format!("{entry}/bewerken"));
    assert!(form.body.contains(text), "{}", form.body);
    let page = b.post(
        &format!("{entry}/bewerken"),
        &[
            ("csrf", csrf.as_str()),
            ("soort", "goed-voorbeeld"),
            ("titel", "Buddy voor elke nieuwe collega"),
            (
                "tekst",
                "Een ervaren collega begeleidt het eerste halfjaar.",
            ),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let newer = page.location.unwrap();
    assert_ne!(newer, entry);
    let shown = b.get(&newer);
    assert!(
        shown.body.contains("Buddy voor elke nieuwe collega"),
        "{}",
        shown.body
    );
    let versions: ThreadView = node.json(&["show", newer.trim_start_matches("/bericht/")]);
    assert_eq!(versions.versions.len(), 2);
}

#[test]
fn ask_answer_react_accept_and_find_it_through_the_page() {
    let node = Node::init("Gemeente Zwolle", "GM0193");
    let _daemon = Daemon::start(&node, &[]);
    let mut b = signed_in(&node);
    let csrf = b.csrf();
    let page = b.post(
        "/schrijven",
        &[
            ("csrf", csrf.as_str()),
            ("soort", "vraag"),
            ("titel", "Hoe houden jullie het verzuim <laag>?"),
            ("tekst", "Wij zoeken ideeën."),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let question = page.location.unwrap();
    let id = question.trim_start_matches("/bericht/").to_owned();

    // Open questions and search find it; what was typed is escaped, never markup.
    let open = b.get("/vragen");
    assert!(open.body.contains(&question), "{}", open.body);
    assert!(open.body.contains("&lt;laag&gt;"), "{}", open.body);
    assert!(!open.body.contains("<laag>"));
    let found = b.get("/zoeken?q=verzuim");
    assert!(found.body.contains(&question), "{}", found.body);

    let page = b.post(
        &format!("/bericht/{id}/antwoord"),
        &[
            ("csrf", csrf.as_str()),
            ("tekst", "Met een buddy en korte lijnen."),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b.post(
        &format!("/bericht/{id}/reactie"),
        &[
            ("csrf", csrf.as_str()),
            ("oordeel", "nuttig"),
            ("toelichting", "Goede vraag"),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    // A comment the privacy guard asks about: shown again with what was typed; confirmed,
    // it goes.
    let asked = b.post(
        &format!("/bericht/{id}/reactie"),
        &[
            ("csrf", csrf.as_str()),
            ("oordeel", "werkt"),
            ("toelichting", "Bel ons op 06-12345678"),
        ],
    );
    assert_eq!(asked.status, 422);
    assert!(
        asked.body.contains("value=\"Bel ons op 06-12345678\""),
        "{}",
        asked.body
    );
    assert!(asked.body.contains("name=\"bevestigd\""), "{}", asked.body);
    let page = b.post(
        &format!("/bericht/{id}/reactie"),
        &[
            ("csrf", csrf.as_str()),
            ("oordeel", "werkt"),
            ("toelichting", "Bel ons op 06-12345678"),
            ("bevestigd", "ja"),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.body);

    // One result at a time, and a link to more.
    let first = b.get("/zoeken?q=verzuim+buddy&aantal=1");
    assert_eq!(
        first.body.matches("class=\"result\"").count(),
        1,
        "{}",
        first.body
    );
    assert!(first.body.contains("aantal=2"), "{}", first.body);
    let thread = b.get(&question);
    assert!(
        thread.body.contains("Met een buddy en korte lijnen."),
        "{}",
        thread.body
    );
    assert!(thread.body.contains("nuttig"), "{}", thread.body);
    let at = thread
        .body
        .find("/accepteren")
        .expect("an accept button for the asker");
    let start = thread.body[..at].rfind("/bericht/").unwrap();
    let accept = thread.body[start..at + "/accepteren".len()].to_owned();
    let page = b.post(&accept, &[("csrf", csrf.as_str())]);
    assert_eq!(page.status, 303, "{}", page.body);
    let thread = b.get(&question);
    assert!(thread.body.contains("answer--accepted"), "{}", thread.body);
    let shown: ThreadView = node.json(&["show", &id]);
    assert!(shown.answers[0].accepted);

    // Its own answer can be changed: the form holds its text, and nothing else.
    let at = thread
        .body
        .find("/bewerken\">Dit antwoord wijzigen")
        .expect("a change link");
    let start = thread.body[..at].rfind("/bericht/").unwrap();
    let edit = thread.body[start..at + "/bewerken".len()].to_owned();
    let form = b.get(&edit);
    assert!(
        form.body.contains("Met een buddy en korte lijnen."),
        "{}",
        form.body
    );
    assert!(!form.body.contains("id=\"titel\""), "{}", form.body);
    let page = b.post(
        &edit,
        &[
            ("csrf", csrf.as_str()),
            ("soort", "antwoord"),
            ("tekst", "Met een buddy, korte lijnen en een vaste coach."),
        ],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let thread = b.get(&question);
    assert!(thread.body.contains("een vaste coach"), "{}", thread.body);

    // Mine, trust and the node's page; then withdrawn, its consequences said first.
    assert!(b.get("/mijn").body.contains(&question));
    assert!(b.get("/vertrouwen").body.contains("Gemeente Zwolle"));
    let status = b.get("/node");
    assert!(status.body.contains("<svg"), "{}", status.body);
    let warning = b.get(&format!("{question}/intrekken"));
    assert!(
        warning.body.contains("kan niet ongedaan worden gemaakt"),
        "{}",
        warning.body
    );
    let page = b.post(
        &format!("{question}/intrekken"),
        &[("csrf", csrf.as_str()), ("reden", "Dubbel gesteld")],
    );
    assert_eq!(page.status, 303, "{}", page.body);
    let gone = b.get(&question);
    assert!(
        gone.body.contains("Ingetrokken door de auteur"),
        "{}",
        gone.body
    );
    assert!(!gone.body.contains("Wij zoeken ideeën."));
}
