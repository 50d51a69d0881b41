//! `/api/v1/auth/*`: thin adapters over the account services.

use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use domain::account::{
    AuthResponse, ChangePasswordRequest, CreateTokenRequest, LoginRequest, RegisterRequest,
    TokenResponse,
};
use domain::ErrorCode;
use serde_json::json;
use service::{IssuedSession, Services};

use super::error::{ApiJson, HttpError, HttpResult};
use super::session::{
    cookie, Authenticated, Client, CookiePolicy, MaybeAuthenticated, REFRESH_COOKIE,
};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/renew", get(renew_redirect).post(renew_browser))
        .route("/logout", post(logout))
        .route("/me", get(me).delete(delete_account))
        .route("/password-reset", post(request_password_reset))
        .route("/password-reset/confirm", post(confirm_password_reset))
        .route("/verify-email", post(verify_email))
        .route("/password", post(change_password))
        .route("/sessions", get(list_sessions).delete(revoke_all_sessions))
        .route("/sessions/{id}", delete(revoke_session))
        .route("/tokens", get(list_tokens).post(create_token))
        .route("/tokens/{id}", delete(delete_token))
}

fn with_cookies(
    status: StatusCode,
    cookies: Vec<axum::http::HeaderValue>,
    body: impl IntoResponse,
) -> Response {
    let mut response = (status, body).into_response();
    for c in cookies {
        response.headers_mut().append(SET_COOKIE, c);
    }
    response
}

fn auth_body(issued: &IssuedSession) -> Json<AuthResponse> {
    Json(AuthResponse {
        user: issued.user.clone(),
        access_token: issued.access_token.clone(),
        token_type: "Bearer".to_owned(),
        expires_in: issued.expires_in,
    })
}

