//! The entry model: a small signed [`Header`] that is always kept, and a [`Body`] that a
//! retraction can erase while the header stays as a tombstone.
//!
//! Field order and enum variant order are part of the wire format: append, never reorder.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{BodyHash, EntryId, OrgKey, Signature};
use crate::names::{CbsCode, NetworkId, SpaceName, Timestamp};

/// What an entry is. New kinds (endorsement, key rotation) are appended at the end, which
/// keeps every existing entry's encoding unchanged.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Debug,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Goed voorbeeld: a practice that worked.
    Practice,
    /// Praktijkverhaal: situation, approach, result, lessons.
    Story,
    /// Vraag.
    Question,
    /// Antwoord: refers to a question.
    Answer,
    /// Reactie: a verdict on any entry.
    Reaction,
    /// Intrekking: withdraws one of the author's own entries and erases its body. Itself
    /// retracted, it loses its reason and keeps its effect.
    Retraction,
    /// Who the organisation is: name, CBS code, province.
    Profile,
    /// Aanbeveling: the author vouches for another organisation's key (withdrawn by
    /// retracting it).
    Endorsement,
    /// Sleutelwissel: the author's key hands over to a new key (signed by the old one).
    KeyRotation,
    /// Intrekking van een sleutel: a key is no longer to be trusted from a moment on
    /// (signed by that key or by the key it rotated to).
    Revocation,
    /// Sleutelgeschiedenis: a key that an earlier key rotated to names the entries that
    /// earlier key signed for its organisation. Once that key is revoked, exactly those
    /// count, whatever their dates: a thief holding it can neither add to its history nor,
    /// with a backdated revocation, hide it.
    History,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Practice,
        Kind::Story,
        Kind::Question,
        Kind::Answer,
        Kind::Reaction,
        Kind::Retraction,
        Kind::Profile,
        Kind::Endorsement,
        Kind::KeyRotation,
        Kind::Revocation,
        Kind::History,
    ];

    /// The name used on the command line, in front matter and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Practice => "practice",
            Kind::Story => "story",
            Kind::Question => "question",
            Kind::Answer => "answer",
            Kind::Reaction => "reaction",
            Kind::Retraction => "retraction",
            Kind::Profile => "profile",
            Kind::Endorsement => "endorsement",
            Kind::KeyRotation => "key-rotation",
            Kind::Revocation => "revocation",
            Kind::History => "key-history",
        }
    }

    /// The Dutch word professionals use.
    pub fn dutch(self) -> &'static str {
        match self {
            Kind::Practice => "goed voorbeeld",
            Kind::Story => "praktijkverhaal",
            Kind::Question => "vraag",
            Kind::Answer => "antwoord",
            Kind::Reaction => "reactie",
            Kind::Retraction => "intrekking",
            Kind::Profile => "profiel",
            Kind::Endorsement => "aanbeveling",
            Kind::KeyRotation => "sleutelwissel",
            Kind::Revocation => "sleutelintrekking",
            Kind::History => "sleutelgeschiedenis",
        }
    }

    /// A stable one-byte code for store keys.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The kind with this [`Kind::code`].
    pub fn from_code(code: u8) -> Option<Kind> {
        Kind::ALL.get(usize::from(code)).copied()
    }

    /// Every rule about this kind, from the one table ([`KindRules`]): a new kind does not
    /// compile until each rule is decided for it.
    pub const fn rules(self) -> KindRules {
        #[allow(clippy::too_many_arguments)]
        const fn r(
            control: bool,
            always_passed_on: bool,
            trust_fact: bool,
            retractable: bool,
            editable: bool,
            free_text: bool,
            content: bool,
            titled: bool,
        ) -> KindRules {
            KindRules {
                control,
                always_passed_on,
                trust_fact,
                retractable,
                editable,
                free_text,
                content,
                titled,
            }
        }
        //                              control passed trust  retract edit  text   content titled
        match self {
            Kind::Practice =>
            /*     */
            {
                r(false, false, false, true, true, true, true, true)
            }
            Kind::Story =>
            /*        */
            {
                r(false, false, false, true, true, true, true, true)
            }
            Kind::Question =>
            /*     */
            {
                r(false, false, false, true, true, true, true, true)
            }
            Kind::Answer =>
            /*       */
            {
                r(false, false, false, true, true, true, true, false)
            }
            Kind::Reaction =>
            /*     */
            {
                r(false, false, false, true, false, true, false, false)
            }
            // A retraction retracted erases its reason (a slip of personal data, say)
            // and still erases what it retracted: its signed header says what that was.
            Kind::Retraction =>
            /*   */
            {
                r(false, false, false, true, false, true, false, false)
            }
            Kind::Profile =>
            /*      */
            {
                r(true, true, false, true, true, true, false, true)
            }
            Kind::Endorsement =>
            /*  */
            {
                r(true, false, true, true, false, false, false, false)
            }
            Kind::KeyRotation =>
            /*  */
            {
                r(true, true, true, false, false, false, false, false)
            }
            Kind::Revocation =>
            /*   */
            {
                r(true, true, true, false, false, false, false, false)
            }
            // Decides only where its signer is trusted, so it goes where that signer's
            // entries go; a stranger's is kept apart like the rest of its entries.
            Kind::History =>
            /*      */
            {
                r(true, false, true, false, false, false, false, false)
            }
        }
    }

    /// What a person writes on its own, from a form or a Markdown file: content with a
    /// title of its own (an answer belongs to its question, a reaction to its entry).
    pub const fn is_written_alone(self) -> bool {
        let rules = self.rules();
        rules.content && rules.titled
    }

    /// See [`KindRules::control`].
    pub const fn is_control(self) -> bool {
        self.rules().control
    }

    /// See [`KindRules::retractable`].
    pub const fn is_retractable(self) -> bool {
        self.rules().retractable
    }

    /// See [`KindRules::editable`].
    pub const fn is_editable(self) -> bool {
        self.rules().editable
    }
}

