//! The pages people read: the front page, search, open questions, an entry with its
//! thread, the form to write, and the sign-in explanation. Server-rendered (maud escapes
//! every value); no JavaScript.

use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;
use wiel_lang::{Lang, Localise, Message, msg};
use wiel_protocol::{Kind, KindFields};
use wiel_store::ListFilter;
use wiel_store::search::Snippet;

use super::{Visitor, WebState, blocking};
use crate::ops::Operations;
use crate::view::{EntryView, TrustView};

/// The frame of every page: skip link, header with the navigation, main content.
pub(super) fn layout(lang: Lang, title: &str, body: Markup) -> Response {
    let t = |id: &'static str| lang.text(&Message::new(id));
    let page = html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · wiel" }
                link rel="stylesheet" href="/stijl.css";
                script src="/wiel.js" defer {}
            }
            body {
                a class="skip-link" href="#inhoud" { (t("web-skip")) }
                header class="page-header" {
                    div class="page-header__content" {
                        a class="logo" href="/" { "wiel" }
                        span class="tagline" { (t("web-tagline")) }
                        nav aria-label=(t("web-nav")) {
                            ul class="nav" {
                                li { a href="/" { (t("web-nav-search")) } }
                                li { a href="/vragen" { (t("web-nav-questions")) } }
                                li { a href="/schrijven" { (t("web-nav-write")) } }
                                li { a href="/mijn" { (t("web-nav-mine")) } }
                                li { a href="/vertrouwen" { (t("web-nav-trust")) } }
                                li { a href="/node" { (t("web-nav-node")) } }
                            }
                        }
                    }
                }
                main id="inhoud" class="page-content" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    Html(page.into_string()).into_response()
}

/// A page that says what went wrong.
pub(super) fn problem(lang: Lang, message: &Message) -> Response {
    let body = html! { p class="alert alert--error" role="alert" { (lang.text(message)) } };
    let mut response = layout(lang, &lang.text(&msg!("web-problem")), body);
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    response
}

#[derive(Deserialize, Default)]
pub(super) struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    thema: String,
    /// How many results to show (more with "toon meer").
    #[serde(default)]
    aantal: Option<usize>,
}

/// Results per search page at first, and at most.
const SHOWN: usize = 20;
const MAX_SHOWN: usize = 320;

pub(super) async fn home(State(state): State<WebState>, v: Visitor) -> Response {
    let newest = blocking(&state, |s| {
        s.list(&ListFilter {
            content_only: true,
            limit: 10,
            ..ListFilter::default()
        })
        .map_err(Into::into)
    });
    let open = blocking(&state, |s| {
        s.list(&ListFilter {
            kind: Some(Kind::Question),
            open: true,
            limit: 5,
            ..ListFilter::default()
        })
        .map_err(Into::into)
    });
    let (newest, open) = match (newest.await, open.await) {
        (Ok(n), Ok(o)) => (n, o),
        (Err(e), _) | (_, Err(e)) => return problem(v.lang, &e),
    };
    let body = html! {
        (search_form(&v, "", ""))
        // New entries as they arrive (wiel.js, over /nieuw).
        div id="nieuw" class="notices" aria-live="polite" data-label=(v.text(&msg!("web-new-entry"))) {}
        section {
            h2 { (v.text(&msg!("web-open-questions"))) }
            (entry_list(&v, &open.entries, &msg!("questions-none-open")))
            p { a href="/vragen" { (v.text(&msg!("web-all-open-questions"))) } }
        }
        section {
            h2 { (v.text(&msg!("web-newest"))) }
            (entry_list(&v, &newest.entries, &msg!("list-empty")))
        }
    };
    layout(v.lang, &v.text(&msg!("web-home-title")), body)
}

