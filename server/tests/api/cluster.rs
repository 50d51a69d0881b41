//! Several instances sharing one SurrealDB server (and Redis): any request may land on any
//! instance, and every socket hears of every change, whichever instance committed it.

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{scratch_dir, spawn_app_with, RedisServer, SurrealServer, TestApp};
use crate::realtime::{connect, next, next_presence, send, workspace, Socket};

const SECRET: &str = "a shared secret key of more than thirty-two characters";

/// `n` instances on one SurrealDB server (a database of their own), with Redis or without.
async fn cluster(db: &SurrealServer, redis: Option<&RedisServer>, n: usize) -> Vec<TestApp> {
    let name = scratch_dir("cluster")
        .file_name()
        .unwrap()
        .to_string_lossy()
        .replace('-', "_");
    let mut apps = Vec::new();
    for _ in 0..n {
        let mut extra = vec![
            ("TM_DATABASE_URL", db.url()),
            ("TM_DATABASE_USER", "root".to_owned()),
            ("TM_DATABASE_PASS", "root".to_owned()),
            ("TM_DATABASE_DB", name.clone()),
            ("TM_SECRET_KEY", SECRET.to_owned()),
            // The same id on purpose: instances on one host may share it.
            ("TM_INSTANCE_ID", "node".to_owned()),
        ];
        if let Some(redis) = redis {
            extra.push(("TM_REDIS_URL", redis.url()));
        }
        apps.push(spawn_app_with(&extra).await);
    }
    apps
}

async fn subscribe(socket: &mut Socket, ws: &str, since: Option<i64>) -> i64 {
    let mut message = json!({"type": "subscribe", "workspace_id": ws});
    if let Some(since) = since {
        message["since_version"] = json!(since);
    }
    send(socket, message).await;
    let ack = next(socket).await;
    assert_eq!(ack["type"], "subscribed", "{ack}");
    ack["version"].as_i64().unwrap()
}

async fn create_task(app: &TestApp, token: &str, ws: &str, title: &str) -> Value {
    let (status, task) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/tasks"),
            token,
            Some(json!({ "title": title })),
        )
        .await;
    assert_eq!(status, 201, "{task}");
    task
}

