//! `GET /api/v1/ws`: live workspace events over a websocket.
//!
//! Client → server: `{"type":"subscribe","workspace_id","since_version"?}`,
//! `{"type":"unsubscribe","workspace_id"}`. Server → client: workspace events (as `GET
//! …/changes` gives them), `{"type":"subscribed","workspace_id","version"}`,
//! `{"type":"resync_required","workspace_id","version"}`, `{"type":"error","code","message"}`,
//! and `{"type":"notifications","unread"}` (the caller's unread count: at connect and whenever
//! their notifications change).
//!
//! Each connection pulls its events from the event log when the hub says a workspace it follows
//! advanced (see `service::hub`), so nothing is missed and membership is checked on every pull.
//! Its outgoing queue is bounded: a client that does not keep up is closed (code 4008) and
//! resumes with `since_version`. The server pings every 20 s and drops a peer silent for 60 s.
//! When the instance starts draining, every socket is closed with 1012 (reconnect and resume)
//! and new upgrades get 503.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::header::ORIGIN;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::ErrorCode;
use futures::stream::SplitSink;
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use service::hub::{Follow, Notice, NoticeEvent};
use service::{Caller, Services};
use tokio::sync::broadcast;
use tokio::time::Instant;

use super::error::HttpError;
use super::session::{bearer, Authenticated};
use crate::state::AppState;

/// Per-socket read buffer (tungstenite's default is 128 KiB). Clients send only small control
/// messages; a larger one grows the buffer for as long as it takes. heaptrack showed this buffer
/// as the largest live allocation of an idle socket at 4 KiB.
const READ_BUFFER: usize = 1024;
/// Bytes a socket may have waiting to be written before it counts as stuck.
const MAX_WRITE_BUFFER: usize = 1024 * 1024;
/// The largest message a client may send (subscribe / unsubscribe are a few dozen bytes).
const MAX_CLIENT_MESSAGE: usize = 64 * 1024;
/// Messages queued for one client before it counts as too slow.
const OUT_QUEUE: usize = 256;
/// How long a write may wait for the client to take bytes before it counts as stuck.
const WRITE_STALL: Duration = Duration::from_secs(10);
const PING_EVERY: Duration = Duration::from_secs(20);
const SILENT_LIMIT: Duration = Duration::from_secs(60);
/// Close code for "you fell behind: reconnect with since_version".
const CLOSE_SLOW: u16 = 4008;
/// Close code for "this instance is going away: reconnect" (RFC 6455 "service restart").
const CLOSE_RESTART: u16 = 1012;
/// Close code for "your session ended: sign in again" (4000 + HTTP 401).
const CLOSE_SIGNED_OUT: u16 = 4401;
/// Every this many heartbeats, the socket's session is checked even without an announcement.
const SESSION_CHECK_BEATS: u32 = 3;

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    Subscribe {
        workspace_id: String,
        since_version: Option<i64>,
    },
    Unsubscribe {
        workspace_id: String,
    },
}

