//! Routes of trust administration: endorsements, keys, roots, organisations.

use super::*;
use crate::ops::Operations;

pub(super) async fn endorse(
    State(s): State<ApiState>,
    Json(req): Json<EndorseRequest>,
) -> ApiResult<crate::Published> {
    let published = blocking_op(&s, move |svc| {
        Operations::endorse(svc, &req.organisation, req.name, req.code)
    })
    .await?;
    Ok(Json(published))
}

pub(super) async fn withdraw_endorsement(
    State(s): State<ApiState>,
    Json(req): Json<WithdrawRequest>,
) -> ApiResult<Vec<crate::Published>> {
    let done = blocking_op(&s, move |svc| {
        Operations::withdraw_endorsement(svc, &req.organisation)
    })
    .await?;
    Ok(Json(done))
}

pub(super) async fn revoke_key(
    State(s): State<ApiState>,
    Json(req): Json<RevokeRequest>,
) -> ApiResult<Option<crate::Published>> {
    let since = req.since.unwrap_or_else(wiel_protocol::Timestamp::now);
    let published = blocking_op(&s, move |svc| {
        Operations::revoke_key(svc, req.key, since, req.check_only)
    })
    .await?;
    Ok(Json(published))
}

pub(super) async fn trust(State(s): State<ApiState>) -> ApiResult<crate::view::TrustReport> {
    Ok(Json(blocking(&s, |svc| svc.trust_report()).await?))
}

pub(super) async fn trust_roots(
    State(s): State<ApiState>,
    Json(req): Json<TrustRootRequest>,
) -> ApiResult<crate::view::TrustReport> {
    let report = blocking_op(&s, move |svc| {
        Operations::trust_root(svc, &req.organisation, req.remove)
    })
    .await?;
    Ok(Json(report))
}

pub(super) async fn organisations(
    State(s): State<ApiState>,
) -> ApiResult<std::collections::BTreeMap<wiel_protocol::OrgKey, String>> {
    Ok(Json(blocking(&s, |svc| svc.org_names()).await?))
}

pub(super) async fn resolve_author(
    State(s): State<ApiState>,
    Query(q): Query<AuthorQuery>,
) -> ApiResult<wiel_protocol::OrgKey> {
    Ok(Json(
        blocking(&s, move |svc| svc.resolve_author(&q.q)).await?,
    ))
}
