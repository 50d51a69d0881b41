#![recursion_limit = "256"]
//! The wasm entry point. Holds `hydrate()` and nothing else: the app lives in `app`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The lazy variant: routes are split into wasm chunks (`cargo leptos build --split`), and the
    // page's own chunk is fetched before its part of the DOM hydrates.
    leptos::mount::hydrate_lazy(app::App);
}
