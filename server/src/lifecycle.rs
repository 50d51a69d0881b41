//! Graceful shutdown: count requests in flight, and drain before exiting.
//!
//! On SIGTERM or Ctrl-C readiness turns 503 at once (so balancers stop routing here) while the
//! listener keeps accepting and serving; once no request is in flight, or the drain deadline
//! passes, the listener closes, open connections finish, and the process exits 0.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Notify;

/// Requests being handled right now, excluding health probes and metrics scrapes.
#[derive(Clone, Default)]
pub struct InFlight {
    inner: Arc<Counter>,
}

#[derive(Default)]
struct Counter {
    count: AtomicUsize,
    idle: Notify,
}

impl InFlight {
    pub fn current(&self) -> usize {
        self.inner.count.load(Ordering::SeqCst)
    }

    /// Counts one more piece of work until the guard drops (requests, and open websockets:
    /// a drain waits for them to close after they were told to reconnect).
    pub fn enter(&self) -> Guard {
        self.inner.count.fetch_add(1, Ordering::SeqCst);
        Guard {
            inner: self.inner.clone(),
        }
    }

    /// Resolves once no request is in flight.
    pub async fn idle(&self) {
        loop {
            let notified = self.inner.idle.notified();
            if self.current() == 0 {
                return;
            }
            notified.await;
        }
    }
}

pub struct Guard {
    inner: Arc<Counter>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.inner.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.inner.idle.notify_waiters();
        }
    }
}

/// Probes must not hold a drain open, and are answered while draining.
fn is_probe(path: &str) -> bool {
    path.starts_with("/api/v1/health") || path == "/metrics"
}

/// Middleware: counts the request for as long as its handler runs (probes excluded, so they
/// never hold a drain open), and records it in `taskmanager_http_requests_total` and
/// `taskmanager_http_request_duration_seconds` by method, matched route template (bounded:
/// `unmatched` for fallbacks — static files and not-found) and status class.
pub async fn track(
    State(in_flight): State<InFlight>,
    State(services): State<service::Services>,
    request: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let method: &'static str = match request.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let _guard = (!is_probe(request.uri().path())).then(|| in_flight.enter());
    let response = next.run(request).await;
    let status = match response.status().as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    let metrics = services.metrics();
    metrics
        .http_requests
        .with_label_values(&[method, &route, status])
        .inc();
    metrics
        .http_duration
        .with_label_values(&[method, &route])
        .observe(started.elapsed().as_secs_f64());
    response
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
