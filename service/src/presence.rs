//! Presence: who is looking at a workspace right now, across instances, expiring on its own.
//!
//! Each socket that follows a workspace is an entry `(socket, user)` with an expiry 60 s ahead,
//! refreshed by the socket's 20 s heartbeat and removed when it stops following. With Redis the
//! entries live in one sorted set per workspace (score = expiry), so every instance sees the
//! same viewers and a crashed instance's entries simply expire; without Redis, in this process.
//! Changes are announced through the hub (coalesced per instance, see `hub::presence_loop`).
//! Presence is best effort: a Redis failure is logged and costs only the list's accuracy.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use crate::services::Services;

/// An entry lives this long without a refresh.
pub const PRESENCE_TTL_MS: i64 = 60_000;

/// Entries by workspace, then socket: (user, expiry in ms since the epoch).
type Entries = HashMap<String, HashMap<String, (String, i64)>>;

#[derive(Default)]
pub(crate) struct LocalPresence(Mutex<Entries>);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl LocalPresence {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut HashMap<String, HashMap<String, (String, i64)>>) -> T,
    ) -> T {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut map)
    }
}

impl Services {
    fn presence_key(&self, workspace_id: &str) -> Option<(crate::cache::Redis, String)> {
        self.redis()
            .map(|r| (r.clone(), r.key(&format!("presence:{workspace_id}"))))
    }

    /// A socket of `user_id` follows the workspace (again: a refresh).
    pub async fn presence_join(&self, workspace_id: &str, user_id: &str, socket_id: &str) {
        let expiry = now_ms() + PRESENCE_TTL_MS;
        let added = match self.presence_key(workspace_id) {
            Some((redis, key)) => {
                let mut conn = redis.connection();
                let result: redis::RedisResult<(i64, i64)> = redis::pipe()
                    .cmd("ZADD")
                    .arg(&key)
                    .arg(expiry)
                    .arg(format!("{socket_id}|{user_id}"))
                    .cmd("PEXPIRE")
                    .arg(&key)
                    .arg(PRESENCE_TTL_MS * 2)
                    .query_async(&mut conn)
                    .await;
                match result {
                    Ok((added, _)) => added > 0,
                    Err(e) => {
                        tracing::debug!(error = %e, "presence: join not recorded");
                        false
                    }
                }
            }
            None => self.local_presence().with(|m| {
                m.entry(workspace_id.to_owned())
                    .or_default()
                    .insert(socket_id.to_owned(), (user_id.to_owned(), expiry))
                    .is_none()
            }),
        };
        if added {
            self.hub().presence_changed(workspace_id);
        }
    }

    /// The socket stopped following the workspace (unsubscribed or closed).
    pub async fn presence_leave(&self, workspace_id: &str, user_id: &str, socket_id: &str) {
        let removed = match self.presence_key(workspace_id) {
            Some((redis, key)) => {
                let mut conn = redis.connection();
                let result: redis::RedisResult<i64> = redis::cmd("ZREM")
                    .arg(&key)
                    .arg(format!("{socket_id}|{user_id}"))
                    .query_async(&mut conn)
                    .await;
                result.is_ok_and(|n| n > 0)
            }
            None => self.local_presence().with(|m| {
                let removed = m
                    .get_mut(workspace_id)
                    .is_some_and(|s| s.remove(socket_id).is_some());
                if m.get(workspace_id).is_some_and(HashMap::is_empty) {
                    m.remove(workspace_id);
                }
                removed
            }),
        };
        if removed {
            self.hub().presence_changed(workspace_id);
        }
    }

    /// The users looking at the workspace now (sorted, each once).
    pub async fn presence_of(&self, workspace_id: &str) -> Vec<String> {
        let now = now_ms();
        let entries: Vec<String> = match self.presence_key(workspace_id) {
            Some((redis, key)) => {
                let mut conn = redis.connection();
                redis::cmd("ZRANGEBYSCORE")
                    .arg(&key)
                    .arg(now)
                    .arg("+inf")
                    .query_async(&mut conn)
                    .await
                    .unwrap_or_default()
            }
            None => self.local_presence().with(|m| {
                m.get(workspace_id)
                    .map(|s| {
                        s.values()
                            .filter(|(_, expiry)| *expiry > now)
                            .map(|(user, _)| format!("|{user}"))
                            .collect()
                    })
                    .unwrap_or_default()
            }),
        };
        entries
            .iter()
            .filter_map(|e| e.split_once('|').map(|(_, user)| user.to_owned()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    }

    /// Drops expired entries (a crashed instance's sockets); announces when any went.
    pub(crate) async fn presence_expire(&self, workspace_id: &str) {
        let now = now_ms();
        let expired = match self.presence_key(workspace_id) {
            Some((redis, key)) => {
                let mut conn = redis.connection();
                let result: redis::RedisResult<i64> = redis::cmd("ZREMRANGEBYSCORE")
                    .arg(&key)
                    .arg("-inf")
                    .arg(now)
                    .query_async(&mut conn)
                    .await;
                result.is_ok_and(|n| n > 0)
            }
            None => self.local_presence().with(|m| {
                m.get_mut(workspace_id).is_some_and(|s| {
                    let before = s.len();
                    s.retain(|_, (_, expiry)| *expiry > now);
                    s.len() < before
                })
            }),
        };
        if expired {
            self.hub().presence_changed(workspace_id);
        }
    }
}