pub(super) async fn search(
    State(state): State<WebState>,
    v: Visitor,
    Query(query): Query<SearchQuery>,
) -> Response {
    let words = query.q.trim().to_owned();
    if words.is_empty() {
        let body = html! {
            (search_form(&v, "", &query.thema))
            (search_status())
            div id="resultaten" {}
        };
        return layout(v.lang, &v.text(&msg!("web-search-title")), body);
    }
    let theme = Some(query.thema.clone()).filter(|t| !t.is_empty());
    let shown = query.aantal.unwrap_or(SHOWN).clamp(1, MAX_SHOWN);
    let asked = words.clone();
    let found = match blocking(&state, move |s| {
        s.search(
            &asked,
            &ListFilter {
                theme,
                limit: shown,
                ..ListFilter::default()
            },
        )
        .map_err(Into::into)
    })
    .await
    {
        Ok(found) => found,
        Err(e) => return problem(v.lang, &e),
    };
    let quoted = |words: &[String]| {
        words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let count = v.text(&msg!("web-results-count", count = found.results.len()));
    let body = html! {
        (search_form(&v, &words, &query.thema))
        (search_status())
        // Search as you type (wiel.js) puts a new one of these in its place.
        div id="resultaten" data-status=(count) {
        @for r in &found.replaced {
            p class="notice" { (v.text(&msg!("search-replaced", typed = r.typed.as_str(), searched = r.searched.as_str()))) }
        }
        @if !found.also.is_empty() {
            p class="notice" { (v.text(&msg!("search-also", words = found.also.join(", ")))) }
        }
        @if !found.unknown.is_empty() {
            p class="notice" { (v.text(&msg!("search-unknown", words = quoted(&found.unknown)))) }
        }
        @if found.results.is_empty() {
            p { (v.text(&msg!("search-nothing"))) }
        } @else {
            ol class="results" {
                @for r in &found.results {
                    li class="result" {
                        h2 class="result__title" { a href=(entry_href(r)) { (title(&v, r)) } (accepted_mark(&v, r)) }
                        p class="meta" { (meta(&v, r)) }
                        @if let Some(snippet) = r.snippet.as_ref().filter(|s| !s.text.is_empty()) {
                            p class="snippet" { (marked(snippet)) }
                        }
                    }
                }
            }
            @if found.more && shown < MAX_SHOWN {
                p {
                    a href=(more_href(&words, &query.thema, shown * 2)) { (v.text(&msg!("web-show-more", shown = found.results.len(), total = found.total))) }
                }
            } @else if found.more {
                p class="notice" { (v.text(&msg!("web-more-results", shown = found.results.len(), total = found.total))) }
            }
        }
        @if found.untrusted_hidden > 0 {
            p class="notice" { (v.text(&msg!("web-untrusted-hidden", count = found.untrusted_hidden))) }
        }
        }
    };
    layout(v.lang, &v.text(&msg!("web-search-title")), body)
}

/// Where search as you type says, for screen readers, how many results it shows.
fn search_status() -> Markup {
    html! { p id="zoekstatus" class="visually-hidden" aria-live="polite" {} }
}

/// The same search with more results.
fn more_href(words: &str, theme: &str, shown: usize) -> String {
    let query = serde_urlencoded::to_string([
        ("q", words),
        ("thema", theme),
        ("aantal", &shown.to_string()),
    ])
    .unwrap_or_default();
    format!("/zoeken?{query}")
}

pub(super) async fn questions(State(state): State<WebState>, v: Visitor) -> Response {
    let open = blocking(&state, |s| {
        s.list(&ListFilter {
            kind: Some(Kind::Question),
            open: true,
            limit: 100,
            ..ListFilter::default()
        })
        .map_err(Into::into)
    })
    .await;
    match open {
        Ok(open) => {
            let body = entry_list(&v, &open.entries, &msg!("questions-none-open"));
            layout(v.lang, &v.text(&msg!("web-nav-questions")), body)
        }
        Err(e) => problem(v.lang, &e),
    }
}

pub(super) async fn entry(
    State(state): State<WebState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    let own = state.service.org_key();
    let thread = match blocking(&state, move |s| Operations::thread(s, id.as_str().into())).await {
        Ok(t) => t,
        Err(e) => return problem(v.lang, &e),
    };
    let e = &thread.entry;
    let id = e.id.to_hex();
    let is_open_question = e.kind == Kind::Question && e.retracted_by.is_none();
    let asked_here = e.author == own;
    let body = html! {
        p class="meta" { (meta(&v, e)) }
        @if let Some(trust) = &e.trust { p class="trust" { (trust_label(&v, trust)) } }
        @if e.retracted_by.is_some() { p class="alert" { (v.text(&msg!("web-retracted"))) } }
        @if let Some(text) = &e.text { div class="text" { (paragraphs(text)) } }
        @if let Some(KindFields::Story { situation, approach, result, lessons }) = &e.fields {
            @for (label, value) in [("story-situation", situation), ("story-approach", approach), ("story-result", result), ("story-lessons", lessons)] {
                @if !value.is_empty() {
                    h2 { (v.text(&Message::new(label))) }
                    div class="text" { (paragraphs(value)) }
                }
            }
        }
        @if !e.themes.is_empty() { p class="labels" { (v.text(&msg!("label-themes"))) ": " (crate::text::shown(&e.themes.join(", "))) } }
        @if !e.tags.is_empty() { p class="labels" { (v.text(&msg!("label-tags"))) ": " (crate::text::shown(&e.tags.join(", "))) } }
        @if let Some(contact) = &e.contact { p class="labels" { (v.text(&msg!("label-contact"))) ": " (crate::text::shown(contact)) } }
        @if !thread.reactions.is_empty() {
            h2 { (v.text(&msg!("web-reactions"))) }
            ul { @for r in &thread.reactions { li { (reaction_line(&v, r)) } } }
        }
        @if thread.untrusted_reactions > 0 {
            p class="notice" { (v.text(&msg!("show-untrusted-reactions", count = thread.untrusted_reactions))) }
        }
        @if e.kind == Kind::Question {
            h2 { (v.text(&msg!("web-answers", count = thread.answers.len()))) }
            @for a in &thread.answers {
                article class=(if a.accepted { "answer answer--accepted" } else { "answer" }) {
                    p class="meta" { (author(&v, a)) " · " (wiel_lang::date(a.created_at.as_millis() as i64)) (accepted_mark(&v, a)) (untrusted_mark(&v, a)) }
                    @if let Some(text) = &a.text { div class="text" { (paragraphs(text)) } }
                    @if a.author == own && a.retracted_by.is_none() {
                        p {
                            a href=(format!("/bericht/{}/bewerken", a.id.to_hex())) { (v.text(&msg!("web-edit-answer"))) }
                            " · "
                            a href=(format!("/bericht/{}/intrekken", a.id.to_hex())) { (v.text(&msg!("web-retract-answer"))) }
                        }
                    }
                    @if asked_here && !a.accepted && a.retracted_by.is_none() {
                        form method="post" action=(format!("/bericht/{}/accepteren", a.id.to_hex())) {
                            input type="hidden" name="csrf" value=(v.csrf);
                            button type="submit" class="button button--secondary" { (v.text(&msg!("web-accept"))) }
                        }
                    }
                }
            }
            @if is_open_question {
                form method="post" action=(format!("/bericht/{id}/antwoord")) class="form" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    label for="antwoord" { (v.text(&msg!("web-your-answer"))) }
                    textarea id="antwoord" name="tekst" rows="6" required {}
                    (super::forms::consent(&v))
                    button type="submit" class="button" { (v.text(&msg!("web-send-answer"))) }
                }
            }
        }
        @if e.kind.rules().content && e.retracted_by.is_none() {
            (super::replies::reaction_form(&v, &id, "", "", &[]))
        }
        @if asked_here && e.retracted_by.is_none() {
            p {
                @if e.kind.is_written_alone() {
                    a href=(format!("/bericht/{id}/bewerken")) { (v.text(&msg!("web-edit-title"))) }
                    " · "
                }
                a href=(format!("/bericht/{id}/intrekken")) { (v.text(&msg!("web-retract-title"))) }
            }
        }
    };
    layout(v.lang, &title(&v, e), body)
}

