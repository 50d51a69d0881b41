//! Everything under `/w/:id`: the workspace shell (switcher, views, search box, task panel) and
//! its views. Every view reads the workspace id from the shell's context and refetches when
//! `WsCtx::changed` moves (after the task panel saved something).

mod board;
mod calendar;
mod dashboard;
pub mod dates;
mod list;
mod members;
mod panel;
mod search;
mod settings;

pub use board::BoardView;
pub use calendar::CalendarView;
pub use dashboard::DashboardView;
pub use list::ListView;
pub use members::MembersView;
pub use search::SearchView;
pub use settings::SettingsView;

use domain::workspace::{MemberView, WorkspaceView};
use domain::ApiError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{my_workspaces, workspace};
use crate::auth::use_auth;
use crate::live::{Live, LiveState};

/// What the views of one workspace share.
#[derive(Clone, Copy)]
pub struct WsCtx {
    pub id: Memo<String>,
    /// Bumped whenever something changed that views should reload.
    pub changed: RwSignal<u32>,
    pub workspace: Resource<Result<WorkspaceView, ApiError>>,
    /// `YYYY-MM-DD`, from the server.
    pub today: Resource<Result<String, ApiError>>,
    /// The workspace's live events.
    pub live: Live,
    /// Bumped (at most every half second) when others changed tasks: views that do not apply
    /// events in place reload.
    pub remote: RwSignal<u32>,
}

impl WsCtx {
    pub fn bump(&self) {
        self.changed.update(|v| *v += 1);
    }
}

pub fn use_ws() -> WsCtx {
    expect_context::<WsCtx>()
}

/// The link that opens the task panel over the current view.
pub fn task_href(task_id: &str) -> String {
    format!("?task={task_id}")
}

/// Initials for an avatar chip.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

pub fn member_name(members: &[MemberView], user_id: &str) -> String {
    members
        .iter()
        .find(|m| m.user_id == user_id)
        .map_or_else(|| text().former_member.to_owned(), |m| m.name.clone())
}

/// A failed load, with a way out.
pub fn load_error(e: ApiError) -> AnyView {
    let t = text();
    view! {
        <section class="empty-state" role="alert">
            <h2>{t.not_loaded}</h2>
            <p>{e.message}</p>
            <A href="/workspaces" attr:class="button button--ghost">{t.your_workspaces}</A>
        </section>
    }
    .into_any()
}

#[component]
pub fn WorkspaceShell() -> impl IntoView {
    let t = text();
    let auth = use_auth();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let changed = RwSignal::new(0u32);
    // The page's `<Title>` holds the reference-counted handle: on the server, leptos_meta reads
    // every title's text once the body is done, outside the request's reactive arena (another
    // request's may be current on that thread then), so an arena-stored `Resource` read there
    // could look disposed and fail the page with a 500 (about one list load in 1,000 under load).
    let ws_title =
        ArcResource::new_blocking(move || (id.get(), changed.get()), |(id, _)| workspace(id));
    let ws = Resource::from(ws_title.clone());
    let live = Live::new(id.get_untracked());
    let ctx = WsCtx {
        id,
        changed,
        workspace: ws,
        today: Resource::new_blocking(|| (), |_| crate::api::today()),
        live,
        remote: RwSignal::new(0),
    };
    provide_context(ctx);
    follow_live(ctx);
    // Created here, not inside the Transition below: resources must be created in the same
    // order on the server and in the browser, or hydration pairs values with the wrong ones.
    let all = Resource::new_blocking(|| (), |_| my_workspaces());
    let query = use_query_map();
    let open_task = Memo::new(move |_| query.read().get("task"));
    let tab = move |suffix: &'static str| format!("/w/{}{}", id.get(), suffix);
    let search_q = move || query.read().get("q").unwrap_or_default();

    view! {
        // Outside the transitions: their children re-run on the server while resources load,
        // and anything in them that takes a hydration id would take a different one each time.
        <Title text=move || ws_title.get().and_then(Result::ok).map(|w| w.name).unwrap_or_default()/>
        <Transition fallback=|| ()>
            {move || auth.user.get().map(|u| matches!(u, Ok(None)).then(|| view! { <Redirect path="/signin"/> }))}
        </Transition>
        <Transition fallback=|| view! { <div class="ws-head ws-head--loading" aria-hidden="true"></div> }>
            {move || ws.get().map(|r| match r {
                Ok(w) => view! {
                    <header class="ws-head">
                        <div class="ws-head__title">
                            <WorkspaceSwitcher current=w.clone() all=all/>
                            <span class="badge" title=t.your_role>{crate::i18n::role_label(w.role)}</span>
                            <LiveBadge live=live/>
                        </div>
                        <form class="ws-search" role="search" method="get" action=format!("/w/{}/search", w.id)>
                            <label class="sr-only" for="ws-search-q">{t.search_tasks}</label>
                            <input id="ws-search-q" type="search" name="q" placeholder=t.search_placeholder value=search_q() autocomplete="off"/>
                        </form>
                    </header>
                    <nav class="tabs" aria-label=t.views>
                        {[("", t.board), ("/list", t.list), ("/calendar", t.calendar), ("/dashboard", t.dashboard), ("/members", t.members), ("/settings", t.settings)]
                            .into_iter()
                            .map(|(suffix, label)| view! {
                                <A href=move || tab(suffix) exact=true attr:class="tab">{label}</A>
                            })
                            .collect_view()}
                    </nav>
                }.into_any(),
                Err(e) => view! {
                    <section class="not-found">
                        <h1>{t.not_available}</h1>
                        <p>{e.message}</p>
                        <A href="/workspaces" attr:class="button button--primary">{t.your_workspaces}</A>
                    </section>
                }.into_any(),
            })}
        </Transition>
        <Outlet/>
        {move || open_task.get().map(|task_id| view! { <panel::TaskPanel task_id=task_id/> })}
    }
}

