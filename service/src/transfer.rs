//! Export a workspace (JSON: complete and re-importable; CSV: the tasks) and import our JSON or a
//! CSV of tasks. Every row is checked first; when any row is rejected nothing is imported and
//! the report says which rows and why. The import itself is one transaction.

use std::collections::{BTreeMap, HashMap};

use domain::position;
use domain::task::{
    check_fields, ChecklistItem, ImportReport, Priority, Recurrence, RejectedRow, TaskView,
};
use domain::workspace::{Column, ColumnCategory, Role};
use domain::ErrorCode;
use serde::{Deserialize, Serialize};
use surrealdb::types::SurrealValue;

use crate::accounts::{new_id, Caller};
use crate::changes::Change;
use crate::error::{Error, Result};
use crate::services::Services;
use crate::tasks::{
    checklist_rows, parse_time, require_editor, ChecklistRow, TaskRow, TASK_FIELDS,
};

pub const EXPORT_FORMAT: &str = "taskmanager.workspace";
pub const EXPORT_FORMAT_VERSION: u32 = 1;
/// More rows than this in one import is refused outright.
pub const MAX_IMPORT_ROWS: usize = 10_000;

/// The JSON export: everything needed to rebuild the workspace's board elsewhere.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkspaceExport {
    pub format: String,
    pub format_version: u32,
    #[serde(default)]
    pub exported_at: String,
    pub workspace: ExportedWorkspace,
    #[serde(default)]
    pub members: Vec<ExportedMember>,
    pub tasks: Vec<ExportedTask>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportedWorkspace {
    #[serde(default)]
    pub id: String,
    pub name: String,
    pub columns: Vec<Column>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportedMember {
    pub email: String,
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ExportedTask {
    #[serde(default)]
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    /// Emails of members.
    #[serde(default)]
    pub assignees: Vec<String>,
    #[serde(default)]
    pub due_at: Option<String>,
    #[serde(default)]
    pub start_at: Option<String>,
    #[serde(default)]
    pub checklist: Vec<ChecklistItem>,
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub comments: Vec<ExportedComment>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportedComment {
    /// Email of the author.
    #[serde(default)]
    pub author: String,
    pub body: String,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// What an import reads.
pub enum ImportSource {
    Json(Box<WorkspaceExport>),
    Csv(String),
}

const CSV_HEADER: [&str; 11] = [
    "id",
    "title",
    "description",
    "status",
    "priority",
    "labels",
    "assignees",
    "due_at",
    "start_at",
    "created_at",
    "completed_at",
];

/// Spreadsheets run cells starting with these as formulas: prefix a quote on export, drop it on
/// import.
fn csv_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn csv_unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Clone, Debug, SurrealValue)]
struct NewTask {
    id: String,
    title: String,
    description: String,
    status: String,
    priority: String,
    labels: Vec<String>,
    assignee_ids: Vec<String>,
    due_at: Option<String>,
    start_at: Option<String>,
    checklist: Vec<ChecklistRow>,
    recurrence_json: Option<String>,
    position: String,
    created_at: Option<String>,
    completed_at: Option<String>,
}

#[derive(Clone, Debug, SurrealValue)]
struct NewComment {
    task: String,
    author: String,
    body: String,
    created_at: Option<String>,
}

#[derive(Debug, SurrealValue)]
struct CommentExportRow {
    task_id: String,
    author_email: Option<String>,
    body: String,
    created_at: String,
}

impl Services {
    async fn export_parts(
        &self,
        caller: &Caller,
        workspace_id: &str,
    ) -> Result<(
        domain::workspace::WorkspaceView,
        Vec<domain::workspace::MemberView>,
        Vec<TaskView>,
    )> {
        let ws = self.get_workspace(caller, workspace_id).await?;
        let members = self.list_members(caller, workspace_id).await?;
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT {TASK_FIELDS} FROM task WHERE workspace = type::record('workspace', $ws) ORDER BY status, position"
            ))
            .bind(("ws", workspace_id.to_owned()))
            .await?
            .check()?;
        let rows: Vec<TaskRow> = res.take(0)?;
        Ok((ws, members, rows.into_iter().map(TaskRow::view).collect()))
    }

    /// The whole workspace as our JSON format (any member may export what they can read).
    pub async fn export_json(
        &self,
        caller: &Caller,
        workspace_id: &str,
    ) -> Result<WorkspaceExport> {
        let (ws, members, tasks) = self.export_parts(caller, workspace_id).await?;
        let email_of: HashMap<&str, &str> = members
            .iter()
            .map(|m| (m.user_id.as_str(), m.email.as_str()))
            .collect();
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(task) AS task_id, author.email AS author_email, body, <string> created_at AS created_at, created_at AS t \
                 FROM comment WHERE workspace = type::record('workspace', $ws) ORDER BY t",
            )
            .bind(("ws", workspace_id.to_owned()))
            .await?
            .check()?;
        let comments: Vec<CommentExportRow> = res.take(0)?;
        let mut by_task: HashMap<String, Vec<ExportedComment>> = HashMap::new();
        for c in comments {
            by_task.entry(c.task_id).or_default().push(ExportedComment {
                author: c.author_email.unwrap_or_default(),
                body: c.body,
                created_at: Some(c.created_at),
            });
        }
        let tasks = tasks
            .into_iter()
            .map(|t| ExportedTask {
                comments: by_task.remove(&t.id).unwrap_or_default(),
                assignees: t
                    .assignee_ids
                    .iter()
                    .filter_map(|id| email_of.get(id.as_str()).map(|e| (*e).to_owned()))
                    .collect(),
                created_by: email_of.get(t.created_by.as_str()).map(|e| (*e).to_owned()),
                id: t.id,
                title: t.title,
                description: t.description,
                status: Some(t.status),
                priority: Some(t.priority.as_str().to_owned()),
                labels: t.labels,
                due_at: t.due_at,
                start_at: t.start_at,
                checklist: t.checklist,
                recurrence: t.recurrence,
                position: Some(t.position),
                created_at: Some(t.created_at),
                completed_at: t.completed_at,
            })
            .collect();
        Ok(WorkspaceExport {
            format: EXPORT_FORMAT.to_owned(),
            format_version: EXPORT_FORMAT_VERSION,
            exported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            workspace: ExportedWorkspace {
                id: ws.id,
                name: ws.name,
                columns: ws.columns,
            },
            members: members
                .into_iter()
                .map(|m| ExportedMember {
                    email: m.email,
                    name: m.name,
                    role: m.role,
                })
                .collect(),
            tasks,
        })
    }

    /// The tasks as CSV (one row each, header first).
    pub async fn export_csv(&self, caller: &Caller, workspace_id: &str) -> Result<String> {
        let (_, members, tasks) = self.export_parts(caller, workspace_id).await?;
        let email_of: HashMap<&str, &str> = members
            .iter()
            .map(|m| (m.user_id.as_str(), m.email.as_str()))
            .collect();
        let mut w = csv::Writer::from_writer(Vec::new());
        let csv_err = |e: csv::Error| Error::Internal(format!("writing CSV: {e}"));
        w.write_record(CSV_HEADER).map_err(csv_err)?;
        for t in tasks {
            let assignees: Vec<&str> = t
                .assignee_ids
                .iter()
                .filter_map(|id| email_of.get(id.as_str()).copied())
                .collect();
            w.write_record([
                t.id,
                csv_safe(&t.title),
                csv_safe(&t.description),
                t.status,
                t.priority.as_str().to_owned(),
                csv_safe(&t.labels.join(";")),
                assignees.join(";"),
                t.due_at.unwrap_or_default(),
                t.start_at.unwrap_or_default(),
                t.created_at,
                t.completed_at.unwrap_or_default(),
            ])
            .map_err(csv_err)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
        String::from_utf8(bytes).map_err(|e| Error::Internal(format!("CSV is not UTF-8: {e}")))
    }

    /// Imports tasks (editors and owners). With `dry_run`, or when any row is rejected, nothing
    /// is written. A JSON export's columns missing here are added when the caller is an owner.
    pub async fn import_tasks(
        &self,
        caller: &Caller,
        workspace_id: &str,
        source: ImportSource,
        dry_run: bool,
    ) -> Result<ImportReport> {
        caller.require_write()?;
        let ws = self.get_workspace(caller, workspace_id).await?;
        require_editor(&ws, "importing tasks")?;
        let members = self.list_members(caller, workspace_id).await?;
        let user_of: HashMap<String, String> = members
            .iter()
            .map(|m| (m.email.to_lowercase(), m.user_id.clone()))
            .collect();
        let mut report = ImportReport {
            dry_run,
            ..Default::default()
        };
        let mut columns = ws.columns.clone();
        let (rows, added_columns) = match source {
            ImportSource::Json(doc) => {
                if doc.format != EXPORT_FORMAT || doc.format_version != EXPORT_FORMAT_VERSION {
                    return Err(field_error_top(
                        "format",
                        &format!("must be {EXPORT_FORMAT} version {EXPORT_FORMAT_VERSION}"),
                    ));
                }
                let mut added = false;
                for c in doc.workspace.columns {
                    if columns.iter().any(|k| k.key == c.key) {
                        continue;
                    }
                    if ws.role.can_manage() && columns.len() < 20 {
                        report
                            .warnings
                            .push(format!("column {:?} ({}) was added", c.name, c.key));
                        columns.push(c);
                        added = true;
                    }
                }
                // Row numbers follow the file; creation follows the exported order of each column.
                let mut tasks: Vec<(usize, CsvRow)> = doc
                    .tasks
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| (i + 1, (t, Vec::new())))
                    .collect();
                tasks.sort_by(|a, b| a.1 .0.position.cmp(&b.1 .0.position));
                (tasks, added)
            }
            ImportSource::Csv(text) => (
                parse_csv(&text)?
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| (i + 1, r))
                    .collect(),
                false,
            ),
        };
        if rows.len() > MAX_IMPORT_ROWS {
            return Err(field_error_top(
                "file",
                &format!(
                    "has {} rows; at most {MAX_IMPORT_ROWS} are imported at once",
                    rows.len()
                ),
            ));
        }
        if added_columns {
            domain::workspace::validate_columns(&columns)
                .map_err(|why| field_error_top("columns", why))?;
        }

        // Positions are computed from each column's last card: the workspace's turn is held
        // from here to the commit, and the transaction re-checks that no card arrived after
        // those last cards meanwhile (from another instance).
        let turn = self.change_turn(workspace_id).await;
        let mut last: HashMap<String, Option<String>> = HashMap::new();
        let mut starts: Vec<ColumnStart> = Vec::new();
        let mut new_tasks = Vec::new();
        let mut new_comments = Vec::new();
        for (row_number, (t, row_errors)) in rows {
            let mut errors: BTreeMap<String, String> = row_errors.into_iter().collect();
            let (title, labels) = match check_fields(
                Some(&t.title),
                Some(&t.description),
                Some(&t.labels),
                Some(&t.checklist),
                t.recurrence.as_ref(),
            ) {
                Ok(ok) => ok,
                Err(e) => {
                    errors.extend(e.fields.unwrap_or_default());
                    (None, None)
                }
            };
            let status = t
                .status
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| columns.first().map(|c| c.key.clone()).unwrap_or_default());
            let category = columns.iter().find(|c| c.key == status).map(|c| c.category);
            if category.is_none() {
                errors.insert(
                    "status".into(),
                    format!("{status:?} is not a column of this workspace"),
                );
            }
            let priority = match t
                .priority
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                None => Priority::default(),
                Some(p) => Priority::parse(p).unwrap_or_else(|| {
                    errors.insert(
                        "priority".into(),
                        "is one of low, medium, high, urgent".into(),
                    );
                    Priority::default()
                }),
            };
            let mut time = |field: &str, v: &Option<String>| -> Option<String> {
                let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
                match parse_time(field, v) {
                    Ok(t) => Some(t),
                    Err(_) => {
                        errors.insert(field.into(), "must be an RFC 3339 time".into());
                        None
                    }
                }
            };
            let due_at = time("due_at", &t.due_at);
            let start_at = time("start_at", &t.start_at);
            let created_at = time("created_at", &t.created_at);
            let completed_at = time("completed_at", &t.completed_at);
            let mut assignee_ids = Vec::new();
            for email in &t.assignees {
                match user_of.get(&email.trim().to_lowercase()) {
                    Some(id) if !assignee_ids.contains(id) => assignee_ids.push(id.clone()),
                    Some(_) => {}
                    None => report.warnings.push(format!(
                        "row {row_number}: {email} is not a member; not assigned"
                    )),
                }
            }
            for (j, c) in t.comments.iter().enumerate() {
                if let Err(why) = domain::task::parse_comment(&c.body) {
                    errors.insert(format!("comments[{j}].body"), why.into());
                }
            }
            if !errors.is_empty() {
                report.rejected.push(RejectedRow {
                    row: row_number,
                    errors,
                });
                continue;
            }
            let slot = match last.get(&status) {
                Some(p) => p.clone(),
                None => {
                    let after = self.last_position(workspace_id, &status).await?;
                    starts.push(ColumnStart {
                        status: status.clone(),
                        after: after.clone(),
                    });
                    after
                }
            };
            let position = position::between(slot.as_deref(), None)
                .ok_or_else(|| Error::Internal("no position after the last card".into()))?;
            last.insert(status.clone(), Some(position.clone()));
            let id = new_id();
            let done = category == Some(ColumnCategory::Done);
            for c in &t.comments {
                new_comments.push(NewComment {
                    task: id.clone(),
                    author: user_of
                        .get(&c.author.trim().to_lowercase())
                        .cloned()
                        .unwrap_or_else(|| caller.user_id.clone()),
                    body: c.body.trim().to_owned(),
                    created_at: c
                        .created_at
                        .as_deref()
                        .and_then(|v| parse_time("created_at", v).ok()),
                });
            }
            new_tasks.push(NewTask {
                id,
                title: title.unwrap_or_default(),
                description: t.description,
                status,
                priority: priority.as_str().to_owned(),
                labels: labels.unwrap_or_default(),
                assignee_ids,
                due_at,
                start_at,
                checklist: checklist_rows(&t.checklist),
                recurrence_json: t
                    .recurrence
                    .as_ref()
                    .and_then(|r| serde_json::to_string(r).ok()),
                position,
                created_at,
                completed_at: if done {
                    completed_at.or_else(|| Some(now()))
                } else {
                    None
                },
            });
        }
        if !report.rejected.is_empty() || dry_run {
            report.imported = if dry_run && report.rejected.is_empty() {
                new_tasks.len()
            } else {
                0
            };
            return Ok(report);
        }
        report.imported = new_tasks.len();
        let column_rows: Option<serde_json::Value> = added_columns
            .then(|| serde_json::to_value(&columns))
            .transpose()
            .map_err(|e| Error::Internal(format!("columns: {e}")))?;
        let summary = serde_json::json!({"imported": report.imported}).to_string();
        let committed = self.commit_change_in_turn(
            &turn,
            caller,
            workspace_id,
            "FOR $g IN $starts {\
               IF count(SELECT VALUE id FROM task WHERE workspace = type::record('workspace', $ws) AND status = $g.status \
                 AND ($g.after = NONE OR position > $g.after)) > 0 { THROW 'tm:slot_taken' };\
             };\
                              IF $columns != NONE { UPDATE type::record('workspace', $ws) SET columns = $columns, updated_at = time::now() };\
                 FOR $t IN $tasks {\
                   CREATE type::record('task', $t.id) SET workspace = type::record('workspace', $ws), title = $t.title, \
                   description = $t.description, status = $t.status, priority = $t.priority, labels = $t.labels, \
                   assignee_ids = $t.assignee_ids, due_at = IF $t.due_at = NONE { NONE } ELSE { <datetime> $t.due_at }, \
                   start_at = IF $t.start_at = NONE { NONE } ELSE { <datetime> $t.start_at }, checklist = $t.checklist, \
                   recurrence_json = $t.recurrence_json, position = $t.position, created_by = type::record('user', $uid), \
                   created_at = IF $t.created_at = NONE { time::now() } ELSE { <datetime> $t.created_at }, \
                   completed_at = IF $t.completed_at = NONE { NONE } ELSE { <datetime> $t.completed_at };\
                   CREATE activity SET workspace = type::record('workspace', $ws), task = $t.id, kind = 'task.imported', \
                   actor = type::record('user', $uid), data_json = $summary;\
                 };\
                 FOR $c IN $comments {\
                   CREATE comment SET task = type::record('task', $c.task), workspace = type::record('workspace', $ws), \
                   author = type::record('user', $c.author), body = $c.body, \
                   created_at = IF $c.created_at = NONE { time::now() } ELSE { <datetime> $c.created_at };\
                 };\
                 ",
            Change::Workspace { kind: "workspace.imported", subject: workspace_id },
            |q| {
                q.bind(("uid", caller.user_id.clone()))
                    .bind(("columns", column_rows.clone()))
                    .bind(("tasks", new_tasks.clone()))
                    .bind(("comments", new_comments.clone()))
                    .bind(("summary", summary.clone()))
                    .bind(("starts", starts.clone()))
            },
        )
        .await;
        if let Err(e) = &committed {
            if crate::tasks::slot_taken(e) {
                return Err(Error::client(
                    ErrorCode::VersionConflict,
                    "The board changed while the file was being imported; nothing was imported. Please try again.",
                ));
            }
        }
        committed?;
        Ok(report)
    }
}

