//! Liveness, readiness and the Prometheus endpoint.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use domain::{Liveness, Readiness};
use service::Services;

use crate::lifecycle::InFlight;

/// Liveness: the process answers.
#[utoipa::path(
    get,
    path = "/health",
    operation_id = "health",
    tag = "service",
    responses((status = 200, description = "Alive.", body = Liveness))
)]
pub async fn live(State(services): State<Services>) -> Json<Liveness> {
    Json(Liveness {
        status: "ok".to_owned(),
        version: services.version().to_owned(),
    })
}

/// Readiness: the database answers, Redis (when configured) answers, and the instance is not draining.
///
/// 200 when this instance should get traffic, else 503 with the same shape. Never rate limited.
#[utoipa::path(
    get,
    path = "/health/ready",
    operation_id = "ready",
    tag = "service",
    responses(
        (status = 200, description = "Ready for traffic.", body = Readiness),
        (status = 503, description = "Not ready (same shape, status not_ready).", body = Readiness),
    )
)]
pub async fn ready(State(services): State<Services>) -> (StatusCode, Json<Readiness>) {
    let readiness = services.readiness().await;
    let status = if readiness.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(readiness))
}

/// `GET /metrics`: Prometheus text format. Not routed through the public proxy.
pub async fn metrics(
    State(services): State<Services>,
    State(in_flight): State<InFlight>,
) -> impl IntoResponse {
    use std::sync::atomic::Ordering::Relaxed;
    let draining = u8::from(services.lifecycle().is_draining());
    let body = format!(
        "# HELP taskmanager_build_info Build and instance of this process.\n\
         # TYPE taskmanager_build_info gauge\n\
         taskmanager_build_info{{version=\"{}\",instance=\"{}\"}} 1\n\
         # HELP taskmanager_http_requests_in_flight Requests being handled, probes excluded.\n\
         # TYPE taskmanager_http_requests_in_flight gauge\n\
         taskmanager_http_requests_in_flight {}\n\
         # HELP taskmanager_draining 1 while the instance drains for shutdown.\n\
         # TYPE taskmanager_draining gauge\n\
         taskmanager_draining {}\n\
         # HELP taskmanager_ratelimit_redis_failures_total Rate-limit checks that fell back because Redis failed.\n\
         # TYPE taskmanager_ratelimit_redis_failures_total counter\n\
         taskmanager_ratelimit_redis_failures_total {}\n\
         # HELP taskmanager_realtime_redis_subscribes_total Subscriptions to the Redis notice channel (more than one: it was lost and made again).\n\
         # TYPE taskmanager_realtime_redis_subscribes_total counter\n\
         taskmanager_realtime_redis_subscribes_total {}\n\
         # HELP taskmanager_shared_cache_requests_total Reads of the Redis-shared cache by result.\n\
         # TYPE taskmanager_shared_cache_requests_total counter\n\
         taskmanager_shared_cache_requests_total{{result=\"hit\"}} {}\n\
         taskmanager_shared_cache_requests_total{{result=\"miss\"}} {}\n",
        services.version(),
        services.instance_id().replace(['"', '\\', '\n'], "_"),
        in_flight.current(),
        draining,
        services.rate_limiter().fallback_count(),
        services.hub().redis_subscribes(),
        services.shared_cache_stats().hits.load(Relaxed),
        services.shared_cache_stats().misses.load(Relaxed),
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}
