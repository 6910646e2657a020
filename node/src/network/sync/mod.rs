//! The sync protocol (`/wiel/sync/1`), both sides. Asking: reconcile each followed space
//! with a peer (rounds of coded symbols until the differences are known), then fetch what
//! this node lacks and offer what the peer lacks; pass on to the other peers what sync
//! brought ("ripples"); settle a space with one peer after entries arrived (`settle`).
//! Answering: symbol rounds from a snapshot of this node's set, and
//! offers, computed off the swarm's loop (see `serve`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use libp2p::request_response::{self, Message, OutboundFailure, OutboundRequestId};
use libp2p::{PeerId, Swarm};
use wiel_lang::{Localise, msg};
use wiel_protocol::{EntryId, OrgKey, SpaceName};

use super::client::{NetworkError, SpaceStatus};
use super::context::{Ctx, Outcome};
use super::peers::PeerTable;
use super::runs::{Origin, RunId, Runs, SpaceSync};
use super::serve::{Served, Server};
use super::{Behaviour, Counters, MAX_OFFER_IDS, SyncRequest, SyncResponse};
use crate::reconcile::{Ask, Fingerprint, Initiator, ItemSet, Step};
use crate::refusal::Refusal;

mod answering;
mod outcome;
mod passing_on;
mod settle;
pub(super) use answering::Answered;
pub(super) use outcome::Why;
use outcome::{Ended, fault_of};

/// Coded symbols held across all sessions this node runs at once (42 bytes each: about
/// 44 MB). A session that would pass it ends without blame and is tried again later.
const MAX_HELD_SYMBOLS: u64 = 1 << 20;

/// This node's own sessions under way past which a catch-up waits for a later tick. Under a
/// burst nearly every connection reports a slow peer: catch-ups by the dozen on every node
/// (1 400 a second in a 342-node run) took the CPU gossip needed, and the burst took a
/// minute to arrive.
const CATCH_UP_ROOM: usize = 4;

/// Whether a catch-up may start while `under_way` of this node's own sessions run (each
/// catch-up started adds one per followed space, so the next one sees them).
fn room_for_catch_up(under_way: usize) -> bool {
    under_way < CATCH_UP_ROOM
}

/// How often a node reconciles every space with every peer, on average. Each wait is drawn
/// between half and one and a half of it: nodes started together (a release rolled out at
/// once, a power cut) would otherwise all reconcile with all their peers in the same second.
const SYNC_INTERVAL: Duration = Duration::from_secs(300);

/// The wait until the next periodic sync: between 0.5 and 1.5 [`SYNC_INTERVAL`].
fn periodic_wait() -> Duration {
    super::drawn_between(SYNC_INTERVAL / 2, SYNC_INTERVAL * 3 / 2)
}

/// One reconciliation with a peer about a space.
struct Session {
    peer: PeerId,
    space: SpaceName,
    initiator: Initiator,
    ask: Ask,
    run: Option<RunId>,
    number: u64,
}

/// A session whose differences are known; `need` is what this node does not hold.
pub(super) struct Reconciled {
    peer: PeerId,
    space: SpaceName,
    run: Option<RunId>,
    number: u64,
    offered: u64,
    need: Vec<EntryId>,
}

pub(super) struct SyncHandler {
    spaces: Vec<SpaceName>,
    sessions: HashMap<OutboundRequestId, Session>,
    /// Sessions waiting for this node's own set, with the run that asked.
    starting: HashMap<(PeerId, SpaceName), Option<RunId>>,
    session_count: u64,
    last_sync: HashMap<SpaceName, SpaceSync>,
    /// Spaces that got new entries by sync, with the peer they came from.
    ripples: HashMap<SpaceName, PeerId>,
    /// Spaces to reconcile with one peer after entries arrived (see `settle`).
    settling: settle::Settling,
    next_periodic_sync: Instant,
    counters: Arc<Counters>,
}

