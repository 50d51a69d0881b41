//! Attachments, search, export/import, saved filters and column removal.

use serde_json::{json, Value};

use crate::helpers::{json, spawn_app_with, TestApp};

struct Team {
    app: TestApp,
    owner: String,
    viewer: String,
    outsider: String,
    ws: String,
}

async fn team(extra: &[(&str, String)]) -> Team {
    let app = spawn_app_with(extra).await;
    let owner = app
        .register("lead@example.com", "a fine password")
        .await
        .access_token;
    let viewer = app
        .register("watcher@example.com", "a fine password")
        .await
        .access_token;
    let outsider = app
        .register("nosy@example.com", "a fine password")
        .await
        .access_token;
    let (_, ws) = app
        .call(
            "POST",
            "/api/v1/workspaces",
            &owner,
            Some(json!({"name": "Files"})),
        )
        .await;
    let ws = ws["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/members"),
            &owner,
            Some(json!({"email": "watcher@example.com", "role": "viewer"})),
        )
        .await;
    assert_eq!(status, 201);
    Team {
        app,
        owner,
        viewer,
        outsider,
        ws,
    }
}

impl Team {
    async fn task(&self, body: Value) -> String {
        let (status, t) = self
            .app
            .call(
                "POST",
                &format!("/api/v1/workspaces/{}/tasks", self.ws),
                &self.owner,
                Some(body),
            )
            .await;
        assert_eq!(status, 201, "{t}");
        t["id"].as_str().unwrap().to_owned()
    }

    /// A hand-built multipart body (the test client has no multipart support compiled in).
    async fn upload(
        &self,
        task: &str,
        token: &str,
        filename: &str,
        bytes: &[u8],
    ) -> reqwest::Response {
        let boundary = "----tm-test-boundary-7d1f";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.app
            .client
            .post(self.app.url(&format!("/api/v1/tasks/{task}/attachments")))
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap()
    }
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn files_under(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                files_under(&p)
            } else {
                1
            }
        })
        .sum()
}

