//! `/api/v1/workspaces/*`: thin adapters over the workspace services.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use domain::workspace::{
    AddMemberRequest, CreateWorkspaceRequest, MemberView, UpdateMemberRequest,
    UpdateWorkspaceRequest, WorkspaceView,
};
use serde_json::{json, Value};
use service::Services;

use super::error::{ApiJson, HttpResult};
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

async fn list(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Json<Value>> {
    let items = services.list_workspaces(&caller).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

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

async fn read(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<WorkspaceView>> {
    Ok(Json(services.get_workspace(&caller, &id).await?))
}

async fn update(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateWorkspaceRequest>,
) -> HttpResult<Json<WorkspaceView>> {
    Ok(Json(services.update_workspace(&caller, &id, &body).await?))
}

async fn remove(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    services.delete_workspace(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn members(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let items = services.list_members(&caller, &id).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

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

async fn remove_member(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path((id, user_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    services.remove_member(&caller, &id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
