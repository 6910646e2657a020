//! The gossip protocol (gossipsub, one topic per space), both sides: publishing this
//! node's entries (and the outbox of those published while nobody listened), and taking
//! peers' messages to the ingest worker within each peer's rate and the queue's byte
//! budget, reporting the worker's verdict back to gossipsub.

use std::sync::atomic::Ordering;

use libp2p::gossipsub::{self, MessageAcceptance, MessageId, PublishError};
use libp2p::{PeerId, Swarm};
use wiel_protocol::{EntryId, SpaceName, Verified};
use wiel_store::Store;

use super::MAX_FETCH_IDS;
use super::context::{Ctx, Outcome};
use super::guard::PeerGuard;
use super::runs::Origin;
use super::worker::{Counters, Job};
use super::{self as behaviour, Behaviour};
use crate::refusal::Refusal;

/// Bytes of gossip waiting for verification at most; past it gossip is ignored (not
/// forwarded, nobody blamed) and fetched later by sync.
const MAX_GOSSIP_QUEUE_BYTES: u64 = 32 * 1024 * 1024;

pub(super) struct GossipHandler {
    store: Store,
    spaces: Vec<SpaceName>,
    /// The outbox may hold entries a new listener would take.
    outbox_dirty: bool,
}

impl GossipHandler {
    pub fn new(store: Store, spaces: Vec<SpaceName>) -> Self {
        Self {
            store,
            spaces,
            outbox_dirty: true,
        }
    }

    /// The space a topic belongs to, among those followed.
    pub fn space_of(&self, topic: &gossipsub::TopicHash) -> Option<SpaceName> {
        behaviour::space_of(topic, &self.spaces)
    }

    /// Publishes on the entry's space topic. `false` when no peer follows it yet: the entry
    /// stays in the outbox and goes out when one subscribes.
    pub fn publish(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        counters: &Counters,
        entry: &Verified,
    ) -> bool {
        let topic = behaviour::topic(&entry.header().space);
        let id = entry.id();
        match swarm
            .behaviour_mut()
            .gossipsub
            .publish(topic, entry.bytes().to_vec())
        {
            Ok(_) | Err(PublishError::Duplicate) => {
                counters
                    .gossip_bytes_out
                    .fetch_add(entry.bytes().len() as u64, Ordering::Relaxed);
                if let Err(e) = self.store.outbox_remove(&id) {
                    tracing::warn!(error = %e, "cannot update the outbox");
                }
                tracing::debug!(entry = %id.short(), "gossiped");
                true
            }
            Err(e) => {
                tracing::debug!(entry = %id.short(), reason = %e, "kept in the outbox");
                false
            }
        }
    }

    /// A peer subscribed to a topic: what waits in the outbox may go out now.
    /// A peer follows (or stops following) a space's topic: noted in the peer table; a
    /// new follower gets what waits in the outbox.
    pub fn on_subscription(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        peers: &mut super::peers::PeerTable,
        counters: &Counters,
        event: gossipsub::Event,
    ) {
        let (peer, topic, follows) = match event {
            gossipsub::Event::Subscribed { peer_id, topic } => (peer_id, topic, true),
            gossipsub::Event::Unsubscribed { peer_id, topic } => (peer_id, topic, false),
            _ => return,
        };
        let Some(space) = self.space_of(&topic) else {
            return;
        };
        peers.on_subscription(peer, space, follows);
        if follows {
            self.outbox_dirty = true;
            self.flush_outbox(swarm, counters);
        }
    }

    /// Each second: sends what waits in the outbox once there are peers.
    pub fn on_tick(&mut self, swarm: &mut Swarm<Behaviour>, counters: &Counters, peers: usize) {
        if self.outbox_dirty && peers > 0 {
            self.flush_outbox(swarm, counters);
        }
    }

