//! `/api/v1/workspaces/{id}/tasks` and `/api/v1/tasks/*`: thin adapters over the task services.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::task::{
    CommentView, CreateCommentRequest, CreateTaskRequest, MoveTaskRequest, TaskView,
    UpdateTaskRequest,
};
use serde_json::{json, Value};
use service::tasks::{TaskPage, TaskQuery};
use service::Services;

use super::error::{ApiJson, HttpError, HttpResult};
use super::session::Authenticated;
use crate::state::AppState;

/// Routes under `/api/v1/workspaces/{id}`.
pub fn workspace_routes() -> Router<AppState> {
    Router::new()
        .route("/{id}/tasks", get(list).post(create))
        .route("/{id}/stats", get(stats))
}

/// Routes under `/api/v1/tasks`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{id}", get(read).patch(update).delete(remove))
        .route("/{id}/move", post(move_task))
        .route("/{id}/activity", get(activity))
        .route("/{id}/comments", get(comments).post(add_comment))
}

async fn list(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    query: Result<Query<TaskQuery>, QueryRejection>,
) -> HttpResult<Json<TaskPage>> {
    let Query(query) = query.map_err(HttpError::from)?;
    Ok(Json(services.list_tasks(&caller, &id, &query).await?))
}

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

async fn read(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<TaskView>> {
    Ok(Json(services.get_task(&caller, &id).await?))
}

async fn update(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateTaskRequest>,
) -> HttpResult<Json<TaskView>> {
    Ok(Json(services.update_task(&caller, &id, &body).await?))
}

async fn remove(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    services.delete_task(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn move_task(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveTaskRequest>,
) -> HttpResult<Json<TaskView>> {
    Ok(Json(services.move_task(&caller, &id, &body).await?))
}

async fn activity(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let items = services.task_activity(&caller, &id).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

async fn comments(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let items = services.list_comments(&caller, &id).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

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

async fn stats(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<domain::task::WorkspaceStats>> {
    Ok(Json(services.workspace_stats(&caller, &id).await?))
}
