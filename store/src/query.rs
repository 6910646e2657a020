//! Reading the store: get, id prefixes, filtered lists (newest first), trust entries and
//! profiles (threads are in `threads`).

use std::ops::Bound;

use wiel_protocol::{EntryId, Kind, OrgKey, SpaceName, Timestamp, Verified};

use crate::{Store, StoreError, corrupt};
use crate::{keys, log};

/// What [`Store::scan`] found.
#[derive(Debug, Default)]
pub struct Scanned {
    /// At most the filter's limit, newest first.
    pub entries: Vec<Verified>,
    /// More entries match than the limit let through.
    pub more: bool,
    /// How many match in all, when counted to the end: `None` when more than the limit
    /// plus [`COUNTED_BEYOND_LIMIT`] match (counting every match would read every entry).
    pub total: Option<usize>,
    /// Entries that would be listed but are inert: what they refer to is not here (yet),
    /// or their relation to it does not hold (among those looked at).
    pub waiting: usize,
}

/// Matches [`Store::scan`] counts past its limit, at most, to say how many there are.
pub const COUNTED_BEYOND_LIMIT: usize = 200;

/// Which entries [`Store::list`] returns. The default is the latest version of every entry
/// that was not retracted, newest first, at most 50.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct ListFilter {
    pub kind: Option<Kind>,
    pub space: Option<SpaceName>,
    pub author: Option<OrgKey>,
    /// Created at or after.
    pub since: Option<Timestamp>,
    /// Created before.
    pub until: Option<Timestamp>,
    /// Has this tag (case does not matter).
    pub tag: Option<String>,
    /// Has this theme (case does not matter).
    pub theme: Option<String>,
    /// Also older versions. Default false.
    pub all_versions: bool,
    /// Also tombstones of retracted entries. Default false.
    pub include_retracted: bool,
    /// Also inert entries: those whose relation to another entry does not (yet) hold, such
    /// as an answer to something that is not a question we hold (see
    /// [`Store::is_inert`]). Default false.
    pub include_inert: bool,
    /// Leave out reactions, retractions and profiles: only what people write to share.
    /// Default false.
    pub content_only: bool,
    /// Default 50.
    pub limit: usize,
    /// Also entries by organisations outside the trust set (applied by the node's trust
    /// policy, not by the store). Default false.
    pub untrusted: bool,
    /// Only questions that have no accepted answer (applied by the node). Default false.
    pub open: bool,
}

impl Default for ListFilter {
    fn default() -> Self {
        Self {
            kind: None,
            space: None,
            author: None,
            since: None,
            until: None,
            tag: None,
            theme: None,
            all_versions: false,
            include_retracted: false,
            include_inert: false,
            content_only: false,
            limit: 50,
            untrusted: false,
            open: false,
        }
    }
}

impl ListFilter {
    /// Whether the entry carries the filter's tag and theme, if it asks for them.
    pub fn labels_match(&self, entry: &Verified) -> bool {
        let has = |wanted: &Option<String>, labels: fn(&wiel_protocol::Body) -> &Vec<String>| {
            wanted.as_ref().is_none_or(|w| {
                entry
                    .body()
                    .is_some_and(|b| labels(b).iter().any(|l| l.eq_ignore_ascii_case(w)))
            })
        };
        has(&self.tag, |b| &b.tags) && has(&self.theme, |b| &b.themes)
    }
}

/// The outcome of looking up an id prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Found(EntryId),
    NotFound,
    /// Several entries start with the prefix (at most 10 listed).
    Ambiguous(Vec<EntryId>),
}

/// One entry as sync and the trust policy see it, without reading the entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub created_at: Timestamp,
    pub id: EntryId,
    pub author: OrgKey,
    pub kind: Kind,
}

/// Per space name: its items, oldest first.
pub type SpaceItems = std::collections::BTreeMap<String, Vec<Item>>;

/// A row of the time index as an item, with the bytes of its space's name.
pub(crate) fn time_row_item<'v>(key: &[u8], value: &'v [u8]) -> Option<(&'v [u8], Item)> {
    let (kind, author, space) = keys::split_facets(value)?;
    let item = Item {
        created_at: keys::time_of(key)?,
        id: keys::trailing_id(key)?,
        author: OrgKey::from_bytes(<[u8; 32]>::try_from(author).ok()?),
        kind: Kind::from_code(kind)?,
    };
    Some((space, item))
}

/// The acceptance that counts on a question: when the asker signed it, the acceptance
/// itself, and the answer it accepts (its newest version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acceptance {
    pub at: Timestamp,
    pub acceptance: EntryId,
    pub answer: EntryId,
}

/// An entry with everything that refers to it.
#[derive(Debug, Clone)]
pub struct Thread {
    pub entry: Verified,
    /// The retraction that erased this entry's body.
    pub retracted_by: Option<EntryId>,
    /// The newest version of this entry, if it is not the newest itself.
    pub latest: Option<EntryId>,
    /// All versions, oldest first (this entry included).
    pub versions: Vec<EntryId>,
    /// Latest versions of the answers to any version, oldest first; retracted ones left out.
    pub answers: Vec<Verified>,
    /// Reactions to any version, oldest first; retracted ones left out.
    pub reactions: Vec<Verified>,
}

