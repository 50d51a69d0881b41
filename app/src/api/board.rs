//! Workspace, board and task server functions for the browser UI. Each resolves the caller and
//! calls one service; rules and authorization live in the service layer.

use domain::task::{
    BoardData, CommentView, SavedFilter, SearchHit, TaskDetail, TaskPage, TaskQuery, TaskView,
    UpdateTaskRequest, WorkspaceStats,
};
use domain::workspace::{Column, MemberView, Role, WorkspaceView};
use domain::ApiError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Cards per column on the first render of a board; the rest load on demand ("Show more").
/// More than a screenful (a column shows 6–10 cards), and small enough that hydrating a full
/// board stays one short task: at 50, hydrating 150 cards was a ~350 ms task (Lighthouse TBT
/// ~300 ms) and 289 kB of HTML.
pub const BOARD_PAGE: u32 = 25;

#[server(prefix = "/api/fn", endpoint = "my_workspaces")]
pub async fn my_workspaces() -> Result<Vec<WorkspaceView>, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?.list_workspaces(&caller).await.map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "new_workspace")]
pub async fn new_workspace(name: String) -> Result<WorkspaceView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let request = domain::workspace::CreateWorkspaceRequest { name };
    services()?
        .create_workspace(&caller, &request)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "workspace")]
pub async fn workspace(workspace_id: String) -> Result<WorkspaceView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .get_workspace(&caller, &workspace_id)
        .await
        .map_err(fail)
}

/// The board: workspace, members, and the first cards of every column.
#[server(prefix = "/api/fn", endpoint = "board")]
pub async fn board(workspace_id: String) -> Result<BoardData, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .board_data(&caller, &workspace_id, BOARD_PAGE)
        .await
        .map_err(fail)
}

/// A page of tasks with filters (the list view, a column's "show more", the calendar).
#[server(prefix = "/api/fn", endpoint = "task_page")]
pub async fn fetch_task_page(workspace_id: String, query: TaskQuery) -> Result<TaskPage, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .list_tasks(&caller, &workspace_id, &query)
        .await
        .map_err(fail)
}

/// JSON in: the same body is what the offline queue stores and replays (`crate::offline`).
#[server(prefix = "/api/fn", endpoint = "add_card", input = Json)]
pub async fn add_card(
    workspace_id: String,
    status: String,
    title: String,
) -> Result<TaskView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let request = domain::task::CreateTaskRequest {
        title,
        status: Some(status),
        ..Default::default()
    };
    services()?
        .create_task(&caller, &workspace_id, &request)
        .await
        .map_err(fail)
}

/// JSON in, like `add_card`: the offline queue replays the same body.
#[server(prefix = "/api/fn", endpoint = "move_card", input = Json)]
pub async fn move_card(
    task_id: String,
    status: String,
    before_id: Option<String>,
    after_id: Option<String>,
) -> Result<TaskView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let request = domain::task::MoveTaskRequest {
        status,
        before_id,
        after_id,
    };
    services()?
        .move_task(&caller, &task_id, &request)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "task_detail")]
pub async fn fetch_task_detail(task_id: String) -> Result<TaskDetail, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .task_detail(&caller, &task_id)
        .await
        .map_err(fail)
}

/// Saves the panel's edits; 409 `version_conflict` when someone else changed the task first.
#[server(prefix = "/api/fn", endpoint = "save_task", input = Json)]
pub async fn save_task(task_id: String, patch: UpdateTaskRequest) -> Result<TaskView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .update_task(&caller, &task_id, &patch)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "remove_task")]
pub async fn remove_task(task_id: String) -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .delete_task(&caller, &task_id)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "post_comment")]
pub async fn post_comment(task_id: String, body: String) -> Result<CommentView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let request = domain::task::CreateCommentRequest { body };
    services()?
        .add_comment(&caller, &task_id, &request)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "remove_attachment")]
