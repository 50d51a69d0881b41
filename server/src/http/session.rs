//! Who is calling: bearer tokens for API clients, HttpOnly cookies for the browser, and the
//! cookies themselves. Resolution is delegated to `Services::authenticate`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use domain::ErrorCode;
use service::{Caller, ClientInfo, IssuedSession, Services, REFRESH_TTL_SECONDS};

use super::error::HttpError;
use crate::state::AppState;

/// The refresh token: only ever sent to the auth endpoints.
pub const REFRESH_COOKIE: &str = "tm_refresh";
/// The access token for the browser UI (SSR and server functions).
pub const ACCESS_COOKIE: &str = "tm_access";
/// Not a secret: tells the server a refresh cookie was set, so a page load with an expired
/// access cookie can renew it with a redirect instead of rendering signed out.
pub const HINT_COOKIE: &str = "tm_session";

/// A value of the request's `Cookie` header(s).
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// The bearer credential, if the request has one.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// How cookies are built for this deployment.
#[derive(Clone, Copy)]
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    fn build(
        &self,
        name: &str,
        value: &str,
        path: &str,
        max_age: u64,
        http_only: bool,
        same_site: &str,
    ) -> HeaderValue {
        let mut c = format!("{name}={value}; Path={path}; Max-Age={max_age}; SameSite={same_site}");
        if http_only {
            c.push_str("; HttpOnly");
        }
        if self.secure {
            c.push_str("; Secure");
        }
        HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The refresh cookie of API.md: HttpOnly, SameSite=Strict, Path=/api/v1/auth.
    pub fn refresh(&self, token: &str) -> HeaderValue {
        self.build(
            REFRESH_COOKIE,
            token,
            "/api/v1/auth",
            REFRESH_TTL_SECONDS,
            true,
            "Strict",
        )
    }

    /// The browser's cookies for a session: refresh, access (for pages and server functions) and
    /// the renewal hint.
    pub fn browser_session(&self, issued: &IssuedSession) -> Vec<HeaderValue> {
        vec![
            self.refresh(&issued.refresh_token),
            self.build(
                ACCESS_COOKIE,
                &issued.access_token,
                "/",
                issued.expires_in,
                true,
                "Lax",
            ),
            self.build(HINT_COOKIE, "1", "/", REFRESH_TTL_SECONDS, false, "Lax"),
        ]
    }

    /// Expires every session cookie.
    pub fn cleared(&self) -> Vec<HeaderValue> {
        vec![
            self.build(REFRESH_COOKIE, "", "/api/v1/auth", 0, true, "Strict"),
            self.build(ACCESS_COOKIE, "", "/", 0, true, "Lax"),
            self.build(HINT_COOKIE, "", "/", 0, false, "Lax"),
        ]
    }
}

impl FromRef<AppState> for CookiePolicy {
    fn from_ref(state: &AppState) -> Self {
        Self {
            secure: state.settings.is_https(),
        }
    }
}

/// Where the request comes from: the peer address, or the configured proxy header.
pub fn client_info(parts: &Parts, state: &AppState) -> ClientInfo {
    let header_ip = state
        .settings
        .client_ip_header
        .as_deref()
        .and_then(|h| parts.headers.get(h))
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').next().unwrap_or(v).trim().to_owned())
        .filter(|v| !v.is_empty());
    let peer_ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string());
    ClientInfo {
        ip: header_ip.or(peer_ip),
        user_agent: parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

/// Extractor: the request's client information.
pub struct Client(pub ClientInfo);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_info(parts, state)))
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
        match authenticate(&parts.headers, &state.services).await? {
            Some(caller) => Ok(Self(caller)),
            None => Err(HttpError::new(
                ErrorCode::Unauthenticated,
                "Sign in to continue.",
            )),
        }
    }
}

/// Extractor: the caller when there is one; a bad credential is still a 401.
pub struct MaybeAuthenticated(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeAuthenticated {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(authenticate(&parts.headers, &state.services).await?))
    }
}

/// Resolves the request's credential. A presented but invalid bearer token is an error; an
/// invalid cookie just means "not signed in".
pub async fn authenticate(
    headers: &axum::http::HeaderMap,
    services: &Services,
) -> Result<Option<Caller>, HttpError> {
    if let Some(token) = bearer(headers) {
        return services
            .authenticate(token)
            .await
            .map(Some)
            .map_err(HttpError::from);
    }
    match cookie(headers, ACCESS_COOKIE) {
        Some(token) => match services.authenticate(token).await {
            Ok(caller) => Ok(Some(caller)),
            Err(e) if e.is_server_fault() => Err(e.into()),
            Err(_) => Ok(None),
        },
        None => Ok(None),
    }
}