#[tokio::test]
async fn attachments_upload_download_limits_and_cleanup() {
    let t = team(&[("TM_MAX_ATTACHMENT_BYTES", "4096".into())]).await;
    let task = t.task(json!({"title": "Logo"})).await;
    let files = t.app.data_dir.join("attachments");

    // A PNG is kept with its sniffed type and shown inline.
    let res = t.upload(&task, &t.owner, "../../logo.png", PNG).await;
    assert_eq!(res.status(), 201);
    let png: Value = json(res).await;
    assert_eq!(png["content_type"], "image/png");
    assert_eq!(png["filename"], "logo.png", "paths are stripped");
    assert_eq!(png["size"], PNG.len());
    let res = t
        .app
        .client
        .get(t.app.url(&format!(
            "/api/v1/attachments/{}",
            png["id"].as_str().unwrap()
        )))
        .bearer_auth(&t.viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "viewers may download");
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(&res.bytes().await.unwrap()[..], PNG);

    // HTML claiming to be a PNG is sniffed as HTML and only ever downloaded.
    let res = t
        .upload(
            &task,
            &t.owner,
            "cat.png",
            b"<!DOCTYPE html><script>alert(1)</script>",
        )
        .await;
    assert_eq!(res.status(), 201);
    let html: Value = json(res).await;
    assert_eq!(html["content_type"], "text/html");
    let res = t
        .app
        .client
        .get(t.app.url(&format!(
            "/api/v1/attachments/{}",
            html["id"].as_str().unwrap()
        )))
        .bearer_auth(&t.owner)
        .send()
        .await
        .unwrap();
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");

    // Over the limit: 413, and nothing is left behind.
    let before = files_under(&files);
    let res = t.upload(&task, &t.owner, "big.bin", &vec![7u8; 5000]).await;
    assert_eq!(res.status(), 413);
    let body: Value = json(res).await;
    assert_eq!(body["error"]["code"], "payload_too_large");
    assert_eq!(
        files_under(&files),
        before,
        "a refused upload leaves no file"
    );

    // Roles and membership.
    assert_eq!(
        t.upload(&task, &t.viewer, "x.txt", b"hi").await.status(),
        403
    );
    assert_eq!(
        t.upload(&task, &t.outsider, "x.txt", b"hi").await.status(),
        404
    );
    let (status, _) = t
        .app
        .call(
            "GET",
            &format!("/api/v1/attachments/{}", png["id"].as_str().unwrap()),
            &t.outsider,
            None,
        )
        .await;
    assert_eq!(status, 404);

    // Malformed uploads get clear errors, never a 500.
    let res = t
        .app
        .client
        .post(t.app.url(&format!("/api/v1/tasks/{task}/attachments")))
        .bearer_auth(&t.owner)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let res = t
        .app
        .client
        .post(t.app.url(&format!("/api/v1/tasks/{task}/attachments")))
        .bearer_auth(&t.owner)
        .header("content-type", "multipart/form-data; boundary=xyz")
        .body("--xyz\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--xyz--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "no file field");

    let (status, list) = t
        .app
        .call(
            "GET",
            &format!("/api/v1/tasks/{task}/attachments"),
            &t.viewer,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);

    // Delete one; deleting the task removes the other's bytes too.
    let (status, _) = t
        .app
        .call(
            "DELETE",
            &format!("/api/v1/attachments/{}", html["id"].as_str().unwrap()),
            &t.viewer,
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = t
        .app
        .call(
            "DELETE",
            &format!("/api/v1/attachments/{}", html["id"].as_str().unwrap()),
            &t.owner,
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(files_under(&files), 1);
    let (status, _) = t
        .app
        .call("DELETE", &format!("/api/v1/tasks/{task}"), &t.owner, None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(files_under(&files), 0, "deleting a task deletes its files");
    let (status, _) = t
        .app
        .call(
            "GET",
            &format!("/api/v1/attachments/{}", png["id"].as_str().unwrap()),
            &t.owner,
            None,
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn search_ranks_highlights_and_respects_membership() {
    let t = team(&[]).await;
    let deploy = t
        .task(json!({"title": "Deploy <the> billing service", "description": "Roll out the new billing service to production."}))
        .await;
    let _docs = t
        .task(json!({"title": "Write docs", "description": "Explain how billing works."}))
        .await;
    let other = t.task(json!({"title": "Tidy the backlog"})).await;
    let (status, _) = t
        .app
        .call(
            "POST",
            &format!("/api/v1/tasks/{other}/comments"),
            &t.owner,
            Some(json!({"body": "Blocked by billing."})),
        )
        .await;
    assert_eq!(status, 201);

    let url = |q: &str| format!("/api/v1/workspaces/{}/search?q={q}", t.ws);
    let (status, found) = t.app.call("GET", &url("billing"), &t.viewer, None).await;
    assert_eq!(status, 200, "{found}");
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{found}");
    assert_eq!(
        items[0]["task"]["id"],
        deploy.as_str(),
        "title matches rank first: {found}"
    );
    assert!(items[0]["score"].as_f64().unwrap() > items[2]["score"].as_f64().unwrap());
    let title = items[0]["highlights"]["title"].as_str().unwrap();
    assert_eq!(title, "Deploy &lt;the&gt; <mark>billing</mark> service");
    assert!(items.iter().any(|i| i["highlights"]["comment"]
        .as_str()
        .is_some_and(|c| c.contains("<mark>billing</mark>"))));

    // Stemming: "deploys" finds "Deploy".
    let (_, found) = t.app.call("GET", &url("deploys"), &t.owner, None).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");

    let (status, _) = t.app.call("GET", &url("billing"), &t.outsider, None).await;
    assert_eq!(status, 404);
    let (status, body) = t.app.call("GET", &url(""), &t.owner, None).await;
    assert_eq!(status, 422, "{body}");
    let (_, none) = t.app.call("GET", &url("zebra"), &t.owner, None).await;
    assert_eq!(none["items"], json!([]));

    // Another workspace's tasks never show up.
    let (_, ws2) = t
        .app
        .call(
            "POST",
            "/api/v1/workspaces",
            &t.outsider,
            Some(json!({"name": "Theirs"})),
        )
        .await;
    let (status, _) = t
        .app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{}/tasks", ws2["id"].as_str().unwrap()),
            &t.outsider,
            Some(json!({"title": "Secret billing plan"})),
        )
        .await;
    assert_eq!(status, 201);
    let (_, found) = t.app.call("GET", &url("billing"), &t.owner, None).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn export_and_reimport_json_and_csv() {
    let t = team(&[]).await;
    let a = t
        .task(json!({"title": "=HYPERLINK(\"http://evil\")", "priority": "urgent", "labels": ["ops"], "due_at": "2026-12-24T10:00:00Z",
                     "checklist": [{"text": "one"}], "recurrence": {"kind": "daily"}}))
        .await;
    t.task(json!({"title": "Second", "status": "done"})).await;
    let (status, _) = t
        .app
        .call(
            "POST",
            &format!("/api/v1/tasks/{a}/comments"),
            &t.owner,
            Some(json!({"body": "looks good"})),
        )
        .await;
    assert_eq!(status, 201);

    let (status, export) = t
        .app
        .call(
            "GET",
            &format!("/api/v1/workspaces/{}/export", t.ws),
            &t.viewer,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(export["format"], "taskmanager.workspace");
    assert_eq!(export["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(export["members"].as_array().unwrap().len(), 2);

    // CSV export neutralises formulas.
    let res = t
        .app
        .client
        .get(
            t.app
                .url(&format!("/api/v1/workspaces/{}/export?format=csv", t.ws)),
        )
        .bearer_auth(&t.owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("id,title,description,status"), "{csv}");
    assert!(csv.contains("'=HYPERLINK"), "{csv}");

    // Re-import the JSON into a fresh workspace: same tasks, comments, fields.
    let (_, ws2) = t
        .app
        .call(
            "POST",
            "/api/v1/workspaces",
            &t.owner,
            Some(json!({"name": "Copy"})),
        )
        .await;
    let ws2 = ws2["id"].as_str().unwrap().to_owned();
    let import = |body: String, ct: &'static str, query: &'static str| {
        let ws2 = ws2.clone();
        let app = &t.app;
        let token = t.owner.clone();
        async move {
            let res = app
                .client
                .post(app.url(&format!("/api/v1/workspaces/{ws2}/import{query}")))
                .bearer_auth(token)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            (status, json(res).await)
        }
    };
    let (status, report) = import(export.to_string(), "application/json", "?dry_run=true").await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["imported"], 2);
    assert_eq!(report["dry_run"], true);
    let (_, list) = t
        .app
        .call(
            "GET",
            &format!("/api/v1/workspaces/{ws2}/tasks"),
            &t.owner,
            None,
        )
        .await;
    assert_eq!(list["items"], json!([]), "a dry run writes nothing");
    let (status, report) = import(export.to_string(), "application/json", "").await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["imported"], 2);
    let (_, list) = t
        .app
        .call(
            "GET",
            &format!("/api/v1/workspaces/{ws2}/tasks?sort=priority"),
            &t.owner,
            None,
        )
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let first = &items[0];
    assert_eq!(first["title"], "=HYPERLINK(\"http://evil\")");
    assert_eq!(first["priority"], "urgent");
    assert_eq!(first["labels"], json!(["ops"]));
    assert_eq!(first["recurrence"], json!({"kind": "daily"}));
    assert_eq!(first["checklist"][0]["text"], "one");
    assert!(first["due_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-12-24T10:00:00"));
    let (_, comments) = t
        .app
        .call(
            "GET",
            &format!("/api/v1/tasks/{}/comments", first["id"].as_str().unwrap()),
            &t.owner,
            None,
        )
        .await;
    assert_eq!(comments["items"][0]["body"], "looks good");
    assert!(items[1]["completed_at"].is_string(), "done stays done");

    // A CSV with one bad row imports nothing and says which row and why.
    let bad = "title,status,priority,due_at\nGood one,todo,high,\n,todo,low,\nThird,nope,low,2026-13-01\n".to_owned();
    let (status, body) = import(bad, "text/csv", "").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "validation_failed");
    let rejected = body["report"]["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 2, "{body}");
    assert_eq!(rejected[0]["row"], 2);
    assert!(rejected[0]["errors"]["title"].is_string());
    assert!(
        rejected[1]["errors"]["status"].is_string() && rejected[1]["errors"]["due_at"].is_string()
    );
    let (_, list) = t
        .app
        .call(
            "GET",
            &format!("/api/v1/workspaces/{ws2}/tasks"),
            &t.owner,
            None,
        )
        .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "nothing half-imported"
    );

    // Our own CSV export imports back.
    let (status, report) = import(csv, "text/csv", "").await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["imported"], 2);

    // Garbage bodies get 400/415, and viewers may not import.
    let (status, _) = import("{not json".into(), "application/json", "").await;
    assert_eq!(status, 400);
    let (status, _) = import("x".into(), "application/pdf", "").await;
    assert_eq!(status, 415);
    let res = t
        .app
        .client
        .post(t.app.url(&format!("/api/v1/workspaces/{}/import", t.ws)))
        .bearer_auth(&t.viewer)
        .header("content-type", "text/csv")
        .body("title\nx\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn saved_filters_are_private_and_checked() {
    let t = team(&[]).await;
    let base = format!("/api/v1/workspaces/{}/filters", t.ws);
    let (status, f) = t
        .app
        .call(
            "POST",
            &base,
            &t.owner,
            Some(json!({"name": "Urgent bugs", "query": "priority=urgent&label=bug"})),
        )
        .await;
    assert_eq!(status, 201, "{f}");
    let (status, body) = t
        .app
        .call(
            "POST",
            &base,
            &t.owner,
            Some(json!({"name": "urgent BUGS", "query": ""})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = t
        .app
        .call(
            "POST",
            &base,
            &t.owner,
            Some(json!({"name": "x", "query": "cursor=o50"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["fields"]["query"].is_string());
    let (_, mine) = t.app.call("GET", &base, &t.owner, None).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let (_, theirs) = t.app.call("GET", &base, &t.viewer, None).await;
    assert_eq!(theirs["items"], json!([]), "filters are per member");
    let (status, _) = t.app.call("GET", &base, &t.outsider, None).await;
    assert_eq!(status, 404);
    let id = f["id"].as_str().unwrap();
    let (status, _) = t
        .app
        .call("DELETE", &format!("{base}/{id}"), &t.viewer, None)
        .await;
    assert_eq!(status, 404, "not theirs to delete");
    let (status, _) = t
        .app
        .call("DELETE", &format!("{base}/{id}"), &t.owner, None)
        .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn removing_a_column_moves_its_tasks() {
    let t = team(&[]).await;
    let doing = t
        .task(json!({"title": "In flight", "status": "in_progress"}))
        .await;
    t.task(json!({"title": "Queued"})).await;
    let (status, ws) = t
        .app
        .call(
            "PATCH",
            &format!("/api/v1/workspaces/{}", t.ws),
            &t.owner,
            Some(json!({"columns": [
                {"key": "todo", "name": "Backlog", "category": "todo"},
                {"key": "done", "name": "Shipped", "category": "done"}
            ]})),
        )
        .await;
    assert_eq!(status, 200, "{ws}");
    assert_eq!(ws["columns"][0]["name"], "Backlog");
    let (_, task) = t
        .app
        .call("GET", &format!("/api/v1/tasks/{doing}"), &t.owner, None)
        .await;
    assert_eq!(
        task["status"], "todo",
        "no in-progress column left: the first column takes it"
    );
    assert_eq!(task["version"], 2);
    let (_, list) = t
        .app
        .call(
            "GET",
            &format!("/api/v1/workspaces/{}/tasks?status=todo", t.ws),
            &t.owner,
            None,
        )
        .await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Queued", "In flight"],
        "moved tasks go after the column's own"
    );
}

/// S3-compatible storage, for real over the S3 wire protocol: moto's server (PyPI
/// `moto[server]`, which the test command installs) on loopback.
struct S3Server {
    port: u16,
    child: std::process::Child,
}

impl S3Server {
    async fn start() -> Self {
        let port = crate::helpers::free_port();
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 with moto[server] must be installed (the test command installs it)");
        let server = Self { port, child };
        let client = reqwest::Client::new();
        let started = std::time::Instant::now();
        while client.get(server.url("/")).send().await.is_err() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "moto server did not come up"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Keys under `prefix` in `bucket` (ListObjectsV2).
    async fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        let xml = reqwest::Client::new()
            .get(self.url(&format!("/{bucket}?list-type=2&prefix={prefix}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        xml.split("<Key>")
            .skip(1)
            .filter_map(|s| s.split("</Key>").next())
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn attachments_live_in_s3_compatible_storage_when_configured() {
    let s3 = S3Server::start().await;
    let res = reqwest::Client::new()
        .put(s3.url("/tm-files"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "create bucket: {}", res.status());
    let t = team(&[
        ("TM_ATTACHMENTS_URL", "s3://tm-files/prod".into()),
        ("TM_S3_ENDPOINT", s3.url("")),
        ("TM_S3_REGION", "us-east-1".into()),
        ("TM_S3_ACCESS_KEY_ID", "test-key".into()),
        ("TM_S3_SECRET_ACCESS_KEY", "test-secret".into()),
        ("TM_MAX_ATTACHMENT_BYTES", "4096".into()),
    ])
    .await;
    let task = t.task(json!({"title": "Stored in S3"})).await;

    let res = t.upload(&task, &t.owner, "logo.png", PNG).await;
    assert_eq!(res.status(), 201);
    let png: Value = json(res).await;
    let keys = s3.keys("tm-files", "prod/").await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys[0].ends_with(png["id"].as_str().unwrap()),
        "{keys:?} names the attachment"
    );
    assert_eq!(
        files_under(&t.app.data_dir.join("attachments")),
        0,
        "nothing on local disk"
    );

    // Downloaded from the bucket, byte for byte, by a member.
    let res = t
        .app
        .client
        .get(t.app.url(&format!(
            "/api/v1/attachments/{}",
            png["id"].as_str().unwrap()
        )))
        .bearer_auth(&t.viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(&res.bytes().await.unwrap()[..], PNG);

    // Too big: refused, and nothing is left in the bucket.
    let res = t.upload(&task, &t.owner, "big.bin", &[7u8; 5000]).await;
    assert_eq!(res.status(), 413);
    assert_eq!(s3.keys("tm-files", "prod/").await.len(), 1);

    // Deleting the task deletes its objects.
    let (status, _) = t
        .app
        .call("DELETE", &format!("/api/v1/tasks/{task}"), &t.owner, None)
        .await;
    assert_eq!(status, 204);
    assert!(s3.keys("tm-files", "prod/").await.is_empty());
}
