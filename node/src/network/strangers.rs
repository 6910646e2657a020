//! The connections strangers may hold with this node. Organisations it trusts always get
//! in; strangers (keys it does not trust) hold at most [`STRANGER_CONNECTIONS`] incoming
//! connections in all, and [`ONE_NETWORK`] from one network (an IPv4 /24, an IPv6 /48, as
//! the relay counts them). Without it, 400 connections from fresh keys, a few seconds'
//! work for one machine, filled a seed's incoming limit and kept every municipality out.
//! And whoever it is, a network has at most [`PENDING_ONE_NETWORK`] connections being set up
//! at once (before they said who they are; libp2p gives a connection 10 s for that): one
//! machine's silent connections cannot hold every slot for connections being set up.
//! Loopback has no network of its own here: whoever runs on this machine is its operator.

use std::collections::HashMap;
use std::convert::Infallible;
use std::task::{Context, Poll};

use libp2p::PeerId;
use libp2p::core::transport::PortUse;
use libp2p::core::{Endpoint, Multiaddr};
use libp2p::swarm::{
    ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler, THandlerInEvent,
    THandlerOutEvent, ToSwarm, dummy,
};

use super::peers::org_key_of;
use crate::trust::TrustState;

/// Incoming connections all strangers together may hold: room for every municipality
/// while the web of trust is young, with [`INCOMING_CONNECTIONS`] room beside it for the
/// organisations this node trusts.
pub const STRANGER_CONNECTIONS: usize = 600;
/// Incoming connections strangers from one network may hold.
pub const ONE_NETWORK: usize = 32;
/// Incoming connections this node holds at most, whoever they are from.
pub const INCOMING_CONNECTIONS: u32 = 1024;
/// Incoming connections being set up from one network at once, whoever they are from.
pub const PENDING_ONE_NETWORK: usize = 8;
/// Incoming connections being set up at once, in all.
pub const PENDING_CONNECTIONS: u32 = 256;

/// Why a connection was refused: a stranger's past its share, or one from a network with
/// many being set up.
#[derive(Debug, thiserror::Error)]
pub(super) enum StrangerRefused {
    #[error("strangers hold {0} connections, the most this node gives them")]
    All(usize),
    #[error("strangers from this network hold {0} connections, the most one network gets")]
    OneNetwork(usize),
    #[error("{0} connections from this network are being set up, the most one network gets")]
    PendingFromNetwork(usize),
}

/// Counts the strangers' incoming connections and refuses those past the limits.
pub struct Strangers {
    trust: TrustState,
    limits: (usize, usize),
    /// Strangers' incoming connections, with the network each came from.
    incoming: HashMap<ConnectionId, Option<Vec<u8>>>,
    /// Incoming connections being set up, by network (none counted for loopback).
    pending: HashMap<ConnectionId, Vec<u8>>,
}

impl Strangers {
    pub fn new(trust: TrustState) -> Strangers {
        Strangers::with_limits(trust, STRANGER_CONNECTIONS, ONE_NETWORK)
    }

    pub fn with_limits(trust: TrustState, all: usize, one_network: usize) -> Strangers {
        Strangers {
            trust,
            limits: (all, one_network),
            incoming: HashMap::new(),
            pending: HashMap::new(),
        }
    }

    fn is_stranger(&self, peer: &PeerId) -> bool {
        !org_key_of(peer).is_some_and(|key| self.trust.current().is_trusted(&key))
    }

    /// Whether a stranger coming from `remote` may connect now.
    fn admits(&self, remote: &Multiaddr) -> Result<(), StrangerRefused> {
        let (all, one_network) = self.limits;
        if self.incoming.len() >= all {
            return Err(StrangerRefused::All(self.incoming.len()));
        }
        if let Some(network) = network_of(remote) {
            let held = self.incoming.values().flatten().filter(|n| **n == network);
            let held = held.count();
            if held >= one_network {
                return Err(StrangerRefused::OneNetwork(held));
            }
        }
        Ok(())
    }
}

/// The network an address is counted in (see the relay's); `None` for loopback.
fn network_of(addr: &Multiaddr) -> Option<Vec<u8>> {
    if super::addresses::is_loopback(addr) {
        return None;
    }
    super::relay_policy::network_of(addr)
}

impl NetworkBehaviour for Strangers {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_inbound_connection(
        &mut self,
        connection: ConnectionId,
        _local: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        let Some(network) = network_of(remote) else {
            return Ok(());
        };
        let held = self.pending.values().filter(|n| **n == network).count();
        if held >= PENDING_ONE_NETWORK {
            tracing::debug!(%remote, held, "refusing a connection: its network has many being set up");
            return Err(ConnectionDenied::new(StrangerRefused::PendingFromNetwork(
                held,
            )));
        }
        self.pending.insert(connection, network);
        Ok(())
    }

    fn handle_established_inbound_connection(
        &mut self,
        _connection: ConnectionId,
        peer: PeerId,
        _local: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        if self.is_stranger(&peer) {
            self.admits(remote).map_err(|refused| {
                tracing::debug!(%peer, %remote, %refused, "refusing a stranger's connection");
                ConnectionDenied::new(refused)
            })?;
        }
        Ok(dummy::ConnectionHandler)
    }

