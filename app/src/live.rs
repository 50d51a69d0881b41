//! Live workspace events in the browser: one websocket per open workspace (`GET /api/v1/ws`,
//! authenticated by the session cookie), subscribed from the version the page's data was read
//! at, so nothing between the page load and the socket is missed.
//!
//! Versions are strictly increasing per workspace. The client keeps the last one it applied:
//! - an event at or below it is a duplicate (a replay overlapping what it had) and is skipped;
//! - an event beyond the next one means a gap: it asks the server to replay from its version;
//! - `resync_required` (too far behind) makes every view reload (`resynced`);
//! - a lost connection reconnects with jittered exponential backoff and resumes from the
//!   version, renewing the session cookie first when the upgrade is refused.
//!
//! Views read [`Live::events`], a short log of applied events in order, each with a sequence
//! number; every view remembers the last sequence it handled.

use std::collections::VecDeque;

use leptos::prelude::*;
use serde::Deserialize;

/// A workspace event as the server sends it (`domain::realtime::WorkspaceEvent`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct LiveEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub workspace_id: String,
    pub version: i64,
    #[serde(default)]
    pub actor_id: String,
    #[serde(default)]
    pub data: serde_json::Value,
}

/// What the connection indicator shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveState {
    Connecting,
    Live,
    Reconnecting,
    /// No longer a member: the views show why on their next load.
    Closed,
}

/// Events kept for views that have not looked yet.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const LOG_LEN: usize = 256;

#[derive(Clone, Copy)]
pub struct Live {
    pub state: RwSignal<LiveState>,
    /// Applied events in order, each with its sequence number.
    pub events: RwSignal<VecDeque<(u64, LiveEvent)>>,
    /// Bumped when the client fell too far behind: views reload.
    pub resynced: RwSignal<u32>,
    /// Who is looking at the workspace now (user ids, the viewer included).
    pub viewers: RwSignal<Vec<String>>,
    /// The last version applied (`None` until the data or the server says).
    version: StoredValue<Option<i64>>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    seq: StoredValue<u64>,
    workspace_id: StoredValue<String>,
    /// The notification bell, told the unread count the socket reports.
    bell: Option<crate::components::Bell>,
    #[cfg(feature = "hydrate")]
    socket: StoredValue<Option<(web_sys::WebSocket, browser::Handlers)>, LocalStorage>,
}

impl Live {
    pub fn new(workspace_id: String) -> Self {
        Self {
            state: RwSignal::new(LiveState::Connecting),
            events: RwSignal::new(VecDeque::new()),
            resynced: RwSignal::new(0),
            viewers: RwSignal::new(Vec::new()),
            version: StoredValue::new(None),
            seq: StoredValue::new(0),
            workspace_id: StoredValue::new(workspace_id),
            bell: use_context::<crate::components::Bell>(),
            #[cfg(feature = "hydrate")]
            socket: StoredValue::new_local(None),
        }
    }

    /// Follows another workspace on the same socket (the shell stays while its id changes).
    pub fn switch(&self, workspace_id: String) {
        #[cfg(feature = "hydrate")]
        self.socket.with_value(|s| {
            if let Some((socket, _)) = s {
                if socket.ready_state() == web_sys::WebSocket::OPEN {
                    let message = serde_json::json!({
                        "type": "unsubscribe",
                        "workspace_id": self.workspace_id.get_value(),
                    });
                    let _ = socket.send_with_str(&message.to_string());
                }
            }
        });
        self.workspace_id.set_value(workspace_id);
        self.version.set_value(None);
        self.events.update(VecDeque::clear);
        self.subscribe();
    }

    /// A view's data was read at `version`: make sure events after it arrive (replaying any
    /// the socket already skipped past).
    pub fn data_at(&self, version: i64) {
        let behind = self.version.get_value().is_none_or(|v| v > version);
        if behind {
            self.version.set_value(Some(version));
            self.subscribe();
        }
    }

    /// Events a view has not handled yet (after sequence `seen`), oldest first; updates `seen`.
    pub fn unseen(&self, seen: &mut u64) -> Vec<LiveEvent> {
        let start = *seen;
        let events: Vec<LiveEvent> = self.events.with(|log| {
            log.iter()
                .filter(|(s, _)| *s > start)
                .map(|(_, e)| e.clone())
                .collect()
        });
        if let Some(last) = self
            .events
            .with_untracked(|log| log.back().map(|(s, _)| *s))
        {
            *seen = (*seen).max(last);
        }
        events
    }

