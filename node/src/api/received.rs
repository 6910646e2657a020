//! An operation's request as it arrives (path, query, body; read as `wire::routes` says)
//! and its answer as it leaves (JSON, or JSON lines).

use axum::body::Bytes;
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams};
use axum::http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::*;
use crate::wire::routes::{RequestError, request_of};

/// A request of type `Q`, read from the route's parameters and the query or the body.
pub(super) struct Received<Q>(pub Q);

impl<Q: DeserializeOwned, S: Send + Sync> FromRequest<S> for Received<Q> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let (mut parts, body) = req.into_parts();
        // A route's parameters that cannot be read refuse the request: never read as none.
        let path: Vec<(String, String)> =
            match RawPathParams::from_request_parts(&mut parts, state).await {
                Ok(params) => params
                    .iter()
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .collect(),
                Err(RawPathParamsRejection::MissingPathParams(_)) => Vec::new(),
                Err(_) => return Err(bad(RequestError::BadPath)),
            };
        let read = if parts.method == Method::GET || parts.method == Method::HEAD {
            request_of(path, parts.uri.query(), None)
        } else {
            let text = parts
                .headers
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"));
            let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(|rejection| Problem {
                    status: rejection.status(),
                    title: "Bad request",
                    code: None,
                    detail: crate::text::one_line(&rejection.body_text()),
                })?;
            request_of(path, None, Some((&bytes, text)))
        };
        read.map(Received).map_err(bad)
    }
}

/// A request that could not be read, as problem details.
fn bad(e: RequestError) -> Problem {
    let status = match e {
        RequestError::Fields(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    };
    Problem {
        status,
        title: "Bad request",
        code: None,
        detail: crate::text::one_line(&e.to_string()),
    }
}

/// A list answered as JSON lines, one item a line.
pub(super) fn lines<T: Serialize>(items: &[T]) -> Response {
    let mut out = String::new();
    for item in items {
        match serde_json::to_string(item) {
            Ok(line) => out.push_str(&line),
            Err(e) => return internal_failure(&e).into_response(),
        }
        out.push('\n');
    }
    jsonl(out)
}

/// Text already in JSON lines, answered as it is.
pub(super) fn jsonl(text: String) -> Response {
    ([(header::CONTENT_TYPE, "application/jsonl")], text).into_response()
}
