use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{json, spawn_app, TestApp};

/// The `name=value` of a Set-Cookie for `name`, with its attributes.
fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned()
}

pub struct Account {
    pub access_token: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json_body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn register(&self, email: &str, password: &str) -> Account {
        let res = self
            .post_json(
                "/api/v1/auth/register",
                &json!({"email": email, "password": password, "name": "Ada Lovelace"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        account_of(res).await
    }

    pub async fn refresh(&self, refresh: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/refresh"))
            .header("cookie", format!("tm_refresh={refresh}"))
            .header("origin", self.url(""))
            .send()
            .await
            .unwrap()
    }

    pub async fn me(&self, token: &str) -> reqwest::Response {
        self.client
            .get(self.url("/api/v1/auth/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

/// `.json(..)` needs reqwest's json feature; this sends the same bytes without it.
pub trait JsonBody {
    fn json_body(self, body: &Value) -> Self;
}

impl JsonBody for reqwest::RequestBuilder {
    fn json_body(self, body: &Value) -> Self {
        self.header("content-type", "application/json")
            .body(body.to_string())
    }
}

async fn account_of(res: reqwest::Response) -> Account {
    let refresh = cookie_value(&set_cookie(res.headers(), "tm_refresh").expect("a refresh cookie"));
    let body = json(res).await;
    Account {
        access_token: body["access_token"].as_str().unwrap().to_owned(),
        refresh,
    }
}

#[tokio::test]
async fn register_login_refresh_reuse_detection_and_logout() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "  Ada@Example.com ", "password": "correct horse", "name": "Ada"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let cookie = set_cookie(res.headers(), "tm_refresh").unwrap();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/auth"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-http deployments cannot use Secure cookies"
    );
    let body = json(res).await;
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().unwrap() <= 900);
    assert_eq!(
        body["user"]["email"], "ada@example.com",
        "emails are normalised"
    );
    assert!(body["user"]["id"].is_string() && body["user"]["created_at"].is_string());
    assert!(body["user"].get("password_hash").is_none());
    let first_refresh = cookie_value(&cookie);

    let me = app.me(body["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status(), 200);
    assert_eq!(json(me).await["user"]["email"], "ada@example.com");

    // Log in with other casing; the password is the same.
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "ADA@example.com", "password": "correct horse"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let login = account_of(res).await;

    // Rotate the registration session's refresh token.
    let res = app.refresh(&first_refresh).await;
    assert_eq!(res.status(), 200);
    let second_refresh = cookie_value(&set_cookie(res.headers(), "tm_refresh").unwrap());
    let rotated = json(res).await;
    assert_ne!(second_refresh, first_refresh);
    let rotated_access = rotated["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.me(&rotated_access).await.status(), 200);

    // The old one again: theft. The whole family dies, the newest token and its access token too.
    assert_eq!(app.refresh(&first_refresh).await.status(), 401);
    assert_eq!(app.refresh(&second_refresh).await.status(), 401);
    assert_eq!(app.me(&rotated_access).await.status(), 401);

    // The other session (the login) is untouched, until it logs out.
    assert_eq!(app.me(&login.access_token).await.status(), 200);
    let res = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&login.access_token)
        .header("cookie", format!("tm_refresh={}", login.refresh))
        .header("origin", app.url(""))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(set_cookie(res.headers(), "tm_refresh")
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(app.refresh(&login.refresh).await.status(), 401);
    assert_eq!(app.me(&login.access_token).await.status(), 401);
}

#[tokio::test]
async fn registration_validates_every_field_and_refuses_taken_emails() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "nope", "password": "short", "name": " "}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = json(res).await;
    assert_eq!(body["error"]["code"], "validation_failed");
    for field in ["email", "password", "name"] {
        assert!(body["error"]["fields"][field].is_string(), "{body}");
    }

    app.register("grace@example.com", "a long password").await;
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "Grace@Example.com", "password": "another password", "name": "G"}),
        )
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(json(res).await["error"]["code"], "email_taken");

    let res = app
        .post_json("/api/v1/auth/register", &json!({"email": 7}))
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(json(res).await["error"]["code"], "malformed_request");
}

#[tokio::test]
async fn unknown_email_and_wrong_password_answer_alike() {
    let app = spawn_app().await;
    app.register("alan@example.com", "the right password").await;
    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "alan@example.com", "password": "the wrong password"}),
        )
        .await;
    let unknown = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "nobody@example.com", "password": "the wrong password"}),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    let (wrong, unknown) = (json(wrong).await, json(unknown).await);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["error"]["code"], "invalid_credentials");
}

