//! Small text rules shared by the node's messages and lookups.

/// Library errors span several lines; a message for people is one.
/// Text from another organisation as it may be shown: bidi overrides and isolates (which
/// can make a title read as someone else's name) and control characters (which can steer a
/// terminal) each become U+FFFD, so that nothing else moves (search marks count characters).
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
            || (c.is_control() && c != '\n' && c != '\t')
    };
    if text.chars().any(hidden) {
        std::borrow::Cow::Owned(
            text.chars()
                .map(|c| if hidden(c) { '\u{FFFD}' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An operating system error in plain words, in the reader's language, where its kind is
/// a common one; otherwise the system's own (English) text.
pub fn io_problem(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let id = match error.kind() {
        ErrorKind::NotFound => "io-not-found",
        ErrorKind::PermissionDenied => "io-permission-denied",
        ErrorKind::AlreadyExists => "io-already-exists",
        ErrorKind::IsADirectory => "io-is-a-directory",
        ErrorKind::NotADirectory => "io-not-a-directory",
        ErrorKind::StorageFull => "io-storage-full",
        ErrorKind::ReadOnlyFilesystem => "io-read-only",
        ErrorKind::InvalidData => "io-invalid-data",
        _ => return error.to_string(),
    };
    wiel_lang::current().text(&wiel_lang::Message::new(id))
}

/// Unicode's default-ignorable code points: shown as nothing at all.
fn shows_as_nothing(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// A name as compared: case and runs of white space do not tell names apart.
pub fn normal_name(name: &str) -> String {
    one_line(name).to_lowercase()
}

/// A name as it looks: [`normal_name`], and letters that only look alike (a Cyrillic а
/// for a Latin a, a 0 for an O: the confusables of Unicode's UTS #39) do not tell names
/// apart either, so that a look-alike of a trusted organisation's name is shown as a
/// claim of it.
pub fn name_as_it_looks(name: &str) -> String {
    use unicode_security::confusable_detection::skeleton;
    // Characters that show as nothing (a zero-width space, a soft hyphen, a variation
    // selector) are no part of how a name looks.
    let visible: String = name.chars().filter(|c| !shows_as_nothing(*c)).collect();
    // The skeleton of the name as written (capitals have look-alikes of their own: Greek
    // Ζ, Cyrillic М), then of its lower case (so that upper and lower case meet) …
    let looks: String = skeleton(&visible).collect::<String>().to_lowercase();
    let looks: String = skeleton(&looks).collect::<String>().to_lowercase();
    // … and only then blanks and signs, which a skeleton may have made (a Braille blank
    // is a space to it), count as one space between words: "Gemeente Zwolle." looks
    // like "Gemeente Zwolle".
    looks
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The four parts of a practice story, as written under their labels.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StoryParts {
    /// What stood before the first label.
    pub intro: String,
    pub situation: String,
    pub approach: String,
    pub result: String,
    pub lessons: String,
}

/// Labels people put above the parts of a story, lower case, with the part each fills
/// (0 situation, 1 approach, 2 result, 3 lessons). Longest first where one starts another.
const STORY_LABELS: &[(&str, usize)] = &[
    ("situatie", 0),
    ("aanleiding", 0),
    ("context", 0),
    ("aanpak", 1),
    ("werkwijze", 1),
    ("resultaten", 2),
    ("resultaat", 2),
    ("opbrengst", 2),
    ("geleerde lessen", 3),
    ("lessen", 3),
    ("tips", 3),
];

/// A story pasted as text, with its parts under labels (`**Situatie.** …`, `Aanpak: …`,
/// `## Resultaat`), split into its parts; `None` when fewer than two labels start a line
/// or, written with a capital as a document has them, a sentence (`… leeg. Aanpak: …`).
pub fn story_parts(text: &str) -> Option<StoryParts> {
    let mut parts: [Vec<&str>; 4] = Default::default();
    let mut intro: Vec<&str> = Vec::new();
    let mut current: Option<usize> = None;
    let mut labels = 0;
    for line in text.lines().flat_map(at_inline_labels) {
        match labelled(line) {
            Some((part, rest)) => {
                current = Some(part);
                labels += 1;
                if !rest.is_empty() {
                    parts[part].push(rest);
                }
            }
            None => match current {
                Some(part) => parts[part].push(line),
                None => intro.push(line),
            },
        }
    }
    if labels < 2 {
        return None;
    }
    let join = |lines: &[&str]| lines.join("\n").trim().to_owned();
    Some(StoryParts {
        intro: join(&intro),
        situation: join(&parts[0]),
        approach: join(&parts[1]),
        result: join(&parts[2]),
        lessons: join(&parts[3]),
    })
}

/// A line cut before each label that starts a sentence inside it: `… leeg. **Aanpak.** We …`
/// and `… jaar. Resultaat: …` (capital letter, after the end of a sentence).
fn at_inline_labels(line: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, _) in line.char_indices().skip(1) {
        let rest = &line[i..];
        let word = rest.strip_prefix("**").unwrap_or(rest);
        let after_sentence = line[start..i].trim_end().ends_with(['.', '!', '?'])
            && line[..i].ends_with(char::is_whitespace);
        if after_sentence && word.starts_with(char::is_uppercase) && labelled(rest).is_some() {
            pieces.push(line[start..i].trim_end());
            start = i;
        }
    }
    pieces.push(&line[start..]);
    pieces
}

/// A line that starts with a story label: the part it names and the text after it.
fn labelled(line: &str) -> Option<(usize, &str)> {
    let bare = line.trim_start().trim_start_matches('#').trim_start();
    let bare = bare.strip_prefix("**").unwrap_or(bare).trim_start();
    let lower = bare.to_lowercase();
    let (label, part) = STORY_LABELS
        .iter()
        .find(|(label, _)| lower.starts_with(label))?;
    // Lower-casing keeps these ASCII labels' byte length.
    let after = &bare[label.len()..];
    // The label ends the heading or is followed by '.', ':' or '**': not the start of a word.
    let after_marks = after.trim_start_matches(['.', ':', '*', ' ']);
    let ended = after.is_empty() || after.len() != after_marks.len();
    if !ended {
        return None;
    }
    // A label in a sentence ("Aanpak van de wachtlijst is …") is not a label.
    let marked = line.trim_start().starts_with('#')
        || line.trim_start().starts_with("**")
        || after.starts_with(':')
        || after.starts_with('.');
    marked.then(|| (*part, after_marks.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_names_look_the_same_and_others_do_not() {
        let latin = name_as_it_looks("Gemeente Kampen");
        assert_eq!(
            name_as_it_looks("Gemeente K\u{0430}mpen"),
            latin,
            "Cyrillic a"
        );
        assert_eq!(name_as_it_looks("GEMEENTE  KAMPEN"), latin);
        assert_eq!(
            name_as_it_looks("Gemeente Kamp\u{0435}n"),
            latin,
            "Cyrillic e"
        );
        assert_eq!(
            name_as_it_looks("GM0l93"),
            name_as_it_looks("GM0193"),
            "l for 1"
        );
        for hidden in ["\u{200B}", "\u{00AD}", "\u{FEFF}", "\u{2060}", "\u{FE0F}"] {
            let name = format!("Gemeente Kamp{hidden}en");
            assert_eq!(name_as_it_looks(&name), latin, "{hidden:?}");
        }
        // Capitals with look-alikes of their own, blanks a skeleton makes, signs around.
        let zwolle = name_as_it_looks("Gemeente Zwolle");
        for look_alike in [
            "Gemeente \u{0396}wolle",
            "GE\u{041C}EENTE ZWOLLE",
            "Gemeente ZwoIIe",
            "Gemeente Zwolle\u{2800}",
            "\u{2800}Gemeente Zwolle",
            "Gemeente\u{2800} Zwolle",
            "Gemeente Zwolle.",
            "Gemeente Zwolle\u{2027}",
            "Gemeente - Zwolle",
        ] {
            assert_eq!(name_as_it_looks(look_alike), zwolle, "{look_alike:?}");
        }
        assert_ne!(
            name_as_it_looks("Gemeente Kampen"),
            name_as_it_looks("Gemeente Kapelle")
        );
    }

    #[test]
    fn bidi_overrides_and_control_characters_are_not_shown() {
        assert_eq!(shown("Wmo \u{202E}ellowZ · x"), "Wmo \u{FFFD}ellowZ · x");
        assert_eq!(shown("a\x1b[31mb\nc\td"), "a\u{FFFD}[31mb\nc\td");
        assert!(matches!(shown("gewoon"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(
            shown("مرحبا").chars().count(),
            5,
            "right-to-left text stays"
        );
    }

    #[test]
    fn a_story_pasted_with_labels_is_split_into_its_parts() {
        let text = "Zo begon het.\n\n**Situatie.** Veel verloop.\nVooral bij starters.\n\n\
                    **Aanpak:** Een buddy.\n\n## Resultaat\nMinder verloop.\n\nLessen: Begin klein.";
        let parts = story_parts(text).unwrap();
        assert_eq!(parts.intro, "Zo begon het.");
        assert_eq!(parts.situation, "Veel verloop.\nVooral bij starters.");
        assert_eq!(parts.approach, "Een buddy.");
        assert_eq!(parts.result, "Minder verloop.");
        assert_eq!(parts.lessons, "Begin klein.");

        // Pasted as one paragraph: the labels start sentences.
        let text =
            "**Situatie.** Vol op dinsdag. **Aanpak.** Teamtafels. **Resultaat.** Ruimte over.";
        let parts = story_parts(text).unwrap();
        assert_eq!(parts.situation, "Vol op dinsdag.");
        assert_eq!(parts.approach, "Teamtafels.");
        assert_eq!(parts.result, "Ruimte over.");
        let parts =
            story_parts("Situatie: 11 procent. Aanpak: een scan. Lessen: praat eerder.").unwrap();
        assert_eq!(parts.situation, "11 procent.");
        assert_eq!(parts.approach, "een scan.");
        assert_eq!(parts.lessons, "praat eerder.");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        assert_eq!(
            story_parts("Aanpak van de wachtlijst is lastig.\nDe situatie is zwaar."),
            None
        );
        assert_eq!(story_parts("**Situatie.** Alleen een situatie."), None);
        // A label in the middle of a sentence, or without a capital, stays text.
        assert_eq!(
            story_parts("Situatie: druk. Onze aanpak: rust. De resultaat: niets."),
            None
        );
        assert_eq!(story_parts("Situaties genoeg.\nAanpakken!"), None);
    }
}
