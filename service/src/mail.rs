//! Outgoing mail. In development (no TM_SMTP_URL) every message is written to
//! `TM_DATA_DIR/outbox/` as an `.eml` file a person (or a test) can open.
//!
//! Mail is never sent on the request path: the change that causes it enqueues an `email` job in
//! its own transaction (`crate::jobs`), and a worker delivers it with retries. Delivering a job
//! twice has one effect: the outbox file is named after the job.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One message.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// A short machine-readable kind, used in file names and logs (`password_reset`).
    pub kind: String,
}

impl Message {
    /// The job that delivers this message.
    pub(crate) fn job(&self) -> crate::jobs::NewJob {
        crate::jobs::NewJob::now(
            crate::jobs::kinds::EMAIL,
            serde_json::to_value(self).unwrap_or_default(),
        )
    }
}

#[derive(Clone)]
pub struct Mailer {
    outbox: PathBuf,
    from: String,
}

impl Mailer {
    pub fn outbox(dir: PathBuf, from: String) -> Self {
        Self { outbox: dir, from }
    }

    /// Delivers the message of job `job_id` (enqueued at `created_at`): written to the outbox
    /// under a name made of both, so a second delivery of the same job replaces the first.
    pub(crate) async fn deliver(
        &self,
        created_at: &str,
        job_id: &str,
        message: &Message,
    ) -> std::io::Result<()> {
        tokio::fs::create_dir_all(&self.outbox).await?;
        let stamp: String = created_at
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let kind: String = message
            .kind
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let name = format!("{stamp}-{job_id}-{kind}.eml");
        let now = chrono::Utc::now();
        let text = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{job_id}@taskmanager>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
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
        tracing::info!(kind = %message.kind, file = %name, "mail written to the outbox");
        Ok(())
    }
}
