//! SurrealDB: connection (embedded or server, picked by URL) and schema migrations.
//!
//! The `any` engine lets one setting choose `surrealkv://<dir>` (the embedded default, kept across
//! restarts), `mem://` (tests) or `ws://host:port` (a SurrealDB server, TiKV underneath at scale).

mod migrations;

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use surrealdb::engine::any::Any;
use surrealdb::method::IntoVariables;
use surrealdb::opt::auth::Root;
use surrealdb::types::Variables;
use surrealdb::Surreal;

use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::secret::Secret;

pub use migrations::{MigrationReport, MIGRATIONS};

/// Where and how to connect.
#[derive(Clone, Debug)]
pub struct DatabaseSettings {
    /// `surrealkv://<dir>`, `mem://` or `ws://host:port` (also `wss://`).
    pub url: String,
    pub namespace: String,
    pub database: String,
    /// Root credentials, required for a server (`ws://`), ignored when embedded.
    pub username: Option<String>,
    pub password: Option<Secret>,
}

impl DatabaseSettings {
    /// Whether the URL names a remote server rather than an embedded engine.
    pub fn is_remote(&self) -> bool {
        ["ws://", "wss://", "http://", "https://"]
            .iter()
            .any(|p| self.url.starts_with(p))
    }
}

/// A connected, migrated database handle. Cheap to clone: clones share one client and its
/// session (cloning the SDK's `Surreal` itself opens a new session on the server, so it is
/// held in an `Arc`).
#[derive(Clone)]
pub struct Database {
    db: Arc<Surreal<Any>>,
    metrics: Metrics,
}

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Database {
    /// Connects, signs in (server mode), and selects the namespace and database, defining them
    /// when they do not exist yet. Does not migrate: call [`Database::migrate`].
    #[tracing::instrument(skip_all, fields(url = %redact_url(&settings.url)))]
    pub async fn connect(settings: &DatabaseSettings, metrics: Metrics) -> Result<Self> {
        let unavailable = |source: Box<dyn std::error::Error + Send + Sync>| Error::Unavailable {
            what: "database",
            source,
        };
        let db = tokio::time::timeout(
            CONNECT_TIMEOUT,
            surrealdb::engine::any::connect(settings.url.as_str()),
        )
        .await
        .map_err(|e| unavailable(Box::new(e)))?
        .map_err(|e| unavailable(Box::new(e)))?;

        if settings.is_remote() {
            let (Some(username), Some(password)) = (&settings.username, &settings.password) else {
                return Err(Error::Internal(
                    "a database server needs a user and a password".into(),
                ));
            };
            db.signin(Root {
                username: username.clone(),
                password: password.expose().to_owned(),
            })
            .await
            .map_err(|e| unavailable(Box::new(e)))?;
        }

        let ns = identifier(&settings.namespace)?;
        let dbn = identifier(&settings.database)?;
        db.query(format!(
            "DEFINE NAMESPACE IF NOT EXISTS `{ns}`; USE NS `{ns}`; DEFINE DATABASE IF NOT EXISTS `{dbn}`;"
        ))
        .await?
        .check()?;
        db.use_ns(ns).use_db(dbn).await?;
        tracing::info!("database connected");
        Ok(Self {
            db: Arc::new(db),
            metrics,
        })
    }

    /// Applies the pending migrations; safe when several instances start at once.
    pub async fn migrate(&self, instance_id: &str) -> Result<MigrationReport> {
        migrations::run(&self.db, instance_id).await
    }

    /// A real round trip to the storage engine, used by readiness.
    pub async fn ping(&self) -> Result<()> {
        let mut res = self
            .client()
            .query("SELECT count() AS n FROM schema_migration GROUP ALL")
            .await?
            .check()?;
        let _: Option<i64> = res.take((0, "n"))?;
        Ok(())
    }

    /// The client for the storage adapters of this crate: every round trip it makes is timed
    /// into `taskmanager_db_query_duration_seconds` (and failures counted) by operation.
    pub(crate) fn client(&self) -> Db<'_> {
        Db {
            db: &self.db,
            metrics: &self.metrics,
        }
    }
}

