//! Settling a space after entries arrived. Gossip under load loses messages (a full
//! queue, a peer too slow, a verifier too busy) in ways neither side notices, and only a
//! sync brings them back; the periodic one comes about every five minutes. So a space that
//! saw entries arrive (by gossip, or stored by a sync) is reconciled with one peer that
//! follows it once the arrivals pause for [`QUIET`] (or, when they never pause, after
//! [`LONGEST`]), at most once per [`SPACING`], the followers taken in turn. A sync that
//! brings entries passes them on (ripples) and is itself an arrival, so a gap closes in a
//! few rounds; one that brings nothing ends it. A session that was refused or failed (the
//! peer busy, or gone), and entries found missing that did not come (their fetch failed,
//! was not served, or the peer went), leave the space to settle too, with the next
//! follower once [`QUIET`] passed: nothing was learned, so it does not wait out
//! [`SPACING`] (a node whose only followers of a space were busy seeds waited 20 s at a
//! time, at the end of a burst). A peer that sends gossip to keep a space busy costs this
//! node one session per [`SPACING`], with a peer this node chooses. One that refuses every
//! session (of any kind: a catch-up, a ripple), or offers entries and then does not serve
//! them, makes it settle each space it asked or offered about once per [`QUIET`] at most,
//! with the next follower not asked already: a dozen sessions a minute per space, whatever
//! the number of such peers.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::PeerId;
use wiel_protocol::SpaceName;

/// Arrivals paused this long: the space is settled.
const QUIET: Duration = Duration::from_secs(5);
/// Arrivals that never pause: the space is settled this long after the first.
const LONGEST: Duration = Duration::from_secs(60);
/// Two settlings of a space are at least this far apart.
const SPACING: Duration = Duration::from_secs(20);

/// Which spaces to settle, and with whom (see the module's doc).
#[derive(Default)]
pub(super) struct Settling {
    /// Spaces with arrivals since they were last settled: the first and the latest.
    active: HashMap<SpaceName, (Instant, Instant)>,
    /// When each space was last settled.
    last: HashMap<SpaceName, Instant>,
    /// Counts picks, so that the followers are taken in turn.
    turn: usize,
}

impl Settling {
    /// Entries of `space` arrived at `now`.
    pub fn on_arrival(&mut self, space: &SpaceName, now: Instant) {
        self.active
            .entry(space.clone())
            .and_modify(|(_, latest)| *latest = now)
            .or_insert((now, now));
    }

    /// A session about `space` was refused or failed: settled again with the next
    /// follower once [`QUIET`] passed, however recently it was settled.
    pub fn on_unanswered(&mut self, space: &SpaceName, now: Instant) {
        self.last.remove(space);
        self.on_arrival(space, now);
    }

    /// The spaces to settle now; they count as settled from `now`.
    pub fn due(&mut self, now: Instant) -> Vec<SpaceName> {
        let due: Vec<SpaceName> = self
            .active
            .iter()
            .filter(|(space, (first, latest))| {
                let paused = now.saturating_duration_since(*latest) >= QUIET
                    || now.saturating_duration_since(*first) >= LONGEST;
                let spaced = self
                    .last
                    .get(*space)
                    .is_none_or(|at| now.saturating_duration_since(*at) >= SPACING);
                paused && spaced
            })
            .map(|(space, _)| space.clone())
            .collect();
        for space in &due {
            self.active.remove(space);
            self.last.insert(space.clone(), now);
        }
        due
    }

