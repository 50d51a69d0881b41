//! Workspaces, members and board columns: shared types and the role rules.

use serde::{Deserialize, Serialize};

use crate::account::FieldErrors;
use crate::error::ApiError;

/// What a member may do. Ordered from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(
        description = "viewer reads; commenter also comments; editor also creates, edits, moves \
            and deletes tasks; owner also manages members, columns and the workspace."
    )
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Commenter,
    Editor,
    Owner,
}

impl Role {
    pub fn can_comment(self) -> bool {
        self >= Self::Commenter
    }
    pub fn can_edit_tasks(self) -> bool {
        self >= Self::Editor
    }
    /// Members, columns and the workspace itself.
    pub fn can_manage(self) -> bool {
        self == Self::Owner
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Commenter => "commenter",
            Self::Editor => "editor",
            Self::Owner => "owner",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "viewer" => Some(Self::Viewer),
            "commenter" => Some(Self::Commenter),
            "editor" => Some(Self::Editor),
            "owner" => Some(Self::Owner),
            _ => None,
        }
    }
}

/// Which kind of progress a column stands for (stats and "done" rely on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ColumnCategory {
    Todo,
    InProgress,
    Done,
}

/// A board column; `key` is what a task's `status` holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Column {
    /// Unique in the workspace.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9_]{1,32}$"))]
    pub key: String,
    /// Trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub name: String,
    pub category: ColumnCategory,
}

impl Column {
    pub fn defaults() -> Vec<Column> {
        Self::defaults_in(crate::Locale::En)
    }

    /// A new workspace's columns, named in its creator's language (the keys are the same in
    /// every language; the names are the workspace's own data from then on).
    pub fn defaults_in(locale: crate::Locale) -> Vec<Column> {
        let [todo, in_progress, done] = match locale {
            crate::Locale::En => ["To do", "In progress", "Done"],
            crate::Locale::De => ["Zu erledigen", "In Arbeit", "Erledigt"],
        };
        vec![
            Column {
                key: "todo".into(),
                name: todo.into(),
                category: ColumnCategory::Todo,
            },
            Column {
                key: "in_progress".into(),
                name: in_progress.into(),
                category: ColumnCategory::InProgress,
            },
            Column {
                key: "done".into(),
                name: done.into(),
                category: ColumnCategory::Done,
            },
        ]
    }
}

/// Checks a whole column list: 1–20 columns, keys `[a-z0-9_]{1,32}` and unique, names 1–50.
pub fn validate_columns(columns: &[Column]) -> Result<(), &'static str> {
    if columns.is_empty() || columns.len() > 20 {
        return Err("must have 1 to 20 columns");
    }
    let mut keys = std::collections::HashSet::new();
    for c in columns {
        let key_ok = !c.key.is_empty()
            && c.key.len() <= 32
            && c.key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err("keys are 1 to 32 of a-z, 0-9 and _");
        }
        if !keys.insert(c.key.as_str()) {
            return Err("keys must be unique");
        }
        let n = c.name.trim().chars().count();
        if n == 0 || n > 50 {
            return Err("names are 1 to 50 characters");
        }
    }
    Ok(())
}

/// A workspace name: 1–100 characters after trimming.
pub fn parse_workspace_name(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    match s.chars().count() {
        0 => Err("is required"),
        n if n > 100 => Err("must be at most 100 characters"),
        _ if s.chars().any(char::is_control) => Err("must not contain control characters"),
        _ => Ok(s.to_owned()),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Workspace))]
pub struct WorkspaceView {
    pub id: String,
    pub name: String,
    /// The caller's role here.
    pub role: Role,
    /// The board's columns, in order.
    pub columns: Vec<Column>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateWorkspaceRequest {
    /// 1 to 100 characters after trimming, no control characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateWorkspaceRequest {
    /// A new name: 1 to 100 characters after trimming.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// The whole new column list (keys unique). Removing a column moves its tasks.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub columns: Option<Vec<Column>>,
}

impl UpdateWorkspaceRequest {
    pub fn parse(&self) -> Result<(Option<String>, Option<Vec<Column>>), ApiError> {
        let mut errors = FieldErrors::default();
        let name = match &self.name {
            Some(n) => errors.check("name", parse_workspace_name(n)),
            None => None,
        };
        let columns = match &self.columns {
            Some(c) => errors.check("columns", validate_columns(c)).map(|()| {
                c.iter()
                    .map(|c| Column {
                        name: c.name.trim().to_owned(),
                        ..c.clone()
                    })
                    .collect()
            }),
            None => None,
        };
        if errors.is_empty() {
            Ok((name, columns))
        } else {
            Err(errors.into_error())
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Member))]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddMemberRequest {
    /// The email of an existing account.
    pub email: String,
    pub role: Role,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMemberRequest {
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(
            Role::Viewer < Role::Commenter
                && Role::Commenter < Role::Editor
                && Role::Editor < Role::Owner
        );
        assert!(!Role::Viewer.can_comment() && Role::Commenter.can_comment());
        assert!(!Role::Commenter.can_edit_tasks() && Role::Editor.can_edit_tasks());
        assert!(!Role::Editor.can_manage() && Role::Owner.can_manage());
        assert_eq!(serde_json::to_string(&Role::Editor).unwrap(), "\"editor\"");
    }

    #[test]
    fn columns_are_checked_as_a_whole() {
        assert!(validate_columns(&Column::defaults()).is_ok());
        assert!(validate_columns(&[]).is_err());
        let mut dup = Column::defaults();
        dup[1].key = "todo".into();
        assert!(validate_columns(&dup).is_err());
        let mut bad = Column::defaults();
        bad[0].key = "To Do".into();
        assert!(validate_columns(&bad).is_err());
    }
}

/// The workspace events a webhook may subscribe to (`*`: every one).
pub const WEBHOOK_EVENTS: &[&str] = &[
    "task.created",
    "task.updated",
    "task.moved",
    "task.deleted",
    "comment.created",
    "attachment.added",
    "attachment.removed",
    "member.added",
    "member.updated",
    "member.removed",
    "workspace.updated",
    "workspace.imported",
    "*",
];

/// `POST /workspaces/{id}/webhooks`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateWebhookRequest {
    /// Where events are POSTed: `https://` (plain `http://` and private or loopback addresses
    /// only when the server allows them, `TM_WEBHOOK_ALLOW_PRIVATE`).
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub url: String,
    /// Event kinds (`task.created`, `task.moved`, …) or `*` for all.
    pub events: Vec<String>,
    /// The signing secret (16 to 200 characters); generated when absent and shown once.
    pub secret: Option<String>,
}

/// A workspace webhook. `secret` is present only in the answer that created it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookView {
    pub id: String,
    pub workspace_id: String,
    pub url: String,
    pub events: Vec<String>,
    /// False once deliveries failed too often in a row (`disabled_reason` says why).
    pub enabled: bool,
    /// Failed deliveries in a row.
    pub failures: i64,
    pub disabled_reason: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// One delivery attempt of a webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub event: String,
    pub version: i64,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub at: String,
}
