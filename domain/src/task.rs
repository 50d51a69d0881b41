//! Tasks: the shapes of the API contract and their validation, shared with the browser.

use serde::{Deserialize, Serialize};

use crate::account::FieldErrors;
use crate::error::ApiError;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Medium,
    High,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            "urgent" => Some(Self::Urgent),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    /// Kept when sent; an empty or absent id gets a new one.
    #[serde(default)]
    pub id: String,
    /// Trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub text: String,
    #[serde(default)]
    pub done: bool,
}

/// How a task repeats when completed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recurrence {
    Daily,
    /// Weekdays 1 (Monday) to 7 (Sunday).
    Weekly {
        #[cfg_attr(feature = "openapi", schema(min_items = 1, minimum = 1, maximum = 7))]
        weekdays: Vec<u8>,
    },
    Monthly,
    EveryNDays {
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
        n: u16,
    },
}

impl Recurrence {
    pub fn validate(&self) -> Result<(), &'static str> {
        match self {
            Self::Weekly { weekdays }
                if weekdays.is_empty() || weekdays.iter().any(|d| !(1..=7).contains(d)) =>
            {
                Err("weekdays are 1 (Monday) to 7 (Sunday), at least one")
            }
            Self::EveryNDays { n } if *n == 0 || *n > 365 => Err("n is 1 to 365"),
            _ => Ok(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Task))]
pub struct TaskView {
    pub id: String,
    pub workspace_id: String,
    pub title: String,
    /// Markdown.
    pub description: String,
    /// `description` rendered from Markdown and sanitised on the server (no script survives).
    pub description_html: String,
    /// A column key of the workspace.
    pub status: String,
    pub priority: Priority,
    pub labels: Vec<String>,
    /// User ids of members.
    pub assignee_ids: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime, required = true))]
    pub due_at: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime, required = true))]
    pub start_at: Option<String>,
    pub checklist: Vec<ChecklistItem>,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub recurrence: Option<Recurrence>,
    /// Sorts the cards of a column (fractional key).
    pub position: String,
    /// Increases by one on every change.
    pub version: i64,
    /// The creator's user id.
    pub created_by: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: String,
    /// Set while the task is in a `done` column.
    #[cfg_attr(feature = "openapi", schema(format = DateTime, required = true))]
    pub completed_at: Option<String>,
}

/// A comment on a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Comment))]
pub struct CommentView {
    pub id: String,
    pub task_id: String,
    pub author_id: String,
    /// Markdown.
    pub body: String,
    /// `body` rendered from Markdown and sanitised on the server.
    pub body_html: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCommentRequest {
    /// Markdown, 1 to 10000 characters after trimming.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000))]
    pub body: String,
}

pub fn parse_comment(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    match s.chars().count() {
        0 => Err("is required"),
        n if n > 10_000 => Err("must be at most 10000 characters"),
        _ => Ok(s.to_owned()),
    }
}

pub fn parse_title(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    match s.chars().count() {
        0 => Err("is required"),
        n if n > 200 => Err("must be at most 200 characters"),
        _ if s.chars().any(char::is_control) => Err("must not contain control characters"),
        _ => Ok(s.to_owned()),
    }
}

pub fn validate_description(s: &str) -> Result<(), &'static str> {
    if s.chars().count() > 20_000 {
        Err("must be at most 20000 characters")
    } else {
        Ok(())
    }
}

/// Labels: up to 20, each 1–40 characters, trimmed, without duplicates.
pub fn parse_labels(labels: &[String]) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for l in labels {
        let l = l.trim();
        if l.is_empty() || l.chars().count() > 40 {
            return Err("each label is 1 to 40 characters");
        }
        if !out.iter().any(|x| x == l) {
            out.push(l.to_owned());
        }
    }
    if out.len() > 20 {
        return Err("at most 20 labels");
    }
    Ok(out)
}

pub fn validate_checklist(items: &[ChecklistItem]) -> Result<(), &'static str> {
    if items.len() > 100 {
        return Err("at most 100 items");
    }
    if items
        .iter()
        .any(|i| i.text.trim().is_empty() || i.text.chars().count() > 500)
    {
        return Err("each item is 1 to 500 characters");
    }
    Ok(())
}

/// `POST /workspaces/{id}/tasks`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(
        description = "A new task: only the title is required. Defaults: the first column, \
            medium priority; the task goes to the end of its column."
    )
)]
pub struct CreateTaskRequest {
    /// 1 to 200 characters after trimming, no control characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    /// Markdown.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub description: Option<String>,
    /// A column key of the workspace.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Trimmed, duplicates dropped; each 1 to 40 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_items = 20, min_length = 1, max_length = 40)
    )]
    pub labels: Option<Vec<String>>,
    /// User ids of members.
    #[serde(default)]
    pub assignee_ids: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub due_at: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub start_at: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub checklist: Option<Vec<ChecklistItem>>,
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
}

