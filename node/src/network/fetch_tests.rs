use super::*;
use crate::network::runs::RunId;

fn ids(n: u8) -> Vec<EntryId> {
    (0..n).map(|i| EntryId::from_bytes([i; 32])).collect()
}

/// Distinct ids, one for each number of `numbers`.
fn hashed_ids(numbers: std::ops::Range<u32>) -> Vec<EntryId> {
    numbers
        .map(|n| EntryId::from_bytes(*blake3::hash(&n.to_le_bytes()).as_bytes()))
        .collect()
}

/// A `wiel sync` run with one peer and one session open, and the origin of what it fetches
/// (`claimed`: the peer said it holds them).
fn a_run_with_one_peer(claimed: bool) -> (Runs, Fetcher, PeerId, RunId, Origin) {
    let mut runs = Runs::default();
    let peer = PeerId::random();
    let run = runs.start(&[peer]);
    runs.session_opened(Some(run));
    let origin = Origin {
        run: Some(run),
        claimed,
        ..Origin::default()
    };
    (runs, Fetcher::default(), peer, run, origin)
}

#[test]
fn a_run_is_done_when_every_session_chunk_and_entry_is_accounted_for() {
    let (mut runs, mut fetcher, peer, run, origin) = a_run_with_one_peer(true);
    assert_eq!(fetcher.queue(&mut runs, peer, ids(3), &origin), 3);
    // Asked again while wanted: not queued twice.
    assert_eq!(fetcher.queue(&mut runs, peer, ids(3), &origin), 0);
    runs.session_closed(Some(run), 3, 0, None);
    assert!(!runs.report(run).unwrap().done);
    let ready = fetcher.ready();
    assert_eq!(ready.len(), 1);
    // libp2p hands out request ids; a test cannot make one, so go through failure
    // bookkeeping by hand instead: the chunk closes with nothing received.
    let (p, ids, origin) = ready.into_iter().next().unwrap();
    assert_eq!((p, ids.len()), (peer, 3));
    runs.chunk_closed(origin.run, 2, 1);
    assert!(
        !runs.report(run).unwrap().done,
        "two entries still at the worker"
    );
    runs.judged(Some(run), 1, 1, 0);
    let report = runs.report(run).unwrap();
    assert!(report.done);
    assert_eq!(
        (
            report.to_fetch,
            report.fetched,
            report.stored,
            report.duplicates,
            report.not_served
        ),
        (3, 2, 1, 1, 1)
    );
}

#[test]
fn the_window_bounds_requests_in_flight() {
    let mut runs = Runs::default();
    let mut fetcher = Fetcher::default();
    let peer = PeerId::random();
    let many: Vec<EntryId> = hashed_ids(0..(MAX_FETCH_IDS * 10) as u32);
    fetcher.queue(&mut runs, peer, many, &Origin::default());
    // Nothing registered in flight (no swarm here): each call hands out one window.
    assert_eq!(fetcher.ready().len(), FETCH_WINDOW);
}

#[test]
fn many_peers_together_queue_no_more_than_the_overall_cap() {
    let mut runs = Runs::default();
    let mut fetcher = Fetcher::default();
    let mut queued = 0;
    for p in 0..(MAX_WANTED / MAX_QUEUED_PER_PEER + 2) as u32 {
        let peer = PeerId::random();
        let first = p * MAX_QUEUED_PER_PEER as u32;
        let offered = hashed_ids(first..first + MAX_QUEUED_PER_PEER as u32);
        queued += fetcher.queue(&mut runs, peer, offered, &Origin::default());
    }
    assert_eq!(queued, MAX_WANTED);
    assert_eq!(fetcher.wanted.len(), MAX_WANTED);
}

/// More missing than the queue takes: the run is not done when the first round is
/// through, goes on with the peer, and ends once a round brings nothing new.
#[test]
fn a_run_past_the_queue_cap_goes_on_until_a_round_brings_nothing() {
    let (mut runs, mut fetcher, peer, run, origin) = a_run_with_one_peer(false);
    let many: Vec<EntryId> = hashed_ids(0..(MAX_QUEUED_PER_PEER + 10) as u32);
    assert_eq!(
        fetcher.queue(&mut runs, peer, many, &origin),
        MAX_QUEUED_PER_PEER
    );
    runs.session_closed(Some(run), (MAX_QUEUED_PER_PEER + 10) as u64, 0, None);
    // Every chunk comes back and is stored.
    let chunks = MAX_QUEUED_PER_PEER.div_ceil(MAX_FETCH_IDS);
    for _ in 0..chunks {
        runs.chunk_closed(Some(run), 0, 0);
    }
    runs.judged(Some(run), MAX_QUEUED_PER_PEER as u64, 0, 0);
    assert!(
        !runs.report(run).unwrap().done,
        "ten entries are still missing"
    );
    assert_eq!(runs.continuations(), vec![(run, peer)]);
    assert!(runs.continuations().is_empty(), "one round at a time");
    // The next round: the peer offers the same again, nothing new is stored.
    runs.session_opened(Some(run));
    runs.defer(Some(run), peer);
    runs.session_closed(Some(run), 10, 0, None);
    assert!(!runs.report(run).unwrap().done);
    assert!(runs.continuations().is_empty());
    let report = runs.report(run).unwrap();
    assert!(report.done);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("sync again later")),
        "{report:?}"
    );
}

#[test]
fn a_peer_gone_gives_back_the_spaces_of_what_was_queued_for_it() {
    let mut runs = Runs::default();
    let mut fetcher = Fetcher::default();
    let (gone, other) = (PeerId::random(), PeerId::random());
    let in_space = |name: &str| Origin {
        space: Some(SpaceName::new(name).unwrap()),
        claimed: true,
        ..Origin::default()
    };
    // More than the window: some chunks stay queued.
    let many: Vec<EntryId> = hashed_ids(0..(MAX_FETCH_IDS * (FETCH_WINDOW + 2)) as u32);
    let (nl, province) = many.split_at(many.len() / 2);
    fetcher.queue(&mut runs, gone, nl.to_vec(), &in_space("nl"));
    fetcher.queue(&mut runs, gone, province.to_vec(), &in_space("pv20"));
    fetcher.queue(&mut runs, other, ids(2), &in_space("pv21"));
    let _ = fetcher.ready();
    let spaces = fetcher.forget_peer(&mut runs, &gone);
    assert_eq!(
        spaces,
        vec![SpaceName::new("pv20").unwrap()],
        "nl went out in the window"
    );
    // What was dropped is wanted no longer: found missing again, it is queued again.
    assert!(fetcher.queue(&mut runs, other, province.to_vec(), &in_space("pv20")) > 0);
    assert!(fetcher.forget_peer(&mut runs, &PeerId::random()).is_empty());
}
