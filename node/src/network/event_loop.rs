//! The event loop: owns the swarm, carries out commands, handles swarm events, and passes
//! gossip to the ingest worker and its verdicts back to gossipsub.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures::StreamExt;
use libp2p::gossipsub::{self, MessageAcceptance, PublishError};
use libp2p::request_response::{self, OutboundRequestId};
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, PeerId, Swarm, identify, kad, mdns, ping};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wiel_protocol::{EntryId, NetworkId, OrgKey, SpaceName, Verified};
use wiel_store::Store;

use super::behaviour::{
    self, Behaviour, BehaviourEvent, FetchRequest, FetchResponse, MAX_FETCH_IDS, MAX_OFFER_IDS,
    SyncRequest, SyncResponse,
};
use super::client::{Command, NetworkError, NetworkStatus, PeerView, SpaceStatus};
use super::sync::{FetchOutcome, Fetcher, InFlight, Origin, Runs, Session, SpaceSync};
use super::worker::{Counters, Job, Verdict};
use crate::reconcile::{ItemSet, ReconcileError, Step};

/// Invalid messages a peer may send within [`STRIKE_WINDOW`] before it is blocked.
const MAX_STRIKES: u32 = 10;
const STRIKE_WINDOW: Duration = Duration::from_secs(600);
/// How often a node reconciles every space with every peer.
const SYNC_INTERVAL: Duration = Duration::from_secs(300);
/// Gossip a peer may send: messages a second, and a burst. Past it, messages are dropped
/// unvalidated and not passed on, and a catch-up sync with the peer follows: an honest
/// busy peer loses nothing, a flooding one is slowed to this node's pace.
const PEER_GOSSIP_RATE: f64 = 200.0;
const PEER_GOSSIP_BURST: f64 = 1000.0;
/// How long after throttling a peer the catch-up sync with it starts.
const CATCH_UP_DELAY: Duration = Duration::from_secs(10);
/// How long a session's snapshot is kept after its last round.
const SNAPSHOT_TTL: Duration = Duration::from_secs(60);
/// Fetched responses waiting for room in the worker's queue before no more are asked for.
const MAX_BACKLOG: usize = 8;

/// Most entry bytes in one fetch response.
const MAX_FETCH_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// How long a misbehaving peer, or one on another network, is kept away.
/// Bytes of gossip waiting for verification at most; past it gossip is ignored (not
/// forwarded, nobody blamed) and fetched later by sync.
const MAX_GOSSIP_QUEUE_BYTES: u64 = 32 * 1024 * 1024;

/// Sync requests a peer may make per second (a symbol round or an offer each), and at once.
/// An honest session needs a few rounds per space every few minutes.
const PEER_SYNC_RATE: f64 = 5.0;
const PEER_SYNC_BURST: f64 = 100.0;
/// How long a peer may take to answer identify (and so say its network).
const IDENTIFY_DEADLINE: Duration = Duration::from_secs(30);
/// Sessions this node answers at once (each holds a snapshot of a set): past it, the
/// oldest snapshot is dropped (that peer's next round starts again).
const MAX_ANSWERING: usize = 64;
/// Coded symbols held across all sessions this node runs at once (42 bytes each: about
/// 44 MB). A session that would pass it ends without blame and is tried again later.
const MAX_HELD_SYMBOLS: u64 = 1 << 20;

pub const BLOCK_TIME: Duration = Duration::from_secs(600);

#[derive(Default)]
struct Peer {
    address: Option<Multiaddr>,
    org_key: Option<OrgKey>,
    agent: Option<String>,
    latency: Option<Duration>,
    spaces: Vec<SpaceName>,
    /// We dialed it (and so start catch-up sync with it).
    dialed: bool,
    /// When its first connection was made: a peer that has not told its network by
    /// identify within [`IDENTIFY_DEADLINE`] is let go.
    connected_at: Option<Instant>,
}

/// The event loop's channels: commands in, jobs to the worker, verdicts back.
pub(crate) struct Channels {
    pub commands: mpsc::Receiver<Command>,
    pub jobs: mpsc::Sender<Job>,
    pub verdicts: mpsc::Receiver<Verdict>,
}