    /// Handles one server message; returns a message to send back, if any.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn receive(&self, text: &str) -> Option<String> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let kind = value.get("type")?.as_str()?;
        let version = value.get("version").and_then(serde_json::Value::as_i64);
        match kind {
            "subscribed" => {
                self.state.set(LiveState::Live);
                if self.version.get_value().is_none() {
                    self.version.set_value(version);
                }
                None
            }
            "presence" => {
                let users = value
                    .get("data")
                    .and_then(|d| d.get("user_ids"))
                    .and_then(|u| serde_json::from_value::<Vec<String>>(u.clone()).ok())
                    .unwrap_or_default();
                self.viewers.set(users);
                None
            }
            "notifications" => {
                if let (Some(bell), Some(unread)) = (
                    self.bell,
                    value.get("unread").and_then(serde_json::Value::as_i64),
                ) {
                    bell.live_count(unread);
                }
                None
            }
            "resync_required" => {
                self.version.set_value(version);
                self.resynced.update(|n| *n += 1);
                None
            }
            "error" => {
                if value.get("code").and_then(|c| c.as_str()) == Some("not_found") {
                    self.state.set(LiveState::Closed);
                    self.resynced.update(|n| *n += 1);
                }
                None
            }
            _ => {
                let event: LiveEvent = serde_json::from_value(value).ok()?;
                let last = self.version.get_value();
                match last {
                    Some(last) if event.version <= last => None, // already applied
                    Some(last) if event.version > last + 1 => {
                        // A gap: ask for everything after what we have (idempotent).
                        Some(self.subscribe_message())
                    }
                    _ => {
                        self.version.set_value(Some(event.version));
                        let seq = self.seq.get_value() + 1;
                        self.seq.set_value(seq);
                        self.events.update(|log| {
                            log.push_back((seq, event));
                            while log.len() > LOG_LEN {
                                log.pop_front();
                            }
                        });
                        None
                    }
                }
            }
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn subscribe_message(&self) -> String {
        let mut message = serde_json::json!({
            "type": "subscribe",
            "workspace_id": self.workspace_id.get_value(),
        });
        if let Some(v) = self.version.get_value() {
            message["since_version"] = serde_json::json!(v);
        }
        message.to_string()
    }

    #[cfg(feature = "hydrate")]
    fn subscribe(&self) {
        self.socket.with_value(|s| {
            if let Some((socket, _)) = s {
                if socket.ready_state() == web_sys::WebSocket::OPEN {
                    let _ = socket.send_with_str(&self.subscribe_message());
                }
            }
        });
    }

    #[cfg(not(feature = "hydrate"))]
    fn subscribe(&self) {}
}

/// Opens (and keeps open) the socket for this workspace while the calling component lives.
pub fn connect(live: Live) {
    #[cfg(feature = "hydrate")]
    browser::start(live);
    #[cfg(not(feature = "hydrate"))]
    let _ = live;
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{CloseEvent, MessageEvent, WebSocket};

    use super::{Live, LiveState};

    const SIGNED_OUT: u16 = 4401;

    pub(super) fn start(live: Live) {
        let alive = Arc::new(AtomicBool::new(true));
        let failures = Rc::new(Cell::new(0u32));
        open(live, alive.clone(), failures);
        on_cleanup(move || {
            alive.store(false, Ordering::Relaxed);
            live.socket.update_value(|s| {
                if let Some((socket, _handlers)) = s.take() {
                    socket.set_onclose(None);
                    socket.set_onmessage(None);
                    socket.set_onopen(None);
                    let _ = socket.close();
                }
            });
        });
    }

    fn url() -> Option<String> {
        let location = window().location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}/api/v1/ws", location.host().ok()?))
    }

