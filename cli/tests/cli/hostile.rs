//! A hostile peer (an in-process libp2p swarm that speaks wiel's gossip) sends bad entries
//! to a real node: none is stored or forwarded, each is counted by reason, the peer is
//! blocked, and honest entries published meanwhile still arrive.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures::{FutureExt, StreamExt};
use libp2p::Multiaddr;
use libp2p::swarm::SwarmEvent;
use wiel_protocol::{
    Body, Draft, Kind, NetworkId, OrgKeypair, Ref, Rel, Rules, SpaceName, Timestamp, codec, testing,
};
use wiel_tests::{Daemon, Node, wait_for};
use wiel_tests::{Refusal, StatusFacts};

const TIMEOUT: Duration = Duration::from_secs(30);

fn signed(
    key: &OrgKeypair,
    kind: Kind,
    refs: Vec<Ref>,
    at: Timestamp,
    now: Timestamp,
    title: &str,
) -> Vec<u8> {
    Draft {
        network: NetworkId::new("wiel-test").unwrap(),
        space: SpaceName::national(),
        kind,
        refs,
        created_at: at,
        body: Body {
            title: title.into(),
            text: "Tekst van een kwaadwillende peer.".into(),
            ..Body::default()
        },
    }
    .sign(
        key,
        &Rules {
            network: NetworkId::new("wiel-test").unwrap(),
            now,
        },
    )
    .unwrap()
    .bytes()
    .to_vec()
}

/// The bad messages, each with the reason the node must count it under.
fn bad_messages(victim: wiel_protocol::EntryId) -> Vec<(&'static str, Vec<u8>)> {
    let key = testing::key(66);
    let now = Timestamp::now();
    let good = signed(&key, Kind::Question, vec![], now, now, "Vervalste vraag");
    let header_len = codec::to_bytes(&codec::decode_entry(&good).unwrap().header)
        .unwrap()
        .len();
    let mut forged = good.clone();
    forged[header_len + 5] ^= 1;
    let text_at = good.windows(5).position(|w| w == b"kwaad").unwrap();
    let mut wrong_body = good.clone();
    wrong_body[text_at] ^= 1;
    // Larger than any valid entry, small enough for gossip's frame limit: it reaches
    // validation and is refused there (anything larger gossipsub cuts off itself).
    let mut huge = vec![1u8; 70 * 1024];
    huge[1] = 0;
    let random = testing::noise(0x2545_f491_4f6c_dd1d, 3000);
    let week = now.saturating_add_millis(7 * 24 * 3600 * 1000);
    let future = signed(
        &key,
        Kind::Question,
        vec![],
        week,
        week,
        "Vraag uit de toekomst",
    );
    let retraction = signed(
        &key,
        Kind::Retraction,
        vec![Ref {
            rel: Rel::Retracts,
            target: victim,
        }],
        now,
        now,
        "",
    );
    vec![
        ("bad_signature", forged),
        ("body_hash", wrong_body),
        ("too_large", huge),
        ("random", random),
        ("in_future", future),
        // Valid on its own: stored inert (it retracts nothing), never a fault.
        ("inert", retraction),
    ]
}

