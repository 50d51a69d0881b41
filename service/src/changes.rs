//! Every change to what a workspace's members see commits in one transaction together with the
//! workspace's next `version` and, for task changes, the task's activity entry.
//!
//! The version is strictly increasing per workspace and assigned by the database in the same
//! transaction as the change, so:
//! - readers may cache anything derived from a workspace under `(workspace, version)` and never
//!   serve stale data (see `list_tasks`);
//! - the realtime log can number its events without gaps or reordering.
//!
//! Concurrent changes to one workspace contend on its row: the storage engine detects the
//! conflict at commit and the loser is retried here with jittered backoff.

use std::time::Duration;

use surrealdb::types::SurrealValue;
use surrealdb::IndexedResults;

use crate::accounts::Caller;
use crate::error::{Error, Result};
use crate::hub::NoticeEvent;
use crate::services::Services;
use crate::store::DbQuery;

/// A task's history entry, written in the change's transaction.
pub(crate) struct Activity<'a> {
    pub task_id: &'a str,
    pub kind: &'a str,
    pub data: serde_json::Value,
}

/// What a change is, for the workspace's event log (and a task's history).
pub(crate) enum Change<'a> {
    /// A change to a task (or its comments, attachments): recorded in the task's activity and
    /// logged as an event of the same kind about the task.
    Task(Activity<'a>),
    /// Anything else a workspace's members see (members, columns, name, imports).
    Workspace { kind: &'a str, subject: &'a str },
}

impl Change<'_> {
    fn event(&self) -> (&str, &str) {
        match self {
            Self::Task(a) => (a.kind, a.task_id),
            Self::Workspace { kind, subject } => (kind, subject),
        }
    }
}

/// The outcome of a committed change.
pub(crate) struct Committed {
    #[allow(dead_code)] // for callers that report the version they produced
    pub version: i64,
    /// The task the change is about, as of the commit (read inside the transaction for the
    /// event; callers answer with it rather than reading it again). `None` when the subject
    /// is not a task of this workspace or no longer exists.
    pub subject: Option<domain::task::TaskView>,
    results: IndexedResults,
}

impl Committed {
    /// The rows returned by the `index`th statement the caller passed (0-based; `BEGIN` and
    /// the version's `LET` come first).
    pub fn rows<T: SurrealValue>(&mut self, index: usize) -> Result<Vec<T>> {
        Ok(self.results.take(index + 2)?)
    }
}

/// Events kept per workspace: a client further behind than this refetches (`resync_required`).
pub(crate) const EVENTS_KEPT: i64 = 10_000;

/// How many times a change that lost a write conflict is tried again. Within one process,
/// changes of a workspace take turns (`change_turn`), so conflicts only come from other
/// instances.
const ATTEMPTS: u32 = 12;

/// Locks striped by workspace: changes of one workspace in this process take turns, so they
/// neither thrash on the workspace row nor compute card positions from a stale column.
pub(crate) struct ChangeTurns(Vec<tokio::sync::Mutex<()>>);

/// Proof that the caller holds its workspace's turn.
pub(crate) struct Turn<'a>(#[allow(dead_code)] tokio::sync::MutexGuard<'a, ()>);

const TURN_STRIPES: usize = 64;

impl ChangeTurns {
    pub(crate) fn new() -> Self {
        Self(
            (0..TURN_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
        )
    }
}

/// What statements may `THROW` to abort the change: `THROW 'tm:<reason>'` becomes
/// [`Error::Aborted`] with `<reason>`, for the caller to turn into a client error.
pub(crate) const ABORT_PREFIX: &str = "tm:";

impl Services {
    /// Waits for this workspace's turn to change (in this process).
    pub(crate) async fn change_turn(&self, workspace_id: &str) -> Turn<'_> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        workspace_id.hash(&mut hasher);
        let turns = &self.change_turns().0;
        let stripe = (hasher.finish() as usize) % turns.len();
        Turn(turns[stripe].lock().await)
    }

