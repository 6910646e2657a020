//! `wiel doctor`: what the person who keeps a node running should know of it — does it
//! run, can others reach it and how, its peers and their clocks, disk, store, web page and
//! configuration — each finding one sentence with what to do. The facts are gathered by
//! the caller (a running node's status and peers, the disk, a probe of the web page); the
//! judgement is here, in one place.

use serde::{Deserialize, Serialize};
use wiel_lang::{Message, msg};

use crate::config::Config;
use crate::network::{Reachability, middle_offset};
use crate::wire::{PeerEntry, StatusView};

/// How a finding weighs.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// As it should be.
    Ok,
    /// Worth knowing; nothing to do.
    Note,
    /// Works, but not as well as it could: do something when there is time.
    Warn,
    /// Something is broken or soon will be: do something now.
    Fail,
}

/// What a finding is about (its stable name in `--json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    Config,
    Node,
    Reachability,
    Peers,
    HolePunching,
    Clock,
    Disk,
    Store,
    Web,
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub check: Check,
    pub health: Health,
    pub message: Message,
}

/// What `wiel doctor --json` prints: whether nothing failed, and each finding in the
/// reader's language.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DoctorReport {
    pub healthy: bool,
    pub findings: Vec<FindingView>,
}

/// One finding, as `wiel doctor --json` prints it.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FindingView {
    pub check: Check,
    pub health: Health,
    pub message: String,
}

impl DoctorReport {
    /// The report of `findings`, their messages in the reader's language.
    pub fn of(findings: &[Finding]) -> DoctorReport {
        DoctorReport {
            healthy: findings.iter().all(|f| f.health != Health::Fail),
            findings: findings
                .iter()
                .map(|f| FindingView {
                    check: f.check,
                    health: f.health,
                    message: f.message.text(),
                })
                .collect(),
        }
    }
}

/// Free and total bytes of the file system the data directory is on.
#[derive(Clone, Copy, Debug)]
pub struct DiskSpace {
    pub free: u64,
    pub total: u64,
}

/// What a probe of the web page's address (`[web] listen`) found.
#[derive(Clone, Debug)]
pub enum WebProbe {
    Answered,
    NoAnswer(String),
}

/// What the doctor looks at.
pub struct Facts<'a> {
    pub config: &'a Config,
    pub status: &'a StatusView,
    /// The running node's peers (empty when it does not run).
    pub peers: &'a [PeerEntry],
    pub disk: Option<DiskSpace>,
    /// `None` when no `[web] listen` is set.
    pub web: Option<WebProbe>,
}

/// Below this much free disk, or this share of it, a node is about to stop storing.
const DISK_FAIL_BYTES: u64 = 1 << 30;
const DISK_WARN_BYTES: u64 = 5 << 30;
const DISK_FAIL_SHARE: f64 = 0.02;
/// A clock this far from the peers' loses entries (dated ahead of it by more than ten
/// minutes, they are not taken) or has its own refused; past the note, say so.
const CLOCK_FAIL_MS: i64 = 5 * 60 * 1000;
const CLOCK_WARN_MS: i64 = 30 * 1000;
/// Seconds after which a connection still on a relay counts as one the punch failed for.
const PUNCH_TIME_S: u64 = 30;
/// Trusted peers whose clocks must have answered before ours is judged.
const CLOCK_PEERS: usize = 3;
/// Share of the kept-apart budget in use past which to warn.
const KEPT_APART_WARN: f64 = 0.9;

fn finding(check: Check, health: Health, message: Message) -> Finding {
    Finding {
        check,
        health,
        message,
    }
}