    fn open(live: Live, alive: Arc<AtomicBool>, failures: Rc<Cell<u32>>) {
        if !alive.load(Ordering::Relaxed) {
            return;
        }
        let Some(socket) = url().and_then(|u| WebSocket::new(&u).ok()) else {
            return;
        };
        let opened = Rc::new(Cell::new(false));

        let on_open = {
            let (socket, opened, failures) = (socket.clone(), opened.clone(), failures.clone());
            Closure::<dyn FnMut()>::new(move || {
                opened.set(true);
                failures.set(0);
                let _ = socket.send_with_str(&live.subscribe_message());
            })
        };
        let on_message = {
            let socket = socket.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                if let Some(text) = e.data().as_string() {
                    if let Some(reply) = live.receive(&text) {
                        let _ = socket.send_with_str(&reply);
                    }
                }
            })
        };
        let on_close = {
            let (alive, opened) = (alive.clone(), opened.clone());
            Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
                if !alive.load(Ordering::Relaxed) || live.state.get_untracked() == LiveState::Closed
                {
                    return;
                }
                if e.code() == SIGNED_OUT {
                    live.state.set(LiveState::Closed);
                    live.resynced.update(|n| *n += 1);
                    return;
                }
                live.state.set(LiveState::Reconnecting);
                let n = failures.get() + 1;
                failures.set(n);
                // 0.5 s, 1 s, 2 s … capped at 15 s, with full jitter, so a restarted instance's
                // clients do not all come back in the same millisecond.
                let cap = (500u64 << n.min(5)).min(15_000);
                let wait = (js_sys_random() * cap as f64) as u64 + 250;
                let (alive, failures) = (alive.clone(), failures.clone());
                let refused = !opened.get();
                set_timeout(
                    move || {
                        leptos::task::spawn_local(async move {
                            // Refused before opening: the access cookie may have expired.
                            if refused && n >= 2 {
                                let _ = crate::auth::renew().await;
                            }
                            open(live, alive, failures);
                        });
                    },
                    std::time::Duration::from_millis(wait),
                );
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // The handlers live as long as their socket: replaced (and dropped) with it on the
        // next connection, which only opens after this one closed.
        live.socket.set_value(Some((
            socket,
            Handlers {
                _open: on_open,
                _message: on_message,
                _close: on_close,
            },
        )));
    }

    /// A socket's event handlers, kept alive with it.
    pub(crate) struct Handlers {
        _open: Closure<dyn FnMut()>,
        _message: Closure<dyn FnMut(MessageEvent)>,
        _close: Closure<dyn FnMut(CloseEvent)>,
    }

    fn js_sys_random() -> f64 {
        // Math.random without pulling in js-sys as a direct dependency.
        let window = window();
        window
            .crypto()
            .ok()
            .and_then(|c| {
                let mut bytes = [0u8; 4];
                c.get_random_values_with_u8_array(&mut bytes).ok()?;
                Some(f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX))
            })
            .unwrap_or(0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(version: i64) -> String {
        serde_json::json!({
            "type": "task.created", "workspace_id": "w", "version": version,
            "actor_id": "u", "data": {"id": format!("t{version}")}
        })
        .to_string()
    }

    fn versions(live: &Live) -> Vec<i64> {
        let mut seen = 0;
        live.unseen(&mut seen).iter().map(|e| e.version).collect()
    }

    /// Signals need an owner (and, on the server build, its arena).
    fn owned(test: impl FnOnce()) {
        Owner::new_root(None).with(test);
    }

    #[test]
    fn events_apply_once_in_order_and_gaps_ask_for_a_replay() {
        owned(events_apply_once);
    }

    fn events_apply_once() {
        let live = Live::new("w".into());
        live.data_at(3);
        assert_eq!(
            live.receive(r#"{"type":"subscribed","workspace_id":"w","version":5}"#),
            None
        );
        assert_eq!(live.state.get_untracked(), LiveState::Live);
        assert_eq!(live.receive(&event(3)), None, "already in the data");
        assert_eq!(live.receive(&event(4)), None);
        assert_eq!(live.receive(&event(4)), None, "a duplicate");
        live.receive(r#"{"type":"presence","workspace_id":"w","data":{"user_ids":["u","v"]}}"#);
        assert_eq!(
            live.viewers.get_untracked(),
            vec!["u".to_owned(), "v".to_owned()]
        );
        // 6 without 5: ask for everything after 4, and do not apply 6 yet.
        let ask: serde_json::Value =
            serde_json::from_str(&live.receive(&event(6)).expect("a replay request"))
                .unwrap_or_default();
        assert_eq!(ask["type"], "subscribe");
        assert_eq!(ask["since_version"], 4);
        assert_eq!(live.receive(&event(5)), None);
        assert_eq!(live.receive(&event(6)), None);
        assert_eq!(versions(&live), vec![4, 5, 6]);
        let mut seen = 0;
        assert_eq!(live.unseen(&mut seen).len(), 3);
        assert!(
            live.unseen(&mut seen).is_empty(),
            "a view sees each event once"
        );
    }

    #[test]
    fn too_far_behind_reloads_and_removal_closes() {
        owned(resync_and_removal);
    }

    fn resync_and_removal() {
        let live = Live::new("w".into());
        live.data_at(1);
        live.receive(r#"{"type":"resync_required","workspace_id":"w","version":90}"#);
        assert_eq!(live.resynced.get_untracked(), 1);
        assert_eq!(live.receive(&event(91)), None);
        assert_eq!(versions(&live), vec![91]);
        live.receive(r#"{"type":"error","workspace_id":"w","code":"not_found","message":"gone"}"#);
        assert_eq!(live.state.get_untracked(), LiveState::Closed);
        assert_eq!(live.resynced.get_untracked(), 2);
    }
}
