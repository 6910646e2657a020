//! What comes sooner with JavaScript: the script itself (`/wiel.js`), and new entries as
//! they arrive (`/nieuw`, server-sent events), for the notice on the front page.
//!
//! `/nieuw` looks at the newest entries every two seconds and sends those it has not sent
//! before: what this node shows (trusted, not retracted), as `list` gives it. A stream
//! ends when its session ends or the node stops; at most [`MAX_STREAMS`] are open at once,
//! and [`PER_SESSION`] of one session (a few tabs), so that nobody can take all of them.

use std::collections::{BTreeMap, HashSet};
use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use wiel_protocol::EntryId;
use wiel_store::ListFilter;

use super::{Visitor, WebState, blocking};
use crate::view::EntryView;

/// How often a stream looks for new entries.
const POLL: Duration = Duration::from_secs(2);
/// The newest entries looked at each time.
const NEWEST: usize = 20;
/// Streams open at once, over all sessions.
const MAX_STREAMS: usize = 100;

/// Streams open at once for one session.
const PER_SESSION: usize = 4;

/// Open streams per session.
static OPEN_STREAMS: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

/// A place among the open streams, given back when the stream ends.
struct Slot(String);

impl Slot {
    fn take(session: &str) -> Option<Slot> {
        let mut open = lock();
        let all: usize = open.values().sum();
        let mine = open.get(session).copied().unwrap_or(0);
        if all >= MAX_STREAMS || mine >= PER_SESSION {
            return None;
        }
        open.insert(session.to_owned(), mine + 1);
        Some(Slot(session.to_owned()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = lock();
        if let Some(count) = open.get_mut(&self.0) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.0);
            }
        }
    }
}

fn lock() -> std::sync::MutexGuard<'static, BTreeMap<String, usize>> {
    OPEN_STREAMS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(super) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("wiel.js"),
    )
        .into_response()
}

async fn newest(state: &WebState) -> Option<Vec<EntryView>> {
    blocking(state, |s| {
        s.list(&ListFilter {
            content_only: true,
            limit: NEWEST,
            ..ListFilter::default()
        })
        .map_err(Into::into)
    })
    .await
    .ok()
    .map(|listing| listing.entries)
}

/// `GET /nieuw`: an event `bericht` with `{"href", "title"}` for each new entry.
pub(super) async fn new_entries(State(state): State<WebState>, v: Visitor) -> Response {
    let Some(slot) = Slot::take(&v.session) else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let seen: HashSet<EntryId> = newest(&state)
        .await
        .unwrap_or_default()
        .iter()
        .map(|e| e.id)
        .collect();
    let stream = futures::stream::unfold(
        (state, v, seen, Vec::<Event>::new(), slot),
        |(state, v, mut seen, mut waiting, slot)| async move {
            loop {
                if let Some(event) = waiting.pop() {
                    return Some((Ok::<_, Infallible>(event), (state, v, seen, waiting, slot)));
                }
                tokio::select! {
                    () = state.stop.cancelled() => return None,
                    () = tokio::time::sleep(POLL) => {}
                }
                if !state.sessions.is_open(&v.session) {
                    return None;
                }
                let Some(entries) = newest(&state).await else {
                    continue;
                };
                // Oldest last in `waiting`, so that it goes first.
                for e in &entries {
                    if seen.insert(e.id) {
                        let data = serde_json::json!({
                            "href": format!("/bericht/{}", e.id.to_hex()),
                            "title": super::pages::title(&v, e),
                        });
                        waiting.push(Event::default().event("bericht").data(data.to_string()));
                    }
                }
                if seen.len() > 10 * NEWEST {
                    seen = entries.iter().map(|e| e.id).collect();
                }
            }
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