/// The live event stream of the workspaces a member subscribes to (see the module docs for
/// the messages).
#[utoipa::path(
    get,
    path = "/ws",
    operation_id = "realtime",
    tag = "workspaces",
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    responses(
        (status = 101, description = "Switching Protocols: a websocket. Client messages: `{\"type\":\"subscribe\",\"workspace_id\",\"since_version\"?}`, `{\"type\":\"unsubscribe\",\"workspace_id\"}`. Server messages: workspace events (as `GET /workspaces/{id}/changes` gives them), `subscribed`, `resync_required`, `error`, `presence`, and `{\"type\":\"notifications\",\"unread\"}` (the caller's unread notifications: at connect and whenever they change)."),
        (status = 401, description = "unauthenticated", body = domain::ErrorBody),
        (status = 403, description = "forbidden: a cookie-authenticated upgrade from another origin", body = domain::ErrorBody),
    )
)]
/// Upgrades an authenticated request. With cookies (no bearer token) the browser's `Origin`
/// must be the app's own: websockets are not covered by CORS, so this is the CSRF defence.
pub async fn upgrade(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if bearer(&headers).is_none() {
        let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
        if origin.map(|o| o.eq_ignore_ascii_case(&state.settings.public_origin())) != Some(true) {
            return HttpError::new(
                ErrorCode::Forbidden,
                "Cross-site websocket connections are not allowed.",
            )
            .into_response();
        }
    }
    if state.services.lifecycle().is_draining() {
        return HttpError::new(
            ErrorCode::Unavailable,
            "This instance is shutting down: connect again.",
        )
        .into_response();
    }
    let services = state.services.clone();
    // Open sockets count as work in flight, so a drain waits for them to say goodbye.
    let working = state.in_flight.enter();
    // Small buffers: a thousand idle sockets must not cost a thousand times tungstenite's
    // 128 KiB defaults. Clients only send small control messages.
    ws.read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| async move {
            let session = serve(socket, services, caller);
            // What one idle socket's task keeps (see `serve`): `TM_LOG=…,server::http::ws=trace`.
            tracing::trace!(
                bytes = std::mem::size_of_val(&session),
                "websocket task state"
            );
            session.await;
            drop(working);
        })
}

struct Connection {
    services: Services,
    caller: Caller,
    out: Outbox,
    /// Followed workspaces: the version sent up to, the hub's note that we follow it, and the
    /// viewers last sent.
    subscriptions: HashMap<String, (i64, Follow, Arc<[String]>)>,
    /// This socket's presence entry id.
    socket_id: String,
}

/// Counts an open socket in `taskmanager_ws_connections` for as long as it lives, and its
/// subscriptions in `taskmanager_ws_subscriptions`.
struct Counted {
    metrics: service::Metrics,
    subscriptions: i64,
}

impl Counted {
    fn new(metrics: &service::Metrics) -> Self {
        metrics.ws_connections.inc();
        Self {
            metrics: metrics.clone(),
            subscriptions: 0,
        }
    }

    fn subscriptions(&mut self, now: usize) {
        let now = i64::try_from(now).unwrap_or(i64::MAX);
        self.metrics.ws_subscriptions.add(now - self.subscriptions);
        self.subscriptions = now;
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.metrics.ws_connections.dec();
        self.metrics.ws_subscriptions.sub(self.subscriptions);
    }
}

/// What woke a socket's task.
enum Wake {
    Client(Option<Result<Message, axum::Error>>),
    /// Everything queued went out (or the socket failed).
    Written(Result<(), End>),
    Notice(Result<Notice, broadcast::error::RecvError>),
    Draining,
    Beat,
}

/// Why a connection ends.
#[derive(Debug)]
enum End {
    Gone,
    TooSlow,
}

