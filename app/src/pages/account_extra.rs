//! Account page panels: change password, personal API tokens.

use leptos::prelude::*;

use crate::api::{my_tokens, ChangePassword, CreateToken, DeleteToken};

#[component]
pub fn ChangePasswordPanel() -> impl IntoView {
    let t = text();
    let action = ServerAction::<ChangePassword>::new();
    let message = move || match action.value().get() {
        Some(Ok(())) => Some(("status", t.password_changed.to_owned())),
        Some(Err(e)) => Some((
            "alert",
            e.fields
                .and_then(|f| {
                    f.get("current_password")
                        .map(|_| t.current_wrong.to_owned())
                        .or_else(|| {
                            f.get("new_password")
                                .map(|why| crate::i18n::fill(t.new_password_is, &[why]))
                        })
                })
                .unwrap_or(e.message),
        )),
        None => None,
    };
    view! {
        <section class="panel" aria-labelledby="password-title">
            <h2 id="password-title">{t.change_password}</h2>
            <ActionForm action=action attr:class="form form--narrow">
                <label class="field">
                    <span>{t.current_password}</span>
                    <input type="password" name="current_password" autocomplete="current-password" required=true/>
                </label>
                <label class="field">
                    <span>{t.new_password}</span>
                    <input type="password" name="new_password" autocomplete="new-password" required=true/>
                </label>
                {move || message().map(|(role, text)| view! {
                    <p role=role class=if role == "alert" { "form-error" } else { "form-ok" } data-testid="password-message">{text}</p>
                })}
                <button class="button button--primary" type="submit">{t.change_password}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn TokensPanel() -> impl IntoView {
    let t = text();
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
            <h2 id="tokens-title">{t.tokens_title}</h2>
            <p class="muted">{t.tokens_help} <code>"Authorization: Bearer …"</code> "."</p>
            <form class="form form--inline" on:submit=move |ev| {
                ev.prevent_default();
                create.dispatch(CreateToken { name: name.get_untracked(), write: write.get_untracked() });
                name.set(String::new());
            }>
                <label class="field">
                    <span>{t.token_name}</span>
                    <input type="text" required=true prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || write.get() on:change=move |ev| write.set(event_target_checked(&ev))/>
                    " " {t.can_write}
                </label>
                <button class="button button--primary" type="submit">{t.create_token}</button>
            </form>
            {move || create.value().get().map(|r| match r {
                Ok(created) => view! {
                    <div class="token-once" role="status">
                        <p>{t.copy_now}</p>
                        <code data-testid="new-token">{created.token}</code>
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.message}</p> }.into_any(),
            })}
            <Transition fallback=|| ()>
                <ul class="session-list" data-testid="token-list">
                    {move || tokens.get().map(|r| r.unwrap_or_default().into_iter().map(|t| {
                        let tx = text();
                        let id = t.id.clone();
                        let created_at = t.created_at.clone();
                        let last_used = t.last_used_at.clone();
                        let scopes = t.scopes.iter().map(|s| format!("{s:?}").to_lowercase()).collect::<Vec<_>>().join(", ");
                        view! {
                            <li class="session">
                                <div>
                                    <strong>{t.name.clone()}</strong>
                                    <span class="badge">{scopes}</span>
                                    <p class="muted">{move || crate::i18n::fill(tx.created, &[&crate::i18n::local_day(&created_at, &crate::i18n::time_zone())])}
                                        {move || last_used.as_ref().map(|u| crate::i18n::fill(tx.last_used, &[&crate::i18n::local_day(u, &crate::i18n::time_zone())]))}</p>
                                </div>
                                <button class="button button--ghost" type="button"
                                    aria-label=crate::i18n::fill(tx.delete_token, &[&t.name])
                                    on:click=move |_| { delete.dispatch(DeleteToken { id: id.clone() }); }>
                                    {tx.delete}
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

/// Language, time zone, mailed reminders, daily digest.
#[component]
pub fn PreferencesPanel(user: domain::account::UserView) -> impl IntoView {
    let t = text();
    // The page's user is not refreshed after saving: this form holds what was saved, and a
    // refresh would rebuild the page (and this form, with its message) for nothing. A new
    // language is the exception: the page loads again, in it (strings are chosen per render).
    let action = ServerAction::<crate::api::SavePreferences>::new();
    let page_locale = crate::i18n::locale();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = action.value().get() {
            if saved.locale != page_locale {
                let _ = window().location().reload();
            }
        }
    });
    let message = move || match action.value().get() {
        Some(Ok(_)) => Some(("status", t.prefs_saved.to_owned())),
        Some(Err(e)) => Some((
            "alert",
            e.fields
                .and_then(|f| {
                    f.get("time_zone")
                        .map(|why| crate::i18n::fill(t.zone_is, &[why]))
                        .or_else(|| {
                            f.get("locale")
                                .map(|why| crate::i18n::fill(t.language_is, &[why]))
                        })
                })
                .unwrap_or(e.message),
        )),
        None => None,
    };
    view! {
        <section class="panel" aria-labelledby="prefs-title">
            <h2 id="prefs-title">{t.prefs_title}</h2>
            <ActionForm action=action attr:class="form form--narrow">
                <label class="field">
                    <span>{t.language}</span>
                    <select name="locale" data-testid="locale">
                        {domain::Locale::ALL.into_iter().map(|l| view! {
                            <option value=l.tag() lang=l.tag() selected=l == user.locale>{l.native_name()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{t.time_zone}</span>
                    <input name="time_zone" list="time-zones" value=user.time_zone.clone() required=true
                        autocomplete="off" spellcheck="false" data-testid="time-zone"
                        aria-describedby="time-zone-help"/>
                    <small id="time-zone-help" class="muted">{t.zone_help}</small>
                </label>
                <datalist id="time-zones">
                    {COMMON_ZONES.iter().map(|z| view! { <option value=*z/> }).collect_view()}
                </datalist>
                <label class="check">
                    <input type="checkbox" name="email_reminders" checked=user.email_reminders data-testid="email-reminders"/>
                    <span>{t.email_reminders}</span>
                </label>
                <label class="check">
                    <input type="checkbox" name="digest" checked=user.digest data-testid="digest"/>
                    <span>{t.digest}</span>
                </label>
                {move || message().map(|(role, text)| view! {
                    <p role=role class=if role == "alert" { "form-error" } else { "form-ok" } data-testid="prefs-message">{text}</p>
                })}
                <button class="button button--primary" type="submit" data-testid="save-prefs">{t.save_prefs}</button>
            </ActionForm>
        </section>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        password_changed: &'static str,
        current_wrong: &'static str,
        new_password_is: &'static str,
        change_password: &'static str,
        current_password: &'static str,
        new_password: &'static str,
        tokens_title: &'static str,
        tokens_help: &'static str,
        token_name: &'static str,
        can_write: &'static str,
        create_token: &'static str,
        copy_now: &'static str,
        created: &'static str,
        last_used: &'static str,
        delete_token: &'static str,
        delete: &'static str,
        prefs_saved: &'static str,
        zone_is: &'static str,
        language_is: &'static str,
        prefs_title: &'static str,
        language: &'static str,
        time_zone: &'static str,
        zone_help: &'static str,
        email_reminders: &'static str,
        digest: &'static str,
        save_prefs: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    password_changed: "Password changed. Your other devices are signed out.",
    current_wrong: "The current password is not right.",
    new_password_is: "The new password {0}.",
    change_password: "Change password",
    current_password: "Current password",
    new_password: "New password",
    tokens_title: "Personal API tokens",
    tokens_help: "For scripts and integrations: send as ",
    token_name: "Token name",
    can_write: "Can also write",
    create_token: "Create token",
    copy_now: "Copy it now: it will not be shown again.",
    created: "Created {0}",
    last_used: " · last used {0}",
    delete_token: "Delete token {0}",
    delete: "Delete",
    prefs_saved: "Preferences saved.",
    zone_is: "The time zone {0}.",
    language_is: "The language {0}.",
    prefs_title: "Language, notifications and time zone",
    language: "Language",
    time_zone: "Time zone",
    zone_help: "Dates show in it; reminders and the digest arrive in your mornings.",
    email_reminders: "Email me the day before a task assigned to me is due",
    digest: "Send me a daily digest at 8:00",
    save_prefs: "Save preferences",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    password_changed: "Passwort geändert. Deine anderen Geräte sind abgemeldet.",
    current_wrong: "Das aktuelle Passwort stimmt nicht.",
    // The reason comes from the server, in English.
    new_password_is: "Das neue Passwort: {0}.",
    change_password: "Passwort ändern",
    current_password: "Aktuelles Passwort",
    new_password: "Neues Passwort",
    tokens_title: "Persönliche API-Tokens",
    tokens_help: "Für Skripte und Integrationen: sende ihn als ",
    token_name: "Name des Tokens",
    can_write: "Darf auch schreiben",
    create_token: "Token erstellen",
    copy_now: "Kopiere ihn jetzt: Er wird nicht noch einmal angezeigt.",
    created: "Erstellt am {0}",
    last_used: " · zuletzt benutzt am {0}",
    delete_token: "Token {0} löschen",
    delete: "Löschen",
    prefs_saved: "Einstellungen gespeichert.",
    zone_is: "Die Zeitzone: {0}.",
    language_is: "Die Sprache: {0}.",
    prefs_title: "Sprache, Benachrichtigungen und Zeitzone",
    language: "Sprache",
    time_zone: "Zeitzone",
    zone_help: "Uhrzeiten erscheinen in dieser Zeitzone; Erinnerungen und die Zusammenfassung kommen morgens.",
    email_reminders: "Schick mir eine E-Mail am Tag, bevor eine mir zugewiesene Aufgabe fällig ist",
    digest: "Schick mir täglich um 8:00 eine Zusammenfassung",
    save_prefs: "Einstellungen speichern",
};
