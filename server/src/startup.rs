//! Building and running the application: bind, start services, serve, drain.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use leptos::config::{Env, LeptosOptions};
use service::{MigrationReport, Services};
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::lifecycle::InFlight;
use crate::state::AppState;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The commit this binary was built from (`build.rs`: `GIT_SHA` or `git rev-parse`), or
/// `unknown`.
pub const GIT_SHA: &str = env!("TM_GIT_SHA");

/// The name cargo-leptos gives the wasm/js/css bundle (`[[workspace.metadata.leptos]] name`).
const OUTPUT_NAME: &str = "taskmanager";

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot prepare the data directory: {0}")]
    DataDir(#[source] std::io::Error),
    #[error("cannot start services: {}", .0.chain())]
    Services(#[source] service::Error),
}

/// A bound, ready-to-serve application.
pub struct Application {
    listener: TcpListener,
    /// `TM_METRICS_LISTEN`: a listener serving only `/metrics`.
    metrics_listener: Option<TcpListener>,
    state: AppState,
    addr: SocketAddr,
    migrations: MigrationReport,
}

impl Application {
    /// Binds the listener (port 0 picks one), connects and migrates the database, prepares Redis.
    pub async fn build(mut settings: Settings) -> Result<Self, StartupError> {
        if settings.database.url.starts_with("surrealkv://") || settings.secret_key.is_none() {
            std::fs::create_dir_all(&settings.data_dir).map_err(StartupError::DataDir)?;
        }
        settings
            .resolve_secret_key()
            .map_err(StartupError::DataDir)?;

        let listener =
            TcpListener::bind(settings.listen)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: settings.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: settings.listen,
            source,
        })?;

        let metrics_listener = match settings.metrics_listen {
            Some(at) => Some(
                TcpListener::bind(at)
                    .await
                    .map_err(|source| StartupError::Bind { addr: at, source })?,
            ),
            None => None,
        };

        if !settings.public_url_explicit {
            settings.public_url = format!("http://{addr}");
        }
        let (services, migrations) = Services::start(settings.services(VERSION))
            .await
            .map_err(StartupError::Services)?;
        services
            .metrics()
            .set_build(VERSION, GIT_SHA, services.instance_id());

        let leptos_options = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(settings.site_root.as_str())
            .site_pkg_dir(settings.site_pkg_dir.as_str())
            .hash_files(app::assets::hash_file().is_some())
            .env(if settings.leptos_prod {
                Env::PROD
            } else {
                Env::DEV
            })
            .site_addr(addr)
            .build();

        let sockets = crate::http::ws::Sockets::start(&services);
        let state = AppState {
            leptos_options,
            services,
            settings: Arc::new(settings),
            in_flight: InFlight::default(),
            sockets,
        };
        Ok(Self {
            listener,
            metrics_listener,
            state,
            addr,
            migrations,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where `/metrics` is served when `TM_METRICS_LISTEN` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    pub fn migrations(&self) -> &MigrationReport {
        &self.migrations
    }

    pub fn services(&self) -> &Services {
        &self.state.services
    }

    /// Serves until `shutdown` resolves, then drains: readiness fails at once, the listener keeps
    /// serving until nothing is in flight or `TM_DRAIN_SECONDS` pass, then closes and open
    /// connections finish (bounded by the same deadline).
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Self {
            listener,
            metrics_listener,
            state,
            addr,
            ..
        } = self;
        // Scrapes keep working through the drain; the task ends with the process.
        let metrics_server = metrics_listener.map(|listener| {
            let router = crate::http::metrics_router(state.clone());
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    tracing::error!(error = %e, "the metrics listener failed");
                }
            })
        });
        let drain = Duration::from_secs(state.settings.drain_seconds);
        let services = state.services.clone();
        let in_flight = state.in_flight.clone();
        let router = crate::http::router(state);

        let (close_tx, close_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            // Small responses and websocket frames go out at once, not after the client's
            // delayed ACK of the previous one (Nagle's algorithm).
            use axum::serve::ListenerExt;
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!(error = %e, "could not set TCP_NODELAY");
                }
            });
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = close_rx.await;
            })
            .await
        });
        tracing::info!(%addr, version = VERSION, instance = services.instance_id(), "listening");

        let mut server = server;
        tokio::select! {
            () = shutdown => {}
            result = &mut server => {
                // The server stopped on its own: an accept-loop failure.
                return result.map_err(std::io::Error::other)?;
            }
        }

        services.lifecycle().start_draining();
        let deadline = tokio::time::Instant::now() + drain;
        tracing::info!(
            in_flight = in_flight.current(),
            drain_seconds = drain.as_secs(),
            "draining"
        );
        if tokio::time::timeout_at(deadline, in_flight.idle())
            .await
            .is_err()
        {
            tracing::warn!(
                in_flight = in_flight.current(),
                "drain deadline passed with requests still in flight"
            );
        }
        let _ = close_tx.send(());
        // Connections still open (a response still streaming) get what is left of the deadline,
        // and at least a moment to flush.
        let grace = deadline.max(tokio::time::Instant::now() + Duration::from_millis(500));
        match tokio::time::timeout_at(grace, &mut server).await {
            Ok(result) => result.map_err(std::io::Error::other)??,
            Err(_) => tracing::warn!("connections still open at the deadline; closing them"),
        }
        if let Some(task) = metrics_server {
            task.abort();
        }
        tracing::info!("stopped");
        Ok(())
    }
}