/// A damaged entry is left out of walks with a warning (`wiel check` reports and
/// quarantines it); other store errors still fail.
pub(crate) fn skip_damaged(
    got: Result<Option<Verified>, StoreError>,
) -> Result<Option<Verified>, StoreError> {
    match got {
        Err(StoreError::Corrupt { id, reason }) => {
            tracing::warn!(entry = %id, %reason, "skipping a damaged entry; run `wiel check`");
            Ok(None)
        }
        other => other,
    }
}

impl Store {
    pub fn get(&self, id: &EntryId) -> Result<Option<Verified>, StoreError> {
        // The span and the file it points into are read under one lock: a compaction
        // switches both at once.
        let log = self.log.read().unwrap_or_else(|p| p.into_inner());
        let Some(record) = self.trees.entries.get(id.as_bytes())? else {
            return Ok(None);
        };
        let (span, header_only) =
            log::decode_record(&record).ok_or_else(|| corrupt(id, "short index record"))?;
        let bytes = match span {
            Some(span) => log.read_stored(span)?,
            None => header_only.to_vec(),
        };
        Verified::from_stored_bytes(*id, bytes)
            .map(Some)
            .map_err(|e| corrupt(id, e))
    }

    /// Finds the entry whose hex id starts with `prefix` (lowercase hex, any length).
    pub fn resolve_prefix(&self, prefix: &str) -> Result<Resolved, StoreError> {
        let prefix = prefix.to_ascii_lowercase();
        let whole = &prefix[..prefix.len() - prefix.len() % 2];
        let Ok(bytes) = hex::decode(whole) else {
            return Ok(Resolved::NotFound);
        };
        let mut found = Vec::new();
        for row in self.trees.entries.scan_prefix(bytes) {
            let (key, _) = row?;
            let Some(id) = keys::id_from_value(&key) else {
                continue;
            };
            if id.to_hex().starts_with(&prefix) {
                found.push(id);
                if found.len() > 10 {
                    break;
                }
            }
        }
        Ok(match found.len() {
            0 => Resolved::NotFound,
            1 => Resolved::Found(found[0]),
            _ => {
                found.truncate(10);
                Resolved::Ambiguous(found)
            }
        })
    }

