//! The baseline of `scripts/bench.sh`: the smallest axum server that answers the task list.
//!
//! `GET /api/v1/workspaces/{id}/tasks` returns a fixed page of `--items` task objects shaped
//! like the real API's (same fields, similar values, so a similar number of bytes), serialized
//! once at start-up. Same stack as the real server below the application: axum 0.8 on hyper,
//! a multi-threaded tokio runtime with one worker per CPU, mimalloc. No middleware, no
//! authentication, no database: the real endpoint's figures divided by these are what the
//! application adds on top of the HTTP stack.
//!
//! `trivial_http [--listen 127.0.0.1:18701] [--items 50]`

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde_json::json;

/// The allocator the real binary uses (`src/main.rs`), so the comparison is not about malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    listen: SocketAddr,
    items: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 18701)),
        items: 50,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => {
                args.listen = value
                    .parse()
                    .map_err(|_| format!("--listen {value:?}: expected host:port"))?;
            }
            "--items" => {
                args.items = value
                    .parse()
                    .map_err(|_| format!("--items {value:?}: expected a whole number"))?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

/// A page of the list as `GET /api/v1/workspaces/{id}/tasks` returns it (`{items, next_cursor}`).
fn page(items: usize) -> Result<Bytes, serde_json::Error> {
    const STATUSES: [&str; 3] = ["todo", "in_progress", "done"];
    const PRIORITIES: [&str; 4] = ["low", "medium", "high", "urgent"];
    const LABELS: [&str; 3] = ["bug", "feature", "ops"];
    let tasks: Vec<serde_json::Value> = (0..items)
        .map(|i| {
            let status = STATUSES[i % STATUSES.len()];
            json!({
                "id": format!("t{i:019}"),
                "workspace_id": "w0000000000000000001",
                "title": format!("Task {i}: review the board"),
                "description": format!("Details for task {i}"),
                "description_html": format!("<p>Details for task {i}</p>\n"),
                "status": status,
                "priority": PRIORITIES[i % PRIORITIES.len()],
                "labels": [LABELS[i % LABELS.len()]],
                "assignee_ids": [],
                "due_at": format!("2026-12-{:02}T12:00:00Z", 1 + i % 28),
                "start_at": null,
                "checklist": [],
                "recurrence": null,
                "position": format!("V{i:03}"),
                "version": 1,
                "created_by": "u0000000000000000001",
                "created_at": "2026-11-27T07:33:11.635487258Z",
                "updated_at": "2026-11-27T07:33:11.635503192Z",
                "completed_at": if status == "done" {
                    json!("2026-11-27T07:33:11.635503192Z")
                } else {
                    json!(null)
                },
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "items": tasks, "next_cursor": null })).map(Bytes::from)
}

async fn serve(args: Args) -> std::io::Result<()> {
    let body = page(args.items).map_err(std::io::Error::other)?;
    let size = body.len();
    let app = Router::new().route(
        "/api/v1/workspaces/{id}/tasks",
        get(move || {
            // Bytes clones share the buffer: no copy, no serialization per request.
            let body = body.clone();
            async move {
                (
                    [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                    body,
                )
                    .into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    println!(
        "trivial_http: listening on http://{}, {} tasks per page ({size} bytes)",
        listener.local_addr()?,
        args.items
    );
    axum::serve(listener, app).await
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(why) => {
            eprintln!("trivial_http: {why}");
            eprintln!("usage: trivial_http [--listen HOST:PORT] [--items N]");
            return ExitCode::from(2);
        }
    };
    // As the real server builds its runtime (`src/main.rs`): one worker thread per CPU.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("trivial_http: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("trivial_http: {e}");
            ExitCode::FAILURE
        }
    }
}
