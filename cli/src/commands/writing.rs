//! Commands that write: publish, ask, answer, react, retract, edit, accept; and how what
//! they publish is read (a file, stdin or the editor).

use super::*;
use crate::args::{AskArgs, PrivacyArgs, PublishArgs, ReactArgs};
use wiel_node::wire::{AnswerRequest, NewVersionRequest, RetractRequest};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    Publish(PublishArgs),

    Ask(AskArgs),

    Answer {
        id: String,
        text: String,
        #[command(flatten)]
        privacy: PrivacyArgs,
    },

    React(ReactArgs),

    Retract {
        id: String,
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        privacy: PrivacyArgs,
    },

    Edit {
        id: String,
        file: Option<PathBuf>,
        #[command(flatten)]
        privacy: PrivacyArgs,
    },

    Accept {
        id: String,
    },
}

impl Command {
    pub(super) fn run(self, backend: &dyn Operations, json: bool) -> Result<()> {
        match self {
            Command::Publish(a) => {
                let source = a
                    .file
                    .as_ref()
                    .map(|f| f.display().to_string())
                    .unwrap_or_else(|| t!("the-entry"));
                let yes = a.privacy.yes;
                let mut new = publish_input(a)?;
                new.confirmed_personal_data = confirm_personal_data(&new.body, yes)?;
                let p = backend
                    .publish(new)
                    .with_context(|| t!("cannot-publish", source = source.as_str()))?;
                published(p, json)
            }
            Command::Ask(a) => ask(backend, a, json),
            Command::Answer { id, text, privacy } => {
                let body = Body {
                    text: text.clone(),
                    ..Body::default()
                };
                let confirmed_personal_data = confirm_personal_data(&body, privacy.yes)?;
                let request = AnswerRequest {
                    id,
                    text,
                    confirmed_personal_data,
                };
                published(backend.answer(request)?, json)
            }
            Command::React(a) => react(backend, a, json),
            Command::Retract {
                id,
                reason,
                privacy,
            } => retract(backend, id, reason, privacy.yes, json),
            Command::Edit { id, file, privacy } => edit(backend, &id, file, json, privacy.yes),
            Command::Accept { id } => accept(backend, &id, json),
        }
    }
}

fn ask(backend: &dyn Operations, a: AskArgs, json: bool) -> Result<()> {
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
    let confirmed_personal_data = confirm_personal_data(&body, a.privacy.yes)?;
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

fn retract(
    backend: &dyn Operations,
    id: String,
    reason: Option<String>,
    yes: bool,
    json: bool,
) -> Result<()> {
    let confirmed_personal_data = match &reason {
        Some(text) => confirm_personal_data(
            &Body {
                text: text.clone(),
                ..Body::default()
            },
            yes,
        )?,
        None => false,
    };
    let done = backend.retract(RetractRequest {
        id: id.clone(),
        reason,
        confirmed_personal_data,
    })?;
    if json {
        return output::json(&wiel_node::service::Retracted { retractions: done });
    }
    let of_a_retraction = backend.thread(id.as_str().into())?.entry.kind == Kind::Retraction;
    if of_a_retraction {
        outln!("{}", t!("retraction-reason-erased", id = id.as_str()));
    } else {
        outln!("{}", t!("retracted", id = id.as_str(), count = done.len()));
    }
    Ok(())
}

/// A library error about a named file or input, in the reader's language.
pub(super) fn at(source: &str, e: &impl Localise) -> anyhow::Error {
    anyhow!("{source}: {}", e.message().text())
}

pub(super) fn read_input(path: &Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .with_context(|| t!("cannot-read-stdin"))?;
        return Ok(s);
    }
    std::fs::read_to_string(path)
        .with_context(|| t!("cannot-read-file", file = path.display().to_string()))
}

/// Opens `$VISUAL` / `$EDITOR` (default `vi`) on `initial`; returns what was saved.
pub(super) fn edit_text(initial: &str) -> Result<String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_owned());
    let file = tempfile::Builder::new()
        .prefix("wiel-")
        .suffix(".md")
        .tempfile()
        .with_context(|| t!("editor-no-temp-file"))?;
    std::fs::write(file.path(), initial).with_context(|| t!("editor-no-temp-file"))?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("wiel-editor")
        .arg(file.path())
        .status()
        .with_context(|| t!("editor-cannot-start", editor = editor.as_str()))?;
    if !status.success() {
        bail!(t!("editor-failed", editor = editor.as_str()));
    }
    std::fs::read_to_string(file.path()).with_context(|| t!("editor-cannot-read-back"))
}

/// What the editor opens with for a new entry.
pub(super) fn template() -> String {
    format!(
        "---\nkind: practice\ntitle: \ntags: []\nthemes: []\n---\n\n{}\n",
        t!("editor-template-text")
    )
}

