//! What people send: publishing, answering, reacting and
//! accepting. Every form carries the session's CSRF token; the privacy guard runs before
//! anything is signed, and its findings are shown at the field they are in, with what was
//! typed kept.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use wiel_lang::{Localise, Message, msg};
use wiel_protocol::privacy::Finding;
use wiel_protocol::{Body, Kind, KindFields, Rel, Verdict};

use super::pages::{layout, problem};
use super::session::same_secret;
use super::{Visitor, WebState, blocking};
use crate::NewEntry;
use crate::ops::Operations;

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
            soort: match kind {
                Kind::Story => "praktijkverhaal",
                Kind::Question => "vraag",
                Kind::Answer => "antwoord",
                _ => "goed-voorbeeld",
            }
            .to_owned(),
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

    fn kind(&self) -> Kind {
        match self.soort.as_str() {
            "praktijkverhaal" => Kind::Story,
            "vraag" => Kind::Question,
            // Only a new version of an answer has this kind: answers are written under
            // their question.
            "antwoord" => Kind::Answer,
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
                @for (value, k) in [("goed-voorbeeld", Kind::Practice), ("praktijkverhaal", Kind::Story), ("vraag", Kind::Question)] {
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
fn must_ask(findings: &[Finding], confirmed: bool) -> bool {
    findings.iter().any(|f| f.blocks) || (!findings.is_empty() && !confirmed)
}

/// The guard's word above a form: what blocks, or what to check and confirm.
fn privacy_alert(v: &Visitor, findings: &[Finding]) -> Markup {
    html! {
        @if findings.iter().any(|f| f.blocks) {
            p class="alert alert--error" role="alert" { (v.text(&msg!("web-privacy-blocked"))) }
        } @else if !findings.is_empty() {
            p class="alert alert--warning" role="alert" { (v.text(&msg!("web-privacy-confirm"))) }
        }
    }
}

/// One finding, said at the field it is in.
fn finding_line(v: &Visitor, f: &Finding) -> Markup {
    html! {
        p class=(if f.blocks { "field-error" } else { "field-warning" }) role="alert" {
            (v.text(&f.message()))
        }
    }
}

/// The checkbox that confirms what the guard asks about; never offered for what blocks.
fn confirm_box(v: &Visitor, findings: &[Finding]) -> Markup {
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
fn unprocessable(mut response: Response) -> Response {
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

#[derive(Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tekst: String,
    #[serde(default)]
    bevestigd: Option<String>,
}

/// `POST /bericht/{id}/antwoord`
pub(super) async fn answer(
    State(state): State<WebState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    if let Some(refused) = forged(&v, &form.csrf) {
        return refused;
    }
    let text = form.tekst.trim().replace("\r\n", "\n");
    let findings = wiel_protocol::privacy::scan(&Body {
        text: text.clone(),
        ..Body::default()
    });
    let confirmed = form.bevestigd.is_some();
    if must_ask(&findings, confirmed) {
        return check_answer(&v, &id, &text, &findings);
    }
    let question = id.clone();
    let signer = v.clone();
    match blocking(&state, move |s| {
        let mut answer = NewEntry::answer(
            Operations::resolve(s, question.as_str().into())?,
            text,
            confirmed,
        );
        signer.sign(&mut answer.body);
        Operations::publish(s, answer)
    })
    .await
    {
        Ok(p) => v.done(&state, "answer", &[p.id], &format!("/bericht/{id}")),
        Err(e) => problem(v.lang, &e),
    }
}

/// An answer the privacy guard asks about: shown again, with its findings, to change or
/// confirm.
fn check_answer(v: &Visitor, id: &str, text: &str, findings: &[Finding]) -> Response {
    let body = html! {
        (privacy_alert(v, findings))
        form method="post" action=(format!("/bericht/{id}/antwoord")) class="form" {
            input type="hidden" name="csrf" value=(v.csrf);
            label for="antwoord" { (v.text(&msg!("web-your-answer"))) }
            textarea id="antwoord" name="tekst" rows="6" required { (text) }
            @for f in findings { (finding_line(v, f)) }
            (confirm_box(v, findings))
            (consent(v))
            button type="submit" class="button" { (v.text(&msg!("web-send-answer"))) }
        }
    };
    unprocessable(layout(v.lang, &v.text(&msg!("web-your-answer")), body))
}

#[derive(Deserialize)]
pub(super) struct ReactionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    oordeel: String,
    #[serde(default)]
    toelichting: String,
    #[serde(default)]
    bevestigd: Option<String>,
}

/// `POST /bericht/{id}/reactie`
pub(super) async fn react(
    State(state): State<WebState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(form): Form<ReactionForm>,
) -> Response {
    if let Some(refused) = forged(&v, &form.csrf) {
        return refused;
    }
    let comment = form.toelichting.trim().to_owned();
    let Some(verdict) = VERDICTS
        .iter()
        .find(|(value, _)| *value == form.oordeel)
        .map(|(_, verdict)| *verdict)
    else {
        return check_reaction(&v, &id, &form, &[], Some(&msg!("web-choose-verdict")));
    };
    let findings = wiel_protocol::privacy::scan(&Body {
        text: comment.clone(),
        ..Body::default()
    });
    let confirmed = form.bevestigd.is_some();
    if must_ask(&findings, confirmed) {
        return check_reaction(&v, &id, &form, &findings, None);
    }
    let target = id.clone();
    let signer = v.clone();
    let result = blocking(&state, move |s| {
        let target = Operations::resolve(s, target.as_str().into())?;
        let mut reaction = NewEntry::reaction(target, verdict, comment);
        reaction.confirmed_personal_data = confirmed;
        signer.sign(&mut reaction.body);
        Operations::publish(s, reaction)
    })
    .await;
    match result {
        Ok(p) => v.done(&state, "react", &[p.id], &format!("/bericht/{id}")),
        Err(e) => problem(v.lang, &e),
    }
}

/// A reaction to choose a verdict for, or whose comment the privacy guard asks about:
/// shown again with what was typed.
fn check_reaction(
    v: &Visitor,
    id: &str,
    form: &ReactionForm,
    findings: &[Finding],
    error: Option<&Message>,
) -> Response {
    let body = html! {
        @if let Some(e) = error { p class="alert alert--error" role="alert" { (v.text(e)) } }
        (privacy_alert(v, findings))
        (reaction_form(v, id, &form.oordeel, &form.toelichting, findings))
    };
    unprocessable(layout(v.lang, &v.text(&msg!("web-react")), body))
}

/// The verdicts a reaction gives, by their value in the form.
const VERDICTS: [(&str, Verdict); 4] = [
    ("werkt", Verdict::Works),
    ("werkt-niet", Verdict::DoesNotWork),
    ("toegepast", Verdict::AppliedHere),
    ("nuttig", Verdict::Useful),
];

/// The reaction form under an entry, with the verdict and comment chosen so far and what
/// the privacy guard found in the comment.
pub(super) fn reaction_form(
    v: &Visitor,
    id: &str,
    chosen: &str,
    comment: &str,
    findings: &[Finding],
) -> Markup {
    html! {
        form method="post" action=(format!("/bericht/{id}/reactie")) class="form" {
            input type="hidden" name="csrf" value=(v.csrf);
            fieldset {
                legend { (v.text(&msg!("web-react"))) }
                @for (value, verdict) in VERDICTS {
                    div class="radio" {
                        input type="radio" id=(format!("oordeel-{value}")) name="oordeel" value=(value) required checked[chosen == value];
                        label for=(format!("oordeel-{value}")) { (v.text(&verdict.message())) }
                    }
                }
            }
            label for="toelichting" { (v.text(&msg!("web-comment"))) }
            input type="text" id="toelichting" name="toelichting" value=(comment);
            @for f in findings { (finding_line(v, f)) }
            (confirm_box(v, findings))
            (consent(v))
            button type="submit" class="button button--secondary" { (v.text(&msg!("web-send-reaction"))) }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct AcceptForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /bericht/{answer}/accepteren`: back to the question.
pub(super) async fn accept(
    State(state): State<WebState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Response {
    if let Some(refused) = forged(&v, &form.csrf) {
        return refused;
    }
    let signer = v.clone();
    let result = blocking(&state, move |s| {
        let answer = Operations::resolve(s, id.as_str().into())?;
        let thread = Operations::thread(s, answer.to_hex().as_str().into())?;
        let question = thread
            .entry
            .refs
            .iter()
            .find(|r| r.rel == Rel::Answers)
            .map(|r| r.target);
        let mut accepted = NewEntry::reaction(answer, Verdict::Accepted, String::new());
        signer.sign(&mut accepted.body);
        let published = Operations::publish(s, accepted)?;
        Ok((question.unwrap_or(answer), published.id))
    })
    .await;
    match result {
        Ok((question, accepted)) => v.done(
            &state,
            "accept",
            &[accepted],
            &format!("/bericht/{}", question.to_hex()),
        ),
        Err(e) => problem(v.lang, &e),
    }
}