    /// [`Services::commit_change_in_turn`], taking the workspace's turn for it.
    pub(crate) async fn commit_change<'s, F>(
        &'s self,
        caller: &Caller,
        workspace_id: &str,
        statements: &str,
        change: Change<'_>,
        bind: F,
    ) -> Result<Committed>
    where
        F: Fn(DbQuery<'s>) -> DbQuery<'s>,
    {
        let turn = self.change_turn(workspace_id).await;
        self.commit_change_in_turn(&turn, caller, workspace_id, statements, change, bind)
            .await
    }

    /// Runs `statements` (each ending in `;`, using `$ws` for the workspace id and whatever
    /// `bind` adds) in one transaction that also records `activity` and bumps the workspace's
    /// version. Returns that version.
    pub(crate) async fn commit_change_in_turn<'s, F>(
        &'s self,
        _turn: &Turn<'_>,
        caller: &Caller,
        workspace_id: &str,
        statements: &str,
        change: Change<'_>,
        bind: F,
    ) -> Result<Committed>
    where
        F: Fn(DbQuery<'s>) -> DbQuery<'s>,
    {
        let activity = match &change {
            Change::Task(a) => Some(a),
            Change::Workspace { .. } => None,
        };
        let (event_kind, event_subject) = change.event();
        // Sockets check membership against the member set of the workspace's members version
        // (`SET` reads the row as it was: both become the version before the bump plus one).
        let members_set = if event_kind.starts_with("member.") {
            ", members_version = version + 1"
        } else {
            ""
        };
        let activity_sql = if activity.is_some() {
            "CREATE activity SET workspace = type::record('workspace', $ws), task = $act_task, \
             kind = $act_kind, actor = type::record('user', $act_uid), data_json = $act_data;"
        } else {
            ""
        };
        // The version is bumped first, so the caller's statements may read `$tm_w` (the slot
        // guard compares it with the version it saw instead of reading the row again); a
        // workspace deleted since the caller read it aborts the change as not found. The
        // event carries the version just assigned; the log keeps the newest EVENTS_KEPT of a
        // workspace (older ones are pruned every 64th change).
        let text = format!(
            "BEGIN TRANSACTION;\n\
             LET $tm_w = {{ LET $w = (UPDATE ONLY type::record('workspace', $ws) SET version += 1{members_set} RETURN version, members_version, hooks); \
               IF $w = NONE {{ THROW '{ABORT_PREFIX}workspace_gone' }}; $w }};\n\
             {statements}\n{activity_sql}\n\
             CREATE ONLY event SET workspace = type::record('workspace', $ws), version = $tm_w.version, \
               kind = $ev_kind, subject = $ev_subject, actor = type::record('user', $ev_uid) \
               RETURN version, $tm_w.members_version AS members_version;\n\
             IF $tm_w.version % 64 = 0 {{ DELETE event WHERE workspace = type::record('workspace', $ws) AND version <= $tm_w.version - {EVENTS_KEPT} }};\n\
             {hooks}\n\
             SELECT {task_fields} FROM type::record('task', $ev_subject);\n\
             COMMIT TRANSACTION;",
            hooks = crate::webhooks::ENQUEUE_SQL,
            // The notice carries the event (see `hub`), its task as of this commit. Plain reads
            // only: a `RETURN` ends a transaction's results early. A subject that is not a task
            // reads nothing.
            task_fields = crate::tasks::TASK_FIELDS,
        );
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut query = bind(self.database().client().query(text.clone()))
                .bind(("ws", workspace_id.to_owned()))
                .bind(("ev_kind", event_kind.to_owned()))
                .bind(("ev_subject", event_subject.to_owned()))
                .bind(("ev_uid", caller.user_id.clone()));
            if let Some(a) = &activity {
                query = query
                    .bind(("act_task", a.task_id.to_owned()))
                    .bind(("act_kind", a.kind.to_owned()))
                    .bind(("act_uid", caller.user_id.clone()))
                    .bind(("act_data", a.data.to_string()));
            }
            // The commit and its notice run detached from the caller: a client that goes
            // away mid-change neither abandons the transaction nor leaves a committed change
            // unannounced until the heal sweep.
            let query = query.into_owned();
            let services = self.clone();
            let workspace = workspace_id.to_owned();
            let (kind, subject, actor) = (
                event_kind.to_owned(),
                event_subject.to_owned(),
                caller.user_id.clone(),
            );
            let outcome = crate::store::detached(async move {
                let mut results = query.run_here().await?;
                let errors: Vec<_> = results.take_errors().into_iter().collect();
                if !errors.is_empty() {
                    return Ok(Err(errors));
                }
                // BEGIN, the version (LET), the caller's statements, the activity, the event
                // (returning the versions), the pruning, the webhook jobs, the task, COMMIT:
                // one statement per step, as each costs the server a fraction of a millisecond.
                let statements = results.num_statements();
                let versions: Option<Versions> = results.take(statements.saturating_sub(5))?;
                let versions = versions.ok_or_else(|| {
                    Error::Internal(format!("workspace {workspace} vanished during a change"))
                })?;
                let version = versions.version;
                let tasks: Vec<crate::tasks::TaskRow> = results
                    .take(statements.saturating_sub(2))
                    .unwrap_or_default();
                let tasks = task_map(&workspace, tasks);
                let subject_task = tasks.get(&subject).cloned();
                // Only an optimisation: without it, sockets read the event from the log.
                let event = versions.members_version.and_then(|members_version| {
                    let row = EventRow {
                        version,
                        kind,
                        subject,
                        actor_id: actor,
                    };
                    Some(NoticeEvent {
                        json: events_of(&workspace, vec![row], &tasks)
                            .first()
                            .and_then(|e| serde_json::to_string(e).ok())?,
                        members_version,
                    })
                });
                services.hub().notify(&workspace, version, event).await;
                Ok(Ok(Committed {
                    version,
                    subject: subject_task,
                    results,
                }))
            })
            .await?;
            let mut errors = match outcome {
                Ok(committed) => return Ok(committed),
                Err(errors) => errors,
            };
            errors.sort_by_key(|(index, _)| *index);
            if let Some((_, thrown)) = errors.iter().find(|(_, e)| e.is_thrown()) {
                let message = thrown.message();
                if let Some(reason) = message
                    .find(ABORT_PREFIX)
                    .map(|at| &message[at + ABORT_PREFIX.len()..])
                {
                    return Err(match reason.trim() {
                        // Deleted after the caller's checks, before its turn came.
                        "workspace_gone" => Error::not_found("Workspace"),
                        reason => Error::Aborted(reason.to_owned()),
                    });
                }
            }
            let retryable = is_write_conflict(errors.iter().map(|(_, e)| e));
            if retryable && attempt < ATTEMPTS {
                conflict_pause(attempt).await;
                continue;
            }
            let cause = root_cause(errors.into_iter().map(|(_, e)| e))?;
            if retryable {
                tracing::warn!(
                    workspace = workspace_id,
                    attempts = attempt,
                    "change kept conflicting"
                );
            }
            return Err(cause);
        }
    }
}

