//! The bootstrap peers this node was given (config, DNS): dialed at the start (the event
//! loop's first tick), and again while they are gone. A node connected to no one at all dials them again soon, with a
//! wait that doubles from [`FIRST_WAIT`] to [`REDIAL_EVERY`] and is spread at random: a
//! seed that refused the dials of hundreds of nodes starting at once (its limit of
//! connections being set up) must not leave one of them alone for a minute, nor get all
//! their dials back in the same second. A node with other peers dials a gone bootstrap
//! peer every [`REDIAL_EVERY`] (a seed that restarted; peers that filled its connections
//! must not keep it away for good). A bootstrap peer whose organisation rotated its key is
//! dialed under the new key; one given without its peer id (`/dns4/seed.example.nl/tcp/4001`)
//! is dialed at its address whenever what answered there last is gone.

use std::time::{Duration, Instant};

use libp2p::multiaddr::Protocol;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::{Multiaddr, PeerId, Swarm};

use super::Behaviour;
use super::peers::rotated_peer;
use crate::trust::TrustSet;

/// How often bootstrap peers that are gone are dialed again by a node that has other peers;
/// the longest wait of a node that has none.
pub const REDIAL_EVERY: Duration = Duration::from_secs(60);
/// The first wait of a node connected to no one.
pub const FIRST_WAIT: Duration = Duration::from_secs(1);

/// One bootstrap peer: where it was given, and who it is.
struct BootstrapPeer {
    /// Where to dial it: the address as given, without its last `/p2p/<id>` (a relay's id
    /// in a `/p2p-circuit` address stays).
    address: Multiaddr,
    /// The peer id the address names; `None` when given without one.
    named: Option<PeerId>,
    /// Given without its id: the peer that answered last when this node dialed there. Only
    /// to see whether it is still connected; it is chosen for nothing (whoever answers at
    /// an address may be anyone: a DNS answer, someone on the path), and once it is gone
    /// the address is dialed again, whoever answers then.
    answered: Option<PeerId>,
}

impl BootstrapPeer {
    /// Its peer id under its organisation's current key: one that rotated its key is
    /// dialed under the new one, as at the start. `None` when given without its id.
    fn current(&self, trust: &TrustSet) -> Option<PeerId> {
        let named = self.named?;
        Some(rotated_peer(&named, trust).unwrap_or(named))
    }
}

/// `addr` without its last part when that is `/p2p/<id>`, and that id.
fn split_peer(addr: &Multiaddr) -> (Multiaddr, Option<PeerId>) {
    let mut address = addr.clone();
    match address.pop() {
        Some(Protocol::P2p(peer)) => (address, Some(peer)),
        _ => (addr.clone(), None),
    }
}

pub struct Bootstrap {
    peers: Vec<BootstrapPeer>,
    next_redial: Option<Instant>,
    /// The next wait while connected to no one; back to [`FIRST_WAIT`] once a bootstrap
    /// peer is reached.
    alone_wait: Duration,
}

impl Bootstrap {
    pub fn new(addrs: Vec<Multiaddr>) -> Bootstrap {
        Bootstrap {
            peers: addrs
                .iter()
                .map(|addr| {
                    let (address, named) = split_peer(addr);
                    BootstrapPeer {
                        address,
                        named,
                        answered: None,
                    }
                })
                .collect(),
            next_redial: None,
            alone_wait: FIRST_WAIT,
        }
    }

    /// Whether `peer` is a bootstrap peer named by its id (under its organisation's
    /// current key).
    pub fn contains(&self, peer: &PeerId, trust: &TrustSet) -> bool {
        self.peers
            .iter()
            .any(|known| known.named == Some(*peer) || known.current(trust) == Some(*peer))
    }

    /// This node dialed `peer` at `dialed`: a bootstrap peer given there without its id
    /// answers as `peer` for now.
    pub fn on_dialed(&mut self, peer: PeerId, dialed: &Multiaddr) {
        let (address, _) = split_peer(dialed);
        for known in &mut self.peers {
            if known.named.is_none() && known.address == address {
                tracing::debug!(%peer, %address, "a bootstrap peer given without its id answered");
                known.answered = Some(peer);
            }
        }
    }

    /// Called every second: dials the bootstrap peers not connected when it is time.
    pub fn redial(&mut self, swarm: &mut Swarm<Behaviour>, trust: &TrustSet, now: Instant) {
        let alone = swarm.connected_peers().next().is_none();
        // Only a bootstrap peer reached starts the waits afresh: any peer could connect
        // for a second and leave, over and over, to make this node dial every second.
        let reached = |known: &BootstrapPeer| {
            (known.current(trust).or(known.answered)).is_some_and(|p| swarm.is_connected(&p))
        };
        if self.peers.iter().any(reached) {
            self.alone_wait = FIRST_WAIT;
        }
        if let Some(at) = self.next_redial
            && now < at
            // A node that just lost its last peer does not wait out the minute.
            && !(alone && at > now + self.alone_wait)
        {
            return;
        }
        let first = self.next_redial.is_none();
        self.next_redial = Some(now + self.next_wait(alone));
        for (peer, address) in self.to_dial(trust, |peer| swarm.is_connected(peer)) {
            let opts = match peer {
                Some(peer) => DialOpts::peer_id(peer)
                    .addresses(vec![address.clone()])
                    .condition(PeerCondition::DisconnectedAndNotDialing)
                    .build(),
                None => DialOpts::unknown_peer_id().address(address.clone()).build(),
            };
            match swarm.dial(opts) {
                Ok(()) if first => {
                    tracing::debug!(peer = ?peer, %address, "dialing a bootstrap peer")
                }
                Ok(()) => {
                    tracing::debug!(peer = ?peer, %address, alone, "dialing a bootstrap peer again")
                }
                Err(e) if first => {
                    tracing::warn!(%address, error = %e, "cannot dial bootstrap peer")
                }
                Err(_) => {}
            }
        }
        if first {
            self.say_rotated(trust);
        }
    }

