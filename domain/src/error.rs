//! The one error vocabulary of the product: stable snake_case codes, each with its HTTP status.
//!
//! REST handlers, server functions and the websocket hub all speak it; the UI translates codes
//! into words, so a code never changes meaning once shipped.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code. The doc comment of each variant names its HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(
        description = "A stable, machine-readable error code, each with its HTTP status: \
            malformed_request 400, invalid_token 400, unauthenticated 401, invalid_credentials 401, \
            forbidden 403, not_found 404, method_not_allowed 405, version_conflict 409, \
            email_taken 409, resync_required 410, payload_too_large 413, \
            unsupported_media_type 415, validation_failed 422, rate_limited 429, internal 500, \
            unavailable 503."
    )
)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not valid JSON, or a value has the wrong type.
    MalformedRequest,
    /// 400: a single-use token is unknown, used or expired.
    InvalidToken,
    /// 401: no valid credentials were presented.
    Unauthenticated,
    /// 401: the email/password pair does not match an account.
    InvalidCredentials,
    /// 403: the caller may not do this.
    Forbidden,
    /// 404: no such resource, or the caller cannot see it.
    NotFound,
    /// 405: the resource exists but not with this method.
    MethodNotAllowed,
    /// 409: the `version` sent is not the current one.
    VersionConflict,
    /// 409: an account with this email exists.
    EmailTaken,
    /// 410: the change feed no longer holds the requested version.
    ResyncRequired,
    /// 413: the body is larger than allowed.
    PayloadTooLarge,
    /// 415: the body's content type is not accepted here.
    UnsupportedMediaType,
    /// 422: the request parsed but some fields are invalid (see `fields`).
    ValidationFailed,
    /// 429: too many requests; see `Retry-After`.
    RateLimited,
    /// 500: something broke on our side; details are in the server log, never in the response.
    Internal,
    /// 503: a dependency is down or the instance is draining.
    Unavailable,
}

impl ErrorCode {
    /// The HTTP status code that goes with this error code.
    pub const fn status(self) -> u16 {
        match self {
            Self::MalformedRequest | Self::InvalidToken => 400,
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::VersionConflict | Self::EmailTaken => 409,
            Self::ResyncRequired => 410,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::ValidationFailed => 422,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::Unavailable => 503,
        }
    }

    /// The wire name, as it appears in `{"error":{"code": ...}}`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MalformedRequest => "malformed_request",
            Self::InvalidToken => "invalid_token",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::VersionConflict => "version_conflict",
            Self::EmailTaken => "email_taken",
            Self::ResyncRequired => "resync_required",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::ValidationFailed => "validation_failed",
            Self::RateLimited => "rate_limited",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as a client sees it: a code, a human message, and per-field reasons for validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    /// For people: may change wording at any time; match on `code`.
    pub message: String,
    /// Only with `validation_failed`: why, by field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub fields: Option<BTreeMap<String, String>>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: None,
        }
    }

    /// A 422 naming each invalid field and why.
    pub fn validation(fields: BTreeMap<String, String>) -> Self {
        Self {
            code: ErrorCode::ValidationFailed,
            message: "Some fields are invalid.".to_owned(),
            fields: Some(fields),
        }
    }

    /// The generic 500: says nothing about the cause, which is logged on the server instead.
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "Something went wrong on our side. Please try again.",
        )
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// The JSON envelope of every error response: `{"error": {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Error))]
pub struct ErrorBody {
    pub error: ApiError,
}

impl From<ApiError> for ErrorBody {
    fn from(error: ApiError) -> Self {
        Self { error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [ErrorCode; 16] = [
        ErrorCode::MalformedRequest,
        ErrorCode::InvalidToken,
        ErrorCode::Unauthenticated,
        ErrorCode::InvalidCredentials,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::VersionConflict,
        ErrorCode::EmailTaken,
        ErrorCode::ResyncRequired,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::ValidationFailed,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
    ];

    #[test]
    fn wire_names_match_serde_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
        }
    }

    #[test]
    fn statuses_follow_the_contract() {
        assert_eq!(ErrorCode::ValidationFailed.status(), 422);
        assert_eq!(ErrorCode::MalformedRequest.status(), 400);
        assert_eq!(ErrorCode::InvalidCredentials.status(), 401);
        assert_eq!(ErrorCode::VersionConflict.status(), 409);
        assert_eq!(ErrorCode::PayloadTooLarge.status(), 413);
        assert_eq!(ErrorCode::RateLimited.status(), 429);
        assert_eq!(ErrorCode::Unavailable.status(), 503);
    }

    #[test]
    fn envelope_omits_fields_unless_validation() {
        let body = ErrorBody::from(ApiError::new(ErrorCode::NotFound, "No such task."));
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "not_found", "message": "No such task."}})
        );

        let mut fields = BTreeMap::new();
        fields.insert("title".to_owned(), "must not be empty".to_owned());
        let json = serde_json::to_value(ErrorBody::from(ApiError::validation(fields))).unwrap();
        assert_eq!(json["error"]["fields"]["title"], "must not be empty");
        assert_eq!(json["error"]["code"], "validation_failed");
    }
}

/// Server functions return `ApiError` itself, so the browser gets the same codes as REST clients.
#[cfg(feature = "server-fn")]
mod server_fn_support {
    use super::{ApiError, ErrorCode};
    use server_fn::codec::JsonEncoding;
    use server_fn::error::{FromServerFnError, ServerFnErrorErr};

    impl FromServerFnError for ApiError {
        type Encoder = JsonEncoding;

        fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
            match value {
                ServerFnErrorErr::Args(why) | ServerFnErrorErr::MissingArg(why) => {
                    ApiError::new(ErrorCode::MalformedRequest, why)
                }
                // On the server this is a request body that does not decode (JSON-encoded
                // arguments); in the browser, an answer that does not, which stays internal.
                #[cfg(not(target_arch = "wasm32"))]
                ServerFnErrorErr::Deserialization(why) => ApiError::new(
                    ErrorCode::MalformedRequest,
                    format!("The request body could not be read: {why}"),
                ),
                ServerFnErrorErr::Request(_) => ApiError::new(
                    ErrorCode::Unavailable,
                    "Could not reach the server. Check your connection.",
                ),
                _ => ApiError::internal(),
            }
        }
    }
}
