//! `GET /api/v1/ws`: live workspace events over a websocket.
//!
//! Client → server: `{"type":"subscribe","workspace_id","since_version"?}`,
//! `{"type":"unsubscribe","workspace_id"}`. Server → client: workspace events (as `GET
//! …/changes` gives them), `{"type":"subscribed","workspace_id","version"}`,
//! `{"type":"resync_required","workspace_id","version"}`, `{"type":"error","code","message"}`,
//! and `{"type":"notifications","unread"}` (the caller's unread count: at connect and whenever
//! their notifications change).
//!
//! The instance's dispatcher ([`Sockets`]) hears the hub's notices (see `service::hub`). A
//! commit's event goes straight out on every socket exactly one version behind whose user is a
//! member at that event; any other socket behind reads the event log in its own task, so
//! nothing is missed and membership is checked on every delivery.
//! Its outgoing queue is bounded: a client that does not keep up is closed (code 4008) and
//! resumes with `since_version`. The server pings every 20 s and drops a peer silent for 60 s.
//! When the instance starts draining, every socket is closed with 1012 (reconnect and resume)
//! and new upgrades get 503.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::header::ORIGIN;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::ErrorCode;
use futures::stream::SplitSink;
use futures::{FutureExt, SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use service::hub::{Follow, Notice, NoticeEvent};
use service::{Caller, Services, WeakServices};
use tokio::sync::{broadcast, Notify};
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
        (status = 400, description = "malformed_request: not a websocket upgrade (no `Upgrade: websocket`, `Connection: upgrade` or `Sec-WebSocket-Key`, or another version than 13)", body = domain::ErrorBody),
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
    let sockets = state.sockets.clone();
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
            let session = serve(socket, services, caller, sockets);
            // What one idle socket's task keeps (see `serve`): `TM_LOG=…,server::http::ws=trace`.
            tracing::trace!(
                bytes = std::mem::size_of_val(&session),
                "websocket task state"
            );
            session.await;
            drop(working);
        })
}

/// The websockets of this instance and the workspaces each follows. One dispatcher per
/// instance hears the hub's notices and hands each to the sockets it concerns: a workspace's
/// next event is queued and written on every socket one version behind right there, without
/// waking the sockets' tasks; anything else (a gap, a notice without its event, a member no
/// longer in the workspace, a user's sessions or notifications) is left in the socket's
/// mailbox and its task woken to deal with it.
#[derive(Default)]
pub struct Sockets {
    registry: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    all: HashMap<u64, Arc<Socket>>,
    following: HashMap<Arc<str>, HashMap<u64, Arc<Socket>>>,
}

/// What a socket's task and the dispatcher share.
struct Socket {
    user_id: String,
    /// Wakes the socket's task: its mailbox has something, a workspace is behind, or its
    /// outgoing queue waits for the socket to take bytes.
    kick: Notify,
    state: Mutex<SocketState>,
}

struct SocketState {
    out: Outbox,
    /// Per followed workspace: the version sent up to, and the newest one announced.
    sent: SentMap,
    mail: Mail,
    /// The dispatcher found the socket failed or too slow: the task ends with this.
    failed: Option<End>,
    /// The task ended: the dispatcher leaves the socket alone.
    ended: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct Sent {
    version: i64,
    /// The newest version a notice announced (the task pulls up to it when behind).
    announced: i64,
    /// The task is reading this workspace's log: the dispatcher only records announcements.
    pulling: bool,
}

/// The followed workspaces' [`Sent`]: a socket follows one or two, so a list sized exactly
/// (a map's table is several times the size on every idle socket).
#[derive(Default)]
struct SentMap(Vec<(Arc<str>, Sent)>);

impl SentMap {
    fn get_mut(&mut self, workspace_id: &str) -> Option<&mut Sent> {
        self.0
            .iter_mut()
            .find(|(id, _)| **id == *workspace_id)
            .map(|(_, sent)| sent)
    }

    fn insert(&mut self, workspace_id: Arc<str>, sent: Sent) {
        match self.get_mut(&workspace_id) {
            Some(old) => *old = sent,
            None => {
                self.0.reserve_exact(1);
                self.0.push((workspace_id, sent));
            }
        }
    }

