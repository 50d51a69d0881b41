use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_start_page_is_server_rendered() {
    let app = spawn_app().await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    let html = res.text().await.unwrap();
    assert!(html.contains("<title>Task Manager</title>"), "{html}");
    assert!(html.contains("Plan, track and ship"), "{html}");
    assert!(
        html.contains(r#"href="/pkg/taskmanager"#) && html.contains(r#".css""#),
        "stylesheet link: {html}"
    );
    assert!(
        html.contains(r#"href="/favicon.svg""#),
        "favicon link: {html}"
    );
    assert!(
        html.contains("/pkg/taskmanager.js"),
        "hydration script: {html}"
    );
    assert!(html.contains(r#"data-hydrated="false""#), "{html}");
}

#[tokio::test]
async fn unknown_pages_render_the_404_page_with_status_404() {
    let app = spawn_app().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("This page does not exist"), "{html}");
    assert!(html.contains("Page not found · Task Manager"), "{html}");
}

#[tokio::test]
async fn the_status_server_function_answers() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/fn/system_status"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = crate::helpers::json(res).await;
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["instance_id"], "test");
    assert_eq!(body["readiness"]["status"], "ready");
}