/// Whether a failed transaction lost a write conflict (worth running again).
pub(crate) fn is_write_conflict<'e>(
    mut errors: impl Iterator<Item = &'e surrealdb::Error>,
) -> bool {
    errors.any(|e| e.message().contains("can be retried"))
}

/// The jittered pause before trying a conflicted transaction again (`attempt` from 1).
pub(crate) async fn conflict_pause(attempt: u32) {
    let cap = 2u64 << attempt.min(5);
    tokio::time::sleep(Duration::from_millis(rand::random_range(1..=cap))).await;
}

/// A failed transaction's root cause, not the "not executed due to a failed (or cancelled)
/// transaction" echoes of its other statements, nor the "Cannot COMMIT" that follows it.
pub(crate) fn root_cause(errors: impl Iterator<Item = surrealdb::Error>) -> Result<Error> {
    errors
        .max_by_key(|e| {
            let message = e.message();
            !(message.contains("not executed") || message.contains("Cannot COMMIT"))
        })
        .map(Error::Database)
        .ok_or_else(|| Error::Internal("a failed transaction reported no error".into()))
}

/// The workspace's versions right after a change.
#[derive(Debug, SurrealValue)]
struct Versions {
    version: i64,
    members_version: Option<i64>,
}

/// At most this many events per `changes_since` answer; the client asks again from there.
pub const CHANGES_PAGE: usize = 500;

impl Services {
    /// The events of a workspace after `since`, oldest first. `resync_required` (410) when
    /// the log no longer holds the event right after `since` (pruned), or `since` is ahead of
    /// the workspace (a client from another timeline, e.g. after a restore).
    pub async fn changes_since(
        &self,
        caller: &Caller,
        workspace_id: &str,
        since: i64,
    ) -> Result<domain::realtime::Changes> {
        let (_, current) = self.membership_version(caller, workspace_id).await?;
        let resync = || {
            Error::client(
                domain::ErrorCode::ResyncRequired,
                "This workspace changed too much since that version: reload it.",
            )
        };
        if since < 0 || since > current {
            return Err(resync());
        }
        if since == current {
            return Ok(domain::realtime::Changes {
                version: current,
                events: Vec::new(),
            });
        }
        let mut res = self
            .database()
            .client()
            .query(EVENTS_AFTER)
            .bind(("ws", workspace_id.to_owned()))
            .bind(("since", since))
            .bind(("limit", CHANGES_PAGE as i64))
            .await?
            .check()?;
        let rows: Vec<EventRow> = res.take(0)?;
        if rows.first().map(|r| r.version) != Some(since + 1) {
            return Err(resync());
        }
        let version = rows.last().map_or(current, |r| r.version);
        let events = self.workspace_events(workspace_id, rows).await?;
        Ok(domain::realtime::Changes { version, events })
    }

