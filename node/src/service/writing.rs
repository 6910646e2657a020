//! Writing: every entry of ours is signed and stored here (publish, answer, retract,
//! new versions), goes into the outbox, and the network is told (`events`).

use super::*;

/// A new entry as the user describes it; the service adds author, time, network, signature.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct NewEntry {
    pub kind: Kind,
    /// Default: the configured default space (or the target's space for answers, reactions,
    /// retractions and new versions).
    pub space: Option<SpaceName>,
    pub refs: Vec<Ref>,
    pub body: Body,
    /// Default: now. (Sample data is back-dated; the future is refused like any entry.)
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// The author saw what the privacy guard asks about (phone numbers, e-mail, …) and
    /// publishes anyway. What it blocks (BSN, IBAN) is never published.
    #[serde(default)]
    pub confirmed_personal_data: bool,
    /// `space` is one this node does not follow, on purpose (otherwise refused: a
    /// mistyped space would silently take the entry where nobody reads it).
    #[serde(default)]
    pub new_space: bool,
}

impl NewEntry {
    /// A reaction to `target` with `verdict` and an optional comment (`wiel react`, and
    /// `wiel accept` with `Verdict::Accepted`).
    pub fn reaction(target: EntryId, verdict: wiel_protocol::Verdict, comment: String) -> Self {
        Self {
            kind: Kind::Reaction,
            space: None,
            refs: vec![Ref {
                rel: Rel::ReactsTo,
                target,
            }],
            body: Body {
                text: comment,
                fields: KindFields::Reaction { verdict },
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data: false,
            new_space: false,
        }
    }

    /// An answer to `question` (`wiel answer`, and the web page's answer form).
    pub fn answer(question: EntryId, text: String, confirmed_personal_data: bool) -> Self {
        Self {
            kind: Kind::Answer,
            space: None,
            refs: vec![Ref {
                rel: Rel::Answers,
                target: question,
            }],
            body: Body {
                text,
                ..Body::default()
            },
            created_at: None,
            confirmed_personal_data,
            new_space: false,
        }
    }
}

/// The result of a publish.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Published {
    pub id: EntryId,
    pub kind: Kind,
    pub space: SpaceName,
}

/// `wiel retract --json`: one retraction per version that was still standing.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Retracted {
    pub retractions: Vec<Published>,
}

/// `wiel edit --json`: the new version, or null when nothing changed.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Edited {
    pub new_version: Option<Published>,
}

/// What `wiel edit` starts from: the newest version of one of this node's own entries.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct EditSource {
    pub latest: EntryId,
    pub kind: Kind,
    pub space: SpaceName,
    pub body: Body,
}

impl Service {
    pub(super) fn publish_profile(&self) -> Result<Published, ServiceError> {
        let org = &self.config.organisation;
        self.publish(NewEntry {
            kind: Kind::Profile,
            space: Some(SpaceName::national()),
            refs: vec![],
            body: Body {
                title: org.name.clone(),
                text: String::new(),
                fields: KindFields::Profile {
                    name: org.name.clone(),
                    cbs_code: org.code.clone(),
                    province: org.province.clone(),
                },
                ..Body::default()
            },
            created_at: None,
            // The organisation's own name and code.
            confirmed_personal_data: true,
            new_space: false,
        })
    }

