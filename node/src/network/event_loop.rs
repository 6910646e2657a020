//! The event loop: owns the swarm and only dispatches. Commands from the node, swarm
//! events, the ingest worker's verdicts and the serving thread's answers each go to the
//! handler that owns them: the peer table and guard (`peers`), and one handler per
//! protocol (`gossip`, `sync`, `fetch`). Nothing here reads the store.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures::StreamExt;
use libp2p::gossipsub::{self, MessageAcceptance};
use libp2p::request_response;
use libp2p::swarm::SwarmEvent;
use libp2p::{PeerId, Swarm, identify, mdns, ping};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use wiel_protocol::{EntryId, NetworkId, OrgKey, SpaceName};
use wiel_store::Store;

use super::behaviour::{self, Behaviour, BehaviourEvent, MAX_FETCH_IDS};
use super::client::{Command, NetworkError, NetworkStatus, SpaceStatus};
use super::dials::Dials;
use super::fetch::FetchHandler;
use super::gossip::GossipHandler;
use super::peers::{BLOCK_TIME, Identified, MAX_STRIKES, PeerGuard, PeerTable};
use super::runs::{Origin, Runs};
use super::serve::{Served, Server};
use super::sync::{AfterAnswer, SyncHandler};
use super::worker::{Counters, FetchTally, Job, Verdict};
use crate::events::Written;
use crate::refusal::Refusal;
use crate::trust::TrustState;

/// How often a node reconciles every space with every peer.
const SYNC_INTERVAL: Duration = Duration::from_secs(300);

/// The event loop's channels: commands in, jobs to the worker, verdicts back, and the
/// serving thread's finished work.
pub(crate) struct Channels {
    pub commands: mpsc::Receiver<Command>,
    pub jobs: mpsc::Sender<Job>,
    pub verdicts: mpsc::Receiver<Verdict>,
    pub served: mpsc::UnboundedReceiver<Served>,
    /// The service's writes (see [`crate::events`]).
    pub written: mpsc::UnboundedReceiver<Written>,
}

/// What the loop needs of the node.
pub(crate) struct NodeParts {
    pub store: Store,
    pub network: NetworkId,
    pub spaces: Vec<SpaceName>,
    pub counters: Arc<Counters>,
    pub trust: TrustState,
}

pub(crate) struct EventLoop {
    swarm: Swarm<Behaviour>,
    channels: Channels,
    server: Server,
    /// Only for the outbox count in `wiel status`.
    store: Store,
    network: NetworkId,
    spaces: Vec<SpaceName>,
    counters: Arc<Counters>,
    /// Only to follow peers that rotated their key.
    trust: TrustState,
    peers: PeerTable,
    guard: PeerGuard,
    gossip: GossipHandler,
    sync: SyncHandler,
    fetch: FetchHandler,
    runs: Runs,
    dials: Dials,
    last_periodic_sync: Instant,
}

impl EventLoop {
    pub(crate) fn new(
        swarm: Swarm<Behaviour>,
        channels: Channels,
        server: Server,
        node: NodeParts,
    ) -> Self {
        let NodeParts {
            store,
            network,
            spaces,
            counters,
            trust,
        } = node;
        Self {
            swarm,
            channels,
            server,
            gossip: GossipHandler::new(store.clone(), spaces.clone()),
            sync: SyncHandler::new(spaces.clone()),
            store,
            network,
            spaces,
            counters,
            trust,
            peers: PeerTable::default(),
            guard: PeerGuard::default(),
            fetch: FetchHandler::default(),
            runs: Runs::default(),
            dials: Dials::default(),
            last_periodic_sync: Instant::now(),
        }
    }