pub async fn remove_attachment(attachment_id: String) -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .delete_attachment(&caller, &attachment_id)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "search_tasks")]
pub async fn search_tasks(workspace_id: String, q: String) -> Result<Vec<SearchHit>, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .search_tasks(&caller, &workspace_id, &q, 50)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "workspace_stats")]
pub async fn fetch_stats(workspace_id: String) -> Result<WorkspaceStats, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .workspace_stats(&caller, &workspace_id)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "members")]
pub async fn members(workspace_id: String) -> Result<Vec<MemberView>, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .list_members(&caller, &workspace_id)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "invite_member")]
pub async fn invite_member(
    workspace_id: String,
    email: String,
    role: Role,
) -> Result<MemberView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let request = domain::workspace::AddMemberRequest { email, role };
    services()?
        .add_member(&caller, &workspace_id, &request)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "set_member_role")]
pub async fn set_member_role(
    workspace_id: String,
    user_id: String,
    role: Role,
) -> Result<MemberView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let request = domain::workspace::UpdateMemberRequest { role };
    services()?
        .update_member(&caller, &workspace_id, &user_id, &request)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "remove_member")]
pub async fn remove_member(workspace_id: String, user_id: String) -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .remove_member(&caller, &workspace_id, &user_id)
        .await
        .map_err(fail)
}

/// Renames the workspace and/or replaces its columns (owners).
#[server(prefix = "/api/fn", endpoint = "update_workspace", input = Json)]
pub async fn update_workspace(
    workspace_id: String,
    name: Option<String>,
    columns: Option<Vec<Column>>,
) -> Result<WorkspaceView, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let request = domain::workspace::UpdateWorkspaceRequest { name, columns };
    services()?
        .update_workspace(&caller, &workspace_id, &request)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "delete_workspace")]
pub async fn delete_workspace(workspace_id: String) -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .delete_workspace(&caller, &workspace_id)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "saved_filters")]
pub async fn saved_filters(workspace_id: String) -> Result<Vec<SavedFilter>, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .list_filters(&caller, &workspace_id)
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "save_filter")]
pub async fn save_filter(
    workspace_id: String,
    name: String,
    query: String,
) -> Result<SavedFilter, ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .save_filter(
            &caller,
            &workspace_id,
            &domain::task::SaveFilterRequest { name, query },
        )
        .await
        .map_err(fail)
}

#[server(prefix = "/api/fn", endpoint = "delete_filter")]
pub async fn delete_filter(workspace_id: String, filter_id: String) -> Result<(), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    services()?
        .delete_filter(&caller, &workspace_id, &filter_id)
        .await
        .map_err(fail)
}

/// Today's date (UTC, `YYYY-MM-DD`) as the server sees it, so the server render and the
/// hydrated page agree on what is overdue and which month the calendar opens at.
#[server(prefix = "/api/fn", endpoint = "today")]
pub async fn today() -> Result<String, ApiError> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| civil_day(d.as_secs() / 86_400))
        .unwrap_or_else(|_| "1970-01-01".into()))
}

/// Days since 1970-01-01 to `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
#[cfg(feature = "ssr")]
fn civil_day(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Imports a file's text (our JSON export, or CSV when `csv`). Rejected rows come back in the
/// report with nothing imported.
#[server(prefix = "/api/fn", endpoint = "import_file", input = Json)]
pub async fn import_file(
    workspace_id: String,
    csv: bool,
    text: String,
    dry_run: bool,
) -> Result<domain::task::ImportReport, ApiError> {
    use crate::ssr::*;
    use service::transfer::{ImportSource, WorkspaceExport};
    let caller = require_caller().await?;
    let source = if csv {
        ImportSource::Csv(text)
    } else {
        let doc: WorkspaceExport = serde_json::from_str(&text).map_err(|e| {
            set_status(400);
            ApiError::new(
                domain::ErrorCode::MalformedRequest,
                format!("This is not a Task Manager export: {e}"),
            )
        })?;
        ImportSource::Json(Box::new(doc))
    };
    services()?
        .import_tasks(&caller, &workspace_id, source, dry_run)
        .await
        .map_err(fail)
}

/// Markdown as the server renders and sanitises it, for the editor's preview.
#[server(prefix = "/api/fn", endpoint = "preview_markdown", input = Json)]
pub async fn preview_markdown(text: String) -> Result<String, ApiError> {
    use crate::ssr::*;
    require_caller().await?;
    domain::task::validate_description(&text).map_err(|why| {
        set_status(422);
        ApiError::validation(
            [("description".to_owned(), why.to_owned())]
                .into_iter()
                .collect(),
        )
    })?;
    Ok(service::markdown::to_safe_html(&text))
}
