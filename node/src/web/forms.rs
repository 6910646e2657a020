//! What people write: publishing and editing (answers, reactions and acceptances are in
//! `replies`). Every form carries the session's CSRF token; the privacy guard runs before
//! anything is signed, and its findings are shown at the field they are in, with what was
//! typed kept.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use wiel_lang::{Localise, Message, msg};
use wiel_protocol::privacy::Finding;
use wiel_protocol::{Body, Kind, KindFields};

use super::pages::{layout, problem};
use super::session::same_secret;
use super::{Visitor, WebState, blocking};
use crate::NewEntry;
use crate::ops::Operations;

/// A kind as the form names it: its Dutch name, hyphenated ("goed-voorbeeld").
fn slug(kind: Kind) -> String {
    kind.dutch().replace(' ', "-")
}

/// Signed in: what this person sends names them, as the form says before they send it.
pub(super) fn consent(v: &Visitor) -> Markup {
    html! {
        @if let Some(who) = v.signed_as() {
            p class="consent" { (v.text(&msg!("web-signed-in-consent", who = who.as_str()))) }
        }
    }
}

/// A form without this session's token did not come from this page.
pub(super) fn forged(v: &Visitor, given: &str) -> Option<Response> {
    if same_secret(given, &v.csrf) {
        return None;
    }
    let mut response = problem(v.lang, &msg!("web-foreign-form"));
    *response.status_mut() = StatusCode::FORBIDDEN;
    Some(response)
}

/// What the write form holds, kept when something must be changed or confirmed.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct Draft {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    soort: String,
    #[serde(default)]
    titel: String,
    #[serde(default)]
    tekst: String,
    #[serde(default)]
    situatie: String,
    #[serde(default)]
    aanpak: String,
    #[serde(default)]
    resultaat: String,
    #[serde(default)]
    lessen: String,
    #[serde(default)]
    thema: String,
    #[serde(default)]
    trefwoorden: String,
    #[serde(default)]
    contact: String,
    /// The author saw what the privacy guard asks about and publishes anyway.
    #[serde(default)]
    bevestigd: Option<String>,
}

impl Draft {
    /// What an entry holds, to edit.
    fn of(kind: Kind, body: &Body) -> Draft {
        let (situatie, aanpak, resultaat, lessen) = match &body.fields {
            KindFields::Story {
                situation,
                approach,
                result,
                lessons,
            } => (
                situation.clone(),
                approach.clone(),
                result.clone(),
                lessons.clone(),
            ),
            _ => Default::default(),
        };
        Draft {
            soort: slug(kind),
            titel: body.title.clone(),
            tekst: body.text.clone(),
            situatie,
            aanpak,
            resultaat,
            lessen,
            thema: body.themes.first().cloned().unwrap_or_default(),
            trefwoorden: body.tags.join(", "),
            contact: body.contact.clone().unwrap_or_default(),
            ..Draft::default()
        }
    }

    /// The kind the form names (by its Dutch name); an unknown one is a good practice.
    /// Only a new version of an answer names an answer: answers are written under their
    /// question.
    fn kind(&self) -> Kind {
        match self.soort.parse::<Kind>() {
            Ok(kind) if kind.is_written_alone() || kind == Kind::Answer => kind,
            _ => Kind::Practice,
        }
    }

    fn body(&self) -> Body {
        let fields = match self.kind() {
            Kind::Story => KindFields::Story {
                situation: self.situatie.trim().to_owned(),
                approach: self.aanpak.trim().to_owned(),
                result: self.resultaat.trim().to_owned(),
                lessons: self.lessen.trim().to_owned(),
            },
            _ => KindFields::None,
        };
        Body {
            title: self.titel.trim().to_owned(),
            text: self.tekst.trim().replace("\r\n", "\n"),
            tags: self
                .trefwoorden
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            themes: Some(self.thema.trim().to_owned())
                .filter(|t| !t.is_empty())
                .into_iter()
                .collect(),
            contact: Some(self.contact.trim().to_owned()).filter(|c| !c.is_empty()),
            fields,
        }
    }
}

