//! Versioned, idempotent schema migrations, recorded in the database.
//!
//! Each migration is DDL written to be safe to run twice (`IF NOT EXISTS` / `OVERWRITE`) and is
//! applied in one transaction together with its record in `schema_migration`. When two instances
//! start at the same moment against one server, both may try; one transaction commits, the other
//! fails on the record that now exists (or on a write conflict), re-reads, and sees the version
//! applied. A recorded migration whose text changed since is refused: schema history is append-only.

use std::time::Duration;

use surrealdb::engine::any::Any;
use surrealdb::types::SurrealValue;
use surrealdb::Surreal;

use crate::error::{Error, Result};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The schema's history. Append only: never edit a migration that has shipped.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "users",
        sql: r#"
DEFINE TABLE IF NOT EXISTS user SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS email ON user TYPE string ASSERT string::is_email($value);
DEFINE FIELD IF NOT EXISTS name ON user TYPE string;
DEFINE FIELD IF NOT EXISTS password_hash ON user TYPE string;
DEFINE FIELD IF NOT EXISTS email_verified_at ON user TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS created_at ON user TYPE datetime DEFAULT time::now() READONLY;
DEFINE FIELD IF NOT EXISTS updated_at ON user TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS user_email_unique ON user FIELDS email UNIQUE;
"#,
    },
    Migration {
        version: 2,
        name: "sessions and api tokens",
        sql: r#"
DEFINE TABLE IF NOT EXISTS session SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS user ON session TYPE record<user>;
DEFINE FIELD IF NOT EXISTS created_at ON session TYPE datetime DEFAULT time::now() READONLY;
DEFINE FIELD IF NOT EXISTS last_used_at ON session TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS expires_at ON session TYPE datetime;
DEFINE FIELD IF NOT EXISTS revoked_at ON session TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS user_agent ON session TYPE option<string>;
DEFINE INDEX IF NOT EXISTS session_user ON session FIELDS user;
DEFINE TABLE IF NOT EXISTS refresh_token SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS session ON refresh_token TYPE record<session>;
DEFINE FIELD IF NOT EXISTS token_hash ON refresh_token TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON refresh_token TYPE datetime DEFAULT time::now() READONLY;
DEFINE FIELD IF NOT EXISTS used_at ON refresh_token TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS refresh_token_hash ON refresh_token FIELDS token_hash UNIQUE;
DEFINE INDEX IF NOT EXISTS refresh_token_session ON refresh_token FIELDS session;
DEFINE TABLE IF NOT EXISTS api_token SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS user ON api_token TYPE record<user>;
DEFINE FIELD IF NOT EXISTS name ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS token_hash ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS scopes ON api_token TYPE array<string>;
DEFINE FIELD IF NOT EXISTS created_at ON api_token TYPE datetime DEFAULT time::now() READONLY;
DEFINE FIELD IF NOT EXISTS expires_at ON api_token TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS last_used_at ON api_token TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS api_token_hash ON api_token FIELDS token_hash UNIQUE;
DEFINE INDEX IF NOT EXISTS api_token_user ON api_token FIELDS user;
"#,
    },
    Migration {
        version: 3,
        name: "single-use account tokens (password reset, email verification)",
        sql: r#"
DEFINE TABLE IF NOT EXISTS account_token SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS user ON account_token TYPE record<user>;
DEFINE FIELD IF NOT EXISTS kind ON account_token TYPE string ASSERT $value IN ['password_reset', 'verify_email'];
DEFINE FIELD IF NOT EXISTS token_hash ON account_token TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON account_token TYPE datetime DEFAULT time::now() READONLY;
DEFINE FIELD IF NOT EXISTS expires_at ON account_token TYPE datetime;
DEFINE FIELD IF NOT EXISTS used_at ON account_token TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS account_token_hash ON account_token FIELDS token_hash UNIQUE;
"#,
    },
    Migration {
        version: 4,
        name: "workspaces and members",
        sql: r#"
DEFINE TABLE IF NOT EXISTS workspace SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS name ON workspace TYPE string;
DEFINE FIELD IF NOT EXISTS columns ON workspace TYPE array<object>;
DEFINE FIELD IF NOT EXISTS columns[*].key ON workspace TYPE string;
DEFINE FIELD IF NOT EXISTS columns[*].name ON workspace TYPE string;
DEFINE FIELD IF NOT EXISTS columns[*].category ON workspace TYPE string ASSERT $value IN ['todo', 'in_progress', 'done'];
DEFINE FIELD IF NOT EXISTS created_by ON workspace TYPE record<user>;
DEFINE FIELD IF NOT EXISTS created_at ON workspace TYPE datetime DEFAULT time::now() READONLY;
DEFINE FIELD IF NOT EXISTS updated_at ON workspace TYPE datetime DEFAULT time::now();
DEFINE TABLE IF NOT EXISTS member SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON member TYPE record<workspace>;
DEFINE FIELD IF NOT EXISTS user ON member TYPE record<user>;
DEFINE FIELD IF NOT EXISTS role ON member TYPE string ASSERT $value IN ['owner', 'editor', 'commenter', 'viewer'];
DEFINE FIELD IF NOT EXISTS created_at ON member TYPE datetime DEFAULT time::now() READONLY;
DEFINE INDEX IF NOT EXISTS member_unique ON member FIELDS workspace, user UNIQUE;
DEFINE INDEX IF NOT EXISTS member_user ON member FIELDS user;
"#,
    },
    Migration {
        version: 5,
        name: "tasks and activity",
        sql: r#"
DEFINE TABLE IF NOT EXISTS task SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON task TYPE record<workspace>;
DEFINE FIELD IF NOT EXISTS title ON task TYPE string;
DEFINE FIELD IF NOT EXISTS description ON task TYPE string DEFAULT '';
DEFINE FIELD IF NOT EXISTS status ON task TYPE string;
DEFINE FIELD IF NOT EXISTS priority ON task TYPE string ASSERT $value IN ['low', 'medium', 'high', 'urgent'];
DEFINE FIELD IF NOT EXISTS labels ON task TYPE array<string> DEFAULT [];
DEFINE FIELD IF NOT EXISTS assignee_ids ON task TYPE array<string> DEFAULT [];
DEFINE FIELD IF NOT EXISTS due_at ON task TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS start_at ON task TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS checklist ON task TYPE array<object> DEFAULT [];
DEFINE FIELD IF NOT EXISTS checklist[*].id ON task TYPE string;
DEFINE FIELD IF NOT EXISTS checklist[*].text ON task TYPE string;
DEFINE FIELD IF NOT EXISTS checklist[*].done ON task TYPE bool;
DEFINE FIELD IF NOT EXISTS recurrence_json ON task TYPE option<string>;
DEFINE FIELD IF NOT EXISTS position ON task TYPE string;
DEFINE FIELD IF NOT EXISTS version ON task TYPE int DEFAULT 1;
DEFINE FIELD IF NOT EXISTS created_by ON task TYPE record<user>;
DEFINE FIELD IF NOT EXISTS created_at ON task TYPE datetime DEFAULT time::now() READONLY;
DEFINE FIELD IF NOT EXISTS updated_at ON task TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS completed_at ON task TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS task_board ON task FIELDS workspace, status, position;
DEFINE TABLE IF NOT EXISTS activity SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON activity TYPE record<workspace>;
DEFINE FIELD IF NOT EXISTS task ON activity TYPE string;
DEFINE FIELD IF NOT EXISTS kind ON activity TYPE string;
DEFINE FIELD IF NOT EXISTS actor ON activity TYPE record<user>;
DEFINE FIELD IF NOT EXISTS at ON activity TYPE datetime DEFAULT time::now() READONLY;
DEFINE FIELD IF NOT EXISTS data_json ON activity TYPE string;
DEFINE INDEX IF NOT EXISTS activity_task ON activity FIELDS task, at;
"#,
    },
    Migration {
        version: 6,
        name: "comments",
        sql: r#"
DEFINE TABLE IF NOT EXISTS comment SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS task ON comment TYPE record<task>;
DEFINE FIELD IF NOT EXISTS workspace ON comment TYPE record<workspace>;
DEFINE FIELD IF NOT EXISTS author ON comment TYPE record<user>;
DEFINE FIELD IF NOT EXISTS body ON comment TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON comment TYPE datetime DEFAULT time::now() READONLY;
DEFINE INDEX IF NOT EXISTS comment_task ON comment FIELDS task, created_at;
"#,
    },
    Migration {
        version: 7,
        name: "attachments, full-text search, saved filters",
        sql: r#"
DEFINE TABLE IF NOT EXISTS attachment SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS task ON attachment TYPE record<task>;
DEFINE FIELD IF NOT EXISTS workspace ON attachment TYPE record<workspace>;
DEFINE FIELD IF NOT EXISTS filename ON attachment TYPE string;
DEFINE FIELD IF NOT EXISTS content_type ON attachment TYPE string;
DEFINE FIELD IF NOT EXISTS size ON attachment TYPE int;
DEFINE FIELD IF NOT EXISTS uploaded_by ON attachment TYPE record<user>;
DEFINE FIELD IF NOT EXISTS created_at ON attachment TYPE datetime DEFAULT time::now() READONLY;
DEFINE INDEX IF NOT EXISTS attachment_task ON attachment FIELDS task;
DEFINE INDEX IF NOT EXISTS attachment_workspace ON attachment FIELDS workspace;
DEFINE ANALYZER IF NOT EXISTS tm_text TOKENIZERS blank, class, punct FILTERS lowercase, ascii, snowball(english);
DEFINE INDEX IF NOT EXISTS task_title_search ON task FIELDS title FULLTEXT ANALYZER tm_text BM25 HIGHLIGHTS;
DEFINE INDEX IF NOT EXISTS task_description_search ON task FIELDS description FULLTEXT ANALYZER tm_text BM25 HIGHLIGHTS;
DEFINE INDEX IF NOT EXISTS comment_body_search ON comment FIELDS body FULLTEXT ANALYZER tm_text BM25 HIGHLIGHTS;
DEFINE INDEX IF NOT EXISTS task_workspace ON task FIELDS workspace;
DEFINE INDEX IF NOT EXISTS comment_workspace ON comment FIELDS workspace;
DEFINE INDEX IF NOT EXISTS activity_workspace ON activity FIELDS workspace;
DEFINE TABLE IF NOT EXISTS saved_filter SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS user ON saved_filter TYPE record<user>;
DEFINE FIELD IF NOT EXISTS workspace ON saved_filter TYPE record<workspace>;
DEFINE FIELD IF NOT EXISTS name ON saved_filter TYPE string;
DEFINE FIELD IF NOT EXISTS query ON saved_filter TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON saved_filter TYPE datetime DEFAULT time::now() READONLY;
DEFINE INDEX IF NOT EXISTS saved_filter_owner ON saved_filter FIELDS user, workspace;
"#,
    },
    Migration {
        version: 8,
        name: "workspace version",
        sql: r#"
DEFINE FIELD IF NOT EXISTS version ON workspace TYPE int DEFAULT 0;
UPDATE workspace SET version = 0 WHERE version = NONE;
"#,
    },
    Migration {
        version: 9,
        name: "workspace event log",
        sql: r#"
DEFINE TABLE IF NOT EXISTS event SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON event TYPE record<workspace>;
DEFINE FIELD IF NOT EXISTS version ON event TYPE int;
DEFINE FIELD IF NOT EXISTS kind ON event TYPE string;
DEFINE FIELD IF NOT EXISTS subject ON event TYPE string;
DEFINE FIELD IF NOT EXISTS actor ON event TYPE record<user>;
DEFINE FIELD IF NOT EXISTS at ON event TYPE datetime DEFAULT time::now() READONLY;
DEFINE INDEX IF NOT EXISTS event_version ON event FIELDS workspace, version UNIQUE;
"#,
    },
    Migration {
        version: 10,
        name: "members version and event age",
        sql: r#"
DEFINE FIELD IF NOT EXISTS members_version ON workspace TYPE int DEFAULT 0;
UPDATE workspace SET members_version = 0 WHERE members_version = NONE;
DEFINE INDEX IF NOT EXISTS event_at ON event FIELDS at;
"#,
    },
    Migration {
        version: 11,
        name: "durable job queue",
        sql: r#"
DEFINE TABLE IF NOT EXISTS job SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS kind ON job TYPE string;
DEFINE FIELD IF NOT EXISTS payload ON job TYPE string;
DEFINE FIELD IF NOT EXISTS state ON job TYPE string ASSERT $value IN ['ready', 'running', 'done', 'dead'];
DEFINE FIELD IF NOT EXISTS run_at ON job TYPE datetime;
DEFINE FIELD IF NOT EXISTS attempts ON job TYPE int DEFAULT 0;
DEFINE FIELD IF NOT EXISTS max_attempts ON job TYPE int;
DEFINE FIELD IF NOT EXISTS worker ON job TYPE option<string>;
DEFINE FIELD IF NOT EXISTS lease_until ON job TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS last_error ON job TYPE option<string>;
DEFINE FIELD IF NOT EXISTS created_at ON job TYPE datetime DEFAULT time::now() READONLY;
DEFINE FIELD IF NOT EXISTS finished_at ON job TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS job_due ON job FIELDS kind, state, run_at;
DEFINE INDEX IF NOT EXISTS job_finished ON job FIELDS state, finished_at;
"#,
    },
    Migration {
        version: 12,
        name: "webhooks and their deliveries",
        sql: r#"
DEFINE TABLE IF NOT EXISTS webhook SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON webhook TYPE record<workspace>;
DEFINE FIELD IF NOT EXISTS url ON webhook TYPE string;
DEFINE FIELD IF NOT EXISTS events ON webhook TYPE array<string>;
DEFINE FIELD IF NOT EXISTS secret ON webhook TYPE string;
DEFINE FIELD IF NOT EXISTS enabled ON webhook TYPE bool DEFAULT true;
DEFINE FIELD IF NOT EXISTS failures ON webhook TYPE int DEFAULT 0;
DEFINE FIELD IF NOT EXISTS disabled_reason ON webhook TYPE option<string>;
DEFINE FIELD IF NOT EXISTS created_at ON webhook TYPE datetime DEFAULT time::now() READONLY;
DEFINE INDEX IF NOT EXISTS webhook_workspace ON webhook FIELDS workspace;
DEFINE TABLE IF NOT EXISTS webhook_delivery SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS webhook ON webhook_delivery TYPE record<webhook>;
DEFINE FIELD IF NOT EXISTS event ON webhook_delivery TYPE string;
DEFINE FIELD IF NOT EXISTS version ON webhook_delivery TYPE int;
DEFINE FIELD IF NOT EXISTS status ON webhook_delivery TYPE option<int>;
DEFINE FIELD IF NOT EXISTS error ON webhook_delivery TYPE option<string>;
DEFINE FIELD IF NOT EXISTS duration_ms ON webhook_delivery TYPE int;
DEFINE FIELD IF NOT EXISTS at ON webhook_delivery TYPE datetime DEFAULT time::now() READONLY;
DEFINE INDEX IF NOT EXISTS webhook_delivery_hook ON webhook_delivery FIELDS webhook, at;
"#,
    },
    Migration {
        version: 13,
        name: "notifications and user preferences",
        sql: r#"
DEFINE FIELD IF NOT EXISTS time_zone ON user TYPE string DEFAULT 'UTC';
DEFINE FIELD IF NOT EXISTS email_reminders ON user TYPE bool DEFAULT true;
DEFINE FIELD IF NOT EXISTS digest ON user TYPE bool DEFAULT false;
UPDATE user SET time_zone = time_zone ?? 'UTC', email_reminders = email_reminders ?? true, digest = digest ?? false;
DEFINE TABLE IF NOT EXISTS notification SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS user ON notification TYPE record<user>;
DEFINE FIELD IF NOT EXISTS kind ON notification TYPE string;
DEFINE FIELD IF NOT EXISTS data_json ON notification TYPE string;
DEFINE FIELD IF NOT EXISTS read_at ON notification TYPE option<datetime>;
DEFINE FIELD IF NOT EXISTS created_at ON notification TYPE datetime DEFAULT time::now() READONLY;
DEFINE INDEX IF NOT EXISTS notification_user ON notification FIELDS user, created_at;
DEFINE INDEX IF NOT EXISTS notification_unread ON notification FIELDS user, read_at;
DEFINE FIELD IF NOT EXISTS subject ON job TYPE option<string>;
DEFINE INDEX IF NOT EXISTS job_subject ON job FIELDS subject, kind, state;
"#,
    },
    Migration {
        version: 14,
        name: "user language",
        sql: r#"
DEFINE FIELD IF NOT EXISTS locale ON user TYPE string DEFAULT 'en';
UPDATE user SET locale = locale ?? 'en';
"#,
    },
    Migration {
        version: 15,
        name: "webhook count per workspace",
        // Lets a change skip the webhook lookup in workspaces without any (webhooks::ENQUEUE_SQL).
        sql: r#"
DEFINE FIELD IF NOT EXISTS hooks ON workspace TYPE int DEFAULT 0;
FOR $w IN (SELECT VALUE id FROM workspace) {
    UPDATE $w SET hooks = count(SELECT VALUE id FROM webhook WHERE workspace = $w);
};
"#,
    },
    Migration {
        version: 16,
        name: "webhook count kept by the database",
        // The count is kept by an event, in the transaction of every webhook create and
        // delete, whichever binary writes it: during a rolling or blue-green deploy the old
        // release still creates webhooks, and a count it left behind would hide them from
        // every change. Then counted again, for any created since migration 15.
        sql: r#"
DEFINE EVENT IF NOT EXISTS webhook_hooks_count ON TABLE webhook
    WHEN $event = 'CREATE' OR $event = 'DELETE'
    THEN {
        LET $ws = IF $event = 'DELETE' { $before.workspace } ELSE { $after.workspace };
        UPDATE $ws SET hooks = count(SELECT VALUE id FROM webhook WHERE workspace = $ws);
    };
FOR $w IN (SELECT VALUE id FROM workspace) {
    UPDATE $w SET hooks = count(SELECT VALUE id FROM webhook WHERE workspace = $w);
};
"#,
    },
];

