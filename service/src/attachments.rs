//! Attachments: files streamed into object storage (a local directory by default, S3-compatible
//! when configured) with a size limit, their type sniffed from the bytes, served only to members.

use std::sync::Arc;

use bytes::Bytes;
use domain::task::AttachmentView;
use domain::ErrorCode;
use futures::{Stream, StreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use surrealdb::types::SurrealValue;

use crate::accounts::{new_id, Caller};
use crate::changes::{Activity, Change};
use crate::error::{Error, Result};
use crate::services::Services;
use crate::tasks::require_editor;

/// Where attachment bytes live.
#[derive(Clone, Debug)]
pub enum StorageSettings {
    /// A directory on this machine (created when missing).
    Local(std::path::PathBuf),
    /// An S3-compatible bucket.
    S3 {
        bucket: String,
        prefix: String,
        endpoint: Option<String>,
        region: String,
        access_key_id: Option<String>,
        secret_access_key: Option<crate::Secret>,
    },
}

#[derive(Clone, Debug)]
pub struct AttachmentSettings {
    pub storage: StorageSettings,
    /// Uploads above this many bytes are refused with 413.
    pub max_bytes: u64,
}

/// The object store plus the limit; cheap to clone.
#[derive(Clone, Debug)]
pub struct AttachmentStore {
    store: Arc<dyn ObjectStore>,
    max_bytes: u64,
}

impl AttachmentStore {
    pub fn new(settings: &AttachmentSettings) -> Result<Self> {
        let store: Arc<dyn ObjectStore> = match &settings.storage {
            StorageSettings::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::Internal(format!("attachment directory {}: {e}", dir.display()))
                })?;
                Arc::new(
                    object_store::local::LocalFileSystem::new_with_prefix(dir)
                        .map_err(|e| Error::Internal(format!("attachment directory: {e}")))?,
                )
            }
            StorageSettings::S3 {
                bucket,
                prefix,
                endpoint,
                region,
                access_key_id,
                secret_access_key,
            } => {
                let mut b = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(region);
                if let Some(e) = endpoint {
                    b = b
                        .with_endpoint(e)
                        .with_allow_http(e.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                if let Some(k) = access_key_id {
                    b = b.with_access_key_id(k);
                }
                if let Some(s) = secret_access_key {
                    b = b.with_secret_access_key(s.expose());
                }
                let s3 = b
                    .build()
                    .map_err(|e| Error::Internal(format!("S3 attachment storage: {e}")))?;
                if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(s3, prefix.as_str()))
                }
            }
        };
        Ok(Self {
            store,
            max_bytes: settings.max_bytes,
        })
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }
}

fn object_path(workspace_id: &str, attachment_id: &str) -> ObjectPath {
    ObjectPath::from(format!("ws/{workspace_id}/{attachment_id}"))
}

/// The type of a file from its first bytes. Only what the bytes prove; text when it decodes as
/// UTF-8 without control characters; otherwise `application/octet-stream`.
pub fn sniff(head: &[u8]) -> &'static str {
    const SIGS: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1f\x8b", "application/gzip"),
        (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
        (b"ID3", "audio/mpeg"),
        (b"OggS", "audio/ogg"),
        (b"\x1a\x45\xdf\xa3", "video/webm"),
    ];
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "image/webp";
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return "video/mp4";
    }
    for (sig, ty) in SIGS {
        if head.starts_with(sig) {
            return ty;
        }
    }
    let text = match std::str::from_utf8(head) {
        Ok(s) => Some(s),
        // A multi-byte character cut at the end of the sniffed window is still text.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text {
        Some(s)
            if !s.is_empty()
                && !s
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c')) =>
        {
            let t = s.trim_start().to_ascii_lowercase();
            if t.starts_with("<svg") || (t.starts_with("<?xml") && t.contains("<svg")) {
                "image/svg+xml"
            } else if t.starts_with("<!doctype html") || t.starts_with("<html") {
                "text/html"
            } else {
                "text/plain"
            }
        }
        _ => "application/octet-stream",
    }
}

/// A file name safe to store and to put in `Content-Disposition`: the last path component, no
/// control characters, at most 200 characters.
pub fn clean_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

#[derive(Debug, SurrealValue)]
struct AttachmentRow {
    id: String,
    task_id: String,
    workspace_id: String,
    filename: String,
    content_type: String,
    size: i64,
    uploaded_by: String,
    created_at: String,
}