    fn remove(&mut self, workspace_id: &str) {
        self.0.retain(|(id, _)| **id != *workspace_id);
        if self.0.is_empty() {
            self.0 = Vec::new();
        }
    }

    fn iter(&self) -> impl Iterator<Item = &(Arc<str>, Sent)> {
        self.0.iter()
    }
}

/// What the dispatcher left for a socket's task.
#[derive(Default)]
struct Mail {
    pull_all: bool,
    check_session: bool,
    unread: bool,
    viewers: Vec<(Arc<str>, Arc<[String]>)>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing here is left half-updated by a panic: keep going.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Socket {
    fn busy(&self) -> bool {
        lock(&self.state).out.busy()
    }

    /// Leaves something in the mailbox and wakes the task.
    fn post(&self, write: impl FnOnce(&mut Mail)) {
        {
            let mut state = lock(&self.state);
            if state.ended {
                return;
            }
            write(&mut state.mail);
        }
        self.kick.notify_one();
    }
}

/// A socket's place in [`Sockets`]; dropping it takes the socket out.
struct Registered {
    sockets: Arc<Sockets>,
    id: u64,
    socket: Arc<Socket>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        lock(&self.socket.state).ended = true;
        let mut registry = lock(&self.sockets.registry);
        registry.all.remove(&self.id);
        registry.following.retain(|_, sockets| {
            sockets.remove(&self.id);
            !sockets.is_empty()
        });
    }
}

impl Sockets {
    /// The registry of this instance's sockets, and its dispatcher (which stops when the
    /// services or the registry are dropped).
    pub fn start(services: &Services) -> Arc<Self> {
        let sockets = Arc::new(Self::default());
        tokio::spawn(dispatch(
            services.downgrade(),
            Arc::downgrade(&sockets),
            services.hub().listen(),
        ));
        sockets
    }

    fn register(self: &Arc<Self>, user_id: &str, out: Outbox) -> Registered {
        let socket = Arc::new(Socket {
            user_id: user_id.to_owned(),
            kick: Notify::new(),
            state: Mutex::new(SocketState {
                out,
                sent: SentMap::default(),
                mail: Mail::default(),
                failed: None,
                ended: false,
            }),
        });
        let mut registry = lock(&self.registry);
        registry.next_id += 1;
        let id = registry.next_id;
        registry.all.insert(id, socket.clone());
        Registered {
            sockets: self.clone(),
            id,
            socket,
        }
    }

    fn follow(&self, registered: &Registered, workspace_id: &str) {
        lock(&self.registry)
            .following
            .entry(Arc::from(workspace_id))
            .or_default()
            .insert(registered.id, registered.socket.clone());
    }

    fn unfollow(&self, registered: &Registered, workspace_id: &str) {
        let mut registry = lock(&self.registry);
        if let Some(sockets) = registry.following.get_mut(workspace_id) {
            sockets.remove(&registered.id);
            if sockets.is_empty() {
                registry.following.remove(workspace_id);
            }
        }
    }

    fn following(&self, workspace_id: &str) -> Vec<Arc<Socket>> {
        lock(&self.registry)
            .following
            .get(workspace_id)
            .map(|sockets| sockets.values().cloned().collect())
            .unwrap_or_default()
    }

