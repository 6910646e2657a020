//! The event loop: owns the swarm and only dispatches. Commands from the node, swarm
//! events, the ingest worker's verdicts and the serving thread's answers each go to the
//! handler that owns them: the peer table and guard (`peers`), and one handler per
//! protocol (`gossip`, `sync`, `fetch`). Nothing here reads the store.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures::StreamExt;
use libp2p::gossipsub;
use libp2p::swarm::SwarmEvent;
use libp2p::{PeerId, Swarm, identify};
use tokio_util::sync::CancellationToken;
use wiel_protocol::OrgKey;

use super::client::{Command, DialFailure, NetworkStatus};
use super::clock::ClockHandler;
use super::comeback::Comebacks;
use super::context::{Channels, Ctx, NodeParts, Outcome, ctx};
use super::dials::Dials;
use super::fetch::FetchHandler;
use super::gossip::GossipHandler;
use super::guard::{BLOCK_TIME, PeerGuard};
use super::peers::{Identified, PeerTable};
use super::punch::Punches;
use super::reach::Reach;
use super::runs::Runs;
use super::serve::{Served, Server};
use super::sync::{SyncHandler, Why};
use super::trim::{Holders, Trim};
use super::worker::Verdict;
use super::{self as behaviour, Behaviour, BehaviourEvent};
use crate::events::Written;
use crate::refusal::Refusal;

/// Peers a node syncs with, at most, when its own entry found no peer to gossip to.
const OUTBOX_SYNC_PEERS: usize = 8;

pub(crate) struct EventLoop {
    swarm: Swarm<Behaviour>,
    channels: Channels,
    server: Server,
    node: NodeParts,
    peers: PeerTable,
    guard: PeerGuard,
    gossip: GossipHandler,
    sync: SyncHandler,
    fetch: FetchHandler,
    runs: Runs,
    dials: Dials,
    reach: Reach,
    punches: Punches,
    clock: ClockHandler,
    trim: Trim,
    comebacks: Comebacks,
}

