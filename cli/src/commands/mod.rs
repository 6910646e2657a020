//! Runs each command: raw flags become validated values, then one call to the service.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use wiel_node::service::InitOptions;
use wiel_node::{DataDir, NewEntry, Published, Service};
use wiel_protocol::{Body, CbsCode, EntryId, Kind, NetworkId, Rel, SpaceName, Timestamp, Verdict};
use wiel_store::ListFilter;

use crate::args::{
    Cli, Command, ExportFormat, FilterArgs, KeyCommand, LabelArgs, PublishArgs, ReactArgs,
    TrustCommand,
};
use crate::{demo, markdown, node, output};
use wiel_node::ops::Operations;

mod upkeep;
mod writing;

use upkeep::*;
use writing::*;

pub fn run(cli: Cli) -> Result<()> {
    let json = cli.json;
    let yes = cli.command.yes();
    let explicit_data_dir = cli.data_dir.is_some();
    let data_dir = resolve_data_dir(cli.data_dir)?;
    match &cli.command {
        Command::Demo { .. } if explicit_data_dir => bail!(
            "--data-dir does not go with `wiel demo`: the demo makes its own nodes (keep them with --keep DIR)"
        ),
        Command::Node(_) if json => bail!(
            "--json does not go with `wiel node`: it logs to stderr; ask a running node with `wiel --json status`"
        ),
        Command::Export { .. } if json => bail!(
            "--json does not go with `wiel export`: its default format is JSON lines already (--format jsonl)"
        ),
        _ => {}
    }
    match cli.command {
        Command::Init(a) => init(&data_dir, a, json),
        Command::Node(a) => node::run(data_dir, a),
        Command::Demo { keep } => demo::run(keep, json),
        Command::Key(k) => key_command(&data_dir, k, json, yes),
        command => {
            let backend = wiel_node::ops::open(&data_dir)?;
            run_on(backend.as_ref(), command, json, yes)
        }
    }
}

fn init(data_dir: &DataDir, a: crate::args::InitArgs, json: bool) -> Result<()> {
    let spaces = a
        .spaces
        .iter()
        .map(|s| SpaceName::new(s.as_str()))
        .collect::<Result<Vec<_>, _>>()?;
    let options = InitOptions {
        name: a.name,
        code: CbsCode::new(a.code)?,
        province: a.province,
        spaces,
        network: NetworkId::new(a.network)?,
        trust_mode: a.trust_mode.parse().map_err(|e: String| anyhow!(e))?,
    };
    let service = Service::init(data_dir.clone(), options)?;
    let report = serde_json::json!({
        "data_dir": data_dir.root(),
        "organisation": service.config().organisation.name,
        "key": service.org_key(),
        "spaces": service.config().spaces,
    });
    if json {
        output::json(&report)
    } else {
        println!(
            "Node set up for {} in {}.\nOrganisation key: {}\nKeep the file {} safe: it is your municipality's signature.",
            service.config().organisation.name,
            data_dir.root().display(),
            service.org_key(),
            data_dir.key_path().display()
        );
        Ok(())
    }
}

/// Asks at a terminal whether to go on with something that cannot be undone; `--yes`
/// answers for scripts.
fn confirm(question: &str, yes: bool) -> Result<()> {
    use std::io::{BufRead, IsTerminal, Write};
    if yes {
        return Ok(());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        bail!("{question} Add --yes to confirm; nothing was done");
    }
    let mut err = std::io::stderr().lock();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "j" | "J" | "ja" | "yes") {
        Ok(())
    } else {
        bail!("nothing was done")
    }
}

/// The privacy guard before an entry is signed: what blocks is refused; what it asks about
/// is confirmed with `--yes` or, at a terminal, by answering the question. Returns whether
/// the author confirmed findings.
fn confirm_personal_data(body: &Body, yes: bool) -> Result<bool> {
    use std::io::{BufRead, IsTerminal, Write};
    let findings = wiel_protocol::privacy::scan(body);
    if findings.is_empty() {
        return Ok(false);
    }
    let message = wiel_node::service::personal_data_message(&findings);
    if findings.iter().any(|f| f.blocks) {
        bail!(message);
    }
    if yes {
        return Ok(true);
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        bail!("{message}; publish anyway with --yes");
    }
    let mut err = std::io::stderr().lock();
    writeln!(err, "The entry may hold personal data of a citizen:")?;
    for f in &findings {
        writeln!(err, "  {f}")?;
    }
    write!(err, "Publish anyway? [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "j" | "J" | "ja" | "yes") {
        Ok(true)
    } else {
        bail!("nothing published")
    }
}