#[tokio::test]
async fn a_change_on_one_instance_reaches_sockets_on_the_other_through_redis() {
    let db = SurrealServer::start();
    let redis = RedisServer::start();
    let apps = cluster(&db, Some(&redis), 2).await;
    let (a, b) = (&apps[0], &apps[1]);

    // Sessions are shared: an account made on A works on B.
    let owner = a
        .register("cluster-owner@example.com", "a fine password")
        .await;
    let member = b
        .register("cluster-member@example.com", "a fine password")
        .await;
    let ws = workspace(a, &owner.access_token).await;
    let (status, body) = b
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/members"),
            &owner.access_token,
            Some(json!({"email": "cluster-member@example.com", "role": "editor"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    let mut on_b = connect(b, &member.access_token).await;
    let start = subscribe(&mut on_b, &ws, None).await;

    // Changes committed on A arrive on B in order, each well within a second: Redis carries the
    // notice (the heal sweep alone would take up to two seconds).
    let mut slowest = Duration::ZERO;
    for i in 0..5 {
        let t0 = Instant::now();
        let task = create_task(a, &owner.access_token, &ws, &format!("Card {i}")).await;
        let event = next(&mut on_b).await;
        let took = t0.elapsed();
        slowest = slowest.max(took);
        assert_eq!(event["type"], "task.created");
        assert_eq!(event["version"].as_i64(), Some(start + 1 + i));
        assert_eq!(event["data"]["id"], task["id"]);
    }
    assert!(
        slowest < Duration::from_millis(1000),
        "slowest cross-instance delivery took {slowest:?}"
    );

    // A member removed on A stops hearing of the workspace on B at once.
    let member_id = {
        let (_, me) = b
            .call("GET", "/api/v1/auth/me", &member.access_token, None)
            .await;
        me["user"]["id"].as_str().unwrap().to_owned()
    };
    let (status, _) = a
        .call(
            "DELETE",
            &format!("/api/v1/workspaces/{ws}/members/{member_id}"),
            &owner.access_token,
            None,
        )
        .await;
    assert_eq!(status, 204);
    let refused = next(&mut on_b).await;
    assert_eq!(
        (refused["type"].as_str(), refused["code"].as_str()),
        (Some("error"), Some("not_found")),
        "{refused}"
    );
    create_task(a, &owner.access_token, &ws, "Not for them").await;
    let quiet = tokio::time::timeout(Duration::from_millis(500), on_b.next()).await;
    assert!(
        !matches!(quiet, Ok(Some(Ok(Message::Text(_))))),
        "a removed member still hears: {quiet:?}"
    );
}

/// A sample of the instance's metrics, by its name and labels as exposed (`name{label="v"}`).
async fn metric(app: &TestApp, series: &str) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    let prefix = format!("{series} ");
    text.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {series} in {text}"))
}

/// The instance's Redis subscriptions so far.
async fn redis_subscribes(app: &TestApp) -> u64 {
    metric(app, "taskmanager_realtime_redis_subscribes_total").await
}

#[tokio::test]
async fn the_redis_subscription_outlives_its_keepalive_pings() {
    // A subscribed connection answers PING with an array; reading it as a string once dropped
    // the subscription every ping (10 s), losing the notices of the gap until it was made again.
    let db = SurrealServer::start();
    let redis = RedisServer::start();
    let apps = cluster(&db, Some(&redis), 2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let owner = a
        .register("ping-owner@example.com", "a fine password")
        .await;
    let ws = workspace(a, &owner.access_token).await;
    let mut on_b = connect(b, &owner.access_token).await;
    let start = subscribe(&mut on_b, &ws, None).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while redis_subscribes(a).await < 1 || redis_subscribes(b).await < 1 {
        assert!(Instant::now() < deadline, "the instances never subscribed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Past the first keep-alive ping of both subscriptions.
    tokio::time::sleep(Duration::from_millis(11_500)).await;
    assert_eq!(
        (redis_subscribes(a).await, redis_subscribes(b).await),
        (1, 1)
    );
    // And the notices still travel by Redis: each well under the heal sweep's 2 s.
    for i in 0..5 {
        let t0 = Instant::now();
        create_task(a, &owner.access_token, &ws, &format!("Card {i}")).await;
        let event = next(&mut on_b).await;
        assert_eq!(event["version"].as_i64(), Some(start + 1 + i));
        assert!(
            t0.elapsed() < Duration::from_millis(300),
            "change {i} took {:?}",
            t0.elapsed()
        );
    }
}

async fn stats(app: &TestApp, token: &str, ws: &str) -> Value {
    let path = format!("/api/v1/workspaces/{ws}/stats");
    let (status, body) = app.call("GET", &path, token, None).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// (hits, misses) of the instance's Redis-shared cache.
async fn shared_cache(app: &TestApp) -> (u64, u64) {
    let series =
        |result: &str| format!("taskmanager_shared_cache_requests_total{{result=\"{result}\"}}");
    (
        metric(app, &series("hit")).await,
        metric(app, &series("miss")).await,
    )
}

#[tokio::test]
async fn dashboard_figures_are_shared_through_redis_by_version_and_survive_a_flush() {
    let db = SurrealServer::start();
    let redis = RedisServer::start();
    let apps = cluster(&db, Some(&redis), 2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let owner = a
        .register("stats-owner@example.com", "a fine password")
        .await;
    let token = &owner.access_token;
    let ws = workspace(a, token).await;
    for i in 0..2 {
        create_task(a, token, &ws, &format!("Card {i}")).await;
    }
    let on_a = stats(a, token, &ws).await;
    assert_eq!(on_a["by_status"]["todo"], 2, "{on_a}");
    // Computed on A, read on B: a hit there (the role and the figures), equal to A's.
    let before = shared_cache(b).await;
    let on_b = stats(b, token, &ws).await;
    let after = shared_cache(b).await;
    assert_eq!(on_b, on_a);
    assert!(after.0 > before.0, "no hit on B: {before:?} -> {after:?}");
    // A change is a new version, hence a new key: never a stale figure.
    create_task(a, token, &ws, "Card 2").await;
    assert_eq!(stats(b, token, &ws).await["by_status"]["todo"], 3);
    // An emergency FLUSHALL costs a recompute, not a wrong answer.
    redis.flush_all();
    let before = shared_cache(b).await;
    let flushed = stats(b, token, &ws).await;
    assert_eq!(flushed["by_status"]["todo"], 3, "{flushed}");
    assert!(
        shared_cache(b).await.1 > before.1,
        "no recompute after the flush"
    );
}

#[tokio::test]
async fn without_redis_the_heal_sweep_still_delivers_across_instances() {
    let db = SurrealServer::start();
    let apps = cluster(&db, None, 2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let owner = a
        .register("heal-owner@example.com", "a fine password")
        .await;
    let ws = workspace(a, &owner.access_token).await;
    let mut on_b = connect(b, &owner.access_token).await;
    let start = subscribe(&mut on_b, &ws, None).await;
    for i in 0..3 {
        create_task(a, &owner.access_token, &ws, &format!("Healed {i}")).await;
    }
    for i in 0..3 {
        let event = next(&mut on_b).await;
        assert_eq!(event["version"].as_i64(), Some(start + 1 + i), "{event}");
    }
}

#[tokio::test]
async fn a_redis_restart_mid_run_loses_and_repeats_nothing() {
    let db = SurrealServer::start();
    let mut redis = RedisServer::start();
    let apps = cluster(&db, Some(&redis), 2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let owner = a
        .register("flaky-owner@example.com", "a fine password")
        .await;
    let ws = workspace(a, &owner.access_token).await;
    let mut on_a = connect(a, &owner.access_token).await;
    let mut on_b = connect(b, &owner.access_token).await;
    let start = subscribe(&mut on_a, &ws, None).await;
    assert_eq!(subscribe(&mut on_b, &ws, None).await, start);

    // 30 changes alternating the instance that commits; Redis dies after 10 and returns after 20.
    for i in 0..30 {
        if i == 10 {
            redis.stop();
        }
        if i == 20 {
            redis.restart();
        }
        let app = if i % 2 == 0 { a } else { b };
        create_task(app, &owner.access_token, &ws, &format!("Flaky {i}")).await;
    }
    for socket in [&mut on_a, &mut on_b] {
        let mut seen = Vec::new();
        while seen.len() < 30 {
            let event = next(socket).await;
            assert_eq!(event["type"], "task.created", "{event}");
            seen.push(event["version"].as_i64().unwrap());
        }
        let expected: Vec<i64> = (start + 1..=start + 30).collect();
        assert_eq!(seen, expected, "every version exactly once, in order");
        let extra = tokio::time::timeout(Duration::from_millis(300), socket.next()).await;
        assert!(
            !matches!(extra, Ok(Some(Ok(Message::Text(_))))),
            "a repeated event: {extra:?}"
        );
    }
}

#[tokio::test]
async fn revoking_sessions_on_one_instance_closes_their_sockets_on_the_other() {
    let db = SurrealServer::start();
    let redis = RedisServer::start();
    let apps = cluster(&db, Some(&redis), 2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let user = a.register("revoked@example.com", "a fine password").await;
    let ws = workspace(a, &user.access_token).await;
    let mut on_b = connect(b, &user.access_token).await;
    subscribe(&mut on_b, &ws, None).await;

    let t0 = Instant::now();
    let (status, _) = a
        .call("DELETE", "/api/v1/auth/sessions", &user.access_token, None)
        .await;
    assert_eq!(status, 204);
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(5), on_b.next())
            .await
            .expect("the socket closes within 5 s")
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(closed.map(|f| u16::from(f.code)), Some(4401));
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "took {:?}",
        t0.elapsed()
    );
}

/// A real `taskmanager` process on a port of its own, killed on drop.
struct Instance {
    child: std::process::Child,
    port: u16,
}

impl Instance {
    async fn start(db: &SurrealServer, redis: &RedisServer, name: &str, database: &str) -> Self {
        let port = crate::helpers::free_port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_taskmanager"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TM_LISTEN", format!("127.0.0.1:{port}"))
            .env("TM_DATABASE_URL", db.url())
            .env("TM_DATABASE_USER", "root")
            .env("TM_DATABASE_PASS", "root")
            .env("TM_DATABASE_DB", database)
            .env("TM_REDIS_URL", redis.url())
            .env("TM_SECRET_KEY", SECRET)
            .env("TM_INSTANCE_ID", name)
            .env("TM_DATA_DIR", scratch_dir(name))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the taskmanager binary starts");
        let instance = Self { child, port };
        let client = reqwest::Client::new();
        crate::helpers::eventually("the instance is ready", Duration::from_secs(30), || {
            let url = instance.url("/api/v1/health/ready");
            let client = client.clone();
            async move {
                client
                    .get(url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 200)
            }
        })
        .await;
        instance
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one websocket client ended with.
#[derive(Default)]
struct Seen {
    versions: Vec<i64>,
    tasks: std::collections::BTreeMap<String, i64>,
    reconnects: u32,
}

/// A client that follows the workspace from version 0, moving to the other instance whenever
/// its connection drops, until it has applied `target` (set by the writer when it is done).
async fn follow(
    ports: [u16; 2],
    mut at: usize,
    token: String,
    ws: String,
    target: std::sync::Arc<std::sync::atomic::AtomicI64>,
    ready: tokio::sync::mpsc::Sender<()>,
) -> Seen {
    use std::sync::atomic::Ordering;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut seen = Seen::default();
    let mut last = 0i64;
    let deadline = Instant::now() + Duration::from_secs(60);
    'connect: loop {
        assert!(Instant::now() < deadline, "a client never caught up");
        let mut request = format!("ws://127.0.0.1:{}/api/v1/ws", ports[at])
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else {
            at = 1 - at;
            seen.reconnects += 1;
            tokio::time::sleep(Duration::from_millis(50 + rand_jitter())).await;
            continue;
        };
        send(
            &mut socket,
            json!({"type": "subscribe", "workspace_id": ws, "since_version": last}),
        )
        .await;
        loop {
            let t = target.load(Ordering::SeqCst);
            if t > 0 && last >= t {
                return seen;
            }
            let message = tokio::time::timeout(Duration::from_millis(500), socket.next()).await;
            let text = match message {
                Err(_) => continue, // quiet: look at the target again
                Ok(Some(Ok(Message::Text(text)))) => text,
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_))) | Ok(None) => {
                    // The instance went away: resume on the other one from `last`.
                    at = 1 - at;
                    seen.reconnects += 1;
                    tokio::time::sleep(Duration::from_millis(50 + rand_jitter())).await;
                    continue 'connect;
                }
            };
            let event: Value = serde_json::from_str(&text).unwrap();
            match event["type"].as_str().unwrap_or_default() {
                // The first subscription counts the client in (later ones are resumptions).
                "subscribed" => {
                    let _ = ready.try_send(());
                }
                "presence" | "notifications" => {}
                "resync_required" => panic!("the log should still hold everything: {event}"),
                "error" => panic!("unexpected error: {event}"),
                kind => {
                    let version = event["version"].as_i64().unwrap();
                    seen.versions.push(version);
                    last = last.max(version);
                    let id = event["data"]["id"].as_str().unwrap_or_default().to_owned();
                    if kind == "task.deleted" {
                        seen.tasks.remove(&id);
                    } else if kind.starts_with("task.") {
                        seen.tasks
                            .insert(id, event["data"]["version"].as_i64().unwrap_or(-1));
                    }
                }
            }
        }
    }
}

fn rand_jitter() -> u64 {
    u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos()
            % 150,
    )
}

#[tokio::test]
async fn kill_9_an_instance_and_its_clients_resume_on_the_other_with_exactly_the_servers_state() {
    let db = SurrealServer::start();
    let redis = RedisServer::start();
    let database = scratch_dir("killdb")
        .file_name()
        .unwrap()
        .to_string_lossy()
        .replace('-', "_");
    let mut one = Instance::start(&db, &redis, "one", &database).await;
    let two = Instance::start(&db, &redis, "two", &database).await;
    let ports = [one.port, two.port];
    let http = reqwest::Client::new();

    let res = http
        .post(one.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body(
            json!({"email": "kill9@example.com", "password": "a fine password", "name": "K"})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let token = crate::helpers::json(res).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let call = |url: String, method: reqwest::Method, body: Value| {
        let (http, token) = (http.clone(), token.clone());
        async move {
            let request = http.request(method, url).bearer_auth(token);
            let request = if body.is_null() {
                request
            } else {
                request
                    .header("content-type", "application/json")
                    .body(body.to_string())
            };
            request.send().await
        }
    };
    let res = call(
        one.url("/api/v1/workspaces"),
        reqwest::Method::POST,
        json!({"name": "Kill nine"}),
    )
    .await
    .unwrap();
    let ws = crate::helpers::json(res).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // 20 clients, half on each instance.
    let target = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let (ready_tx, mut ready) = tokio::sync::mpsc::channel::<()>(64);
    let clients: Vec<_> = (0..20)
        .map(|i| {
            tokio::spawn(follow(
                ports,
                i % 2,
                token.clone(),
                ws.clone(),
                target.clone(),
                ready_tx.clone(),
            ))
        })
        .collect();
    // Every client subscribed (ten of them on the instance about to die) before any change.
    for n in 0..20 {
        tokio::time::timeout(Duration::from_secs(10), ready.recv())
            .await
            .unwrap_or_else(|_| panic!("only {n} of 20 clients subscribed"));
    }

    // 60 changes at about 20/s, alternating instances; instance one dies (SIGKILL) after 20.
    let mut ids: Vec<String> = Vec::new();
    let mut alive = [true, true];
    for i in 0..60usize {
        if i == 20 {
            one.kill_9();
            alive[0] = false;
        }
        let mut at = i % 2;
        if !alive[at] {
            at = 1;
        }
        let base = format!("http://127.0.0.1:{}", ports[at]);
        let (url, method, body) = if i < 20 || ids.is_empty() || i % 3 == 0 {
            (
                format!("{base}/api/v1/workspaces/{ws}/tasks"),
                reqwest::Method::POST,
                json!({"title": format!("Card {i}")}),
            )
        } else {
            let id = &ids[i % ids.len()];
            let status = ["todo", "in_progress", "done"][i % 3];
            (
                format!("{base}/api/v1/tasks/{id}/move"),
                reqwest::Method::POST,
                json!({ "status": status }),
            )
        };
        let res = call(url, method, body)
            .await
            .expect("the live instance answers");
        assert!(res.status().is_success(), "{}", res.status());
        let body = crate::helpers::json(res).await;
        if i < 20 || i % 3 == 0 {
            ids.push(body["id"].as_str().unwrap().to_owned());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The server's state: its version and every task's version.
    let base = format!("http://127.0.0.1:{}", ports[1]);
    let changes = crate::helpers::json(
        call(
            format!("{base}/api/v1/workspaces/{ws}/changes?since=0"),
            reqwest::Method::GET,
            Value::Null,
        )
        .await
        .unwrap(),
    )
    .await;
    let version = changes["version"].as_i64().unwrap();
    let page = crate::helpers::json(
        call(
            format!("{base}/api/v1/workspaces/{ws}/tasks?limit=100"),
            reqwest::Method::GET,
            Value::Null,
        )
        .await
        .unwrap(),
    )
    .await;
    let server: std::collections::BTreeMap<String, i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_owned(),
                t["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(server.len(), ids.len());
    target.store(version, std::sync::atomic::Ordering::SeqCst);

    let mut reconnected = 0;
    for client in clients {
        let seen = client.await.unwrap();
        let expected: Vec<i64> = (1..=version).collect();
        assert_eq!(
            seen.versions, expected,
            "every event exactly once, in order"
        );
        assert_eq!(
            seen.tasks, server,
            "the client ends with the server's state"
        );
        reconnected += u32::from(seen.reconnects > 0);
    }
    assert!(
        reconnected >= 10,
        "the clients of the killed instance moved over ({reconnected} reconnected)"
    );
}

#[tokio::test]
async fn presence_shows_who_is_looking_across_instances_and_ends_when_they_leave() {
    let db = SurrealServer::start();
    let redis = RedisServer::start();
    let apps = cluster(&db, Some(&redis), 2).await;
    let (a, b) = (&apps[0], &apps[1]);
    let owner = a
        .register("look-owner@example.com", "a fine password")
        .await;
    let mate = b.register("look-mate@example.com", "a fine password").await;
    let ws = workspace(a, &owner.access_token).await;
    let (status, _) = a
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/members"),
            &owner.access_token,
            Some(json!({"email": "look-mate@example.com", "role": "viewer"})),
        )
        .await;
    assert_eq!(status, 201);
    let id_of = |token: String| async move {
        let (_, me) = a.call("GET", "/api/v1/auth/me", &token, None).await;
        me["user"]["id"].as_str().unwrap().to_owned()
    };
    let (owner_id, mate_id) = (
        id_of(owner.access_token.clone()).await,
        id_of(mate.access_token.clone()).await,
    );

    let mut on_a = connect(a, &owner.access_token).await;
    subscribe(&mut on_a, &ws, None).await;
    assert_eq!(next_presence(&mut on_a).await, vec![owner_id.clone()]);

    let mut on_b = connect(b, &mate.access_token).await;
    subscribe(&mut on_b, &ws, None).await;
    let mut both = vec![owner_id.clone(), mate_id.clone()];
    both.sort();
    assert_eq!(
        next_presence(&mut on_b).await,
        both,
        "the newcomer sees both"
    );
    assert_eq!(
        next_presence(&mut on_a).await,
        both,
        "the other instance hears of it"
    );

    // Leaving (here: closing the socket) ends presence everywhere.
    drop(on_b);
    assert_eq!(next_presence(&mut on_a).await, vec![owner_id]);
}