async fn serve(socket: WebSocket, services: Services, caller: Caller) {
    // One task per socket: it reads, waits for notices and writes what is queued (a separate
    // writer task and channel cost every idle socket a task and the channel's blocks, which
    // stay allocated once a burst has grown them).
    let (sink, mut stream) = socket.split();
    let mut counted = Counted::new(services.metrics());
    let mut notices = services.hub().listen();
    let mut draining = services.lifecycle().draining_signal();
    let mut conn = Connection {
        services,
        caller,
        out: Outbox::new(sink),
        subscriptions: HashMap::new(),
        socket_id: format!("{:016x}", rand::random::<u64>()),
    };
    // The bell's count from the start; later changes come as `Notified` notices.
    let _ = Box::pin(conn.send_unread()).await;
    let mut heartbeat = tokio::time::interval(PING_EVERY);
    heartbeat.tick().await;
    let mut last_heard = Instant::now();
    let mut beats: u32 = 0;
    let end = loop {
        // Waiting is all an idle socket does, so only the waits live in this task's state;
        // the work each wake-up causes runs boxed (`Box::pin`), allocated while it runs. Inlined,
        // the database round trips behind them made every idle socket's task several KiB.
        let wake = tokio::select! {
            incoming = stream.next() => Wake::Client(incoming),
            written = std::future::poll_fn(|cx| conn.out.poll_write(cx)), if conn.out.busy() => Wake::Written(written),
            notice = notices.recv() => Wake::Notice(notice),
            _ = async { drop(draining.wait_for(|d| *d).await) } => Wake::Draining,
            _ = heartbeat.tick() => Wake::Beat,
        };
        let step = match wake {
            Wake::Written(written) => written,
            Wake::Client(incoming) => match incoming {
                Some(Ok(Message::Text(text))) => {
                    last_heard = Instant::now();
                    Box::pin(conn.on_client(text.as_str())).await
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => Err(End::Gone),
                Some(Ok(_)) => {
                    last_heard = Instant::now();
                    Ok(())
                }
            },
            Wake::Notice(notice) => match notice {
                Ok(Notice::Workspace {
                    workspace_id,
                    version,
                    at_ms,
                    event,
                }) => match conn.subscriptions.get(&*workspace_id) {
                    Some((sent, _, _)) if *sent < version => {
                        let pulled =
                            Box::pin(conn.pull(&workspace_id, Some(version), event.as_deref()))
                                .await;
                        if let Some(at_ms) = at_ms {
                            let lag_ms = chrono::Utc::now().timestamp_millis() - at_ms;
                            conn.services
                                .metrics()
                                .ws_fanout_lag
                                .observe(lag_ms.max(0) as f64 / 1000.0);
                        }
                        pulled
                    }
                    _ => Ok(()),
                },
                Ok(Notice::Sessions { user_id }) if user_id == conn.caller.user_id => {
                    Box::pin(conn.check_session()).await
                }
                Ok(Notice::Notified { user_id }) if user_id == conn.caller.user_id => {
                    Box::pin(conn.send_unread()).await
                }
                Ok(Notice::Sessions { .. } | Notice::Notified { .. } | Notice::Presence { .. }) => {
                    Ok(())
                }
                Ok(Notice::Viewers {
                    workspace_id,
                    user_ids,
                }) => conn.viewers(&workspace_id, user_ids),
                // Missed notices: the log has everything, so re-pull every followed workspace.
                Err(broadcast::error::RecvError::Lagged(_)) => Box::pin(conn.pull_all()).await,
                Err(broadcast::error::RecvError::Closed) => Err(End::Gone),
            },
            // Shutting down: tell the client to reconnect (to another instance) and resume.
            Wake::Draining => {
                conn.out.close(
                    CLOSE_RESTART,
                    "server restarting: reconnect with since_version",
                );
                Err(End::Gone)
            }
            Wake::Beat => {
                beats += 1;
                if last_heard.elapsed() > SILENT_LIMIT {
                    Err(End::Gone)
                } else if beats.is_multiple_of(SESSION_CHECK_BEATS) {
                    Box::pin(conn.refresh_presence()).await;
                    // Revocations are announced, but an announcement may be lost: look too.
                    match Box::pin(conn.check_session()).await {
                        Ok(()) => conn.send(Message::Ping(Vec::new().into())),
                        Err(end) => Err(end),
                    }
                } else {
                    Box::pin(conn.refresh_presence()).await;
                    conn.send(Message::Ping(Vec::new().into()))
                }
            }
        };
        counted.subscriptions(conn.subscriptions.len());
        if let Err(end) = step {
            break end;
        }
    };
    if matches!(end, End::TooSlow) {
        tracing::info!(user = %conn.caller.user_id, "websocket closed: client too slow");
    }
    Box::pin(conn.leave_all()).await;
    // The goodbye (a close frame) and anything before it, unless the client takes nothing.
    let _ = conn.out.drain().await;
}

/// A socket's outgoing messages: a bounded queue in front of the websocket's sink, written
/// by the socket's own task. It keeps no buffer while idle.
struct Outbox<S = SplitSink<WebSocket, Message>> {
    sink: S,
    queue: VecDeque<Message>,
    /// Messages were handed to the sink and not yet flushed.
    unflushed: bool,
    /// A close frame is queued: nothing more is.
    closing: bool,
}

impl<S: futures::Sink<Message> + Unpin> Outbox<S> {
    fn new(sink: S) -> Self {
        Self {
            sink,
            queue: VecDeque::new(),
            unflushed: false,
            closing: false,
        }
    }

    /// Queues a message. `TooSlow` when the client has `OUT_QUEUE` messages waiting: what
    /// waits is dropped for a close frame that tells it to resume with `since_version` (the
    /// log replays the rest; nothing is sent twice).
    fn push(&mut self, message: Message) -> Result<(), End> {
        if self.closing {
            return Err(End::Gone);
        }
        if self.queue.len() + 1 >= OUT_QUEUE {
            self.queue.clear();
            self.close(CLOSE_SLOW, "too slow: reconnect with since_version");
            return Err(End::TooSlow);
        }
        self.queue.push_back(message);
        Ok(())
    }

    /// Queues the close frame (once); the connection ends after it.
    fn close(&mut self, code: u16, reason: &'static str) {
        if !self.closing {
            self.closing = true;
            self.queue.push_back(Message::Close(Some(CloseFrame {
                code,
                reason: reason.into(),
            })));
        }
    }

    /// Something waits to be written or flushed.
    fn busy(&self) -> bool {
        !self.queue.is_empty() || self.unflushed
    }

    /// Writes what is queued and flushes it (one write for a burst). Cancel-safe: a message
    /// leaves the queue only once the sink has taken it.
    fn poll_write(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), End>> {
        while !self.queue.is_empty() {
            match self.sink.poll_ready_unpin(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(_)) => return Poll::Ready(Err(End::Gone)),
                Poll::Pending => return Poll::Pending,
            }
            let Some(message) = self.queue.pop_front() else {
                break;
            };
            if self.sink.start_send_unpin(message).is_err() {
                return Poll::Ready(Err(End::Gone));
            }
            self.unflushed = true;
        }
        match self.sink.poll_flush_unpin(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(_)) => return Poll::Ready(Err(End::Gone)),
            Poll::Pending => return Poll::Pending,
        }
        self.unflushed = false;
        // An idle socket keeps no queue buffer (a burst allocates one again).
        self.queue = VecDeque::new();
        Poll::Ready(Ok(()))
    }

    /// Writes everything queued now, giving a client that takes nothing `WRITE_STALL`.
    async fn drain(&mut self) -> Result<(), End> {
        if !self.busy() {
            return Ok(());
        }
        match tokio::time::timeout(WRITE_STALL, std::future::poll_fn(|cx| self.poll_write(cx)))
            .await
        {
            Ok(written) => written,
            Err(_) => Err(End::TooSlow),
        }
    }
}

