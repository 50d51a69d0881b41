//! Model types shared by the browser (wasm) and the server.
//!
//! This crate does no I/O and depends on nothing heavier than serde: the wasm bundle compiles it,
//! so the browser and the server validate and describe things alike.

pub mod account;
pub mod error;
pub mod locale;
pub mod notification;
pub mod position;
pub mod realtime;
pub mod status;
pub mod task;
pub mod workspace;

pub use error::{ApiError, ErrorBody, ErrorCode};
pub use locale::Locale;
pub use status::{CheckState, Liveness, Readiness, ReadinessChecks, SystemStatus};
