//! Search results with the matched words highlighted (the server escapes everything else).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::list::encode;
use super::{load_error, use_ws};
use crate::api::search_tasks;

#[component]
pub fn SearchView() -> impl IntoView {
    let ctx = use_ws();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let results = Resource::new_blocking(
        move || (ctx.id.get(), q.get(), ctx.changed.get(), ctx.remote.get()),
        |(id, q, _, _)| async move {
            if q.trim().is_empty() {
                Ok(Vec::new())
            } else {
                search_tasks(id, q).await
            }
        },
    );
    let t = text();
    view! {
        <section class="search-results" aria-labelledby="search-title">
            <h2 id="search-title">{move || if q.get().trim().is_empty() { t.title.to_owned() } else { crate::i18n::fill(t.results_for, &[&q.get()]) }}</h2>
            <Transition fallback=move || view! { <p class="muted">{t.searching}</p> }>
                {move || results.get().map(|r| match r {
                    Ok(hits) if hits.is_empty() => view! {
                        <p class="muted" data-testid="no-results">{if q.get().trim().is_empty() { t.type_words } else { t.no_match }}</p>
                    }.into_any(),
                    Ok(hits) => view! {
                        <ol class="hits" data-testid="search-results">
                            {hits.into_iter().map(|h| {
                                let title = h.highlights.get("title").cloned();
                                let plain = h.task.title.clone();
                                let href = format!("?q={}&task={}", encode(&q.get_untracked()), h.task.id);
                                view! {
                                    <li class="hit card">
                                        <a class="hit__title" href=href>
                                            {match title {
                                                Some(html) => view! { <span inner_html=html></span> }.into_any(),
                                                None => view! { <span>{plain}</span> }.into_any(),
                                            }}
                                        </a>
                                        {h.highlights.get("description").cloned().map(|d| view! { <p class="hit__snippet" inner_html=d></p> })}
                                        {h.highlights.get("comment").cloned().map(|c| view! { <p class="hit__snippet"><span class="muted">{t.comment}</span><span inner_html=c></span></p> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(e) => load_error(e),
                })}
            </Transition>
        </section>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        title: &'static str,
        /// {0} the search words.
        results_for: &'static str,
        searching: &'static str,
        type_words: &'static str,
        no_match: &'static str,
        /// Before a matching comment's snippet.
        comment: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    title: "Search",
    results_for: "Results for “{0}”",
    searching: "Searching…",
    type_words: "Type words in the search box above.",
    no_match: "Nothing matches. Try fewer or different words.",
    comment: "Comment: ",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    title: "Suche",
    results_for: "Ergebnisse für „{0}“",
    searching: "Suche läuft…",
    type_words: "Gib oben im Suchfeld Wörter ein.",
    no_match: "Keine Treffer. Versuch es mit weniger oder anderen Wörtern.",
    comment: "Kommentar: ",
};
