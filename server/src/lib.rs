#![recursion_limit = "256"]
//! The `taskmanager` server: configuration, the axum router (SSR pages, assets, server
//! functions, REST `/api/v1`), telemetry and graceful shutdown. The binary is `main.rs`.

pub mod alloc;
pub mod config;
pub mod http;
pub mod lifecycle;
pub mod startup;
pub mod state;
pub mod telemetry;
