//! Commands that read: list, show, search, questions.

use super::*;
use crate::args::{ListArgs, QuestionsArgs, SearchArgs};
use wiel_node::wire::SearchRequest;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    List(ListArgs),

    Show { id: String },

    Search(SearchArgs),

    Questions(QuestionsArgs),
}

impl Command {
    pub(super) fn run(self, backend: &dyn Operations, json: bool) -> Result<()> {
        match self {
            Command::List(a) => {
                let mut filter = list_filter(backend, &a.filter)?;
                filter.kind = kind(a.kind.as_deref())?;
                filter.all_versions = a.all_versions;
                filter.include_retracted = a.retracted;
                filter.content_only = filter.kind.is_none();
                let listing = backend.list(filter.clone())?;
                if json {
                    output::json(&listing)
                } else {
                    output::entry_lines(&listing, filter.limit, &t!("list-empty"))
                }
            }
            Command::Show { id } => {
                let thread = backend.thread(id.as_str().into())?;
                if json {
                    output::json(&thread)
                } else {
                    output::thread(&thread)
                }
            }
            Command::Search(a) => {
                let mut filter = list_filter(backend, &a.filter)?;
                filter.kind = kind(a.kind.as_deref())?;
                if let Some(kind) = filter.kind.filter(|k| !k.rules().content) {
                    bail!(t!(
                        "search-not-this-kind",
                        kind = kind.with_article(),
                        code = kind.as_str()
                    ));
                }
                let limit = filter.limit;
                let query = a.words.join(" ");
                let results = backend.search(SearchRequest { query, filter })?;
                if json {
                    output::json(&results)
                } else {
                    output::search_results(&results, limit)
                }
            }
            Command::Questions(a) => questions(backend, a, json),
        }
    }
}

/// The kind `--kind` names, if any.
fn kind(given: Option<&str>) -> Result<Option<Kind>> {
    given
        .map(str::parse::<Kind>)
        .transpose()
        .map_err(|e| usage(e.message().text()))
}

fn questions(backend: &dyn Operations, a: QuestionsArgs, json: bool) -> Result<()> {
    let mut filter = list_filter(backend, &a.filter)?;
    filter.kind = Some(Kind::Question);
    filter.open = a.open;
    let listing = backend.list(filter.clone())?;
    if json {
        return output::json(&listing);
    }
    // "Every question has an accepted answer" only where there are questions.
    let any_question = || -> Result<bool> {
        let mut all = filter.clone();
        all.open = false;
        all.limit = 1;
        Ok(!backend.list(all)?.entries.is_empty())
    };
    let empty = if a.open && listing.entries.is_empty() && any_question()? {
        t!("questions-none-open")
    } else {
        t!("questions-none")
    };
    output::entry_lines(&listing, filter.limit, &empty)
}