    /// The event that took a workspace to `version`, as `changes_since` shows it (`None` when
    /// the log no longer holds it). For deliveries that act for no member (webhooks).
    pub(crate) async fn event_at(
        &self,
        workspace_id: &str,
        version: i64,
    ) -> Result<Option<domain::realtime::WorkspaceEvent>> {
        let mut res = self
            .database()
            .client()
            .query(EVENTS_AFTER)
            .bind(("ws", workspace_id.to_owned()))
            .bind(("since", version - 1))
            .bind(("limit", 1_i64))
            .await?
            .check()?;
        let rows: Vec<EventRow> = res.take(0)?;
        let rows: Vec<EventRow> = rows.into_iter().filter(|r| r.version == version).collect();
        Ok(self
            .workspace_events(workspace_id, rows)
            .await?
            .into_iter()
            .next())
    }

    /// The events of log rows: task events carry the task as it is now (one read for all).
    async fn workspace_events(
        &self,
        workspace_id: &str,
        rows: Vec<EventRow>,
    ) -> Result<Vec<domain::realtime::WorkspaceEvent>> {
        let task_ids: Vec<String> = rows
            .iter()
            .filter(|r| about_task(&r.kind))
            .map(|r| r.subject.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let tasks = self.task_views(workspace_id, &task_ids).await?;
        Ok(events_of(workspace_id, rows, &tasks))
    }
}

/// Log rows as events, task events carrying their task's current view (when it still exists).
fn events_of(
    workspace_id: &str,
    rows: Vec<EventRow>,
    tasks: &std::collections::HashMap<String, domain::task::TaskView>,
) -> Vec<domain::realtime::WorkspaceEvent> {
    {
        rows.into_iter()
            .map(|r| {
                let data = match tasks.get(&r.subject) {
                    Some(task) if about_task(&r.kind) => {
                        serde_json::to_value(task).unwrap_or(serde_json::Value::Null)
                    }
                    _ => serde_json::json!({ "id": r.subject }),
                };
                domain::realtime::WorkspaceEvent {
                    kind: r.kind,
                    workspace_id: workspace_id.to_owned(),
                    version: r.version,
                    actor_id: r.actor_id,
                    data,
                }
            })
            .collect()
    }
}

/// Task rows by id, only those of `workspace_id`.
fn task_map(
    workspace_id: &str,
    rows: Vec<crate::tasks::TaskRow>,
) -> std::collections::HashMap<String, domain::task::TaskView> {
    rows.into_iter()
        .map(|r| {
            let view = r.view();
            (view.id.clone(), view)
        })
        .filter(|(_, v)| v.workspace_id == workspace_id)
        .collect()
}

/// Events whose subject is a task: they carry the task, as of their commit when a notice
/// brought them, as it is now when read from the log.
fn about_task(kind: &str) -> bool {
    ["task.", "comment.", "attachment."]
        .iter()
        .any(|p| kind.starts_with(p))
}

#[derive(Debug, SurrealValue)]
struct EventRow {
    version: i64,
    kind: String,
    subject: String,
    actor_id: String,
}

const EVENTS_AFTER: &str =
    "SELECT version, kind, subject, record::id(actor) AS actor_id FROM event \
     WHERE workspace = type::record('workspace', $ws) AND version > $since \
     ORDER BY version LIMIT $limit";

/// Events older than this are pruned (besides keeping at most [`EVENTS_KEPT`] per workspace):
/// a client away for longer reloads the workspace.
pub const EVENTS_MAX_AGE_DAYS: i64 = 14;

/// Events after a version, loaded once per process for all its sockets, as the JSON text each
/// socket sends.
pub struct Feed {
    /// The version the client has after these events.
    pub version: i64,
    /// Each event as JSON text, oldest first.
    pub events: Vec<bytes::Bytes>,
    /// True when the page limit cut the events short: ask again from `version`.
    pub more: bool,
    /// The log no longer holds what follows the asked version: the client must reload.
    pub resync: bool,
    members: std::sync::Arc<std::collections::HashSet<String>>,
}

/// Feeds by (workspace, since, at least this version).
pub(crate) type FeedCache = quick_cache::sync::Cache<(String, i64, i64), std::sync::Arc<Feed>>;
/// Member user ids by (workspace, members version).
pub(crate) type MemberCache =
    quick_cache::sync::Cache<(String, i64), std::sync::Arc<std::collections::HashSet<String>>>;

impl Services {
    /// What a socket sends next for a workspace it follows: the events after `since`, given
    /// that some notice announced `at_least` (`None`: no notice, read afresh). Loaded once per
    /// process for every socket at the same point (one query for a thousand sockets);
    /// membership is checked for each caller against the member set as of the loaded version,
    /// so a removed member gets `not_found`. (A commit's own event, one version on, goes out
    /// from the websockets' dispatcher with [`Services::members_at`], without this.)
    pub async fn feed_since(
        &self,
        caller: &Caller,
        workspace_id: &str,
        since: i64,
        at_least: Option<i64>,
    ) -> Result<std::sync::Arc<Feed>> {
        let feed = match at_least {
            Some(at_least) => {
                let key = (workspace_id.to_owned(), since, at_least);
                self.feed_cache()
                    .get_or_insert_async(&key, async {
                        self.load_feed(workspace_id, since)
                            .await
                            .map(std::sync::Arc::new)
                    })
                    .await?
            }
            // No notice to go by (a listener that fell behind): read afresh.
            None => std::sync::Arc::new(self.load_feed(workspace_id, since).await?),
        };
        if !feed.members.contains(&caller.user_id) {
            return Err(Error::not_found("Workspace"));
        }
        Ok(feed)
    }

