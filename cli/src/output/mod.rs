//! How entries look in a terminal, in the reader's language, and JSON for scripts. Data
//! goes to stdout only. `thread` renders one entry with its answers and reactions;
//! `node` the views of the node itself (status, peers, trust, sync).

use std::io::{IsTerminal, Write};

use anyhow::Result;
use serde::Serialize;
use wiel_lang::{Localise, t};
use wiel_node::text::shown;
use wiel_node::view::{SearchResults, TrustView};
use wiel_node::{EntryView, Listing};
use wiel_protocol::{Kind, KindFields, Timestamp};
use wiel_store::search::Snippet;

mod node;
mod thread;

pub use node::{peers, status, sync_summary, trust};
pub use thread::thread;

/// `2026-11-24 14:03` in the system's time zone.
pub fn date_time(t: Timestamp) -> String {
    wiel_lang::date_time(t.as_millis() as i64)
}

pub fn date(t: Timestamp) -> String {
    wiel_lang::date(t.as_millis() as i64)
}

pub fn json(value: &impl Serialize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    // As an io error: a reader that went away (`| head`) is then told apart (see main).
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// The organisation's name, or "onbekende organisatie" with its short key.
pub fn author(v: &EntryView) -> String {
    match &v.author_name {
        Some(name) => shown(name).into_owned(),
        None => t!("unknown-organisation-key", key = v.author.short()),
    }
}

/// The author in a list's column of [`AUTHOR_WIDTH`] characters. An organisation this node
/// does not trust keeps the start of its key in the column, whatever its name's length:
/// two that claim one name (or two unknown ones) can always be told apart.
fn author_column(v: &EntryView) -> String {
    let full = author(v);
    let trusted = v.trust.as_ref().is_some_and(|t| t.trusted);
    if full.chars().count() <= AUTHOR_WIDTH || trusted {
        return format!("{:<AUTHOR_WIDTH$}", truncate(&full, AUTHOR_WIDTH));
    }
    let key = v.author.short();
    // The name as claimed, without the key it may already carry ("(onbevestigd, sleutel …)").
    let name = match full.find(key.as_str()) {
        Some(at) => {
            let before = &full[..at];
            before[..before.rfind(" (").unwrap_or(before.len())]
                .trim_end()
                .to_owned()
        }
        None => full.clone(),
    };
    let room = AUTHOR_WIDTH - key.chars().count() - 1;
    format!("{} {key}", truncate(&name, room))
}

/// "vertrouwd via Gemeente Deventer, Gemeente Kampen".
pub fn trust_label(trust: &TrustView) -> String {
    if !trust.trusted {
        t!("trust-not-trusted")
    } else if trust.root {
        t!("trust-trusted")
    } else {
        t!("trust-trusted-via", names = trust.vouched_by.join(", "))
    }
}

/// An entry's title, with nothing in it that could steer the terminal or reverse the line.
fn title(v: &EntryView) -> String {
    shown(&raw_title(v)).into_owned()
}

fn raw_title(v: &EntryView) -> String {
    match (&v.title, v.kind) {
        (_, _) if v.retracted_by.is_some() => t!("title-retracted"),
        (Some(title), _) if !title.is_empty() => title.clone(),
        (_, Kind::Answer) => match &v.question_title {
            Some(q) => t!("title-answer-to", question = q.as_str()),
            None => t!("title-answer-to-unknown"),
        },
        (_, Kind::Reaction) => match &v.fields {
            Some(KindFields::Reaction { verdict }) => {
                t!("title-reaction", verdict = verdict.message())
            }
            _ => v.kind.message().text(),
        },
        (_, Kind::Endorsement) => t!("title-endorsement"),
        (_, Kind::KeyRotation) => t!("title-key-rotation"),
        (_, Kind::Revocation) => t!("title-revocation"),
        (_, Kind::History) => t!("title-key-history"),
        (_, Kind::Retraction) => v.kind.message().text(),
        _ => String::new(),
    }
}

/// One line per entry: short id, date, kind, organisation, title; `empty` when there
/// are none; then what was not shown, and how to see it.
pub fn entry_lines(listing: &Listing, limit: usize, empty: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    // Nothing shown is "none found" only when there is no more (`--limit 0` shows none of
    // what there is).
    let none = !listing.more && listing.untrusted_hidden == 0 && listing.waiting_hidden == 0;
    if listing.entries.is_empty() && none {
        writeln!(out, "{empty}")?;
        return Ok(());
    }
    for v in &listing.entries {
        writeln!(
            out,
            "{}  {}  {:<15}  {:<22}  {}{}",
            v.id.short(),
            date(v.created_at),
            v.kind.message().text(),
            author_column(v),
            title(v),
            untrusted_mark(v)
        )?;
    }
    if listing.more {
        writeln!(
            out,
            "\n{}",
            match listing.total {
                Some(total) => t!(
                    "list-more",
                    shown = listing.entries.len(),
                    total = total,
                    limit = more_limit(limit)
                ),
                None => t!(
                    "list-more-than",
                    shown = listing.entries.len(),
                    counted = limit + wiel_store::COUNTED_BEYOND_LIMIT,
                    limit = more_limit(limit)
                ),
            }
        )?;
    }
    if listing.untrusted_hidden > 0 {
        let hidden = if listing.more {
            t!(
                "list-untrusted-hidden-at-least",
                count = listing.untrusted_hidden
            )
        } else {
            t!("list-untrusted-hidden", count = listing.untrusted_hidden)
        };
        writeln!(out, "\n{hidden}")?;
    }
    if listing.waiting_hidden > 0 {
        writeln!(
            out,
            "\n{}",
            t!("list-waiting-hidden", count = listing.waiting_hidden)
        )?;
    }
    Ok(())
}

/// The `--limit` that shows more: four times as many (ten after none), at most the maximum.
fn more_limit(limit: usize) -> usize {
    let more = if limit == 0 {
        MORE_AFTER_NONE
    } else {
        limit * 4
    };
    more.min(wiel_node::service::MAX_LIMIT)
}

/// What "show more with --limit N" offers after `--limit 0`.
const MORE_AFTER_NONE: usize = 10;

/// `"a", "b"`.
fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{}\"", truncate(w, 60)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Search results: rank, title, kind, organisation, date, and a snippet with the matched
/// words marked (bold on a terminal, *stars* otherwise).
pub fn search_results(found: &SearchResults, limit: usize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for r in &found.replaced {
        writeln!(
            out,
            "{}",
            t!(
                "search-replaced",
                typed = truncate(&r.typed, 60),
                searched = r.searched.as_str()
            )
        )?;
    }
    if !found.ignored.is_empty() && found.results.is_empty() {
        writeln!(
            out,
            "{}",
            t!("search-ignored", words = quoted(&found.ignored))
        )?;
    }
    if !found.also.is_empty() {
        writeln!(out, "{}", t!("search-also", words = found.also.join(", ")))?;
    }
    if !found.replaced.is_empty() || !found.also.is_empty() {
        writeln!(out)?;
    }
    if !found.unknown.is_empty() {
        // Unknown to what this reader may see; hits kept apart may hold them (said below).
        let words = quoted(&found.unknown);
        let line = if found.untrusted_hidden > 0 {
            t!("search-unknown-among-trusted", words = words)
        } else {
            t!("search-unknown", words = words)
        };
        writeln!(out, "{line}")?;
    }
    let hidden = |out: &mut std::io::StdoutLock| -> Result<()> {
        if found.untrusted_hidden > 0 {
            let count = found.untrusted_hidden;
            let line = if count >= wiel_node::service::HIDDEN_COUNTED {
                t!("search-untrusted-hidden-at-least", count = count)
            } else {
                t!("search-untrusted-hidden", count = count)
            };
            writeln!(out, "\n{line}")?;
        }
        Ok(())
    };
    if found.results.is_empty() && !found.more {
        writeln!(out, "{}", t!("search-nothing"))?;
        return hidden(&mut out);
    }
    let bold = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for (rank, v) in found.results.iter().enumerate() {
        writeln!(out, "{:>2}. {}{}", rank + 1, title(v), accepted_label(v))?;
        writeln!(
            out,
            "    {} · {} ({}) · {} · {}",
            v.kind.message().text(),
            author(v),
            v.trust
                .as_ref()
                .map(trust_label)
                .unwrap_or_else(|| t!("trust-unknown")),
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
            "\n{}",
            t!(
                "search-more",
                shown = found.results.len(),
                total = found.total,
                limit = more_limit(limit)
            )
        )?;
    }
    hidden(&mut out)
}

/// `  ✓ geaccepteerd antwoord` after an accepted answer, `  (beantwoord)` after a
/// question with one.
pub fn accepted_label(v: &EntryView) -> String {
    if v.retracted_by.is_some() {
        // Retracted: its text is gone, and so is what was said about it.
        String::new()
    } else if v.accepted {
        format!("  ✓ {}", t!("verdict-accepted"))
    } else if v.accepted_answer.is_some() {
        format!("  ({})", t!("label-answered"))
    } else {
        String::new()
    }
}

/// `  (niet vertrouwd)` after an entry whose author this node does not trust.
fn untrusted_mark(v: &EntryView) -> String {
    match &v.trust {
        Some(trust) if !trust.trusted => format!("  ({})", t!("trust-not-trusted")),
        _ => String::new(),
    }
}

/// The snippet on one line, its marked words in bold or between stars.
fn marked(snippet: &Snippet, bold: bool) -> String {
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("*", "*")
    };
    let chars: Vec<char> = shown(&snippet.text).chars().collect();
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

pub use wiel_lang::bytes;

/// Characters of a list's author column.
const AUTHOR_WIDTH: usize = 22;

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