pub(crate) struct EventLoop {
    swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<Command>,
    jobs: mpsc::Sender<Job>,
    verdicts: mpsc::Receiver<Verdict>,
    store: Store,
    network: NetworkId,
    spaces: Vec<SpaceName>,
    counters: Arc<Counters>,
    trust: crate::trust::TrustState,
    peers: HashMap<PeerId, Peer>,
    strikes: HashMap<PeerId, (u32, Instant)>,
    blocked_until: HashMap<PeerId, Instant>,
    /// `wiel connect` waits for its own connection attempt, whatever peer answers.
    pending_dials: HashMap<
        libp2p::swarm::ConnectionId,
        (
            String,
            tokio::sync::oneshot::Sender<Result<(), NetworkError>>,
        ),
    >,
    outbox_dirty: bool,
    sessions: HashMap<OutboundRequestId, Session>,
    session_count: u64,
    fetcher: Fetcher,
    /// Fetched entries waiting for room in the worker's queue.
    backlog: VecDeque<Job>,
    runs: Runs,
    last_sync: HashMap<SpaceName, SpaceSync>,
    /// Each space's id set, with the store generation it was read at.
    sets: HashMap<SpaceName, (u64, Arc<crate::trust::TrustSet>, Arc<ItemSet>)>,
    /// The set snapshot each peer's session is answered from, by (peer, space).
    answering: HashMap<(PeerId, SpaceName), (Instant, Arc<ItemSet>)>,
    /// Per peer: how much gossip it may still send now.
    gossip_budget: HashMap<PeerId, super::sync::TokenBucket>,
    /// Sync requests (symbol rounds and offers) a peer may make: each costs this node work
    /// on its set, so a peer gets [`PEER_SYNC_RATE`] a second.
    sync_budget: HashMap<PeerId, super::sync::TokenBucket>,
    /// Peers whose messages were dropped (throttled, or the worker was busy): a catch-up
    /// sync with each at the given moment.
    catch_up: HashMap<PeerId, Instant>,
    /// Spaces that got new entries by sync, with the peer they came from.
    ripples: HashMap<SpaceName, PeerId>,
    last_periodic_sync: Instant,
}

impl EventLoop {
    pub(crate) fn new(
        swarm: Swarm<Behaviour>,
        channels: Channels,
        store: Store,
        network: NetworkId,
        spaces: Vec<SpaceName>,
        counters: Arc<Counters>,
        trust: crate::trust::TrustState,
    ) -> Self {
        let Channels {
            commands,
            jobs,
            verdicts,
        } = channels;
        Self {
            swarm,
            commands,
            jobs,
            verdicts,
            store,
            network,
            spaces,
            counters,
            trust,
            peers: HashMap::new(),
            strikes: HashMap::new(),
            blocked_until: HashMap::new(),
            pending_dials: HashMap::new(),
            outbox_dirty: true,
            sessions: HashMap::new(),
            session_count: 0,
            fetcher: Fetcher::default(),
            backlog: VecDeque::new(),
            runs: Runs::default(),
            last_sync: HashMap::new(),
            sets: HashMap::new(),
            answering: HashMap::new(),
            gossip_budget: HashMap::new(),
            sync_budget: HashMap::new(),
            catch_up: HashMap::new(),
            ripples: HashMap::new(),
            last_periodic_sync: Instant::now(),
        }
    }

