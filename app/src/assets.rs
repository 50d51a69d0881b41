//! The names of the site's bundles. With `hash-files` (Cargo.toml) cargo-leptos renames them by
//! content (`taskmanager.<hash>.wasm`) and lists the hashes in `hash.txt` beside the server
//! binary; a build without it (development) keeps the plain names.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The hash file the build wrote beside the running binary, if any (read once).
pub fn hash_file() -> Option<&'static str> {
    static HASHES: OnceLock<Option<String>> = OnceLock::new();
    HASHES
        .get_or_init(|| {
            let path: PathBuf = std::env::current_exe().ok()?.parent()?.join("hash.txt");
            std::fs::read_to_string(path).ok()
        })
        .as_deref()
}

/// The hash of one kind of bundle (`js`, `wasm`, `css`) in a hash file's text.
fn hash_of<'a>(hashes: &'a str, kind: &str) -> Option<&'a str> {
    hashes.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == kind).then(|| v.trim())
    })
}

/// `/pkg/<name>.<hash>.css`, or `/pkg/<name>.css` without hashing.
pub fn stylesheet_href(output_name: &str, pkg_dir: &str) -> String {
    match hash_file().and_then(|h| hash_of(h, "css")) {
        Some(hash) => format!("/{pkg_dir}/{output_name}.{hash}.css"),
        None => format!("/{pkg_dir}/{output_name}.css"),
    }
}

/// Whether a bundle's file name carries a content hash: `name.<hash>.ext`, the hash being
/// cargo-leptos' base64url MD5 (22 characters).
pub fn is_hashed_bundle(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let mut parts = file.rsplitn(3, '.');
    let (Some(_ext), Some(hash), Some(_name)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    hash.len() >= 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed_bundle("/taskmanager.AbC-12_xyzAbC-12_xyzQQ.wasm"));
        assert!(!is_hashed_bundle("/taskmanager.wasm"));
        assert!(!is_hashed_bundle("/taskmanager_bg.wasm"));
        assert!(!is_hashed_bundle("/a.short.css"));
    }

    #[test]
    fn hashes_are_read_by_kind() {
        let text = "js: AAA\nwasm: BBB\ncss: CCC\n";
        assert_eq!(hash_of(text, "css"), Some("CCC"));
        assert_eq!(hash_of(text, "wasm"), Some("BBB"));
        assert_eq!(hash_of(text, "manifest"), None);
    }
}
