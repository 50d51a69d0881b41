//! Outgoing mail, in plain text and HTML.
//!
//! With `TM_SMTP_URL` set, mail goes out over SMTP (lettre: `smtp://host:port` plain or with
//! STARTTLS when offered, `smtps://user:pass@host:port` TLS from the first byte). Without it
//! (development), every message is written to `TM_DATA_DIR/outbox/` as an `.eml` file a person
//! (or a test) can open — the same bytes SMTP would carry.
//!
//! Mail is never sent on the request path: the change that causes it enqueues an `email` job in
//! its own transaction (`crate::jobs`), and a worker delivers it with retries. Delivering a job
//! twice has one effect for the reader: the outbox file is named after the job, and over SMTP
//! the `Message-ID` is the job's, which mail systems use to drop duplicates.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::{header, Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};

/// One message as a job carries it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Message {
    pub to: String,
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// The HTML body (older jobs have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
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

/// A mail written once and rendered twice: as plain text and as simple, accessible HTML.
pub struct Letter {
    to: String,
    subject: String,
    kind: String,
    blocks: Vec<Block>,
}

enum Block {
    Text(String),
    Action { label: String, url: String },
    List(Vec<(String, Option<String>)>),
    Small(String),
}

impl Letter {
    pub fn new(kind: &str, to: &str, subject: impl Into<String>) -> Self {
        Self {
            to: to.to_owned(),
            subject: subject.into(),
            kind: kind.to_owned(),
            blocks: Vec::new(),
        }
    }

    /// A paragraph.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    /// The one thing to do: a button in HTML, the bare link in text.
    pub fn action(mut self, label: impl Into<String>, url: impl Into<String>) -> Self {
        self.blocks.push(Block::Action {
            label: label.into(),
            url: url.into(),
        });
        self
    }

    /// A list of lines, each optionally linked.
    pub fn list(mut self, items: Vec<(String, Option<String>)>) -> Self {
        self.blocks.push(Block::List(items));
        self
    }

    /// A footnote (why you got this, how to stop it).
    pub fn small(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Small(text.into()));
        self
    }

    pub fn message(self) -> Message {
        let mut text = String::new();
        let mut html = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title></head>\
             <body style=\"margin:0;padding:24px;background:#f4f5f7;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2933;\">\
             <main style=\"max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px;line-height:1.5;\">",
            escape(&self.subject)
        );
        for block in &self.blocks {
            match block {
                Block::Text(t) => {
                    text.push_str(t);
                    text.push_str("\n\n");
                    html.push_str(&format!("<p>{}</p>", escape(t)));
                }
                Block::Action { label, url } => {
                    text.push_str(&format!("{label}:\n{url}\n\n"));
                    html.push_str(&format!(
                        "<p><a href=\"{}\" style=\"display:inline-block;background:#2f54eb;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600;\">{}</a></p>\
                         <p style=\"font-size:13px;color:#52606d;\">Or open this link: {}</p>",
                        escape(url),
                        escape(label),
                        escape(url)
                    ));
                }
                Block::List(items) => {
                    html.push_str("<ul>");
                    for (line, link) in items {
                        match link {
                            Some(url) => {
                                text.push_str(&format!("- {line}\n  {url}\n"));
                                html.push_str(&format!(
                                    "<li><a href=\"{}\">{}</a></li>",
                                    escape(url),
                                    escape(line)
                                ));
                            }
                            None => {
                                text.push_str(&format!("- {line}\n"));
                                html.push_str(&format!("<li>{}</li>", escape(line)));
                            }
                        }
                    }
                    text.push('\n');
                    html.push_str("</ul>");
                }
                Block::Small(t) => {
                    text.push_str(&format!("--\n{t}\n"));
                    html.push_str(&format!(
                        "<p style=\"font-size:13px;color:#52606d;border-top:1px solid #e4e7eb;padding-top:12px;\">{}</p>",
                        escape(t)
                    ));
                }
            }
        }
        html.push_str("</main></body></html>");
        Message {
            to: self.to,
            subject: self.subject,
            body: text.trim_end().to_owned() + "\n",
            html: Some(html),
            kind: self.kind,
        }
    }
}

