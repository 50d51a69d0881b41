//! Redis: what instances share that is ephemeral (fan-out, rate-limit counters, caches).
//!
//! Optional. Losing it must lose no user data, and it being down — at start-up or later — must
//! never crash the process: the connection manager is created lazily and reconnects on its own,
//! and every call has a timeout.

use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::{Arg, Cmd, ErrorKind, Pipeline, RedisFuture, ServerErrorKind, Value};

use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::secret::Secret;

#[derive(Clone, Debug)]
pub struct RedisSettings {
    /// `redis://[:password@]host:port[/db]` or `rediss://…`; may carry a password.
    pub url: Secret,
    /// Prefix of every key this deployment writes, so tests and tenants can share a server.
    pub key_prefix: String,
}

/// A handle to Redis. Cheap to clone; all clones share one multiplexed connection.
#[derive(Clone)]
pub struct Redis {
    client: redis::Client,
    manager: ConnectionManager,
    key_prefix: String,
    metrics: Metrics,
}

const RESPONSE_TIMEOUT: Duration = Duration::from_millis(1500);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);

impl Redis {
    /// Prepares the connection without touching the network, so a Redis that is down at start-up
    /// costs nothing but failing readiness until it is back.
    pub fn new(settings: &RedisSettings, metrics: Metrics) -> Result<Self> {
        use redis::IntoConnectionInfo;
        // Commands from many tasks share one multiplexed connection: with Nagle's algorithm a
        // command written while an earlier one is unacknowledged would wait for the peer's
        // delayed ACK (up to 40 ms on Linux).
        let info =
            settings.url.expose().into_connection_info().map_err(|e| {
                Error::Internal(format!("TM_REDIS_URL is not a valid Redis URL: {e}"))
            })?;
        let tcp = redis::io::tcp::TcpSettings::default().set_nodelay(true);
        let client = redis::Client::open(info.set_tcp_settings(tcp))
            .map_err(|e| Error::Internal(format!("TM_REDIS_URL is not a valid Redis URL: {e}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .map_err(|e| Error::Internal(format!("cannot prepare the Redis connection: {e}")))?;
        Ok(Self {
            client,
            manager,
            key_prefix: settings.key_prefix.clone(),
            metrics,
        })
    }

    /// PING with a deadline.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.connection();
        let pong: String =
            tokio::time::timeout(RESPONSE_TIMEOUT, redis::cmd("PING").query_async(&mut conn))
                .await
                .map_err(|e| unavailable(Box::new(e)))?
                .map_err(|e| unavailable(Box::new(e)))?;
        if pong == "PONG" {
            Ok(())
        } else {
            Err(Error::Internal(format!(
                "Redis answered PING with {pong:?}"
            )))
        }
    }

    /// A key under this deployment's prefix.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}{}", self.key_prefix, suffix)
    }

    /// The client, for connections of their own (pub/sub).
    pub(crate) fn client(&self) -> &redis::Client {
        &self.client
    }

    /// The connection, for the adapters of this crate: every command is timed into
    /// `taskmanager_redis_command_duration_seconds` and failures counted, by command.
    pub(crate) fn connection(&self) -> Measured {
        Measured {
            inner: self.manager.clone(),
            metrics: self.metrics.clone(),
        }
    }
}

/// The shared connection, measured (see [`Redis::connection`]).
#[derive(Clone)]
pub(crate) struct Measured {
    inner: ConnectionManager,
    metrics: Metrics,
}

/// A failure of Redis (not a script cache miss, which the client answers by loading it).
fn counts_as_error(error: &redis::RedisError) -> bool {
    error.kind() != ErrorKind::Server(ServerErrorKind::NoScript)
}

fn command_name(cmd: &Cmd) -> &'static str {
    match cmd.args_iter().next() {
        Some(Arg::Simple(name)) => crate::metrics::redis_op(name),
        _ => "other",
    }
}

impl ConnectionLike for Measured {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(async move {
            let started = std::time::Instant::now();
            let result = self.inner.req_packed_command(cmd).await;
            let failed = result.as_ref().is_err_and(counts_as_error);
            self.metrics
                .redis_call(command_name(cmd), started.elapsed(), failed);
            result
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            let started = std::time::Instant::now();
            let result = self
                .inner
                .req_packed_commands(pipeline, offset, count)
                .await;
            let failed = result.as_ref().is_err_and(counts_as_error);
            self.metrics
                .redis_call("pipeline", started.elapsed(), failed);
            result
        })
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
}

fn unavailable(source: Box<dyn std::error::Error + Send + Sync>) -> Error {
    Error::Unavailable {
        what: "cache",
        source,
    }
}
