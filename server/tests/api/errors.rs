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
