//! The bench's tallies: the nodes' counters added up, and what changed between two looks.

use std::sync::atomic::{AtomicU64, Ordering};

use wiel_node::network::Counters;
use wiel_tests::inprocess::InProcess;

pub type Counted = std::collections::BTreeMap<&'static str, u64>;

/// Counts by label of `nodes`, added up; `counted` picks which of a node's.
fn add_up(nodes: &[&InProcess], counted: impl Fn(&InProcess) -> Counted) -> Counted {
    let mut sum = Counted::new();
    for node in nodes {
        for (label, n) in counted(node) {
            *sum.entry(label).or_default() += n;
        }
    }
    sum
}

/// "label n, label n", or "none".
pub fn listed(sum: &Counted) -> String {
    let parts: Vec<String> = sum.iter().map(|(l, n)| format!("{l} {n}")).collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

/// What `nodes` refused or dropped, added up by reason (see `Refusal`): one line.
pub fn refusals(nodes: &[&InProcess]) -> String {
    listed(&add_up(nodes, |node| node.running.counters.rejected()))
}

/// The sync sessions `nodes` started, added up: by why, and by how they ended.
pub fn session_counts(nodes: &[&InProcess]) -> [Counted; 2] {
    [0, 1].map(|i| {
        add_up(nodes, |node| {
            node.running.counters.sync_sessions()[i].clone()
        })
    })
}

/// [`session_counts`] as one line.
pub fn sync_sessions(nodes: &[&InProcess]) -> String {
    let [started, ended] = session_counts(nodes);
    format!("started: {}; ended: {}", listed(&started), listed(&ended))
}

/// One counter of `nodes`, added up.
fn total(nodes: &[&InProcess], counter: impl Fn(&Counters) -> &AtomicU64) -> u64 {
    nodes
        .iter()
        .map(|node| counter(&node.running.counters).load(Ordering::Relaxed))
        .sum()
}

/// Connections `nodes` made, all together (each counted at both ends).
pub fn connections_made(nodes: &[&InProcess]) -> u64 {
    total(nodes, |c| &c.connections_made)
}

/// What `nodes` did, added up: [`session_counts`], with the entries stored ("stored", by
/// gossip or sync), the valid entries that came again after they were stored
/// ("held_already"), the gossip messages not sent in time ("not_sent") and the
/// connections made ("connections") beside the sessions started.
pub fn activity(nodes: &[&InProcess]) -> [Counted; 2] {
    let [mut started, ended] = session_counts(nodes);
    started.insert("stored", total(nodes, |c| &c.stored));
    started.insert("held_already", total(nodes, |c| &c.duplicates));
    started.insert("not_sent", total(nodes, |c| &c.gossip_not_sent));
    started.insert("connections", connections_made(nodes));
    [started, ended]
}

/// `now` less `before`, label by label (a restarted node's counts start again at 0:
/// never below 0).
pub fn since(now: &Counted, before: &Counted) -> Counted {
    now.iter()
        .map(|(l, n)| (*l, n.saturating_sub(before.get(l).copied().unwrap_or(0))))
        .filter(|(_, n)| *n > 0)
        .collect()
}
