//! The web edge: one axum router for SSR pages, static assets, server functions and `/api/v1`.
//!
//! Handlers here are thin: parse, call one service, map the error. Rules live in `service`.

mod attachments;
mod auth;
pub mod error;
pub mod health;
mod lang;
mod notifications;
pub mod openapi;
pub mod pwa;
mod security;
pub mod session;
mod tasks;
mod transfer;
mod webhooks;
mod workspaces;
pub mod ws;

use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{middleware, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tracing::Level;

use crate::lifecycle;
use crate::state::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The app's routes, worked out once per process.
///
/// `generate_route_list` renders the app once with resource loading suppressed through a
/// process-global flag (leptos_server's `SuppressResourceLoad`). A resource first polled on any
/// other thread while that flag is up parks forever (leptos-rs/leptos#4773), and its page with
/// it. One process serves one router in production, built before it accepts a request; but a
/// process holding several apps (the API tests run dozens in parallel) built routers while
/// others served pages, and now and then a `GET /` sat until the client's timeout. Generating
/// the list once, before any app in the process exists, closes that window for good.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// Builds the whole router.
pub fn router(state: AppState) -> Router {
    let leptos_options = state.leptos_options.clone();
    let routes = route_list();
    let context = {
        let services = state.services.clone();
        let cookies = session::CookiePolicy::from_ref(&state);
        move || {
            provide_context(services.clone());
            provide_context(cookies);
            page_security_policy();
        }
    };

    let api = Router::new()
        .route("/health", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/openapi.json", get(openapi::document))
        .route("/ws", get(ws::upgrade))
        .nest("/auth", auth::router())
        .nest(
            "/workspaces",
            workspaces::router()
                .merge(tasks::workspace_routes())
                .merge(transfer::workspace_routes())
                .merge(webhooks::workspace_routes()),
        )
        .nest(
            "/tasks",
            tasks::router().merge(attachments::task_routes(
                state.settings.attachments.max_bytes,
            )),
        )
        .nest("/attachments", attachments::router())
        .nest("/notifications", notifications::router())
        .fallback(error::api_not_found)
        .method_not_allowed_fallback(error::api_method_not_allowed)
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::api_rate_limit,
        ))
        .layer(middleware::from_fn(error::json_errors));

    let mut security_headers = vec![
        // Pages get a nonce-based policy (`page_security_policy`); everything else this one.
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ];
    if state.settings.is_https() {
        security_headers.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }

    let mut router = Router::new()
        .nest("/api/v1", api)
        .route(
            "/api/fn/{*fn_name}",
            get(server_fn_handler).post(server_fn_handler),
        )
        .route("/api/{*rest}", any(error::api_not_found))
        .route("/api", any(error::api_not_found))
        .route("/api/", any(error::api_not_found))
        // With TM_METRICS_LISTEN, /metrics lives on its own listener only.
        .merge(if state.settings.metrics_listen.is_none() {
            Router::new().route("/metrics", get(health::metrics))
        } else {
            Router::new()
        })
        .nest_service("/pkg", bundles(&leptos_options))
        // A visitor's pick of the UI's language (the start pages' links).
        .route("/lang/{tag}", get(lang::choose))
        .merge(pwa::router(
            std::path::Path::new(leptos_options.site_root.as_ref()),
            leptos_options.site_pkg_dir.as_ref(),
        ))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::shell))
        .layer(middleware::from_fn_with_state(state.clone(), server_fns))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::csrf,
        ))
        .layer(middleware::from_fn(page_csp))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::client_info,
        ))
        .layer(middleware::from_fn(session::renew_expired_session))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            lifecycle::track,
        ))
        .with_state(state);
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }

    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &Request<Body>| {
                        let route = request
                            .extensions()
                            .get::<MatchedPath>()
                            .map_or("(unmatched)", MatchedPath::as_str)
                            .to_owned();
                        let request_id = request
                            .headers()
                            .get(REQUEST_ID)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-")
                            .to_owned();
                        // At ERROR level, so the span is on whatever the filter lets through:
                        // with `TM_LOG=warn` an info span is off, and the errors of a request
                        // would be logged without its id, method and route.
                        tracing::span!(
                            Level::ERROR,
                            "request",
                            request_id = %request_id,
                            method = %request.method(),
                            route = %route,
                            path = %request.uri().path(),
                        )
                    })
                    .on_request(())
                    .on_response(
                        |response: &axum::http::Response<_>,
                         latency: Duration,
                         _span: &tracing::Span| {
                            let status = response.status().as_u16();
                            let latency_ms = latency.as_secs_f64() * 1000.0;
                            if status >= 500 {
                                tracing::event!(
                                    Level::WARN,
                                    status,
                                    latency_ms,
                                    "request completed"
                                );
                            } else {
                                tracing::event!(
                                    Level::INFO,
                                    status,
                                    latency_ms,
                                    "request completed"
                                );
                            }
                        },
                    )
                    .on_failure(()),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .layer(CatchPanicLayer::custom(error::panic_response))
            .layer(CompressionLayer::new()),
    )
}

