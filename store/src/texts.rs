//! How the store's errors and refusals read, as messages of the catalogue (`wiel-lang`).

use wiel_lang::{Localise, Message, english_display, msg};

use crate::StoreError;
use crate::ingest::Rejection;
use crate::search::{SearchError, ThesaurusError};

impl Localise for Rejection {
    fn message(&self) -> Message {
        match self {
            Rejection::NotAuthorOfTarget { target, action } => match *action {
                "retract" => msg!("rejection-not-author-retract", id = target.short()),
                _ => msg!("rejection-not-author-edit", id = target.short()),
            },
            Rejection::VersionKindMismatch {
                target,
                found,
                expected,
            } => msg!(
                "rejection-version-kind",
                id = target.short(),
                found = found.message(),
                expected = expected.message()
            ),
            Rejection::NotAQuestion { target, found } => msg!(
                "rejection-not-a-question",
                id = target.short(),
                found = found.message()
            ),
            Rejection::NotRetractable { target, found } => msg!(
                "rejection-not-retractable",
                id = target.short(),
                found = found.message()
            ),
            Rejection::NotReactable { target, found } => msg!(
                "rejection-not-reactable",
                id = target.short(),
                found = found.message()
            ),
            Rejection::NotAnAnswer { target, found } => msg!(
                "rejection-not-an-answer",
                id = target.short(),
                found = found.message()
            ),
            Rejection::NotTheAsker { question } => {
                msg!("rejection-not-the-asker", id = question.short())
            }
            Rejection::AcceptanceFromTheFuture {
                question,
                accepted,
                minutes_ahead,
            } => msg!(
                "rejection-acceptance-from-the-future",
                question = question.short(),
                accepted = accepted.short(),
                minutes = *minutes_ahead
            ),
        }
    }
}

impl Localise for StoreError {
    fn message(&self) -> Message {
        match self {
            StoreError::Locked { path } => {
                msg!("store-locked", path = path.display().to_string())
            }
            StoreError::Open { path, reason } => msg!(
                "store-open",
                path = path.display().to_string(),
                detail = reason.as_str()
            ),
            StoreError::Io(e) => msg!("store-io", detail = e.to_string()),
            StoreError::Log { path, reason } => msg!(
                "store-log",
                path = path.display().to_string(),
                detail = reason.as_str()
            ),
            StoreError::Aborted => msg!("store-aborted"),
            StoreError::Corrupt { id, reason } => {
                msg!("store-corrupt", id = id.as_str(), detail = reason.as_str())
            }
            StoreError::NewerFormat { path, found } => msg!(
                "store-newer-format",
                path = path.display().to_string(),
                found = *found,
                known = crate::STORE_FORMAT
            ),
        }
    }
}

impl Localise for SearchError {
    fn message(&self) -> Message {
        match self {
            SearchError::Index { path, reason } => msg!(
                "search-index",
                path = path.display().to_string(),
                detail = reason.as_str()
            ),
            SearchError::Store(e) => e.message(),
        }
    }
}

impl Localise for ThesaurusError {
    fn message(&self) -> Message {
        match self {
            ThesaurusError::NotOneWord { group, word } => {
                msg!(
                    "synonyms-not-one-word",
                    group = *group,
                    word = word.as_str()
                )
            }
            ThesaurusError::StopWord { group, word } => {
                msg!("synonyms-stop-word", group = *group, word = word.as_str())
            }
            ThesaurusError::TooFew { group } => msg!("synonyms-too-few", group = *group),
            ThesaurusError::BadAbbreviation { group } => {
                msg!("synonyms-bad-abbreviation", group = *group)
            }
        }
    }
}

english_display!(Rejection, StoreError, SearchError, ThesaurusError);