    /// Gossips entries stored here (imported) that this node passes on.
    pub fn publish_stored(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        counters: &Counters,
        ids: &[wiel_protocol::EntryId],
    ) {
        for id in ids {
            if let Ok(Some(entry)) = self.store.get(id) {
                self.publish(swarm, counters, &entry);
            }
        }
    }

    /// Gossips what waits in the outbox (what stays is tried again when a peer
    /// subscribes).
    /// Returns how many entries stay in the outbox (no peer follows their space).
    pub fn flush_outbox(&mut self, swarm: &mut Swarm<Behaviour>, counters: &Counters) -> usize {
        self.outbox_dirty = false;
        let ids = match self.store.outbox() {
            Ok(ids) => ids,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the outbox");
                return 0;
            }
        };
        let mut kept = 0;
        for id in ids {
            match self.store.get(&id) {
                Ok(Some(entry)) => {
                    kept += usize::from(!self.publish(swarm, counters, &entry));
                }
                _ => {
                    let _ = self.store.outbox_remove(&id);
                }
            }
        }
        kept
    }

    /// A peer's message: to the worker, or ignored (not forwarded, nobody blamed) when the
    /// peer is past its rate or the worker's queue is full; then a sync with the peer
    /// catches up on it later.
    pub fn on_message(
        &mut self,
        ctx: &mut Ctx,
        source: PeerId,
        message_id: MessageId,
        message: gossipsub::Message,
    ) {
        let Ctx {
            swarm,
            guard,
            counters,
            jobs,
            ..
        } = ctx;
        let len = message.data.len() as u64;
        counters.gossip_bytes_in.fetch_add(len, Ordering::Relaxed);
        let refused = match intake(guard, counters, source, len) {
            Err(why) => Some(why),
            Ok(()) => {
                let job = Job::Gossip {
                    message_id: message_id.clone(),
                    source,
                    space: self.space_of(&message.topic),
                    data: message.data,
                };
                let sent = jobs.try_send(job).is_ok();
                if !sent {
                    release(counters, len);
                }
                (!sent).then_some(Refusal::Overloaded)
            }
        };
        if let Some(why) = refused {
            Self::report(swarm, &message_id, &source, MessageAcceptance::Ignore);
            counters.reject(why);
            guard.schedule_catch_up(source);
        }
    }

    /// The worker judged a peer's message: gossipsub forwards it or not; a sender of an
    /// invalid message is blamed; the targets it refers to that we lack are fetched.
    pub fn on_verdict(
        swarm: &mut Swarm<Behaviour>,
        message_id: MessageId,
        source: PeerId,
        acceptance: MessageAcceptance,
        missing: Vec<EntryId>,
    ) -> Outcome {
        Self::report(swarm, &message_id, &source, acceptance);
        verdict_outcome(source, acceptance, missing)
    }

    /// Tells gossipsub whether to forward a message (and whether its sender is to blame).
    pub fn report(
        swarm: &mut Swarm<Behaviour>,
        message_id: &MessageId,
        source: &PeerId,
        acceptance: MessageAcceptance,
    ) {
        swarm
            .behaviour_mut()
            .gossipsub
            .report_message_validation_result(message_id, source, acceptance);
    }
}

/// Whether a peer's message of `len` bytes may go to the worker: within the peer's rate,
/// and within the queue's byte budget, whose room it then takes (given back by
/// [`release`] if it is not sent after all; the worker gives it back when it receives
/// it). Otherwise why not: the message is ignored, nobody blamed, and sync catches up.
fn intake(
    guard: &mut PeerGuard,
    counters: &Counters,
    source: PeerId,
    len: u64,
) -> Result<(), Refusal> {
    if !guard.allow_gossip(source) {
        return Err(Refusal::RateLimited);
    }
    let queued = counters.gossip_queued_bytes.load(Ordering::Relaxed);
    if queued.saturating_add(len) > MAX_GOSSIP_QUEUE_BYTES {
        return Err(Refusal::Overloaded);
    }
    counters
        .gossip_queued_bytes
        .fetch_add(len, Ordering::Relaxed);
    Ok(())
}

