//! Continuous load through the edge while a deploy happens, and the proof that nobody noticed.
//!
//! `cargo run --release --example deployload -- --url https://localhost:18701 --ca cert.pem`
//!
//! Signs up one user, makes a workspace and a few tasks, then until SIGINT/SIGTERM:
//! - readers: the task list, one task, a server-rendered page (each reader its own loopback
//!   source address, so each is its own client for the rate limits, as real users are);
//! - writers: create a task, move it, rename it (every write is a workspace event);
//! - websockets: subscribed to the workspace, checking every event's version is the next one.
//!   A socket that closes (1012 when its instance drains) reconnects after a jittered pause and
//!   resumes with `since_version`, as the browser client does.
//!
//! `--duration S --max-p95-ms N` makes it the smoke test the pipeline runs with k6
//! (deploy/k6/smoke.js: 10 virtual users for 30 s): it stops by itself and fails over the
//! thresholds.
//!
//! SIGUSR1 opens or closes a "window" (the deploy script marks the switch with it): requests that
//! start inside it are also reported on their own. On stop it waits until every socket has the
//! workspace's final version, then prints the figures and one verdict line the scripts read:
//! `deployload: verdict ok` or `deployload: verdict FAILED (…)`. Exit code 0 only with ok.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

struct Args {
    url: String,
    ca: String,
    readers: usize,
    writers: usize,
    sockets: usize,
    /// Requests per second per reader or writer (the API allows 10 per client).
    rate: f64,
    /// Stop by itself after this long (the smoke test), instead of on a signal.
    duration: Option<Duration>,
    /// Thresholds (the smoke test's, as deploy/k6/smoke.js has them): p95 and p99 latency.
    max_p95_ms: Option<f64>,
    max_p99_ms: Option<f64>,
}

fn args() -> Args {
    let mut a = Args {
        url: String::new(),
        ca: String::new(),
        readers: 6,
        writers: 3,
        sockets: 20,
        rate: 6.0,
        duration: None,
        max_p95_ms: None,
        max_p99_ms: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--url" => a.url = v.trim_end_matches('/').to_owned(),
            "--ca" => a.ca = v,
            "--readers" => a.readers = v.parse().expect("--readers N"),
            "--writers" => a.writers = v.parse().expect("--writers N"),
            "--sockets" => a.sockets = v.parse().expect("--sockets N"),
            "--rate" => a.rate = v.parse().expect("--rate N"),
            "--duration" => {
                a.duration = Some(Duration::from_secs_f64(
                    v.parse().expect("--duration SECONDS"),
                ))
            }
            "--max-p95-ms" => a.max_p95_ms = Some(v.parse().expect("--max-p95-ms N")),
            "--max-p99-ms" => a.max_p99_ms = Some(v.parse().expect("--max-p99-ms N")),
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(!a.url.is_empty(), "--url https://host:port is required");
    assert!(!a.ca.is_empty(), "--ca cert.pem is required");
    a
}

/// Latencies and failures, overall and inside the window.
#[derive(Default)]
struct Stats {
    all: Vec<f64>,
    window: Vec<f64>,
    failures: Vec<String>,
    window_failures: usize,
}

struct Shared {
    stats: Mutex<Stats>,
    window: AtomicBool,
    stop: AtomicBool,
    reconnects: AtomicU64,
    restarts_1012: AtomicU64,
    events: AtomicU64,
    gaps: AtomicU64,
    duplicates: AtomicU64,
    resyncs: AtomicU64,
}

impl Shared {
    fn record(&self, started_in_window: bool, ms: f64, failure: Option<String>) {
        let mut s = self.stats.lock().expect("stats");
        s.all.push(ms);
        if started_in_window {
            s.window.push(ms);
        }
        if let Some(f) = failure {
            if started_in_window {
                s.window_failures += 1;
            }
            if s.failures.len() < 1000 {
                s.failures.push(f);
            }
        }
    }
}

/// reqwest's `json` feature is not in this build: JSON bodies by hand.
trait JsonBody {
    fn json_body(self, value: &Value) -> Self;
}

impl JsonBody for reqwest::RequestBuilder {
    fn json_body(self, value: &Value) -> Self {
        self.header("content-type", "application/json")
            .body(value.to_string())
    }
}

fn client(ca: &[u8], source: Option<IpAddr>) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca).expect("the CA is PEM"))
        .timeout(Duration::from_secs(15))
        .pool_max_idle_per_host(2);
    if let Some(ip) = source {
        b = b.local_address(ip);
    }
    b.build().expect("http client")
}