    /// Signs and stores a new entry by this node's organisation.
    pub fn publish(&self, mut new: NewEntry) -> Result<Published, ServiceError> {
        // Themes from the one list, written as listed.
        for theme in &mut new.body.themes {
            match wiel_protocol::themes::known_theme(theme) {
                Some(known) => *theme = known.to_owned(),
                None => {
                    return Err(ServiceError::UnknownTheme {
                        theme: theme.clone(),
                    });
                }
            }
        }
        // Every signed text, a retraction's reason included (a retraction can always go
        // out without a reason: it is how personal data is taken back).
        let findings = wiel_protocol::privacy::scan(&new.body);
        if findings.iter().any(|f| f.blocks)
            || (!findings.is_empty() && !new.confirmed_personal_data)
        {
            return Err(ServiceError::PersonalData(findings));
        }
        // A revoked key signs nothing any more, but its move to a new key.
        let own = self.key.public();
        if new.kind != Kind::KeyRotation
            && let Some(since) = self.trust.current().revoked().get(&own)
        {
            return Err(ServiceError::OwnKeyRevoked {
                key: own,
                since: *since,
            });
        }
        if let Some(space) = &new.space
            && !new.new_space
            && !new.refs.iter().any(|r| r.rel == Rel::Supersedes)
        {
            let followed = self.config.followed_spaces();
            if !followed.contains(space) {
                return Err(ServiceError::UnfollowedSpace {
                    space: space.clone(),
                    followed,
                });
            }
        }
        let mut space = new.space;
        let created_at = new.created_at.unwrap_or_else(Timestamp::now);
        let accepts = matches!(
            new.body.fields,
            KindFields::Reaction {
                verdict: wiel_protocol::Verdict::Accepted
            }
        );
        for r in &new.refs {
            let target = self.get(&r.target)?;
            self.check_target(&target, r.rel, new.kind)?;
            if accepts {
                self.check_acceptance(&target, created_at)?;
            }
            if space.is_none() {
                space = Some(target.header().space.clone());
            }
        }
        let draft = Draft {
            network: self.config.network.clone(),
            space: space.unwrap_or_else(|| self.config.default_space()),
            kind: new.kind,
            refs: new.refs,
            created_at,
            body: new.body,
        };
        let entry = draft.sign(&self.key, &self.rules())?;
        let published = Published {
            id: entry.id(),
            kind: entry.header().kind,
            space: entry.header().space.clone(),
        };
        let changes_trust = crate::trust::may_change_trust(&entry);
        self.store.note_signed_here(&[(own, published.id)])?;
        self.store.ingest(entry)?;
        self.store.outbox_add(&published.id)?;
        self.notifier.send(crate::events::Written::Own);
        if changes_trust {
            self.refresh_trust()?;
        }
        Ok(published)
    }

    /// Clear refusals before signing (the store applies the same rules again).
    pub(super) fn check_target(
        &self,
        target: &Verified,
        rel: Rel,
        kind: Kind,
    ) -> Result<(), ServiceError> {
        let h = target.header();
        let id = target.id();
        if matches!(rel, Rel::Retracts | Rel::Supersedes) {
            if !h.kind.is_retractable() {
                return Err(Rejection::NotRetractable {
                    target: id,
                    found: h.kind,
                }
                .into());
            }
            // Every key this organisation rotated from counts as this organisation.
            if !self.store.speaks_for(&self.key.public(), &h.author)? {
                let action = if rel == Rel::Retracts {
                    "retract"
                } else {
                    "make a new version of"
                };
                return Err(Rejection::NotAuthorOfTarget { target: id, action }.into());
            }
            // Without its profile, anyone could be shown under this organisation's name.
            if rel == Rel::Retracts && h.kind == Kind::Profile {
                return Err(ServiceError::OwnProfile(id));
            }
        }
        if rel == Rel::Answers && h.kind != Kind::Question {
            return Err(Rejection::NotAQuestion {
                target: id,
                found: h.kind,
            }
            .into());
        }
        if rel == Rel::ReactsTo && !h.kind.rules().content {
            return Err(Rejection::NotReactable {
                target: id,
                found: h.kind,
            }
            .into());
        }
        if rel == Rel::Supersedes && h.kind != kind {
            return Err(Rejection::VersionKindMismatch {
                target: id,
                found: h.kind,
                expected: kind,
            }
            .into());
        }
        if matches!(rel, Rel::Supersedes | Rel::Answers | Rel::ReactsTo) && target.body().is_none()
        {
            return Err(ServiceError::Retracted(id));
        }
        Ok(())
    }

    /// Only the organisation that asked may accept an answer to its question, and only an
    /// acceptance dated after the one that counts now can replace it (the latest counts).
    pub(super) fn check_acceptance(
        &self,
        answer: &Verified,
        at: Timestamp,
    ) -> Result<(), ServiceError> {
        let h = answer.header();
        let question = match (h.kind, h.target(Rel::Answers)) {
            (Kind::Answer, Some(question)) => question,
            _ => {
                return Err(Rejection::NotAnAnswer {
                    target: answer.id(),
                    found: h.kind,
                }
                .into());
            }
        };
        let asked_by = self.get(&question)?.header().author;
        if !self.store.speaks_for(&self.key.public(), &asked_by)? {
            return Err(Rejection::NotTheAsker { question }.into());
        }
        if let Some(latest) = self.latest_acceptance(&question)?
            && latest.at >= at
        {
            return Err(Rejection::AcceptanceFromTheFuture {
                question,
                accepted: latest.answer,
                minutes_ahead: (latest.at.as_millis().saturating_sub(at.as_millis()))
                    .div_ceil(60_000)
                    .max(1),
            }
            .into());
        }
        Ok(())
    }

