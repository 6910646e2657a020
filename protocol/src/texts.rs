//! How the protocol's errors, kinds and verdicts read, as messages of the catalogue
//! (`wiel-lang`): the words are there, in Dutch and English; here only which message
//! with which arguments.

use wiel_lang::{Localise, Message, english_display, msg};

use crate::codec::{DecodeError, EncodeError, MAX_BODY_BYTES, MAX_HEADER_BYTES};
use crate::entry::{Kind, Rel, UnknownKind, Verdict};
use crate::ids::HexError;
use crate::names::NameError;
use crate::privacy::{Finding, FindingKind};
use crate::sign::KeyError;
use crate::validate::{Invalid, MAX_REFS, MAX_TAG_CHARS, MAX_TAGS, MAX_TITLE_CHARS};

impl Localise for Kind {
    /// The kind's name ("goed voorbeeld", "good practice"): the message `kind-<code>`, so
    /// that a new kind needs its words in the catalogues and nothing here (a test below
    /// fails while they are missing).
    fn message(&self) -> Message {
        Message::new(format!("kind-{}", self.as_str()))
    }
}

impl Kind {
    /// The kind's name with its article ("een vraag", "a question").
    pub fn with_article(self) -> Message {
        msg!(
            "kind-with-article",
            code = self.as_str(),
            kind = self.message()
        )
    }
}

impl Localise for Verdict {
    fn message(&self) -> Message {
        match self {
            Verdict::Works => msg!("verdict-works"),
            Verdict::DoesNotWork => msg!("verdict-does-not-work"),
            Verdict::AppliedHere => msg!("verdict-applied-here"),
            Verdict::Useful => msg!("verdict-useful"),
            Verdict::Accepted => msg!("verdict-accepted"),
        }
    }
}

/// A field of an entry, by its name in the code ("title", "situation", …).
pub fn field(name: &str) -> Message {
    match name {
        "title" => msg!("field-title"),
        "text" => msg!("field-text"),
        "contact" => msg!("field-contact"),
        "tags" | "tag" => msg!("field-tags"),
        "themes" | "theme" => msg!("field-themes"),
        "situation" => msg!("field-situation"),
        "approach" => msg!("field-approach"),
        "result" => msg!("field-result"),
        "lessons" => msg!("field-lessons"),
        "organisation name" => msg!("field-organisation-name"),
        "space" => msg!("field-space"),
        "network id" => msg!("field-network"),
        other => msg!("field-other", name = other),
    }
}

impl Localise for Invalid {
    fn message(&self) -> Message {
        match self {
            Invalid::Decode(e) => msg!("invalid-decode", reason = e.message()),
            Invalid::WrongNetwork { expected, found } => msg!(
                "invalid-wrong-network",
                expected = expected.to_string(),
                found = found.to_string()
            ),
            Invalid::HeaderTooLarge { len } => {
                msg!(
                    "invalid-header-too-large",
                    len = *len,
                    limit = MAX_HEADER_BYTES
                )
            }
            Invalid::BodyTooLarge { len } => {
                msg!("invalid-body-too-large", len = *len, limit = MAX_BODY_BYTES)
            }
            Invalid::BodyLenMismatch { declared, actual } => msg!(
                "invalid-body-length",
                declared = *declared,
                actual = *actual
            ),
            Invalid::BodyHashMismatch => msg!("invalid-body-hash"),
            Invalid::BadAuthorKey(key) => msg!("invalid-author-key", key = key.to_string()),
            Invalid::BadSignature => msg!("invalid-signature"),
            Invalid::InFuture { minutes } => msg!("invalid-in-future", minutes = *minutes),
            Invalid::EmptyTitle => msg!("invalid-empty-title"),
            Invalid::TitleTooLong { chars } => {
                msg!(
                    "invalid-title-too-long",
                    chars = *chars,
                    limit = MAX_TITLE_CHARS
                )
            }
            Invalid::TooManyTags { what, count } => msg!(
                "invalid-too-many-labels",
                what = field(what),
                count = *count,
                limit = MAX_TAGS
            ),
            Invalid::BadTag { what, value } => msg!(
                "invalid-bad-label",
                what = field(what),
                value = value.as_str(),
                limit = MAX_TAG_CHARS
            ),
            Invalid::TooManyRefs { count } => {
                msg!("invalid-too-many-refs", count = *count, limit = MAX_REFS)
            }
            Invalid::MissingRef { kind, .. } => match kind {
                Kind::Answer => msg!("invalid-answer-needs-question"),
                Kind::Reaction => msg!("invalid-reaction-needs-entry"),
                _ => msg!("invalid-retraction-needs-entry"),
            },
            Invalid::UnexpectedRef { kind, rel } => msg!(
                "invalid-unexpected-ref",
                kind = kind.with_article(),
                rel = rel_message(*rel)
            ),
            Invalid::FieldsDoNotMatchKind { kind } => {
                msg!("invalid-fields-do-not-match", kind = kind.with_article())
            }
            Invalid::EmptyField { field: name } => msg!("invalid-empty-field", field = field(name)),
            Invalid::OwnKey { action } => match *action {
                "endorse" => msg!("invalid-endorse-own-key"),
                "vouch for" => msg!("invalid-history-of-own-key"),
                _ => msg!("invalid-rotate-to-own-key"),
            },
            Invalid::ControlOutsideNational { kind, space } => msg!(
                "invalid-control-outside-national",
                kind = kind.with_article(),
                space = space.as_str()
            ),
            Invalid::NoRotationConsent => msg!("invalid-no-rotation-consent"),
            Invalid::IdMismatch => msg!("invalid-id-mismatch"),
            Invalid::TextNotAllowed { kind } => {
                msg!("invalid-text-not-allowed", kind = kind.with_article())
            }
            Invalid::BadHistory { count } => msg!(
                "invalid-history",
                count = *count,
                limit = crate::validate::MAX_HISTORY_ENTRIES
            ),
        }
    }
}

