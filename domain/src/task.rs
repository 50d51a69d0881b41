//! Tasks: the shapes of the API contract and their validation, shared with the browser.

use serde::{Deserialize, Serialize};

use crate::account::FieldErrors;
use crate::error::ApiError;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
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
pub struct ChecklistItem {
    #[serde(default)]
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub done: bool,
}

/// How a task repeats when completed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recurrence {
    Daily,
    /// Weekdays 1 (Monday) to 7 (Sunday).
    Weekly {
        weekdays: Vec<u8>,
    },
    Monthly,
    EveryNDays {
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
pub struct TaskView {
    pub id: String,
    pub workspace_id: String,
    pub title: String,
    pub description: String,
    /// `description` rendered from Markdown and sanitised on the server.
    pub description_html: String,
    pub status: String,
    pub priority: Priority,
    pub labels: Vec<String>,
    pub assignee_ids: Vec<String>,
    pub due_at: Option<String>,
    pub start_at: Option<String>,
    pub checklist: Vec<ChecklistItem>,
    pub recurrence: Option<Recurrence>,
    pub position: String,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
}

/// A comment on a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: String,
    pub task_id: String,
    pub author_id: String,
    pub body: String,
    /// `body` rendered from Markdown and sanitised on the server.
    pub body_html: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateCommentRequest {
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
pub struct CreateTaskRequest {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub labels: Option<Vec<String>>,
    #[serde(default)]
    pub assignee_ids: Option<Vec<String>>,
    #[serde(default)]
    pub due_at: Option<String>,
    #[serde(default)]
    pub start_at: Option<String>,
    #[serde(default)]
    pub checklist: Option<Vec<ChecklistItem>>,
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
}

/// `PATCH /tasks/{id}`: any field, plus the `version` the client last saw. A field sent as
/// `null` clears it (dates, recurrence).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UpdateTaskRequest {
    pub version: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub labels: Option<Vec<String>>,
    #[serde(default)]
    pub assignee_ids: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub due_at: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_at: Option<Option<String>>,
    #[serde(default)]
    pub checklist: Option<Vec<ChecklistItem>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
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
pub struct MoveTaskRequest {
    pub status: String,
    #[serde(default)]
    pub before_id: Option<String>,
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
pub struct WorkspaceStats {
    pub by_status: std::collections::BTreeMap<String, u64>,
    pub by_priority: std::collections::BTreeMap<String, u64>,
    pub overdue: u64,
    /// The last 30 days, oldest first, days without completions included.
    pub completed_per_day: Vec<DayCount>,
    /// Open tasks assigned to the caller.
    pub my_open: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub date: String,
    pub count: u64,
}

/// A file attached to a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: String,
    pub task_id: String,
    pub filename: String,
    /// Sniffed from the bytes on upload, never taken from the client.
    pub content_type: String,
    pub size: u64,
    pub uploaded_by: String,
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
    pub score: f64,
    pub highlights: std::collections::BTreeMap<String, String>,
}

/// A named task-list filter a member keeps for a workspace; `query` is a list query string
/// (`status=todo&priority=high`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFilter {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub query: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SaveFilterRequest {
    pub name: String,
    pub query: String,
}

/// A row an import refused, numbered from 1 (CSV: the line after the header; JSON: the task's
/// place in `tasks`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub row: usize,
    pub errors: std::collections::BTreeMap<String, String>,
}

/// What an import did, or would do: nothing is imported when any row is rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub imported: usize,
    pub rejected: Vec<RejectedRow>,
    /// Things fixed on the way in, e.g. an assignee who is not a member was dropped.
    pub warnings: Vec<String>,
    pub dry_run: bool,
}

/// List filters and paging, as the REST query string gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskQuery {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub assignee: Option<String>,
    pub label: Option<String>,
    pub q: Option<String>,
    pub due_before: Option<String>,
    pub due_after: Option<String>,
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskPage {
    pub items: Vec<TaskView>,
    pub next_cursor: Option<String>,
}

/// An activity entry as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: String,
    pub kind: String,
    pub actor_id: String,
    pub at: String,
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
