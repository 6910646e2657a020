use super::*;
use libp2p::core::Endpoint;
use libp2p::core::transport::PortUse;

fn relayed_dial(to: PeerId, relay: PeerId) -> ConnectedPoint {
    let address: Multiaddr = format!("/ip4/203.0.113.10/tcp/4001/p2p/{relay}/p2p-circuit/p2p/{to}")
        .parse()
        .unwrap();
    ConnectedPoint::Dialer {
        address,
        role_override: Endpoint::Dialer,
        port_use: PortUse::Reuse,
    }
}

fn relayed_from(_: PeerId) -> ConnectedPoint {
    ConnectedPoint::Listener {
        local_addr: "/ip4/203.0.113.10/tcp/4001/p2p-circuit".parse().unwrap(),
        send_back_addr: Multiaddr::empty(),
    }
}

fn direct() -> ConnectedPoint {
    ConnectedPoint::Dialer {
        address: "/ip4/203.0.113.22/tcp/4001".parse().unwrap(),
        role_override: Endpoint::Listener,
        port_use: PortUse::Reuse,
    }
}

fn id(n: usize) -> ConnectionId {
    ConnectionId::new_unchecked(n)
}

fn punches() -> Punches {
    Punches::new(Arc::new(Counters::default()))
}

/// A peer this node dialed through a relay (connection 1): the punches, the peer, the
/// relay, and now.
fn reached_through_a_relay() -> (Punches, PeerId, PeerId, Instant) {
    let (mut p, peer, relay) = (punches(), PeerId::random(), PeerId::random());
    let now = Instant::now();
    p.on_connected(peer, id(1), &relayed_dial(peer, relay), now);
    (p, peer, relay, now)
}

#[test]
fn a_failed_punch_is_tried_again_later_and_later_through_a_relay_we_are_connected_to() {
    let (mut p, peer, relay, t0) = reached_through_a_relay();
    let connected = |r: &PeerId| *r == relay;

    assert_eq!(p.on_failed(peer, t0), Some(AGAIN_FIRST));
    // The second relayed connection's failure does not double the wait.
    assert_eq!(p.on_failed(peer, t0), Some(AGAIN_FIRST));
    assert!(
        p.due(t0 + AGAIN_FIRST - Duration::from_secs(1), connected)
            .is_empty()
    );
    let retry = p.due(t0 + AGAIN_FIRST, connected);
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].peer, peer);
    assert_eq!(retry[0].circuits.len(), 1);

    // The try scheduled the next one (this side hears nothing of a failed punch), twice
    // as far away.
    let second = t0 + AGAIN_FIRST;
    assert!(p.due(second + AGAIN_FIRST, connected).is_empty());
    assert_eq!(p.due(second + AGAIN_FIRST * 2, connected).len(), 1);

    // The waits stop growing at the longest.
    let mut at = second + AGAIN_FIRST * 2;
    for _ in 0..20 {
        at += AGAIN_MOST;
        p.due(at, connected);
    }
    assert_eq!(p.links[&peer].next_wait, Some(AGAIN_MOST));
}

#[test]
fn no_try_goes_through_a_relay_this_node_is_not_connected_to_nor_past_two_relayed_connections() {
    let (mut p, peer, _, t0) = reached_through_a_relay();
    p.on_failed(peer, t0);
    // A relay the peer named, that this node is not connected to: never dialed.
    assert!(p.due(t0 + AGAIN_FIRST, |_| false).is_empty());
    // Two relayed connections already: no third.
    p.on_connected(peer, id(2), &relayed_from(peer), t0);
    assert!(p.due(t0 + AGAIN_MOST * 2, |_| true).is_empty());
    assert!(p.links[&peer].again_at.is_some(), "tried again later");
}

#[test]
fn a_direct_connection_or_a_punch_that_worked_ends_the_tries() {
    let (mut p, peer, _, t0) = reached_through_a_relay();
    p.on_failed(peer, t0);
    p.on_connected(peer, id(2), &direct(), t0);
    assert!(p.due(t0 + AGAIN_MOST, |_| true).is_empty());
    assert_eq!(p.on_failed(peer, t0), None, "connected directly already");

    p.on_closed(&peer, id(2), &direct(), t0);
    assert_eq!(p.on_failed(peer, t0), Some(AGAIN_FIRST));
}

#[test]
fn without_an_address_through_a_relay_nothing_is_tried_and_a_peer_gone_is_forgotten() {
    let (mut p, peer, relay, t0) = (
        punches(),
        PeerId::random(),
        PeerId::random(),
        Instant::now(),
    );
    // The peer dialed us through the relay: we know no address to dial it back at.
    p.on_connected(peer, id(1), &relayed_from(peer), t0);
    assert_eq!(p.on_failed(peer, t0), None);
    // Until it tells identify where it listens.
    let circuit: Multiaddr = format!("/ip4/203.0.113.10/tcp/4001/p2p/{relay}/p2p-circuit")
        .parse()
        .unwrap();
    let listen = vec![
        "/ip4/198.51.100.2/tcp/4001".parse().unwrap(),
        circuit.clone(),
    ];
    p.on_identified(&peer, &listen);
    assert_eq!(p.on_failed(peer, t0), Some(AGAIN_FIRST));
    assert_eq!(
        p.due(t0 + AGAIN_FIRST, |r| *r == relay)[0].circuits,
        vec![circuit]
    );

    p.on_closed(&peer, id(1), &relayed_from(peer), t0);
    assert!(p.due(t0 + AGAIN_MOST, |_| true).is_empty());
    assert!(p.links.is_empty());
}

