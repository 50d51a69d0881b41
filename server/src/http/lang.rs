//! `GET /lang/{tag}?next=/path`: a visitor picks the UI's language on the start pages.
//!
//! Sets the `tm_lang` cookie (see `app::i18n`) and sends the browser back to `next`, a path of
//! this site (anything else goes to `/`, so the link cannot redirect elsewhere). Signed-in people
//! choose on their account page instead, where the choice is saved with the account.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::Locale;
use serde::Deserialize;

use super::error::HttpError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn choose(
    State(state): State<AppState>,
    Path(tag): Path<String>,
    Query(query): Query<Next>,
) -> Response {
    let Some(locale) = Locale::parse(&tag) else {
        return HttpError::new(
            domain::ErrorCode::NotFound,
            "This app does not speak that language (en, de).",
        )
        .into_response();
    };
    let next = safe_next(query.next.as_deref());
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::LOCATION,
        HeaderValue::from_str(next).unwrap_or_else(|_| HeaderValue::from_static("/")),
    );
    headers.insert(
        header::SET_COOKIE,
        app::i18n::locale_cookie(locale, state.settings.is_https()),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A local path, or `/`: not `//host`, not `/\host`, not a scheme, no control characters.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.len() <= 2048
                && !p.chars().any(|c| c.is_control()) =>
        {
            p
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/signin")), "/signin");
        assert_eq!(
            safe_next(Some("/w/abc/list?status=done")),
            "/w/abc/list?status=done"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x=1")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