/// A column's last card when an import began (`None`: the column was empty).
#[derive(Clone, Debug, SurrealValue)]
struct ColumnStart {
    status: String,
    after: Option<String>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn field_error_top(field: &str, why: &str) -> Error {
    Error::validation([(field.to_owned(), why.to_owned())].into_iter().collect())
}

type CsvRow = (ExportedTask, Vec<(String, String)>);

/// Reads a CSV of tasks by its header (names as in our export; `title` required). Rows that
/// cannot be read become rows with errors, so the report lists them.
fn parse_csv(text: &str) -> Result<Vec<CsvRow>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| field_error_top("file", &format!("is not CSV: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if !header.iter().any(|h| h == "title") {
        return Err(field_error_top(
            "file",
            "needs a header row with a title column",
        ));
    }
    let unknown: Vec<&String> = header
        .iter()
        .filter(|h| !CSV_HEADER.contains(&h.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(field_error_top(
            "file",
            &format!(
                "has unknown columns {unknown:?}; known ones are {}",
                CSV_HEADER.join(", ")
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let mut errors = Vec::new();
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(("row".to_owned(), format!("cannot be read: {e}")));
                rows.push((ExportedTask::default(), errors));
                continue;
            }
        };
        if record.len() != header.len() {
            errors.push((
                "row".to_owned(),
                format!(
                    "has {} fields; the header has {}",
                    record.len(),
                    header.len()
                ),
            ));
        }
        let cell = |name: &str| -> Option<String> {
            let i = header.iter().position(|h| h == name)?;
            record.get(i).map(|c| csv_unescape(c).to_owned())
        };
        let opt = |name: &str| cell(name).filter(|c| !c.trim().is_empty());
        rows.push((
            ExportedTask {
                title: cell("title").unwrap_or_default(),
                description: cell("description").unwrap_or_default(),
                status: opt("status"),
                priority: opt("priority"),
                labels: cell("labels").map(|c| split_list(&c)).unwrap_or_default(),
                assignees: cell("assignees")
                    .map(|c| split_list(&c))
                    .unwrap_or_default(),
                due_at: opt("due_at"),
                start_at: opt("start_at"),
                created_at: opt("created_at"),
                completed_at: opt("completed_at"),
                ..Default::default()
            },
            errors,
        ));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_round_trip() {
        for cell in ["=SUM(A1)", "+1", "-x", "@me", "plain", "'quoted"] {
            assert_eq!(csv_unescape(&csv_safe(cell)), cell);
        }
        assert_eq!(csv_safe("=1"), "'=1");
    }

    #[test]
    fn csv_rows_keep_their_errors() {
        let rows =
            parse_csv("title,priority,labels\nA,high,x;y\n\"B, quoted\",low\n").expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0.labels, ["x", "y"]);
        assert!(rows[0].1.is_empty());
        assert_eq!(rows[1].0.title, "B, quoted");
        assert_eq!(rows[1].1.len(), 1, "a short row is reported");
        assert!(parse_csv("name\nx\n").is_err(), "no title column");
        assert!(
            parse_csv("title,colour\nx,red\n").is_err(),
            "unknown column"
        );
    }
}
