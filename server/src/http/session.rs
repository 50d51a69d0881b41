//! Who is calling, for REST handlers: the client-info middleware and the auth extractors. The
//! cookie rules and credential resolution are `app::ssr::session`'s, shared with server
//! functions.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts, Request, State};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use domain::ErrorCode;
use service::{Caller, ClientInfo};

pub use app::ssr::session::{
    bearer, cookie, CookiePolicy, ACCESS_COOKIE, HINT_COOKIE, REFRESH_COOKIE,
};

use super::error::HttpError;
use crate::state::AppState;

impl FromRef<AppState> for CookiePolicy {
    fn from_ref(state: &AppState) -> Self {
        Self {
            secure: state.settings.is_https(),
        }
    }
}

/// Middleware: records where the request comes from (the peer, or the header the trusted proxy
/// sets) as a `ClientInfo` extension, for rate limits and session lists.
pub async fn client_info(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let header_ip = state
        .settings
        .client_ip_header
        .as_deref()
        .and_then(|h| request.headers().get(h))
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').next().unwrap_or(v).trim().to_owned())
        .filter(|v| !v.is_empty());
    let peer_ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    let info = ClientInfo {
        ip: header_ip.or(peer_ip),
        user_agent: request
            .headers()
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    };
    request.extensions_mut().insert(info);
    next.run(request).await
}

/// Extractor: the request's client information.
pub struct Client(pub ClientInfo);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ClientInfo>()
                .cloned()
                .unwrap_or_default(),
        ))
    }
}

/// Extractor: an authenticated caller (bearer token first, then the access cookie), or 401.
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match app::ssr::session::authenticate(&parts.headers, &state.services).await? {
            Some(caller) => Ok(Self(caller)),
            None => Err(HttpError::new(
                ErrorCode::Unauthenticated,
                "Sign in to continue.",
            )),
        }
    }
}

/// Extractor: the caller when there is one; a bad bearer token is still a 401.
pub struct MaybeAuthenticated(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeAuthenticated {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(
            app::ssr::session::authenticate(&parts.headers, &state.services).await?,
        ))
    }
}

/// Middleware for page loads: when the access cookie has expired (browsers drop it with its
/// token) but the session hint is there, renew first (a redirect through `/api/v1/auth/renew`,
/// where the refresh cookie is sent) so the page renders signed in.
pub async fn renew_expired_session(request: Request, next: Next) -> Response {
    use axum::http::{header, Method, StatusCode};
    let path = request.uri().path();
    let is_page = request.method() == Method::GET
        && !path.starts_with("/api")
        && !path.starts_with("/pkg")
        && path != "/metrics"
        && !path.contains('.')
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    let headers = request.headers();
    if is_page && cookie(headers, HINT_COOKIE).is_some() && cookie(headers, ACCESS_COOKIE).is_none()
    {
        let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let location = format!("/api/v1/auth/renew?next={}", encode_component(target));
        if let Ok(value) = axum::http::HeaderValue::from_str(&location) {
            let mut response = Response::new(axum::body::Body::empty());
            *response.status_mut() = StatusCode::SEE_OTHER;
            response.headers_mut().insert(header::LOCATION, value);
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            return response;
        }
    }
    next.run(request).await
}

pub(super) fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