/// `POST /schrijven`
pub(super) async fn publish(
    State(state): State<WebState>,
    v: Visitor,
    Form(draft): Form<Draft>,
) -> Response {
    if let Some(refused) = forged(&v, &draft.csrf) {
        return refused;
    }
    let mut body = draft.body();
    v.sign(&mut body);
    let findings = wiel_protocol::privacy::scan(&body);
    let confirmed = draft.bevestigd.is_some();
    if must_ask(&findings, confirmed) {
        return write_form(&v, &draft, &findings, None, None);
    }
    let new = NewEntry {
        kind: draft.kind(),
        space: None,
        refs: vec![],
        body,
        created_at: None,
        confirmed_personal_data: confirmed,
        new_space: false,
    };
    match blocking(&state, move |s| Operations::publish(s, new)).await {
        Ok(p) => v.done(
            &state,
            "publish",
            &[p.id],
            &format!("/bericht/{}", p.id.to_hex()),
        ),
        Err(e) => write_form(&v, &draft, &findings, Some(&e), None),
    }
}

/// `GET /bericht/{id}/bewerken`: the form with the newest version in it.
pub(super) async fn edit_page(
    State(state): State<WebState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = super::may_change(&state, &v, &id).await {
        return refused;
    }
    match blocking(&state, move |s| {
        Operations::edit_source(s, id.as_str().into())
    })
    .await
    {
        Ok(source) => {
            let target = source.latest.to_hex();
            write_form(
                &v,
                &Draft::of(source.kind, &source.body),
                &[],
                None,
                Some(&target),
            )
        }
        Err(e) => problem(v.lang, &e),
    }
}

/// `POST /bericht/{id}/bewerken`: a new version (the kind and the space stay).
pub(super) async fn edit(
    State(state): State<WebState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(draft): Form<Draft>,
) -> Response {
    if let Some(refused) = forged(&v, &draft.csrf) {
        return refused;
    }
    if let Err(refused) = super::may_change(&state, &v, &id).await {
        return refused;
    }
    let mut body = draft.body();
    v.sign(&mut body);
    let findings = wiel_protocol::privacy::scan(&body);
    let confirmed = draft.bevestigd.is_some();
    if must_ask(&findings, confirmed) {
        return write_form(&v, &draft, &findings, None, Some(&id));
    }
    let target = id.clone();
    let result = blocking(&state, move |s| {
        let source = Operations::edit_source(s, target.as_str().into())?;
        Operations::new_version(
            s,
            crate::wire::NewVersionRequest {
                source,
                body,
                space: None,
                confirmed_personal_data: confirmed,
            },
        )
    })
    .await;
    match result {
        Ok(Some(p)) => v.done(
            &state,
            "edit",
            &[p.id],
            &format!("/bericht/{}", p.id.to_hex()),
        ),
        Ok(None) => Redirect::to(&format!("/bericht/{id}")).into_response(),
        Err(e) => write_form(&v, &draft, &findings, Some(&e), Some(&id)),
    }
}

