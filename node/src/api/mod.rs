//! The local API: HTTP+JSON on 127.0.0.1 for the CLI while a node runs. A thin layer over
//! the [`Service`]; every call needs the token from `DATA_DIR/api.token`.
//! Errors are `application/problem+json` (`problem`); `GET /openapi.json` describes it all.
//! Its routes come from the table of operations (`ops`): each is read by [`Received`],
//! carried out by the service on the blocking pool or by a handler of `node` for what only
//! a running node knows, and answered as its row says.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};

use crate::network::{Client, Counters, NetworkStatus};
use crate::service::{Service, ServiceError};

mod node;
pub mod openapi;
mod problem;
mod received;

use crate::ops::Operations;
use crate::wire::*;
use problem::*;
use received::Received;

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    pub service: Arc<Service>,
    pub network: Client,
    pub counters: Arc<Counters>,
    pub token: Arc<String>,
    /// The web page's sessions: the API hands out its login links.
    pub sessions: Arc<crate::web::Sessions>,
    /// Where the node serves, for the login link: `http://127.0.0.1:PORT`.
    pub origin: Arc<String>,
}

/// [`blocking_op`], for a call of the service itself.
async fn blocking<T: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&Service) -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, Problem> {
    blocking_op(state, move |svc| Ok(f(svc)?)).await
}

/// Runs an operation of [`crate::ops::Operations`] on the service, on the blocking pool
/// (the store does disk I/O).
async fn blocking_op<T: Send + 'static>(
    state: &ApiState,
    f: impl FnOnce(&Service) -> Result<T, crate::ops::OpError> + Send + 'static,
) -> Result<T, Problem> {
    let service = state.service.clone();
    // What the service words itself (a name shown as a claim) in the request's language.
    let reader = problem::request_language();
    tokio::task::spawn_blocking(move || wiel_lang::for_reader(reader, || f(&service)))
        .await
        .map_err(|e| internal_failure(&e))?
        .map_err(Problem::from)
}

async fn require_token(
    State(state): State<ApiState>,
    headers: HeaderMap,
    req: Request,
    next: Next,
) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(t) if constant_time_eq(t.as_bytes(), state.token.as_bytes()) => {
            let mut answer = next.run(req).await;
            // Earns the connection its place (see `http`).
            answer.extensions_mut().insert(crate::http::Authorised);
            answer
        }
        _ => refused(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            wiel_lang::msg!("api-unauthorized"),
        )
        .into_response(),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Largest import file through a running node; every other request keeps axum's 2 MB
/// (what is read of a request may grow several times over as it is decoded).
const MAX_IMPORT_BYTES: usize = 512 * 1024 * 1024;

/// The largest body a request of type `Q` may have.
fn body_limit<Q: 'static>() -> axum::extract::DefaultBodyLimit {
    if ImportText::is::<Q>() {
        axum::extract::DefaultBodyLimit::max(MAX_IMPORT_BYTES)
    } else {
        axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024)
    }
}

/// Carries out an operation: on the service, or by its handler in `node`.
macro_rules! serve {
    (service, $name:ident, $state:ident, $request:ident) => {
        blocking_op(&$state, move |svc| {
            <Service as Operations>::$name(svc, $request)
        })
        .await
    };
    ($handler:ident, $name:ident, $state:ident, $request:ident) => {
        node::$handler(&$state, $request).await
    };
}

/// An answer as its row says.
macro_rules! answer_as {
    (Json, $answer:ident) => {
        Json($answer).into_response()
    };
    (Lines, $answer:ident) => {
        received::lines(&$answer)
    };
    (Text, $answer:ident) => {
        received::jsonl($answer)
    };
}

/// The router's routes, one per row of the table.
macro_rules! routes_of {
    ($($name:ident: $method:ident $path:literal, $req:ty => $ans:ty as $format:ident, $summary:literal,
        local |$s:pat_param, $r:pat_param| $local:expr, served by $served:ident;)*) => {
        fn operation_routes(mut router: Router<ApiState>) -> Router<ApiState> {
            $(
                router = router.route(
                    $path,
                    axum::routing::$method(
                        |State(state): State<ApiState>, Received(request): Received<$req>| async move {
                            let answer: $ans = serve!($served, $name, state, request)?;
                            Ok::<_, Problem>(answer_as!($format, answer))
                        },
                    )
                    .layer(body_limit::<$req>()),
                );
            )*
            router
        }
    };
}

crate::ops::operations!(routes_of);

pub fn router(state: ApiState) -> Router {
    operation_routes(Router::new())
        .route(routes::OPENAPI, axum::routing::get(openapi))
        // Any other path is answered here, as problem details: the web page merged beside
        // the API answers only its own routes.
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        .layer(middleware::from_fn(as_problem))
        .with_state(state)
}

async fn openapi() -> Json<serde_json::Value> {
    Json(openapi::document())
}
