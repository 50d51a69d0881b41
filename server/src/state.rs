//! The one state every handler gets. No globals: tests build their own.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use service::Services;

use crate::config::Settings;
use crate::lifecycle::InFlight;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub settings: Arc<Settings>,
    pub in_flight: InFlight,
    /// This instance's websockets (`http::ws`).
    pub sockets: Arc<crate::http::ws::Sockets>,
}
