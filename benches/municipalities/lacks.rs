//! Who lacks what while the network converges: by group, and, once few nodes lack
//! anything, each of them with what its peers hold.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use wiel_protocol::SpaceName;
use wiel_tests::inprocess::InProcess;

/// A running member as these reports see it: its node and the spaces it follows.
pub type Seen<'a> = (Option<&'a InProcess>, &'a [SpaceName]);

/// For each member, for each of its spaces, how many entries it lacks against the fullest
/// follower of that space (`None`: not running).
pub type Lacks = Vec<Option<Vec<u64>>>;

/// [`Lacks`] of `members`, read once for both reports.
pub fn lacks(members: &[Seen]) -> Lacks {
    let counts: Vec<Option<Vec<u64>>> = members
        .iter()
        .map(|(node, spaces)| {
            Some(
                (*node)?
                    .fingerprints(spaces)
                    .iter()
                    .map(|p| p.count)
                    .collect(),
            )
        })
        .collect();
    let mut fullest: HashMap<&SpaceName, u64> = HashMap::new();
    for ((_, spaces), c) in members.iter().zip(&counts) {
        for (space, count) in spaces.iter().zip(c.iter().flatten()) {
            let most = fullest.entry(space).or_default();
            *most = (*most).max(*count);
        }
    }
    members
        .iter()
        .zip(counts)
        .map(|((_, spaces), c)| {
            Some(
                spaces
                    .iter()
                    .zip(c?)
                    .map(|(space, count)| fullest[space] - count)
                    .collect(),
            )
        })
        .collect()
}

/// What the running members of `away` and of the others lack: for each group, how many
/// hold fewer entries of one of their spaces than its fullest follower, and the median of
/// what those lack.
pub fn lagging(lacks: &Lacks, away: &[usize]) -> [(usize, u64); 2] {
    let mut lacking: [Vec<u64>; 2] = [Vec::new(), Vec::new()];
    for (i, lack) in lacks.iter().enumerate() {
        let missing: u64 = lack.iter().flatten().sum();
        if missing > 0 {
            lacking[usize::from(!away.contains(&i))].push(missing);
        }
    }
    lacking.map(|mut group| {
        group.sort_unstable();
        (
            group.len(),
            group.get(group.len() / 2).copied().unwrap_or(0),
        )
    })
}

/// Once at most `few` members lack anything: one line for each, with each space it lacks
/// entries of, how many of its peers follow that space and how many of those hold it all,
/// and its sync sessions. Why the last ones wait.
pub async fn the_last(
    members: &[Seen<'_>],
    lacks: &Lacks,
    away: &[usize],
    few: usize,
) -> Vec<String> {
    let lacking: Vec<usize> = (0..members.len())
        .filter(|i| lacks[*i].as_ref().is_some_and(|l| l.iter().any(|n| *n > 0)))
        .collect();
    if lacking.is_empty() || lacking.len() > few {
        return Vec::new();
    }
    let index_of: HashMap<String, usize> = members
        .iter()
        .enumerate()
        .filter_map(|(i, (node, _))| Some(((*node)?.running.client.peer_id().to_string(), i)))
        .collect();
    let mut lines = Vec::new();
    for i in lacking {
        let (Some(node), spaces) = members[i] else {
            continue;
        };
        let peers = node.running.client.peers().await.unwrap_or_default();
        let mut parts = Vec::new();
        for (s, space) in spaces.iter().enumerate() {
            let lack = lacks[i].as_ref().map_or(0, |l| l[s]);
            if lack == 0 {
                continue;
            }
            let following: Vec<usize> = peers
                .iter()
                .filter(|p| p.spaces.contains(space))
                .filter_map(|p| index_of.get(&p.peer_id).copied())
                .collect();
            let full = following
                .iter()
                .filter(|j| {
                    let at = members[**j].1.iter().position(|x| x == space);
                    at.zip(lacks[**j].as_ref())
                        .is_some_and(|(at, l)| l[at] == 0)
                })
                .count();
            parts.push(format!(
                "{space} lacks {lack}, {} of its {} peers follow it, {full} of those hold it all",
                following.len(),
                peers.len()
            ));
        }
        let [started, ended] = node.running.counters.sync_sessions();
        let stored = node.running.counters.stored.load(Ordering::Relaxed);
        lines.push(format!(
            "    node {i} ({}, {stored} stored since it started): {}; sync started {started:?}, ended {ended:?}",
            if away.contains(&i) {
                "restarted"
            } else {
                "stayed"
            },
            parts.join("; ")
        ));
    }
    lines
}
