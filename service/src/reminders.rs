//! Due-date reminders and the daily digest: scheduled jobs, in each user's time zone.
//!
//! Reminders. A task with a due time and assignees has, per assignee, one `reminder` job that
//! runs at 09:00 on the day before the due day, in that assignee's time zone — or, when that
//! moment has passed already, at 09:00 on the due day if it is still ahead of the due time and
//! of now; otherwise there is none (a task set due in an hour needs no reminder of itself).
//! The jobs are written in the transaction of the change that sets the due time or the
//! assignees, which first deletes the task's reminders still waiting (`subject = task:ID`): a
//! moved due date moves its reminders. The job's key holds the task, the user and the due time,
//! so enqueueing is idempotent. When it fires, the handler checks the task still is as it was
//! (not deleted or completed, same due time, the user still assigned and a member) and then, in
//! one transaction, writes the `due_soon` notification (its id is the job's, so a second run
//! writes nothing new) and, if the user wants mailed reminders, an email job keyed by the job.
//!
//! Digest. A user who opts in gets a `digest` job at 08:00 their time each day: their open
//! tasks due by the end of tomorrow (and overdue ones) and their unread notifications, mailed
//! when there is anything to say, and the next day's job enqueued in the same transaction.
//! Turning the digest off (or changing time zone) deletes the waiting job in the same
//! transaction as the preference.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use surrealdb::types::SurrealValue;

use crate::error::Result;
use crate::jobs::{kinds, NewJob};
use crate::mail::Letter;
use crate::notifications::{Followups, Note};
use crate::services::Services;

/// An IANA time zone by name (`UTC`, `Europe/Paris`).
pub fn parse_zone(name: &str) -> Option<Tz> {
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    name.parse::<Tz>().ok()
}

fn zone_or_utc(name: Option<&str>) -> Tz {
    name.and_then(parse_zone).unwrap_or(Tz::UTC)
}

