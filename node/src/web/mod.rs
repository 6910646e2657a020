//! The web page for the people wiel is for: search, read a thread, ask, answer, react,
//! accept, publish — served by `wiel node` beside the API, over the same service.
//!
//! Owns the routes, and who may use them: the Host header must name the page's own host
//! (against DNS rebinding), every form must come from its origin with the session's CSRF
//! token, and every answer has a strict Content-Security-Policy. On this machine people get
//! in with a one-time login link (`session`); beyond it, as `[web]` sets up, only by signing
//! in through the municipality's identity provider (`sign_in`), and what they do is written
//! to the audit log with their name. `pages` renders (maud, no JavaScript), `forms` takes
//! what people send, `access` lets them in and out.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use wiel_lang::{Lang, Message};

use crate::Service;

mod access;
mod forms;
mod live;
mod more;
mod pages;
mod replies;
pub mod session;
pub mod sign_in;

pub use session::Sessions;
pub use sign_in::{SharedPage, WebSetupError};

use crate::audit::{Actor, AuditLog};

/// What the web page's handlers share.
#[derive(Clone)]
pub struct WebState {
    pub service: Arc<Service>,
    pub sessions: Arc<Sessions>,
    /// The network, for the node page (peers).
    pub network: crate::network::Client,
    /// The only Host the page answers to: `wiel-<random>.localhost:PORT` on this machine
    /// (see [`host_name`]), the host of `[web] address` beyond it.
    pub host: Arc<String>,
    /// The origin every form must come from: `http://` and the host, or `[web] address`.
    pub origin: Arc<String>,
    /// Cookies marked Secure: the page is reached over TLS.
    pub secure: bool,
    /// Beyond this machine: sign-in through the identity provider, and no login links.
    pub sign_in: Option<Arc<sign_in::SignIn>>,
    pub audit: Arc<AuditLog>,
    /// Fires when the node stops: the live streams end, so the server can close.
    pub stop: tokio_util::sync::CancellationToken,
}

/// The reader's language and session, found by the middleware.
#[derive(Clone)]
pub(crate) struct Visitor {
    pub lang: Lang,
    pub csrf: String,
    /// The session's id (to sign out).
    pub session: String,
    pub actor: Actor,
    pub powers: session::Powers,
}

impl Visitor {
    pub fn text(&self, message: &Message) -> String {
        self.lang.text(message)
    }

    /// The signed-in person's name and role, which go into what they publish; `None` for
    /// the one-time link on this machine.
    pub fn signed_as(&self) -> Option<String> {
        self.actor.label()
    }

    /// What this person writes carries their name and role as its contact.
    pub fn sign(&self, body: &mut wiel_protocol::Body) {
        if let Some(who) = self.signed_as() {
            body.contact = Some(who);
        }
    }

    /// After an act: each entry it made in the audit log, then on to the page `to`.
    pub fn done(
        &self,
        state: &WebState,
        action: &str,
        made: &[wiel_protocol::EntryId],
        to: &str,
    ) -> Response {
        for id in made {
            state.audit.record(&self.actor, action, Some(&id.to_hex()));
        }
        Redirect::to(to).into_response()
    }
}

/// A host name of the page's own, `wiel-<16 random hex>.localhost`: browsers take every
/// `*.localhost` name to this machine, and keep a cookie to the exact name it was set for.
/// Under 127.0.0.1 or plain localhost, any other service on this machine (another port)
/// would receive the session cookie, since cookies are not kept apart by port.
pub fn host_name() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)?;
    Ok(format!("wiel-{}.localhost", hex::encode(bytes)))
}

pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/zoeken", get(pages::search))
        .route("/vragen", get(pages::questions))
        .route("/bericht/{id}", get(pages::entry))
        .route("/schrijven", get(pages::write).post(forms::publish))
        .route(
            "/bericht/{id}/antwoord",
            axum::routing::post(replies::answer),
        )
        .route("/bericht/{id}/reactie", axum::routing::post(replies::react))
        .route(
            "/bericht/{id}/accepteren",
            axum::routing::post(replies::accept),
        )
        .route(
            "/bericht/{id}/bewerken",
            get(forms::edit_page).post(forms::edit),
        )
        .route("/mijn", get(more::mine))
        .route("/vertrouwen", get(more::trust))
        .route("/vertrouwen/aanbevelen", axum::routing::post(more::endorse))
        .route(
            "/vertrouwen/intrekken",
            axum::routing::post(more::withdraw_endorsement),
        )
        .route("/node", get(more::node))
        .route(
            "/bericht/{id}/intrekken",
            get(more::retract_page).post(more::retract),
        )
        .route("/inloggen", get(access::sign_in_page))
        .route("/inloggen/terug", get(access::callback))
        .route("/inloggen/{token}", get(access::link))
        .route("/uitloggen", axum::routing::post(access::sign_out))
        .route("/stijl.css", get(stylesheet))
        .route("/wiel.js", get(live::script))
        .route("/nieuw", get(live::new_entries))
        // A route layer: a path the page does not have (the API's, a mistyped one) is
        // not the page's to answer.
        .route_layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// The page's language: the browser's first choice among Dutch and English; Dutch else.
