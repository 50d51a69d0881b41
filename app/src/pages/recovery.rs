//! Forgotten password and email confirmation: the pages the mailed links open.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{ConfirmEmail, RequestPasswordReset, ResetPassword};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = text();
    let action = ServerAction::<RequestPasswordReset>::new();
    view! {
        <Title text=t.forgot_title/>
        <section class="auth-card" aria-labelledby="forgot-title">
            <h1 id="forgot-title">{t.forgot_heading}</h1>
            <Show
                when=move || matches!(action.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <p class="muted">{t.forgot_intro}</p>
                    <ActionForm action=action attr:class="form">
                        <label class="field">
                            <span>{t.email}</span>
                            <input type="email" name="email" autocomplete="email" required=true/>
                        </label>
                        <p class="form-error" role="alert">
                            {move || action.value().get().and_then(Result::err).map(|e| e.message)}
                        </p>
                        <button class="button button--primary button--wide" type="submit">{t.send_link}</button>
                    </ActionForm>
                }
            >
                <p role="status" data-testid="reset-requested">
                    {t.reset_requested}
                </p>
            </Show>
            <p class="auth-card__alt"><A href="/signin">{t.back_to_sign_in}</A></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<ResetPassword>::new();
    let error = move || {
        action.value().get().and_then(Result::err).map(|e| {
            e.fields
                .and_then(|f| {
                    f.get("password")
                        .map(|why| crate::i18n::fill(t.password_invalid, &[&why]))
                })
                .unwrap_or(e.message)
        })
    };
    view! {
        <Title text=t.reset_title/>
        <section class="auth-card" aria-labelledby="reset-title">
            <h1 id="reset-title">{t.reset_title}</h1>
            <Show
                when=move || matches!(action.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <ActionForm action=action attr:class="form">
                        <input type="hidden" name="token" prop:value=token/>
                        <label class="field">
                            <span>{t.new_password}</span>
                            <input type="password" name="password" autocomplete="new-password" required=true/>
                        </label>
                        <p class="form-error" role="alert" data-testid="reset-error">{error}</p>
                        <button class="button button--primary button--wide" type="submit">{t.set_password}</button>
                    </ActionForm>
                }
            >
                <p role="status" data-testid="reset-done">{t.reset_done}</p>
                <A href="/signin" attr:class="button button--primary button--wide">{t.sign_in}</A>
            </Show>
        </section>
    }
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<ConfirmEmail>::new();
    view! {
        <Title text=t.verify_title/>
        <section class="auth-card" aria-labelledby="verify-title">
            <h1 id="verify-title">{t.verify_title}</h1>
            {move || match action.value().get() {
                Some(Ok(())) => view! { <p role="status" data-testid="verify-done">{t.verify_done}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{e.message}</p> }.into_any(),
                None => view! {
                    <ActionForm action=action attr:class="form">
                        <input type="hidden" name="token" prop:value=token/>
                        <button class="button button--primary button--wide" type="submit">{t.confirm_email}</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        forgot_title: &'static str,
        forgot_heading: &'static str,
        forgot_intro: &'static str,
        email: &'static str,
        send_link: &'static str,
        reset_requested: &'static str,
        back_to_sign_in: &'static str,
        reset_title: &'static str,
        new_password: &'static str,
        set_password: &'static str,
        /// The server's reason, as the domain words it ("must be at least 8 characters").
        /// {0} that reason.
        password_invalid: &'static str,
        reset_done: &'static str,
        sign_in: &'static str,
        verify_title: &'static str,
        verify_done: &'static str,
        confirm_email: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    forgot_title: "Forgot your password",
    forgot_heading: "Forgot your password?",
    forgot_intro: "Enter your email and we will send you a link to choose a new password.",
    email: "Email",
    send_link: "Send the link",
    reset_requested: "If an account exists for that email, a link to reset the password is on its way. It works for an hour.",
    back_to_sign_in: "Back to sign in",
    reset_title: "Choose a new password",
    new_password: "New password",
    set_password: "Set the new password",
    password_invalid: "The password {0}.",
    reset_done: "Your password is changed and every device is signed out.",
    sign_in: "Sign in",
    verify_title: "Confirm your email",
    verify_done: "Thank you: your email is confirmed.",
    confirm_email: "Confirm my email",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    forgot_title: "Passwort vergessen",
    forgot_heading: "Passwort vergessen?",
    forgot_intro: "Gib deine E-Mail-Adresse ein, dann schicken wir dir einen Link, mit dem du ein neues Passwort wählen kannst.",
    email: "E-Mail",
    send_link: "Link senden",
    reset_requested: "Falls es ein Konto mit dieser E-Mail-Adresse gibt, ist ein Link zum Zurücksetzen des Passworts unterwegs. Er ist eine Stunde lang gültig.",
    back_to_sign_in: "Zurück zur Anmeldung",
    reset_title: "Wähle ein neues Passwort",
    new_password: "Neues Passwort",
    set_password: "Neues Passwort festlegen",
    password_invalid: "Passwort: {0}",
    reset_done: "Dein Passwort wurde geändert und alle Geräte wurden abgemeldet.",
    sign_in: "Anmelden",
    verify_title: "Bestätige deine E-Mail-Adresse",
    verify_done: "Danke! Deine E-Mail-Adresse ist bestätigt.",
    confirm_email: "E-Mail-Adresse bestätigen",
};
