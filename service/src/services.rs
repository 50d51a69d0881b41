//! The container every adapter holds: one `Services` per process, cloned into each request.

use std::sync::Arc;

use domain::SystemStatus;

use crate::auth::{AccessTokens, PasswordHasher};
use crate::cache::{Redis, RedisSettings};
use crate::error::Result;
use crate::health::Lifecycle;
use crate::mail::Mailer;
use crate::ratelimit::RateLimiter;
use crate::secret::Secret;
use crate::store::{Database, DatabaseSettings, MigrationReport};

/// What the service layer needs to start.
#[derive(Clone, Debug)]
pub struct ServicesSettings {
    pub database: DatabaseSettings,
    pub redis: Option<RedisSettings>,
    pub instance_id: String,
    pub version: String,
    /// Signs access tokens.
    pub secret_key: Secret,
    /// Still accepted for verification while a key rotation rolls out.
    pub previous_secret_key: Option<Secret>,
    /// At most this many password hashes at once (each takes 19 MiB).
    pub hash_concurrency: usize,
    /// The URL people reach the app at, for links in mail.
    pub public_url: String,
    /// Where development mail is written.
    pub outbox_dir: std::path::PathBuf,
    pub mail_from: String,
    /// SMTP for mail (`None`: the outbox directory).
    pub smtp_url: Option<crate::Secret>,
    pub attachments: crate::attachments::AttachmentSettings,
    pub jobs: crate::jobs::JobSettings,
    /// Let webhooks reach loopback and private addresses (development and tests only).
    pub webhooks_allow_private: bool,
}

#[derive(Clone)]
pub struct Services {
    inner: Arc<Inner>,
}

/// [`Services`] that a background task holds without keeping them alive ([`Services::downgrade`]).
#[derive(Clone)]
pub struct WeakServices(std::sync::Weak<Inner>);

impl WeakServices {
    /// The services, unless they were dropped.
    pub fn upgrade(&self) -> Option<Services> {
        Services::upgrade(&self.0)
    }
}

pub(crate) struct Inner {
    metrics: crate::metrics::Metrics,
    jobs: crate::jobs::Queue,
    webhooks_allow_private: bool,
    database: Database,
    redis: Option<Redis>,
    lifecycle: Lifecycle,
    instance_id: String,
    version: String,
    passwords: PasswordHasher,
    access_tokens: AccessTokens,
    rate_limiter: RateLimiter,
    mailer: Mailer,
    public_url: String,
    attachments: crate::attachments::AttachmentStore,
    list_cache: crate::tasks::ListCache,
    member_roles: RoleCache,
    session_checks: crate::accounts::SessionChecks,
    shared_cache_stats: crate::shared_cache::SharedCacheStats,
    change_turns: crate::changes::ChangeTurns,
    hub: crate::hub::Hub,
    feed_cache: crate::changes::FeedCache,
    member_cache: crate::changes::MemberCache,
    local_presence: crate::presence::LocalPresence,
}

/// Members' roles by (workspace, user, members version); see `Services::role_at`.
pub(crate) type RoleCache =
    quick_cache::sync::Cache<(String, String, i64), domain::workspace::Role>;

/// Roles remembered per process (a few dozen bytes each).
const ROLE_CACHE_ENTRIES: usize = 10_000;
/// Loaded ranges of workspace events shared by this process's sockets (see `feed_since`).
const FEED_CACHE_ENTRIES: usize = 512;
/// Sessions whose last check this process remembers (see `Services::authenticate`).
const SESSION_CHECK_ENTRIES: usize = 20_000;
/// Member sets by (workspace, members version).
const MEMBER_CACHE_ENTRIES: usize = 1_024;

impl Services {
    /// Connects to the database and applies migrations; prepares Redis without requiring it to be
    /// up. Fails only when the database cannot be reached or migrated.
    pub async fn start(settings: ServicesSettings) -> Result<(Self, MigrationReport)> {
        let metrics = crate::metrics::Metrics::new();
        let database = Database::connect(&settings.database, metrics.clone()).await?;
        let report = database.migrate(&settings.instance_id).await?;
        let redis = settings
            .redis
            .as_ref()
            .map(|r| Redis::new(r, metrics.clone()))
            .transpose()?;
        let passwords = PasswordHasher::new(settings.hash_concurrency)?;
        let attachments = crate::attachments::AttachmentStore::new(&settings.attachments)?;
        let access_tokens =
            AccessTokens::new(&settings.secret_key, settings.previous_secret_key.as_ref());
        let mailer = match &settings.smtp_url {
            Some(url) => Mailer::smtp(url.expose(), settings.mail_from.clone())
                .map_err(crate::Error::Internal)?,
            None => Mailer::outbox(settings.outbox_dir.clone(), settings.mail_from.clone()),
        };
        let services = Self {
            inner: Arc::new(Inner {
                database,
                rate_limiter: RateLimiter::new(redis.clone(), metrics.clone()),
                passwords,
                access_tokens,
                mailer,
                public_url: settings.public_url,
                attachments,
                list_cache: crate::tasks::ListCache::new(),
                jobs: crate::jobs::Queue::new(settings.jobs, &settings.instance_id),
                webhooks_allow_private: settings.webhooks_allow_private,
                member_roles: RoleCache::new(ROLE_CACHE_ENTRIES),
                session_checks: crate::accounts::SessionChecks::new(SESSION_CHECK_ENTRIES),
                shared_cache_stats: Default::default(),
                change_turns: crate::changes::ChangeTurns::new(),
                hub: crate::hub::Hub::new(&settings.instance_id, redis.clone()),
                feed_cache: crate::changes::FeedCache::new(FEED_CACHE_ENTRIES),
                member_cache: crate::changes::MemberCache::new(MEMBER_CACHE_ENTRIES),
                local_presence: crate::presence::LocalPresence::default(),
                redis,
                lifecycle: Lifecycle::default(),
                instance_id: settings.instance_id,
                version: settings.version,
                metrics,
            }),
        };
        crate::hub::spawn(&services);
        crate::jobs::spawn(&services);
        Ok((services, report))
    }