/// Gives back the queue room [`intake`] took for a message that was not sent.
fn release(counters: &Counters, len: u64) {
    counters
        .gossip_queued_bytes
        .fetch_sub(len, Ordering::Relaxed);
}

/// What the loop does after the worker's verdict on a peer's message: a sender of an
/// invalid message is blamed; the targets it refers to that this node lacks are fetched
/// from it (it may or may not hold them), at most a fetch's worth.
fn verdict_outcome(
    source: PeerId,
    acceptance: MessageAcceptance,
    missing: Vec<EntryId>,
) -> Outcome {
    let mut outcome = Outcome::default();
    if acceptance == MessageAcceptance::Reject {
        outcome.blame.push(source);
    }
    if !missing.is_empty() {
        let ids = missing.into_iter().take(MAX_FETCH_IDS).collect();
        outcome.fetch = Some((source, ids, Origin::default()));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<EntryId> {
        (0..n)
            .map(|i| EntryId::from_bytes([(i % 251) as u8; 32]))
            .collect()
    }

    #[test]
    fn a_message_within_the_rate_and_budget_takes_its_room_and_gives_it_back_if_unsent() {
        let (mut guard, counters, peer) =
            (PeerGuard::default(), Counters::default(), PeerId::random());
        assert_eq!(intake(&mut guard, &counters, peer, 1_000), Ok(()));
        assert_eq!(counters.gossip_queued_bytes.load(Ordering::Relaxed), 1_000);
        release(&counters, 1_000);
        assert_eq!(counters.gossip_queued_bytes.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn a_peer_past_its_rate_is_ignored_not_blamed_and_others_go_on() {
        let (mut guard, counters) = (PeerGuard::default(), Counters::default());
        let (flooder, other) = (PeerId::random(), PeerId::random());
        let refused = (0..10_000)
            .map(|_| intake(&mut guard, &counters, flooder, 10))
            .find(Result::is_err);
        assert_eq!(refused, Some(Err(Refusal::RateLimited)));
        assert!(!Refusal::RateLimited.blames_sender());
        assert_eq!(intake(&mut guard, &counters, other, 10), Ok(()));
    }

    #[test]
    fn a_full_queue_ignores_what_does_not_fit_and_takes_no_room_for_it() {
        let (mut guard, counters, peer) =
            (PeerGuard::default(), Counters::default(), PeerId::random());
        counters
            .gossip_queued_bytes
            .store(MAX_GOSSIP_QUEUE_BYTES - 100, Ordering::Relaxed);
        assert_eq!(
            intake(&mut guard, &counters, peer, 101),
            Err(Refusal::Overloaded)
        );
        assert_eq!(
            counters.gossip_queued_bytes.load(Ordering::Relaxed),
            MAX_GOSSIP_QUEUE_BYTES - 100
        );
        assert!(!Refusal::Overloaded.blames_sender());
        assert_eq!(intake(&mut guard, &counters, peer, 100), Ok(()));
    }

    #[test]
    fn only_an_invalid_message_blames_and_what_it_lacks_is_fetched_a_fetch_at_a_time() {
        let peer = PeerId::random();
        let accepted = verdict_outcome(peer, MessageAcceptance::Accept, vec![]);
        assert!(accepted.blame.is_empty() && accepted.fetch.is_none());
        let ignored = verdict_outcome(peer, MessageAcceptance::Ignore, ids(3));
        assert!(ignored.blame.is_empty());
        let (from, wanted, _) = ignored.fetch.unwrap();
        assert_eq!((from, wanted.len()), (peer, 3));
        let rejected = verdict_outcome(peer, MessageAcceptance::Reject, ids(MAX_FETCH_IDS + 50));
        assert_eq!(rejected.blame, vec![peer]);
        assert_eq!(rejected.fetch.unwrap().1.len(), MAX_FETCH_IDS);
    }
}
