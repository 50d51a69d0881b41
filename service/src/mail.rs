//! Outgoing mail. In development (no TM_SMTP_URL) every message is written to
//! `TM_DATA_DIR/outbox/` as an `.eml` file a person (or a test) can open.
//!
//! Delivery is best effort and off the request path: callers hand a message over and go on.
//! The durable queue with retries and SMTP delivery replace the writer in the jobs work; the
//! interface stays.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One message.
#[derive(Clone, Debug)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// A short machine-readable kind, used in file names and logs (`password_reset`).
    pub kind: &'static str,
}

#[derive(Clone)]
pub struct Mailer {
    outbox: PathBuf,
    from: String,
    sequence: Arc<AtomicU64>,
}

impl Mailer {
    pub fn outbox(dir: PathBuf, from: String) -> Self {
        Self {
            outbox: dir,
            from,
            sequence: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Hands the message over; the write happens in the background.
    pub fn send(&self, message: Message) {
        let mailer = self.clone();
        tokio::spawn(async move {
            if let Err(e) = mailer.write(&message).await {
                tracing::error!(kind = message.kind, error = %e, "could not write mail to the outbox");
            }
        });
    }

    async fn write(&self, message: &Message) -> std::io::Result<()> {
        tokio::fs::create_dir_all(&self.outbox).await?;
        let n = self.sequence.fetch_add(1, Ordering::SeqCst);
        let now = chrono::Utc::now();
        let name = format!(
            "{}-{n:04}-{}.eml",
            now.format("%Y%m%dT%H%M%S%.3fZ"),
            message.kind
        );
        let text = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            self.from,
            message.to,
            message.subject,
            now.to_rfc2822(),
            message.body.replace('\n', "\r\n")
        );
        // Write then rename, so a reader never sees half a message.
        let tmp = self.outbox.join(format!(".{name}.tmp"));
        tokio::fs::write(&tmp, text).await?;
        tokio::fs::rename(&tmp, self.outbox.join(&name)).await?;
        tracing::info!(kind = message.kind, file = %name, "mail written to the outbox");
        Ok(())
    }
}
