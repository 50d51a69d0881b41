//! Saved filters: a member's named list queries for a workspace. Private to that member.

use domain::task::{SaveFilterRequest, SavedFilter};
use surrealdb::types::SurrealValue;

use crate::accounts::{new_id, Caller};
use crate::error::{Error, Result};
use crate::services::Services;
use crate::tasks::field_error;

/// The list parameters a saved filter may hold.
const FILTER_KEYS: &[&str] = &[
    "status",
    "priority",
    "assignee",
    "label",
    "q",
    "due_before",
    "due_after",
    "sort",
];

/// At most this many per member and workspace.
const MAX_FILTERS: usize = 50;

#[derive(Debug, SurrealValue)]
struct FilterRow {
    id: String,
    workspace_id: String,
    name: String,
    query: String,
    created_at: String,
}

impl FilterRow {
    fn view(self) -> SavedFilter {
        SavedFilter {
            id: self.id,
            workspace_id: self.workspace_id,
            name: self.name,
            query: self.query,
            created_at: self.created_at,
        }
    }
}

/// Checks a query string: `key=value` pairs joined by `&`, keys from [`FILTER_KEYS`].
fn check_query(query: &str) -> std::result::Result<String, String> {
    let query = query.trim().trim_start_matches('?');
    if query.len() > 1000 {
        return Err("is at most 1000 characters".into());
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let key = pair.split('=').next().unwrap_or("");
        if !FILTER_KEYS.contains(&key) {
            return Err(format!("may only use {}", FILTER_KEYS.join(", ")));
        }
    }
    Ok(query.to_owned())
}

impl Services {
    pub async fn list_filters(
        &self,
        caller: &Caller,
        workspace_id: &str,
    ) -> Result<Vec<SavedFilter>> {
        self.membership(caller, workspace_id).await?;
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(id) AS id, record::id(workspace) AS workspace_id, name, query, \
                 <string> created_at AS created_at, created_at AS t FROM saved_filter \
                 WHERE user = type::record('user', $uid) AND workspace = type::record('workspace', $ws) ORDER BY t",
            )
            .bind(("uid", caller.user_id.clone()))
            .bind(("ws", workspace_id.to_owned()))
            .await?
            .check()?;
        let rows: Vec<FilterRow> = res.take(0)?;
        Ok(rows.into_iter().map(FilterRow::view).collect())
    }

    pub async fn save_filter(
        &self,
        caller: &Caller,
        workspace_id: &str,
        req: &SaveFilterRequest,
    ) -> Result<SavedFilter> {
        caller.require_write()?;
        let existing = self.list_filters(caller, workspace_id).await?;
        let name = req.name.trim();
        let mut errors = std::collections::BTreeMap::new();
        if name.is_empty() || name.chars().count() > 60 {
            errors.insert("name".to_owned(), "is 1 to 60 characters".to_owned());
        } else if existing.iter().any(|f| f.name.eq_ignore_ascii_case(name)) {
            errors.insert(
                "name".to_owned(),
                "is already used by another filter".to_owned(),
            );
        }
        let query = check_query(&req.query).map_err(|why| {
            errors.insert("query".to_owned(), why);
        });
        if !errors.is_empty() {
            return Err(Error::validation(errors));
        }
        if existing.len() >= MAX_FILTERS {
            return Err(field_error(
                "name",
                "you have 50 saved filters here; delete one first",
            ));
        }
        let id = new_id();
        self.database()
            .client()
            .query(
                "CREATE type::record('saved_filter', $id) SET user = type::record('user', $uid), \
                 workspace = type::record('workspace', $ws), name = $name, query = $query",
            )
            .bind(("id", id.clone()))
            .bind(("uid", caller.user_id.clone()))
            .bind(("ws", workspace_id.to_owned()))
            .bind(("name", name.to_owned()))
            .bind(("query", query.unwrap_or_default()))
            .await?
            .check()?;
        self.list_filters(caller, workspace_id)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| Error::Internal("saved filter vanished".into()))
    }

    pub async fn delete_filter(
        &self,
        caller: &Caller,
        workspace_id: &str,
        filter_id: &str,
    ) -> Result<()> {
        caller.require_write()?;
        let mut res = self
            .database()
            .client()
            .query(
                "DELETE saved_filter WHERE record::id(id) = $id \
                 AND user = type::record('user', $uid) AND workspace = type::record('workspace', $ws) RETURN BEFORE",
            )
            .bind(("id", filter_id.to_owned()))
            .bind(("uid", caller.user_id.clone()))
            .bind(("ws", workspace_id.to_owned()))
            .await?
            .check()?;
        let gone: Vec<surrealdb::types::Value> = res.take(0)?;
        if gone.is_empty() {
            return Err(Error::not_found("Saved filter"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check_query;

    #[test]
    fn only_list_parameters_are_kept() {
        assert_eq!(
            check_query("?status=todo&priority=high").as_deref(),
            Ok("status=todo&priority=high")
        );
        assert!(check_query("cursor=o50").is_err());
        assert!(check_query("").is_ok());
    }
}
