//! Black-box tests: the real application on port 0, a fresh in-memory SurrealDB each, and real
//! Redis servers started by the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod binary;
mod cluster;
mod errors;
mod files;
mod health;
mod helpers;
mod logs;
mod notifications;
mod pages;
mod realtime;
mod redis;
mod tasks;
mod webhooks;
mod workspaces;
