//! Rate limiting with GCRA (the generic cell rate algorithm), shared by every instance through
//! Redis when it is configured, in-process otherwise.
//!
//! One Lua script does read-decide-write atomically on the Redis server with the server's clock,
//! so N instances enforce one limit. When Redis fails mid-flight the limiter degrades instead of
//! failing requests: limits marked `fallback_local` (login, register, refresh) switch to the
//! in-process table; the others fail open. Either way it is logged and counted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cache::Redis;

/// A limit: `burst` requests per `period`, refilling evenly.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub name: &'static str,
    pub burst: u32,
    pub period: Duration,
    /// When Redis is unreachable: enforce in-process (true) or let requests through (false).
    pub fallback_local: bool,
}

impl Limit {
    fn interval_ms(&self) -> u64 {
        (self.period.as_millis() as u64 / u64::from(self.burst.max(1))).max(1)
    }
}

/// The limits the product uses. Tight on credentials, generous on the API.
pub mod limits {
    use super::Limit;
    use std::time::Duration;

    pub const LOGIN_PER_IP: Limit = Limit {
        name: "login_ip",
        burst: 20,
        period: Duration::from_secs(60),
        fallback_local: true,
    };
    pub const LOGIN_PER_ACCOUNT: Limit = Limit {
        name: "login_account",
        burst: 10,
        period: Duration::from_secs(60),
        fallback_local: true,
    };
    pub const REGISTER_PER_IP: Limit = Limit {
        name: "register_ip",
        burst: 10,
        period: Duration::from_secs(3600),
        fallback_local: true,
    };
    pub const REFRESH_PER_IP: Limit = Limit {
        name: "refresh_ip",
        burst: 60,
        period: Duration::from_secs(60),
        fallback_local: true,
    };
    pub const PASSWORD_RESET_PER_IP: Limit = Limit {
        name: "reset_ip",
        burst: 5,
        period: Duration::from_secs(3600),
        fallback_local: true,
    };
    pub const PASSWORD_RESET_PER_ACCOUNT: Limit = Limit {
        name: "reset_account",
        burst: 3,
        period: Duration::from_secs(3600),
        fallback_local: true,
    };
    pub const API_PER_CLIENT: Limit = Limit {
        name: "api",
        burst: 600,
        period: Duration::from_secs(60),
        fallback_local: false,
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Limited { retry_after: Duration },
}

#[derive(Clone)]
pub struct RateLimiter {
    redis: Option<Redis>,
    local: Arc<Mutex<LocalTable>>,
    metrics: crate::metrics::Metrics,
}

struct LocalTable {
    started: Instant,
    /// key → theoretical arrival time, in ms since `started`.
    tat: HashMap<String, u64>,
    checks_since_sweep: u32,
}

/// KEYS[1] = bucket; ARGV = interval_ms, period_ms. Returns {allowed, retry_after_ms}.
const GCRA_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if allow_at > now then
  return {0, allow_at - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
return {1, 0}
";

impl RateLimiter {
    pub fn new(redis: Option<Redis>, metrics: crate::metrics::Metrics) -> Self {
        Self {
            redis,
            local: Arc::new(Mutex::new(LocalTable {
                started: Instant::now(),
                tat: HashMap::new(),
                checks_since_sweep: 0,
            })),
            metrics,
        }
    }

    /// How often Redis failed and the limiter degraded (exported as a metric).
    pub fn fallback_count(&self) -> u64 {
        self.metrics.ratelimit_redis_failures.get()
    }

    /// Counts one request against `limit` for `subject` (an IP, an email, a user id).
    pub async fn check(&self, limit: &Limit, subject: &str) -> Decision {
        let decision = self.decide(limit, subject).await;
        // The limit's series exists (at zero) from its first use.
        let rejections = self
            .metrics
            .ratelimit_rejections
            .with_label_values(&[limit.name]);
        if decision != Decision::Allowed {
            rejections.inc();
        }
        decision
    }

    async fn decide(&self, limit: &Limit, subject: &str) -> Decision {
        let Some(redis) = &self.redis else {
            return self.check_local(limit, subject);
        };
        let key = redis.key(&format!("rl:{}:{}", limit.name, subject));
        let script = redis::Script::new(GCRA_SCRIPT);
        let mut conn = redis.connection();
        let mut invocation = script.key(&key);
        invocation
            .arg(limit.interval_ms())
            .arg(limit.period.as_millis() as u64);
        let call = invocation.invoke_async::<(i64, i64)>(&mut conn);
        match tokio::time::timeout(Duration::from_millis(500), call).await {
            Ok(Ok((1, _))) => Decision::Allowed,
            Ok(Ok((_, retry_ms))) => Decision::Limited {
                retry_after: Duration::from_millis(u64::try_from(retry_ms).unwrap_or(1000)),
            },
            Ok(Err(e)) => self.degrade(limit, subject, &e.to_string()),
            Err(_) => self.degrade(limit, subject, "timed out"),
        }
    }

    fn degrade(&self, limit: &Limit, subject: &str, why: &str) -> Decision {
        self.metrics.ratelimit_redis_failures.inc();
        if limit.fallback_local {
            tracing::warn!(
                limit = limit.name,
                error = why,
                "rate limiter: Redis failed, enforcing in-process"
            );
            self.check_local(limit, subject)
        } else {
            tracing::warn!(
                limit = limit.name,
                error = why,
                "rate limiter: Redis failed, failing open"
            );
            Decision::Allowed
        }
    }

    fn check_local(&self, limit: &Limit, subject: &str) -> Decision {
        let Ok(mut table) = self.local.lock() else {
            return Decision::Allowed;
        };
        let now = table.started.elapsed().as_millis() as u64;
        let period = limit.period.as_millis() as u64;
        table.checks_since_sweep += 1;
        if table.checks_since_sweep >= 10_000 {
            // Forget buckets that have fully refilled, so the table stays small.
            table.tat.retain(|_, tat| *tat > now);
            table.checks_since_sweep = 0;
        }
        let key = format!("{}:{}", limit.name, subject);
        let tat = table.tat.get(&key).copied().unwrap_or(now).max(now);
        let new_tat = tat + limit.interval_ms();
        let allow_at = new_tat.saturating_sub(period);
        if allow_at > now {
            return Decision::Limited {
                retry_after: Duration::from_millis(allow_at - now),
            };
        }
        table.tat.insert(key, new_tat);
        Decision::Allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST: Limit = Limit {
        name: "t",
        burst: 3,
        period: Duration::from_secs(60),
        fallback_local: true,
    };

    #[tokio::test]
    async fn local_allows_the_burst_then_limits_with_a_retry_time() {
        let rl = RateLimiter::new(None, crate::metrics::Metrics::new());
        for _ in 0..3 {
            assert_eq!(rl.check(&TEST, "ip").await, Decision::Allowed);
        }
        match rl.check(&TEST, "ip").await {
            Decision::Limited { retry_after } => {
                assert!(
                    retry_after > Duration::from_secs(15) && retry_after <= Duration::from_secs(20),
                    "{retry_after:?}"
                );
            }
            Decision::Allowed => panic!("the 4th request in a burst of 3 passed"),
        }
        assert_eq!(
            rl.check(&TEST, "other-ip").await,
            Decision::Allowed,
            "subjects are independent"
        );
    }
}
