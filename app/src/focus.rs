//! Giving keyboard focus back after a re-render took it away.
//!
//! The board re-renders a card when it moves (a keyed list re-creates it in its new column),
//! when the server's answer settles it and when live events arrive; the task panel hands focus
//! back to its card when it closes. Each of those asks for focus "once the page has caught up"
//! (the next animation frame, after the reactive flush), and several requests can be waiting
//! at once. Only the newest counts: a restore asked for by an earlier render must never take
//! focus from the card the person just moved (a live event that re-rendered the board a frame
//! before a keyboard move used to put focus back on the previous card).

#[cfg(feature = "hydrate")]
thread_local! {
    /// The element that should get focus next, and one to take when it is gone.
    static WANTED: std::cell::RefCell<Option<(String, Option<String>)>> =
        const { std::cell::RefCell::new(None) };
}

/// The id of the focused element (`None` when focus is on the page itself or the element has
/// no id), so a re-render can give focus back.
pub fn focused_id() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::document()
            .active_element()
            .map(|e| e.id())
            .filter(|id| !id.is_empty())
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Once the page has re-rendered, moves keyboard focus to the element `id` (or `fallback` when
/// that is gone), unless the person has already put focus somewhere themselves. Replaces any
/// request still waiting.
pub fn restore_later(id: String, fallback: Option<String>) {
    #[cfg(feature = "hydrate")]
    {
        WANTED.with(|w| *w.borrow_mut() = Some((id, fallback)));
        leptos::prelude::request_animation_frame(move || {
            // Earlier frames may already have served the newest request.
            if let Some((id, fallback)) = WANTED.with(|w| w.borrow_mut().take()) {
                focus_if_lost(&id, fallback.as_deref());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, fallback);
}

#[cfg(feature = "hydrate")]
fn focus_if_lost(id: &str, fallback: Option<&str>) {
    use wasm_bindgen::JsCast;
    let doc = leptos::prelude::document();
    // Only when the re-render took focus away: a control the person chose keeps it.
    let lost = doc
        .active_element()
        .is_none_or(|a| a.tag_name().eq_ignore_ascii_case("body") || !a.is_connected());
    if !lost {
        return;
    }
    let el = doc
        .get_element_by_id(id)
        .or_else(|| fallback.and_then(|f| doc.get_element_by_id(f)));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}
