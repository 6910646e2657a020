//! Commands that keep a node: export, sync with progress, and its keys.

use super::*;
use wiel_node::api::client::ApiClient;

pub(super) fn export(
    backend: &dyn Operations,
    format: ExportFormat,
    path: Option<&Path>,
) -> Result<()> {
    use std::io::Write;
    let mut out: Box<dyn Write> = match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let lines = backend.export()?;
    let names = match format {
        ExportFormat::Md => backend.org_names()?,
        ExportFormat::Jsonl => Default::default(),
    };
    // Older versions are left out of the readable document.
    let superseded: std::collections::BTreeSet<EntryId> = lines
        .iter()
        .filter_map(|l| l.entry.header.target(Rel::Supersedes))
        .collect();
    let mut count = 0usize;
    let mut tally = wiel_node::exchange::Tally::default();
    for line in &lines {
        match format {
            ExportFormat::Jsonl => {
                serde_json::to_writer(&mut out, line)?;
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
                writeln!(
                    out,
                    "<!-- {} · {} · {} · id {} -->",
                    h.kind.dutch(),
                    author,
                    output::date(h.created_at),
                    line.id
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
        eprintln!("Exported {count} entries to {}.", p.display());
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
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} entries fetched",
        )
        .map_err(|e| anyhow!("progress bar: {e}"))?
        .progress_chars("=> "),
    );
    bar.set_message("comparing");
    let report = loop {
        let report = backend.sync_report(run)?;
        bar.set_length(report.to_fetch);
        bar.set_position(report.fetched);
        bar.set_message(if report.sessions == 0 {
            "comparing".to_owned()
        } else {
            format!("{} stored", report.stored)
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
        bail!(
            "sync finished with {}; what did arrive is stored",
            output::counted(report.problems.len() as u64, "problem", "problems")
        )
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
                bail!(
                    "a node is running on this data directory: stop it first (its key is its network identity), then run this again"
                )
            }
            let service = Service::open_waiting(data_dir.clone(), wiel_node::ops::LOCK_WAIT)?;
            let (_, old, new) = service.rotate_key()?;
            if json {
                return output::json(&serde_json::json!({ "old_key": old, "new_key": new }));
            }
            println!(
                "This organisation now signs with key {new} (was {old}).\nThe old key is kept as key.old.* in {}; start the node to tell the network.",
                data_dir.root().display()
            );
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
                (None, false) => bail!(
                    "name the key to revoke (hex), or use --current for the key this node signs with now"
                ),
            };
            let now = Timestamp::now();
            let since = match since {
                Some(s) => parse_time(&s, now, "--since")?,
                None => now,
            };
            confirm(
                &format!(
                    "Revoke key {key} from {} on? Whatever it signs from then counts for nothing, on every node; this cannot be undone.",
                    output::date_time(since)
                ),
                yes,
            )?;
            let p = backend.revoke_key(key, since)?;
            if json {
                return output::json(&p);
            }
            println!(
                "Key {key} is revoked from {} on (entry {}). Every node ignores what it signs from then; what it signed before stays.",
                output::date_time(since),
                p.id.short()
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
        return prefix
            .parse()
            .map_err(|e| anyhow!("'{given}' is not a key: {e}"));
    }
    if prefix.len() < 8 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
        bail!("'{given}' is not a key: give it in full or by its first 8 or more hex characters");
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
        [] => bail!("no key known here starts with '{given}'"),
        many => bail!(
            "'{given}' is the start of {} keys ({}): give more of it",
            many.len(),
            many.iter()
                .map(|k| k.short())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
