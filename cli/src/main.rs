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
        .init();
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS, // `wiel list | head`
        Err(err) => {
            // One line: what went wrong, with its causes, and what to do where it helps.
            let hint = match err.downcast_ref::<wiel_node::ops::OpError>() {
                Some(wiel_node::ops::OpError::NoNode) => {
                    ": start one with `wiel node` (it syncs with every peer it connects to)"
                }
                _ => "",
            };
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
