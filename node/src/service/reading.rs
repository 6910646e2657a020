//! Reading: entries, threads and lists as views, and what `wiel status` counts.

use super::*;
use std::collections::BTreeMap;

/// Most entries one list or search returns.
pub const MAX_LIMIT: usize = 10_000;

pub(super) fn check_limit(filter: &ListFilter) -> Result<(), ServiceError> {
    if filter.limit <= MAX_LIMIT {
        Ok(())
    } else {
        Err(ServiceError::BadLimit(filter.limit))
    }
}

impl Service {
    /// Entries per space this node follows (and any other space it holds entries of).
    /// Per space: the entries this node holds and passes on (the set catch-up sync
    /// compares, so the fingerprint matches a peer's when both hold the same), and the
    /// entries it keeps apart (untrusted authors).
    pub fn space_counts(&self) -> Result<Vec<crate::view::SpaceCount>, ServiceError> {
        Ok(self.space_counts_and_budget()?.0)
    }

    /// [`Service::space_counts`] and what this node holds from outside the trust set (against
    /// `[trust] max_kept_apart_bytes`), in one walk of the store.
    pub fn space_counts_and_budget(
        &self,
    ) -> Result<(Vec<crate::view::SpaceCount>, crate::view::KeptApart), ServiceError> {
        let generation = self.store.generation();
        let trust = self.trust.current();
        let mut cached = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, set, counts)) = cached.as_ref()
            && *at == generation
            && Arc::ptr_eq(set, &trust)
        {
            return Ok(counts.clone());
        }
        let counts = self.count_spaces()?;
        *cached = Some((generation, trust, counts.clone()));
        Ok(counts)
    }

    pub(super) fn count_spaces(
        &self,
    ) -> Result<(Vec<crate::view::SpaceCount>, crate::view::KeptApart), ServiceError> {
        let mut items = self.store.items_by_space(None)?;
        let (entries, bytes) =
            crate::trust::kept_apart_usage(&self.store, &self.trust.current(), &items)?;
        let budget = crate::view::KeptApart {
            entries,
            bytes,
            limit: self.trust.config().max_kept_apart_bytes,
        };
        let mut names: Vec<SpaceName> = self.config.spaces.clone();
        for name in items.keys() {
            if let Ok(space) = SpaceName::new(name.clone())
                && !names.contains(&space)
            {
                names.push(space);
            }
        }
        let set = self.trust.current();
        let mut out = Vec::new();
        for space in names {
            let mut fingerprint = crate::reconcile::Fingerprint::default();
            let mut kept_apart = 0;
            let mut entries = 0;
            for item in items.remove(space.as_str()).unwrap_or_default() {
                if crate::trust::passes_on_item(&self.store, &set, &item)? {
                    fingerprint.add(&item.id);
                    entries += 1;
                } else {
                    kept_apart += 1;
                }
            }
            out.push(crate::view::SpaceCount {
                entries,
                kept_apart,
                fingerprint: fingerprint.short(),
                last_sync: None,
                space,
            });
        }
        Ok((out, budget))
    }

    /// Turns a full id or a unique prefix (at least [`MIN_PREFIX`] hex characters) into an id.
    pub fn resolve(&self, prefix: &str) -> Result<EntryId, ServiceError> {
        let p = prefix.trim().to_ascii_lowercase();
        if p.len() < MIN_PREFIX || p.len() > 64 || !p.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ServiceError::BadIdPrefix(prefix.to_owned()));
        }
        match self.store.resolve_prefix(&p)? {
            Resolved::Found(id) => Ok(id),
            Resolved::NotFound => Err(ServiceError::NoSuchEntry(prefix.to_owned())),
            Resolved::Ambiguous(ids) => Err(ServiceError::AmbiguousId {
                prefix: prefix.to_owned(),
                candidates: ids.iter().map(|id| id.short()).collect(),
            }),
        }
    }

    /// The entry with this id, or a clear error.
    pub fn get(&self, id: &EntryId) -> Result<Verified, ServiceError> {
        self.store
            .get(id)?
            .ok_or_else(|| ServiceError::NoSuchEntry(id.short()))
    }

    /// The acceptance that counts on `question`, as this node sees it: by the asker (any
    /// of its keys whose rotations count), not signed by a revoked key from its revocation
    /// on — so a thief's acceptance with a stolen key decides nothing.
    pub(super) fn latest_acceptance(
        &self,
        question: &EntryId,
    ) -> Result<Option<wiel_store::Acceptance>, ServiceError> {
        let Some(asked_by) = self.store.get(question)?.map(|q| q.header().author) else {
            return Ok(None);
        };
        let set = self.trust.current();
        let counts = |acceptance: &Verified| {
            let h = acceptance.header();
            set.admits(&h.author, h.created_at, &acceptance.id())
                && set.speaks_for(&h.author, &asked_by)
        };
        Ok(self.store.latest_acceptance(question, &counts)?)
    }

    /// The accepted answer to `question` (its newest version), as this node sees it.
    pub(super) fn accepted_answer(
        &self,
        question: &EntryId,
    ) -> Result<Option<EntryId>, ServiceError> {
        Ok(self.latest_acceptance(question)?.map(|a| a.answer))
    }

    pub fn view(&self, entry: &Verified) -> Result<EntryView, ServiceError> {
        self.view_knowing(entry, None)
    }

    /// [`Service::view`]; for an answer, `accepted` is its question's accepted answer when
    /// the caller knows it already (a thread with many answers looks it up once).
    fn view_knowing(
        &self,
        entry: &Verified,
        accepted: Option<Option<EntryId>>,
    ) -> Result<EntryView, ServiceError> {
        let mut v = EntryView::new(entry, self.org_name(&entry.header().author)?);
        match (entry.header().kind, entry.header().target(Rel::Answers)) {
            (Kind::Answer, Some(question)) => {
                let newest = self.store.latest_version(&entry.id())?;
                let accepted = match accepted {
                    Some(known) => known,
                    None => self.accepted_answer(&question)?,
                };
                v.accepted = accepted == Some(newest);
                let newest_question = self.store.latest_version(&question)?;
                v.question_title = self
                    .store
                    .get(&newest_question)?
                    .and_then(|q| q.body().map(|b| b.title.clone()));
            }
            (Kind::Question, _) => {
                v.accepted_answer = self.accepted_answer(&entry.id())?;
            }
            _ => {}
        }
        let h = entry.header();
        // What a revoked key signed from its revocation on counts for nothing: never shown
        // as trusted, whatever the key's standing for its earlier entries.
        v.trust = Some(
            if self
                .trust
                .current()
                .admits(&h.author, h.created_at, &entry.id())
            {
                self.trust_view(&h.author)?
            } else {
                crate::view::TrustView {
                    trusted: false,
                    root: false,
                    vouched_by: vec![],
                }
            },
        );
        v.retracted_by = self.store.retracted_by(&entry.id())?;
        if self.store.superseded_by(&entry.id())?.is_some() {
            v.superseded_by = Some(self.store.latest_version(&entry.id())?);
        }
        Ok(v)
    }

    pub(super) fn views(&self, entries: &[Verified]) -> Result<Vec<EntryView>, ServiceError> {
        entries.iter().map(|e| self.view(e)).collect()
    }

    /// The entries `filter` asks for, newest first; whether more match than its limit;
    /// and how many were left out because this node does not trust their authors.
    pub fn list(&self, filter: &ListFilter) -> Result<Listing, ServiceError> {
        check_limit(filter)?;
        let set = self.trust.current();
        let untrusted_hidden = std::cell::Cell::new(0);
        let counted = |shown: bool| {
            if !shown {
                untrusted_hidden.set(untrusted_hidden.get() + 1);
            }
            shown
        };
        // Whom this node shows is told from the index, before an entry is read: a store
        // full of strangers' entries is not read to list this node's own.
        let by_author = |item: &wiel_store::Item| {
            filter.untrusted || counted(set.shows_signed(&item.author, item.created_at, &item.id))
        };
        let shown = |e: &Verified| {
            if !filter.untrusted && !counted(set.shows_entry(e)) {
                return false;
            }
            !filter.open
                || (e.header().kind == Kind::Question
                    && matches!(self.accepted_answer(&e.id()), Ok(None)))
        };
        let scanned = self.store.scan(filter, by_author, shown)?;
        Ok(Listing {
            entries: self.views(&scanned.entries)?,
            more: scanned.more,
            total: scanned.total,
            untrusted_hidden: untrusted_hidden.get(),
            waiting_hidden: scanned.waiting,
        })
    }

    /// The entry, its versions, answers (the accepted one first; untrusted ones marked
    /// by their trust view) and reactions: only on what people wrote, only of organisations
    /// this node trusts, in every trust mode (a thousand fresh keys must not make a
    /// thousand votes; the others are counted apart), and one per organisation — its
    /// latest, by its own clock, then by id, whichever of its keys signed it.
    pub fn thread(&self, id: &EntryId) -> Result<ThreadView, ServiceError> {
        let thread = self
            .store
            .thread(id)?
            .ok_or_else(|| ServiceError::NoSuchEntry(id.short()))?;
        let set = self.trust.current();
        let reactable = thread.entry.header().kind.rules().content;
        let mut latest: BTreeMap<OrgKey, &Verified> = BTreeMap::new();
        let mut untrusted_reactions = 0;
        for r in thread.reactions.iter().filter(|_| reactable) {
            let h = r.header();
            // An acceptance shows as the accepted answer, not as a verdict; a reaction whose
            // relation does not hold (an "acceptance" by someone else) is not shown at all.
            if self.store.is_inert(r)? || wiel_store::is_acceptance(r) {
                continue;
            }
            if !(set.is_trusted(&h.author) && set.admits(&h.author, h.created_at, &r.id())) {
                untrusted_reactions += 1;
                continue;
            }
            let org = set.current_key(&h.author).unwrap_or(h.author);
            let slot = latest.entry(org).or_insert(r);
            if (h.created_at, r.id()) > (slot.header().created_at, slot.id()) {
                *slot = r;
            }
        }
        let mut reactions: Vec<Verified> = latest.into_values().cloned().collect();
        reactions.sort_by_key(|e| (e.header().created_at, e.id()));
        // Answers whose relation does not hold (another organisation's "version" of an
        // answer) are not shown; the accepted answer is looked up once.
        let accepted = match thread.entry.header().kind {
            Kind::Question => Some(self.accepted_answer(&thread.entry.id())?),
            _ => None,
        };
        let mut answers = Vec::new();
        for answer in &thread.answers {
            if !self.store.is_inert(answer)? {
                answers.push(self.view_knowing(answer, accepted)?);
            }
        }
        answers.sort_by_key(|a| !a.accepted);
        Ok(ThreadView {
            entry: self.view(&thread.entry)?,
            versions: thread.versions,
            answers,
            reactions: self.views(&reactions)?,
            untrusted_reactions,
        })
    }
}
