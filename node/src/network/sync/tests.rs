//! The asking side's rules that need no network: which sessions start when, and who is
//! blamed for what.

use super::*;
use crate::reconcile::ReconcileError;

#[test]
fn a_late_answer_is_no_fault_and_the_others_blame_the_peer() {
    assert_eq!(
        fault_of(&ReconcileError::OutOfOrder {
            expected: 2,
            got: 1
        }),
        None
    );
    for (error, why) in [
        (ReconcileError::DidNotConverge(40), Refusal::SyncEndless),
        (
            ReconcileError::FingerprintMismatch,
            Refusal::SyncInconsistent,
        ),
        (ReconcileError::Inconsistent, Refusal::SyncMalformed),
        (ReconcileError::Malformed("symbols"), Refusal::SyncMalformed),
    ] {
        assert_eq!(fault_of(&error), Some(why));
        assert!(why.blames_sender(), "{why:?}");
    }
}

#[test]
fn the_symbol_budget_holds_across_sessions_and_its_own_end_blames_nobody() {
    assert!(within_symbol_budget(0, 1 << 16));
    assert!(within_symbol_budget(MAX_HELD_SYMBOLS - 10, 10));
    assert!(!within_symbol_budget(MAX_HELD_SYMBOLS - 10, 11));
    assert!(!within_symbol_budget(u64::MAX, 1), "no overflow");
    assert!(!Refusal::SyncMemoryBudget.blames_sender());
}

#[test]
fn periodic_syncs_of_nodes_started_together_are_spread_over_a_whole_interval() {
    let waits: Vec<Duration> = (0..50).map(|_| periodic_wait()).collect();
    for wait in &waits {
        assert!(
            *wait >= SYNC_INTERVAL / 2 && *wait <= SYNC_INTERVAL * 3 / 2,
            "{wait:?}"
        );
    }
    let (first, last) = (waits.iter().min().unwrap(), waits.iter().max().unwrap());
    assert!(
        *last - *first >= SYNC_INTERVAL / 2,
        "50 nodes would sync within {:?} of each other",
        *last - *first
    );
}

#[test]
fn a_catch_up_waits_while_four_sessions_of_this_nodes_own_are_under_way() {
    // Each catch-up with a peer starts a session per followed space (`nl` and a province):
    // from an idle node two start in one tick and the third waits, as do all while a
    // settling and a ripple are under way.
    let mut under_way = 0;
    let mut started = 0;
    for _peer in 0..5 {
        if super::room_for_catch_up(under_way) {
            started += 1;
            under_way += 2;
        }
    }
    assert_eq!(started, 2);
    assert!(super::room_for_catch_up(0) && super::room_for_catch_up(3));
    assert!(!super::room_for_catch_up(4) && !super::room_for_catch_up(64));
}

#[test]
fn a_ripple_goes_to_the_other_identified_followers_of_its_space_only() {
    let mut peers = PeerTable::default();
    let ours = "/wiel/wiel-test/1";
    let (nl, province): (SpaceName, SpaceName) =
        ("nl".parse().unwrap(), "gelderland".parse().unwrap());
    let mut add = |n: u8, follows: &SpaceName, identified: bool| {
        let key = wiel_protocol::testing::key(n).to_libp2p();
        let peer = key.public().to_peer_id();
        let address: libp2p::Multiaddr = format!("/ip4/127.0.0.1/tcp/{n}").parse().unwrap();
        peers.on_connected(
            peer,
            &address,
            false,
            libp2p::swarm::ConnectionId::new_unchecked(n.into()),
            false,
        );
        if identified {
            let info = libp2p::identify::Info {
                public_key: key.public(),
                protocol_version: ours.into(),
                agent_version: format!("wiel/0.1.0 run/000000000000000{n}"),
                listen_addrs: Vec::new(),
                protocols: Vec::new(),
                observed_addr: address,
                signed_peer_record: None,
            };
            peers.on_identified(peer, &info, ours);
        }
        peers.on_subscription(peer, follows.clone(), true);
        peer
    };
    let source = add(1, &nl, true);
    let follower = add(2, &nl, true);
    let _elsewhere = add(3, &province, true);
    let _unidentified = add(4, &nl, false);
    assert_eq!(ripple_targets(&peers, &nl, source), vec![follower]);
    assert_eq!(ripple_targets(&peers, &nl, follower), vec![source]);
}
