use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[tokio::test]
async fn liveness_answers_with_the_version() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/health").await;
    assert_eq!(res.status(), 200);
    // Deploys read which build and which instance answered from headers; the body is the
    // contract's.
    let revision = res.headers()["x-taskmanager-revision"].to_str().unwrap();
    assert!(!revision.is_empty());
    let instance = res.headers()["x-taskmanager-instance"].to_str().unwrap();
    assert!(!instance.is_empty());
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
    // The scrape itself is in flight while it renders.
    assert!(
        text.contains("taskmanager_http_requests_in_flight 0"),
        "{text}"
    );
    assert!(text.contains("taskmanager_draining 0"), "{text}");
    assert!(text.contains("taskmanager_ready 1"), "{text}");
}

/// Requests are counted by matched route template (never by raw path: ids would make the
/// series unbounded), method and status class; database calls by operation; build info names
/// the commit.
#[tokio::test]
async fn metrics_count_requests_by_route_template_and_time_the_database() {
    let app = spawn_app().await;
    let (token, ws) = app
        .owner_with_workspace("metrics@example.com", "Measured")
        .await;
    for _ in 0..2 {
        let (status, _) = app
            .call(
                "GET",
                &format!("/api/v1/workspaces/{ws}/tasks"),
                &token,
                None,
            )
            .await;
        assert_eq!(status, 200);
    }
    let (status, _) = app
        .call("GET", "/api/v1/workspaces/nonexistent/tasks", &token, None)
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.call("GET", "/api/v1/no/such/route", &token, None).await;
    assert_eq!(status, 404);
    // The page and static-file fallback has no template: one bounded label for all of it.
    assert_eq!(app.get("/no-such-page/123").await.status(), 404);

    let text = app.get("/metrics").await.text().await.unwrap();
    for series in [
        r#"taskmanager_http_requests_total{method="GET",route="/api/v1/workspaces/{id}/tasks",status="2xx"} 2"#,
        r#"taskmanager_http_requests_total{method="GET",route="/api/v1/workspaces/{id}/tasks",status="4xx"} 1"#,
        r#"taskmanager_http_requests_total{method="POST",route="/api/v1/auth/register",status="2xx"} 1"#,
        r#"taskmanager_http_requests_total{method="GET",route="/api/{*rest}",status="4xx"} 1"#,
        r#"taskmanager_http_requests_total{method="GET",route="unmatched",status="4xx"} 1"#,
        r#"taskmanager_http_request_duration_seconds_count{method="GET",route="/api/v1/workspaces/{id}/tasks"} 3"#,
        r#"taskmanager_http_request_duration_seconds_bucket{method="GET",route="/api/v1/workspaces/{id}/tasks",le="0.5"}"#,
        "taskmanager_db_query_duration_seconds_count{op=\"transaction\"}",
        "taskmanager_db_query_duration_seconds_count{op=\"select\"}",
        "taskmanager_ws_connections 0",
        "process_resident_memory_bytes ",
        "process_open_fds ",
    ] {
        assert!(text.contains(series), "missing {series} in\n{text}");
    }
    assert!(!text.contains(&ws), "a raw id leaked into a label:\n{text}");
    let sha = text
        .lines()
        .find(|l| l.starts_with("taskmanager_build_info{"))
        .and_then(|l| l.split("git_sha=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    assert!(
        sha.len() >= 7 && sha.chars().all(|c| c.is_ascii_hexdigit()) || sha == "unknown",
        "git_sha {sha:?}\n{text}"
    );
}

#[tokio::test]
async fn metrics_can_live_on_their_own_listener() {
    // A free port for the metrics listener.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app =
        crate::helpers::spawn_app_with(&[("TM_METRICS_LISTEN", format!("127.0.0.1:{port}"))]).await;
    // Not on the public port...
    assert_eq!(app.get("/metrics").await.status(), 404);
    // ...but on its own, through a drain too.
    let res = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("taskmanager_http_requests_total"));
}
