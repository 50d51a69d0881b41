use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::StatusPanel;

/// The start page: what the product is, and whether the service is healthy.
#[component]
pub fn LandingPage() -> impl IntoView {
    let t = text();
    view! {
        <Title text=""/>
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">{t.hero_title}</h1>
            <p class="hero__lead">
                {t.hero_lead_1}
                {t.hero_lead_2}
            </p>
        </section>
        <section class="features" aria-label=t.features_label>
            <article class="card">
                <h2>{t.live_title}</h2>
                <p>{t.live_body}</p>
            </article>
            <article class="card">
                <h2>{t.offline_title}</h2>
                <p>{t.offline_body}</p>
            </article>
            <article class="card">
                <h2>{t.roles_title}</h2>
                <p>{t.roles_body}</p>
            </article>
        </section>
        <StatusPanel/>
        <LanguageSwitch next="/"/>
        <footer class="footer">
            <p>{t.footer}</p>
        </footer>
    }
}

/// Links to this page in every language of the UI. `next` is the page's own path: the server
/// route `/lang/{tag}` stores the choice in the cookie and sends the browser back there
/// (`rel="external"`: the router must let the browser load it, not render it as a page).
#[component]
pub fn LanguageSwitch(next: &'static str) -> impl IntoView {
    let t = text();
    let current = crate::i18n::locale();
    view! {
        <nav class="lang-switch" aria-label=t.language>
            {crate::model::Locale::ALL
                .into_iter()
                .map(move |l| view! {
                    <a
                        href=format!("/lang/{}?next={}", l.tag(), next)
                        hreflang=l.tag()
                        lang=l.tag()
                        rel="nofollow external"
                        aria-current=(l == current).then_some("true")
                    >
                        {l.native_name()}
                    </a>
                })
                .collect_view()}
        </nav>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        hero_title: &'static str,
        /// The lead paragraph, first half (kept as two text nodes, as it always was).
        hero_lead_1: &'static str,
        hero_lead_2: &'static str,
        features_label: &'static str,
        live_title: &'static str,
        live_body: &'static str,
        offline_title: &'static str,
        offline_body: &'static str,
        roles_title: &'static str,
        roles_body: &'static str,
        footer: &'static str,
        /// The language switcher's name for screen readers.
        language: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    hero_title: "Plan, track and ship — together, live.",
    hero_lead_1:
        "Workspaces for your team, kanban boards that update the moment a teammate moves a card, ",
    hero_lead_2: "and edits that wait for you when the network does not.",
    features_label: "What you get",
    live_title: "Live boards",
    live_body: "Every change reaches everyone on the board within a second, on every server.",
    offline_title: "Works offline",
    offline_body: "Keep editing on a train; your changes sync when you are back online.",
    roles_title: "Roles that fit",
    roles_body: "Owners, editors, commenters and viewers: everyone sees what they should.",
    footer: "Task Manager · one Rust codebase from database to browser",
    language: "Language",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    hero_title: "Planen, verfolgen, liefern – gemeinsam und live.",
    hero_lead_1: "Workspaces für dein Team, Kanban-Boards, die sich aktualisieren, sobald jemand aus dem Team eine Karte verschiebt, ",
    hero_lead_2: "und Änderungen, die nicht verloren gehen, wenn das Netz mal weg ist.",
    features_label: "Was du bekommst",
    live_title: "Live-Boards",
    live_body: "Jede Änderung erreicht alle auf dem Board innerhalb einer Sekunde – auf jedem Server.",
    offline_title: "Funktioniert offline",
    offline_body: "Arbeite im Zug einfach weiter; deine Änderungen werden synchronisiert, sobald du wieder online bist.",
    roles_title: "Passende Rollen",
    roles_body: "Inhaber, Bearbeiter, Kommentatoren und Leser: Alle sehen genau das, was sie sehen sollen.",
    footer: "Task Manager · eine Rust-Codebasis von der Datenbank bis zum Browser",
    language: "Sprache",
};
