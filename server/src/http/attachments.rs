//! Attachments: `POST /api/v1/tasks/{id}/attachments` (multipart, field `file`), listing, and
//! `GET`/`DELETE /api/v1/attachments/{id}`. Bytes stream through; nothing is buffered whole.

use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::task::AttachmentView;
use domain::{ErrorBody, ErrorCode};
use serde_json::Value;
use service::Services;

use super::error::{HttpError, HttpResult};
use super::openapi::{whole_list, AttachmentList, Unavailable};
use super::session::Authenticated;
use crate::state::AppState;

/// Multipart framing and the other form fields on top of the file itself.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// Routes under `/api/v1/tasks`.
pub fn task_routes(max_bytes: u64) -> Router<AppState> {
    let limit = usize::try_from(max_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(MULTIPART_OVERHEAD);
    Router::new().route(
        "/{id}/attachments",
        get(list).post(upload).layer(DefaultBodyLimit::max(limit)),
    )
}

/// Routes under `/api/v1/attachments`.
pub fn router() -> Router<AppState> {
    Router::new().route("/{id}", get(download).delete(remove))
}

/// Files attached to a task, oldest first (any member).
#[utoipa::path(
    get,
    path = "/tasks/{id}/attachments",
    operation_id = "listAttachments",
    tag = "attachments",
    params(("id" = String, Path, description = "The task id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "List.", body = AttachmentList),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
    )
)]
async fn list(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Json<Value>> {
    let items = services.list_attachments(&caller, &id).await?;
    Ok(whole_list::<AttachmentList>(items))
}

fn multipart_error(e: &axum::extract::multipart::MultipartError) -> HttpError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        HttpError::new(ErrorCode::PayloadTooLarge, "The file is too large.")
    } else {
        HttpError::new(
            ErrorCode::MalformedRequest,
            format!("The multipart body could not be read: {}", e.body_text()),
        )
    }
}

/// The upload form: `multipart/form-data` with the file in a field named `file`; other fields are
/// ignored.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AttachmentUpload {
    /// The file; its part's filename becomes the attachment's filename.
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// Attach a file to a task (editor or owner): multipart/form-data with the file in a field named `file`.
///
/// The bytes stream to storage; nothing is buffered whole. The content type is sniffed from the
/// first bytes, never taken from the client. Files may be at most TM_MAX_ATTACHMENT_BYTES bytes
/// (default 10485760, 10 MiB); over that, 413 and nothing is kept. Other form fields are ignored.
/// The file name is reduced to its last path component without control characters or quotes, at
/// most 200 characters (`file` when nothing is left). Records an attachment.added activity.
#[utoipa::path(
    post,
    path = "/tasks/{id}/attachments",
    operation_id = "uploadAttachment",
    tag = "attachments",
    params(("id" = String, Path, description = "The task id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Attached.", body = AttachmentView),
        (status = 400, description = "malformed_request: the multipart body could not be read, or the upload was cut short", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: viewer or commenter, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also for workspaces the caller is not a member of)", body = ErrorBody),
        (status = 413, description = "payload_too_large: the file is over the limit (TM_MAX_ATTACHMENT_BYTES, default 10 MiB); nothing is kept", body = ErrorBody),
        (status = 415, description = "unsupported_media_type: the body is not multipart/form-data", body = ErrorBody),
        (status = 422, description = "validation_failed: fields.file (no field named file)", body = ErrorBody),
        (status = 503, response = Unavailable),
    )
)]
async fn upload(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> HttpResult<(StatusCode, Json<AttachmentView>)> {
    let mut multipart = multipart.map_err(|r| {
        if r.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE || r.status() == StatusCode::BAD_REQUEST
        {
            HttpError::new(
                ErrorCode::UnsupportedMediaType,
                "Send the file as multipart/form-data with a field named file.",
            )
        } else {
            HttpError::new(ErrorCode::MalformedRequest, r.body_text())
        }
    })?;
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|e| multipart_error(&e))?;
        let Some(field) = field else {
            return Err(HttpError(
                domain::ApiError::validation(
                    [("file".to_owned(), "is required".to_owned())]
                        .into_iter()
                        .collect(),
                ),
                None,
            ));
        };
        if field.name() != Some("file") {
            continue;
        }
        let filename = field.file_name().unwrap_or("file").to_owned();
        let attachment = services
            .add_attachment(&caller, &id, &filename, Box::pin(field))
            .await?;
        return Ok((StatusCode::CREATED, Json(attachment)));
    }
}

/// `filename*` per RFC 6266/5987 with an ASCII fallback.
fn content_disposition(kind: &str, filename: &str) -> HeaderValue {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// The bytes of an attachment (any member of its workspace).
///
/// Content-Type is the type sniffed on upload. PNG, JPEG, GIF and WebP images are served inline;
/// everything else (SVG and HTML included) as a download.
#[utoipa::path(
    get,
    path = "/attachments/{id}",
    operation_id = "downloadAttachment",
    tag = "attachments",
    params(("id" = String, Path, description = "The attachment id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "The file's bytes; the media type is the attachment's content_type.",
            content(("*/*")),
            headers(
                ("Content-Type" = String, description = "The attachment's content_type."),
                ("Content-Length" = u64, description = "The size in bytes."),
                ("Content-Disposition" = String, description = "inline for image/png, image/jpeg, image/gif and image/webp, attachment otherwise; with filename (an ASCII fallback) and filename* (UTF-8, RFC 5987)."),
                ("X-Content-Type-Options" = String, description = "Always nosniff."),
                ("Cache-Control" = String, description = "private, max-age=3600"),
                ("Content-Security-Policy" = String, description = "default-src 'none'; sandbox"),
            )),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found (also when the caller is not a member of the attachment's workspace)", body = ErrorBody),
        (status = 503, response = Unavailable),
    )
)]
async fn download(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<Response> {
    let download = services.download_attachment(&caller, &id).await?;
    let a = &download.attachment;
    let inline = a.is_inline_image();
    let mut response = Body::from_stream(download.body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&a.content_type)
            .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(a.size));
    h.insert(
        header::CONTENT_DISPOSITION,
        content_disposition(if inline { "inline" } else { "attachment" }, &a.filename),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}

/// Delete an attachment and its stored bytes (editor or owner).
#[utoipa::path(
    delete,
    path = "/attachments/{id}",
    operation_id = "deleteAttachment",
    tag = "attachments",
    params(("id" = String, Path, description = "The attachment id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: viewer or commenter, or a read-only token", body = ErrorBody),
        (status = 404, description = "not_found (also when the caller is not a member of the attachment's workspace)", body = ErrorBody),
    )
)]
async fn remove(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    services.delete_attachment(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn dispositions_survive_odd_names() {
        let v = content_disposition("attachment", "résumé \"final\".pdf");
        let s = v.to_str().expect("ascii header");
        assert!(
            s.starts_with("attachment; filename=\"r_sum_ final.pdf\""),
            "{s}"
        );
        assert!(
            s.contains("filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf"),
            "{s}"
        );
    }
}