impl Connection {
    /// Queues a message; a full queue means the client is too slow: close with a hint.
    fn send(&mut self, message: Message) -> Result<(), End> {
        let queued = self.out.push(message);
        if matches!(queued, Err(End::TooSlow)) {
            self.services.metrics().ws_events_dropped.inc();
        }
        queued
    }

    fn send_json(&mut self, value: &serde_json::Value) -> Result<(), End> {
        self.send(Message::Text(value.to_string().into()))
    }

    /// `{"type":"notifications","unread":N}`: the caller's unread count, for the bell. A failed
    /// read sends nothing (the bell reads the list itself when opened).
    async fn send_unread(&mut self) -> Result<(), End> {
        match self
            .services
            .unread_notifications(&self.caller.user_id)
            .await
        {
            Ok(unread) => {
                self.send_json(&serde_json::json!({"type": "notifications", "unread": unread}))
            }
            Err(e) => {
                tracing::debug!(error = %e.chain(), "websocket: unread count not read");
                Ok(())
            }
        }
    }

    async fn on_client(&mut self, text: &str) -> Result<(), End> {
        let message: ClientMessage = match serde_json::from_str(text) {
            Ok(m) => m,
            Err(e) => {
                return self.send_json(&json!({
                    "type": "error",
                    "code": "malformed_request",
                    "message": format!("Not a message this server understands: {e}"),
                }))
            }
        };
        match message {
            ClientMessage::Subscribe {
                workspace_id,
                since_version,
            } => {
                let current = match self
                    .services
                    .workspace_version(&self.caller, &workspace_id)
                    .await
                {
                    Ok(v) => v,
                    Err(e) => return self.refuse(&workspace_id, &e).await,
                };
                let follow = self.services.hub().follow(&workspace_id, current);
                let fresh = !self.subscriptions.contains_key(&workspace_id);
                self.subscriptions.insert(
                    workspace_id.clone(),
                    (
                        since_version.unwrap_or(current),
                        follow,
                        Arc::from(Vec::new()),
                    ),
                );
                self.send_json(&json!({
                    "type": "subscribed",
                    "workspace_id": workspace_id,
                    "version": current,
                }))?;
                if fresh {
                    self.services
                        .presence_join(&workspace_id, &self.caller.user_id, &self.socket_id)
                        .await;
                }
                let viewers = self.services.presence_of(&workspace_id).await;
                self.viewers(&workspace_id, viewers.into())?;
                self.pull(&workspace_id, Some(current), None).await
            }
            ClientMessage::Unsubscribe { workspace_id } => {
                if self.subscriptions.remove(&workspace_id).is_some() {
                    self.services
                        .presence_leave(&workspace_id, &self.caller.user_id, &self.socket_id)
                        .await;
                }
                Ok(())
            }
        }
    }

