//! The answering side of sync: a peer's request refused at once (over its rate, a space
//! not followed, too many ids) or answered off the swarm's loop from a snapshot of this
//! node's set; offers taken in as entries to fetch.

use libp2p::PeerId;
use libp2p::request_response::ResponseChannel;
use wiel_protocol::{EntryId, OrgKey, SpaceName};

use super::super::context::{Ctx, Outcome};
use super::super::runs::Origin;
use super::super::serve::{ServeState, Served};
use super::super::{MAX_OFFER_IDS, SyncRequest, SyncResponse};
use super::SyncHandler;
use crate::refusal::Refusal;

/// What the serving thread made of a peer's sync request.
pub(in crate::network) struct Answered {
    response: SyncResponse,
    /// The peer asked what no honest session asks.
    blame: bool,
    /// The space of a session the peer began with us, for `wiel status`.
    began: Option<SpaceName>,
    /// Entries the peer offered that this node lacks: to fetch.
    lacking: Option<(SpaceName, Vec<EntryId>)>,
}

impl SyncHandler {
    /// A peer asks something of us: refused at once when over its rate, about a space we
    /// do not follow, or while the serving thread has no room; otherwise answered off the
    /// loop.
    pub(super) fn on_request(
        &mut self,
        ctx: &mut Ctx,
        peer: PeerId,
        request: SyncRequest,
        channel: ResponseChannel<SyncResponse>,
    ) {
        let refuse = if !ctx.guard.allow_sync(peer) {
            ctx.counters.reject(Refusal::SyncRateLimited);
            true
        } else if !ctx.server.has_room() {
            // Busy: said at once, the peer ends its session (nobody's fault) and settles
            // the space later, instead of waiting out its round's timeout for nothing.
            ctx.counters.reject(Refusal::ServeBusy);
            true
        } else {
            match &request {
                SyncRequest::Symbols { space, .. } => !self.spaces.contains(space),
                SyncRequest::Offer { space, ids } => {
                    !self.spaces.contains(space) || ids.len() > MAX_OFFER_IDS
                }
            }
        };
        if refuse {
            let _ = ctx
                .swarm
                .behaviour_mut()
                .sync
                .send_response(channel, SyncResponse::Refused);
            return;
        }
        let queued = ctx.server.serve_peer(move |state| Served::Sync {
            peer,
            channel,
            answer: answer(state, peer, request),
        });
        if !queued {
            ctx.counters.reject(Refusal::ServeBusy);
        }
    }

    /// The serving thread answered a peer's request: send it, note the session; blame the
    /// peer for a request no honest session makes, and fetch what it offered that we lack.
    pub(super) fn on_answered(
        &mut self,
        ctx: &mut Ctx,
        org_key: Option<OrgKey>,
        peer: PeerId,
        channel: ResponseChannel<SyncResponse>,
        answer: Answered,
    ) -> Outcome {
        let _ = ctx
            .swarm
            .behaviour_mut()
            .sync
            .send_response(channel, answer.response);
        if let Some(space) = answer.began {
            self.session_count += 1;
            self.record(&space, peer, org_key, 0, self.session_count);
        }
        let mut outcome = Outcome::default();
        if answer.blame {
            ctx.counters.reject(Refusal::SyncOutOfRange);
            outcome.blame.push(peer);
        }
        outcome.fetch = answer.lacking.map(|(space, ids)| {
            self.session_count += 1;
            self.record(&space, peer, org_key, ids.len() as u64, self.session_count);
            let origin = Origin {
                space: Some(space),
                session: Some(self.session_count),
                claimed: true,
                ..Origin::default()
            };
            (peer, ids, origin)
        });
        outcome
    }
}

/// Answers a peer's sync request from the store (on the serving thread).
fn answer(state: &mut ServeState, peer: PeerId, request: SyncRequest) -> Answered {
    let mut answered = Answered {
        response: SyncResponse::Refused,
        blame: false,
        began: None,
        lacking: None,
    };
    match request {
        SyncRequest::Symbols {
            space,
            start,
            count,
        } => {
            let Some((set, began)) = state.session_set(peer, &space, start) else {
                // Its snapshot is gone: answered from another set, the session would not
                // decode. Refused (nobody's fault); the peer starts again later.
                tracing::debug!(%peer, %space, start, "a sync round whose snapshot is gone: refused");
                return answered;
            };
            tracing::debug!(%peer, %space, start, count, entries = set.len(), "answering a sync round");
            // No honest session asks past twice the two sets' size.
            if start > 4 * set.len() + 2 * u64::from(crate::reconcile::MAX_FRAME_SYMBOLS) {
                answered.blame = true;
                return answered;
            }
            answered.began = began.then_some(space);
            answered.response = SyncResponse::Symbols {
                fingerprint: set.fingerprint(),
                symbols: serde_bytes::ByteBuf::from(set.encode(start, count)),
            };
        }
        SyncRequest::Offer { space, ids } => {
            let lacking: Vec<EntryId> = state.lacking(ids);
            answered.lacking = Some((space, lacking));
            answered.response = SyncResponse::Taken;
        }
    }
    answered
}
