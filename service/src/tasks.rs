//! Tasks: create, read, list with filters and cursor pages, update with optimistic concurrency,
//! move between and within columns, delete, and the activity history of every change.

use std::collections::BTreeMap;
use std::sync::Arc;

use domain::position;
use domain::task::{
    check_fields, parse_comment, ChecklistItem, CommentView, CreateCommentRequest,
    CreateTaskRequest, MoveTaskRequest, Priority, Recurrence, TaskView, UpdateTaskRequest,
};
use domain::workspace::{ColumnCategory, WorkspaceView};
use domain::ErrorCode;
use surrealdb::types::{Datetime, RecordId, RecordIdKey, SurrealValue};

use crate::accounts::{new_id, Caller};
use crate::changes::{Activity, Change};
use crate::error::{Error, Result};
use crate::notifications::Followups;
use crate::services::Services;

#[derive(Debug, Clone, SurrealValue)]
pub(crate) struct ChecklistRow {
    id: String,
    text: String,
    done: bool,
}

/// A task as stored, read with `SELECT *` ([`TASK_FIELDS`]): ids and times arrive as the
/// database's own types and become the API's strings here. Casting them in the projection
/// instead (`record::id(…)`, `<string> …`) doubled what SurrealDB spends on every task read:
/// 0.50 against 0.23 ms for one task, 3.6 against 1.8 ms for 200 (docs/performance.md).
#[derive(Debug, SurrealValue)]
pub(crate) struct TaskRow {
    id: RecordId,
    workspace: RecordId,
    title: String,
    description: String,
    status: String,
    priority: String,
    labels: Vec<String>,
    assignee_ids: Vec<String>,
    due_at: Option<Datetime>,
    start_at: Option<Datetime>,
    checklist: Vec<ChecklistRow>,
    recurrence_json: Option<String>,
    position: String,
    version: i64,
    created_by: RecordId,
    created_at: Datetime,
    updated_at: Datetime,
    completed_at: Option<Datetime>,
}

/// A record id's key as the API shows it (what `record::id()` gives for our string keys).
pub(crate) fn record_key(id: &RecordId) -> String {
    match &id.key {
        RecordIdKey::String(s) => s.clone(),
        RecordIdKey::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}

/// A time as the API shows it: RFC 3339 in UTC, as SurrealQL's `<string>` cast renders it.
fn time_text(t: &Datetime) -> String {
    t.to_string()
}

impl TaskRow {
    /// The task's id (the record's key).
    pub(crate) fn id(&self) -> String {
        record_key(&self.id)
    }

    pub(crate) fn view(self) -> TaskView {
        TaskView {
            id: record_key(&self.id),
            workspace_id: record_key(&self.workspace),
            title: self.title,
            description_html: crate::markdown::to_safe_html(&self.description),
            description: self.description,
            status: self.status,
            priority: Priority::parse(&self.priority).unwrap_or_default(),
            labels: self.labels,
            assignee_ids: self.assignee_ids,
            due_at: self.due_at.as_ref().map(time_text),
            start_at: self.start_at.as_ref().map(time_text),
            checklist: self
                .checklist
                .into_iter()
                .map(|c| ChecklistItem {
                    id: c.id,
                    text: c.text,
                    done: c.done,
                })
                .collect(),
            recurrence: self
                .recurrence_json
                .and_then(|j| serde_json::from_str(&j).ok()),
            position: self.position,
            version: self.version,
            created_by: record_key(&self.created_by),
            created_at: time_text(&self.created_at),
            updated_at: time_text(&self.updated_at),
            completed_at: self.completed_at.as_ref().map(time_text),
        }
    }
}

/// What a task read selects: the whole record (see [`TaskRow`]).
pub(crate) const TASK_FIELDS: &str = "*";

pub use domain::task::{ActivityView, TaskPage, TaskQuery};

/// A page of a task list at one workspace version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ListKey {
    workspace_id: String,
    version: i64,
    query: String,
}

/// Recently served task-list pages. Entries of old versions are never hit again and age out.
pub(crate) struct ListCache(quick_cache::sync::Cache<ListKey, Arc<TaskPage>>);

/// Pages kept per process: a 50-task page is some 30 KB, so about 15 MB at most.
const LIST_CACHE_PAGES: usize = 512;

impl ListCache {
    pub(crate) fn new() -> Self {
        Self(quick_cache::sync::Cache::new(LIST_CACHE_PAGES))
    }
}

/// Where a card goes: between two neighbouring positions of a column (`None`: an end).
///
/// Positions are computed before the change's transaction, so a racing change could put another
/// card in the same gap. The transaction re-checks the gap (`guard`) and aborts with
/// `tm:slot_taken`; the caller computes a new slot and tries again.
pub(crate) struct Slot {
    status: String,
    above: Option<String>,
    below: Option<String>,
    /// The card being placed (left out of the check; a new card's id matches nothing).
    moving: String,
    /// The workspace's version read before the gap was (`None`: unknown). While the workspace
    /// is still at it, nothing changed since, and the guard skips its column scan.
    seen: Option<i64>,
}

/// What a move reads before its transaction (`Services::move_context`).
struct MoveContext {
    row: TaskRow,
    ws: WorkspaceView,
    /// The named neighbours' positions.
    above: Option<String>,
    below: Option<String>,
    /// The gap as read with them.
    slot: Slot,
}

/// How many times a card is re-placed after its gap was taken by a racing change.
pub(crate) const SLOT_ATTEMPTS: u32 = 6;

impl Slot {
    pub(crate) fn position(&self) -> Result<String> {
        position::between(self.above.as_deref(), self.below.as_deref())
            .ok_or_else(|| Error::Internal("no position between the neighbours".into()))
    }

    /// The statement that aborts the change (`slot_taken`) when a card landed in the gap since
    /// it was read. Every change bumps the workspace's version in its own transaction, so an
    /// unchanged version proves an unchanged column: the scan (a third of a move's
    /// transaction) runs only when the version moved (`AND` stops at its first false operand).
    /// In a change's transaction the version was just bumped (`$tm_w`, see `changes`), which
    /// saves reading the row (some 0.4 ms of the server's time); alone, it reads it.
    pub(crate) fn guard(&self) -> String {
        format!(
            "IF (IF $tm_w = NONE {{ (SELECT VALUE version FROM ONLY type::record('workspace', $ws)) }} \
             ELSE {{ $tm_w.version - 1 }}) != $slot_seen \
             AND count(SELECT VALUE id FROM task WHERE workspace = type::record('workspace', $ws) \
             AND status = $slot_status{}{} AND id != type::record('task', $slot_moving)) > 0 \
             {{ THROW 'tm:slot_taken' }};",
            if self.above.is_some() {
                " AND position > $slot_above"
            } else {
                ""
            },
            if self.below.is_some() {
                " AND position < $slot_below"
            } else {
                ""
            },
        )
    }

    pub(crate) fn bind<'q>(&self, q: crate::store::DbQuery<'q>) -> crate::store::DbQuery<'q> {
        q.bind(("slot_status", self.status.clone()))
            .bind(("slot_above", self.above.clone()))
            .bind(("slot_below", self.below.clone()))
            .bind(("slot_moving", self.moving.clone()))
            .bind(("slot_seen", self.seen.unwrap_or(-1))) // versions start at 0
    }
}

pub(crate) fn slot_taken(e: &Error) -> bool {
    matches!(e, Error::Aborted(reason) if reason == "slot_taken")
}

