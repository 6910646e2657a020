//! Markdown files with YAML front matter: what `publish` and `edit` read, `edit` and
//! `export --format md` write.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use wiel_lang::t;
use wiel_protocol::{Body, Kind, KindFields};

/// The front matter fields a user may write.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<String>,
    /// A list, or one word (`tags: hrm` as people write it).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub tags: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub themes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Story: the situation (situatie).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub situation: Option<String>,
    /// Story: the approach (aanpak).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approach: Option<String>,
    /// Story: the result (resultaat).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Story: the lessons (lessen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lessons: Option<String>,
}

/// A list of words, or one word, or words separated by commas (`themes: jeugd, wmo`).
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(text) => text
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect(),
        OneOrMany::Many(words) => words,
    })
}

/// A parsed document: front matter and the Markdown text after it.
#[derive(Debug, Default)]
pub struct Document {
    pub front: FrontMatter,
    pub text: String,
}

/// Splits `---` front matter from the text and parses it. `source` names the input in errors.
pub fn parse(input: &str, source: &str) -> Result<Document> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut lines = input.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Ok(Document {
            front: FrontMatter::default(),
            text: input.trim().to_owned(),
        });
    }
    let mut yaml = String::new();
    let mut closed = false;
    let mut consumed = first.len();
    for line in lines {
        consumed += line.len();
        if line.trim_end() == "---" {
            closed = true;
            break;
        }
        yaml.push_str(&quoted_if_needed(line));
    }
    if !closed {
        bail!("{source}: {}", t!("front-matter-not-closed"));
    }
    let front: FrontMatter = if yaml.trim().is_empty() {
        FrontMatter::default()
    } else {
        serde_yaml_ng::from_str(&yaml).map_err(|e| {
            // YAML counts lines from the front matter's start; the file has '---' above it.
            let place = e
                .location()
                .map(|l| t!("at-line-column", line = l.line() + 1, column = l.column()))
                .unwrap_or_else(|| t!("front-matter"));
            anyhow::anyhow!(
                "{source}: {}",
                t!(
                    "front-matter-invalid",
                    place = place,
                    detail = yaml_problem(&e)
                )
            )
        })?
    };
    Ok(Document {
        front,
        text: input[consumed..].trim().to_owned(),
    })
}

/// What is wrong in the reader's words: the YAML parser's own text is English and speaks
/// of tokens and mappings.
fn yaml_problem(e: &serde_yaml_ng::Error) -> String {
    let text = e.to_string();
    let known = "kind, title, space, tags, themes, contact, situation, approach, result, lessons";
    if let Some(rest) = text.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return t!("front-matter-unknown-key", key = key, known = known);
    }
    if text.contains("invalid type") {
        return t!("front-matter-wrong-type");
    }
    t!("front-matter-syntax")
}

/// The keys whose value is one line of plain text.
const TEXT_KEYS: [&str; 9] = [
    "title",
    "contact",
    "space",
    "kind",
    "province",
    "situation",
    "approach",
    "result",
    "lessons",
];

/// `title: Inkoop: lumpsum of p×q` or `title: [concept] 'Maatwerk' in de Wmo` as people
/// write it, quoted so that YAML reads the whole value as text (a colon, ` #`, or a `[`,
/// `@`, `*` or quote at the start is YAML syntax otherwise). A value already quoted
/// whole is left as it is.
fn quoted_if_needed(line: &str) -> String {
    let Some((key, value)) = line.split_once(':') else {
        return line.to_owned();
    };
    let value = value.trim();
    let quoted_whole = value.len() >= 2
        && ((value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\'')));
    let block = matches!(value, "|" | ">" | "|-" | ">-" | "|+" | ">+");
    if TEXT_KEYS.contains(&key) && !value.is_empty() && !quoted_whole && !block {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        format!("{key}: \"{escaped}\"\n")
    } else {
        line.to_owned()
    }
}

/// Builds a body from a document for `kind`; story fields only for stories.
pub fn body_from(doc: &Document, kind: Kind, source: &str) -> Result<Body> {
    let f = &doc.front;
    let title = f
        .title
        .clone()
        .or_else(|| first_heading(&doc.text))
        .unwrap_or_default();
    let has_story_fields =
        f.situation.is_some() || f.approach.is_some() || f.result.is_some() || f.lessons.is_some();
    let mut text = doc.text.clone();
    let fields = match kind {
        // A story pasted as text, its parts under labels (**Situatie.** …): the parts go
        // to their fields, unless the front matter gives them.
        Kind::Story if !has_story_fields => match wiel_node::text::story_parts(&doc.text) {
            Some(parts) => {
                text = parts.intro;
                KindFields::Story {
                    situation: parts.situation,
                    approach: parts.approach,
                    result: parts.result,
                    lessons: parts.lessons,
                }
            }
            None => KindFields::Story {
                situation: String::new(),
                approach: String::new(),
                result: String::new(),
                lessons: String::new(),
            },
        },
        Kind::Story => KindFields::Story {
            situation: f.situation.clone().unwrap_or_default(),
            approach: f.approach.clone().unwrap_or_default(),
            result: f.result.clone().unwrap_or_default(),
            lessons: f.lessons.clone().unwrap_or_default(),
        },
        _ if has_story_fields => bail!(
            "{source}: {}",
            t!("story-fields-not-a-story", kind = kind.with_article())
        ),
        _ => KindFields::None,
    };
    Ok(Body {
        title: title.trim().to_owned(),
        text,
        tags: f.tags.clone(),
        themes: f.themes.clone(),
        contact: f.contact.clone(),
        fields,
    })
}