/// [`Database::client`]: `query` as on the SDK's client, measured.
#[derive(Clone, Copy)]
pub(crate) struct Db<'a> {
    db: &'a Arc<Surreal<Any>>,
    metrics: &'a Metrics,
}

impl<'a> Db<'a> {
    pub(crate) fn query(self, sql: impl Into<String>) -> DbQuery<'a> {
        let sql: String = sql.into();
        DbQuery {
            op: crate::metrics::db_op(&sql),
            sql,
            variables: Ok(Variables::new()),
            db: self.db,
            metrics: self.metrics,
        }
    }
}

/// A query being built; awaiting it makes the round trip and records it.
pub(crate) struct DbQuery<'a> {
    sql: String,
    variables: surrealdb::Result<Variables>,
    op: &'static str,
    db: &'a Arc<Surreal<Any>>,
    metrics: &'a Metrics,
}

impl DbQuery<'_> {
    pub(crate) fn bind(self, vars: impl IntoVariables) -> Self {
        let variables = match (self.variables, vars.into_variables()) {
            (Ok(mut all), Ok(more)) => {
                all.extend(more);
                Ok(all)
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        Self { variables, ..self }
    }

    /// The query with nothing borrowed, to run on a task of its own.
    pub(crate) fn into_owned(self) -> OwnedDbQuery {
        OwnedDbQuery {
            sql: self.sql,
            variables: self.variables,
            op: self.op,
            db: Arc::clone(self.db),
            metrics: self.metrics.clone(),
        }
    }

    /// Runs a `BEGIN … COMMIT` query to its end, detached like any round trip. A transaction
    /// that lost a write conflict to a concurrent one is run again (jittered pauses, as a
    /// change is: a failed transaction left nothing behind); a failure reports its root cause,
    /// not the "not executed due to a failed transaction" echoes of its other statements. The
    /// results it returns hold no errors (nothing left for `check`).
    pub(crate) async fn transaction(self) -> Result<surrealdb::IndexedResults> {
        let OwnedDbQuery {
            sql,
            variables,
            op,
            db,
            metrics,
        } = self.into_owned();
        detached(async move {
            let variables = variables?;
            let mut attempt = 0;
            loop {
                attempt += 1;
                let once = OwnedDbQuery {
                    sql: sql.clone(),
                    variables: Ok(variables.clone()),
                    op,
                    db: Arc::clone(&db),
                    metrics: metrics.clone(),
                };
                let mut results = once.run_here().await?;
                let errors: Vec<surrealdb::Error> = results.take_errors().into_values().collect();
                if errors.is_empty() {
                    return Ok(results);
                }
                let conflict = crate::changes::is_write_conflict(errors.iter());
                if conflict && attempt < TRANSACTION_ATTEMPTS {
                    crate::changes::conflict_pause(attempt).await;
                    continue;
                }
                if conflict {
                    tracing::warn!(attempts = attempt, op, "transaction kept conflicting");
                }
                return Err(crate::changes::root_cause(errors.into_iter())?);
            }
        })
        .await
    }
}

/// How often [`DbQuery::transaction`] runs a transaction that keeps losing write conflicts.
const TRANSACTION_ATTEMPTS: u32 = 12;

/// A [`DbQuery`] that borrows nothing ([`DbQuery::into_owned`]).
pub(crate) struct OwnedDbQuery {
    sql: String,
    variables: surrealdb::Result<Variables>,
    op: &'static str,
    db: Arc<Surreal<Any>>,
    metrics: Metrics,
}

impl OwnedDbQuery {
    /// Makes the round trip on the calling task and records it. What the caller runs here is
    /// already detached from any request (see [`DbQuery`]'s `IntoFuture`).
    pub(crate) async fn run_here(self) -> Result<surrealdb::IndexedResults> {
        let started = std::time::Instant::now();
        let query = self.db.query(self.sql).bind(self.variables?);
        let result = match tokio::time::timeout(QUERY_TIMEOUT, query).await {
            Ok(answer) => answer.map_err(Error::from),
            Err(elapsed) => Err(Error::Unavailable {
                what: "database",
                source: Box::new(elapsed),
            }),
        };
        self.metrics
            .db_call(self.op, started.elapsed(), result.is_err());
        result
    }
}

/// Runs `work` on a task of its own and waits for it. The caller going away (a client that
/// disconnects drops its request's future) no longer stops the work halfway: a write is never
/// abandoned mid-transaction (the embedded engine logs every such drop as an error, and rolls
/// back what the client may already have been told was sent), and what follows a commit — its
/// notice to the other sockets and instances — still happens.
pub(crate) async fn detached<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    match tokio::spawn(work).await {
        Ok(result) => result,
        // Only a panic in `work` ends it early (nothing aborts it): report it as ours.
        Err(join) => Err(Error::Internal(format!("a database task failed: {join}"))),
    }
}