    /// The member user ids of a workspace at its `members_version` (cached: one read per
    /// membership change per instance). A socket may be sent an event only when its user is in
    /// the set of the event's members version.
    pub async fn members_at(
        &self,
        workspace_id: &str,
        members_version: i64,
    ) -> Result<std::sync::Arc<std::collections::HashSet<String>>> {
        self.member_cache()
            .get_or_insert_async(&(workspace_id.to_owned(), members_version), async {
                let mut res = self
                    .database()
                    .client()
                    .query("SELECT VALUE record::id(user) FROM member WHERE workspace = type::record('workspace', $ws)")
                    .bind(("ws", workspace_id.to_owned()))
                    .await?
                    .check()?;
                let ids: Vec<String> = res.take(0)?;
                Ok::<_, Error>(std::sync::Arc::new(ids.into_iter().collect()))
            })
            .await
    }

    async fn load_feed(&self, workspace_id: &str, since: i64) -> Result<Feed> {
        #[derive(Debug, SurrealValue)]
        struct Head {
            version: i64,
            members_version: i64,
        }
        // One round trip: the workspace's head, the events, and the tasks they name (point
        // reads of the distinct task subjects; a deleted task simply has no row).
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT version, members_version FROM ONLY type::record('workspace', $ws);\
                 LET $tm_events = ({EVENTS_AFTER});\
                 SELECT {TASK_FIELDS} FROM array::distinct($tm_events.filter(|$e| \
                   string::starts_with($e.kind, 'task.') OR string::starts_with($e.kind, 'comment.') \
                   OR string::starts_with($e.kind, 'attachment.')).map(|$e| type::record('task', $e.subject))) \
                   WHERE id != NONE;\
                 RETURN $tm_events;",
                TASK_FIELDS = crate::tasks::TASK_FIELDS
            ))
            .bind(("ws", workspace_id.to_owned()))
            .bind(("since", since))
            .bind(("limit", CHANGES_PAGE as i64))
            .await?
            .check()?;
        let head: Option<Head> = res.take(0)?;
        let head = head.ok_or_else(|| Error::not_found("Workspace"))?;
        let task_rows: Vec<crate::tasks::TaskRow> = res.take(2)?;
        let rows: Vec<EventRow> = res.take(3)?;
        let members = self.members_at(workspace_id, head.members_version).await?;
        let resync = since < 0
            || since > head.version.max(rows.last().map_or(0, |r| r.version))
            || (!rows.is_empty() && rows[0].version != since + 1)
            || (rows.is_empty() && since < head.version);
        if resync {
            return Ok(Feed {
                version: head.version,
                events: Vec::new(),
                more: false,
                resync: true,
                members,
            });
        }
        let more = rows.len() >= CHANGES_PAGE;
        let version = rows.last().map_or(since, |r| r.version);
        let tasks = task_map(workspace_id, task_rows);
        let events = events_of(workspace_id, rows, &tasks)
            .iter()
            .map(|e| bytes::Bytes::from(serde_json::to_vec(e).unwrap_or_default()))
            .collect();
        Ok(Feed {
            version,
            events,
            more,
            resync: false,
            members,
        })
    }

    /// Deletes events older than [`EVENTS_MAX_AGE_DAYS`] (every instance runs it now and
    /// then; it is idempotent).
    pub(crate) async fn prune_old_events(&self) -> Result<()> {
        self.database()
            .client()
            .query(format!(
                "DELETE event WHERE at < time::now() - {EVENTS_MAX_AGE_DAYS}d"
            ))
            .await?
            .check()?;
        Ok(())
    }
}

