//! The trust set as a node holds it: computed from the store's trust entries, swapped
//! whole when they or the config change.

use wiel_protocol::{Kind, OrgKey};

use super::{TrustConfig, TrustFacts, TrustSet};

/// The trust set of a running node or CLI: recomputed when its facts or its config change,
/// read by views, the ingest worker and sync. Cheap to clone.
#[derive(Clone)]
pub struct TrustState {
    inner: std::sync::Arc<TrustInner>,
}

impl std::fmt::Debug for TrustState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustState")
            .field("config", &self.config())
            .finish()
    }
}

struct TrustInner {
    own: OrgKey,
    config: std::sync::RwLock<TrustConfig>,
    set: std::sync::RwLock<std::sync::Arc<TrustSet>>,
}

impl TrustState {
    /// Computes the set from the store's trust entries.
    pub fn load(
        own: OrgKey,
        config: TrustConfig,
        store: &wiel_store::Store,
    ) -> Result<Self, wiel_store::StoreError> {
        let set = compute_from(store, &config, own)?;
        Ok(Self {
            inner: std::sync::Arc::new(TrustInner {
                own,
                config: std::sync::RwLock::new(config),
                set: std::sync::RwLock::new(std::sync::Arc::new(set)),
            }),
        })
    }

    /// The set as it stands now.
    pub fn current(&self) -> std::sync::Arc<TrustSet> {
        self.inner
            .set
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn config(&self) -> TrustConfig {
        self.inner
            .config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Recomputes from the store (after a trust entry or a retraction was stored). Returns
    /// the keys that became trusted, whose kept-apart entries may now be passed on.
    pub fn refresh(
        &self,
        store: &wiel_store::Store,
    ) -> Result<Vec<OrgKey>, wiel_store::StoreError> {
        let config = self.config();
        let set = compute_from(store, &config, self.inner.own)?;
        let mut slot = self.inner.set.write().unwrap_or_else(|p| p.into_inner());
        // The same set computed again (after a stranger's endorsement, say) stays the same
        // value: what is cached or remembered under it holds.
        if **slot == set {
            return Ok(Vec::new());
        }
        let promoted = set.newly_relayed(&slot);
        *slot = std::sync::Arc::new(set);
        Ok(promoted)
    }

    /// Replaces the config (roots, mode, depth) and recomputes.
    pub fn set_config(
        &self,
        config: TrustConfig,
        store: &wiel_store::Store,
    ) -> Result<Vec<OrgKey>, wiel_store::StoreError> {
        *self.inner.config.write().unwrap_or_else(|p| p.into_inner()) = config;
        self.refresh(store)
    }
}

/// The trust set from `store`'s trust entries. Key histories decide nothing about who is
/// trusted or revoked, so they are read in a second step, and only those whose signer may
/// name one (a trusted key that is not revoked, while some key is revoked): a stranger's,
/// kept apart up to a budget, is never read.
fn compute_from(
    store: &wiel_store::Store,
    config: &TrustConfig,
    own: OrgKey,
) -> Result<TrustSet, wiel_store::StoreError> {
    let mut facts =
        TrustFacts::from_entries(&store.trust_entries_where(|kind, _| kind != Kind::History)?);
    let without = TrustSet::compute(config, own, &facts);
    if without.revoked().is_empty() {
        return Ok(without);
    }
    let histories = store.trust_entries_where(|kind, signer| {
        kind == Kind::History && without.may_name_a_history(signer)
    })?;
    if histories.is_empty() {
        return Ok(without);
    }
    for entry in &histories {
        facts.add(entry);
    }
    Ok(TrustSet::compute(config, own, &facts))
}
