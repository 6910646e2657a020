//! Routes of entries: list, show, publish, answer, retract, edit, resolve, search.

use super::*;
use crate::ops::Operations;

pub(super) async fn list(
    State(s): State<ApiState>,
    Query(filter): Query<ListFilter>,
) -> ApiResult<crate::Listing> {
    Ok(Json(blocking(&s, move |svc| svc.list(&filter)).await?))
}

pub(super) async fn publish(
    State(s): State<ApiState>,
    Json(new): Json<NewEntry>,
) -> ApiResult<crate::Published> {
    let p = blocking_op(&s, move |svc| Operations::publish(svc, new)).await?;
    Ok(Json(p))
}

pub(super) async fn show(
    State(s): State<ApiState>,
    Path(id): Path<String>,
) -> ApiResult<crate::ThreadView> {
    Ok(Json(
        blocking_op(&s, move |svc| Operations::thread(svc, &id)).await?,
    ))
}

pub(super) async fn answer(
    State(s): State<ApiState>,
    Path(id): Path<String>,
    Json(req): Json<AnswerRequest>,
) -> ApiResult<crate::Published> {
    let p = blocking_op(&s, move |svc| {
        Operations::answer(svc, &id, req.text, req.confirmed_personal_data)
    })
    .await?;
    Ok(Json(p))
}

pub(super) async fn retract(
    State(s): State<ApiState>,
    Path(id): Path<String>,
    Json(req): Json<RetractRequest>,
) -> ApiResult<Vec<crate::Published>> {
    let done = blocking_op(&s, move |svc| {
        Operations::retract(svc, &id, req.reason, req.confirmed_personal_data)
    })
    .await?;
    Ok(Json(done))
}

pub(super) async fn edit_source(
    State(s): State<ApiState>,
    Path(id): Path<String>,
) -> ApiResult<EditSource> {
    Ok(Json(
        blocking(&s, move |svc| {
            let target = svc.resolve(&id)?;
            svc.edit_source(target)
        })
        .await?,
    ))
}

pub(super) async fn new_version(
    State(s): State<ApiState>,
    Json(req): Json<NewVersionRequest>,
) -> ApiResult<Option<crate::Published>> {
    let p = blocking(&s, move |svc| {
        svc.new_version(
            &req.source,
            req.body,
            req.space,
            req.confirmed_personal_data,
        )
    })
    .await?;
    Ok(Json(p))
}

pub(super) async fn resolve(
    State(s): State<ApiState>,
    Path(prefix): Path<String>,
) -> ApiResult<EntryId> {
    Ok(Json(blocking(&s, move |svc| svc.resolve(&prefix)).await?))
}

pub(super) async fn search(
    State(s): State<ApiState>,
    Json(req): Json<SearchRequest>,
) -> ApiResult<crate::view::SearchResults> {
    Ok(Json(
        blocking(&s, move |svc| svc.search(&req.query, &req.filter)).await?,
    ))
}
