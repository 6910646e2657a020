//! A flooding peer (an in-process swarm gossiping thousands of valid entries a second) is
//! throttled by the node it floods, and honest entries published meanwhile still arrive.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures::{FutureExt, StreamExt};
use libp2p::Multiaddr;
use wiel_protocol::{Timestamp, testing};
use wiel_tests::{Daemon, Node, wait_for};
use wiel_tests::{Refusal, StatusFacts};

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
            testing::practice_with_text(&key, i, now - i, 40)
                .bytes()
                .to_vec()
        })
        .collect();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let address: Multiaddr = da.address.parse().unwrap();
    let a_dir = a.path().to_owned();
    let honest = runtime.block_on(async move {
        let mut swarm = wiel_tests::gossip_swarm();
        let topic = wiel_tests::join_national_space(&mut swarm, address, TIMEOUT).await;
        // Honest questions go out from A while the flood runs.
        let honest = tokio::task::spawn_blocking(move || {
            (0..5)
                .map(|i| {
                    wiel_tests::ask_in(&a_dir, &format!("Eerlijke vraag tijdens de vloed {i}?"))
                })
                .collect::<Vec<String>>()
        });
        for chunk in flood.chunks(500) {
            for data in chunk {
                let _ = swarm.behaviour_mut().publish(topic.clone(), data.clone());
            }
            // Let the swarm hand the burst to the connection before the next one: drive
            // it until it has nothing ready.
            while swarm.select_next_some().now_or_never().is_some() {}
            tokio::task::yield_now().await;
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
        (status.refused(Refusal::RateLimited) > 0).then_some(status)
    });
    let stored = status.stored_from_network;
    assert!(stored < FLOOD, "everything was taken at once: {status:?}");
}
