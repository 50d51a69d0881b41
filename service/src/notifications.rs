//! In-app notifications: assigned to you, mentioned in a comment (`@name`), a task of yours due
//! soon. Each is a `notification` row written in the same transaction as the change that causes
//! it (or, for reminders, by the job that fires it), so none is lost with Redis or a process.
//!
//! Delivery: after the commit the hub announces `Notice::Notified` for each user; their sockets
//! on every instance send `{"type":"notifications","unread":N}` and the bell updates. The list
//! itself is always read from the database (`GET /api/v1/notifications`), so a lost
//! announcement only delays the badge until the next read.

use domain::notification::{NotificationView, Notifications};
use domain::workspace::MemberView;
use surrealdb::types::SurrealValue;

use crate::accounts::Caller;
use crate::error::Result;
use crate::jobs::NewJob;
use crate::services::Services;
use crate::store::DbQuery;
use crate::tasks::field_error;

/// Notification kinds.
pub mod kinds {
    pub const ASSIGNED: &str = "assigned";
    pub const MENTIONED: &str = "mentioned";
    pub const DUE_SOON: &str = "due_soon";
}

/// A notification to create with a change.
#[derive(Clone, Debug, SurrealValue)]
pub(crate) struct Note {
    /// Its record id when creating it twice must have one effect (a reminder job's id), else
    /// `None` (a new id).
    pub id: Option<String>,
    pub user: String,
    pub kind: String,
    pub data: String,
}

impl Note {
    pub(crate) fn new(user: &str, kind: &str, data: serde_json::Value) -> Self {
        Self {
            id: None,
            user: user.to_owned(),
            kind: kind.to_owned(),
            data: data.to_string(),
        }
    }
}

/// What a change causes besides itself: notifications to write, jobs to enqueue and scheduled
/// jobs to cancel, all inside the change's transaction. Add [`Followups::sql`] to the change's
/// statements, [`Followups::bind`] its parameters, and call [`Services::followed_up`] after the
/// commit.
#[derive(Clone, Debug, Default)]
pub(crate) struct Followups {
    pub notes: Vec<Note>,
    pub jobs: Vec<NewJob>,
    /// Ready jobs of (kind, subject) deleted before `jobs` are added (a reminder moved).
    pub cancel: Vec<(&'static str, String)>,
}

impl Followups {
    pub(crate) fn is_empty(&self) -> bool {
        self.notes.is_empty() && self.jobs.is_empty() && self.cancel.is_empty()
    }

    pub(crate) fn sql(&self) -> String {
        let mut sql = String::new();
        for n in 0..self.cancel.len() {
            sql.push_str(&format!(
                "DELETE job WHERE subject = $fu_cancel{n}_subject AND kind = $fu_cancel{n}_kind AND state = 'ready';\n"
            ));
        }
        for n in 0..self.jobs.len() {
            sql.push_str(&NewJob::statement(100 + n));
            sql.push('\n');
        }
        if !self.notes.is_empty() {
            sql.push_str(NOTES_SQL);
            sql.push('\n');
        }
        sql
    }

    pub(crate) fn bind<'a>(&self, mut query: DbQuery<'a>) -> DbQuery<'a> {
        for (n, (kind, subject)) in self.cancel.iter().enumerate() {
            query = query
                .bind((format!("fu_cancel{n}_subject"), subject.clone()))
                .bind((format!("fu_cancel{n}_kind"), (*kind).to_owned()));
        }
        for (n, job) in self.jobs.iter().enumerate() {
            query = job.bind(100 + n, query);
        }
        if !self.notes.is_empty() {
            query = query.bind(("fu_notes", self.notes.clone()));
        }
        query
    }
}

/// Creates the notes; one with an id that exists already is not created again.
const NOTES_SQL: &str = "FOR $note IN $fu_notes { \
    LET $nid = IF $note.id = NONE { rand::ulid() } ELSE { $note.id }; \
    IF !record::exists(type::record('notification', $nid)) { \
      CREATE type::record('notification', $nid) SET user = type::record('user', $note.user), \
        kind = $note.kind, data_json = $note.data; \
    }; \
  };";

