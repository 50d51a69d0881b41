use leptos::prelude::*;
use leptos_meta::Title;

/// Rendered for every unknown route, with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    crate::components::set_http_status(404);
    crate::root::mark_hydrated();
    let t = text();
    view! {
        <Title text=t.title/>
        <section class="not-found" aria-labelledby="nf-title">
            <p class="not-found__code" aria-hidden="true">"404"</p>
            <h1 id="nf-title">{t.heading}</h1>
            <p>{t.explanation}</p>
            <a class="button button--primary" href="/">{t.back}</a>
        </section>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        title: &'static str,
        heading: &'static str,
        explanation: &'static str,
        back: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    title: "Page not found",
    heading: "This page does not exist",
    explanation: "The link may be old, or the page may have moved.",
    back: "Back to the start page",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    title: "Seite nicht gefunden",
    heading: "Diese Seite gibt es nicht",
    explanation: "Der Link ist vielleicht veraltet, oder die Seite wurde verschoben.",
    back: "Zurück zur Startseite",
};
