//! The fetch protocol (`/wiel/fetch/1`), both sides: asking peers for entries by id (a
//! bounded window per peer, each id asked for once, answers handed to the ingest worker
//! as it keeps up), and answering peers' fetches from the store, off the swarm's loop.

use std::collections::{HashMap, HashSet, VecDeque};

use libp2p::request_response::{
    self, Message, OutboundFailure, OutboundRequestId, ResponseChannel,
};
use libp2p::{PeerId, Swarm};
use tokio::sync::mpsc;
use wiel_lang::msg;
use wiel_protocol::{EntryId, SpaceName};

use super::context::{Ctx, Outcome};
use super::guard::MAX_STRIKES;
use super::runs::{Origin, Runs};
use super::serve::{ServeState, Served};
use super::worker::{FetchTally, Job};
use super::{Behaviour, FetchRequest, FetchResponse, MAX_FETCH_IDS};
use crate::refusal::Refusal;

/// Fetch requests in flight to one peer at a time.
const FETCH_WINDOW: usize = 4;
/// Most ids queued to fetch from one peer (32 bytes each): what a peer's offers and
/// sessions can make this node hold in memory.
const MAX_QUEUED_PER_PEER: usize = 50_000;
/// Most ids queued or in flight from all peers together: what many peers' offers can make
/// this node hold (400 connections × the per-peer cap would be 640 MB otherwise).
const MAX_WANTED: usize = 200_000;
/// Fetched responses waiting for room in the worker's queue before no more are asked for.
const MAX_BACKLOG: usize = 8;
/// Most entry bytes in one fetch response.
const MAX_FETCH_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// A fetch request in flight.
pub struct InFlight {
    pub peer: PeerId,
    pub ids: Vec<EntryId>,
    pub origin: Origin,
}

/// Entries to fetch, per peer, asked for in chunks of [`MAX_FETCH_IDS`] with at most
/// [`FETCH_WINDOW`] chunks in flight per peer. An id queued or in flight is not queued
/// again.
#[derive(Default)]
pub struct Fetcher {
    queues: HashMap<PeerId, VecDeque<(Vec<EntryId>, Origin)>>,
    in_flight: HashMap<OutboundRequestId, InFlight>,
    wanted: HashSet<EntryId>,
}

/// What became of one fetch response.
pub struct FetchOutcome {
    pub peer: PeerId,
    pub origin: Origin,
    /// Entry bytes to verify and store, with the id they were asked for (a peer that
    /// answers with another entry is caught by the worker).
    pub entries: Vec<(EntryId, Vec<u8>)>,
    /// Ids the peer claimed to hold and then did not serve.
    pub not_served: u64,
}

impl Fetcher {
    /// Queues `ids` to fetch from `peer`; ids already wanted are skipped. Returns how many
    /// were queued.
    pub fn queue(
        &mut self,
        runs: &mut Runs,
        peer: PeerId,
        ids: impl IntoIterator<Item = EntryId>,
        origin: &Origin,
    ) -> usize {
        let queue = self.queues.entry(peer).or_default();
        let queued: usize = queue.iter().map(|(ids, _)| ids.len()).sum();
        let room = MAX_QUEUED_PER_PEER
            .saturating_sub(queued)
            .min(MAX_WANTED.saturating_sub(self.wanted.len()));
        // Past the cap the rest waits for the next round with this peer: reconciliation
        // finds it again (a `wiel sync` run goes on by itself, see `Runs::continuations`).
        let mut fresh: Vec<EntryId> = ids
            .into_iter()
            .filter(|id| !self.wanted.contains(id))
            .collect();
        if fresh.len() > room {
            fresh.truncate(room);
            runs.defer(origin.run, peer);
        }
        self.wanted.extend(fresh.iter().copied());
        for chunk in fresh.chunks(MAX_FETCH_IDS) {
            runs.chunk_queued(origin.run);
            queue.push_back((chunk.to_vec(), origin.clone()));
        }
        fresh.len()
    }