/// The `@names` in a comment, lower-cased, in order, without repeats. A mention starts at the
/// beginning or after a character that is not part of a word (so `me@example.com` is none).
pub fn mentions(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev: Option<char> = None;
    for (at, c) in body.char_indices() {
        let starts = c == '@' && !prev.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '.');
        prev = Some(c);
        if !starts {
            continue;
        }
        let rest = &body[at + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
            .collect();
        let name = name.trim_end_matches(['.', '-']).to_lowercase();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Who a mention names among `members`: the display name without spaces, the email's local
/// part, or a first name that only one member has (all compared without case).
pub fn resolve_mention<'m>(name: &str, members: &'m [MemberView]) -> Option<&'m MemberView> {
    let squashed = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase()
    };
    if let Some(m) = members.iter().find(|m| squashed(&m.name) == name) {
        return Some(m);
    }
    if let Some(m) = members.iter().find(|m| {
        m.email
            .split('@')
            .next()
            .is_some_and(|local| local.to_lowercase() == name)
    }) {
        return Some(m);
    }
    let mut first = members.iter().filter(|m| {
        m.name
            .split_whitespace()
            .next()
            .is_some_and(|f| f.to_lowercase() == name)
    });
    match (first.next(), first.next()) {
        (Some(m), None) => Some(m),
        _ => None,
    }
}

#[derive(Debug, SurrealValue)]
struct NotificationRow {
    id: String,
    kind: String,
    data_json: String,
    read_at: Option<String>,
    created_at: String,
}

impl NotificationRow {
    fn view(self) -> NotificationView {
        NotificationView {
            id: self.id,
            kind: self.kind,
            data: serde_json::from_str(&self.data_json).unwrap_or_default(),
            read_at: self.read_at,
            created_at: self.created_at,
        }
    }
}

/// The most a page lists.
pub const MAX_LIMIT: usize = 100;

impl Services {
    /// After a change with `followups` committed: announce to the notified users, wake the
    /// queue for the jobs.
    pub(crate) fn followed_up(&self, followups: &Followups) {
        let mut users: Vec<&str> = followups.notes.iter().map(|n| n.user.as_str()).collect();
        users.sort_unstable();
        users.dedup();
        for user in users {
            self.hub().notified(user);
        }
        if !followups.jobs.is_empty() {
            self.jobs_queue().wake();
        }
    }

    /// The caller's notifications, newest first (`unread_only`: those not read yet), a page of
    /// `limit` after `cursor`.
    pub async fn list_notifications(
        &self,
        caller: &Caller,
        unread_only: bool,
        limit: Option<usize>,
        cursor: Option<&str>,
    ) -> Result<Notifications> {
        let limit = limit.unwrap_or(50);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(field_error(
                "limit",
                &format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        // The cursor is the last item's (created_at, id), hex-encoded: newest first, ties by id.
        let cursor = match cursor {
            Some(c) => Some(
                hex::decode(c)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .and_then(|s| {
                        let (at, id) = s.split_once('|')?;
                        chrono::DateTime::parse_from_rfc3339(at).ok()?;
                        Some((at.to_owned(), id.to_owned()))
                    })
                    .ok_or_else(|| field_error("cursor", "is not one this API gave"))?,
            ),
            None => None,
        };
        let after = if cursor.is_some() {
            " AND (created_at < <datetime> $c_at \
               OR (created_at = <datetime> $c_at AND id < type::record('notification', $c_id)))"
        } else {
            ""
        };
        let unread = if unread_only {
            " AND read_at = NONE"
        } else {
            ""
        };
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT record::id(id) AS id, kind, data_json, \
                   IF read_at = NONE {{ NONE }} ELSE {{ <string> read_at }} AS read_at, \
                   <string> created_at AS created_at, created_at AS at \
                 FROM notification WHERE user = type::record('user', $uid){unread}{after} \
                 ORDER BY at DESC, id DESC LIMIT $limit"
            ))
            .bind(("uid", caller.user_id.clone()))
            .bind(("c_at", cursor.as_ref().map(|c| c.0.clone())))
            .bind(("c_id", cursor.map(|c| c.1).unwrap_or_default()))
            .bind(("limit", (limit + 1) as i64))
            .await?
            .check()?;
        let mut rows: Vec<NotificationRow> = res.take(0)?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if more {
            rows.last()
                .map(|r| hex::encode(format!("{}|{}", r.created_at, r.id)))
        } else {
            None
        };
        Ok(Notifications {
            items: rows.into_iter().map(NotificationRow::view).collect(),
            next_cursor,
            unread: self.unread_notifications(&caller.user_id).await?,
        })
    }

    /// How many of a user's notifications are unread.
    pub async fn unread_notifications(&self, user_id: &str) -> Result<i64> {
        let mut res = self
            .database()
            .client()
            .query(
                "RETURN count(SELECT VALUE id FROM notification \
                 WHERE user = type::record('user', $uid) AND read_at = NONE)",
            )
            .bind(("uid", user_id.to_owned()))
            .await?
            .check()?;
        let n: Option<i64> = res.take(0)?;
        Ok(n.unwrap_or(0))
    }

