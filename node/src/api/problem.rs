//! Errors as RFC 9457 problem details: from the service's errors, and from whatever
//! axum answers by itself.

use super::*;
use crate::wire::{PROBLEM_TYPE_PREFIX, ProblemBody};
use wiel_lang::{Lang, Localise, Message};

/// An error as RFC 9457 problem details.
pub struct Problem {
    pub(super) status: StatusCode,
    pub(super) title: &'static str,
    pub(super) detail: String,
    /// The error's stable code (see [`ServiceError::code`]), as the problem type.
    pub(super) code: Option<&'static str>,
}

tokio::task_local! {
    /// The language the request asked for (`Accept-Language`), for the problem's detail.
    static REQUEST_LANG: Lang;
}

/// An error's text in the language of the request being answered: Dutch or English as
/// `Accept-Language` asks, English when it asks for neither.
fn in_request_language(message: &Message) -> String {
    request_language().text(message)
}

/// The language the request being answered asked for (`Accept-Language`).
pub(super) fn request_language() -> Lang {
    REQUEST_LANG.try_with(|lang| *lang).unwrap_or(Lang::En)
}

pub(super) fn internal(error: impl Localise) -> Problem {
    internal_text(in_request_language(&error.message()))
}

/// A failure inside the node itself (a task that panicked): its text as it is.
pub(super) fn internal_failure(error: &impl std::fmt::Display) -> Problem {
    internal_text(error.to_string())
}

fn internal_text(detail: String) -> Problem {
    Problem {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        title: "Internal error",
        code: None,
        detail,
    }
}

/// A problem whose detail is a message, in the request's language.
pub(super) fn refused(status: StatusCode, title: &'static str, message: Message) -> Problem {
    Problem {
        status,
        title,
        code: None,
        detail: in_request_language(&message),
    }
}

/// Every error answer is problem details, also those axum makes itself (a body that is
/// not JSON, a missing field, an unknown route or method, a body over its limit): their
/// text becomes the detail.
pub(super) async fn as_problem(req: Request, next: Next) -> Response {
    let route = format!("{} {}", req.method(), req.uri().path());
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or(Lang::En);
    let response = REQUEST_LANG.scope(lang, next.run(req)).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let text = match axum::body::to_bytes(response.into_body(), 64 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let detail = match (text.is_empty(), status) {
        (false, _) => text,
        (true, StatusCode::NOT_FOUND) => format!("no such route: {route}"),
        (true, StatusCode::METHOD_NOT_ALLOWED) => format!("method not allowed: {route}"),
        (true, _) => format!("{route} failed"),
    };
    Problem {
        status,
        title: status.canonical_reason().unwrap_or("Error"),
        code: None,
        detail: crate::text::one_line(&detail),
    }
    .into_response()
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: match self.code {
                Some(code) => format!("{PROBLEM_TYPE_PREFIX}{code}"),
                None => "about:blank".into(),
            },
            title: self.title.into(),
            status: self.status.as_u16(),
            detail: self.detail,
        };
        let json = serde_json::to_string(&body).unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            json,
        )
            .into_response()
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        let (status, title) = match &e {
            ServiceError::NoSuchEntry(_) | ServiceError::NoSuchOrganisation(_) => {
                (StatusCode::NOT_FOUND, "Not found")
            }
            ServiceError::Store(_) | ServiceError::Search(_) | ServiceError::DataDir(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "Storage error")
            }
            _ => (StatusCode::UNPROCESSABLE_ENTITY, "Refused"),
        };
        Problem {
            status,
            title,
            code: Some(e.code()),
            detail: in_request_language(&e.message()),
        }
    }
}

impl From<crate::ops::OpError> for Problem {
    fn from(e: crate::ops::OpError) -> Self {
        match e {
            crate::ops::OpError::Service(e) => e.into(),
            other => internal(other),
        }
    }
}