impl SyncHandler {
    pub fn new(spaces: Vec<SpaceName>, counters: Arc<Counters>) -> Self {
        Self {
            spaces,
            counters,
            sessions: HashMap::new(),
            starting: HashMap::new(),
            session_count: 0,
            last_sync: HashMap::new(),
            ripples: HashMap::new(),
            settling: settle::Settling::default(),
            // A node that starts syncs with each peer it dials (about the spaces both
            // follow): its first periodic sync comes after one to two intervals.
            next_periodic_sync: Instant::now() + SYNC_INTERVAL / 2 + periodic_wait(),
        }
    }

    /// Every second: catch up with the peers whose messages were dropped (`catch_ups`),
    /// pass on what sync brought, settle the spaces where entries arrived (`settle`), and
    /// about every [`SYNC_INTERVAL`] reconcile with every peer.
    /// Returns the catch-ups that wait for room (see [`CATCH_UP_ROOM`]).
    #[must_use]
    pub fn on_tick(&mut self, ctx: &mut Ctx, catch_ups: &[PeerId], now: Instant) -> Vec<PeerId> {
        let mut waiting = Vec::new();
        for peer in catch_ups.iter().filter(|peer| ctx.peers.contains(peer)) {
            if !room_for_catch_up(self.sessions.len() + self.starting.len()) {
                waiting.push(*peer);
                continue;
            }
            tracing::debug!(%peer, "catching up on what was dropped");
            // Of the spaces it follows (gossip went to it, or came from it, on their
            // topics); all of ours when it told none (see `PeerTable::untold_first_syncs`).
            let told = ctx
                .peers
                .get(peer)
                .map(|p| p.spaces.clone())
                .unwrap_or_default();
            for space in self.spaces.clone() {
                if told.is_empty() || told.contains(&space) {
                    self.start_session(ctx.server, ctx.runs, *peer, space, None, Why::CatchUp);
                }
            }
        }
        // `wiel sync` runs that left entries for later (the fetch queue's cap) go on.
        for (run, peer) in ctx.runs.continuations() {
            if ctx.peers.contains(&peer) {
                tracing::debug!(%peer, run, "sync run goes on with what the last round left");
                self.start(ctx.server, ctx.runs, peer, Some(run), Why::Run);
            }
        }
        self.start_ripples(ctx.server, ctx.runs, ctx.peers);
        for space in self.settling.due(now) {
            let (sessions, starting) = (&self.sessions, &self.starting);
            let asked = |peer: &PeerId| asking(sessions, starting, peer, &space);
            if let Some(peer) = self.settling.pick(&ctx.peers.following(&space), asked) {
                tracing::debug!(%peer, %space, "settling a space after entries arrived");
                self.start_session(ctx.server, ctx.runs, peer, space, None, Why::Settle);
            }
        }
        if now >= self.next_periodic_sync {
            self.next_periodic_sync = now + periodic_wait();
            for peer in ctx.peers.ids() {
                self.start(ctx.server, ctx.runs, peer, None, Why::Periodic);
            }
        }
        waiting
    }

    /// An entry of `space` came by gossip: the space is settled when such arrivals pause.
    pub fn on_gossip(&mut self, space: &SpaceName) {
        self.settling.on_arrival(space, Instant::now());
    }

    /// Entries of `space` found missing did not come (their fetch failed, or the peer
    /// went): settled again soon, as a session that was not answered.
    pub fn on_unfetched(&mut self, space: &SpaceName) {
        self.settling.on_unanswered(space, Instant::now());
    }

    /// Whether a session with `peer` runs or is about to.
    pub fn busy_with(&self, peer: &PeerId) -> bool {
        self.sessions.values().any(|s| s.peer == *peer)
            || self.starting.keys().any(|(p, _)| p == peer)
    }

    /// Each followed space with its last sync, for `wiel status`.
    pub fn space_statuses(&self) -> Vec<SpaceStatus> {
        self.spaces
            .iter()
            .map(|space| SpaceStatus {
                last_sync: self.last_sync.get(space).cloned(),
                space: space.clone(),
            })
            .collect()
    }

