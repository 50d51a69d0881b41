//! The OpenAPI 3.1 document of `/api/v1`, generated from the code: each REST handler carries a
//! `#[utoipa::path]` annotation (method, path, parameters, body, responses, security) and the
//! types it takes and returns derive their schemas (`domain`'s behind its `openapi` feature).
//! Served at `GET /api/v1/openapi.json` and printed by `taskmanager openapi`.
//!
//! What applies to every operation because of the middleware around the handlers (the rate
//! limit, the cross-site check) is added once, by [`RouterWideResponses`].

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use domain::task::ImportReport;
use domain::workspace::{Column, Role};
use domain::{ApiError, ErrorBody};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr, Response};
use utoipa::{Modify, OpenApi, ToResponse, ToSchema};

use super::{attachments, auth, health, tasks, transfer, workspaces};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Task Manager API",
        version = "1.0.0",
        description = "The REST contract of the Task Manager. Bodies are JSON unless an operation \
            says otherwise; times are RFC 3339 UTC strings and ids are opaque strings. Errors are \
            `{\"error\":{\"code\",\"message\",\"fields\"?}}` (see the Error schema). Every \
            operation but the health checks is rate limited per client (429 with Retry-After), \
            and a state-changing request from another site is refused (403)."
    ),
    servers((url = "/api/v1")),
    tags(
        (name = "service", description = "Liveness, readiness and this document."),
        (name = "accounts", description = "Sign-up, sign-in, sessions, API tokens, password and email."),
        (name = "workspaces", description = "Workspaces, their columns, members and stats."),
        (name = "tasks", description = "Tasks, moves, activity and comments."),
        (name = "attachments", description = "Files attached to tasks."),
        (name = "search", description = "Full-text search in a workspace."),
        (name = "filters", description = "Saved task-list filters, private to each member."),
        (name = "webhooks", description = "Signed HTTP callbacks for workspace events (owners)."),
        (name = "notifications", description = "The caller's in-app notifications: assigned, mentioned, due soon."),
        (name = "import-export", description = "A workspace as JSON or CSV, out and in."),
    ),
    paths(
        health::live,
        health::ready,
        document,
        auth::register,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::me,
        auth::update_me,
        auth::delete_account,
        auth::change_password,
        auth::list_sessions,
        auth::revoke_all_sessions,
        auth::revoke_session,
        auth::list_tokens,
        auth::create_token,
        auth::delete_token,
        auth::renew_redirect,
        auth::renew_browser,
        auth::request_password_reset,
        auth::confirm_password_reset,
        auth::verify_email,
        workspaces::list,
        workspaces::create,
        workspaces::read,
        workspaces::update,
        workspaces::remove,
        workspaces::members,
        workspaces::add_member,
        workspaces::update_member,
        workspaces::remove_member,
        tasks::list,
        tasks::create,
        tasks::read,
        tasks::update,
        tasks::remove,
        tasks::move_task,
        tasks::activity,
        tasks::comments,
        tasks::add_comment,
        attachments::list,
        attachments::upload,
        attachments::download,
        attachments::remove,
        tasks::stats,
        tasks::changes,
        super::ws::upgrade,
        transfer::search,
        transfer::export,
        transfer::import,
        transfer::filters,
        transfer::save_filter,
        transfer::delete_filter,
        super::webhooks::list,
        super::webhooks::create,
        super::webhooks::remove,
        super::webhooks::deliveries,
        super::notifications::list,
        super::notifications::mark_read,
    ),
    components(
        schemas(ErrorBody),
        responses(
            RateLimited,
            Unauthenticated,
            MalformedRequest,
            UnsupportedMediaType,
            PayloadTooLarge,
            NotFound,
            Forbidden,
            ReadOnlyToken,
            CrossSite,
            SessionEnded,
            Unavailable,
        )
    ),
    modifiers(&SecuritySchemes, &RouterWideResponses)
)]
pub struct ApiDoc;

/// The document as served, built once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| panic!("the OpenAPI document does not serialise: {e}"))
});

/// The OpenAPI document, as JSON (what `GET /api/v1/openapi.json` answers).
pub fn document_json() -> &'static str {
    &DOCUMENT
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    tag = "service",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document.", body = Object,
            content_type = "application/json"),
    )
)]
pub async fn document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(),
    )
}

