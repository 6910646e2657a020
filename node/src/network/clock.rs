//! `/wiel/time/1`: asks each peer once, after identify, what its clock says, and answers
//! peers that ask. Entries dated more than ten minutes ahead of a node's clock are not
//! taken (yet), so a node whose clock is off loses entries without a word; `wiel doctor`
//! compares this node's clock with its peers' (the middle of their offsets: one peer that
//! lies moves nothing).

use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use libp2p::request_response::{self, OutboundRequestId};
use libp2p::{PeerId, Swarm};
use serde::{Deserialize, Serialize};

use super::Behaviour;
use super::peers::PeerTable;

pub const PROTOCOL: &str = "/wiel/time/1";

/// "What time is it?"
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimeRequest {}

/// Milliseconds since 1970 by the answering peer's clock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimeResponse {
    pub unix_ms: i64,
}

fn unix_ms(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// An offset beyond this (about ten years) is no clock but a peer playing: not kept.
const MAX_OFFSET_MS: i64 = 10 * 366 * 24 * 60 * 60 * 1000;

/// How far a peer's clock is ahead of ours (negative: behind), in milliseconds: its answer
/// against our clock halfway through the round trip. `None` for an answer no clock gives.
pub fn offset_ms(asked_at: SystemTime, round_trip_ms: i64, theirs: i64) -> Option<i64> {
    let ours = unix_ms(asked_at).saturating_add(round_trip_ms / 2);
    let offset = theirs.saturating_sub(ours);
    (offset.unsigned_abs() <= MAX_OFFSET_MS.unsigned_abs()).then_some(offset)
}

/// The middle of some offsets (the lower middle of an even count); `None` for none.
pub fn middle(offsets: &mut [i64]) -> Option<i64> {
    if offsets.is_empty() {
        return None;
    }
    offsets.sort_unstable();
    Some(offsets[(offsets.len() - 1) / 2])
}

/// Questions out, by request.
#[derive(Default)]
pub(crate) struct ClockHandler {
    asked: HashMap<OutboundRequestId, (PeerId, SystemTime, Instant)>,
}

impl ClockHandler {
    /// Asks `peer` its time, once per connection (after its first identify).
    pub fn ask(&mut self, swarm: &mut Swarm<Behaviour>, peer: PeerId) {
        let id = swarm
            .behaviour_mut()
            .time
            .send_request(&peer, TimeRequest {});
        self.asked
            .insert(id, (peer, SystemTime::now(), Instant::now()));
    }

    pub fn on_event(
        &mut self,
        swarm: &mut Swarm<Behaviour>,
        peers: &mut PeerTable,
        event: request_response::Event<TimeRequest, TimeResponse>,
    ) {
        match event {
            request_response::Event::Message {
                message: request_response::Message::Request { channel, .. },
                ..
            } => {
                let answer = TimeResponse {
                    unix_ms: unix_ms(SystemTime::now()),
                };
                let _ = swarm.behaviour_mut().time.send_response(channel, answer);
            }
            request_response::Event::Message {
                peer,
                message:
                    request_response::Message::Response {
                        request_id,
                        response,
                    },
                ..
            } => {
                if let Some((asked, at, started)) = self.asked.remove(&request_id)
                    && asked == peer
                {
                    let round_trip = i64::try_from(started.elapsed().as_millis()).unwrap_or(0);
                    match offset_ms(at, round_trip, response.unix_ms) {
                        Some(offset) => peers.on_clock(&peer, offset),
                        None => tracing::debug!(%peer, "a peer's time is no time; ignored"),
                    }
                }
            }
            request_response::Event::OutboundFailure { request_id, .. } => {
                self.asked.remove(&request_id);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_peer_ahead_by_a_minute_is_seen_so_whatever_the_round_trip() {
        let asked = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let ours = unix_ms(asked);
        assert_eq!(offset_ms(asked, 0, ours + 60_000), Some(60_000));
        // Their answer was read halfway through a 200 ms trip.
        assert_eq!(offset_ms(asked, 200, ours + 100 + 60_000), Some(60_000));
        assert_eq!(offset_ms(asked, 200, ours + 100 - 5_000), Some(-5_000));
    }

    #[test]
    fn an_answer_no_clock_gives_is_ignored_and_never_overflows() {
        let asked = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        for theirs in [i64::MIN, -i64::MAX, i64::MAX, 0] {
            assert_eq!(offset_ms(asked, i64::MAX, theirs), None, "{theirs}");
        }
    }

    #[test]
    fn one_lying_peer_does_not_move_the_middle() {
        assert_eq!(middle(&mut []), None);
        assert_eq!(middle(&mut [40]), Some(40));
        assert_eq!(middle(&mut [10, -20, 3_600_000]), Some(10));
        assert_eq!(middle(&mut [5, -5, 7, 86_400_000]), Some(5));
    }
}