pub(crate) fn field_error(field: &str, why: &str) -> Error {
    Error::validation([(field.to_owned(), why.to_owned())].into_iter().collect())
}

/// Whether `id` has the shape of a record key this API hands out (SurrealDB's generated ids,
/// and ours: ASCII letters, digits, `-` and `_`). A reference a client sends is checked with
/// this before it reaches `type::record`, which fails on an empty key.
pub(crate) fn is_record_key(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

/// RFC 3339 in, normalised UTC out.
pub(crate) fn parse_time(field: &str, value: &str) -> Result<String> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        })
        .map_err(|_| field_error(field, "must be an RFC 3339 time, e.g. 2026-12-01T09:00:00Z"))
}

pub(crate) fn parse_opt_time(field: &str, value: Option<&str>) -> Result<Option<String>> {
    value.map(|t| parse_time(field, t)).transpose()
}

pub(crate) fn checklist_rows(items: &[ChecklistItem]) -> Vec<ChecklistRow> {
    items
        .iter()
        .map(|i| ChecklistRow {
            id: if i.id.is_empty() {
                new_id()
            } else {
                i.id.clone()
            },
            text: i.text.trim().to_owned(),
            done: i.done,
        })
        .collect()
}

/// The next due time of a recurring task after `from`.
pub fn next_due(
    recurrence: &Recurrence,
    from: chrono::DateTime<chrono::Utc>,
) -> chrono::DateTime<chrono::Utc> {
    use chrono::{Datelike, Duration};
    match recurrence {
        Recurrence::Daily => from + Duration::days(1),
        Recurrence::EveryNDays { n } => from + Duration::days(i64::from(*n)),
        Recurrence::Weekly { weekdays } => (1..=7)
            .map(|d| from + Duration::days(d))
            .find(|t| weekdays.contains(&(t.weekday().number_from_monday() as u8)))
            .unwrap_or(from + Duration::days(7)),
        Recurrence::Monthly => {
            let (y, m) = if from.month() == 12 {
                (from.year() + 1, 1)
            } else {
                (from.year(), from.month() + 1)
            };
            // The same day next month, or its last day when shorter (31 Jan -> 28/29 Feb).
            (0..4)
                .find_map(|back| {
                    from.with_day(1)
                        .and_then(|t| t.with_year(y))
                        .and_then(|t| t.with_month(m))
                        .and_then(|t| t.with_day(from.day() - back))
                })
                .unwrap_or(from + Duration::days(30))
        }
    }
}

/// Writing tasks needs the editor role or more.
pub(crate) fn require_editor(ws: &WorkspaceView, what: &str) -> Result<()> {
    if ws.role.can_edit_tasks() {
        Ok(())
    } else {
        Err(Error::client(
            ErrorCode::Forbidden,
            format!("Your role in this workspace does not allow {what}."),
        ))
    }
}

pub(crate) fn category_of(ws: &WorkspaceView, status: &str) -> Option<ColumnCategory> {
    ws.columns
        .iter()
        .find(|c| c.key == status)
        .map(|c| c.category)
}

/// Statements 0-3 of a query that reads a task (`$id`) and its workspace (statement 3, a
/// [`WorkspaceHead`](crate::workspaces::WorkspaceHead)); `$tw` is that workspace for the
/// statements after them (a plain parameter, so index lookups on it are planned: an idiom
/// such as `$task.workspace` is not). The caller's role is not read here: see
/// [`Services::task_and_membership`].
fn task_and_membership_sql() -> String {
    format!(
        "LET $task = (SELECT {TASK_FIELDS} FROM ONLY type::record('task', $id));\
         LET $tw = $task.workspace;\
         RETURN $task;\
         RETURN $tw.{};",
        crate::workspaces::WORKSPACE_HEAD
    )
}

impl Services {
    /// The task, the caller's view of its workspace and the workspace's version (read after the
    /// task) from [`task_and_membership_sql`]; `not_found` when the task is missing or the
    /// caller is not a member: a non-member must not learn the task exists. The role comes from
    /// [`Services::role_at`], by the members version read with the task.
    async fn task_and_membership(
        &self,
        caller: &Caller,
        res: &mut surrealdb::IndexedResults,
    ) -> Result<(TaskRow, WorkspaceView, i64)> {
        let row: Option<TaskRow> = res.take(2)?;
        let row = row.ok_or_else(|| Error::not_found("Task"))?;
        let head: Option<crate::workspaces::WorkspaceHead> = res.take(3)?;
        let head = head.ok_or_else(|| Error::not_found("Task"))?;
        let role = self
            .role_at(caller, &head.id(), head.members_version())
            .await
            .map_err(|e| {
                if e.code() == ErrorCode::NotFound {
                    Error::not_found("Task")
                } else {
                    e
                }
            })?;
        let version = head.version();
        Ok((row, head.view(role), version))
    }

