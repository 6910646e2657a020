//! Runs each command: raw flags become validated values, then one call to the service.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use wiel_node::service::InitOptions;
use wiel_node::{DataDir, NewEntry, Published, Service};
use wiel_protocol::{
    Body, CbsCode, EntryId, Kind, KindFields, NetworkId, Ref, Rel, SpaceName, Timestamp, Verdict,
};
use wiel_store::ListFilter;

use crate::args::{Cli, Command, ExportFormat, FilterArgs, LabelArgs, PublishArgs, ReactArgs};
use crate::{demo, markdown, output};

pub fn run(cli: Cli) -> Result<()> {
    let json = cli.json;
    let data_dir = resolve_data_dir(cli.data_dir)?;
    match cli.command {
        Command::Init(a) => {
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
            };
            let service = Service::init(data_dir.clone(), options)?;
            let report = serde_json::json!({
                "data_dir": data_dir.root(),
                "organisation": service.config().organisation.name,
                "key": service.org_key(),
                "spaces": service.config().spaces,
            });
            if json {
                output::json(&report)?;
            } else {
                println!(
                    "Node set up for {} in {}.\nOrganisation key: {}\nKeep the file {} safe: it is your municipality's signature.",
                    service.config().organisation.name,
                    data_dir.root().display(),
                    service.org_key(),
                    data_dir.key_path().display()
                );
            }
            Ok(())
        }
        Command::Publish(a) => {
            let service = Service::open(data_dir)?;
            let source = a
                .file
                .as_ref()
                .map(|f| f.display().to_string())
                .unwrap_or_else(|| "the entry".to_owned());
            let new = publish_input(a)?;
            let p = service
                .publish(new)
                .with_context(|| format!("cannot publish {source}"))?;
            published(p, json)
        }
        Command::Ask(a) => {
            let service = Service::open(data_dir)?;
            let (space, tags, themes) = labels(a.labels)?;
            let body = Body {
                title: a.question.trim().to_owned(),
                text: a.text.unwrap_or_default(),
                tags,
                themes,
                ..Body::default()
            };
            published(
                service.publish(NewEntry {
                    kind: Kind::Question,
                    space,
                    refs: vec![],
                    body,
                    created_at: None,
                })?,
                json,
            )
        }
        Command::Answer { id, text } => {
            let service = Service::open(data_dir)?;
            let question = service.resolve(&id)?;
            let title = service
                .get(&question)?
                .body()
                .map(|b| format!("Re: {}", b.title))
                .unwrap_or_else(|| "Antwoord".to_owned());
            let title: String = title.chars().take(200).collect();
            published(
                service.publish(NewEntry {
                    kind: Kind::Answer,
                    space: None,
                    refs: vec![Ref {
                        rel: Rel::Answers,
                        target: question,
                    }],
                    body: Body {
                        title,
                        text,
                        ..Body::default()
                    },
                    created_at: None,
                })?,
                json,
            )
        }
        Command::React(a) => react(Service::open(data_dir)?, a, json),
        Command::Retract { id, reason } => {
            let service = Service::open(data_dir)?;
            let target = service.resolve(&id)?;
            retract(&service, target, reason, json)
        }
        Command::Edit { id, file } => {
            let service = Service::open(data_dir)?;
            let target = service.resolve(&id)?;
            edit(&service, target, file, json)
        }
        Command::List(a) => {
            let service = Service::open(data_dir)?;
            let mut filter = list_filter(&service, &a.filter)?;
            filter.all_versions = a.all_versions;
            filter.include_retracted = a.retracted;
            filter.content_only = filter.kind.is_none();
            let views = service.list(&filter)?;
            if json {
                output::json(&views)
            } else {
                output::entry_lines(&views)
            }
        }
        Command::Show { id } => {
            let service = Service::open(data_dir)?;
            let id = service.resolve(&id)?;
            let thread = service.thread(&id)?;
            if json {
                output::json(&thread)
            } else {
                output::thread(&thread)
            }
        }
        Command::Search(a) => {
            let service = Service::open(data_dir)?;
            let filter = list_filter(&service, &a.filter)?;
            let query = a.words.join(" ");
            let views = service.search(&query, &filter)?;
            if json {
                output::json(&views)
            } else {
                let words: Vec<String> = query.split_whitespace().map(str::to_owned).collect();
                output::search_results(&views, &words)
            }
        }
        Command::Export { format, output } => {
            let service = Service::open(data_dir)?;
            export(&service, format, output.as_deref())
        }
        Command::Import { file } => {
            let text = read_input(&file)?;
            let service = Service::open(data_dir)?;
            let report = service
                .import(&text)
                .with_context(|| format!("{}: nothing was imported", file.display()))?;
            if json {
                output::json(&report)
            } else {
                println!(
                    "Imported from {}: {} new, {} already here, {} retracted (header kept only).",
                    file.display(),
                    report.stored,
                    report.already_stored,
                    report.retracted
                );
                Ok(())
            }
        }
        Command::Demo { keep } => demo::run(keep, json),
    }
}

