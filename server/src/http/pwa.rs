//! The installable app: the service worker, its offline page and the web app manifest.
//!
//! `/sw.js` is `public/sw.js` with one line prepended, made once at start from the site this
//! release ships: `self.TM_BUILD = {"version": …, "precache": [every bundle, chunk and shell
//! asset]}`. A new release has other content-hashed names, so other bytes, which is what makes
//! browsers install its worker; the worker waits until the page's "Reload" prompt asks it to take
//! over, so an open tab never runs a mix of two releases.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The offline page is static text of our own: its inline style and script are all it runs.
const OFFLINE_PAGE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
     img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const WORKER_CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'";

/// Shell assets outside `/pkg` the worker keeps, when the site has them.
const SHELL: &[&str] = &[
    "/offline.html",
    "/manifest.webmanifest",
    "/pwa.js",
    "/pwa.css",
    "/favicon.svg",
];

struct Files {
    worker: Option<String>,
    offline: Option<String>,
    manifest: Option<String>,
}

/// `/sw.js`, `/offline.html` and `/manifest.webmanifest`, read once from the site root.
pub fn router<S: Clone + Send + Sync + 'static>(site_root: &Path, pkg_dir: &str) -> Router<S> {
    let read = |name: &str| std::fs::read_to_string(site_root.join(name)).ok();
    let files = Arc::new(Files {
        worker: read("sw.js").map(|source| {
            let precache = precache_list(site_root, pkg_dir);
            worker_script(&source, &precache)
        }),
        offline: read("offline.html"),
        manifest: read("manifest.webmanifest"),
    });
    let (a, b, c) = (files.clone(), files.clone(), files);
    Router::new()
        .route(
            "/sw.js",
            get(move || async move {
                serve(
                    a.worker.clone(),
                    "text/javascript; charset=utf-8",
                    &[
                        (
                            header::HeaderName::from_static("service-worker-allowed"),
                            "/",
                        ),
                        // A worker runs under its script's policy: it fetches this origin only
                        // (the API-wide default, `default-src 'none'`, would stop it precaching).
                        (header::CONTENT_SECURITY_POLICY, WORKER_CSP),
                    ],
                )
            }),
        )
        .route(
            "/offline.html",
            get(move || async move {
                serve(
                    b.offline.clone(),
                    "text/html; charset=utf-8",
                    &[(header::CONTENT_SECURITY_POLICY, OFFLINE_PAGE_CSP)],
                )
            }),
        )
        .route(
            "/manifest.webmanifest",
            get(move || async move { serve(c.manifest.clone(), "application/manifest+json", &[]) }),
        )
}

fn serve(
    body: Option<String>,
    content_type: &'static str,
    extra: &[(header::HeaderName, &'static str)],
) -> Response {
    let Some(body) = body else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Always revalidated: a new release must reach browsers at their next visit.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    for (name, value) in extra {
        headers.insert(name.clone(), HeaderValue::from_static(value));
    }
    response
}

/// Every file a page of this release may load: the bundles and page chunks under `/pkg` (not
/// their `.br`/`.gz` twins or type declarations), the shell assets and the icons. Sorted, so the
/// script's bytes depend only on the release.
pub fn precache_list(site_root: &Path, pkg_dir: &str) -> Vec<String> {
    let mut list = Vec::new();
    let listed = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    for name in listed(&site_root.join(pkg_dir)) {
        let keep = [".js", ".wasm", ".css", ".json"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if keep {
            list.push(format!("/{pkg_dir}/{name}"));
        }
    }
    for name in listed(&site_root.join("icons")) {
        if name.ends_with(".png") || name.ends_with(".svg") {
            list.push(format!("/icons/{name}"));
        }
    }
    for path in SHELL {
        if site_root.join(path.trim_start_matches('/')).is_file() {
            list.push((*path).to_owned());
        }
    }
    list.sort();
    list
}

/// The worker's source with the build line in front.
pub fn worker_script(source: &str, precache: &[String]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    precache.hash(&mut hasher);
    source.hash(&mut hasher);
    let build = serde_json::json!({
        "version": format!("{:016x}", hasher.finish()),
        "precache": precache,
    });
    format!("self.TM_BUILD = {build};\n{source}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_lists_the_release_and_changes_with_it() {
        let root = &std::env::temp_dir().join(format!("tm-pwa-{}", rand::random::<u64>()));
        std::fs::create_dir_all(root.join("pkg")).expect("pkg");
        std::fs::create_dir_all(root.join("icons")).expect("icons");
        for f in [
            "pkg/taskmanager.abc.js",
            "pkg/taskmanager.abc.wasm",
            "pkg/taskmanager.abc.wasm.br",
            "pkg/chunk_1.x.wasm",
            "pkg/taskmanager.d.x.ts",
            "icons/icon-192.png",
            "icons/README.md",
            "offline.html",
            "pwa.js",
        ] {
            std::fs::write(root.join(f), "x").expect("write");
        }
        let list = precache_list(root, "pkg");
        assert_eq!(
            list,
            [
                "/icons/icon-192.png",
                "/offline.html",
                "/pkg/chunk_1.x.wasm",
                "/pkg/taskmanager.abc.js",
                "/pkg/taskmanager.abc.wasm",
                "/pwa.js",
            ]
        );
        let one = worker_script("// sw", &list);
        assert!(one.starts_with("self.TM_BUILD = {\"precache\":[\"/icons/icon-192.png\""));
        assert!(one.ends_with("\n// sw"));
        let mut next = list.clone();
        next[3] = "/pkg/taskmanager.def.js".to_owned();
        assert_ne!(
            one.lines().next(),
            worker_script("// sw", &next).lines().next(),
            "a new release is a new worker"
        );
        let _ = std::fs::remove_dir_all(root);
    }
}