    /// The task and the caller's view of its workspace; `not_found` for non-members.
    pub(crate) async fn task_for(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<(TaskRow, WorkspaceView)> {
        // One round trip for both (each costs a millisecond against a SurrealDB server).
        let mut res = self
            .database()
            .client()
            .query(task_and_membership_sql())
            .bind(("id", task_id.to_owned()))
            .bind(("uid", caller.user_id.clone()))
            .await?
            .check()?;
        let (row, ws, _) = self.task_and_membership(caller, &mut res).await?;
        Ok((row, ws))
    }

    async fn check_assignees(
        &self,
        caller: &Caller,
        workspace_id: &str,
        ids: &[String],
    ) -> Result<Vec<String>> {
        let members = self.list_members(caller, workspace_id).await?;
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            if !members.iter().any(|m| &m.user_id == id) {
                return Err(field_error(
                    "assignee_ids",
                    "must all be members of the workspace",
                ));
            }
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        Ok(out)
    }

    /// The last position in a column, to append after it.
    pub(crate) async fn last_position(
        &self,
        workspace_id: &str,
        status: &str,
    ) -> Result<Option<String>> {
        let mut res = self
            .database()
            .client()
            .query("SELECT VALUE position FROM task WHERE workspace = type::record('workspace', $ws) AND status = $status ORDER BY position DESC LIMIT 1")
            .bind(("ws", workspace_id.to_owned()))
            .bind(("status", status.to_owned()))
            .await?
            .check()?;
        let v: Vec<String> = res.take(0)?;
        Ok(v.into_iter().next())
    }

    /// The last position in a column other than `moving`'s own.
    async fn last_position_except(
        &self,
        workspace_id: &str,
        status: &str,
        moving: &str,
    ) -> Result<Option<String>> {
        let mut res = self
            .database()
            .client()
            .query("SELECT VALUE position FROM task WHERE workspace = type::record('workspace', $ws) AND status = $status \
                    AND id != type::record('task', $moving) ORDER BY position DESC LIMIT 1")
            .bind(("ws", workspace_id.to_owned()))
            .bind(("status", status.to_owned()))
            .bind(("moving", moving.to_owned()))
            .await?
            .check()?;
        let v: Vec<String> = res.take(0)?;
        Ok(v.into_iter().next())
    }

    /// The current views of some tasks of a workspace, by id (missing ones are gone).
    pub(crate) async fn task_views(
        &self,
        workspace_id: &str,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, TaskView>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT {TASK_FIELDS} FROM task WHERE id IN $ids AND workspace = type::record('workspace', $ws)"
            ))
            .bind((
                "ids",
                ids.iter()
                    .map(|id| surrealdb::types::RecordId::new("task", id.as_str()))
                    .collect::<Vec<_>>(),
            ))
            .bind(("ws", workspace_id.to_owned()))
            .await?
            .check()?;
        let rows: Vec<TaskRow> = res.take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let view = r.view();
                (view.id.clone(), view)
            })
            .collect())
    }

    /// Where a card goes in `status`: after its last card.
    async fn append_slot(&self, workspace_id: &str, status: &str, moving: &str) -> Result<Slot> {
        Ok(Slot {
            status: status.to_owned(),
            above: self.last_position(workspace_id, status).await?,
            below: None,
            moving: moving.to_owned(),
            seen: None,
        })
    }

    pub async fn create_task(
        &self,
        caller: &Caller,
        workspace_id: &str,
        req: &CreateTaskRequest,
    ) -> Result<TaskView> {
        caller.require_write()?;
        let ws = self.get_workspace(caller, workspace_id).await?;
        require_editor(&ws, "editing tasks")?;
        let (title, labels) = check_fields(
            Some(&req.title),
            req.description.as_deref(),
            req.labels.as_deref(),
            req.checklist.as_deref(),
            req.recurrence.as_ref(),
        )
        .map_err(Error::Client)?;
        let status = match &req.status {
            Some(s) if category_of(&ws, s).is_some() => s.clone(),
            Some(_) => return Err(field_error("status", "is not a column of this workspace")),
            None => ws
                .columns
                .first()
                .map(|c| c.key.clone())
                .unwrap_or_default(),
        };
        let due_at = parse_opt_time("due_at", req.due_at.as_deref())?;
        let start_at = parse_opt_time("start_at", req.start_at.as_deref())?;
        let assignees = self
            .check_assignees(
                caller,
                workspace_id,
                req.assignee_ids.as_deref().unwrap_or_default(),
            )
            .await?;
        let done = category_of(&ws, &status) == Some(ColumnCategory::Done);
        let id = new_id();
        let title = title.unwrap_or_default();
        let mut followups = Followups::default();
        if !assignees.is_empty() {
            let actor = self.actor_name(caller).await?;
            followups.notes =
                Self::assignment_notes(caller, &actor, workspace_id, &id, &title, &[], &assignees);
            if !done {
                self.plan_reminders(&mut followups, &id, due_at.as_deref(), &assignees)
                    .await?;
            }
        }
        let mut attempt = 0;
        let created = loop {
            attempt += 1;
            let turn = self.change_turn(workspace_id).await;
            let slot = self.append_slot(workspace_id, &status, &id).await?;
            let position = slot.position()?;
            let activity = Activity {
                task_id: &id,
                kind: "task.created",
                data: serde_json::json!({ "title": title }),
            };
            let result = self.commit_change_in_turn(
                &turn,
                caller,
                workspace_id,
                &format!("{}CREATE type::record('task', $id) SET workspace = type::record('workspace', $ws), title = $title, \
                 description = $description, status = $status, priority = $priority, labels = $labels, \
                 assignee_ids = $assignees, due_at = IF $due = NONE {{ NONE }} ELSE {{ <datetime> $due }}, \
                 start_at = IF $start = NONE {{ NONE }} ELSE {{ <datetime> $start }}, checklist = $checklist, \
                 recurrence_json = $recurrence, position = $position, created_by = type::record('user', $uid), \
                 completed_at = IF $done {{ time::now() }} ELSE {{ NONE }};\n{}", slot.guard(), followups.sql()),
                Change::Task(activity),
                |q| {
                    followups.bind(slot.bind(q)).bind(("id", id.clone()))
                        .bind(("title", title.clone()))
                        .bind(("description", req.description.clone().unwrap_or_default()))
                        .bind(("status", status.clone()))
                        .bind(("priority", req.priority.unwrap_or_default().as_str()))
                        .bind(("labels", labels.clone().unwrap_or_default()))
                        .bind(("assignees", assignees.clone()))
                        .bind(("due", due_at.clone()))
                        .bind(("start", start_at.clone()))
                        .bind(("checklist", checklist_rows(req.checklist.as_deref().unwrap_or_default())))
                        .bind(("recurrence", req.recurrence.as_ref().map(|r| serde_json::to_string(r).unwrap_or_default())))
                        .bind(("position", position.clone()))
                        .bind(("uid", caller.user_id.clone()))
                        .bind(("done", done))
                },
            )
            .await;
            match result {
                Err(e) if slot_taken(&e) && attempt < SLOT_ATTEMPTS => continue,
                other => break other?.subject,
            }
        };
        self.followed_up(&followups);
        created.ok_or_else(|| Error::Internal("created task vanished".into()))
    }

    pub async fn get_task(&self, caller: &Caller, task_id: &str) -> Result<TaskView> {
        Ok(self.task_for(caller, task_id).await?.0.view())
    }

    pub async fn list_tasks(
        &self,
        caller: &Caller,
        workspace_id: &str,
        query: &TaskQuery,
    ) -> Result<TaskPage> {
        let (_, version) = self.membership_version(caller, workspace_id).await?;
        let limit = query.limit.unwrap_or(50);
        if !(1..=100).contains(&limit) {
            return Err(field_error("limit", "must be 1 to 100"));
        }
        let offset: u64 = match &query.cursor {
            Some(c) => c
                .strip_prefix("o")
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| field_error("cursor", "is not a cursor from this list"))?,
            None => 0,
        };
        let order = match query.sort.as_deref().unwrap_or("position") {
            "position" => "status, position",
            "due_at" => "due_at, position",
            "priority" => "priority_rank DESC, position",
            "created_at" => "created_at DESC",
            "updated_at" => "updated_at DESC",
            _ => {
                return Err(field_error(
                    "sort",
                    "is one of position, due_at, priority, created_at, updated_at",
                ))
            }
        };
        if let Some(p) = &query.priority {
            if Priority::parse(p).is_none() {
                return Err(field_error(
                    "priority",
                    "is one of low, medium, high, urgent",
                ));
            }
        }
        let due_before = parse_opt_time("due_before", query.due_before.as_deref())?;
        let due_after = parse_opt_time("due_after", query.due_after.as_deref())?;
        let q = query
            .q
            .as_ref()
            .map(|q| q.trim().to_lowercase())
            .filter(|q| !q.is_empty());
        // Only the conditions asked for go into the query (never `$x = NONE OR …`), so the
        // planner can use the indexes on workspace and status.
        let mut filters = String::new();
        for (present, clause) in [
            (query.status.is_some(), " AND status = $status"),
            (query.priority.is_some(), " AND priority = $priority"),
            (query.assignee.is_some(), " AND $assignee IN assignee_ids"),
            (query.label.is_some(), " AND $label IN labels"),
            (q.is_some(), " AND (string::contains(string::lowercase(title), $q) OR string::contains(string::lowercase(description), $q))"),
            (due_before.is_some(), " AND due_at != NONE AND due_at < <datetime> $due_before"),
            (due_after.is_some(), " AND due_at != NONE AND due_at > <datetime> $due_after"),
        ] {
            if present {
                filters.push_str(clause);
            }
        }
        // Every change to the workspace bumps its version in the change's own transaction, and
        // the page is read after the version: a page cached under version v holds every change
        // up to v (or later), so a reader who saw v is never served older data.
        let key = ListKey {
            workspace_id: workspace_id.to_owned(),
            version,
            query: format!("{query:?}"),
        };
        // One load per key at a time: concurrent readers of a page that is not cached yet (after
        // a change, say) wait for the first one instead of all running the query.
        let page = self
            .list_cache()
            .0
            .get_or_insert_async(&key, async {
                let rank = if order.starts_with("priority_rank") {
                    ", (IF priority = 'urgent' { 3 } ELSE IF priority = 'high' { 2 } ELSE IF priority = 'medium' { 1 } ELSE { 0 }) AS priority_rank"
                } else {
                    ""
                };
                let mut res = self
                    .database()
                    .client()
                    .query(format!(
                        // Whole records (`TaskRow` shapes them); a search adds its `rank`.
                        "SELECT *{rank} FROM task WHERE workspace = type::record('workspace', $ws){filters} \
                         ORDER BY {order} LIMIT $limit START $offset"
                    ))
                    .bind(("ws", workspace_id.to_owned()))
                    .bind(("status", query.status.clone()))
                    .bind(("priority", query.priority.clone()))
                    .bind(("assignee", query.assignee.clone()))
                    .bind(("label", query.label.clone()))
                    .bind(("q", q))
                    .bind(("due_before", due_before))
                    .bind(("due_after", due_after))
                    .bind(("limit", i64::from(limit) + 1))
                    .bind(("offset", offset as i64))
                    .await?
                    .check()?;
                let mut rows: Vec<TaskRow> = res.take(0)?;
                let more = rows.len() > limit as usize;
                rows.truncate(limit as usize);
                let page = TaskPage {
                    next_cursor: more.then(|| format!("o{}", offset + u64::from(limit))),
                    items: rows.into_iter().map(TaskRow::view).collect(),
                };
                Ok::<_, Error>(Arc::new(page))
            })
            .await?;
        Ok(page.as_ref().clone())
    }

    /// Applies a patch if `version` is current (409 `version_conflict` otherwise).
    pub async fn update_task(
        &self,
        caller: &Caller,
        task_id: &str,
        req: &UpdateTaskRequest,
    ) -> Result<TaskView> {
        caller.require_write()?;
        let (row, ws) = self.task_for(caller, task_id).await?;
        require_editor(&ws, "editing tasks")?;
        let (title, labels) = check_fields(
            req.title.as_deref(),
            req.description.as_deref(),
            req.labels.as_deref(),
            req.checklist.as_deref(),
            req.recurrence.as_ref().and_then(Option::as_ref),
        )
        .map_err(Error::Client)?;
        if let Some(s) = &req.status {
            if category_of(&ws, s).is_none() {
                return Err(field_error("status", "is not a column of this workspace"));
            }
        }
        let due = req
            .due_at
            .as_ref()
            .map(|d| d.as_deref().map(|t| parse_time("due_at", t)).transpose())
            .transpose()?;
        let start = req
            .start_at
            .as_ref()
            .map(|d| d.as_deref().map(|t| parse_time("start_at", t)).transpose())
            .transpose()?;
        let assignees = match &req.assignee_ids {
            Some(ids) => Some(self.check_assignees(caller, &ws.id, ids).await?),
            None => None,
        };
        let status_changed = req.status.as_ref().filter(|s| **s != row.status).cloned();
        let completed = status_changed
            .as_ref()
            .map(|s| category_of(&ws, s) == Some(ColumnCategory::Done));

        let mut changes = BTreeMap::new();
        for (name, changed) in [
            ("title", req.title.is_some()),
            ("description", req.description.is_some()),
            ("status", req.status.is_some()),
            ("priority", req.priority.is_some()),
            ("labels", req.labels.is_some()),
            ("assignee_ids", req.assignee_ids.is_some()),
            ("due_at", req.due_at.is_some()),
            ("start_at", req.start_at.is_some()),
            ("checklist", req.checklist.is_some()),
            ("recurrence", req.recurrence.is_some()),
        ] {
            if changed {
                changes.insert(name, true);
            }
        }

        let kind = if status_changed.is_some() {
            "task.moved"
        } else {
            "task.updated"
        };
        // Notifications for new assignees; reminders follow the due time and the assignees.
        let mut followups = Followups::default();
        let final_assignees = assignees
            .clone()
            .unwrap_or_else(|| row.assignee_ids.clone());
        if let Some(after) = &assignees {
            if after
                .iter()
                .any(|u| *u != caller.user_id && !row.assignee_ids.contains(u))
            {
                let actor = self.actor_name(caller).await?;
                followups.notes = Self::assignment_notes(
                    caller,
                    &actor,
                    &ws.id,
                    task_id,
                    title.as_deref().unwrap_or(&row.title),
                    &row.assignee_ids,
                    after,
                );
            }
        }
        if due.is_some() || assignees.is_some() {
            let final_due = match &due {
                Some(d) => d.clone(),
                None => row.due_at.as_ref().map(time_text),
            };
            self.plan_reminders(
                &mut followups,
                task_id,
                final_due.as_deref(),
                &final_assignees,
            )
            .await?;
        }
        let mut attempt = 0;
        let committed = loop {
            attempt += 1;
            let turn = self.change_turn(&ws.id).await;
            let slot = match &status_changed {
                Some(s) => Some(self.append_slot(&ws.id, s, task_id).await?),
                None => None,
            };
            let position = slot.as_ref().map(Slot::position).transpose()?;
            let guard = slot.as_ref().map(Slot::guard).unwrap_or_default();
            let activity = Activity {
                task_id,
                kind,
                data: serde_json::json!({"fields": changes.keys().collect::<Vec<_>>(), "from_status": row.status}),
            };
            let result = self
            .commit_change_in_turn(
                &turn,
                caller,
                &ws.id,
                &format!("{guard}LET $updated = (UPDATE type::record('task', $id) SET \
                   title = IF $title = NONE {{ title }} ELSE {{ $title }}, \
                   description = IF $description = NONE {{ description }} ELSE {{ $description }}, \
                   status = IF $status = NONE {{ status }} ELSE {{ $status }}, \
                   position = IF $position = NONE {{ position }} ELSE {{ $position }}, \
                   priority = IF $priority = NONE {{ priority }} ELSE {{ $priority }}, \
                   labels = IF $labels = NONE {{ labels }} ELSE {{ $labels }}, \
                   assignee_ids = IF $assignees = NONE {{ assignee_ids }} ELSE {{ $assignees }}, \
                   due_at = IF $set_due {{ IF $due = NONE {{ NONE }} ELSE {{ <datetime> $due }} }} ELSE {{ due_at }}, \
                   start_at = IF $set_start {{ IF $start = NONE {{ NONE }} ELSE {{ <datetime> $start }} }} ELSE {{ start_at }}, \
                   checklist = IF $checklist = NONE {{ checklist }} ELSE {{ $checklist }}, \
                   recurrence_json = IF $set_recurrence {{ $recurrence }} ELSE {{ recurrence_json }}, \
                   completed_at = IF $completed = NONE {{ completed_at }} ELSE IF $completed {{ time::now() }} ELSE {{ NONE }}, \
                   version = version + 1, updated_at = time::now() \
                 WHERE version = $version RETURN VALUE version);\
                 IF array::len($updated) = 0 {{ THROW 'tm:version_conflict' }};\n{}", followups.sql()),
                Change::Task(activity),
                |q| {
                    let q = match &slot {
                        Some(slot) => slot.bind(q),
                        None => q,
                    };
                    let q = followups.bind(q);
                    q.bind(("id", task_id.to_owned()))
                        .bind(("title", title.clone()))
                        .bind(("description", req.description.clone()))
                        .bind(("status", status_changed.clone()))
                        .bind(("position", position.clone()))
                        .bind(("priority", req.priority.map(Priority::as_str)))
                        .bind(("labels", labels.clone()))
                        .bind(("assignees", assignees.clone()))
                        .bind(("set_due", due.is_some()))
                        .bind(("due", due.clone().flatten()))
                        .bind(("set_start", start.is_some()))
                        .bind(("start", start.clone().flatten()))
                        .bind(("checklist", req.checklist.as_deref().map(checklist_rows)))
                        .bind(("set_recurrence", req.recurrence.is_some()))
                        .bind(("recurrence", req.recurrence.clone().flatten().map(|r| serde_json::to_string(&r).unwrap_or_default())))
                        .bind(("completed", completed))
                        .bind(("version", req.version))
                },
            )
            .await;
            match result {
                Err(e) if slot_taken(&e) && attempt < SLOT_ATTEMPTS => continue,
                other => break other,
            }
        };
        if let Err(Error::Aborted(reason)) = &committed {
            if reason == "version_conflict" {
                return Err(Error::client(
                    ErrorCode::VersionConflict,
                    format!("Someone changed this task since you loaded it (you have version {}, it is at {}). Reload to see their change.", req.version, row.version),
                ));
            }
        }
        let task = committed?.subject.ok_or_else(|| Error::not_found("Task"))?;
        self.followed_up(&followups);
        let was_done = category_of(&ws, &row.status) == Some(ColumnCategory::Done);
        if completed == Some(true) && !was_done {
            self.create_next_occurrence(caller, &ws, &task).await?;
        }
        Ok(task)
    }

    /// Moves a card into `status`, between its new neighbours.
    pub async fn move_task(
        &self,
        caller: &Caller,
        task_id: &str,
        req: &MoveTaskRequest,
    ) -> Result<TaskView> {
        caller.require_write()?;
        for (field, id) in [("after_id", &req.after_id), ("before_id", &req.before_id)] {
            if id.as_deref().is_some_and(|id| !is_record_key(id)) {
                return Err(field_error(field, "must be a card in the target column"));
            }
        }
        // One round trip reads the task, the caller's view of its workspace, the named
        // neighbours and the gap the card goes into.
        let MoveContext {
            row,
            ws,
            above,
            below,
            slot: first_slot,
        } = self.move_context(caller, task_id, req).await?;
        let was_done = category_of(&ws, &row.status) == Some(ColumnCategory::Done);
        let done = category_of(&ws, &req.status) == Some(ColumnCategory::Done);
        let mut first_slot = Some(first_slot);
        let mut attempt = 0;
        let task = loop {
            attempt += 1;
            let turn = self.change_turn(&ws.id).await;
            // The gap read with the task, unless another change took it: then read afresh,
            // in this workspace's turn.
            let slot = match first_slot.take() {
                Some(slot) => slot,
                None => {
                    self.move_slot(&ws.id, &row, &req.status, above.clone(), below.clone())
                        .await?
                }
            };
            let position = slot
                .position()
                .map_err(|_| field_error("before_id", "must come after after_id"))?;
            let activity = Activity {
                task_id,
                kind: "task.moved",
                data: serde_json::json!({"from": row.status, "to": req.status}),
            };
            // The task's new state comes back from the transaction (`Committed::subject`): no
            // round trip after the commit.
            let result = self.commit_change_in_turn(
                &turn,
                caller,
                &ws.id,
                &format!("{}UPDATE type::record('task', $id) SET status = $status, position = $position, version = version + 1, \
                 updated_at = time::now(), completed_at = IF $done = $was_done {{ completed_at }} ELSE IF $done {{ time::now() }} ELSE {{ NONE }};", slot.guard()),
                Change::Task(activity),
                |q| {
                    slot.bind(q).bind(("id", task_id.to_owned()))
                        .bind(("status", req.status.clone()))
                        .bind(("position", position.clone()))
                        .bind(("done", done))
                        .bind(("was_done", was_done))
                },
            )
            .await;
            match result {
                Err(e) if slot_taken(&e) && attempt < SLOT_ATTEMPTS => continue,
                other => break other?.subject.ok_or_else(|| Error::not_found("Task"))?,
            }
        };
        if done && !was_done {
            self.create_next_occurrence(caller, &ws, &task).await?;
        }
        Ok(task)
    }

    /// Completing a recurring task creates its next occurrence: same content, checklist
    /// unticked, in the first to-do column, due (and starting) one period later.
    async fn create_next_occurrence(
        &self,
        caller: &Caller,
        ws: &WorkspaceView,
        done: &TaskView,
    ) -> Result<()> {
        let Some(recurrence) = done.recurrence.clone() else {
            return Ok(());
        };
        let now = chrono::Utc::now();
        let parse = |t: &Option<String>| {
            t.as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&chrono::Utc))
        };
        let due = parse(&done.due_at);
        let next_due = next_due(&recurrence, due.unwrap_or(now));
        let shift = next_due - due.unwrap_or(now);
        let next_start = parse(&done.start_at).map(|s| s + shift);
        let status = ws
            .columns
            .iter()
            .find(|c| c.category == ColumnCategory::Todo)
            .or(ws.columns.first())
            .map(|c| c.key.clone());
        let fmt = |t: chrono::DateTime<chrono::Utc>| {
            t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        let request = CreateTaskRequest {
            title: done.title.clone(),
            description: Some(done.description.clone()),
            status,
            priority: Some(done.priority),
            labels: Some(done.labels.clone()),
            assignee_ids: Some(done.assignee_ids.clone()),
            due_at: Some(fmt(next_due)),
            start_at: next_start.map(fmt),
            checklist: Some(
                done.checklist
                    .iter()
                    .map(|i| ChecklistItem {
                        id: String::new(),
                        text: i.text.clone(),
                        done: false,
                    })
                    .collect(),
            ),
            recurrence: Some(recurrence),
        };
        let next = self.create_task(caller, &ws.id, &request).await?;
        tracing::info!(task = %done.id, next = %next.id, "recurring task completed; next occurrence created");
        Ok(())
    }

    /// Everything a move needs before its transaction, in one round trip: the task, the
    /// caller's view of its workspace (`not_found` for non-members), the named neighbours'
    /// positions (each must be a card in the target column) and the gap the card goes into
    /// (as [`Services::move_slot`] works it out).
    async fn move_context(
        &self,
        caller: &Caller,
        task_id: &str,
        req: &MoveTaskRequest,
    ) -> Result<MoveContext> {
        #[derive(Debug, SurrealValue)]
        struct Neighbour {
            workspace_id: String,
            status: String,
            position: String,
        }
        let in_column = "FROM task WHERE workspace = $tw AND status = $status \
                         AND id != type::record('task', $id)";
        let neighbour = |var: &str| {
            format!(
                "SELECT record::id(workspace) AS workspace_id, status, position \
                 FROM ONLY type::record('task', ${var});"
            )
        };
        let (after, before) = (req.after_id.as_deref(), req.before_id.as_deref());
        // Statements 0-3 as `task_for`; 4-5: the named neighbours; 6: the other side of the gap.
        let mut sql = task_and_membership_sql();
        sql.push_str(&match (after, before) {
            (Some(_), _) => neighbour("after"),
            (None, _) => "RETURN NONE;".to_owned(),
        });
        sql.push_str(&match (after, before) {
            (_, Some(_)) => neighbour("before"),
            (_, None) => "RETURN NONE;".to_owned(),
        });
        sql.push_str(&match (after, before) {
            (None, None) => format!("SELECT VALUE position {in_column} ORDER BY position DESC LIMIT 1;"),
            (Some(_), None) => format!(
                "SELECT VALUE position {in_column} AND position > \
                 (SELECT VALUE position FROM ONLY type::record('task', $after)) ORDER BY position LIMIT 1;"
            ),
            (None, Some(_)) => format!(
                "SELECT VALUE position {in_column} AND position < \
                 (SELECT VALUE position FROM ONLY type::record('task', $before)) ORDER BY position DESC LIMIT 1;"
            ),
            (Some(_), Some(_)) => "RETURN [];".to_owned(),
        });
        let mut res = self
            .database()
            .client()
            .query(sql)
            .bind(("id", task_id.to_owned()))
            .bind(("uid", caller.user_id.clone()))
            .bind(("status", req.status.clone()))
            .bind(("after", after.map(str::to_owned)))
            .bind(("before", before.map(str::to_owned)))
            .await?
            .check()?;
        // `seen` is read before the neighbours and the gap: see `Slot::guard`.
        let (row, ws, seen) = self.task_and_membership(caller, &mut res).await?;
        require_editor(&ws, "moving tasks")?;
        if category_of(&ws, &req.status).is_none() {
            return Err(field_error("status", "is not a column of this workspace"));
        }
        const AFTER: usize = 4;
        let mut named = |index: usize, field: &str| -> Result<Option<String>> {
            let found: Option<Neighbour> = res.take(index)?;
            let Some(id) = (if index == AFTER { after } else { before }) else {
                return Ok(None);
            };
            match found {
                Some(n) if n.workspace_id == ws.id && n.status == req.status && id != task_id => {
                    Ok(Some(n.position))
                }
                _ => Err(field_error(field, "must be a card in the target column")),
            }
        };
        let above = named(AFTER, "after_id")?;
        let below = named(AFTER + 1, "before_id")?;
        let other_side: Vec<String> = res.take(AFTER + 2)?;
        let other_side = other_side.into_iter().next();
        let (gap_above, gap_below) = match (&above, &below) {
            (None, None) => (other_side, None),
            (Some(a), None) => (Some(a.clone()), other_side),
            (None, Some(b)) => (other_side, Some(b.clone())),
            (Some(a), Some(b)) => (Some(a.clone()), Some(b.clone())),
        };
        let slot = Slot {
            status: req.status.clone(),
            above: gap_above,
            below: gap_below,
            moving: row.id(),
            seen: Some(seen),
        };
        Ok(MoveContext {
            row,
            ws,
            above,
            below,
            slot,
        })
    }

    /// The neighbours a moving card goes between. One neighbour named: the card goes right next
    /// to it, so the other side is that neighbour's own neighbour in the column (the moving card
    /// itself does not count). None named: after the column's last card.
    async fn move_slot(
        &self,
        workspace_id: &str,
        row: &TaskRow,
        status: &str,
        above: Option<String>,
        below: Option<String>,
    ) -> Result<Slot> {
        let (above, below) = match (above, below) {
            (None, None) => (
                self.last_position_except(workspace_id, status, &row.id())
                    .await?,
                None,
            ),
            (Some(a), None) => {
                let next = self
                    .adjacent_position(workspace_id, status, &row.id(), &a, false)
                    .await?;
                (Some(a), next)
            }
            (None, Some(b)) => {
                let prev = self
                    .adjacent_position(workspace_id, status, &row.id(), &b, true)
                    .await?;
                (prev, Some(b))
            }
            both => both,
        };
        Ok(Slot {
            status: status.to_owned(),
            above,
            below,
            moving: row.id(),
            seen: None,
        })
    }

    /// The position of the card just before (`before = true`) or just after `position` in a
    /// column, leaving out the card being moved.
    async fn adjacent_position(
        &self,
        workspace_id: &str,
        status: &str,
        moving: &str,
        position: &str,
        before: bool,
    ) -> Result<Option<String>> {
        let query = if before {
            "SELECT VALUE position FROM task WHERE workspace = type::record('workspace', $ws) AND status = $status \
             AND position < $pos AND id != type::record('task', $moving) ORDER BY position DESC LIMIT 1"
        } else {
            "SELECT VALUE position FROM task WHERE workspace = type::record('workspace', $ws) AND status = $status \
             AND position > $pos AND id != type::record('task', $moving) ORDER BY position LIMIT 1"
        };
        let mut res = self
            .database()
            .client()
            .query(query)
            .bind(("ws", workspace_id.to_owned()))
            .bind(("status", status.to_owned()))
            .bind(("pos", position.to_owned()))
            .bind(("moving", moving.to_owned()))
            .await?
            .check()?;
        let v: Vec<String> = res.take(0)?;
        Ok(v.into_iter().next())
    }

    pub async fn delete_task(&self, caller: &Caller, task_id: &str) -> Result<()> {
        caller.require_write()?;
        let (row, ws) = self.task_for(caller, task_id).await?;
        require_editor(&ws, "deleting tasks")?;
        let activity = Activity {
            task_id,
            kind: "task.deleted",
            data: serde_json::json!({"title": row.title}),
        };
        self.commit_change(
            caller,
            &ws.id,
            "DELETE comment WHERE task = type::record('task', $id);\
             DELETE type::record('task', $id);",
            Change::Task(activity),
            |q| q.bind(("id", task_id.to_owned())),
        )
        .await?;
        self.purge_attachments("task", task_id).await?;
        Ok(())
    }

    pub async fn task_activity(&self, caller: &Caller, task_id: &str) -> Result<Vec<ActivityView>> {
        self.task_for(caller, task_id).await?;
        #[derive(Debug, SurrealValue)]
        struct Row {
            id: String,
            kind: String,
            actor_id: String,
            at: String,
            data_json: String,
        }
        let mut res = self
            .database()
            .client()
            .query("SELECT record::id(id) AS id, kind, record::id(actor) AS actor_id, <string> at AS at, data_json, at AS t FROM activity WHERE task = $task ORDER BY t")
            .bind(("task", task_id.to_owned()))
            .await?
            .check()?;
        let rows: Vec<Row> = res.take(0)?;
        Ok(rows
            .into_iter()
            .map(|r| ActivityView {
                id: r.id,
                kind: r.kind,
                actor_id: r.actor_id,
                at: r.at,
                data: serde_json::from_str(&r.data_json).unwrap_or(serde_json::Value::Null),
            })
            .collect())
    }
}

