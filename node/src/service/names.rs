//! Organisations by name: the names this node shows (a name only claimed is shown as a
//! claim), and finding an organisation by key, CBS code or name.

use super::*;

/// Hex digits of a key given by its start, at least: the 12 that `wiel peers` and the
/// ambiguity error show (48 bits: not to be ground by a forger, as 8 could be).
const MIN_KEY_PREFIX: usize = 12;
/// Organisations named in an ambiguity error, at most.
const MAX_CANDIDATES_NAMED: usize = 5;

impl Service {
    /// An organisation named by key, CBS code or name, or by the id (prefix) of any of its
    /// entries.
    pub fn resolve_organisation(&self, query: &str) -> Result<OrgKey, ServiceError> {
        // Whom to trust or endorse is never guessed from part of a name.
        match self.find_organisation(query, false) {
            Ok(key) => Ok(key),
            Err(ServiceError::NoSuchOrganisation(_)) if self.resolve(query).is_ok() => {
                Ok(self.get(&self.resolve(query)?)?.header().author)
            }
            Err(e) => Err(e),
        }
    }

    /// Organisations' names as this node shows them: each from its newest profile — but a
    /// name or CBS code is only a claim, so one that a trusted organisation also claims is
    /// shown for an untrusted claimant as a claim ("Gemeente Zwolle (onbevestigd, sleutel
    /// 1a2b3c4d5e6f)"), never as that organisation. Kept until the store or the trust set
    /// changes.
    pub fn org_names(&self) -> Result<std::collections::BTreeMap<OrgKey, String>, ServiceError> {
        Ok(self
            .shown_names()?
            .iter()
            .map(|(key, shown)| (*key, shown.text(key)))
            .collect())
    }

    /// The organisation's name as this node shows it (see [`Service::org_names`]).
    pub fn org_name(&self, key: &OrgKey) -> Result<Option<String>, ServiceError> {
        Ok(self.shown_names()?.get(key).map(|shown| shown.text(key)))
    }

