//! Markdown to safe HTML: CommonMark (with tables, strikethrough, task lists) rendered by
//! pulldown-cmark, then cleaned by ammonia's allow-list, so no script, event handler or
//! `javascript:` URL survives whatever the input.

use std::sync::LazyLock;

use pulldown_cmark::{html, Options, Parser};

/// Built once: a fresh `Builder` allocates and hashes its whole allow-list, which cost more than
/// the cleaning itself on a page of 50 tasks.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect());
    builder
});

pub fn to_safe_html(markdown: &str) -> String {
    if markdown.is_empty() {
        return String::new();
    }
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    CLEANER.clean(&raw).to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn renders_markdown() {
        let html = to_safe_html("# Plan\n\n- **bold** and [link](https://example.com)\n");
        assert!(html.contains("<h1>Plan</h1>"), "{html}");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(
            html.contains(r#"href="https://example.com""#) && html.contains("noopener"),
            "{html}"
        );
    }

    #[test]
    fn no_script_survives() {
        for evil in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg><script>alert(1)</script></svg>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
        ] {
            let html = to_safe_html(evil).to_lowercase();
            for bad in ["<script", "onerror", "javascript:", "<iframe", "style="] {
                assert!(!html.contains(bad), "{evil:?} -> {html:?}");
            }
        }
    }
}
