//! The notification bell: unread count, the newest notifications, mark read.
//!
//! The count arrives live over the workspace's websocket (`{"type":"notifications","unread"}`,
//! see `crate::live`), which bumps [`Bell::changed`]; elsewhere it is read when the page loads,
//! when the tab comes back into view, and when the bell opens.

use domain::notification::NotificationView;
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{my_notifications, MarkNotificationsRead};

/// Shared by the bell and the live connection.
#[derive(Clone, Copy)]
pub struct Bell {
    /// The unread count as the server last said (`None`: not known yet).
    pub unread: RwSignal<Option<i64>>,
    /// Bumped when the server says notifications changed: the list is read again.
    pub changed: RwSignal<u32>,
}

impl Bell {
    pub fn provide() -> Self {
        let bell = Self {
            unread: RwSignal::new(None),
            changed: RwSignal::new(0),
        };
        provide_context(bell);
        bell
    }

    /// The server says `unread` are unread now.
    pub fn live_count(&self, unread: i64) {
        if self.unread.get_untracked() != Some(unread) {
            self.unread.set(Some(unread));
            self.changed.update(|n| *n += 1);
        }
    }
}

/// A line a person reads, e.g. "Ada assigned you “Ship it”", in the page's language (the same
/// sentences as `NotificationView::headline`, which stays English).
fn headline_of(n: &NotificationView, t: &Text) -> String {
    let field = |k: &str| {
        n.data
            .get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (actor, title) = (field("actor_name"), field("title"));
    let actor = if actor.is_empty() {
        t.someone.to_owned()
    } else {
        actor
    };
    match n.kind.as_str() {
        "assigned" => crate::i18n::fill(t.assigned, &[&actor, &title]),
        "mentioned" => crate::i18n::fill(t.mentioned, &[&actor, &title]),
        "due_soon" => crate::i18n::fill(t.due_soon, &[&title]),
        _ => title,
    }
}

fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as f64)
            .unwrap_or(0.0)
    }
}

#[component]
pub fn NotificationBell() -> impl IntoView {
    let bell = use_context::<Bell>().unwrap_or_else(Bell::provide);
    let t = text();
    let open = RwSignal::new(false);
    let mark = ServerAction::<MarkNotificationsRead>::new();
    // Read in the browser only, into plain signals: the bell sits in the top bar of every page,
    // and its data is nobody's business at render time (the server renders the empty bell, the
    // browser starts from the same, so hydration always matches).
    let items: RwSignal<Option<Vec<NotificationView>>> = RwSignal::new(None);
    Effect::new(move |_| {
        bell.changed.track();
        mark.version().track();
        leptos::task::spawn_local(async move {
            if let Ok(Some(page)) = my_notifications().await {
                bell.unread.set(Some(page.unread));
                items.set(Some(page.items));
            }
        });
    });
    #[cfg(feature = "hydrate")]
    {
        // Back to the tab after a while: look again (no socket may have told us).
        let handle = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if !document().hidden() {
                bell.changed.update(|n| *n += 1);
            }
        });
        on_cleanup(move || handle.remove());
    }
    let panel_id = "notification-panel";
    let label = move || match bell.unread.get() {
        Some(0) | None => t.notifications.to_owned(),
        Some(1) => t.notifications_unread_one.to_owned(),
        // Not `i18n::fill`: this label is in the entry bundle, which stays free of the
        // template code the pages share.
        Some(n) => t.notifications_unread_other.replace("{0}", &n.to_string()),
    };
    let close_on_escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            #[cfg(feature = "hydrate")]
            if let Some(button) = document().get_element_by_id("notification-button") {
                use wasm_bindgen::JsCast;
                if let Ok(b) = button.dyn_into::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        }
    };

    view! {
        <div class="bell" on:keydown=close_on_escape>
            <button id="notification-button" class="button button--ghost bell__button" type="button"
                data-testid="bell" aria-controls=panel_id
                aria-expanded=move || open.get().to_string() aria-label=label
                on:click=move |_| {
                    let now = !open.get_untracked();
                    open.set(now);
                    if now { bell.changed.update(|n| *n += 1); }
                }>
                <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none"
                    stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/>
                    <path d="M13.73 21a2 2 0 0 1-3.46 0"/>
                </svg>
                {move || bell.unread.get().filter(|n| *n > 0).map(|n| view! {
                    <span class="bell__count" data-testid="bell-count">{if n > 99 { "99+".to_owned() } else { n.to_string() }}</span>
                })}
            </button>
            <div id=panel_id class="bell__panel" role="region" aria-label=t.notifications
                hidden=move || !open.get()>
                <div class="bell__head">
                    <h2>{t.notifications}</h2>
                    <button class="button button--ghost button--small" type="button" data-testid="mark-all-read"
                        // aria-disabled, not disabled: a disabled button drops keyboard focus
                        // to the page the moment the last notification is read.
                        aria-disabled=move || (bell.unread.get().unwrap_or(0) == 0).to_string()
                        on:click=move |_| {
                            if bell.unread.get_untracked().unwrap_or(0) > 0 {
                                mark.dispatch(MarkNotificationsRead { ids: None });
                            }
                        }>
                        {t.mark_all_read}
                    </button>
                </div>
                {move || match items.get() {
                    None => view! { <p class="muted bell__empty">{t.loading}</p> }.into_any(),
                    Some(items) if items.is_empty() => view! {
                        <p class="muted bell__empty">{t.caught_up}</p>
                    }.into_any(),
                    // The list's code is a chunk of its own, loaded the first time there is one
                    // to show (never during hydration: the server renders no list).
                    Some(items) => Suspend::new(async move { notification_list(items, open, mark).await }).into_any(),
                }}
            </div>
        </div>
    }
}

