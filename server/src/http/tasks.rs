//! `/api/v1/workspaces/{id}/tasks` and `/api/v1/tasks/*`: thin adapters over the task services.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::task::{
    CommentView, CreateCommentRequest, CreateTaskRequest, MoveTaskRequest, TaskView,
    UpdateTaskRequest, WorkspaceStats,
};
use domain::ErrorBody;
use serde_json::Value;
use service::tasks::{TaskPage, TaskQuery};
use service::Services;

use super::error::{ApiJson, HttpError, HttpResult};
use super::openapi::{
    whole_list, ActivityList, CommentList, MalformedRequest, PayloadTooLarge, UnsupportedMediaType,
};
use super::session::Authenticated;
use crate::state::AppState;

/// Routes under `/api/v1/workspaces/{id}`.
pub fn workspace_routes() -> Router<AppState> {
    Router::new()
        .route("/{id}/tasks", get(list).post(create))
        .route("/{id}/stats", get(stats))
        .route("/{id}/changes", get(changes))
}

/// Routes under `/api/v1/tasks`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{id}", get(read).patch(update).delete(remove))
        .route("/{id}/move", post(move_task))
        .route("/{id}/activity", get(activity))
        .route("/{id}/comments", get(comments).post(add_comment))
}

/// Tasks of a workspace, filtered, sorted and paged.
#[utoipa::path(
    get,
    path = "/workspaces/{id}/tasks",
    operation_id = "listTasks",
    tag = "tasks",
    params(("id" = String, Path, description = "The workspace id."), TaskQuery),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "A page.", body = TaskPage),
        (status = 400, description = "malformed_request (e.g. limit not a number)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 422, description = "validation_failed: fields.priority, fields.sort, fields.limit, fields.cursor, fields.due_before or fields.due_after", body = ErrorBody),
    )
)]
async fn list(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    query: Result<Query<TaskQuery>, QueryRejection>,
) -> HttpResult<Json<TaskPage>> {
    let Query(query) = query.map_err(HttpError::from)?;
    Ok(Json(services.list_tasks(&caller, &id, &query).await?))
}

/// Create a task (editor or owner). Defaults: the first column, medium priority; appended at the end of its column.
#[utoipa::path(
    post,
    path = "/workspaces/{id}/tasks",
    operation_id = "createTask",
    tag = "tasks",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = CreateTaskRequest,
    responses(
        (status = 201, description = "Created.", body = TaskView),
        (status = 400, response = MalformedRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: viewer or commenter, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 422, description = "validation_failed: fields name each problem", body = ErrorBody),
    )
)]
async fn create(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateTaskRequest>,
) -> HttpResult<(StatusCode, Json<TaskView>)> {
    Ok((
        StatusCode::CREATED,
        Json(services.create_task(&caller, &id, &body).await?),
    ))
}

