//! `wiel`: the command line of the wiel knowledge network.
//!
//! `args` defines the commands, `help` puts their descriptions in the reader's language,
//! `commands` runs them over the node's service, `markdown` reads and writes entries as
//! Markdown, `output` renders them, `demo` is the sample network. Every word a person reads
//! comes from the catalogue (`wiel-lang`): Dutch, or English with `LANG=en`.

/// `println!` that hands a closed pipe (`| head`) back as an error, which `main` takes for
/// the end of the reader, instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?;
    }};
}

mod args;
mod commands;
mod demo;
mod help;
mod markdown;
mod node;
mod output;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use wiel_lang::{Localise, Message, t};

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    start_logging(match &cli.command {
        args::Command::Node(a) => a.log_format,
        _ => args::LogFormat::Text,
    });
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS, // `wiel list | head`
        Err(err) if err.is::<commands::Usage>() => {
            eprintln!("wiel: {}: {err}; {}", t!("error"), t!("usage-see-help"));
            ExitCode::from(2)
        }
        Err(err) => {
            // One line: what went wrong, with its causes, and what to do where it helps.
            let hint = hint(&err).map(|h| format!("; {h}")).unwrap_or_default();
            eprintln!("wiel: {}: {}{hint}", t!("error"), error_line(&err));
            if no_node(&err) {
                // A script can tell "start the node" from any other failure.
                ExitCode::from(3)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Whether standard error is systemd's journal (a service's output): systemd says so in
/// `JOURNAL_STREAM` (device and inode of the stream it gave), which a process started from
/// that service inherits even when its stderr goes elsewhere, hence the comparison.
fn stderr_is_the_journal() -> bool {
    let Some((device, inode)) = std::env::var("JOURNAL_STREAM").ok().and_then(|v| {
        let (d, i) = v.split_once(':')?;
        Some((d.parse::<u64>().ok()?, i.parse::<u64>().ok()?))
    }) else {
        return false;
    };
    rustix::fs::fstat(std::io::stderr()).is_ok_and(|s| s.st_dev == device && s.st_ino == inode)
}

/// Logs on stderr: lines for people (colour only on a terminal), or with `--log-format
/// json` one JSON object per event with its fields, for a log collector; or to systemd's
/// journal with `--log-format journald`, and by itself when stderr is the journal.
fn start_logging(format: args::LogFormat) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // gossipsub warns once per message it drops itself (a peer sending signed
        // messages): thousands of lines a hostile peer controls.
        .unwrap_or_else(|_| {
            // Kademlia warns that it has no peers to start from on every node without a
            // bootstrap list: nothing to act on.
            tracing_subscriber::EnvFilter::new("warn,libp2p_gossipsub=error,libp2p_kad=error")
        });
    let journal = match format {
        args::LogFormat::Journald => true,
        args::LogFormat::Text => stderr_is_the_journal(),
        args::LogFormat::Json => false,
    };
    if journal {
        match tracing_journald::layer() {
            Ok(layer) => {
                let layer = layer
                    .with_syslog_identifier("wiel".to_owned())
                    .with_field_prefix(Some("WIEL".to_owned()));
                tracing_subscriber::registry()
                    .with(filter)
                    .with(layer)
                    .init();
                return;
            }
            // No journal to write to: lines on stderr, and why.
            Err(error) => eprintln!(
                "wiel: {}",
                t!("journald-unavailable", detail = error.to_string())
            ),
        }
    }
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        args::LogFormat::Json => logs.json().with_current_span(false).init(),
        args::LogFormat::Text | args::LogFormat::Journald => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
}

/// The arguments, with help and errors in the reader's language. A usage error is one
/// line and exit code 2; help and version go to stdout with exit code 0.
fn parse() -> Result<args::Cli, ExitCode> {
    use clap::error::ErrorKind;
    // `wiel help search` is `wiel search --help`.
    let mut given: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if given.get(1).is_some_and(|a| a == "help") {
        given.remove(1);
        given.push("--help".into());
    }
    let words: Vec<String> = given
        .iter()
        .skip(1)
        .filter_map(|w| w.to_str().map(str::to_owned))
        .collect();
    let command = help::localised_for(args::Cli::command(), wiel_lang::current(), Some(&words));
    let parsed = command.try_get_matches_from(given).and_then(|m| {
        let data_dir_given =
            m.value_source("data_dir") == Some(clap::parser::ValueSource::CommandLine);
        args::Cli::from_arg_matches(&m).map(|mut cli| {
            cli.data_dir_given = data_dir_given;
            cli
        })
    });
    parsed.map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayVersion => {
            println!("wiel {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("wiel: {}: {}", t!("error"), help::usage_error(&e));
            ExitCode::from(2)
        }
    })
}

/// Whether the command failed because no node runs, or the running node does not answer.
fn no_node(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<wiel_node::ops::OpError>(),
            Some(wiel_node::ops::OpError::NoNode)
                | Some(wiel_node::ops::OpError::NodeSilent { .. })
                | Some(wiel_node::ops::OpError::Api(
                    wiel_node::wire::client::ClientError::Unreachable(_)
                ))
        ) || matches!(
            cause.downcast_ref::<wiel_node::wire::client::ClientError>(),
            Some(wiel_node::wire::client::ClientError::Unreachable(_))
        )
    })
}

/// The error and its causes on one line, in the reader's language: the first cause that
/// has a message of its own says the rest (its message holds its own causes).
fn error_line(err: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in err.chain() {
        if let Some(message) = localised(cause) {
            parts.push(message.text());
            break;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            parts.push(io_error(io));
            break;
        }
        parts.push(cause.to_string());
    }
    wiel_node::text::one_line(&parts.join(": "))
}

/// The message of an error from one of wiel's libraries.
fn localised(cause: &(dyn std::error::Error + 'static)) -> Option<Message> {
    macro_rules! first_of {
        ($($t:ty),+ $(,)?) => {
            $(if let Some(e) = cause.downcast_ref::<$t>() {
                return Some(e.message());
            })+
        };
    }
    first_of!(
        wiel_node::ops::OpError,
        wiel_node::ServiceError,
        wiel_node::config::ConfigError,
        wiel_node::runtime::NodeError,
        wiel_node::network::StartError,
        wiel_node::network::NetworkError,
        wiel_node::wire::client::ClientError,
        wiel_node::exchange::LineError,
        wiel_node::reconcile::ReconcileError,
        wiel_store::StoreError,
        wiel_store::search::SearchError,
        wiel_store::search::ThesaurusError,
        wiel_protocol::Invalid,
        wiel_protocol::DecodeError,
        wiel_protocol::NameError,
        wiel_protocol::KeyError,
        wiel_protocol::ids::HexError,
        wiel_protocol::entry::UnknownKind,
    );
    None
}

/// An operating system error in plain words where its kind is a common one.
fn io_error(e: &std::io::Error) -> String {
    wiel_node::text::io_problem(e)
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
fn hint(err: &anyhow::Error) -> Option<String> {
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
        "not_initialised" => t!("hint-not-initialised"),
        "already_initialised" => t!("hint-already-initialised"),
        "search_index" => t!("hint-search-index"),
        "unknown_organisation" => t!("hint-unknown-organisation"),
        "own_key_revoked" => t!("hint-own-key-revoked"),
        "personal_data" => t!("hint-personal-data"),
        "unfollowed_space" => t!("hint-unfollowed-space"),
        "no_node" => t!("hint-no-node"),
        _ => return None,
    })
}
