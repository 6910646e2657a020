//! Runs each command: raw flags become validated values, then one call to the service.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use wiel_node::service::InitOptions;
use wiel_node::{DataDir, NewEntry, Published, Service};
use wiel_protocol::{Body, CbsCode, EntryId, Kind, NetworkId, Rel, SpaceName, Timestamp, Verdict};

use crate::args::{
    Cli, Command, ConfigCommand, ExportFormat, KeyCommand, LabelArgs, PublishArgs, ReactArgs,
    TrustCommand,
};
use crate::{demo, markdown, node, output};
use wiel_lang::{Localise, t};
use wiel_node::ops::Operations;

mod doctor;
mod filters;
mod tools;
mod upkeep;
mod writing;

use doctor::doctor;
use filters::*;
use tools::*;
use upkeep::*;
use writing::*;

/// A wrong argument found after parsing (an unknown kind, a date that is none): said like
/// the parser's own errors, with exit code 2.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

fn usage(text: String) -> anyhow::Error {
    Usage(text).into()
}

pub fn run(cli: Cli) -> Result<()> {
    let json = cli.json;
    let yes = cli.command.yes();
    let explicit_data_dir = cli.data_dir_given;
    let data_dir = resolve_data_dir(cli.data_dir)?;
    match &cli.command {
        Command::Demo { .. } if explicit_data_dir => bail!(t!("demo-no-data-dir")),
        Command::Node(_) if json => bail!(t!("node-no-json")),
        Command::Export { .. } if json => bail!(t!("export-no-json")),
        Command::Completions { .. } if json => bail!(t!("completions-no-json")),
        Command::Completions { .. } | Command::Manual { .. } if explicit_data_dir => {
            bail!(t!("tool-no-data-dir"))
        }
        _ => {}
    }
    match cli.command {
        Command::Init(a) => init(&data_dir, a, json),
        Command::Node(a) => node::run(data_dir, a),
        Command::Demo { keep } => demo::run(keep, json),
        Command::Key(k) => key_command(&data_dir, k, json, yes),
        Command::Doctor => doctor(&data_dir, json),
        Command::Completions { shell } => completions(shell),
        Command::Manual { dir } => manual(&dir, json),
        Command::Config(ConfigCommand::Check) => config_check(&data_dir, json),
        Command::Restore {
            file,
            passphrase_file,
        } => restore(&data_dir, &file, passphrase_file.as_deref(), json),
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
        trust_mode: a
            .trust_mode
            .parse()
            .map_err(|_: String| anyhow!(t!("bad-trust-mode", mode = a.trust_mode.as_str())))?,
    };
    let service = Service::init(data_dir.clone(), options)?;
    let report = wiel_node::reports::Initialised {
        data_dir: data_dir.root().to_owned(),
        organisation: service.config().organisation.name.clone(),
        org_key: service.org_key(),
        spaces: service.config().spaces.clone(),
    };
    if json {
        output::json(&report)
    } else {
        outln!(
            "{}",
            t!(
                "init-done",
                name = service.config().organisation.name.as_str(),
                dir = data_dir.root().display().to_string(),
                key = service.org_key().to_string(),
                key_file = data_dir.key_path().display().to_string()
            )
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
        bail!(t!("confirm-with-yes", question = question));
    }
    let mut err = std::io::stderr().lock();
    write!(err, "{question} {} ", t!("yes-no"))?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if is_yes(&answer) {
        Ok(())
    } else {
        bail!(t!("nothing-done"))
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
    let message = wiel_node::texts::personal_data(&findings).text();
    if findings.iter().any(|f| f.blocks) {
        bail!(message);
    }
    if yes {
        return Ok(true);
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        bail!(t!("personal-data-use-yes", message = message));
    }
    let mut err = std::io::stderr().lock();
    writeln!(err, "{}", t!("personal-data-heading"))?;
    for f in &findings {
        writeln!(err, "  {}", f.message().text())?;
    }
    write!(err, "{} {} ", t!("publish-anyway"), t!("yes-no"))?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if is_yes(&answer) {
        Ok(true)
    } else {
        bail!(t!("nothing-published"))
    }
}

/// "j", "ja", "y", "yes", in any case.
fn is_yes(answer: &str) -> bool {
    matches!(
        answer.trim().to_lowercase().as_str(),
        "j" | "ja" | "y" | "yes"
    )
}

fn run_on(backend: &dyn Operations, command: Command, json: bool, yes: bool) -> Result<()> {
    match command {
        Command::Publish(a) => {
            let source = a
                .file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_else(|| t!("the-entry"));
            let mut new = publish_input(a)?;
            new.confirmed_personal_data = confirm_personal_data(&new.body, yes)?;
            let p = backend
                .publish(new)
                .with_context(|| t!("cannot-publish", source = source.as_str()))?;
            published(p, json)
        }
        Command::Ask(a) => {
            if a.question.trim().is_empty() {
                return Err(usage(t!("question-empty")));
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
        Command::Retract { id, reason, .. } => {
            let confirmed = match &reason {
                Some(text) => confirm_personal_data(
                    &Body {
                        text: text.clone(),
                        ..Body::default()
                    },
                    yes,
                )?,
                None => false,
            };
            let done = backend.retract(&id, reason, confirmed)?;
            if json {
                output::json(&wiel_node::service::Retracted { retractions: done })
            } else {
                let of_a_retraction =
                    backend.thread(&id)?.entry.kind == wiel_protocol::Kind::Retraction;
                if of_a_retraction {
                    outln!("{}", t!("retraction-reason-erased", id = id.as_str()));
                } else {
                    outln!("{}", t!("retracted", id = id.as_str(), count = done.len()));
                }
                Ok(())
            }
        }
        Command::Edit { id, file, .. } => edit(backend, &id, file, json, yes),
        Command::List(a) => {
            let mut filter = list_filter(backend, &a.filter)?;
            filter.kind = a
                .kind
                .as_deref()
                .map(str::parse::<Kind>)
                .transpose()
                .map_err(|e| usage(e.message().text()))?;
            filter.all_versions = a.all_versions;
            filter.include_retracted = a.retracted;
            filter.content_only = filter.kind.is_none();
            let listing = backend.list(&filter)?;
            if json {
                output::json(&listing)
            } else {
                output::entry_lines(&listing, filter.limit, &t!("list-empty"))
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
            filter.kind = a
                .kind
                .as_deref()
                .map(str::parse::<Kind>)
                .transpose()
                .map_err(|e| usage(e.message().text()))?;
            if let Some(kind) = filter.kind.filter(|k| !k.rules().content) {
                bail!(t!(
                    "search-not-this-kind",
                    kind = kind.with_article(),
                    code = kind.as_str()
                ));
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
                // "Every question has an accepted answer" only where there are questions.
                let any_question = || -> Result<bool> {
                    let mut all = filter.clone();
                    all.open = false;
                    all.limit = 1;
                    Ok(!backend.list(&all)?.entries.is_empty())
                };
                let empty = if a.open && listing.entries.is_empty() && any_question()? {
                    t!("questions-none-open")
                } else {
                    t!("questions-none")
                };
                output::entry_lines(&listing, filter.limit, &empty)
            }
        }
        Command::Accept { id } => accept(backend, &id, json),
        Command::Check => {
            let report = backend.check()?;
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
            let done = backend.compact()?;
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
        Command::Reindex => {
            let report = backend.reindex()?;
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
        Command::Export { format, output } => export(backend, format, output.as_deref()),
        Command::Backup {
            file,
            passphrase_file,
        } => backup(backend, &file, passphrase_file.as_deref(), json),
        Command::Import { file } => {
            let text = read_input(&file)?;
            let report = backend
                .import(text)
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
                    return output::json(&wiel_node::service::Retracted { retractions: done });
                }
                outln!(
                    "{}",
                    t!(
                        "endorsement-withdrawn",
                        organisation = organisation.as_str(),
                        count = done.len()
                    )
                );
                Ok(())
            } else {
                let p = backend.endorse(&organisation, name, code)?;
                if json {
                    return output::json(&p);
                }
                let entry = backend.thread(&p.id.to_string())?.entry;
                match entry.fields {
                    Some(wiel_protocol::KindFields::Endorsement { subject, name, .. }) => outln!(
                        "{}",
                        t!(
                            "endorsed",
                            organisation = name,
                            key = subject.to_string(),
                            id = p.id.short()
                        )
                    ),
                    _ => return published(p, json),
                }
                Ok(())
            }
        }
        Command::Trust(t) => {
            let before = backend.trust_report()?;
            let mut added = None;
            let report = match t {
                TrustCommand::List => before.clone(),
                TrustCommand::Add { organisation } => {
                    let report = backend.trust_root(&organisation, false)?;
                    added = Some(organisation);
                    report
                }
                TrustCommand::Remove { organisation } => backend.trust_root(&organisation, true)?,
            };
            if json {
                return output::json(&report);
            }
            if let Some(organisation) = added
                && report.roots == before.roots
            {
                outln!(
                    "{}",
                    t!("trust-already", organisation = organisation.as_str())
                );
            }
            // Say what changed, with the whole key: a name or code is only a claim.
            for root in report.roots.iter().filter(|r| !before.roots.contains(r)) {
                let (key, name) = (&root.key, &root.organisation);
                outln!(
                    "{}",
                    t!("trust-added", name = name.as_str(), key = key.to_string())
                );
            }
            for root in before.roots.iter().filter(|r| !report.roots.contains(r)) {
                let (key, name) = (&root.key, &root.organisation);
                outln!(
                    "{}",
                    t!("trust-removed", name = name.as_str(), key = key.to_string())
                );
            }
            output::trust(&report)
        }
        Command::Connect { address } => {
            backend.connect(&address)?;
            if json {
                output::json(&wiel_node::wire::Connected { connected: address })
            } else {
                outln!("{}", t!("connected", address = address.as_str()));
                Ok(())
            }
        }
        Command::Web { no_open } => {
            let login = backend.web_login()?;
            if json {
                output::json(&login)
            } else {
                outln!("{}", t!("web-link", url = login.url.as_str()));
                if !no_open && open_in_browser(&login.url) {
                    outln!("{}", t!("web-opened"));
                }
                Ok(())
            }
        }
        Command::Init(_)
        | Command::Node(_)
        | Command::Demo { .. }
        | Command::Key(_)
        | Command::Doctor
        | Command::Completions { .. }
        | Command::Manual { .. }
        | Command::Restore { .. }
        | Command::Config(_) => {
            bail!(t!("not-through-a-node"))
        }
    }
}

fn resolve_data_dir(flag: Option<PathBuf>) -> Result<DataDir> {
    if let Some(dir) = flag {
        return Ok(DataDir::new(dir));
    }
    let dirs = directories::ProjectDirs::from("nl", "wiel", "wiel")
        .ok_or_else(|| anyhow!(t!("no-home-directory")))?;
    Ok(DataDir::new(dirs.data_dir()))
}

fn published(p: Published, json: bool) -> Result<()> {
    if json {
        output::json(&p)
    } else {
        outln!(
            "{}",
            t!(
                "published",
                kind = p.kind.message(),
                id = p.id.short(),
                space = p.space.as_str()
            )
        );
        Ok(())
    }
}

fn labels(l: LabelArgs) -> Result<(Option<SpaceName>, Vec<String>, Vec<String>)> {
    let space = l.space.map(SpaceName::new).transpose()?;
    Ok((space, l.tags, l.themes))
}
