//! Dialing peers, and following one that rotated its key. A node's peer id is its
//! organisation key, so a rotation changes it and every address written down as
//! `…/p2p/<old id>` would stop working. A dial that reaches another id than the address
//! named is followed when the trust set says that id is the named key's current one (see
//! [`crate::trust::TrustSet::current_key`]); when this node does not know of such a
//! rotation yet, the connection is kept provisionally: sync brings the rotation entry if
//! there is one, and a peer that has not shown it succeeded the named key within
//! [`PROVE_WITHIN`] is let go.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libp2p::swarm::dial_opts::DialOpts;
use libp2p::swarm::{ConnectionId, DialError};
use libp2p::{Multiaddr, PeerId, Swarm};
use tokio::sync::oneshot;

use super::Behaviour;
use super::client::{DialFailure, NetworkError};
use super::peers::{follow_rotation, peer_of, without_peer};
use crate::text::one_line;
use crate::trust::TrustSet;

/// How long a peer met under another id has to show that it succeeded the id dialed.
const PROVE_WITHIN: Duration = Duration::from_secs(15);

/// How long a peer `wiel connect` reached has to say who it is (identify) before the
/// command hears that it did not.
const IDENTIFY_WITHIN: Duration = Duration::from_secs(10);

type Reply = oneshot::Sender<Result<(), NetworkError>>;

/// A peer dialed under another id than the address named, until it shows it succeeded it.
struct Provisional {
    named: PeerId,
    address: String,
    since: Instant,
    reply: Option<Reply>,
}

#[derive(Default)]
pub(super) struct Dials {
    /// `wiel connect` waits for its own connection attempt, whatever peer answers.
    /// (The address, who waits, and whether until the peer said who it is.)
    pending: HashMap<ConnectionId, (String, Reply, bool)>,
    provisional: HashMap<PeerId, Provisional>,
    /// Connected, and waiting for the peer to say who it is: only then does `wiel connect`
    /// hear "connected" (a node of another network is refused at that moment).
    identifying: HashMap<PeerId, Vec<(String, Reply, Instant)>>,
}

impl Dials {
    /// Dials `addr` (under the current id of the organisation it names, when that rotated
    /// its key); `reply` hears how it went: once connected, or (`until_identified`, for
    /// `wiel connect`) once the peer said who it is.
    pub fn dial(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        trust: &TrustSet,
        addr: Multiaddr,
        reply: Option<Reply>,
        until_identified: bool,
    ) {
        let (addr, followed) = match follow_rotation(&addr, trust) {
            Some(current) => {
                tracing::info!(given = %addr, %current, "the organisation behind this address rotated its key; dialing its current one");
                (current, true)
            }
            None => (addr, false),
        };
        // This node's own address (by its peer id, or where it listens): libp2p would dial
        // it and report a failed handshake.
        let own_id = peer_of(&addr).is_some_and(|p| p == *swarm.local_peer_id());
        let bare = without_peer(&addr);
        if own_id || swarm.listeners().any(|l| *l == bare) {
            if let Some(reply) = reply {
                let _ = reply.send(Err(NetworkError::Dial {
                    addr: addr.to_string(),
                    reason: DialFailure::Itself,
                }));
            }
            return;
        }
        let connected = peer_of(&addr).filter(|p| swarm.is_connected(p));
        let opts = match connected {
            // Connected already under the id the address names: nothing to do.
            Some(_) if !followed => {
                if let Some(reply) = reply {
                    let _ = reply.send(Ok(()));
                }
                return;
            }
            // Connected to the organisation's current key elsewhere: still check that
            // this address reaches it, rather than say "connected" for any address.
            Some(peer) => DialOpts::peer_id(peer)
                .addresses(vec![without_peer(&addr)])
                .condition(libp2p::swarm::dial_opts::PeerCondition::Always)
                .build(),
            None => DialOpts::from(addr.clone()),
        };
        let connection = opts.connection_id();
        match swarm.dial(opts) {
            Ok(()) => {
                if let Some(reply) = reply {
                    self.pending
                        .insert(connection, (addr.to_string(), reply, until_identified));
                }
            }
            Err(e) => {
                tracing::warn!(%addr, error = %one_line(&e.to_string()), "cannot dial");
                let blocked = matches!(&e, DialError::Denied { cause }
                    if cause.downcast_ref::<libp2p::allow_block_list::Blocked>().is_some());
                if let Some(reply) = reply {
                    let _ = reply.send(Err(NetworkError::Dial {
                        addr: addr.to_string(),
                        reason: if blocked {
                            DialFailure::Blocked
                        } else {
                            DialFailure::of(&e.to_string())
                        },
                    }));
                }
            }
        }
    }