    /// Marks the caller's notifications `ids` read (`None`: all of them). Ids that are not the
    /// caller's are ignored (they are no one's business to confirm).
    pub async fn mark_notifications_read(
        &self,
        caller: &Caller,
        ids: Option<&[String]>,
    ) -> Result<()> {
        caller.require_write()?;
        if let Some(ids) = ids {
            if ids.len() > MAX_LIMIT {
                return Err(field_error(
                    "ids",
                    &format!("may hold at most {MAX_LIMIT} ids"),
                ));
            }
            if !ids.iter().all(|id| crate::tasks::is_record_key(id)) {
                return Err(field_error("ids", "are not ids this API gave"));
            }
        }
        self.database()
            .client()
            .query(
                "UPDATE notification SET read_at = time::now() \
                 WHERE user = type::record('user', $uid) AND read_at = NONE \
                   AND ($ids = NONE OR record::id(id) IN $ids)",
            )
            .bind(("uid", caller.user_id.clone()))
            .bind(("ids", ids.map(<[String]>::to_vec)))
            .await?
            .check()?;
        self.hub().notified(&caller.user_id);
        Ok(())
    }

    /// The caller's display name, as notifications show who acted.
    pub(crate) async fn actor_name(&self, caller: &Caller) -> Result<String> {
        Ok(self
            .user_by_id(&caller.user_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default())
    }

    /// Notifications for `assignees` newly given a task by the caller (not themselves).
    pub(crate) fn assignment_notes(
        caller: &Caller,
        actor_name: &str,
        workspace_id: &str,
        task_id: &str,
        title: &str,
        before: &[String],
        after: &[String],
    ) -> Vec<Note> {
        after
            .iter()
            .filter(|u| **u != caller.user_id && !before.contains(u))
            .map(|u| {
                Note::new(
                    u,
                    kinds::ASSIGNED,
                    serde_json::json!({
                        "workspace_id": workspace_id,
                        "task_id": task_id,
                        "title": title,
                        "actor_id": caller.user_id,
                        "actor_name": actor_name,
                    }),
                )
            })
            .collect()
    }

    /// Notifications for the members a comment mentions (not its author).
    pub(crate) fn mention_notes(
        caller: &Caller,
        members: &[MemberView],
        workspace_id: &str,
        task_id: &str,
        title: &str,
        comment_id: &str,
        body: &str,
    ) -> Vec<Note> {
        let actor_name = members
            .iter()
            .find(|m| m.user_id == caller.user_id)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let excerpt: String = body.chars().take(140).collect();
        let mut seen: Vec<&str> = Vec::new();
        mentions(body)
            .iter()
            .filter_map(|name| resolve_mention(name, members))
            .filter(|m| m.user_id != caller.user_id)
            .filter(|m| {
                let new = !seen.contains(&m.user_id.as_str());
                seen.push(&m.user_id);
                new
            })
            .map(|m| {
                Note::new(
                    &m.user_id,
                    kinds::MENTIONED,
                    serde_json::json!({
                        "workspace_id": workspace_id,
                        "task_id": task_id,
                        "title": title,
                        "comment_id": comment_id,
                        "excerpt": excerpt,
                        "actor_id": caller.user_id,
                        "actor_name": actor_name,
                    }),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::workspace::Role;

    fn member(id: &str, name: &str, email: &str) -> MemberView {
        MemberView {
            user_id: id.into(),
            email: email.into(),
            name: name.into(),
            role: Role::Editor,
        }
    }

    #[test]
    fn mentions_are_words_after_an_at_sign() {
        assert_eq!(
            mentions("@ada thanks, cc @Bob.Smith and @ada again; mail me@example.com (@carol)."),
            vec!["ada", "bob.smith", "carol"]
        );
        assert!(mentions("no one here @ @-").is_empty());
    }

    #[test]
    fn a_mention_resolves_by_name_email_or_unique_first_name() {
        let members = vec![
            member("1", "Ada Lovelace", "ada@example.com"),
            member("2", "Grace Hopper", "ghopper@example.com"),
            member("3", "Grace Kelly", "kelly@example.com"),
        ];
        assert_eq!(
            resolve_mention("adalovelace", &members).map(|m| m.user_id.as_str()),
            Some("1")
        );
        assert_eq!(
            resolve_mention("ghopper", &members).map(|m| m.user_id.as_str()),
            Some("2")
        );
        assert_eq!(
            resolve_mention("ada", &members).map(|m| m.user_id.as_str()),
            Some("1")
        );
        // Two Graces: ambiguous, so no one.
        assert!(resolve_mention("grace", &members).is_none());
        assert!(resolve_mention("nobody", &members).is_none());
    }
}
