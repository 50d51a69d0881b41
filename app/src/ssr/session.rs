//! Session cookies and caller resolution: shared by REST handlers (in `server`) and server
//! functions (here), so the rules for who is signed in exist once.

use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderValue};
use service::{Caller, IssuedSession, Services, REFRESH_TTL_SECONDS};

/// The refresh token: only ever sent to the auth endpoints.
pub const REFRESH_COOKIE: &str = "tm_refresh";
/// The access token for the browser UI (pages and server functions).
pub const ACCESS_COOKIE: &str = "tm_access";
/// Not a secret: tells the server a refresh cookie was set, so a page load whose access cookie
/// expired can renew it with a redirect instead of rendering signed out.
pub const HINT_COOKIE: &str = "tm_session";

/// A cookie from the request's `Cookie` header(s).
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
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

/// The bearer credential, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// How this deployment builds cookies (Secure whenever the public URL is https).
#[derive(Clone, Copy, Debug)]
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

    /// The refresh cookie of the API contract: HttpOnly, SameSite=Strict, Path=/api/v1/auth.
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

    /// The browser's cookies for a session: refresh, access (expires with the token) and hint.
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

/// Resolves the request's credential: a bearer token first, then the access cookie. A bad
/// bearer token is an error (the client meant it); a bad cookie only means "not signed in".
pub async fn authenticate(
    headers: &HeaderMap,
    services: &Services,
) -> Result<Option<Caller>, service::Error> {
    if let Some(token) = bearer(headers) {
        return services.authenticate(token).await.map(Some);
    }
    match cookie(headers, ACCESS_COOKIE) {
        Some(token) => match services.authenticate(token).await {
            Ok(caller) => Ok(Some(caller)),
            Err(e) if e.is_server_fault() => Err(e),
            Err(_) => Ok(None),
        },
        None => Ok(None),
    }
}
