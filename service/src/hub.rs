//! The realtime hub: which workspaces just advanced (and whose sessions changed), told to every
//! websocket of every instance.
//!
//! Notices carry `(workspace, version)` or `(user)`. Each process has one listener, the
//! websockets' dispatcher (`server::http::ws`). A socket that is behind a notice's version
//! pulls the events from the event log (`feed_since`, loaded once per instance and shared by
//! its connections). The notice of a commit also carries that commit's event ([`NoticeEvent`],
//! read in the commit's own transaction), so the sockets one version behind — all of them, in
//! steady state — are sent it without reading the log: one database round trip less on every
//! instance between a commit and the sockets. Anything else (a gap, a
//! notice without its event) reads the log as before, so:
//! - the log in SurrealDB is the only source of truth: a lost or lagging notice costs a
//!   moment, never an event (the next notice, the heal sweep, or the client's own
//!   `since_version` repairs it);
//! - membership is checked on every pull: a removed member stops receiving at once;
//! - instances share only the notices, over Redis pub/sub (in-process when Redis is not
//!   configured); an event in a notice is a copy of a log entry, never the only one.
//!
//! Three things repair a lost notice, so Redis may drop messages, restart or vanish:
//! - every [`HEAL_EVERY`], one query reads the versions of the workspaces this instance's
//!   sockets follow and notices any that advanced unannounced;
//! - the same sweep runs the moment the Redis subscription (re)connects;
//! - a listener that lagged behind the local broadcast re-pulls everything it follows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, Notify};

use crate::cache::Redis;
use crate::services::{Inner, Services};

/// Something every connection of every instance should hear about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Notice {
    /// A workspace reached `version`; `at_ms`: when it was committed (Unix milliseconds), to
    /// measure the fan-out lag (absent when the heal sweep found the version).
    Workspace {
        /// Shared, not copied: every listener of the instance receives a clone of the notice.
        workspace_id: Arc<str>,
        version: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<i64>,
        /// The event of the commit that made `version` (absent when the heal sweep found it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<Arc<NoticeEvent>>,
    },
    /// A user's sessions changed (one revoked, password changed, account deleted): their
    /// sockets check theirs is still valid.
    Sessions { user_id: String },
    /// A user's notifications changed (a new one, or some read): their sockets send the count.
    Notified { user_id: String },
    /// Someone started or stopped looking at a workspace (coalesced into `Viewers`).
    Presence { workspace_id: String },
    /// Who looks at a workspace now: local only, at most one per workspace per
    /// [`PRESENCE_COALESCE`], read once per instance.
    Viewers {
        workspace_id: Arc<str>,
        /// One list shared by every socket (cloning a `Vec` per listener made 25,000 string
        /// copies per notice with 500 sockets and 50 viewers).
        user_ids: Arc<[String]>,
    },
}

/// The event of the commit a `Workspace` notice announces, as read in that commit's
/// transaction: what a socket one version behind sends next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeEvent {
    /// The event as the JSON text sockets send.
    pub json: String,
    /// The workspace's members version at this version: membership is checked against it.
    pub members_version: i64,
}

/// Presence changes within this window make one `Viewers` notice.
pub const PRESENCE_COALESCE: Duration = Duration::from_millis(200);

/// What travels over Redis: the notice and which process sent it (so it does not hear itself).
#[derive(Serialize, Deserialize)]
struct Wire {
    from: String,
    #[serde(flatten)]
    notice: Notice,
}

/// Notices buffered per listener; a listener further behind gets `Lagged` and re-pulls all its
/// workspaces, which is correct because the log holds everything.
const NOTICE_BUFFER: usize = 1024;

/// How long a change's local fan-out waits for its notice to reach Redis.
const PUBLISH_FIRST: Duration = Duration::from_millis(10);
/// How often the versions of followed workspaces are compared with the database.
pub const HEAL_EVERY: Duration = Duration::from_secs(2);

/// How often the Redis subscription is pinged (a silent dead peer is found within this).
const REDIS_PING_EVERY: Duration = Duration::from_secs(10);
const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

