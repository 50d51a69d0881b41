//! What reaches the logs: never a password or a token, whatever the request.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::accounts::{mailed_token, JsonBody};
use crate::helpers::{json, spawn_app, spawn_app_with, SurrealServer};

/// Collects the log lines written while a test runs.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    /// Captures this thread's logs (the test's runtime) in the production JSON format.
    ///
    /// While a single dispatcher is registered, tracing-core decides a callsite's interest with
    /// whatever dispatcher is the default *on the thread that first reaches it*: another test's
    /// app, on a thread without one, would switch the request span off for this capture too
    /// (the span then missed from every line whenever one other app test ran beside this one).
    /// A second dispatcher, kept for the whole run, makes it ask every registered one.
    fn start(filter: &str) -> (Self, tracing::subscriber::DefaultGuard) {
        static SECOND: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
        SECOND.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
        let capture = Self::default();
        let writer = capture.clone();
        let guard = tracing::subscriber::set_default(server::telemetry::json_subscriber(
            filter,
            move || writer.clone(),
        ));
        (capture, guard)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Every account flow that carries a secret, with failures and malformed requests too, logged
/// at TRACE in the production JSON format: no password, access or refresh token, personal API
/// token or reset token appears in any line. (The test runtime is single-threaded, so the
/// captured subscriber sees the app's request handling; the argon2 threads log elsewhere.)
#[tokio::test]
async fn logs_never_carry_passwords_or_tokens() {
    let (capture, _logs) = Capture::start("trace");
    let app = spawn_app().await;
    let first = "Pa55word-first-7f3a";
    let second = "Pa55word-second-91c2";
    let wrong = "Pa55word-wrong-55e0";
    let third = "Pa55word-third-c0de";
    let mut secrets = vec![
        first.to_owned(),
        second.to_owned(),
        wrong.to_owned(),
        third.to_owned(),
    ];

    let account = app.register("secret@example.com", first).await;
    secrets.push(account.access_token.clone());
    secrets.push(account.refresh.clone());

    // A wrong password, a malformed body holding a password, a bad bearer token.
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "secret@example.com", "password": wrong}),
        )
        .await;
    assert_eq!(res.status(), 401);
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"email": "secret@example.com", "password": "{wrong}""#
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        app.me(&format!("{}x", account.access_token)).await.status(),
        401
    );

    // A personal API token, used.
    let res = app
        .client
        .post(app.url("/api/v1/auth/tokens"))
        .bearer_auth(&account.access_token)
        .json_body(&json!({"name": "ci", "scopes": ["read", "write"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let api_token = json(res).await["token"].as_str().unwrap().to_owned();
    assert_eq!(app.me(&api_token).await.status(), 200);
    secrets.push(api_token);

    // Refresh, change the password (once wrongly), reset it by mail.
    let res = app.refresh(&account.refresh).await;
    assert_eq!(res.status(), 200);
    secrets.push(json(res).await["access_token"].as_str().unwrap().to_owned());
    let res = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .bearer_auth(&account.access_token)
        .json_body(&json!({"current_password": wrong, "new_password": second}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .bearer_auth(&account.access_token)
        .json_body(&json!({"current_password": first, "new_password": second}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let res = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "secret@example.com"}),
        )
        .await;
    assert_eq!(res.status(), 202);
    let reset = mailed_token(&app, "password_reset", "secret@example.com").await;
    let res = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": reset, "password": third}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    secrets.push(reset);
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "secret@example.com", "password": third}),
        )
        .await;
    assert_eq!(res.status(), 200);

    let logs = capture.text();
    // The capture works: the requests above are in it, with their request ids.
    assert!(
        logs.lines()
            .filter(|l| l.contains("request completed"))
            .count()
            >= 10,
        "too few request lines captured:\n{logs}"
    );
    assert!(logs.contains("\"request_id\""), "{logs}");
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a secret ({}…) is in the logs:\n{}",
            &secret[..secret.len().min(8)],
            logs.lines()
                .filter(|l| l.contains(secret.as_str()))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// A server fault is logged once, at ERROR, with its cause chain and the request's id (the id
/// the client got back), so one grep finds everything about it. Captured at `warn`, the quietest
/// filter an operator would set: the request's span must be on the line all the same.
#[tokio::test]
async fn a_server_fault_is_logged_once_with_its_cause_and_request_id() {
    let (capture, _logs) = Capture::start("warn");
    let db = SurrealServer::start();
    let app = spawn_app_with(&[
        ("TM_DATABASE_URL", db.url()),
        ("TM_DATABASE_USER", "root".to_owned()),
        ("TM_DATABASE_PASS", "root".to_owned()),
    ])
    .await;
    let token = app
        .register("fault@example.com", "a fine password")
        .await
        .access_token;
    // The database goes away under the running app.
    drop(db);
    let res = app
        .client
        .get(app.url("/api/v1/workspaces"))
        .bearer_auth(&token)
        .timeout(std::time::Duration::from_secs(30))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_server_error(), "{}", res.status());
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body = json(res).await;
    assert!(
        !body.to_string().contains("ws://"),
        "no internals in the answer: {body}"
    );

    let logs = capture.text();
    let errors: Vec<serde_json::Value> = logs
        .lines()
        .filter(|l| l.contains(&request_id))
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["level"] == "ERROR")
        .collect();
    assert_eq!(
        errors.len(),
        1,
        "one ERROR line for request {request_id}:\n{logs}"
    );
    let line = &errors[0];
    assert_eq!(line["span"]["request_id"], request_id.as_str(), "{line}");
    let error = line["error"].as_str().unwrap_or_default();
    assert!(
        error.contains(": "),
        "the error carries its cause chain: {line}"
    );
}
