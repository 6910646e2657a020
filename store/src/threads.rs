//! Threads in the store: which entries take effect (an answer to a question, an acceptance
//! by the asker, a version by its author), versions, acceptances, and an entry's thread.

use wiel_protocol::{EntryId, Kind, Rel, Timestamp, Verified};

use crate::Acceptance;
use crate::query::Thread;
use crate::{Store, StoreError};

impl Store {
    /// Whether `entry` is inert: stored (the store takes every valid entry, whatever
    /// order they come in) but without effect and not shown, because its relation to
    /// another entry does not hold with what this store holds: an answer to something
    /// that is not a question, a reaction or retraction of an entry not held, a new version
    /// or retraction by another organisation, a new version that would move its entry
    /// elsewhere (answer another question), an acceptance not by the asker. A missing
    /// target may still arrive; a wrong one never makes the entry count.
    pub fn is_inert(&self, entry: &Verified) -> Result<bool, StoreError> {
        let h = entry.header();
        for r in &h.refs {
            let Some(target) = self.get(&r.target)? else {
                return Ok(true);
            };
            let t = target.header();
            let holds = match r.rel {
                Rel::Answers => t.kind == Kind::Question,
                Rel::ReactsTo if crate::ingest::is_acceptance(entry) => {
                    self.accepts(entry, &target)?
                }
                // People react to what people wrote, not to a reaction, a retraction or a
                // key.
                Rel::ReactsTo => t.kind.rules().content,
                Rel::Retracts => {
                    t.kind.is_retractable() && self.speaks_for(&h.author, &t.author)?
                }
                Rel::Supersedes => {
                    t.kind == h.kind
                        && t.kind.is_editable()
                        && crate::ingest::keeps_relations(h, t)
                        && self.speaks_for(&h.author, &t.author)?
                }
            };
            if !holds {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether `reaction` accepts `answer` on behalf of the organisation that asked the
    /// question. An acceptance that arrived before the question counts only once the
    /// question shows that its author asked it.
    fn accepts(&self, reaction: &Verified, answer: &Verified) -> Result<bool, StoreError> {
        if !crate::ingest::is_acceptance(reaction) || answer.header().kind != Kind::Answer {
            return Ok(false);
        }
        let Some(question) = answer.header().target(Rel::Answers) else {
            return Ok(false);
        };
        match self.get(&question)? {
            Some(q) if q.header().kind == Kind::Question => {
                self.speaks_for(&reaction.header().author, &q.header().author)
            }
            _ => Ok(false),
        }
    }

    /// The asker's standing (not retracted) acceptances of `answer` as an answer to
    /// the question whose versions are `question_versions` (only versions of the answer
    /// that answer it: a version cannot carry an
    /// acceptance over from another question), that `counts` lets through, each as (when
    /// the asker signed it, its id).
    fn acceptances(
        &self,
        answer: &EntryId,
        question_versions: &[EntryId],
        counts: &dyn Fn(&Verified) -> bool,
    ) -> Result<Vec<(Timestamp, EntryId)>, StoreError> {
        let mut out = Vec::new();
        for version in self.versions(answer)? {
            let Some(answer) = self.get(&version)? else {
                continue;
            };
            if !answer
                .header()
                .target(Rel::Answers)
                .is_some_and(|q| question_versions.contains(&q))
            {
                continue;
            }
            for source in self.referrers(&version, Rel::ReactsTo)? {
                if let Some(r) = self.get(&source)?
                    && r.body().is_some()
                    && self.accepts(&r, &answer)?
                    && counts(&r)
                {
                    out.push((r.header().created_at, source));
                }
            }
        }
        Ok(out)
    }

    /// The accepted answer to question `id` (any of its versions), as the newest version
    /// of that answer. One per question: of the asker's standing acceptances of its
    /// answers, the latest counts (by the asker's own clock, then by id) — a later
    /// acceptance replaces an earlier one, a retracted one counts for nothing. Only the
    /// asker's own entries decide, so the outcome is the same on every node that holds
    /// the same entries, whatever order they came in.
    pub fn accepted_answer(&self, id: &EntryId) -> Result<Option<EntryId>, StoreError> {
        Ok(self.latest_acceptance(id, &|_| true)?.map(|a| a.answer))
    }

    /// The acceptance that counts on question `id` (see [`Store::accepted_answer`]), of
    /// those that `counts` lets through (a node leaves out what a revoked key signed from
    /// its revocation on, and what a compromised key's successors signed).
    pub fn latest_acceptance(
        &self,
        id: &EntryId,
        counts: &dyn Fn(&Verified) -> bool,
    ) -> Result<Option<Acceptance>, StoreError> {
        let Some(thread) = self.thread(id)? else {
            return Ok(None);
        };
        let mut best: Option<Acceptance> = None;
        for answer in &thread.answers {
            for (at, acceptance) in self.acceptances(&answer.id(), &thread.versions, counts)? {
                if best.is_none_or(|b| (at, acceptance) > (b.at, b.acceptance)) {
                    best = Some(Acceptance {
                        at,
                        acceptance,
                        answer: answer.id(),
                    });
                }
            }
        }
        Ok(best)
    }

    /// The newest version in `id`'s chain.
    pub fn latest_version(&self, id: &EntryId) -> Result<EntryId, StoreError> {
        let mut current = *id;
        // The chain is finite (ids are hashes of headers that name their predecessor), but a
        // damaged store must not loop: bound the walk.
        for _ in 0..10_000 {
            match self.superseded_by(&current)? {
                Some(next) if next != current => current = next,
                _ => break,
            }
        }
        Ok(current)
    }

    /// Every version in `id`'s chain, oldest first, ending at the newest.
    pub fn versions(&self, id: &EntryId) -> Result<Vec<EntryId>, StoreError> {
        let latest = self.latest_version(id)?;
        let mut versions = vec![latest];
        let mut cursor = latest;
        while versions.len() < 10_000 {
            let Some(e) = self.get(&cursor)? else { break };
            match e.header().target(Rel::Supersedes) {
                Some(prev) if self.superseded_by(&prev)? == Some(cursor) => {
                    versions.push(prev);
                    cursor = prev;
                }
                _ => break,
            }
        }
        versions.reverse();
        Ok(versions)
    }

    /// The entry and all that refers to it. `None` if the store does not hold `id`.
    pub fn thread(&self, id: &EntryId) -> Result<Option<Thread>, StoreError> {
        let Some(entry) = self.get(id)? else {
            return Ok(None);
        };
        let latest = self.latest_version(id)?;
        let versions = self.versions(id)?;
        let mut answers = Vec::new();
        let mut reactions = Vec::new();
        let is_question = entry.header().kind == Kind::Question;
        for version in &versions {
            for (rel, out) in [
                (Rel::Answers, &mut answers),
                (Rel::ReactsTo, &mut reactions),
            ] {
                for source in self.referrers(version, rel)? {
                    if self.superseded_by(&source)?.is_some() {
                        continue;
                    }
                    if rel == Rel::Answers && !is_question {
                        continue; // an answer to something that is no question: inert
                    }
                    if let Some(e) = self.get(&source)?
                        && e.body().is_some()
                    {
                        out.push(e);
                    }
                }
            }
        }
        answers.sort_by_key(|e| (e.header().created_at, e.id()));
        reactions.sort_by_key(|e| (e.header().created_at, e.id()));
        Ok(Some(Thread {
            retracted_by: self.retracted_by(id)?,
            latest: (latest != *id).then_some(latest),
            entry,
            versions,
            answers,
            reactions,
        }))
    }
}
