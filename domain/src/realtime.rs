//! Workspace events: what changed, numbered by the workspace's version.

use serde::{Deserialize, Serialize};

/// One change to a workspace, as the event log, `GET …/changes` and the websocket give it.
///
/// `version` is the workspace's version the change produced: strictly increasing and without
/// gaps per workspace. `data` holds the subject: for `task.*` events the task as it is now (or
/// `{"id"}` once deleted), otherwise `{"id"}` of the member, task or workspace concerned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkspaceEvent {
    /// `task.created`, `task.updated`, `task.moved`, `task.deleted`, `comment.created`,
    /// `attachment.added`, `attachment.removed`, `member.added`, `member.updated`,
    /// `member.removed`, `workspace.updated`, `workspace.imported`.
    #[serde(rename = "type")]
    pub kind: String,
    pub workspace_id: String,
    pub version: i64,
    /// Who made the change.
    pub actor_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

/// `GET /workspaces/{id}/changes?since=V`: the events after V, oldest first. `version` is the
/// version the client is at after applying them (ask again from there while it grows).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Changes {
    pub version: i64,
    pub events: Vec<WorkspaceEvent>,
}