/// The bookkeeping table itself; run before anything else, every time (idempotent).
const BOOTSTRAP: &str = r#"
DEFINE TABLE IF NOT EXISTS schema_migration SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS version ON schema_migration TYPE int;
DEFINE FIELD IF NOT EXISTS name ON schema_migration TYPE string;
DEFINE FIELD IF NOT EXISTS checksum ON schema_migration TYPE string;
DEFINE FIELD IF NOT EXISTS applied_at ON schema_migration TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS applied_by ON schema_migration TYPE string;
DEFINE INDEX IF NOT EXISTS schema_migration_version ON schema_migration FIELDS version UNIQUE;
"#;

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// Versions this process applied.
    pub applied: Vec<i64>,
    /// The schema version after the run.
    pub current: i64,
}

#[derive(Debug, SurrealValue)]
struct Applied {
    version: i64,
    checksum: String,
}

const ATTEMPTS: u32 = 8;

#[tracing::instrument(skip_all)]
pub(super) async fn run(db: &Surreal<Any>, instance_id: &str) -> Result<MigrationReport> {
    retrying("bootstrap", || async {
        db.query(BOOTSTRAP).await?.check()?;
        Ok(())
    })
    .await?;

    let mut report = MigrationReport::default();
    for migration in MIGRATIONS {
        let checksum = checksum(migration.sql);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let applied = applied(db).await?;
            if let Some(row) = applied.iter().find(|a| a.version == migration.version) {
                if row.checksum != checksum {
                    return Err(Error::Internal(format!(
                        "migration {} ({}) was changed after it was applied; add a new migration instead",
                        migration.version, migration.name
                    )));
                }
                break;
            }
            match apply(db, migration, &checksum, instance_id).await {
                Ok(()) => {
                    tracing::info!(
                        version = migration.version,
                        name = migration.name,
                        "migration applied"
                    );
                    report.applied.push(migration.version);
                    break;
                }
                // Another instance won the race, or the transaction conflicted: re-read and retry.
                Err(e) if attempt < ATTEMPTS => {
                    tracing::debug!(version = migration.version, error = %e, "migration attempt failed; re-checking");
                    tokio::time::sleep(backoff(attempt)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    report.current = MIGRATIONS.last().map_or(0, |m| m.version);
    Ok(report)
}

async fn applied(db: &Surreal<Any>) -> Result<Vec<Applied>> {
    let mut res = db
        .query("SELECT version, checksum FROM schema_migration ORDER BY version")
        .await?
        .check()?;
    Ok(res.take(0)?)
}

async fn apply(
    db: &Surreal<Any>,
    migration: &Migration,
    checksum: &str,
    instance_id: &str,
) -> std::result::Result<(), surrealdb::Error> {
    let sql = format!(
        "BEGIN TRANSACTION;\n{}\nCREATE schema_migration:{} SET version = $version, name = $name, checksum = $checksum, applied_by = $by;\nCOMMIT TRANSACTION;",
        migration.sql, migration.version
    );
    db.query(sql)
        .bind(("version", migration.version))
        .bind(("name", migration.name.to_owned()))
        .bind(("checksum", checksum.to_owned()))
        .bind(("by", instance_id.to_owned()))
        .await?
        .check()?;
    Ok(())
}

async fn retrying<F, Fut>(what: &str, mut f: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match f().await {
            Ok(()) => return Ok(()),
            Err(e) if attempt < ATTEMPTS => {
                tracing::debug!(what, error = %e, "retrying after a conflict");
                tokio::time::sleep(backoff(attempt)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(20 * u64::from(attempt.min(10)).pow(2))
}

/// FNV-1a over the migration text: stable across builds and platforms, no dependency.
fn checksum(sql: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in sql.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{tests::mem, Database};

    #[test]
    fn versions_strictly_increase() {
        for pair in MIGRATIONS.windows(2) {
            assert!(pair[0].version < pair[1].version);
        }
    }

    #[tokio::test]
    async fn second_run_applies_nothing() {
        let db = Database::connect(&mem(), crate::metrics::Metrics::new())
            .await
            .unwrap();
        let first = db.migrate("a").await.unwrap();
        assert!(!first.applied.is_empty());
        let second = db.migrate("b").await.unwrap();
        assert!(second.applied.is_empty());
        assert_eq!(first.current, second.current);
    }

    #[tokio::test]
    async fn concurrent_runs_apply_each_version_once() {
        let db = Database::connect(&mem(), crate::metrics::Metrics::new())
            .await
            .unwrap();
        let (a, b) = tokio::join!(db.migrate("a"), db.migrate("b"));
        let (a, b) = (a.unwrap(), b.unwrap());
        let mut all: Vec<i64> = a.applied.iter().chain(&b.applied).copied().collect();
        all.sort_unstable();
        let expected: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        assert_eq!(all, expected);
        let rows = applied(&db.db).await.unwrap();
        assert_eq!(rows.len(), MIGRATIONS.len());
    }

    #[tokio::test]
    async fn the_unique_email_index_holds() {
        let db = Database::connect(&mem(), crate::metrics::Metrics::new())
            .await
            .unwrap();
        db.migrate("t").await.unwrap();
        let insert = "CREATE user SET email = 'a@example.com', name = 'A', password_hash = 'x'";
        db.client().query(insert).await.unwrap().check().unwrap();
        let again = db.client().query(insert).await.unwrap().check();
        assert!(
            again.is_err(),
            "a second account with the same email was stored"
        );
    }

    #[tokio::test]
    async fn an_edited_migration_is_refused() {
        let db = Database::connect(&mem(), crate::metrics::Metrics::new())
            .await
            .unwrap();
        db.migrate("t").await.unwrap();
        db.client()
            .query("UPDATE schema_migration:1 SET checksum = 'tampered'")
            .await
            .unwrap()
            .check()
            .unwrap();
        let err = db.migrate("t").await.unwrap_err();
        assert!(err.to_string().contains("was changed"), "{err}");
    }
}
