//! Commands that keep a node's store: check, compact, reindex, import and export, backup.

use super::*;
use crate::args::ExportFormat;
use wiel_node::wire::{ImportText, Nothing};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    Reindex,

    Check,

    Compact,

    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },

    Import {
        file: PathBuf,
    },

    Backup {
        file: PathBuf,
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
}

impl Command {
    pub(super) fn run(self, backend: &dyn Operations, json: bool) -> Result<()> {
        match self {
            Command::Reindex => {
                let report = backend.reindex(Nothing {})?;
                if json {
                    output::json(&report)
                } else {
                    outln!(
                        "{}",
                        t!(
                            "reindex-done",
                            documents = report.documents,
                            entries = report.entries,
                            seconds = wiel_lang::decimal(report.seconds, 1),
                            size = output::bytes(report.bytes)
                        )
                    );
                    Ok(())
                }
            }
            Command::Check => {
                let report = backend.check(Nothing {})?;
                if json {
                    output::json(&report)?;
                } else {
                    for d in &report.quarantined {
                        outln!(
                            "{}",
                            t!(
                                "check-damaged",
                                id = d.id.to_string(),
                                detail = d.reason.as_str()
                            )
                        );
                    }
                    outln!(
                        "{}",
                        t!(
                            "check-done",
                            count = report.checked,
                            damaged = report.quarantined.len()
                        )
                    );
                }
                if report.quarantined.is_empty() {
                    Ok(())
                } else {
                    bail!(t!("check-failed", count = report.quarantined.len()))
                }
            }
            Command::Compact => {
                let done = backend.compact(Nothing {})?;
                if json {
                    output::json(&done)?;
                } else {
                    outln!(
                        "{}",
                        t!(
                            "compact-done",
                            before = output::bytes(done.before),
                            after = output::bytes(done.after),
                            count = done.bodies
                        )
                    );
                }
                Ok(())
            }
            Command::Export { format, output } => export(backend, format, output.as_deref()),
            Command::Backup {
                file,
                passphrase_file,
            } => safekeeping::backup(backend, &file, passphrase_file.as_deref(), json),
            Command::Import { file } => import(backend, &file, json),
        }
    }
}

fn import(backend: &dyn Operations, file: &Path, json: bool) -> Result<()> {
    let text = read_input(file)?;
    let report = backend
        .import(ImportText(text))
        .with_context(|| t!("import-nothing", file = file.display().to_string()))?;
    if json {
        output::json(&report)
    } else {
        if report.in_file == 0 {
            eprintln!(
                "wiel: {}",
                t!("import-empty-file", file = file.display().to_string())
            );
        } else if !report.complete {
            eprintln!(
                "wiel: {}",
                t!("import-cut-file", file = file.display().to_string())
            );
        }
        outln!(
            "{}",
            t!(
                "import-done",
                file = file.display().to_string(),
                stored = report.stored,
                already = report.already_stored,
                retracted = report.retracted
            )
        );
        if report.kept_apart > 0 {
            outln!("{}", t!("import-kept-apart", count = report.kept_apart));
            for k in &report.kept_apart_authors {
                let organisation = k
                    .organisation
                    .clone()
                    .unwrap_or_else(|| t!("unknown-organisation"));
                let line = if k.revoked {
                    t!(
                        "import-kept-apart-revoked",
                        organisation = organisation,
                        count = k.entries,
                        key = k.key.to_string()
                    )
                } else {
                    t!(
                        "import-kept-apart-author",
                        organisation = organisation,
                        count = k.entries,
                        key = k.key.to_string()
                    )
                };
                outln!("  {line}");
            }
        }
        if report.incomplete > 0 {
            outln!("{}", t!("import-incomplete", count = report.incomplete));
        }
        for (reason, count) in &report.refused {
            let why = match reason.as_str() {
                "kept_apart_full" => t!("refused-kept-apart-full"),
                "too_many_profiles" => t!("refused-too-many-profiles"),
                "untrusted" => t!("refused-untrusted"),
                "in_future" => t!("refused-in-future"),
                other => other.to_owned(),
            };
            outln!(
                "{}",
                t!("import-not-taken", count = *count, why = why.as_str())
            );
        }
        Ok(())
    }
}

fn export(backend: &dyn Operations, format: ExportFormat, path: Option<&Path>) -> Result<()> {
    use std::io::Write;
    let mut out: Box<dyn Write> = match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p)
                .with_context(|| t!("cannot-write-file", file = p.display().to_string()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let lines = backend.export(Nothing {})?;
    let (names, trust) = match format {
        ExportFormat::Md => (
            backend.org_names(Nothing {})?,
            Some(backend.trust_report(Nothing {})?),
        ),
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
