//! Commands about the running node and its network: peers, status, sync, connect, and the
//! web page's login link.

use super::*;
use wiel_node::wire::{ConnectRequest, Nothing, SyncRequest, SyncRunRef};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    Peers,

    Status,

    Sync {
        #[arg(long)]
        peer: Option<String>,
    },

    Connect {
        address: String,
    },

    Web {
        #[arg(long)]
        no_open: bool,
    },
}

impl Command {
    pub(super) fn run(self, backend: &dyn Operations, json: bool) -> Result<()> {
        match self {
            Command::Peers => {
                let peers = backend.peers(Nothing {})?;
                if json {
                    output::json(&peers)
                } else {
                    output::peers(&peers)
                }
            }
            Command::Status => {
                let status = backend.status(Nothing {})?;
                if json {
                    output::json(&status)
                } else {
                    output::status(&status)
                }
            }
            Command::Sync { peer } => sync(backend, peer, json),
            Command::Connect { address } => {
                let done = backend.connect(ConnectRequest { address })?;
                if json {
                    output::json(&done)
                } else {
                    outln!("{}", t!("connected", address = done.connected.as_str()));
                    Ok(())
                }
            }
            Command::Web { no_open } => {
                let login = backend.web_login(Nothing {})?;
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
        }
    }
}

/// `wiel sync`: starts a run on the node and follows it until it is done.
fn sync(backend: &dyn Operations, peer: Option<String>, json: bool) -> Result<()> {
    let run = backend.sync_start(SyncRequest { peer })?.run;
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
        let report = backend.sync_report(SyncRunRef { run })?;
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