    /// A connection was made.
    pub fn on_established(&mut self, connection: ConnectionId, peer: PeerId) {
        if let Some((address, reply, until_identified)) = self.pending.remove(&connection) {
            match self.provisional.get_mut(&peer) {
                Some(p) => p.reply = Some(reply),
                None if !until_identified => {
                    let _ = reply.send(Ok(()));
                }
                None => {
                    self.identifying
                        .entry(peer)
                        .or_default()
                        .push((address, reply, Instant::now()))
                }
            }
        }
    }

    /// The last connection to `peer` closed: a `wiel connect` still waiting hears that the
    /// other side broke off before saying who it is (a node of another network does so).
    pub fn on_gone(&mut self, peer: &PeerId) {
        self.on_identified(*peer, Some(DialFailure::HungUp));
    }

    /// The peer said who it is: on this network (`None`), or not (why not).
    pub fn on_identified(&mut self, peer: PeerId, refused: Option<DialFailure>) {
        for (address, reply, _) in self.identifying.remove(&peer).unwrap_or_default() {
            let _ = reply.send(match &refused {
                None => Ok(()),
                Some(reason) => Err(NetworkError::Dial {
                    addr: address,
                    reason: reason.clone(),
                }),
            });
        }
    }

    /// A dial failed. When it reached another peer id than the address named, that peer is
    /// dialed under its own id, and followed (see the module's doc).
    pub fn on_error(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        trust: &TrustSet,
        connection: ConnectionId,
        named: Option<PeerId>,
        error: &DialError,
    ) {
        let pending = self.pending.remove(&connection);
        if let (DialError::WrongPeerId { obtained, address }, Some(named)) = (error, named)
            && let Ok(address) = without_peer(address).with_p2p(*obtained)
        {
            let known = without_peer(&address)
                .with_p2p(named)
                .ok()
                .and_then(|a| follow_rotation(&a, trust))
                .is_some_and(|a| peer_of(&a) == Some(*obtained));
            if known {
                tracing::info!(%named, %obtained, %address, "this peer rotated its key; following it to its new peer id (update the address wherever it is written down)");
            } else {
                tracing::info!(%named, %obtained, %address, "another peer id than the address says; connecting to see whether it succeeded the one named");
                self.provisional.insert(
                    *obtained,
                    Provisional {
                        named,
                        address: address.to_string(),
                        since: Instant::now(),
                        reply: None,
                    },
                );
            }
            let opts = DialOpts::from(address);
            let next = opts.connection_id();
            if swarm.dial(opts).is_ok() {
                if let Some(pending) = pending {
                    self.pending.insert(next, pending);
                }
                return;
            }
            self.provisional.remove(obtained);
        }
        if let Some((addr, reply, _)) = pending {
            tracing::info!(%addr, error = %one_line(&error.to_string()), "dial failed");
            let _ = reply.send(Err(NetworkError::Dial {
                addr,
                reason: DialFailure::of(&error.to_string()),
            }));
        }
    }

    /// Each second: confirms provisional peers that showed they succeeded the key named;
    /// returns those whose time ran out, to disconnect.
    pub fn on_tick(&mut self, trust: &TrustSet, now: Instant) -> Vec<PeerId> {
        for waiting in self.identifying.values_mut() {
            for (address, reply, _) in waiting.extract_if(.., |(_, _, since)| {
                now.duration_since(*since) >= IDENTIFY_WITHIN
            }) {
                let _ = reply.send(Err(NetworkError::Dial {
                    addr: address,
                    reason: DialFailure::NoIdentify,
                }));
            }
        }
        self.identifying.retain(|_, waiting| !waiting.is_empty());
        let mut expired = Vec::new();
        self.provisional.retain(|peer, p| {
            let succeeded = super::peers::org_key_of(&p.named)
                .and_then(|named| trust.current_key(&named))
                .is_some_and(|current| Some(current) == super::peers::org_key_of(peer));
            if succeeded {
                tracing::info!(named = %p.named, current = %peer, "the peer showed it succeeded the key named; following it (update the address wherever it is written down)");
                if let Some(reply) = p.reply.take() {
                    let _ = reply.send(Ok(()));
                }
                return false;
            }
            if now.duration_since(p.since) < PROVE_WITHIN {
                return true;
            }
            tracing::warn!(named = %p.named, found = %peer, address = %p.address, "the node at this address is not the one named and did not show it succeeded it; letting it go");
            if let Some(reply) = p.reply.take() {
                let _ = reply.send(Err(NetworkError::Dial {
                    addr: p.address.clone(),
                    reason: DialFailure::NotTheNodeNamed {
                        found: peer.to_string(),
                        named: p.named.to_string(),
                    },
                }));
            }
            expired.push(*peer);
            false
        });
        expired
    }
}
