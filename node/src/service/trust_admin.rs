//! Trust administration: whom this organisation vouches for and trusts, and its keys
//! (rotation, revocation).

use super::*;

impl Service {
    /// Vouches for another organisation's key. Its name and CBS code come from `name` and
    /// `code`, or else from the newest profile this node holds of it.
    pub fn endorse(
        &self,
        subject: OrgKey,
        name: Option<String>,
        code: Option<CbsCode>,
    ) -> Result<Published, ServiceError> {
        let profile = self.store.profile(&subject)?;
        let (known_name, known_code) = match profile.as_ref().and_then(|p| p.body()) {
            Some(Body {
                fields: KindFields::Profile { name, cbs_code, .. },
                ..
            }) => (Some(name.clone()), Some(cbs_code.clone())),
            _ => (None, None),
        };
        let (Some(name), Some(code)) = (name.or(known_name), code.or(known_code)) else {
            return Err(ServiceError::UnknownOrganisation(subject));
        };
        // The same endorsement again, signed with the same key, would change nothing (a
        // name that differs only in case or spacing is the same name).
        let _one_at_a_time = self.endorsing.lock().unwrap_or_else(|p| p.into_inner());
        let own = self.key.public();
        let same_name = |n: &str| crate::text::normal_name(n) == crate::text::normal_name(&name);
        if let Some(standing) = self.own_endorsements(subject)?.into_iter().find(|e| {
            e.header().author == own
                && matches!(e.body().map(|b| &b.fields),
                    Some(KindFields::Endorsement { name: n, cbs_code: c, .. }) if same_name(n) && *c == code)
        }) {
            return Err(ServiceError::AlreadyEndorsed {
                subject,
                name,
                endorsement: standing.id(),
            });
        }
        self.publish(NewEntry {
            kind: Kind::Endorsement,
            space: Some(SpaceName::national()),
            refs: vec![],
            body: Body {
                title: format!("Aanbeveling: {name}"),
                fields: KindFields::Endorsement {
                    subject,
                    name,
                    cbs_code: code,
                },
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data: false,
            new_space: false,
        })
    }

    /// This organisation's standing endorsements of `subject`, made with any key it
    /// rotated from too.
    fn own_endorsements(&self, subject: OrgKey) -> Result<Vec<Verified>, ServiceError> {
        let mut mine = Vec::new();
        for e in self.store.trust_entries()? {
            let of_subject = matches!(
                e.body().map(|b| &b.fields),
                Some(KindFields::Endorsement { subject: s, .. }) if *s == subject
            );
            if of_subject
                && self
                    .store
                    .speaks_for(&self.key.public(), &e.header().author)?
            {
                mine.push(e);
            }
        }
        Ok(mine)
    }

    /// Withdraws this organisation's endorsements of `subject` (retracts them).
    pub fn withdraw_endorsement(&self, subject: OrgKey) -> Result<Vec<Published>, ServiceError> {
        let mine: Vec<EntryId> = self
            .own_endorsements(subject)?
            .iter()
            .map(Verified::id)
            .collect();
        if mine.is_empty() {
            return Err(ServiceError::NotEndorsed(subject));
        }
        let mut done = Vec::new();
        for id in mine {
            done.extend(self.retract(id, Some("aanbeveling ingetrokken".into()), false)?);
        }
        Ok(done)
    }

    /// The trust set as people read it: mode, depth, roots, and every trusted organisation
    /// with the ones that vouch for it.
    pub fn trust_report(&self) -> Result<crate::view::TrustReport, ServiceError> {
        let config = self.trust.config();
        let set = self.trust.current();
        let name = |k: &OrgKey| -> Result<String, ServiceError> {
            Ok(self.org_name(k)?.unwrap_or_else(|| k.short()))
        };
        let mut members = Vec::new();
        for ((depth, key), standing) in set.members() {
            members.push(crate::view::TrustMember {
                organisation: name(&key)?,
                key,
                current_key: set.current_key(&key),
                depth,
                vouched_by: standing
                    .vouchers
                    .iter()
                    .map(name)
                    .collect::<Result<_, _>>()?,
            });
        }
        let mut revoked = Vec::new();
        for (key, since) in set.revoked() {
            revoked.push(crate::view::RevokedKey {
                organisation: name(key)?,
                key: *key,
                since: *since,
            });
        }
        let compromised = set
            .compromised()
            .iter()
            .map(|key| {
                Ok(crate::view::CompromisedKey {
                    organisation: name(key)?,
                    key: *key,
                })
            })
            .collect::<Result<_, ServiceError>>()?;
        Ok(crate::view::TrustReport {
            mode: config.mode,
            depth: config.depth,
            roots: config
                .roots
                .iter()
                .map(|k| {
                    Ok(crate::view::TrustRoot {
                        key: *k,
                        organisation: name(k)?,
                    })
                })
                .collect::<Result<_, ServiceError>>()?,
            members,
            revoked,
            compromised,
        })
    }

    /// Moves this organisation to a new key: the new key is saved first (the old one kept
    /// beside it as `key.old.<unix ms>`), then a key-rotation entry signed by the old key
    /// with the new key's consent, a profile signed by the new key, and the organisation's
    /// standing endorsements signed anew (a revoked key's endorsements stop counting), and
    /// the history of every earlier key (see [`Service::name_earlier_histories`]).
    /// Returns the service on the new key, the old and new keys, and what was named as the
    /// earlier keys' history. A running node must be stopped first:
    /// the key is also its network identity.
    pub fn rotate_key(self) -> Result<(Service, OrgKey, OrgKey, HistoriesNamed), ServiceError> {
        let old = self.key.public();
        let new_key = OrgKeypair::generate();
        let new = new_key.public();
        let consent = new_key.consent_to_succeed(&self.config.network, &old);
        // A crash after this leaves the new key with the old one beside it, never a
        // published rotation to a key that was lost.
        self.dir.replace_key(&new_key)?;
        self.publish(NewEntry {
            kind: Kind::KeyRotation,
            space: Some(SpaceName::national()),
            refs: vec![],
            body: Body {
                fields: KindFields::KeyRotation {
                    new_key: new,
                    consent,
                },
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data: false,
            new_space: false,
        })?;
        // Withdrawn endorsements are tombstones (no body): left out.
        let endorsed: std::collections::BTreeMap<OrgKey, (String, CbsCode)> = self
            .store
            .trust_entries()?
            .iter()
            .filter(|e| matches!(self.store.speaks_for(&old, &e.header().author), Ok(true)))
            .filter_map(|e| match e.body().map(|b| &b.fields) {
                Some(KindFields::Endorsement {
                    subject,
                    name,
                    cbs_code,
                }) => Some((*subject, (name.clone(), cbs_code.clone()))),
                _ => None,
            })
            .collect();
        let dir = self.dir.clone();
        drop(self);
        let service = Service::open(dir)?;
        service.publish_profile()?;
        for (subject, (name, code)) in endorsed {
            service.endorse(subject, Some(name), Some(code))?;
        }
        let named = service.name_earlier_histories()?;
        Ok((service, old, new, named))
    }

    /// Names, with the current key, what each earlier key of this organisation signed on
    /// this node (key-history entries, in parts of at most
    /// [`wiel_protocol::validate::MAX_HISTORY_ENTRIES`]): once such a key is revoked, every
    /// node counts exactly those entries of it, whatever their dates — a thief holding it
    /// can neither add entries dated back nor hide these with a revocation dated back.
    /// Entries of those keys that came from elsewhere (signed after the backup this node
    /// was restored from, or by someone else holding the key) are not named: they are
    /// counted, so that the organisation can publish again what is its own.
    pub fn name_earlier_histories(&self) -> Result<HistoriesNamed, ServiceError> {
        let own = self.key.public();
        let mut done = HistoriesNamed::default();
        let ours = |key: &OrgKey| matches!(self.store.speaks_for(&own, key), Ok(true));
        let signed = self.store.signed_here(ours)?;
        for (key, ids) in &signed {
            if *key == own || !ours(key) {
                continue;
            }
            for part in ids.chunks(wiel_protocol::validate::MAX_HISTORY_ENTRIES) {
                self.publish(NewEntry {
                    kind: Kind::History,
                    space: Some(SpaceName::national()),
                    refs: vec![],
                    body: Body {
                        fields: KindFields::History {
                            key: *key,
                            entries: part.to_vec(),
                        },
                        ..Body::default()
                    },
                    created_at: None,
                    confirmed_personal_data: false,
                    new_space: false,
                })?;
                done.named += part.len();
            }
        }
        for item in self.store.items_by_space(None)?.values().flatten() {
            if item.author != own
                && ours(&item.author)
                && signed
                    .get(&item.author)
                    .is_none_or(|ids| ids.binary_search(&item.id).is_err())
            {
                done.from_elsewhere += 1;
            }
        }
        Ok(done)
    }

    /// Revokes one of this organisation's keys (the current one, or one it rotated away
    /// from): entries that key signs from `since` on count for nothing on every node.
    pub fn revoke_key(&self, key: OrgKey, since: Timestamp) -> Result<Published, ServiceError> {
        self.may_revoke(key)?;
        self.publish(NewEntry {
            kind: Kind::Revocation,
            space: Some(SpaceName::national()),
            refs: vec![],
            body: Body {
                fields: KindFields::Revocation { key, since },
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data: false,
            new_space: false,
        })
    }

    /// Whether this organisation may revoke `key`: its own, current or rotated from.
    pub fn may_revoke(&self, key: OrgKey) -> Result<(), ServiceError> {
        if !self.store.speaks_for(&self.key.public(), &key)? {
            return Err(ServiceError::NotOwnKey(key));
        }
        Ok(())
    }

    /// Reads `[trust]` from `config.toml` again (a running node does on SIGHUP): roots,
    /// mode, depth and the limits for strangers take effect without a restart. A file
    /// that does not read changes nothing. Returns the keys that became trusted.
    pub fn reload_trust(&self) -> Result<Vec<OrgKey>, ServiceError> {
        let config = crate::config::Config::load(&self.dir)?;
        let promoted = self.trust.set_config(config.trust, &self.store)?;
        self.notify_promoted(&promoted);
        Ok(promoted)
    }

    /// Adds (or with `remove`, takes away) a trusted root named by key, CBS code, name or
    /// an entry of it, and reports trust as it then is. A root named by a key the
    /// organisation has rotated from is that organisation too; this organisation is no root.
    pub fn change_root(
        &self,
        organisation: &str,
        remove: bool,
    ) -> Result<crate::view::TrustReport, ServiceError> {
        let key = self.resolve_organisation(organisation)?;
        let own = self.org_key();
        if key == own || matches!(self.store().speaks_for(&own, &key), Ok(true)) {
            return Err(ServiceError::OwnOrganisation);
        }
        let set = self.trust().current();
        let same = |root: &OrgKey| *root == key || set.current_key(root) == Some(key);
        if remove && !self.trust().config().roots.iter().any(same) {
            return Err(ServiceError::NotARoot(key));
        }
        self.update_trust(|t| {
            if remove {
                t.roots.retain(|k| !same(k));
            } else {
                t.roots.push(key);
            }
        })?;
        self.trust_report()
    }

    /// Changes the `[trust]` section (roots, mode, depth), saves `config.toml` and
    /// recomputes the trust set. Returns the keys that became trusted.
    pub fn update_trust(
        &self,
        change: impl FnOnce(&mut crate::trust::TrustConfig),
    ) -> Result<Vec<OrgKey>, ServiceError> {
        let mut trust = self.trust.config();
        change(&mut trust);
        trust.roots.sort();
        trust.roots.dedup();
        let mut config = self.config.clone();
        config.trust = trust.clone();
        config.save(&self.dir)?;
        let promoted = self.trust.set_config(trust, &self.store)?;
        self.notify_promoted(&promoted);
        Ok(promoted)
    }

    /// Who vouches for `author` in this node's trust set.
    pub fn trust_view(&self, author: &OrgKey) -> Result<crate::view::TrustView, ServiceError> {
        let set = self.trust.current();
        Ok(match set.standing(author) {
            Some(standing) => crate::view::TrustView {
                trusted: true,
                root: standing.depth == 0,
                vouched_by: standing
                    .vouchers
                    .iter()
                    .map(|k| Ok(self.org_name(k)?.unwrap_or_else(|| k.short())))
                    .collect::<Result<_, ServiceError>>()?,
            },
            None => crate::view::TrustView {
                trusted: false,
                root: false,
                vouched_by: vec![],
            },
        })
    }
}

/// What [`Service::name_earlier_histories`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HistoriesNamed {
    /// Entries named as earlier keys' history.
    pub named: usize,
    /// Entries of earlier keys held here but not signed here: not named.
    pub from_elsewhere: usize,
}