/// One request: its latency, and a failure unless the status is the expected one.
async fn call(
    shared: &Shared,
    req: reqwest::RequestBuilder,
    what: &str,
    expect: u16,
) -> Option<Value> {
    let window = shared.window.load(Ordering::Relaxed);
    let t0 = Instant::now();
    let result = req.send().await;
    let (failure, body) = match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            if status == expect {
                (None, serde_json::from_str(&text).ok())
            } else {
                let snippet: String = text.chars().take(160).collect();
                (Some(format!("{what}: HTTP {status} {snippet}")), None)
            }
        }
        Err(e) => (Some(format!("{what}: {e:?}")), None),
    };
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    shared.record(window, ms, failure);
    body
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let i = ((p / 100.0) * (v.len() as f64 - 1.0)).round() as usize;
    v[i.min(v.len() - 1)]
}

fn source(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        0,
        3 + (n / 250) as u8,
        (n % 250 + 1) as u8,
    ))
}

async fn reader(
    shared: Arc<Shared>,
    a: Arc<Args>,
    ca: Arc<Vec<u8>>,
    n: usize,
    token: String,
    ws: String,
    task: String,
) {
    let http = client(&ca, Some(source(n)));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / a.rate));
    let mut k = 0usize;
    while !shared.stop.load(Ordering::Relaxed) {
        tick.tick().await;
        k += 1;
        match k % 3 {
            0 => {
                call(
                    &shared,
                    http.get(format!("{}/api/v1/workspaces/{ws}/tasks", a.url))
                        .bearer_auth(&token),
                    "list tasks",
                    200,
                )
                .await;
            }
            1 => {
                call(
                    &shared,
                    http.get(format!("{}/api/v1/tasks/{task}", a.url))
                        .bearer_auth(&token),
                    "get task",
                    200,
                )
                .await;
            }
            _ => {
                call(
                    &shared,
                    http.get(format!("{}/signin", a.url)),
                    "page /signin",
                    200,
                )
                .await;
            }
        }
    }
}

async fn writer(
    shared: Arc<Shared>,
    a: Arc<Args>,
    ca: Arc<Vec<u8>>,
    n: usize,
    token: String,
    ws: String,
) {
    let http = client(&ca, Some(source(100 + n)));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / a.rate));
    let statuses = ["in_progress", "done", "todo"];
    // The writer's task and the version it last saw (edits are conditional on it).
    let mut mine: Option<(String, i64)> = None;
    let mut k = 0usize;
    while !shared.stop.load(Ordering::Relaxed) {
        tick.tick().await;
        k += 1;
        let seen = |v: &Option<Value>| {
            v.as_ref()
                .and_then(|v| Some((v["id"].as_str()?.to_owned(), v["version"].as_i64()?)))
        };
        match (mine.clone(), k % 3) {
            (Some((id, _)), 1) => {
                let moved = call(
                    &shared,
                    http.post(format!("{}/api/v1/tasks/{id}/move", a.url))
                        .bearer_auth(&token)
                        .json_body(&json!({"status": statuses[(k / 3) % 3]})),
                    "move task",
                    200,
                )
                .await;
                mine = seen(&moved).or(mine);
            }
            (Some((id, version)), 2) => {
                let edited = call(
                    &shared,
                    http.patch(format!("{}/api/v1/tasks/{id}", a.url))
                        .bearer_auth(&token)
                        .json_body(
                            &json!({"title": format!("Writer {n} edit {k}"), "version": version}),
                        ),
                    "edit task",
                    200,
                )
                .await;
                mine = seen(&edited).or(mine);
            }
            _ => {
                let made = call(
                    &shared,
                    http.post(format!("{}/api/v1/workspaces/{ws}/tasks", a.url))
                        .bearer_auth(&token)
                        .json_body(&json!({"title": format!("Writer {n} task {k}")})),
                    "create task",
                    201,
                )
                .await;
                mine = seen(&made).or(mine);
            }
        }
    }
}

