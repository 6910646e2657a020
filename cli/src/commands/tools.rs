//! Commands for whoever keeps the node: shell completions, checking `config.toml`, and
//! opening the web page in the desktop's browser.

use std::path::Path;

use anyhow::{Context, Result, bail};
use clap::CommandFactory;
use wiel_lang::{Localise, t};
use wiel_node::DataDir;
use wiel_node::config::Config;
use wiel_node::reports::ConfigCheck;

/// `wiel completions SHELL`: the completion script for bash, zsh, fish, elvish or
/// PowerShell, on standard output.
pub(super) fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut command = crate::args::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "wiel", &mut script);
    std::io::Write::write_all(&mut std::io::stdout(), &script)?;
    Ok(())
}

/// `wiel manual DIR`: a man page for `wiel` and one for each of its commands
/// (`wiel-list.1`, `wiel-trust-add.1`, …), in the reader's language.
pub(super) fn manual(dir: &Path, json: bool) -> Result<()> {
    let mut command = crate::help::localised(crate::args::Cli::command(), wiel_lang::current());
    command.build();
    std::fs::create_dir_all(dir)
        .with_context(|| t!("cannot-write-file", file = dir.display().to_string()))?;
    let mut written = Vec::new();
    write_man_pages(&command, "wiel", dir, &mut written)?;
    if json {
        return crate::output::json(&wiel_node::reports::ManualWritten {
            dir: dir.to_owned(),
            pages: written,
        });
    }
    outln!(
        "{}",
        t!(
            "manual-written",
            count = written.len(),
            dir = dir.display().to_string()
        )
    );
    Ok(())
}

fn write_man_pages(
    command: &clap::Command,
    name: &str,
    dir: &Path,
    written: &mut Vec<String>,
) -> Result<()> {
    let file = dir.join(format!("{name}.1"));
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone().name(name.to_owned()))
        .title(name.to_owned())
        .section("1")
        .source(format!("wiel {}", env!("CARGO_PKG_VERSION")))
        .render(&mut page)
        .with_context(|| t!("cannot-write-file", file = file.display().to_string()))?;
    std::fs::write(&file, page)
        .with_context(|| t!("cannot-write-file", file = file.display().to_string()))?;
    written.push(format!("{name}.1"));
    for sub in command.get_subcommands() {
        write_man_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}

/// `wiel config check`: reads `config.toml` as `wiel node` would and says whether it is
/// in order or what is wrong and on which line. Exit code 1 when something is.
pub(super) fn config_check(data_dir: &DataDir, json: bool) -> Result<()> {
    let file = data_dir.config_path().display().to_string();
    let problem = Config::load(data_dir).err().map(|e| e.message().text());
    if json {
        crate::output::json(&ConfigCheck {
            file: file.clone(),
            valid: problem.is_none(),
            problem: problem.clone(),
        })?;
        if problem.is_some() {
            bail!(t!("config-check-bad", file = file.as_str()));
        }
        return Ok(());
    }
    match problem {
        None => {
            outln!("{}", t!("config-check-ok", file = file.as_str()));
            Ok(())
        }
        Some(problem) => bail!(problem),
    }
}

/// Opens `url` in the desktop's browser, where there is one: a terminal on a desktop
/// (a display, and `xdg-open`). On a server without one, the link printed is the way.
pub(super) fn open_in_browser(url: &str) -> bool {
    use std::io::IsTerminal;
    let desktop = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()));
    if !desktop || !std::io::stdout().is_terminal() {
        return false;
    }
    std::process::Command::new("xdg-open")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}
