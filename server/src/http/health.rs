//! Liveness, readiness and the Prometheus endpoint.

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
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
    responses((status = 200, description = "Alive.", body = Liveness, headers(
        ("x-taskmanager-revision" = String, description = "The commit the answering binary was built from."),
        ("x-taskmanager-instance" = String, description = "The instance that answered."),
    )))
)]
pub async fn live(State(services): State<Services>) -> impl IntoResponse {
    // Deploys check which build and which instance answered (the verification loop, the
    // topology's switch): headers, so the body stays the contract's.
    let instance = HeaderValue::from_str(services.instance_id())
        .unwrap_or_else(|_| HeaderValue::from_static("unknown"));
    (
        [
            (REVISION, HeaderValue::from_static(crate::startup::GIT_SHA)),
            (INSTANCE, instance),
        ],
        Json(Liveness {
            status: "ok".to_owned(),
            version: services.version().to_owned(),
        }),
    )
}

/// The commit the answering binary was built from.
pub const REVISION: HeaderName = HeaderName::from_static("x-taskmanager-revision");
/// The instance that answered (`TM_INSTANCE_ID`; on fly.io the machine id).
pub const INSTANCE: HeaderName = HeaderName::from_static("x-taskmanager-instance");

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

/// `GET /metrics`: Prometheus text format (the catalogue is `service::metrics`). Not routed
/// through the public proxy. Values kept elsewhere (in flight, readiness, counters of the hub
/// and caches) are read now, so a scrape shows them as of this moment.
pub async fn metrics(
    State(services): State<Services>,
    State(in_flight): State<InFlight>,
) -> impl IntoResponse {
    use service::metrics::catch_up;
    use std::sync::atomic::Ordering::Relaxed;
    let m = services.metrics();
    m.http_in_flight
        .set(i64::try_from(in_flight.current()).unwrap_or(i64::MAX));
    m.draining
        .set(i64::from(services.lifecycle().is_draining()));
    m.ready
        .set(i64::from(services.readiness().await.is_ready()));
    m.heap_live_bytes.set(crate::alloc::live_bytes());
    catch_up(
        &m.realtime_redis_subscribes,
        services.hub().redis_subscribes(),
    );
    let cache = services.shared_cache_stats();
    catch_up(
        &m.shared_cache_requests.with_label_values(&["hit"]),
        cache.hits.load(Relaxed),
    );
    catch_up(
        &m.shared_cache_requests.with_label_values(&["miss"]),
        cache.misses.load(Relaxed),
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        m.render(),
    )
}
