//! `/api/v1/workspaces/{id}/webhooks`: owners register URLs that receive signed events.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use domain::workspace::{CreateWebhookRequest, WebhookView};
use domain::ErrorBody;
use serde_json::Value;
use service::Services;

use super::error::{ApiJson, HttpResult};
use super::openapi::{
    whole_list, MalformedRequest, PayloadTooLarge, UnsupportedMediaType, WebhookDeliveryList,
    WebhookList,
};
use super::session::Authenticated;
use crate::state::AppState;

/// Routes under `/api/v1/workspaces`.
pub fn workspace_routes() -> Router<AppState> {
    Router::new()
        .route("/{id}/webhooks", get(list).post(create))
        .route("/{id}/webhooks/{hook_id}", delete(remove))
        .route("/{id}/webhooks/{hook_id}/deliveries", get(deliveries))
}

/// The workspace's webhooks (owners), without their secrets.
#[utoipa::path(
    get,
    path = "/workspaces/{id}/webhooks",
    operation_id = "listWebhooks",
    tag = "webhooks",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "List, oldest first.", body = WebhookList),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an owner", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
    )
)]
async fn list(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    Ok(whole_list::<WebhookList>(
        services.list_webhooks(&caller, &id).await?,
    ))
}

/// Register a webhook (owners). Each matching event is POSTed as JSON with
/// `X-Taskmanager-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; failures are
/// retried with backoff, and 15 in a row disable the webhook. The answer shows the secret once.
#[utoipa::path(
    post,
    path = "/workspaces/{id}/webhooks",
    operation_id = "createWebhook",
    tag = "webhooks",
    params(("id" = String, Path, description = "The workspace id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Created; `secret` is shown only now.", body = WebhookView),
        (status = 400, response = MalformedRequest),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an owner, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields.url (https, resolving to public addresses only), fields.events (known kinds or *), fields.secret (16 to 200 characters)", body = ErrorBody),
    )
)]
async fn create(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateWebhookRequest>,
) -> HttpResult<(StatusCode, Json<WebhookView>)> {
    Ok((
        StatusCode::CREATED,
        Json(services.create_webhook(&caller, &id, &body).await?),
    ))
}

/// Delete a webhook and its delivery log (owners).
#[utoipa::path(
    delete,
    path = "/workspaces/{id}/webhooks/{hook_id}",
    operation_id = "deleteWebhook",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "The workspace id."),
        ("hook_id" = String, Path, description = "The webhook's id."),
    ),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an owner, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found: no such webhook in this workspace", body = ErrorBody),
    )
)]
async fn remove(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path((id, hook_id)): Path<(String, String)>,
) -> HttpResult<StatusCode> {
    services.delete_webhook(&caller, &id, &hook_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's latest deliveries (owners), newest first: event, status, error, duration.
#[utoipa::path(
    get,
    path = "/workspaces/{id}/webhooks/{hook_id}/deliveries",
    operation_id = "listWebhookDeliveries",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "The workspace id."),
        ("hook_id" = String, Path, description = "The webhook's id."),
    ),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "The newest 100 deliveries.", body = WebhookDeliveryList),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an owner", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
    )
)]
async fn deliveries(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path((id, hook_id)): Path<(String, String)>,
) -> HttpResult<Json<Value>> {
    Ok(whole_list::<WebhookDeliveryList>(
        services.webhook_deliveries(&caller, &id, &hook_id).await?,
    ))
}
