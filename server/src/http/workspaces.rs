//! `/api/v1/workspaces/*`: thin adapters over the workspace services.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use domain::workspace::{
    AddMemberRequest, CreateWorkspaceRequest, MemberView, UpdateMemberRequest,
    UpdateWorkspaceRequest, WorkspaceView,
};
use domain::ErrorBody;
use serde_json::Value;
use service::Services;

use super::error::{ApiJson, HttpResult};
use super::openapi::{
    whole_list, MalformedRequest, MemberList, PayloadTooLarge, UnsupportedMediaType, WorkspaceList,
};
use super::session::Authenticated;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/{id}", get(read).patch(update).delete(remove))
        .route("/{id}/members", get(members).post(add_member))
        .route(
            "/{id}/members/{user_id}",
            patch(update_member).delete(remove_member),
        )
}

/// Workspaces the caller belongs to, with the caller's role.
#[utoipa::path(
    get,
    path = "/workspaces",
    operation_id = "listWorkspaces",
    tag = "workspaces",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "List.", body = WorkspaceList),
        (status = 401, description = "unauthenticated", body = ErrorBody),
    )
)]
async fn list(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Json<Value>> {
    let items = services.list_workspaces(&caller).await?;
    Ok(whole_list::<WorkspaceList>(items))
}

/// Create a workspace; the caller is its owner; default columns todo, in_progress, done.
#[utoipa::path(
    post,
    path = "/workspaces",
    operation_id = "createWorkspace",
    tag = "workspaces",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = CreateWorkspaceRequest,
    responses(
        (status = 201, description = "Created.", body = WorkspaceView),
        (status = 400, response = MalformedRequest),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a read-only API token", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields.name", body = ErrorBody),
    )
)]
async fn create(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<CreateWorkspaceRequest>,
) -> HttpResult<(StatusCode, Json<WorkspaceView>)> {
    Ok((
        StatusCode::CREATED,
        Json(services.create_workspace(&caller, &body).await?),
    ))
}

/// One workspace.
#[utoipa::path(
    get,
    path = "/workspaces/{id}",
    operation_id = "getWorkspace",
    tag = "workspaces",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "The workspace.", body = WorkspaceView),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also when the caller is not a member)", body = ErrorBody),
    )
)]
async fn read(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<WorkspaceView>> {
    Ok(Json(services.get_workspace(&caller, &id).await?))
}

/// Rename and/or replace the column list (owner).
///
/// Removing a column moves its tasks to the first remaining column of the same category (else the
/// first column), appended after that column's cards in their old order; each moved task's
/// version increases by one, and its completed_at is set when it lands in a done column and
/// cleared otherwise.
#[utoipa::path(
    patch,
    path = "/workspaces/{id}",
    operation_id = "updateWorkspace",
    tag = "workspaces",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = UpdateWorkspaceRequest,
    responses(
        (status = 200, description = "Updated.", body = WorkspaceView),
        (status = 400, response = MalformedRequest),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an owner, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also when the caller is not a member)", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields.name / fields.columns", body = ErrorBody),
    )
)]
async fn update(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateWorkspaceRequest>,
) -> HttpResult<Json<WorkspaceView>> {
    Ok(Json(services.update_workspace(&caller, &id, &body).await?))
}

/// Delete the workspace (owner).
#[utoipa::path(
    delete,
    path = "/workspaces/{id}",
    operation_id = "deleteWorkspace",
    tag = "workspaces",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an owner, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also when the caller is not a member)", body = ErrorBody),
    )
)]
async fn remove(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    services.delete_workspace(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members and roles.
#[utoipa::path(
    get,
    path = "/workspaces/{id}/members",
    operation_id = "listMembers",
    tag = "workspaces",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "List.", body = MemberList),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also when the caller is not a member)", body = ErrorBody),
    )
)]
async fn members(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let items = services.list_members(&caller, &id).await?;
    Ok(whole_list::<MemberList>(items))
}

/// Add an existing account by email (owner).
#[utoipa::path(
    post,
    path = "/workspaces/{id}/members",
    operation_id = "addMember",
    tag = "workspaces",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = AddMemberRequest,
    responses(
        (status = 201, description = "Added.", body = MemberView),
        (status = 400, description = "malformed_request (e.g. unknown role)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an owner, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also when the caller is not a member)", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields.email (no account, already a member)", body = ErrorBody),
    )
)]
async fn add_member(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AddMemberRequest>,
) -> HttpResult<(StatusCode, Json<MemberView>)> {
    Ok((
        StatusCode::CREATED,
        Json(services.add_member(&caller, &id, &body).await?),
    ))
}

/// Change a member's role (owner). The last owner cannot be demoted.
#[utoipa::path(
    patch,
    path = "/workspaces/{id}/members/{user_id}",
    operation_id = "updateMember",
    tag = "workspaces",
    params(
        ("id" = String, Path, description = "The workspace id."),
        ("user_id" = String, Path, description = "The member's user id."),
    ),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = UpdateMemberRequest,
    responses(
        (status = 200, description = "Updated.", body = MemberView),
        (status = 400, description = "malformed_request (e.g. unknown role)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an owner, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found: no such workspace or member", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: a workspace needs an owner", body = ErrorBody),
    )
)]
async fn update_member(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path((id, user_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateMemberRequest>,
) -> HttpResult<Json<MemberView>> {
    Ok(Json(
        services
            .update_member(&caller, &id, &user_id, &body)
            .await?,
    ))
}

/// Remove a member (owner), or leave (yourself). The last owner cannot leave.
#[utoipa::path(
    delete,
    path = "/workspaces/{id}/members/{user_id}",
    operation_id = "removeMember",
    tag = "workspaces",
    params(
        ("id" = String, Path, description = "The workspace id."),
        ("user_id" = String, Path, description = "The member's user id (the caller's own to leave)."),
    ),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Removed."),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an owner (and not leaving), or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found: no such workspace or member", body = ErrorBody),
        (status = 422, description = "validation_failed: a workspace needs an owner", body = ErrorBody),
    )
)]
async fn remove_member(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path((id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    services.remove_member(&caller, &id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
