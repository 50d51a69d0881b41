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
