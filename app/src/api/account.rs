//! Account server functions for the browser UI. Each: resolve the caller, call one service, set
//! cookies, map the error. The browser's session lives in HttpOnly cookies.

use domain::account::{SessionView, UserView};
use domain::ApiError;
use leptos::prelude::*;

/// The signed-in user, or `None`. Rendered on the server, so pages appear signed in at once.
#[server(prefix = "/api/fn", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserView>, ApiError> {
    use crate::ssr::*;
    let Some(caller) = caller().await? else {
        return Ok(None);
    };
    match services()?.me(&caller).await {
        Ok(user) => Ok(Some(user)),
        Err(e) if e.code() == domain::ErrorCode::Unauthenticated => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

#[server(prefix = "/api/fn", endpoint = "sign_up")]
pub async fn sign_up(name: String, email: String, password: String) -> Result<UserView, ApiError> {
    use crate::ssr::*;
    // A new account speaks the language its page was in.
    let locale = crate::i18n::detect();
    let request = domain::account::RegisterRequest {
        email,
        password,
        name,
        locale: Some(locale.tag().to_owned()),
    };
    let issued = services()?
        .register(&request, &client_info())
        .await
        .map_err(fail)?;
    set_cookies(session_cookies(&issued));
    Ok(issued.user)
}

#[server(prefix = "/api/fn", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<UserView, ApiError> {
    use crate::ssr::*;
    let request = domain::account::LoginRequest { email, password };
    let issued = services()?
        .login(&request, &client_info())
        .await
        .map_err(fail)?;
    set_cookies(session_cookies(&issued));
    Ok(issued.user)
}

/// The session cookies, and the account's language for this browser.
#[cfg(feature = "ssr")]
fn session_cookies(issued: &service::IssuedSession) -> Vec<http::HeaderValue> {
    let policy = crate::ssr::cookie_policy();
    let mut cookies = policy.browser_session(issued);
    cookies.push(crate::i18n::locale_cookie(
        issued.user.locale,
        policy.secure,
    ));
    cookies
}

#[server(prefix = "/api/fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = caller().await?;
    services()?
        .logout(None, caller.as_ref())
        .await
        .map_err(fail)?;
    set_cookies(cookie_policy().cleared());
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?.list_sessions(&caller).await.map_err(fail)
}

/// Signs out one session, or every session with `id = None` ("sign out everywhere").
#[server(prefix = "/api/fn", endpoint = "end_sessions")]
pub async fn end_sessions(id: Option<String>) -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let everywhere = id.is_none();
    services()?
        .revoke_sessions(&caller, id.as_deref())
        .await
        .map_err(fail)?;
    if everywhere || id.as_deref() == caller.session_id.as_deref() {
        set_cookies(cookie_policy().cleared());
    }
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    use crate::ssr::*;
    services()?
        .request_password_reset(&email, &client_info())
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), ApiError> {
    use crate::ssr::*;
    services()?
        .confirm_password_reset(&token, &password)
        .await
        .map_err(fail)?;
    set_cookies(cookie_policy().cleared());
    Ok(())
}

#[server(prefix = "/api/fn", endpoint = "confirm_email")]
pub async fn confirm_email(token: String) -> Result<(), ApiError> {
    use crate::ssr::*;
    services()?.verify_email(&token).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let request = domain::account::ChangePasswordRequest {
        current_password,
        new_password,
    };
    services()?
        .change_password(&caller, &request)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "my_tokens")]
pub async fn my_tokens() -> Result<Vec<domain::account::ApiTokenView>, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?.list_api_tokens(&caller).await.map_err(fail)
}

/// Creates a personal API token; the answer is the only time its secret is shown.
#[server(prefix = "/api/fn", endpoint = "create_token")]
pub async fn create_token(
    name: String,
    write: bool,
) -> Result<domain::account::CreatedToken, ApiError> {
    use crate::ssr::*;
    use domain::account::Scope;
    let caller = require_caller().await?;
    let scopes = if write {
        vec![Scope::Read, Scope::Write]
    } else {
        vec![Scope::Read]
    };
    let request = domain::account::CreateTokenRequest {
        name,
        scopes,
        expires_at: None,
    };
    services()?
        .create_api_token(&caller, &request)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "delete_token")]
pub async fn delete_token(id: String) -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .delete_api_token(&caller, &id)
        .await
        .map_err(fail)
}

/// The caller's notifications (newest 30), with the unread count; `None` when signed out.
#[server(prefix = "/api/fn", endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<Option<domain::notification::Notifications>, ApiError> {
    use crate::ssr::*;
    let Some(caller) = caller().await? else {
        return Ok(None);
    };
    match services()?
        .list_notifications(&caller, false, Some(30), None)
        .await
    {
        Ok(list) => Ok(Some(list)),
        Err(e) if e.code() == domain::ErrorCode::Unauthenticated => Ok(None),
        Err(e) => Err(fail(e)),
    }
}

/// Marks notifications read: `ids`, or all with `None`.
#[server(prefix = "/api/fn", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read(ids: Option<Vec<String>>) -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .mark_notifications_read(&caller, ids.as_deref())
        .await
        .map_err(fail)
}

/// Saves the caller's preferences (language, time zone, mailed reminders, daily digest). A new
/// language also becomes this browser's (the page reloads to show it).
#[server(prefix = "/api/fn", endpoint = "save_preferences")]
pub async fn save_preferences(
    locale: String,
    time_zone: String,
    email_reminders: Option<String>,
    digest: Option<String>,
) -> Result<UserView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    // Checkboxes: present ("on") when ticked, absent otherwise.
    let request = domain::account::UpdateProfileRequest {
        name: None,
        time_zone: Some(time_zone),
        email_reminders: Some(email_reminders.is_some()),
        digest: Some(digest.is_some()),
        locale: Some(locale),
    };
    let user = services()?
        .update_profile(&caller, &request)
        .await
        .map_err(fail)?;
    set_cookies(vec![crate::i18n::locale_cookie(
        user.locale,
        cookie_policy().secure,
    )]);
    Ok(user)
}
