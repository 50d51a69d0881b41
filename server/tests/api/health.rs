use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[tokio::test]
async fn liveness_answers_with_the_version() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/health").await;
    assert_eq!(res.status(), 200);
    let body: Value = crate::helpers::json(res).await;
    assert_eq!(
        body,
        json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
    );
}

#[tokio::test]
async fn readiness_checks_the_database_and_reports_redis_disabled() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/health/ready").await;
    assert_eq!(res.status(), 200);
    let body: Value = crate::helpers::json(res).await;
    assert_eq!(
        body,
        json!({"status": "ready", "checks": {"database": "ok", "redis": "disabled", "draining": false}})
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_a_given_one() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/health").await;
    let id = res
        .headers()
        .get("x-request-id")
        .expect("a request id")
        .to_str()
        .unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let res = app
        .client
        .get(app.url("/api/v1/health"))
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-me-123");
}

#[tokio::test]
async fn metrics_are_prometheus_text() {
    let app = spawn_app().await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
    assert!(
        text.contains("taskmanager_http_requests_in_flight 0"),
        "{text}"
    );
    assert!(text.contains("taskmanager_draining 0"), "{text}");
}