    /// The next chunks to send now: up to the window of each peer.
    pub fn ready(&mut self) -> Vec<(PeerId, Vec<EntryId>, Origin)> {
        let mut per_peer: HashMap<PeerId, usize> = HashMap::new();
        for f in self.in_flight.values() {
            *per_peer.entry(f.peer).or_default() += 1;
        }
        let mut out = Vec::new();
        for (peer, queue) in &mut self.queues {
            let busy = per_peer.get(peer).copied().unwrap_or(0);
            for _ in busy..FETCH_WINDOW {
                match queue.pop_front() {
                    Some((ids, origin)) => out.push((*peer, ids, origin)),
                    None => break,
                }
            }
        }
        self.queues.retain(|_, q| !q.is_empty());
        out
    }

    pub fn sent(&mut self, request: OutboundRequestId, flight: InFlight) {
        self.in_flight.insert(request, flight);
    }

    /// Matches a response to its request. Entries beyond what the peer sent (it stopped
    /// at its size limit) are queued again, unless it sent nothing at all.
    pub fn on_response(
        &mut self,
        runs: &mut Runs,
        request: OutboundRequestId,
        entries: Vec<Option<Vec<u8>>>,
    ) -> Option<FetchOutcome> {
        let flight = self.in_flight.remove(&request)?;
        let answered = entries.len().min(flight.ids.len());
        let mut received = Vec::new();
        let mut not_served = 0u64;
        for (id, entry) in flight.ids.iter().zip(entries) {
            self.wanted.remove(id);
            match entry {
                Some(bytes) => received.push((*id, bytes)),
                None if flight.origin.claimed => not_served += 1,
                None => {}
            }
        }
        let rest = &flight.ids[answered..];
        if answered == 0 {
            // Nothing at all for a non-empty request: as good as refusing every id.
            for id in rest {
                self.wanted.remove(id);
            }
            if flight.origin.claimed {
                not_served += rest.len() as u64;
            }
        } else if !rest.is_empty() {
            runs.chunk_queued(flight.origin.run);
            self.queues
                .entry(flight.peer)
                .or_default()
                .push_front((rest.to_vec(), flight.origin.clone()));
        }
        runs.chunk_closed(flight.origin.run, received.len() as u64, not_served);
        Some(FetchOutcome {
            peer: flight.peer,
            origin: flight.origin,
            entries: received,
            not_served,
        })
    }

    /// A request failed (timeout, connection closed): its ids are no longer wanted from
    /// this peer. Returns the request's peer and origin.
    pub fn on_failure(
        &mut self,
        runs: &mut Runs,
        request: OutboundRequestId,
    ) -> Option<(PeerId, Origin)> {
        let flight = self.in_flight.remove(&request)?;
        for id in &flight.ids {
            self.wanted.remove(id);
        }
        runs.chunk_closed(flight.origin.run, 0, 0);
        Some((flight.peer, flight.origin))
    }

    /// The peer is gone: drop what was queued for it. Returns the spaces those entries
    /// were found missing in, each once.
    pub fn forget_peer(&mut self, runs: &mut Runs, peer: &PeerId) -> Vec<SpaceName> {
        let mut spaces = Vec::new();
        for (ids, origin) in self.queues.remove(peer).unwrap_or_default() {
            for id in &ids {
                self.wanted.remove(id);
            }
            runs.chunk_closed(origin.run, 0, 0);
            if let Some(space) = origin.space
                && !spaces.contains(&space)
            {
                spaces.push(space);
            }
        }
        spaces
    }
}

/// The asking side of the fetch protocol: the queue, and fetched entries waiting for room
/// in the worker's queue.
#[derive(Default)]
pub(super) struct FetchHandler {
    fetcher: Fetcher,
    backlog: VecDeque<Job>,
}

impl FetchHandler {
    /// Queues `ids` to fetch from `peer` (see [`Fetcher::queue`]) and sends what the
    /// window allows.
    pub fn queue(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        runs: &mut Runs,
        peer: PeerId,
        ids: impl IntoIterator<Item = EntryId>,
        origin: &Origin,
    ) {
        self.fetcher.queue(runs, peer, ids, origin);
        self.pump(swarm);
    }