/// The three ways to present credentials.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token from login/register/refresh, or a personal API token \
                         starting with tmpat_.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookieAuth",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::session::ACCESS_COOKIE,
                "The access token in the tm_access cookie (set by POST /auth/renew and the web \
                 app's sign-in). State-changing requests authenticated by cookie must come from \
                 the app's own origin (Origin or Sec-Fetch-Site).",
            ))),
        );
        components.add_security_scheme(
            "refreshCookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::session::REFRESH_COOKIE,
                "The refresh token, set by register/login/refresh; HttpOnly, SameSite=Strict, \
                 Path=/api/v1/auth. Each one can be used once.",
            ))),
        );
    }
}

/// Responses the middleware around every handler can give (see `super::router`):
/// `security::api_rate_limit` answers 429 anywhere but the health checks, and `security::csrf`
/// answers 403 to a state-changing request from another site.
struct RouterWideResponses;

impl Modify for RouterWideResponses {
    fn modify(&self, openapi: &mut Document) {
        let rate_limited = response_ref::<RateLimited>();
        let cross_site = response_ref::<CrossSite>();
        for (path, item) in openapi.paths.paths.iter_mut() {
            let limited = !path.starts_with("/health");
            let operations = [
                (false, &mut item.get),
                (false, &mut item.head),
                (false, &mut item.options),
                (true, &mut item.post),
                (true, &mut item.put),
                (true, &mut item.patch),
                (true, &mut item.delete),
            ];
            for (changes_state, operation) in operations {
                let Some(operation) = operation.as_mut() else {
                    continue;
                };
                let responses = &mut operation.responses.responses;
                if limited {
                    responses
                        .entry("429".to_owned())
                        .or_insert_with(|| rate_limited.clone());
                }
                if changes_state {
                    responses
                        .entry("403".to_owned())
                        .or_insert_with(|| cross_site.clone());
                }
            }
        }
    }
}

fn response_ref<'r, R: ToResponse<'r>>() -> RefOr<Response> {
    RefOr::Ref(utoipa::openapi::schema::Ref::from_response_name(
        R::response().0,
    ))
}

// Reusable error responses (`components/responses`), each with the Error body.

/// rate_limited: too many requests; retry after Retry-After seconds.
#[derive(ToResponse)]
#[response(headers(("Retry-After" = u64, description = "Seconds to wait before retrying.")))]
#[allow(dead_code)]
pub struct RateLimited(ErrorBody);

/// unauthenticated (no or expired credentials) or invalid_token (a malformed or revoked token).
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct Unauthenticated(ErrorBody);

/// malformed_request: the body is not valid JSON of the expected shape.
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct MalformedRequest(ErrorBody);

/// unsupported_media_type: the body is not application/json.
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct UnsupportedMediaType(ErrorBody);

/// payload_too_large: the body is over TM_MAX_BODY_BYTES (default 1 MiB).
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct PayloadTooLarge(ErrorBody);

/// not_found: no such resource belongs to the caller.
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct NotFound(ErrorBody);

/// forbidden: a read-only API token, or a cross-site request (Origin or Sec-Fetch-Site not the
/// app's).
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct Forbidden(ErrorBody);

/// forbidden: the caller is a read-only API token (or the request is cross-site).
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct ReadOnlyToken(ErrorBody);

/// forbidden: a cross-site request (Origin or Sec-Fetch-Site not the app's).
#[derive(ToResponse)]
#[allow(dead_code)]
pub struct CrossSite(ErrorBody);

/// unauthenticated: no refresh cookie, or it is unknown, expired, revoked or already rotated
/// (reuse revokes the whole token family). The session cookies are cleared (by POST
/// /auth/refresh only when a refresh cookie came with the request).
#[derive(ToResponse)]
#[response(headers((
    "Set-Cookie" = String,
    description = "Expires the session cookies tm_refresh, tm_access and tm_session."
)))]
#[allow(dead_code)]
pub struct SessionEnded(ErrorBody);

/// unavailable: the file storage does not answer; retry after Retry-After seconds.
#[derive(ToResponse)]
#[response(headers(("Retry-After" = u64, description = "Seconds to wait before retrying.")))]
#[allow(dead_code)]
pub struct Unavailable(ErrorBody);

// Shapes the handlers build with `json!`, described here.

/// Lists that come whole, in one page: `{"items": [...], "next_cursor": null}`.
pub trait WholeList {
    type Item: Serialize;
}

/// The answer of a [`WholeList`]: the items, and `next_cursor` null.
pub fn whole_list<L: WholeList>(items: Vec<L::Item>) -> Json<Value> {
    Json(json!({ "items": items, "next_cursor": null }))
}

fn always_null() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Null)
        .description(Some("Always null: the whole list comes in one page."))
}