fn first_heading(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_owned())
}

/// Writes an entry's body as a document that [`parse`] reads back.
pub fn render(kind: Kind, space: &str, body: &Body) -> Result<String> {
    let mut front = FrontMatter {
        kind: Some(kind.as_str().to_owned()),
        title: (!body.title.is_empty()).then(|| body.title.clone()),
        space: Some(space.to_owned()),
        tags: body.tags.clone(),
        themes: body.themes.clone(),
        contact: body.contact.clone(),
        ..FrontMatter::default()
    };
    if let KindFields::Story {
        situation,
        approach,
        result,
        lessons,
    } = &body.fields
    {
        front.situation = Some(situation.clone());
        front.approach = Some(approach.clone());
        front.result = Some(result.clone());
        front.lessons = Some(lessons.clone());
    }
    let yaml = serde_yaml_ng::to_string(&front).with_context(|| t!("front-matter-unwritable"))?;
    Ok(format!("---\n{yaml}---\n\n{}\n", body.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_front_matter_and_text() {
        let doc = parse(
            "---\nkind: story\ntitle: Buddy's\ntags: [onboarding, hrm]\nsituation: Verloop\n---\n\nTekst hier.\n",
            "x.md",
        )
        .unwrap();
        assert_eq!(doc.front.kind.as_deref(), Some("story"));
        assert_eq!(doc.front.tags, vec!["onboarding", "hrm"]);
        assert_eq!(doc.text, "Tekst hier.");
        let body = body_from(&doc, Kind::Story, "x.md").unwrap();
        assert_eq!(body.title, "Buddy's");
        let again = parse(&render(Kind::Story, "nl", &body).unwrap(), "y.md").unwrap();
        assert_eq!(body_from(&again, Kind::Story, "y.md").unwrap(), body);
    }

    #[test]
    fn a_colon_or_hash_in_a_title_is_text() {
        let doc = parse(
            "---\nkind: question\ntitle: Inkoop: lumpsum of p×q? #jeugd\ncontact: Team \"HR\": 038\n---\nTekst\n",
            "q.md",
        )
        .unwrap();
        assert_eq!(
            doc.front.title.as_deref(),
            Some("Inkoop: lumpsum of p×q? #jeugd")
        );
        assert_eq!(doc.front.contact.as_deref(), Some("Team \"HR\": 038"));
        let doc = parse("---\ntitle: \"Al: tussen aanhalingstekens\"\n---\n", "q.md").unwrap();
        assert_eq!(
            doc.front.title.as_deref(),
            Some("Al: tussen aanhalingstekens")
        );
    }

    #[test]
    fn malformed_front_matter_names_the_line() {
        let err = parse(
            "---\nkind: story\ntags: [unclosed, hrm\nthemes: wmo\n---\ntext\n",
            "bad.md",
        )
        .unwrap_err();
        let msg = format!("{err:#}");
        // In the reader's language, whichever that is where the test runs.
        let line = wiel_lang::t!("at-line-column", line = 4usize, column = 7usize);
        assert!(msg.starts_with("bad.md: ") && msg.contains(&line), "{msg}");
        assert!(msg.contains(&wiel_lang::t!("front-matter-syntax")), "{msg}");
        let err = parse("---\nkind: story\n", "open.md").unwrap_err();
        assert!(format!("{err:#}").contains(&wiel_lang::t!("front-matter-not-closed")));
        let err = parse("---\ncolour: red\n---\n", "unknown.md").unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.contains("colour") && !msg.contains("unknown field"),
            "{msg}"
        );
    }

    #[test]
    fn titles_as_people_write_them_are_text() {
        for title in [
            "[concept] Inkoop jeugdhulp",
            "@home werken: wat regelen jullie?",
            "*Nieuw* verzuimbeleid",
            "'Maatwerk' in de Wmo",
            "\"HR\" en de cao",
        ] {
            let doc = parse(
                &format!("---\nkind: question\ntitle: {title}\n---\n"),
                "t.md",
            )
            .unwrap_or_else(|e| panic!("{title}: {e:#}"));
            assert_eq!(doc.front.title.as_deref(), Some(title));
        }
    }

    #[test]
    fn one_theme_or_tag_need_not_be_a_list() {
        let doc = parse("---\nthemes: jeugd\ntags: hrm, onboarding\n---\n", "t.md").unwrap();
        assert_eq!(doc.front.themes, ["jeugd"]);
        assert_eq!(doc.front.tags, ["hrm", "onboarding"]);
        let doc = parse("---\nthemes: [jeugd, wmo]\n---\n", "t.md").unwrap();
        assert_eq!(doc.front.themes, ["jeugd", "wmo"]);
    }

    #[test]
    fn title_falls_back_to_first_heading() {
        let doc = parse("# Inkoop jeugdhulp\n\nWij kochten samen in.", "x.md").unwrap();
        assert_eq!(
            body_from(&doc, Kind::Practice, "x.md").unwrap().title,
            "Inkoop jeugdhulp"
        );
    }
}