    /// Runs until `shutdown` fires or every client is gone.
    pub(crate) async fn run(mut self, shutdown: CancellationToken) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let jobs = self.jobs.clone();
        loop {
            let backlogged = !self.backlog.is_empty();
            tokio::select! {
                _ = shutdown.cancelled() => break,
                permit = jobs.reserve(), if backlogged => match permit {
                    Ok(permit) => {
                        if let Some(job) = self.backlog.pop_front() {
                            permit.send(job);
                        }
                        self.pump_fetches();
                    }
                    Err(_) => break,
                },
                command = self.commands.recv() => match command {
                    Some(c) => self.handle_command(c),
                    None => break,
                },
                Some(verdict) = self.verdicts.recv() => self.handle_verdict(verdict),
                event = self.swarm.select_next_some() => self.handle_event(event),
                _ = tick.tick() => self.on_tick(),
            }
        }
        tracing::info!("network stopped");
    }

    fn handle_command(&mut self, command: Command) {
        match command {
            Command::Publish { entry, reply } => {
                let sent = self.gossip(&entry);
                let _ = reply.send(sent);
            }
            Command::Dial { addr, reply } => {
                let peer = addr.iter().find_map(|p| match p {
                    libp2p::multiaddr::Protocol::P2p(id) => Some(id),
                    _ => None,
                });
                if peer.is_some_and(|p| self.swarm.is_connected(&p)) {
                    let _ = reply.send(Ok(()));
                    return;
                }
                let opts = libp2p::swarm::dial_opts::DialOpts::from(addr.clone());
                let connection = opts.connection_id();
                match self.swarm.dial(opts) {
                    Ok(()) => {
                        self.pending_dials
                            .insert(connection, (addr.to_string(), reply));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(NetworkError::Dial {
                            addr: addr.to_string(),
                            reason: one_line(&e.to_string()),
                        }));
                    }
                }
            }
            Command::Peers { reply } => {
                let _ = reply.send(self.peer_views());
            }
            Command::Status { reply } => {
                let spaces = self
                    .spaces
                    .clone()
                    .into_iter()
                    .map(|space| SpaceStatus {
                        last_sync: self.last_sync.get(&space).cloned(),
                        space,
                    })
                    .collect();
                let _ = reply.send(NetworkStatus {
                    peer_id: self.swarm.local_peer_id().to_string(),
                    listening: self.swarm.listeners().map(|a| a.to_string()).collect(),
                    peers: self.peers.len(),
                    spaces,
                    outbox: self.store.outbox().map(|o| o.len()).unwrap_or(0),
                });
            }
            Command::Sync { peer, reply } => {
                let peers: Vec<PeerId> = match peer {
                    Some(p) if self.peers.contains_key(&p) => vec![p],
                    Some(p) => {
                        let _ = reply.send(Err(NetworkError::NotConnected(p.to_string())));
                        return;
                    }
                    None => self.peers.keys().copied().collect(),
                };
                if peers.is_empty() {
                    let _ = reply.send(Err(NetworkError::NoPeers));
                    return;
                }
                let run = self.runs.start(&peers);
                for peer in peers {
                    self.start_sync(peer, Some(run));
                }
                let _ = reply.send(Ok(run));
            }
            Command::SyncReport { run, reply } => {
                let _ = reply.send(self.runs.report(run));
            }
            Command::Promote { authors } => self.promote(&authors),
        }
    }

    /// Publishes on the entry's space topic. `false` when no peer follows it yet: the entry
    /// stays in the outbox and goes out when one subscribes.
    fn gossip(&mut self, entry: &Verified) -> bool {
        let topic = behaviour::topic(&entry.header().space);
        let id = entry.id();
        match self
            .swarm
            .behaviour_mut()
            .gossipsub
            .publish(topic, entry.bytes().to_vec())
        {
            Ok(_) | Err(PublishError::Duplicate) => {
                self.counters
                    .gossip_bytes_out
                    .fetch_add(entry.bytes().len() as u64, Ordering::Relaxed);
                if let Err(e) = self.store.outbox_remove(&id) {
                    tracing::warn!(error = %e, "cannot update the outbox");
                }
                tracing::debug!(entry = %id.short(), "gossiped");
                true
            }
            Err(e) => {
                tracing::debug!(entry = %id.short(), reason = %e, "kept in the outbox");
                false
            }
        }
    }

    fn flush_outbox(&mut self) {
        self.outbox_dirty = false;
        let ids = match self.store.outbox() {
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the outbox");
                return;
            }
        };
        for id in ids {
            match self.store.get(&id) {
                Ok(Some(entry)) => {
                    self.gossip(&entry);
                }
                _ => {
                    let _ = self.store.outbox_remove(&id);
                }
            }
        }
    }

    fn on_tick(&mut self) {
        let now = Instant::now();
        for peer in take_due(&mut self.blocked_until, now) {
            self.swarm.behaviour_mut().blocked.unblock_peer(peer);
            tracing::info!(%peer, "peer no longer blocked");
        }
        self.strikes
            .retain(|_, (_, since)| now.duration_since(*since) < STRIKE_WINDOW);
        if self.outbox_dirty && !self.peers.is_empty() {
            self.flush_outbox();
        }
        self.answering
            .retain(|_, (at, _)| now.duration_since(*at) < SNAPSHOT_TTL);
        let silent: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| {
                p.agent.is_none()
                    && p.connected_at
                        .is_some_and(|at| now.duration_since(at) > IDENTIFY_DEADLINE)
            })
            .map(|(id, _)| *id)
            .collect();
        for peer in silent {
            tracing::info!(%peer, "letting go of a peer that never said which network it is on");
            self.counters.reject("no_identify");
            let _ = self.swarm.disconnect_peer_id(peer);
            self.peers.remove(&peer);
        }
        for peer in take_due(&mut self.catch_up, now) {
            if self.peers.contains_key(&peer) {
                tracing::debug!(%peer, "catching up on what was dropped");
                self.start_sync(peer, None);
            }
        }
        self.start_ripples();
        if now.duration_since(self.last_periodic_sync) >= SYNC_INTERVAL {
            self.last_periodic_sync = now;
            let peers: Vec<PeerId> = self.peers.keys().copied().collect();
            for peer in peers {
                self.start_sync(peer, None);
            }
        }
    }

    fn block(&mut self, peer: PeerId, why: &str) {
        tracing::warn!(%peer, reason = why, "blocking peer for {} minutes", BLOCK_TIME.as_secs() / 60);
        self.swarm.behaviour_mut().blocked.block_peer(peer);
        self.blocked_until.insert(peer, Instant::now() + BLOCK_TIME);
        self.peers.remove(&peer);
        self.fetcher.forget_peer(&mut self.runs, &peer);
    }

    /// The id set of a space as this node passes it on (entries of untrusted authors left
    /// out), kept until the store or the trust set changes.
    fn space_set(&mut self, space: &SpaceName) -> Arc<ItemSet> {
        let generation = self.store.generation();
        let trust = self.trust.current();
        if let Some((at, trusted, set)) = self.sets.get(space)
            && *at == generation
            && Arc::ptr_eq(trusted, &trust)
        {
            return set.clone();
        }
        let items = self.store.space_items(space).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot read the store for sync");
            Vec::new()
        });
        let set = Arc::new(ItemSet::new(
            items
                .into_iter()
                .filter(|i| trust.passes_on(i.kind, &i.author, i.created_at))
                .map(|i| i.id),
        ));
        self.sets
            .insert(space.clone(), (generation, trust, set.clone()));
        set
    }

    fn send_symbols_request(&mut self, session: Session) {
        let request = self.swarm.behaviour_mut().sync.send_request(
            &session.peer,
            SyncRequest::Symbols {
                space: session.space.clone(),
                start: session.ask.start,
                count: session.ask.count,
            },
        );
        self.sessions.insert(request, session);
    }

    /// Catches up with `peer` soon, for what was dropped from it.
    fn schedule_catch_up(&mut self, peer: PeerId) {
        self.catch_up
            .entry(peer)
            .or_insert_with(|| Instant::now() + CATCH_UP_DELAY);
    }

    /// Passes on the entries of authors that became trusted (kept apart until now): they
    /// join this node's sync sets, and a round of sync with every peer offers them. (Not
    /// by gossip: gossipsub remembers their messages for two minutes and would drop them
    /// as duplicates.)
    fn promote(&mut self, authors: &[OrgKey]) {
        let names: Vec<String> = authors.iter().map(|a| a.short()).collect();
        tracing::info!(authors = ?names, "passing on the entries of newly trusted organisations");
        // (The sync sets follow the new trust set by themselves: see `space_set`.)
        let peers: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| p.agent.is_some())
            .map(|(id, _)| *id)
            .collect();
        for peer in peers {
            self.start_sync(peer, None);
        }
    }

    /// Starts reconciling every space this node follows with `peer`.
    fn start_sync(&mut self, peer: PeerId, run: Option<u64>) {
        for space in self.spaces.clone() {
            self.start_session(peer, space, run);
        }
    }

    fn start_session(&mut self, peer: PeerId, space: SpaceName, run: Option<u64>) {
        // One session at a time per peer and space: the peer answers each from one
        // snapshot. A run that asks meanwhile follows the session already going.
        if let Some(going) = self
            .sessions
            .values_mut()
            .find(|s| s.peer == peer && s.space == space)
        {
            if going.run.is_none() && run.is_some() {
                going.run = run;
                self.runs.session_opened(run);
            }
            return;
        }
        let set = ItemSet::clone(&self.space_set(&space));
        let (initiator, ask) = crate::reconcile::Initiator::start(set);
        self.session_count += 1;
        self.runs.session_opened(run);
        self.send_symbols_request(Session {
            peer,
            space,
            initiator,
            ask,
            run,
            number: self.session_count,
        });
    }

    /// Entries of `space` came in by sync from `source`: the other peers may lack them
    /// too (a healed split), so reconcile with them soon. Ends by itself: once the peers
    /// hold the same, nothing new is stored and nothing more is started.
    fn start_ripples(&mut self) {
        let busy: std::collections::HashSet<SpaceName> =
            self.sessions.values().map(|s| s.space.clone()).collect();
        let ready: Vec<(SpaceName, PeerId)> = self
            .ripples
            .iter()
            .filter(|(space, _)| !busy.contains(*space))
            .map(|(space, source)| (space.clone(), *source))
            .collect();
        for (space, source) in ready {
            self.ripples.remove(&space);
            let others: Vec<PeerId> = self
                .peers
                .iter()
                .filter(|(p, peer)| **p != source && peer.agent.is_some())
                .map(|(p, _)| *p)
                .collect();
            for peer in others {
                tracing::debug!(%peer, %space, "passing on what sync brought");
                self.start_session(peer, space.clone(), None);
            }
        }
    }

    fn strike(&mut self, peer: PeerId) {
        let now = Instant::now();
        let strikes = self.strikes.entry(peer).or_insert((0, now));
        strikes.0 += 1;
        if strikes.0 >= MAX_STRIKES {
            self.strikes.remove(&peer);
            self.block(peer, "keeps sending invalid data");
        }
    }

    fn on_sync_answer(&mut self, request_id: OutboundRequestId, response: SyncResponse) {
        let Some(mut session) = self.sessions.remove(&request_id) else {
            return; // an offer's answer
        };
        let (fingerprint, symbols) = match response {
            SyncResponse::Symbols {
                fingerprint,
                symbols,
            } => (fingerprint, symbols),
            SyncResponse::Taken | SyncResponse::Refused => {
                // The peer does not follow this space.
                self.runs.session_closed(session.run, 0, 0, None);
                return;
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
                if held + u64::from(ask.count) > MAX_HELD_SYMBOLS {
                    // Our own budget, not the peer's fault: try again at the next sync.
                    tracing::info!(peer = %session.peer, space = %session.space, held, "sync postponed: symbol memory budget reached");
                    self.counters.reject("sync_memory_budget");
                    self.runs.session_closed(
                        session.run,
                        0,
                        0,
                        Some(format!(
                            "{} ({}): postponed, memory budget",
                            session.peer, session.space
                        )),
                    );
                    return;
                }
                session.ask = ask;
                self.send_symbols_request(session);
            }
            Ok(Step::Done) => self.on_reconciled(session, fingerprint),
            Err(e) => {
                tracing::warn!(peer = %session.peer, space = %session.space, error = %e, "sync with peer failed");
                if !matches!(e, ReconcileError::OutOfOrder { .. }) {
                    self.counters.reject(match e {
                        ReconcileError::DidNotConverge(_) => "sync_endless",
                        ReconcileError::FingerprintMismatch => "sync_inconsistent",
                        _ => "sync_malformed",
                    });
                    self.strike(session.peer);
                }
                self.runs.session_closed(
                    session.run,
                    0,
                    0,
                    Some(format!("{} ({}): {e}", session.peer, session.space)),
                );
            }
        }
    }

    /// The differences with a peer are known: fetch what we lack, offer what it lacks.
    fn on_reconciled(&mut self, mut session: Session, theirs: crate::reconcile::Fingerprint) {
        // What the peer passes on and we do not may be held here already, kept apart (our
        // trust differs): fetching it again would move the same entries at every sync.
        let need: Vec<EntryId> = std::mem::take(&mut session.initiator.need)
            .into_iter()
            .filter(|id| !matches!(self.store.holds(id), Ok(true)))
            .collect();
        let have = std::mem::take(&mut session.initiator.have);
        tracing::info!(
            peer = %session.peer,
            space = %session.space,
            rounds = session.initiator.rounds(),
            missing_here = need.len(),
            missing_there = have.len(),
            fingerprint = %theirs.short(),
            their_entries = theirs.count,
            "reconciled"
        );
        let origin = Origin {
            space: Some(session.space.clone()),
            run: session.run,
            session: Some(session.number),
            claimed: true,
        };
        self.record_sync(
            &session.space,
            session.peer,
            need.len() as u64,
            session.number,
        );
        self.fetcher
            .queue(&mut self.runs, session.peer, need.iter().copied(), &origin);
        for chunk in have.chunks(MAX_OFFER_IDS) {
            self.swarm.behaviour_mut().sync.send_request(
                &session.peer,
                SyncRequest::Offer {
                    space: session.space.clone(),
                    ids: chunk.to_vec(),
                },
            );
        }
        self.runs
            .session_closed(session.run, need.len() as u64, have.len() as u64, None);
        self.pump_fetches();
    }

    /// Notes a sync of `space` that a peer started with us; returns its session number.
    fn note_sync(&mut self, space: &SpaceName, peer: PeerId, missing: u64) -> u64 {
        self.session_count += 1;
        self.record_sync(space, peer, missing, self.session_count);
        self.session_count
    }

    fn record_sync(&mut self, space: &SpaceName, peer: PeerId, missing: u64, session: u64) {
        self.last_sync.insert(
            space.clone(),
            SpaceSync {
                at: wiel_protocol::Timestamp::now(),
                peer_id: peer.to_string(),
                org_key: self.peers.get(&peer).and_then(|p| p.org_key),
                missing,
                stored: 0,
                session,
            },
        );
    }

    /// Sends the fetch requests the window allows, while the worker keeps up.
    fn pump_fetches(&mut self) {
        if self.backlog.len() >= MAX_BACKLOG {
            return;
        }
        for (peer, ids, origin) in self.fetcher.ready() {
            let request = self
                .swarm
                .behaviour_mut()
                .fetch
                .send_request(&peer, FetchRequest { ids: ids.clone() });
            self.fetcher.sent(request, InFlight { peer, ids, origin });
        }
    }

    fn on_fetched(&mut self, outcome: FetchOutcome) {
        let FetchOutcome {
            peer,
            origin,
            entries,
            not_served,
        } = outcome;
        if not_served > 0 {
            tracing::warn!(%peer, not_served, "peer did not serve entries it said it holds");
            self.counters.reject("not_served");
            self.runs.problem(
                origin.run,
                format!("{peer} did not serve {not_served} entries it said it holds"),
            );
            self.strike(peer);
        }
        if entries.is_empty() {
            self.pump_fetches();
            return;
        }
        let job = Job::Fetched {
            peer,
            origin,
            entries,
        };
        if self.backlog.is_empty() {
            if let Err(mpsc::error::TrySendError::Full(job)) = self.jobs.try_send(job) {
                self.backlog.push_back(job);
            }
        } else {
            self.backlog.push_back(job);
        }
        self.pump_fetches();
    }

    fn handle_verdict(&mut self, verdict: Verdict) {
        let (source, missing) = match verdict {
            Verdict::Promote(authors) => {
                self.promote(&authors);
                return;
            }
            Verdict::Throttled { peer } => {
                self.schedule_catch_up(peer);
                return;
            }
            Verdict::Gossip {
                message_id,
                source,
                acceptance,
                missing,
            } => {
                self.swarm
                    .behaviour_mut()
                    .gossipsub
                    .report_message_validation_result(&message_id, &source, acceptance);
                if acceptance == MessageAcceptance::Reject {
                    self.strike(source);
                }
                (source, missing)
            }
            Verdict::Fetched(super::worker::FetchTally {
                peer,
                origin,
                stored,
                duplicates,
                rejected,
                missing,
            }) => {
                self.runs.judged(origin.run, stored, duplicates, rejected);
                if let (Some(space), Some(number)) = (&origin.space, origin.session) {
                    if let Some(last) = self.last_sync.get_mut(space)
                        && last.session == number
                    {
                        last.stored += stored;
                    }
                    if stored > 0 {
                        self.ripples.insert(space.clone(), peer);
                    }
                }
                if rejected > 0 {
                    self.runs.problem(
                        origin.run,
                        format!("{peer} sent {rejected} entries that failed validation"),
                    );
                }
                for _ in 0..rejected.min(u64::from(MAX_STRIKES)) {
                    self.strike(peer);
                }
                (peer, missing)
            }
        };
        if !missing.is_empty() && self.swarm.is_connected(&source) {
            // Referenced entries we lack: the peer may or may not hold them.
            let ids: Vec<EntryId> = missing.into_iter().take(MAX_FETCH_IDS).collect();
            self.fetcher
                .queue(&mut self.runs, source, ids, &Origin::default());
        }
        self.pump_fetches();
    }

    fn handle_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        self.handle_swarm_event(event);
        self.counters
            .peers
            .store(self.peers.len() as u64, Ordering::Relaxed);
    }

    fn handle_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(%address, "listening");
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                endpoint,
                connection_id,
                ..
            } => {
                let peer = self.peers.entry(peer_id).or_default();
                peer.address = Some(endpoint.get_remote_address().clone());
                peer.dialed |= endpoint.is_dialer();
                peer.connected_at.get_or_insert_with(Instant::now);
                if let Some((_, reply)) = self.pending_dials.remove(&connection_id) {
                    let _ = reply.send(Ok(()));
                }
                tracing::debug!(%peer_id, "connected");
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                ..
            } => {
                self.peers.remove(&peer_id);
                self.gossip_budget.remove(&peer_id);
                self.sync_budget.remove(&peer_id);
                self.fetcher.forget_peer(&mut self.runs, &peer_id);
                tracing::debug!(%peer_id, "disconnected");
            }
            SwarmEvent::OutgoingConnectionError {
                connection_id,
                error,
                ..
            } => {
                if let Some((addr, reply)) = self.pending_dials.remove(&connection_id) {
                    let _ = reply.send(Err(NetworkError::Dial {
                        addr,
                        reason: one_line(&error.to_string()),
                    }));
                }
            }
            SwarmEvent::Behaviour(event) => self.handle_behaviour(event),
            _ => {}
        }
    }

    fn handle_behaviour(&mut self, event: BehaviourEvent) {
        match event {
            BehaviourEvent::Gossipsub(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            }) => {
                self.counters
                    .gossip_bytes_in
                    .fetch_add(message.data.len() as u64, Ordering::Relaxed);
                let allowed = self
                    .gossip_budget
                    .entry(propagation_source)
                    .or_insert_with(|| {
                        super::sync::TokenBucket::new(PEER_GOSSIP_RATE, PEER_GOSSIP_BURST)
                    })
                    .take();
                if !allowed {
                    self.swarm
                        .behaviour_mut()
                        .gossipsub
                        .report_message_validation_result(
                            &message_id,
                            &propagation_source,
                            MessageAcceptance::Ignore,
                        );
                    self.counters.reject("rate_limited");
                    self.schedule_catch_up(propagation_source);
                    return;
                }
                let space = behaviour::space_of(&message.topic, &self.spaces);
                let len = message.data.len() as u64;
                let queued = self.counters.gossip_queued_bytes.load(Ordering::Relaxed);
                let job = Job::Gossip {
                    message_id: message_id.clone(),
                    source: propagation_source,
                    space,
                    data: message.data,
                };
                // Counted before it is sent: the worker takes it off when it receives it.
                let sent = queued.saturating_add(len) <= MAX_GOSSIP_QUEUE_BYTES && {
                    self.counters
                        .gossip_queued_bytes
                        .fetch_add(len, Ordering::Relaxed);
                    let sent = self.jobs.try_send(job).is_ok();
                    if !sent {
                        self.counters
                            .gossip_queued_bytes
                            .fetch_sub(len, Ordering::Relaxed);
                    }
                    sent
                };
                if !sent {
                    // The worker is saturated: do not forward, do not blame the peer.
                    self.swarm
                        .behaviour_mut()
                        .gossipsub
                        .report_message_validation_result(
                            &message_id,
                            &propagation_source,
                            MessageAcceptance::Ignore,
                        );
                    self.counters.reject("overloaded");
                    self.schedule_catch_up(propagation_source);
                }
            }
            BehaviourEvent::Gossipsub(gossipsub::Event::Subscribed { peer_id, topic }) => {
                if let Some(space) = behaviour::space_of(&topic, &self.spaces) {
                    let peer = self.peers.entry(peer_id).or_default();
                    if !peer.spaces.contains(&space) {
                        peer.spaces.push(space);
                    }
                    self.outbox_dirty = true;
                    self.flush_outbox();
                }
            }
            BehaviourEvent::Gossipsub(gossipsub::Event::Unsubscribed { peer_id, topic }) => {
                if let (Some(space), Some(peer)) = (
                    behaviour::space_of(&topic, &self.spaces),
                    self.peers.get_mut(&peer_id),
                ) {
                    peer.spaces.retain(|s| *s != space);
                }
            }
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => {
                if info.protocol_version != behaviour::protocol_version(&self.network) {
                    tracing::warn!(
                        %peer_id,
                        theirs = %info.protocol_version,
                        ours = %behaviour::protocol_version(&self.network),
                        "peer is on another wiel network; refusing it"
                    );
                    self.counters.reject("other_network_peer");
                    self.block(peer_id, "on another network");
                    return;
                }
                let peer = self.peers.entry(peer_id).or_default();
                peer.org_key = info
                    .public_key
                    .clone()
                    .try_into_ed25519()
                    .ok()
                    .map(|k| OrgKey::from_bytes(k.to_bytes()));
                let first = peer.agent.is_none();
                peer.agent = Some(info.agent_version.clone());
                if let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
                    for addr in info.listen_addrs {
                        kad.add_address(&peer_id, addr);
                    }
                }
                if first && peer.dialed {
                    // A new peer on our network: catch up with it. The side that dialed
                    // starts; one session serves both directions.
                    self.start_sync(peer_id, None);
                }
            }
            BehaviourEvent::Ping(ping::Event {
                peer,
                result: Ok(rtt),
                ..
            }) => {
                if let Some(p) = self.peers.get_mut(&peer) {
                    p.latency = Some(rtt);
                }
            }
            BehaviourEvent::Mdns(mdns::Event::Discovered(found)) => {
                for (peer_id, addr) in found {
                    if !self.swarm.is_connected(&peer_id)
                        && !self.blocked_until.contains_key(&peer_id)
                    {
                        let _ = self.swarm.dial(addr);
                    }
                }
            }
            BehaviourEvent::Fetch(request_response::Event::Message { peer, message, .. }) => {
                match message {
                    request_response::Message::Request {
                        request, channel, ..
                    } => {
                        let entries = self.serve_fetch(&request.ids);
                        let _ = self
                            .swarm
                            .behaviour_mut()
                            .fetch
                            .send_response(channel, FetchResponse { entries });
                    }
                    request_response::Message::Response {
                        request_id,
                        response,
                    } => {
                        let entries = response
                            .entries
                            .into_iter()
                            .take(MAX_FETCH_IDS)
                            .map(|b| b.map(|b| b.into_vec()))
                            .collect();
                        if let Some(outcome) =
                            self.fetcher
                                .on_response(&mut self.runs, request_id, entries)
                        {
                            self.on_fetched(outcome);
                        }
                        tracing::trace!(%peer, "fetch answered");
                    }
                }
            }
            BehaviourEvent::Fetch(request_response::Event::OutboundFailure {
                request_id,
                error,
                ..
            }) => {
                if let Some((peer, origin)) = self.fetcher.on_failure(&mut self.runs, request_id) {
                    tracing::debug!(%peer, %error, "fetch failed");
                    self.runs
                        .problem(origin.run, format!("{peer}: fetch failed: {error}"));
                }
                self.pump_fetches();
            }
            BehaviourEvent::Sync(request_response::Event::Message { peer, message, .. }) => {
                match message {
                    request_response::Message::Request {
                        request, channel, ..
                    } => {
                        let response = self.serve_sync(peer, request);
                        let _ = self
                            .swarm
                            .behaviour_mut()
                            .sync
                            .send_response(channel, response);
                    }
                    request_response::Message::Response {
                        request_id,
                        response,
                    } => {
                        self.on_sync_answer(request_id, response);
                    }
                }
            }
            BehaviourEvent::Sync(request_response::Event::OutboundFailure {
                request_id,
                error,
                ..
            }) => {
                if let Some(s) = self.sessions.remove(&request_id) {
                    tracing::warn!(peer = %s.peer, space = %s.space, %error, "sync session failed");
                    self.runs.session_closed(
                        s.run,
                        0,
                        0,
                        Some(format!("{} ({}): {error}", s.peer, s.space)),
                    );
                }
            }
            BehaviourEvent::Kad(kad::Event::RoutingUpdated { .. }) => {}
            _ => {}
        }
    }

    /// The entries asked for, in order, until the response would pass its size limit
    /// (the codec allows 10 MiB; 256 entries of 64 KiB would not fit).
    fn serve_fetch(&self, ids: &[EntryId]) -> Vec<Option<serde_bytes::ByteBuf>> {
        let mut budget = MAX_FETCH_RESPONSE_BYTES;
        let mut out = Vec::new();
        let trust = self.trust.current();
        for id in ids.iter().take(MAX_FETCH_IDS) {
            match self.store.get(id) {
                // Entries kept apart are not passed on.
                Ok(Some(entry)) if !trust.passes_on_entry(&entry) => out.push(None),
                Ok(Some(entry)) => {
                    if entry.bytes().len() > budget {
                        break;
                    }
                    budget -= entry.bytes().len();
                    out.push(Some(serde_bytes::ByteBuf::from(entry.bytes().to_vec())));
                }
                Ok(None) => out.push(None),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the store to serve a fetch");
                    break;
                }
            }
        }
        out
    }

    fn serve_sync(&mut self, peer: PeerId, request: SyncRequest) -> SyncResponse {
        let allowed = self
            .sync_budget
            .entry(peer)
            .or_insert_with(|| super::sync::TokenBucket::new(PEER_SYNC_RATE, PEER_SYNC_BURST))
            .take();
        if !allowed {
            self.counters.reject("sync_rate_limited");
            return SyncResponse::Refused;
        }
        if self.answering.len() >= MAX_ANSWERING
            && !self.answering.keys().any(|(p, _)| *p == peer)
            && let Some(oldest) = self
                .answering
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(k, _)| k.clone())
        {
            self.answering.remove(&oldest);
        }
        match request {
            SyncRequest::Symbols {
                space,
                start,
                count,
            } => {
                if !self.spaces.contains(&space) {
                    return SyncResponse::Refused;
                }
                // Every round of a session is answered from the same snapshot of the set:
                // answers from a set that changed in between would not decode.
                let key = (peer, space.clone());
                let set = match self.answering.get(&key) {
                    Some((_, set)) if start > 0 => set.clone(),
                    _ => {
                        self.note_sync(&space, peer, 0);
                        self.space_set(&space)
                    }
                };
                self.answering.insert(key, (Instant::now(), set.clone()));
                tracing::debug!(%peer, %space, start, count, entries = set.len(), "answering a sync round");
                // No honest session asks past twice the two sets' size.
                if start > 4 * set.len() + 2 * crate::reconcile::MAX_FRAME_SYMBOLS as u64 {
                    self.strike(peer);
                    return SyncResponse::Refused;
                }
                SyncResponse::Symbols {
                    fingerprint: set.fingerprint(),
                    symbols: serde_bytes::ByteBuf::from(set.encode(start, count)),
                }
            }
            SyncRequest::Offer { space, ids } => {
                if !self.spaces.contains(&space) || ids.len() > MAX_OFFER_IDS {
                    return SyncResponse::Refused;
                }
                let lacking: Vec<EntryId> = ids
                    .into_iter()
                    .filter(|id| matches!(self.store.get(id), Ok(None)))
                    .collect();
                let session = self.note_sync(&space, peer, lacking.len() as u64);
                let origin = Origin {
                    space: Some(space),
                    session: Some(session),
                    claimed: true,
                    ..Origin::default()
                };
                self.fetcher.queue(&mut self.runs, peer, lacking, &origin);
                self.pump_fetches();
                SyncResponse::Taken
            }
        }
    }

    fn peer_views(&self) -> Vec<PeerView> {
        let mut views: Vec<PeerView> = self
            .peers
            .iter()
            .map(|(id, p)| PeerView {
                peer_id: id.to_string(),
                org_key: p.org_key,
                address: p.address.as_ref().map(|a| a.to_string()),
                spaces: p.spaces.clone(),
                latency_ms: p.latency.map(|d| d.as_secs_f64() * 1000.0),
                agent: p.agent.clone(),
            })
            .collect();
        views.sort_by(|a, b| a.peer_id.cmp(&b.peer_id));
        views
    }
}

/// Takes the peers whose moment has come out of `deadlines`.
fn take_due(deadlines: &mut HashMap<PeerId, Instant>, now: Instant) -> Vec<PeerId> {
    let due: Vec<PeerId> = deadlines
        .iter()
        .filter(|(_, at)| **at <= now)
        .map(|(p, _)| *p)
        .collect();
    for peer in &due {
        deadlines.remove(peer);
    }
    due
}

/// libp2p's errors span several lines; a message for people is one.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
