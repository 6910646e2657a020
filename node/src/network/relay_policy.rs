//! What a seed relays, and for whom: organisations it trusts as much as a catch-up sync
//! between them needs (circuits of up to 256 MiB and 30 minutes); strangers — keys the seed
//! does not trust — a reservation and a few circuits now and then: each stranger, each
//! network they come from (an IPv4 /24, an IPv6 /48) and all strangers together bounded,
//! so that a thousand fresh keys from one place cannot fill a seed, nor keep other
//! strangers out.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::{Multiaddr, PeerId, relay};

use super::peers::org_key_of;
use crate::rate::TokenBucket;
use crate::trust::TrustState;

/// A stranger's reservations: four now (a node restarted a few times), then one every ten
/// minutes (a reservation lasts an hour and is renewed before it ends).
const STRANGER_RESERVATIONS: (f64, f64) = (1.0 / 600.0, 4.0);
/// A stranger's circuits: four now, then one every five minutes.
const STRANGER_CIRCUITS: (f64, f64) = (1.0 / 300.0, 4.0);
/// All strangers together: this many times one stranger's allowance.
const ALL_STRANGERS: f64 = 50.0;
/// All strangers from one network (/24, /48): this many times one stranger's allowance.
const ONE_NETWORK: f64 = 4.0;
/// Strangers remembered; past it, the oldest are forgotten.
const MAX_STRANGERS: usize = 10_000;

pub fn config(trust: &TrustState) -> relay::Config {
    let mut config = relay::Config {
        max_reservations: 512,
        max_reservations_per_peer: 4,
        reservation_duration: Duration::from_secs(60 * 60),
        max_circuits: 128,
        max_circuits_per_peer: 8,
        max_circuit_duration: Duration::from_secs(30 * 60),
        max_circuit_bytes: 256 * 1024 * 1024,
        // In place of the library's own rates (30 reservations a peer in two minutes,
        // whoever it is): the ones below, for strangers only.
        reservation_rate_limiters: Vec::new(),
        circuit_src_rate_limiters: Vec::new(),
    };
    config
        .reservation_rate_limiters
        .push(Box::new(Strangers::new(
            trust.clone(),
            STRANGER_RESERVATIONS,
        )));
    config
        .circuit_src_rate_limiters
        .push(Box::new(Strangers::new(trust.clone(), STRANGER_CIRCUITS)));
    config
}

/// A rate for strangers only: organisations the node trusts always pass.
pub struct Strangers {
    trust: TrustState,
    /// Tokens a second, and at most saved up, for one stranger.
    rate: (f64, f64),
    each: HashMap<PeerId, (TokenBucket, Instant)>,
    networks: HashMap<Vec<u8>, (TokenBucket, Instant)>,
    all: TokenBucket,
}

/// The network an address is in: the first three bytes of IPv4, six of IPv6.
pub(super) fn network_of(addr: &Multiaddr) -> Option<Vec<u8>> {
    addr.iter().find_map(|p| match p {
        libp2p::multiaddr::Protocol::Ip4(ip) => Some(ip.octets()[..3].to_vec()),
        libp2p::multiaddr::Protocol::Ip6(ip) => Some(ip.octets()[..6].to_vec()),
        _ => None,
    })
}

/// Takes a token from `key`'s bucket in `buckets`, made with `rate` if new; the least
/// recently seen is forgotten past [`MAX_STRANGERS`].
fn take<K: std::hash::Hash + Eq + Clone>(
    buckets: &mut HashMap<K, (TokenBucket, Instant)>,
    key: K,
    (rate, burst): (f64, f64),
    now: Instant,
) -> bool {
    if buckets.len() >= MAX_STRANGERS
        && !buckets.contains_key(&key)
        && let Some(oldest) = buckets
            .iter()
            .min_by_key(|(_, (_, seen))| *seen)
            .map(|(k, _)| k.clone())
    {
        buckets.remove(&oldest);
    }
    let (bucket, seen) = buckets
        .entry(key)
        .or_insert_with(|| (TokenBucket::new(rate, burst), now));
    *seen = now;
    bucket.take()
}

impl Strangers {
    pub fn new(trust: TrustState, (rate, burst): (f64, f64)) -> Strangers {
        Strangers {
            trust,
            rate: (rate, burst),
            each: HashMap::new(),
            networks: HashMap::new(),
            all: TokenBucket::new(rate * ALL_STRANGERS, burst * ALL_STRANGERS),
        }
    }

    pub fn allows(&mut self, peer: PeerId, addr: &Multiaddr, now: Instant) -> bool {
        if org_key_of(&peer).is_some_and(|key| self.trust.current().is_trusted(&key)) {
            return true;
        }
        let (rate, burst) = self.rate;
        // Its network's allowance, then its own, then all strangers': one that has none
        // left takes nothing from the others'.
        let network_ok = match network_of(addr) {
            Some(network) => take(
                &mut self.networks,
                network,
                (rate * ONE_NETWORK, burst * ONE_NETWORK),
                now,
            ),
            None => true,
        };
        network_ok && take(&mut self.each, peer, self.rate, now) && self.all.take()
    }
}

impl relay::RateLimiter for Strangers {
    fn try_next(&mut self, peer: PeerId, addr: &Multiaddr, now: Instant) -> bool {
        self.allows(peer, addr, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiel_protocol::OrgKeypair;

    fn peer(key: &OrgKeypair) -> PeerId {
        key.to_libp2p().public().to_peer_id()
    }

    #[test]
    fn trusted_organisations_pass_strangers_get_a_little_and_a_thousand_keys_not_much_more() {
        let own = OrgKeypair::generate();
        let dir = tempfile::tempdir().unwrap();
        let store = wiel_store::Store::open(dir.path()).unwrap();
        let trust =
            TrustState::load(own.public(), crate::trust::TrustConfig::default(), &store).unwrap();
        let mut limiter = Strangers::new(trust, STRANGER_CIRCUITS);
        let now = Instant::now();
        let at = |n: u8| -> Multiaddr { format!("/ip4/203.0.113.{n}/tcp/4001").parse().unwrap() };
        for _ in 0..1000 {
            assert!(
                limiter.allows(peer(&own), &at(1), now),
                "its own organisation"
            );
        }
        let stranger = OrgKeypair::generate();
        let allowed = (0..100)
            .filter(|_| limiter.allows(peer(&stranger), &at(2), now))
            .count();
        assert_eq!(allowed, 4, "a stranger's burst");
        // A thousand fresh keys from one network: one network's allowance, no more; the
        // shared allowance is left for strangers elsewhere.
        let fresh = (0..1000)
            .filter(|_| limiter.allows(peer(&OrgKeypair::generate()), &at(3), now))
            .count();
        assert!(
            fresh <= 16,
            "{fresh} circuits for fresh keys from one network"
        );
        let elsewhere: Multiaddr = "/ip4/198.51.100.7/tcp/4001".parse().unwrap();
        assert!(limiter.allows(peer(&OrgKeypair::generate()), &elsewhere, now));
        assert!(
            limiter.allows(peer(&own), &at(1), now),
            "still its own organisation"
        );
    }
}