    /// Runs until `shutdown` fires or every client is gone.
    pub(crate) async fn run(mut self, shutdown: CancellationToken) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let jobs = self.channels.jobs.clone();
        loop {
            let backlogged = self.fetch.has_backlog();
            tokio::select! {
                _ = shutdown.cancelled() => break,
                permit = jobs.reserve(), if backlogged => match permit {
                    Ok(permit) => {
                        if let Some(job) = self.fetch.next_job() {
                            permit.send(job);
                        }
                        self.fetch.pump(&mut self.swarm);
                    }
                    Err(_) => break,
                },
                command = self.channels.commands.recv() => match command {
                    Some(c) => self.handle_command(c),
                    None => break,
                },
                Some(verdict) = self.channels.verdicts.recv() => self.handle_verdict(verdict),
                Some(served) = self.channels.served.recv() => self.handle_served(served),
                Some(written) = self.channels.written.recv() => self.on_written(written),
                event = self.swarm.select_next_some() => {
                    self.handle_swarm_event(event);
                    self.counters.peers.store(self.peers.count() as u64, Ordering::Relaxed);
                }
                _ = tick.tick() => self.on_tick(),
            }
        }
        tracing::info!("network stopped");
    }

    fn handle_command(&mut self, command: Command) {
        match command {
            Command::Dial { addr, reply } => {
                self.dials
                    .dial(&mut self.swarm, &self.trust.current(), addr, Some(reply));
            }
            Command::Peers { reply } => {
                let _ = reply.send(self.peers.views());
            }
            Command::Status { reply } => {
                let spaces = self
                    .spaces
                    .iter()
                    .map(|space| SpaceStatus {
                        last_sync: self.sync.last_sync(space),
                        space: space.clone(),
                    })
                    .collect();
                let _ = reply.send(NetworkStatus {
                    peer_id: self.swarm.local_peer_id().to_string(),
                    listening: self.swarm.listeners().map(|a| a.to_string()).collect(),
                    peers: self.peers.count(),
                    spaces,
                    outbox: self.store.outbox().map(|o| o.len()).unwrap_or(0),
                });
            }
            Command::Sync { peer, reply } => {
                let peers = match peer {
                    Some(p) if self.peers.contains(&p) => vec![p],
                    Some(p) => {
                        let _ = reply.send(Err(NetworkError::NotConnected(p.to_string())));
                        return;
                    }
                    None => self.peers.ids(),
                };
                if peers.is_empty() {
                    let _ = reply.send(Err(NetworkError::NoPeers));
                    return;
                }
                let run = self.runs.start(&peers);
                self.sync
                    .start_run(&self.server, &mut self.runs, &peers, run);
                let _ = reply.send(Ok(run));
            }
            Command::SyncReport { run, reply } => {
                let _ = reply.send(self.runs.report(run));
            }
        }
    }

    fn on_tick(&mut self) {
        let now = Instant::now();
        for peer in self.guard.due_unblocks(now) {
            self.swarm.behaviour_mut().blocked.unblock_peer(peer);
            tracing::info!(%peer, "peer no longer blocked");
        }
        self.gossip
            .on_tick(&mut self.swarm, &self.counters, self.peers.count());
        for peer in self.peers.silent(now) {
            tracing::info!(%peer, "letting go of a peer that never said which network it is on");
            self.counters.reject(Refusal::NoIdentify);
            let _ = self.swarm.disconnect_peer_id(peer);
            self.peers.remove(&peer);
        }
        for peer in self.dials.on_tick(&self.trust.current(), now) {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        for peer in self.guard.due_catch_ups(now) {
            if self.peers.contains(&peer) {
                tracing::debug!(%peer, "catching up on what was dropped");
                self.sync.start(&self.server, &mut self.runs, peer, None);
            }
        }
        let identified = self.peers.identified();
        self.sync
            .start_ripples(&self.server, &mut self.runs, &identified);
        if now.duration_since(self.last_periodic_sync) >= SYNC_INTERVAL {
            self.last_periodic_sync = now;
            for peer in self.peers.ids() {
                self.sync.start(&self.server, &mut self.runs, peer, None);
            }
        }
    }

    /// Counts a fault of `peer`, and blocks it at the last one.
    fn strike(&mut self, peer: PeerId) {
        if self.guard.strike(peer) {
            self.block(peer, "keeps sending invalid data");
        }
    }

    fn block(&mut self, peer: PeerId, why: &str) {
        tracing::warn!(%peer, reason = why, "blocking peer for {} minutes", BLOCK_TIME.as_secs() / 60);
        self.swarm.behaviour_mut().blocked.block_peer(peer);
        self.guard.block(peer);
        self.peers.remove(&peer);
        self.fetch.forget_peer(&mut self.runs, &peer);
    }

    /// Passes on the entries of authors that became trusted (kept apart until now): they
    /// join this node's sync sets, and a round of sync with every peer offers them. (Not
    /// by gossip: gossipsub remembers their messages for two minutes and would drop them
    /// as duplicates.)
    fn promote(&mut self, authors: &[OrgKey]) {
        let names: Vec<String> = authors.iter().map(|a| a.short()).collect();
        tracing::info!(authors = ?names, "passing on the entries of newly trusted organisations");
        for peer in self.peers.identified() {
            self.sync.start(&self.server, &mut self.runs, peer, None);
        }
    }

    fn org_key(&self, peer: &PeerId) -> Option<OrgKey> {
        self.peers.get(peer).and_then(|p| p.org_key)
    }

    fn on_written(&mut self, written: Written) {
        match written {
            Written::Own => self.gossip.flush_outbox(&mut self.swarm, &self.counters),
            Written::Imported(ids) => {
                self.gossip
                    .publish_stored(&mut self.swarm, &self.counters, &ids);
            }
            Written::Promoted(authors) => self.promote(&authors),
        }
    }

    fn handle_served(&mut self, served: Served) {
        match served {
            Served::Fetch { channel, response } => {
                let _ = self
                    .swarm
                    .behaviour_mut()
                    .fetch
                    .send_response(channel, response);
            }
            Served::Sync {
                peer,
                channel,
                answer,
            } => {
                let org_key = self.org_key(&peer);
                let (blame, fetch) =
                    self.sync
                        .on_answered(&mut self.swarm, org_key, peer, channel, answer);
                if blame {
                    self.counters.reject(Refusal::SyncOutOfRange);
                    self.strike(peer);
                }
                if let Some((ids, origin)) = fetch {
                    self.fetch
                        .queue(&mut self.swarm, &mut self.runs, peer, ids, &origin);
                }
            }
            Served::OwnSet { peer, space, set } => {
                self.sync.on_own_set(&mut self.swarm, peer, space, set);
            }
            Served::Reconciled(reconciled) => {
                let org_key = self.org_key(&reconciled.peer());
                let (peer, ids, origin) =
                    self.sync.on_reconciled(&mut self.runs, org_key, reconciled);
                self.fetch
                    .queue(&mut self.swarm, &mut self.runs, peer, ids, &origin);
            }
        }
    }

    fn handle_verdict(&mut self, verdict: Verdict) {
        let (source, missing) = match verdict {
            Verdict::Promote(authors) => {
                self.promote(&authors);
                return;
            }
            Verdict::Throttled { peer } => {
                self.guard.schedule_catch_up(peer);
                return;
            }
            Verdict::Gossip {
                message_id,
                source,
                acceptance,
                missing,
            } => {
                GossipHandler::report(&mut self.swarm, &message_id, &source, acceptance);
                if acceptance == MessageAcceptance::Reject {
                    self.strike(source);
                }
                (source, missing)
            }
            Verdict::Fetched(FetchTally {
                peer,
                origin,
                stored,
                duplicates,
                rejected,
                missing,
            }) => {
                self.runs.judged(origin.run, stored, duplicates, rejected);
                self.sync.on_stored(&origin, peer, stored);
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
            self.fetch.queue(
                &mut self.swarm,
                &mut self.runs,
                source,
                ids,
                &Origin::default(),
            );
        } else {
            self.fetch.pump(&mut self.swarm);
        }
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
                let peer = self.peers.entry(peer_id);
                peer.address = Some(endpoint.get_remote_address().clone());
                peer.dialed |= endpoint.is_dialer();
                peer.connected_at.get_or_insert_with(Instant::now);
                self.dials.on_established(connection_id, peer_id);
                tracing::debug!(%peer_id, "connected");
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                ..
            } => {
                self.peers.remove(&peer_id);
                self.guard.forget(&peer_id);
                self.fetch.forget_peer(&mut self.runs, &peer_id);
                tracing::debug!(%peer_id, "disconnected");
            }
            SwarmEvent::OutgoingConnectionError {
                connection_id,
                error,
                peer_id,
            } => {
                let trust = self.trust.current();
                self.dials
                    .on_error(&mut self.swarm, &trust, connection_id, peer_id, &error);
            }
            SwarmEvent::Behaviour(event) => self.handle_behaviour(event),
            _ => {}
        }
    }

    fn handle_behaviour(&mut self, event: BehaviourEvent) {
        use request_response::{Event as Rr, Message};
        match event {
            BehaviourEvent::Gossipsub(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            }) => {
                let taken = self.gossip.on_message(
                    &mut self.swarm,
                    &mut self.guard,
                    &self.counters,
                    &self.channels.jobs,
                    propagation_source,
                    message_id,
                    message,
                );
                if !taken {
                    self.guard.schedule_catch_up(propagation_source);
                }
            }
            BehaviourEvent::Gossipsub(gossipsub::Event::Subscribed { peer_id, topic }) => {
                if let Some(space) = self.gossip.space_of(&topic) {
                    let peer = self.peers.entry(peer_id);
                    if !peer.spaces.contains(&space) {
                        peer.spaces.push(space);
                    }
                    self.gossip.on_subscribed(&mut self.swarm, &self.counters);
                }
            }
            BehaviourEvent::Gossipsub(gossipsub::Event::Unsubscribed { peer_id, topic }) => {
                if let (Some(space), Some(peer)) =
                    (self.gossip.space_of(&topic), self.peers.get_mut(&peer_id))
                {
                    peer.spaces.retain(|s| *s != space);
                }
            }
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => {
                self.on_identified(peer_id, info);
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
                    if !self.swarm.is_connected(&peer_id) && !self.guard.is_blocked(&peer_id) {
                        let _ = self.swarm.dial(addr);
                    }
                }
            }
            BehaviourEvent::Fetch(Rr::Message { peer, message, .. }) => match message {
                Message::Request {
                    request, channel, ..
                } => FetchHandler::on_request(
                    &mut self.guard,
                    &self.server,
                    &self.counters,
                    peer,
                    request.ids,
                    channel,
                ),
                Message::Response {
                    request_id,
                    response,
                } => {
                    let blame = self.fetch.on_response(
                        &mut self.swarm,
                        &mut self.runs,
                        &self.channels.jobs,
                        &self.counters,
                        request_id,
                        response,
                    );
                    if let Some(peer) = blame {
                        self.strike(peer);
                    }
                }
            },
            BehaviourEvent::Fetch(Rr::OutboundFailure {
                request_id, error, ..
            }) => {
                self.fetch
                    .on_failure(&mut self.swarm, &mut self.runs, request_id, &error);
            }
            BehaviourEvent::Sync(Rr::Message { peer, message, .. }) => match message {
                Message::Request {
                    request, channel, ..
                } => self.sync.on_request(
                    &mut self.swarm,
                    &mut self.guard,
                    &self.server,
                    &self.counters,
                    peer,
                    request,
                    channel,
                ),
                Message::Response {
                    request_id,
                    response,
                } => {
                    let after = self.sync.on_answer(
                        &mut self.swarm,
                        &self.server,
                        &mut self.runs,
                        &self.counters,
                        request_id,
                        response,
                    );
                    if let AfterAnswer::Blame(peer) = after {
                        self.strike(peer);
                    }
                }
            },
            BehaviourEvent::Sync(Rr::OutboundFailure {
                request_id, error, ..
            }) => self.sync.on_failure(&mut self.runs, request_id, &error),
            _ => {}
        }
    }

    fn on_identified(&mut self, peer_id: PeerId, info: identify::Info) {
        let ours = behaviour::protocol_version(&self.network);
        match self.peers.on_identified(peer_id, &info, &ours) {
            Identified::OtherNetwork => {
                tracing::warn!(%peer_id, theirs = %info.protocol_version, %ours, "peer is on another wiel network; refusing it");
                self.counters.reject(Refusal::OtherNetworkPeer);
                self.block(peer_id, "on another network");
                return;
            }
            // A new peer on our network that we dialed: catch up with it (the side that
            // dialed starts; one session serves both directions).
            Identified::NewDialed => {
                self.sync.start(&self.server, &mut self.runs, peer_id, None);
            }
            Identified::Known => {}
        }
        if let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
            for addr in info.listen_addrs {
                kad.add_address(&peer_id, addr);
            }
        }
    }
}
