//! Values worth sharing between instances, cached in Redis under keys that name the version
//! they were computed at (a workspace's `version`), so a change makes them unreachable rather
//! than stale, and a Redis flush or outage costs a recompute, never a wrong answer.
//!
//! Reads wait for Redis at most [`READ_WAIT`]; writes happen in the background. Without Redis
//! (one machine) every value is simply computed.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Result;
use crate::services::Services;

/// How long a read waits for Redis before computing instead.
const READ_WAIT: Duration = Duration::from_millis(50);

/// Hits and misses, for metrics.
#[derive(Default)]
pub struct SharedCacheStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
}

impl Services {
    /// The value under `key` from Redis, else `compute`d and stored for `ttl`.
    pub(crate) async fn shared_cached<T, F>(
        &self,
        key: &str,
        ttl: Duration,
        compute: F,
    ) -> Result<T>
    where
        T: Serialize + DeserializeOwned,
        F: Future<Output = Result<T>>,
    {
        let Some(redis) = self.redis() else {
            return compute.await;
        };
        let key = redis.key(&format!("cache:{key}"));
        let mut conn = redis.connection();
        let cached = tokio::time::timeout(
            READ_WAIT,
            redis::cmd("GET")
                .arg(&key)
                .query_async::<Option<Vec<u8>>>(&mut conn),
        )
        .await;
        if let Ok(Ok(Some(bytes))) = cached {
            if let Ok(value) = serde_json::from_slice::<T>(&bytes) {
                self.shared_cache_stats()
                    .hits
                    .fetch_add(1, Ordering::Relaxed);
                return Ok(value);
            }
        }
        self.shared_cache_stats()
            .misses
            .fetch_add(1, Ordering::Relaxed);
        let value = compute.await?;
        if let Ok(bytes) = serde_json::to_vec(&value) {
            tokio::spawn(async move {
                let stored = tokio::time::timeout(
                    Duration::from_secs(1),
                    redis::cmd("SET")
                        .arg(&key)
                        .arg(bytes)
                        .arg("EX")
                        .arg(ttl.as_secs().max(1))
                        .query_async::<()>(&mut conn),
                )
                .await;
                if !matches!(stored, Ok(Ok(()))) {
                    tracing::debug!(key, "shared cache: could not store a value");
                }
            });
        }
        Ok(value)
    }
}
