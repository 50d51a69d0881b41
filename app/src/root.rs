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
                        <Route path=StaticSegment("") view={Lazy::<LandingRoute>::new()}/>
                        <Route path=StaticSegment("signin") view={Lazy::<SignInRoute>::new()}/>
                        <Route path=StaticSegment("signup") view={Lazy::<SignUpRoute>::new()}/>
                        <Route path=StaticSegment("account") view={Lazy::<AccountRoute>::new()}/>
                        <Route path=StaticSegment("workspaces") view={Lazy::<WorkspacesRoute>::new()}/>
                        <ParentRoute path=(StaticSegment("w"), ParamSegment("id")) view={Lazy::<WorkspaceRoute>::new()} ssr=SsrMode::Async>
                            <Route path=StaticSegment("") view={Lazy::<BoardRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("list") view={Lazy::<ListRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("calendar") view={Lazy::<CalendarRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("members") view={Lazy::<MembersRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=StaticSegment("search") view={Lazy::<SearchRoute>::new()} ssr=SsrMode::Async/>
                        </ParentRoute>
                        <Route path=StaticSegment("forgot-password") view={Lazy::<ForgotPasswordRoute>::new()}/>
                        <Route path=StaticSegment("reset-password") view={Lazy::<ResetPasswordRoute>::new()}/>
                        <Route path=StaticSegment("verify-email") view={Lazy::<VerifyEmailRoute>::new()}/>
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

/// Routes whose code is loaded on demand: `cargo leptos build --split` moves each view into a
/// wasm chunk of its own (with the code only it uses), fetched the first time the route renders,
/// so the entry bundle holds only what every page needs: the router, the top bar, the bell.
///
/// Leaf pages mark the page hydrated; the workspace shell leaves that to its child view.
macro_rules! lazy_page {
    ($route:ident => $view:ident $(, $before:stmt)?) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $($before;)?
                view! { <$view/> }.into_any()
            }
        }
    };
}

lazy_page!(LandingRoute => LandingPage, mark_hydrated());
lazy_page!(SignInRoute => SignInPage, mark_hydrated());
lazy_page!(SignUpRoute => SignUpPage, mark_hydrated());
lazy_page!(ForgotPasswordRoute => ForgotPasswordPage, mark_hydrated());
lazy_page!(ResetPasswordRoute => ResetPasswordPage, mark_hydrated());
lazy_page!(VerifyEmailRoute => VerifyEmailPage, mark_hydrated());
lazy_page!(WorkspacesRoute => WorkspacesPage, mark_hydrated());
lazy_page!(AccountRoute => AccountPage, mark_hydrated());
lazy_page!(WorkspaceRoute => WorkspaceShell);
lazy_page!(BoardRoute => BoardView, mark_hydrated());
lazy_page!(ListRoute => ListView, mark_hydrated());
lazy_page!(CalendarRoute => CalendarView, mark_hydrated());
lazy_page!(DashboardRoute => DashboardView, mark_hydrated());
lazy_page!(MembersRoute => MembersView, mark_hydrated());
lazy_page!(SettingsRoute => SettingsView, mark_hydrated());
lazy_page!(SearchRoute => SearchView, mark_hydrated());

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
