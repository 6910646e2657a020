//! The discipline this node keeps its peers to (the peer guard): strikes and blocks for
//! objective faults, per-peer rates for gossip, sync and fetch requests, catch-ups for
//! what was dropped.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::PeerId;

use crate::rate::TokenBucket;

use super::peers::PeerTable;

/// Invalid messages a peer may send within [`STRIKE_WINDOW`] before it is blocked.
pub const MAX_STRIKES: u32 = 10;
const STRIKE_WINDOW: Duration = Duration::from_secs(600);
/// How long a misbehaving peer, or one on another network, is kept away.
pub const BLOCK_TIME: Duration = Duration::from_secs(600);
/// Gossip a peer may send: messages a second, and a burst. Past it, messages are dropped
/// unvalidated and not passed on, and a catch-up sync with the peer follows: an honest
/// busy peer loses nothing, a flooding one is slowed to this node's pace.
const PEER_GOSSIP_RATE: f64 = 200.0;
const PEER_GOSSIP_BURST: f64 = 1000.0;
/// Sync requests a peer may make per second (a symbol round or an offer each), and at once.
/// An honest session needs a few rounds per space every few minutes.
const PEER_SYNC_RATE: f64 = 5.0;
const PEER_SYNC_BURST: f64 = 100.0;
/// Fetch requests a peer may make per second, and at once: a catch-up of 100 000 entries
/// is about 400 requests.
const PEER_FETCH_RATE: f64 = 50.0;
const PEER_FETCH_BURST: f64 = 500.0;
/// How long after throttling a peer the catch-up sync with it starts.
const CATCH_UP_DELAY: Duration = Duration::from_secs(10);

/// The discipline peers are kept to. Only objective faults strike (see the worker's
/// admission); verdicts that depend on this node's own state never do.
#[derive(Default)]
pub struct PeerGuard {
    strikes: HashMap<PeerId, (u32, Instant)>,
    blocked_until: HashMap<PeerId, Instant>,
    gossip: HashMap<PeerId, TokenBucket>,
    sync: HashMap<PeerId, TokenBucket>,
    fetch: HashMap<PeerId, TokenBucket>,
    /// Peers whose messages were dropped (throttled, or the worker was busy): a catch-up
    /// sync with each at the given moment.
    catch_up: HashMap<PeerId, Instant>,
}

impl PeerGuard {
    /// Counts a fault of `peer`. `true` when it reached [`MAX_STRIKES`] within
    /// [`STRIKE_WINDOW`]: block it now (see [`PeerGuard::block`]).
    pub fn strike(&mut self, peer: PeerId) -> bool {
        let strikes = self.strikes.entry(peer).or_insert((0, Instant::now()));
        strikes.0 += 1;
        if strikes.0 >= MAX_STRIKES {
            self.strikes.remove(&peer);
            true
        } else {
            false
        }
    }

    /// Keeps `peer` away for [`BLOCK_TIME`].
    pub fn block(&mut self, peer: PeerId) {
        self.blocked_until.insert(peer, Instant::now() + BLOCK_TIME);
        self.forget(&peer);
    }

    pub fn is_blocked(&self, peer: &PeerId) -> bool {
        self.blocked_until.contains_key(peer)
    }

    /// Whether `peer` may send one more gossip message now.
    pub fn allow_gossip(&mut self, peer: PeerId) -> bool {
        take(&mut self.gossip, peer, PEER_GOSSIP_RATE, PEER_GOSSIP_BURST)
    }

    /// Whether `peer` may make one more sync request (a symbol round or an offer) now.
    pub fn allow_sync(&mut self, peer: PeerId) -> bool {
        take(&mut self.sync, peer, PEER_SYNC_RATE, PEER_SYNC_BURST)
    }

    /// Whether `peer` may make one more fetch request now.
    pub fn allow_fetch(&mut self, peer: PeerId) -> bool {
        take(&mut self.fetch, peer, PEER_FETCH_RATE, PEER_FETCH_BURST)
    }

    /// Catches up with `peer` soon, for what was dropped from it.
    pub fn schedule_catch_up(&mut self, peer: PeerId) {
        self.catch_up
            .entry(peer)
            .or_insert_with(|| Instant::now() + CATCH_UP_DELAY);
    }