    fn handle_established_outbound_connection(
        &mut self,
        _connection: ConnectionId,
        _peer: PeerId,
        _addr: &Multiaddr,
        _role_override: Endpoint,
        _port_use: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        match event {
            // Set up (no longer being set up), and counted once every behaviour let it in
            // (another may still have refused it).
            FromSwarm::ConnectionEstablished(established) => {
                self.pending.remove(&established.connection_id);
                if !established.endpoint.is_dialer() && self.is_stranger(&established.peer_id) {
                    let remote = established.endpoint.get_remote_address();
                    self.incoming
                        .insert(established.connection_id, network_of(remote));
                }
            }
            FromSwarm::ListenFailure(failed) => {
                self.pending.remove(&failed.connection_id);
            }
            FromSwarm::ConnectionClosed(closed) => {
                self.incoming.remove(&closed.connection_id);
            }
            _ => {}
        }
    }

    fn on_connection_handler_event(
        &mut self,
        _peer: PeerId,
        _connection: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        libp2p::core::util::unreachable(event)
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libp2p::core::ConnectedPoint;
    use libp2p::swarm::behaviour::{ConnectionClosed, ConnectionEstablished};

    /// Node 1's trust state with `roots` trusted (and the store it read, kept while used).
    fn trusting(roots: &[wiel_protocol::OrgKey]) -> (TrustState, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = wiel_store::Store::open(dir.path()).unwrap();
        let config = crate::trust::TrustConfig {
            roots: roots.to_vec(),
            ..crate::trust::TrustConfig::default()
        };
        let own = wiel_protocol::testing::key(1).public();
        (TrustState::load(own, config, &store).unwrap(), dir)
    }

    fn at(addr: &str) -> Multiaddr {
        addr.parse().unwrap()
    }

    /// What the swarm does with a connection from `peer` at `remote`: asks, and once let
    /// in, tells. `Err` when refused.
    fn connect(
        strangers: &mut Strangers,
        peer: PeerId,
        remote: &str,
    ) -> Result<ConnectionId, String> {
        let connection = ConnectionId::new_unchecked(rand_id());
        let local = at("/ip4/203.0.113.1/tcp/4001");
        let remote = at(remote);
        strangers
            .handle_established_inbound_connection(connection, peer, &local, &remote)
            .map_err(|e| match e.downcast_ref::<StrangerRefused>() {
                Some(refused) => refused.to_string(),
                None => e.to_string(),
            })?;
        let endpoint = ConnectedPoint::Listener {
            local_addr: local,
            send_back_addr: remote,
        };
        strangers.on_swarm_event(FromSwarm::ConnectionEstablished(ConnectionEstablished {
            peer_id: peer,
            connection_id: connection,
            endpoint: &endpoint,
            failed_addresses: &[],
            other_established: 0,
        }));
        Ok(connection)
    }

    fn rand_id() -> usize {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }

    fn close(strangers: &mut Strangers, peer: PeerId, connection: ConnectionId) {
        let endpoint = ConnectedPoint::Listener {
            local_addr: at("/ip4/203.0.113.1/tcp/4001"),
            send_back_addr: at("/ip4/198.51.100.9/tcp/5000"),
        };
        strangers.on_swarm_event(FromSwarm::ConnectionClosed(ConnectionClosed {
            peer_id: peer,
            connection_id: connection,
            endpoint: &endpoint,
            cause: None,
            remaining_established: 0,
        }));
    }

    #[test]
    fn a_flood_of_fresh_keys_from_one_network_is_held_to_its_share_and_trusted_ones_get_in() {
        let trusted = wiel_protocol::testing::key(2);
        let (trust, _dir) = trusting(&[trusted.public()]);
        let mut strangers = Strangers::with_limits(trust, 6, 3);
        let fresh = || PeerId::random();
        // Fresh peer ids are not organisation keys: strangers too.
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(connect(&mut strangers, fresh(), "/ip4/198.51.100.7/tcp/5000").unwrap());
        }
        let refused = connect(&mut strangers, fresh(), "/ip4/198.51.100.200/tcp/5000").unwrap_err();
        assert!(refused.contains("from this network"), "{refused}");
        // Another network still gets in, and loopback is no network.
        connect(&mut strangers, fresh(), "/ip4/192.0.2.7/tcp/5000").unwrap();
        connect(&mut strangers, fresh(), "/ip4/127.0.0.1/tcp/5000").unwrap();
        connect(&mut strangers, fresh(), "/ip4/127.0.0.1/tcp/5001").unwrap();
        let refused = connect(&mut strangers, fresh(), "/ip6/2001:db8::1/tcp/5000").unwrap_err();
        assert!(refused.contains("strangers hold 6"), "{refused}");
        // An organisation this node trusts is never counted nor refused.
        let trusted_peer = trusted.to_libp2p().public().to_peer_id();
        for port in 0..10 {
            connect(
                &mut strangers,
                trusted_peer,
                &format!("/ip4/198.51.100.8/tcp/{port}"),
            )
            .unwrap();
        }
        // A stranger that leaves makes room; its network's share comes back.
        close(&mut strangers, PeerId::random(), held.pop().unwrap());
        connect(&mut strangers, fresh(), "/ip4/198.51.100.99/tcp/5000").unwrap();
    }

