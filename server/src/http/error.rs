//! Errors as HTTP: every failure leaves in the contract's JSON shape with its status code, and
//! server faults are logged here, once, with their cause chain.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::FromRequest;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{ApiError, ErrorBody, ErrorCode};

/// An `ApiError` on its way out as a response, with `Retry-After` when it has one.
#[derive(Debug)]
pub struct HttpError(pub ApiError, pub Option<u64>);

pub type HttpResult<T> = Result<T, HttpError>;

impl HttpError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(ApiError::new(code, message), None)
    }
}

impl From<service::Error> for HttpError {
    fn from(error: service::Error) -> Self {
        if error.is_server_fault() {
            tracing::error!(error = %error.chain(), "request failed");
        }
        Self(error.to_api(), error.retry_after())
    }
}

impl From<ApiError> for HttpError {
    fn from(error: ApiError) -> Self {
        Self(error, None)
    }
}

impl HttpError {
    /// As a server function answers an error: the bare `ApiError` (its `JsonEncoding`, which the
    /// app's client decodes), not the REST envelope.
    pub fn into_server_fn_response(self) -> Response {
        let status = self.status();
        let retry_after = self.retry_after();
        with_retry_after((status, axum::Json(self.0)).into_response(), retry_after)
    }

    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn retry_after(&self) -> Option<u64> {
        self.1
            .or((self.0.code == ErrorCode::Unavailable).then_some(5))
    }
}

fn with_retry_after(mut response: Response, seconds: Option<u64>) -> Response {
    if let Some(seconds) = seconds {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = self.retry_after();
        with_retry_after(
            (status, axum::Json(ErrorBody::from(self.0))).into_response(),
            retry_after,
        )
    }
}

impl From<JsonRejection> for HttpError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(ErrorCode::PayloadTooLarge, "The request body is too large.")
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => unsupported_media_type(),
            _ => Self::new(ErrorCode::MalformedRequest, rejection.body_text()),
        }
    }
}

impl From<PathRejection> for HttpError {
    fn from(rejection: PathRejection) -> Self {
        Self::new(ErrorCode::MalformedRequest, rejection.body_text())
    }
}

impl From<QueryRejection> for HttpError {
    fn from(rejection: QueryRejection) -> Self {
        Self::new(ErrorCode::MalformedRequest, rejection.body_text())
    }
}

/// `axum::Json`, but a bad body answers in our error format (400/413/415), never axum's text,
/// and the body must be a JSON object. Every request body of this API is one, and serde would
/// otherwise read a struct from an array: `["renamed"]` as `{"name": "renamed"}`, `[null]` as
/// an empty update that answers 200.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, HttpError> {
        if !json_content_type(request.headers()) {
            return Err(unsupported_media_type());
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    HttpError::new(ErrorCode::PayloadTooLarge, "The request body is too large.")
                }
                _ => HttpError::new(ErrorCode::MalformedRequest, rejection.body_text()),
            })?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(HttpError::new(
                ErrorCode::MalformedRequest,
                "The request body must be a JSON object.",
            ));
        }
        let axum::Json(value) = axum::Json::<T>::from_bytes(&bytes)?;
        Ok(Self(value))
    }
}

/// `application/json`, or an `application/…+json` type, as `axum::Json` accepts.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let essence = v.split(';').next().unwrap_or_default().trim();
            let essence = essence.to_ascii_lowercase();
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
}

fn unsupported_media_type() -> HttpError {
    HttpError::new(
        ErrorCode::UnsupportedMediaType,
        "Send the body as JSON with Content-Type: application/json.",
    )
}

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Unknown paths under `/api/`: JSON, not the HTML 404 page.
pub async fn api_not_found() -> HttpError {
    HttpError::new(ErrorCode::NotFound, "No such API endpoint.")
}

/// A known path with the wrong method.
pub async fn api_method_not_allowed() -> HttpError {
    HttpError::new(
        ErrorCode::MethodNotAllowed,
        "This endpoint does not accept that method.",
    )
}