    /// A `wiel sync` run: reconciles every followed space with `peer`, or with every
    /// connected peer.
    pub fn start_run(
        &mut self,
        ctx: &mut Ctx,
        peer: Option<PeerId>,
    ) -> Result<RunId, NetworkError> {
        let peers = match peer {
            Some(p) if ctx.peers.contains(&p) => vec![p],
            Some(p) => return Err(NetworkError::NotConnected(p.to_string())),
            None => ctx.peers.ids(),
        };
        if peers.is_empty() {
            return Err(NetworkError::NoPeers);
        }
        let run = ctx.runs.start(&peers);
        for peer in peers {
            self.start(ctx.server, ctx.runs, peer, Some(run), Why::Run);
        }
        Ok(run)
    }

    /// Starts reconciling every space this node follows with `peer`.
    pub fn start(
        &mut self,
        server: &Server,
        runs: &mut Runs,
        peer: PeerId,
        run: Option<RunId>,
        why: Why,
    ) {
        for space in self.spaces.clone() {
            self.start_session(server, runs, peer, space, run, why);
        }
    }

    /// The spaces this node follows.
    pub fn spaces(&self) -> &[SpaceName] {
        &self.spaces
    }

    /// Starts the first sync with `peer` of each space that is due (see
    /// [`PeerTable::first_syncs`]): when it is identified, and when it follows a space.
    pub fn start_first_syncs(
        &mut self,
        server: &Server,
        runs: &mut Runs,
        peers: &mut PeerTable,
        peer: PeerId,
    ) {
        for space in peers.first_syncs(&peer, &self.spaces) {
            self.start_session(server, runs, peer, space, None, Why::NewPeer);
        }
    }

    fn start_session(
        &mut self,
        server: &Server,
        runs: &mut Runs,
        peer: PeerId,
        space: SpaceName,
        run: Option<RunId>,
        why: Why,
    ) {
        // One session at a time per peer and space: the peer answers each from one
        // snapshot. A run that asks meanwhile follows the session already going.
        let going = self
            .sessions
            .values_mut()
            .find(|s| s.peer == peer && s.space == space)
            .map(|s| &mut s.run);
        let key = (peer, space.clone());
        if let Some(going) = going.or_else(|| self.starting.get_mut(&key)) {
            if going.is_none() && run.is_some() {
                *going = run;
                runs.session_opened(run);
            }
            return;
        }
        runs.session_opened(run);
        self.counters.sync_started(why.label());
        self.starting.insert(key, run);
        server.run_own(move |state| Served::OwnSet {
            peer,
            set: state.space_set(&space),
            space,
        });
    }

