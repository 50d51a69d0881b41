//! `/api/v1/auth/*`: thin adapters over the account services.

use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use domain::account::{
    AuthResponse, ChangePasswordRequest, CreateTokenRequest, CreatedToken, LoginRequest,
    RegisterRequest, TokenResponse,
};
use domain::{ErrorBody, ErrorCode};
use serde_json::json;
use service::{IssuedSession, Services};

use super::error::{ApiJson, HttpError, HttpResult};
use super::openapi::{
    whole_list, ApiTokenList, CrossSite, Forbidden, MalformedRequest, MeResponse, NotFound,
    PayloadTooLarge, ReadOnlyToken, SessionEnded, SessionList, Unauthenticated,
    UnsupportedMediaType,
};
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
        .route("/me", get(me).patch(update_me).delete(delete_account))
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

/// Create an account and sign in.
#[utoipa::path(
    post,
    path = "/auth/register",
    operation_id = "register",
    tag = "accounts",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in.", body = AuthResponse,
            headers(("Set-Cookie" = String, description = "tm_refresh=<refresh token>; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Secure when the public URL is https."))),
        (status = 400, response = MalformedRequest),
        (status = 409, description = "email_taken: an account with this email already exists.", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields names each bad field (email, password, name, locale).", body = ErrorBody),
    )
)]
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

/// Sign in with email and password.
#[utoipa::path(
    post,
    path = "/auth/login",
    operation_id = "login",
    tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = AuthResponse,
            headers(("Set-Cookie" = String, description = "tm_refresh=<refresh token>; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Secure when the public URL is https."))),
        (status = 400, response = MalformedRequest),
        (status = 401, description = "invalid_credentials: the same answer for an unknown email and a wrong password.", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    )
)]
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

/// Exchange the tm_refresh cookie for a new access token; the refresh token is rotated.
///
/// Takes no body: the refresh token is read from the tm_refresh cookie. Each refresh token can be
/// used once; presenting an already-rotated refresh token revokes the whole token family (every
/// session descended from the same sign-in).
#[utoipa::path(
    post,
    path = "/auth/refresh",
    operation_id = "refresh",
    tag = "accounts",
    security(("refreshCookie" = [])),
    responses(
        (status = 200, description = "A new access token; the Set-Cookie header carries the rotated refresh token.", body = TokenResponse,
            headers(("Set-Cookie" = String, description = "tm_refresh=<refresh token>; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Secure when the public URL is https."))),
        (status = 401, response = SessionEnded),
        (status = 403, response = CrossSite),
    )
)]
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

/// The hydrated browser app renews its session cookies before the access token expires.
///
/// The refresh cookie is rotated, as with `POST /auth/refresh`, and the access and hint cookies
/// are set again.
#[utoipa::path(
    post,
    path = "/auth/renew",
    operation_id = "renewBrowser",
    tag = "accounts",
    security(("refreshCookie" = [])),
    responses(
        (status = 204, description = "Cookies renewed.",
            headers(("Set-Cookie" = String, description = "tm_refresh (HttpOnly, SameSite=Strict, Path=/api/v1/auth), tm_access (the access token: HttpOnly, SameSite=Lax, Path=/, expires with the token) and tm_session (a hint that a session exists: SameSite=Lax, Path=/)."))),
        (status = 401, response = SessionEnded),
        (status = 403, response = CrossSite),
    )
)]
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

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Next {
    /// A local path (starting with a single /) to go back to; anything else redirects to /.
    next: Option<String>,
    /// Set by the retry page: a second attempt without the cookie gives up (and clears).
    #[serde(default)]
    retry: bool,
}

/// Browser page loads: renew the session cookies, then redirect (303) to the local path in `next`.
///
/// A page load found the access cookie expired but the session hint present: the refresh cookie
/// is rotated and fresh access and hint cookies are set, so the page renders signed in with no
/// flash of signed-out content. On failure the cookies are cleared and the redirect still
/// happens. A navigation that started on another site does not carry the SameSite=Strict refresh
/// cookie: without it (and without `retry`), the answer is a small page that asks again from
/// this origin, with `retry=true`.
#[utoipa::path(
    get,
    path = "/auth/renew",
    operation_id = "renewRedirect",
    tag = "accounts",
    params(Next),
    security((), ("refreshCookie" = [])),
    responses(
        (status = 303, description = "Back to `next`, cookies renewed or cleared.",
            headers(
                ("Location" = String, description = "`next`, or / when it is not a local path."),
                ("Set-Cookie" = String, description = "The renewed tm_refresh, tm_access and tm_session cookies, or all three expired."),
                ("Cache-Control" = String, description = "no-store"),
            )),
        (status = 200, description = "No refresh cookie came with a first attempt: an HTML page that navigates (without script) to this endpoint again with retry=true.",
            body = String, content_type = "text/html",
            headers(("Cache-Control" = String, description = "no-store"))),
        (status = 400, response = MalformedRequest),
    )
)]
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

