//! The pages beyond reading and writing: "mijn bijdragen" with withdrawing an entry (its
//! consequences said plainly first), whom this node trusts and through whom, and the node's
//! state for the ICT staff with pictures drawn on the server (SVG): the connected
//! municipalities and the entries per week per space.

use std::collections::BTreeMap;

use axum::extract::{Form, Path, State};
use axum::response::Response;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use wiel_lang::msg;
use wiel_protocol::Timestamp;
use wiel_store::ListFilter;

use super::pages::{entry_list, layout, problem};
use super::{Visitor, WebState, blocking};
use crate::ops::Operations;

/// `GET /mijn`: what this organisation published, newest first.
pub(super) async fn mine(State(state): State<WebState>, v: Visitor) -> Response {
    let own = state.service.org_key();
    let listing = blocking(&state, move |s| {
        Ok(s.list(&ListFilter {
            author: Some(own),
            content_only: true,
            limit: 200,
            ..ListFilter::default()
        })?)
    })
    .await;
    match listing {
        Ok(listing) => layout(
            v.lang,
            &v.text(&msg!("web-nav-mine")),
            html! {
                @if let Some(who) = v.signed_as() {
                    p { (v.text(&msg!("web-signed-in", who = who.as_str()))) }
                }
                (entry_list(&v, &listing.entries, &msg!("list-empty")))
                form method="post" action="/uitloggen" class="form" {
                    input type="hidden" name="csrf" value=(v.csrf);
                    button type="submit" class="button button--secondary" { (v.text(&msg!("web-sign-out"))) }
                }
            },
        ),
        Err(e) => problem(v.lang, &e),
    }
}

/// `GET /bericht/{id}/intrekken`: what withdrawing means, before it is done.
pub(super) async fn retract_page(
    State(state): State<WebState>,
    v: Visitor,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = super::may_change(&state, &v, &id).await {
        return refused;
    }
    let body = html! {
        p class="alert alert--warning" { (v.text(&msg!("web-retract-consequences"))) }
        form method="post" action=(format!("/bericht/{id}/intrekken")) class="form" {
            input type="hidden" name="csrf" value=(v.csrf);
            label for="reden" { (v.text(&msg!("web-retract-reason"))) }
            input type="text" id="reden" name="reden";
            button type="submit" class="button" { (v.text(&msg!("web-retract-button"))) }
        }
        p { a href=(format!("/bericht/{id}")) { (v.text(&msg!("web-retract-back"))) } }
    };
    layout(v.lang, &v.text(&msg!("web-retract-title")), body)
}

#[derive(Deserialize)]
pub(super) struct RetractForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reden: String,
}

/// `POST /bericht/{id}/intrekken`
pub(super) async fn retract(
    State(state): State<WebState>,
    v: Visitor,
    Path(id): Path<String>,
    Form(form): Form<RetractForm>,
) -> Response {
    if let Some(refused) = super::forms::forged(&v, &form.csrf) {
        return refused;
    }
    if let Err(refused) = super::may_change(&state, &v, &id).await {
        return refused;
    }
    let reason = Some(form.reden.trim().to_owned()).filter(|r| !r.is_empty());
    let target = id.clone();
    match blocking(&state, move |s| {
        Operations::retract(
            s,
            crate::wire::RetractRequest {
                id: target,
                reason,
                confirmed_personal_data: false,
            },
        )
    })
    .await
    {
        Ok(retractions) => {
            let made: Vec<_> = retractions.iter().map(|r| r.id).collect();
            v.done(&state, "retract", &made, &format!("/bericht/{id}"))
        }
        Err(e) => problem(v.lang, &e),
    }
}

#[derive(Deserialize)]
pub(super) struct EndorseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    organisatie: String,
}

/// `POST /vertrouwen/aanbevelen`: vouches for an organisation this node knows by name,
/// CBS code or key.
pub(super) async fn endorse(
    State(state): State<WebState>,
    v: Visitor,
    Form(form): Form<EndorseForm>,
) -> Response {
    if let Some(refused) = super::forms::forged(&v, &form.csrf) {
        return refused;
    }
    if !v.powers.change_trust {
        return forbidden(&v);
    }
    let organisation = form.organisatie.trim().to_owned();
    match blocking(&state, move |s| {
        Operations::endorse(
            s,
            crate::wire::EndorseRequest {
                organisation,
                name: None,
                code: None,
            },
        )
    })
    .await
    {
        Ok(p) => v.done(&state, "endorse", &[p.id], "/vertrouwen"),
        Err(e) => problem(v.lang, &e),
    }
}