/// `Name of Item;`, or `Name of Item as Schema;` when a type here describes `Item`.
macro_rules! whole_lists {
    ($($(#[$doc:meta])* $name:ident of $item:ty $(as $schema:ty)?;)*) => {$(
        whole_lists!(@list $(#[$doc])* $name, $item, [$($schema)?]);
    )*};
    (@list $(#[$doc:meta])* $name:ident, $item:ty, []) => {
        whole_lists!(@list $(#[$doc])* $name, $item, [$item]);
    };
    (@list $(#[$doc:meta])* $name:ident, $item:ty, [$schema:ty]) => {
        $(#[$doc])*
        #[derive(ToSchema)]
        #[allow(dead_code)]
        pub struct $name {
            items: Vec<$schema>,
            #[schema(schema_with = always_null, required = true)]
            next_cursor: Option<String>,
        }

        impl WholeList for $name {
            type Item = $item;
        }
    };
}

whole_lists! {
    /// The caller's active sessions.
    SessionList of domain::account::SessionView;
    /// The caller's personal API tokens, without their secrets.
    ApiTokenList of domain::account::ApiTokenView;
    /// Workspaces, each with the caller's role.
    WorkspaceList of domain::workspace::WorkspaceView;
    /// The members of a workspace.
    MemberList of domain::workspace::MemberView;
    /// A task's activity, oldest first.
    ActivityList of domain::task::ActivityView;
    /// A task's comments, oldest first.
    CommentList of domain::task::CommentView;
    /// A task's attachments, oldest first.
    AttachmentList of domain::task::AttachmentView;
    /// Search hits, best first.
    SearchResults of domain::task::SearchHit as SearchHit;
    /// The caller's saved filters of a workspace, oldest first.
    FilterList of domain::task::SavedFilter;
    /// A workspace's webhooks, oldest first.
    WebhookList of domain::workspace::WebhookView;
    /// A webhook's deliveries, newest first.
    WebhookDeliveryList of domain::workspace::WebhookDelivery;
}

// Describes `domain::task::SearchHit`, whose highlights are a map with three possible keys.
/// One search result: the task, its relevance, and HTML snippets of what matched.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SearchHit {
    task: domain::task::TaskView,
    /// Relevance, higher is better (BM25; title matches weigh double, comment matches half),
    /// rounded to three decimals.
    score: f64,
    highlights: Highlights,
}

/// HTML snippets of the parts that matched: the text is escaped and each match is wrapped in
/// `<mark>...</mark>`. A key is present only when that part matched.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Highlights {
    /// The whole title.
    #[schema(required = false)]
    title: String,
    /// About 160 characters around the first match, whitespace collapsed, with an ellipsis where
    /// the text was cut.
    #[schema(required = false)]
    description: String,
    /// The same kind of snippet from one matching comment.
    #[schema(required = false)]
    comment: String,
}

/// The signed-in user.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MeResponse {
    user: domain::account::UserView,
}

/// The error body of a refused import: the usual error, plus the whole report when rows were
/// rejected.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportError {
    error: ApiError,
    /// Present when rows were rejected.
    #[schema(required = false)]
    report: ImportReport,
}

// Our JSON export, as `service::transfer` reads and writes it (a test below checks they agree).

/// Our JSON export: everything needed to rebuild the workspace's board elsewhere. An export
/// always carries every field; an import needs the required ones.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct WorkspaceExport {
    #[schema(schema_with = export_format)]
    format: String,
    #[schema(schema_with = export_format_version)]
    format_version: u32,
    /// When the export was made. Informational: an import does not read it.
    #[schema(format = DateTime, required = false)]
    exported_at: String,
    workspace: ExportedWorkspace,
    #[schema(required = false)]
    members: Vec<ExportedMember>,
    /// Ordered by status, then position.
    tasks: Vec<ExportedTask>,
}

fn export_format() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some([service::transfer::EXPORT_FORMAT]))
        .description(Some("What this document is."))
}

fn export_format_version() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some([service::transfer::EXPORT_FORMAT_VERSION]))
        .description(Some("The version of the format."))
}

/// The exported workspace.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ExportedWorkspace {
    /// Not used on import.
    #[schema(required = false)]
    id: String,
    name: String,
    columns: Vec<Column>,
}

/// A member in an export: on import, assignees and comment authors are matched to members by
/// email.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ExportedMember {
    email: String,
    name: String,
    role: Role,
}

