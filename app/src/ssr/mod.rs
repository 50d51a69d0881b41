//! Server-side helpers for server functions: reach the service layer, know the caller, set
//! cookies, map errors.
//!
//! A server function is: find `Services`, resolve the caller, call one service, map the error.
//! Authorization and rules live in the service layer, never here.

pub mod session;

use domain::{ApiError, ErrorCode};
use http::header::SET_COOKIE;
use http::request::Parts;
use http::HeaderValue;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use service::{Caller, ClientInfo, Services};

pub use session::CookiePolicy;

/// The service layer, provided as context by the server for every render and server-function call.
pub fn services() -> Result<Services, ApiError> {
    use_context::<Services>().ok_or_else(|| {
        tracing::error!("Services missing from the Leptos context: the server did not provide it");
        ApiError::internal()
    })
}

/// Maps a service error for the client: logs server faults once, here, and sets the HTTP status.
pub fn fail(error: service::Error) -> ApiError {
    let api = error.to_api();
    set_status(api.status());
    if error.is_server_fault() {
        tracing::error!(error = %error.chain(), "server function failed");
    }
    api
}

/// Sets the status code of the response being built (page render or server-function call).
pub fn set_status(status: u16) {
    if let (Some(options), Ok(code)) = (
        use_context::<ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        options.set_status(code);
    }
}

/// Adds `Set-Cookie` headers to the response being built.
pub fn set_cookies(cookies: Vec<HeaderValue>) {
    if let Some(options) = use_context::<ResponseOptions>() {
        for c in cookies {
            options.append_header(SET_COOKIE, c);
        }
    }
}

pub fn cookie_policy() -> CookiePolicy {
    use_context::<CookiePolicy>().unwrap_or(CookiePolicy { secure: true })
}

/// Who sent the request (set by the server's client-info middleware).
pub fn client_info() -> ClientInfo {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<ClientInfo>().cloned())
        .unwrap_or_default()
}

/// The signed-in caller, if any.
pub async fn caller() -> Result<Option<Caller>, ApiError> {
    let services = services()?;
    let Some(parts) = use_context::<Parts>() else {
        return Ok(None);
    };
    session::authenticate(&parts.headers, &services)
        .await
        .map_err(fail)
}

/// The signed-in caller, or 401.
pub async fn require_caller() -> Result<Caller, ApiError> {
    caller().await?.ok_or_else(|| {
        set_status(401);
        ApiError::new(ErrorCode::Unauthenticated, "Sign in to continue.")
    })
}
