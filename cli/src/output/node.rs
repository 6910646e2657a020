//! The node's own views: `wiel status`, `wiel peers`, `wiel trust list`, and the summary
//! of `wiel sync`.

use std::io::Write;

use anyhow::Result;
use wiel_lang::{Localise, t};
use wiel_node::network::Refusal;
use wiel_protocol::Timestamp;

use super::{bytes, date_time, truncate};

/// `wiel peers`
pub fn peers(peers: &[wiel_node::wire::PeerEntry]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if peers.is_empty() {
        writeln!(out, "{}", t!("peers-none"))?;
        return Ok(());
    }
    for p in peers {
        let name = p
            .organisation
            .clone()
            .or_else(|| {
                p.peer
                    .org_key
                    .map(|k| t!("unknown-organisation-key", key = k.short()))
            })
            .unwrap_or_else(|| t!("unknown"));
        let spaces: Vec<String> = p.peer.spaces.iter().map(|s| s.to_string()).collect();
        writeln!(
            out,
            "{:<24} {:<22} {:>8}  {}: {}  {}",
            truncate(&name, 24),
            if p.peer.relayed {
                t!("peer-via-relay")
            } else {
                p.peer.address.clone().unwrap_or_else(|| "-".to_owned())
            },
            p.peer
                .latency_ms
                .map(|l| format!("{} ms", wiel_lang::decimal(l, 1)))
                .unwrap_or_else(|| "-".into()),
            t!("label-spaces"),
            if spaces.is_empty() {
                "-".to_owned()
            } else {
                spaces.join(", ")
            },
            p.peer.peer_id
        )?;
    }
    Ok(())
}

/// `wiel status`
pub fn status(s: &wiel_node::wire::StatusView) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        t!(
            "status-organisation",
            name = s.organisation.as_str(),
            network = s.network_id.as_str()
        )
    )?;
    writeln!(out, "{}", t!("status-key", key = s.org_key.as_str()))?;
    match &s.network {
        None => writeln!(out, "{}", t!("status-not-running"))?,
        Some(n) => {
            writeln!(
                out,
                "{}",
                t!("status-running", peer_id = n.peer_id.as_str())
            )?;
            for address in &n.listening {
                // The whole address another node gives `wiel connect`.
                writeln!(
                    out,
                    "  {}",
                    t!(
                        "status-listening",
                        address = format!("{address}/p2p/{}", n.peer_id)
                    )
                )?;
            }
            writeln!(out, "{}", t!("status-peers", count = n.peers))?;
            let reach = &n.reach;
            let line = match reach.reachability {
                wiel_node::network::Reachability::Public => t!(
                    "status-reach-public",
                    address = reach.public_addresses.join(", ")
                ),
                _ if !reach.relays.is_empty() => {
                    t!("status-reach-relayed", count = reach.relays.len())
                }
                wiel_node::network::Reachability::Private => t!("status-reach-private"),
                wiel_node::network::Reachability::Unknown => t!("status-reach-unknown"),
            };
            writeln!(out, "{line}")?;
            if n.outbox > 0 {
                writeln!(out, "{}", t!("status-outbox", count = n.outbox))?;
            }
        }
    }
    writeln!(out, "{}", t!("status-entries", count = s.entries))?;
    writeln!(
        out,
        "{}",
        t!(
            "status-kept-apart",
            count = s.kept_apart.entries,
            size = bytes(s.kept_apart.bytes),
            limit = bytes(s.kept_apart.limit)
        )
    )?;
    let search = match (s.search.documents, s.search.waiting) {
        (None, _) => t!("status-search-building"),
        (Some(n), 0) => t!("status-search-ready", count = n),
        (Some(n), waiting) => t!("status-search-waiting", count = n, waiting = waiting),
    };
    writeln!(out, "{search}")?;
    for c in &s.spaces {
        writeln!(
            out,
            "  {:<24} {:>7}   {}{}",
            c.space.as_str(),
            c.entries,
            t!("status-fingerprint", fingerprint = c.fingerprint.as_str()),
            if c.kept_apart > 0 {
                format!("   {}", t!("status-space-kept-apart", count = c.kept_apart))
            } else {
                String::new()
            }
        )?;
        if let Some(l) = &c.last_sync {
            writeln!(
                out,
                "    {}",
                t!(
                    "status-last-sync",
                    at = date_time(l.at),
                    peer = l.organisation.as_deref().unwrap_or(&l.peer_id),
                    missing = l.missing,
                    stored = l.stored
                )
            )?;
        }
    }
    if s.network.is_some() {
        let received = match s.last_received_at {
            Some(at) => t!(
                "status-received-last",
                received = s.received,
                stored = s.stored_from_network,
                at = date_time(Timestamp::from_millis(at))
            ),
            None => t!(
                "status-received",
                received = s.received,
                stored = s.stored_from_network
            ),
        };
        writeln!(out, "{received}")?;
        for (label, n) in &s.rejected {
            let reason = Refusal::from_label(label)
                .map(|r| r.message().text())
                .unwrap_or_else(|| label.clone());
            writeln!(
                out,
                "  {}",
                t!("status-refused", reason = reason, count = *n)
            )?;
        }
    }
    Ok(())
}

