//! `/api/v1/notifications`: the caller's in-app notifications (the bell).

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::notification::{MarkReadRequest, Notifications};
use domain::ErrorBody;
use service::Services;

use super::error::{ApiJson, HttpError, HttpResult};
use super::openapi::{MalformedRequest, PayloadTooLarge, UnsupportedMediaType};
use super::session::Authenticated;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/read", post(mark_read))
}

/// `?unread_only=true&limit=&cursor=`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only those not read yet.
    #[serde(default)]
    unread_only: bool,
    /// 1–100, default 50.
    limit: Option<usize>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(
    get,
    path = "/notifications",
    operation_id = "listNotifications",
    tag = "notifications",
    params(NotificationQuery),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "A page, newest first; `unread` counts all unread.", body = Notifications),
        (status = 400, description = "malformed_request: a query parameter of the wrong type", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 422, description = "validation_failed: fields.limit or fields.cursor", body = ErrorBody),
    )
)]
async fn list(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    query: Result<Query<NotificationQuery>, QueryRejection>,
) -> HttpResult<Json<Notifications>> {
    let Query(query) = query.map_err(HttpError::from)?;
    Ok(Json(
        services
            .list_notifications(
                &caller,
                query.unread_only,
                query.limit,
                query.cursor.as_deref(),
            )
            .await?,
    ))
}

/// Mark notifications read: the given `ids`, or all of them when `ids` is absent.
#[utoipa::path(
    post,
    path = "/notifications/read",
    operation_id = "markNotificationsRead",
    tag = "notifications",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body(content = Option<MarkReadRequest>, description = "`ids` to mark; no body at all marks every notification read."),
    responses(
        (status = 204, description = "Marked (ids that are not the caller's are ignored)."),
        (status = 400, response = MalformedRequest),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a read-only token", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields.ids (at most 100 ids)", body = ErrorBody),
    )
)]
async fn mark_read(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    request: axum::extract::Request,
) -> HttpResult<StatusCode> {
    // No body at all means "all"; a body must be JSON like any other.
    let empty = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() == b"0")
        || (request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .is_none()
            && request
                .headers()
                .get(axum::http::header::TRANSFER_ENCODING)
                .is_none()
            && request
                .headers()
                .get(axum::http::header::CONTENT_LENGTH)
                .is_none());
    let req = if empty {
        MarkReadRequest::default()
    } else {
        let ApiJson(req) = ApiJson::<MarkReadRequest>::from_request(request, &()).await?;
        req
    };
    services
        .mark_notifications_read(&caller, req.ids.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
