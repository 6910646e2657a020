//! What the service hands out: entries resolved for people (organisation names, state),
//! serialisable as the `--json` output of the CLI.

use serde::{Deserialize, Serialize};
use wiel_protocol::{EntryId, Kind, KindFields, OrgKey, Ref, SpaceName, Timestamp, Verified};

/// One entry as shown to a person or a script.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EntryView {
    pub id: EntryId,
    pub kind: Kind,
    pub space: SpaceName,
    pub author: OrgKey,
    /// From the author's newest profile entry; `None` if we never saw one.
    pub author_name: Option<String>,
    /// Unix milliseconds.
    pub created_at: Timestamp,
    pub refs: Vec<Ref>,
    /// `None` when retracted: the body was erased.
    pub title: Option<String>,
    pub text: Option<String>,
    pub tags: Vec<String>,
    pub themes: Vec<String>,
    pub contact: Option<String>,
    pub fields: Option<KindFields>,
    /// The retraction that erased this entry.
    pub retracted_by: Option<EntryId>,
    /// The newest version, when this is an older one.
    pub superseded_by: Option<EntryId>,
    /// Whether this node trusts the author, and through whom.
    #[serde(default)]
    pub trust: Option<TrustView>,
    /// What the privacy guard blocks (a BSN, an IBAN) found in an entry from elsewhere: it
    /// is stored, but flagged.
    #[serde(default)]
    pub personal_data: Vec<wiel_protocol::privacy::Finding>,
    /// An answer: accepted by the organisation that asked the question.
    #[serde(default)]
    pub accepted: bool,
    /// An answer: the title of the question it answers (its newest version), `None`
    /// when that question was retracted or is not held here.
    #[serde(default)]
    pub question_title: Option<String>,
    /// A question: the answer its author accepted.
    #[serde(default)]
    pub accepted_answer: Option<EntryId>,
    /// Relevance, for search results only.
    #[serde(default)]
    pub score: Option<f32>,
    /// For search results: the text around the matched words.
    #[serde(default)]
    pub snippet: Option<wiel_store::search::Snippet>,
}

/// What `wiel search` returns.
#[derive(Clone, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SearchResults {
    /// The words as typed.
    pub query: String,
    /// The words searched instead, when a typed word matched nothing and a close word
    /// from the index took its place.
    #[serde(default)]
    pub corrected: Option<String>,
    /// Each typed word that matched nothing, with the close word searched instead.
    #[serde(default)]
    pub replaced: Vec<Replaced>,
    /// Words that mean the same as a typed word, searched too ("ook gezocht op").
    #[serde(default)]
    pub also: Vec<String>,
    /// Typed words that match nothing, with no close word either.
    #[serde(default)]
    pub unknown: Vec<String>,
    /// Typed words left out: too common to tell entries apart (de, het, een, …), or a
    /// single character.
    #[serde(default)]
    pub ignored: Vec<String>,
    /// Best first.
    pub results: Vec<EntryView>,
    /// More entries match than the limit let through.
    #[serde(default)]
    pub more: bool,
    /// How many entries match in all, of the authors shown (the results are the best).
    #[serde(default)]
    pub total: usize,
    /// Entries that match but are left out because this node does not trust their
    /// authors (`--untrusted` shows them). Counted when the results end before the
    /// limit, among the first 200 matches of all authors (`HIDDEN_COUNTED`).
    #[serde(default)]
    pub untrusted_hidden: usize,
}

impl EntryView {
    pub(crate) fn new(entry: &Verified, author_name: Option<String>) -> Self {
        let h = entry.header();
        let body = entry.body();
        Self {
            id: entry.id(),
            kind: h.kind,
            space: h.space.clone(),
            author: h.author,
            author_name,
            created_at: h.created_at,
            refs: h.refs.clone(),
            title: body.map(|b| b.title.clone()),
            text: body.map(|b| b.text.clone()),
            tags: body.map(|b| b.tags.clone()).unwrap_or_default(),
            themes: body.map(|b| b.themes.clone()).unwrap_or_default(),
            contact: body.and_then(|b| b.contact.clone()),
            // Null when the kind has no fields of its own: an object or null, never "none".
            fields: body
                .map(|b| b.fields.clone())
                .filter(|f| *f != KindFields::None),
            retracted_by: None,
            superseded_by: None,
            trust: None,
            personal_data: body
                .map(|b| {
                    wiel_protocol::privacy::scan(b)
                        .into_iter()
                        .filter(|f| f.blocks)
                        .collect()
                })
                .unwrap_or_default(),
            accepted: false,
            question_title: None,
            accepted_answer: None,
            score: None,
            snippet: None,
        }
    }
}

