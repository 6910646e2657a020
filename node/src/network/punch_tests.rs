use super::*;
use libp2p::core::Endpoint;
use libp2p::core::transport::PortUse;

fn relayed_dial(to: PeerId) -> ConnectedPoint {
    let address: Multiaddr = format!(
        "/ip4/203.0.113.10/tcp/4001/p2p/{}/p2p-circuit/p2p/{to}",
        PeerId::random()
    )
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

fn punches() -> Punches {
    Punches::new(Arc::new(Counters::default()))
}

#[test]
fn a_failed_punch_is_tried_again_later_and_later_through_the_relay() {
    let (mut p, peer, t0) = (punches(), PeerId::random(), Instant::now());
    let first = ConnectionId::new_unchecked(1);
    p.on_connected(peer, first, &relayed_dial(peer), t0);

    assert_eq!(p.on_failed(peer, t0), Some(AGAIN_FIRST));
    assert!(p.due(t0 + AGAIN_FIRST - Duration::from_secs(1)).is_empty());
    let retry = p.due(t0 + AGAIN_FIRST);
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].peer, peer);
    assert!(
        retry[0].close.is_empty(),
        "the only relayed connection stays"
    );
    assert_eq!(retry[0].circuits.len(), 1);
    assert!(p.due(t0 + AGAIN_FIRST * 3).is_empty(), "taken off the list");

    // The new relayed connection fails too: the wait doubles, and the older connection
    // is closed at the next try.
    let second = ConnectionId::new_unchecked(2);
    p.on_connected(peer, second, &relayed_dial(peer), t0);
    assert_eq!(p.on_failed(peer, t0), Some(AGAIN_FIRST * 2));
    let retry = p.due(t0 + AGAIN_FIRST * 2);
    assert_eq!(retry[0].close, vec![first]);

    // The waits stop growing at the longest.
    for _ in 0..20 {
        p.on_failed(peer, t0);
    }
    assert_eq!(p.on_failed(peer, t0), Some(AGAIN_MOST));
}

#[test]
fn a_direct_connection_or_a_punch_that_worked_ends_the_tries() {
    let (mut p, peer, t0) = (punches(), PeerId::random(), Instant::now());
    p.on_connected(
        peer,
        ConnectionId::new_unchecked(1),
        &relayed_dial(peer),
        t0,
    );
    p.on_failed(peer, t0);
    p.on_connected(peer, ConnectionId::new_unchecked(2), &direct(), t0);
    assert!(p.due(t0 + AGAIN_MOST).is_empty());
    assert_eq!(p.on_failed(peer, t0), None, "connected directly already");

    p.on_closed(&peer, ConnectionId::new_unchecked(2), &direct());
    assert_eq!(p.on_failed(peer, t0), Some(AGAIN_FIRST));
}

#[test]
fn without_an_address_through_a_relay_nothing_is_tried_and_a_peer_gone_is_forgotten() {
    let (mut p, peer, t0) = (punches(), PeerId::random(), Instant::now());
    let connection = ConnectionId::new_unchecked(1);
    // The peer dialed us through the relay: we know no address to dial it back at.
    p.on_connected(peer, connection, &relayed_from(peer), t0);
    assert_eq!(p.on_failed(peer, t0), None);
    // Until it tells identify where it listens.
    let circuit: Multiaddr = format!(
        "/ip4/203.0.113.10/tcp/4001/p2p/{}/p2p-circuit",
        PeerId::random()
    )
    .parse()
    .unwrap();
    let listen = vec![
        "/ip4/198.51.100.2/tcp/4001".parse().unwrap(),
        circuit.clone(),
    ];
    p.on_identified(&peer, &listen);
    assert_eq!(p.on_failed(peer, t0), Some(AGAIN_FIRST));
    assert_eq!(p.due(t0 + AGAIN_FIRST)[0].circuits, vec![circuit]);

    p.on_failed(peer, t0);
    p.on_closed(&peer, connection, &relayed_from(peer));
    assert!(p.due(t0 + AGAIN_MOST).is_empty());
    assert!(p.links.is_empty());
}

#[test]
fn a_peer_telling_a_hundred_relayed_addresses_is_remembered_at_three() {
    let (mut p, peer, t0) = (punches(), PeerId::random(), Instant::now());
    p.on_connected(
        peer,
        ConnectionId::new_unchecked(1),
        &relayed_from(peer),
        t0,
    );
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
fn relayed_connections_close_once_the_peer_is_reached_directly_for_a_while() {
    let (mut p, peer, t0) = (punches(), PeerId::random(), Instant::now());
    let (relayed, back) = (
        ConnectionId::new_unchecked(1),
        ConnectionId::new_unchecked(2),
    );
    p.on_connected(peer, relayed, &relayed_dial(peer), t0);
    p.on_connected(peer, back, &relayed_from(peer), t0);
    assert!(
        p.relayed_to_close(t0 + AGAIN_MOST).is_empty(),
        "no direct one"
    );
    let later = t0 + Duration::from_secs(5);
    p.on_connected(peer, ConnectionId::new_unchecked(3), &direct(), later);
    assert!(
        p.relayed_to_close(later + Duration::from_secs(9))
            .is_empty()
    );
    let mut closing = p.relayed_to_close(later + RELAYED_CLOSED_AFTER);
    closing.sort();
    assert_eq!(closing, vec![relayed, back]);
    // The direct connection went: the relayed ones are all there is.
    p.on_closed(&peer, ConnectionId::new_unchecked(3), &direct());
    assert!(p.relayed_to_close(later + AGAIN_MOST).is_empty());
}