    async fn refuse(&mut self, workspace_id: &str, error: &service::Error) -> Result<(), End> {
        if self.subscriptions.remove(workspace_id).is_some() {
            self.services
                .presence_leave(workspace_id, &self.caller.user_id, &self.socket_id)
                .await;
        }
        let api = error.to_api();
        if error.is_server_fault() {
            tracing::error!(error = %error.chain(), workspace = workspace_id, "websocket pull failed");
        }
        self.send_json(&json!({
            "type": "error",
            "workspace_id": workspace_id,
            "code": api.code,
            "message": api.message,
        }))
    }

    /// Sends who is looking at a workspace, when it changed since the last time.
    fn viewers(&mut self, workspace_id: &str, user_ids: Arc<[String]>) -> Result<(), End> {
        let Some((_, _, sent)) = self.subscriptions.get_mut(workspace_id) else {
            return Ok(());
        };
        if **sent == *user_ids {
            return Ok(());
        }
        // The notice's list itself, shared by every socket that sent it.
        *sent = user_ids.clone();
        self.send_json(&json!({
            "type": "presence",
            "workspace_id": workspace_id,
            "data": { "user_ids": user_ids },
        }))
    }

    /// Keeps this socket's presence entries from expiring.
    async fn refresh_presence(&self) {
        for workspace_id in self.subscriptions.keys() {
            self.services
                .presence_join(workspace_id, &self.caller.user_id, &self.socket_id)
                .await;
        }
    }

    async fn leave_all(&mut self) {
        let followed: Vec<String> = self.subscriptions.drain().map(|(k, _)| k).collect();
        for workspace_id in followed {
            self.services
                .presence_leave(&workspace_id, &self.caller.user_id, &self.socket_id)
                .await;
        }
    }

    /// Closes the socket if its session was revoked (or expired, or its account deleted).
    async fn check_session(&mut self) -> Result<(), End> {
        match self.services.session_live(&self.caller).await {
            Ok(true) => Ok(()),
            Ok(false) => {
                self.out
                    .close(CLOSE_SIGNED_OUT, "session ended: sign in again");
                Err(End::Gone)
            }
            // The database is unreachable: keep the socket; the next check decides.
            Err(e) => {
                tracing::warn!(error = %e.chain(), "websocket: session check failed");
                Ok(())
            }
        }
    }