/// A task in an export. On import every field but title may be left out; id, position and
/// created_by are not used (the task gets a new id, the end of its column and the importer).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ExportedTask {
    #[schema(required = false)]
    id: String,
    title: String,
    /// Markdown.
    #[schema(required = false)]
    description: String,
    /// A column key; on import, empty means the first column and an unknown one rejects the row.
    #[schema(required = false)]
    status: Option<String>,
    /// low, medium, high or urgent; on import, empty means medium and anything else rejects the
    /// row.
    #[schema(required = false)]
    priority: Option<String>,
    #[schema(required = false)]
    labels: Vec<String>,
    /// Emails of members.
    #[schema(required = false)]
    assignees: Vec<String>,
    #[schema(format = DateTime, required = false)]
    due_at: Option<String>,
    #[schema(format = DateTime, required = false)]
    start_at: Option<String>,
    #[schema(required = false)]
    checklist: Vec<domain::task::ChecklistItem>,
    #[schema(required = false)]
    recurrence: Option<domain::task::Recurrence>,
    #[schema(required = false)]
    position: Option<String>,
    /// The creator's email.
    #[schema(required = false)]
    created_by: Option<String>,
    #[schema(format = DateTime, required = false)]
    created_at: Option<String>,
    /// On import, kept for a task landing in a done column (else the current time), dropped
    /// otherwise.
    #[schema(format = DateTime, required = false)]
    completed_at: Option<String>,
    /// Oldest first.
    #[schema(required = false)]
    comments: Vec<ExportedComment>,
}

/// A comment in an export.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ExportedComment {
    /// The author's email; on import, a non-member's comment is kept under the importer.
    #[schema(required = false)]
    author: String,
    /// Markdown.
    body: String,
    #[schema(format = DateTime, required = false)]
    created_at: Option<String>,
}

/// The CSV of a workspace's tasks, UTF-8 (`Content-Type: text/csv; charset=utf-8`): a header
/// row id, title, description, status, priority, labels, assignees, due_at, start_at,
/// created_at, completed_at, then one row per task ordered by status and position. labels and
/// assignees (member emails) are joined with `;`. Cells a spreadsheet would run as a formula
/// (starting with =, +, -, @, a tab or a carriage return) get a leading apostrophe, which an
/// import drops again.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TasksCsv(String);