    /// Entries matching `filter`, newest first.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<Verified>, StoreError> {
        Ok(self.scan(filter, |_| true, |_| true)?.entries)
    }

    /// Entries matching `filter` and `keep`, newest first, up to `filter.limit`; whether
    /// more match, and how many (see [`Scanned::total`]). `pass` is asked first, from the
    /// index alone: what it turns down is not read (unless tags or themes are to match,
    /// which only the entry can say; then `keep` alone decides).
    pub fn scan(
        &self,
        filter: &ListFilter,
        mut pass: impl FnMut(&Item) -> bool,
        mut keep: impl FnMut(&Verified) -> bool,
    ) -> Result<Scanned, StoreError> {
        let bound = |t: Option<Timestamp>, fill: u8| match t {
            Some(t) => t.as_millis().to_be_bytes().to_vec(),
            None => vec![fill; 8],
        };
        let lower = Bound::Included(bound(filter.since, 0));
        let upper = match filter.until {
            Some(_) => Bound::Excluded(bound(filter.until, 0)),
            None => Bound::Included(vec![0xff; 8 + keys::ID_LEN]),
        };
        let kind = filter.kind.map(Kind::code);
        let author = filter.author.as_ref().map(|a| a.as_bytes().as_slice());
        let space = filter.space.as_ref().map(|s| s.as_str().as_bytes());
        let mut out = Vec::new();
        let mut more = false;
        let mut beyond = 0;
        let mut waiting = 0;
        for row in self.trees.by_time.range::<Vec<u8>, _>((lower, upper)).rev() {
            let (key, value) = row?;
            let Some(id) = keys::trailing_id(&key) else {
                continue;
            };
            let Some((k, a, s)) = keys::split_facets(&value) else {
                return Err(corrupt(&id, "short time index row"));
            };
            // What the index row decides, before the entry is read (a stranger's key
            // histories are many and large, and no list of content shows them).
            if kind.is_some_and(|x| x != k)
                || author.is_some_and(|x| x != a)
                || space.is_some_and(|x| x != s)
                || (filter.content_only && Kind::from_code(k).is_some_and(|k| !k.rules().content))
            {
                continue;
            }
            if !filter.all_versions && self.trees.superseded.contains_key(id.as_bytes())? {
                continue;
            }
            // Whom the caller shows is told from the row too (a node whose store is full of
            // strangers' entries must not read them all to list its own). With labels to
            // match, the entry decides first: only what matches them is passed over.
            if filter.tag.is_none() && filter.theme.is_none() {
                if !filter.include_retracted && self.trees.tombstones.contains_key(id.as_bytes())? {
                    continue;
                }
                let item = Item {
                    created_at: keys::time_of(&key)
                        .ok_or_else(|| corrupt(&id, "short time index row"))?,
                    id,
                    author: <[u8; 32]>::try_from(a)
                        .map(OrgKey::from_bytes)
                        .map_err(|_| corrupt(&id, "short time index row"))?,
                    kind: Kind::from_code(k).ok_or_else(|| corrupt(&id, "unknown kind"))?,
                };
                if !pass(&item) {
                    continue;
                }
            }
            let Some(entry) = skip_damaged(self.get(&id))? else {
                continue;
            };
            let h = entry.header();
            if (!filter.include_retracted && entry.body().is_none())
                || (filter.content_only && !h.kind.rules().content)
            {
                continue;
            }
            if !filter.labels_match(&entry) {
                continue;
            }
            if keep(&entry) {
                if !filter.include_inert && self.is_inert(&entry)? {
                    waiting += 1;
                    continue;
                }
                if out.len() < filter.limit {
                    out.push(entry);
                    continue;
                }
                more = true;
                beyond += 1;
                if beyond > COUNTED_BEYOND_LIMIT {
                    return Ok(Scanned {
                        entries: out,
                        more,
                        total: None,
                        waiting,
                    });
                }
            }
        }
        let total = Some(out.len() + beyond);
        Ok(Scanned {
            entries: out,
            more,
            total,
            waiting,
        })
    }

    /// Every entry, tombstones included, oldest first.
    pub fn iter_all(&self) -> impl Iterator<Item = Result<Verified, StoreError>> + '_ {
        self.trees.by_time.iter().filter_map(move |row| {
            let key = match row {
                Ok((key, _)) => key,
                Err(e) => return Some(Err(e.into())),
            };
            let id = keys::trailing_id(&key)?;
            skip_damaged(self.get(&id)).transpose()
        })
    }

    /// Every item of a space, tombstones and old versions included, oldest first: the set
    /// that catch-up sync reconciles.
    pub fn space_items(&self, space: &SpaceName) -> Result<Vec<Item>, StoreError> {
        Ok(self
            .items_by_space(Some(space))?
            .remove(space.as_str())
            .unwrap_or_default())
    }

    /// [`Store::space_items`] of every space (or only `only`), in one walk of the time
    /// index.
    pub fn items_by_space(&self, only: Option<&SpaceName>) -> Result<SpaceItems, StoreError> {
        let mut out = SpaceItems::new();
        for row in self.trees.by_time.iter() {
            let (key, value) = row?;
            if let Some((space, item)) = time_row_item(&key, &value)
                && only.is_none_or(|o| o.as_str().as_bytes() == space)
            {
                match out.get_mut(String::from_utf8_lossy(space).as_ref()) {
                    Some(items) => items.push(item),
                    None => {
                        out.insert(String::from_utf8_lossy(space).into_owned(), vec![item]);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Every endorsement, key rotation, revocation and key history this store holds
    /// (retracted ones included, as tombstones), oldest first.
    pub fn trust_entries(&self) -> Result<Vec<Verified>, StoreError> {
        self.trust_entries_where(|_, _| true)
    }

    /// [`Store::trust_entries`] of the kinds and authors `wanted` picks, told from the
    /// index without reading the others (a stranger's key histories are many and large).
    pub fn trust_entries_where(
        &self,
        wanted: impl Fn(Kind, &OrgKey) -> bool,
    ) -> Result<Vec<Verified>, StoreError> {
        let mut out = Vec::new();
        for row in self.trees.trust.iter() {
            let (key, _) = row?;
            let picked = match self.trees.by_time.get(&key)? {
                Some(facets) => match keys::split_facets(&facets) {
                    Some((code, author, _)) => {
                        let author = <[u8; 32]>::try_from(author).map(OrgKey::from_bytes);
                        match (Kind::from_code(code), author) {
                            (Some(kind), Ok(author)) => wanted(kind, &author),
                            _ => true,
                        }
                    }
                    None => true,
                },
                None => true,
            };
            if picked
                && let Some(id) = keys::trailing_id(&key)
                && let Some(entry) = self.get(&id)?
                && wanted(entry.header().kind, &entry.header().author)
            {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// The organisation's newest profile entry.
    pub fn profile(&self, author: &OrgKey) -> Result<Option<Verified>, StoreError> {
        match self.trees.profiles.get(author.as_bytes())? {
            Some(v) => match keys::id_from_value(&v) {
                Some(id) => self.get(&id),
                None => Ok(None),
            },
            None => Ok(None),
        }
    }

    /// The newest profile of every organisation we know.
    pub fn profiles(&self) -> Result<Vec<Verified>, StoreError> {
        let mut out = Vec::new();
        for row in self.trees.profiles.iter() {
            let (_, v) = row?;
            if let Some(id) = keys::id_from_value(&v)
                && let Some(e) = self.get(&id)?
            {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Whether `signer` speaks for `author`: the same key, or a key that `author` rotated
    /// to (with that key's consent), directly or in steps.
    pub fn speaks_for(&self, signer: &OrgKey, author: &OrgKey) -> Result<bool, StoreError> {
        crate::ingest::speaks_for_committed(self, signer, author)
    }
}
