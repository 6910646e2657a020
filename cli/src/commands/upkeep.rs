//! Commands that keep a node: export, backup and restore, sync with progress, and its keys.

use super::*;
use wiel_node::reports::BackedUp;
use wiel_node::wire::client::ApiClient;

pub(super) fn export(
    backend: &dyn Operations,
    format: ExportFormat,
    path: Option<&Path>,
) -> Result<()> {
    use std::io::Write;
    let mut out: Box<dyn Write> = match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p)
                .with_context(|| t!("cannot-write-file", file = p.display().to_string()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let lines = backend.export()?;
    let (names, trust) = match format {
        ExportFormat::Md => (backend.org_names()?, Some(backend.trust_report()?)),
        ExportFormat::Jsonl => (Default::default(), None),
    };
    // The readable document marks what this node does not trust, as `wiel show` does.
    let untrusted = |h: &wiel_protocol::Header| {
        trust.as_ref().is_some_and(|t| {
            (t.mode != wiel_node::trust::TrustMode::Open
                && !t.members.iter().any(|m| m.key == h.author))
                || t.revoked
                    .iter()
                    .any(|r| r.key == h.author && h.created_at >= r.since)
        })
    };
    // Older versions are left out of the readable document.
    let superseded: std::collections::BTreeSet<EntryId> = lines
        .iter()
        .filter_map(|l| l.entry.header.target(Rel::Supersedes))
        .collect();
    // An answer names its question by reference, never by a copy of its title: the
    // readable document looks the title up (that of the question's newest version).
    let newer: std::collections::BTreeMap<EntryId, EntryId> = lines
        .iter()
        .filter_map(|l| Some((l.entry.header.target(Rel::Supersedes)?, l.id)))
        .collect();
    let titles: std::collections::BTreeMap<EntryId, &str> = lines
        .iter()
        .filter_map(|l| Some((l.id, l.entry.body.as_ref()?.title.as_str())))
        .collect();
    let question_of = |h: &wiel_protocol::Header| -> Option<String> {
        let asked = h.target(Rel::Answers)?;
        let mut newest = asked;
        for _ in 0..lines.len() {
            match newer.get(&newest) {
                Some(next) => newest = *next,
                None => break,
            }
        }
        Some(match titles.get(&newest) {
            Some(title) => t!("export-answers", title = *title, id = asked.short()),
            None => t!("export-answers-gone", id = asked.short()),
        })
    };
    let mut count = 0usize;
    let mut tally = wiel_node::exchange::Tally::default();
    for line in &lines {
        match format {
            ExportFormat::Jsonl => {
                serde_json::to_writer(&mut out, line).map_err(std::io::Error::from)?;
                writeln!(out)?;
                tally.add(&line.id);
            }
            ExportFormat::Md => {
                let h = &line.entry.header;
                let Some(body) = &line.entry.body else {
                    continue;
                };
                if superseded.contains(&line.id) || !h.kind.rules().content {
                    continue;
                }
                let author = names
                    .get(&h.author)
                    .cloned()
                    .unwrap_or_else(|| h.author.short());
                let mut standing = if untrusted(h) {
                    format!(" · {}", t!("trust-not-trusted"))
                } else {
                    String::new()
                };
                if let Some(question) = question_of(h) {
                    standing.push_str(&format!(" · {question}"));
                }
                writeln!(
                    out,
                    "<!-- {} · {}{standing} · {} · {} -->",
                    h.kind.message().text(),
                    author,
                    output::date(h.created_at),
                    t!("label-id", id = line.id.to_string())
                )?;
                write!(out, "{}", markdown::render(h.kind, h.space.as_str(), body)?)?;
                writeln!(out)?;
            }
        }
        count += 1;
    }
    if format == ExportFormat::Jsonl {
        // The last line: `wiel import` notices a file cut short or missing lines.
        writeln!(out, "{}", tally.trailer().line())?;
    }
    out.flush()?;
    if let Some(p) = path {
        eprintln!(
            "{}",
            t!("exported", count = count, file = p.display().to_string())
        );
    }
    Ok(())
}

/// `wiel sync`: starts a run on the node and follows it until it is done.
pub(super) fn sync(backend: &dyn Operations, peer: Option<String>, json: bool) -> Result<()> {
    let run = backend.sync_start(peer)?;
    let bar = if json {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new_spinner()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{spinner}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {}",
            t!("sync-progress-fetched")
        ))
        .map_err(|e| anyhow!("progress bar: {e}"))?
        .progress_chars("=> "),
    );
    bar.set_message(t!("sync-progress-comparing"));
    let report = loop {
        let report = backend.sync_report(run)?;
        bar.set_length(report.to_fetch);
        bar.set_position(report.fetched);
        bar.set_message(if report.sessions == 0 {
            t!("sync-progress-comparing")
        } else {
            t!("sync-progress-stored", count = report.stored)
        });
        if report.done {
            break report;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    bar.finish_and_clear();
    if json {
        output::json(&report)?;
    } else {
        output::sync_summary(&report)?;
    }
    if report.problems.is_empty() {
        Ok(())
    } else {
        bail!(t!("sync-with-problems", count = report.problems.len()))
    }
}

/// `wiel key rotate|revoke`. Rotation works on the data directory itself, with no node
/// running (the key is also the node's network identity); a revocation also goes through
/// a running node, which gossips it at once.
pub(super) fn key_command(
    data_dir: &DataDir,
    command: KeyCommand,
    json: bool,
    yes: bool,
) -> Result<()> {
    match command {
        KeyCommand::Rotate => {
            if ApiClient::find(data_dir).is_some() {
                bail!(t!("rotate-node-running"))
            }
            let service = Service::open_waiting(data_dir.clone(), wiel_node::ops::LOCK_WAIT)?;
            let (_, old, new, histories) = service.rotate_key()?;
            if json {
                return output::json(&wiel_node::reports::KeyRotated {
                    old_key: old,
                    new_key: new,
                    history_named: histories.named,
                    history_from_elsewhere: histories.from_elsewhere,
                });
            }
            outln!(
                "{}",
                t!(
                    "rotated",
                    new = new.to_string(),
                    old = old.to_string(),
                    named = histories.named,
                    dir = data_dir.root().display().to_string()
                )
            );
            if histories.from_elsewhere > 0 {
                outln!(
                    "{}",
                    t!(
                        "rotated-from-elsewhere",
                        count = histories.from_elsewhere,
                        old = old.to_string()
                    )
                );
            }
            Ok(())
        }
        KeyCommand::Revoke {
            key,
            current,
            since,
            ..
        } => {
            let backend = wiel_node::ops::open(data_dir)?;
            let key = match (key, current) {
                (Some(k), _) => key_by_prefix(backend.as_ref(), &k)?,
                (None, true) => backend.own_key()?,
                (None, false) => return Err(usage(t!("revoke-which-key"))),
            };
            let now = Timestamp::now();
            let since = match since {
                Some(s) => parse_time(&s, now, "--since")?,
                None => now,
            };
            // Whether it may be revoked at all, before asking.
            backend.revoke_key(key, since, true)?;
            confirm(
                &t!(
                    "revoke-confirm",
                    key = key.to_string(),
                    since = output::date_time(since)
                ),
                yes,
            )?;
            let p = backend
                .revoke_key(key, since, false)?
                .ok_or_else(|| anyhow!("the node published no revocation"))?;
            if json {
                return output::json(&p);
            }
            outln!(
                "{}",
                t!(
                    "revoked",
                    key = key.to_string(),
                    since = output::date_time(since),
                    id = p.id.short()
                )
            );
            Ok(())
        }
    }
}

/// A key given in full or by a prefix of at least 8 hex characters (as ids are), among
/// this node's own key and the keys it knows organisations by.
fn key_by_prefix(backend: &dyn Operations, given: &str) -> Result<wiel_protocol::OrgKey> {
    let prefix = given.trim().to_ascii_lowercase();
    if prefix.len() == 64 {
        return prefix.parse().map_err(|e: wiel_protocol::ids::HexError| {
            usage(t!("not-a-key", given = given, reason = e.message()))
        });
    }
    if prefix.len() < 8 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(usage(t!("not-a-key-prefix", given = given)));
    }
    let mut known: Vec<wiel_protocol::OrgKey> = backend.org_names()?.into_keys().collect();
    known.push(backend.own_key()?);
    known.sort();
    known.dedup();
    let found: Vec<_> = known
        .into_iter()
        .filter(|k| k.to_hex().starts_with(&prefix))
        .collect();
    match found.as_slice() {
        [key] => Ok(*key),
        [] => bail!(t!("no-such-key", given = given)),
        many => bail!(t!(
            "ambiguous-key",
            given = given,
            count = many.len(),
            keys = many
                .iter()
                .map(|k| k.short())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `wiel backup FILE`: written to a new file of its own beside it (created here, readable by
/// its owner only, never one that was there already) and renamed, so that a backup cut
/// short never replaces a good one and nobody else can have the key in it.
pub(super) fn backup(
    backend: &dyn Operations,
    file: &Path,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<()> {
    use std::io::Write;
    let mut text = backend.backup()?;
    if let Some(path) = passphrase_file {
        text = wiel_node::service::seal_key(&text, &passphrase(path)?)?;
    }
    let cannot = || t!("cannot-write-file", file = file.display().to_string());
    let beside = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut partial = tempfile::Builder::new()
        .prefix(".wiel-backup-")
        .tempfile_in(&beside)
        .with_context(cannot)?;
    partial
        .write_all(text.as_bytes())
        .and_then(|()| partial.as_file().sync_all())
        .with_context(cannot)?;
    partial.persist(file).with_context(cannot)?;
    let done = BackedUp {
        file: file.to_owned(),
        bytes: text.len() as u64,
    };
    if json {
        return output::json(&done);
    }
    outln!(
        "{}",
        t!(
            "backup-written",
            file = file.display().to_string(),
            size = wiel_lang::bytes(done.bytes)
        )
    );
    Ok(())
}

/// `wiel restore FILE` onto this (empty) data directory.
pub(super) fn restore(
    data_dir: &DataDir,
    file: &Path,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<()> {
    let text = read_input(file)?;
    let passphrase = passphrase_file.map(passphrase).transpose()?;
    let (_, restored) = wiel_node::Service::restore(data_dir.clone(), &text, passphrase.as_deref())
        .with_context(|| t!("restore-failed", file = file.display().to_string()))?;
    if json {
        return output::json(&restored);
    }
    outln!(
        "{}",
        t!(
            "restored",
            organisation = restored.organisation.as_str(),
            dir = data_dir.root().display().to_string(),
            entries = restored.entries,
            made_at = output::date_time(restored.made_at)
        )
    );
    Ok(())
}

/// The passphrase in the first line of `path` (a file, so that it is in no command line
/// or shell history); an empty one is refused.
fn passphrase(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| t!("cannot-read-file", file = path.display().to_string()))?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        bail!(t!("passphrase-empty", file = path.display().to_string()));
    }
    Ok(line.to_owned())
}
