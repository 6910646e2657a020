//! `wiel`: the command line of the wiel knowledge network.
//!
//! `args` defines the commands, `commands` runs them over the node's service, `markdown`
//! reads and writes entries as Markdown, `output` renders them, `demo` is the sample network.

mod args;
mod commands;
mod demo;
mod markdown;
mod node;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                // gossipsub warns once per message it drops itself (a peer sending signed
                // messages): thousands of lines a hostile peer controls.
                .unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new("warn,libp2p_gossipsub=error")
                }),
        )
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal, not in a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS, // `wiel list | head`
        Err(err) => {
            // One line: what went wrong, with its causes, and what to do where it helps.
            let hint = hint(&err).map(|h| format!("; {h}")).unwrap_or_default();
            eprintln!("wiel: error: {err:#}{hint}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// What the user can do about an error, by its stable code: the node's errors say what
/// went wrong; the words of this command line are added here.
fn hint(err: &anyhow::Error) -> Option<&'static str> {
    use wiel_node::ServiceError;
    use wiel_node::ops::OpError;
    let code = err.chain().find_map(|e| {
        e.downcast_ref::<OpError>()
            .and_then(|o| o.code().map(str::to_owned))
            .or_else(|| {
                e.downcast_ref::<ServiceError>()
                    .map(|s| s.code().to_owned())
            })
    })?;
    Some(match code.as_str() {
        "not_initialised" => "run `wiel init --name \"Gemeente …\" --code GM….` first",
        "already_initialised" => "use another --data-dir to make a new one",
        "search_index" => "rebuild it with `wiel reindex`",
        "unknown_organisation" => "give its name and CBS code with --name and --code",
        "own_key_revoked" => "run `wiel key rotate` to move to a new key",
        "personal_data" => "publish anyway with --yes",
        "unfollowed_space" => "or add --new-space to publish there anyway",
        "no_node" => "start one with `wiel node` (it syncs with every peer it connects to)",
        _ => return None,
    })
}