    /// Sends the fetch requests the window allows, while the worker keeps up.
    pub fn pump(&mut self, swarm: &mut Swarm<Behaviour>) {
        if self.backlog.len() >= MAX_BACKLOG {
            return;
        }
        for (peer, ids, origin) in self.fetcher.ready() {
            let request = swarm
                .behaviour_mut()
                .fetch
                .send_request(&peer, FetchRequest { ids: ids.clone() });
            self.fetcher.sent(request, InFlight { peer, ids, origin });
        }
    }

    pub fn has_backlog(&self) -> bool {
        !self.backlog.is_empty()
    }

    /// Whether entries are being fetched from `peer`, or wait to be.
    pub fn busy_with(&self, peer: &PeerId) -> bool {
        self.fetcher.queues.get(peer).is_some_and(|q| !q.is_empty())
            || self.fetcher.in_flight.values().any(|f| f.peer == *peer)
    }

    /// The oldest fetched job waiting for the worker.
    pub fn next_job(&mut self) -> Option<Job> {
        self.backlog.pop_front()
    }

    /// An event of the fetch protocol: a peer's request, an answer to ours, or a failure.
    pub fn on_event(
        &mut self,
        ctx: &mut Ctx,
        event: request_response::Event<FetchRequest, FetchResponse>,
    ) -> Outcome {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                Message::Request {
                    request, channel, ..
                } => {
                    Self::on_request(ctx, peer, request.ids, channel);
                    Outcome::default()
                }
                Message::Response {
                    request_id,
                    response,
                } => self.on_response(ctx, request_id, response),
            },
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => self.on_failure(ctx, request_id, &error),
            _ => Outcome::default(),
        }
    }

    /// A peer answered a fetch: its entries go to the worker (which blames what is
    /// damaged); entries it did not serve are counted and told, not blamed.
    fn on_response(
        &mut self,
        ctx: &mut Ctx,
        request: OutboundRequestId,
        response: FetchResponse,
    ) -> Outcome {
        let entries = response
            .entries
            .into_iter()
            .take(MAX_FETCH_IDS)
            .map(|b| b.map(|b| b.into_vec()))
            .collect();
        let Some(fetched) = self.fetcher.on_response(ctx.runs, request, entries) else {
            return Outcome::default();
        };
        let FetchOutcome {
            peer,
            origin,
            entries,
            not_served,
        } = fetched;
        // Not served is no fault: the peer may have learned since its offer that it must not
        // pass them on (a revocation, a retraction). Counted and told, nobody blamed; the
        // space is settled again soon, as after a failed fetch (a peer that offers what it
        // then does not serve cannot hold entries back until the periodic sync).
        let mut outcome = Outcome::default();
        if not_served > 0 {
            outcome.unfetched = origin.space.clone();
            tracing::warn!(%peer, not_served, "peer did not serve entries it said it holds");
            ctx.counters.reject(Refusal::NotServed);
            ctx.runs.problem(
                origin.run,
                msg!(
                    "sync-problem-not-served",
                    peer = peer.to_string(),
                    count = not_served
                ),
            );
        }
        if !entries.is_empty() {
            let job = Job::Fetched {
                peer,
                origin,
                entries,
            };
            if self.backlog.is_empty() {
                if let Err(mpsc::error::TrySendError::Full(job)) = ctx.jobs.try_send(job) {
                    self.backlog.push_back(job);
                }
            } else {
                self.backlog.push_back(job);
            }
        }
        self.pump(ctx.swarm);
        outcome
    }

    /// A fetch failed (timeout, connection closed): nobody is blamed; the space is
    /// settled again soon (with the next follower in turn not asked about it already), so
    /// the entries come, not at the next periodic sync minutes later.
    fn on_failure(
        &mut self,
        ctx: &mut Ctx,
        request: OutboundRequestId,
        error: &OutboundFailure,
    ) -> Outcome {
        let mut outcome = Outcome::default();
        if let Some((peer, origin)) = self.fetcher.on_failure(ctx.runs, request) {
            tracing::debug!(%peer, %error, "fetch failed");
            outcome.unfetched = origin.space.clone();
            ctx.runs.problem(
                origin.run,
                msg!(
                    "sync-problem-fetch-failed",
                    peer = peer.to_string(),
                    detail = error.to_string()
                ),
            );
        }
        self.pump(ctx.swarm);
        outcome
    }

    /// The worker judged what a peer's fetch answer held: count it in its run; blame the
    /// peer once per invalid entry (up to a block); fetch the targets the stored entries
    /// refer to that we lack.
    pub fn on_tally(runs: &mut Runs, tally: FetchTally) -> Outcome {
        let FetchTally {
            peer,
            origin,
            stored,
            duplicates,
            rejected,
            missing,
        } = tally;
        runs.judged(origin.run, stored, duplicates, rejected);
        let mut outcome = Outcome::default();
        if rejected > 0 {
            runs.problem(
                origin.run,
                msg!(
                    "sync-problem-rejected",
                    peer = peer.to_string(),
                    count = rejected
                ),
            );
            outcome.blame = vec![peer; rejected.min(u64::from(MAX_STRIKES)) as usize];
        }
        if !missing.is_empty() {
            let ids = missing.into_iter().take(MAX_FETCH_IDS).collect();
            outcome.fetch = Some((peer, ids, Origin::default()));
        }
        outcome
    }

    /// The peer is gone: what was queued for it is dropped. Returns the spaces to settle
    /// again (see [`Fetcher::forget_peer`]).
    #[must_use]
    pub fn forget_peer(&mut self, runs: &mut Runs, peer: &PeerId) -> Vec<SpaceName> {
        self.fetcher.forget_peer(runs, peer)
    }
}

