//! Passing on what sync brought: ripples (entries a sync stored, reconciled soon with the
//! other followers of their space) and promotions (the entries of newly trusted authors,
//! offered to every peer).

use libp2p::PeerId;
use wiel_protocol::{OrgKey, SpaceName};

use super::super::peers::PeerTable;
use super::super::runs::Runs;
use super::super::serve::Server;
use super::{SyncHandler, Why};
use std::collections::HashSet;

impl SyncHandler {
    /// Passes on the entries of authors that became trusted (kept apart until now): they
    /// join this node's sync sets, and a round of sync with every peer offers them. (Not
    /// by gossip: gossipsub remembers their messages for two minutes and would drop them
    /// as duplicates.)
    pub fn promote(
        &mut self,
        server: &Server,
        runs: &mut Runs,
        authors: &[OrgKey],
        identified: &[PeerId],
    ) {
        let names: Vec<String> = authors.iter().map(|a| a.short()).collect();
        tracing::info!(authors = ?names, "passing on the entries of newly trusted organisations");
        for peer in identified {
            self.start(server, runs, *peer, None, Why::Promote);
        }
    }

    /// Entries of a space came in by sync from one peer: the other peers that follow the
    /// space may lack them too (a healed split), so reconcile with them soon. (A peer that
    /// does not follow it refuses the session.) Ends by itself: once the peers hold the
    /// same, nothing new is stored and nothing more is started.
    pub(super) fn start_ripples(&mut self, server: &Server, runs: &mut Runs, peers: &PeerTable) {
        let busy: HashSet<SpaceName> = self
            .sessions
            .values()
            .map(|s| s.space.clone())
            .chain(self.starting.keys().map(|(_, s)| s.clone()))
            .collect();
        let ready: Vec<(SpaceName, PeerId)> = self
            .ripples
            .iter()
            .filter(|(space, _)| !busy.contains(*space))
            .map(|(space, source)| (space.clone(), *source))
            .collect();
        for (space, source) in ready {
            self.ripples.remove(&space);
            for peer in &ripple_targets(peers, &space, source) {
                tracing::debug!(%peer, %space, "passing on what sync brought");
                self.start_session(server, runs, *peer, space.clone(), None, Why::Ripple);
            }
        }
    }
}

/// The peers a ripple of `space` reconciles with: the identified peers that follow it,
/// but the one the entries came from.
pub(super) fn ripple_targets(peers: &PeerTable, space: &SpaceName, source: PeerId) -> Vec<PeerId> {
    let mut targets = peers.following(space);
    targets.retain(|peer| *peer != source);
    targets
}
