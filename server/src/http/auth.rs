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
        .route("/logout", post(logout))
        .route("/me", get(me).delete(delete_account))
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