/// `hour`:00 on `date` in `zone`, as UTC (the first such moment when clocks repeat it; an hour
/// later when clocks skip it).
fn local_at(zone: Tz, date: NaiveDate, hour: u32) -> Option<DateTime<Utc>> {
    (hour..hour + 3).find_map(|h| {
        zone.from_local_datetime(&date.and_hms_opt(h, 0, 0)?)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// When to remind someone in `zone` of a task due at `due` (see the module's rule).
pub fn remind_at(due: DateTime<Utc>, zone: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let due_day = due.with_timezone(&zone).date_naive();
    let day_before = local_at(zone, due_day.pred_opt()?, 9)?;
    if day_before > now {
        return Some(day_before);
    }
    let same_day = local_at(zone, due_day, 9)?;
    (same_day > now && same_day < due).then_some(same_day)
}

/// The next 08:00 in `zone` strictly after `now`.
pub fn next_digest_at(zone: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let today = now.with_timezone(&zone).date_naive();
    [today, today.succ_opt()?, today.succ_opt()?.succ_opt()?]
        .into_iter()
        .filter_map(|d| local_at(zone, d, 8))
        .find(|t| *t > now)
}

#[derive(Debug, Serialize, Deserialize)]
struct ReminderPayload {
    task_id: String,
    user_id: String,
    due_at: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct DigestPayload {
    user_id: String,
    /// The morning it is for: the next one is after it (even when this one runs early or late).
    #[serde(default)]
    at: Option<String>,
}

/// The digest job of `user_id` for their next morning.
pub(crate) fn digest_job(user_id: &str, zone_name: &str, now: DateTime<Utc>) -> NewJob {
    let zone = zone_or_utc(Some(zone_name));
    let at = next_digest_at(zone, now).unwrap_or(now + Duration::days(1));
    let local = at.with_timezone(&zone).date_naive();
    NewJob {
        kind: kinds::DIGEST,
        payload: serde_json::to_value(DigestPayload {
            user_id: user_id.to_owned(),
            at: Some(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        })
        .unwrap_or_default(),
        key: Some(format!(
            "digest-{user_id}-{:04}{:02}{:02}",
            local.year(),
            local.month(),
            local.day()
        )),
        run_at: Some(at),
        subject: Some(format!("user:{user_id}")),
    }
}

#[derive(Debug, SurrealValue)]
struct ZoneRow {
    time_zone: Option<String>,
}

#[derive(Debug, SurrealValue)]
struct DueTask {
    id: String,
    workspace_id: String,
    workspace_name: String,
    title: String,
    due_at: Option<String>,
    completed_at: Option<String>,
    assignee_ids: Vec<String>,
}

/// "Tue 1 Dec, 17:00 (Europe/Paris)"
fn local_time(at: &str, zone: Tz) -> String {
    match DateTime::parse_from_rfc3339(at) {
        Ok(t) => format!(
            "{} ({})",
            t.with_timezone(&zone).format("%a %-d %b, %H:%M"),
            zone.name()
        ),
        Err(_) => at.to_owned(),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    match (
        DateTime::parse_from_rfc3339(a),
        DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

impl Services {
    /// Adds to `followups` what keeps a task's reminders true after a change: its waiting
    /// reminders deleted, and one per assignee for `due` (RFC 3339) if any.
    pub(crate) async fn plan_reminders(
        &self,
        followups: &mut Followups,
        task_id: &str,
        due: Option<&str>,
        assignees: &[String],
    ) -> Result<()> {
        followups
            .cancel
            .push((kinds::REMINDER.name, format!("task:{task_id}")));
        let Some(due_at) = due.and_then(|d| DateTime::parse_from_rfc3339(d).ok()) else {
            return Ok(());
        };
        let due_at = due_at.with_timezone(&Utc);
        let now = Utc::now();
        for user in assignees {
            let mut res = self
                .database()
                .client()
                .query("SELECT time_zone FROM ONLY type::record('user', $id)")
                .bind(("id", user.clone()))
                .await?
                .check()?;
            let row: Option<ZoneRow> = res.take(0)?;
            let zone = zone_or_utc(row.as_ref().and_then(|r| r.time_zone.as_deref()));
            let Some(at) = remind_at(due_at, zone, now) else {
                continue;
            };
            followups.jobs.push(NewJob {
                kind: kinds::REMINDER,
                payload: serde_json::to_value(ReminderPayload {
                    task_id: task_id.to_owned(),
                    user_id: user.clone(),
                    due_at: due_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                })
                .unwrap_or_default(),
                key: Some(format!(
                    "reminder-{task_id}-{user}-{}",
                    due_at.timestamp_millis()
                )),
                run_at: Some(at),
                subject: Some(format!("task:{task_id}")),
            });
        }
        Ok(())
    }

    async fn due_task(&self, task_id: &str) -> Result<Option<DueTask>> {
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(id) AS id, record::id(workspace) AS workspace_id, \
                   workspace.name AS workspace_name, title, \
                   IF due_at = NONE { NONE } ELSE { <string> due_at } AS due_at, \
                   IF completed_at = NONE { NONE } ELSE { <string> completed_at } AS completed_at, \
                   assignee_ids FROM ONLY type::record('task', $id)",
            )
            .bind(("id", task_id.to_owned()))
            .await?
            .check()?;
        Ok(res.take(0)?)
    }

    async fn is_member(&self, workspace_id: &str, user_id: &str) -> Result<bool> {
        let mut res = self
            .database()
            .client()
            .query(
                "RETURN count(SELECT VALUE id FROM member WHERE workspace = type::record('workspace', $ws) \
                 AND user = type::record('user', $uid)) > 0",
            )
            .bind(("ws", workspace_id.to_owned()))
            .bind(("uid", user_id.to_owned()))
            .await?
            .check()?;
        let member: Option<bool> = res.take(0)?;
        Ok(member.unwrap_or(false))
    }

    /// Writes `followups` on their own (a job's effects), in one transaction.
    async fn write_followups(&self, followups: &Followups) -> Result<()> {
        if followups.is_empty() {
            return Ok(());
        }
        let query = self.database().client().query(format!(
            "BEGIN TRANSACTION;\n{}\nCOMMIT TRANSACTION;",
            followups.sql()
        ));
        followups.bind(query).transaction().await?;
        self.followed_up(followups);
        Ok(())
    }

    /// The `reminder` job's handler: see the module's description. Public so a test can run
    /// a job a second time and see it has no second effect.
    pub async fn run_reminder(
        &self,
        job_id: &str,
        payload: &str,
    ) -> std::result::Result<(), String> {
        let p: ReminderPayload =
            serde_json::from_str(payload).map_err(|e| format!("bad payload: {e}"))?;
        let stale = |why: &str| {
            tracing::debug!(job = %job_id, task = %p.task_id, why, "reminder no longer applies");
            Ok(())
        };
        let task = self.due_task(&p.task_id).await.map_err(|e| e.chain())?;
        let Some(task) = task else {
            return stale("task deleted");
        };
        if task.completed_at.is_some() {
            return stale("task completed");
        }
        if !task
            .due_at
            .as_deref()
            .is_some_and(|d| same_instant(d, &p.due_at))
        {
            return stale("due time changed");
        }
        if !task.assignee_ids.contains(&p.user_id) {
            return stale("no longer assigned");
        }
        if !self
            .is_member(&task.workspace_id, &p.user_id)
            .await
            .map_err(|e| e.chain())?
        {
            return stale("no longer a member");
        }
        let Some(user) = self.user_by_id(&p.user_id).await.map_err(|e| e.chain())? else {
            return stale("account deleted");
        };
        let zone = zone_or_utc(user.time_zone.as_deref());
        let when = local_time(&p.due_at, zone);
        let link = format!(
            "{}/w/{}?task={}",
            self.public_url(),
            task.workspace_id,
            task.id
        );
        let mut followups = Followups::default();
        followups.notes.push(Note {
            id: Some(job_id.to_owned()),
            ..Note::new(
                &p.user_id,
                crate::notifications::kinds::DUE_SOON,
                serde_json::json!({
                    "workspace_id": task.workspace_id,
                    "task_id": task.id,
                    "title": task.title,
                    "due_at": p.due_at,
                }),
            )
        });
        if user.email_reminders.unwrap_or(true) {
            let mail = Letter::new(
                "reminder",
                &user.email,
                format!("Due {when}: {}", task.title),
            )
            .text(format!("Hello {},", user.name))
            .text(format!(
                "\u{201c}{}\u{201d} in {} is due {when}.",
                task.title, task.workspace_name
            ))
            .action("Open the task", link)
            .small("You get reminders for tasks assigned to you. Turn mailed reminders off in your account settings.")
            .message();
            followups.jobs.push(NewJob {
                key: Some(format!("mail-{job_id}")),
                ..mail.job()
            });
        }
        self.write_followups(&followups)
            .await
            .map_err(|e| e.chain())
    }

    /// The `digest` job: see the module's description.
    pub(crate) async fn run_digest(
        &self,
        job_id: &str,
        payload: &str,
    ) -> std::result::Result<(), String> {
        let p: DigestPayload =
            serde_json::from_str(payload).map_err(|e| format!("bad payload: {e}"))?;
        let Some(user) = self.user_by_id(&p.user_id).await.map_err(|e| e.chain())? else {
            return Ok(());
        };
        if !user.digest.unwrap_or(false) {
            return Ok(());
        }
        let zone_name = user.time_zone.clone().unwrap_or_else(|| "UTC".to_owned());
        let zone = zone_or_utc(Some(&zone_name));
        let now = Utc::now();
        let tomorrow_end = now
            .with_timezone(&zone)
            .date_naive()
            .succ_opt()
            .and_then(|d| d.succ_opt())
            .and_then(|d| local_at(zone, d, 0))
            .unwrap_or(now + Duration::days(2));
        let mut res = self
            .database()
            .client()
            .query(
                "LET $spaces = (SELECT VALUE workspace FROM member WHERE user = type::record('user', $uid));\
                 SELECT record::id(id) AS id, record::id(workspace) AS workspace_id, \
                   workspace.name AS workspace_name, title, <string> due_at AS due_at, \
                   NONE AS completed_at, assignee_ids, due_at AS t \
                 FROM task WHERE workspace IN $spaces AND $uid IN assignee_ids \
                   AND completed_at = NONE AND due_at != NONE AND due_at < <datetime> $until \
                 ORDER BY t LIMIT 50;",
            )
            .bind(("uid", p.user_id.clone()))
            .bind((
                "until",
                tomorrow_end.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ))
            .await
            .map_err(|e| e.chain())?
            .check()
            .map_err(|e| crate::Error::from(e).chain())?;
        let tasks: Vec<DueTask> = res.take(1).map_err(|e| crate::Error::from(e).chain())?;
        let unread = self
            .unread_notifications(&p.user_id)
            .await
            .map_err(|e| e.chain())?;

        let mut followups = Followups::default();
        if !tasks.is_empty() || unread > 0 {
            let base = self.public_url().to_owned();
            let items = tasks
                .iter()
                .map(|t| {
                    let overdue = t
                        .due_at
                        .as_deref()
                        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
                        .is_some_and(|d| d < now);
                    let when = t
                        .due_at
                        .as_deref()
                        .map(|d| local_time(d, zone))
                        .unwrap_or_default();
                    (
                        format!(
                            "{}{} \u{2014} {} ({})",
                            if overdue { "Overdue: " } else { "" },
                            t.title,
                            when,
                            t.workspace_name
                        ),
                        Some(format!("{base}/w/{}?task={}", t.workspace_id, t.id)),
                    )
                })
                .collect();
            let mut letter = Letter::new(
                "digest",
                &user.email,
                format!(
                    "Your day: {} task{} due, {} unread",
                    tasks.len(),
                    if tasks.len() == 1 { "" } else { "s" },
                    unread
                ),
            )
            .text(format!("Good morning {},", user.name));
            if tasks.is_empty() {
                letter = letter.text("Nothing assigned to you is due today or tomorrow.");
            } else {
                letter = letter
                    .text("Assigned to you and due by the end of tomorrow:")
                    .list(items);
            }
            if unread > 0 {
                letter = letter.text(format!(
                    "You have {unread} unread notification{}.",
                    if unread == 1 { "" } else { "s" }
                ));
            }
            let mail = letter
                .action("Open Task Manager", format!("{base}/workspaces"))
                .small("You get this digest because you turned it on. Turn it off in your account settings.")
                .message();
            followups.jobs.push(NewJob {
                key: Some(format!("mail-{job_id}")),
                ..mail.job()
            });
        }
        // Tomorrow's: the next 08:00 after this one's morning and after now (a late run does
        // not schedule today again, and a second run of this job enqueues the same key).
        let this_morning =
            p.at.as_deref()
                .and_then(|a| DateTime::parse_from_rfc3339(a).ok())
                .map_or(now, |a| a.with_timezone(&Utc));
        followups.jobs.push(digest_job(
            &p.user_id,
            &zone_name,
            now.max(this_morning) + Duration::minutes(1),
        ));
        self.write_followups(&followups)
            .await
            .map_err(|e| e.chain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("a time")
            .with_timezone(&Utc)
    }

    #[test]
    fn zones_parse_by_iana_name() {
        assert!(parse_zone("UTC").is_some());
        assert!(parse_zone("Europe/Paris").is_some());
        assert!(parse_zone("Mars/Olympus").is_none());
        assert!(parse_zone("").is_none());
    }

    #[test]
    fn a_reminder_comes_the_morning_before_in_the_users_zone() {
        let paris = parse_zone("Europe/Paris").expect("zone");
        let tokyo = parse_zone("Asia/Tokyo").expect("zone");
        let due = utc("2026-12-03T16:00:00Z"); // Thursday 17:00 in Paris, Friday 01:00 in Tokyo
        let now = utc("2026-11-27T10:00:00Z");
        // Wednesday 09:00 Paris (CET, +1) is 08:00 UTC.
        assert_eq!(
            remind_at(due, paris, now),
            Some(utc("2026-12-02T08:00:00Z"))
        );
        // Due Friday in Tokyo: Thursday 09:00 Tokyo (+9) is Thursday 00:00 UTC.
        assert_eq!(
            remind_at(due, tokyo, now),
            Some(utc("2026-12-03T00:00:00Z"))
        );
    }

    #[test]
    fn a_late_reminder_falls_back_to_the_due_morning_or_none() {
        let paris = parse_zone("Europe/Paris").expect("zone");
        let due = utc("2026-12-03T16:00:00Z");
        // Set on Wednesday noon: the day-before morning passed; Thursday 09:00 still ahead.
        assert_eq!(
            remind_at(due, paris, utc("2026-12-02T11:00:00Z")),
            Some(utc("2026-12-03T08:00:00Z"))
        );
        // Set on Thursday at 10:00 for 17:00: no reminder.
        assert_eq!(remind_at(due, paris, utc("2026-12-03T09:00:00Z")), None);
        // Due at 08:00: the due-day morning is after the due time, so none either.
        assert_eq!(
            remind_at(
                utc("2026-12-03T07:00:00Z"),
                paris,
                utc("2026-12-02T12:00:00Z")
            ),
            None
        );
    }

    #[test]
    fn clocks_changing_do_not_lose_a_reminder() {
        // Europe/Paris skips 02:00–03:00 on 2026-03-29; 09:00 exists, and so does the reminder.
        let paris = parse_zone("Europe/Paris").expect("zone");
        assert_eq!(
            remind_at(
                utc("2026-03-30T10:00:00Z"),
                paris,
                utc("2026-03-01T00:00:00Z")
            ),
            Some(utc("2026-03-29T07:00:00Z"))
        );
    }

    #[test]
    fn the_digest_comes_at_the_next_local_eight() {
        let ny = parse_zone("America/New_York").expect("zone");
        // 12:00 UTC is 07:00 in New York (EST, −5): today 08:00 is 13:00 UTC.
        assert_eq!(
            next_digest_at(ny, utc("2026-11-27T12:00:00Z")),
            Some(utc("2026-11-27T13:00:00Z"))
        );
        // Just after: tomorrow.
        assert_eq!(
            next_digest_at(ny, utc("2026-11-27T13:00:01Z")),
            Some(utc("2026-11-28T13:00:00Z"))
        );
        let job = digest_job("u1", "America/New_York", utc("2026-11-27T13:00:01Z"));
        assert_eq!(job.key.as_deref(), Some("digest-u1-20261128"));
        assert_eq!(job.subject.as_deref(), Some("user:u1"));
    }
}
