use std::time::Duration;

use serde_json::Value;

use crate::helpers::{eventually, spawn_app_with, RedisServer, TestApp};

async fn readiness(app: &TestApp) -> (u16, Value) {
    let res = app.get("/api/v1/health/ready").await;
    (res.status().as_u16(), crate::helpers::json(res).await)
}

#[tokio::test]
async fn readiness_follows_redis_down_and_back() {
    let mut redis = RedisServer::start();
    let app = spawn_app_with(&[("TM_REDIS_URL", redis.url())]).await;

    let (status, body) = readiness(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"]["redis"], "ok");

    redis.stop();
    eventually(
        "readiness to fail while Redis is down",
        Duration::from_secs(10),
        || async {
            let (status, body) = readiness(&app).await;
            status == 503 && body["status"] == "not_ready" && body["checks"]["redis"] == "error"
        },
    )
    .await;
    // Liveness is unaffected: the process is fine, only a dependency is not.
    assert_eq!(app.get("/api/v1/health").await.status(), 200);

    redis.restart();
    eventually(
        "readiness to recover when Redis returns",
        Duration::from_secs(15),
        || async { readiness(&app).await.0 == 200 },
    )
    .await;
}

#[tokio::test]
async fn redis_down_at_start_up_does_not_stop_the_process() {
    let mut redis = RedisServer::start();
    let url = redis.url();
    redis.stop();

    let app = spawn_app_with(&[("TM_REDIS_URL", url)]).await;
    let (status, body) = readiness(&app).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["redis"], "error");
    assert_eq!(
        app.get("/").await.status(),
        200,
        "pages still render without Redis"
    );

    redis.restart();
    eventually(
        "readiness once Redis comes up",
        Duration::from_secs(15),
        || async { readiness(&app).await.0 == 200 },
    )
    .await;
}

#[tokio::test]
async fn login_limits_are_shared_between_instances_and_outlive_redis() {
    let mut redis = RedisServer::start();
    let prefix = format!("tm-test-{}:", crate::helpers::free_port());
    let settings = [
        ("TM_REDIS_URL", redis.url()),
        ("TM_REDIS_KEY_PREFIX", prefix),
    ];
    let a = spawn_app_with(&settings).await;
    let b = spawn_app_with(&settings).await;
    let attempt = |app: &TestApp| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body(r#"{"email":"target@example.com","password":"guess guess"}"#)
            .send()
    };
    // The per-account limit is 10 a minute: spend it across both instances.
    for i in 0..10 {
        let app = if i % 2 == 0 { &a } else { &b };
        assert_eq!(attempt(app).await.unwrap().status(), 401, "attempt {i}");
    }
    for app in [&a, &b] {
        let res = attempt(app).await.unwrap();
        assert_eq!(
            res.status(),
            429,
            "the 11th attempt is limited on either instance"
        );
        let retry = crate::helpers::retry_after(&res);
        assert!((1..=60).contains(&retry), "Retry-After {retry}");
        assert_eq!(
            crate::helpers::json(res).await["error"]["code"],
            "rate_limited"
        );
    }
    // Each instance counted its refusal and timed its Redis commands (the limiter's script).
    let metrics = b.get("/metrics").await.text().await.unwrap();
    for series in [
        r#"taskmanager_ratelimit_rejections_total{scope="login_account"} 1"#,
        r#"taskmanager_redis_command_duration_seconds_count{op="evalsha"}"#,
    ] {
        assert!(metrics.contains(series), "missing {series} in\n{metrics}");
    }
    assert!(
        metrics.contains("taskmanager_redis_errors_total{op=\"evalsha\"} 0"),
        "{metrics}"
    );

    // Redis dies: the app keeps answering (in-process limits), never with a 5xx.
    redis.stop();
    for _ in 0..12 {
        let status = attempt(&a).await.unwrap().status().as_u16();
        assert!(
            status == 401 || status == 429,
            "got {status} with Redis down"
        );
    }
    let metrics = a.get("/metrics").await.text().await.unwrap();
    assert!(
        !metrics.contains("taskmanager_ratelimit_redis_failures_total 0"),
        "{metrics}"
    );
    assert!(
        !metrics.contains("taskmanager_redis_errors_total{op=\"evalsha\"} 0"),
        "{metrics}"
    );
}

/// Jobs and notifications live in the database, never only in Redis: an emergency FLUSHALL
/// right after mail was requested or a notification was caused loses none of it (the MEAN
/// original's Bull queue lost every queued email).
#[tokio::test]
async fn a_redis_flush_loses_no_queued_mail_or_notification() {
    let redis = RedisServer::start();
    let app = spawn_app_with(&[("TM_REDIS_URL", redis.url())]).await;
    app.register("flush@example.com", "a fine password").await;
    for _ in 0..3 {
        let res = app
            .post_json(
                "/api/v1/auth/password-reset",
                &serde_json::json!({"email": "flush@example.com"}),
            )
            .await;
        assert_eq!(res.status(), 202);
        redis.flush_all();
    }
    let outbox = app.data_dir.join("outbox");
    eventually(
        "the verification mail and 3 reset mails",
        Duration::from_secs(10),
        || {
            let outbox = outbox.clone();
            async move {
                std::fs::read_dir(&outbox)
                    .map(|d| {
                        d.flatten()
                            .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
                            .count()
                    })
                    .unwrap_or(0)
                    == 4
            }
        },
    )
    .await;

    // A notification caused just before a flush is there after it, and the live count too.
    let (owner, ws) = app
        .owner_with_workspace("flush-owner@example.com", "Flushed")
        .await;
    let mate = app
        .register("flush-mate@example.com", "a fine password")
        .await
        .access_token;
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/members"),
            &owner,
            Some(serde_json::json!({"email": "flush-mate@example.com", "role": "editor"})),
        )
        .await;
    assert_eq!(status, 201);
    let (_, me) = app.call("GET", "/api/v1/auth/me", &mate, None).await;
    let mut socket = crate::realtime::connect(&app, &mate).await;
    assert_eq!(crate::realtime::next_unread(&mut socket).await, 0);
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/tasks"),
            &owner,
            Some(serde_json::json!({"title": "Survive the flush", "assignee_ids": [me["user"]["id"]]})),
        )
        .await;
    assert_eq!(status, 201);
    redis.flush_all();
    assert_eq!(crate::realtime::next_unread(&mut socket).await, 1);
    let (status, list) = app.call("GET", "/api/v1/notifications", &mate, None).await;
    assert_eq!(status, 200);
    assert_eq!(list["unread"], 1, "{list}");
    assert_eq!(list["items"][0]["data"]["title"], "Survive the flush");
}
