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