    /// Gossipsub could not hand `peer` what we sent it in time (its queue was full, or a
    /// message waited longer than gossipsub lets it): it may lack entries now, which only a
    /// sync brings it. A catch-up with it follows, once per delay however often it is
    /// slow, so a peer that never reads costs a session every few seconds, no more.
    pub fn on_slow_peer(
        &mut self,
        peer: PeerId,
        failed: &libp2p::gossipsub::FailedMessages,
        counters: &super::worker::Counters,
    ) {
        counters.gossip_not_sent.fetch_add(
            (failed.priority + failed.non_priority) as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        tracing::debug!(
            %peer,
            priority = failed.priority,
            non_priority = failed.non_priority,
            "a peer missed messages we sent it; catching up with it"
        );
        self.schedule_catch_up(peer);
    }

    /// The peer disconnected: its rates start afresh (its strikes and block stay).
    pub fn forget(&mut self, peer: &PeerId) {
        self.gossip.remove(peer);
        self.sync.remove(peer);
        self.fetch.remove(peer);
        self.catch_up.remove(peer);
    }

    /// Blocks that ended by `now`, to lift; strikes past their window are forgotten.
    /// Each second: unblocks the peers whose time is up, and lets go of peers that never
    /// said which network they are on.
    pub fn on_tick(
        &mut self,
        swarm: &mut libp2p::Swarm<super::Behaviour>,
        table: &mut PeerTable,
        counters: &super::worker::Counters,
        now: Instant,
    ) {
        for peer in self.due_unblocks(now) {
            swarm.behaviour_mut().blocked.unblock_peer(peer);
            tracing::info!(%peer, "peer no longer blocked");
        }
        for peer in table.silent(now) {
            tracing::info!(%peer, "letting go of a peer that never said which network it is on");
            counters.reject(crate::refusal::Refusal::NoIdentify);
            let _ = swarm.disconnect_peer_id(peer);
            table.remove(&peer);
        }
    }

    pub fn due_unblocks(&mut self, now: Instant) -> Vec<PeerId> {
        self.strikes
            .retain(|_, (_, since)| now.duration_since(*since) < STRIKE_WINDOW);
        take_due(&mut self.blocked_until, now)
    }

    /// Catch-ups whose moment has come.
    pub fn due_catch_ups(&mut self, now: Instant) -> Vec<PeerId> {
        take_due(&mut self.catch_up, now)
    }
}

fn take(buckets: &mut HashMap<PeerId, TokenBucket>, peer: PeerId, rate: f64, burst: f64) -> bool {
    buckets
        .entry(peer)
        .or_insert_with(|| TokenBucket::new(rate, burst))
        .take()
}

/// Takes the peers whose moment has come out of `deadlines`.
fn take_due(deadlines: &mut HashMap<PeerId, Instant>, now: Instant) -> Vec<PeerId> {
    let due: Vec<PeerId> = deadlines
        .iter()
        .filter(|(_, at)| **at <= now)
        .map(|(p, _)| *p)
        .collect();
    for peer in &due {
        deadlines.remove(peer);
    }
    due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_is_blocked_at_its_tenth_strike_and_let_back_after_the_block() {
        let mut guard = PeerGuard::default();
        let peer = PeerId::random();
        for _ in 1..MAX_STRIKES {
            assert!(!guard.strike(peer));
        }
        assert!(guard.strike(peer), "the tenth strike blocks");
        guard.block(peer);
        assert!(guard.is_blocked(&peer));
        assert!(guard.due_unblocks(Instant::now()).is_empty());
        let later = Instant::now() + BLOCK_TIME + Duration::from_secs(1);
        assert_eq!(guard.due_unblocks(later), vec![peer]);
        assert!(!guard.is_blocked(&peer));
        // Strikes start again from zero after a block.
        assert!(!guard.strike(peer));
    }

    #[test]
    fn strikes_older_than_the_window_are_forgotten() {
        let mut guard = PeerGuard::default();
        let peer = PeerId::random();
        for _ in 1..MAX_STRIKES {
            guard.strike(peer);
        }
        guard.due_unblocks(Instant::now() + STRIKE_WINDOW + Duration::from_secs(1));
        assert!(!guard.strike(peer), "the old strikes no longer count");
    }

    #[test]
    fn each_peer_has_its_own_rate_and_a_reconnect_does_not_reset_a_block() {
        let mut guard = PeerGuard::default();
        let (flooder, honest) = (PeerId::random(), PeerId::random());
        let allowed = (0..10_000).filter(|_| guard.allow_sync(flooder)).count();
        assert!(
            (100..=101).contains(&allowed),
            "the burst, and what refilled meanwhile: {allowed}"
        );
        assert!(guard.allow_sync(honest), "another peer is not slowed");
        guard.block(flooder);
        guard.forget(&flooder);
        assert!(guard.is_blocked(&flooder));
    }

    #[test]
    fn a_peer_that_missed_what_we_sent_is_caught_up_with_once_per_delay() {
        let mut guard = PeerGuard::default();
        let peer = PeerId::random();
        let failed = libp2p::gossipsub::FailedMessages {
            priority: 0,
            non_priority: 3,
        };
        let counters = crate::network::worker::Counters::default();
        guard.on_slow_peer(peer, &failed, &counters);
        guard.on_slow_peer(peer, &failed, &counters);
        assert_eq!(
            counters
                .gossip_not_sent
                .load(std::sync::atomic::Ordering::Relaxed),
            6,
            "every message not sent is counted"
        );
        let later = Instant::now() + CATCH_UP_DELAY + Duration::from_millis(1);
        assert_eq!(guard.due_catch_ups(later), vec![peer]);
        assert!(guard.due_catch_ups(later).is_empty());
    }

    #[test]
    fn a_catch_up_is_scheduled_once_and_comes_due_after_its_delay() {
        let mut guard = PeerGuard::default();
        let peer = PeerId::random();
        guard.schedule_catch_up(peer);
        guard.schedule_catch_up(peer);
        assert!(guard.due_catch_ups(Instant::now()).is_empty());
        let later = Instant::now() + CATCH_UP_DELAY + Duration::from_secs(1);
        assert_eq!(guard.due_catch_ups(later), vec![peer]);
        assert!(guard.due_catch_ups(later).is_empty());
    }
}