impl Services {
    pub async fn list_comments(&self, caller: &Caller, task_id: &str) -> Result<Vec<CommentView>> {
        self.task_for(caller, task_id).await?;
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(id) AS id, record::id(task) AS task_id, record::id(author) AS author_id, body, \
                 <string> created_at AS created_at, created_at AS t FROM comment WHERE task = type::record('task', $task) ORDER BY t",
            )
            .bind(("task", task_id.to_owned()))
            .await?
            .check()?;
        let rows: Vec<CommentRow> = res.take(0)?;
        Ok(rows.into_iter().map(CommentRow::view).collect())
    }

    /// Comments need the commenter role or more.
    pub async fn add_comment(
        &self,
        caller: &Caller,
        task_id: &str,
        req: &CreateCommentRequest,
    ) -> Result<CommentView> {
        caller.require_write()?;
        let (task, ws) = self.task_for(caller, task_id).await?;
        if !ws.role.can_comment() {
            return Err(Error::client(
                ErrorCode::Forbidden,
                "Your role in this workspace does not allow commenting.",
            ));
        }
        let body = parse_comment(&req.body).map_err(|why| field_error("body", why))?;
        let id = new_id();
        let mut followups = Followups::default();
        if !crate::notifications::mentions(&body).is_empty() {
            let members = self.list_members(caller, &ws.id).await?;
            followups.notes =
                Self::mention_notes(caller, &members, &ws.id, task_id, &task.title, &id, &body);
        }
        let activity = Activity {
            task_id,
            kind: "comment.created",
            data: serde_json::json!({"comment_id": id}),
        };
        let mut committed = self
            .commit_change(
                caller,
                &ws.id,
                &format!("CREATE type::record('comment', $id) SET task = type::record('task', $task), \
                 workspace = type::record('workspace', $ws), author = type::record('user', $uid), body = $body \
                 RETURN record::id(id) AS id, record::id(task) AS task_id, record::id(author) AS author_id, body, \
                 <string> created_at AS created_at;\n{}", followups.sql()),
                Change::Task(activity),
                |q| {
                    followups.bind(q).bind(("id", id.clone()))
                        .bind(("task", task_id.to_owned()))
                        .bind(("uid", caller.user_id.clone()))
                        .bind(("body", body.clone()))
                },
            )
            .await?;
        self.followed_up(&followups);
        let created: Vec<CommentRow> = committed.rows(0)?;
        created
            .into_iter()
            .next()
            .map(CommentRow::view)
            .ok_or_else(|| Error::Internal("created comment vanished".into()))
    }
}

