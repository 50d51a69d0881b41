use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::SignOut;
use crate::auth::use_auth;

/// The bar on every page: brand, and who is signed in.
#[component]
pub fn TopBar() -> impl IntoView {
    let auth = use_auth();
    let sign_out = ServerAction::<SignOut>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            auth.refresh();
            navigate("/", Default::default());
        }
    });

    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <img src="/favicon.svg" alt="" width="28" height="28"/>
                <span>"Task Manager"</span>
            </A>
            <nav aria-label="Account">
                <Transition fallback=|| ()>
                    {move || match auth.current() {
                        Some(user) => view! {
                            <span class="topbar__user" data-testid="signed-in-as">{user.name}</span>
                            <super::NotificationBell/>
                            <A href="/workspaces" attr:class="button button--ghost">"Workspaces"</A>
                            <A href="/account" attr:class="button button--ghost">"Account"</A>
                            <button class="button button--ghost" type="button" data-testid="sign-out"
                                on:click=move |_| { sign_out.dispatch(SignOut {}); }>
                                "Sign out"
                            </button>
                        }.into_any(),
                        None => view! {
                            <A href="/signin" attr:class="button button--ghost">"Sign in"</A>
                            <A href="/signup" attr:class="button button--primary">"Create account"</A>
                        }.into_any(),
                    }}
                </Transition>
            </nav>
        </header>
    }
}
