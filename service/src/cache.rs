//! Redis: what instances share that is ephemeral (fan-out, rate-limit counters, caches).
//!
//! Optional. Losing it must lose no user data, and it being down — at start-up or later — must
//! never crash the process: the connection manager is created lazily and reconnects on its own,
//! and every call has a timeout.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::error::{Error, Result};
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
}

const RESPONSE_TIMEOUT: Duration = Duration::from_millis(1500);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);

impl Redis {
    /// Prepares the connection without touching the network, so a Redis that is down at start-up
    /// costs nothing but failing readiness until it is back.
    pub fn new(settings: &RedisSettings) -> Result<Self> {
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
        })
    }

    /// PING with a deadline.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.manager.clone();
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

    /// The connection, for the adapters of this crate.
    pub(crate) fn connection(&self) -> ConnectionManager {
        self.manager.clone()
    }
}

fn unavailable(source: Box<dyn std::error::Error + Send + Sync>) -> Error {
    Error::Unavailable {
        what: "cache",
        source,
    }
}
