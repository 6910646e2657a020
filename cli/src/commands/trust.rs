//! Commands of trust administration: endorse (and withdraw), and the trusted roots.

use super::*;
use wiel_node::view::TrustReport;
use wiel_node::wire::{EndorseRequest, Nothing, TrustRootRequest, WithdrawRequest};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    Endorse {
        organisation: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        code: Option<String>,
        #[arg(long, conflicts_with_all = ["name", "code"])]
        withdraw: bool,
    },

    #[command(subcommand)]
    Trust(TrustCommand),
}

#[derive(clap::Subcommand, Debug)]
pub enum TrustCommand {
    List,
    Add { organisation: String },
    Remove { organisation: String },
}

impl Command {
    pub(super) fn run(self, backend: &dyn Operations, json: bool) -> Result<()> {
        match self {
            Command::Endorse {
                organisation,
                name,
                code,
                withdraw,
            } => {
                if withdraw {
                    let done = backend.withdraw_endorsement(WithdrawRequest {
                        organisation: organisation.clone(),
                    })?;
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
                    let p = backend.endorse(EndorseRequest {
                        organisation,
                        name,
                        code,
                    })?;
                    if json {
                        return output::json(&p);
                    }
                    let entry = backend.thread(p.id.to_string().as_str().into())?.entry;
                    match entry.fields {
                        Some(wiel_protocol::KindFields::Endorsement { subject, name, .. }) => {
                            outln!(
                                "{}",
                                t!(
                                    "endorsed",
                                    organisation = name,
                                    key = subject.to_string(),
                                    id = p.id.short()
                                )
                            )
                        }
                        _ => return published(p, json),
                    }
                    Ok(())
                }
            }
            Command::Trust(t) => {
                let before = backend.trust_report(Nothing {})?;
                let mut added = None;
                let report = match t {
                    TrustCommand::List => before.clone(),
                    TrustCommand::Add { organisation } => {
                        let report = root(backend, organisation.clone(), false)?;
                        added = Some(organisation);
                        report
                    }
                    TrustCommand::Remove { organisation } => root(backend, organisation, true)?,
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
        }
    }
}

/// Adds or takes away a trusted root.
fn root(backend: &dyn Operations, organisation: String, remove: bool) -> Result<TrustReport> {
    Ok(backend.trust_root(TrustRootRequest {
        organisation,
        remove,
    })?)
}