impl EventLoop {
    pub(crate) fn new(
        swarm: Swarm<Behaviour>,
        channels: Channels,
        server: Server,
        node: NodeParts,
    ) -> Self {
        Self {
            swarm,
            channels,
            server,
            gossip: GossipHandler::new(node.store.clone(), node.spaces.clone()),
            sync: SyncHandler::new(node.spaces.clone(), node.counters.clone()),
            punches: Punches::new(node.counters.clone()),
            reach: Reach::new(
                node.seed,
                node.relay,
                node.bootstrap.clone(),
                node.trust.clone(),
                node.counters.clone(),
            ),
            trim: Trim::new(node.seed, node.counters.clone()),
            node,
            peers: PeerTable::default(),
            guard: PeerGuard::default(),
            fetch: FetchHandler::default(),
            runs: Runs::default(),
            dials: Dials::default(),
            clock: ClockHandler::default(),
            comebacks: Comebacks::default(),
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
                    self.node.counters.peers.store(self.peers.count() as u64, Ordering::Relaxed);
                }
                _ = tick.tick() => self.on_tick(),
            }
        }
        tracing::info!("network stopped");
    }

    fn handle_command(&mut self, command: Command) {
        match command {
            Command::Dial {
                addr,
                until_identified,
                reply,
            } => {
                let trust = self.node.trust.current();
                let reply = Some(reply);
                (self.dials).dial(&mut self.swarm, &trust, addr, reply, until_identified);
            }
            Command::Peers { reply } => {
                let _ = reply.send(self.peers.views());
            }
            Command::Status { reply } => {
                let _ = reply.send(NetworkStatus {
                    peer_id: self.swarm.local_peer_id().to_string(),
                    listening: self.swarm.listeners().map(|a| a.to_string()).collect(),
                    peers: self.peers.count(),
                    spaces: self.sync.space_statuses(),
                    outbox: self.node.store.outbox().map(|o| o.len()).unwrap_or(0),
                    reach: self.reach.view(),
                });
            }
            Command::Sync { peer, reply } => {
                let _ = reply.send(self.sync.start_run(&mut ctx!(self), peer));
            }
            Command::SyncReport { run, reply } => {
                let _ = reply.send(self.runs.report(run));
            }
        }
    }

    fn on_tick(&mut self) {
        let now = Instant::now();
        let (swarm, counters) = (&mut self.swarm, &self.node.counters);
        self.guard.on_tick(swarm, &mut self.peers, counters, now);
        self.gossip.on_tick(swarm, counters, self.peers.count());
        for peer in self.dials.on_tick(&self.node.trust.current(), now) {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        let counted = self.peers.counted(&self.node.trust.current());
        self.reach.on_tick(&mut self.swarm, counted, now);
        let (sync, fetch) = (&self.sync, &self.fetch);
        self.punches.on_tick(&mut self.swarm, now, |peer| {
            sync.busy_with(peer) || fetch.busy_with(peer)
        });
        for peer in (self.peers).untold_first_syncs(self.sync.spaces(), now) {
            tracing::debug!(%peer, "a peer we dialed told none of our spaces: asking about all");
            (self.sync).start(&self.server, &mut self.runs, peer, None, Why::NewPeer);
        }
        let catch_ups = self.guard.due_catch_ups(now);
        for peer in self.sync.on_tick(&mut ctx!(self), &catch_ups, now) {
            self.guard.schedule_catch_up(peer);
        }
        let trust = self.node.trust.current();
        let holders = Holders(&self.peers, &self.reach, &self.sync, &self.fetch, &trust);
        self.trim.on_tick(&mut self.swarm, holders, now);
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
        self.forget_fetches(&peer);
    }

    /// `peer` is gone: what was queued to fetch from it is dropped, and its spaces are
    /// settled again soon (with the next follower in turn).
    fn forget_fetches(&mut self, peer: &PeerId) {
        for space in self.fetch.forget_peer(&mut self.runs, peer) {
            self.sync.on_unfetched(&space);
        }
    }

    /// Passes on the entries of authors that became trusted (see [`SyncHandler::promote`]).
    fn promote(&mut self, authors: &[OrgKey]) {
        let identified = self.peers.identified();
        self.sync
            .promote(&self.server, &mut self.runs, authors, &identified);
    }

    fn on_written(&mut self, written: Written) {
        match written {
            Written::Own => {
                let kept = self
                    .gossip
                    .flush_outbox(&mut self.swarm, &self.node.counters);
                // Connected, yet no peer said it follows the space: a peer may not have
                // told this run what it follows (it kept a connection of an earlier run it
                // could not dial back, see `comeback`). Sync offers it what gossip could not.
                if kept > 0 {
                    for peer in self.peers.identified().into_iter().take(OUTBOX_SYNC_PEERS) {
                        let why = Why::Outbox;
                        self.sync
                            .start(&self.server, &mut self.runs, peer, None, why);
                    }
                }
            }
            Written::Imported(ids) => {
                self.gossip
                    .publish_stored(&mut self.swarm, &self.node.counters, &ids);
            }
            Written::Promoted(authors) => self.promote(&authors),
        }
    }

    fn handle_served(&mut self, served: Served) {
        let outcome = match served {
            Served::Fetch { channel, response } => {
                FetchHandler::answer(&mut self.swarm, channel, response);
                Outcome::default()
            }
            other => self.sync.on_served(&mut ctx!(self), other),
        };
        self.apply(outcome);
    }

    /// Strikes the peers a handler blamed, queues what it wants fetched from a peer still
    /// connected, and settles again a space whose entries did not come (nor can from a
    /// peer gone meanwhile).
    fn apply(&mut self, outcome: Outcome) {
        for peer in outcome.blame {
            self.strike(peer);
        }
        if let Some(space) = &outcome.unfetched {
            self.sync.on_unfetched(space);
        }
        match outcome.fetch {
            Some((peer, ids, origin)) if self.swarm.is_connected(&peer) => {
                self.fetch
                    .queue(&mut self.swarm, &mut self.runs, peer, ids, &origin);
            }
            Some((_, ids, origin)) => {
                if let Some(space) = origin.space.filter(|_| !ids.is_empty()) {
                    self.sync.on_unfetched(&space);
                }
                self.fetch.pump(&mut self.swarm);
            }
            None => self.fetch.pump(&mut self.swarm),
        }
    }

    fn handle_verdict(&mut self, verdict: Verdict) {
        let outcome = match verdict {
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
                GossipHandler::on_verdict(&mut self.swarm, message_id, source, acceptance, missing)
            }
            Verdict::Fetched(tally) => {
                self.sync.on_stored(&tally.origin, tally.peer, tally.stored);
                FetchHandler::on_tally(&mut self.runs, tally)
            }
        };
        self.apply(outcome);
    }

    fn handle_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::ListenerClosed { listener_id, .. } => {
                self.reach.on_listener_closed(listener_id, Instant::now());
            }
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(%address, "listening");
                self.reach.on_listening(&mut self.swarm, &address);
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                endpoint,
                connection_id,
                ..
            } => {
                let chosen = self
                    .punches
                    .chosen_by_us(&peer_id, connection_id, &endpoint);
                self.peers.on_connected(
                    peer_id,
                    endpoint.get_remote_address(),
                    chosen,
                    connection_id,
                    endpoint.is_relayed(),
                );
                self.reach.on_connected(peer_id, &endpoint, Instant::now());
                self.punches
                    .on_connected(peer_id, connection_id, &endpoint, Instant::now());
                self.dials.on_established(connection_id, peer_id);
                (self.node.counters.connections_made).fetch_add(1, Ordering::Relaxed);
                self.comebacks.on_established(
                    &mut self.swarm,
                    peer_id,
                    connection_id,
                    endpoint.get_remote_address(),
                );
                tracing::debug!(%peer_id, "connected");
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                num_established,
                endpoint,
                ..
            } => {
                self.punches
                    .on_closed(&peer_id, connection_id, &endpoint, Instant::now());
                if num_established > 0 {
                    self.peers.on_closed(&peer_id, connection_id);
                    return;
                }
                self.peers.remove(&peer_id);
                self.guard.forget(&peer_id);
                self.forget_fetches(&peer_id);
                self.reach.on_gone(&peer_id);
                self.trim.on_gone(&peer_id);
                self.dials.on_gone(&peer_id);
                self.comebacks.on_gone(&mut self.swarm, &peer_id);
                tracing::debug!(%peer_id, "disconnected");
            }
            SwarmEvent::OutgoingConnectionError {
                connection_id,
                error,
                peer_id,
            } => {
                if self.comebacks.on_dial_failed(connection_id) {
                    return;
                }
                let trust = self.node.trust.current();
                self.dials
                    .on_error(&mut self.swarm, &trust, connection_id, peer_id, &error);
            }
            SwarmEvent::IncomingConnectionError {
                error: libp2p::swarm::ListenError::Denied { cause },
                ..
            } if cause
                .downcast_ref::<super::strangers::StrangerRefused>()
                .is_some() =>
            {
                self.node.counters.reject(Refusal::StrangersFull);
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
                if let Some(space) = self.gossip.space_of(&message.topic) {
                    self.sync.on_gossip(&space);
                }
                self.gossip
                    .on_message(&mut ctx!(self), propagation_source, message_id, message);
            }
            BehaviourEvent::Gossipsub(gossipsub::Event::SlowPeer {
                peer_id,
                failed_messages,
            }) => self
                .guard
                .on_slow_peer(peer_id, &failed_messages, &self.node.counters),
            BehaviourEvent::Gossipsub(
                event @ (gossipsub::Event::Subscribed { .. }
                | gossipsub::Event::Unsubscribed { .. }),
            ) => {
                let (peers, counters) = (&mut self.peers, &self.node.counters);
                let peer = match &event {
                    gossipsub::Event::Subscribed { peer_id, .. } => Some(*peer_id),
                    _ => None,
                };
                self.gossip
                    .on_subscription(&mut self.swarm, peers, counters, event);
                if let Some(peer) = peer {
                    (self.sync).start_first_syncs(&self.server, &mut self.runs, peers, peer);
                }
            }
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => {
                self.on_identified(peer_id, info);
            }
            BehaviourEvent::Ping(event) => self.peers.on_ping(event),
            BehaviourEvent::Mdns(event) => self.reach.on_mdns(&mut self.swarm, event, &self.guard),
            BehaviourEvent::Fetch(event) => {
                let outcome = self.fetch.on_event(&mut ctx!(self), event);
                self.apply(outcome);
            }
            BehaviourEvent::Sync(event) => {
                let outcome = self.sync.on_event(&mut ctx!(self), event);
                self.apply(outcome);
            }
            BehaviourEvent::Kad(event) => {
                let counted = self.peers.counted(&self.node.trust.current());
                (self.reach).on_kad(&mut self.swarm, event, counted, &self.guard);
            }
            BehaviourEvent::RelayClient(event) => {
                self.reach.on_relay_client(&mut self.swarm, event)
            }
            BehaviourEvent::Relay(event) => self.trim.on_relay(event),
            BehaviourEvent::Dcutr(event) => self.punches.on_dcutr(event, Instant::now()),
            BehaviourEvent::Autonat(event) => self.reach.on_autonat(&mut self.swarm, event),
            BehaviourEvent::Time(event) => {
                self.clock.on_event(&mut self.swarm, &mut self.peers, event)
            }
            _ => {}
        }
    }

    fn on_identified(&mut self, peer_id: PeerId, info: identify::Info) {
        let ours = behaviour::protocol_version(&self.node.network);
        match self.peers.on_identified(peer_id, &info, &ours) {
            Identified::OtherNetwork => {
                tracing::warn!(%peer_id, theirs = %info.protocol_version, %ours, "peer is on another wiel network; refusing it");
                self.node.counters.reject(Refusal::OtherNetworkPeer);
                self.dials
                    .on_identified(peer_id, Some(DialFailure::OtherNetwork));
                self.block(peer_id, "on another network");
                return;
            }
            // A new peer on our network that we dialed: catch up with it in each space it
            // follows (the side that dialed starts; one session serves both directions).
            Identified::NewDialed => {
                (self.sync).start_first_syncs(
                    &self.server,
                    &mut self.runs,
                    &mut self.peers,
                    peer_id,
                );
                self.clock.ask(&mut self.swarm, peer_id);
            }
            Identified::NewDialedUs => self.clock.ask(&mut self.swarm, peer_id),
            Identified::NewRun => {
                let on_loopback = self.peers.is_on_loopback(&peer_id);
                self.comebacks.on_new_run(
                    &mut self.swarm,
                    peer_id,
                    &info.listen_addrs,
                    on_loopback,
                    Instant::now(),
                );
            }
            Identified::Known => {}
        }
        self.dials.on_identified(peer_id, None);
        self.punches.on_identified(&peer_id, &info.listen_addrs);
        let on_this_machine = self.peers.is_on_loopback(&peer_id);
        self.reach
            .on_identified(&mut self.swarm, peer_id, &info, on_this_machine);
    }
}