/// Leptos server functions, with the service layer in their context. An unknown function is a
/// JSON 404 like any other unknown API path (Leptos would answer a 400 in plain text). The known
/// ones are routed by `leptos_routes_with_context` itself (it registers every server function's
/// path), so what applies to all of them is a layer: [`server_fns`].
async fn server_fn_handler(State(state): State<AppState>, request: Request<Body>) -> Response {
    let path = request.uri().path();
    if leptos::server_fn::axum::get_server_fn_service(path, request.method().clone()).is_none() {
        return error::api_not_found().await.into_response();
    }
    let services = state.services.clone();
    let cookies = session::CookiePolicy::from_ref(&state);
    let context = move || {
        provide_context(services.clone());
        provide_context(cookies);
    };
    handle_server_fns_with_context(context, request)
        .await
        .into_response()
}

/// Middleware for every `/api/fn/…` request, known function or not: the API's per-client
/// rate limit, then the error's status.
///
/// The limit is applied here because `leptos_routes_with_context` routes each known function
/// itself, past any layer on our own `/api/fn/{*fn_name}` route; a layer there alone limited
/// only the unknown ones.
///
/// Leptos answers every error it raises before a function's body runs (arguments that do not
/// decode, a missing field) with status 500, though the body is our `ApiError` saying
/// `malformed_request`. The status is set here from the error's code, so bad input is a 400
/// like anywhere else in the API, and 500 stays for failures on our side.
async fn server_fns(
    State(state): State<AppState>,
    request: Request<Body>,
    next: middleware::Next,
) -> Response {
    if !request.uri().path().starts_with("/api/fn/") {
        return next.run(request).await;
    }
    if let Some(client) = security::api_client(&request) {
        if let Some(refusal) = security::api_limit(&state, client).await {
            return refusal.into_server_fn_response();
        }
    }
    let response = next.run(request).await;
    if response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Errors are a line of JSON; a body over this is not one of ours.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return error::HttpError(domain::ApiError::internal(), None).into_response();
    };
    if let Ok(api_error) = serde_json::from_slice::<domain::ApiError>(&bytes) {
        if let Ok(status) = axum::http::StatusCode::from_u16(api_error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// This response's CSP nonce, minted by [`page_csp`] before the app renders.
#[derive(Clone)]
struct PageNonce(String);

/// Gives Leptos the nonce [`page_csp`] minted for this request, so its hydration scripts carry
/// the one the response's policy names (instead of a nonce of its own that only the response
/// options would know: those were seen to lose the header under concurrent renders).
fn page_security_policy() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// The Content-Security-Policy of every HTML page: scripts only from us or carrying this
/// response's nonce, wasm allowed to compile, no inline styles, no framing. The nonce is minted
/// here, handed to the render through the request, and the policy set on the way out of any
/// `text/html` response without a policy of its own (other responses keep the strict API one).
async fn page_csp(mut request: Request<Body>, next: middleware::Next) -> axum::response::Response {
    let nonce = format!("{:032x}", rand::random::<u128>());
    request.extensions_mut().insert(PageNonce(nonce.clone()));
    let mut response = next.run(request).await;
    // Only pages: a response with a policy of its own (an attachment's sandbox) keeps it.
    let page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
        && !response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY);
    if page {
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
             form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// The router of the `TM_METRICS_LISTEN` listener: `/metrics` and nothing else.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(health::metrics))
        .with_state(state)
}

/// `/pkg/*`: the wasm, js and css bundles. Served precompressed when the build left `.br`/`.gz`
/// beside them (brotli at its best level once, instead of a fast level on every request), and
/// cached by name: a content-hashed name is immutable for a year; any other (a development
/// build) is revalidated on every use.
fn bundles(options: &leptos::config::LeptosOptions) -> Router {
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(middleware::from_fn(bundle_cache_control))
}

async fn bundle_cache_control(request: Request, next: axum::middleware::Next) -> Response {
    let hashed = app::assets::is_hashed_bundle(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if hashed {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            }),
        );
    }
    response
}