fn run_on(backend: &dyn Operations, command: Command, json: bool, yes: bool) -> Result<()> {
    match command {
        Command::Publish(a) => {
            let source = a
                .file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_else(|| "the entry".to_owned());
            let mut new = publish_input(a)?;
            new.confirmed_personal_data = confirm_personal_data(&new.body, yes)?;
            let p = backend
                .publish(new)
                .with_context(|| format!("cannot publish {source}"))?;
            published(p, json)
        }
        Command::Ask(a) => {
            if a.question.trim().is_empty() {
                bail!(
                    "the question is empty: write it between quotes, e.g. wiel ask \"Wie heeft een goed verzuimbeleid?\""
                );
            }
            let new_space = a.labels.new_space;
            let (space, tags, themes) = labels(a.labels)?;
            let body = Body {
                title: a.question.trim().to_owned(),
                text: a.text.unwrap_or_default(),
                tags,
                themes,
                ..Body::default()
            };
            let confirmed_personal_data = confirm_personal_data(&body, yes)?;
            published(
                backend.publish(NewEntry {
                    kind: Kind::Question,
                    space,
                    refs: vec![],
                    body,
                    created_at: None,
                    confirmed_personal_data,
                    new_space,
                })?,
                json,
            )
        }
        Command::Answer { id, text, .. } => {
            let confirmed = confirm_personal_data(
                &Body {
                    text: text.clone(),
                    ..Body::default()
                },
                yes,
            )?;
            published(backend.answer(&id, text, confirmed)?, json)
        }
        Command::React(a) => react(backend, a, json, yes),
        Command::Retract { id, reason } => {
            let done = backend.retract(&id, reason)?;
            if json {
                output::json(&wiel_node::service::Retracted { retractions: done })
            } else {
                println!(
                    "Retracted {id} ({} version{}): its text is erased here and on every node that receives the retraction.",
                    done.len(),
                    if done.len() == 1 { "" } else { "s" }
                );
                Ok(())
            }
        }
        Command::Edit { id, file, .. } => edit(backend, &id, file, json, yes),
        Command::List(a) => {
            let mut filter = list_filter(backend, &a.filter)?;
            filter.kind = a.kind.as_deref().map(str::parse).transpose()?;
            filter.all_versions = a.all_versions;
            filter.include_retracted = a.retracted;
            filter.content_only = filter.kind.is_none();
            let listing = backend.list(&filter)?;
            if json {
                output::json(&listing)
            } else {
                output::entry_lines(&listing, filter.limit, "Geen berichten gevonden.")
            }
        }
        Command::Show { id } => {
            let thread = backend.thread(&id)?;
            if json {
                output::json(&thread)
            } else {
                output::thread(&thread)
            }
        }
        Command::Search(a) => {
            let mut filter = list_filter(backend, &a.filter)?;
            filter.kind = a.kind.as_deref().map(str::parse::<Kind>).transpose()?;
            if let Some(kind) = filter.kind.filter(|k| !k.rules().content) {
                bail!(
                    "search finds practices, stories, questions and answers, not {}: use `wiel list --kind {kind}`",
                    kind.with_article()
                );
            }
            let query = a.words.join(" ");
            let results = backend.search(&query, &filter)?;
            if json {
                output::json(&results)
            } else {
                output::search_results(&results, filter.limit)
            }
        }
        Command::Questions(a) => {
            let mut filter = list_filter(backend, &a.filter)?;
            filter.kind = Some(Kind::Question);
            filter.open = a.open;
            let listing = backend.list(&filter)?;
            if json {
                output::json(&listing)
            } else {
                let empty = if a.open {
                    "Geen open vragen: elke vraag heeft een geaccepteerd antwoord."
                } else {
                    "Geen vragen."
                };
                output::entry_lines(&listing, filter.limit, empty)
            }
        }
        Command::Accept { id } => accept(backend, &id, json),
        Command::Check => {
            let report = backend.check()?;
            if json {
                output::json(&report)?;
            } else {
                for d in &report.quarantined {
                    println!("damaged: {} — {}", d.id, d.reason);
                }
                println!(
                    "Checked {}: {} damaged{}.",
                    output::counted(report.checked as u64, "entry", "entries"),
                    report.quarantined.len(),
                    if report.quarantined.is_empty() {
                        String::new()
                    } else {
                        ", taken out of the store; a running node fetches them again from its peers"
                            .to_owned()
                    }
                );
            }
            if report.quarantined.is_empty() {
                Ok(())
            } else {
                bail!(
                    "{} damaged entries were found and quarantined",
                    report.quarantined.len()
                )
            }
        }
        Command::Compact => {
            let done = backend.compact()?;
            if json {
                output::json(&done)?;
            } else {
                println!(
                    "Compacted the entry log: {} → {} ({} kept).",
                    output::bytes(done.before),
                    output::bytes(done.after),
                    output::counted(done.bodies, "entry", "entries")
                );
            }
            Ok(())
        }
        Command::Reindex => {
            let report = backend.reindex()?;
            if json {
                output::json(&report)
            } else {
                println!(
                    "Search index rebuilt: {} entries searchable (of {} stored), {:.1} s, {} on disk.",
                    report.documents,
                    report.entries,
                    report.seconds,
                    output::bytes(report.bytes)
                );
                Ok(())
            }
        }
        Command::Export { format, output } => export(backend, format, output.as_deref()),
        Command::Import { file } => {
            let text = read_input(&file)?;
            let report = backend
                .import(text)
                .with_context(|| format!("{}: nothing was imported", file.display()))?;
            if json {
                output::json(&report)
            } else {
                if report.in_file == 0 {
                    eprintln!(
                        "wiel: warning: {} holds no entries: is it the right file?",
                        file.display()
                    );
                } else if !report.complete {
                    eprintln!(
                        "wiel: warning: {} does not end with the last line `wiel export` writes: it may be cut short. What it holds was checked and taken in; import the whole file again when you have it.",
                        file.display()
                    );
                }
                println!(
                    "Imported from {}: {} new, {} already here, {} retracted (header kept only).",
                    file.display(),
                    report.stored,
                    report.already_stored,
                    report.retracted
                );
                if report.kept_apart > 0 {
                    println!(
                        "{} of the new entries are kept apart: not shown and not passed on, because this node does not trust who signed them (see them with `wiel list --untrusted`):",
                        report.kept_apart
                    );
                    for k in &report.kept_apart_authors {
                        println!(
                            "  {}: {} — to trust it: wiel trust add {}",
                            k.organisation,
                            output::counted(k.entries as u64, "entry", "entries"),
                            k.key
                        );
                    }
                }
                if report.incomplete > 0 {
                    println!(
                        "{} lines held only a header without its text and no retraction here explains why: not stored.",
                        report.incomplete
                    );
                }
                for (reason, count) in &report.refused {
                    let why = match reason.as_str() {
                        "kept_apart_full" => {
                            "the space for entries of organisations this node does not trust is full ([trust] max_kept_apart_bytes)"
                        }
                        "too_many_profiles" => {
                            "this node keeps no more profiles of organisations nobody here trusts ([trust] max_untrusted_profiles)"
                        }
                        "untrusted" => {
                            "this node takes entries of its trusted roots only (trust mode closed)"
                        }
                        "in_future" => {
                            "they are dated more than 10 minutes ahead of this computer's clock; one of the two clocks is wrong (import the file again once the time has passed, or set the clock right)"
                        }
                        other => other,
                    };
                    println!(
                        "{} not taken: {why}.",
                        output::counted(*count as u64, "entry was", "entries were")
                    );
                }
                Ok(())
            }
        }
        Command::Peers => {
            let peers = backend.peers()?;
            if json {
                output::json(&peers)
            } else {
                output::peers(&peers)
            }
        }
        Command::Status => {
            let status = backend.status()?;
            if json {
                output::json(&status)
            } else {
                output::status(&status)
            }
        }
        Command::Sync { peer } => sync(backend, peer, json),
        Command::Endorse {
            organisation,
            name,
            code,
            withdraw,
        } => {
            if withdraw {
                let done = backend.withdraw_endorsement(&organisation)?;
                if json {
                    return output::json(&done);
                }
                println!(
                    "Endorsement of {organisation} withdrawn ({} retraction{}).",
                    done.len(),
                    if done.len() == 1 { "" } else { "s" }
                );
                Ok(())
            } else {
                published(backend.endorse(&organisation, name, code)?, json)
            }
        }
        Command::Trust(t) => {
            let before = backend.trust_report()?;
            let report = match t {
                TrustCommand::List => before.clone(),
                TrustCommand::Add { organisation } => backend.trust_root(&organisation, false)?,
                TrustCommand::Remove { organisation } => backend.trust_root(&organisation, true)?,
            };
            if json {
                return output::json(&report);
            }
            // Say what changed, with the whole key: a name or code is only a claim.
            for (key, name) in report.roots.iter().filter(|r| !before.roots.contains(r)) {
                println!("Now trusted directly: {name}, key {key}.");
            }
            for (key, name) in before.roots.iter().filter(|r| !report.roots.contains(r)) {
                println!("No longer trusted directly: {name}, key {key}.");
            }
            output::trust(&report)
        }
        Command::Connect { address } => {
            backend.connect(&address)?;
            if json {
                output::json(&serde_json::json!({ "connected": address }))
            } else {
                println!("Connected to {address}.");
                Ok(())
            }
        }
        Command::Init(_) | Command::Node(_) | Command::Demo { .. } | Command::Key(_) => {
            bail!("this command does not run through a node")
        }
    }
}