async fn register(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    Client(client): Client,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> HttpResult<Response> {
    let issued = services.register(&body, &client).await?;
    Ok(with_cookies(
        StatusCode::CREATED,
        vec![cookies.refresh(&issued.refresh_token)],
        auth_body(&issued),
    ))
}

async fn login(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    Client(client): Client,
    ApiJson(body): ApiJson<LoginRequest>,
) -> HttpResult<Response> {
    let issued = services.login(&body, &client).await?;
    Ok(with_cookies(
        StatusCode::OK,
        vec![cookies.refresh(&issued.refresh_token)],
        auth_body(&issued),
    ))
}

async fn refresh(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    Client(client): Client,
    headers: HeaderMap,
) -> HttpResult<Response> {
    let token = cookie(&headers, REFRESH_COOKIE).ok_or_else(|| {
        HttpError::new(
            ErrorCode::Unauthenticated,
            "No refresh cookie: sign in again.",
        )
    })?;
    match services.refresh(token, &client).await {
        Ok(issued) => {
            let body = Json(TokenResponse {
                access_token: issued.access_token.clone(),
                token_type: "Bearer".to_owned(),
                expires_in: issued.expires_in,
            });
            Ok(with_cookies(
                StatusCode::OK,
                vec![cookies.refresh(&issued.refresh_token)],
                body,
            ))
        }
        Err(e) if e.code() == ErrorCode::Unauthenticated => {
            // A dead refresh token: clear the cookies so the browser stops presenting it.
            Ok(with_cookies(
                StatusCode::UNAUTHORIZED,
                cookies.cleared(),
                HttpError::from(e),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Browser sessions: rotate the refresh cookie and set fresh access and hint cookies.
async fn renew_cookies(
    services: &Services,
    cookies: CookiePolicy,
    client: &service::ClientInfo,
    headers: &HeaderMap,
) -> Result<Vec<axum::http::HeaderValue>, service::Error> {
    let token = cookie(headers, REFRESH_COOKIE)
        .ok_or_else(|| service::Error::client(ErrorCode::Unauthenticated, "No session."))?;
    let issued = services.refresh(token, client).await?;
    Ok(cookies.browser_session(&issued))
}

/// `POST /auth/renew`: the hydrated app renews its cookies before the access token expires.
async fn renew_browser(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    Client(client): Client,
    headers: HeaderMap,
) -> HttpResult<Response> {
    match renew_cookies(&services, cookies, &client, &headers).await {
        Ok(set) => Ok(with_cookies(StatusCode::NO_CONTENT, set, ())),
        Err(e) if e.code() == ErrorCode::Unauthenticated => Ok(with_cookies(
            StatusCode::UNAUTHORIZED,
            cookies.cleared(),
            HttpError::from(e),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
struct Next {
    next: Option<String>,
    /// Set by the retry page: a second attempt without the cookie gives up (and clears).
    #[serde(default)]
    retry: bool,
}

/// `GET /auth/renew?next=/path`: a page load found the access cookie expired but the session
/// hint present; renew (or clear) the cookies and go back, so the page renders signed in with
/// no flash of signed-out content.
async fn renew_redirect(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    Client(client): Client,
    headers: HeaderMap,
    axum::extract::Query(query): axum::extract::Query<Next>,
) -> Response {
    let next = query
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".to_owned());
    if cookie(&headers, REFRESH_COOKIE).is_none() && !query.retry {
        // A navigation that started on another site (a link in a mail) does not carry the
        // SameSite=Strict refresh cookie, even through our own redirect. Ask again from a page
        // of ours: a same-origin navigation does carry it. Clearing here would sign people out.
        return retry_page(&next);
    }
    let set = match renew_cookies(&services, cookies, &client, &headers).await {
        Ok(set) => set,
        Err(e) => {
            if e.is_server_fault() {
                tracing::error!(error = %e.chain(), "session renewal failed");
            }
            cookies.cleared()
        }
    };
    let mut response = with_cookies(StatusCode::SEE_OTHER, set, ());
    if let Ok(location) = axum::http::HeaderValue::from_str(&next) {
        response
            .headers_mut()
            .insert(axum::http::header::LOCATION, location);
    }
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// A tiny page that navigates (same-origin, no script) to the renewal again, marked as a retry.
fn retry_page(next: &str) -> Response {
    let target = format!(
        "/api/v1/auth/renew?retry=true&next={}",
        super::session::encode_component(next)
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={target}\">\
         <title>Signing you in…</title></head><body><p>Signing you in… <a href=\"{target}\">Continue</a></p></body></html>"
    );
    let mut response = (StatusCode::OK, axum::response::Html(html)).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// Only same-site paths: never an open redirect.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

async fn logout(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    MaybeAuthenticated(caller): MaybeAuthenticated,
    headers: HeaderMap,
) -> HttpResult<Response> {
    services
        .logout(cookie(&headers, REFRESH_COOKIE), caller.as_ref())
        .await?;
    Ok(with_cookies(StatusCode::NO_CONTENT, cookies.cleared(), ()))
}

async fn me(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Json<serde_json::Value>> {
    let user = services.me(&caller).await?;
    Ok(Json(json!({ "user": user })))
}

async fn delete_account(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Response> {
    services.delete_account(&caller).await?;
    Ok(with_cookies(StatusCode::NO_CONTENT, cookies.cleared(), ()))
}

async fn change_password(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> HttpResult<StatusCode> {
    services.change_password(&caller, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_sessions(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Json<serde_json::Value>> {
    let items = services.list_sessions(&caller).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

async fn revoke_session(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    services.revoke_sessions(&caller, Some(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn revoke_all_sessions(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Response> {
    services.revoke_sessions(&caller, None).await?;
    Ok(with_cookies(StatusCode::NO_CONTENT, cookies.cleared(), ()))
}

async fn create_token(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<CreateTokenRequest>,
) -> HttpResult<(StatusCode, Json<domain::account::CreatedToken>)> {
    let created = services.create_api_token(&caller, &body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn list_tokens(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Json<serde_json::Value>> {
    let items = services.list_api_tokens(&caller).await?;
    Ok(Json(json!({ "items": items, "next_cursor": null })))
}

async fn delete_token(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    services.delete_api_token(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
struct EmailBody {
    email: String,
}

#[derive(serde::Deserialize)]
struct ResetConfirmBody {
    token: String,
    password: String,
}

#[derive(serde::Deserialize)]
struct TokenBody {
    token: String,
}

/// 202 whether or not the account exists: the answer never tells who has an account.
async fn request_password_reset(
    State(services): State<Services>,
    Client(client): Client,
    ApiJson(body): ApiJson<EmailBody>,
) -> HttpResult<StatusCode> {
    services
        .request_password_reset(&body.email, &client)
        .await?;
    Ok(StatusCode::ACCEPTED)
}

async fn confirm_password_reset(
    State(services): State<Services>,
    ApiJson(body): ApiJson<ResetConfirmBody>,
) -> HttpResult<StatusCode> {
    services
        .confirm_password_reset(&body.token, &body.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn verify_email(
    State(services): State<Services>,
    ApiJson(body): ApiJson<TokenBody>,
) -> HttpResult<StatusCode> {
    services.verify_email(&body.token).await?;
    Ok(StatusCode::NO_CONTENT)
}