impl AttachmentRow {
    fn view(self) -> AttachmentView {
        AttachmentView {
            id: self.id,
            task_id: self.task_id,
            filename: self.filename,
            content_type: self.content_type,
            size: u64::try_from(self.size).unwrap_or(0),
            uploaded_by: self.uploaded_by,
            created_at: self.created_at,
        }
    }
}

const ATTACHMENT_FIELDS: &str = "record::id(id) AS id, record::id(task) AS task_id, \
    record::id(workspace) AS workspace_id, filename, content_type, size, \
    record::id(uploaded_by) AS uploaded_by, <string> created_at AS created_at";

/// An attachment's bytes, ready to stream to the client.
pub struct Download {
    pub attachment: AttachmentView,
    pub body: futures::stream::BoxStream<'static, std::result::Result<Bytes, std::io::Error>>,
}

fn storage_error(e: object_store::Error) -> Error {
    Error::Unavailable {
        what: "file storage",
        source: Box::new(e),
    }
}

impl Services {
    fn attachments(&self) -> &AttachmentStore {
        self.attachment_store()
    }

    /// Streams `body` into storage (editors and owners). Over the limit: 413, nothing kept.
    pub async fn add_attachment<S, E>(
        &self,
        caller: &Caller,
        task_id: &str,
        filename: &str,
        mut body: S,
    ) -> Result<AttachmentView>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Unpin + Send,
        E: std::fmt::Display,
    {
        caller.require_write()?;
        let (_, ws) = self.task_for(caller, task_id).await?;
        require_editor(&ws, "attaching files")?;
        let filename = clean_filename(filename);
        let id = new_id();
        let path = object_path(&ws.id, &id);
        let store = self.attachments();
        let upload = store
            .store
            .put_multipart(&path)
            .await
            .map_err(storage_error)?;
        let mut writer = WriteMultipart::new(upload);
        let mut head: Vec<u8> = Vec::with_capacity(512);
        let mut size: u64 = 0;
        let failure = loop {
            match body.next().await {
                None => break None,
                Some(Err(e)) => {
                    break Some(Error::client(
                        ErrorCode::MalformedRequest,
                        format!("The upload was cut short: {e}"),
                    ))
                }
                Some(Ok(chunk)) => {
                    size += chunk.len() as u64;
                    if size > store.max_bytes {
                        break Some(Error::client(
                            ErrorCode::PayloadTooLarge,
                            format!(
                                "Files may be at most {} MiB.",
                                store.max_bytes / (1024 * 1024)
                            ),
                        ));
                    }
                    if head.len() < 512 {
                        let take = (512 - head.len()).min(chunk.len());
                        head.extend_from_slice(&chunk[..take]);
                    }
                    if let Err(e) = writer.wait_for_capacity(4).await {
                        break Some(storage_error(e));
                    }
                    writer.write(&chunk);
                }
            }
        };
        if let Some(e) = failure {
            if let Err(abort) = writer.abort().await {
                tracing::warn!(error = %abort, "aborting a refused upload failed");
            }
            return Err(e);
        }
        writer.finish().await.map_err(storage_error)?;
        let content_type = sniff(&head);
        let activity = Activity {
            task_id,
            kind: "attachment.added",
            data: serde_json::json!({"attachment_id": id, "filename": filename, "size": size}),
        };
        let created = self
            .commit_change(
                caller,
                &ws.id,
                "CREATE type::record('attachment', $id) SET task = type::record('task', $task), \
                 workspace = type::record('workspace', $ws), filename = $filename, content_type = $ct, \
                 size = $size, uploaded_by = type::record('user', $uid);",
                Change::Task(activity),
                |q| {
                    q.bind(("id", id.clone()))
                        .bind(("task", task_id.to_owned()))
                        .bind(("filename", filename.clone()))
                        .bind(("ct", content_type.to_owned()))
                        .bind(("size", i64::try_from(size).unwrap_or(i64::MAX)))
                        .bind(("uid", caller.user_id.clone()))
                },
            )
            .await;
        if let Err(e) = created {
            self.delete_object(&path).await;
            return Err(e);
        }
        self.attachment_row(&id)
            .await?
            .map(AttachmentRow::view)
            .ok_or_else(|| Error::Internal("created attachment vanished".into()))
    }