/// Every finding, in the order an operator reads them.
pub fn diagnose(facts: &Facts) -> Vec<Finding> {
    let connected = facts.status.network.as_ref().is_some_and(|n| n.peers > 0);
    let mut out = config_findings(facts.config, connected);
    match &facts.status.network {
        None => out.push(finding(
            Check::Node,
            Health::Fail,
            msg!("doctor-node-not-running"),
        )),
        Some(network) => {
            out.push(finding(
                Check::Node,
                Health::Ok,
                msg!("doctor-node-running", peer_id = network.peer_id.as_str()),
            ));
            let port = listen_port(facts.config);
            out.push(reachability(&network.reach, port));
            out.extend(peers(facts.peers, port));
            out.extend(hole_punching(facts.peers, &network.reach, port));
            out.push(clock(facts.peers));
        }
    }
    out.extend(disk(facts.disk));
    out.extend(store(facts.status));
    match &facts.web {
        Some(WebProbe::Answered) => {
            out.push(finding(Check::Web, Health::Ok, msg!("doctor-web-answers")))
        }
        Some(WebProbe::NoAnswer(why)) => out.push(finding(
            Check::Web,
            Health::Fail,
            msg!("doctor-web-no-answer", reason = why.as_str()),
        )),
        None => {}
    }
    out
}

/// `connected`: the running node has peers (found by a `--bootstrap` flag, mDNS, or
/// others dialing it): a missing bootstrap list is then nothing to warn about now.
fn config_findings(config: &Config, connected: bool) -> Vec<Finding> {
    let node = &config.node;
    let mut out = Vec::new();
    if node.bootstrap.is_empty() && node.bootstrap_dns.is_empty() && !node.seed && !connected {
        out.push(finding(
            Check::Config,
            Health::Warn,
            msg!("doctor-config-no-bootstrap"),
        ));
    }
    let loopback_only = !node.listen.is_empty()
        && node
            .listen
            .iter()
            .all(|a| a.contains("/127.0.0.1/") || a.contains("/::1/"));
    if loopback_only {
        out.push(finding(
            Check::Config,
            Health::Warn,
            msg!("doctor-config-loopback-only"),
        ));
    }
    if out.is_empty() {
        out.push(finding(Check::Config, Health::Ok, msg!("doctor-config-ok")));
    }
    out
}

/// The port others would reach this node on (the first TCP one it listens on), for advice
/// on what to forward.
fn listen_port(config: &Config) -> u64 {
    config
        .node
        .listen
        .iter()
        .filter_map(|a| a.parse::<libp2p::Multiaddr>().ok())
        .find_map(|a| {
            a.iter().find_map(|p| match p {
                libp2p::multiaddr::Protocol::Tcp(port) => Some(u64::from(port)),
                _ => None,
            })
        })
        .unwrap_or(4001)
}

fn reachability(reach: &crate::network::ReachView, port: u64) -> Finding {
    let relays = reach.relays.len();
    match reach.reachability {
        Reachability::Public => finding(
            Check::Reachability,
            Health::Ok,
            msg!(
                "doctor-reach-public",
                address = reach.public_addresses.join(", "),
                relays = if reach.relays_for_others { "yes" } else { "no" }
            ),
        ),
        Reachability::Private if relays > 0 => finding(
            Check::Reachability,
            Health::Ok,
            msg!("doctor-reach-private-relayed", count = relays, port = port),
        ),
        Reachability::Private => finding(
            Check::Reachability,
            Health::Fail,
            msg!("doctor-reach-private-alone", port = port),
        ),
        Reachability::Unknown if relays > 0 => finding(
            Check::Reachability,
            Health::Note,
            msg!("doctor-reach-unknown-relayed", count = relays),
        ),
        Reachability::Unknown if reach.seed => finding(
            Check::Reachability,
            Health::Warn,
            msg!("doctor-reach-seed-unknown"),
        ),
        Reachability::Unknown => finding(
            Check::Reachability,
            Health::Warn,
            msg!("doctor-reach-unknown"),
        ),
    }
}

fn peers(peers: &[PeerEntry], port: u64) -> Option<Finding> {
    let relayed = peers.iter().filter(|p| p.peer.relayed).count();
    let direct = peers.len() - relayed;
    Some(match (direct, relayed) {
        (0, 0) => finding(
            Check::Peers,
            Health::Fail,
            msg!("doctor-peers-none", port = port),
        ),
        (direct, relayed) => finding(
            Check::Peers,
            Health::Ok,
            msg!("doctor-peers", direct = direct, relayed = relayed),
        ),
    })
}