/// The workspace name as a menu of every workspace the person belongs to (plain links: works
/// before and without hydration).
#[component]
fn WorkspaceSwitcher(
    current: WorkspaceView,
    all: Resource<Result<Vec<WorkspaceView>, ApiError>>,
) -> impl IntoView {
    let t = text();
    view! {
        <details class="switcher">
            <summary><h1>{current.name.clone()}</h1><span class="switcher__caret" aria-hidden="true">"▾"</span><span class="sr-only">{t.switch_workspace}</span></summary>
            <div class="switcher__menu">
                // No Transition here: this renders inside the header's Transition, and a nested
                // one is created a different number of times on the server and in the browser,
                // which shifts every later resource id and breaks hydration.
                {move || all.get().map(|r| r.map(|list| view! {
                        <ul>
                            {list.into_iter().map(|w| {
                                let here = w.id == current.id;
                                view! { <li><a href=format!("/w/{}", w.id) aria-current=here.then_some("page")>{w.name}</a></li> }
                            }).collect_view()}
                        </ul>
                    }).ok())}
                <a class="switcher__all" href="/workspaces">{t.all_workspaces}</a>
            </div>
        </details>
    }
}

/// Keeps the socket open for the shown workspace and turns its events into reloads for the
/// views that do not apply them in place (the board does).
fn follow_live(ctx: WsCtx) {
    let live = ctx.live;
    // Client only: effects do not run on the server.
    Effect::new(move |_| crate::live::connect(live));
    // Edits queued while offline reached the server: every view reads again.
    crate::offline::on_replayed(move || ctx.bump());
    Effect::new(move |previous: Option<String>| {
        let id = ctx.id.get();
        if previous.is_some_and(|p| p != id) {
            live.switch(id.clone());
        }
        id
    });
    let seen = StoredValue::new(0u64);
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        let mut last = seen.get_value();
        let events = live.unseen(&mut last);
        seen.set_value(last);
        if events.is_empty() {
            return;
        }
        if events
            .iter()
            .any(|e| e.kind.starts_with("member.") || e.kind.starts_with("workspace."))
        {
            // Members, columns or the name changed: everything reloads.
            ctx.bump();
        } else if !pending.get_value() {
            // Several changes in a burst: one reload.
            pending.set_value(true);
            set_timeout(
                move || {
                    pending.set_value(false);
                    ctx.remote.update(|n| *n += 1);
                },
                std::time::Duration::from_millis(300),
            );
        }
    });
    Effect::new(move |first: Option<()>| {
        live.resynced.track();
        if first.is_some() {
            ctx.bump();
        }
    });
}

/// A small indicator of the live connection (announced politely when it changes).
#[component]
fn LiveBadge(live: Live) -> impl IntoView {
    let t = text();
    let label = move || match live.state.get() {
        LiveState::Connecting => t.connecting,
        LiveState::Live => t.live,
        LiveState::Reconnecting => t.reconnecting,
        LiveState::Closed => t.offline,
    };
    let class = move || match live.state.get() {
        LiveState::Live => "live live--on",
        LiveState::Connecting => "live",
        _ => "live live--off",
    };
    view! {
        <span class=class role="status" data-testid="live-state" title=t.live_hint>
            <span class="live__dot" aria-hidden="true"></span>{label}
        </span>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        former_member: &'static str,
        not_loaded: &'static str,
        your_workspaces: &'static str,
        your_role: &'static str,
        search_tasks: &'static str,
        search_placeholder: &'static str,
        views: &'static str,
        board: &'static str,
        list: &'static str,
        calendar: &'static str,
        dashboard: &'static str,
        members: &'static str,
        settings: &'static str,
        not_available: &'static str,
        switch_workspace: &'static str,
        all_workspaces: &'static str,
        connecting: &'static str,
        live: &'static str,
        reconnecting: &'static str,
        offline: &'static str,
        live_hint: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    former_member: "Former member",
    not_loaded: "This could not be loaded",
    your_workspaces: "Your workspaces",
    your_role: "Your role here",
    search_tasks: "Search tasks",
    search_placeholder: "Search tasks and comments…",
    views: "Workspace views",
    board: "Board",
    list: "List",
    calendar: "Calendar",
    dashboard: "Dashboard",
    members: "Members",
    settings: "Settings",
    not_available: "This workspace is not available",
    switch_workspace: "Switch workspace",
    all_workspaces: "All workspaces…",
    connecting: "Connecting…",
    live: "Live",
    reconnecting: "Reconnecting…",
    offline: "Offline",
    live_hint: "Changes by others appear here as they happen",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    former_member: "Ehemaliges Mitglied",
    not_loaded: "Das konnte nicht geladen werden",
    your_workspaces: "Deine Workspaces",
    your_role: "Deine Rolle hier",
    search_tasks: "Aufgaben durchsuchen",
    search_placeholder: "Aufgaben und Kommentare durchsuchen…",
    views: "Workspace-Ansichten",
    board: "Board",
    list: "Liste",
    calendar: "Kalender",
    dashboard: "Dashboard",
    members: "Mitglieder",
    settings: "Einstellungen",
    not_available: "Dieser Workspace ist nicht verfügbar",
    switch_workspace: "Workspace wechseln",
    all_workspaces: "Alle Workspaces…",
    connecting: "Verbinden…",
    live: "Live",
    reconnecting: "Neu verbinden…",
    offline: "Offline",
    live_hint: "Änderungen anderer erscheinen hier, sobald sie passieren",
};