    async fn attachment_row(&self, id: &str) -> Result<Option<AttachmentRow>> {
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT {ATTACHMENT_FIELDS} FROM ONLY type::record('attachment', $id)"
            ))
            .bind(("id", id.to_owned()))
            .await?
            .check()?;
        Ok(res.take(0)?)
    }

    /// The attachment, if the caller is a member of its workspace (`not_found` otherwise).
    async fn attachment_for(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<(AttachmentRow, domain::workspace::WorkspaceView)> {
        let row = self
            .attachment_row(id)
            .await?
            .ok_or_else(|| Error::not_found("Attachment"))?;
        let ws = self
            .workspace_holding(caller, &row.workspace_id, "Attachment")
            .await?;
        Ok((row, ws))
    }

    pub async fn list_attachments(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<Vec<AttachmentView>> {
        self.task_for(caller, task_id).await?;
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT {ATTACHMENT_FIELDS}, created_at AS t FROM attachment WHERE task = type::record('task', $task) ORDER BY t"
            ))
            .bind(("task", task_id.to_owned()))
            .await?
            .check()?;
        let rows: Vec<AttachmentRow> = res.take(0)?;
        Ok(rows.into_iter().map(AttachmentRow::view).collect())
    }

    /// The bytes of an attachment (any member).
    pub async fn download_attachment(&self, caller: &Caller, id: &str) -> Result<Download> {
        let (row, ws) = self.attachment_for(caller, id).await?;
        let got = self
            .attachments()
            .store
            .get(&object_path(&ws.id, &row.id))
            .await;
        let got = match got {
            Ok(g) => g,
            Err(object_store::Error::NotFound { .. }) => {
                tracing::error!(attachment = %row.id, "attachment bytes are missing from storage");
                return Err(Error::not_found("Attachment"));
            }
            Err(e) => return Err(storage_error(e)),
        };
        let body = got
            .into_stream()
            .map(|r| r.map_err(std::io::Error::other))
            .boxed();
        Ok(Download {
            attachment: row.view(),
            body,
        })
    }

    /// Deletes an attachment (editors and owners).
    pub async fn delete_attachment(&self, caller: &Caller, id: &str) -> Result<()> {
        caller.require_write()?;
        let (row, ws) = self.attachment_for(caller, id).await?;
        require_editor(&ws, "removing attachments")?;
        let activity = Activity {
            task_id: &row.task_id,
            kind: "attachment.removed",
            data: serde_json::json!({"attachment_id": row.id, "filename": row.filename}),
        };
        self.commit_change(
            caller,
            &ws.id,
            "DELETE type::record('attachment', $id);",
            Change::Task(activity),
            |q| q.bind(("id", id.to_owned())),
        )
        .await?;
        self.delete_object(&object_path(&ws.id, &row.id)).await;
        Ok(())
    }

    /// Removes the stored bytes of every attachment matching `condition` (`task` or `workspace`
    /// bound to `$id`), then their records. Bytes whose delete fails are logged: an orphaned
    /// file costs space, never correctness.
    pub(crate) async fn purge_attachments(&self, field: &str, id: &str) -> Result<()> {
        let table = if field == "task" { "task" } else { "workspace" };
        let mut res = self
            .database()
            .client()
            .query(format!(
                "SELECT record::id(id) AS id, record::id(workspace) AS ws FROM attachment WHERE {field} = type::record('{table}', $id);\
                 DELETE attachment WHERE {field} = type::record('{table}', $id);"
            ))
            .bind(("id", id.to_owned()))
            .await?
            .check()?;
        #[derive(Debug, SurrealValue)]
        struct Key {
            id: String,
            ws: String,
        }
        let keys: Vec<Key> = res.take(0)?;
        for k in keys {
            self.delete_object(&object_path(&k.ws, &k.id)).await;
        }
        Ok(())
    }

    async fn delete_object(&self, path: &ObjectPath) {
        match self.attachments().store.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => {
                tracing::error!(path = %path, error = %e, "could not delete attachment bytes")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_trusts_bytes_not_names() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), "image/jpeg");
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), "image/webp");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff(b"hello, world\n"), "text/plain");
        assert_eq!(sniff("grüße".as_bytes()), "text/plain");
        assert_eq!(
            sniff(b"  <svg xmlns='http://www.w3.org/2000/svg'>"),
            "image/svg+xml"
        );
        assert_eq!(sniff(b"<!DOCTYPE html><script>"), "text/html");
        assert_eq!(sniff(b"\x00\x01\x02\x03"), "application/octet-stream");
        assert_eq!(sniff(b""), "application/octet-stream");
    }

    #[test]
    fn filenames_lose_paths_and_controls() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\a\\report.pdf"), "report.pdf");
        assert_eq!(clean_filename("a\r\nb\".txt"), "ab.txt");
        assert_eq!(clean_filename(".."), "file");
        assert_eq!(clean_filename(""), "file");
    }
}