fn publish_input(a: PublishArgs) -> Result<NewEntry> {
    let (source, text) = match &a.file {
        Some(path) => (path.display().to_string(), read_input(path)?),
        None if !std::io::stdin().is_terminal() => {
            ("stdin".to_owned(), read_input(Path::new("-"))?)
        }
        None => (t!("the-editor"), edit_text(&template())?),
    };
    let mut doc = markdown::parse(&text, &source)?;
    if let Some(t) = a.title {
        doc.front.title = Some(t);
    }
    if a.contact.is_some() {
        doc.front.contact = a.contact;
    }
    doc.front.tags.extend(a.labels.tags.iter().cloned());
    doc.front.themes.extend(a.labels.themes.iter().cloned());
    let kind_name = a
        .kind
        .or(doc.front.kind.clone())
        .ok_or_else(|| anyhow!("{source}: {}", t!("publish-no-kind")))?;
    let kind: Kind = kind_name.parse().map_err(|e| at(&source, &e))?;
    if !kind.is_written_alone() {
        bail!(
            "{source}: {}",
            t!(
                "publish-wrong-kind",
                kind = kind.with_article(),
                command = match kind {
                    Kind::Answer => "answer",
                    Kind::Reaction => "react",
                    Kind::Retraction => "retract",
                    _ => "init",
                }
            )
        );
    }
    let space = a
        .labels
        .space
        .or(doc.front.space.clone())
        .map(SpaceName::new)
        .transpose()
        .map_err(|e| at(&source, &e))?;
    let body = markdown::body_from(&doc, kind, &source)?;
    if body.title.is_empty() {
        bail!("{source}: {}", t!("publish-no-title"));
    }
    Ok(NewEntry {
        kind,
        space,
        refs: vec![],
        body,
        created_at: None,
        confirmed_personal_data: false,
        new_space: a.labels.new_space,
    })
}

/// Accepts an answer: checked here for a clear message, and again by the store.
fn accept(backend: &dyn Operations, id: &str, json: bool) -> Result<()> {
    let target = backend.resolve(id.into())?;
    let thread = backend.thread(target.to_hex().as_str().into())?;
    let answer = &thread.entry;
    if answer.kind != Kind::Answer {
        bail!(t!(
            "accept-not-an-answer",
            id = target.short(),
            kind = answer.kind.message()
        ));
    }
    let Some(question) = answer
        .refs
        .iter()
        .find(|r| r.rel == Rel::Answers)
        .map(|r| r.target)
    else {
        bail!(t!("accept-no-question", id = target.short()));
    };
    // The store refuses an acceptance by anyone but the asker, but can only check that
    // when it holds the question.
    let asked = backend
        .thread(question.to_hex().as_str().into())
        .with_context(|| t!("accept-question-unknown", id = question.short()))?;
    // "Accepted already" only to the asker; anyone else hears from the store that only
    // the asker accepts (a question asked with a key from before a rotation goes there
    // too, and is accepted again, which changes nothing).
    if answer.accepted && asked.entry.author == backend.own_key()? {
        bail!(t!("accept-already", id = target.short()));
    }
    let p = backend.publish(NewEntry::reaction(target, Verdict::Accepted, String::new()))?;
    if json {
        return output::json(&p);
    }
    let title = asked.entry.title.as_deref().unwrap_or("");
    let text = match asked.entry.accepted_answer {
        Some(before) if before != target => t!(
            "accepted-instead",
            id = target.short(),
            organisation = output::author(answer),
            title = title,
            before = before.short()
        ),
        _ => t!(
            "accepted",
            id = target.short(),
            organisation = output::author(answer),
            title = title
        ),
    };
    outln!("{text}");
    Ok(())
}

fn react(backend: &dyn Operations, a: ReactArgs, json: bool) -> Result<()> {
    let target = backend.resolve(a.id.as_str().into())?;
    let verdict = if a.works {
        Verdict::Works
    } else if a.does_not_work {
        Verdict::DoesNotWork
    } else if a.applied {
        Verdict::AppliedHere
    } else {
        Verdict::Useful
    };
    let mut reaction = NewEntry::reaction(target, verdict, a.comment.unwrap_or_default());
    reaction.confirmed_personal_data = confirm_personal_data(&reaction.body, a.privacy.yes)?;
    published(backend.publish(reaction)?, json)
}

fn edit(
    backend: &dyn Operations,
    id: &str,
    file: Option<PathBuf>,
    json: bool,
    yes: bool,
) -> Result<()> {
    let source = backend.edit_source(id.into())?;
    if backend.resolve(id.into())? != source.latest {
        eprintln!(
            "{}",
            t!(
                "edit-older-version",
                id = id,
                latest = source.latest.short()
            )
        );
    }
    let rendered = markdown::render(source.kind, source.space.as_str(), &source.body)?;
    let (name, text) = match file {
        Some(path) => (path.display().to_string(), read_input(&path)?),
        None => (t!("the-editor"), edit_text(&rendered)?),
    };
    let doc = markdown::parse(&text, &name)?;
    if let Some(k) = &doc.front.kind {
        let k: Kind = k.parse().map_err(|e| at(&name, &e))?;
        if k != source.kind {
            bail!(
                "{name}: {}",
                t!(
                    "edit-kind-changed",
                    kind = source.kind.with_article(),
                    found = k.message()
                )
            );
        }
    }
    let body = markdown::body_from(&doc, source.kind, &name)?;
    let space = doc
        .front
        .space
        .clone()
        .map(SpaceName::new)
        .transpose()
        .map_err(|e| at(&name, &e))?;
    let confirmed = confirm_personal_data(&body, yes)?;
    let new_version = backend.new_version(NewVersionRequest {
        source,
        body,
        space,
        confirmed_personal_data: confirmed,
    })?;
    match new_version {
        _ if json => output::json(&wiel_node::service::Edited { new_version }),
        Some(p) => published(p, json),
        None => {
            outln!("{}", t!("edit-nothing-changed"));
            Ok(())
        }
    }
}
