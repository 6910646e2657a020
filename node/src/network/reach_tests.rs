use super::*;
use libp2p::swarm::{NetworkBehaviour, ToSwarm};

#[test]
fn a_look_dials_up_to_the_wanted_count_and_no_one_beyond_it() {
    assert_eq!(dials_after_look(0), DIALS_PER_LOOK);
    assert_eq!(dials_after_look(WANTED_PEERS - 3), 3);
    assert_eq!(dials_after_look(WANTED_PEERS), 0);
    assert_eq!(dials_after_look(400), 0);
}

#[test]
fn kademlias_walk_of_every_bucket_ends_without_asking_anyone_and_a_look_goes_on() {
    let me = PeerId::random();
    let mut kad = kad::Behaviour::new(me, kad::store::MemoryStore::new(me));
    // Peers far and near, so that the walk has buckets to go on to.
    for n in 0..40u8 {
        let address: Multiaddr = format!("/ip4/192.0.2.{n}/tcp/4001").parse().unwrap();
        kad.add_address(&PeerId::random(), address);
    }
    let walk = kad.bootstrap().unwrap();
    let look = kad.get_closest_peers(PeerId::random());
    end_walks_of_every_bucket(&mut kad);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let (mut steps, mut walk_ended, mut dialed_for_the_look) = (0, false, false);
    for _ in 0..10_000 {
        match kad.poll(&mut cx) {
            std::task::Poll::Ready(ToSwarm::GenerateEvent(event)) => {
                // What `on_kad` does first with every event of Kademlia.
                let was_the_walk = end_a_walk_gone_on(&mut kad, &event);
                if let kad::Event::OutboundQueryProgressed {
                    id,
                    result: kad::QueryResult::Bootstrap(_),
                    step,
                    stats,
                } = event
                {
                    assert!(was_the_walk);
                    assert_eq!(id, walk);
                    assert_eq!(stats.num_requests(), 0, "the walk asked a peer");
                    steps += 1;
                    walk_ended |= step.last;
                } else {
                    assert!(!was_the_walk);
                }
            }
            std::task::Poll::Ready(ToSwarm::Dial { .. }) => dialed_for_the_look = true,
            std::task::Poll::Ready(_) => {}
            std::task::Poll::Pending => break,
        }
    }
    assert!(walk_ended, "the walk did not end");
    assert!(steps > 1, "the walk had buckets to go on to: {steps} step");
    // The look this node started itself is not touched: it asks (dials) peers.
    assert!(kad.query(&look).is_some());
    assert!(dialed_for_the_look);
}