fn resolve_data_dir(flag: Option<PathBuf>) -> Result<DataDir> {
    if let Some(dir) = flag {
        return Ok(DataDir::new(dir));
    }
    let dirs = directories::ProjectDirs::from("nl", "wiel", "wiel").ok_or_else(|| {
        anyhow!("cannot find a home directory for the data: give --data-dir or set WIEL_DATA_DIR")
    })?;
    Ok(DataDir::new(dirs.data_dir()))
}

fn published(p: Published, json: bool) -> Result<()> {
    if json {
        output::json(&p)
    } else {
        println!(
            "Published {} {} in space {}. See it with: wiel show {}",
            p.kind.dutch(),
            p.id.short(),
            p.space,
            p.id.short()
        );
        Ok(())
    }
}

fn labels(l: LabelArgs) -> Result<(Option<SpaceName>, Vec<String>, Vec<String>)> {
    let space = l.space.map(SpaceName::new).transpose()?;
    Ok((space, l.tags, l.themes))
}

fn list_filter(backend: &dyn Operations, f: &FilterArgs) -> Result<ListFilter> {
    let now = Timestamp::now();
    Ok(ListFilter {
        space: f.space.clone().map(SpaceName::new).transpose()?,
        author: f
            .author
            .as_deref()
            .map(|a| backend.resolve_author(a))
            .transpose()?,
        since: f
            .since
            .as_deref()
            .map(|s| parse_time(s, now, "--since"))
            .transpose()?,
        until: f
            .until
            .as_deref()
            .map(|s| parse_time(s, now, "--until"))
            .transpose()?,
        tag: f.tag.clone(),
        theme: f.theme.clone(),
        limit: f.limit,
        untrusted: f.untrusted,
        ..ListFilter::default()
    })
}

/// A date (`2026-11-01`, start of that day in local time) or an age (`7d`, `2w`, `12h`).
fn parse_time(s: &str, now: Timestamp, flag: &str) -> Result<Timestamp> {
    let s = s.trim();
    if let Some((num, unit_ms)) = [("h", 3_600_000u64), ("d", 86_400_000), ("w", 604_800_000)]
        .iter()
        .find_map(|(suffix, ms)| s.strip_suffix(suffix).map(|n| (n, *ms)))
        && let Ok(n) = num.parse::<u64>()
    {
        return Ok(Timestamp::from_millis(
            now.as_millis().saturating_sub(n.saturating_mul(unit_ms)),
        ));
    }
    let date: jiff::civil::Date = s.parse().map_err(|_| {
        anyhow!("{flag} '{s}' is not a date like 2026-11-01 or an age like 7d, 2w or 12h")
    })?;
    let zoned = date
        .to_zoned(jiff::tz::TimeZone::system())
        .map_err(|e| anyhow!("{flag} '{s}': {e}"))?;
    Ok(Timestamp::from_millis(
        u64::try_from(zoned.timestamp().as_millisecond()).unwrap_or(0),
    ))
}
