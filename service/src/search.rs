//! Full-text search over task titles, descriptions and comments with SurrealDB's full-text
//! indexes (analyzer `tm_text`, BM25, highlights), limited to one workspace the caller belongs to.

use std::collections::{BTreeMap, HashMap};

use domain::task::SearchHit;
use surrealdb::types::SurrealValue;

use crate::error::{Error, Result};
use crate::services::Services;
use crate::tasks::{TaskRow, TASK_FIELDS};
use crate::Caller;

/// Private-use characters stand in for `<mark>` until the text is escaped.
const OPEN: &str = "\u{E000}";
const CLOSE: &str = "\u{E001}";

/// Title matches count double, comment matches half: a hit in the title says most about a task.
const TITLE_WEIGHT: f64 = 2.0;
const DESCRIPTION_WEIGHT: f64 = 1.0;
const COMMENT_WEIGHT: f64 = 0.5;

#[derive(Debug, SurrealValue)]
struct TaskMatch {
    id: String,
    title_score: Option<f64>,
    description_score: Option<f64>,
    title: Option<String>,
    description: Option<String>,
}

#[derive(Debug, SurrealValue)]
struct CommentMatch {
    task_id: String,
    score: Option<f64>,
    body: Option<String>,
}

/// HTML-escapes `text` and turns the stand-in markers into `<mark>` elements.
fn marked_html(text: &str) -> String {
    crate::mail::escape(text)
        .replace('\u{E000}', "<mark>")
        .replace('\u{E001}', "</mark>")
}

/// About `width` characters around the first match, with an ellipsis where text was cut;
/// whitespace runs collapse to one space so markdown layout does not leak into a snippet.
fn snippet(text: &str, width: usize) -> Option<String> {
    let flat: Vec<char> = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    let first = flat.iter().position(|c| *c == '\u{E000}')?;
    let start = first.saturating_sub(width / 3);
    let end = (start + width).min(flat.len());
    let mut s: String = flat[start..end].iter().collect();
    // Never leave a mark open at the cut.
    if s.matches(OPEN).count() > s.matches(CLOSE).count() {
        s.push_str(CLOSE);
    }
    let lead = if start > 0 { "…" } else { "" };
    let tail = if end < flat.len() { "…" } else { "" };
    Some(format!("{lead}{}{tail}", marked_html(&s)))
}

impl Services {
    /// Tasks of the workspace matching `q`, best first, at most `limit`.
    pub async fn search_tasks(
        &self,
        caller: &Caller,
        workspace_id: &str,
        q: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        self.membership(caller, workspace_id).await?;
        let q = q.trim();
        let n = q.chars().count();
        if n == 0 || n > 200 {
            return Err(Error::validation(
                [("q".to_owned(), "is 1 to 200 characters".to_owned())]
                    .into_iter()
                    .collect(),
            ));
        }
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(id) AS id, search::score(1) AS title_score, search::score(2) AS description_score, \
                   search::highlight($open, $close, 1) AS title, search::highlight($open, $close, 2) AS description \
                   FROM task WHERE (title @1@ $q OR description @2@ $q) AND workspace = type::record('workspace', $ws);\
                 SELECT record::id(task) AS task_id, search::score(1) AS score, search::highlight($open, $close, 1) AS body \
                   FROM comment WHERE body @1@ $q AND workspace = type::record('workspace', $ws);",
            )
            .bind(("q", q.to_owned()))
            .bind(("ws", workspace_id.to_owned()))
            .bind(("open", OPEN))
            .bind(("close", CLOSE))
            .await?
            .check()?;
        let tasks: Vec<TaskMatch> = res.take(0)?;
        let comments: Vec<CommentMatch> = res.take(1)?;

        let mut scored: HashMap<String, (f64, BTreeMap<String, String>)> = HashMap::new();
        for t in tasks {
            let entry = scored.entry(t.id).or_default();
            entry.0 += TITLE_WEIGHT * t.title_score.unwrap_or(0.0)
                + DESCRIPTION_WEIGHT * t.description_score.unwrap_or(0.0);
            if let Some(title) = t.title.filter(|s| s.contains(OPEN)) {
                entry.1.insert("title".into(), marked_html(&title));
            }
            if let Some(d) = t.description.as_deref().and_then(|d| snippet(d, 160)) {
                entry.1.insert("description".into(), d);
            }
        }
        for c in comments {
            let entry = scored.entry(c.task_id).or_default();
            entry.0 += COMMENT_WEIGHT * c.score.unwrap_or(0.0);
            if !entry.1.contains_key("comment") {
                if let Some(b) = c.body.as_deref().and_then(|b| snippet(b, 160)) {
                    entry.1.insert("comment".into(), b);
                }
            }
        }
        let mut ranked: Vec<(String, f64, BTreeMap<String, String>)> =
            scored.into_iter().map(|(id, (s, h))| (id, s, h)).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(limit.clamp(1, 100));
        if ranked.is_empty() {
            return Ok(Vec::new());
        }

        let ids: Vec<String> = ranked.iter().map(|r| r.0.clone()).collect();
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT {TASK_FIELDS} FROM task WHERE workspace = type::record('workspace', $ws) AND record::id(id) IN $ids"
            ))
            .bind(("ws", workspace_id.to_owned()))
            .bind(("ids", ids))
            .await?
            .check()?;
        let rows: Vec<TaskRow> = res.take(0)?;
        let mut by_id: HashMap<String, TaskRow> = rows.into_iter().map(|r| (r.id(), r)).collect();
        Ok(ranked
            .into_iter()
            .filter_map(|(id, score, highlights)| {
                by_id.remove(&id).map(|row| SearchHit {
                    task: row.view(),
                    score: (score * 1000.0).round() / 1000.0,
                    highlights,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_escape_everything_but_the_marks() {
        assert_eq!(
            marked_html("a <b> \u{E000}fix\u{E001} & go"),
            "a &lt;b&gt; <mark>fix</mark> &amp; go"
        );
    }

    #[test]
    fn snippets_centre_on_the_first_match() {
        let long = format!(
            "{} \u{E000}needle\u{E001} {}",
            "hay ".repeat(100),
            "straw ".repeat(100)
        );
        let s = snippet(&long, 60).expect("a snippet");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>needle</mark>"), "{s}");
        assert!(snippet("no match here", 60).is_none());
    }
}