/// What a kind is, for every rule that asks (see [`Kind::rules`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindRules {
    /// Says who an organisation is and which keys speak for it. These decide trust, so
    /// every node must get them: they live in the national space, which every node follows.
    pub control: bool,
    /// Passed on by every node whoever signed it (gossip, sync, fetch): what lets every
    /// node decide. (Endorsements are not: a stranger's endorsement decides nothing here.)
    pub always_passed_on: bool,
    /// Read into the trust set (endorsements, key rotations, revocations).
    pub trust_fact: bool,
    /// A retraction may erase its body. Key rotations and revocations never: a thief
    /// holding an old key could otherwise erase the owner's move to a new key.
    pub retractable: bool,
    /// Can be edited into a new version.
    pub editable: bool,
    /// May carry free text (title, text, tags, themes). Trust facts carry none: they reach
    /// every node, and a stranger could otherwise fill every disk with them.
    pub free_text: bool,
    /// What people write to share: searched, listed as knowledge, exported as Markdown,
    /// published from a Markdown file (practice, story, question) or as an answer. Only
    /// these can be reacted to.
    pub content: bool,
    /// Needs a title. An answer's is optional, and wiel never fills it in: without one
    /// it is shown under its question's title, read from the reference, never copied — a
    /// question its asker retracts must not live on in the answers.
    pub titled: bool,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown kind name, with the names that are known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct UnknownKind(pub String);

impl std::str::FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, UnknownKind> {
        // "goed voorbeeld", "goed-voorbeeld" and "Goed_Voorbeeld" are one name.
        let lower = s.trim().to_lowercase().replace(['-', '_'], " ");
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().replace('-', " ") == lower || k.dutch() == lower)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// How an entry relates to the entry it refers to.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Debug,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Rel {
    /// answer → question
    Answers,
    /// reaction → any entry
    ReactsTo,
    /// retraction → the author's own entry
    Retracts,
    /// new version → previous version, same author
    Supersedes,
}

impl Rel {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// A typed link to another entry.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Ref {
    pub rel: Rel,
    pub target: EntryId,
}

/// What a reaction says about the entry it reacts to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Werkt.
    Works,
    /// Werkt niet.
    DoesNotWork,
    /// Hier toegepast.
    AppliedHere,
    /// Nuttig.
    Useful,
    /// Geaccepteerd antwoord: only on an answer, only by the author of the question.
    Accepted,
}

