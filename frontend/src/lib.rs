#![recursion_limit = "256"]
//! The wasm entry point. Holds `hydrate()` and nothing else: the app lives in `app`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
