//! The realtime hub: which workspaces just advanced, told to every websocket of this process.
//!
//! Notices carry only `(workspace, version)`. A connection that hears of a version newer than
//! the one it has sent pulls the events from the event log (`changes_since`) with its own
//! caller, so:
//! - the log in SurrealDB is the only source of truth: a lost or lagging notice costs a
//!   moment, never an event (the next notice, or the client's own `since_version`, repairs it);
//! - membership is checked on every pull: a removed member stops receiving at once;
//! - several instances need only to share the notices (Redis pub/sub, next), not the events.

use tokio::sync::broadcast;

/// A workspace reached `version`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub workspace_id: String,
    pub version: i64,
}

/// Notices buffered per listener; a listener further behind gets `Lagged` and re-pulls all its
/// workspaces, which is correct because the log holds everything.
const NOTICE_BUFFER: usize = 1024;

pub struct Hub {
    notices: broadcast::Sender<Notice>,
}

impl Hub {
    pub(crate) fn new() -> Self {
        Self {
            notices: broadcast::channel(NOTICE_BUFFER).0,
        }
    }

    /// Tells this process's listeners (no listener: nothing to do).
    pub(crate) fn notify(&self, workspace_id: &str, version: i64) {
        let _ = self.notices.send(Notice {
            workspace_id: workspace_id.to_owned(),
            version,
        });
    }

    /// A new listener, hearing of every notice from now on.
    pub fn listen(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }
}
