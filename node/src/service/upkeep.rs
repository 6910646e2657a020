//! Upkeep and exchange: checking and compacting the store, export and import.

use super::*;

/// What an import did.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ImportReport {
    /// Entries the file holds.
    #[serde(default)]
    pub in_file: usize,
    /// The file ended with a trailer that matched what came before it. Without one (a
    /// file from an older wiel, or made by hand) a file cut short cannot be told apart.
    #[serde(default)]
    pub complete: bool,
    pub stored: usize,
    pub already_stored: usize,
    /// Entries that were retracted: only their header is kept.
    pub retracted: usize,
    /// New entries kept apart: by organisations outside the trust set, or signed by a
    /// revoked key after its revocation. Stored, not shown, not passed on.
    #[serde(default)]
    pub kept_apart: usize,
    /// Per organisation whose entries were kept apart: who, and how many.
    #[serde(default)]
    pub kept_apart_authors: Vec<KeptApartAuthor>,
    /// Headers without their body (no retraction here erased it): not stored.
    #[serde(default)]
    pub incomplete: usize,
    /// Entries not taken by this node's admission (the same as for entries from peers,
    /// without the per-author rate), by reason: dated too far ahead of this node's clock,
    /// the budget of what is kept apart is full, too many profiles of unknown
    /// organisations, or a closed node's non-roots.
    #[serde(default)]
    pub refused: std::collections::BTreeMap<String, usize>,
    /// The new entries this node passes on, as gossip would (for the node to gossip).
    #[serde(skip)]
    #[schemars(skip)]
    pub new_ids: Vec<EntryId>,
}

/// The new entries of one organisation an import kept apart.
#[derive(
    serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct KeptApartAuthor {
    /// Its name where a profile of it is known.
    pub organisation: Option<String>,
    /// The key that signed them: what `wiel trust add` takes without any doubt.
    pub key: OrgKey,
    pub entries: usize,
    /// The key is revoked (or compromised): trusting it changes nothing, what it signed
    /// outside its history or from its revocation on counts for nothing.
    pub revoked: bool,
}

impl Service {
    /// Builds the search index anew from the store.
    /// Reads every entry back and checks it by every rule; damaged entries are taken out
    /// (quarantined) so that catch-up sync fetches them again from a peer.
    pub fn check(&self) -> Result<wiel_store::CheckReport, ServiceError> {
        let report = self.store.check(&self.rules())?;
        if !report.quarantined.is_empty() {
            self.refresh_trust()?;
        }
        Ok(report)
    }

    /// Rewrites the entry log without the bytes of retracted entries.
    pub fn compact(&self) -> Result<wiel_store::Compacted, ServiceError> {
        Ok(self.store.compact()?)
    }

    /// The entry log's size and its dead bytes.
    pub fn log_usage(&self) -> Result<wiel_store::LogUsage, ServiceError> {
        Ok(self.store.log_usage()?)
    }

    /// Every entry (tombstones included), oldest first, as export lines.
    pub fn export(&self) -> impl Iterator<Item = Result<ExportLine, ServiceError>> + '_ {
        self.store
            .iter_all()
            .map(|r| r.map(|v| ExportLine::new(&v)).map_err(ServiceError::from))
    }

    /// Imports JSON lines from another node. Every line is verified like network input
    /// before anything is stored; one bad line stores nothing and names the line.
    pub fn import(&self, text: &str) -> Result<ImportReport, ServiceError> {
        let exchange::ImportFile {
            entries: batch,
            in_future,
            first_in_future,
            complete,
        } = exchange::parse_file(text, &self.rules())?;
        // Entries dated ahead are left out and the rest taken in (one node's clock running
        // fast must not make its whole export unusable), but a file of nothing else is
        // refused as it stands.
        if let (true, Some(why)) = (batch.is_empty(), first_in_future) {
            return Err(why.into());
        }
        let in_file = batch.len() + in_future;
        // Import is admission too: the same rules as for entries from peers.
        let set = self.trust.current();
        let mut budgets = crate::admission::Budgets::for_import();
        let mut refused = std::collections::BTreeMap::new();
        if in_future > 0 {
            refused.insert(
                crate::refusal::Refusal::InFuture.label().to_owned(),
                in_future,
            );
        }
        let batch: Vec<Verified> = batch
            .into_iter()
            .filter_map(|e| {
                match crate::admission::admit(e, &set, &self.store, &self.trust, &mut budgets) {
                    crate::admission::Admission::Take(e) => Some(*e),
                    crate::admission::Admission::Ignore { reason, .. } => {
                        *refused.entry(reason.label().to_owned()).or_default() += 1;
                        None
                    }
                }
            })
            .collect();
        let changes_trust = batch.iter().any(crate::trust::may_change_trust);
        let ids: Vec<EntryId> = batch.iter().map(|e| e.id()).collect();
        let outcomes = self.store.ingest_batch(batch)?;
        if changes_trust {
            self.refresh_trust()?;
        }
        // Import is admission too: what is new here is shown and passed on exactly as if it
        // had come by gossip.
        let set = self.trust.current();
        let mut report = ImportReport {
            refused,
            in_file,
            complete,
            ..ImportReport::default()
        };
        let mut kept_apart_authors = std::collections::BTreeMap::<OrgKey, usize>::new();
        for (id, outcome) in ids.into_iter().zip(outcomes) {
            match outcome {
                Ingest::Stored => {
                    report.stored += 1;
                    match self.store.get(&id)? {
                        Some(entry)
                            if crate::trust::passes_on_stored(&self.store, &set, &entry)? =>
                        {
                            report.new_ids.push(id)
                        }
                        Some(entry) => {
                            report.kept_apart += 1;
                            *kept_apart_authors.entry(entry.header().author).or_default() += 1;
                        }
                        None => {}
                    }
                }
                Ingest::AlreadyStored => report.already_stored += 1,
                Ingest::Retracted => report.retracted += 1,
                Ingest::Incomplete => report.incomplete += 1,
            }
        }
        let set = self.trust.current();
        // One line per organisation: the keys it rotated away from count under its current
        // key (trusting that one trusts their history), but a revoked key stays apart.
        let mut by_organisation: std::collections::BTreeMap<(OrgKey, bool), usize> =
            Default::default();
        for (key, entries) in kept_apart_authors {
            let revoked = set.revoked().contains_key(&key);
            let shown = match set.current_key(&key) {
                Some(current) if !revoked => current,
                _ => key,
            };
            *by_organisation.entry((shown, revoked)).or_default() += entries;
        }
        for ((key, revoked), entries) in by_organisation {
            report.kept_apart_authors.push(KeptApartAuthor {
                organisation: self.org_name(&key)?,
                key,
                entries,
                revoked,
            });
        }
        if !report.new_ids.is_empty() {
            self.notifier
                .send(crate::events::Written::Imported(report.new_ids.clone()));
        }
        Ok(report)
    }
}