    /// The next of `followers` (in a stable order) in turn that is not `asked` about the
    /// space already; `None` when there is none. A session under way with one brings what
    /// it finds (an arrival, or a refusal that settles again); a settling with it would
    /// start nothing, and the space would wait out [`SPACING`] (a restarted node with 22
    /// sessions open lacked its province's burst for seconds that way).
    pub fn pick(
        &mut self,
        followers: &[PeerId],
        asked: impl Fn(&PeerId) -> bool,
    ) -> Option<PeerId> {
        let free: Vec<PeerId> = followers.iter().filter(|p| !asked(p)).copied().collect();
        if free.is_empty() {
            return None;
        }
        self.turn = self.turn.wrapping_add(1);
        Some(free[self.turn % free.len()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space(name: &str) -> SpaceName {
        SpaceName::new(name).unwrap()
    }

    #[test]
    fn a_space_settles_once_its_arrivals_pause_and_not_before() {
        let mut settling = Settling::default();
        let start = Instant::now();
        assert!(settling.due(start).is_empty(), "nothing arrived");
        settling.on_arrival(&space("nl"), start);
        settling.on_arrival(&space("nl"), start + Duration::from_secs(2));
        assert!(settling.due(start + Duration::from_secs(6)).is_empty());
        let later = start + Duration::from_secs(2) + QUIET;
        assert_eq!(settling.due(later), vec![space("nl")]);
        assert!(
            settling.due(later + QUIET).is_empty(),
            "settled: no arrival since"
        );
    }

    #[test]
    fn arrivals_that_never_pause_settle_after_the_longest_wait_and_spaced() {
        let mut settling = Settling::default();
        let start = Instant::now();
        let mut settled = Vec::new();
        // An arrival every second for three minutes.
        for s in 0..180 {
            let now = start + Duration::from_secs(s);
            settling.on_arrival(&space("pv20"), now);
            if !settling.due(now).is_empty() {
                settled.push(s);
            }
        }
        assert_eq!(settled, vec![60, 121], "{settled:?}");
        // A burst that ends soon after a settling waits for the spacing.
        let mut settling = Settling::default();
        settling.on_arrival(&space("nl"), start);
        assert_eq!(settling.due(start + QUIET).len(), 1);
        settling.on_arrival(&space("nl"), start + QUIET);
        assert!(settling.due(start + QUIET + QUIET).is_empty());
        assert!(
            settling
                .due(start + QUIET + SPACING - Duration::from_secs(1))
                .is_empty()
        );
        assert_eq!(settling.due(start + QUIET + SPACING).len(), 1);
    }

    #[test]
    fn a_settling_that_was_not_answered_is_tried_again_once_quiet_not_spaced() {
        let mut settling = Settling::default();
        let start = Instant::now();
        settling.on_arrival(&space("pv21"), start);
        assert_eq!(settling.due(start + QUIET).len(), 1);
        // Refused (the follower busy): again after QUIET, not after SPACING.
        let refused = start + QUIET + Duration::from_secs(1);
        settling.on_unanswered(&space("pv21"), refused);
        assert!(
            settling
                .due(refused + QUIET - Duration::from_secs(1))
                .is_empty()
        );
        assert_eq!(settling.due(refused + QUIET), vec![space("pv21")]);
        // Answered with entries: spaced as before.
        settling.on_arrival(&space("pv21"), refused + QUIET);
        assert!(settling.due(refused + QUIET + QUIET).is_empty());
        assert_eq!(settling.due(refused + QUIET + SPACING).len(), 1);
    }

    #[test]
    fn the_followers_are_taken_in_turn() {
        let mut settling = Settling::default();
        assert_eq!(settling.pick(&[], |_| false), None);
        let followers: Vec<PeerId> = (0..3).map(|_| PeerId::random()).collect();
        let picked: Vec<PeerId> = (0..6)
            .filter_map(|_| settling.pick(&followers, |_| false))
            .collect();
        for peer in &followers {
            assert_eq!(picked.iter().filter(|p| *p == peer).count(), 2);
        }
    }

    #[test]
    fn a_follower_asked_about_the_space_already_is_not_picked() {
        let mut settling = Settling::default();
        let followers: Vec<PeerId> = (0..3).map(|_| PeerId::random()).collect();
        let busy = [followers[0], followers[2]];
        for _ in 0..6 {
            assert_eq!(
                settling.pick(&followers, |p| busy.contains(p)),
                Some(followers[1])
            );
        }
        assert_eq!(settling.pick(&followers, |_| true), None, "all asked");
    }
}
