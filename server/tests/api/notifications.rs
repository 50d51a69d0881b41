//! In-app notifications (assigned, mentioned, due soon) delivered live; preferences; due-date
//! reminders that follow the due date; the daily digest; mail over a real SMTP conversation,
//! including a failing server that sends a mail to the dead letters and a resend.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{eventually, smtp_sink, spawn_app, spawn_app_with, TestApp};
use crate::realtime::{connect, next_unread};

impl TestApp {
    /// Registers `email` as `name`: its access token and user id.
    async fn named(&self, email: &str, name: &str) -> (String, String) {
        let res = self
            .post_json(
                "/api/v1/auth/register",
                &json!({"email": email, "password": "a fine password", "name": name}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let body: Value = crate::helpers::json(res).await;
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["user"]["id"].as_str().unwrap().to_owned(),
        )
    }

    /// Adds `email` (registering it) to `ws` as `role`: its access token and user id.
    async fn member(
        &self,
        owner: &str,
        ws: &str,
        email: &str,
        name: &str,
        role: &str,
    ) -> (String, String) {
        let (token, id) = self.named(email, name).await;
        let (status, added) = self
            .call(
                "POST",
                &format!("/api/v1/workspaces/{ws}/members"),
                owner,
                Some(json!({"email": email, "role": role})),
            )
            .await;
        assert_eq!(status, 201, "{added}");
        (token, id)
    }

    async fn notifications(&self, token: &str, query: &str) -> Value {
        let (status, body) = self
            .call("GET", &format!("/api/v1/notifications{query}"), token, None)
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

#[tokio::test]
async fn assignments_and_mentions_notify_live_and_are_marked_read() {
    let app = spawn_app().await;
    let (owner, _) = app.named("nora@example.com", "Nora").await;
    let (status, space) = app
        .call(
            "POST",
            "/api/v1/workspaces",
            &owner,
            Some(json!({"name": "Launch"})),
        )
        .await;
    assert_eq!(status, 201);
    let ws = space["id"].as_str().unwrap().to_owned();
    let (ada, ada_id) = app
        .member(&owner, &ws, "ada@example.com", "Ada Lovelace", "editor")
        .await;
    let (_grace, grace_id) = app
        .member(&owner, &ws, "grace@example.com", "Grace Hopper", "viewer")
        .await;
    let mut ada_socket = connect(&app, &ada).await;
    assert_eq!(
        next_unread(&mut ada_socket).await,
        0,
        "the count comes at connect"
    );

    // Assigned by someone else: notified, live. Assigning yourself: not.
    let (status, task) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/tasks"),
            &owner,
            Some(json!({"title": "Write the launch post", "assignee_ids": [ada_id]})),
        )
        .await;
    assert_eq!(status, 201, "{task}");
    let task_id = task["id"].as_str().unwrap().to_owned();
    assert_eq!(next_unread(&mut ada_socket).await, 1);
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/tasks"),
            &ada,
            Some(json!({"title": "My own", "assignee_ids": [ada_id]})),
        )
        .await;
    assert_eq!(status, 201);

    let list = app.notifications(&ada, "").await;
    assert_eq!(list["unread"], 1, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["kind"], "assigned");
    assert_eq!(items[0]["data"]["task_id"], task_id.as_str());
    assert_eq!(items[0]["data"]["title"], "Write the launch post");
    assert!(items[0]["read_at"].is_null());

    // Adding Grace to the assignees notifies Grace only (Ada was assigned already).
    let (status, body) = app
        .call(
            "PATCH",
            &format!("/api/v1/tasks/{task_id}"),
            &owner,
            Some(json!({"version": task["version"], "assignee_ids": [ada_id, grace_id]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let grace_token = crate::helpers::json(
        app.post_json(
            "/api/v1/auth/login",
            &json!({"email": "grace@example.com", "password": "a fine password"}),
        )
        .await,
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.notifications(&grace_token, "").await["unread"], 1);
    assert_eq!(app.notifications(&ada, "").await["unread"], 1);

    // Mentions: by display name without spaces, by first name, by email; not the author, not
    // strangers, once per person however often named.
    let (status, body) = app
        .call(
            "POST",
            &format!("/api/v1/tasks/{task_id}/comments"),
            &owner,
            Some(json!({"body": "@AdaLovelace and @grace: please review. cc @nora @nobody @ada"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(next_unread(&mut ada_socket).await, 2);
    let list = app.notifications(&ada, "?unread_only=true").await;
    let mentioned: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "mentioned")
        .collect();
    assert_eq!(mentioned.len(), 1, "{list}");
    assert!(mentioned[0]["data"]["excerpt"]
        .as_str()
        .unwrap()
        .starts_with("@AdaLovelace"));
    assert_eq!(mentioned[0]["data"]["actor_name"], "Nora");
    assert_eq!(app.notifications(&grace_token, "").await["unread"], 2);
    assert_eq!(
        app.notifications(&owner, "").await["unread"],
        0,
        "no self-mention"
    );

    // Pages: newest first, a cursor to the next page.
    let first = app.notifications(&ada, "?limit=1").await;
    assert_eq!(first["items"][0]["kind"], "mentioned");
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .notifications(&ada, &format!("?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(second["items"][0]["kind"], "assigned");
    assert!(second["next_cursor"].is_null(), "{second}");

    // Bad input: clear errors, never a 500.
    for (query, status) in [
        ("?limit=0", 422),
        ("?limit=101", 422),
        ("?cursor=zz", 422),
        ("?unread_only=perhaps", 400),
        ("?limit=-1", 400),
    ] {
        let (got, body) = app
            .call("GET", &format!("/api/v1/notifications{query}"), &ada, None)
            .await;
        assert_eq!(got, status, "{query}: {body}");
    }
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/notifications/read",
            &ada,
            Some(json!({"ids": "all"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/notifications/read",
            &ada,
            Some(json!({"ids": ["../../etc"]})),
        )
        .await;
    assert_eq!(status, 422, "{body}");

    // Mark one read, then all (with no body at all).
    let one = first["items"][0]["id"].as_str().unwrap();
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/notifications/read",
            &ada,
            Some(json!({"ids": [one]})),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(next_unread(&mut ada_socket).await, 1);
    // Someone else's id is not theirs to mark.
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/notifications/read",
            &grace_token,
            Some(json!({"ids": [second["items"][0]["id"]]})),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(app.notifications(&ada, "").await["unread"], 1);
    let res = app
        .client
        .post(app.url("/api/v1/notifications/read"))
        .bearer_auth(&ada)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(next_unread(&mut ada_socket).await, 0);
    let list = app.notifications(&ada, "").await;
    assert_eq!(list["unread"], 0);
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["read_at"].is_string()));

    // Signed out: 401.
    let res = app.get("/api/v1/notifications").await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn preferences_are_checked_and_the_digest_is_scheduled_in_the_users_morning() {
    let app = spawn_app().await;
    let (token, _) = app.owner_with_workspace("prefs@example.com", "Prefs").await;
    let (status, me) = app.call("GET", "/api/v1/auth/me", &token, None).await;
    assert_eq!(status, 200);
    assert_eq!(me["user"]["time_zone"], "UTC");
    assert_eq!(me["user"]["email_reminders"], true);
    assert_eq!(me["user"]["digest"], false);

    for (body, field) in [
        (json!({"time_zone": "Mars/Olympus"}), "time_zone"),
        (json!({"name": "   "}), "name"),
    ] {
        let (status, err) = app
            .call("PATCH", "/api/v1/auth/me", &token, Some(body))
            .await;
        assert_eq!(status, 422, "{err}");
        assert!(err["error"]["fields"][field].is_string(), "{err}");
    }
    let (status, err) = app
        .call(
            "PATCH",
            "/api/v1/auth/me",
            &token,
            Some(json!({"digest": "yes"})),
        )
        .await;
    assert_eq!(status, 400, "{err}");
    let (status, err) = app
        .call(
            "PATCH",
            "/api/v1/auth/me",
            &token,
            Some(json!({"colour": "blue"})),
        )
        .await;
    assert_eq!(status, 400, "unknown fields are refused: {err}");

    let (status, me) = app
        .call(
            "PATCH",
            "/api/v1/auth/me",
            &token,
            Some(json!({"time_zone": "Asia/Tokyo", "digest": true, "email_reminders": false})),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["time_zone"], "Asia/Tokyo");
    assert_eq!(me["user"]["digest"], true);
    assert_eq!(me["user"]["email_reminders"], false);

    let digests = scheduled(&app, "digest").await;
    assert_eq!(digests.len(), 1, "{digests:?}");
    // 08:00 in Tokyo is 23:00 UTC.
    assert!(digests[0].run_at.contains("T23:00:00"), "{digests:?}");

    // Another zone moves it; turning the digest off removes it.
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/auth/me",
            &token,
            Some(json!({"time_zone": "Europe/London"})),
        )
        .await;
    assert_eq!(status, 200);
    let digests = scheduled(&app, "digest").await;
    assert_eq!(digests.len(), 1, "{digests:?}");
    assert!(digests[0].run_at.contains("T08:00:00"), "{digests:?}");
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/auth/me",
            &token,
            Some(json!({"digest": false})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(scheduled(&app, "digest").await.is_empty());
}

/// Waiting jobs of `kind`.
async fn scheduled(app: &TestApp, kind: &str) -> Vec<service::jobs::JobRow> {
    app.services
        .jobs_in_state("ready", 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|j| j.kind == kind)
        .collect()
}

/// Files in the outbox whose name ends with `-{kind}.eml`, as text.
fn outbox(app: &TestApp, kind: &str) -> Vec<String> {
    std::fs::read_dir(app.data_dir.join("outbox"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .ends_with(&format!("-{kind}.eml"))
        })
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

#[tokio::test]
async fn reminders_follow_the_due_date_and_fire_once_as_notification_and_mail() {
    let app = spawn_app_with(&[("TM_JOB_POLL_MS", "50".to_owned())]).await;
    let (owner, ws) = app
        .owner_with_workspace("rem-owner@example.com", "Reminders")
        .await;
    let (ada, ada_id) = app
        .member(&owner, &ws, "rem-ada@example.com", "Ada", "editor")
        .await;
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/auth/me",
            &ada,
            Some(json!({"time_zone": "Europe/Paris"})),
        )
        .await;
    assert_eq!(status, 200);

    let due = (chrono::Utc::now() + chrono::Duration::days(5))
        .date_naive()
        .and_hms_opt(15, 0, 0)
        .unwrap()
        .and_utc();
    let (status, task) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/tasks"),
            &owner,
            Some(json!({"title": "File the report", "assignee_ids": [ada_id], "due_at": due.to_rfc3339()})),
        )
        .await;
    assert_eq!(status, 201, "{task}");
    let task_id = task["id"].as_str().unwrap().to_owned();
    let reminders = scheduled(&app, "reminder").await;
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    // The morning before, 09:00 in Paris (08:00 or 07:00 UTC depending on the season).
    let expected = (due - chrono::Duration::days(1)).date_naive();
    assert!(
        reminders[0].run_at.starts_with(&expected.to_string()),
        "{reminders:?}"
    );

    // Moving the due date moves the reminder: one waiting, on the new day.
    let new_due = due + chrono::Duration::days(2);
    let (status, task) = app
        .call(
            "PATCH",
            &format!("/api/v1/tasks/{task_id}"),
            &owner,
            Some(json!({"version": task["version"], "due_at": new_due.to_rfc3339()})),
        )
        .await;
    assert_eq!(status, 200, "{task}");
    let reminders = scheduled(&app, "reminder").await;
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    let expected = (new_due - chrono::Duration::days(1)).date_naive();
    assert!(
        reminders[0].run_at.starts_with(&expected.to_string()),
        "{reminders:?}"
    );
    // Removing the due date removes it.
    let (status, task) = app
        .call(
            "PATCH",
            &format!("/api/v1/tasks/{task_id}"),
            &owner,
            Some(json!({"version": task["version"], "due_at": null})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(scheduled(&app, "reminder").await.is_empty());
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/v1/tasks/{task_id}"),
            &owner,
            Some(json!({"version": task["version"], "due_at": due.to_rfc3339()})),
        )
        .await;
    assert_eq!(status, 200);

    // Time passes: the operator's run-now stands in for the morning.
    let reminder = scheduled(&app, "reminder").await.remove(0);
    assert!(app.services.run_job_now(&reminder.id).await.unwrap());
    eventually(
        "the due-soon notification",
        Duration::from_secs(10),
        || async {
            app.notifications(&ada, "").await["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["kind"] == "due_soon")
        },
    )
    .await;
    eventually("the reminder mail", Duration::from_secs(10), || async {
        !outbox(&app, "reminder").is_empty()
    })
    .await;
    let mail = outbox(&app, "reminder").remove(0);
    assert!(mail.contains("To: rem-ada@example.com"), "{mail}");
    assert!(mail.contains("File the report"), "{mail}");
    assert!(
        mail.contains("(Europe/Paris)"),
        "the due time in Ada's zone: {mail}"
    );
    assert!(
        mail.contains("multipart/alternative"),
        "text and HTML: {mail}"
    );
    assert!(mail.contains("text/html"), "{mail}");

    // Run again (as after a crash before the outcome was recorded): one notification, one mail.
    let mail_jobs = || async {
        let counts = app.services.job_counts().await.unwrap();
        ["scheduled", "ready", "running", "done", "dead"]
            .iter()
            .map(|state| counts.get("email", state))
            .sum::<i64>()
    };
    let before = mail_jobs().await;
    let payload = json!({"task_id": task_id, "user_id": ada_id, "due_at": due.to_rfc3339()});
    app.services
        .run_reminder(&reminder.id, &payload.to_string())
        .await
        .unwrap();
    assert_eq!(mail_jobs().await, before, "no second reminder mail job");
    let due_soon = app.notifications(&ada, "").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "due_soon")
        .count();
    assert_eq!(due_soon, 1);
    assert_eq!(outbox(&app, "reminder").len(), 1);

    // A reminder that no longer applies (task done) does nothing.
    let (status, later) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/tasks"),
            &owner,
            Some(json!({"title": "Finished early", "assignee_ids": [ada_id], "due_at": due.to_rfc3339()})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/tasks/{}/move", later["id"].as_str().unwrap()),
            &owner,
            Some(json!({"status": "done"})),
        )
        .await;
    assert_eq!(status, 200);
    let stale = scheduled(&app, "reminder").await.remove(0);
    assert!(app.services.run_job_now(&stale.id).await.unwrap());
    eventually(
        "the stale reminder to finish",
        Duration::from_secs(10),
        || async {
            scheduled(&app, "reminder").await.is_empty()
                && app
                    .services
                    .job_counts()
                    .await
                    .unwrap()
                    .get("reminder", "running")
                    == 0
        },
    )
    .await;
    assert_eq!(outbox(&app, "reminder").len(), 1, "no mail for a done task");
}

#[tokio::test]
async fn the_digest_mails_what_is_due_and_schedules_tomorrow() {
    let app = spawn_app_with(&[("TM_JOB_POLL_MS", "50".to_owned())]).await;
    let (owner, ws) = app
        .owner_with_workspace("digest@example.com", "Digest")
        .await;
    let me = app.call("GET", "/api/v1/auth/me", &owner, None).await.1;
    let uid = me["user"]["id"].as_str().unwrap().to_owned();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::hours(20)).to_rfc3339();
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/tasks"),
            &owner,
            Some(json!({"title": "Due very soon", "assignee_ids": [uid], "due_at": tomorrow})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/auth/me",
            &owner,
            Some(json!({"digest": true})),
        )
        .await;
    assert_eq!(status, 200);
    let digest = scheduled(&app, "digest").await.remove(0);
    assert!(app.services.run_job_now(&digest.id).await.unwrap());
    eventually("the digest mail", Duration::from_secs(10), || async {
        !outbox(&app, "digest").is_empty()
    })
    .await;
    let mail = outbox(&app, "digest").remove(0);
    assert!(mail.contains("Due very soon"), "{mail}");
    // Tomorrow's is waiting, a day after the one that ran.
    eventually("tomorrow's digest", Duration::from_secs(10), || async {
        scheduled(&app, "digest")
            .await
            .iter()
            .any(|j| j.id != digest.id && j.run_at > digest.run_at)
    })
    .await;
}

#[tokio::test]
async fn mail_goes_over_smtp_and_a_failing_server_ends_in_dead_letters_then_resends() {
    let sink = smtp_sink().await;
    let app = spawn_app_with(&[
        ("TM_SMTP_URL", format!("smtp://127.0.0.1:{}", sink.port)),
        ("TM_MAIL_FROM", "Task Manager <tm@example.com>".to_owned()),
        ("TM_JOB_POLL_MS", "20".to_owned()),
        ("TM_JOB_RETRY_BASE_MS", "20".to_owned()),
    ])
    .await;
    app.register("smtp@example.com", "a fine password").await;

    // A working server: the reset mail arrives, multipart, with the job as Message-ID.
    let res = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "smtp@example.com"}),
        )
        .await;
    assert_eq!(res.status(), 202);
    eventually("the mail over SMTP", Duration::from_secs(10), || async {
        sink.mails
            .lock()
            .unwrap()
            .iter()
            .any(|m| m.contains("Reset your Task Manager password"))
    })
    .await;
    let mail = sink
        .mails
        .lock()
        .unwrap()
        .iter()
        .find(|m| m.contains("Reset your Task Manager password"))
        .cloned()
        .unwrap();
    assert!(
        mail.contains("From: \"Task Manager\" <tm@example.com>"),
        "{mail}"
    );
    assert!(mail.contains("To: smtp@example.com"), "{mail}");
    assert!(mail.contains("@taskmanager>"), "{mail}");
    assert!(
        mail.contains("text/plain") && mail.contains("text/html"),
        "{mail}"
    );
    assert!(mail.contains("/reset-password?token="), "{mail}");
    assert!(
        !app.data_dir.join("outbox").exists(),
        "with SMTP configured nothing goes to the outbox"
    );

    // A failing server: every attempt is refused, backing off, until the dead letters.
    sink.fail.store(true, Ordering::SeqCst);
    let before = sink.mails.lock().unwrap().len();
    let res = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "smtp@example.com"}),
        )
        .await;
    assert_eq!(res.status(), 202);
    eventually(
        "the mail in the dead letters",
        Duration::from_secs(30),
        || async {
            !app.services
                .jobs_in_state("dead", 10)
                .await
                .unwrap()
                .is_empty()
        },
    )
    .await;
    let dead = app
        .services
        .jobs_in_state("dead", 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(dead.kind, "email");
    assert_eq!(dead.attempts, 8, "{dead:?}");
    assert!(
        dead.last_error.as_deref().unwrap_or("").contains("451"),
        "the server's answer is kept: {dead:?}"
    );
    assert_eq!(sink.mails.lock().unwrap().len(), before);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("taskmanager_jobs_dead_letter_total{kind=\"email\"} 1"),
        "{}",
        metrics
            .lines()
            .filter(|l| l.contains("jobs"))
            .collect::<Vec<_>>()
            .join("\n")
    );

    // The server recovers; the operator retries; the mail goes out once.
    sink.fail.store(false, Ordering::SeqCst);
    assert!(app.services.retry_job(&dead.id).await.unwrap());
    eventually("the resent mail", Duration::from_secs(10), || async {
        sink.mails.lock().unwrap().len() == before + 1
    })
    .await;
    let resent = sink.mails.lock().unwrap().last().cloned().unwrap();
    assert!(
        resent.contains(&format!("<{}@taskmanager>", dead.id)),
        "{resent}"
    );
}
