//! Login benchmark: latency percentiles and throughput of `POST /api/v1/auth/login` at 32
//! concurrent clients against the real app (in-process, `mem://` database, production argon2id
//! parameters, hashing bounded by TM_HASH_CONCURRENCY), the peak memory meanwhile, and how
//! alike an unknown email and a wrong password take.
//!
//! Run: `cargo run --release -p server --example login_bench` (or `scripts/bench.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use server::config::Settings;
use server::startup::Application;

const CONCURRENCY: usize = 32;
const ACCOUNTS: usize = 64;
const LOGINS_PER_ACCOUNT: usize = 5;
const TIMING_SAMPLES: usize = 60;
const PASSWORD: &str = "correct horse battery staple";

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let hash_concurrency = std::env::var("TM_HASH_CONCURRENCY").unwrap_or_else(|_| {
        std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .to_string()
    });
    let data_dir = std::env::temp_dir().join(format!("tm-bench-{}", std::process::id()));
    let settings = Settings::from_sources(
        [
            ("TM_LISTEN", "127.0.0.1:0".to_owned()),
            ("TM_DATABASE_URL", "mem://".to_owned()),
            ("TM_DATA_DIR", data_dir.display().to_string()),
            ("TM_HASH_CONCURRENCY", hash_concurrency.clone()),
            // Each simulated client has its own address, as real ones would, so the per-IP
            // login limit is exercised but not what is measured.
            ("TM_CLIENT_IP_HEADER", "x-bench-client".to_owned()),
        ]
        .map(|(k, v)| (k.to_owned(), v)),
        None,
    )
    .expect("settings");
    let app = Application::build(settings).await.expect("the app starts");
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();

    println!("login benchmark: {CONCURRENCY} concurrent clients, argon2id m=19MiB t=2 p=1, hash concurrency {hash_concurrency}");
    let at_start = rss_kib();
    for i in 0..ACCOUNTS {
        let body = format!(
            r#"{{"email":"bench{i}@example.com","password":"{PASSWORD}","name":"Bench {i}"}}"#
        );
        let res = client
            .post(format!("{base}/api/v1/auth/register"))
            .header("content-type", "application/json")
            .header("x-bench-client", format!("10.1.{}.{}", i / 250, i % 250))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "register {i}");
    }

    let baseline = rss_kib();
    println!(
        "memory (process RSS): at start {:.1} MiB, after {ACCOUNTS} sign-ups {:.1} MiB",
        at_start as f64 / 1024.0,
        baseline as f64 / 1024.0
    );
    let peak = Arc::new(AtomicU64::new(baseline));
    let sampling = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    let jobs: Vec<usize> = (0..ACCOUNTS * LOGINS_PER_ACCOUNT).collect();
    let queue = Arc::new(tokio::sync::Mutex::new(jobs.into_iter()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (queue, client, base) = (queue.clone(), client.clone(), base.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let Some(job) = queue.lock().await.next() else {
                    break;
                };
                let account = job % ACCOUNTS;
                let body =
                    format!(r#"{{"email":"bench{account}@example.com","password":"{PASSWORD}"}}"#);
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/api/v1/auth/login"))
                    .header("content-type", "application/json")
                    .header(
                        "x-bench-client",
                        format!("10.2.{}.{}", job / 250, job % 250),
                    )
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let _ = res.bytes().await;
                assert_eq!(status, 200, "login {job}");
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed();
    sampling.abort();
    latencies.sort();
    let peak = peak.load(Ordering::Relaxed);
    println!(
        "logins: {}  elapsed: {:.2} s  throughput: {:.1} logins/s",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap())
    );
    println!(
        "memory (process RSS): before {:.1} MiB, peak during logins {:.1} MiB (+{:.1} MiB)",
        baseline as f64 / 1024.0,
        peak as f64 / 1024.0,
        peak.saturating_sub(baseline) as f64 / 1024.0
    );

    // Unknown email vs wrong password, interleaved and one at a time.
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    for i in 0..TIMING_SAMPLES {
        for (email, out) in [
            (format!("nobody{i}@example.com"), &mut unknown),
            (format!("bench{}@example.com", i % ACCOUNTS), &mut wrong),
        ] {
            let t = Instant::now();
            let res = client
                .post(format!("{base}/api/v1/auth/login"))
                .header("content-type", "application/json")
                .header("x-bench-client", format!("10.3.{}.{}", i / 250, i % 250))
                .body(format!(
                    r#"{{"email":"{email}","password":"not the password"}}"#
                ))
                .send()
                .await
                .unwrap();
            let status = res.status();
            let _ = res.bytes().await;
            out.push(t.elapsed());
            assert!(status == 401 || status == 429, "{status}");
        }
    }
    unknown.sort();
    wrong.sort();
    let (u, w) = (percentile(&unknown, 0.5), percentile(&wrong, 0.5));
    println!(
        "401 timing, median of {TIMING_SAMPLES}: unknown email {:.2} ms, wrong password {:.2} ms (difference {:+.2} ms, {:+.1}%)",
        ms(u),
        ms(w),
        ms(u) - ms(w),
        (ms(u) - ms(w)) / ms(w) * 100.0
    );
    let _ = std::fs::remove_dir_all(&data_dir);
}
