//! Readiness: may this instance take traffic? And the lifecycle flag that draining flips.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use domain::{CheckState, Readiness, ReadinessChecks};

use crate::services::Services;

/// The process's lifecycle as the service layer sees it. Shared by every clone of `Services`.
#[derive(Clone, Debug)]
pub struct Lifecycle {
    draining: Arc<AtomicBool>,
    /// The same flag for those who wait on it (websockets close when it turns true).
    signal: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            draining: Arc::default(),
            signal: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }
}

impl Lifecycle {
    /// From now on readiness fails, so load balancers stop sending new work here, and
    /// long-lived connections are told to go elsewhere.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
        self.signal.send_replace(true);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Turns `true` when draining starts.
    pub fn draining_signal(&self) -> tokio::sync::watch::Receiver<bool> {
        self.signal.subscribe()
    }
}

/// How long one dependency check may take before it counts as failed.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

impl Services {
    /// Checks the database with a real query and Redis with PING (when configured), concurrently
    /// and each with a deadline.
    pub async fn readiness(&self) -> Readiness {
        let database = async {
            match tokio::time::timeout(CHECK_TIMEOUT, self.database().ping()).await {
                Ok(Ok(())) => CheckState::Ok,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e.chain(), "readiness: database check failed");
                    CheckState::Error
                }
                Err(_) => {
                    tracing::warn!("readiness: database check timed out");
                    CheckState::Error
                }
            }
        };
        let redis = async {
            let Some(redis) = self.redis() else {
                return CheckState::Disabled;
            };
            match tokio::time::timeout(CHECK_TIMEOUT, redis.ping()).await {
                Ok(Ok(())) => CheckState::Ok,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e.chain(), "readiness: redis check failed");
                    CheckState::Error
                }
                Err(_) => {
                    tracing::warn!("readiness: redis check timed out");
                    CheckState::Error
                }
            }
        };
        let (database, redis) = tokio::join!(database, redis);
        Readiness::from_checks(ReadinessChecks {
            database,
            redis,
            draining: self.lifecycle().is_draining(),
        })
    }
}