pub(crate) fn language(req: &Request) -> Lang {
    language_of(req.headers())
}

fn language_of(headers: &axum::http::HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or(Lang::Nl)
}

tokio::task_local! {
    /// The language of the page being answered, for what the service words itself (a
    /// name shown as a claim): see [`blocking`].
    static PAGE_LANG: Lang;
}

/// Every request: answered only when its Host is this machine (a page elsewhere that
/// resolves its own name to 127.0.0.1 gets nothing), a form only from this origin, and
/// every answer with the headers that keep it from being framed, sniffed or scripted.
async fn guard(State(state): State<WebState>, req: Request, next: Next) -> Response {
    let lang = language(&req);
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let own = state.host.as_str();
    if host != own {
        return with_guard_headers(plain(
            StatusCode::MISDIRECTED_REQUEST,
            lang.text(&if state.sign_in.is_some() {
                wiel_lang::msg!("web-wrong-host-shared")
            } else {
                wiel_lang::msg!("web-wrong-host")
            }),
        ));
    }
    if req.method() != axum::http::Method::GET {
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        if let Some(origin) = origin
            && origin != state.origin.as_str()
        {
            return with_guard_headers(plain(
                StatusCode::FORBIDDEN,
                lang.text(&wiel_lang::msg!("web-foreign-form")),
            ));
        }
    }
    // A signed-in visitor's answers earn the connection its place (see `http`).
    let signed_in = cookie(req.headers(), session::cookie_name(state.secure))
        .is_some_and(|id| state.sessions.is_open(&id));
    let mut answer = with_guard_headers(PAGE_LANG.scope(lang, next.run(req)).await);
    if signed_in {
        answer.extensions_mut().insert(crate::http::Authorised);
    }
    answer
}

/// The headers that keep a page from being framed, sniffed or scripted.
fn with_guard_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
             img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Not no-referrer: a browser then sends "Origin: null" with a form, and this page
        // checks the origin of every form.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Pages behind the login take a `Visitor`: a request without an open session is sent to
/// the page that says how to get a login link.
impl axum::extract::FromRequestParts<WebState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &WebState,
    ) -> Result<Visitor, Response> {
        let lang = language_of(&parts.headers);
        let session = cookie(&parts.headers, session::cookie_name(state.secure))
            .and_then(|id| state.sessions.get(&id).map(|s| (id, s)));
        match session {
            Some((id, session)) => Ok(Visitor {
                lang,
                csrf: session.csrf,
                session: id,
                actor: session.actor,
                powers: session.powers,
            }),
            None => Err(Redirect::to("/inloggen").into_response()),
        }
    }
}

/// Whether this visitor may change or withdraw the entry `id`: from the node's own
/// computer, or with an editor's role, any of the municipality's; else only what this
/// person published or changed through the page (as the audit log says).
pub(crate) async fn may_change(state: &WebState, v: &Visitor, id: &str) -> Result<(), Response> {
    let subject = match &v.actor {
        _ if v.powers.edit_all => return Ok(()),
        Actor::SignIn { subject, .. } => subject.clone(),
        Actor::LoginLink => return Ok(()),
    };
    let target = id.to_owned();
    let audit = state.audit.clone();
    let theirs = blocking(state, move |s| {
        let thread = crate::ops::Operations::thread(s, target.as_str().into())?;
        let mut ids: Vec<String> = thread.versions.iter().map(|id| id.to_hex()).collect();
        ids.push(thread.entry.id.to_hex());
        Ok(audit.acted_on(&subject, &ids))
    })
    .await;
    match theirs {
        Ok(true) => Ok(()),
        Ok(false) => {
            let mut response = pages::problem(v.lang, &wiel_lang::msg!("web-not-yours"));
            *response.status_mut() = StatusCode::FORBIDDEN;
            Err(response)
        }
        Err(e) => Err(pages::problem(v.lang, &e)),
    }
}

/// A cookie's value from the request.
fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("style.css"),
    )
        .into_response()
}

/// Runs a service call on the blocking pool (the store does disk I/O); what went wrong as
/// a message for the page.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &WebState,
    f: impl FnOnce(&Service) -> Result<T, crate::ops::OpError> + Send + 'static,
) -> Result<T, Message> {
    let service = state.service.clone();
    let reader = PAGE_LANG.try_with(|lang| *lang).unwrap_or(Lang::Nl);
    match tokio::task::spawn_blocking(move || wiel_lang::for_reader(reader, || f(&service))).await {
        Ok(result) => result.map_err(|e| wiel_lang::Localise::message(&e)),
        Err(_) => Err(wiel_lang::msg!("web-failed")),
    }
}
