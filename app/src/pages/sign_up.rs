use std::collections::BTreeMap;

use domain::account::RegisterRequest;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_navigate;

use crate::api::SignUp;
use crate::auth::use_auth;

/// Create an account. Fields are checked in the browser with the same rules as the server
/// (the shared `domain` types), then again on the server.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let auth = use_auth();
    let t = text();
    let action = ServerAction::<SignUp>::new();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let local_errors = RwSignal::new(BTreeMap::<String, String>::new());

    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            auth.refresh();
            navigate("/account", Default::default());
        }
    });

    let field_error = move |field: &'static str| {
        move || {
            local_errors.get().get(field).cloned().or_else(|| {
                action
                    .value()
                    .get()
                    .and_then(Result::err)
                    .and_then(|e| e.fields)
                    .and_then(|f| f.get(field).cloned())
            })
        }
    };
    let general_error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| e.fields.is_none())
            .map(|e| e.message)
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = RegisterRequest {
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            locale: None,
        };
        match request.parse() {
            Ok(_) => {
                local_errors.set(BTreeMap::new());
                action.dispatch(SignUp {
                    name: request.name,
                    email: request.email,
                    password: request.password,
                });
            }
            Err(e) => local_errors.set(e.fields.unwrap_or_default()),
        }
    };

    view! {
        <Title text=t.title/>
        <Transition fallback=|| ()>
            {move || auth.current().map(|_| view! { <Redirect path="/account"/> })}
        </Transition>
        <section class="auth-card" aria-labelledby="signup-title">
            <h1 id="signup-title">{t.heading}</h1>
            <form class="form" method="post" action="/api/fn/sign_up" novalidate on:submit=on_submit>
                <Field label=t.name name="name" kind="text" autocomplete="name" value=name error=field_error("name")/>
                <Field label=t.email name="email" kind="email" autocomplete="email" value=email error=field_error("email")/>
                <Field label=t.password name="password" kind="password" autocomplete="new-password" value=password error=field_error("password")
                    hint=t.password_hint/>
                <p class="form-error" role="alert" data-testid="signup-error">{general_error}</p>
                <button class="button button--primary button--wide" type="submit" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { t.creating } else { t.submit }}
                </button>
            </form>
            <p class="auth-card__alt">{t.have_account} <A href="/signin">{t.sign_in}</A></p>
            <super::landing::LanguageSwitch next="/signup"/>
        </section>
    }
}

/// A labelled input with its hint and error, wired for screen readers.
#[component]
fn Field(
    label: &'static str,
    name: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let described = format!("{id}-msg");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type=kind
                name=name
                autocomplete=autocomplete
                required=true
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described.clone()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p class="field__msg" id=described data-testid=format!("error-{name}")>
                {move || error.get().or(hint.map(str::to_owned))}
            </p>
        </div>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        title: &'static str,
        heading: &'static str,
        name: &'static str,
        email: &'static str,
        password: &'static str,
        password_hint: &'static str,
        creating: &'static str,
        submit: &'static str,
        /// Followed by the sign-in link (keep the trailing space).
        have_account: &'static str,
        sign_in: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    title: "Create an account",
    heading: "Create your account",
    name: "Name",
    email: "Email",
    password: "Password",
    password_hint: "8 to 128 characters.",
    creating: "Creating…",
    submit: "Create account",
    have_account: "Already have an account? ",
    sign_in: "Sign in",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    title: "Konto erstellen",
    heading: "Erstelle dein Konto",
    name: "Name",
    email: "E-Mail",
    password: "Passwort",
    password_hint: "8 bis 128 Zeichen.",
    creating: "Wird erstellt…",
    submit: "Konto erstellen",
    have_account: "Du hast schon ein Konto? ",
    sign_in: "Anmelden",
};