/// A CSV of tasks, UTF-8 text (a leading BOM is skipped): a header row naming some of id,
/// title, description, status, priority, labels, assignees, due_at, start_at, created_at,
/// completed_at (title required, any other name refused, case-insensitive), then one task per
/// row. labels and assignees (member emails) are separated by `;` or `,`. A leading apostrophe
/// before =, +, -, @, a tab or a carriage return is dropped. The id column is read but not used:
/// imported tasks get new ids.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportCsv(String);

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn document() -> Value {
        serde_json::from_str(document_json()).unwrap()
    }

    /// Follows `$ref`s to `#/components/...`.
    fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                let target = r
                    .strip_prefix('#')
                    .and_then(|pointer| doc.pointer(pointer))
                    .unwrap_or_else(|| panic!("dangling reference {r}"));
                resolve(doc, target)
            }
            None => schema,
        }
    }

    /// Problems with `value` as an instance of `schema`: undocumented or missing properties, at
    /// any depth (enough to catch a described shape drifting from the real one).
    fn mismatches(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
        let schema = resolve(doc, schema);
        if let Some(choices) = schema["oneOf"].as_array() {
            let fits = choices
                .iter()
                .any(|c| mismatches(doc, c, value, at).is_empty());
            return if fits {
                vec![]
            } else {
                vec![format!("{at}: matches no oneOf choice")]
            };
        }
        match value {
            Value::Object(map) => {
                let mut out = vec![];
                let properties = schema["properties"].as_object();
                for (key, v) in map {
                    match properties.and_then(|p| p.get(key)) {
                        Some(s) => out.extend(mismatches(doc, s, v, &format!("{at}.{key}"))),
                        None if schema.get("additionalProperties").is_some() => {}
                        None => out.push(format!("{at}.{key} is not documented")),
                    }
                }
                for key in schema["required"].as_array().into_iter().flatten() {
                    let key = key.as_str().unwrap();
                    if !map.contains_key(key) {
                        out.push(format!("{at}.{key} is required but absent"));
                    }
                }
                out
            }
            Value::Array(items) => items
                .iter()
                .enumerate()
                .flat_map(|(i, v)| mismatches(doc, &schema["items"], v, &format!("{at}[{i}]")))
                .collect(),
            _ => vec![],
        }
    }

    fn assert_fits(schema_name: &str, value: &Value) {
        let doc = document();
        let schema = json!({ "$ref": format!("#/components/schemas/{schema_name}") });
        let problems = mismatches(&doc, &schema, value, schema_name);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn the_document_is_openapi_3_1_relative_to_api_v1() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["servers"][0]["url"], "/api/v1");
        assert!(doc["paths"]["/auth/login"]["post"].is_object());
    }

    #[test]
    fn every_operation_has_an_id_a_tag_and_a_success_response() {
        let doc = document();
        let mut ids = std::collections::HashSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap();
                assert!(ids.insert(id.to_owned()), "{id} twice");
                assert!(op["tags"][0].is_string(), "{method} {path} has no tag");
                let responses = op["responses"].as_object().unwrap();
                assert!(
                    responses
                        .keys()
                        .any(|s| s.starts_with('2') || s.starts_with('3') || s == "101"),
                    "{method} {path} has no success response"
                );
                for r in responses.values() {
                    if let Some(target) = r["$ref"].as_str() {
                        let pointer = target.strip_prefix('#').unwrap();
                        assert!(doc.pointer(pointer).is_some(), "dangling {target}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_whole_lists_describe_what_the_handlers_send() {
        let Json(body) = whole_list::<FilterList>(vec![domain::task::SavedFilter {
            id: "f1".into(),
            workspace_id: "w1".into(),
            name: "Mine".into(),
            query: "assignee=u1".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
        }]);
        assert_fits("FilterList", &body);
        assert_eq!(body["next_cursor"], Value::Null);
    }

    #[test]
    fn the_search_hit_schema_describes_what_the_service_returns() {
        let task = domain::task::TaskView {
            id: "t1".into(),
            workspace_id: "w1".into(),
            title: "Write the docs".into(),
            description: "All of them.".into(),
            description_html: "<p>All of them.</p>".into(),
            status: "todo".into(),
            priority: domain::task::Priority::High,
            labels: vec!["docs".into()],
            assignee_ids: vec!["u1".into()],
            due_at: None,
            start_at: None,
            checklist: vec![],
            recurrence: Some(domain::task::Recurrence::EveryNDays { n: 3 }),
            position: "a0".into(),
            version: 2,
            created_by: "u1".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            completed_at: None,
        };
        let highlights = ["title", "description", "comment"]
            .into_iter()
            .map(|k| (k.to_owned(), "<mark>docs</mark>".to_owned()))
            .collect();
        let Json(body) = whole_list::<SearchResults>(vec![domain::task::SearchHit {
            task,
            score: 1.5,
            highlights,
        }]);
        assert_fits("SearchResults", &body);
    }

    #[test]
    fn the_export_schema_describes_what_the_service_writes() {
        use service::transfer::{
            ExportedComment, ExportedMember, ExportedTask, ExportedWorkspace, WorkspaceExport,
        };
        let export = WorkspaceExport {
            format: service::transfer::EXPORT_FORMAT.into(),
            format_version: service::transfer::EXPORT_FORMAT_VERSION,
            exported_at: "2026-01-01T00:00:00Z".into(),
            workspace: ExportedWorkspace {
                id: "w1".into(),
                name: "Team".into(),
                columns: domain::workspace::Column::defaults(),
            },
            members: vec![ExportedMember {
                email: "ada@example.com".into(),
                name: "Ada".into(),
                role: domain::workspace::Role::Owner,
            }],
            tasks: vec![ExportedTask {
                id: "t1".into(),
                title: "Write".into(),
                status: Some("todo".into()),
                priority: Some("high".into()),
                labels: vec!["docs".into()],
                assignees: vec!["ada@example.com".into()],
                due_at: Some("2026-02-01T00:00:00Z".into()),
                checklist: vec![domain::task::ChecklistItem {
                    id: "c1".into(),
                    text: "Outline".into(),
                    done: false,
                }],
                recurrence: Some(domain::task::Recurrence::Weekly { weekdays: vec![1] }),
                comments: vec![ExportedComment {
                    author: "ada@example.com".into(),
                    body: "Soon.".into(),
                    created_at: Some("2026-01-02T00:00:00Z".into()),
                }],
                ..ExportedTask::default()
            }],
        };
        assert_fits("WorkspaceExport", &serde_json::to_value(&export).unwrap());
    }

    #[test]
    fn the_import_error_describes_what_the_handler_sends() {
        let body = json!({
            "error": {
                "code": "validation_failed",
                "message": "1 rows were rejected; nothing was imported.",
                "fields": { "row 1": "title is required" },
            },
            "report": serde_json::to_value(ImportReport {
                imported: 0,
                rejected: vec![domain::task::RejectedRow {
                    row: 1,
                    errors: [("title".to_owned(), "is required".to_owned())].into(),
                }],
                warnings: vec![],
                dry_run: false,
            })
            .unwrap(),
        });
        assert_fits("ImportError", &body);
    }
}
