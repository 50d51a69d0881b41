use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::SignOut;
use crate::auth::use_auth;

/// The bar on every page: brand, and who is signed in.
#[component]
pub fn TopBar() -> impl IntoView {
    let auth = use_auth();
    let t = text();
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            // A full load of the start page: nothing of the previous person's data stays in
            // memory, and no page of theirs reacts to the signed-out state on the way out (the
            // account page would redirect to sign in while the start page's chunk loads).
            let _ = window().location().set_href("/");
        }
    });

    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <img src="/favicon.svg" alt="" width="28" height="28"/>
                <span>"Task Manager"</span>
            </A>
            <nav aria-label=t.account_nav>
                <Transition fallback=|| ()>
                    {move || match auth.current() {
                        Some(user) => view! {
                            <span class="topbar__user" data-testid="signed-in-as">{user.name}</span>
                            <super::NotificationBell/>
                            <A href="/workspaces" attr:class="button button--ghost">{t.workspaces}</A>
                            <A href="/account" attr:class="button button--ghost">{t.account}</A>
                            <button class="button button--ghost" type="button" data-testid="sign-out"
                                on:click=move |_| { sign_out.dispatch(SignOut {}); }>
                                {t.sign_out}
                            </button>
                        }.into_any(),
                        None => view! {
                            <A href="/signin" attr:class="button button--ghost">{t.sign_in}</A>
                            <A href="/signup" attr:class="button button--primary">{t.create_account}</A>
                        }.into_any(),
                    }}
                </Transition>
            </nav>
        </header>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        account_nav: &'static str,
        workspaces: &'static str,
        account: &'static str,
        sign_out: &'static str,
        sign_in: &'static str,
        create_account: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    account_nav: "Account",
    workspaces: "Workspaces",
    account: "Account",
    sign_out: "Sign out",
    sign_in: "Sign in",
    create_account: "Create account",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    account_nav: "Konto",
    workspaces: "Workspaces",
    account: "Konto",
    sign_out: "Abmelden",
    sign_in: "Anmelden",
    create_account: "Konto erstellen",
};