#[derive(Debug, SurrealValue)]
struct CommentRow {
    id: String,
    task_id: String,
    author_id: String,
    body: String,
    created_at: String,
}

impl CommentRow {
    fn view(self) -> CommentView {
        CommentView {
            body_html: crate::markdown::to_safe_html(&self.body),
            id: self.id,
            task_id: self.task_id,
            author_id: self.author_id,
            body: self.body,
            created_at: self.created_at,
        }
    }
}

#[derive(Debug, SurrealValue)]
struct CountOnly {
    n: i64,
}

#[derive(Debug, SurrealValue)]
struct KeyCount {
    key: String,
    n: i64,
}

/// How long dashboard figures are shared (see `workspace_stats`).
const STATS_TTL: std::time::Duration = std::time::Duration::from_secs(60);

impl Services {
    /// Counts by status and priority, overdue, completions per day (30 days) and the caller's
    /// open tasks: aggregated by the database, never by loading the tasks.
    ///
    /// Shared between instances in Redis under the workspace's version (and the caller, for
    /// `my_open`): any change makes a new key. Overdue counts and the days move with the
    /// clock, not the version, so a value lives at most `STATS_TTL`.
    pub async fn workspace_stats(
        &self,
        caller: &Caller,
        workspace_id: &str,
    ) -> Result<domain::task::WorkspaceStats> {
        let (_, version) = self.membership_version(caller, workspace_id).await?;
        let key = format!("stats:{workspace_id}:{}:{version}", caller.user_id);
        self.shared_cached(&key, STATS_TTL, self.compute_stats(caller, workspace_id))
            .await
    }