pub(super) async fn write(v: Visitor) -> Response {
    super::forms::write_form(&v, &super::forms::Draft::default(), &[], None, None)
}

pub(super) fn search_form(v: &Visitor, words: &str, theme: &str) -> Markup {
    html! {
        form method="get" action="/zoeken" class="search" role="search" {
            label for="q" { (v.text(&msg!("web-search-label"))) }
            input type="search" id="q" name="q" value=(words);
            label for="thema" { (v.text(&msg!("web-theme"))) }
            select id="thema" name="thema" {
                option value="" { (v.text(&msg!("web-any-theme"))) }
                @for (name, about) in wiel_protocol::themes::THEMES {
                    option value=(name) selected[*name == theme] { (name) " (" (about) ")" }
                }
            }
            button type="submit" class="button" { (v.text(&msg!("web-search-button"))) }
        }
    }
}

pub(super) fn entry_list(v: &Visitor, entries: &[EntryView], empty: &Message) -> Markup {
    html! {
        @if entries.is_empty() {
            p { (v.text(empty)) }
        } @else {
            ul class="entries" {
                @for e in entries {
                    li {
                        a href=(entry_href(e)) { (title(v, e)) }
                        (accepted_mark(v, e))
                        " " span class="meta" { (meta(v, e)) }
                    }
                }
            }
        }
    }
}