/// `PATCH /tasks/{id}`: any field, plus the `version` the client last saw. A field sent as
/// `null` clears it (dates, recurrence).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateTaskRequest {
    /// The task's current version, as last seen; anything else is a 409 `version_conflict`.
    pub version: i64,
    /// 1 to 200 characters after trimming, no control characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    /// Markdown.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000))]
    pub description: Option<String>,
    /// A column key of the workspace.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Trimmed, duplicates dropped; each 1 to 40 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_items = 20, min_length = 1, max_length = 40)
    )]
    pub labels: Option<Vec<String>>,
    /// User ids of members.
    #[serde(default)]
    pub assignee_ids: Option<Vec<String>>,
    /// `null` clears it.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub due_at: Option<Option<String>>,
    /// `null` clears it.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub start_at: Option<Option<String>>,
    /// The whole new checklist.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub checklist: Option<Vec<ChecklistItem>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    /// `null` stops the repetition.
    pub recurrence: Option<Option<Recurrence>>,
}

/// Absent → `None`; `null` → `Some(None)`; a value → `Some(Some(v))`.
fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// `POST /tasks/{id}/move`: into `status`, between the cards `after_id` (above) and `before_id`
/// (below); neither means the end of the column.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveTaskRequest {
    /// The target column's key.
    pub status: String,
    /// The card that will be just below the moved one, in the target column.
    #[serde(default)]
    pub before_id: Option<String>,
    /// The card that will be just above the moved one, in the target column.
    #[serde(default)]
    pub after_id: Option<String>,
}