    /// An event of the sync protocol: a peer's request, an answer to ours, or a failure.
    pub fn on_event(
        &mut self,
        ctx: &mut Ctx,
        event: request_response::Event<SyncRequest, SyncResponse>,
    ) -> Outcome {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                Message::Request {
                    request, channel, ..
                } => {
                    self.on_request(ctx, peer, request, channel);
                    Outcome::default()
                }
                Message::Response {
                    request_id,
                    response,
                } => self.on_answer(ctx, request_id, response),
            },
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => {
                self.on_failure(ctx.runs, request_id, &error);
                Outcome::default()
            }
            _ => Outcome::default(),
        }
    }

    /// The serving thread finished sync work: an answer to a peer, this node's own set
    /// for a session, or what a reconciled session lacks.
    pub fn on_served(&mut self, ctx: &mut Ctx, served: Served) -> Outcome {
        match served {
            Served::Sync {
                peer,
                channel,
                answer,
            } => {
                let org_key = ctx.org_key(&peer);
                self.on_answered(ctx, org_key, peer, channel, answer)
            }
            Served::OwnSet { peer, space, set } => {
                self.on_own_set(ctx.swarm, peer, space, set);
                Outcome::default()
            }
            Served::Reconciled(reconciled) => {
                let org_key = ctx.org_key(&reconciled.peer);
                self.on_reconciled(ctx.runs, org_key, reconciled)
            }
            Served::Fetch { .. } => Outcome::default(),
        }
    }

    /// This node's set of `space` was read: the session with `peer` sends its first round.
    fn on_own_set(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        peer: PeerId,
        space: SpaceName,
        set: Arc<ItemSet>,
    ) {
        let run = self.starting.remove(&(peer, space.clone())).flatten();
        let (initiator, ask) = Initiator::start(ItemSet::clone(&set));
        self.session_count += 1;
        self.send_round(
            swarm,
            Session {
                peer,
                space,
                initiator,
                ask,
                run,
                number: self.session_count,
            },
        );
    }

    fn send_round(&mut self, swarm: &mut Swarm<Behaviour>, session: Session) {
        let request = swarm.behaviour_mut().sync.send_request(
            &session.peer,
            SyncRequest::Symbols {
                space: session.space.clone(),
                start: session.ask.start,
                count: session.ask.count,
            },
        );
        self.sessions.insert(request, session);
    }

    /// A peer answered one of our rounds (or offers).
    fn on_answer(
        &mut self,
        ctx: &mut Ctx,
        request: OutboundRequestId,
        response: SyncResponse,
    ) -> Outcome {
        let Some(mut session) = self.sessions.remove(&request) else {
            return Outcome::default(); // an offer's answer
        };
        let (fingerprint, symbols) = match response {
            SyncResponse::Symbols {
                fingerprint,
                symbols,
            } => (fingerprint, symbols),
            SyncResponse::Taken | SyncResponse::Refused => {
                // The peer does not follow this space, or is busy: another follower may
                // settle it.
                self.counters.sync_ended(Ended::Refused.label());
                self.settling.on_unanswered(&session.space, Instant::now());
                ctx.runs.session_closed(session.run, 0, 0, None);
                return Outcome::default();
            }
        };
        match session
            .initiator
            .receive(session.ask, fingerprint, &symbols)
        {
            Ok(Step::More(ask)) => {
                let held: u64 = self
                    .sessions
                    .values()
                    .map(|s| s.initiator.symbols_received())
                    .sum::<u64>()
                    + session.initiator.symbols_received();
                if !within_symbol_budget(held, ask.count) {
                    // Our own budget, not the peer's fault: try again at the next sync.
                    tracing::info!(peer = %session.peer, space = %session.space, held, "sync postponed: symbol memory budget reached");
                    ctx.counters.reject(Refusal::SyncMemoryBudget);
                    self.counters.sync_ended(Ended::Postponed.label());
                    self.settling.on_arrival(&session.space, Instant::now());
                    let problem = msg!(
                        "sync-problem-postponed",
                        peer = session.peer.to_string(),
                        space = session.space.as_str()
                    );
                    ctx.runs.session_closed(session.run, 0, 0, Some(problem));
                    return Outcome::default();
                }
                session.ask = ask;
                self.send_round(ctx.swarm, session);
                Outcome::default()
            }
            Ok(Step::Done) => {
                self.counters.sync_ended(Ended::Reconciled.label());
                self.reconciled(ctx.swarm, ctx.server, session, fingerprint);
                Outcome::default()
            }
            Err(e) => {
                tracing::warn!(peer = %session.peer, space = %session.space, error = %e, "sync with peer failed");
                ctx.runs.session_closed(
                    session.run,
                    0,
                    0,
                    Some(msg!(
                        "sync-problem-session",
                        peer = session.peer.to_string(),
                        space = session.space.as_str(),
                        reason = e.message()
                    )),
                );
                match fault_of(&e) {
                    Some(why) => {
                        self.counters.sync_ended(Ended::Faulty.label());
                        ctx.counters.reject(why);
                        Outcome::blame(session.peer)
                    }
                    None => {
                        self.counters.sync_ended(Ended::Failed.label());
                        Outcome::default()
                    }
                }
            }
        }
    }

    /// The differences with a peer are known: offer what it lacks now, and find out off
    /// the loop which of what we lack is held here already (kept apart, because our trust
    /// differs) or was declined (an author a closed node does not take, a full budget):
    /// fetching those again would move the same entries at every sync.
    fn reconciled(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        server: &Server,
        mut session: Session,
        theirs: Fingerprint,
    ) {
        let need = std::mem::take(&mut session.initiator.need);
        let have = std::mem::take(&mut session.initiator.have);
        tracing::info!(
            peer = %session.peer,
            space = %session.space,
            rounds = session.initiator.rounds(),
            missing_there = have.len(),
            fingerprint = %theirs.short(),
            their_entries = theirs.count,
            "reconciled"
        );
        for chunk in have.chunks(MAX_OFFER_IDS) {
            swarm.behaviour_mut().sync.send_request(
                &session.peer,
                SyncRequest::Offer {
                    space: session.space.clone(),
                    ids: chunk.to_vec(),
                },
            );
        }
        let mut reconciled = Reconciled {
            peer: session.peer,
            space: session.space,
            run: session.run,
            number: session.number,
            offered: have.len() as u64,
            need,
        };
        server.run_own(move |state| {
            reconciled.need = state.lacking(std::mem::take(&mut reconciled.need));
            Served::Reconciled(reconciled)
        });
    }

    /// What a reconciled session lacks is known: to fetch from the peer.
    fn on_reconciled(
        &mut self,
        runs: &mut Runs,
        org_key: Option<OrgKey>,
        r: Reconciled,
    ) -> Outcome {
        let missing = r.need.len() as u64;
        tracing::debug!(peer = %r.peer, space = %r.space, missing_here = missing, "to fetch");
        self.record(&r.space, r.peer, org_key, missing, r.number);
        runs.session_closed(r.run, missing, r.offered, None);
        let origin = Origin {
            space: Some(r.space),
            run: r.run,
            session: Some(r.number),
            claimed: true,
        };
        Outcome::fetch(r.peer, r.need, origin)
    }

    fn on_failure(&mut self, runs: &mut Runs, request: OutboundRequestId, error: &OutboundFailure) {
        if let Some(s) = self.sessions.remove(&request) {
            tracing::warn!(peer = %s.peer, space = %s.space, %error, "sync session failed");
            self.counters.sync_ended(Ended::Failed.label());
            // A busy peer that dropped the request, a connection gone: another follower
            // may settle the space.
            self.settling.on_unanswered(&s.space, Instant::now());
            runs.session_closed(
                s.run,
                0,
                0,
                Some(msg!(
                    "sync-problem-session",
                    peer = s.peer.to_string(),
                    space = s.space.as_str(),
                    reason = error.to_string()
                )),
            );
        }
    }

    fn record(
        &mut self,
        space: &SpaceName,
        peer: PeerId,
        org_key: Option<OrgKey>,
        missing: u64,
        session: u64,
    ) {
        self.last_sync.insert(
            space.clone(),
            SpaceSync {
                at: wiel_protocol::Timestamp::now(),
                peer_id: peer.to_string(),
                org_key,
                missing,
                stored: 0,
                session,
            },
        );
    }

    /// The worker stored `stored` entries fetched for `origin` from `peer`.
    pub fn on_stored(&mut self, origin: &Origin, peer: PeerId, stored: u64) {
        if let (Some(space), Some(number)) = (&origin.space, origin.session) {
            if let Some(last) = self.last_sync.get_mut(space)
                && last.session == number
            {
                last.stored += stored;
            }
            if stored > 0 {
                self.ripples.insert(space.clone(), peer);
                self.settling.on_arrival(space, Instant::now());
            }
        }
    }
}

/// Whether a session with `peer` about `space` runs (in `sessions`) or is about to.
fn asking(
    sessions: &HashMap<OutboundRequestId, Session>,
    starting: &HashMap<(PeerId, SpaceName), Option<RunId>>,
    peer: &PeerId,
    space: &SpaceName,
) -> bool {
    sessions
        .values()
        .any(|s| s.peer == *peer && s.space == *space)
        || starting.contains_key(&(*peer, space.clone()))
}

/// Whether this node holds room for `ask` more symbols beside the `held` ones of all its
/// sessions (its own memory budget: past it a session is postponed, nobody blamed).
fn within_symbol_budget(held: u64, ask: u32) -> bool {
    held.saturating_add(u64::from(ask)) <= MAX_HELD_SYMBOLS
}

#[cfg(test)]
use passing_on::ripple_targets;
#[cfg(test)]
mod tests;
