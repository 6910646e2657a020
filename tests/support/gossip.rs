//! In-process peers that speak wiel's gossip and nothing else: the hostile, flooding and
//! out-of-order peers of the tests.

use std::time::Duration;

use futures::{FutureExt, StreamExt};
use libp2p::Multiaddr;

/// An in-process peer that speaks wiel's gossip and nothing else (hostile and flooding
/// peers in the tests): anonymous gossipsub, message id = blake3 of the bytes, as wiel.
pub fn gossip_swarm() -> libp2p::Swarm<libp2p::gossipsub::Behaviour> {
    use libp2p::{gossipsub, noise, tcp, yamux};
    libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default(),
            noise::Config::new,
            yamux::Config::default,
        )
        .unwrap()
        .with_behaviour(|_| {
            let config = gossipsub::ConfigBuilder::default()
                .heartbeat_interval(std::time::Duration::from_millis(100))
                .validation_mode(gossipsub::ValidationMode::Anonymous)
                .max_transmit_size(256 * 1024)
                // Anonymous messages need a content id, or they all look the same.
                .message_id_fn(|m: &gossipsub::Message| {
                    gossipsub::MessageId::new(blake3::hash(&m.data).as_bytes())
                })
                .build()
                .unwrap();
            gossipsub::Behaviour::new(gossipsub::MessageAuthenticity::Anonymous, config).unwrap()
        })
        .unwrap()
        .build()
}

/// Subscribes `swarm` to the national space's topic, dials `address`, and waits until the
/// node there follows the topic on this connection. Returns the topic.
pub async fn join_national_space(
    swarm: &mut libp2p::Swarm<libp2p::gossipsub::Behaviour>,
    address: libp2p::Multiaddr,
    timeout: std::time::Duration,
) -> libp2p::gossipsub::IdentTopic {
    let topic = libp2p::gossipsub::IdentTopic::new("/wiel/1/space/nl");
    swarm.behaviour_mut().subscribe(&topic).unwrap();
    swarm.dial(address).unwrap();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let event = tokio::time::timeout_at(deadline, swarm.select_next_some())
            .await
            .expect("the node followed the topic");
        if let libp2p::swarm::SwarmEvent::Behaviour(libp2p::gossipsub::Event::Subscribed {
            ..
        }) = event
        {
            return topic;
        }
    }
}

/// Publishes `messages` on the national topic of the node at `address` from an in-process
/// gossip peer, one after another, driving the swarm between them; then lets the last ones
/// go out.
pub fn gossip_to(address: &str, messages: Vec<Vec<u8>>, timeout: Duration) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let address: Multiaddr = address.parse().unwrap();
    runtime.block_on(async move {
        let mut swarm = gossip_swarm();
        let topic = join_national_space(&mut swarm, address, timeout).await;
        for data in messages {
            let _ = swarm.behaviour_mut().publish(topic.clone(), data);
            while swarm.select_next_some().now_or_never().is_some() {}
            tokio::task::yield_now().await;
        }
        let until = tokio::time::Instant::now() + Duration::from_millis(500);
        while let Ok(_event) = tokio::time::timeout_at(until, swarm.select_next_some()).await {}
    });
}
