//! The event loop: owns the swarm, carries out commands, handles swarm events, and passes
//! gossip to the ingest worker and its verdicts back to gossipsub.

use std::collections::HashMap;
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
    self, Behaviour, BehaviourEvent, FetchRequest, FetchResponse, MAX_FETCH_IDS, SyncRequest,
    SyncResponse,
};
use super::client::{Command, NetworkError, NetworkStatus, PeerView};
use super::worker::{Counters, Job, Verdict};
use crate::reconcile::{Initiator, ItemSet};

/// Invalid messages a peer may send within [`STRIKE_WINDOW`] before it is blocked.
const MAX_STRIKES: u32 = 10;
const STRIKE_WINDOW: Duration = Duration::from_secs(600);
/// How often a node reconciles every space with every peer.
const SYNC_INTERVAL: Duration = Duration::from_secs(300);
/// A session that needs more rounds than this is ended (a peer that answers forever).
const MAX_SYNC_ROUNDS: u32 = 64;
/// How long a space's item list is reused for answering reconciliation rounds.
const ITEMS_TTL: Duration = Duration::from_secs(5);

/// A space's (created_at, id) items, shared while a cached copy is fresh.
type SpaceItems = Arc<Vec<(wiel_protocol::Timestamp, EntryId)>>;

/// One reconciliation in progress with a peer about a space.
struct SyncSession {
    peer: PeerId,
    space: SpaceName,
    initiator: Initiator,
    rounds: u32,
}

/// Most entry bytes in one fetch response.
const MAX_FETCH_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// How long a misbehaving peer, or one on another network, is kept away.
pub const BLOCK_TIME: Duration = Duration::from_secs(600);

