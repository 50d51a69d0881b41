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
    let t = text();
    view! {
        <Title text=t.title/>
        <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>
            {move || auth.user.get().map(|user| match user {
                Ok(Some(user)) => { let prefs = user.clone(); view! {
                    <section class="panel" aria-labelledby="account-title">
                        <h1 id="account-title">{t.title}</h1>
                        <dl class="status-grid">
                            <dt>{t.name}</dt><dd data-testid="account-name">{user.name}</dd>
                            <dt>{t.email}</dt><dd data-testid="account-email">{user.email}</dd>
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
    let t = text();
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
                <h2 id="sessions-title">{t.sessions_title}</h2>
                <button class="button button--ghost" type="button" data-testid="sign-out-everywhere"
                    on:click=move |_| { end.dispatch(EndSessions { id: None }); }>
                    {t.sign_out_everywhere}
                </button>
            </div>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>
                <ul class="session-list">
                    {move || sessions.get().map(|r| r.unwrap_or_default().into_iter().map(|s| {
                        let id = s.id.clone();
                        let created = s.created_at.clone();
                        let last_used = s.last_used_at.clone();
                        view! {
                            <li class="session">
                                <div>
                                    <strong>{s.user_agent.clone().map_or_else(|| t.unknown_device.to_owned(), |ua| short_agent(&ua, t))}</strong>
                                    {s.current.then(|| view! { <span class="badge">{t.this_device}</span> })}
                                    <p class="muted">{move || {
                                        let zone = crate::i18n::time_zone();
                                        crate::i18n::fill(t.session_times, &[
                                            &crate::i18n::local_day(&created, &zone),
                                            &crate::i18n::date_time(&last_used, &zone),
                                        ])
                                    }}</p>
                                </div>
                                {(!s.current).then(|| view! {
                                    <button class="button button--ghost" type="button"
                                        on:click=move |_| { end.dispatch(EndSessions { id: Some(id.clone()) }); }>
                                        {t.sign_out}
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
fn short_agent(ua: &str, t: &Text) -> String {
    let browser = ["Edg", "Firefox", "Chrome", "Safari"]
        .into_iter()
        .find(|b| ua.contains(b))
        .map(|b| if b == "Edg" { "Edge" } else { b })
        .unwrap_or(t.some_browser);
    let os = ["Windows", "Mac OS", "Android", "iPhone", "Linux"]
        .into_iter()
        .find(|o| ua.contains(o))
        .unwrap_or(t.unknown_system);
    crate::i18n::fill(t.browser_on_system, &[&browser, &os])
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        title: &'static str,
        loading: &'static str,
        name: &'static str,
        email: &'static str,
        sessions_title: &'static str,
        sign_out_everywhere: &'static str,
        unknown_device: &'static str,
        this_device: &'static str,
        /// {0} day signed in, {1} moment last used, both already formatted.
        session_times: &'static str,
        sign_out: &'static str,
        /// A browser that `short_agent` does not recognise.
        some_browser: &'static str,
        /// A system that `short_agent` does not recognise.
        unknown_system: &'static str,
        /// {0} browser, {1} system → "Chrome on Linux".
        browser_on_system: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    title: "Your account",
    loading: "Loading…",
    name: "Name",
    email: "Email",
    sessions_title: "Where you are signed in",
    sign_out_everywhere: "Sign out everywhere",
    unknown_device: "Unknown device",
    this_device: "This device",
    session_times: "Signed in {0} · last active {1}",
    sign_out: "Sign out",
    some_browser: "A browser",
    unknown_system: "an unknown system",
    browser_on_system: "{0} on {1}",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    title: "Dein Konto",
    loading: "Wird geladen…",
    name: "Name",
    email: "E-Mail",
    sessions_title: "Wo du angemeldet bist",
    sign_out_everywhere: "Überall abmelden",
    unknown_device: "Unbekanntes Gerät",
    this_device: "Dieses Gerät",
    session_times: "Angemeldet am {0} · zuletzt aktiv am {1}",
    sign_out: "Abmelden",
    some_browser: "Ein Browser",
    unknown_system: "einem unbekannten System",
    browser_on_system: "{0} auf {1}",
};
