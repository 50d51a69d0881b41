use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_navigate;

use crate::api::SignIn;
use crate::auth::use_auth;

/// Sign in with email and password. Works without JavaScript (a plain form post) too.
#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let action = ServerAction::<SignIn>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            auth.refresh();
            navigate("/account", Default::default());
        }
    });
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message)
    };

    view! {
        <Title text="Sign in"/>
        <Transition fallback=|| ()>
            {move || auth.current().map(|_| view! { <Redirect path="/account"/> })}
        </Transition>
        <section class="auth-card" aria-labelledby="signin-title">
            <h1 id="signin-title">"Sign in"</h1>
            <ActionForm action=action attr:class="form" attr:novalidate="">
                <label class="field">
                    <span>"Email"</span>
                    <input type="email" name="email" autocomplete="username" required=true/>
                </label>
                <label class="field">
                    <span>"Password"</span>
                    <input type="password" name="password" autocomplete="current-password" required=true/>
                </label>
                <p class="form-error" role="alert" data-testid="signin-error">{error}</p>
                <button class="button button--primary button--wide" type="submit" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="auth-card__alt"><A href="/forgot-password">"Forgot your password?"</A></p>
            <p class="auth-card__alt">"New here? " <A href="/signup">"Create an account"</A></p>
        </section>
    }
}