/// Field checks that need no database, collected into one 422.
pub fn check_fields(
    title: Option<&str>,
    description: Option<&str>,
    labels: Option<&[String]>,
    checklist: Option<&[ChecklistItem]>,
    recurrence: Option<&Recurrence>,
) -> Result<(Option<String>, Option<Vec<String>>), ApiError> {
    let mut errors = FieldErrors::default();
    let title = title.and_then(|t| errors.check("title", parse_title(t)));
    if let Some(d) = description {
        errors.check("description", validate_description(d));
    }
    let labels = labels.and_then(|l| errors.check("labels", parse_labels(l)));
    if let Some(c) = checklist {
        errors.check("checklist", validate_checklist(c));
    }
    if let Some(r) = recurrence {
        errors.check("recurrence", r.validate());
    }
    if errors.is_empty() {
        Ok((title, labels))
    } else {
        Err(errors.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_distinguishes_absent_from_null() {
        let p: UpdateTaskRequest = serde_json::from_str(r#"{"version":3,"due_at":null}"#).unwrap();
        assert_eq!(p.due_at, Some(None));
        assert_eq!(p.start_at, None);
        let p: UpdateTaskRequest =
            serde_json::from_str(r#"{"version":3,"due_at":"2026-12-01T00:00:00Z"}"#).unwrap();
        assert_eq!(p.due_at, Some(Some("2026-12-01T00:00:00Z".into())));
    }

    #[test]
    fn recurrence_has_a_tagged_shape() {
        let r: Recurrence = serde_json::from_str(r#"{"kind":"weekly","weekdays":[1,3]}"#).unwrap();
        assert!(r.validate().is_ok());
        assert!(Recurrence::Weekly { weekdays: vec![8] }.validate().is_err());
        assert!(Recurrence::EveryNDays { n: 0 }.validate().is_err());
    }

    #[test]
    fn labels_are_trimmed_and_deduplicated() {
        let l = parse_labels(&[" bug ".into(), "bug".into(), "ui".into()]).unwrap();
        assert_eq!(l, ["bug", "ui"]);
        assert!(parse_labels(&[" ".into()]).is_err());
    }
}

/// `GET /workspaces/{id}/stats`, computed by the database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkspaceStats {
    /// Tasks per column key; every column, with zeros.
    pub by_status: std::collections::BTreeMap<String, u64>,
    /// Tasks per priority: low, medium, high, urgent, with zeros.
    pub by_priority: std::collections::BTreeMap<String, u64>,
    /// Open tasks whose `due_at` has passed.
    pub overdue: u64,
    /// The last 30 days (UTC), oldest first, days without completions included.
    pub completed_per_day: Vec<DayCount>,
    /// Open tasks assigned to the caller.
    pub my_open: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCount {
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    pub count: u64,
}

/// A file attached to a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Attachment))]
pub struct AttachmentView {
    pub id: String,
    pub task_id: String,
    /// The uploaded file's name: its last path component, without control characters or quotes.
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub filename: String,
    /// Sniffed from the bytes on upload, never taken from the client: image/png, image/jpeg,
    /// image/gif, image/webp, image/svg+xml, application/pdf, application/zip, application/gzip,
    /// application/x-7z-compressed, audio/mpeg, audio/ogg, video/webm, video/mp4, text/html,
    /// text/plain or application/octet-stream.
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// The uploader's user id.
    pub uploaded_by: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
}

impl AttachmentView {
    /// Raster images a browser may show inline; everything else is served as a download.
    pub fn is_inline_image(&self) -> bool {
        is_safe_image(&self.content_type)
    }
}

/// PNG, JPEG, GIF and WebP: formats that cannot carry script. (SVG can, and is not one.)
pub fn is_safe_image(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// One search result: the task, its relevance, and HTML snippets with the matches in `<mark>`
/// (everything else escaped).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub task: TaskView,
    /// Relevance, higher is better (BM25; title matches weigh double, comment matches half),
    /// rounded to three decimals.
    pub score: f64,
    /// HTML snippets of the parts that matched, by part: `title` (the whole title),
    /// `description` (about 160 characters around the first match, whitespace collapsed, with an
    /// ellipsis where the text was cut) and `comment` (the same kind of snippet from one matching
    /// comment). The text is escaped and each match is wrapped in `<mark>...</mark>`; a key is
    /// present only when that part matched.
    pub highlights: std::collections::BTreeMap<String, String>,
}

/// A named task-list filter a member keeps for a workspace; `query` is a list query string
/// (`status=todo&priority=high`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedFilter {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    /// A task-list query string, e.g. `status=todo&priority=high` (see
    /// `GET /workspaces/{id}/tasks`).
    pub query: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveFilterRequest {
    /// Trimmed; unique among the caller's filters in the workspace, ignoring case.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 60))]
    pub name: String,
    /// `key=value` pairs joined by `&`, keys among status, priority, assignee, label, q,
    /// due_before, due_after, sort; a leading `?` is dropped; may be empty.
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub query: String,
}

/// A row an import refused, numbered from 1 (CSV: the line after the header; JSON: the task's
/// place in `tasks`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedRow {
    /// Numbered from 1. CSV: the record after the header; JSON: the task's place in `tasks`,
    /// once the tasks are ordered by position.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub row: usize,
    /// Why, by field (title, status, priority, due_at, comments[0].body, row, ...).
    pub errors: std::collections::BTreeMap<String, String>,
}

/// What an import did, or would do: nothing is imported when any row is rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Tasks imported; with `dry_run`, tasks that would be; 0 when any row was rejected.
    pub imported: usize,
    pub rejected: Vec<RejectedRow>,
    /// Things fixed on the way in, e.g. a column added or an assignee who is not a member
    /// dropped.
    pub warnings: Vec<String>,
    pub dry_run: bool,
}

/// List filters and paging, as the REST query string gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct TaskQuery {
    /// Only tasks in this column (a column key).
    pub status: Option<String>,
    /// Only tasks of this priority.
    #[cfg_attr(feature = "openapi", param(value_type = Option<Priority>))]
    pub priority: Option<String>,
    /// Only tasks assigned to this user id.
    pub assignee: Option<String>,
    /// Only tasks with this label.
    pub label: Option<String>,
    /// Only tasks with this text in the title or description, ignoring case.
    pub q: Option<String>,
    /// Only tasks due before this time (RFC 3339).
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub due_before: Option<String>,
    /// Only tasks due after this time (RFC 3339).
    #[cfg_attr(feature = "openapi", param(format = DateTime))]
    pub due_after: Option<String>,
    /// The order: `position` (default: by column, then position), `due_at`, `priority`
    /// (most urgent first), `created_at` or `updated_at` (newest first).
    #[cfg_attr(
        feature = "openapi",
        param(pattern = "^(position|due_at|priority|created_at|updated_at)$")
    )]
    pub sort: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size: 1 to 100, default 50.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u32>,
}

/// A page of tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskPage {
    pub items: Vec<TaskView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub next_cursor: Option<String>,
}

/// An activity entry as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Activity))]
pub struct ActivityView {
    pub id: String,
    /// What happened: task.created, task.updated, task.moved, task.deleted, comment.created,
    /// attachment.added or attachment.removed.
    pub kind: String,
    /// The user id of who did it.
    pub actor_id: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub at: String,
    /// The details, by kind (e.g. the fields that changed).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// One board column as the board page first shows it: the first cards and how many there are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnPage {
    pub key: String,
    pub total: u64,
    pub tasks: Vec<TaskView>,
    pub next_cursor: Option<String>,
}

/// Everything the board page needs in one round trip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardData {
    /// The workspace's version when this was read: live updates resume from it.
    #[serde(default)]
    pub version: i64,
    pub workspace: crate::workspace::WorkspaceView,
    pub members: Vec<crate::workspace::MemberView>,
    pub columns: Vec<ColumnPage>,
}

/// Everything the task panel shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub task: TaskView,
    pub workspace: crate::workspace::WorkspaceView,
    pub members: Vec<crate::workspace::MemberView>,
    pub comments: Vec<CommentView>,
    pub activity: Vec<ActivityView>,
    pub attachments: Vec<AttachmentView>,
}
