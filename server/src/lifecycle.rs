//! Graceful shutdown: count requests in flight, and drain before exiting.
//!
//! On SIGTERM or Ctrl-C readiness turns 503 at once (so balancers stop routing here) while the
//! listener keeps accepting and serving; once no request is in flight, or the drain deadline
//! passes, the listener closes, open connections finish, and the process exits 0.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Request, State};
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

/// Middleware: counts the request for as long as its handler runs.
pub async fn track(State(in_flight): State<InFlight>, request: Request, next: Next) -> Response {
    if is_probe(request.uri().path()) {
        return next.run(request).await;
    }
    let _guard = in_flight.enter();
    next.run(request).await
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
