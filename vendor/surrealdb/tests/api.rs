#![allow(clippy::unwrap_used)]

mod api_integration;
