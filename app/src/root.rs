//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

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
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link
                    rel="stylesheet"
                    id="leptos"
                    href=crate::assets::stylesheet_href(&options.output_name, &options.site_pkg_dir)
                />
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let auth = Auth::provide();
    crate::components::Bell::provide();
    keep_session_fresh(auth);

    // Effects run only in the browser, so this flips once the wasm has hydrated the page.
    // End-to-end tests wait on it instead of sleeping.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content="Plan, track and ship together: live kanban boards for teams."/>
        <Meta name="theme-color" content="#4f46e5"/>
        <Title formatter=|text: String| if text.is_empty() { "Task Manager".to_owned() } else { format!("{text} · Task Manager") }/>
        <Router>
            <div id="app" data-hydrated=move || hydrated.get().to_string()>
                <a class="skip-link" href="#main">"Skip to content"</a>
                <TopBar/>
                <main id="main" tabindex="-1">
                    <Routes fallback=NotFoundPage>
                        <Route path=StaticSegment("") view=LandingPage/>
                        <Route path=StaticSegment("signin") view=SignInPage/>
                        <Route path=StaticSegment("signup") view=SignUpPage/>
                        <Route path=StaticSegment("account") view=AccountPage/>
                        <Route path=StaticSegment("workspaces") view=WorkspacesPage/>
                        <ParentRoute path=(StaticSegment("w"), ParamSegment("id")) view=WorkspaceShell ssr=SsrMode::Async>
                            <Route path=StaticSegment("") view=BoardView ssr=SsrMode::Async/>
                            <Route path=StaticSegment("list") view=ListView ssr=SsrMode::Async/>
                            <Route path=StaticSegment("calendar") view=CalendarView ssr=SsrMode::Async/>
                            <Route path=StaticSegment("dashboard") view=DashboardView ssr=SsrMode::Async/>
                            <Route path=StaticSegment("members") view=MembersView ssr=SsrMode::Async/>
                            <Route path=StaticSegment("settings") view=SettingsView ssr=SsrMode::Async/>
                            <Route path=StaticSegment("search") view=SearchView ssr=SsrMode::Async/>
                        </ParentRoute>
                        <Route path=StaticSegment("forgot-password") view=ForgotPasswordPage/>
                        <Route path=StaticSegment("reset-password") view=ResetPasswordPage/>
                        <Route path=StaticSegment("verify-email") view=VerifyEmailPage/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
