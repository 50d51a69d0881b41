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

/// "3 min ago", "yesterday", or the date.
fn ago(created_at: &str, now_ms: f64) -> String {
    let Some(at) = crate::pages::ws::dates::parse_ms(created_at) else {
        return String::new();
    };
    let minutes = ((now_ms - at) / 60_000.0).max(0.0) as i64;
    match minutes {
        0 => "just now".to_owned(),
        1..=59 => format!("{minutes} min ago"),
        60..=1439 => format!("{} h ago", minutes / 60),
        1440..=2879 => "yesterday".to_owned(),
        _ => created_at.chars().take(10).collect(),
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
        Some(0) | None => "Notifications".to_owned(),
        Some(1) => "Notifications, 1 unread".to_owned(),
        Some(n) => format!("Notifications, {n} unread"),
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
            <div id=panel_id class="bell__panel" role="region" aria-label="Notifications"
                hidden=move || !open.get()>
                <div class="bell__head">
                    <h2>"Notifications"</h2>
                    <button class="button button--ghost button--small" type="button" data-testid="mark-all-read"
                        // aria-disabled, not disabled: a disabled button drops keyboard focus
                        // to the page the moment the last notification is read.
                        aria-disabled=move || (bell.unread.get().unwrap_or(0) == 0).to_string()
                        on:click=move |_| {
                            if bell.unread.get_untracked().unwrap_or(0) > 0 {
                                mark.dispatch(MarkNotificationsRead { ids: None });
                            }
                        }>
                        "Mark all read"
                    </button>
                </div>
                {move || match items.get() {
                    None => view! { <p class="muted bell__empty">"Loading…"</p> }.into_any(),
                    Some(items) if items.is_empty() => view! {
                        <p class="muted bell__empty">"Nothing new. You are all caught up."</p>
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
    view! {
        <ul class="bell__list" data-testid="notifications">
            {items.into_iter().map(|n| {
                let unread = n.read_at.is_none();
                let id = n.id.clone();
                let headline = n.headline();
                let when = ago(&n.created_at, now);
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
                            <span class="bell__when">{when}{unread.then(|| view! { <span class="sr-only">", unread"</span> })}</span>
                        </A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