/// Sign out: revoke the current session and clear the cookies.
///
/// Credentials are optional: the session named by the tm_refresh cookie, or by the caller's
/// access token, is revoked. A bearer token that is present but invalid is still a 401.
#[utoipa::path(
    post,
    path = "/auth/logout",
    operation_id = "logout",
    tag = "accounts",
    security(("bearerAuth" = []), ("cookieAuth" = []), ()),
    responses(
        (status = 204, description = "Signed out; the session cookies are cleared.",
            headers(("Set-Cookie" = String, description = "Expires the session cookies tm_refresh, tm_access and tm_session."))),
        (status = 401, response = Unauthenticated),
        (status = 403, response = CrossSite),
    )
)]
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

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/auth/me",
    operation_id = "me",
    tag = "accounts",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "The caller's account.", body = MeResponse),
        (status = 401, response = Unauthenticated),
    )
)]
async fn me(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Json<serde_json::Value>> {
    let user = services.me(&caller).await?;
    Ok(Json(json!({ "user": user })))
}

/// Change the caller's name and preferences: language of the UI (`en`, `de`), time zone (IANA
/// name; reminders and the digest come in its mornings), mailed reminders, the daily digest.
#[utoipa::path(
    patch,
    path = "/auth/me",
    operation_id = "updateMe",
    tag = "accounts",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = domain::account::UpdateProfileRequest,
    responses(
        (status = 200, description = "The account as it is now.", body = MeResponse),
        (status = 400, response = MalformedRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = ReadOnlyToken),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields.name, fields.time_zone or fields.locale", body = ErrorBody),
    )
)]
async fn update_me(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<domain::account::UpdateProfileRequest>,
) -> HttpResult<Json<serde_json::Value>> {
    let user = services.update_profile(&caller, &body).await?;
    Ok(Json(json!({ "user": user })))
}

/// Delete the account with its sessions and API tokens.
#[utoipa::path(
    delete,
    path = "/auth/me",
    operation_id = "deleteAccount",
    tag = "accounts",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Account deleted; the session cookies are cleared.",
            headers(("Set-Cookie" = String, description = "Expires the session cookies tm_refresh, tm_access and tm_session."))),
        (status = 401, response = Unauthenticated),
        (status = 403, response = ReadOnlyToken),
    )
)]
async fn delete_account(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Response> {
    services.delete_account(&caller).await?;
    Ok(with_cookies(StatusCode::NO_CONTENT, cookies.cleared(), ()))
}

/// Change the password; every other session is signed out.
#[utoipa::path(
    post,
    path = "/auth/password",
    operation_id = "changePassword",
    tag = "accounts",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed; every other session is signed out."),
        (status = 400, response = MalformedRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = ReadOnlyToken),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields.current_password (wrong current password) or fields.new_password (does not meet the rules).", body = ErrorBody),
    )
)]
async fn change_password(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> HttpResult<StatusCode> {
    services.change_password(&caller, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's active sessions.
#[utoipa::path(
    get,
    path = "/auth/sessions",
    operation_id = "listSessions",
    tag = "accounts",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "Active sessions; current marks the one making this request.", body = SessionList),
        (status = 401, response = Unauthenticated),
    )
)]
async fn list_sessions(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Json<serde_json::Value>> {
    let items = services.list_sessions(&caller).await?;
    Ok(whole_list::<SessionList>(items))
}

/// Revoke one of the caller's sessions.
#[utoipa::path(
    delete,
    path = "/auth/sessions/{id}",
    operation_id = "revokeSession",
    tag = "accounts",
    params(("id" = String, Path, description = "The session id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Session revoked."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn revoke_session(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    services.revoke_sessions(&caller, Some(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out everywhere: revoke every session of the caller.
#[utoipa::path(
    delete,
    path = "/auth/sessions",
    operation_id = "revokeAllSessions",
    tag = "accounts",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Every session revoked; the session cookies are cleared.",
            headers(("Set-Cookie" = String, description = "Expires the session cookies tm_refresh, tm_access and tm_session."))),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
    )
)]
async fn revoke_all_sessions(
    State(services): State<Services>,
    State(cookies): State<CookiePolicy>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Response> {
    services.revoke_sessions(&caller, None).await?;
    Ok(with_cookies(StatusCode::NO_CONTENT, cookies.cleared(), ()))
}

/// Create a personal API token; the secret is shown once.
#[utoipa::path(
    post,
    path = "/auth/tokens",
    operation_id = "createToken",
    tag = "accounts",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "Token created; token holds the secret, which is not shown again.", body = CreatedToken),
        (status = 400, response = MalformedRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields names each bad field (name, scopes, expires_at).", body = ErrorBody),
    )
)]
async fn create_token(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<CreateTokenRequest>,
) -> HttpResult<(StatusCode, Json<CreatedToken>)> {
    let created = services.create_api_token(&caller, &body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The caller's personal API tokens (never the secret).
#[utoipa::path(
    get,
    path = "/auth/tokens",
    operation_id = "listTokens",
    tag = "accounts",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 200, description = "API tokens, without their secrets.", body = ApiTokenList),
        (status = 401, response = Unauthenticated),
    )
)]
async fn list_tokens(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
) -> HttpResult<Json<serde_json::Value>> {
    let items = services.list_api_tokens(&caller).await?;
    Ok(whole_list::<ApiTokenList>(items))
}

