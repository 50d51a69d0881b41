//! Websocket fan-out benchmark against running instances (scripts/bench_fanout.sh starts the
//! topology): opens `--clients` sockets spread over the instances, all following one
//! workspace, then applies `--changes` task changes at `--rate` per second, alternating the
//! instance that commits, and prints fan-out latency (from sending the change to each socket
//! receiving its event: the database write and the Redis hop included), deliveries expected vs
//! received, deliveries per second, and RSS per idle connection.
//!
//! `fanout --app http://127.0.0.1:P1 --pid PID1 --app http://127.0.0.1:P2 --pid PID2
//!         [--clients 1000] [--changes 200] [--rate 20] [--users 50]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

struct Args {
    apps: Vec<String>,
    pids: Vec<u32>,
    /// Other processes whose CPU during the changes is reported (`--watch NAME=PID`).
    watch: Vec<(String, u32)>,
    clients: usize,
    changes: usize,
    rate: u32,
    users: usize,
}

fn args() -> Args {
    let mut a = Args {
        apps: Vec::new(),
        pids: Vec::new(),
        watch: Vec::new(),
        clients: 1000,
        changes: 200,
        rate: 20,
        users: 50,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().expect("every flag takes a value");
        match flag.as_str() {
            "--app" => a.apps.push(value.trim_end_matches('/').to_owned()),
            "--pid" => a.pids.push(value.parse().expect("a pid")),
            "--watch" => {
                let (name, pid) = value.split_once('=').expect("--watch NAME=PID");
                a.watch.push((name.to_owned(), pid.parse().expect("a pid")));
            }
            "--clients" => a.clients = value.parse().expect("a number"),
            "--changes" => a.changes = value.parse().expect("a number"),
            "--rate" => a.rate = value.parse().expect("a number"),
            "--users" => a.users = value.parse().expect("a number"),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(!a.apps.is_empty(), "--app URL (one per instance)");
    a
}

async fn post(
    http: &reqwest::Client,
    url: String,
    token: Option<&str>,
    ip: &str,
    body: Value,
) -> Value {
    let mut request = http
        .post(url.clone())
        .header("content-type", "application/json")
        .header("x-real-ip", ip)
        .body(body.to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let res = request.send().await.expect("the instance answers");
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    assert!(status.is_success(), "{url}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn rss_kib(pid: u32) -> u64 {
    status_field(pid, "VmRSS:")
}

/// A number from `/proc/PID/status` (`VmRSS:` in KiB, `Threads:`).
fn status_field(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The `"version":N` of an event, without parsing the whole message.
fn version_of(text: &str) -> Option<i64> {
    let at = text.find("\"version\":")? + "\"version\":".len();
    let digits: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    let http = reqwest::Client::new();
    let run = std::process::id();

    // Accounts: one owner and `users` members (sockets are spread over them).
    let mut tokens = Vec::new();
    for u in 0..=a.users {
        let app = &a.apps[u % a.apps.len()];
        let body = post(
            &http,
            format!("{app}/api/v1/auth/register"),
            None,
            &format!("10.{}.{}.{}", (run >> 8) & 255, run & 255, u % 250 + 1),
            json!({"email": format!("fan{run}-{u}@example.com"), "password": "a fine password", "name": format!("Fan {u}")}),
        )
        .await;
        tokens.push(body["access_token"].as_str().unwrap().to_owned());
    }
    let owner = tokens[0].clone();
    let ws = post(
        &http,
        format!("{}/api/v1/workspaces", a.apps[0]),
        Some(&owner),
        "10.0.0.1",
        json!({"name": "Fan-out"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for u in 1..=a.users {
        post(
            &http,
            format!("{}/api/v1/workspaces/{ws}/members", a.apps[0]),
            Some(&owner),
            "10.0.0.1",
            json!({"email": format!("fan{run}-{u}@example.com"), "role": "viewer"}),
        )
        .await;
    }
    // A task to move, so changes are realistic moves (each carries the whole task).
    let task = post(
        &http,
        format!("{}/api/v1/workspaces/{ws}/tasks", a.apps[0]),
        Some(&owner),
        "10.0.0.1",
        json!({"title": "Moving target"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_before: Vec<u64> = a.pids.iter().map(|p| rss_kib(*p)).collect();
    let heap_before = heap_kib(&http, &a.apps).await;

    // Open the sockets; each reports (version, received at) for every event.
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<i64>(a.clients);
    let start_line = Arc::new(tokio::sync::Notify::new());
    // Sockets stay open until the servers' figures are read: a thousand goodbyes (presence
    // leaving, Redis commands) are not the changes' work.
    let (finished_tx, finished_rx) = tokio::sync::watch::channel(false);
    let mut sockets = Vec::new();
    let opened = Instant::now();
    // Half the sockets first, then the rest: the RSS between the two idle points is what one
    // more idle socket costs, apart from what the first ones warmed up once (buffers and maps
    // sized by the subscribe burst, thread caches).
    let half = a.clients / 2;
    let mut base = 0;
    let mut rss_half: Vec<u64> = Vec::new();
    let mut heap_half: Vec<f64> = Vec::new();
    for c in 0..a.clients {
        if c == half && half > 0 {
            for _ in 0..half {
                base = ready_rx.recv().await.expect("every socket subscribes");
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            rss_half = a.pids.iter().map(|p| rss_kib(*p)).collect();
            heap_half = heap_kib(&http, &a.apps).await;
        }
        let url = format!(
            "{}/api/v1/ws",
            a.apps[c % a.apps.len()].replacen("http", "ws", 1)
        );
        let token = tokens[1 + c % a.users].clone();
        let ws = ws.clone();
        let ready = ready_tx.clone();
        let expected = a.changes;
        let mut finished = finished_rx.clone();
        sockets.push(tokio::spawn(async move {
            let mut request = url.into_client_request().unwrap();
            request
                .headers_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            // A thousand browsers, not one client hammering the API (the per-client limit).
            request.headers_mut().insert(
                "x-real-ip",
                format!("10.1.{}.{}", c / 250, c % 250 + 1).parse().unwrap(),
            );
            // A read buffer the size of an event, as the server's own sockets have: tungstenite
            // zero-fills its whole read buffer (128 KiB by default) on every read, which was
            // half of this client's CPU and, on two shared cores, part of what it measured.
            let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
                .read_buffer_size(4096);
            let (mut socket, _) =
                match tokio_tungstenite::connect_async_with_config(request, Some(config), true)
                    .await
                {
                    Ok(s) => s,
                    Err(e) => panic!("socket {c} did not open: {e}"),
                };
            socket
                .send(Message::Text(
                    json!({"type": "subscribe", "workspace_id": ws})
                        .to_string()
                        .into(),
                ))
                .await
                .unwrap();
            let mut got: Vec<(i64, Instant)> = Vec::with_capacity(expected);
            let deadline = tokio::time::sleep(Duration::from_secs(120));
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    message = socket.next() => match message {
                        Some(Ok(Message::Text(text))) => {
                            let at = Instant::now();
                            if text.contains("\"type\":\"subscribed\"") {
                                let _ = ready.send(version_of(&text).unwrap_or(0)).await;
                            } else if let Some(v) = version_of(&text) {
                                got.push((v, at));
                                if got.len() >= expected {
                                    break;
                                }
                            }
                        }
                        Some(Ok(_)) => {}
                        _ => break,
                    },
                    _ = &mut deadline => break,
                }
            }
            let _ = finished.wait_for(|f| *f).await;
            got
        }));
    }
    drop(ready_tx);
    for _ in half..a.clients {
        base = ready_rx.recv().await.expect("every socket subscribes");
    }
    let open_secs = opened.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_idle: Vec<u64> = a.pids.iter().map(|p| rss_kib(*p)).collect();
    let heap_idle = heap_kib(&http, &a.apps).await;
    if std::env::var_os("FANOUT_DEBUG").is_some() {
        for pid in &a.pids {
            println!(
                "instance {pid}: threads {}, anonymous RSS {} KiB",
                status_field(*pid, "Threads:"),
                status_field(*pid, "RssAnon:")
            );
        }
    }
    start_line.notify_waiters();
    let lag_before = fanout_lag_buckets(&http, &a.apps).await;
    let handler_before = move_handler_buckets(&http, &a.apps).await;
    let spent_before = time_spent(&http, &a.apps).await;

    // CPU and context switches during the change phase, per process: the instances and this
    // client share the machine's cores, and a fan-out's tail is how long they take together.
    let mut watched: Vec<(String, u32)> = a
        .pids
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("instance {}", i + 1), *p))
        .collect();
    watched.push(("this client".to_owned(), std::process::id()));
    watched.extend(a.watch.iter().cloned());
    let usage_before: Vec<(u64, u64)> = watched.iter().map(|(_, p)| usage(*p)).collect();
    // The changes: moves at `rate` per second, alternating instances.
    let mut sent_at: Vec<Instant> = Vec::with_capacity(a.changes);
    let mut commits: Vec<f64> = Vec::with_capacity(a.changes);
    let statuses = ["in_progress", "done", "todo"];
    let interval = Duration::from_secs_f64(1.0 / f64::from(a.rate));
    let mut tick = tokio::time::interval(interval);
    let began = Instant::now();
    for k in 0..a.changes {
        tick.tick().await;
        let app = &a.apps[k % a.apps.len()];
        let t0 = Instant::now();
        let _ = post(
            &http,
            format!("{app}/api/v1/tasks/{task}/move"),
            Some(&owner),
            "10.0.0.2",
            json!({"status": statuses[k % 3]}),
        )
        .await;
        commits.push(t0.elapsed().as_secs_f64() * 1000.0);
        sent_at.push(t0);
    }
    // Let the last deliveries land before reading the servers' figures.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let usage_after: Vec<(u64, u64)> = watched.iter().map(|(_, p)| usage(*p)).collect();
    let spent_after = time_spent(&http, &a.apps).await;
    let lag_after = fanout_lag_buckets(&http, &a.apps).await;
    let handler_after = move_handler_buckets(&http, &a.apps).await;
    let _ = finished_tx.send(true);

    let mut latencies: Vec<f64> = Vec::with_capacity(a.clients * a.changes);
    let mut received = 0usize;
    let mut last_delivery = began;
    let mut wrong = 0usize;
    // Split by where the socket is: on the instance that committed, or across the Redis hop.
    let (mut local, mut remote) = (Vec::new(), Vec::new());
    // The slowest delivery of each change.
    let mut change_max = vec![0f64; a.changes];
    let n_apps = a.apps.len().max(1);
    for (c, s) in sockets.into_iter().enumerate() {
        let got = s.await.expect("a socket task");
        received += got.len();
        for (v, at) in got {
            let k = v - base - 1;
            match usize::try_from(k)
                .ok()
                .and_then(|k| sent_at.get(k).map(|t| (k, t)))
            {
                Some((k, t0)) => {
                    let ms = at.duration_since(*t0).as_secs_f64() * 1000.0;
                    latencies.push(ms);
                    if c % n_apps == k % n_apps {
                        local.push(ms);
                    } else {
                        remote.push(ms);
                    }
                    change_max[k] = change_max[k].max(ms);
                    last_delivery = last_delivery.max(at);
                }
                None => wrong += 1,
            }
        }
    }
    let p50_p99 = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let at = |p: f64| {
            v.get(((v.len() as f64 * p).ceil() as usize).saturating_sub(1))
                .copied()
                .unwrap_or(f64::NAN)
        };
        (at(0.5), at(0.99))
    };
    let (local_50, local_99) = p50_p99(&mut local);
    let (remote_50, remote_99) = p50_p99(&mut remote);
    let slow_changes = change_max.iter().filter(|m| **m > 30.0).count();
    if std::env::var_os("FANOUT_DEBUG").is_some() {
        let slow: Vec<String> = change_max
            .iter()
            .enumerate()
            .filter(|(_, m)| **m > 30.0)
            .map(|(k, m)| format!("#{k} (+{:.0} ms) {m:.0}", commits[k]))
            .collect();
        eprintln!(
            "slow changes (index, commit ms, slowest delivery ms): {}",
            slow.join(", ")
        );
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let expected = a.clients * a.changes;
    let span = last_delivery.duration_since(began).as_secs_f64();
    let per_conn: Vec<String> = rss_before
        .iter()
        .zip(&rss_idle)
        .map(|(b, i)| {
            let conns = (a.clients / a.pids.len().max(1)).max(1) as f64;
            format!("{:.1}", (i.saturating_sub(*b)) as f64 / conns)
        })
        .collect();
    let marginal: Vec<String> = rss_half
        .iter()
        .zip(&rss_idle)
        .map(|(h, i)| {
            let conns = ((a.clients - half) / a.pids.len().max(1)).max(1) as f64;
            format!("{:.1}", (i.saturating_sub(*h)) as f64 / conns)
        })
        .collect();
    println!(
        "fan-out: {} clients over {} instances ({} users), {} changes at {}/s alternating instances",
        a.clients,
        a.apps.len(),
        a.users,
        a.changes,
        a.rate
    );
    println!("sockets opened and subscribed in {open_secs:.2} s");
    println!(
        "latency (send → delivered) ms: p50 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2}",
        pct(0.50),
        pct(0.95),
        pct(0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "  on the committing instance p50 {local_50:.2} p99 {local_99:.2}; across Redis p50 {remote_50:.2} p99 {remote_99:.2}; \
         changes with a delivery over 30 ms: {slow_changes} of {}",
        a.changes
    );
    commits.sort_by(f64::total_cmp);
    println!(
        "of which the change itself (HTTP round trip, committed) ms: p50 {:.2}  p99 {:.2}",
        commits.get(commits.len() / 2).copied().unwrap_or(f64::NAN),
        commits
            .get((commits.len() * 99 / 100).min(commits.len().saturating_sub(1)))
            .copied()
            .unwrap_or(f64::NAN)
    );
    // The fan-out alone, as the servers measure it: from the commit (the notice's timestamp)
    // to the event queued on each socket, across both instances.
    let lag = since(&lag_before, &lag_after);
    let observed = lag.last().map_or(0.0, |(_, n)| *n);
    println!(
        "fan-out alone (commit → queued on the socket, taskmanager_ws_fanout_lag_seconds) ms: \
         p50 {:.2}  p99 {:.2}  ({observed:.0} deliveries, ≤ 15 ms: {:.2} %)",
        bucket_quantile(&lag, 0.50) * 1000.0,
        bucket_quantile(&lag, 0.99) * 1000.0,
        lag.iter()
            .find(|(le, _)| (*le - 0.015).abs() < 1e-9)
            .map_or(f64::NAN, |(_, n)| n / observed.max(1.0) * 100.0)
    );
    // The change's tail: on the servers (the handler) or between them and this client?
    let handler = since(&handler_before, &handler_after);
    let moves = handler.last().map_or(0.0, |(_, n)| *n).max(1.0);
    let share = |bound: f64| {
        handler
            .iter()
            .find(|(le, _)| (*le - bound).abs() < 1e-9)
            .map_or(f64::NAN, |(_, n)| n / moves * 100.0)
    };
    println!(
        "the move handler on the servers: ≤ 5 ms {:.1} %, ≤ 10 ms {:.1} %, ≤ 25 ms {:.1} %, ≤ 50 ms {:.1} % of {moves:.0}",
        share(0.005),
        share(0.01),
        share(0.025),
        share(0.05)
    );
    // Where a change's time goes on the servers: every database round trip, Redis command and
    // the move's handler during the change phase, per change.
    let mut spent: Vec<String> = Vec::new();
    for (key, (n, secs)) in &spent_after {
        let (n0, s0) = spent_before.get(key).copied().unwrap_or((0.0, 0.0));
        let (n, secs) = (n - n0, secs - s0);
        if n >= 1.0 {
            spent.push(format!(
                "{key} ×{:.2} mean {:.2} ms",
                n / a.changes as f64,
                secs / n * 1000.0
            ));
        }
    }
    println!(
        "server time per change (count per change, mean):\n  {}",
        spent.join("\n  ")
    );
    let per_delivery = |process: usize, deliveries: usize| {
        let (cpu0, cs0) = usage_before[process];
        let (cpu1, cs1) = usage_after[process];
        format!(
            "{} {:.0} ms CPU ({:.1} µs per delivery), {} context switches",
            watched[process].0,
            (cpu1 - cpu0) as f64 / 1000.0,
            (cpu1 - cpu0) as f64 / deliveries.max(1) as f64,
            cs1 - cs0
        )
    };
    let mut cpu: Vec<String> = (0..a.pids.len())
        .map(|i| per_delivery(i, received / a.pids.len().max(1)))
        .collect();
    for process in a.pids.len()..watched.len() {
        cpu.push(per_delivery(process, received));
    }
    println!("during the changes: {}", cpu.join("; "));
    println!(
        "deliveries: expected {expected}, received {received}, unexpected versions {wrong}, lost {}",
        expected.saturating_sub(received)
    );
    println!(
        "deliveries/s: {:.0} (over {span:.2} s)",
        received as f64 / span.max(1e-9)
    );
    println!(
        "RSS KiB per instance before/idle with sockets: {:?} / {:?}; per idle connection KiB: {}",
        rss_before,
        rss_idle,
        per_conn.join(" / ")
    );
    println!(
        "RSS KiB per instance at half the sockets: {:?}; per idle connection over the second half KiB: {}",
        rss_half,
        marginal.join(" / ")
    );
    let per_socket = |from: &[f64], sockets: usize| -> String {
        let sockets = (sockets / a.pids.len().max(1)).max(1) as f64;
        from.iter()
            .zip(&heap_idle)
            .map(|(b, i)| format!("{:.1}", (i - b) / sockets))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    println!(
        "live heap KiB per instance before/half/idle: {:?} / {:?} / {:?}; per idle connection KiB: {} (over the second half: {})",
        heap_before.iter().map(|k| k.round()).collect::<Vec<_>>(),
        heap_half.iter().map(|k| k.round()).collect::<Vec<_>>(),
        heap_idle.iter().map(|k| k.round()).collect::<Vec<_>>(),
        per_socket(&heap_before, a.clients),
        per_socket(&heap_half, a.clients - half),
    );
}

/// A process's CPU time (user + system, µs) and context switches (voluntary and not) so far,
/// summed over its threads.
fn usage(pid: u32) -> (u64, u64) {
    // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second
    // on Linux); the command name (field 2) may contain spaces, so count from its ')'.
    let cpu = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<u64> = rest
                .split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|v| v.parse().ok())
                .collect();
            Some(f.iter().sum::<u64>() * 10_000)
        })
        .unwrap_or(0);
    let switches = std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|tasks| {
            tasks
                .flatten()
                .map(|t| {
                    let status =
                        std::fs::read_to_string(t.path().join("status")).unwrap_or_default();
                    status
                        .lines()
                        .filter(|l| l.contains("ctxt_switches:"))
                        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                        .sum::<u64>()
                })
                .sum()
        })
        .unwrap_or(0);
    (cpu, switches)
}

/// One instance's `/metrics` text.
async fn scrape(http: &reqwest::Client, app: &str) -> String {
    http.get(format!("{app}/metrics"))
        .send()
        .await
        .expect("the instance answers")
        .text()
        .await
        .unwrap_or_default()
}

/// Each instance's live heap in KiB (`taskmanager_heap_live_bytes`: what the program keeps
/// allocated, without the pages the allocator holds on to).
async fn heap_kib(http: &reqwest::Client, apps: &[String]) -> Vec<f64> {
    let mut out = Vec::new();
    for app in apps {
        let text = scrape(http, app).await;
        let bytes = text
            .lines()
            .find_map(|l| l.strip_prefix("taskmanager_heap_live_bytes "))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(f64::NAN);
        out.push(bytes / 1024.0);
    }
    out
}

/// Count and total seconds of each database operation, Redis command and the move handler,
/// summed over the instances (`(kind op) -> (count, seconds)`).
async fn time_spent(
    http: &reqwest::Client,
    apps: &[String],
) -> std::collections::BTreeMap<String, (f64, f64)> {
    let mut out = std::collections::BTreeMap::new();
    let families = [
        ("taskmanager_db_query_duration_seconds", "db"),
        ("taskmanager_redis_command_duration_seconds", "redis"),
        ("taskmanager_http_request_duration_seconds", "http"),
    ];
    for app in apps {
        let text = scrape(http, app).await;
        for line in text.lines() {
            for (family, kind) in families {
                let Some(rest) = line.strip_prefix(family) else {
                    continue;
                };
                let (is_count, rest) = if let Some(r) = rest.strip_prefix("_count{") {
                    (true, r)
                } else if let Some(r) = rest.strip_prefix("_sum{") {
                    (false, r)
                } else {
                    continue;
                };
                let Some((labels, value)) = rest.rsplit_once("} ") else {
                    continue;
                };
                if kind == "http" && !labels.contains("/move") {
                    continue;
                }
                let op = labels
                    .split(',')
                    .find_map(|l| {
                        l.strip_prefix("op=\"")
                            .or_else(|| l.strip_prefix("route=\""))
                    })
                    .map_or("", |v| v.trim_end_matches('"'));
                let Ok(value) = value.trim().parse::<f64>() else {
                    continue;
                };
                let entry = out.entry(format!("{kind} {op}")).or_insert((0.0, 0.0));
                if is_count {
                    entry.0 += value;
                } else {
                    entry.1 += value;
                }
            }
        }
    }
    out
}

/// The fan-out histogram's cumulative buckets `(le, count)`, summed over the instances.
async fn fanout_lag_buckets(http: &reqwest::Client, apps: &[String]) -> Vec<(f64, f64)> {
    buckets(http, apps, "taskmanager_ws_fanout_lag_seconds_bucket{", "").await
}

/// The move handler's duration on the servers, as their HTTP histogram has it.
async fn move_handler_buckets(http: &reqwest::Client, apps: &[String]) -> Vec<(f64, f64)> {
    buckets(
        http,
        apps,
        "taskmanager_http_request_duration_seconds_bucket{",
        "route=\"/api/v1/tasks/{id}/move\"",
    )
    .await
}

/// A histogram's cumulative buckets summed over the instances: the lines starting with
/// `prefix` and containing `filter`.
async fn buckets(
    http: &reqwest::Client,
    apps: &[String],
    prefix: &str,
    filter: &str,
) -> Vec<(f64, f64)> {
    let mut sum: Vec<(f64, f64)> = Vec::new();
    for app in apps {
        let text = scrape(http, app).await;
        for line in text
            .lines()
            .filter(|l| l.starts_with(prefix) && l.contains(filter))
        {
            let le = line
                .split("le=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(|v| {
                    if v == "+Inf" {
                        f64::INFINITY
                    } else {
                        v.parse().unwrap_or(f64::NAN)
                    }
                });
            let count = line.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok());
            if let (Some(le), Some(count)) = (le, count) {
                match sum.iter_mut().find(|(l, _)| *l == le) {
                    Some((_, n)) => *n += count,
                    None => sum.push((le, count)),
                }
            }
        }
    }
    sum.sort_by(|a, b| a.0.total_cmp(&b.0));
    sum
}

/// Cumulative buckets observed between two scrapes.
fn since(before: &[(f64, f64)], after: &[(f64, f64)]) -> Vec<(f64, f64)> {
    after
        .iter()
        .map(|(le, n)| {
            let b = before
                .iter()
                .find(|(l, _)| l == le)
                .map_or(0.0, |(_, b)| *b);
            (*le, n - b)
        })
        .collect()
}

/// A quantile from cumulative buckets, interpolated within its bucket (as Prometheus's
/// `histogram_quantile`); the highest finite bound when it falls in `+Inf`.
fn bucket_quantile(buckets: &[(f64, f64)], q: f64) -> f64 {
    let total = buckets.last().map_or(0.0, |(_, n)| *n);
    if total <= 0.0 {
        return f64::NAN;
    }
    let rank = q * total;
    let (mut lower, mut below) = (0.0, 0.0);
    for (le, n) in buckets {
        if *n >= rank {
            if le.is_infinite() {
                return lower;
            }
            let within = (n - below).max(1e-12);
            return lower + (le - lower) * ((rank - below) / within);
        }
        lower = *le;
        below = *n;
    }
    lower
}
