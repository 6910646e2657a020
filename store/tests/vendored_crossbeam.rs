//! The vendored crossbeam-epoch collects less often, and more at a time, when many threads
//! take part (`vendor/crossbeam-epoch/PATCHES.md`): sled frees memory through it, and in a
//! process of 342 stores (the bench) each collection walked ~1 000 threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crossbeam_epoch::{Collector, LocalHandle};

/// Bags of deferred functions the test fills (a participant's bag holds 64).
const BAGS: usize = 100;
const PER_BAG: usize = 64;

/// Defers `BAGS` full bags on `handle`, then pins until all but the one it still holds
/// have run: the number of pins it took, and how many had run after `early` pins.
fn pins_until_collected(handle: &LocalHandle, early: usize) -> (usize, usize) {
    let ran = Arc::new(AtomicUsize::new(0));
    {
        let guard = handle.pin();
        for _ in 0..BAGS * PER_BAG {
            let ran = ran.clone();
            guard.defer(move || ran.fetch_add(1, Ordering::Relaxed));
        }
    }
    let mut ran_early = 0;
    for pins in 1..=1_000_000 {
        drop(handle.pin());
        if pins == early {
            ran_early = ran.load(Ordering::Relaxed);
        }
        if ran.load(Ordering::Relaxed) >= BAGS * PER_BAG - PER_BAG {
            return (
                pins,
                if pins < early {
                    ran.load(Ordering::Relaxed)
                } else {
                    ran_early
                },
            );
        }
    }
    panic!("the deferred functions never ran");
}

#[test]
fn with_a_thousand_participants_garbage_is_collected_less_often_and_all_of_it() {
    let collector = Collector::new();
    // 1 023 participants besides the one that pins: 16 rounds of 64.
    let others: Vec<LocalHandle> = (0..1023).map(|_| collector.register()).collect();
    let handle = collector.register();
    // Unpatched, a collection every 128 pins destroys 8 bags once they are two epochs old:
    // the first after 256 pins, all after 1 792. Patched, a collection every 2 048 pins
    // destroys up to 128: none before the second, after 4 096 pins, when all go.
    let (pins, ran_early) = pins_until_collected(&handle, 2_000);
    assert_eq!(
        ran_early, 0,
        "collected within 2 000 pins: as often as with few threads"
    );
    assert!(
        pins <= 4_096,
        "all garbage collected only after {pins} pins"
    );

    // The participants that leave are counted out: with 21 left, crossbeam's own again.
    let mut others = others;
    others.truncate(20);
    let (pins, ran_early) = pins_until_collected(&handle, 300);
    assert!(
        ran_early > 0,
        "nothing collected within 300 pins once the others left"
    );
    assert!(
        pins <= 1_792,
        "all garbage collected only after {pins} pins"
    );
    drop(others);
}

#[test]
fn with_few_participants_collection_is_crossbeams_own() {
    let collector = Collector::new();
    let others: Vec<LocalHandle> = (0..20).map(|_| collector.register()).collect();
    let handle = collector.register();
    let (pins, ran_early) = pins_until_collected(&handle, 300);
    assert_eq!(ran_early, 8 * PER_BAG, "8 bags collected after 300 pins");
    assert!(
        pins <= 1_792,
        "all garbage collected only after {pins} pins"
    );
    drop(others);
}

/// sled's flusher flushes its thread's garbage every half second; a flush collects too.
#[test]
fn with_a_thousand_participants_a_flush_collects_once_in_sixteen() {
    let collector = Collector::new();
    let others: Vec<LocalHandle> = (0..1023).map(|_| collector.register()).collect();
    let handle = collector.register();
    let ran = Arc::new(AtomicUsize::new(0));
    let mut ran_by_flush = Vec::new();
    for _ in 0..40 {
        let guard = handle.pin();
        let ran_here = ran.clone();
        guard.defer(move || ran_here.fetch_add(1, Ordering::Relaxed));
        guard.flush();
        ran_by_flush.push(ran.load(Ordering::Relaxed));
    }
    // A bag handed over runs two collections later. Unpatched each flush collects, so the
    // first flush's bag runs at the third; patched one flush in 16 does: at the 33rd.
    assert_eq!(
        ran_by_flush[31], 0,
        "collected before the 33rd flush: {ran_by_flush:?}"
    );
    assert!(
        ran_by_flush[32] > 0,
        "nothing collected at the 33rd flush: {ran_by_flush:?}"
    );
    drop(others);
}