/// The longest a round trip may take. The SDK waits for a lost server to come back rather than
/// failing, so without this a request would hang while the database is down; with it the
/// caller gets a 503 and a retry hint. (The largest transaction, a 5,000-task import, takes
/// about 1.3 s.)
const QUERY_TIMEOUT: Duration = Duration::from_secs(10);

impl<'a> IntoFuture for DbQuery<'a> {
    type Output = Result<surrealdb::IndexedResults>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    /// The round trip runs on a task of its own ([`detached`]), so a caller that is dropped
    /// midway does not cancel it.
    fn into_future(self) -> Self::IntoFuture {
        let query = self.into_owned();
        Box::pin(detached(query.run_here()))
    }
}

/// Namespace and database names are interpolated into DDL, so they must be plain identifiers.
fn identifier(name: &str) -> Result<&str> {
    if !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        Ok(name)
    } else {
        Err(Error::Internal(format!(
            "{name:?} is not a valid namespace or database name (letters, digits and _ only)"
        )))
    }
}

/// Hides a password in a URL such as `ws://user:pass@host` before it reaches a log.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://[redacted]@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_plain() {
        assert!(identifier("taskmanager_1").is_ok());
        assert!(identifier("tm`; REMOVE").is_err());
        assert!(identifier("").is_err());
    }

    #[test]
    fn urls_lose_their_credentials() {
        assert_eq!(
            redact_url("ws://root:pw@db:8000"),
            "ws://[redacted]@db:8000"
        );
        assert_eq!(redact_url("surrealkv://data/db"), "surrealkv://data/db");
    }

    pub(crate) fn mem() -> DatabaseSettings {
        DatabaseSettings {
            url: "mem://".into(),
            namespace: "tm".into(),
            database: "test".into(),
            username: None,
            password: None,
        }
    }

    #[tokio::test]
    async fn connects_to_memory_and_pings_after_migrating() {
        let metrics = Metrics::new();
        let db = Database::connect(&mem(), metrics.clone()).await.unwrap();
        let report = db.migrate("test").await.unwrap();
        assert_eq!(report.applied.len(), MIGRATIONS.len());
        db.ping().await.unwrap();
        let mut res = db.client().query("RETURN 1").await.unwrap();
        let one: Option<i64> = res.take(0).unwrap();
        assert_eq!(one, Some(1));
        assert!(db.client().query("SELEC nonsense").await.is_err());
        let text = metrics.render();
        for series in [
            "taskmanager_db_query_duration_seconds_count{op=\"return\"} 1",
            "taskmanager_db_query_duration_seconds_count{op=\"other\"} 1",
            "taskmanager_db_errors_total{op=\"other\"} 1",
            "taskmanager_db_errors_total{op=\"return\"} 0",
        ] {
            assert!(text.contains(series), "missing {series} in\n{text}");
        }
        assert!(
            !text.contains("taskmanager_db_errors_total{op=\"return\"} 1"),
            "{text}"
        );
    }
}