impl Verdict {
    pub fn dutch(self) -> &'static str {
        match self {
            Verdict::Works => "werkt",
            Verdict::DoesNotWork => "werkt niet",
            Verdict::AppliedHere => "hier toegepast",
            Verdict::Useful => "nuttig",
            Verdict::Accepted => "geaccepteerd antwoord",
        }
    }
}

/// The signed, always-kept part of an entry.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Header {
    /// Always [`crate::FORMAT_VERSION`]; the first byte on the wire.
    pub version: u8,
    pub network: NetworkId,
    pub space: SpaceName,
    pub kind: Kind,
    pub author: OrgKey,
    pub created_at: Timestamp,
    pub body_hash: BodyHash,
    pub body_len: u32,
    pub refs: Vec<Ref>,
}

impl Header {
    /// The first reference with this relation, if any.
    pub fn target(&self, rel: Rel) -> Option<EntryId> {
        self.refs.iter().find(|r| r.rel == rel).map(|r| r.target)
    }
}

/// Fields that only some kinds have.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KindFields {
    /// Practice, question, answer, retraction.
    #[default]
    None,
    Story {
        situation: String,
        approach: String,
        result: String,
        lessons: String,
    },
    Reaction {
        verdict: Verdict,
    },
    Profile {
        name: String,
        cbs_code: CbsCode,
        province: Option<String>,
    },
    /// Whom the author vouches for, with the name and CBS code it knows them by.
    Endorsement {
        subject: OrgKey,
        name: String,
        cbs_code: CbsCode,
    },
    /// The new key signs `consent` (see [`crate::sign::rotation_consent_message`]): a key
    /// can never be claimed as another key's successor without its holder's word, so a
    /// stranger cannot attach its key to a municipality's history.
    KeyRotation {
        new_key: OrgKey,
        consent: crate::ids::Signature,
    },
    Revocation {
        key: OrgKey,
        /// Entries by `key` made from this moment on are refused.
        since: Timestamp,
    },
    /// `entries`: ids of entries `key` signed, sorted, each once, at most
    /// [`crate::validate::MAX_HISTORY_ENTRIES`] (an organisation with more signs several).
    History {
        key: OrgKey,
        entries: Vec<EntryId>,
    },
}

impl KindFields {
    /// A story's four parts with their names; empty for other kinds.
    pub fn story_parts(&self) -> Vec<(&'static str, &str)> {
        match self {
            KindFields::Story {
                situation,
                approach,
                result,
                lessons,
            } => vec![
                ("situation", situation),
                ("approach", approach),
                ("result", result),
                ("lessons", lessons),
            ],
            _ => Vec::new(),
        }
    }
}

/// The erasable content of an entry.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Body {
    pub title: String,
    /// Markdown. For a reaction its comment, for a retraction its reason.
    pub text: String,
    pub tags: Vec<String>,
    pub themes: Vec<String>,
    /// Who to contact about this entry (a work address, not a citizen's).
    pub contact: Option<String>,
    pub fields: KindFields,
}

/// A signed entry as it travels: header, signature and, unless erased, the body.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub header: Header,
    pub signature: Signature,
    /// `None` once a retraction erased it: the header stays as a tombstone.
    pub body: Option<Body>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_table_is_consistent() {
        for kind in Kind::ALL {
            let r = kind.rules();
            assert!(
                !r.trust_fact || r.control,
                "{kind}: trust facts are control entries"
            );
            assert!(!r.always_passed_on || r.control, "{kind}");
            assert!(
                r.free_text || r.trust_fact,
                "{kind}: only trust facts are text-free"
            );
            assert!(!r.content || (r.editable && r.retractable), "{kind}");
            assert!(!(r.content && r.control), "{kind}");
            assert_eq!(Kind::from_code(kind.code()), Some(kind));
        }
        assert!(
            !Kind::KeyRotation.is_retractable()
                && !Kind::Revocation.is_retractable()
                && !Kind::History.is_retractable()
        );
        assert!(
            Kind::Retraction.is_retractable() && !Kind::Retraction.is_editable(),
            "a retraction's reason can be erased, never changed"
        );
    }
}