    fn shown_names(
        &self,
    ) -> Result<Arc<std::collections::BTreeMap<OrgKey, ShownName>>, ServiceError> {
        let generation = self.store.generation();
        let set = self.trust.current();
        let mut cached = self.names.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, trusted, names)) = cached.as_ref()
            && *at == generation
            && Arc::ptr_eq(trusted, &set)
        {
            return Ok(names.clone());
        }
        // Names as profiles give them; a revoked key's profile only where its entries
        // count (a thief holding the key cannot rename the organisation).
        let mut claims = Vec::new();
        for p in self.store.profiles()? {
            let h = p.header();
            if !set.admits(&h.author, h.created_at, &p.id()) {
                continue;
            }
            if let Some(Body {
                fields: KindFields::Profile { name, cbs_code, .. },
                ..
            }) = p.body()
            {
                claims.push((h.author, name.clone(), cbs_code.as_str().to_owned()));
            }
        }
        // What trusted organisations say of organisations they vouch for counts as theirs
        // too, before (or without) the endorsed one's own profile.
        let mut endorsed = std::collections::BTreeMap::new();
        for e in self.store.trust_entries()? {
            if let Some(KindFields::Endorsement {
                subject,
                name,
                cbs_code,
            }) = e.body().map(|b| &b.fields)
                && set.is_trusted(subject)
                && set.is_trusted(&e.header().author)
                && set.shows_entry(&e)
            {
                endorsed.insert(*subject, (name.clone(), cbs_code.as_str().to_owned()));
            }
        }
        let normal = crate::text::name_as_it_looks;
        let held_by_trusted: std::collections::HashSet<String> = claims
            .iter()
            .filter(|(key, _, _)| set.is_trusted(key))
            .map(|(_, name, code)| (name, code))
            .chain(endorsed.values().map(|(name, code)| (name, code)))
            .flat_map(|(name, code)| [normal(name), normal(code)])
            .collect();
        let mut names: std::collections::BTreeMap<OrgKey, ShownName> = claims
            .into_iter()
            .map(|(key, name, code)| {
                let claim = !set.is_trusted(&key)
                    && (held_by_trusted.contains(&normal(&name))
                        || held_by_trusted.contains(&normal(&code)));
                (key, ShownName { name, claim })
            })
            .collect();
        for (subject, (name, _)) in endorsed {
            names
                .entry(subject)
                .or_insert(ShownName { name, claim: false });
        }
        // A key an organisation rotated away from, left without a name that counts: the
        // organisation's current name.
        for key in set.revoked().keys() {
            if !names.contains_key(key)
                && let Some(current) = set.current_key(key)
                && let Some(shown) = names.get(&current).cloned()
            {
                names.insert(*key, shown);
            }
        }
        let names = Arc::new(names);
        *cached = Some((generation, set, names.clone()));
        Ok(names)
    }

    /// Finds an organisation by key (64 hex), CBS code or (part of) its name. A name or a
    /// code is only a claim — anyone can put "Gemeente Zwolle, GM0193" in a profile — so
    /// when several organisations claim what was asked, the one this node trusts is taken
    /// if exactly one is trusted, and otherwise nothing: the candidates are named with
    /// their keys, never one picked silently. (A key that rotated counts as its
    /// organisation's current key.)
    pub fn resolve_author(&self, query: &str) -> Result<OrgKey, ServiceError> {
        self.find_organisation(query, true)
    }

    /// [`Service::resolve_author`]; `partial`: part of a name may match too. A key may
    /// be given whole, or as the start of it (at least [`MIN_KEY_PREFIX`] hex digits, as
    /// `wiel peers` and the ambiguity error show keys) when one organisation's key starts
    /// so.
    fn find_organisation(&self, query: &str, partial: bool) -> Result<OrgKey, ServiceError> {
        if let Ok(key) = query.parse::<OrgKey>() {
            return Ok(key);
        }
        let normal = crate::text::normal_name;
        let needle = normal(query);
        let key_prefix = (needle.len() >= MIN_KEY_PREFIX
            && needle.len() < 64
            && needle.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| needle.to_ascii_lowercase());
        let set = self.trust.current();
        let mut exact = std::collections::BTreeMap::new();
        let mut parts = std::collections::BTreeMap::new();
        for profile in self.store.profiles()? {
            if let Some(Body {
                fields: KindFields::Profile { name, cbs_code, .. },
                ..
            }) = profile.body()
            {
                let author = profile.header().author;
                // A compromised or revoked key is nobody's to trust or endorse any more.
                if set.compromised().contains(&author) || set.revoked().contains_key(&author) {
                    continue;
                }
                let organisation = set.current_key(&author).unwrap_or(author);
                let lower = normal(name);
                // What looks like the start of a key names a key, never a name: anyone can
                // call itself "1349435d89b1".
                if let Some(prefix) = key_prefix.as_deref() {
                    if author.to_hex().starts_with(prefix)
                        || organisation.to_hex().starts_with(prefix)
                    {
                        exact.insert(organisation, format!("{name} ({cbs_code})"));
                    }
                    continue;
                }
                if cbs_code.as_str().eq_ignore_ascii_case(&needle) || lower == needle {
                    exact.insert(organisation, format!("{name} ({cbs_code})"));
                } else if partial && lower.contains(&needle) {
                    parts.insert(organisation, format!("{name} ({cbs_code})"));
                }
            }
        }
        let candidates = if exact.is_empty() { parts } else { exact };
        if candidates.len() == 1
            && let Some(key) = candidates.keys().next()
        {
            return Ok(*key);
        }
        let trusted: Vec<OrgKey> = candidates
            .keys()
            .filter(|k| set.is_trusted(k))
            .copied()
            .collect();
        match (candidates.len(), trusted.as_slice()) {
            (0, _) => Err(ServiceError::NoSuchOrganisation(query.to_owned())),
            (_, [one]) => Ok(*one),
            (count, _) => Err(ServiceError::AmbiguousOrganisation {
                query: query.to_owned(),
                count,
                candidates: candidates
                    .into_iter()
                    .take(MAX_CANDIDATES_NAMED)
                    .map(|(key, claimed)| Candidate {
                        trusted: set.is_trusted(&key),
                        key,
                        claimed,
                    })
                    .collect(),
            }),
        }
    }
}

/// A name as a profile gives it, and whether an organisation trusted here holds it: then
/// this one only claims it, and it is shown so, in the reader's language.
#[derive(Clone, Debug)]
pub(crate) struct ShownName {
    name: String,
    claim: bool,
}

impl ShownName {
    fn text(&self, key: &OrgKey) -> String {
        if self.claim {
            wiel_lang::current().text(&wiel_lang::msg!(
                "name-unconfirmed",
                name = self.name.as_str(),
                key = key.short()
            ))
        } else {
            self.name.clone()
        }
    }
}
