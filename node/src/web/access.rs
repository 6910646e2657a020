//! Getting in and out: the sign-in page, the one-time link of `wiel web` (on this machine),
//! the identity provider's way back (beyond it), and signing out. Every way in and out is
//! written to the audit log.

use axum::extract::{Form, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use wiel_lang::{Lang, Message, msg};

use super::pages::layout;
use super::session::{COOKIE, same_secret};
use super::sign_in::SignInError;
use super::{Visitor, WebState, cookie, language};
use crate::audit::Actor;

/// The cookie that carries a sign-in's state to the provider and back.
const SIGN_IN_COOKIE: &str = "wiel_inlog";

/// `GET /inloggen`: beyond this machine, off to the identity provider; on it, how to get
/// a login link.
pub(super) async fn sign_in_page(State(state): State<WebState>, req: Request) -> Response {
    let lang = language(&req);
    let Some(sign_in) = state.sign_in.clone() else {
        let body = html! {
            p { (lang.text(&msg!("web-sign-in-how"))) }
            pre { "wiel web" }
        };
        return layout(lang, &lang.text(&msg!("web-sign-in-title")), body);
    };
    match tokio::task::spawn_blocking(move || sign_in.start()).await {
        Ok(Ok((url, sign_in_state))) => (
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    // Lax: the provider sends the browser back with a top-level GET from
                    // its own site, which a Strict cookie would not come along with.
                    format!(
                        "{SIGN_IN_COOKIE}={sign_in_state}; HttpOnly; SameSite=Lax; \
                         Path=/inloggen; Max-Age=600{}",
                        secure(&state)
                    ),
                ),
                (header::LOCATION, url),
            ],
        )
            .into_response(),
        Ok(Err(error)) => refused(lang, &error),
        Err(_) => refused(lang, &SignInError::Provider("task failed".to_owned())),
    }
}

/// `GET /inloggen/{token}`: a login link, good once; not on the page beyond this machine,
/// where everyone signs in through the identity provider.
pub(super) async fn link(
    State(state): State<WebState>,
    Path(token): Path<String>,
    req: Request,
) -> Response {
    let lang = language(&req);
    let opened = match state.sign_in {
        Some(_) => None,
        None => state.sessions.log_in(&token),
    };
    match opened {
        Some(id) => {
            state.audit.record(&Actor::LoginLink, "sign-in", None);
            (
                StatusCode::SEE_OTHER,
                [
                    (header::SET_COOKIE, session_cookie(&state, &id)),
                    (header::LOCATION, "/".to_owned()),
                ],
            )
                .into_response()
        }
        None => {
            let body = match state.sign_in {
                Some(_) => html! {
                    p class="alert alert--error" role="alert" { (lang.text(&msg!("web-link-not-here"))) }
                    p { a href="/inloggen" { (lang.text(&msg!("web-sign-in-again"))) } }
                },
                None => html! {
                    p class="alert alert--error" role="alert" { (lang.text(&msg!("web-link-used"))) }
                    pre { "wiel web" }
                },
            };
            let mut response = layout(lang, &lang.text(&msg!("web-sign-in-title")), body);
            *response.status_mut() = StatusCode::FORBIDDEN;
            response
        }
    }
}

#[derive(Deserialize)]
pub(super) struct Callback {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    /// Set by the provider when it did not sign the person in.
    error: Option<String>,
}