fn hole_punching(
    peers: &[PeerEntry],
    reach: &crate::network::ReachView,
    port: u64,
) -> Option<Finding> {
    let (done, failed) = (reach.punches_succeeded, reach.punches_failed);
    // Connections that stayed on a relay past the time a punch takes. (A failed punch is
    // counted on one side only: the one that tried last; the other sees its connection
    // stay relayed.)
    let relayed = peers
        .iter()
        .filter(|p| p.peer.relayed && p.peer.connected_s.unwrap_or(0) >= PUNCH_TIME_S)
        .count();
    if done == 0 && failed == 0 && relayed == 0 {
        return None;
    }
    Some(if done == 0 && relayed > 0 {
        // No punch succeeded and peers stay relayed: a NAT that picks a new port for every
        // destination (or a firewall that drops what it did not ask for) is in the way.
        finding(
            Check::HolePunching,
            Health::Warn,
            msg!(
                "doctor-punch-never",
                failed = failed,
                relayed = relayed,
                port = port
            ),
        )
    } else {
        finding(
            Check::HolePunching,
            Health::Ok,
            msg!("doctor-punch", done = done, failed = failed),
        )
    })
}

fn clock(peers: &[PeerEntry]) -> Finding {
    // Only organisations this node trusts, and enough of them that one that lies (or a
    // thousand fresh keys) cannot decide.
    let mut offsets: Vec<i64> = peers
        .iter()
        .filter(|p| p.trusted)
        .filter_map(|p| p.peer.clock_offset_ms)
        .collect();
    let asked = offsets.len();
    let middle = match middle_offset(&mut offsets) {
        Some(middle) if asked >= CLOCK_PEERS => middle,
        _ => {
            return finding(
                Check::Clock,
                Health::Note,
                msg!("doctor-clock-unknown", count = asked as u64),
            );
        }
    };
    // The peers' clocks are ahead of ours by `middle`: ours is behind by as much.
    let seconds = -(middle as f64) / 1000.0;
    let args = |m: Message| {
        m.arg("seconds", wiel_lang::decimal(seconds.abs(), 1))
            .arg("count", asked as u64)
    };
    let (health, id) = match middle.saturating_abs() {
        m if m >= CLOCK_FAIL_MS => (
            Health::Fail,
            if seconds > 0.0 {
                "doctor-clock-ahead"
            } else {
                "doctor-clock-behind"
            },
        ),
        m if m >= CLOCK_WARN_MS => (
            Health::Warn,
            if seconds > 0.0 {
                "doctor-clock-ahead"
            } else {
                "doctor-clock-behind"
            },
        ),
        _ => (Health::Ok, "doctor-clock-ok"),
    };
    finding(Check::Clock, health, args(Message::new(id)))
}

fn disk(space: Option<DiskSpace>) -> Option<Finding> {
    let DiskSpace { free, total } = space?;
    let share = if total == 0 {
        0.0
    } else {
        free as f64 / total as f64
    };
    let health = if free < DISK_FAIL_BYTES || share < DISK_FAIL_SHARE {
        Health::Fail
    } else if free < DISK_WARN_BYTES {
        Health::Warn
    } else {
        Health::Ok
    };
    let id = if health == Health::Ok {
        "doctor-disk-ok"
    } else {
        "doctor-disk-low"
    };
    Some(finding(
        Check::Disk,
        health,
        Message::new(id)
            .arg("free", wiel_lang::bytes(free))
            .arg("percent", wiel_lang::decimal(share * 100.0, 0)),
    ))
}

fn store(status: &StatusView) -> Vec<Finding> {
    let mut out = vec![finding(
        Check::Store,
        Health::Ok,
        msg!("doctor-store", count = status.entries as u64),
    )];
    let kept = &status.kept_apart;
    if kept.limit > 0 && kept.bytes as f64 >= kept.limit as f64 * KEPT_APART_WARN {
        out.push(finding(
            Check::Store,
            Health::Warn,
            msg!(
                "doctor-kept-apart-full",
                size = wiel_lang::bytes(kept.bytes),
                limit = wiel_lang::bytes(kept.limit)
            ),
        ));
    }
    out
}

#[cfg(test)]
#[path = "doctor_tests.rs"]
mod tests;
