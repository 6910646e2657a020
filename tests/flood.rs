//! A flooding peer (an in-process swarm gossiping thousands of valid entries a second) is
//! throttled by the node it floods, and honest entries published meanwhile still arrive.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures::StreamExt;
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, gossipsub, noise, tcp, yamux};
use wiel_protocol::{Body, Draft, Kind, SpaceName, Timestamp, testing};
use wiel_tests::{Daemon, Node, wait_for};

const TIMEOUT: Duration = Duration::from_secs(60);
const FLOOD: u64 = 5000;

#[test]
fn a_flooding_peer_is_throttled_and_honest_entries_still_arrive() {
    let a = Node::init("Gemeente Zwolle", "GM0193");
    let b = Node::init("Gemeente Kampen", "GM0166");
    let da = Daemon::start_with(&a, &[], &["--no-kademlia"]);
    let _db = Daemon::start_with(&b, &[&da.address], &["--no-kademlia"]);

    let key = testing::key(88);
    let now = Timestamp::now().as_millis();
    let flood: Vec<Vec<u8>> = (0..FLOOD)
        .map(|i| {
            Draft {
                network: testing::network(),
                space: SpaceName::national(),
                kind: Kind::Practice,
                refs: vec![],
                created_at: Timestamp::from_millis(now - i),
                body: Body {
                    title: format!("Vloed {i}"),
                    text: "Veel te veel berichten.".into(),
                    ..Body::default()
                },
            }
            .sign(&key, &testing::rules())
            .unwrap()
            .bytes()
            .to_vec()
        })
        .collect();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let address: Multiaddr = da.address.parse().unwrap();
    let a_dir = a.path().to_owned();
    let honest = runtime.block_on(async move {
        let mut swarm = libp2p::SwarmBuilder::with_new_identity()
            .with_tokio()
            .with_tcp(
                tcp::Config::default(),
                noise::Config::new,
                yamux::Config::default,
            )
            .unwrap()
            .with_behaviour(|_| {
                let config = gossipsub::ConfigBuilder::default()
                    .heartbeat_interval(Duration::from_millis(100))
                    .validation_mode(gossipsub::ValidationMode::Anonymous)
                    .message_id_fn(|m: &gossipsub::Message| {
                        gossipsub::MessageId::new(blake3::hash(&m.data).as_bytes())
                    })
                    .build()
                    .unwrap();
                let behaviour: gossipsub::Behaviour =
                    gossipsub::Behaviour::new(gossipsub::MessageAuthenticity::Anonymous, config)
                        .unwrap();
                behaviour
            })
            .unwrap()
            .build();
        let topic = gossipsub::IdentTopic::new("/wiel/1/space/nl");
        swarm.behaviour_mut().subscribe(&topic).unwrap();
        swarm.dial(address).unwrap();
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let event = tokio::time::timeout_at(deadline, swarm.select_next_some())
                .await
                .expect("A subscribed");
            if let SwarmEvent::Behaviour(gossipsub::Event::Subscribed { .. }) = event {
                break;
            }
        }
        // Honest questions go out from A while the flood runs.
        let honest = tokio::task::spawn_blocking(move || {
            (0..5)
                .map(|i| {
                    let out = std::process::Command::new(wiel_tests::wiel_bin())
                        .arg("--data-dir")
                        .arg(&a_dir)
                        .args([
                            "--json",
                            "ask",
                            &format!("Eerlijke vraag tijdens de vloed {i}?"),
                        ])
                        .output()
                        .unwrap();
                    assert!(out.status.success());
                    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect::<Vec<String>>()
        });
        for chunk in flood.chunks(500) {
            for data in chunk {
                let _ = swarm.behaviour_mut().publish(topic.clone(), data.clone());
            }
            // Let the swarm send between bursts (the flood is still thousands a second).
            let pause = tokio::time::sleep(Duration::from_millis(20));
            tokio::pin!(pause);
            loop {
                tokio::select! {
                    _ = &mut pause => break,
                    _ = swarm.select_next_some() => {}
                }
            }
        }
        let honest = honest.await.unwrap();
        // The flooder stays connected (and its queue keeps draining) for the rest of the
        // test: the runtime lives until the end.
        tokio::spawn(async move {
            loop {
                swarm.select_next_some().await;
            }
        });
        honest
    });

    for id in &honest {
        wait_for("honest entries to reach B", TIMEOUT, || {
            b.has(id).then_some(())
        });
    }
    let status = wait_for("A to throttle the flood", TIMEOUT, || {
        let status = a.status();
        (status["rejected"]["rate_limited"].as_u64().unwrap_or(0) > 0).then_some(status)
    });
    let stored = status["stored_from_network"].as_u64().unwrap();
    assert!(stored < FLOOD, "everything was taken at once: {status}");
}