/// The write form, with what was typed, the privacy guard's findings at their fields, and
/// an error if there was one.
pub(crate) fn write_form(
    v: &Visitor,
    draft: &Draft,
    findings: &[Finding],
    error: Option<&Message>,
    editing: Option<&str>,
) -> Response {
    let action = match editing {
        Some(id) => format!("/bericht/{id}/bewerken"),
        None => "/schrijven".to_owned(),
    };
    let at = |field: &str| -> Markup {
        html! { @for f in findings.iter().filter(|f| f.field == field) { (finding_line(v, f)) } }
    };
    let kind = draft.kind();
    let body = html! {
        @if let Some(e) = error { p class="alert alert--error" role="alert" { (v.text(e)) } }
        (privacy_alert(v, findings))
        form method="post" action=(action) class="form" {
            input type="hidden" name="csrf" value=(v.csrf);
            @if editing.is_some() {
                // A new version keeps its kind.
                input type="hidden" name="soort" value=(draft.soort);
                p { (v.text(&msg!("web-editing", kind = kind.message()))) }
            } @else {
            fieldset {
                legend { (v.text(&msg!("web-kind"))) }
                @for k in Kind::ALL.into_iter().filter(|k| k.is_written_alone()) {
                    @let value = slug(k);
                    div class="radio" {
                        input type="radio" id=(format!("soort-{value}")) name="soort" value=(value) checked[k == kind];
                        label for=(format!("soort-{value}")) { (v.text(&k.message())) }
                    }
                }
            }
            }
            @if kind == Kind::Answer {
                // An answer is its text only.
                label for="tekst" { (v.text(&msg!("web-your-answer"))) }
                textarea id="tekst" name="tekst" rows="8" required { (draft.tekst) }
                (at("text"))
            } @else {
            label for="titel" { (v.text(&msg!("web-title"))) }
            input type="text" id="titel" name="titel" value=(draft.titel) required maxlength="200";
            (at("title"))
            label for="tekst" { (v.text(&msg!("web-text"))) }
            textarea id="tekst" name="tekst" rows="8" { (draft.tekst) }
            (at("text"))
            fieldset {
                legend { (v.text(&msg!("web-story-parts"))) }
                @for (name, field, label) in [("situatie", "situation", "story-situation"), ("aanpak", "approach", "story-approach"), ("resultaat", "result", "story-result"), ("lessen", "lessons", "story-lessons")] {
                    label for=(name) { (v.text(&Message::new(label))) }
                    textarea id=(name) name=(name) rows="3" {
                        (match name { "situatie" => &draft.situatie, "aanpak" => &draft.aanpak, "resultaat" => &draft.resultaat, _ => &draft.lessen })
                    }
                    (at(field))
                }
            }
            label for="thema" { (v.text(&msg!("web-theme"))) }
            select id="thema" name="thema" {
                option value="" { (v.text(&msg!("web-no-theme"))) }
                @for (name, about) in wiel_protocol::themes::THEMES {
                    option value=(name) selected[*name == draft.thema] { (name) " (" (about) ")" }
                }
            }
            label for="trefwoorden" { (v.text(&msg!("web-tags"))) }
            input type="text" id="trefwoorden" name="trefwoorden" value=(draft.trefwoorden);
            (at("tags"))
            }
            @if v.signed_as().is_some() {
                (consent(v))
            } @else {
                label for="contact" { (v.text(&msg!("web-contact"))) }
                input type="text" id="contact" name="contact" value=(draft.contact);
                (at("contact"))
            }
            (confirm_box(v, findings))
            button type="submit" class="button" { (v.text(&msg!("web-publish"))) }
        }
    };
    let title = if editing.is_some() {
        msg!("web-edit-title")
    } else {
        msg!("web-nav-write")
    };
    let response = layout(v.lang, &v.text(&title), body);
    if error.is_some() || !findings.is_empty() {
        unprocessable(response)
    } else {
        response
    }
}

/// Whether the privacy guard stops a form: it found what blocks, or what the author has
/// not confirmed.
pub(super) fn must_ask(findings: &[Finding], confirmed: bool) -> bool {
    findings.iter().any(|f| f.blocks) || (!findings.is_empty() && !confirmed)
}

/// The guard's word above a form: what blocks, or what to check and confirm.
pub(super) fn privacy_alert(v: &Visitor, findings: &[Finding]) -> Markup {
    html! {
        @if findings.iter().any(|f| f.blocks) {
            p class="alert alert--error" role="alert" { (v.text(&msg!("web-privacy-blocked"))) }
        } @else if !findings.is_empty() {
            p class="alert alert--warning" role="alert" { (v.text(&msg!("web-privacy-confirm"))) }
        }
    }
}

/// One finding, said at the field it is in.
pub(super) fn finding_line(v: &Visitor, f: &Finding) -> Markup {
    html! {
        p class=(if f.blocks { "field-error" } else { "field-warning" }) role="alert" {
            (v.text(&f.message()))
        }
    }
}

/// The checkbox that confirms what the guard asks about; never offered for what blocks.
pub(super) fn confirm_box(v: &Visitor, findings: &[Finding]) -> Markup {
    html! {
        @if !findings.is_empty() && !findings.iter().any(|f| f.blocks) {
            div class="checkbox" {
                input type="checkbox" id="bevestigd" name="bevestigd" value="ja";
                label for="bevestigd" { (v.text(&msg!("web-privacy-confirm-box"))) }
            }
        }
    }
}

/// A page that asks for a change: 422, so that what was sent is known not to be taken.
pub(super) fn unprocessable(mut response: Response) -> Response {
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}
