//! `GET /api/v1/openapi.json`: the complete reference of the REST API, kept beside the handlers
//! and checked against the router by the black-box tests.

use axum::http::header;
use axum::response::IntoResponse;

const DOCUMENT: &str = include_str!("openapi.json");

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}
