//! Commands that write: publish input (a file, stdin or the editor), accept, react, edit.

use super::*;

pub(super) fn read_input(path: &Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read stdin")?;
        return Ok(s);
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
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
        .context("cannot make a temporary file for the editor")?;
    std::fs::write(file.path(), initial).context("cannot write the temporary file")?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("wiel-editor")
        .arg(file.path())
        .status()
        .with_context(|| format!("cannot start the editor '{editor}'"))?;
    if !status.success() {
        bail!("the editor '{editor}' stopped with an error; nothing was published");
    }
    std::fs::read_to_string(file.path()).context("cannot read back the edited file")
}

pub(super) const TEMPLATE: &str = "---\nkind: practice\ntitle: \ntags: []\nthemes: []\n---\n\nBeschrijf hier je goede voorbeeld.\n";

pub(super) fn publish_input(a: PublishArgs) -> Result<NewEntry> {
    let (source, text) = match &a.file {
        Some(path) => (path.display().to_string(), read_input(path)?),
        None if !std::io::stdin().is_terminal() => {
            ("stdin".to_owned(), read_input(Path::new("-"))?)
        }
        None => ("the editor".to_owned(), edit_text(TEMPLATE)?),
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
    let kind_name = a.kind.or(doc.front.kind.clone()).ok_or_else(|| {
        anyhow!("{source}: no kind given: add 'kind: practice' (or story, question) to the front matter, or use --kind")
    })?;
    let kind: Kind = kind_name.parse().map_err(|e| anyhow!("{source}: {e}"))?;
    if !matches!(kind, Kind::Practice | Kind::Story | Kind::Question) {
        bail!(
            "{source}: publish makes a practice, story or question; for {} use `wiel {}`",
            kind.with_article(),
            match kind {
                Kind::Answer => "answer",
                Kind::Reaction => "react",
                Kind::Retraction => "retract",
                _ => "init",
            }
        );
    }
    let space = a
        .labels
        .space
        .or(doc.front.space.clone())
        .map(SpaceName::new)
        .transpose()
        .map_err(|e| anyhow!("{source}: {e}"))?;
    let body = markdown::body_from(&doc, kind, &source)?;
    if body.title.is_empty() {
        bail!("{source}: the title is empty: add 'title: …' to the front matter, or use --title");
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
pub(super) fn accept(backend: &dyn Operations, id: &str, json: bool) -> Result<()> {
    let target = backend.resolve(id)?;
    let thread = backend.thread(&target.to_hex())?;
    let answer = &thread.entry;
    if answer.kind != Kind::Answer {
        bail!(
            "{} is a {}, not an answer: only an answer can be accepted",
            target.short(),
            answer.kind.dutch()
        );
    }
    let Some(question) = answer
        .refs
        .iter()
        .find(|r| r.rel == Rel::Answers)
        .map(|r| r.target)
    else {
        bail!("answer {} names no question", target.short());
    };
    if answer.accepted {
        bail!("answer {} is already accepted", target.short());
    }
    // The store refuses an acceptance by anyone but the asker, but can only check that
    // when it holds the question.
    let asked = backend.thread(&question.to_hex()).with_context(|| {
        format!(
            "this node does not hold question {} yet; try again after `wiel sync`",
            question.short()
        )
    })?;
    let p = backend.publish(NewEntry::reaction(target, Verdict::Accepted, String::new()))?;
    if json {
        return output::json(&p);
    }
    println!(
        "Accepted: the answer {} by {} is now marked as the one that helped with \"{}\"{}.",
        target.short(),
        answer.author_label(),
        asked.entry.title.as_deref().unwrap_or(""),
        match asked.entry.accepted_answer {
            Some(before) if before != target => format!(" (instead of {})", before.short()),
            _ => String::new(),
        }
    );
    Ok(())
}

pub(super) fn react(backend: &dyn Operations, a: ReactArgs, json: bool, yes: bool) -> Result<()> {
    let target = backend.resolve(&a.id)?;
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
    reaction.confirmed_personal_data = confirm_personal_data(&reaction.body, yes)?;
    published(backend.publish(reaction)?, json)
}

pub(super) fn edit(
    backend: &dyn Operations,
    id: &str,
    file: Option<PathBuf>,
    json: bool,
    yes: bool,
) -> Result<()> {
    let source = backend.edit_source(id)?;
    if backend.resolve(id)? != source.latest {
        eprintln!(
            "{id} is an older version: the new version follows the newest, {}.",
            source.latest.short()
        );
    }
    let rendered = markdown::render(source.kind, source.space.as_str(), &source.body)?;
    let (name, text) = match file {
        Some(path) => (path.display().to_string(), read_input(&path)?),
        None => ("the editor".to_owned(), edit_text(&rendered)?),
    };
    let doc = markdown::parse(&text, &name)?;
    if let Some(k) = &doc.front.kind {
        let k: Kind = k.parse().map_err(|e| anyhow!("{name}: {e}"))?;
        if k != source.kind {
            bail!(
                "{name}: a new version must stay {}; it says {k}",
                source.kind.with_article()
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
        .map_err(|e| anyhow!("{name}: {e}"))?;
    let confirmed = confirm_personal_data(&body, yes)?;
    let new_version = backend.new_version(source, body, space, confirmed)?;
    match new_version {
        _ if json => output::json(&wiel_node::service::Edited { new_version }),
        Some(p) => published(p, json),
        None => {
            println!("Nothing changed; no new version published.");
            Ok(())
        }
    }
}
