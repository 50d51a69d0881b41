//! `GET /api/v1/ws`: live events, replay from a version, resync, membership, origin check.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{spawn_app, TestApp};

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn connect(app: &TestApp, token: &str) -> Socket {
    let mut request = format!("ws://{}/api/v1/ws", app.addr)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.status(), 101);
    socket
}

pub(crate) async fn send(socket: &mut Socket, value: Value) {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .unwrap();
}

/// The next JSON message (pings, presence and the bell's counts skipped), failing after 5 s.
pub(crate) async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = next_any(socket).await;
        if message["type"] != "presence" && message["type"] != "notifications" {
            return message;
        }
    }
}

/// The next presence message (others skipped), failing after 5 s.
pub(crate) async fn next_presence(socket: &mut Socket) -> Vec<String> {
    loop {
        let message = next_any(socket).await;
        if message["type"] == "presence" {
            return message["data"]["user_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap().to_owned())
                .collect();
        }
    }
}

/// The next unread count the bell is told (other messages skipped), failing after 5 s.
pub(crate) async fn next_unread(socket: &mut Socket) -> i64 {
    loop {
        let message = next_any(socket).await;
        if message["type"] == "notifications" {
            return message["unread"].as_i64().unwrap();
        }
    }
}

/// The next JSON message (pings skipped), failing after 5 s.
async fn next_any(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message within 5 s")
            .expect("the socket is open")
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

pub(crate) async fn workspace(app: &TestApp, token: &str) -> String {
    let (_, ws) = app
        .call(
            "POST",
            "/api/v1/workspaces",
            token,
            Some(json!({"name": "Live"})),
        )
        .await;
    ws["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn members_see_every_change_live_and_replay_from_their_version() {
    let app = spawn_app().await;
    let owner = app
        .register("live-owner@example.com", "a fine password")
        .await
        .access_token;
    let outsider = app
        .register("live-outsider@example.com", "a fine password")
        .await
        .access_token;
    let ws = workspace(&app, &owner).await;

    let mut socket = connect(&app, &owner).await;
    send(
        &mut socket,
        json!({"type": "subscribe", "workspace_id": ws}),
    )
    .await;
    let ack = next(&mut socket).await;
    assert_eq!(
        (ack["type"].as_str(), ack["version"].as_i64()),
        (Some("subscribed"), Some(0))
    );

    // Changes made over REST arrive, in order, with the workspace's versions.
    let (_, task) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/tasks"),
            &owner,
            Some(json!({"title": "Seen live"})),
        )
        .await;
    let id = task["id"].as_str().unwrap();
    app.call(
        "POST",
        &format!("/api/v1/tasks/{id}/move"),
        &owner,
        Some(json!({"status": "done"})),
    )
    .await;
    let created = next(&mut socket).await;
    assert_eq!(created["type"], "task.created");
    assert_eq!(created["version"], 1);
    assert_eq!(created["data"]["id"], id);
    let moved = next(&mut socket).await;
    assert_eq!(
        (moved["type"].as_str(), moved["version"].as_i64()),
        (Some("task.moved"), Some(2))
    );

    // A client that was away replays from its version.
    let mut late = connect(&app, &owner).await;
    send(
        &mut late,
        json!({"type": "subscribe", "workspace_id": ws, "since_version": 1}),
    )
    .await;
    assert_eq!(next(&mut late).await["type"], "subscribed");
    let replayed = next(&mut late).await;
    assert_eq!(
        (replayed["type"].as_str(), replayed["version"].as_i64()),
        (Some("task.moved"), Some(2))
    );
    // The live event came with the commit's notice, the replayed one from the log: the same.
    assert_eq!(replayed, moved);

    // One from another timeline is told to reload.
    let mut lost = connect(&app, &owner).await;
    send(
        &mut lost,
        json!({"type": "subscribe", "workspace_id": ws, "since_version": 40}),
    )
    .await;
    assert_eq!(next(&mut lost).await["type"], "subscribed");
    let resync = next(&mut lost).await;
    assert_eq!(
        (resync["type"].as_str(), resync["version"].as_i64()),
        (Some("resync_required"), Some(2))
    );

    // Outsiders cannot follow the workspace; nonsense gets a clear error, not a closed socket.
    let mut nosy = connect(&app, &outsider).await;
    send(&mut nosy, json!({"type": "subscribe", "workspace_id": ws})).await;
    let refused = next(&mut nosy).await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("not_found"))
    );
    nosy.send(Message::Text("{not json".into())).await.unwrap();
    assert_eq!(next(&mut nosy).await["code"], "malformed_request");

    // After unsubscribing, nothing more arrives.
    send(
        &mut socket,
        json!({"type": "unsubscribe", "workspace_id": ws}),
    )
    .await;
    app.call("DELETE", &format!("/api/v1/tasks/{id}"), &owner, None)
        .await;
    assert_eq!(next(&mut late).await["type"], "task.deleted");
    let quiet = tokio::time::timeout(Duration::from_millis(300), socket.next()).await;
    assert!(
        !matches!(quiet, Ok(Some(Ok(Message::Text(_))))),
        "an unsubscribed client got {quiet:?}"
    );
}

#[tokio::test]
async fn upgrades_need_credentials_and_cookies_need_our_origin() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/v1/ws"))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    let session = app
        .register("live-cookie@example.com", "a fine password")
        .await;
    let mut request = format!("ws://{}/api/v1/ws", app.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "cookie",
        format!("tm_access={}", session.access_token)
            .parse()
            .unwrap(),
    );
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403)
        }
        other => panic!("a cross-site cookie upgrade was not refused: {other:?}"),
    }
}
