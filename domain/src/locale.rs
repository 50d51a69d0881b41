//! The languages the UI speaks, and how a request's language is chosen.
//!
//! A signed-in person's language is a preference stored with their account (`locale` on
//! `PATCH /auth/me`); the browser keeps a copy in the `tm_lang` cookie so the server renders
//! the first byte of every page in it. A visitor without that cookie gets the best match of
//! their browser's `Accept-Language`, and English when nothing matches.

use serde::{Deserialize, Serialize};

/// A language of the UI. English is complete and the default; every other locale must
/// translate every string (each text table is a struct literal, so the compiler checks it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Read through a string: a tag of another language reads as the default instead of failing
// the whole account view, and the wasm keeps no derived enum visitor.
#[serde(from = "String")]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "de")]
    De,
}

/// The cookie that carries the chosen language (not a secret; read by the server and the page).
pub const LOCALE_COOKIE: &str = "tm_lang";

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::De];

    /// The BCP 47 tag: `<html lang>`, the cookie, the API.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
        }
    }

    /// The language's name in itself, for the picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::De => "Deutsch",
        }
    }

    /// A tag of this language: `de`, `de-AT`, `DE_ch`, `en-GB` (the region is ignored).
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Self::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
    }

    /// The best of an `Accept-Language` header: highest quality first, earlier first on ties;
    /// `q=0` means "not this one". English when nothing matches.
    pub fn negotiate(accept_language: &str) -> Self {
        let mut best: Option<(u16, Locale)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let Some(locale) = parts.next().and_then(Locale::parse) else {
                continue;
            };
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(parse_quality)
                .unwrap_or(1000);
            if quality > 0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

impl From<String> for Locale {
    fn from(tag: String) -> Self {
        Locale::parse(&tag).unwrap_or_default()
    }
}

/// `q` in thousandths (`0.8` → 800); anything unreadable is ignored.
fn parse_quality(raw: &str) -> Option<u16> {
    let value: f32 = raw.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_by_their_language() {
        assert_eq!(Locale::parse("de"), Some(Locale::De));
        assert_eq!(Locale::parse("de-AT"), Some(Locale::De));
        assert_eq!(Locale::parse("DE_ch"), Some(Locale::De));
        assert_eq!(Locale::parse("en-GB"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::parse(""), None);
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(Locale::negotiate("de-DE,de;q=0.9,en;q=0.8"), Locale::De);
        assert_eq!(
            Locale::negotiate("fr-FR,fr;q=0.9,de;q=0.7,en;q=0.5"),
            Locale::De
        );
        assert_eq!(Locale::negotiate("en-US,en;q=0.9,de;q=0.8"), Locale::En);
        assert_eq!(Locale::negotiate("de;q=0.5, en;q=0.6"), Locale::En);
        assert_eq!(Locale::negotiate("de;q=0, en;q=0.1"), Locale::En);
        assert_eq!(
            Locale::negotiate("de;q=0"),
            Locale::En,
            "refused: the default"
        );
        assert_eq!(Locale::negotiate("fr, ja"), Locale::En, "nothing supported");
        assert_eq!(Locale::negotiate(""), Locale::En);
        assert_eq!(
            Locale::negotiate("de;q=nonsense"),
            Locale::De,
            "bad q: ignored"
        );
        assert_eq!(Locale::negotiate("*"), Locale::En);
    }

    #[test]
    fn serialises_as_its_tag() {
        assert_eq!(
            serde_json::to_string(&Locale::De).ok().as_deref(),
            Some("\"de\"")
        );
        assert_eq!(
            serde_json::from_str::<Locale>("\"en\"").ok(),
            Some(Locale::En)
        );
        assert_eq!(
            serde_json::from_str::<Locale>("\"de-CH\"").ok(),
            Some(Locale::De)
        );
        assert_eq!(
            serde_json::from_str::<Locale>("\"xx\"").ok(),
            Some(Locale::En),
            "another language: the default"
        );
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.tag()), Some(l));
        }
    }
}