/// The newest notifications as links (marking one read when followed).
#[lazy]
fn notification_list(
    items: Vec<NotificationView>,
    open: RwSignal<bool>,
    mark: ServerAction<MarkNotificationsRead>,
) -> AnyView {
    let now = now_ms();
    let t = text();
    view! {
        <ul class="bell__list" data-testid="notifications">
            {items.into_iter().map(|n| {
                let unread = n.read_at.is_none();
                let id = n.id.clone();
                let headline = headline_of(&n, t);
                let created_at = n.created_at.clone();
                // In the person's time zone, read from the account resource: inside the closure.
                let when = move || crate::i18n::ago(&created_at, now, &crate::i18n::time_zone());
                let excerpt = n.data.get("excerpt").and_then(|e| e.as_str()).map(str::to_owned);
                let href = n.href().unwrap_or_else(|| "/workspaces".to_owned());
                view! {
                    <li class="bell__item" class:bell__item--unread=unread data-kind=n.kind.clone()>
                        <A href=href on:click=move |_| {
                            open.set(false);
                            if unread { mark.dispatch(MarkNotificationsRead { ids: Some(vec![id.clone()]) }); }
                        }>
                            <span class="bell__headline">{headline}</span>
                            {excerpt.map(|e| view! { <span class="bell__excerpt">{e}</span> })}
                            <span class="bell__when">{when}{unread.then(|| view! { <span class="sr-only">{t.unread_suffix}</span> })}</span>
                        </A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        notifications: &'static str,
        /// The bell's accessible name with 1 unread.
        notifications_unread_one: &'static str,
        /// The bell's accessible name with {0} (> 0, not 1) unread.
        notifications_unread_other: &'static str,
        mark_all_read: &'static str,
        loading: &'static str,
        caught_up: &'static str,
        /// After the time of an unread notification, for screen readers.
        unread_suffix: &'static str,
        /// The actor when the notification names none.
        someone: &'static str,
        /// {0} actor, {1} task title
        assigned: &'static str,
        /// {0} actor, {1} task title
        mentioned: &'static str,
        /// {0} task title
        due_soon: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    notifications: "Notifications",
    notifications_unread_one: "Notifications, 1 unread",
    notifications_unread_other: "Notifications, {0} unread",
    mark_all_read: "Mark all read",
    loading: "Loading…",
    caught_up: "Nothing new. You are all caught up.",
    unread_suffix: ", unread",
    someone: "Someone",
    assigned: "{0} assigned you \u{201c}{1}\u{201d}",
    mentioned: "{0} mentioned you on \u{201c}{1}\u{201d}",
    due_soon: "\u{201c}{0}\u{201d} is due soon",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    notifications: "Benachrichtigungen",
    notifications_unread_one: "Benachrichtigungen, 1 ungelesen",
    notifications_unread_other: "Benachrichtigungen, {0} ungelesen",
    mark_all_read: "Alle als gelesen markieren",
    loading: "Wird geladen…",
    caught_up: "Nichts Neues. Du bist auf dem neuesten Stand.",
    unread_suffix: ", ungelesen",
    someone: "Jemand",
    assigned: "{0} hat dir \u{201e}{1}\u{201c} zugewiesen",
    mentioned: "{0} hat dich in \u{201e}{1}\u{201c} erwähnt",
    due_soon: "\u{201e}{0}\u{201c} ist bald fällig",
};
