//! `taskmanager [serve|migrate] [--config FILE]`, `taskmanager openapi`, `--help`, `--version`.

use std::path::PathBuf;
use std::process::ExitCode;

use server::config::{help_text, Settings};
use server::startup::{Application, VERSION};
use server::{lifecycle, telemetry};
use service::Services;

/// mimalloc instead of glibc malloc: SurrealDB allocates many small values per row, and under
/// load malloc/free took a quarter of the CPU of a task list (measured with perf). Counted, for
/// `taskmanager_heap_live_bytes` (see `server::alloc`).
#[global_allocator]
static GLOBAL: server::alloc::Counting = server::alloc::Counting;

enum Command {
    Serve,
    Migrate,
    /// Print the OpenAPI document of the REST API (no settings, no database).
    OpenApi,
    /// Inspect the background job queue; retry or discard dead letters.
    Jobs(Vec<String>),
    /// Ask this host's server whether it is ready (a container's `HEALTHCHECK`).
    Healthcheck,
    Help,
    Version,
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<(Command, Option<PathBuf>), String> {
    let mut command = None;
    let mut config = None;
    let mut args = args.skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" | "help" => return Ok((Command::Help, None)),
            "-V" | "--version" => return Ok((Command::Version, None)),
            "--config" => config = Some(PathBuf::from(args.next().ok_or("--config needs a file")?)),
            "serve" if command.is_none() => command = Some(Command::Serve),
            "migrate" if command.is_none() => command = Some(Command::Migrate),
            "openapi" if command.is_none() => command = Some(Command::OpenApi),
            "healthcheck" if command.is_none() => command = Some(Command::Healthcheck),
            "jobs" if command.is_none() => command = Some(Command::Jobs(Vec::new())),
            word if matches!(command, Some(Command::Jobs(_))) => {
                if let Some(Command::Jobs(words)) = command.as_mut() {
                    words.push(word.to_owned());
                }
            }
            other => {
                return Err(format!(
                    "unexpected argument {other:?}; see taskmanager --help"
                ))
            }
        }
    }
    Ok((command.unwrap_or(Command::Serve), config))
}