/// Whether `text` may travel as 7bit: ASCII, no NUL or lone CR, no line over 998 octets.
fn seven_bit(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii() && b != 0 && b != b'\r')
        && text.split('\n').all(|line| line.len() <= 998)
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Clone)]
enum Transport {
    Outbox(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: String,
}

/// How long one SMTP conversation may take before the attempt fails (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

impl Mailer {
    pub fn outbox(dir: PathBuf, from: String) -> Self {
        Self {
            transport: Transport::Outbox(dir),
            from,
        }
    }

    /// Checks an SMTP URL without connecting (or needing a runtime): for settings.
    pub fn check_smtp_url(url: &str) -> std::result::Result<(), String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Mail over SMTP. `url`: `smtp://[user:pass@]host[:port][?tls=required|opportunistic]`
    /// or `smtps://…` (see lettre's `from_url`). Call within the Tokio runtime (the connection
    /// pool starts a task).
    pub fn smtp(url: &str, from: String) -> std::result::Result<Self, String> {
        from.parse::<Mailbox>()
            .map_err(|e| format!("TM_MAIL_FROM {from:?} is not a mail address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("TM_SMTP_URL is not usable: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self {
            transport: Transport::Smtp(transport),
            from,
        })
    }

    /// Where mail goes, for the logs at start (no credentials).
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Outbox(dir) => format!("outbox {}", dir.display()),
            Transport::Smtp(_) => "smtp".to_owned(),
        }
    }

    /// The message of job `job_id` as it goes on the wire.
    fn build(
        &self,
        job_id: &str,
        message: &Message,
    ) -> std::result::Result<lettre::Message, String> {
        let from: Mailbox = self
            .from
            .parse()
            .map_err(|e| format!("bad sender address: {e}"))?;
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|e| format!("bad recipient address: {e}"))?;
        let builder = lettre::Message::builder()
            .from(from)
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(format!("<{job_id}@taskmanager>")))
            .header(header::Date::now());
        // 7bit when it can be (ASCII without NULs, lines under 998 octets, as RFC 5322 allows:
        // links stay whole for people reading the source, and for tests); otherwise lettre
        // picks quoted-printable or base64.
        let text = if seven_bit(&message.body) {
            let crlf = message.body.replace("\r\n", "\n").replace('\n', "\r\n");
            Body::dangerous_pre_encoded(
                crlf.into_bytes(),
                header::ContentTransferEncoding::SevenBit,
            )
        } else {
            Body::new(message.body.clone())
        };
        let plain = SinglePart::builder()
            .header(header::ContentType::TEXT_PLAIN)
            .body(text);
        let built = match &message.html {
            Some(html) => builder.multipart(
                MultiPart::alternative().singlepart(plain).singlepart(
                    SinglePart::builder()
                        .header(header::ContentType::TEXT_HTML)
                        .body(html.clone()),
                ),
            ),
            None => builder.singlepart(plain),
        };
        built.map_err(|e| format!("could not build the message: {e}"))
    }

    /// Delivers the message of job `job_id` (enqueued at `created_at`). The outbox names the
    /// file after both, so a second delivery of the same job replaces the first.
    pub(crate) async fn deliver(
        &self,
        created_at: &str,
        job_id: &str,
        message: &Message,
    ) -> std::result::Result<(), String> {
        let mail = self.build(job_id, message)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(mail).await.map_err(|e| {
                    let mut text = e.to_string();
                    let mut source = std::error::Error::source(&e);
                    while let Some(s) = source {
                        text.push_str(": ");
                        text.push_str(&s.to_string());
                        source = s.source();
                    }
                    text
                })?;
                tracing::info!(kind = %message.kind, job = %job_id, "mail sent over SMTP");
                Ok(())
            }
            Transport::Outbox(outbox) => {
                write_outbox(outbox, created_at, job_id, &message.kind, &mail.formatted())
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    }
}