fn entry_href(e: &EntryView) -> String {
    format!("/bericht/{}", e.id.to_hex())
}

pub(super) fn title(v: &Visitor, e: &EntryView) -> String {
    crate::text::shown(&raw_title(v, e)).into_owned()
}

fn raw_title(v: &Visitor, e: &EntryView) -> String {
    match (&e.title, e.kind) {
        _ if e.retracted_by.is_some() => v.text(&msg!("title-retracted")),
        (Some(t), _) if !t.is_empty() => t.clone(),
        (_, Kind::Answer) => match &e.question_title {
            Some(q) => v.text(&msg!("title-answer-to", question = q.as_str())),
            None => v.text(&msg!("title-answer-to-unknown")),
        },
        _ => v.text(&e.kind.message()),
    }
}

fn meta(v: &Visitor, e: &EntryView) -> String {
    format!(
        "{} · {} · {}",
        v.text(&e.kind.message()),
        author(v, e),
        wiel_lang::date(e.created_at.as_millis() as i64)
    )
}

fn author(v: &Visitor, e: &EntryView) -> String {
    match &e.author_name {
        Some(name) => crate::text::shown(name).into_owned(),
        None => v.text(&msg!("unknown-organisation-key", key = e.author.short())),
    }
}

fn trust_label(v: &Visitor, trust: &TrustView) -> String {
    if !trust.trusted {
        v.text(&msg!("trust-not-trusted"))
    } else if trust.root {
        v.text(&msg!("trust-trusted"))
    } else {
        v.text(&msg!(
            "trust-trusted-via",
            names = trust.vouched_by.join(", ")
        ))
    }
}

fn accepted_mark(v: &Visitor, e: &EntryView) -> Markup {
    html! {
        @if e.accepted {
            " " span class="badge badge--accepted" { "✓ " (v.text(&msg!("verdict-accepted"))) }
        } @else if e.accepted_answer.is_some() {
            " " span class="badge" { (v.text(&msg!("label-answered"))) }
        }
    }
}

fn untrusted_mark(v: &Visitor, e: &EntryView) -> Markup {
    html! {
        @if e.trust.as_ref().is_some_and(|t| !t.trusted) {
            " " span class="badge badge--warning" { (v.text(&msg!("trust-not-trusted"))) }
        }
    }
}

fn reaction_line(v: &Visitor, r: &EntryView) -> Markup {
    let verdict = match &r.fields {
        Some(KindFields::Reaction { verdict }) => v.text(&verdict.message()),
        _ => String::new(),
    };
    html! {
        strong { (verdict) } " — " (author(v, r))
        @if let Some(text) = r.text.as_deref().filter(|t| !t.is_empty()) { ": " (crate::text::shown(text)) }
    }
}

/// Text as paragraphs (blank lines part them); every character escaped.
fn paragraphs(text: &str) -> Markup {
    html! {
        @for part in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            p { (crate::text::shown(part.trim())) }
        }
    }
}

/// The snippet with its matched words in `<mark>`.
fn marked(snippet: &Snippet) -> Markup {
    let chars: Vec<char> = crate::text::shown(&snippet.text).chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for &(start, end) in &snippet.marks {
        if start < at || start > end || end > chars.len() {
            continue;
        }
        out.push_str(&escape(&chars[at..start].iter().collect::<String>()));
        out.push_str("<mark>");
        out.push_str(&escape(&chars[start..end].iter().collect::<String>()));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&escape(&chars[at..].iter().collect::<String>()));
    PreEscaped(out)
}

fn escape(text: &str) -> String {
    html! { (text) }.into_string()
}