/// Delete (revoke) a personal API token.
#[utoipa::path(
    delete,
    path = "/auth/tokens/{id}",
    operation_id = "deleteToken",
    tag = "accounts",
    params(("id" = String, Path, description = "The API token id.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 204, description = "Token deleted."),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn delete_token(
    State(services): State<Services>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> HttpResult<StatusCode> {
    services.delete_api_token(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who forgot their password.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = PasswordResetRequest)]
struct EmailBody {
    email: String,
}

/// A new password, with the token from the reset mail.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = PasswordResetConfirmation)]
struct ResetConfirmBody {
    token: String,
    #[schema(min_length = 8, max_length = 128)]
    password: String,
}

/// The token from the verification mail.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[schema(as = EmailVerification)]
struct TokenBody {
    token: String,
}

/// Mail a single-use password-reset link (valid one hour).
///
/// Answers 202 whether or not the account exists: the answer never tells who has an account.
#[utoipa::path(
    post,
    path = "/auth/password-reset",
    operation_id = "requestPasswordReset",
    tag = "accounts",
    request_body = EmailBody,
    responses(
        (status = 202, description = "Accepted; a mail is sent if the account exists."),
        (status = 400, response = MalformedRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    )
)]
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

/// Set a new password with the mailed token; every session of the account is signed out.
#[utoipa::path(
    post,
    path = "/auth/password-reset/confirm",
    operation_id = "confirmPasswordReset",
    tag = "accounts",
    request_body = ResetConfirmBody,
    responses(
        (status = 204, description = "Password changed."),
        (status = 400, description = "invalid_token (unknown, used or expired) or malformed_request.", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "validation_failed: fields.password.", body = ErrorBody),
    )
)]
async fn confirm_password_reset(
    State(services): State<Services>,
    ApiJson(body): ApiJson<ResetConfirmBody>,
) -> HttpResult<StatusCode> {
    services
        .confirm_password_reset(&body.token, &body.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Confirm the email address with the token mailed at sign-up (single use, valid three days).
#[utoipa::path(
    post,
    path = "/auth/verify-email",
    operation_id = "verifyEmail",
    tag = "accounts",
    request_body = TokenBody,
    responses(
        (status = 204, description = "Email confirmed."),
        (status = 400, description = "invalid_token (unknown, used or expired) or malformed_request.", body = ErrorBody),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
    )
)]
async fn verify_email(
    State(services): State<Services>,
    ApiJson(body): ApiJson<TokenBody>,
) -> HttpResult<StatusCode> {
    services.verify_email(&body.token).await?;
    Ok(StatusCode::NO_CONTENT)
}