/// `GET /inloggen/terug`: the identity provider sends the browser back with a code. The
/// state must be the one this browser left with; the code is exchanged, the ID token
/// checked, and a session opened for the person it names.
pub(super) async fn callback(
    State(state): State<WebState>,
    Query(back): Query<Callback>,
    req: Request,
) -> Response {
    let lang = language(&req);
    let Some(sign_in) = state.sign_in.clone() else {
        return refused(lang, &SignInError::Unknown);
    };
    let left_with = cookie(req.headers(), SIGN_IN_COOKIE).unwrap_or_default();
    if let Some(error) = back.error {
        return refused(lang, &SignInError::Refused(error));
    }
    if back.state.is_empty() || !same_secret(&back.state, &left_with) {
        return refused(lang, &SignInError::Unknown);
    }
    let person =
        match tokio::task::spawn_blocking(move || sign_in.finish(&back.state, &back.code)).await {
            Ok(Ok(person)) => person,
            Ok(Err(error)) => return refused(lang, &error),
            Err(_) => return refused(lang, &SignInError::Provider("task failed".to_owned())),
        };
    let actor = Actor::SignIn {
        subject: person.subject,
        name: person.name,
        role: person.role,
    };
    let label = actor.label().unwrap_or_default();
    let Some(id) = state.sessions.open(actor.clone()) else {
        return refused(lang, &SignInError::Provider("no randomness".to_owned()));
    };
    state.audit.record(&actor, "sign-in", None);
    tracing::info!(who = %label, "signed in to the web page");
    let body = html! {
        p { (lang.text(&msg!("web-signed-in", who = label.as_str()))) }
        p { (lang.text(&msg!("web-signed-in-consent", who = label.as_str()))) }
        p { a class="button" href="/" { (lang.text(&msg!("web-continue"))) } }
    };
    let mut response = layout(lang, &lang.text(&msg!("web-sign-in-title")), body);
    let headers = response.headers_mut();
    for value in [
        session_cookie(&state, &id),
        format!("{SIGN_IN_COOKIE}=; HttpOnly; SameSite=Lax; Path=/inloggen; Max-Age=0"),
    ] {
        if let Ok(value) = header::HeaderValue::from_str(&value) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

#[derive(Deserialize)]
pub(super) struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /uitloggen`: ends this session.
pub(super) async fn sign_out(
    State(state): State<WebState>,
    v: Visitor,
    Form(form): Form<SignOutForm>,
) -> Response {
    if let Some(refused) = super::forms::forged(&v, &form.csrf) {
        return refused;
    }
    state.sessions.close(&v.session);
    state.audit.record(&v.actor, "sign-out", None);
    let body = html! {
        p { (v.text(&msg!("web-signed-out"))) }
        p { a href="/inloggen" { (v.text(&msg!("web-sign-in-again"))) } }
    };
    let mut response = layout(v.lang, &v.text(&msg!("web-sign-out")), body);
    if let Ok(value) = header::HeaderValue::from_str(&format!(
        "{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure where the page is served over TLS.
fn session_cookie(state: &WebState, id: &str) -> String {
    format!(
        "{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/{}",
        secure(state)
    )
}

fn secure(state: &WebState) -> &'static str {
    if state.secure { "; Secure" } else { "" }
}

/// A sign-in that did not succeed: said plainly, with the way to try again; the reason
/// for the ICT staff in the node's log.
fn refused(lang: Lang, error: &SignInError) -> Response {
    let (status, message): (StatusCode, Message) = match error {
        SignInError::Provider(reason) => {
            tracing::error!(%reason, "the identity provider cannot be used");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                msg!("web-sign-in-unreachable"),
            )
        }
        SignInError::Unknown => (StatusCode::FORBIDDEN, msg!("web-sign-in-unknown")),
        SignInError::Refused(reason) => {
            tracing::warn!(%reason, "a sign-in was refused");
            (StatusCode::FORBIDDEN, msg!("web-sign-in-refused"))
        }
        SignInError::NoName => (StatusCode::FORBIDDEN, msg!("web-sign-in-no-name")),
    };
    let body = html! {
        p class="alert alert--error" role="alert" { (lang.text(&message)) }
        p { a href="/inloggen" { (lang.text(&msg!("web-sign-in-again"))) } }
    };
    let mut response = layout(lang, &lang.text(&msg!("web-sign-in-title")), body);
    *response.status_mut() = status;
    response
}
