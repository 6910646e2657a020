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
use super::session::cookie_name;
use super::sign_in::SignInError;
use super::{Visitor, WebState, cookie, language};
use crate::audit::Actor;

/// The cookie that carries a sign-in's state to the provider and back; under https with
/// the `__Host-` prefix, so that no sibling site can plant one (and sign a browser in as
/// someone else).
fn sign_in_cookie(state: &WebState) -> &'static str {
    if state.secure {
        "__Host-wiel_inlog"
    } else {
        "wiel_inlog"
    }
}

/// At most this much of what a provider or a visitor said goes into the node's log.
fn for_log(text: &str) -> String {
    text.chars().take(200).collect()
}

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
    let permit = match sign_in.enter() {
        Ok(permit) => permit,
        Err(busy) => return refused(lang, &busy),
    };
    let starting = sign_in.clone();
    let started = tokio::task::spawn_blocking(move || starting.start()).await;
    drop(permit);
    match started {
        Ok(Ok((url, sign_in_state))) => (
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    // Lax: the provider sends the browser back with a top-level GET from
                    // its own site, which a Strict cookie would not come along with.
                    format!(
                        "{}={sign_in_state}; HttpOnly; SameSite=Lax; Path=/; Max-Age=600{}",
                        sign_in_cookie(&state),
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
    // Nothing is taken from a callback this browser did not start.
    let Some(left_with) = cookie(req.headers(), sign_in_cookie(&state)) else {
        return refused(lang, &SignInError::Unknown);
    };
    if let Some(error) = back.error {
        return refused(lang, &SignInError::Refused(error));
    }
    let permit = match sign_in.enter() {
        Ok(permit) => permit,
        Err(busy) => return refused(lang, &busy),
    };
    let finishing = sign_in.clone();
    let finished =
        tokio::task::spawn_blocking(move || finishing.finish(&left_with, &back.state, &back.code))
            .await;
    drop(permit);
    let person = match finished {
        Ok(Ok(person)) => person,
        Ok(Err(error)) => return refused(lang, &error),
        Err(_) => return refused(lang, &SignInError::Provider("task failed".to_owned())),
    };
    let actor = Actor::SignIn {
        subject: person.subject,
        name: person.name,
        role: Some(person.roles.join(", ")).filter(|r| !r.is_empty()),
    };
    let label = actor.label().unwrap_or_default();
    let Some(id) = state.sessions.open(actor.clone(), person.powers) else {
        return refused(lang, &SignInError::Provider("no randomness".to_owned()));
    };
    state.audit.record(&actor, "sign-in", None);
    tracing::info!(who = ?label, "signed in to the web page");
    let body = html! {
        p { (lang.text(&msg!("web-signed-in", who = label.as_str()))) }
        p { (lang.text(&msg!("web-signed-in-consent", who = label.as_str()))) }
        p { a class="button" href="/" { (lang.text(&msg!("web-continue"))) } }
    };
    let mut response = layout(lang, &lang.text(&msg!("web-sign-in-title")), body);
    let headers = response.headers_mut();
    for value in [
        session_cookie(&state, &id),
        format!(
            "{}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{}",
            sign_in_cookie(&state),
            secure(&state)
        ),
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
        "{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}",
        cookie_name(state.secure),
        secure(&state)
    )) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure where the page is served over TLS.
fn session_cookie(state: &WebState, id: &str) -> String {
    format!(
        "{}={id}; HttpOnly; SameSite=Strict; Path=/{}",
        cookie_name(state.secure),
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
            tracing::error!(reason = ?for_log(reason), "the identity provider cannot be used");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                msg!("web-sign-in-unreachable"),
            )
        }
        SignInError::Unknown => (StatusCode::FORBIDDEN, msg!("web-sign-in-unknown")),
        SignInError::Busy => (StatusCode::SERVICE_UNAVAILABLE, msg!("web-sign-in-busy")),
        SignInError::NotAllowed => (StatusCode::FORBIDDEN, msg!("web-sign-in-not-allowed")),
        SignInError::Refused(reason) => {
            tracing::warn!(reason = ?for_log(reason), "a sign-in was refused");
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
