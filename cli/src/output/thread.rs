//! `wiel show`: an entry in full, with its versions, answers and reactions.

use std::io::Write;

use anyhow::Result;
use wiel_lang::{Localise, t};
use wiel_node::text::shown;
use wiel_node::{EntryView, ThreadView};
use wiel_protocol::{Kind, KindFields, Rel, Verdict};

use super::{accepted_label, author, date, date_time, title, trust_label, untrusted_mark};

pub fn thread(thread: &ThreadView) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let v = &thread.entry;
    writeln!(out, "{}{}", title(v), accepted_label(v))?;
    writeln!(
        out,
        "{} · {} · {} · {} · {}",
        v.kind.message().text(),
        v.space,
        author(v),
        date_time(v.created_at),
        t!("label-id", id = v.id.short())
    )?;
    if let Some(trust) = &v.trust {
        writeln!(out, "{}: {}", author(v), trust_label(trust))?;
    }
    if !v.personal_data.is_empty() {
        let found: Vec<String> = v.personal_data.iter().map(|f| f.message().text()).collect();
        writeln!(
            out,
            "{}",
            t!("show-personal-data", found = found.join("; "))
        )?;
    }
    if let Some(r) = &v.retracted_by {
        writeln!(out, "{}", t!("show-retracted", id = r.short()))?;
    }
    if let Some(latest) = &v.superseded_by {
        writeln!(out, "{}", t!("show-newer-version", id = latest.short()))?;
    }
    labels(&mut out, v)?;
    if let Some(text) = &v.text
        && !text.is_empty()
    {
        writeln!(out, "\n{}", shown(text))?;
    }
    fields(&mut out, v)?;
    if thread.versions.len() > 1 {
        let position = thread
            .versions
            .iter()
            .position(|id| *id == v.id)
            .map(|p| p + 1)
            .unwrap_or(0);
        let ids: Vec<String> = thread.versions.iter().map(|id| id.short()).collect();
        writeln!(
            out,
            "\n{}",
            t!(
                "show-versions",
                position = position,
                count = thread.versions.len(),
                ids = ids.join(", ")
            )
        )?;
    }
    answers(&mut out, thread)?;
    reactions(&mut out, thread)
}

/// Tags, themes, contact and references, one line each.
fn labels(out: &mut impl Write, v: &EntryView) -> Result<()> {
    if !v.tags.is_empty() {
        writeln!(out, "{}: {}", t!("label-tags"), shown(&v.tags.join(", ")))?;
    }
    if !v.themes.is_empty() {
        writeln!(out, "{}: {}", t!("label-themes"), v.themes.join(", "))?;
    }
    if let Some(c) = &v.contact {
        writeln!(out, "{}: {}", t!("label-contact"), shown(c))?;
    }
    for r in &v.refs {
        if v.kind == Kind::Retraction {
            break; // said below, with what it means
        }
        let rel = match r.rel {
            Rel::Answers => t!("label-answers"),
            Rel::ReactsTo => t!("label-reacts-to"),
            Rel::Retracts => t!("label-retracts"),
            Rel::Supersedes => t!("label-supersedes"),
        };
        writeln!(out, "{rel}: {}", r.target.short())?;
    }
    Ok(())
}

/// What a kind carries besides its text: a story's parts, a profile, a verdict, a key.
fn fields(out: &mut impl Write, v: &EntryView) -> Result<()> {
    match &v.fields {
        Some(KindFields::Story {
            situation,
            approach,
            result,
            lessons,
        }) => {
            for (label, value) in [
                (t!("story-situation"), situation),
                (t!("story-approach"), approach),
                (t!("story-result"), result),
                (t!("story-lessons"), lessons),
            ] {
                if !value.is_empty() {
                    writeln!(out, "\n{label}:\n{}", shown(value))?;
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
            writeln!(out, "{}: {}", t!("label-key"), v.author)?;
        }
        Some(KindFields::Reaction { verdict }) => writeln!(
            out,
            "\n{}: {}",
            t!("label-verdict"),
            verdict.message().text()
        )?,
        Some(KindFields::Endorsement {
            subject,
            name,
            cbs_code,
        }) => writeln!(
            out,
            "\n{}",
            t!(
                "show-endorsement",
                name = name.as_str(),
                code = cbs_code.to_string(),
                key = subject.to_string()
            )
        )?,
        Some(KindFields::KeyRotation { new_key, .. }) => writeln!(
            out,
            "\n{}",
            t!(
                "show-key-rotation",
                new_key = new_key.to_string(),
                old_key = v.author.to_string()
            )
        )?,
        Some(KindFields::Revocation { key, since }) => writeln!(
            out,
            "\n{}",
            t!(
                "show-revocation",
                key = key.to_string(),
                since = date_time(*since)
            )
        )?,
        Some(KindFields::History { key, entries }) => writeln!(
            out,
            "\n{}",
            t!(
                "show-key-history",
                key = key.to_string(),
                count = entries.len()
            )
        )?,
        _ => {}
    }
    if v.kind == Kind::Retraction
        && let Some(target) = v.refs.first()
    {
        writeln!(
            out,
            "\n{}",
            t!("show-retraction", id = target.target.short())
        )?;
    }
    Ok(())
}

fn answers(out: &mut impl Write, thread: &ThreadView) -> Result<()> {
    if thread.answers.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{}",
        t!("show-answers", count = thread.answers.len())
    )?;
    for a in &thread.answers {
        writeln!(
            out,
            "  {} · {} · {}{}{}",
            author(a),
            date(a.created_at),
            a.id.short(),
            accepted_label(a),
            untrusted_mark(a)
        )?;
        for line in shown(a.text.as_deref().unwrap_or("")).lines() {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

fn reactions(out: &mut impl Write, thread: &ThreadView) -> Result<()> {
    let verdict_of = |r: &EntryView| match &r.fields {
        Some(KindFields::Reaction { verdict }) if *verdict != Verdict::Accepted => Some(*verdict),
        _ => None,
    };
    let verdicts: Vec<(&EntryView, Verdict)> = thread
        .reactions
        .iter()
        .filter_map(|r| verdict_of(r).map(|verdict| (r, verdict)))
        .collect();
    if !verdicts.is_empty() {
        let mut counts: Vec<(Verdict, usize)> = Vec::new();
        for (_, verdict) in &verdicts {
            match counts.iter_mut().find(|(v, _)| v == verdict) {
                Some((_, n)) => *n += 1,
                None => counts.push((*verdict, 1)),
            }
        }
        let summary: Vec<String> = counts
            .iter()
            .map(|(v, n)| format!("{} {n}×", v.message().text()))
            .collect();
        writeln!(
            out,
            "\n{}",
            t!("show-reactions", summary = summary.join(", "))
        )?;
        for (r, verdict) in verdicts {
            let comment = r
                .text
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(|c| format!(": {}", shown(c)))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} — {}{comment}",
                verdict.message().text(),
                author(r)
            )?;
        }
    }
    if thread.untrusted_reactions > 0 {
        writeln!(
            out,
            "\n{}",
            t!(
                "show-untrusted-reactions",
                count = thread.untrusted_reactions
            )
        )?;
    }
    Ok(())
}
