//! `wiel check`: reads every stored entry back, checks it by every rule (its signature
//! included), and quarantines what the disk damaged, so that sync fetches it again.

use wiel_protocol::{EntryId, Rules, Verified};

use crate::{Store, StoreError, keys, log};

/// What a walk of the store found.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct CheckReport {
    /// Entries read and checked.
    pub checked: usize,
    /// Damaged entries, taken out of the store (kept in its quarantine), with the reason.
    pub quarantined: Vec<Damaged>,
}

#[derive(
    Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct Damaged {
    pub id: EntryId,
    pub reason: String,
}

impl Store {
    /// Checks every entry; a damaged one is moved out of the store into the quarantine
    /// tree (with its reason) and its time-index row removed, so the entry counts as
    /// missing: catch-up sync fetches it again from a peer.
    pub fn check(&self, rules: &Rules) -> Result<CheckReport, StoreError> {
        let _turn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let mut report = CheckReport::default();
        let mut damaged = Vec::new();
        // (No compaction runs meanwhile: it takes the writer's turn too.)
        let log = self.current_log();
        for row in self.trees.entries.iter() {
            let (key, record) = row?;
            let Some(id) = keys::id_from_value(&key) else {
                continue;
            };
            report.checked += 1;
            let verdict = match log::decode_record(&record) {
                None => Err("short index record".to_owned()),
                Some((span, header_only)) => {
                    let bytes = match span {
                        Some(span) => log.read(span).map_err(|e| e.to_string()),
                        None => Ok(header_only.to_vec()),
                    };
                    bytes.and_then(|bytes| {
                        let entry =
                            Verified::from_stored_bytes(id, bytes).map_err(|e| e.to_string())?;
                        // Rules that depend on the clock (dated ahead) do not apply here.
                        let at_its_time = Rules {
                            network: rules.network.clone(),
                            now: entry.header().created_at,
                        };
                        entry.recheck(&at_its_time).map_err(|e| e.to_string())
                    })
                }
            };
            if let Err(reason) = verdict {
                damaged.push(Damaged { id, reason });
            }
        }
        if damaged.is_empty() {
            return Ok(report);
        }
        let ids: std::collections::BTreeSet<EntryId> = damaged.iter().map(|d| d.id).collect();
        let mut time_rows = Vec::new();
        for row in self.trees.by_time.iter() {
            let (key, _) = row?;
            if keys::trailing_id(&key).is_some_and(|id| ids.contains(&id)) {
                time_rows.push(key);
            }
        }
        let taken_out = (|| -> Result<(), StoreError> {
            for d in &damaged {
                self.trees
                    .quarantine
                    .insert(d.id.as_bytes(), d.reason.as_bytes())?;
                self.trees.entries.remove(d.id.as_bytes())?;
                self.trees.unindexed.remove(d.id.as_bytes())?;
            }
            for key in time_rows {
                self.trees.by_time.remove(key)?;
            }
            self.db.flush()?;
            Ok(())
        })();
        // Rows left the time index (some, if this failed half way): sets derived from it
        // are read anew.
        self.committed(None);
        taken_out?;
        report.quarantined = damaged;
        Ok(report)
    }
}
