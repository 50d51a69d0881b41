//! `/api/v1/workspaces/{id}/export` and `/import`, `/search`, and saved `/filters`.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use domain::task::{SaveFilterRequest, SavedFilter};
use domain::ErrorCode;
use serde::Deserialize;
use serde_json::{json, Value};
use service::transfer::{ImportSource, WorkspaceExport};
use service::Services;

use super::error::{ApiJson, HttpError, HttpResult};
use super::session::Authenticated;
use crate::state::AppState;

/// Imports carry whole workspaces: allowed to be larger than ordinary JSON bodies.
const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

/// Routes under `/api/v1/workspaces`.
pub fn workspace_routes() -> Router<AppState> {
    Router::new()
        .route("/{id}/export", get(export))
        .route(
            "/{id}/import",
            post(import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/{id}/search", get(search))
        .route("/{id}/filters", get(filters).post(save_filter))
        .route("/{id}/filters/{filter_id}", delete(delete_filter))
}

#[derive(Debug, Deserialize)]
struct ExportQuery {
    #[serde(default)]
    format: Option<String>,
}

async fn export(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> HttpResult<Response> {
    let Query(query) = query.map_err(HttpError::from)?;
    let stamp = chrono::Utc::now().format("%Y%m%d");
    match query.format.as_deref().unwrap_or("json") {
        "json" => {
            let doc = services.export_json(&caller, &id).await?;
            let mut r = Json(doc).into_response();
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                attachment_name(&format!("workspace-{id}-{stamp}.json")),
            );
            Ok(r)
        }
        "csv" => {
            let text = services.export_csv(&caller, &id).await?;
            let mut r = text.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                attachment_name(&format!("tasks-{id}-{stamp}.csv")),
            );
            Ok(r)
        }
        _ => Err(HttpError(
            domain::ApiError::validation(
                [("format".to_owned(), "is json or csv".to_owned())]
                    .into_iter()
                    .collect(),
            ),
            None,
        )),
    }
}

fn attachment_name(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

#[derive(Debug, Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// JSON (our export format) or CSV (`text/csv`), chosen by `Content-Type`. 200 with the report;
/// 422 with the same report under `report` when rows were rejected (nothing imported).
async fn import(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    query: Result<Query<ImportQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> HttpResult<Response> {
    let Query(query) = query.map_err(HttpError::from)?;
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            HttpError::new(
                ErrorCode::PayloadTooLarge,
                "The file is too large (32 MiB at most).",
            )
        } else {
            HttpError::new(ErrorCode::MalformedRequest, r.body_text())
        }
    })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let source = match content_type.as_str() {
        "application/json" => {
            let doc: WorkspaceExport = serde_json::from_slice(&body).map_err(|e| {
                HttpError::new(
                    ErrorCode::MalformedRequest,
                    format!("This is not a workspace export: {e}"),
                )
            })?;
            ImportSource::Json(Box::new(doc))
        }
        "text/csv" => ImportSource::Csv(String::from_utf8(body.to_vec()).map_err(|_| {
            HttpError::new(ErrorCode::MalformedRequest, "The CSV is not UTF-8 text.")
        })?),
        _ => {
            return Err(HttpError::new(
                ErrorCode::UnsupportedMediaType,
                "Send an export as application/json or tasks as text/csv.",
            ))
        }
    };
    let report = services
        .import_tasks(&caller, &id, source, query.dry_run)
        .await?;
    if report.rejected.is_empty() {
        return Ok(Json(report).into_response());
    }
    let fields: std::collections::BTreeMap<String, String> = report
        .rejected
        .iter()
        .take(50)
        .map(|r| {
            (
                format!("row {}", r.row),
                r.errors
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
        .collect();
    let body = json!({
        "error": {
            "code": "validation_failed",
            "message": format!("{} rows were rejected; nothing was imported.", report.rejected.len()),
            "fields": fields,
        },
        "report": report,
    });
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    limit: Option<usize>,
}

async fn search(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> HttpResult<Json<Value>> {
    let Query(query) = query.map_err(HttpError::from)?;
    let items = services
        .search_tasks(&caller, &id, &query.q, query.limit.unwrap_or(50))
        .await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

async fn filters(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let items = services.list_filters(&caller, &id).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

async fn save_filter(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SaveFilterRequest>,
) -> HttpResult<(StatusCode, Json<SavedFilter>)> {
    Ok((
        StatusCode::CREATED,
        Json(services.save_filter(&caller, &id, &body).await?),
    ))
}

async fn delete_filter(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path((id, filter_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    services.delete_filter(&caller, &id, &filter_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
