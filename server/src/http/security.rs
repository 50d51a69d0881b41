//! Cross-site request forgery defence and the general API rate limit.

use axum::extract::{Request, State};
use axum::http::header::{HeaderName, ORIGIN};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::ErrorCode;
use service::ratelimit::{limits, Decision};

use super::error::HttpError;
use super::session::{bearer, cookie, ACCESS_COOKIE, REFRESH_COOKIE};
use crate::state::AppState;
use service::ClientInfo;

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Refuses state-changing requests that a browser sent from another site:
/// - an `Origin` that is not the app's, or `Sec-Fetch-Site: cross-site`/`same-site`: 403;
/// - a request carrying session cookies (and no bearer token) must prove it is same-origin with
///   `Origin` or `Sec-Fetch-Site`, since cookies are what a forged request would ride on.
///
/// Covers REST and server functions alike: it wraps the whole router.
pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    let fetch_site = headers.get(SEC_FETCH_SITE).and_then(|v| v.to_str().ok());
    let public_origin = state.settings.public_origin();

    let origin_ok = origin.map(|o| o.eq_ignore_ascii_case(&public_origin));
    let site_ok = fetch_site.map(|s| matches!(s, "same-origin" | "none"));
    let uses_cookies = bearer(headers).is_none()
        && (cookie(headers, ACCESS_COOKIE).is_some() || cookie(headers, REFRESH_COOKIE).is_some());

    let allowed = match (origin_ok, site_ok) {
        (Some(false), _) | (_, Some(false)) => false,
        (Some(true), _) | (_, Some(true)) => true,
        (None, None) => !uses_cookies,
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(
            ?origin,
            ?fetch_site,
            "cross-site state-changing request refused"
        );
        HttpError::new(ErrorCode::Forbidden, "Cross-site requests are not allowed.").into_response()
    }
}

/// The general per-client limit on API calls (REST and server functions).
pub async fn api_rate_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(client) = api_client(&request) {
        if let Some(refusal) = api_limit(&state, client).await {
            return refusal.into_response();
        }
    }
    next.run(request).await
}

/// Who an API request counts against: its client's address, or `None` for requests that are
/// never limited.
pub fn api_client(request: &Request) -> Option<String> {
    // Probes come from the balancer's one address, often: never limit them.
    if request.uri().path().contains("/health") {
        return None;
    }
    Some(
        request
            .extensions()
            .get::<ClientInfo>()
            .and_then(|c| c.ip.clone())
            .unwrap_or_else(|| "unknown".to_owned()),
    )
}

/// Counts one call against `client`'s API allowance: the 429 to answer when it is spent,
/// `None` to go on. One bucket per client for every API entry point, so server functions and
/// REST draw on the same allowance.
pub async fn api_limit(state: &AppState, client: String) -> Option<HttpError> {
    match state
        .services
        .rate_limiter()
        .check(&limits::API_PER_CLIENT, &client)
        .await
    {
        Decision::Allowed => None,
        Decision::Limited { retry_after } => Some(HttpError::from(service::Error::RateLimited {
            retry_after_secs: retry_after.as_secs().max(1),
        })),
    }
}
