use leptos::prelude::*;
use leptos_meta::Title;

/// Rendered for every unknown route, with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    crate::components::set_http_status(404);
    crate::root::mark_hydrated();
    view! {
        <Title text="Page not found"/>
        <section class="not-found" aria-labelledby="nf-title">
            <p class="not-found__code" aria-hidden="true">"404"</p>
            <h1 id="nf-title">"This page does not exist"</h1>
            <p>"The link may be old, or the page may have moved."</p>
            <a class="button button--primary" href="/">"Back to the start page"</a>
        </section>
    }
}
