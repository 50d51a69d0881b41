#![recursion_limit = "256"]
//! The Leptos application: shell, routes, pages, components and typed server functions.
//!
//! Compiled twice: with `ssr` into the server (where server functions run and call the service
//! layer) and with `hydrate` into the wasm bundle (where server functions are HTTP calls).
//! Model types come from `domain`, re-exported as [`model`].

pub mod api;
pub mod assets;
pub mod auth;
pub mod components;
pub mod focus;
pub mod i18n;
pub mod live;
pub mod offline;
pub mod pages;
mod root;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use domain as model;
pub use root::{shell, App};
