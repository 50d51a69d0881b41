use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::StatusPanel;

/// The start page: what the product is, and whether the service is healthy.
#[component]
pub fn LandingPage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">"Plan, track and ship — together, live."</h1>
            <p class="hero__lead">
                "Workspaces for your team, kanban boards that update the moment a teammate moves a card, "
                "and edits that wait for you when the network does not."
            </p>
        </section>
        <section class="features" aria-label="What you get">
            <article class="card">
                <h2>"Live boards"</h2>
                <p>"Every change reaches everyone on the board within a second, on every server."</p>
            </article>
            <article class="card">
                <h2>"Works offline"</h2>
                <p>"Keep editing on a train; your changes sync when you are back online."</p>
            </article>
            <article class="card">
                <h2>"Roles that fit"</h2>
                <p>"Owners, editors, commenters and viewers: everyone sees what they should."</p>
            </article>
        </section>
        <StatusPanel/>
        <footer class="footer">
            <p>"Task Manager · one Rust codebase from database to browser"</p>
        </footer>
    }
}