fn rel_message(rel: Rel) -> Message {
    match rel {
        Rel::Answers => msg!("rel-answers"),
        Rel::ReactsTo => msg!("rel-reacts-to"),
        Rel::Retracts => msg!("rel-retracts"),
        Rel::Supersedes => msg!("rel-supersedes"),
    }
}

impl Localise for DecodeError {
    fn message(&self) -> Message {
        match self {
            DecodeError::Empty => msg!("decode-empty"),
            DecodeError::TooLarge { len, limit } => {
                msg!("decode-too-large", len = *len, limit = *limit)
            }
            DecodeError::UnknownVersion(v) => msg!(
                "decode-unknown-version",
                version = *v,
                known = crate::FORMAT_VERSION
            ),
            DecodeError::UnknownKind { code, .. } => msg!("decode-unknown-kind", code = *code),
            DecodeError::Malformed(detail) => msg!("decode-malformed", detail = detail.as_str()),
            DecodeError::TrailingBytes(n) => msg!("decode-trailing-bytes", count = *n),
            DecodeError::NonCanonical => msg!("decode-non-canonical"),
        }
    }
}

impl Localise for EncodeError {
    fn message(&self) -> Message {
        msg!("encode-failed", detail = self.detail())
    }
}

impl Localise for KeyError {
    fn message(&self) -> Message {
        match self {
            KeyError::Decode(detail) => msg!("key-unreadable", detail = detail.as_str()),
            KeyError::NotEd25519 => msg!("key-not-ed25519"),
        }
    }
}

impl Localise for NameError {
    fn message(&self) -> Message {
        match self {
            NameError::BadName { what, value, max } => msg!(
                "name-invalid",
                what = field(what),
                value = value.as_str(),
                max = *max
            ),
            NameError::BadCbsCode(code) => msg!("name-bad-cbs-code", code = code.as_str()),
        }
    }
}

impl Localise for HexError {
    fn message(&self) -> Message {
        match self {
            HexError::Length { expected, found } => {
                msg!("hex-length", expected = *expected, found = *found)
            }
            HexError::NotHex(value) => msg!("hex-not-hex", value = value.as_str()),
        }
    }
}

impl Localise for UnknownKind {
    /// Names every kind, by its Dutch and its English name: `list` takes any of them
    /// (`publish` and `search` say for themselves which they take).
    fn message(&self) -> Message {
        let known: Vec<String> = Kind::ALL
            .iter()
            .map(|k| format!("{} ({})", k.dutch().replace(' ', "-"), k.as_str()))
            .collect();
        msg!(
            "unknown-kind",
            kind = self.0.as_str(),
            known = known.join(", ")
        )
    }
}

impl Localise for FindingKind {
    fn message(&self) -> Message {
        match self {
            FindingKind::Bsn => msg!("finding-bsn"),
            FindingKind::Iban => msg!("finding-iban"),
            FindingKind::BirthDate => msg!("finding-birth-date"),
            FindingKind::Phone => msg!("finding-phone"),
            FindingKind::Email => msg!("finding-email"),
            FindingKind::Address => msg!("finding-address"),
        }
    }
}

impl Localise for Finding {
    /// "BSN 12…89 in de tekst op regel 3, kolom 14".
    fn message(&self) -> Message {
        msg!(
            "finding",
            kind = self.kind.message(),
            excerpt = self.excerpt.as_str(),
            field = field(&self.field),
            line = self.line,
            column = self.column
        )
    }
}

english_display!(
    Invalid,
    DecodeError,
    EncodeError,
    KeyError,
    NameError,
    HexError,
    UnknownKind,
    Finding
);