/// Followed workspaces of this instance: how many sockets follow each, and the newest version
/// any notice announced.
#[derive(Default)]
struct Followed(HashMap<String, (usize, i64)>);

pub struct Hub {
    notices: broadcast::Sender<Notice>,
    instance_id: String,
    redis: Option<Redis>,
    followed: Arc<Mutex<Followed>>,
    /// Wakes the heal sweep early (after Redis reconnects).
    heal_now: Notify,
    /// Workspaces whose viewers changed since the last `Viewers` notice.
    presence_dirty: Mutex<std::collections::HashSet<String>>,
    presence_now: Notify,
    /// Redis subscriptions made (1 while the first holds; more after each loss).
    subscribes: std::sync::atomic::AtomicU64,
    /// Grows with every `Sessions` notice heard and every Redis (re)subscription: a session
    /// check remembered at an older generation is no longer trusted (`Services::authenticate`).
    sessions_generation: std::sync::atomic::AtomicU64,
}

/// A socket following a workspace; dropping it stops following.
pub struct Follow {
    followed: Arc<Mutex<Followed>>,
    workspace_id: String,
}

impl Drop for Follow {
    fn drop(&mut self) {
        let mut followed = lock(&self.followed);
        if let Some((count, _)) = followed.0.get_mut(&self.workspace_id) {
            *count -= 1;
            if *count == 0 {
                followed.0.remove(&self.workspace_id);
            }
        }
    }
}

