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
    let request = domain::account::RegisterRequest {
        email,
        password,
        name,
    };
    let issued = services()?
        .register(&request, &client_info())
        .await
        .map_err(fail)?;
    set_cookies(cookie_policy().browser_session(&issued));
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
    set_cookies(cookie_policy().browser_session(&issued));
    Ok(issued.user)
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