fn resolve_data_dir(flag: Option<PathBuf>) -> Result<DataDir> {
    if let Some(dir) = flag {
        return Ok(DataDir::new(dir));
    }
    let dirs = directories::ProjectDirs::from("nl", "wiel", "wiel").ok_or_else(|| {
        anyhow!("cannot find a home directory for the data: give --data-dir or set WIEL_DATA_DIR")
    })?;
    Ok(DataDir::new(dirs.data_dir()))
}

fn published(p: Published, json: bool) -> Result<()> {
    if json {
        output::json(&p)
    } else {
        println!(
            "Published {} {} in space {}. See it with: wiel show {}",
            p.kind.dutch(),
            p.id.short(),
            p.space,
            p.id.short()
        );
        Ok(())
    }
}

fn labels(l: LabelArgs) -> Result<(Option<SpaceName>, Vec<String>, Vec<String>)> {
    let space = l.space.map(SpaceName::new).transpose()?;
    Ok((space, l.tags, l.themes))
}

fn read_input(path: &Path) -> Result<String> {
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
fn edit_text(initial: &str) -> Result<String> {
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

const TEMPLATE: &str = "---\nkind: practice\ntitle: \ntags: []\nthemes: []\n---\n\nBeschrijf hier je goede voorbeeld.\n";

fn publish_input(a: PublishArgs) -> Result<NewEntry> {
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
    doc.front.tags.extend(a.labels.tags);
    doc.front.themes.extend(a.labels.themes);
    let kind_name = a.kind.or(doc.front.kind.clone()).ok_or_else(|| {
        anyhow!("{source}: no kind given: add 'kind: practice' (or story, question) to the front matter, or use --kind")
    })?;
    let kind: Kind = kind_name.parse().map_err(|e| anyhow!("{source}: {e}"))?;
    if !matches!(kind, Kind::Practice | Kind::Story | Kind::Question) {
        bail!(
            "{source}: publish makes a practice, story or question; for a {kind} use `wiel {}`",
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
    })
}

fn react(service: Service, a: ReactArgs, json: bool) -> Result<()> {
    let target = service.resolve(&a.id)?;
    let verdict = if a.works {
        Verdict::Works
    } else if a.does_not_work {
        Verdict::DoesNotWork
    } else if a.applied {
        Verdict::AppliedHere
    } else {
        Verdict::Useful
    };
    published(
        service.publish(NewEntry {
            kind: Kind::Reaction,
            space: None,
            refs: vec![Ref {
                rel: Rel::ReactsTo,
                target,
            }],
            body: Body {
                text: a.comment.unwrap_or_default(),
                fields: KindFields::Reaction { verdict },
                ..Body::default()
            },
            created_at: None,
        })?,
        json,
    )
}

/// Retracts every version of the entry: personal data must not survive in an old version.
fn retract(service: &Service, target: EntryId, reason: Option<String>, json: bool) -> Result<()> {
    let thread = service.thread(&target)?;
    let mut done = Vec::new();
    for version in &thread.versions {
        if service.store().retracted_by(version)?.is_some() {
            continue;
        }
        done.push(service.publish(NewEntry {
            kind: Kind::Retraction,
            space: None,
            refs: vec![Ref {
                rel: Rel::Retracts,
                target: *version,
            }],
            body: Body {
                text: reason.clone().unwrap_or_default(),
                ..Body::default()
            },
            created_at: None,
        })?);
    }
    if done.is_empty() {
        bail!("entry {} was already retracted", target.short());
    }
    if json {
        output::json(&done)
    } else {
        println!(
            "Retracted {} ({} version{}): its text is erased here and on every node that receives the retraction.",
            target.short(),
            done.len(),
            if done.len() == 1 { "" } else { "s" }
        );
        Ok(())
    }
}

fn edit(service: &Service, target: EntryId, file: Option<PathBuf>, json: bool) -> Result<()> {
    let latest = service.store().latest_version(&target)?;
    let current = service.get(&latest)?;
    let h = current.header();
    if h.author != service.org_key() {
        return Err(wiel_store::Rejection::NotAuthorOfTarget {
            target: latest,
            action: "make a new version of",
        }
        .into());
    }
    if !h.kind.is_editable() {
        bail!(
            "a {} cannot be edited; retract it and make a new one",
            h.kind
        );
    }
    let body = current.body().ok_or_else(|| {
        anyhow!(
            "entry {} was retracted and cannot be edited",
            latest.short()
        )
    })?;
    let rendered = markdown::render(h.kind, h.space.as_str(), body)?;
    let (source, text) = match file {
        Some(path) => (path.display().to_string(), read_input(&path)?),
        None => ("the editor".to_owned(), edit_text(&rendered)?),
    };
    let doc = markdown::parse(&text, &source)?;
    if let Some(k) = &doc.front.kind {
        let k: Kind = k.parse().map_err(|e| anyhow!("{source}: {e}"))?;
        if k != h.kind {
            bail!(
                "{source}: a new version must stay a {}; it says {k}",
                h.kind
            );
        }
    }
    let new_body = markdown::body_from(&doc, h.kind, &source)?;
    let space = doc
        .front
        .space
        .clone()
        .map(SpaceName::new)
        .transpose()
        .map_err(|e| anyhow!("{source}: {e}"))?;
    if &new_body == body && space.as_ref().is_none_or(|s| *s == h.space) {
        if !json {
            println!("Nothing changed; no new version published.");
        }
        return Ok(());
    }
    let p = service.publish(NewEntry {
        kind: h.kind,
        space: space.or_else(|| Some(h.space.clone())),
        refs: vec![Ref {
            rel: Rel::Supersedes,
            target: latest,
        }],
        body: new_body,
        created_at: None,
    })?;
    published(p, json)
}

fn list_filter(service: &Service, f: &FilterArgs) -> Result<ListFilter> {
    let now = Timestamp::now();
    Ok(ListFilter {
        kind: f.kind.as_deref().map(str::parse).transpose()?,
        space: f.space.clone().map(SpaceName::new).transpose()?,
        author: f
            .author
            .as_deref()
            .map(|a| service.resolve_author(a))
            .transpose()?,
        since: f
            .since
            .as_deref()
            .map(|s| parse_time(s, now, "--since"))
            .transpose()?,
        until: f
            .until
            .as_deref()
            .map(|s| parse_time(s, now, "--until"))
            .transpose()?,
        limit: f.limit,
        ..ListFilter::default()
    })
}

/// A date (`2026-11-01`, start of that day in local time) or an age (`7d`, `2w`, `12h`).
fn parse_time(s: &str, now: Timestamp, flag: &str) -> Result<Timestamp> {
    let s = s.trim();
    if let Some((num, unit_ms)) = [("h", 3_600_000u64), ("d", 86_400_000), ("w", 604_800_000)]
        .iter()
        .find_map(|(suffix, ms)| s.strip_suffix(suffix).map(|n| (n, *ms)))
        && let Ok(n) = num.parse::<u64>()
    {
        return Ok(Timestamp::from_millis(
            now.as_millis().saturating_sub(n.saturating_mul(unit_ms)),
        ));
    }
    let date: jiff::civil::Date = s.parse().map_err(|_| {
        anyhow!("{flag} '{s}' is not a date like 2026-11-01 or an age like 7d, 2w or 12h")
    })?;
    let zoned = date
        .to_zoned(jiff::tz::TimeZone::system())
        .map_err(|e| anyhow!("{flag} '{s}': {e}"))?;
    Ok(Timestamp::from_millis(
        u64::try_from(zoned.timestamp().as_millisecond()).unwrap_or(0),
    ))
}

fn export(service: &Service, format: ExportFormat, path: Option<&Path>) -> Result<()> {
    use std::io::Write;
    let mut out: Box<dyn Write> = match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut count = 0usize;
    for line in service.export() {
        let line = line?;
        match format {
            ExportFormat::Jsonl => {
                serde_json::to_writer(&mut out, &line)?;
                writeln!(out)?;
            }
            ExportFormat::Md => {
                let h = &line.entry.header;
                let Some(body) = &line.entry.body else {
                    continue;
                };
                let old_version = service.store().superseded_by(&line.id)?.is_some();
                if old_version
                    || matches!(h.kind, Kind::Reaction | Kind::Retraction | Kind::Profile)
                {
                    continue;
                }
                let author = service
                    .org_name(&h.author)?
                    .unwrap_or_else(|| h.author.short());
                writeln!(
                    out,
                    "<!-- {} · {} · {} · id {} -->",
                    h.kind.dutch(),
                    author,
                    output::date(h.created_at),
                    line.id
                )?;
                write!(out, "{}", markdown::render(h.kind, h.space.as_str(), body)?)?;
                writeln!(out)?;
            }
        }
        count += 1;
    }
    out.flush()?;
    if let Some(p) = path {
        eprintln!("Exported {count} entries to {}.", p.display());
    }
    Ok(())
}