    pub fn database(&self) -> &Database {
        &self.inner.database
    }

    pub(crate) fn webhooks_allow_private(&self) -> bool {
        self.inner.webhooks_allow_private
    }

    /// The background job queue's per-process side.
    pub(crate) fn jobs_queue(&self) -> &crate::jobs::Queue {
        &self.inner.jobs
    }

    /// This process's Prometheus metrics.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.inner.metrics
    }

    pub fn redis(&self) -> Option<&Redis> {
        self.inner.redis.as_ref()
    }

    pub fn passwords(&self) -> &PasswordHasher {
        &self.inner.passwords
    }

    pub fn access_tokens(&self) -> &AccessTokens {
        &self.inner.access_tokens
    }

    pub fn mailer(&self) -> &Mailer {
        &self.inner.mailer
    }

    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    pub fn attachment_store(&self) -> &crate::attachments::AttachmentStore {
        &self.inner.attachments
    }

    /// The realtime hub of this process.
    pub fn hub(&self) -> &crate::hub::Hub {
        &self.inner.hub
    }

    pub(crate) fn inner(&self) -> &Arc<Inner> {
        &self.inner
    }

    /// A handle for a background task outside this crate that must not keep the services alive.
    pub fn downgrade(&self) -> WeakServices {
        WeakServices(Arc::downgrade(&self.inner))
    }

    /// The services again from a background task's weak handle, unless they were dropped.
    pub(crate) fn upgrade(weak: &std::sync::Weak<Inner>) -> Option<Self> {
        weak.upgrade().map(|inner| Self { inner })
    }

    pub(crate) fn feed_cache(&self) -> &crate::changes::FeedCache {
        &self.inner.feed_cache
    }

    pub(crate) fn local_presence(&self) -> &crate::presence::LocalPresence {
        &self.inner.local_presence
    }

    pub(crate) fn member_cache(&self) -> &crate::changes::MemberCache {
        &self.inner.member_cache
    }

    pub(crate) fn change_turns(&self) -> &crate::changes::ChangeTurns {
        &self.inner.change_turns
    }

    /// Hits and misses of the Redis-shared cache.
    pub fn shared_cache_stats(&self) -> &crate::shared_cache::SharedCacheStats {
        &self.inner.shared_cache_stats
    }

    pub(crate) fn session_checks(&self) -> &crate::accounts::SessionChecks {
        &self.inner.session_checks
    }

    pub(crate) fn member_roles(&self) -> &RoleCache {
        &self.inner.member_roles
    }

    pub(crate) fn list_cache(&self) -> &crate::tasks::ListCache {
        &self.inner.list_cache
    }

    pub fn rate_limiter(&self) -> &RateLimiter {
        &self.inner.rate_limiter
    }

    pub fn lifecycle(&self) -> &Lifecycle {
        &self.inner.lifecycle
    }

    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// What the UI's status badge shows.
    pub async fn system_status(&self) -> SystemStatus {
        SystemStatus {
            version: self.version().to_owned(),
            instance_id: self.instance_id().to_owned(),
            readiness: self.readiness().await,
        }
    }
}

/// A `Services` on a fresh in-memory database for unit tests, with the given job pacing and
/// mail outbox (default: a temporary directory of this process).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) async fn test_services(
    jobs: crate::jobs::JobSettings,
    outbox: Option<std::path::PathBuf>,
) -> Services {
    let scratch = std::env::temp_dir().join(format!(
        "tm-unit-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    let settings = ServicesSettings {
        database: DatabaseSettings {
            url: "mem://".into(),
            namespace: "tm".into(),
            database: "t".into(),
            username: None,
            password: None,
        },
        redis: None,
        instance_id: "t".into(),
        version: "0".into(),
        secret_key: crate::Secret::new("k".repeat(40)),
        previous_secret_key: None,
        hash_concurrency: 2,
        public_url: "http://127.0.0.1".into(),
        outbox_dir: outbox.unwrap_or_else(|| scratch.join("outbox")),
        mail_from: "test@localhost".into(),
        smtp_url: None,
        attachments: crate::attachments::AttachmentSettings {
            storage: crate::attachments::StorageSettings::Local(scratch.join("files")),
            max_bytes: 1024 * 1024,
        },
        jobs,
        webhooks_allow_private: false,
    };
    Services::start(settings).await.unwrap().0
}

/// A registered user of `s` (password `password1`), signed in: the caller and their session.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) async fn test_user(
    s: &Services,
    email: &str,
) -> (crate::accounts::Caller, crate::accounts::IssuedSession) {
    let issued = s
        .register(
            &domain::account::RegisterRequest {
                email: email.into(),
                password: "password1".into(),
                name: "Tester".into(),
                locale: None,
            },
            &crate::accounts::ClientInfo::default(),
        )
        .await
        .unwrap();
    (s.authenticate(&issued.access_token).await.unwrap(), issued)
}

/// A registered user of `s` and a workspace they own.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) async fn test_owner(
    s: &Services,
    email: &str,
) -> (crate::accounts::Caller, domain::workspace::WorkspaceView) {
    let (caller, _) = test_user(s, email).await;
    let ws = s
        .create_workspace(
            &caller,
            &domain::workspace::CreateWorkspaceRequest {
                name: "Tests".into(),
            },
        )
        .await
        .unwrap();
    (caller, ws)
}