    async fn compute_stats(
        &self,
        caller: &Caller,
        workspace_id: &str,
    ) -> Result<domain::task::WorkspaceStats> {
        use domain::task::{DayCount, WorkspaceStats};
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT status AS key, count() AS n FROM task WHERE workspace = type::record('workspace', $ws) GROUP BY key;\
                 SELECT priority AS key, count() AS n FROM task WHERE workspace = type::record('workspace', $ws) GROUP BY key;\
                 SELECT count() AS n FROM task WHERE workspace = type::record('workspace', $ws) \
                   AND due_at != NONE AND due_at < time::now() AND completed_at = NONE GROUP ALL;\
                 SELECT time::format(completed_at, '%Y-%m-%d') AS key, count() AS n FROM task \
                   WHERE workspace = type::record('workspace', $ws) AND completed_at != NONE AND completed_at > time::now() - 30d GROUP BY key;\
                 SELECT count() AS n FROM task WHERE workspace = type::record('workspace', $ws) \
                   AND $uid IN assignee_ids AND completed_at = NONE GROUP ALL;",
            )
            .bind(("ws", workspace_id.to_owned()))
            .bind(("uid", caller.user_id.clone()))
            .await?
            .check()?;
        let to_map = |rows: Vec<KeyCount>| {
            rows.into_iter()
                .map(|r| (r.key, u64::try_from(r.n).unwrap_or(0)))
                .collect::<BTreeMap<_, _>>()
        };
        let by_status: Vec<KeyCount> = res.take(0)?;
        let by_priority: Vec<KeyCount> = res.take(1)?;
        let overdue: Vec<CountOnly> = res.take(2)?;
        let per_day = to_map(res.take(3)?);
        let mine: Vec<CountOnly> = res.take(4)?;

