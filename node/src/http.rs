//! Serves HTTP (the local API, the web page, metrics) with bounds that a plain `axum::serve`
//! does not set: a client must send its request's headers within [`HEADER_TIMEOUT`] (also
//! the next one on a kept-alive connection), at most [`MAX_CONNECTIONS`] connections are
//! open at once per listener, and a listener that runs out of file handles waits a moment
//! instead of spinning. So no one who can reach the port can hold the node's file handles
//! with idle or slow connections.
//!
//! Nor can anyone keep others out by holding every place with connections (any local
//! process can open them, without a token): when all places are taken, a new connection
//! takes the place of the oldest one whose last answer was not [`Authorised`] (by the local
//! API's token or a signed-in session of the web page) and that is not being answered. A connection being answered (an import may
//! take a while) or last answered with authority keeps its place; only when all of them do
//! is a new one closed at once. A full listener says so in the log (at most once a minute).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::service::Service as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// The time a client has to send a request's headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections open at once on one listener.
pub const MAX_CONNECTIONS: usize = 256;
/// How long open requests may finish once the node stops.
const DRAIN: Duration = Duration::from_secs(5);

/// Put on an answer by what checked the caller's authority (the local API's token, the web
/// page's session): only such an answer earns its connection a place. (A page anyone may ask for does not: any
/// local process can ask for those, without knowing anything.)
#[derive(Clone, Copy, Debug)]
pub struct Authorised;

/// How often, at most, a full listener says so in the log.
const FULL_WARNING_EVERY: Duration = Duration::from_secs(60);

/// Its last answer was not [`Authorised`] (or it had none), and none is under way: its
/// place may be given to a new connection.
const FRESH: u8 = 0;
/// A request of it is being answered (an import may take a while): it keeps its place.
const BUSY: u8 = 1;
/// Its last answer was [`Authorised`]: it keeps its place.
const PROVEN: u8 = 2;

/// One open connection's place.
struct Place {
    id: u64,
    /// [`FRESH`], [`BUSY`] or [`PROVEN`].
    state: Arc<AtomicU8>,
    /// Closes it.
    close: CancellationToken,
}

/// The places of one listener, oldest first.
#[derive(Default)]
struct Places {
    next: u64,
    open: VecDeque<Place>,
}

impl Places {
    /// A place for a new connection: a free one, or that of the oldest connection that has
    /// not had a request answered yet (which is closed). `None` when every place holds one
    /// that has.
    fn take(&mut self, limit: usize) -> Option<(u64, Arc<AtomicU8>, CancellationToken)> {
        if self.open.len() >= limit {
            let fresh = self
                .open
                .iter()
                .position(|p| p.state.load(Ordering::Relaxed) == FRESH)?;
            if let Some(evicted) = self.open.remove(fresh) {
                evicted.close.cancel();
            }
        }
        self.next += 1;
        let place = Place {
            id: self.next,
            state: Arc::new(AtomicU8::new(FRESH)),
            close: CancellationToken::new(),
        };
        let taken = (place.id, place.state.clone(), place.close.clone());
        self.open.push_back(place);
        Some(taken)
    }

    fn free(&mut self, id: u64) {
        self.open.retain(|p| p.id != id);
    }

    fn is_full(&self, limit: usize) -> bool {
        self.open.len() >= limit
    }
}

/// The places, also after a thread panicked while it held them (nothing it does with them
/// leaves them half changed).
fn lock(places: &Mutex<Places>) -> std::sync::MutexGuard<'_, Places> {
    places
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Frees a connection's place when its task ends, however it ends.
struct Held {
    id: u64,
    places: Arc<Mutex<Places>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        lock(&self.places).free(self.id);
    }
}

/// Serves `app` on `listener` until `shutdown` fires; then lets open requests finish for a
/// few seconds.
pub async fn serve(listener: TcpListener, app: Router, shutdown: CancellationToken) {
    let places = Arc::new(Mutex::new(Places::default()));
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let mut last_warned: Option<Instant> = None;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which a proxy in front adds.
    // (Telling the two apart would wait for a silent client's first bytes without end.)
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true);
    loop {
        let stream = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file handles, mostly: wait for some to come free.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let (full, taken) = {
            let mut places = lock(&places);
            (
                places.is_full(MAX_CONNECTIONS),
                places.take(MAX_CONNECTIONS),
            )
        };
        if full && last_warned.is_none_or(|at: Instant| at.elapsed() >= FULL_WARNING_EVERY) {
            last_warned = Some(Instant::now());
            tracing::warn!(
                %address,
                connections = MAX_CONNECTIONS,
                "every connection this listener keeps is taken (a local process may be holding \
                 them); those with nothing authorised answered make room for new ones"
            );
        }
        let Some((id, state, close)) = taken else {
            tracing::debug!("every connection was answered or busy; a new one closed at once");
            continue;
        };
        let held = Held {
            id,
            places: places.clone(),
        };
        let _ = stream.set_nodelay(true);
        let inner = TowerToHyperService::new(app.clone());
        let service = hyper::service::service_fn(move |request| {
            // HTTP/1.1: one request at a time on a connection.
            let _ = state.compare_exchange(FRESH, BUSY, Ordering::Relaxed, Ordering::Relaxed);
            let answer = inner.call(request);
            let state = state.clone();
            async move {
                let answer = answer.await;
                // The last answer decides: one refused after an authorised one makes the
                // connection fresh again.
                let authorised = answer
                    .as_ref()
                    .is_ok_and(|a| a.extensions().get::<Authorised>().is_some());
                state.store(if authorised { PROVEN } else { FRESH }, Ordering::Relaxed);
                answer
            }
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _held = held;
            tokio::select! {
                _ = connection => {}
                () = close.cancelled() => {}
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_connection_takes_the_place_of_the_oldest_that_had_nothing_answered() {
        let mut places = Places::default();
        let (_, first, first_close) = places.take(3).unwrap();
        let (_, _, second_close) = places.take(3).unwrap();
        let (_, _, third_close) = places.take(3).unwrap();
        first.store(PROVEN, Ordering::Relaxed);
        // Full: the oldest with nothing answered (the second) makes room; the first stays.
        let (fourth_id, fourth, _) = places.take(3).unwrap();
        assert!(!first_close.is_cancelled());
        assert!(second_close.is_cancelled());
        assert!(!third_close.is_cancelled());
        // A connection being answered (a long import) keeps its place too.
        fourth.store(BUSY, Ordering::Relaxed);
        let (_, fifth, _) = places.take(3).unwrap();
        assert!(third_close.is_cancelled(), "the third had nothing answered");
        fifth.store(PROVEN, Ordering::Relaxed);
        assert!(
            places.take(3).is_none(),
            "every place holds one answered or busy"
        );
        // A place comes free when its connection ends.
        places.free(fourth_id);
        assert!(places.take(3).is_some());
    }
}
