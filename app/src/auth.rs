//! The signed-in user as the whole UI sees it, and the browser's silent session renewal.

use domain::account::UserView;
use domain::ApiError;
use leptos::prelude::*;

use crate::api::current_user;

/// Shared by every page: the current user, loaded on the server before the page renders.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<UserView>, ApiError>>,
    version: RwSignal<u32>,
}

impl Auth {
    /// Creates the resource and provides it as context. Call once, in `App`.
    pub fn provide() -> Self {
        let version = RwSignal::new(0u32);
        // Blocking: the server waits for it before sending the page, so a signed-in person never
        // sees the signed-out page first.
        let user = Resource::new_blocking(move || version.get(), |_| current_user());
        let auth = Self { user, version };
        provide_context(auth);
        auth
    }

    /// Asks the server again (after signing in or out).
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }

    /// The user when loaded and signed in.
    pub fn current(&self) -> Option<UserView> {
        self.user.get().and_then(Result::ok).flatten()
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Renews the session cookies every ten minutes while the page is open (access tokens live
/// fifteen). Page loads after a longer absence are renewed by the server instead.
pub fn keep_session_fresh(auth: Auth) {
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                if auth.current().is_some() {
                    leptos::task::spawn_local(async move {
                        if !renew().await {
                            auth.refresh();
                        }
                    });
                }
            },
            std::time::Duration::from_secs(600),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
}

/// `POST /api/v1/auth/renew` from the browser; true when the session was renewed.
#[cfg(feature = "hydrate")]
pub(crate) async fn renew() -> bool {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let promise = window.fetch_with_str_and_init("/api/v1/auth/renew", &init);
    match wasm_bindgen_futures::JsFuture::from(promise).await {
        Ok(value) => value.dyn_into::<web_sys::Response>().is_ok_and(|r| r.ok()),
        Err(_) => false,
    }
}

#[cfg(not(feature = "hydrate"))]
pub(crate) async fn renew() -> bool {
    false
}
