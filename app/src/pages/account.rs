use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_navigate;

use crate::api::{my_sessions, EndSessions};
use crate::auth::use_auth;

/// Your account: who you are, where you are signed in, and signing out there.
#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text="Your account"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || auth.user.get().map(|user| match user {
                Ok(Some(user)) => { let prefs = user.clone(); view! {
                    <section class="panel" aria-labelledby="account-title">
                        <h1 id="account-title">"Your account"</h1>
                        <dl class="status-grid">
                            <dt>"Name"</dt><dd data-testid="account-name">{user.name}</dd>
                            <dt>"Email"</dt><dd data-testid="account-email">{user.email}</dd>
                        </dl>
                    </section>
                    <super::account_extra::PreferencesPanel user=prefs/>
                    <Sessions/>
                    <super::account_extra::ChangePasswordPanel/>
                    <super::account_extra::TokensPanel/>
                }.into_any() },
                _ => view! { <Redirect path="/signin"/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let auth = use_auth();
    let end = ServerAction::<EndSessions>::new();
    let sessions = Resource::new(move || end.version().get(), |_| my_sessions());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = end.value().get() {
            if end.input().get().is_some_and(|i| i.id.is_none()) {
                auth.refresh();
                navigate("/signin", Default::default());
            }
        }
    });

    view! {
        <section class="panel" aria-labelledby="sessions-title">
            <div class="panel__head">
                <h2 id="sessions-title">"Where you are signed in"</h2>
                <button class="button button--ghost" type="button" data-testid="sign-out-everywhere"
                    on:click=move |_| { end.dispatch(EndSessions { id: None }); }>
                    "Sign out everywhere"
                </button>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                <ul class="session-list">
                    {move || sessions.get().map(|r| r.unwrap_or_default().into_iter().map(|s| {
                        let id = s.id.clone();
                        view! {
                            <li class="session">
                                <div>
                                    <strong>{s.user_agent.clone().map_or_else(|| "Unknown device".to_owned(), |ua| short_agent(&ua))}</strong>
                                    {s.current.then(|| view! { <span class="badge">"This device"</span> })}
                                    <p class="muted">"Signed in " {s.created_at.chars().take(10).collect::<String>()}
                                        " · last active " {s.last_used_at.chars().take(16).collect::<String>().replace('T', " ")}</p>
                                </div>
                                {(!s.current).then(|| view! {
                                    <button class="button button--ghost" type="button"
                                        on:click=move |_| { end.dispatch(EndSessions { id: Some(id.clone()) }); }>
                                        "Sign out"
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view())}
                </ul>
            </Transition>
        </section>
    }
}

/// "Chrome on Linux" from a user agent string, good enough to recognise a device.
fn short_agent(ua: &str) -> String {
    let browser = ["Edg", "Firefox", "Chrome", "Safari"]
        .into_iter()
        .find(|b| ua.contains(b))
        .map(|b| if b == "Edg" { "Edge" } else { b })
        .unwrap_or("A browser");
    let os = ["Windows", "Mac OS", "Android", "iPhone", "Linux"]
        .into_iter()
        .find(|o| ua.contains(o))
        .unwrap_or("an unknown system");
    format!("{browser} on {os}")
}
