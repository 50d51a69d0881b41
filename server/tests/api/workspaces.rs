use serde_json::{json, Value};

use crate::accounts::JsonBody;
use crate::helpers::{spawn_app, TestApp};

impl TestApp {
    /// Registers `email` and creates a workspace named `name` it owns: (access token, id).
    pub async fn owner_with_workspace(&self, email: &str, name: &str) -> (String, String) {
        let owner = self.register(email, "a fine password").await.access_token;
        let (status, ws) = self
            .call(
                "POST",
                "/api/v1/workspaces",
                &owner,
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(status, 201, "{ws}");
        (owner, ws["id"].as_str().unwrap().to_owned())
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method.parse().unwrap(), self.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json_body(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let bytes = res.bytes().await.unwrap();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        (status, value)
    }
}

#[tokio::test]
async fn workspaces_members_and_roles() {
    let app = spawn_app().await;
    let owner = app
        .register("owner@example.com", "a fine password")
        .await
        .access_token;
    let editor = app
        .register("editor@example.com", "a fine password")
        .await
        .access_token;
    let outsider = app
        .register("outsider@example.com", "a fine password")
        .await
        .access_token;

    // Create: the caller is owner, default columns.
    let (status, ws) = app
        .call(
            "POST",
            "/api/v1/workspaces",
            &owner,
            Some(json!({"name": "  Launch  "})),
        )
        .await;
    assert_eq!(status, 201, "{ws}");
    assert_eq!(ws["name"], "Launch");
    assert_eq!(ws["role"], "owner");
    let keys: Vec<&str> = ws["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["todo", "in_progress", "done"]);
    let id = ws["id"].as_str().unwrap().to_owned();
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/workspaces",
            &owner,
            Some(json!({"name": " "})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["fields"]["name"].is_string()),
        (422, true)
    );

    let (status, list) = app.call("GET", "/api/v1/workspaces", &owner, None).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Outsiders see nothing: 404, not 403.
    for (method, path) in [
        ("GET", format!("/api/v1/workspaces/{id}")),
        ("GET", format!("/api/v1/workspaces/{id}/members")),
    ] {
        let (status, body) = app.call(method, &path, &outsider, None).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    let (status, _) = app
        .call(
            "PATCH",
            &format!("/api/v1/workspaces/{id}"),
            &outsider,
            Some(json!({"name": "Mine"})),
        )
        .await;
    assert_eq!(status, 404);

    // Add a member by email; errors name the field.
    let members = format!("/api/v1/workspaces/{id}/members");
    let (status, m) = app
        .call(
            "POST",
            &members,
            &owner,
            Some(json!({"email": "Editor@Example.com", "role": "editor"})),
        )
        .await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(m["role"], "editor");
    let editor_id = m["user_id"].as_str().unwrap().to_owned();
    let (status, body) = app
        .call(
            "POST",
            &members,
            &owner,
            Some(json!({"email": "editor@example.com", "role": "viewer"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["fields"]["email"].as_str()),
        (422, Some("is already a member"))
    );
    let (status, body) = app
        .call(
            "POST",
            &members,
            &owner,
            Some(json!({"email": "ghost@example.com", "role": "viewer"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["fields"]["email"].is_string()),
        (422, true)
    );
    let (status, body) = app
        .call(
            "POST",
            &members,
            &owner,
            Some(json!({"email": "x@example.com", "role": "admin"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("malformed_request"))
    );

    // The editor sees the workspace with their role, but may not manage it.
    let (status, seen) = app
        .call("GET", &format!("/api/v1/workspaces/{id}"), &editor, None)
        .await;
    assert_eq!((status, seen["role"].as_str()), (200, Some("editor")));
    let (status, body) = app
        .call(
            "PATCH",
            &format!("/api/v1/workspaces/{id}"),
            &editor,
            Some(json!({"name": "Mine"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (status, _) = app
        .call(
            "POST",
            &members,
            &editor,
            Some(json!({"email": "outsider@example.com", "role": "viewer"})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call("DELETE", &format!("/api/v1/workspaces/{id}"), &editor, None)
        .await;
    assert_eq!(status, 403);

    // Owners rename and change columns; bad columns are refused.
    let columns = json!([
        {"key": "backlog", "name": "Backlog", "category": "todo"},
        {"key": "doing", "name": "Doing", "category": "in_progress"},
        {"key": "shipped", "name": "Shipped", "category": "done"}
    ]);
    let (status, ws) = app
        .call(
            "PATCH",
            &format!("/api/v1/workspaces/{id}"),
            &owner,
            Some(json!({"name": "Launch v2", "columns": columns})),
        )
        .await;
    assert_eq!(status, 200, "{ws}");
    assert_eq!(ws["name"], "Launch v2");
    assert_eq!(ws["columns"][2]["key"], "shipped");
    let dup = json!([{"key": "a", "name": "A", "category": "todo"}, {"key": "a", "name": "B", "category": "done"}]);
    let (status, body) = app
        .call(
            "PATCH",
            &format!("/api/v1/workspaces/{id}"),
            &owner,
            Some(json!({"columns": dup})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["fields"]["columns"].is_string()),
        (422, true)
    );

    // The last owner can neither leave nor be demoted; after handing over ownership they can.
    let owner_id = {
        let (_, list) = app.call("GET", &members, &owner, None).await;
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["role"] == "owner")
            .unwrap()["user_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (status, _) = app
        .call("DELETE", &format!("{members}/{owner_id}"), &owner, None)
        .await;
    assert_eq!(status, 422);
    let (status, _) = app
        .call(
            "PATCH",
            &format!("{members}/{owner_id}"),
            &owner,
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, m) = app
        .call(
            "PATCH",
            &format!("{members}/{editor_id}"),
            &owner,
            Some(json!({"role": "owner"})),
        )
        .await;
    assert_eq!((status, m["role"].as_str()), (200, Some("owner")));
    let (status, _) = app
        .call("DELETE", &format!("{members}/{owner_id}"), &owner, None)
        .await;
    assert_eq!(status, 204, "leaving after handing over");
    let (status, _) = app
        .call("GET", &format!("/api/v1/workspaces/{id}"), &owner, None)
        .await;
    assert_eq!(status, 404, "gone from the workspace");

    // The new owner deletes it.
    let (status, _) = app
        .call("DELETE", &format!("/api/v1/workspaces/{id}"), &editor, None)
        .await;
    assert_eq!(status, 204);
    let (status, list) = app.call("GET", "/api/v1/workspaces", &editor, None).await;
    assert_eq!((status, list["items"].as_array().unwrap().len()), (200, 0));
}

#[tokio::test]
async fn read_only_tokens_cannot_change_workspaces() {
    let app = spawn_app().await;
    let owner = app
        .register("ro@example.com", "a fine password")
        .await
        .access_token;
    let (_, token) = app
        .call(
            "POST",
            "/api/v1/auth/tokens",
            &owner,
            Some(json!({"name": "ro", "scopes": ["read"]})),
        )
        .await;
    let read_only = token["token"].as_str().unwrap().to_owned();
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/workspaces",
            &read_only,
            Some(json!({"name": "X"})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call("GET", "/api/v1/workspaces", &read_only, None)
        .await;
    assert_eq!(status, 200);
}

/// Two owners demoting each other at the same moment: the "last owner" rule is checked inside
/// each change's transaction, so exactly one of them succeeds.
#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = spawn_app().await;
    for round in 0..5 {
        let a = app
            .register(&format!("a{round}@example.com"), "a fine password")
            .await
            .access_token;
        let b = app
            .register(&format!("b{round}@example.com"), "a fine password")
            .await
            .access_token;
        let (_, ws) = app
            .call(
                "POST",
                "/api/v1/workspaces",
                &a,
                Some(json!({"name": "Two owners"})),
            )
            .await;
        let members = format!("/api/v1/workspaces/{}/members", ws["id"].as_str().unwrap());
        let (status, m) = app
            .call(
                "POST",
                &members,
                &a,
                Some(json!({"email": format!("b{round}@example.com"), "role": "owner"})),
            )
            .await;
        assert_eq!(status, 201, "{m}");
        let b_id = m["user_id"].as_str().unwrap().to_owned();
        let (_, list) = app.call("GET", &members, &a, None).await;
        let a_id = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user_id"] != b_id.as_str())
            .unwrap()["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let demote_b = format!("{members}/{b_id}");
        let demote_a = format!("{members}/{a_id}");
        let ((s1, _), (s2, _)) = tokio::join!(
            app.call("PATCH", &demote_b, &a, Some(json!({"role": "viewer"}))),
            app.call("PATCH", &demote_a, &b, Some(json!({"role": "viewer"}))),
        );
        let mut statuses = [s1, s2];
        statuses.sort();
        // One wins; the other is refused as the last owner, or (if it lost its own ownership
        // first) as no longer allowed to manage members.
        assert!(
            statuses == [200, 403] || statuses == [200, 422],
            "round {round}: {statuses:?}"
        );
        let (_, list) = app.call("GET", &members, &a, None).await;
        let owners = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "owner")
            .count();
        assert_eq!(owners, 1, "round {round}: {list}");
    }
}

/// Deleting an account leaves every workspace first: refused while its owner is the only owner
/// of a workspace others use; their solo workspaces go with them.
#[tokio::test]
async fn deleting_an_account_leaves_its_workspaces() {
    let app = spawn_app().await;
    let alice = app
        .register("alice@example.com", "a fine password")
        .await
        .access_token;
    let bob = app
        .register("bob@example.com", "a fine password")
        .await
        .access_token;
    let (_, shared) = app
        .call(
            "POST",
            "/api/v1/workspaces",
            &alice,
            Some(json!({"name": "Shared"})),
        )
        .await;
    let shared = shared["id"].as_str().unwrap().to_owned();
    let (_, solo) = app
        .call(
            "POST",
            "/api/v1/workspaces",
            &alice,
            Some(json!({"name": "Solo"})),
        )
        .await;
    let solo = solo["id"].as_str().unwrap().to_owned();
    let members = format!("/api/v1/workspaces/{shared}/members");
    let (status, bob_member) = app
        .call(
            "POST",
            &members,
            &alice,
            Some(json!({"email": "bob@example.com", "role": "editor"})),
        )
        .await;
    assert_eq!(status, 201);

    let (status, body) = app.call("DELETE", "/api/v1/auth/me", &alice, None).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Shared"),
        "{body}"
    );
    let (status, _) = app
        .call("GET", &format!("/api/v1/workspaces/{solo}"), &alice, None)
        .await;
    assert_eq!(status, 200, "nothing changed by the refusal");

    let bob_id = bob_member["user_id"].as_str().unwrap();
    let (status, _) = app
        .call(
            "PATCH",
            &format!("{members}/{bob_id}"),
            &alice,
            Some(json!({"role": "owner"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app.call("DELETE", "/api/v1/auth/me", &alice, None).await;
    assert_eq!(status, 204);

    let (_, list) = app.call("GET", &members, &bob, None).await;
    let left: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(left, [bob_id], "alice left the shared workspace");
    let (_, mine) = app.call("GET", "/api/v1/workspaces", &bob, None).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
}

/// Adding a member mails them an invitation, enqueued with the membership itself.
#[tokio::test]
async fn a_new_member_is_mailed_an_invitation() {
    let app = spawn_app().await;
    let (owner, ws) = app
        .owner_with_workspace("inviter@example.com", "Launch")
        .await;
    app.register("invitee@example.com", "a fine password").await;
    let (status, body) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/members"),
            &owner,
            Some(json!({"email": "invitee@example.com", "role": "editor"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let outbox = app.data_dir.join("outbox");
    let mail = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    crate::helpers::eventually(
        "the invitation mail",
        std::time::Duration::from_secs(10),
        || {
            let outbox = outbox.clone();
            let mail = mail.clone();
            async move {
                let found = std::fs::read_dir(&outbox)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().ends_with("-invitation.eml"))
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .find(|text| text.contains("To: invitee@example.com"));
                if let Some(text) = found {
                    *mail.lock().unwrap() = text;
                    true
                } else {
                    false
                }
            }
        },
    )
    .await;
    let text = mail.lock().unwrap().clone();
    assert!(text.contains("Launch"), "{text}");
    assert!(text.contains(&format!("/w/{ws}")), "{text}");
    assert!(text.contains("as editor"), "{text}");

    // A refused addition (already a member) mails nothing more.
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/workspaces/{ws}/members"),
            &owner,
            Some(json!({"email": "invitee@example.com", "role": "viewer"})),
        )
        .await;
    assert_eq!(status, 422);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let invitations = std::fs::read_dir(&outbox)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with("-invitation.eml"))
        .count();
    assert_eq!(invitations, 1);
}