fn lock(followed: &Mutex<Followed>) -> std::sync::MutexGuard<'_, Followed> {
    // A panic while holding this lock cannot leave the map inconsistent: keep going.
    followed
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Hub {
    pub(crate) fn new(instance_id: &str, redis: Option<Redis>) -> Self {
        Self {
            notices: broadcast::channel(NOTICE_BUFFER).0,
            // Unique per process even when instances share an id (e.g. two on one host).
            instance_id: format!("{instance_id}/{:016x}", rand::random::<u64>()),
            redis,
            followed: Arc::default(),
            heal_now: Notify::new(),
            presence_dirty: Mutex::default(),
            presence_now: Notify::new(),
            subscribes: std::sync::atomic::AtomicU64::new(0),
            sessions_generation: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// A workspace reached `version`: tells this process and, through Redis, the others.
    ///
    /// The notice leaves for Redis before this instance's own sockets are woken: published from
    /// a spawned task after them, it queued behind hundreds of socket tasks, and the other
    /// instances heard of the change up to 50 ms late (the fan-out benchmark's p99 across
    /// Redis was 64 ms, on the committing instance 23 ms). A slow Redis holds the local
    /// fan-out back at most `PUBLISH_FIRST`; the heal sweep covers a notice that never arrives.
    pub(crate) async fn notify(
        &self,
        workspace_id: &str,
        version: i64,
        event: Option<NoticeEvent>,
    ) {
        let notice = Notice::Workspace {
            workspace_id: workspace_id.into(),
            version,
            at_ms: Some(chrono::Utc::now().timestamp_millis()),
            event: event.map(Arc::new),
        };
        if let Some(published) = self.publish(notice.clone()) {
            let _ = tokio::time::timeout(PUBLISH_FIRST, published).await;
        }
        self.local(notice);
    }

    /// A user's sessions changed: their sockets everywhere re-check theirs.
    pub(crate) fn sessions_changed(&self, user_id: &str) {
        self.announce(Notice::Sessions {
            user_id: user_id.to_owned(),
        });
    }

    /// A user's notifications changed: their sockets everywhere send the new unread count.
    pub(crate) fn notified(&self, user_id: &str) {
        self.announce(Notice::Notified {
            user_id: user_id.to_owned(),
        });
    }

    /// Someone started or stopped looking at a workspace: every instance re-reads its viewers.
    pub(crate) fn presence_changed(&self, workspace_id: &str) {
        self.announce(Notice::Presence {
            workspace_id: workspace_id.to_owned(),
        });
    }

    fn announce(&self, notice: Notice) {
        let _ = self.publish(notice.clone());
        self.local(notice);
    }

    /// Publishes a notice to the other instances (in a task of its own, so a slow or absent
    /// Redis delays nobody; the heal sweep of the others makes up for one that never got there).
    fn publish(&self, notice: Notice) -> Option<tokio::task::JoinHandle<()>> {
        let redis = self.redis.as_ref()?;
        let wire = Wire {
            from: self.instance_id.clone(),
            notice,
        };
        let channel = channel(redis);
        let mut conn = redis.connection();
        Some(tokio::spawn(async move {
            let payload = serde_json::to_string(&wire).unwrap_or_default();
            let sent = tokio::time::timeout(
                REDIS_TIMEOUT,
                redis::cmd("PUBLISH")
                    .arg(&channel)
                    .arg(payload)
                    .query_async::<i64>(&mut conn),
            )
            .await;
            match sent {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "realtime: publishing a notice failed")
                }
                Err(_) => tracing::warn!("realtime: publishing a notice timed out"),
            }
        }))
    }

    /// Tells this process's listeners (no listener: nothing to do).
    fn local(&self, notice: Notice) {
        if let Notice::Sessions { .. } = notice {
            self.sessions_generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        if let Notice::Presence { workspace_id } = notice {
            self.presence_dirty
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(workspace_id);
            self.presence_now.notify_one();
            return;
        }
        if let Notice::Workspace {
            workspace_id,
            version,
            ..
        } = &notice
        {
            let mut followed = lock(&self.followed);
            match followed.0.get_mut(&**workspace_id) {
                Some((_, known)) if *known < *version => *known = *version,
                Some(_) => return, // already announced (e.g. by the heal sweep)
                None => {}
            }
        }
        let _ = self.notices.send(notice);
    }

    /// See `sessions_generation`: read it before a session check whose answer is remembered.
    pub(crate) fn sessions_generation(&self) -> u64 {
        self.sessions_generation
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many times this instance subscribed to Redis (for metrics: it grows with each loss).
    pub fn redis_subscribes(&self) -> u64 {
        self.subscribes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A new listener, hearing of every notice from now on.
    pub fn listen(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    /// Marks a workspace as followed by a socket of this instance, at `version`, so the heal
    /// sweep watches it.
    pub fn follow(&self, workspace_id: &str, version: i64) -> Follow {
        let mut followed = lock(&self.followed);
        let entry = followed
            .0
            .entry(workspace_id.to_owned())
            .or_insert((0, version));
        entry.0 += 1;
        entry.1 = entry.1.max(version);
        Follow {
            followed: self.followed.clone(),
            workspace_id: workspace_id.to_owned(),
        }
    }

    /// How many workspaces this instance's sockets follow.
    pub fn followed_count(&self) -> usize {
        lock(&self.followed).0.len()
    }
}

fn channel(redis: &Redis) -> String {
    redis.key("realtime")
}

/// Starts the hub's background work: the heal sweep and, with Redis, the subscription that
/// brings other instances' notices. Both stop when the services are dropped.
pub(crate) fn spawn(services: &Services) {
    let weak = Arc::downgrade(services.inner());
    tokio::spawn(heal_loop(weak.clone()));
    tokio::spawn(presence_loop(weak.clone()));
    if services.hub().redis.is_some() {
        tokio::spawn(subscribe_loop(weak));
    }
}

/// Turns presence changes into at most one `Viewers` notice per workspace per
/// [`PRESENCE_COALESCE`], for the workspaces this instance's sockets follow.
async fn presence_loop(weak: Weak<Inner>) {
    loop {
        {
            let Some(services) = Services::upgrade(&weak) else {
                return;
            };
            let hub = services.hub();
            tokio::select! {
                _ = hub.presence_now.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(5)) => continue,
            }
        }
        tokio::time::sleep(PRESENCE_COALESCE).await;
        let Some(services) = Services::upgrade(&weak) else {
            return;
        };
        let dirty: Vec<String> = services
            .hub()
            .presence_dirty
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .drain()
            .collect();
        for workspace_id in dirty {
            if !lock(&services.hub().followed).0.contains_key(&workspace_id) {
                continue;
            }
            let user_ids = services.presence_of(&workspace_id).await;
            let _ = services.hub().notices.send(Notice::Viewers {
                workspace_id: workspace_id.into(),
                user_ids: user_ids.into(),
            });
        }
    }
}

/// How often each instance deletes events past their age (idempotent, so every instance may).
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

async fn heal_loop(weak: Weak<Inner>) {
    let mut next_prune = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let Some(services) = Services::upgrade(&weak) else {
            return;
        };
        {
            let hub = services.hub();
            tokio::select! {
                _ = tokio::time::sleep(HEAL_EVERY) => {}
                _ = hub.heal_now.notified() => {}
            }
        }
        if let Err(e) = heal(&services).await {
            tracing::warn!(error = %e.chain(), "realtime: heal sweep failed");
        }
        // Viewers whose instance died without saying goodbye expire here.
        let followed: Vec<String> = lock(&services.hub().followed).0.keys().cloned().collect();
        for workspace_id in followed {
            services.presence_expire(&workspace_id).await;
        }
        if tokio::time::Instant::now() >= next_prune {
            next_prune += PRUNE_EVERY;
            if let Err(e) = services.prune_old_events().await {
                tracing::warn!(error = %e.chain(), "realtime: pruning old events failed");
            }
        }
    }
}

/// Compares the followed workspaces' versions with the database, announcing locally any that
/// advanced without a notice reaching this instance.
async fn heal(services: &Services) -> crate::error::Result<()> {
    let ids: Vec<String> = lock(&services.hub().followed).0.keys().cloned().collect();
    if ids.is_empty() {
        return Ok(());
    }
    use surrealdb::types::SurrealValue;
    #[derive(Debug, SurrealValue)]
    struct Row {
        id: String,
        version: i64,
    }
    let mut res = services
        .database()
        .client()
        .query("SELECT record::id(id) AS id, version FROM $ids")
        .bind((
            "ids",
            ids.iter()
                .map(|id| surrealdb::types::RecordId::new("workspace", id.as_str()))
                .collect::<Vec<_>>(),
        ))
        .await?
        .check()?;
    let rows: Vec<Row> = res.take(0)?;
    for row in rows {
        services.hub().local(Notice::Workspace {
            workspace_id: row.id.into(),
            version: row.version,
            at_ms: None,
            event: None,
        });
    }
    Ok(())
}

async fn subscribe_loop(weak: Weak<Inner>) {
    let mut failures: u32 = 0;
    loop {
        let Some(services) = Services::upgrade(&weak) else {
            return;
        };
        let Some(redis) = services.hub().redis.clone() else {
            return;
        };
        drop(services);
        let mut subscribed = false;
        match subscribe_once(&weak, &redis, &mut subscribed).await {
            Ok(()) => return, // the services are gone
            Err(e) => {
                // A subscription that worked for a while starts the count (and backoff) anew.
                if subscribed {
                    failures = 0;
                }
                failures += 1;
                if failures == 1 || failures.is_multiple_of(30) {
                    tracing::warn!(error = %e, failures, "realtime: Redis subscription lost; the heal sweep covers meanwhile");
                }
            }
        }
        let pause = 250 * u64::from(failures.min(8)) + rand::random_range(0..250);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

/// Holds one subscription until it fails (`Err`) or the services are dropped (`Ok`).
async fn subscribe_once(
    weak: &Weak<Inner>,
    redis: &Redis,
    subscribed: &mut bool,
) -> Result<(), String> {
    let pubsub = tokio::time::timeout(REDIS_TIMEOUT, redis.client().get_async_pubsub())
        .await
        .map_err(|_| "connecting timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    let (mut sink, mut stream) = pubsub.split();
    tokio::time::timeout(REDIS_TIMEOUT, sink.subscribe(channel(redis)))
        .await
        .map_err(|_| "subscribing timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    // Whatever was published while we were away: look for it now.
    match Services::upgrade(weak) {
        Some(services) => services.hub().heal_now.notify_one(),
        None => return Ok(()),
    }
    *subscribed = true;
    match Services::upgrade(weak) {
        Some(services) => {
            // `Sessions` notices published while we were away are lost: forget what session
            // checks this process remembers.
            services
                .hub()
                .sessions_generation
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            services
                .hub()
                .subscribes
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        }
        None => return Ok(()),
    };
    tracing::info!("realtime: subscribed to Redis");
    let mut ping = tokio::time::interval(REDIS_PING_EVERY);
    ping.tick().await;
    loop {
        tokio::select! {
            message = stream.next() => {
                let Some(message) = message else {
                    return Err("the subscription closed".to_owned());
                };
                let Some(services) = Services::upgrade(weak) else {
                    return Ok(());
                };
                let payload: Vec<u8> = message.get_payload_bytes().to_vec();
                match serde_json::from_slice::<Wire>(&payload) {
                    Ok(wire) if wire.from != services.hub().instance_id => {
                        tracing::debug!(notice = ?wire.notice, "realtime: notice from Redis");
                        services.hub().local(wire.notice);
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "realtime: ignoring a malformed notice"),
                }
            }
            _ = ping.tick() => {
                if Services::upgrade(weak).is_none() {
                    return Ok(());
                }
                // A subscribed connection answers PING with ["pong", ""], not a string.
                tokio::time::timeout(REDIS_TIMEOUT, sink.ping::<redis::Value>())
                    .await
                    .map_err(|_| "ping timed out".to_owned())?
                    .map_err(|e| e.to_string())?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_round_trip_on_the_wire() {
        let wire = Wire {
            from: "a".into(),
            notice: Notice::Workspace {
                workspace_id: "w1".into(),
                version: 7,
                at_ms: None,
                event: None,
            },
        };
        let text = serde_json::to_string(&wire).expect("serializes");
        assert_eq!(
            text,
            r#"{"from":"a","t":"workspace","workspace_id":"w1","version":7}"#
        );
        let back: Wire = serde_json::from_str(&text).expect("parses");
        assert_eq!(back.notice, wire.notice);
        // The commit's event travels as JSON text inside the notice.
        let with_event = Wire {
            from: "a".into(),
            notice: Notice::Workspace {
                workspace_id: "w1".into(),
                version: 8,
                at_ms: Some(1),
                event: Some(Arc::new(NoticeEvent {
                    json: r#"{"type":"task.created","version":8}"#.into(),
                    members_version: 2,
                })),
            },
        };
        let text = serde_json::to_string(&with_event).expect("serializes");
        let back: Wire = serde_json::from_str(&text).expect("parses");
        assert_eq!(back.notice, with_event.notice);
        let sessions: Wire =
            serde_json::from_str(r#"{"from":"b","t":"sessions","user_id":"u"}"#).expect("parses");
        assert_eq!(
            sessions.notice,
            Notice::Sessions {
                user_id: "u".into()
            }
        );
    }

    #[tokio::test]
    async fn a_version_is_announced_once_to_followers() {
        let hub = Hub::new("i", None);
        let mut rx = hub.listen();
        let follow = hub.follow("w", 3);
        hub.local(Notice::Workspace {
            workspace_id: "w".into(),
            version: 3,
            at_ms: None,
            event: None,
        });
        hub.local(Notice::Workspace {
            workspace_id: "w".into(),
            version: 4,
            at_ms: None,
            event: None,
        });
        hub.local(Notice::Workspace {
            workspace_id: "w".into(),
            version: 4,
            at_ms: None,
            event: None,
        });
        assert_eq!(
            rx.try_recv().expect("one notice"),
            Notice::Workspace {
                workspace_id: "w".into(),
                version: 4,
                at_ms: None,
                event: None,
            }
        );
        assert!(
            rx.try_recv().is_err(),
            "old and repeated versions are not announced"
        );
        assert_eq!(hub.followed_count(), 1);
        drop(follow);
        assert_eq!(hub.followed_count(), 0);
    }
}