        let ws = self.get_workspace(caller, workspace_id).await?;
        let mut by_status_map = to_map(by_status);
        for c in &ws.columns {
            by_status_map.entry(c.key.clone()).or_insert(0);
        }
        let mut by_priority_map = to_map(by_priority);
        for p in ["low", "medium", "high", "urgent"] {
            by_priority_map.entry(p.to_owned()).or_insert(0);
        }
        let today = chrono::Utc::now().date_naive();
        let completed_per_day = (0..30)
            .rev()
            .map(|back| {
                let date = (today - chrono::Duration::days(back))
                    .format("%Y-%m-%d")
                    .to_string();
                DayCount {
                    count: per_day.get(&date).copied().unwrap_or(0),
                    date,
                }
            })
            .collect();
        let first =
            |rows: Vec<CountOnly>| rows.first().map_or(0, |r| u64::try_from(r.n).unwrap_or(0));
        Ok(WorkspaceStats {
            by_status: by_status_map,
            by_priority: by_priority_map,
            overdue: first(overdue),
            completed_per_day,
            my_open: first(mine),
        })
    }
}

impl Services {
    /// The board page in one call: the workspace, its members, and per column the first
    /// `per_column` cards plus the column's total (the rest load on demand).
    pub async fn board_data(
        &self,
        caller: &Caller,
        workspace_id: &str,
        per_column: u32,
    ) -> Result<domain::task::BoardData> {
        // Read first: whatever changes while the rest is read arrives live after it.
        let version = self.workspace_version(caller, workspace_id).await?;
        let workspace = self.get_workspace(caller, workspace_id).await?;
        let members = self.list_members(caller, workspace_id).await?;
        let mut res = self
            .database()
            .client()
            .query("SELECT status AS key, count() AS n FROM task WHERE workspace = type::record('workspace', $ws) GROUP BY key")
            .bind(("ws", workspace_id.to_owned()))
            .await?
            .check()?;
        let totals: BTreeMap<String, u64> = res
            .take::<Vec<KeyCount>>(0)?
            .into_iter()
            .map(|r| (r.key, u64::try_from(r.n).unwrap_or(0)))
            .collect();
        let mut columns = Vec::with_capacity(workspace.columns.len());
        for column in &workspace.columns {
            let page = self
                .list_tasks(
                    caller,
                    workspace_id,
                    &TaskQuery {
                        status: Some(column.key.clone()),
                        limit: Some(per_column),
                        ..Default::default()
                    },
                )
                .await?;
            columns.push(domain::task::ColumnPage {
                key: column.key.clone(),
                total: totals.get(&column.key).copied().unwrap_or(0),
                tasks: page.items,
                next_cursor: page.next_cursor,
            });
        }
        Ok(domain::task::BoardData {
            version,
            workspace,
            members,
            columns,
        })
    }

