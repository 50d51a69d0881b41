//! Workspace and board server functions for the browser UI.

use domain::task::TaskView;
use domain::workspace::WorkspaceView;
use domain::ApiError;
use leptos::prelude::*;

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

/// A workspace and every task on its board, in column order.
#[server(prefix = "/api/fn", endpoint = "board")]
pub async fn board(workspace_id: String) -> Result<(WorkspaceView, Vec<TaskView>), ApiError> {
    use crate::ssr::*;
    let caller = require_caller().await?;
    let services = services()?;
    let workspace = services
        .get_workspace(&caller, &workspace_id)
        .await
        .map_err(fail)?;
    let mut tasks = Vec::new();
    let mut cursor = None;
    loop {
        let query = service::tasks::TaskQuery {
            cursor: cursor.clone(),
            limit: Some(100),
            ..Default::default()
        };
        let page = services
            .list_tasks(&caller, &workspace_id, &query)
            .await
            .map_err(fail)?;
        tasks.extend(page.items);
        match page.next_cursor {
            Some(next) if tasks.len() < 5_000 => cursor = Some(next),
            _ => break,
        }
    }
    Ok((workspace, tasks))
}

#[server(prefix = "/api/fn", endpoint = "add_card")]
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

#[server(prefix = "/api/fn", endpoint = "move_card")]
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