    /// Tells the operator which bootstrap peers rotated their key: dialed under the new
    /// one, but the list still names the old.
    fn say_rotated(&self, trust: &TrustSet) {
        for known in &self.peers {
            if let (Some(named), Some(current)) = (known.named, known.current(trust))
                && named != current
            {
                tracing::warn!(given = %named, %current, address = %known.address, "a bootstrap peer rotated its key; dialing its current one (update the bootstrap list)");
            }
        }
    }

    /// The bootstrap peers to dial now: those not connected under their current id; one
    /// given without its id at its address alone, unless what answered there last is
    /// still connected.
    fn to_dial(
        &self,
        trust: &TrustSet,
        connected: impl Fn(&PeerId) -> bool,
    ) -> Vec<(Option<PeerId>, Multiaddr)> {
        self.peers
            .iter()
            .filter_map(|known| {
                let current = known.current(trust);
                let there = current.or(known.answered).is_some_and(|p| connected(&p));
                (!there).then(|| (current, known.address.clone()))
            })
            .collect()
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
    use crate::trust::{TrustConfig, TrustFacts};
    use wiel_protocol::{OrgKeypair, Timestamp};

    fn at(port: u16) -> Multiaddr {
        format!("/ip4/127.0.0.1/tcp/{port}").parse().unwrap()
    }

    #[test]
    fn a_bootstrap_peer_is_redialed_under_its_current_key_and_one_given_bare_at_its_address() {
        let (old, new) = (
            OrgKeypair::generate().public(),
            OrgKeypair::generate().public(),
        );
        let [old_id, new_id] = [old, new].map(|k| super::super::peers::peer_id_of(&k).unwrap());
        let facts = TrustFacts {
            rotations: vec![(old, new, Timestamp::now())],
            ..TrustFacts::default()
        };
        let own = OrgKeypair::generate().public();
        let rotated = TrustSet::compute(&TrustConfig::default(), own, &facts);
        let mut b = Bootstrap::new(vec![at(4001).with_p2p(old_id).unwrap(), at(4002)]);
        let nobody = |_: &PeerId| false;
        assert_eq!(
            b.to_dial(&TrustSet::default(), nobody),
            vec![(Some(old_id), at(4001)), (None, at(4002))],
            "as given, the one without its id at its address alone"
        );
        assert_eq!(
            b.to_dial(&rotated, nobody),
            vec![(Some(new_id), at(4001)), (None, at(4002))],
            "the organisation rotated its key: dialed under the new one"
        );
        assert_eq!(
            b.to_dial(&rotated, |p| *p == new_id),
            vec![(None, at(4002))]
        );

        assert!(b.contains(&old_id, &rotated) && b.contains(&new_id, &rotated));

        let (answered, next) = (PeerId::random(), PeerId::random());
        b.on_dialed(answered, &at(4003));
        let connected = |p: &PeerId| *p == new_id || *p == answered;
        assert_eq!(
            b.to_dial(&rotated, connected),
            vec![(None, at(4002))],
            "another address teaches nothing"
        );
        b.on_dialed(answered, &at(4002).with_p2p(answered).unwrap());
        assert!(
            b.to_dial(&rotated, connected).is_empty(),
            "what answered there is connected"
        );
        assert!(
            !b.contains(&answered, &rotated),
            "whoever answers at an address is chosen for nothing"
        );
        // Gone: the address is dialed again, whoever answers there then.
        assert_eq!(
            b.to_dial(&rotated, |p| *p == new_id),
            vec![(None, at(4002))]
        );
        b.on_dialed(next, &at(4002));
        assert!(
            b.to_dial(&rotated, |p| *p == new_id || *p == next)
                .is_empty()
        );
    }

    #[test]
    fn a_bootstrap_peer_through_a_relay_keeps_the_relays_id() {
        let (relay, seed) = (PeerId::random(), PeerId::random());
        let circuit = at(4001).with_p2p(relay).unwrap().with(Protocol::P2pCircuit);
        let b = Bootstrap::new(vec![
            circuit.clone().with_p2p(seed).unwrap(),
            circuit.clone(),
        ]);
        let nobody = |_: &PeerId| false;
        assert_eq!(
            b.to_dial(&TrustSet::default(), nobody),
            vec![(Some(seed), circuit.clone()), (None, circuit)]
        );
        assert!(b.contains(&seed, &TrustSet::default()));
        assert!(
            !b.contains(&relay, &TrustSet::default()),
            "the relay is not the bootstrap peer"
        );
    }

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