    fn all(&self) -> Vec<Arc<Socket>> {
        lock(&self.registry).all.values().cloned().collect()
    }
}

/// The instance's dispatcher: every notice of the hub, to the sockets it concerns.
async fn dispatch(
    services: WeakServices,
    sockets: Weak<Sockets>,
    mut notices: broadcast::Receiver<Notice>,
) {
    loop {
        let notice = notices.recv().await;
        let Some(sockets) = sockets.upgrade() else {
            return;
        };
        match notice {
            Ok(Notice::Workspace {
                workspace_id,
                version,
                at_ms,
                event,
            }) => {
                let following = sockets.following(&workspace_id);
                if following.is_empty() {
                    continue;
                }
                let Some(services) = services.upgrade() else {
                    return;
                };
                // A panic here must not end the instance's realtime: the sockets concerned are
                // told instead, and read the log.
                let delivered = std::panic::AssertUnwindSafe(deliver(
                    &services,
                    &following,
                    &workspace_id,
                    version,
                    at_ms,
                    event.as_deref(),
                ))
                .catch_unwind()
                .await;
                if delivered.is_err() {
                    tracing::error!(workspace = %workspace_id, version, "websocket: delivering a notice panicked; sockets pull");
                    for socket in following {
                        socket.post(|mail| mail.pull_all = true);
                    }
                }
            }
            Ok(Notice::Sessions { user_id }) => {
                for socket in sockets.all() {
                    if socket.user_id == user_id {
                        socket.post(|mail| mail.check_session = true);
                    }
                }
            }
            Ok(Notice::Notified { user_id }) => {
                for socket in sockets.all() {
                    if socket.user_id == user_id {
                        socket.post(|mail| mail.unread = true);
                    }
                }
            }
            Ok(Notice::Viewers {
                workspace_id,
                user_ids,
            }) => {
                for socket in sockets.following(&workspace_id) {
                    socket.post(|mail| mail.viewers.push((workspace_id.clone(), user_ids.clone())));
                }
            }
            Ok(Notice::Presence { .. }) => {}
            // Missed notices: the log has everything, so every socket re-pulls what it follows.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                for socket in sockets.all() {
                    socket.post(|mail| mail.pull_all = true);
                }
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// A workspace reached `version`. A notice that carries its event: the sockets exactly one
/// version behind, whose user is a member at the event's members version, get it queued and
/// written here (one write each, no task woken when the socket takes it). Every other socket
/// behind is told, and its task reads the log (`Connection::pull`), which checks membership.
async fn deliver(
    services: &Services,
    following: &[Arc<Socket>],
    workspace_id: &str,
    version: i64,
    at_ms: Option<i64>,
    event: Option<&NoticeEvent>,
) {
    let direct = match event {
        Some(event) => match services
            .members_at(workspace_id, event.members_version)
            .await
        {
            Ok(members) => Some((Message::Text(Utf8Bytes::from(event.json.clone())), members)),
            Err(e) => {
                tracing::debug!(error = %e.chain(), "websocket: members not read; sockets pull");
                None
            }
        },
        None => None,
    };
    let metrics = services.metrics();
    let mut waker_cx = Context::from_waker(std::task::Waker::noop());
    for socket in following {
        let mut state = lock(&socket.state);
        let state = &mut *state;
        if state.ended || state.failed.is_some() {
            continue;
        }
        let Some(sent) = state.sent.get_mut(workspace_id) else {
            continue;
        };
        if sent.version >= version {
            continue;
        }
        let message = match &direct {
            Some((message, members))
                if !sent.pulling
                    && sent.version + 1 == version
                    && members.contains(&socket.user_id) =>
            {
                message
            }
            _ => {
                sent.announced = sent.announced.max(version);
                // A task reading the log reads again up to `announced` before it stops.
                if !sent.pulling {
                    socket.kick.notify_one();
                }
                continue;
            }
        };
        sent.version = version;
        let idle = !state.out.busy();
        match state.out.push(message.clone()) {
            Ok(()) => {
                metrics.ws_events_sent.inc();
                if let Some(at_ms) = at_ms {
                    let lag_ms = chrono::Utc::now().timestamp_millis() - at_ms;
                    metrics.ws_fanout_lag.observe(lag_ms.max(0) as f64 / 1000.0);
                }
            }
            Err(end) => {
                if matches!(end, End::TooSlow) {
                    metrics.ws_events_dropped.inc();
                }
                state.failed = Some(end);
            }
        }
        // With nothing else waiting, write now: with a waker that does nothing, since a socket
        // that cannot take it all is left to its task (woken below), which waits properly.
        if idle {
            if let Poll::Ready(Err(end)) = state.out.poll_write(&mut waker_cx) {
                state.failed = Some(end);
            }
        }
        if state.out.busy() || state.failed.is_some() {
            socket.kick.notify_one();
        }
    }
}

struct Connection {
    services: Services,
    caller: Caller,
    sockets: Arc<Sockets>,
    registered: Registered,
    /// Followed workspaces: the hub's note that we follow it, and the viewers last sent.
    subscriptions: HashMap<String, (Follow, Arc<[String]>)>,
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
    /// The dispatcher left something (see [`Mail`]) or a workspace is behind.
    Kicked,
    Draining,
    Beat,
}

/// Why a connection ends.
#[derive(Debug)]
enum End {
    Gone,
    TooSlow,
}

async fn serve(socket: WebSocket, services: Services, caller: Caller, sockets: Arc<Sockets>) {
    // One task per socket: it reads, handles what the dispatcher leaves it and writes what is
    // queued when the socket cannot take it at once (a separate writer task and channel cost
    // every idle socket a task and the channel's blocks, which stay allocated once a burst has
    // grown them).
    let (sink, mut stream) = socket.split();
    let mut counted = Counted::new(services.metrics());
    let registered = sockets.register(&caller.user_id, Outbox::new(sink));
    let socket = registered.socket.clone();
    let mut draining = services.lifecycle().draining_signal();
    let mut conn = Connection {
        services,
        caller,
        sockets,
        registered,
        subscriptions: HashMap::new(),
        socket_id: format!("{:016x}", rand::random::<u64>()),
    };
    // The bell's count from the start; later changes come through the mailbox.
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
            written = std::future::poll_fn(|cx| lock(&socket.state).out.poll_write(cx)), if socket.busy() => Wake::Written(written),
            _ = socket.kick.notified() => Wake::Kicked,
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
            Wake::Kicked => Box::pin(conn.on_kick()).await,
            // Shutting down: tell the client to reconnect (to another instance) and resume.
            Wake::Draining => {
                conn.close(
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
    let _ = conn.drain().await;
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
    #[cfg(test)]
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
        let queued = lock(&self.registered.socket.state).out.push(message);
        if matches!(queued, Err(End::TooSlow)) {
            self.services.metrics().ws_events_dropped.inc();
        }
        queued
    }

    fn send_json(&mut self, value: &serde_json::Value) -> Result<(), End> {
        self.send(Message::Text(value.to_string().into()))
    }

    /// Queues the close frame; the connection ends after it.
    fn close(&self, code: u16, reason: &'static str) {
        lock(&self.registered.socket.state).out.close(code, reason);
    }

    fn queued(&self) -> usize {
        lock(&self.registered.socket.state).out.queue.len()
    }

    /// Writes everything queued now, giving a client that takes nothing `WRITE_STALL`.
    async fn drain(&self) -> Result<(), End> {
        let socket = &self.registered.socket;
        if !socket.busy() {
            return Ok(());
        }
        match tokio::time::timeout(
            WRITE_STALL,
            std::future::poll_fn(|cx| lock(&socket.state).out.poll_write(cx)),
        )
        .await
        {
            Ok(written) => written,
            Err(_) => Err(End::TooSlow),
        }
    }

    /// What the dispatcher left: a failure to end with, session and bell checks, viewers, and
    /// the workspaces this socket is behind on.
    async fn on_kick(&mut self) -> Result<(), End> {
        let (mail, behind) = {
            let mut state = lock(&self.registered.socket.state);
            if let Some(end) = state.failed.take() {
                return Err(end);
            }
            let behind: Vec<(Arc<str>, i64)> = state
                .sent
                .iter()
                .filter(|(_, sent)| !sent.pulling && sent.announced > sent.version)
                .map(|(workspace_id, sent)| (workspace_id.clone(), sent.announced))
                .collect();
            (std::mem::take(&mut state.mail), behind)
        };
        if mail.check_session {
            self.check_session().await?;
        }
        if mail.unread {
            self.send_unread().await?;
        }
        for (workspace_id, user_ids) in mail.viewers {
            self.viewers(&workspace_id, user_ids)?;
        }
        if mail.pull_all {
            return self.pull_all().await;
        }
        for (workspace_id, announced) in behind {
            self.pull(&workspace_id, Some(announced)).await?;
        }
        Ok(())
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
                // Followed first, marked as reading the log: a notice that comes while the
                // version is read is noted (`announced`), and the pull below reads up to it.
                lock(&self.registered.socket.state).sent.insert(
                    Arc::from(workspace_id.as_str()),
                    Sent {
                        version: i64::MIN,
                        announced: 0,
                        pulling: true,
                    },
                );
                self.sockets.follow(&self.registered, &workspace_id);
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
                self.subscriptions
                    .insert(workspace_id.clone(), (follow, Arc::from(Vec::new())));
                {
                    // The version to send from and the reply in one step: whatever the
                    // dispatcher sends for this workspace comes after `subscribed`.
                    let mut state = lock(&self.registered.socket.state);
                    if let Some(sent) = state.sent.get_mut(&workspace_id) {
                        sent.version = since_version.unwrap_or(current);
                    }
                    let reply = json!({
                        "type": "subscribed",
                        "workspace_id": workspace_id,
                        "version": current,
                    });
                    state.out.push(Message::Text(reply.to_string().into()))?;
                }
                if fresh {
                    self.services
                        .presence_join(&workspace_id, &self.caller.user_id, &self.socket_id)
                        .await;
                }
                let viewers = self.services.presence_of(&workspace_id).await;
                self.viewers(&workspace_id, viewers.into())?;
                self.pull(&workspace_id, Some(current)).await
            }
            ClientMessage::Unsubscribe { workspace_id } => {
                if self.forget(&workspace_id) {
                    self.services
                        .presence_leave(&workspace_id, &self.caller.user_id, &self.socket_id)
                        .await;
                }
                Ok(())
            }
        }
    }

    /// Stops following a workspace; whether it was followed.
    fn forget(&mut self, workspace_id: &str) -> bool {
        self.sockets.unfollow(&self.registered, workspace_id);
        lock(&self.registered.socket.state)
            .sent
            .remove(workspace_id);
        self.subscriptions.remove(workspace_id).is_some()
    }

    async fn refuse(&mut self, workspace_id: &str, error: &service::Error) -> Result<(), End> {
        if self.forget(workspace_id) {
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
        let Some((_, sent)) = self.subscriptions.get_mut(workspace_id) else {
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
        let followed: Vec<String> = self.subscriptions.keys().cloned().collect();
        for workspace_id in followed {
            self.forget(&workspace_id);
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
                self.close(CLOSE_SIGNED_OUT, "session ended: sign in again");
                Err(End::Gone)
            }
            // The database is unreachable: keep the socket; the next check decides.
            Err(e) => {
                tracing::warn!(error = %e.chain(), "websocket: session check failed");
                Ok(())
            }
        }
    }

    /// Sends the events after the version this client has from the log, given that a notice
    /// announced `at_least` (`None`: read the log afresh). While it reads, the dispatcher only
    /// notes newer announcements for this workspace, and this reads again until it has them.
    async fn pull(&mut self, workspace_id: &str, mut at_least: Option<i64>) -> Result<(), End> {
        loop {
            let since = {
                let mut state = lock(&self.registered.socket.state);
                let Some(sent) = state.sent.get_mut(workspace_id) else {
                    return Ok(());
                };
                sent.pulling = true;
                sent.version
            };
            let feed = match self
                .services
                .feed_since(&self.caller, workspace_id, since, at_least)
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
                if self.queued() >= OUT_QUEUE / 2 {
                    self.drain().await?;
                }
                let text = Utf8Bytes::try_from(event.clone()).map_err(|_| End::Gone)?;
                self.send(Message::Text(text))?;
                self.services.metrics().ws_events_sent.inc();
            }
            let announced = self.advance(workspace_id, feed.version);
            at_least = if feed.more {
                None
            } else if announced > feed.version {
                Some(announced)
            } else {
                return Ok(());
            };
        }
    }

    /// Records that the events up to `version` were queued; returns the newest version
    /// announced meanwhile.
    fn advance(&mut self, workspace_id: &str, version: i64) -> i64 {
        let mut state = lock(&self.registered.socket.state);
        match state.sent.get_mut(workspace_id) {
            Some(sent) => {
                sent.version = version;
                sent.pulling = false;
                sent.announced
            }
            None => version,
        }
    }

    async fn pull_all(&mut self) -> Result<(), End> {
        let followed: Vec<String> = self.subscriptions.keys().cloned().collect();
        for workspace_id in followed {
            self.pull(&workspace_id, None).await?;
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