impl Services {
    /// The workspace's current version, for a member (`not_found` otherwise).
    pub async fn workspace_version(&self, caller: &Caller, workspace_id: &str) -> Result<i64> {
        Ok(self.membership_version(caller, workspace_id).await?.1)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use domain::task::CreateTaskRequest;
    use tracing_subscriber::layer::SubscriberExt;

    use crate::hub::Notice;

    /// Counts the storage engine's complaint that a write transaction was dropped midway.
    struct Abandoned(Arc<AtomicUsize>);

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Abandoned {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _: tracing_subscriber::layer::Context<'_, S>,
        ) {
            struct Message(bool);
            impl tracing::field::Visit for Message {
                fn record_debug(
                    &mut self,
                    field: &tracing::field::Field,
                    value: &dyn std::fmt::Debug,
                ) {
                    self.0 |= field.name() == "message"
                        && format!("{value:?}").contains("dropped without being committed");
                }
            }
            let mut message = Message(false);
            event.record(&mut message);
            if message.0 {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    /// A caller that goes away midway (a client that disconnects drops its request's future)
    /// cancels a change only before it reaches the database: once sent, the transaction runs
    /// to its end and the commit is announced. Before, the embedded engine rolled the change
    /// back, logging an error for each, and a commit whose caller left during its notice went
    /// unannounced until the heal sweep.
    #[tokio::test(flavor = "current_thread")]
    async fn a_change_whose_caller_goes_away_is_committed_and_announced_or_never_sent() {
        let abandoned = Arc::new(AtomicUsize::new(0));
        let _log = tracing::subscriber::set_default(
            tracing_subscriber::registry().with(Abandoned(abandoned.clone())),
        );
        let s = crate::services::test_services(Default::default(), None).await;
        let (caller, ws) = crate::services::test_owner(&s, "gone@example.com").await;
        let start = s
            .workspace_version(&caller, &ws.id)
            .await
            .expect("the version");
        let mut notices = s.hub().listen();
        let _follow = s.hub().follow(&ws.id, start);
        // Give up on each call a little later than on the one before: early ones never reach
        // the database, later ones are dropped while their transaction runs, the last finish.
        let mut given_up = 0;
        for i in 0..150u64 {
            let request: CreateTaskRequest =
                serde_json::from_value(serde_json::json!({ "title": format!("Task {i}") }))
                    .expect("a request");
            let call = s.create_task(&caller, &ws.id, &request);
            if tokio::time::timeout(Duration::from_micros(i * 40), call)
                .await
                .is_err()
            {
                given_up += 1;
            }
        }
        // What was sent finishes on its own: wait until the announcements reach the version
        // the database holds (at most 5 s).
        let mut announced = Vec::new();
        let waited = std::time::Instant::now();
        let version = loop {
            while let Ok(notice) = notices.try_recv() {
                if let Notice::Workspace { version, .. } = notice {
                    announced.push(version);
                }
            }
            let version = s
                .workspace_version(&caller, &ws.id)
                .await
                .expect("the version");
            if announced.last().copied().unwrap_or(start) == version
                || waited.elapsed() > Duration::from_secs(5)
            {
                break version;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        let committed = version - start;
        assert_eq!(
            abandoned.load(Ordering::SeqCst),
            0,
            "transactions abandoned midway"
        );
        assert!(
            given_up > 10 && committed > 150 - given_up,
            "the sweep should give up on calls both before and after they reach the \
             database: gave up on {given_up}, {committed} committed"
        );
        let expected: Vec<i64> = (start + 1..=version).collect();
        assert_eq!(announced, expected, "every commit announced, in order");
    }
}
