//! Tests of the real `taskmanager` binary: CLI, configuration errors, persistence across
//! restarts, JSON logs, and draining on SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::helpers::{eventually, scratch_dir};

const BIN: &str = env!("CARGO_BIN_EXE_taskmanager");

fn command(data_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TM_DATA_DIR", data_dir)
        .env("TM_LISTEN", "127.0.0.1:0")
        .env("TM_INSTANCE_ID", "bin-test");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

#[test]
fn help_lists_every_setting() {
    let out = run(Command::new(BIN).arg("--help"));
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "TM_LISTEN",
        "TM_PUBLIC_URL",
        "TM_DATABASE_URL",
        "TM_DATABASE_NS",
        "TM_DATABASE_DB",
        "TM_DATABASE_USER",
        "TM_DATABASE_PASS",
        "TM_REDIS_URL",
        "TM_DATA_DIR",
        "TM_LOG_FORMAT",
        "TM_DRAIN_SECONDS",
        "TM_SECRET_KEY",
        "TM_INSTANCE_ID",
        "TM_SMTP_URL",
        "TM_MAIL_FROM",
    ] {
        assert!(text.contains(name), "--help does not mention {name}");
    }
    assert!(text.contains("migrate"));
}

/// `taskmanager jobs`: the operators' view of the queue on the configured database.
#[test]
fn the_jobs_command_shows_the_queue_and_refuses_unknown_jobs() {
    let dir = scratch_dir("jobscli");
    assert!(run(command(&dir).arg("migrate")).status.success());
    let out = run(command(&dir).arg("jobs"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.lines()
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            == ["kind", "scheduled", "ready", "running", "done", "dead"],
        "{text}"
    );
    assert!(run(command(&dir).args(["jobs", "dead"])).status.success());
    assert!(run(command(&dir).args(["jobs", "scheduled"]))
        .status
        .success());
    let out = run(command(&dir).args(["jobs", "run-now", "nope"]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no waiting job nope"));
    let out = run(command(&dir).args(["jobs", "retry", "nope"]));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no dead job nope"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(command(&dir).args(["jobs", "frobnicate"]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: taskmanager jobs"));
}

#[test]
fn a_malformed_setting_stops_the_process_naming_it() {
    let dir = scratch_dir("badcfg");
    let out = run(command(&dir).env("TM_DRAIN_SECONDS", "soon"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("TM_DRAIN_SECONDS"), "{err}");
}

#[test]
fn the_embedded_store_keeps_data_across_restarts() {
    let dir = scratch_dir("persist");
    let first = run(command(&dir).arg("migrate"));
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = String::from_utf8(first.stdout).unwrap();
    assert!(
        first.contains("migrations: applied") && !first.contains("applied 0"),
        "{first}"
    );
    assert!(
        dir.join("db").exists(),
        "the database lives in TM_DATA_DIR/db"
    );

    // A new process finds the schema history written by the first one.
    let second = run(command(&dir).arg("migrate"));
    assert!(second.status.success());
    let second = String::from_utf8(second.stdout).unwrap();
    assert!(second.contains("applied 0"), "{second}");
}

/// The server binary, with its stdout lines delivered on a channel.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    base: String,
}

impl Running {
    fn start(mut cmd: Command) -> Self {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let base = loop {
            let line = lines
                .recv_timeout(Duration::from_secs(60))
                .expect("the server prints its URL");
            if let Some(url) = line.strip_prefix("Task Manager is serving at ") {
                break url.trim().to_owned();
            }
        };
        Self { child, lines, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn terminate(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -TERM failed");
    }

    fn wait_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < timeout,
                "the server did not exit within {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn remaining_lines(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn sigterm_drains_in_flight_requests_and_exits_zero() {
    let dir = scratch_dir("drain");
    let mut cmd = command(&dir);
    cmd.env("TM_DATABASE_URL", "mem://")
        .env("TM_DRAIN_SECONDS", "20");
    let mut server = Running::start(cmd);
    let client = reqwest::Client::new();

    // A slow request: its body arrives only when the test says so.
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let body = futures::stream::once(async move {
        let _ = released.await;
        Ok::<_, std::io::Error>(String::new())
    });
    let slow = tokio::spawn(
        client
            .post(server.url("/api/fn/system_status"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(reqwest::Body::wrap_stream(body))
            .send(),
    );
    let metrics_url = server.url("/metrics");
    eventually(
        "the slow request to be in flight",
        Duration::from_secs(10),
        || {
            let client = client.clone();
            let url = metrics_url.clone();
            async move {
                let text = client.get(url).send().await.unwrap().text().await.unwrap();
                text.contains("taskmanager_http_requests_in_flight 1")
            }
        },
    )
    .await;

    server.terminate();

    // Readiness fails at once, while the listener still answers.
    let ready_url = server.url("/api/v1/health/ready");
    eventually(
        "readiness to report draining",
        Duration::from_secs(10),
        || {
            let client = client.clone();
            let url = ready_url.clone();
            async move {
                let res = client.get(url).send().await.unwrap();
                let status = res.status().as_u16();
                let body: Value = crate::helpers::json(res).await;
                status == 503 && body["checks"]["draining"] == true
            }
        },
    )
    .await;
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited while a request was in flight"
    );

    // The in-flight request completes normally.
    release.send(()).unwrap();
    let res = slow
        .await
        .unwrap()
        .expect("the in-flight request completes");
    assert_eq!(res.status(), 200);
    let status: Value = crate::helpers::json(res).await;
    assert_eq!(status["instance_id"], "bin-test");

    let exit = server.wait_exit(Duration::from_secs(15));
    assert_eq!(exit.code(), Some(0), "a drained shutdown exits 0");
}

#[tokio::test]
async fn production_logs_are_json_lines_with_request_context() {
    let dir = scratch_dir("jsonlog");
    let mut cmd = command(&dir);
    cmd.env("TM_DATABASE_URL", "mem://")
        .env("TM_LOG_FORMAT", "json");
    let mut server = Running::start(cmd);

    let res = reqwest::Client::new()
        .get(server.url("/api/v1/health"))
        .header("x-request-id", "log-probe-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    server.terminate();
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));

    let lines = server.remaining_lines();
    let completed = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["message"] == "request completed" && v["span"]["request_id"] == "log-probe-42")
        .unwrap_or_else(|| panic!("no JSON log line for the request in:\n{}", lines.join("\n")));
    assert_eq!(completed["level"], "INFO");
    assert!(completed["target"].is_string());
    assert_eq!(completed["status"], 200);
    assert!(completed["latency_ms"].is_number());
    assert_eq!(completed["span"]["route"], "/api/v1/health");
}

/// SIGTERM tells every websocket to reconnect elsewhere (1012) instead of dropping it.
#[tokio::test]
async fn sigterm_closes_websockets_with_a_reconnect_code() {
    use futures::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;

    let dir = scratch_dir("ws-drain");
    let mut cmd = command(&dir);
    cmd.env("TM_DATABASE_URL", "mem://")
        .env("TM_DRAIN_SECONDS", "10");
    let mut server = Running::start(cmd);
    let client = reqwest::Client::new();
    let res = client
        .post(server.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(
            serde_json::json!({"email": "drain@example.com", "password": "a fine password", "name": "Drain"})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    let session: Value = crate::helpers::json(res).await;
    let token = session["access_token"].as_str().unwrap();
    let mut request = server
        .url("/api/v1/ws")
        .replacen("http://", "ws://", 1)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();

    server.terminate();
    let close = loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a close frame within 5 s")
            .expect("a frame, not the end of the stream")
            .unwrap();
        if let Message::Close(frame) = message {
            break frame.expect("a close code");
        }
    };
    assert_eq!(u16::from(close.code), 1012, "{close:?}");

    let exit = server.wait_exit(Duration::from_secs(20));
    assert_eq!(exit.code(), Some(0));
}

/// kill -9 during a job: an instance is killed while its mail is half-sent (the SMTP server
/// holds the message); another instance on the same database takes the job over when the
/// lease lapses and delivers it, once.
#[tokio::test]
async fn a_job_whose_instance_is_killed_mid_run_completes_once_on_another() {
    let db = crate::helpers::SurrealServer::start();
    let sink = crate::helpers::smtp_sink().await;
    let name = format!("kill_{}", std::process::id());
    let shared = [
        ("TM_DATABASE_URL", db.url()),
        ("TM_DATABASE_USER", "root".to_owned()),
        ("TM_DATABASE_PASS", "root".to_owned()),
        ("TM_DATABASE_DB", name),
        (
            "TM_SECRET_KEY",
            "a shared secret key of more than thirty-two characters".to_owned(),
        ),
        ("TM_SMTP_URL", format!("smtp://127.0.0.1:{}", sink.port)),
        ("TM_JOB_LEASE_MS", "1500".to_owned()),
        ("TM_JOB_POLL_MS", "50".to_owned()),
    ];
    sink.stall.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut cmd = command(&scratch_dir("kill9"));
    for (k, v) in &shared {
        cmd.env(k, v);
    }
    let mut first = Running::start(cmd);

    // Sign-up enqueues the verification mail in its transaction; this instance's worker takes
    // it and stalls inside the SMTP conversation.
    let client = reqwest::Client::new();
    let res = client
        .post(first.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(
            serde_json::json!({"email": "kill9@example.com", "password": "a fine password", "name": "Kay"})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    eventually(
        "the mail to be half-sent",
        Duration::from_secs(20),
        || async { sink.held.load(std::sync::atomic::Ordering::SeqCst) == 1 },
    )
    .await;
    first.child.kill().unwrap(); // SIGKILL: no drain, no cleanup, the lease stays.
    let status = first.wait_exit(Duration::from_secs(10));
    assert!(!status.success());
    assert!(sink.mails.lock().unwrap().is_empty());
    sink.stall.store(false, std::sync::atomic::Ordering::SeqCst);

    // Another instance takes the job over after the lease and delivers it.
    let second = crate::helpers::spawn_app_with(&shared).await;
    eventually(
        "the mail delivered by the other instance",
        Duration::from_secs(20),
        || async { sink.mails.lock().unwrap().len() == 1 },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mails = sink.mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1, "delivered once");
    assert!(mails[0].contains("To: kill9@example.com"), "{}", mails[0]);
    let counts = second.services.job_counts().await.unwrap();
    assert_eq!(counts.get("email", "done"), 1, "{counts:?}");
    assert_eq!(counts.get("email", "running"), 0, "{counts:?}");
    let done = second.services.jobs_in_state("done", 10).await.unwrap();
    assert_eq!(
        done[0].attempts, 2,
        "one attempt died with its instance: {done:?}"
    );
}
