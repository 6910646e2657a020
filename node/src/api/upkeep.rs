//! Routes of upkeep and exchange: check, compact, reindex, import, export, backup.

use super::*;

/// `POST /api/v1/check`: rechecks every stored entry; damaged ones are quarantined and
/// fetched again from peers at once.
pub(super) async fn check(State(s): State<ApiState>) -> ApiResult<wiel_store::CheckReport> {
    let report = blocking(&s, |svc| svc.check()).await?;
    if !report.quarantined.is_empty()
        && let Err(e) = s.network.sync(None).await
    {
        tracing::warn!(error = %e, "cannot start a catch-up sync after the check");
    }
    Ok(Json(report))
}

/// `POST /api/v1/compact`: rewrites the entry log without the bytes of retracted entries.
pub(super) async fn compact(State(s): State<ApiState>) -> ApiResult<wiel_store::Compacted> {
    Ok(Json(blocking(&s, |svc| svc.compact()).await?))
}

/// `POST /api/v1/reindex`: builds the search index anew.
pub(super) async fn reindex(State(s): State<ApiState>) -> ApiResult<crate::service::ReindexReport> {
    Ok(Json(blocking(&s, |svc| svc.reindex()).await?))
}

/// Largest import file through a running node (the rest of the API keeps axum's 2 MB).
pub(super) const MAX_IMPORT_BYTES: usize = 512 * 1024 * 1024;

pub(super) async fn import(
    State(s): State<ApiState>,
    text: String,
) -> ApiResult<crate::service::ImportReport> {
    let report = blocking(&s, move |svc| svc.import(&text)).await?;
    Ok(Json(report))
}

pub(super) async fn backup(State(s): State<ApiState>) -> Result<Response, Problem> {
    let text = blocking(&s, |svc| svc.backup()).await?;
    Ok(([(header::CONTENT_TYPE, "application/jsonl")], text).into_response())
}

pub(super) async fn export(State(s): State<ApiState>) -> Result<Response, Problem> {
    let text = blocking(&s, |svc| {
        let mut out = String::new();
        for line in svc.export() {
            let line = line?;
            let text = serde_json::to_string(&line).map_err(|e| {
                ServiceError::from(crate::config::ConfigError::Io {
                    path: "export".into(),
                    reason: e.to_string(),
                })
            })?;
            out.push_str(&text);
            out.push('\n');
        }
        Ok(out)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/jsonl")], text).into_response())
}
