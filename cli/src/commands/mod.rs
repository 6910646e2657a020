//! Runs each command: raw flags become validated values, then one call to the service.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use wiel_node::service::InitOptions;
use wiel_node::{DataDir, NewEntry, Published, Service};
use wiel_protocol::{Body, CbsCode, EntryId, Kind, NetworkId, Rel, SpaceName, Timestamp, Verdict};

use crate::args::{Cli, Command, ConfigCommand, KeyCommand, LabelArgs};
use crate::{demo, markdown, node, output};
use wiel_lang::{Localise, t};
use wiel_node::ops::Operations;

mod doctor;
mod filters;
pub mod network;
pub mod reading;
mod safekeeping;
mod tools;
pub mod trust;
pub mod upkeep;
pub mod writing;

use doctor::doctor;
use filters::*;
use safekeeping::*;
use tools::*;
use writing::read_input;

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
    let explicit_data_dir = cli.data_dir_given;
    let data_dir = resolve_data_dir(cli.data_dir)?;
    match &cli.command {
        Command::Demo { .. } if explicit_data_dir => bail!(t!("demo-no-data-dir")),
        Command::Node(_) if json => bail!(t!("node-no-json")),
        Command::Upkeep(upkeep::Command::Export { .. }) if json => bail!(t!("export-no-json")),
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
        Command::Key(k) => {
            let yes = matches!(k, KeyCommand::Revoke { yes: true, .. });
            key_command(&data_dir, k, json, yes)
        }
        Command::Doctor => doctor(&data_dir, json),
        Command::Completions { shell } => completions(shell),
        Command::Manual { dir } => manual(&dir, json),
        Command::Config(ConfigCommand::Check) => config_check(&data_dir, json),
        Command::Restore {
            file,
            passphrase_file,
        } => restore(&data_dir, &file, passphrase_file.as_deref(), json),
        Command::Writing(c) => with_operations(&data_dir, |ops| c.run(ops, json)),
        Command::Reading(c) => with_operations(&data_dir, |ops| c.run(ops, json)),
        Command::Upkeep(c) => with_operations(&data_dir, |ops| c.run(ops, json)),
        Command::Network(c) => with_operations(&data_dir, |ops| c.run(ops, json)),
        Command::TrustAdmin(c) => with_operations(&data_dir, |ops| c.run(ops, json)),
    }
}

/// Runs a command on the operations of `data_dir` (the running node's, or the store's
/// own), and finishes them as a process that exits next: also after the command failed.
fn with_operations(
    data_dir: &DataDir,
    command: impl FnOnce(&dyn Operations) -> Result<()>,
) -> Result<()> {
    let operations = wiel_node::ops::open(data_dir)?;
    let done = command(operations.as_ref());
    let finished = operations.finish();
    done?;
    Ok(finished?)
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
