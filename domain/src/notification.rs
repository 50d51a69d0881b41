//! In-app notifications: what the bell lists.

use serde::{Deserialize, Serialize};

/// One notification. `kind` is `assigned`, `mentioned` or `due_soon`; `data` holds what the
/// kind needs to show and link it: `workspace_id`, `task_id`, `title`, and `actor_name`,
/// `excerpt` or `due_at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: String,
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub read_at: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
}

impl NotificationView {
    /// A line a person reads, e.g. "Ada assigned you “Ship it”".
    pub fn headline(&self) -> String {
        let text = |k: &str| {
            self.data
                .get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (actor, title) = (text("actor_name"), text("title"));
        let actor = if actor.is_empty() {
            "Someone".to_owned()
        } else {
            actor
        };
        match self.kind.as_str() {
            "assigned" => format!("{actor} assigned you \u{201c}{title}\u{201d}"),
            "mentioned" => format!("{actor} mentioned you on \u{201c}{title}\u{201d}"),
            "due_soon" => format!("\u{201c}{title}\u{201d} is due soon"),
            _ => title,
        }
    }

    /// Where the notification leads: the task on its board.
    pub fn href(&self) -> Option<String> {
        let ws = self.data.get("workspace_id")?.as_str()?;
        let task = self.data.get("task_id")?.as_str()?;
        Some(format!("/w/{ws}?task={task}"))
    }
}

/// `GET /notifications`: a page, newest first, and how many are unread in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notifications {
    pub items: Vec<NotificationView>,
    pub next_cursor: Option<String>,
    pub unread: i64,
}

/// `POST /notifications/read`: these ids, or all when `ids` is absent.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkReadRequest {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_reads_as_a_sentence_and_links_its_task() {
        let n = NotificationView {
            id: "n".into(),
            kind: "assigned".into(),
            data: serde_json::json!({"workspace_id": "w", "task_id": "t", "title": "Ship it", "actor_name": "Ada"}),
            read_at: None,
            created_at: "2026-11-27T00:00:00Z".into(),
        };
        assert_eq!(n.headline(), "Ada assigned you \u{201c}Ship it\u{201d}");
        assert_eq!(n.href().as_deref(), Some("/w/w?task=t"));
    }
}
