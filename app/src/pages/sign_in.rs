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
    let t = text();
    let action = ServerAction::<SignIn>::new();
    let navigate = use_navigate();
    let page_locale = crate::i18n::locale();
    Effect::new(move |_| {
        if let Some(Ok(user)) = action.value().get() {
            if user.locale == page_locale {
                auth.refresh();
                navigate("/account", Default::default());
            } else {
                // The account speaks another language (its cookie came with the answer): load
                // the next page afresh, in it.
                let _ = window().location().set_href("/account");
            }
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
        <Title text=t.title/>
        <Transition fallback=|| ()>
            {move || auth.current().map(|_| view! { <Redirect path="/account"/> })}
        </Transition>
        <section class="auth-card" aria-labelledby="signin-title">
            <h1 id="signin-title">{t.heading}</h1>
            <ActionForm action=action attr:class="form" attr:novalidate="">
                <label class="field">
                    <span>{t.email}</span>
                    <input type="email" name="email" autocomplete="username" required=true/>
                </label>
                <label class="field">
                    <span>{t.password}</span>
                    <input type="password" name="password" autocomplete="current-password" required=true/>
                </label>
                <p class="form-error" role="alert" data-testid="signin-error">{error}</p>
                <button class="button button--primary button--wide" type="submit" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { t.signing_in } else { t.submit }}
                </button>
            </ActionForm>
            <p class="auth-card__alt"><A href="/forgot-password">{t.forgot}</A></p>
            <p class="auth-card__alt">{t.new_here} <A href="/signup">{t.create_account}</A></p>
            <super::landing::LanguageSwitch next="/signin"/>
        </section>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        title: &'static str,
        heading: &'static str,
        email: &'static str,
        password: &'static str,
        signing_in: &'static str,
        submit: &'static str,
        forgot: &'static str,
        /// Followed by the link to create an account (keep the trailing space).
        new_here: &'static str,
        create_account: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    title: "Sign in",
    heading: "Sign in",
    email: "Email",
    password: "Password",
    signing_in: "Signing in…",
    submit: "Sign in",
    forgot: "Forgot your password?",
    new_here: "New here? ",
    create_account: "Create an account",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    title: "Anmelden",
    heading: "Anmelden",
    email: "E-Mail",
    password: "Passwort",
    signing_in: "Wird angemeldet…",
    submit: "Anmelden",
    forgot: "Passwort vergessen?",
    new_here: "Neu hier? ",
    create_account: "Konto erstellen",
};
