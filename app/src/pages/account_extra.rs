//! Account page panels: change password, personal API tokens.

use leptos::prelude::*;

use crate::api::{my_tokens, ChangePassword, CreateToken, DeleteToken};

#[component]
pub fn ChangePasswordPanel() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let message = move || match action.value().get() {
        Some(Ok(())) => Some((
            "status",
            "Password changed. Your other devices are signed out.".to_owned(),
        )),
        Some(Err(e)) => Some((
            "alert",
            e.fields
                .and_then(|f| {
                    f.get("current_password")
                        .map(|_| "The current password is not right.".to_owned())
                        .or_else(|| {
                            f.get("new_password")
                                .map(|why| format!("The new password {why}."))
                        })
                })
                .unwrap_or(e.message),
        )),
        None => None,
    };
    view! {
        <section class="panel" aria-labelledby="password-title">
            <h2 id="password-title">"Change password"</h2>
            <ActionForm action=action attr:class="form form--narrow">
                <label class="field">
                    <span>"Current password"</span>
                    <input type="password" name="current_password" autocomplete="current-password" required=true/>
                </label>
                <label class="field">
                    <span>"New password"</span>
                    <input type="password" name="new_password" autocomplete="new-password" required=true/>
                </label>
                {move || message().map(|(role, text)| view! {
                    <p role=role class=if role == "alert" { "form-error" } else { "form-ok" } data-testid="password-message">{text}</p>
                })}
                <button class="button button--primary" type="submit">"Change password"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn TokensPanel() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let delete = ServerAction::<DeleteToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), delete.version().get()),
        |_| my_tokens(),
    );
    let name = RwSignal::new(String::new());
    let write = RwSignal::new(false);

    view! {
        <section class="panel" aria-labelledby="tokens-title">
            <h2 id="tokens-title">"Personal API tokens"</h2>
            <p class="muted">"For scripts and integrations: send as " <code>"Authorization: Bearer …"</code> "."</p>
            <form class="form form--inline" on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(CreateToken { name: name.get_untracked(), write: write.get_untracked() });
                name.set(String::new());
            }>
                <label class="field">
                    <span>"Token name"</span>
                    <input type="text" required=true prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || write.get() on:change=move |ev| write.set(event_target_checked(&ev))/>
                    " Can also write"
                </label>
                <button class="button button--primary" type="submit">"Create token"</button>
            </form>
            {move || create.value().get().map(|r| match r {
                Ok(created) => view! {
                    <div class="token-once" role="status">
                        <p>"Copy it now: it will not be shown again."</p>
                        <code data-testid="new-token">{created.token}</code>
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.message}</p> }.into_any(),
            })}
            <Transition fallback=|| ()>
                <ul class="session-list" data-testid="token-list">
                    {move || tokens.get().map(|r| r.unwrap_or_default().into_iter().map(|t| {
                        let id = t.id.clone();
                        let scopes = t.scopes.iter().map(|s| format!("{s:?}").to_lowercase()).collect::<Vec<_>>().join(", ");
                        view! {
                            <li class="session">
                                <div>
                                    <strong>{t.name.clone()}</strong>
                                    <span class="badge">{scopes}</span>
                                    <p class="muted">"Created " {t.created_at.chars().take(10).collect::<String>()}
                                        {t.last_used_at.map(|u| format!(" · last used {}", u.chars().take(10).collect::<String>()))}</p>
                                </div>
                                <button class="button button--ghost" type="button"
                                    aria-label=format!("Delete token {}", t.name)
                                    on:click=move |_| { delete.dispatch(DeleteToken { id: id.clone() }); }>
                                    "Delete"
                                </button>
                            </li>
                        }
                    }).collect_view())}
                </ul>
            </Transition>
        </section>
    }
}

/// Time zones offered first; any IANA name may be typed.
const COMMON_ZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
];

/// Time zone, mailed reminders, daily digest.
#[component]
pub fn PreferencesPanel(user: domain::account::UserView) -> impl IntoView {
    // The page's user is not refreshed after saving: this form holds what was saved, and a
    // refresh would rebuild the page (and this form, with its message) for nothing.
    let action = ServerAction::<crate::api::SavePreferences>::new();
    let message = move || match action.value().get() {
        Some(Ok(_)) => Some(("status", "Preferences saved.".to_owned())),
        Some(Err(e)) => Some((
            "alert",
            e.fields
                .and_then(|f| {
                    f.get("time_zone")
                        .map(|why| format!("The time zone {why}."))
                })
                .unwrap_or(e.message),
        )),
        None => None,
    };
    view! {
        <section class="panel" aria-labelledby="prefs-title">
            <h2 id="prefs-title">"Notifications and time zone"</h2>
            <ActionForm action=action attr:class="form form--narrow">
                <label class="field">
                    <span>"Time zone"</span>
                    <input name="time_zone" list="time-zones" value=user.time_zone.clone() required=true
                        autocomplete="off" spellcheck="false" data-testid="time-zone"
                        aria-describedby="time-zone-help"/>
                    <small id="time-zone-help" class="muted">"Reminders and the digest arrive in your mornings."</small>
                </label>
                <datalist id="time-zones">
                    {COMMON_ZONES.iter().map(|z| view! { <option value=*z/> }).collect_view()}
                </datalist>
                <label class="check">
                    <input type="checkbox" name="email_reminders" checked=user.email_reminders data-testid="email-reminders"/>
                    <span>"Email me the day before a task assigned to me is due"</span>
                </label>
                <label class="check">
                    <input type="checkbox" name="digest" checked=user.digest data-testid="digest"/>
                    <span>"Send me a daily digest at 8:00"</span>
                </label>
                {move || message().map(|(role, text)| view! {
                    <p role=role class=if role == "alert" { "form-error" } else { "form-ok" } data-testid="prefs-message">{text}</p>
                })}
                <button class="button button--primary" type="submit" data-testid="save-prefs">"Save preferences"</button>
            </ActionForm>
        </section>
    }
}
