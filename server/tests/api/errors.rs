use serde_json::Value;

use crate::helpers::spawn_app;

async fn error_of(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "errors under /api are JSON"
    );
    (status, crate::helpers::json(res).await)
}

#[tokio::test]
async fn unknown_api_routes_are_json_404s() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/nope",
        "/api/v1/tasks/x/y/z",
        "/api/v2/health",
        "/api",
        "/api/",
    ] {
        let (status, body) = error_of(app.get(path).await).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
        assert!(body["error"]["message"].as_str().unwrap().len() > 3);
    }
}

/// Every request body is a JSON object. serde reads a struct from an array in field order, so
/// before this was checked `PATCH /workspaces/{id}` with `["renamed"]` renamed the workspace and
/// `[null, null]` answered 200 (found by schemathesis).
#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_a_400_and_changes_nothing() {
    let app = spawn_app().await;
    let (token, ws) = app.owner_with_workspace("arrays@example.com", "Kept").await;
    let path = format!("/api/v1/workspaces/{ws}");
    for body in [
        r#"["renamed"]"#,
        "[null, null]",
        "null",
        r#""renamed""#,
        "42",
        "",
    ] {
        let res = app
            .client
            .patch(app.url(&path))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, err) = error_of(res).await;
        assert_eq!(status, 400, "{body:?}: {err}");
        assert_eq!(err["error"]["code"], "malformed_request", "{body:?}");
    }
    let (status, ws) = app.call("GET", &path, &token, None).await;
    assert_eq!((status, ws["name"].as_str()), (200, Some("Kept")));
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let app = spawn_app().await;
    let res = app
        .client
        .delete(app.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(res).await;
    assert_eq!(status, 405);
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn the_openapi_document_lists_what_the_router_serves() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = crate::helpers::json(res).await;
    let generated: Value = serde_json::from_str(server::http::openapi::document_json()).unwrap();
    assert_eq!(doc, generated, "the served document is the generated one");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 30, "only {} paths documented", paths.len());
    for (path, operations) in paths {
        for (method, operation) in operations
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k != "parameters")
        {
            let res = app
                .client
                .request(
                    method.to_uppercase().parse().unwrap(),
                    app.url(&format!("/api/v1{path}")),
                )
                .send()
                .await
                .unwrap();
            let status = res.status();
            assert_ne!(status, 404, "{method} {path} is documented but not served");
            assert_ne!(status, 405, "{method} {path} is documented but not served");
            // An operation documented as needing credentials refuses a request without any.
            let credentials_optional = operation["security"]
                .as_array()
                .is_none_or(|any_of| any_of.iter().any(|r| r.as_object().unwrap().is_empty()));
            if !credentials_optional {
                assert_eq!(
                    status, 401,
                    "{method} {path} is documented as needing credentials"
                );
            }
        }
    }
}

/// Every server function, signed in and given arguments that do not decode (none, garbage, a
/// list where a string goes, broken JSON), answers a JSON client error, never a 500: Leptos
/// raises those before the function runs and answered them 500 until the adapter set the
/// status from the error's code.
#[tokio::test]
async fn server_functions_answer_bad_input_with_a_client_error() {
    let app = spawn_app().await;
    let (token, _) = app.owner_with_workspace("fn@example.com", "Fns").await;
    let paths: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(paths.len() > 20, "the app's server functions: {paths:?}");
    let bodies = [
        ("application/x-www-form-urlencoded", ""),
        ("application/x-www-form-urlencoded", "garbage%%%&&=="),
        (
            "application/x-www-form-urlencoded",
            "workspace_id[]=1&task_id[]=2&x=3",
        ),
        ("application/json", "{\"workspace_id\": [1], "),
        ("application/json", "[]"),
    ];
    // A function that needs an argument, called without it.
    let res = app
        .client
        .post(app.url("/api/fn/workspace"))
        .bearer_auth(&token)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(res).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("malformed_request")),
        "{body}"
    );
    // Then all of them (one may end the session: a 401 is a client error too).
    for (path, method) in &paths {
        for (content_type, body) in bodies {
            let res = app
                .client
                .request(method.clone(), app.url(path))
                .bearer_auth(&token)
                .header("content-type", content_type)
                .header("accept", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let text = res.text().await.unwrap();
            assert!(
                status < 500,
                "{method} {path} with {content_type} {body:?}: {status} {text}"
            );
        }
    }
}

/// Server functions draw on the same per-client allowance as REST (600 a minute): a client
/// that spends it on one is refused on both, with a JSON 429 and `Retry-After`. Known server
/// functions are routed by Leptos itself, past the layers of our own `/api/fn/` route, and
/// were not limited at all until the limit moved to a layer over the whole router.
#[tokio::test]
async fn server_functions_and_rest_share_the_per_client_rate_limit() {
    let app = spawn_app().await;
    let call = || {
        app.client
            .post(app.url("/api/fn/workspace"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .send()
    };
    let mut refused = None;
    for i in 0..1_500 {
        let res = call().await.unwrap();
        if res.status() == 429 {
            refused = Some((i, res));
            break;
        }
        assert_eq!(res.status(), 400, "call {i}");
    }
    let (calls, res) = refused.expect("a server function is refused once the allowance is spent");
    // The burst is 600; it refills at 10 a second while the loop runs (under 40 s here).
    assert!((600..1_000).contains(&calls), "refused after {calls} calls");
    let retry = crate::helpers::retry_after(&res);
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    let (status, body) = error_of(res).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate_limited")),
        "{body}"
    );

    // The same client's REST calls and unknown functions are refused too: one bucket.
    for path in ["/api/v1/workspaces", "/api/fn/no_such_function"] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 429, "{path}");
    }
    // Health probes are never limited.
    assert_eq!(app.get("/api/v1/health").await.status(), 200);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"taskmanager_ratelimit_rejections_total{scope="api"} 3"#),
        "{metrics}"
    );
}