/// One task.
#[utoipa::path(
    get,
    path = "/tasks/{id}",
    operation_id = "getTask",
    tag = "tasks",
    params(("id" = String, Path, description = "The task id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "The task.", body = TaskView),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
    )
)]
async fn read(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<TaskView>> {
    Ok(Json(services.get_task(&caller, &id).await?))
}

/// Change any fields; `version` must be the current one. `null` clears due_at, start_at or recurrence.
#[utoipa::path(
    patch,
    path = "/tasks/{id}",
    operation_id = "updateTask",
    tag = "tasks",
    params(("id" = String, Path, description = "The task id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = UpdateTaskRequest,
    responses(
        (status = 200, description = "Updated (version + 1).", body = TaskView),
        (status = 400, response = MalformedRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: viewer or commenter, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 409, description = "version_conflict: someone changed the task since", body = ErrorBody),
        (status = 422, description = "validation_failed: fields name each problem", body = ErrorBody),
    )
)]
async fn update(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateTaskRequest>,
) -> HttpResult<Json<TaskView>> {
    Ok(Json(services.update_task(&caller, &id, &body).await?))
}

/// Delete a task (editor or owner).
#[utoipa::path(
    delete,
    path = "/tasks/{id}",
    operation_id = "deleteTask",
    tag = "tasks",
    params(("id" = String, Path, description = "The task id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: viewer or commenter, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
    )
)]
async fn remove(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    services.delete_task(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move into a column, between `after_id` (above) and `before_id` (below); neither: the end of the column.
#[utoipa::path(
    post,
    path = "/tasks/{id}/move",
    operation_id = "moveTask",
    tag = "tasks",
    params(("id" = String, Path, description = "The task id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = MoveTaskRequest,
    responses(
        (status = 200, description = "The task with its new status and position.", body = TaskView),
        (status = 400, response = MalformedRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: viewer or commenter, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 422, description = "validation_failed: status, before_id or after_id", body = ErrorBody),
    )
)]
async fn move_task(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveTaskRequest>,
) -> HttpResult<Json<TaskView>> {
    Ok(Json(services.move_task(&caller, &id, &body).await?))
}

/// Every change of the task: who, what, when.
#[utoipa::path(
    get,
    path = "/tasks/{id}/activity",
    operation_id = "taskActivity",
    tag = "tasks",
    params(("id" = String, Path, description = "The task id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "Oldest first.", body = ActivityList),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
    )
)]
async fn activity(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let items = services.task_activity(&caller, &id).await?;
    Ok(whole_list::<ActivityList>(items))
}

/// Comments of a task, oldest first.
#[utoipa::path(
    get,
    path = "/tasks/{id}/comments",
    operation_id = "listComments",
    tag = "tasks",
    params(("id" = String, Path, description = "The task id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "List.", body = CommentList),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
    )
)]
async fn comments(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let items = services.list_comments(&caller, &id).await?;
    Ok(whole_list::<CommentList>(items))
}

/// Comment on a task (commenter, editor or owner). Markdown, sanitised.
#[utoipa::path(
    post,
    path = "/tasks/{id}/comments",
    operation_id = "addComment",
    tag = "tasks",
    params(("id" = String, Path, description = "The task id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = CreateCommentRequest,
    responses(
        (status = 201, description = "Created.", body = CommentView),
        (status = 400, response = MalformedRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: viewer, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 422, description = "validation_failed: fields.body", body = ErrorBody),
    )
)]
async fn add_comment(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateCommentRequest>,
) -> HttpResult<(StatusCode, Json<CommentView>)> {
    Ok((
        StatusCode::CREATED,
        Json(services.add_comment(&caller, &id, &body).await?),
    ))
}

/// Counts computed by the database.
#[utoipa::path(
    get,
    path = "/workspaces/{id}/stats",
    operation_id = "workspaceStats",
    tag = "workspaces",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "Stats.", body = WorkspaceStats),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
    )
)]
async fn stats(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<WorkspaceStats>> {
    Ok(Json(services.workspace_stats(&caller, &id).await?))
}

/// `?since=V`: the workspace version the client has.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The workspace version the client is at (0: from the start).
    since: i64,
}

/// The events after a version, oldest first (at most 500 per answer: ask again from the
/// returned `version` while events keep coming).
#[utoipa::path(
    get,
    path = "/workspaces/{id}/changes",
    operation_id = "workspaceChanges",
    tag = "workspaces",
    params(("id" = String, Path, description = "The workspace id."), ChangesQuery),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "The events after `since`.", body = domain::realtime::Changes),
        (status = 400, description = "malformed_request: `since` missing or not a number", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 410, description = "resync_required: the log no longer reaches back to `since` (or `since` is ahead of the workspace); reload", body = ErrorBody),
    )
)]
async fn changes(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    query: Result<Query<ChangesQuery>, QueryRejection>,
) -> HttpResult<Json<domain::realtime::Changes>> {
    let Query(query) = query.map_err(HttpError::from)?;
    Ok(Json(
        services.changes_since(&caller, &id, query.since).await?,
    ))
}