/// A websocket that follows the workspace and checks versions; returns its last version.
async fn socket(
    shared: Arc<Shared>,
    a: Arc<Args>,
    tls: Arc<rustls::ClientConfig>,
    token: String,
    ws: String,
    target: Arc<AtomicU64>,
) -> i64 {
    let host = a.url.trim_start_matches("https://").to_owned();
    let mut last: Option<i64> = None;
    let mut first = true;
    loop {
        if !first {
            shared.reconnects.fetch_add(1, Ordering::Relaxed);
            // Jittered backoff, as the browser does after a 1012.
            tokio::time::sleep(Duration::from_millis(rand::random_range(50..300))).await;
        }
        first = false;
        let target_version = target.load(Ordering::Relaxed);
        if shared.stop.load(Ordering::Relaxed)
            && target_version > 0
            && last.is_some_and(|l| l as u64 >= target_version)
        {
            return last.unwrap_or(0);
        }
        let connected = async {
            let tcp = tokio::net::TcpStream::connect(&host).await?;
            tcp.set_nodelay(true)?;
            let name = rustls::pki_types::ServerName::try_from("localhost")
                .map_err(std::io::Error::other)?;
            let tls = tokio_rustls::TlsConnector::from(tls.clone())
                .connect(name, tcp)
                .await?;
            let mut request = format!("wss://{host}/api/v1/ws")
                .into_client_request()
                .map_err(std::io::Error::other)?;
            request.headers_mut().insert(
                "authorization",
                format!("Bearer {token}")
                    .parse()
                    .map_err(std::io::Error::other)?,
            );
            let (socket, _) = tokio_tungstenite::client_async(request, tls)
                .await
                .map_err(std::io::Error::other)?;
            Ok::<_, std::io::Error>(socket)
        };
        let mut socket = match tokio::time::timeout(Duration::from_secs(5), connected).await {
            Ok(Ok(s)) => s,
            _ => continue,
        };
        let mut subscribe = json!({"type": "subscribe", "workspace_id": ws});
        if let Some(v) = last {
            subscribe["since_version"] = json!(v);
        }
        if socket
            .send(Message::Text(subscribe.to_string().into()))
            .await
            .is_err()
        {
            continue;
        }
        loop {
            let next = tokio::time::timeout(Duration::from_millis(250), socket.next()).await;
            let message = match next {
                Err(_) => {
                    let t = target.load(Ordering::Relaxed);
                    if shared.stop.load(Ordering::Relaxed)
                        && t > 0
                        && last.is_some_and(|l| l as u64 >= t)
                    {
                        let _ = socket.close(None).await;
                        return last.unwrap_or(0);
                    }
                    continue;
                }
                Ok(m) => m,
            };
            match message {
                Some(Ok(Message::Text(text))) => {
                    let Ok(v) = serde_json::from_str::<Value>(&text) else {
                        continue;
                    };
                    let kind = v["type"].as_str().unwrap_or_default();
                    match kind {
                        "subscribed" if last.is_none() => {
                            last = v["version"].as_i64();
                        }
                        "resync_required" => {
                            shared.resyncs.fetch_add(1, Ordering::Relaxed);
                            last = v["version"].as_i64();
                        }
                        k if k.contains('.') => {
                            let Some(version) = v["version"].as_i64() else {
                                continue;
                            };
                            shared.events.fetch_add(1, Ordering::Relaxed);
                            match last {
                                Some(l) if version == l + 1 => last = Some(version),
                                Some(l) if version <= l => {
                                    shared.duplicates.fetch_add(1, Ordering::Relaxed);
                                }
                                _ => {
                                    shared.gaps.fetch_add(1, Ordering::Relaxed);
                                    last = Some(version);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    if frame.as_ref().is_some_and(|f| u16::from(f.code) == 1012) {
                        shared.restarts_1012.fetch_add(1, Ordering::Relaxed);
                    }
                    break;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            }
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    let a = Arc::new(args());
    let ca = Arc::new(std::fs::read(&a.ca).expect("read --ca"));
    let setup = client(&ca, Some(source(240)));
    let shared = Arc::new(Shared {
        stats: Mutex::default(),
        window: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        reconnects: AtomicU64::new(0),
        restarts_1012: AtomicU64::new(0),
        events: AtomicU64::new(0),
        gaps: AtomicU64::new(0),
        duplicates: AtomicU64::new(0),
        resyncs: AtomicU64::new(0),
    });

    // Setup (outside the figures): a user, a workspace, a task to read.
    let email = format!("deploy-{}@example.com", rand::random::<u32>());
    let registered = setup_post(
        &setup,
        format!("{}/api/v1/auth/register", a.url),
        None,
        json!({"email": email, "password": "deploy rehearsal password", "name": "Deploy Load"}),
    )
    .await;
    let token = field(&registered, "access_token");
    let ws = field(
        &setup_post(
            &setup,
            format!("{}/api/v1/workspaces", a.url),
            Some(&token),
            json!({"name": "Deploy rehearsal"}),
        )
        .await,
        "id",
    );
    let task = field(
        &setup_post(
            &setup,
            format!("{}/api/v1/workspaces/{ws}/tasks", a.url),
            Some(&token),
            json!({"title": "Read me"}),
        )
        .await,
        "id",
    );

    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile_certs(&ca) {
        roots.add(cert).expect("CA certificate");
    }
    let tls = Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth(),
    );

    let target = Arc::new(AtomicU64::new(0));
    let mut sockets = Vec::new();
    for _ in 0..a.sockets {
        sockets.push(tokio::spawn(socket(
            shared.clone(),
            a.clone(),
            tls.clone(),
            token.clone(),
            ws.clone(),
            target.clone(),
        )));
    }
    let mut workers = Vec::new();
    for n in 0..a.readers {
        workers.push(tokio::spawn(reader(
            shared.clone(),
            a.clone(),
            ca.clone(),
            n,
            token.clone(),
            ws.clone(),
            task.clone(),
        )));
    }
    for n in 0..a.writers {
        workers.push(tokio::spawn(writer(
            shared.clone(),
            a.clone(),
            ca.clone(),
            n,
            token.clone(),
            ws.clone(),
        )));
    }
    let began = Instant::now();
    println!(
        "deployload: running ({} readers, {} writers at {}/s each, {} websockets) {}",
        a.readers,
        a.writers,
        a.rate,
        a.sockets,
        a.duration
            .map_or("until SIGINT/SIGTERM".to_owned(), |d| format!(
                "for {} s",
                d.as_secs()
            ))
    );

    let mut usr1 = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined1())
        .expect("SIGUSR1");
    let mut term =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM");
    let mut int =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).expect("SIGINT");
    let deadline = tokio::time::sleep(a.duration.unwrap_or(Duration::from_secs(86_400)));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => break,
            _ = usr1.recv() => {
                let open = !shared.window.load(Ordering::Relaxed);
                shared.window.store(open, Ordering::Relaxed);
                println!("deployload: window {} at {:.1} s", if open { "opened" } else { "closed" }, began.elapsed().as_secs_f64());
            }
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    let ran = began.elapsed().as_secs_f64();
    shared.stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.await;
    }
    // The workspace's final version; every socket must reach it.
    let changes: Value = setup
        .get(format!("{}/api/v1/workspaces/{ws}/changes?since=0", a.url))
        .bearer_auth(&token)
        .send()
        .await
        .expect("changes")
        .text()
        .await
        .map(|t| serde_json::from_str::<Value>(&t).unwrap_or_default())
        .expect("json");
    let mut final_version = changes["version"].as_i64().unwrap_or(0);
    // The changes endpoint pages: follow it to the end.
    while changes["events"].as_array().is_some_and(|e| e.len() >= 500) {
        let more: Value = setup
            .get(format!(
                "{}/api/v1/workspaces/{ws}/changes?since={final_version}",
                a.url
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("changes")
            .text()
            .await
            .map(|t| serde_json::from_str::<Value>(&t).unwrap_or_default())
            .expect("json");
        let v = more["version"].as_i64().unwrap_or(final_version);
        if v == final_version {
            break;
        }
        final_version = v;
    }
    target.store(final_version.max(1) as u64, Ordering::Relaxed);
    let mut reached = 0;
    for s in sockets {
        if let Ok(Ok(v)) = tokio::time::timeout(Duration::from_secs(20), s).await {
            if v == final_version {
                reached += 1;
            }
        }
    }

    let mut stats = shared.stats.lock().expect("stats");
    let failures = stats.failures.len();
    let requests = stats.all.len();
    let window_requests = stats.window.len();
    let window_failures = stats.window_failures;
    let (p50, p95, p99, max) = (
        pct(&mut stats.all, 50.0),
        pct(&mut stats.all, 95.0),
        pct(&mut stats.all, 99.0),
        pct(&mut stats.all, 100.0),
    );
    let (wp50, wp99, wmax) = (
        pct(&mut stats.window, 50.0),
        pct(&mut stats.window, 99.0),
        pct(&mut stats.window, 100.0),
    );
    println!("deployload: {requests} requests in {ran:.1} s ({:.0}/s), failed {failures}; latency ms p50 {p50:.1} p95 {p95:.1} p99 {p99:.1} max {max:.1}", requests as f64 / ran);
    println!("deployload: during the switch window: {window_requests} requests, failed {window_failures}; latency ms p50 {wp50:.1} p99 {wp99:.1} max {wmax:.1}");
    let (events, gaps, dups, resyncs) = (
        shared.events.load(Ordering::Relaxed),
        shared.gaps.load(Ordering::Relaxed),
        shared.duplicates.load(Ordering::Relaxed),
        shared.resyncs.load(Ordering::Relaxed),
    );
    println!(
        "deployload: websockets {}: reconnects {} (1012 restarts {}), events {events}, gaps {gaps}, duplicates {dups}, resyncs {resyncs}, at the final version {final_version}: {reached}/{}",
        a.sockets,
        shared.reconnects.load(Ordering::Relaxed),
        shared.restarts_1012.load(Ordering::Relaxed),
        a.sockets
    );
    for f in stats.failures.iter().take(10) {
        println!("deployload: failure: {f}");
    }
    let mut problems = Vec::new();
    if failures > 0 {
        problems.push(format!("{failures} failed requests"));
    }
    if gaps + dups + resyncs > 0 {
        problems.push(format!("{gaps} gaps, {dups} duplicates, {resyncs} resyncs"));
    }
    if reached != a.sockets {
        problems.push(format!(
            "{} sockets short of the final version",
            a.sockets - reached
        ));
    }
    if let Some(limit) = a.max_p95_ms.filter(|l| p95 > *l) {
        problems.push(format!("p95 {p95:.1} ms over {limit} ms"));
    }
    if let Some(limit) = a.max_p99_ms.filter(|l| p99 > *l) {
        problems.push(format!("p99 {p99:.1} ms over {limit} ms"));
    }
    if requests == 0 {
        problems.push("no requests".into());
    }
    if problems.is_empty() {
        println!("deployload: verdict ok");
        std::process::ExitCode::SUCCESS
    } else {
        println!("deployload: verdict FAILED ({})", problems.join("; "));
        std::process::ExitCode::FAILURE
    }
}

/// A setup request that must answer 201: its JSON body.
async fn setup_post(
    http: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: Value,
) -> Value {
    let mut req = http.post(&url).json_body(&body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(status, 201, "{url}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: {e}: {text}"))
}

fn field(value: &Value, name: &str) -> String {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {value}"))
        .to_owned()
}

/// The certificates of a PEM bundle.
fn rustls_pemfile_certs(pem: &[u8]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .collect()
}
