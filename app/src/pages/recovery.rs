//! Forgotten password and email confirmation: the pages the mailed links open.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{ConfirmEmail, RequestPasswordReset, ResetPassword};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    view! {
        <Title text="Forgot your password"/>
        <section class="auth-card" aria-labelledby="forgot-title">
            <h1 id="forgot-title">"Forgot your password?"</h1>
            <Show
                when=move || matches!(action.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <p class="muted">"Enter your email and we will send you a link to choose a new password."</p>
                    <ActionForm action=action attr:class="form">
                        <label class="field">
                            <span>"Email"</span>
                            <input type="email" name="email" autocomplete="email" required=true/>
                        </label>
                        <p class="form-error" role="alert">
                            {move || action.value().get().and_then(Result::err).map(|e| e.message)}
                        </p>
                        <button class="button button--primary button--wide" type="submit">"Send the link"</button>
                    </ActionForm>
                }
            >
                <p role="status" data-testid="reset-requested">
                    "If an account exists for that email, a link to reset the password is on its way. It works for an hour."
                </p>
            </Show>
            <p class="auth-card__alt"><A href="/signin">"Back to sign in"</A></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<ResetPassword>::new();
    let error = move || {
        action.value().get().and_then(Result::err).map(|e| {
            e.fields
                .and_then(|f| f.get("password").map(|why| format!("The password {why}.")))
                .unwrap_or(e.message)
        })
    };
    view! {
        <Title text="Choose a new password"/>
        <section class="auth-card" aria-labelledby="reset-title">
            <h1 id="reset-title">"Choose a new password"</h1>
            <Show
                when=move || matches!(action.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <ActionForm action=action attr:class="form">
                        <input type="hidden" name="token" prop:value=token/>
                        <label class="field">
                            <span>"New password"</span>
                            <input type="password" name="password" autocomplete="new-password" required=true/>
                        </label>
                        <p class="form-error" role="alert" data-testid="reset-error">{error}</p>
                        <button class="button button--primary button--wide" type="submit">"Set the new password"</button>
                    </ActionForm>
                }
            >
                <p role="status" data-testid="reset-done">"Your password is changed and every device is signed out."</p>
                <A href="/signin" attr:class="button button--primary button--wide">"Sign in"</A>
            </Show>
        </section>
    }
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let action = ServerAction::<ConfirmEmail>::new();
    view! {
        <Title text="Confirm your email"/>
        <section class="auth-card" aria-labelledby="verify-title">
            <h1 id="verify-title">"Confirm your email"</h1>
            {move || match action.value().get() {
                Some(Ok(())) => view! { <p role="status" data-testid="verify-done">"Thank you: your email is confirmed."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{e.message}</p> }.into_any(),
                None => view! {
                    <ActionForm action=action attr:class="form">
                        <input type="hidden" name="token" prop:value=token/>
                        <button class="button button--primary button--wide" type="submit">"Confirm my email"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}