    /// Sends the events after the version this client has, given that a notice announced
    /// `at_least` (`None`: read the log afresh) and carried `event` (sent as is when the client
    /// is exactly one version behind; otherwise the events come from the log).
    async fn pull(
        &mut self,
        workspace_id: &str,
        mut at_least: Option<i64>,
        mut event: Option<&NoticeEvent>,
    ) -> Result<(), End> {
        loop {
            let Some((since, _, _)) = self.subscriptions.get(workspace_id) else {
                return Ok(());
            };
            let since = *since;
            let feed = match self
                .services
                .feed_since(&self.caller, workspace_id, since, at_least, event)
                .await
            {
                Ok(feed) => feed,
                Err(e) => return self.refuse(workspace_id, &e).await,
            };
            if feed.resync {
                self.advance(workspace_id, feed.version);
                return self.send_json(&json!({
                    "type": "resync_required",
                    "workspace_id": workspace_id,
                    "version": feed.version,
                }));
            }
            for event in &feed.events {
                // A long replay goes out as it is queued, not all at once into the queue.
                if self.out.queue.len() >= OUT_QUEUE / 2 {
                    self.out.drain().await?;
                }
                let text = Utf8Bytes::try_from(event.clone()).map_err(|_| End::Gone)?;
                self.send(Message::Text(text))?;
                self.services.metrics().ws_events_sent.inc();
            }
            self.advance(workspace_id, feed.version);
            if !feed.more {
                return Ok(());
            }
            at_least = None;
            event = None;
        }
    }

    fn advance(&mut self, workspace_id: &str, version: i64) {
        if let Some((sent, _, _)) = self.subscriptions.get_mut(workspace_id) {
            *sent = version;
        }
    }

    async fn pull_all(&mut self) -> Result<(), End> {
        let followed: Vec<String> = self.subscriptions.keys().cloned().collect();
        for workspace_id in followed {
            self.pull(&workspace_id, None, None).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::channel::mpsc;

    fn text(n: usize) -> Message {
        Message::Text(format!("event {n}").into())
    }

    #[tokio::test]
    async fn the_outbox_writes_in_order_and_keeps_no_buffer_when_idle() {
        let (tx, mut rx) = mpsc::unbounded::<Message>();
        let mut out = Outbox::new(tx);
        for n in 0..3 {
            out.push(text(n)).expect("room in the queue");
        }
        assert!(out.busy());
        out.drain().await.expect("written");
        assert!(!out.busy());
        assert_eq!(
            out.queue.capacity(),
            0,
            "an idle socket keeps no queue buffer"
        );
        for n in 0..3 {
            assert_eq!(rx.next().await, Some(text(n)));
        }
    }

    #[tokio::test]
    async fn a_client_that_falls_behind_gets_only_a_close_frame_with_the_resync_hint() {
        let (tx, mut rx) = mpsc::unbounded::<Message>();
        let mut out = Outbox::new(tx);
        for n in 0..OUT_QUEUE - 1 {
            out.push(text(n)).expect("room in the queue");
        }
        assert!(matches!(out.push(text(OUT_QUEUE)), Err(End::TooSlow)));
        // Nothing more is queued once closing.
        assert!(matches!(out.push(text(0)), Err(End::Gone)));
        out.drain().await.expect("written");
        match rx.next().await {
            Some(Message::Close(Some(frame))) => assert_eq!(frame.code, CLOSE_SLOW),
            other => panic!("expected the close frame, got {other:?}"),
        }
        drop(out);
        assert_eq!(rx.next().await, None, "the events that waited were dropped");
    }

    #[tokio::test]
    async fn a_write_to_a_gone_client_ends_the_connection() {
        let (tx, rx) = mpsc::unbounded::<Message>();
        drop(rx);
        let mut out = Outbox::new(tx);
        out.push(text(1)).expect("room in the queue");
        assert!(matches!(out.drain().await, Err(End::Gone)));
    }

    #[tokio::test]
    async fn writing_is_cancel_safe_while_the_client_takes_nothing() {
        // A channel with no room: the sink is never ready, as with a stuck client.
        let (mut tx, _rx) = mpsc::channel::<Message>(0);
        tx.try_send(text(0)).expect("the one slot");
        let mut out = Outbox::new(tx);
        out.push(text(1)).expect("room in the queue");
        let written = tokio::time::timeout(
            Duration::from_millis(50),
            std::future::poll_fn(|cx| out.poll_write(cx)),
        )
        .await;
        assert!(written.is_err(), "a stuck client takes nothing");
        assert_eq!(out.queue.len(), 1, "the message is still queued, not lost");
    }
}