/// A panic in a handler: logged, and answered as a plain 500 in our format.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "handler panicked");
    HttpError(ApiError::internal(), None).into_response()
}

/// Maps bodies that middleware rejected before any extractor ran (e.g. a 413 from a length
/// limit) into our format, so no plain-text error leaves `/api`.
pub async fn json_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::Unavailable,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::MalformedRequest,
    };
    let message = match code {
        ErrorCode::Internal => ApiError::internal().message,
        ErrorCode::PayloadTooLarge => "The request body is too large.".to_owned(),
        _ => status
            .canonical_reason()
            .unwrap_or("Request failed")
            .to_owned(),
    };
    let mut out = HttpError::new(code, message).into_response();
    *out.status_mut() = status;
    out
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::extract::DefaultBodyLimit;
    use axum::http::Request;
    use axum::routing::post;
    use axum::Router;
    use serde::Deserialize;
    use serde_json::Value;
    use tower::ServiceExt;

    use super::*;

    #[derive(Deserialize, serde::Serialize)]
    struct Input {
        name: String,
        count: u32,
    }

    /// A router shaped like `/api/v1`: the real extractor, limit and error middleware.
    fn router() -> Router {
        Router::new()
            .route(
                "/echo",
                post(|ApiJson(input): ApiJson<Input>| async move { ApiJson(input) }),
            )
            .layer(DefaultBodyLimit::max(64))
            .layer(axum::middleware::from_fn(json_errors))
    }

    async fn send(content_type: Option<&str>, body: &str) -> (u16, Value) {
        let mut req = Request::post("/echo");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let res = router()
            .oneshot(req.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap();
        let status = res.status().as_u16();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn good_json_passes() {
        let (status, body) = send(Some("application/json"), r#"{"name":"a","count":2}"#).await;
        assert_eq!(status, 200);
        assert_eq!(body["count"], 2);
    }

    #[tokio::test]
    async fn broken_json_is_a_400_malformed_request() {
        let (status, body) = send(Some("application/json"), r#"{"name":"a","#).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "malformed_request");
    }

    #[tokio::test]
    async fn a_wrong_type_is_a_400_malformed_request_not_a_422() {
        let (status, body) = send(Some("application/json"), r#"{"name":"a","count":"two"}"#).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "malformed_request");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("count"),
            "{body}"
        );
    }

    #[tokio::test]
    async fn a_missing_content_type_is_a_415() {
        let (status, body) = send(None, r#"{"name":"a","count":2}"#).await;
        assert_eq!(status, 415);
        assert_eq!(body["error"]["code"], "unsupported_media_type");
    }

    #[tokio::test]
    async fn a_body_that_is_not_an_object_is_a_400() {
        // serde reads a struct from an array in field order; the API takes objects only.
        for body in [r#"["a", 2]"#, " [null, null]", "null", "2", r#""a""#, ""] {
            let (status, reply) = send(Some("application/json"), body).await;
            assert_eq!(status, 400, "{body:?}: {reply}");
            assert_eq!(reply["error"]["code"], "malformed_request", "{body:?}");
        }
        let (status, _) = send(Some("application/json"), " \n{\"name\":\"a\",\"count\":2}").await;
        assert_eq!(status, 200, "leading whitespace is still an object");
    }

    #[tokio::test]
    async fn json_media_types_with_parameters_and_suffixes_are_accepted() {
        let body = r#"{"name":"a","count":2}"#;
        for ct in [
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/merge-patch+json",
        ] {
            assert_eq!(send(Some(ct), body).await.0, 200, "{ct}");
        }
        for ct in ["text/plain", "application/jsonx", "multipart/form-data"] {
            assert_eq!(send(Some(ct), body).await.0, 415, "{ct}");
        }
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_a_413() {
        let big = format!(r#"{{"name":"{}","count":1}}"#, "x".repeat(200));
        let (status, body) = send(Some("application/json"), &big).await;
        assert_eq!(status, 413);
        assert_eq!(body["error"]["code"], "payload_too_large");
    }
}