    /// Answers a question. The answer has no title of its own: it is shown under the
    /// question's (see [`wiel_protocol::KindRules::titled`]).
    pub fn answer(
        &self,
        question: EntryId,
        text: String,
        confirmed_personal_data: bool,
    ) -> Result<Published, ServiceError> {
        self.publish(NewEntry::answer(question, text, confirmed_personal_data))
    }

    /// Withdraws every version of one of this node's entries (personal data must not
    /// survive in an older version). Returns one retraction per version still standing.
    pub fn retract(
        &self,
        target: EntryId,
        reason: Option<String>,
        confirmed_personal_data: bool,
    ) -> Result<Vec<Published>, ServiceError> {
        let thread = self.thread(&target)?;
        if thread.entry.kind == Kind::Profile
            && self
                .store
                .speaks_for(&self.key.public(), &thread.entry.author)?
        {
            return Err(ServiceError::OwnProfile(target));
        }
        let mut done = Vec::new();
        for version in &thread.versions {
            if self.store.retracted_by(version)?.is_some() {
                continue;
            }
            done.push(self.publish(NewEntry {
                kind: Kind::Retraction,
                space: None,
                refs: vec![Ref {
                    rel: Rel::Retracts,
                    target: *version,
                }],
                body: Body {
                    text: reason.clone().unwrap_or_default(),
                    ..Body::default()
                },
                created_at: None,
                confirmed_personal_data,
                new_space: false,
            })?);
        }
        if done.is_empty() {
            return Err(ServiceError::Retracted(target));
        }
        Ok(done)
    }

    /// The newest version of an own, editable, not retracted entry.
    pub fn edit_source(&self, target: EntryId) -> Result<EditSource, ServiceError> {
        let latest = self.store.latest_version(&target)?;
        let current = self.get(&latest)?;
        let h = current.header();
        if !self.store.speaks_for(&self.key.public(), &h.author)? {
            return Err(Rejection::NotAuthorOfTarget {
                target: latest,
                action: "make a new version of",
            }
            .into());
        }
        if !h.kind.is_editable() {
            return Err(ServiceError::NotEditable(h.kind));
        }
        let body = current
            .body()
            .cloned()
            .ok_or_else(|| ServiceError::Retracted(latest))?;
        Ok(EditSource {
            latest,
            kind: h.kind,
            space: h.space.clone(),
            body,
        })
    }

    /// Publishes `body` as a new version of `source`; `None` when nothing changed.
    pub fn new_version(
        &self,
        source: &EditSource,
        body: Body,
        space: Option<SpaceName>,
        confirmed_personal_data: bool,
    ) -> Result<Option<Published>, ServiceError> {
        // What the caller sends of the source is only its copy: the entry as stored here
        // decides (its owner, kind, space, newest version and body).
        let current = self.edit_source(source.latest)?;
        let space = space.unwrap_or_else(|| current.space.clone());
        if space != current.space {
            // Other nodes follow the space they follow: moving an entry would take it out of
            // their view for good.
            return Err(ServiceError::SpaceChange {
                from: current.space.clone(),
                to: space,
            });
        }
        if body == current.body {
            return Ok(None);
        }
        // A new version keeps what the entry refers to (the question an answer answers).
        let latest = self.get(&current.latest)?;
        let mut refs: Vec<Ref> = latest
            .header()
            .refs
            .iter()
            .filter(|r| r.rel != Rel::Supersedes)
            .cloned()
            .collect();
        refs.push(Ref {
            rel: Rel::Supersedes,
            target: current.latest,
        });
        self.publish(NewEntry {
            kind: current.kind,
            space: Some(space),
            refs,
            body,
            created_at: None,
            confirmed_personal_data,
            new_space: false,
        })
        .map(Some)
    }
}
