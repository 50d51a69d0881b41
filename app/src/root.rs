//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{lazy_route, Lazy, LazyRoute, ParamSegment, SsrMode, StaticSegment};

use crate::auth::{keep_session_fresh, Auth};
use crate::components::TopBar;
use crate::pages::ws::{
    BoardView, CalendarView, DashboardView, ListView, MembersView, SearchView, SettingsView,
    WorkspaceShell,
};
use crate::pages::{
    AccountPage, ForgotPasswordPage, LandingPage, NotFoundPage, ResetPasswordPage, SignInPage,
    SignUpPage, VerifyEmailPage, WorkspacesPage,
};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        // The page's language (`i18n`): the browser reads it back from here when it hydrates.
        <html lang=crate::i18n::detect().tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link
                    rel="stylesheet"
                    id="leptos"
                    href=crate::assets::stylesheet_href(&options.output_name, &options.site_pkg_dir)
                />
                // The installable app (public/): manifest, icons, the service worker's page
                // side (update prompt, offline queue, sync status) and its styles.
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png"/>
                <link rel="stylesheet" href="/pwa.css"/>
                <script type="module" src="/pwa.js"></script>
                <AutoReload options=options.clone()/>
                {strings_catalog()}
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The catalog of the page's language for the wasm (see `crate::i18n`); English needs none.
#[cfg(feature = "ssr")]
fn strings_catalog() -> impl IntoView {
    let locale = crate::i18n::detect();
    (locale != crate::i18n::Locale::En).then(|| {
        view! {
            <script
                type="application/json"
                id=crate::i18n::CATALOG_ID
                inner_html=crate::i18n::catalog_json(locale)
            ></script>
        }
    })
}

#[cfg(not(feature = "ssr"))]
fn strings_catalog() {}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::i18n::provide();
    let t = text();
    let auth = Auth::provide();
    crate::components::Bell::provide();
    keep_session_fresh(auth);

    // Effects run only in the browser, so this flips once the wasm has hydrated the page: the
    // page's own route marks it (routes are lazy, so the app's shell hydrates before the page's
    // chunk has arrived). End-to-end tests wait on it instead of sleeping.
    let hydrated = Hydrated(RwSignal::new(false));
    provide_context(hydrated);
    let hydrated = hydrated.0;
    // True while a navigation waits for its page's chunk and data: the page is not ready then.
    let (routing, set_routing) = signal(false);

    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content=t.description/>
        <Meta name="theme-color" content="#4f46e5"/>
        <Title formatter=|text: String| if text.is_empty() { "Task Manager".to_owned() } else { format!("{text} · Task Manager") }/>
        <Router set_is_routing=set_routing>
            <div id="app" data-hydrated=move || (hydrated.get() && !routing.get()).to_string()>
                <div class="route-progress" class:route-progress--on=routing aria-hidden="true"></div>
                <a class="skip-link" href="#main">{t.skip_to_content}</a>
                <TopBar/>
                <main id="main" tabindex="-1" aria-busy=move || routing.get().then_some("true")>
                    <Routes fallback=NotFoundPage>
                        <Route path=StaticSegment("") view={Lazy::<PublicRoute>::new()}/>
                        <Route path=StaticSegment("signin") view={Lazy::<PublicRoute>::new()}/>
                        <Route path=StaticSegment("signup") view={Lazy::<PublicRoute>::new()}/>
                        <Route path=StaticSegment("account") view={Lazy::<HomeRoute>::new()}/>
                        <Route path=StaticSegment("workspaces") view={Lazy::<HomeRoute>::new()}/>
                        <ParentRoute path=(StaticSegment("w"), ParamSegment("id")) view={Lazy::<WorkspaceRoute>::new()} ssr=SsrMode::Async>
                            <Route path=StaticSegment("") view={Lazy::<WorkspaceViewRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("list") view={Lazy::<WorkspaceViewRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("calendar") view={Lazy::<WorkspaceViewRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("dashboard") view={Lazy::<WorkspaceViewRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("members") view={Lazy::<WorkspaceViewRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("settings") view={Lazy::<WorkspaceViewRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("search") view={Lazy::<WorkspaceViewRoute>::new()} ssr=SsrMode::Async/>
                        </ParentRoute>
                        <Route path=StaticSegment("forgot-password") view={Lazy::<PublicRoute>::new()}/>
                        <Route path=StaticSegment("reset-password") view={Lazy::<PublicRoute>::new()}/>
                        <Route path=StaticSegment("verify-email") view={Lazy::<PublicRoute>::new()}/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}

/// Set once the page (not only the app around it) has hydrated: see [`mark_hydrated`].
#[derive(Clone, Copy)]
pub struct Hydrated(RwSignal<bool>);

/// Called by each page: its effect runs once that page's part of the DOM is live.
pub fn mark_hydrated() {
    if let Some(Hydrated(flag)) = use_context::<Hydrated>() {
        Effect::new(move |_| flag.set(true));
    }
}

/// The path's `n`th segment as the router sees it (`/w/abc/list`: 0 is `w`, 2 is `list`).
fn path_segment(n: usize) -> String {
    leptos_router::hooks::use_location()
        .pathname
        .with_untracked(|p| {
            p.split('/')
                .filter(|s| !s.is_empty())
                .nth(n)
                .unwrap_or_default()
                .to_owned()
        })
}

/// Routes whose code is loaded on demand: `cargo leptos build --split` moves each lazy route's
/// view into a wasm chunk of its own, fetched the first time the route renders, so the entry
/// bundle holds only what every page needs: the router, the top bar, the bell.
///
/// Few split points, each a group of pages: wasm-split also makes a chunk for every set of
/// split points that share code, and a page loads them all. With one split point per page
/// (16) the board loaded 334 chunks (median 458 bytes) while it hydrated, and fetching and
/// instantiating them was most of the board's blocking time (Lighthouse TBT 425–825 ms).
/// A group's route picks its page from the path.
///
/// Leaf pages mark the page hydrated; the workspace shell leaves that to its child view.
macro_rules! lazy_group {
    ($route:ident, segment $n:literal { $($segment:literal => $view:ident,)* _ => $default:ident $(,)? } $(, $before:stmt)?) => {
        pub struct $route(String);

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self(path_segment($n))
            }

            fn view(this: Self) -> AnyView {
                $($before;)?
                match this.0.as_str() {
                    $($segment => view! { <$view/> }.into_any(),)*
                    _ => view! { <$default/> }.into_any(),
                }
            }
        }
    };
}

lazy_group!(PublicRoute, segment 0 {
    "signin" => SignInPage,
    "signup" => SignUpPage,
    "forgot-password" => ForgotPasswordPage,
    "reset-password" => ResetPasswordPage,
    "verify-email" => VerifyEmailPage,
    _ => LandingPage,
}, mark_hydrated());
lazy_group!(HomeRoute, segment 0 { "account" => AccountPage, _ => WorkspacesPage }, mark_hydrated());
lazy_group!(WorkspaceRoute, segment 0 { _ => WorkspaceShell });
lazy_group!(WorkspaceViewRoute, segment 2 {
    "list" => ListView,
    "calendar" => CalendarView,
    "dashboard" => DashboardView,
    "members" => MembersView,
    "settings" => SettingsView,
    "search" => SearchView,
    _ => BoardView,
}, mark_hydrated());

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        description: &'static str,
        skip_to_content: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    description: "Plan, track and ship together: live kanban boards for teams.",
    skip_to_content: "Skip to content",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    description: "Gemeinsam planen, verfolgen und ausliefern: Live-Kanban-Boards für Teams.",
    skip_to_content: "Zum Inhalt springen",
};
