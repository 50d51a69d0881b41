//! Edits made without a network: handed to the page's offline queue (`public/pwa.js`,
//! `window.tmOffline`), which keeps them in IndexedDB and replays them in order when the
//! connection returns, showing offline / syncing / synced and any conflict (409) to resolve.
//!
//! Only a call that never reached the server is queued (`ErrorCode::Unavailable`, which is what a
//! failed request becomes); anything the server answered keeps its error. The queued body is the
//! server function's own JSON input, so the replay is exactly the call that failed.

use domain::{ApiError, ErrorCode};
use leptos::server_fn::ServerFn;
use serde::Serialize;

/// Whether `error` means the request did not reach the server (so it may be queued).
pub fn unreachable(error: &ApiError) -> bool {
    error.code == ErrorCode::Unavailable
}

/// Queues the server-function call `args` (its JSON input) for replay. `label` is what the
/// person sees in the sync status and conflict list. False when there is no queue (no service
/// worker support, IndexedDB refused): then the edit failed and the caller says so.
pub fn queue<F>(args: &F, label: String, task_id: &str, kind: &str) -> bool
where
    F: ServerFn + Serialize,
{
    let Ok(body) = serde_json::to_string(args) else {
        return false;
    };
    enqueue(F::PATH, body, label, task_id, kind)
}

#[cfg(feature = "hydrate")]
fn enqueue(endpoint: &str, body: String, label: String, task_id: &str, kind: &str) -> bool {
    use wasm_bindgen::{JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Ok(offline) = js_sys::Reflect::get(&window, &JsValue::from_str("tmOffline")) else {
        return false;
    };
    let Ok(enqueue) = js_sys::Reflect::get(&offline, &JsValue::from_str("enqueue")) else {
        return false;
    };
    let Ok(enqueue) = enqueue.dyn_into::<js_sys::Function>() else {
        return false;
    };
    let item = js_sys::Object::new();
    for (key, value) in [
        ("endpoint", endpoint),
        ("body", body.as_str()),
        ("contentType", "application/json"),
        ("label", label.as_str()),
        ("taskId", task_id),
        ("kind", kind),
    ] {
        let _ = js_sys::Reflect::set(&item, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    match enqueue.call1(&offline, &item) {
        Ok(promise) => {
            // The queue stores asynchronously; a refusal then (IndexedDB full or blocked) is
            // logged, and the sync status shows that changes cannot be kept on this device.
            if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
                leptos::task::spawn_local(async move {
                    if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
                        leptos::logging::error!("offline queue: {e:?}");
                    }
                });
            }
            true
        }
        Err(_) => false,
    }
}

#[cfg(not(feature = "hydrate"))]
fn enqueue(_endpoint: &str, _body: String, _label: String, _task_id: &str, _kind: &str) -> bool {
    // Server rendering never edits.
    false
}

/// Runs `reload` whenever the queue has replayed edits (the page's `tm-replayed` event).
pub fn on_replayed(reload: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let handle =
            leptos::prelude::window_event_listener_untyped("tm-replayed", move |_| reload());
        leptos::prelude::on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = reload;
}