impl FetchHandler {
    /// A peer's fetch: within its rate, answered off the loop; past it, or when the
    /// serving thread has no room, dropped unanswered (its request fails; nobody is blamed).
    fn on_request(
        ctx: &mut Ctx,
        peer: PeerId,
        ids: Vec<EntryId>,
        channel: ResponseChannel<FetchResponse>,
    ) {
        if !ctx.guard.allow_fetch(peer) {
            ctx.counters.reject(Refusal::FetchRateLimited);
            return;
        }
        let queued = ctx.server.serve_peer(move |state| Served::Fetch {
            response: serve(state, &ids),
            channel,
        });
        if !queued {
            ctx.counters.reject(Refusal::ServeBusy);
        }
    }

    /// The serving thread read the entries a peer asked for: send them.
    pub fn answer(
        swarm: &mut Swarm<Behaviour>,
        channel: ResponseChannel<FetchResponse>,
        response: FetchResponse,
    ) {
        let _ = swarm.behaviour_mut().fetch.send_response(channel, response);
    }
}

/// The answering side, run off the swarm's loop: the entries asked for, in order, until
/// the response would pass its size limit (the codec allows 10 MiB; 256 entries of 64 KiB
/// would not fit). Entries kept apart are not given, unless something this node passes on
/// refers to them (see [`crate::trust::serves`]).
pub(super) fn serve(state: &ServeState, ids: &[EntryId]) -> FetchResponse {
    let mut budget = MAX_FETCH_RESPONSE_BYTES;
    let mut entries = Vec::new();
    let trust = state.trust.current();
    for id in ids.iter().take(MAX_FETCH_IDS) {
        match state.store.get(id) {
            Ok(Some(entry))
                if !matches!(crate::trust::serves(&state.store, &trust, &entry), Ok(true)) =>
            {
                entries.push(None)
            }
            Ok(Some(entry)) => {
                if entry.bytes().len() > budget {
                    break;
                }
                budget -= entry.bytes().len();
                entries.push(Some(serde_bytes::ByteBuf::from(entry.bytes().to_vec())));
            }
            Ok(None) => entries.push(None),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the store to serve a fetch");
                break;
            }
        }
    }
    FetchResponse { entries }
}

#[cfg(test)]
#[path = "fetch_tests.rs"]
mod tests;
