//! Logging: pretty for people in development, one JSON object per line in production.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

/// Installs the global subscriber. Call once, before anything logs.
pub fn init(format: LogFormat, filter: &str) {
    let result = match format {
        LogFormat::Pretty => tracing_subscriber::registry()
            .with(env_filter(filter))
            .with(fmt::layer().with_target(true))
            .try_init(),
        LogFormat::Json => json_subscriber(filter, std::io::stdout).try_init(),
    };
    // A second init (tests starting several apps in one process) keeps the first subscriber.
    let _ = result;
}

/// The production log: one JSON object per line (fields flattened, the current span's fields —
/// request id, method, route — on every line), written to `writer`. Tests capture it to check
/// what reaches the logs.
pub fn json_subscriber<W>(filter: &str, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::registry()
        .with(env_filter(filter))
        .with(
            fmt::layer()
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .with_writer(writer),
        )
}

fn env_filter(filter: &str) -> EnvFilter {
    EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"))
}
