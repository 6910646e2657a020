//! How entries look in a terminal, and JSON for scripts. Data goes to stdout only.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use serde::Serialize;
use wiel_node::view::SearchResults;
use wiel_node::{EntryView, Listing, ThreadView};
use wiel_protocol::{Kind, KindFields, Timestamp, Verdict};
use wiel_store::search::Snippet;

/// `2026-11-24 14:03` in the system's time zone.
pub fn date_time(t: Timestamp) -> String {
    format_time(t, "%Y-%m-%d %H:%M")
}

pub fn date(t: Timestamp) -> String {
    format_time(t, "%Y-%m-%d")
}

fn format_time(t: Timestamp, fmt: &str) -> String {
    match jiff::Timestamp::from_millisecond(t.as_millis() as i64) {
        Ok(ts) => ts
            .to_zoned(jiff::tz::TimeZone::system())
            .strftime(fmt)
            .to_string(),
        Err(_) => format!("{} ms", t.as_millis()),
    }
}

pub fn json(value: &impl Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

fn title(v: &EntryView) -> String {
    match (&v.title, v.kind) {
        (_, _) if v.retracted_by.is_some() => "[ingetrokken]".to_owned(),
        (Some(t), _) if !t.is_empty() => t.clone(),
        (_, Kind::Answer) => match &v.question_title {
            Some(q) => format!("Antwoord op: {q}"),
            None => "Antwoord op een vraag die is ingetrokken of hier onbekend is".to_owned(),
        },
        (_, Kind::Retraction) => "intrekking".to_owned(),
        (_, Kind::Endorsement) => "instaan voor een organisatie".to_owned(),
        (_, Kind::KeyRotation) => "overstap naar een nieuwe sleutel".to_owned(),
        (_, Kind::Revocation) => "intrekking van een sleutel".to_owned(),
        (_, Kind::Reaction) => match &v.fields {
            Some(KindFields::Reaction { verdict }) => format!("reactie: {}", verdict.dutch()),
            _ => "reactie".to_owned(),
        },
        _ => String::new(),
    }
}

/// One line per entry: short id, date, kind, organisation, title; `empty` when there
/// are none; then what was not shown, and how to see it.
pub fn entry_lines(listing: &Listing, limit: usize, empty: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if listing.entries.is_empty() && listing.untrusted_hidden == 0 {
        writeln!(out, "{empty}")?;
        return Ok(());
    }
    for v in &listing.entries {
        writeln!(
            out,
            "{}  {}  {:<15}  {:<22}  {}{}",
            v.id.short(),
            date(v.created_at),
            v.kind.dutch(),
            truncate(&v.author_label(), 22),
            title(v),
            untrusted_mark(v)
        )?;
    }
    if listing.more {
        writeln!(
            out,
            "\nDe nieuwste {} getoond; er zijn er meer. Toon meer met --limit {}.",
            listing.entries.len(),
            (limit * 4).min(wiel_node::service::MAX_LIMIT)
        )?;
    }
    if listing.untrusted_hidden > 0 {
        writeln!(
            out,
            "\n{}{} van organisaties die deze node niet vertrouwt niet getoond; zie ze met --untrusted.",
            if listing.more { "Minstens " } else { "" },
            counted(listing.untrusted_hidden as u64, "bericht", "berichten"),
        )?;
    }
    Ok(())
}

/// Search results: rank, title, kind, organisation, date, and a snippet with the matched
/// words marked (bold on a terminal, *stars* otherwise).
pub fn search_results(found: &SearchResults, limit: usize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for r in &found.replaced {
        writeln!(
            out,
            "\"{}\" komt nergens voor; bedoelde u \"{}\"? Daarop is gezocht.",
            truncate(&r.typed, 60),
            r.searched
        )?;
    }
    if !found.ignored.is_empty() && found.results.is_empty() {
        writeln!(
            out,
            "Niet op gezocht, te algemeen: {}. Zoek op woorden die zeggen waar het over gaat.",
            found
                .ignored
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if !found.also.is_empty() {
        writeln!(out, "Ook gezocht op: {}.", found.also.join(", "))?;
    }
    if !found.replaced.is_empty() || !found.also.is_empty() {
        writeln!(out)?;
    }
    if !found.unknown.is_empty() {
        writeln!(
            out,
            "Komt nergens voor: {}.",
            found
                .unknown
                .iter()
                .map(|w| format!("\"{}\"", truncate(w, 60)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if found.results.is_empty() {
        writeln!(out, "Niets gevonden.")?;
        return Ok(());
    }
    let bold = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for (rank, v) in found.results.iter().enumerate() {
        writeln!(out, "{:>2}. {}{}", rank + 1, title(v), accepted_label(v))?;
        writeln!(
            out,
            "    {} · {} ({}) · {} · {}",
            v.kind.dutch(),
            v.author_label(),
            v.trust
                .as_ref()
                .map(|t| t.label())
                .unwrap_or_else(|| "vertrouwen onbekend".into()),
            date(v.created_at),
            v.id.short()
        )?;
        if let Some(snippet) = &v.snippet
            && !snippet.text.is_empty()
        {
            writeln!(out, "    {}", marked(snippet, bold))?;
        }
    }
    if found.more {
        writeln!(
            out,
            "\nDe beste {} getoond; er zijn er meer. Toon meer met --limit {}.",
            found.results.len(),
            (limit * 4).min(wiel_node::service::MAX_LIMIT)
        )?;
    }
    Ok(())
}

/// ` ✓ geaccepteerd antwoord` after an accepted answer, ` (beantwoord)` after a question
/// with one.
pub fn accepted_label(v: &EntryView) -> &'static str {
    if v.accepted {
        "  ✓ geaccepteerd antwoord"
    } else if v.accepted_answer.is_some() {
        "  (beantwoord)"
    } else {
        ""
    }
}

/// The snippet on one line, its marked words in bold or between stars.
fn marked(snippet: &Snippet, bold: bool) -> String {
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("*", "*")
    };
    let chars: Vec<char> = snippet.text.chars().collect();
    let mut out = String::with_capacity(snippet.text.len() + 16);
    let mut at = 0;
    for &(start, end) in &snippet.marks {
        if start < at || start > end || end > chars.len() {
            continue;
        }
        out.extend(&chars[at..start]);
        out.push_str(open);
        out.extend(&chars[start..end]);
        out.push_str(close);
        at = end;
    }
    out.extend(&chars[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `12.3 MB`.
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} kB", n as f64 / (1u64 << 10) as f64),
        n => format!("{n} bytes"),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// An entry in full, with its thread.
pub fn thread(t: &ThreadView) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let v = &t.entry;
    writeln!(out, "{}{}", title(v), accepted_label(v))?;
    writeln!(
        out,
        "{} · {} · {} · {} · id {}",
        v.kind.dutch(),
        v.space,
        v.author_label(),
        date_time(v.created_at),
        v.id.short()
    )?;
    if let Some(trust) = &v.trust {
        writeln!(out, "{}: {}", v.author_label(), trust.label())?;
    }
    if !v.personal_data.is_empty() {
        let found: Vec<String> = v.personal_data.iter().map(|f| f.to_string()).collect();
        writeln!(
            out,
            "Let op: deze bijdrage bevat persoonsgegevens van een burger ({}). Deel haar niet verder en vraag de auteur haar in te trekken.",
            found.join("; ")
        )?;
    }
    if let Some(r) = &v.retracted_by {
        writeln!(
            out,
            "Ingetrokken door de auteur (intrekking {}): de inhoud is gewist, alleen de ondertekende kop is bewaard.",
            r.short()
        )?;
    }
    if let Some(latest) = &v.superseded_by {
        writeln!(
            out,
            "Er is een nieuwere versie: wiel show {}",
            latest.short()
        )?;
    }
    if !v.tags.is_empty() {
        writeln!(out, "tags: {}", v.tags.join(", "))?;
    }
    if !v.themes.is_empty() {
        writeln!(out, "thema's: {}", v.themes.join(", "))?;
    }
    if let Some(c) = &v.contact {
        writeln!(out, "contact: {c}")?;
    }
    for r in &v.refs {
        writeln!(out, "{:?}: {}", r.rel, r.target.short())?;
    }
    if let Some(text) = &v.text
        && !text.is_empty()
    {
        writeln!(out, "\n{text}")?;
    }
    match &v.fields {
        Some(KindFields::Story {
            situation,
            approach,
            result,
            lessons,
        }) => {
            for (label, value) in [
                ("Situatie", situation),
                ("Aanpak", approach),
                ("Resultaat", result),
                ("Lessen", lessons),
            ] {
                if !value.is_empty() {
                    writeln!(out, "\n{label}:\n{value}")?;
                }
            }
        }
        Some(KindFields::Profile {
            name,
            cbs_code,
            province,
        }) => {
            writeln!(
                out,
                "\n{name} ({cbs_code}){}",
                province
                    .as_ref()
                    .map(|p| format!(", {p}"))
                    .unwrap_or_default()
            )?;
            writeln!(out, "sleutel: {}", v.author)?;
        }
        Some(KindFields::Reaction { verdict }) => writeln!(out, "\noordeel: {}", verdict.dutch())?,
        Some(KindFields::Endorsement {
            subject,
            name,
            cbs_code,
        }) => writeln!(
            out,
            "\nstaat in voor: {name} ({cbs_code}), sleutel {subject}"
        )?,
        Some(KindFields::KeyRotation { new_key, .. }) => writeln!(
            out,
            "\nnieuwe sleutel: {new_key}\n(de oude sleutel {} ondertekent niet meer voor deze organisatie)",
            v.author
        )?,
        Some(KindFields::Revocation { key, since }) => writeln!(
            out,
            "\ningetrokken sleutel: {key}\nwat die sleutel vanaf {} ondertekende, telt nergens meer",
            date_time(*since)
        )?,
        _ => {}
    }
    if v.kind == Kind::Retraction
        && let Some(target) = v.refs.first()
    {
        writeln!(
            out,
            "\ntrekt in: {} (de tekst daarvan is gewist)",
            target.target.short()
        )?;
    }
    if t.versions.len() > 1 {
        let pos = t
            .versions
            .iter()
            .position(|id| *id == v.id)
            .map(|p| p + 1)
            .unwrap_or(0);
        let ids: Vec<String> = t.versions.iter().map(|id| id.short()).collect();
        writeln!(
            out,
            "\nVersie {pos} van {} (oudste eerst: {}).",
            t.versions.len(),
            ids.join(", ")
        )?;
    }
    if !t.answers.is_empty() {
        writeln!(out, "\nAntwoorden ({}):", t.answers.len())?;
        for a in &t.answers {
            writeln!(
                out,
                "  {} · {} · {}{}{}",
                a.author_label(),
                date(a.created_at),
                a.id.short(),
                accepted_label(a),
                untrusted_mark(a)
            )?;
            for line in a.text.as_deref().unwrap_or("").lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    let verdicts: Vec<&EntryView> = t
        .reactions
        .iter()
        .filter(|r| {
            !matches!(
                r.fields,
                Some(KindFields::Reaction {
                    verdict: Verdict::Accepted
                })
            )
        })
        .collect();
    if !verdicts.is_empty() {
        let mut counts: Vec<(Verdict, usize)> = Vec::new();
        for r in &verdicts {
            if let Some(KindFields::Reaction { verdict }) = &r.fields {
                match counts.iter_mut().find(|(v, _)| v == verdict) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((*verdict, 1)),
                }
            }
        }
        let summary: Vec<String> = counts
            .iter()
            .map(|(v, n)| format!("{} {n}×", v.dutch()))
            .collect();
        writeln!(
            out,
            "\nReacties van organisaties ({}; de laatste van elke organisatie telt):",
            summary.join(", ")
        )?;
        for r in verdicts {
            let verdict = match &r.fields {
                Some(KindFields::Reaction { verdict }) => verdict.dutch(),
                _ => "",
            };
            let comment = r
                .text
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(|c| format!(": {c}"))
                .unwrap_or_default();
            writeln!(out, "  {verdict} — {}{comment}", r.author_label())?;
        }
    }
    if t.untrusted_reactions > 0 {
        writeln!(
            out,
            "\n{} {} van organisaties die deze node niet vertrouwt: niet getoond en niet meegeteld.",
            t.untrusted_reactions,
            if t.untrusted_reactions == 1 {
                "reactie"
            } else {
                "reacties"
            }
        )?;
    }
    Ok(())
}

/// `  (niet vertrouwd)` after an entry whose author this node does not trust.
fn untrusted_mark(v: &EntryView) -> &'static str {
    match &v.trust {
        Some(t) if !t.trusted => "  (niet vertrouwd)",
        _ => "",
    }
}

/// `wiel peers`
pub fn peers(peers: &[wiel_node::api::PeerEntry]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if peers.is_empty() {
        writeln!(out, "Geen verbonden peers.")?;
        return Ok(());
    }
    for p in peers {
        let name = p
            .organisation
            .clone()
            .or_else(|| {
                p.peer
                    .org_key
                    .map(|k| format!("onbekende organisatie {}", k.short()))
            })
            .unwrap_or_else(|| "onbekend".to_owned());
        let spaces: Vec<String> = p.peer.spaces.iter().map(|s| s.to_string()).collect();
        writeln!(
            out,
            "{:<24} {:<22} {:>8}  spaces: {}  {}",
            truncate(&name, 24),
            p.peer.address.as_deref().unwrap_or("-"),
            p.peer
                .latency_ms
                .map(|l| format!("{l:.1} ms"))
                .unwrap_or_else(|| "-".into()),
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
pub fn status(s: &wiel_node::api::StatusView) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} (network {})", s.organisation, s.network_id)?;
    writeln!(out, "organisation key: {}", s.org_key)?;
    match &s.network {
        None => writeln!(out, "node: not running (start it with `wiel node`)")?,
        Some(n) => {
            writeln!(out, "node: running as {}", n.peer_id)?;
            for l in &n.listening {
                // The whole address another node gives `wiel connect`.
                writeln!(out, "  listening on {l}/p2p/{}", n.peer_id)?;
            }
            writeln!(out, "peers: {}", n.peers)?;
            if n.outbox > 0 {
                writeln!(
                    out,
                    "waiting to be sent: {} (no peer follows their space yet)",
                    counted(n.outbox as u64, "entry", "entries")
                )?;
            }
        }
    }
    writeln!(out, "entries: {}", s.entries)?;
    writeln!(
        out,
        "from outside the trust set (untrusted or revoked): {} entries, {} of at most {}",
        s.kept_apart.entries,
        bytes(s.kept_apart.bytes),
        bytes(s.kept_apart.limit)
    )?;
    match (s.search.documents, s.search.waiting) {
        (None, _) => writeln!(out, "search index: being built")?,
        (Some(n), 0) => writeln!(out, "search index: {n} entries searchable, up to date")?,
        (Some(n), w) => writeln!(
            out,
            "search index: {n} entries searchable, {w} still to take in"
        )?,
    }
    for c in &s.spaces {
        writeln!(
            out,
            "  {:<24} {:>7}   fingerprint {}{}",
            c.space.as_str(),
            c.entries,
            c.fingerprint,
            if c.kept_apart > 0 {
                format!("   (+{} kept apart: untrusted)", c.kept_apart)
            } else {
                String::new()
            }
        )?;
        if let Some(l) = &c.last_sync {
            writeln!(
                out,
                "    last sync {} with {}: {} missing here, {} stored",
                date_time(l.at),
                l.organisation.as_deref().unwrap_or(&l.peer_id),
                l.missing,
                l.stored
            )?;
        }
    }
    if s.network.is_some() {
        writeln!(
            out,
            "from the network: {} received, {} stored{}",
            s.received,
            s.stored_from_network,
            match s.last_received_at {
                Some(t) => format!(", last at {}", date_time(Timestamp::from_millis(t))),
                None => String::new(),
            }
        )?;
        for (reason, n) in &s.rejected {
            writeln!(out, "  refused ({reason}): {n}")?;
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
        format!(" ({:.0} per second)", r.stored as f64 / secs)
    } else {
        String::new()
    };
    let took = if r.elapsed_ms < 100 {
        "in less than 0.1 s".to_owned()
    } else {
        format!("in {secs:.1} s")
    };
    writeln!(
        out,
        "Sync done {took} with {}, {}.",
        counted(r.peers.len() as u64, "peer", "peers"),
        counted(
            u64::from(r.sessions),
            "space comparison",
            "space comparisons"
        )
    )?;
    writeln!(
        out,
        "  missing here: {}; fetched {}, stored {}{rate}, already here {}, refused {}",
        r.to_fetch, r.fetched, r.stored, r.duplicates, r.rejected
    )?;
    if r.not_served > 0 {
        writeln!(
            out,
            "  not served by the peer that claimed them: {}",
            r.not_served
        )?;
    }
    writeln!(out, "  offered to peers that lacked them: {}", r.offered)?;
    for p in &r.problems {
        writeln!(out, "  problem: {p}")?;
    }
    Ok(())
}

/// `wiel trust list`
pub fn trust(r: &wiel_node::view::TrustReport) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mode = match r.mode {
        wiel_node::trust::TrustMode::Open => {
            "open (everything accepted and passed on; untrusted marked)"
        }
        wiel_node::trust::TrustMode::WebOfTrust => {
            "web-of-trust (untrusted entries kept apart, not passed on, shown with --untrusted)"
        }
        wiel_node::trust::TrustMode::Closed => "closed (trusted roots only)",
    };
    writeln!(out, "mode: {mode}")?;
    writeln!(out, "depth: {} endorsement step(s) from a root", r.depth)?;
    writeln!(out, "trusted organisations:")?;
    for m in &r.members {
        let how = if m.depth == 0 {
            "root".to_owned()
        } else {
            format!("vertrouwd via {}", m.vouched_by.join(", "))
        };
        writeln!(
            out,
            "  {:<28} {}  {how}",
            truncate(&m.organisation, 28),
            m.key.short()
        )?;
    }
    for k in &r.revoked {
        writeln!(
            out,
            "revoked: {} {} since {}",
            k.organisation,
            k.key.short(),
            date_time(k.since)
        )?;
    }
    for k in &r.compromised {
        writeln!(
            out,
            "compromised: {} {} rotated to two different keys: someone besides its owner holds it; nobody inherits its trust (endorse the owner's new key anew)",
            k.organisation,
            k.key.short()
        )?;
    }
    Ok(())
}

/// "1 entry", "2 entries".
pub fn counted(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