async fn write_outbox(
    outbox: &std::path::Path,
    created_at: &str,
    job_id: &str,
    kind: &str,
    bytes: &[u8],
) -> std::io::Result<()> {
    tokio::fs::create_dir_all(outbox).await?;
    let stamp: String = created_at
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let kind: String = kind
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let name = format!("{stamp}-{job_id}-{kind}.eml");
    // Write then rename, so a reader never sees half a message.
    let tmp = outbox.join(format!(".{name}.tmp"));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, outbox.join(&name)).await?;
    tracing::info!(%kind, file = %name, "mail written to the outbox");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_renders_as_text_and_escaped_html() {
        let m = Letter::new("demo", "ada@example.com", "Hi <there>")
            .text("Hello Ada & co,")
            .action("Open the board", "https://tm.example/w/1?a=1&b=2")
            .list(vec![(
                "Task <1>".into(),
                Some("https://tm.example/t".into()),
            )])
            .small("You get this because you asked.")
            .message();
        assert!(m.body.contains("Hello Ada & co,"));
        assert!(m.body.contains("https://tm.example/w/1?a=1&b=2"));
        assert!(m.body.contains("- Task <1>"));
        let html = m.html.expect("html");
        assert!(html.contains("Hello Ada &amp; co,"));
        assert!(html.contains("href=\"https://tm.example/w/1?a=1&amp;b=2\""));
        assert!(html.contains("Task &lt;1&gt;"));
        assert!(html.contains("<title>Hi &lt;there&gt;</title>"));
        assert!(!html.contains("<there>"));
    }

    #[test]
    fn a_mail_is_multipart_with_the_job_as_message_id() {
        let mailer = Mailer::outbox(
            PathBuf::from("/nonexistent"),
            "Task Manager <tm@example.com>".into(),
        );
        let m = Letter::new("demo", "ada@example.com", "Subject")
            .text("Body")
            .message();
        let wire = String::from_utf8(mailer.build("job42", &m).expect("builds").formatted())
            .expect("utf-8");
        assert!(wire.contains("Message-ID: <job42@taskmanager>"), "{wire}");
        assert!(wire.contains("multipart/alternative"), "{wire}");
        assert!(wire.contains("To: ada@example.com"), "{wire}");
        let long = Letter::new("demo", "ada@example.com", "Link")
            .action(
                "Open",
                format!("https://tm.example/reset?token={}", "x".repeat(120)),
            )
            .message();
        let wire = String::from_utf8(mailer.build("j", &long).expect("builds").formatted())
            .expect("utf-8");
        assert!(
            wire.contains(&format!("token={}\r\n", "x".repeat(120))),
            "a long link stays whole in the text part: {wire}"
        );
        assert!(!seven_bit("caf\u{e9}"));
        assert!(mailer
            .build(
                "j",
                &Message {
                    to: "not an address".into(),
                    ..m
                }
            )
            .is_err());
    }

    #[test]
    fn smtp_urls_are_checked_without_a_runtime() {
        assert!(Mailer::check_smtp_url("smtp://127.0.0.1:2525").is_ok());
        assert!(Mailer::check_smtp_url("smtps://user:pass@mail.example.com:465").is_ok());
        assert!(Mailer::check_smtp_url("smtp://").is_err());
    }

    #[tokio::test]
    async fn smtp_settings_are_checked() {
        assert!(Mailer::smtp("smtp://127.0.0.1:2525", "tm@example.com".into()).is_ok());
        assert!(Mailer::smtp("ftp://x", "tm@example.com".into()).is_err());
        assert!(Mailer::smtp("smtp://127.0.0.1:2525", "not a sender".into()).is_err());
    }
}
