//! What people send in reply to an entry: answers, reactions and acceptances, each with
//! the session's CSRF token, the privacy guard before anything is signed.

use axum::extract::{Form, Path, State};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use wiel_lang::{Localise, Message, msg};
use wiel_protocol::privacy::Finding;
use wiel_protocol::{Body, Rel, Verdict};

use super::forms::{
    confirm_box, consent, finding_line, forged, must_ask, privacy_alert, unprocessable,
};
use super::pages::{layout, problem};
use super::{Visitor, WebState, blocking};
use crate::NewEntry;
use crate::ops::Operations;

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
