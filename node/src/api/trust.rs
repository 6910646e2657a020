//! Routes of trust administration: endorsements, keys, roots, organisations.

use super::*;
use crate::ops::Operations;

/// `POST /api/v1/endorsements`: vouch for an organisation.
#[derive(Serialize, Deserialize)]
pub struct EndorseRequest {
    /// Key, CBS code, name, or an id (prefix) of one of its entries.
    pub organisation: String,
    pub name: Option<String>,
    pub code: Option<String>,
}

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

#[derive(Serialize, Deserialize)]
pub struct WithdrawRequest {
    pub organisation: String,
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

/// `POST /api/v1/keys/revocation`: revoke one of this organisation's keys (named: the
/// current one or one it rotated from) from `since` (default: now) on.
#[derive(Serialize, Deserialize)]
pub struct RevokeRequest {
    pub key: wiel_protocol::OrgKey,
    #[serde(default)]
    pub since: Option<wiel_protocol::Timestamp>,
}

pub(super) async fn revoke_key(
    State(s): State<ApiState>,
    Json(req): Json<RevokeRequest>,
) -> ApiResult<crate::Published> {
    let since = req.since.unwrap_or_else(wiel_protocol::Timestamp::now);
    let published = blocking(&s, move |svc| svc.revoke_key(req.key, since)).await?;
    Ok(Json(published))
}

pub(super) async fn trust(State(s): State<ApiState>) -> ApiResult<crate::view::TrustReport> {
    Ok(Json(blocking(&s, |svc| svc.trust_report()).await?))
}

/// `POST /api/v1/trust/roots`: add (or with `remove`, take away) a trusted root.
#[derive(Serialize, Deserialize)]
pub struct TrustRootRequest {
    pub organisation: String,
    #[serde(default)]
    pub remove: bool,
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

#[derive(Serialize, Deserialize)]
pub struct AuthorQuery {
    pub q: String,
}

pub(super) async fn resolve_author(
    State(s): State<ApiState>,
    Query(q): Query<AuthorQuery>,
) -> ApiResult<wiel_protocol::OrgKey> {
    Ok(Json(
        blocking(&s, move |svc| svc.resolve_author(&q.q)).await?,
    ))
}
