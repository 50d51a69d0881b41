//! Webhooks: signed deliveries of the events an owner chose, retried until the receiver takes
//! them, logged, and never to private addresses unless the server allows it.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::helpers::{eventually, spawn_app_with};

/// A receiver on loopback: records each POST; answers with the status in `answer`.
struct Receiver {
    url: String,
    got: mpsc::UnboundedReceiver<(HeaderMap, String)>,
    answer: Arc<AtomicU16>,
}

async fn receiver() -> Receiver {
    let (tx, got) = mpsc::unbounded_channel();
    let answer = Arc::new(AtomicU16::new(200));
    let status = answer.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            let status = status.clone();
            async move {
                let _ = tx.send((headers, String::from_utf8_lossy(&body).into_owned()));
                StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver { url, got, answer }
}

impl Receiver {
    async fn next(&mut self) -> (HeaderMap, String) {
        tokio::time::timeout(Duration::from_secs(10), self.got.recv())
            .await
            .expect("a delivery within 10 s")
            .expect("the receiver runs")
    }
}

/// Checks `t=…,v1=…` against an HMAC-SHA256 computed here.
fn signature_ok(headers: &HeaderMap, secret: &str, body: &str) -> bool {
    let value = headers["x-taskmanager-signature"].to_str().unwrap();
    let mut t = "";
    let mut v1 = "";
    for part in value.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = v,
            Some(("v1", v)) => v1 = v,
            _ => {}
        }
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let fresh = (chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap()).abs() < 60;
    fresh && v1 == expected
}

#[tokio::test]
async fn events_are_delivered_signed_retried_and_logged() {
    let app = spawn_app_with(&[
        ("TM_WEBHOOK_ALLOW_PRIVATE", "true".to_owned()),
        ("TM_JOB_RETRY_BASE_MS", "50".to_owned()),
    ])
    .await;
    let mut hook_receiver = receiver().await;
    let (owner, ws) = app
        .owner_with_workspace("hooks-owner@example.com", "Hooked")
        .await;
    let hooks = format!("/api/v1/workspaces/{ws}/webhooks");

    // Owners only.
    let editor = app
        .register("hooks-editor@example.com", "a fine password")
        .await
        .access_token;
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/members"),
            &owner,
            Some(json!({"email": "hooks-editor@example.com", "role": "editor"})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = app
        .call(
            "POST",
            &hooks,
            &editor,
            Some(json!({"url": hook_receiver.url, "events": ["*"]})),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = app
        .call(
            "POST",
            &hooks,
            &owner,
            Some(json!({"url": hook_receiver.url, "events": ["task.nope"]})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["events"].is_string(), "{body}");

    let (status, hook) = app
        .call(
            "POST",
            &hooks,
            &owner,
            Some(json!({"url": hook_receiver.url, "events": ["task.created", "task.moved"]})),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let hook_id = hook["id"].as_str().unwrap().to_owned();
    let (_, list) = app.call("GET", &hooks, &owner, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(
        list["items"][0].get("secret").is_none(),
        "the secret is shown once: {list}"
    );

    // A subscribed event arrives, signed, as GET …/changes shows it.
    let (status, task) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/tasks"),
            &owner,
            Some(json!({"title": "Ship the webhooks"})),
        )
        .await;
    assert_eq!(status, 201, "{task}");
    let (headers, body) = hook_receiver.next().await;
    assert!(
        signature_ok(&headers, &secret, &body),
        "bad signature on {body}"
    );
    assert!(!signature_ok(&headers, "not the secret at all", &body));
    assert_eq!(headers["x-taskmanager-event"], "task.created");
    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["type"], "task.created");
    assert_eq!(event["workspace_id"], ws.as_str());
    assert_eq!(event["data"]["title"], "Ship the webhooks");

    // An event it did not ask for is not sent; the receiver fails for a while: retried.
    let task_id = task["id"].as_str().unwrap();
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/tasks/{task_id}/comments"),
            &owner,
            Some(json!({"body": "not for the hook"})),
        )
        .await;
    assert_eq!(status, 201);
    hook_receiver.answer.store(503, Ordering::SeqCst);
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/tasks/{task_id}/move"),
            &owner,
            Some(json!({"status": "done"})),
        )
        .await;
    assert_eq!(status, 200);
    let (headers, _) = hook_receiver.next().await;
    assert_eq!(
        headers["x-taskmanager-event"], "task.moved",
        "comments are not sent"
    );
    let first_delivery = headers["x-taskmanager-delivery"].clone();
    hook_receiver.answer.store(200, Ordering::SeqCst);
    let (headers, _) = hook_receiver.next().await;
    assert_eq!(headers["x-taskmanager-event"], "task.moved");
    assert_eq!(
        headers["x-taskmanager-delivery"], first_delivery,
        "the same delivery, again"
    );

    // The log shows the failure and the success, newest first.
    let deliveries = format!("{hooks}/{hook_id}/deliveries");
    eventually(
        "three logged deliveries",
        Duration::from_secs(5),
        || async {
            app.call("GET", &deliveries, &owner, None).await.1["items"]
                .as_array()
                .map_or(0, Vec::len)
                >= 3
        },
    )
    .await;
    let (_, log) = app.call("GET", &deliveries, &owner, None).await;
    let statuses: Vec<i64> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(statuses[0], 200, "{log}");
    assert!(statuses.contains(&503), "{log}");

    let (status, _) = app
        .call("DELETE", &format!("{hooks}/{hook_id}"), &owner, None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call("DELETE", &format!("{hooks}/{hook_id}"), &owner, None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn webhooks_to_private_addresses_are_refused() {
    let app = spawn_app_with(&[]).await;
    let (owner, ws) = app
        .owner_with_workspace("hooks-owner@example.com", "Hooked")
        .await;
    let hooks = format!("/api/v1/workspaces/{ws}/webhooks");
    for url in [
        "http://example.com/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.7/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://user:pw@example.com/hook",
        "not a url",
    ] {
        let (status, body) = app
            .call(
                "POST",
                &hooks,
                &owner,
                Some(json!({"url": url, "events": ["*"]})),
            )
            .await;
        assert_eq!(status, 422, "{url}: {body}");
        assert!(body["error"]["fields"]["url"].is_string(), "{url}: {body}");
    }
    let (_, list) = app.call("GET", &hooks, &owner, None).await;
    assert_eq!(list["items"], json!([]));
}
