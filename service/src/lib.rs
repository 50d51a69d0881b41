//! The service layer: every rule of the product and the storage behind it.
//!
//! Leptos server functions, REST handlers and the websocket hub are thin adapters over
//! [`Services`]. Nothing here knows about HTTP, axum or Leptos, and nothing here reads the
//! environment: the `server` crate parses settings and hands them in.

pub mod accounts;
pub mod attachments;
pub mod auth;
pub mod cache;
pub mod changes;
pub mod error;
pub mod filters;
pub mod health;
pub mod hub;
pub mod jobs;
pub mod mail;
pub mod markdown;
pub mod metrics;
pub mod notifications;
pub mod presence;
pub mod ratelimit;
pub mod recovery;
pub mod reminders;
pub mod search;
pub mod secret;
pub mod services;
pub mod shared_cache;
pub mod store;
pub mod tasks;
pub mod transfer;
pub mod webhooks;
pub mod workspaces;

pub use accounts::{Caller, ClientInfo, IssuedSession, API_TOKEN_PREFIX, REFRESH_TTL_SECONDS};
pub use cache::{Redis, RedisSettings};
pub use error::{Error, Result};
pub use health::Lifecycle;
pub use metrics::Metrics;
pub use secret::Secret;
pub use services::{Services, ServicesSettings, WeakServices};
pub use store::{Database, DatabaseSettings, MigrationReport};