/// The closing summary of `wiel sync`.
pub fn sync_summary(r: &wiel_node::network::SyncReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let secs = r.elapsed_ms as f64 / 1000.0;
    // A rate means something only over a measurable time and more than a handful.
    let rate = if secs >= 1.0 && r.stored >= 10 {
        format!(
            " ({})",
            t!("sync-rate", rate = format!("{:.0}", r.stored as f64 / secs))
        )
    } else {
        String::new()
    };
    let took = if r.elapsed_ms < 100 {
        t!("sync-took-little")
    } else {
        t!("sync-took", seconds = wiel_lang::decimal(secs, 1))
    };
    writeln!(
        out,
        "{}",
        t!(
            "sync-done",
            took = took,
            peers = r.peers.len(),
            sessions = r.sessions
        )
    )?;
    writeln!(
        out,
        "  {}",
        t!(
            "sync-counts",
            missing = r.to_fetch,
            fetched = r.fetched,
            stored = r.stored,
            rate = rate,
            already = r.duplicates,
            refused = r.rejected
        )
    )?;
    if r.not_served > 0 {
        writeln!(out, "  {}", t!("sync-not-served", count = r.not_served))?;
    }
    writeln!(out, "  {}", t!("sync-offered", count = r.offered))?;
    for p in &r.problems {
        writeln!(out, "  {}", t!("sync-problem", problem = p.as_str()))?;
    }
    Ok(())
}

/// `wiel trust list`
pub fn trust(r: &wiel_node::view::TrustReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mode = match r.mode {
        wiel_node::trust::TrustMode::Open => t!("trust-mode-open"),
        wiel_node::trust::TrustMode::WebOfTrust => t!("trust-mode-web-of-trust"),
        wiel_node::trust::TrustMode::Closed => t!("trust-mode-closed"),
    };
    writeln!(out, "{}", t!("trust-mode", mode = mode))?;
    writeln!(out, "{}", t!("trust-depth", depth = r.depth))?;
    writeln!(out, "{}", t!("trust-members"))?;
    // One line per organisation: keys it rotated away from after its current one.
    let current: std::collections::BTreeSet<_> = r.members.iter().map(|m| m.key).collect();
    for m in &r.members {
        if m.current_key.is_some_and(|c| current.contains(&c)) {
            continue;
        }
        let how = if m.depth == 0 {
            t!("trust-direct")
        } else {
            t!("trust-trusted-via", names = m.vouched_by.join(", "))
        };
        let earlier: Vec<String> = r
            .members
            .iter()
            .filter(|o| o.current_key == Some(m.key))
            .map(|o| o.key.short())
            .collect();
        let earlier = if earlier.is_empty() {
            String::new()
        } else {
            format!(
                "  ({})",
                t!("trust-earlier-keys", keys = earlier.join(", "))
            )
        };
        writeln!(
            out,
            "  {:<28} {}  {how}{earlier}",
            truncate(&m.organisation, 28),
            m.key.short()
        )?;
    }
    for k in &r.revoked {
        writeln!(
            out,
            "{}",
            t!(
                "trust-revoked",
                organisation = k.organisation.as_str(),
                key = k.key.short(),
                since = date_time(k.since)
            )
        )?;
    }
    for k in &r.compromised {
        writeln!(
            out,
            "{}",
            t!(
                "trust-compromised",
                organisation = k.organisation.as_str(),
                key = k.key.short()
            )
        )?;
    }
    Ok(())
}
