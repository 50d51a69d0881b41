//! `/api/v1/workspaces/{id}/export` and `/import`, `/search`, and saved `/filters`.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use domain::task::{ImportReport, SaveFilterRequest, SavedFilter};
use domain::{ErrorBody, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Value};
use service::transfer::{ImportSource, WorkspaceExport};
use service::Services;

use super::error::{ApiJson, HttpError, HttpResult};
use super::openapi::{
    self, whole_list, FilterList, ImportCsv, ImportError, MalformedRequest, PayloadTooLarge,
    SearchResults, TasksCsv, UnsupportedMediaType,
};
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// `json` (default): complete and re-importable; `csv`: the tasks.
    #[serde(default)]
    #[param(value_type = Option<ExportFormat>, inline)]
    format: Option<String>,
}

/// What `format` may name (anything else is a 422).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
enum ExportFormat {
    Json,
    Csv,
}

/// Export the workspace (any member): JSON, complete and re-importable, or CSV of the tasks.
#[utoipa::path(
    get,
    path = "/workspaces/{id}/export",
    operation_id = "exportWorkspace",
    tag = "import-export",
    params(("id" = String, Path, description = "The workspace id."), ExportQuery),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "The export, as a download.",
            content(
                (openapi::WorkspaceExport = "application/json"),
                (TasksCsv = "text/csv"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"workspace-{id}-{YYYYMMDD}.json\" or \"tasks-{id}-{YYYYMMDD}.csv\""))),
        (status = 400, description = "malformed_request: the query string cannot be read", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 422, description = "validation_failed: fields.format (json or csv)", body = ErrorBody),
    )
)]
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// true: check and report, import nothing.
    #[serde(default)]
    dry_run: bool,
}

/// Import tasks (editor or owner) from our JSON export or a CSV of tasks. Every row is checked first; when any row is rejected nothing is imported.
///
/// Content-Type chooses the format. A JSON export must be format taskmanager.workspace,
/// format_version 1; its columns missing here are added (with a warning) when the caller is an
/// owner and there is room (20 columns at most). Tasks get new ids and are appended at the end
/// of their column (a JSON export keeps its order by position); the importer becomes created_by.
/// Assignees and comment authors are matched to members by email: an assignee who is not a
/// member is dropped with a warning, a comment by a non-member is kept under the importer. An
/// empty status means the first column and an unknown one rejects the row; an empty priority
/// means medium. Tasks landing in a done column keep completed_at (or get the current time);
/// others get none. At most 10000 rows. The import is one transaction. With dry_run=true
/// nothing is written and imported says how many tasks would be.
#[utoipa::path(
    post,
    path = "/workspaces/{id}/import",
    operation_id = "importTasks",
    tag = "import-export",
    params(("id" = String, Path, description = "The workspace id."), ImportQuery),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body(
        description = "Our JSON export (application/json) or a CSV of tasks (text/csv), at most 32 MiB.",
        content(
            (openapi::WorkspaceExport = "application/json"),
            (ImportCsv = "text/csv"),
        )
    ),
    responses(
        (status = 200, description = "The report: the tasks imported (with dry_run: the tasks that would be) and warnings.", body = ImportReport),
        (status = 400, description = "malformed_request: the JSON is not a workspace export, the CSV is not UTF-8, or dry_run is not a boolean", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: viewer or commenter, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 413, description = "payload_too_large: the body is over 32 MiB", body = ErrorBody),
        (status = 415, description = "unsupported_media_type: the body is neither application/json nor text/csv", body = ErrorBody),
        (status = 422, description = "validation_failed. When rows were rejected (with or without dry_run) nothing is imported: the usual error body, with fields naming up to 50 rejected rows (\"row N\": \"field why; ...\"), plus the whole report under report. Without a report: fields.format (not taskmanager.workspace version 1), fields.file (no header with a title column, unknown columns, not CSV, or over 10000 rows) or fields.columns (the columns to add are invalid).", body = ImportError),
    )
)]
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// The words to find: 1 to 200 characters after trimming (absent counts as empty: a 422).
    #[serde(default)]
    #[param(required = true, min_length = 1, max_length = 200)]
    q: String,
    /// At most this many hits: 1 to 100 (other values are clamped), default 50.
    #[serde(default)]
    limit: Option<usize>,
}

/// Full-text search over the workspace's task titles, descriptions and comments, best first (any member).
///
/// Title matches weigh double and comment matches half. Results are not paged: next_cursor is
/// always null.
#[utoipa::path(
    get,
    path = "/workspaces/{id}/search",
    operation_id = "searchTasks",
    tag = "search",
    params(("id" = String, Path, description = "The workspace id."), SearchQuery),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "Hits, best first.", body = SearchResults),
        (status = 400, description = "malformed_request (e.g. limit not a number)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 422, description = "validation_failed: fields.q (empty or over 200 characters)", body = ErrorBody),
    )
)]
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
    Ok(whole_list::<SearchResults>(items))
}

/// The caller's saved filters for this workspace, oldest first. Saved filters are private to each member.
#[utoipa::path(
    get,
    path = "/workspaces/{id}/filters",
    operation_id = "listFilters",
    tag = "filters",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "List.", body = FilterList),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
    )
)]
async fn filters(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let items = services.list_filters(&caller, &id).await?;
    Ok(whole_list::<FilterList>(items))
}

/// Save a named task-list filter (any member; at most 50 per member and workspace).
#[utoipa::path(
    post,
    path = "/workspaces/{id}/filters",
    operation_id = "saveFilter",
    tag = "filters",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = SaveFilterRequest,
    responses(
        (status = 201, description = "Saved.", body = SavedFilter),
        (status = 400, response = MalformedRequest),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields.name (1 to 60 characters, not already used by another of the caller's filters here ignoring case, at most 50 filters) / fields.query (at most 1000 characters, only the keys status, priority, assignee, label, q, due_before, due_after, sort)", body = ErrorBody),
    )
)]
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

/// Delete one of the caller's saved filters.
#[utoipa::path(
    delete,
    path = "/workspaces/{id}/filters/{filter_id}",
    operation_id = "deleteFilter",
    tag = "filters",
    params(
        ("id" = String, Path, description = "The workspace id."),
        ("filter_id" = String, Path, description = "The saved filter's id."),
    ),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a read-only token", body = ErrorBody),
        (status = 404, description = "not_found: no such saved filter of the caller's in this workspace", body = ErrorBody),
    )
)]
async fn delete_filter(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path((id, filter_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    services.delete_filter(&caller, &id, &filter_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