#[derive(Default)]
struct Peer {
    address: Option<Multiaddr>,
    org_key: Option<OrgKey>,
    agent: Option<String>,
    latency: Option<Duration>,
    spaces: Vec<SpaceName>,
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
    peers: HashMap<PeerId, Peer>,
    strikes: HashMap<PeerId, (u32, Instant)>,
    blocked_until: HashMap<PeerId, Instant>,
    pending_dials: HashMap<PeerId, Vec<tokio::sync::oneshot::Sender<Result<(), NetworkError>>>>,
    fetching: HashMap<OutboundRequestId, PeerId>,
    outbox_dirty: bool,
    syncing: HashMap<OutboundRequestId, SyncSession>,
    items: HashMap<SpaceName, (Instant, SpaceItems)>,
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
            peers: HashMap::new(),
            strikes: HashMap::new(),
            blocked_until: HashMap::new(),
            pending_dials: HashMap::new(),
            fetching: HashMap::new(),
            outbox_dirty: true,
            syncing: HashMap::new(),
            items: HashMap::new(),
            last_periodic_sync: Instant::now(),
        }
    }

    /// Runs until `shutdown` fires or every client is gone.
    pub(crate) async fn run(mut self, shutdown: CancellationToken) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
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
                match self.swarm.dial(addr.clone()) {
                    Ok(()) => match peer {
                        Some(peer) => self.pending_dials.entry(peer).or_default().push(reply),
                        None => {
                            let _ = reply.send(Ok(()));
                        }
                    },
                    Err(e) => {
                        let _ = reply.send(Err(NetworkError::Dial {
                            addr: addr.to_string(),
                            reason: e.to_string(),
                        }));
                    }
                }
            }
            Command::Peers { reply } => {
                let _ = reply.send(self.peer_views());
            }
            Command::Status { reply } => {
                let _ = reply.send(NetworkStatus {
                    peer_id: self.swarm.local_peer_id().to_string(),
                    listening: self.swarm.listeners().map(|a| a.to_string()).collect(),
                    peers: self.peers.len(),
                    spaces: self.spaces.clone(),
                    outbox: self.store.outbox().map(|o| o.len()).unwrap_or(0),
                });
            }
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
        let expired: Vec<PeerId> = self
            .blocked_until
            .iter()
            .filter(|(_, until)| **until <= now)
            .map(|(p, _)| *p)
            .collect();
        for peer in expired {
            self.blocked_until.remove(&peer);
            self.swarm.behaviour_mut().blocked.unblock_peer(peer);
            tracing::info!(%peer, "peer no longer blocked");
        }
        self.strikes
            .retain(|_, (_, since)| now.duration_since(*since) < STRIKE_WINDOW);
        if self.outbox_dirty && !self.peers.is_empty() {
            self.flush_outbox();
        }
        if now.duration_since(self.last_periodic_sync) >= SYNC_INTERVAL {
            self.last_periodic_sync = now;
            let peers: Vec<PeerId> = self.peers.keys().copied().collect();
            for peer in peers {
                self.start_sync(peer);
            }
        }
    }

    fn block(&mut self, peer: PeerId, why: &str) {
        tracing::warn!(%peer, reason = why, "blocking peer for {} minutes", BLOCK_TIME.as_secs() / 60);
        self.swarm.behaviour_mut().blocked.block_peer(peer);
        self.blocked_until.insert(peer, Instant::now() + BLOCK_TIME);
        self.peers.remove(&peer);
    }

    /// The (created_at, id) items of a space, cached briefly for answering rounds.
    fn space_items(&mut self, space: &SpaceName) -> SpaceItems {
        if let Some((at, items)) = self.items.get(space)
            && at.elapsed() < ITEMS_TTL
        {
            return items.clone();
        }
        let items = Arc::new(self.store.space_items(space).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot read the store for sync");
            Vec::new()
        }));
        self.items
            .insert(space.clone(), (Instant::now(), items.clone()));
        items
    }

    /// Starts reconciling every space this node follows with `peer`.
    fn start_sync(&mut self, peer: PeerId) {
        for space in self.spaces.clone() {
            // Our own state changes as we fetch: start from a fresh list.
            self.items.remove(&space);
            let items = self.space_items(&space);
            let started = ItemSet::new(&items).and_then(Initiator::start);
            match started {
                Ok((initiator, message)) => {
                    let request_id = self.swarm.behaviour_mut().sync.send_request(
                        &peer,
                        SyncRequest {
                            space: space.clone(),
                            message: serde_bytes::ByteBuf::from(message),
                        },
                    );
                    self.syncing.insert(
                        request_id,
                        SyncSession {
                            peer,
                            space,
                            initiator,
                            rounds: 1,
                        },
                    );
                }
                Err(e) => tracing::warn!(error = %e, %space, "cannot start sync"),
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
        let Some(mut session) = self.syncing.remove(&request_id) else {
            return;
        };
        let Some(answer) = response.message else {
            return; // the peer does not follow this space
        };
        match session.initiator.step(&answer) {
            Ok(Some(next)) if session.rounds < MAX_SYNC_ROUNDS => {
                session.rounds += 1;
                let request_id = self.swarm.behaviour_mut().sync.send_request(
                    &session.peer,
                    SyncRequest {
                        space: session.space.clone(),
                        message: serde_bytes::ByteBuf::from(next),
                    },
                );
                self.syncing.insert(request_id, session);
            }
            Ok(Some(_)) => {
                tracing::warn!(peer = %session.peer, space = %session.space, "sync did not end: stopped");
                self.strike(session.peer);
            }
            Ok(None) => {
                let need = std::mem::take(&mut session.initiator.need);
                tracing::info!(
                    peer = %session.peer,
                    space = %session.space,
                    rounds = session.rounds,
                    missing = need.len(),
                    "reconciled"
                );
                for chunk in need.chunks(MAX_FETCH_IDS) {
                    let request_id = self.swarm.behaviour_mut().fetch.send_request(
                        &session.peer,
                        FetchRequest {
                            ids: chunk.to_vec(),
                        },
                    );
                    self.fetching.insert(request_id, session.peer);
                }
            }
            Err(e) => {
                tracing::debug!(peer = %session.peer, error = %e, "bad sync answer");
                self.strike(session.peer);
            }
        }
    }

    fn handle_verdict(&mut self, v: Verdict) {
        if let Some(message_id) = &v.message_id {
            self.swarm
                .behaviour_mut()
                .gossipsub
                .report_message_validation_result(message_id, &v.source, v.acceptance);
        }
        if v.acceptance == MessageAcceptance::Reject {
            self.strike(v.source);
        }
        if !v.missing.is_empty() && self.swarm.is_connected(&v.source) {
            let ids: Vec<EntryId> = v.missing.into_iter().take(MAX_FETCH_IDS).collect();
            let request_id = self
                .swarm
                .behaviour_mut()
                .fetch
                .send_request(&v.source, FetchRequest { ids });
            self.fetching.insert(request_id, v.source);
        }
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
                peer_id, endpoint, ..
            } => {
                let peer = self.peers.entry(peer_id).or_default();
                peer.address = Some(endpoint.get_remote_address().clone());
                for reply in self.pending_dials.remove(&peer_id).unwrap_or_default() {
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
                tracing::debug!(%peer_id, "disconnected");
            }
            SwarmEvent::OutgoingConnectionError {
                peer_id: Some(peer_id),
                error,
                ..
            } => {
                for reply in self.pending_dials.remove(&peer_id).unwrap_or_default() {
                    let _ = reply.send(Err(NetworkError::Dial {
                        addr: peer_id.to_string(),
                        reason: error.to_string(),
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
                let space = behaviour::space_of(&message.topic, &self.spaces);
                let job = Job::Gossip {
                    message_id: message_id.clone(),
                    source: propagation_source,
                    space,
                    data: message.data,
                };
                if self.jobs.try_send(job).is_err() {
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
                if first {
                    // A new peer on our network: catch up with it.
                    self.start_sync(peer_id);
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
                        // Stay under the codec's response limit (10 MiB): a full
                        // answer of 256 entries of 64 KiB would not fit.
                        let mut budget = MAX_FETCH_RESPONSE_BYTES;
                        let entries = request
                            .ids
                            .iter()
                            .take(MAX_FETCH_IDS)
                            .filter_map(|id| self.store.get(id).ok().flatten())
                            .take_while(|e| {
                                let fits = e.bytes().len() <= budget;
                                budget = budget.saturating_sub(e.bytes().len());
                                fits
                            })
                            .map(|e| serde_bytes::ByteBuf::from(e.bytes().to_vec()))
                            .collect();
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
                        self.fetching.remove(&request_id);
                        let entries = response
                            .entries
                            .into_iter()
                            .take(MAX_FETCH_IDS)
                            .map(|b| b.into_vec())
                            .collect();
                        if self.jobs.try_send(Job::Fetched { peer, entries }).is_err() {
                            tracing::debug!(%peer, "worker busy: dropped fetched entries");
                        }
                    }
                }
            }
            BehaviourEvent::Fetch(request_response::Event::OutboundFailure {
                request_id, ..
            }) => {
                self.fetching.remove(&request_id);
            }
            BehaviourEvent::Sync(request_response::Event::Message { peer, message, .. }) => {
                match message {
                    request_response::Message::Request {
                        request, channel, ..
                    } => {
                        let answer = if self.spaces.contains(&request.space) {
                            let items = self.space_items(&request.space);
                            match ItemSet::new(&items)
                                .and_then(|set| crate::reconcile::respond(&set, &request.message))
                            {
                                Ok(a) => Some(serde_bytes::ByteBuf::from(a)),
                                Err(e) => {
                                    tracing::debug!(%peer, error = %e, "bad sync message");
                                    self.strike(peer);
                                    None
                                }
                            }
                        } else {
                            None
                        };
                        let _ = self
                            .swarm
                            .behaviour_mut()
                            .sync
                            .send_response(channel, SyncResponse { message: answer });
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
                if let Some(s) = self.syncing.remove(&request_id) {
                    tracing::debug!(peer = %s.peer, %error, "sync session failed");
                }
            }
            BehaviourEvent::Kad(kad::Event::RoutingUpdated { .. }) => {}
            _ => {}
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
