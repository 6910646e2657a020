//! The bootstrap peers this node was given (config, DNS): dialed at the start, and again
//! while they are gone. A node connected to no one at all dials them again soon, with a
//! wait that doubles from [`FIRST_WAIT`] to [`REDIAL_EVERY`] and is spread at random: a
//! seed that refused the dials of hundreds of nodes starting at once (its limit of
//! connections being set up) must not leave one of them alone for a minute, nor get all
//! their dials back in the same second. A node with other peers dials a gone bootstrap
//! peer every [`REDIAL_EVERY`] (a seed that restarted; peers that filled its connections
//! must not keep it away for good).

use std::time::{Duration, Instant};

use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId, Swarm};

use super::Behaviour;

/// How often bootstrap peers that are gone are dialed again by a node that has other peers;
/// the longest wait of a node that has none.
pub const REDIAL_EVERY: Duration = Duration::from_secs(60);
/// The first wait of a node connected to no one.
pub const FIRST_WAIT: Duration = Duration::from_secs(1);

pub struct Bootstrap {
    /// Each bootstrap peer with the address it was given at (one without `/p2p/<id>` is
    /// dialed at the start only).
    peers: Vec<(PeerId, Multiaddr)>,
    next_redial: Option<Instant>,
    /// The next wait while connected to no one; back to [`FIRST_WAIT`] once a bootstrap
    /// peer is reached.
    alone_wait: Duration,
}

impl Bootstrap {
    pub fn new(addrs: Vec<Multiaddr>) -> Bootstrap {
        Bootstrap {
            peers: addrs
                .into_iter()
                .filter_map(|addr| Some((super::peers::peer_of(&addr)?, addr)))
                .collect(),
            next_redial: None,
            alone_wait: FIRST_WAIT,
        }
    }

    pub fn contains(&self, peer: &PeerId) -> bool {
        self.peers.iter().any(|(known, _)| known == peer)
    }

    /// Called every second: dials the bootstrap peers not connected when it is time.
    pub fn redial(&mut self, swarm: &mut Swarm<Behaviour>, now: Instant) {
        let alone = swarm.connected_peers().next().is_none();
        // Only a bootstrap peer reached starts the waits afresh: any peer could connect
        // for a second and leave, over and over, to make this node dial every second.
        if self.peers.iter().any(|(peer, _)| swarm.is_connected(peer)) {
            self.alone_wait = FIRST_WAIT;
        }
        if let Some(at) = self.next_redial
            && now < at
            // A node that just lost its last peer does not wait out the minute.
            && !(alone && at > now + self.alone_wait)
        {
            return;
        }
        self.next_redial = Some(now + self.next_wait(alone));
        for (peer, addr) in &self.peers {
            if swarm.is_connected(peer) {
                continue;
            }
            let opts = DialOpts::peer_id(*peer)
                .addresses(vec![addr.clone()])
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build();
            if swarm.dial(opts).is_ok() {
                tracing::debug!(%peer, alone, "dialing a bootstrap peer again");
            }
        }
    }

    /// The wait until the next redial: while alone, the doubling wait spread over its
    /// second half at random; else [`REDIAL_EVERY`].
    fn next_wait(&mut self, alone: bool) -> Duration {
        if !alone {
            return REDIAL_EVERY;
        }
        let wait = self.alone_wait;
        self.alone_wait = (wait * 2).min(REDIAL_EVERY);
        super::drawn_between(wait / 2, wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_alone_waits_longer_each_time_up_to_a_minute_and_spread() {
        let mut b = Bootstrap::new(Vec::new());
        let waits: Vec<Duration> = (0..10).map(|_| b.next_wait(true)).collect();
        let mut limit = FIRST_WAIT;
        for wait in &waits {
            assert!(
                *wait >= limit / 2 && *wait <= limit,
                "{wait:?} for {limit:?}"
            );
            limit = (limit * 2).min(REDIAL_EVERY);
        }
        assert!(waits[9] >= REDIAL_EVERY / 2);
        // Spread: 200 nodes refused at once do not all come back in the same 100 ms.
        let mut firsts: Vec<u128> = (0..200)
            .map(|_| {
                let mut b = Bootstrap::new(Vec::new());
                b.next_wait(true);
                b.next_wait(true).as_millis() / 100
            })
            .collect();
        firsts.sort();
        firsts.dedup();
        assert!(firsts.len() >= 5, "{firsts:?}");
        // With peers: a minute, whatever came before.
        assert_eq!(b.next_wait(false), REDIAL_EVERY);
    }
}