fn main() -> ExitCode {
    let (command, config_file) = match parse_args(std::env::args()) {
        Ok(parsed) => parsed,
        Err(why) => {
            eprintln!("taskmanager: {why}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            print!("{}", help_text());
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            println!("taskmanager {VERSION}");
            return ExitCode::SUCCESS;
        }
        Command::OpenApi => {
            println!("{}", server::http::openapi::document_json());
            return ExitCode::SUCCESS;
        }
        Command::Serve | Command::Migrate | Command::Jobs(_) | Command::Healthcheck => {}
    }

    let settings = match Settings::from_env(config_file.as_deref()) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("taskmanager: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    if matches!(command, Command::Healthcheck) {
        return healthcheck(settings.listen);
    }
    // An operator's command prints its answer on stdout: only warnings and errors log there.
    let filter = match command {
        Command::Jobs(_) => "warn",
        _ => settings.log_filter.as_str(),
    };
    telemetry::init(settings.log_format, filter);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("taskmanager: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match command {
            Command::Migrate => migrate(settings).await,
            Command::Jobs(args) => jobs(settings, &args).await,
            _ => serve(settings).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "exiting after a fatal error");
            eprintln!("taskmanager: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `taskmanager healthcheck`: `GET /api/v1/health/ready` on the port this host's server listens
/// on (`TM_LISTEN`; a wildcard address is asked on loopback). Exit 0 when it answers 200, 1
/// otherwise, with the reason on stderr. Plain std networking and no async runtime: the image's
/// `HEALTHCHECK` needs no curl, and a probe every few seconds costs next to nothing.
fn healthcheck(listen: std::net::SocketAddr) -> ExitCode {
    use std::io::{Read, Write};
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let addr = SocketAddr::new(ip, listen.port());
    let timeout = std::time::Duration::from_secs(3);
    let ask = || -> std::io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        stream.write_all(
            b"GET /api/v1/health/ready HTTP/1.1\r\nHost: localhost\r\nUser-Agent: taskmanager-healthcheck\r\nConnection: close\r\n\r\n",
        )?;
        let mut head = [0u8; 64];
        let mut len = 0;
        while len < 12 {
            let n = stream.read(&mut head[len..])?;
            if n == 0 {
                break;
            }
            len += n;
        }
        Ok(String::from_utf8_lossy(&head[..len]).into_owned())
    };
    match ask() {
        Ok(head) if head.starts_with("HTTP/1.1 200") => ExitCode::SUCCESS,
        Ok(head) => {
            let status = head.lines().next().unwrap_or_default();
            eprintln!(
                "taskmanager healthcheck: http://{addr}/api/v1/health/ready answered {status:?}"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("taskmanager healthcheck: http://{addr}/api/v1/health/ready: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let app = Application::build(settings)
        .await
        .map_err(|e| e.to_string())?;
    let report = app.migrations();
    tracing::info!(applied = ?report.applied, schema_version = report.current, "database ready");
    println!("Task Manager is serving at http://{}", app.local_addr());
    app.run_until_stopped(lifecycle::shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

async fn migrate(mut settings: Settings) -> Result<(), String> {
    if settings.database.url.starts_with("surrealkv://") {
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|e| format!("cannot create TM_DATA_DIR: {e}"))?;
    }
    settings
        .resolve_secret_key()
        .map_err(|e| format!("cannot read or create the secret key: {e}"))?;
    let mut services = settings.services(VERSION);
    services.jobs.workers = false;
    let (_, report) = Services::start(services).await.map_err(|e| e.chain())?;
    println!(
        "migrations: applied {} ({:?}); schema version {}",
        report.applied.len(),
        report.applied,
        report.current
    );
    Ok(())
}

/// `taskmanager jobs [status | dead | retry ID | discard ID]`: the queue for operators.
async fn jobs(mut settings: Settings, args: &[String]) -> Result<(), String> {
    settings
        .resolve_secret_key()
        .map_err(|e| format!("cannot read or create the secret key: {e}"))?;
    let mut config = settings.services(VERSION);
    config.jobs.workers = false;
    let (services, _) = Services::start(config).await.map_err(|e| e.chain())?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["status"] => {
            let counts = services.job_counts().await.map_err(|e| e.chain())?;
            println!(
                "{:<12} {:>9} {:>8} {:>8} {:>8} {:>8}",
                "kind", "scheduled", "ready", "running", "done", "dead"
            );
            let kinds: std::collections::BTreeSet<&String> =
                counts.by_kind_state.keys().map(|(k, _)| k).collect();
            for kind in kinds {
                println!(
                    "{:<12} {:>9} {:>8} {:>8} {:>8} {:>8}",
                    kind,
                    counts.get(kind, "scheduled"),
                    counts.get(kind, "ready"),
                    counts.get(kind, "running"),
                    counts.get(kind, "done"),
                    counts.get(kind, "dead")
                );
            }
        }
        ["dead"] => {
            for job in services
                .jobs_in_state("dead", 1000)
                .await
                .map_err(|e| e.chain())?
            {
                println!(
                    "{}  {}  attempts {}/{}  created {}  last error: {}",
                    job.id,
                    job.kind,
                    job.attempts,
                    job.max_attempts,
                    job.created_at,
                    job.last_error.unwrap_or_default()
                );
            }
        }
        ["scheduled"] => {
            for job in services
                .jobs_in_state("ready", 1000)
                .await
                .map_err(|e| e.chain())?
            {
                println!(
                    "{}  {}  runs at {}  about {}",
                    job.id,
                    job.kind,
                    job.run_at,
                    job.subject.unwrap_or_default()
                );
            }
        }
        ["run-now", id] => {
            if !services.run_job_now(id).await.map_err(|e| e.chain())? {
                return Err(format!("no waiting job {id}"));
            }
            println!("job {id} runs now");
        }
        ["retry", id] => {
            if !services.retry_job(id).await.map_err(|e| e.chain())? {
                return Err(format!("no dead job {id}"));
            }
            println!("job {id} is queued again");
        }
        ["discard", id] => {
            if !services.discard_job(id).await.map_err(|e| e.chain())? {
                return Err(format!("no dead job {id}"));
            }
            println!("job {id} discarded");
        }
        _ => return Err("usage: taskmanager jobs [status | dead | scheduled | retry ID | discard ID | run-now ID]".into()),
    }
    Ok(())
}