/// A typed word that matched nothing, and the word searched instead.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Replaced {
    pub typed: String,
    pub searched: String,
}

/// `wiel list` and `wiel questions`: what was found, and what was not shown.
#[derive(Clone, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Listing {
    /// Newest first, at most the limit asked for.
    pub entries: Vec<EntryView>,
    /// More entries match than the limit let through.
    pub more: bool,
    /// How many entries match in all; null when more than the limit plus 200 do (they
    /// are not all counted).
    pub total: Option<usize>,
    /// Entries left out because this node does not trust their authors (among those
    /// looked at: at least this many when `more`).
    pub untrusted_hidden: usize,
    /// Entries left out because what they refer to is not here yet (an answer to a
    /// question this node has not received): a sync brings it, and then they show.
    #[serde(default)]
    pub waiting_hidden: usize,
}

/// An entry with its versions, answers and reactions.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ThreadView {
    pub entry: EntryView,
    /// All versions, oldest first.
    pub versions: Vec<EntryId>,
    /// The accepted answer first; each with its author's trust.
    pub answers: Vec<EntryView>,
    /// One per organisation (its latest), of organisations this node trusts.
    pub reactions: Vec<EntryView>,
    /// Reactions of organisations this node does not trust: not shown, not counted.
    #[serde(default)]
    pub untrusted_reactions: usize,
}

/// One space in `wiel status`.
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct SpaceCount {
    pub space: SpaceName,
    /// Entries held and passed on, tombstones and old versions included: the set that
    /// sync compares.
    pub entries: usize,
    /// Entries of untrusted authors, kept apart (web-of-trust mode).
    #[serde(default)]
    pub kept_apart: usize,
    /// Short fingerprint of that set: two nodes with the same fingerprint hold the same.
    pub fingerprint: String,
    /// The last catch-up sync of this space (only while a node runs).
    pub last_sync: Option<LastSync>,
}

/// The last catch-up sync of a space: when, with whom, what came in.
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct LastSync {
    pub at: Timestamp,
    pub peer_id: String,
    pub organisation: Option<String>,
    /// Entries the peer held that this node lacked.
    pub missing: u64,
    /// Of those, stored so far.
    pub stored: u64,
}

/// Whether this node trusts an entry's author, and through whom.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, schemars::JsonSchema)]
pub struct TrustView {
    pub trusted: bool,
    /// Trusted directly: this node's own organisation or one of its roots.
    pub root: bool,
    /// The trusted organisations that vouch for the author.
    pub vouched_by: Vec<String>,
}

/// `wiel trust list`: whom this node trusts, and through whom.
#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct TrustReport {
    pub mode: crate::trust::TrustMode,
    pub depth: u32,
    /// Trusted without endorsement (besides this node's own organisation).
    pub roots: Vec<TrustRoot>,
    pub members: Vec<TrustMember>,
    pub revoked: Vec<RevokedKey>,
    /// Keys that rotated to two different keys: someone besides their owner holds them.
    /// Nobody inherits their trust; the owner's new key must be endorsed anew.
    #[serde(default)]
    pub compromised: Vec<CompromisedKey>,
}

/// An organisation this node trusts directly: its key and its name.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, schemars::JsonSchema)]
pub struct TrustRoot {
    pub key: OrgKey,
    pub organisation: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct CompromisedKey {
    pub organisation: String,
    pub key: OrgKey,
}

#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct TrustMember {
    pub organisation: String,
    pub key: OrgKey,
    /// The organisation's current key when this one was rotated away from (`null` when
    /// this is the current one): one organisation, several keys.
    #[serde(default)]
    pub current_key: Option<OrgKey>,
    /// Endorsement steps from a root.
    pub depth: u32,
    pub vouched_by: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, schemars::JsonSchema)]
pub struct RevokedKey {
    pub organisation: String,
    pub key: OrgKey,
    pub since: Timestamp,
}

/// Entries kept apart (untrusted authors, revoked keys) and their bytes on disk.
#[derive(
    Serialize, Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct KeptApart {
    pub entries: u64,
    pub bytes: u64,
    /// `[trust] max_kept_apart_bytes`.
    pub limit: u64,
}