    #[test]
    fn one_network_sets_up_a_few_connections_at_once_and_a_failed_one_makes_room() {
        let (trust, _dir) = trusting(&[]);
        let mut strangers = Strangers::new(trust);
        let local = at("/ip4/203.0.113.1/tcp/4001");
        let pending = |strangers: &mut Strangers, remote: &str| {
            let connection = ConnectionId::new_unchecked(rand_id());
            let result =
                strangers.handle_pending_inbound_connection(connection, &local, &at(remote));
            result.map(|()| connection).map_err(|e| {
                e.downcast_ref::<StrangerRefused>()
                    .map(|r| r.to_string())
                    .unwrap_or_default()
            })
        };
        let stalled: Vec<ConnectionId> = (0..PENDING_ONE_NETWORK)
            .map(|n| pending(&mut strangers, &format!("/ip4/198.51.100.{n}/tcp/5000")).unwrap())
            .collect();
        let refused = pending(&mut strangers, "/ip4/198.51.100.77/tcp/5000").unwrap_err();
        assert!(refused.contains("being set up"), "{refused}");
        pending(&mut strangers, "/ip4/192.0.2.1/tcp/5000").expect("another network");
        pending(&mut strangers, "/ip4/127.0.0.1/tcp/5000").expect("loopback");
        // One of them timed out: room for the next.
        strangers.on_swarm_event(FromSwarm::ListenFailure(libp2p::swarm::ListenFailure {
            local_addr: &local,
            send_back_addr: &at("/ip4/198.51.100.0/tcp/5000"),
            error: &libp2p::swarm::ListenError::Aborted,
            connection_id: stalled[0],
            peer_id: None,
        }));
        pending(&mut strangers, "/ip4/198.51.100.78/tcp/5000").expect("room made");
    }

    /// A swarm that runs only this behaviour (or, for a peer that dials, none that refuses).
    fn swarm(
        key: libp2p::identity::Keypair,
        strangers: Option<Strangers>,
    ) -> libp2p::Swarm<libp2p::swarm::behaviour::toggle::Toggle<Strangers>> {
        libp2p::SwarmBuilder::with_existing_identity(key)
            .with_tokio()
            .with_tcp(
                libp2p::tcp::Config::default(),
                libp2p::noise::Config::new,
                libp2p::yamux::Config::default,
            )
            .unwrap()
            .with_behaviour(|_| libp2p::swarm::behaviour::toggle::Toggle::from(strangers))
            .unwrap()
            .with_swarm_config(|c| {
                c.with_idle_connection_timeout(std::time::Duration::from_secs(60))
            })
            .build()
    }

    /// Dials `to` from a new swarm of `key` and drives both until the dial ends: whether
    /// it was let in.
    async fn dial(
        listener: &mut libp2p::Swarm<libp2p::swarm::behaviour::toggle::Toggle<Strangers>>,
        to: &Multiaddr,
        key: libp2p::identity::Keypair,
    ) -> (
        bool,
        libp2p::Swarm<libp2p::swarm::behaviour::toggle::Toggle<Strangers>>,
    ) {
        use futures::StreamExt;
        use libp2p::swarm::SwarmEvent;
        let mut dialer = swarm(key, None);
        dialer.dial(to.clone()).unwrap();
        let deadline = tokio::time::sleep(std::time::Duration::from_secs(20));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                event = listener.select_next_some() => match event {
                    SwarmEvent::ConnectionEstablished { .. } => return (true, dialer),
                    SwarmEvent::IncomingConnectionError { .. } => return (false, dialer),
                    _ => {}
                },
                _ = dialer.select_next_some() => {}
                () = &mut deadline => panic!("the dial neither succeeded nor failed"),
            }
        }
    }

    #[tokio::test]
    async fn a_swarm_refuses_the_stranger_past_its_limit_and_lets_a_trusted_one_in() {
        use futures::StreamExt;
        let own = wiel_protocol::testing::key(1);
        let trusted = wiel_protocol::testing::key(2);
        let (trust, _dir) = trusting(&[trusted.public()]);
        let mut listener = swarm(own.to_libp2p(), Some(Strangers::with_limits(trust, 1, 1)));
        listener.listen_on(at("/ip4/127.0.0.1/tcp/0")).unwrap();
        let address = loop {
            if let libp2p::swarm::SwarmEvent::NewListenAddr { address, .. } =
                listener.select_next_some().await
            {
                break address;
            }
        };
        let fresh = libp2p::identity::Keypair::generate_ed25519;
        let (first, _kept) = dial(&mut listener, &address, fresh()).await;
        assert!(first, "the first stranger gets in");
        let (second, _) = dial(&mut listener, &address, fresh()).await;
        assert!(!second, "the second stranger is past the limit");
        let (organisation, _) = dial(&mut listener, &address, trusted.to_libp2p()).await;
        assert!(
            organisation,
            "an organisation this node trusts gets in all the same"
        );
    }
}