    /// The task panel in one call.
    pub async fn task_detail(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<domain::task::TaskDetail> {
        let (row, workspace) = self.task_for(caller, task_id).await?;
        Ok(domain::task::TaskDetail {
            task: row.view(),
            members: self.list_members(caller, &workspace.id).await?,
            comments: self.list_comments(caller, task_id).await?,
            activity: self.task_activity(caller, task_id).await?,
            attachments: self.list_attachments(caller, task_id).await?,
            workspace,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap()
    }

    /// Tasks are read whole and converted here: ids and times come out exactly as SurrealQL's
    /// `record::id()` and `<string>` render them (what the API always answered).
    #[tokio::test]
    async fn task_rows_render_ids_and_times_as_surrealql_does() {
        let s = crate::services::test_services(Default::default(), None).await;
        let (caller, ws) = crate::services::test_owner(&s, "r@example.com").await;
        let request: CreateTaskRequest = serde_json::from_value(serde_json::json!({
            "title": "Rendered",
            "due_at": "2026-12-01T09:00:00.120Z",
            "start_at": "2026-11-30T08:00:00Z",
        }))
        .unwrap();
        let created = s.create_task(&caller, &ws.id, &request).await.unwrap();
        let moved = s
            .move_task(
                &caller,
                &created.id,
                &MoveTaskRequest {
                    status: "done".into(),
                    before_id: None,
                    after_id: None,
                },
            )
            .await
            .unwrap();
        assert!(moved.completed_at.is_some(), "{moved:?}");
        let mut res = s
            .database()
            .client()
            .query(format!(
                "SELECT {TASK_FIELDS} FROM ONLY type::record('task', $id);\
                 SELECT record::id(id) AS id, record::id(workspace) AS workspace_id, \
                   record::id(created_by) AS created_by, <string> due_at AS due_at, \
                   <string> start_at AS start_at, <string> created_at AS created_at, \
                   <string> updated_at AS updated_at, <string> completed_at AS completed_at \
                 FROM ONLY type::record('task', $id);"
            ))
            .bind(("id", created.id.clone()))
            .await
            .unwrap();
        let row: Option<TaskRow> = res.take(0).unwrap();
        let view = row.expect("the task").view();
        #[derive(Debug, SurrealValue)]
        struct Casts {
            id: String,
            workspace_id: String,
            created_by: String,
            due_at: Option<String>,
            start_at: Option<String>,
            created_at: String,
            updated_at: String,
            completed_at: Option<String>,
        }
        let cast: Option<Casts> = res.take(1).unwrap();
        let cast = cast.expect("the casts");
        assert_eq!(view.id, cast.id);
        assert_eq!(view.workspace_id, cast.workspace_id);
        assert_eq!(view.created_by, cast.created_by);
        assert_eq!(view.due_at, cast.due_at);
        assert_eq!(view.start_at, cast.start_at);
        assert_eq!(view.created_at, cast.created_at);
        assert_eq!(view.updated_at, cast.updated_at);
        assert_eq!(view.completed_at, cast.completed_at);
        assert_eq!(view.due_at.as_deref(), Some("2026-12-01T09:00:00.120Z"));
        assert_eq!(view, moved, "the move answered the same task");
    }

    /// The gap guard trusts an unchanged workspace version and scans the column otherwise.
    #[tokio::test]
    async fn the_slot_guard_scans_the_column_once_the_workspace_moved_on() {
        let s = crate::services::test_services(Default::default(), None).await;
        let (caller, ws) = crate::services::test_owner(&s, "g@example.com").await;
        let task = |title: &str| -> CreateTaskRequest {
            serde_json::from_value(serde_json::json!({ "title": title })).unwrap()
        };
        let first = s
            .create_task(&caller, &ws.id, &task("first"))
            .await
            .unwrap();
        // A card lands right after `first`: the gap read before it is taken.
        s.create_task(&caller, &ws.id, &task("second"))
            .await
            .unwrap();
        let version = |s: Services, id: String| async move {
            let mut res = s
                .database()
                .client()
                .query("SELECT VALUE version FROM ONLY type::record('workspace', $ws)")
                .bind(("ws", id))
                .await
                .unwrap();
            let v: Option<i64> = res.take(0).unwrap();
            v.unwrap()
        };
        let now = version(s.clone(), ws.id.clone()).await;
        // `bumped`: inside a change's transaction, the version it just assigned (`$tm_w`).
        let guard = |seen: Option<i64>, bumped: Option<i64>| {
            let s = s.clone();
            let ws = ws.id.clone();
            let slot = Slot {
                status: first.status.clone(),
                above: Some(first.position.clone()),
                below: None,
                moving: "newcomer".into(),
                seen,
            };
            async move {
                let sql = match bumped {
                    Some(_) => format!("LET $tm_w = {{ version: $bumped }};\n{}", slot.guard()),
                    None => slot.guard(),
                };
                let res = slot
                    .bind(s.database().client().query(sql))
                    .bind(("ws", ws))
                    .bind(("bumped", bumped))
                    .await
                    .unwrap();
                res.check().err().map(|e| e.to_string())
            }
        };
        for bumped in [None, Some(now + 1)] {
            assert_eq!(
                guard(Some(now), bumped).await,
                None,
                "unchanged version: no scan ({bumped:?})"
            );
            for seen in [Some(now - 1), None] {
                let thrown = guard(seen, bumped).await.expect("the gap is taken");
                assert!(thrown.contains("tm:slot_taken"), "{thrown}");
            }
        }
    }

    #[test]
    fn next_due_follows_the_rule() {
        assert_eq!(
            next_due(&Recurrence::Daily, at(2026, 12, 31)),
            at(2027, 1, 1)
        );
        assert_eq!(
            next_due(&Recurrence::EveryNDays { n: 10 }, at(2026, 11, 26)),
            at(2026, 12, 6)
        );
        // 2026-11-26 is a Thursday; next Monday or Wednesday is Monday the 30th.
        assert_eq!(
            next_due(
                &Recurrence::Weekly {
                    weekdays: vec![1, 3]
                },
                at(2026, 11, 26)
            ),
            at(2026, 11, 30)
        );
        assert_eq!(
            next_due(&Recurrence::Weekly { weekdays: vec![4] }, at(2026, 11, 26)),
            at(2026, 12, 3)
        );
        assert_eq!(
            next_due(&Recurrence::Monthly, at(2026, 1, 31)),
            at(2026, 2, 28)
        );
        assert_eq!(
            next_due(&Recurrence::Monthly, at(2026, 12, 15)),
            at(2027, 1, 15)
        );
    }
}
