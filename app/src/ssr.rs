//! Server-side helpers for server functions: reach the service layer, map its errors.
//!
//! A server function is: find `Services`, call one service, map the error. Authorization and rules
//! live in the service layer, never here.

use domain::ApiError;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use service::Services;

/// The service layer, provided as context by the server for every render and server-function call.
pub fn services() -> Result<Services, ApiError> {
    use_context::<Services>().ok_or_else(|| {
        tracing_missing_context();
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

fn tracing_missing_context() {
    tracing::error!("Services missing from the Leptos context: the server did not provide it");
}