/// `POST /vertrouwen/intrekken`: no longer vouches for an organisation.
pub(super) async fn withdraw_endorsement(
    State(state): State<WebState>,
    v: Visitor,
    Form(form): Form<EndorseForm>,
) -> Response {
    if let Some(refused) = super::forms::forged(&v, &form.csrf) {
        return refused;
    }
    if !v.powers.change_trust {
        return forbidden(&v);
    }
    let organisation = form.organisatie.trim().to_owned();
    match blocking(&state, move |s| {
        Operations::withdraw_endorsement(s, crate::wire::WithdrawRequest { organisation })
    })
    .await
    {
        Ok(withdrawn) => {
            let made: Vec<_> = withdrawn.iter().map(|p| p.id).collect();
            v.done(&state, "withdraw-endorsement", &made, "/vertrouwen")
        }
        Err(e) => problem(v.lang, &e),
    }
}

/// Trust is changed only by those whose role allows it.
fn forbidden(v: &Visitor) -> Response {
    let mut response = problem(v.lang, &msg!("web-trust-not-yours"));
    *response.status_mut() = axum::http::StatusCode::FORBIDDEN;
    response
}

/// `GET /vertrouwen`: whom this node trusts, and through whom.
pub(super) async fn trust(State(state): State<WebState>, v: Visitor) -> Response {
    let report = match blocking(&state, |s| {
        Operations::trust_report(s, crate::wire::Nothing {})
    })
    .await
    {
        Ok(r) => r,
        Err(e) => return problem(v.lang, &e),
    };
    let own = state.service.config().organisation.name.clone();
    let body = html! {
        p { (v.text(&msg!("web-trust-explained"))) }
        table {
            caption { (v.text(&msg!("trust-members"))) }
            thead { tr { th scope="col" { (v.text(&msg!("web-organisation"))) } th scope="col" { (v.text(&msg!("label-key"))) } th scope="col" { (v.text(&msg!("web-how"))) } } }
            tbody {
                @for m in &report.members {
                    tr {
                        td { (crate::text::shown(&m.organisation)) }
                        td { code { (m.key.short()) } }
                        td {
                            @if m.depth == 0 { (v.text(&msg!("trust-direct"))) }
                            @else { (v.text(&msg!("trust-trusted-via", names = m.vouched_by.join(", ")))) }
                            @if v.powers.change_trust && m.vouched_by.contains(&own) {
                                form method="post" action="/vertrouwen/intrekken" class="inline" {
                                    input type="hidden" name="csrf" value=(v.csrf);
                                    input type="hidden" name="organisatie" value=(m.key.to_string());
                                    button type="submit" class="button button--secondary" aria-label=(v.text(&msg!("web-withdraw-endorsement-of", organisation = m.organisation.as_str()))) { (v.text(&msg!("web-withdraw-endorsement"))) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (v.text(&msg!("web-endorse-title"))) }
        p { (v.text(&msg!("web-endorse-explained"))) }
        @if v.powers.change_trust {
            form method="post" action="/vertrouwen/aanbevelen" class="form" {
                input type="hidden" name="csrf" value=(v.csrf);
                label for="organisatie" { (v.text(&msg!("web-endorse-which"))) }
                input type="text" id="organisatie" name="organisatie" required;
                button type="submit" class="button" { (v.text(&msg!("web-endorse-button"))) }
            }
        } @else {
            p class="notice" { (v.text(&msg!("web-trust-not-yours"))) }
        }
        @for k in &report.revoked {
            p { (v.text(&msg!("trust-revoked", organisation = k.organisation.as_str(), key = k.key.short(), since = wiel_lang::date_time(k.since.as_millis() as i64)))) }
        }
        @for k in &report.compromised {
            p class="alert alert--warning" { (v.text(&msg!("trust-compromised", organisation = k.organisation.as_str(), key = k.key.short()))) }
        }
    };
    layout(v.lang, &v.text(&msg!("web-nav-trust")), body)
}

/// `GET /node`: the node for the ICT staff.
pub(super) async fn node(State(state): State<WebState>, v: Visitor) -> Response {
    let peers = state.network.peers().await.unwrap_or_default();
    let weeks = 12;
    let since = Timestamp::from_millis(
        Timestamp::now()
            .as_millis()
            .saturating_sub(weeks * 7 * 86_400_000),
    );
    let keys: Vec<_> = peers.iter().filter_map(|p| p.org_key).collect();
    let data = blocking(&state, move |s| {
        let status = crate::wire::StatusView::of_store(s)?;
        let recent = s.list(&ListFilter {
            since: Some(since),
            content_only: true,
            limit: crate::service::MAX_LIMIT,
            ..ListFilter::default()
        })?;
        let mut names = Vec::new();
        for key in &keys {
            let name = s.org_name(key)?.unwrap_or_else(|| key.short());
            names.push(crate::text::shown(&name).into_owned());
        }
        Ok((status, recent, names))
    })
    .await;
    let (status, recent, names) = match data {
        Ok(d) => d,
        Err(e) => return problem(v.lang, &e),
    };
    // Entries per week per space, oldest week first.
    let mut per_space: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let now = Timestamp::now().as_millis();
    for e in &recent.entries {
        let week = (now.saturating_sub(e.created_at.as_millis()) / (7 * 86_400_000)) as usize;
        if week < weeks as usize {
            per_space
                .entry(e.space.to_string())
                .or_insert_with(|| vec![0; weeks as usize])[weeks as usize - 1 - week] += 1;
        }
    }
    let body = html! {
        p { (v.text(&msg!("status-organisation", name = status.organisation.as_str(), network = status.network_id.as_str()))) }
        p { (v.text(&msg!("status-peers", count = peers.len()))) }
        (peer_map(&status.organisation, &names))
        @if !peers.is_empty() {
            ul { @for (p, name) in peers.iter().zip(&names) { li { (name) " — " code { (p.address.as_deref().unwrap_or("-")) } } } }
        }
        h2 { (v.text(&msg!("web-per-week"))) }
        (week_chart(&v, &per_space, weeks as usize))
        h2 { (v.text(&msg!("web-spaces"))) }
        table {
            thead { tr { th scope="col" { (v.text(&msg!("label-spaces"))) } th scope="col" { (v.text(&msg!("web-entries"))) } th scope="col" { (v.text(&msg!("web-kept-apart"))) } } }
            tbody { @for c in &status.spaces { tr { td { (c.space.as_str()) } td { (c.entries) } td { (c.kept_apart) } } } }
        }
        p { (match (status.search.documents, status.search.waiting) {
            (None, _) => v.text(&msg!("status-search-building")),
            (Some(n), 0) => v.text(&msg!("status-search-ready", count = n)),
            (Some(n), w) => v.text(&msg!("status-search-waiting", count = n, waiting = w)),
        }) }
    };
    layout(v.lang, &v.text(&msg!("web-nav-node")), body)
}

/// This node in the middle, the connected municipalities around it.
fn peer_map(own: &str, peers: &[String]) -> Markup {
    let (w, h, r) = (480.0_f64, 260.0_f64, 95.0_f64);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let mut svg = format!(
        "<svg class=\"picture\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(&format!("{own}: {}", peers.join(", ")))
    );
    for (i, name) in peers.iter().enumerate() {
        let angle = std::f64::consts::TAU * i as f64 / peers.len().max(1) as f64;
        let (x, y) = (cx + r * 1.6 * angle.cos(), cy + r * angle.sin());
        svg.push_str(&format!(
            "<line x1=\"{cx}\" y1=\"{cy}\" x2=\"{x:.0}\" y2=\"{y:.0}\" stroke=\"#8a8a8a\"/><circle cx=\"{x:.0}\" cy=\"{y:.0}\" r=\"7\" fill=\"#01689b\"/><text x=\"{x:.0}\" y=\"{:.0}\" text-anchor=\"middle\" font-size=\"12\">{}</text>",
            y - 11.0,
            escape(name)
        ));
    }
    svg.push_str(&format!(
        "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"10\" fill=\"#154273\"/><text x=\"{cx}\" y=\"{:.0}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{}</text></svg>",
        cy + 26.0,
        escape(own)
    ));
    PreEscaped(svg)
}

/// Bars per week, one row per space, with the numbers in a table beside it for those who
/// do not see the picture.
fn week_chart(v: &Visitor, per_space: &BTreeMap<String, Vec<u32>>, weeks: usize) -> Markup {
    let max = per_space
        .values()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let row_h = 60.0;
    let (w, label_w) = (480.0_f64, 60.0_f64);
    let bar_w = (w - label_w) / weeks as f64;
    let h = row_h * per_space.len().max(1) as f64;
    let mut svg = format!(
        "<svg class=\"picture\" aria-hidden=\"true\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (row, (space, counts)) in per_space.iter().enumerate() {
        let base = row_h * (row as f64 + 1.0) - 6.0;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{base}\" font-size=\"12\">{}</text>",
            escape(space)
        ));
        for (i, n) in counts.iter().enumerate() {
            let bh = (row_h - 16.0) * f64::from(*n) / max;
            svg.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#154273\"/>",
                label_w + bar_w * i as f64 + 1.0,
                base - bh,
                bar_w - 2.0
            ));
        }
    }
    svg.push_str("</svg>");
    html! {
        (PreEscaped(svg))
        table {
            caption { (v.text(&msg!("web-per-week-table"))) }
            thead { tr { th scope="col" { (v.text(&msg!("label-spaces"))) } @for i in 0..weeks { th scope="col" { (match weeks - 1 - i { 0 => "0".to_owned(), n => format!("-{n}") }) } } } }
            tbody { @for (space, counts) in per_space { tr { th scope="row" { (space) } @for n in counts { td { (n) } } } } }
        }
    }
}

fn escape(text: &str) -> String {
    html! { (text) }.into_string()
}
