use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use server::config::Settings;
use server::startup::Application;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A running application and a client for it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    /// The app's service layer: for tests that must reach behind the API (make time pass for
    /// a scheduled job, look at the queue).
    pub services: service::Services,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, unique scratch directory under the system temp dir.
pub fn scratch_dir(label: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("tm-test-{label}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }
}

/// Starts the app with a fresh `mem://` database, plus any extra `TM_*` settings.
pub async fn spawn_app_with(extra: &[(&str, String)]) -> TestApp {
    // TM_TEST_LOG=warn (or any filter) shows the app's logs while debugging a test.
    if let Ok(filter) = std::env::var("TM_TEST_LOG") {
        server::telemetry::init(server::config::LogFormat::Pretty, &filter);
    }
    let data_dir = scratch_dir("app");
    let mut env = vec![
        ("TM_LISTEN".to_owned(), "127.0.0.1:0".to_owned()),
        ("TM_DATABASE_URL".to_owned(), "mem://".to_owned()),
        ("TM_DATA_DIR".to_owned(), data_dir.display().to_string()),
        ("TM_INSTANCE_ID".to_owned(), "test".to_owned()),
    ];
    env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    let settings = Settings::from_sources(env, None).unwrap();
    let app = Application::build(settings).await.expect("the app starts");
    let addr = app.local_addr();
    let services = app.services().clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    TestApp {
        addr,
        // A request that gets no answer fails its test by name instead of stalling the run
        // (CI once sat 10 minutes on one parked page: leptos-rs/leptos#4773, closed by
        // `server::http::route_list`).
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
        data_dir,
        services,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Polls `check` until it returns true, failing the test after `timeout`.
pub async fn eventually<F, Fut>(what: &str, timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return;
        }
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A real `redis-server` on a free loopback port, killed on drop.
pub struct RedisServer {
    pub port: u16,
    child: Option<Child>,
}

impl RedisServer {
    pub fn start() -> Self {
        let port = free_port();
        let mut server = Self { port, child: None };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port and waits until it answers PING.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (the test command installs it)");
        self.child = Some(child);
        let start = Instant::now();
        while !self.answers_ping() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "redis-server did not come up"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// FLUSHALL: everything Redis holds is gone (as in an emergency flush).
    pub fn flush_all(&self) {
        use std::io::{Read, Write};
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("redis is up");
        stream.write_all(b"FLUSHALL\r\n").expect("FLUSHALL is sent");
        let mut buf = [0u8; 5];
        stream.read_exact(&mut buf).expect("FLUSHALL is answered");
        assert_eq!(&buf, b"+OK\r\n");
    }

    fn answers_ping(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
        if stream.write_all(b"PING\r\n").is_err() {
            return false;
        }
        let mut buf = [0u8; 7];
        stream.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The body as JSON, failing the test with the raw text when it is not.
/// A 429's `Retry-After`, in seconds.
pub fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

pub async fn json(res: reqwest::Response) -> serde_json::Value {
    let bytes = res.bytes().await.unwrap();
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
}

/// A real SurrealDB server (the `surreal` workspace member, built once per machine by
/// `scripts/lib.sh`'s `ensure_surreal`) on a free loopback port, file-backed in a scratch
/// directory, killed on drop.
pub struct SurrealServer {
    pub port: u16,
    child: Child,
}

impl SurrealServer {
    pub fn start() -> Self {
        let bin = std::env::var("TEST_SURREAL_BIN").unwrap_or_else(|_| {
            format!(
                "{}/.cache/taskmanager/bin/surreal-3.3.5-jemalloc",
                std::env::var("HOME").unwrap_or_default()
            )
        });
        assert!(
            std::path::Path::new(&bin).exists(),
            "no SurrealDB server at {bin}: scripts/test.sh builds it (or set TEST_SURREAL_BIN)"
        );
        let port = free_port();
        let dir = scratch_dir("surreal");
        let child = Command::new(&bin)
            .args([
                "start",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--user",
                "root",
                "--pass",
                "root",
                "--log",
                "warn",
                "--no-banner",
                &format!("surrealkv://{}", dir.join("db").display()),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the SurrealDB server starts");
        let server = Self { port, child };
        let start = Instant::now();
        while !server.healthy() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the SurrealDB server did not become healthy"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    fn healthy(&self) -> bool {
        use std::io::{Read, Write};
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        if stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .is_err()
        {
            return false;
        }
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).is_ok() && head.ends_with(b"200")
    }
}

impl Drop for SurrealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real SMTP server on loopback (enough of RFC 5321 for a client): records each message;
/// while `fail` is set it answers MAIL FROM with a temporary failure.
pub struct SmtpSink {
    pub port: u16,
    pub mails: Arc<Mutex<Vec<String>>>,
    pub fail: Arc<AtomicBool>,
    /// While set, a DATA command gets no answer (a server that hangs mid-message); `held`
    /// counts the messages held so.
    pub stall: Arc<AtomicBool>,
    pub held: Arc<std::sync::atomic::AtomicUsize>,
}

pub async fn smtp_sink() -> SmtpSink {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let fail = Arc::new(AtomicBool::new(false));
    let stall = Arc::new(AtomicBool::new(false));
    let held = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (kept, failing, stalling, holding) =
        (mails.clone(), fail.clone(), stall.clone(), held.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (kept, failing) = (kept.clone(), failing.clone());
            let (stalling, holding) = (stalling.clone(), holding.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP ready\r\n").await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-sink greets you\r\n250 8BITMIME\r\n",
                        "HELO" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
                        "MAIL" if failing.load(Ordering::SeqCst) => {
                            b"451 4.3.0 mailbox temporarily unavailable\r\n"
                        }
                        "MAIL" => b"250 OK\r\n",
                        "DATA" if stalling.load(Ordering::SeqCst) => {
                            // Hold the client until it goes away; record nothing.
                            holding.fetch_add(1, Ordering::SeqCst);
                            while let Ok(Some(_)) = lines.next_line().await {}
                            return;
                        }
                        "DATA" => {
                            let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                            let mut text = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                text.push_str(&l);
                                text.push('\n');
                            }
                            kept.lock().unwrap().push(text);
                            b"250 OK queued\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"502 command not implemented\r\n",
                    };
                    if write.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    SmtpSink {
        port,
        mails,
        fail,
        stall,
        held,
    }
}