#[test]
fn hostile_peer_is_refused_counted_and_blocked() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let da = Daemon::start(&a, &[]);
    let _db = Daemon::start(&b, &[&da.address]);
    let victim = wiel_tests::published_id(&a.ok(&["--json", "ask", "Een echte vraag?"]));
    wait_for("B to have A's question", TIMEOUT, || {
        b.has(&victim).then_some(())
    });
    let victim_id: wiel_protocol::EntryId = victim.parse().unwrap();
    let bad = bad_messages(victim_id);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let address: Multiaddr = da.address.parse().unwrap();
    let address_again = address.clone();
    let a_dir = a.path().to_owned();
    let disconnected = runtime.block_on(async move {
        let mut swarm = wiel_tests::gossip_swarm();
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        let topic = wiel_tests::join_national_space(&mut swarm, address, TIMEOUT).await;
        // Honest entries go out from A while the attack runs.
        let honest = tokio::task::spawn_blocking(move || {
            (0..5)
                .map(|i| wiel_tests::ask_in(&a_dir, &format!("Eerlijke vraag {i}?")))
                .collect::<Vec<String>>()
        });
        let mut closed = false;
        for round in 0..3u8 {
            for (_, data) in &bad {
                let mut data = data.clone();
                // Distinct bytes per round, so gossip does not drop them as duplicates:
                // change a letter of the text (the body), or the last byte.
                if round > 0 {
                    let at = data
                        .windows(5)
                        .position(|w| w == b"kwaad")
                        .map(|p| p + 1)
                        .unwrap_or(data.len() - 1);
                    data[at] ^= round;
                }
                let _ = swarm.behaviour_mut().publish(topic.clone(), data);
            }
            // Hand the round to the connection before the next one.
            while let Some(event) = swarm.select_next_some().now_or_never() {
                if let SwarmEvent::ConnectionClosed {
                    num_established: 0, ..
                } = event
                {
                    closed = true;
                }
            }
            tokio::task::yield_now().await;
        }
        let honest = honest.await.unwrap();
        // A blocks the peer: the connection closes and stays closed.
        while !closed {
            match tokio::time::timeout_at(deadline, swarm.select_next_some()).await {
                Ok(SwarmEvent::ConnectionClosed {
                    num_established: 0, ..
                }) => closed = true,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        // Kept away: dialling again fails.
        if closed {
            swarm.dial(address_again).unwrap();
            loop {
                match tokio::time::timeout_at(deadline, swarm.select_next_some()).await {
                    Ok(SwarmEvent::ConnectionEstablished { .. }) => {
                        // The node accepts the transport, then closes it at once.
                        continue;
                    }
                    Ok(SwarmEvent::ConnectionClosed { .. })
                    | Ok(SwarmEvent::OutgoingConnectionError { .. }) => break,
                    Ok(_) => {}
                    Err(_) => panic!("the blocked peer could connect again"),
                }
            }
        }
        (closed, honest)
    });
    let (closed, honest) = disconnected;
    assert!(
        closed,
        "A did not disconnect the hostile peer: {:?}\n{}",
        a.status(),
        da.log_text()
    );

    for id in &honest {
        wait_for("honest entries to reach B", TIMEOUT, || {
            b.has(id).then_some(())
        });
    }
    let status = a.status();
    for reason in [
        Refusal::BadSignature,
        Refusal::BodyHash,
        Refusal::TooLarge,
        Refusal::InFuture,
    ] {
        assert!(
            status.refused(reason) >= 1,
            "no '{reason:?}' counted: {status:?}\n{}",
            da.log_text()
        );
    }
    let random = status.refused(Refusal::Malformed) + status.refused(Refusal::UnknownVersion);
    assert!(random >= 1, "random bytes not counted: {status:?}");
    // Nothing bad was stored on A, nor forwarded to B.
    for node in [&a, &b] {
        let snap = node.snapshot();
        // Only the foreign retraction, valid on its own, is kept (inert).
        assert!(
            snap.lines()
                .filter(|l| l.contains("kwaadwillende"))
                .all(|l| l.contains("\"retraction\"")),
            "a hostile entry was stored: {snap}"
        );
        assert!(b.has(&victim), "the victim entry must stay");
    }
    assert!(
        b.status().rejected.is_empty(),
        "A forwarded bad entries to B"
    );
    assert!(
        a.dutch(&["show", &victim]).contains("Een echte vraag?"),
        "the victim entry was retracted"
    );
}

/// A node a release behind meets nodes already upgraded, which pass on entries of a kind
/// or format version it does not know: it refuses them, counts them as made by a newer
/// version, and blames nobody — the peer stays connected and what it sends next that this
/// node does know is taken. (Blocking it would cut the old node off from the upgraded
/// network, one municipality at a time.)
#[test]
fn a_peer_passing_on_a_newer_releases_entries_is_not_blocked() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let da = Daemon::start(&a, &[]);
    let key = testing::key(67);
    let now = Timestamp::now();
    let known = signed(
        &key,
        Kind::Question,
        vec![],
        now,
        now,
        "Een vraag van later",
    );
    let kind_at = (0..known.len())
        .find(|&i| {
            let mut b = known.clone();
            b[i] = 200;
            matches!(
                codec::decode_entry(&b),
                Err(codec::DecodeError::UnknownKind { code: 200, .. })
            )
        })
        .expect("one byte is the kind");
    let newer: Vec<Vec<u8>> = (0..40u8)
        .map(|i| {
            let mut b = signed(
                &key,
                Kind::Question,
                vec![],
                now,
                now,
                &format!("Nieuw {i}"),
            );
            if i % 2 == 0 {
                b[kind_at] = 200;
            } else {
                b[0] = wiel_protocol::FORMAT_VERSION + 1;
            }
            b
        })
        .collect();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let address: Multiaddr = da.address.parse().unwrap();
    let closed = runtime.block_on(async move {
        let mut swarm = wiel_tests::gossip_swarm();
        let topic = wiel_tests::join_national_space(&mut swarm, address, TIMEOUT).await;
        for data in newer {
            let _ = swarm.behaviour_mut().publish(topic.clone(), data);
            tokio::task::yield_now().await;
        }
        let _ = swarm.behaviour_mut().publish(topic.clone(), known);
        // Whatever the node does with them, within a few seconds: a block closes the
        // connection.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            match tokio::time::timeout_at(deadline, swarm.select_next_some()).await {
                Ok(SwarmEvent::ConnectionClosed {
                    num_established: 0, ..
                }) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
    });
    wait_for("the known entry taken", TIMEOUT, || {
        a.snapshot().contains("Een vraag van later").then_some(())
    });
    assert!(!closed, "the peer was disconnected: {}", da.log_text());
    let status = a.status();
    assert!(
        status.refused(Refusal::NewerFormat) >= 2,
        "not counted as newer: {status:?}"
    );
    assert!(
        !da.log_text().contains("blocking peer"),
        "{}",
        da.log_text()
    );
}