#[test]
fn a_peer_telling_a_hundred_relayed_addresses_is_remembered_at_three() {
    let (mut p, peer) = (punches(), PeerId::random());
    p.on_connected(peer, id(1), &relayed_from(peer), Instant::now());
    let listen: Vec<Multiaddr> = (0..100)
        .map(|i| {
            format!(
                "/ip4/203.0.113.{i}/tcp/4001/p2p/{}/p2p-circuit",
                PeerId::random()
            )
            .parse()
            .unwrap()
        })
        .collect();
    p.on_identified(&peer, &listen);
    p.on_identified(&peer, &listen);
    assert_eq!(p.links[&peer].circuits.len(), MAX_CIRCUITS);
}

#[test]
fn the_relay_of_a_circuit_is_the_peer_before_p2p_circuit() {
    let (relay, to) = (PeerId::random(), PeerId::random());
    let circuit: Multiaddr = format!("/ip4/203.0.113.10/tcp/4001/p2p/{relay}/p2p-circuit/p2p/{to}")
        .parse()
        .unwrap();
    assert_eq!(relay_of(&circuit), Some(relay));
    assert_eq!(
        relay_of(&"/ip4/203.0.113.10/tcp/4001/p2p-circuit".parse().unwrap()),
        None
    );
}

#[test]
fn a_punch_the_peer_started_or_a_try_again_is_not_a_peer_this_node_chose() {
    let (mut p, peer, relay, t0) = (
        punches(),
        PeerId::random(),
        PeerId::random(),
        Instant::now(),
    );
    let first = ConnectionId::new_unchecked(1);
    assert!(p.chosen_by_us(&peer, first, &relayed_dial(peer, relay)));
    p.on_connected(peer, first, &relayed_dial(peer, relay), t0);
    assert!(!p.chosen_by_us(&peer, first, &relayed_from(peer)));
    // DCUtR's dial on the side that answers a punch turns the role.
    assert!(!p.chosen_by_us(&peer, ConnectionId::new_unchecked(2), &direct()));
    let dialed = ConnectedPoint::Dialer {
        address: "/ip4/203.0.113.22/tcp/4001".parse().unwrap(),
        role_override: Endpoint::Dialer,
        port_use: PortUse::Reuse,
    };
    assert!(p.chosen_by_us(&peer, ConnectionId::new_unchecked(3), &dialed));
    // A try again through the relay.
    p.on_failed(peer, t0);
    let retry = ConnectionId::new_unchecked(4);
    p.links.get_mut(&peer).unwrap().retry_dial = Some(retry);
    assert!(!p.chosen_by_us(&peer, retry, &relayed_dial(peer, relay)));
}

#[test]
fn a_direct_connection_that_stood_a_moment_replaces_the_relayed_ones_unless_a_sync_needs_them() {
    let (mut p, peer, _, t0) = reached_through_a_relay();
    p.on_connected(peer, id(2), &relayed_from(peer), t0);
    let idle = |_: &PeerId| false;
    let busy = |_: &PeerId| true;
    // No direct connection: the relay stays.
    assert!(p.handovers(t0 + HANDOVER_MOST, idle).is_empty());

    let t1 = t0 + Duration::from_secs(1);
    p.on_connected(peer, id(3), &direct(), t1);
    assert!(
        p.handovers(t1 + HANDOVER - Duration::from_secs(1), idle)
            .is_empty()
    );
    // A sync under way keeps them, but not for ever.
    assert!(p.handovers(t1 + HANDOVER, busy).is_empty());
    let mut closing = p.handovers(t1 + HANDOVER_MOST, busy);
    closing.sort();
    assert_eq!(closing, vec![(peer, id(1)), (peer, id(2))]);
    // Closed once, not again every second.
    assert!(p.handovers(t1 + HANDOVER_MOST * 2, idle).is_empty());
    p.on_closed(&peer, id(1), &relayed_dial(peer, PeerId::random()), t1);
    assert!(p.links.contains_key(&peer), "the direct connection stands");
}

#[test]
fn a_direct_connection_gone_while_the_relay_still_carries_the_peer_sets_the_tries_going() {
    let (mut p, peer, relay, t0) = reached_through_a_relay();
    p.on_connected(peer, id(2), &direct(), t0);
    // It closes before the handover: the relayed connection is left.
    let t1 = t0 + Duration::from_secs(2);
    p.on_closed(&peer, id(2), &direct(), t1);
    assert!(p.handovers(t1 + HANDOVER_MOST, |_| false).is_empty());
    assert!(
        p.due(t1 + AGAIN_FIRST - Duration::from_secs(1), |_| true)
            .is_empty()
    );
    let retry = p.due(t1 + AGAIN_FIRST, |r| *r == relay);
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].peer, peer);
}