#[tokio::test]
async fn forged_and_stale_tokens_are_refused() {
    let app = spawn_app().await;
    let account = app.register("eve@example.com", "a fine password").await;
    let parts: Vec<&str> = account.access_token.split('.').collect();
    assert_eq!(parts.len(), 3);

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let encode = |s: &str| URL_SAFE_NO_PAD.encode(s);
    let forged_payload = encode(r#"{"sub":"someone-else","sid":"x","iat":1,"exp":9999999999}"#);
    let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    let alg_none = format!(
        "{}.{}.",
        encode(r#"{"alg":"none","typ":"JWT"}"#),
        forged_payload
    );
    for token in [
        tampered.as_str(),
        alg_none.as_str(),
        "garbage",
        "tmpat_not-a-real-token",
    ] {
        let res = app.me(token).await;
        assert_eq!(res.status(), 401, "{token}");
        assert_eq!(json(res).await["error"]["code"], "unauthenticated");
    }
    let res = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "no credentials at all");

    // A token for a deleted account stops working at once.
    let res = app
        .client
        .delete(app.url("/api/v1/auth/me"))
        .bearer_auth(&account.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(app.me(&account.access_token).await.status(), 401);
    assert_eq!(app.refresh(&account.refresh).await.status(), 401);
}

#[tokio::test]
async fn personal_api_tokens_are_scoped_shown_once_and_revocable() {
    let app = spawn_app().await;
    let account = app.register("linus@example.com", "a fine password").await;
    let create = |body: Value| {
        app.client
            .post(app.url("/api/v1/auth/tokens"))
            .bearer_auth(&account.access_token)
            .json_body(&body)
            .send()
    };
    let res = create(json!({"name": "ci", "scopes": ["read"]}))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created = json(res).await;
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("tmpat_"));

    let res = create(json!({"name": "", "scopes": [], "expires_at": "yesterday"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let fields = json(res).await["error"]["fields"].clone();
    assert!(
        fields["name"].is_string()
            && fields["scopes"].is_string()
            && fields["expires_at"].is_string(),
        "{fields}"
    );

    // Read works; writing with a read-only token is forbidden.
    assert_eq!(app.me(&token).await.status(), 200);
    let res = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .bearer_auth(&token)
        .json_body(
            &json!({"current_password": "a fine password", "new_password": "another fine one"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Listed without the secret.
    let res = app
        .client
        .get(app.url("/api/v1/auth/tokens"))
        .bearer_auth(&account.access_token)
        .send()
        .await
        .unwrap();
    let list = json(res).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&token));
    assert_eq!(list["items"][0]["scopes"], json!(["read"]));

    let id = created["id"].as_str().unwrap();
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/auth/tokens/{id}")))
        .bearer_auth(&account.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(app.me(&token).await.status(), 401);
}

#[tokio::test]
async fn changing_the_password_signs_out_other_sessions() {
    let app = spawn_app().await;
    let here = app.register("mary@example.com", "first password").await;
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "mary@example.com", "password": "first password"}),
        )
        .await;
    let elsewhere = account_of(res).await;

    let res = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .bearer_auth(&here.access_token)
        .json_body(&json!({"current_password": "wrong", "new_password": "second password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    let res = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .bearer_auth(&here.access_token)
        .json_body(
            &json!({"current_password": "first password", "new_password": "second password"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        app.me(&here.access_token).await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        app.me(&elsewhere.access_token).await.status(),
        401,
        "the other one is signed out"
    );
    let old = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "mary@example.com", "password": "first password"}),
        )
        .await;
    assert_eq!(old.status(), 401);
    let new = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "mary@example.com", "password": "second password"}),
        )
        .await;
    assert_eq!(new.status(), 200);

    let res = app
        .client
        .get(app.url("/api/v1/auth/sessions"))
        .bearer_auth(&here.access_token)
        .send()
        .await
        .unwrap();
    let sessions = json(res).await;
    let items = sessions["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "this one and the new login: {sessions}");
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
}

#[tokio::test]
async fn cross_site_requests_with_cookies_are_refused() {
    let app = spawn_app().await;
    let account = app.register("tim@example.com", "a fine password").await;
    let refresh_with = |origin: Option<&str>, site: Option<&str>| {
        let mut req = app
            .client
            .post(app.url("/api/v1/auth/refresh"))
            .header("cookie", format!("tm_refresh={}", account.refresh));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        req.send()
    };
    let res = refresh_with(Some("https://evil.example"), None)
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(res).await["error"]["code"], "forbidden");
    assert_eq!(
        refresh_with(None, Some("cross-site"))
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        refresh_with(None, None).await.unwrap().status(),
        403,
        "cookies without proof of origin"
    );
    // The same request from the app's own origin works.
    assert_eq!(
        refresh_with(Some(&app.url("")), None)
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn an_expired_browser_session_is_renewed_by_redirect_before_the_page_renders() {
    let app = spawn_app().await;
    let account = app.register("joan@example.com", "a fine password").await;

    // A page load with the session hint but no access cookie (it expired with its token).
    let res = app
        .client
        .get(app.url("/account?tab=sessions"))
        .header("accept", "text/html")
        .header("cookie", "tm_session=1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        "/api/v1/auth/renew?next=/account%3Ftab%3Dsessions"
    );

    // The browser follows it, sending the refresh cookie (its path matches).
    let res = app
        .client
        .get(app.url("/api/v1/auth/renew?next=/account%3Ftab%3Dsessions"))
        .header(
            "cookie",
            format!("tm_session=1; tm_refresh={}", account.refresh),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account?tab=sessions");
    let access = set_cookie(res.headers(), "tm_access").expect("a fresh access cookie");
    assert!(
        access.contains("HttpOnly") && access.contains("Path=/"),
        "{access}"
    );
    assert!(
        set_cookie(res.headers(), "tm_refresh").is_some(),
        "the refresh cookie rotates"
    );

    // The page now renders signed in, straight from the server.
    let res = app
        .client
        .get(app.url("/account"))
        .header("accept", "text/html")
        .header(
            "cookie",
            format!("tm_session=1; tm_access={}", cookie_value(&access)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("joan@example.com"));

    // A navigation from another site arrives without the SameSite=Strict refresh cookie: the
    // server asks again from its own page (which carries it) instead of signing the person out.
    let res = app
        .client
        .get(app.url("/api/v1/auth/renew?next=/account"))
        .header("cookie", "tm_session=1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        set_cookie(res.headers(), "tm_session").is_none(),
        "nothing is cleared"
    );
    let page = res.text().await.unwrap();
    assert!(
        page.contains("url=/api/v1/auth/renew?retry=true&next=/account"),
        "{page}"
    );
    // The retry still without a cookie gives up and clears the hint, so there is no loop.
    let res = app
        .client
        .get(app.url("/api/v1/auth/renew?retry=true&next=/account"))
        .header("cookie", "tm_session=1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(set_cookie(res.headers(), "tm_session")
        .unwrap()
        .contains("Max-Age=0"));

    // A dead refresh token clears the cookies and still goes back, never to another site.
    let res = app
        .client
        .get(app.url("/api/v1/auth/renew?next=//evil.example/x"))
        .header("cookie", "tm_session=1; tm_refresh=stale")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/");
    assert!(set_cookie(res.headers(), "tm_session")
        .unwrap()
        .contains("Max-Age=0"));
}

#[tokio::test]
async fn server_functions_answer_with_the_same_rules_and_codes() {
    let app = spawn_app().await;
    let sign_in = |email: &str, password: &str| {
        app.client
            .post(app.url("/api/fn/sign_in"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("origin", app.url(""))
            .body(format!("email={email}&password={password}"))
            .send()
    };
    app.register("ken@example.com", "a fine password").await;
    let res = sign_in("ken%40example.com", "wrong+password")
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(json(res).await["code"], "invalid_credentials");

    let res = sign_in("ken%40example.com", "a+fine+password")
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    for name in ["tm_access", "tm_refresh", "tm_session"] {
        assert!(
            set_cookie(res.headers(), name).is_some(),
            "sign-in sets {name}"
        );
    }

    // Cross-site form posts to server functions are refused like REST calls.
    let res = app
        .client
        .post(app.url("/api/fn/sign_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body("email=ken%40example.com&password=a+fine+password")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

/// Waits for a mail of `kind` to `to` in the outbox and returns the token of its link.
pub(crate) async fn mailed_token(app: &TestApp, kind: &str, to: &str) -> String {
    let outbox = app.data_dir.join("outbox");
    let start = std::time::Instant::now();
    loop {
        let mails = std::fs::read_dir(&outbox).into_iter().flatten().flatten();
        for entry in mails {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(&format!("-{kind}.eml")) {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            if text.contains(&format!("To: {to}")) {
                let at = text.find("token=").expect("a link with a token") + "token=".len();
                return text[at..].split_whitespace().next().unwrap().to_owned();
            }
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "no {kind} mail to {to} in {}",
            outbox.display()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn password_reset_by_mail_is_single_use_and_signs_everyone_out() {
    let app = spawn_app().await;
    let account = app.register("rosa@example.com", "the old password").await;

    // The same answer whether or not the account exists.
    for email in ["rosa@example.com", "nobody@example.com"] {
        let res = app
            .post_json("/api/v1/auth/password-reset", &json!({"email": email}))
            .await;
        assert_eq!(res.status(), 202, "{email}");
    }
    let token = mailed_token(&app, "password_reset", "rosa@example.com").await;
    assert!(
        !app.data_dir.join("outbox").read_dir().unwrap().any(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .contains("nobody@example.com")
        }),
        "no mail for an unknown address"
    );

    let res = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "password": "short"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "password": "the new password"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        app.me(&account.access_token).await.status(),
        401,
        "every session is signed out"
    );
    assert_eq!(app.refresh(&account.refresh).await.status(), 401);

    let res = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "password": "yet another one"}),
        )
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(json(res).await["error"]["code"], "invalid_token");
    let res = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": "made-up", "password": "yet another one"}),
        )
        .await;
    assert_eq!(res.status(), 400);

    let old = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "rosa@example.com", "password": "the old password"}),
        )
        .await;
    assert_eq!(old.status(), 401);
    let new = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "rosa@example.com", "password": "the new password"}),
        )
        .await;
    assert_eq!(new.status(), 200);
}

#[tokio::test]
async fn new_accounts_confirm_their_email_once() {
    let app = spawn_app().await;
    app.register("hedy@example.com", "a fine password").await;
    let token = mailed_token(&app, "verify_email", "hedy@example.com").await;
    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(res.status(), 204);
    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(json(res).await["error"]["code"], "invalid_token");
}

#[tokio::test]
async fn https_deployments_get_secure_cookies_and_hsts() {
    let app = crate::helpers::spawn_app_with(&[
        ("TM_PUBLIC_URL", "https://tasks.example.com".to_owned()),
        (
            "TM_SECRET_KEY",
            "an-https-deployment-secret-key-0123456789".to_owned(),
        ),
    ])
    .await;
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "sec@example.com", "password": "a fine password", "name": "Sec"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let cookie = set_cookie(res.headers(), "tm_refresh").unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let page = app.get("/").await;
    assert!(page.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    // Behind TLS the browser's Origin is the public URL, not the listen address.
    let refresh = cookie_value(&cookie);
    let res = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", format!("tm_refresh={refresh}"))
        .header("origin", "https://tasks.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_language_is_an_account_preference_and_the_browser_keeps_a_copy() {
    let app = spawn_app().await;
    // A new account speaks English unless it asks otherwise; a language it can't have is a
    // field error.
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "de@example.com", "password": "a fine password", "name": "Grete", "locale": "de-AT"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let body = json(res).await;
    assert_eq!(body["user"]["locale"], "de", "{body}");
    let token = body["access_token"].as_str().unwrap().to_owned();
    // Its new workspaces name their columns in German (the keys stay the same).
    let res = app
        .client
        .post(app.url("/api/v1/workspaces"))
        .bearer_auth(&token)
        .json_body(&json!({"name": "Umzug"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let ws = json(res).await;
    assert_eq!(ws["columns"][0]["key"], "todo", "{ws}");
    assert_eq!(ws["columns"][0]["name"], "Zu erledigen", "{ws}");
    assert_eq!(ws["columns"][2]["name"], "Erledigt", "{ws}");
    let res = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "xx@example.com", "password": "a fine password", "name": "X", "locale": "tlh"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(json(res).await["error"]["fields"]["locale"].is_string());
    let plain = app.register("en@example.com", "a fine password").await;
    let res = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .bearer_auth(&plain.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(json(res).await["user"]["locale"], "en");

    // PATCH /auth/me changes it; a wrong one is a field error, a wrong type a malformed request.
    let patch = |body: Value| {
        app.client
            .patch(app.url("/api/v1/auth/me"))
            .bearer_auth(&token)
            .json_body(&body)
            .send()
    };
    let res = patch(json!({"locale": "fr"})).await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(json(res).await["error"]["fields"]["locale"].is_string());
    let res = patch(json!({"locale": 7})).await.unwrap();
    assert_eq!(res.status(), 400);
    let res = patch(json!({"locale": "en"})).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["user"]["locale"], "en");
    let res = patch(json!({"locale": "de", "time_zone": "Europe/Berlin"}))
        .await
        .unwrap();
    let me = json(res).await;
    assert_eq!(me["user"]["locale"], "de");
    assert_eq!(me["user"]["time_zone"], "Europe/Berlin");

    // Signing in in a browser (the UI's server function) hands the browser the account's
    // language, so its pages render in it from the first byte.
    let res = app
        .client
        .post(app.url("/api/fn/sign_in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("origin", app.url(""))
        .body("email=de%40example.com&password=a+fine+password")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let lang = set_cookie(res.headers(), "tm_lang").expect("tm_lang cookie");
    assert!(
        lang.starts_with("tm_lang=de;") && lang.contains("Path=/"),
        "{lang}"
    );
}
