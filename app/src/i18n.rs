//! The UI's language, its strings and its dates.
//!
//! **Which language.** The server decides before the first byte: the `tm_lang` cookie (the
//! account's language, set at sign-in and when the preference is saved; or a visitor's pick on
//! the start pages) and otherwise the best match of `Accept-Language` (see
//! [`domain::locale`]). It writes it into `<html lang>`, and the browser reads it back from
//! there when it hydrates, so both sides render the same words. Changing language reloads the
//! page; strings are chosen once per render, not kept as signals.
//!
//! **Strings.** Each module keeps its strings in one struct with a `static` per language,
//! declared with [`strings!`], which also writes its `text()`:
//!
//! ```text
//! crate::i18n::strings! {
//!     struct Text { add: &'static str, moved: &'static str }
//!     static EN, DE;
//!     fn text();
//! }
//! static EN: Text = Text { add: "Add card", moved: "Moved {0} to {1}." };
//! #[cfg(not(feature = "hydrate"))]
//! static DE: Text = Text { add: "Karte hinzufügen", moved: "„{0}“ nach {1} verschoben." };
//! // fill(text().moved, &[&title, &column])
//! ```
//!
//! A struct literal must name every field, so a language that misses a string does not compile.
//! Messages with arguments are templates for [`fill`] (`{0}`, `{1}`…), never closures: a `fn`
//! pointer in a `static` keeps its code in the entry bundle.
//!
//! **Only English is compiled into the wasm.** Data is not split: every string literal lands in
//! the entry module whichever chunk uses it, so each language compiled in would cost every
//! visitor (German alone was ~10 kB raw, and pushed the entry over its 250 kB budget). The
//! server has every language; it registers each table in a catalog (`inventory`) and writes the
//! page's language's catalog into pages that are not English
//! (`<script type="application/json" id="tm-strings">`, ~4 kB compressed). The wasm reads
//! a table from there the first time it needs it, field by field in declaration order, so the
//! hydrating browser renders the same words as the server. The page names its own build's
//! hashed wasm, so the catalog and the code that reads it always come from one build.
//!
//! **Dates.** Days (due dates) are calendar days and shown as stored. Moments (comments,
//! notifications, sessions) are shown in the person's time zone: converted with the IANA
//! database on the server (chrono-tz) and by the browser's `Intl` in wasm, then formatted here
//! by the same Rust code on both sides.

use leptos::prelude::*;
use std::borrow::Cow;

pub use domain::Locale;

/// The language of the page being rendered, provided by `App`.
#[derive(Clone, Copy, Debug)]
struct PageLocale(Locale);

/// Decides the page's language and provides it to everything below. Call once, in `App`.
pub fn provide() -> Locale {
    let locale = detect();
    provide_context(PageLocale(locale));
    locale
}

/// The page's language.
pub fn locale() -> Locale {
    use_context::<PageLocale>()
        .map(|p| p.0)
        .unwrap_or_else(detect)
}

/// The string table of the page's language (server; the wasm reads other languages from the
/// page's catalog, see [`strings!`]).
#[cfg(not(feature = "hydrate"))]
pub fn pick<T>(en: &'static T, de: &'static T) -> &'static T {
    match locale() {
        Locale::En => en,
        Locale::De => de,
    }
}

/// A message with its arguments: `{0}`, `{1}`… in `template` are replaced by `args[0]`, `args[1]`…
/// (`{{` is a literal brace). Tables hold templates, not closures: a `fn` pointer in a `static`
/// pins its code into the entry wasm bundle (data and the function table are not split), while
/// a template is only bytes and this one function.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(template.len() + 16 * args.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if let Some(tail) = after.strip_prefix('{') {
            out.push('{');
            rest = tail;
            continue;
        }
        match after.find('}').and_then(|close| {
            let index: usize = after[..close].parse().ok()?;
            Some((index, close))
        }) {
            Some((index, close)) => {
                if let Some(arg) = args.get(index) {
                    let _ = write!(out, "{arg}");
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `one` for 1, else `other` (English and German agree on this rule).
pub fn plural(n: u64, one: &'static str, other: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        other
    }
}

/// Declares a module's string table, its `text()` accessor and, on the server, its entry in the
/// string catalog:
///
/// ```text
/// crate::i18n::strings! {
///     struct Text { add: &'static str, moved: &'static str }
///     static EN, DE;
///     fn text();
/// }
/// static EN: Text = Text { add: "Add card", moved: "Moved {0} to {1}." };
/// #[cfg(not(feature = "hydrate"))]
/// static DE: Text = Text { add: "Karte hinzufügen", moved: "„{0}“ nach {1} verschoben." };
/// ```
///
/// English is compiled into both sides. The other languages are compiled into the server only:
/// string literals all land in the entry wasm module's data section whichever chunk uses them,
/// so every language compiled in would cost every visitor. The server writes the page's
/// language's catalog into the page (see [`catalog_json`]); the wasm reads each table from
/// there the first time it is asked for, in the order of its fields.
macro_rules! strings {
    (
        $(#[$meta:meta])*
        struct $table:ident { $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)? }
        static $en:ident, $de:ident;
        fn $text:ident();
    ) => {
        $(#[$meta])*
        struct $table { $( $(#[$field_meta])* $field: $ty, )* }

        #[cfg(not(feature = "hydrate"))]
        fn $text() -> &'static $table {
            $crate::i18n::pick(&$en, &$de)
        }

        #[cfg(feature = "hydrate")]
        fn $text() -> &'static $table {
            static LOADED: std::sync::OnceLock<$table> = std::sync::OnceLock::new();
            match $crate::i18n::locale() {
                $crate::i18n::Locale::En => &$en,
                _ => LOADED.get_or_init(|| {
                    let mut strings = $crate::i18n::catalog(concat!(module_path!(), "::", stringify!($table)));
                    $table { $( $field: $crate::i18n::Strings::take(&$en.$field, &mut strings), )* }
                }),
            }
        }

        #[cfg(feature = "ssr")]
        $crate::i18n::inventory::submit! {
            $crate::i18n::CatalogTable {
                key: concat!(module_path!(), "::", stringify!($table)),
                strings: {
                    fn strings(locale: $crate::i18n::Locale) -> Vec<std::borrow::Cow<'static, str>> {
                        let table = match locale {
                            $crate::i18n::Locale::En => &$en,
                            $crate::i18n::Locale::De => &$de,
                        };
                        let mut out = Vec::new();
                        $( $crate::i18n::Strings::put(&table.$field, &mut out); )*
                        out
                    }
                    strings
                },
            }
        }
    };
}
pub(crate) use strings;

/// A field of a string table: how it is written into the catalog and read back from it.
pub trait Strings: Sized {
    /// Appends this field's strings to the catalog entry (server).
    fn put(&self, out: &mut Vec<Cow<'static, str>>);
    /// Reads this field back from a catalog entry; `en` where the entry falls short (wasm).
    fn take(en: &Self, strings: &mut dyn Iterator<Item = &'static str>) -> Self;
}

impl Strings for &'static str {
    fn put(&self, out: &mut Vec<Cow<'static, str>>) {
        out.push(Cow::Borrowed(self));
    }
    fn take(en: &Self, strings: &mut dyn Iterator<Item = &'static str>) -> Self {
        strings.next().unwrap_or(en)
    }
}

impl<const N: usize> Strings for [&'static str; N] {
    fn put(&self, out: &mut Vec<Cow<'static, str>>) {
        out.extend(self.iter().map(|s| Cow::Borrowed(*s)));
    }
    fn take(en: &Self, strings: &mut dyn Iterator<Item = &'static str>) -> Self {
        std::array::from_fn(|i| strings.next().unwrap_or(en[i]))
    }
}

/// Flags travel as "1" and "".
impl Strings for bool {
    fn put(&self, out: &mut Vec<Cow<'static, str>>) {
        out.push(Cow::Borrowed(if *self { "1" } else { "" }));
    }
    fn take(en: &Self, strings: &mut dyn Iterator<Item = &'static str>) -> Self {
        strings.next().map_or(*en, |s| !s.is_empty())
    }
}

/// A lookup list (`(key, words)` pairs) whose length may differ between languages: its length,
/// then the pairs.
impl Strings for &'static [(&'static str, &'static str)] {
    fn put(&self, out: &mut Vec<Cow<'static, str>>) {
        out.push(Cow::Owned(self.len().to_string()));
        for (key, words) in self.iter() {
            out.push(Cow::Borrowed(key));
            out.push(Cow::Borrowed(words));
        }
    }
    fn take(en: &Self, strings: &mut dyn Iterator<Item = &'static str>) -> Self {
        let Some(len) = strings.next().and_then(|n| n.parse::<usize>().ok()) else {
            return en;
        };
        let pairs: Option<Vec<_>> = (0..len)
            .map(|_| Some((strings.next()?, strings.next()?)))
            .collect();
        // Read once per page (the table's `OnceLock`).
        pairs.map_or(en, |p| &*Vec::leak(p))
    }
}

#[cfg(feature = "ssr")]
#[doc(hidden)]
pub use inventory;

/// One string table as [`strings!`] registers it with the catalog.
#[cfg(feature = "ssr")]
pub struct CatalogTable {
    /// `module::path::Table`.
    pub key: &'static str,
    /// The table's strings in `locale`, in the order of its fields.
    pub strings: fn(Locale) -> Vec<Cow<'static, str>>,
}

#[cfg(feature = "ssr")]
inventory::collect!(CatalogTable);

/// The element of the page that carries the catalog of its language.
pub const CATALOG_ID: &str = "tm-strings";

/// Every string table in `locale`, as JSON for the page (`{"module::Table": ["…", …], …}`),
/// safe inside `<script type="application/json">`. Built once per language.
#[cfg(feature = "ssr")]
pub fn catalog_json(locale: Locale) -> &'static str {
    use std::sync::OnceLock;
    fn build(locale: Locale) -> String {
        let tables: std::collections::BTreeMap<&str, Vec<Cow<'static, str>>> =
            inventory::iter::<CatalogTable>
                .into_iter()
                .map(|t| (t.key, (t.strings)(locale)))
                .collect();
        // `</` would end the script element early.
        serde_json::to_string(&tables)
            .unwrap_or_default()
            .replace("</", "<\\/")
    }
    static EN: OnceLock<String> = OnceLock::new();
    static DE: OnceLock<String> = OnceLock::new();
    match locale {
        Locale::En => EN.get_or_init(|| build(Locale::En)),
        Locale::De => DE.get_or_init(|| build(Locale::De)),
    }
}

/// The strings of one table, read from the catalog the server wrote into the page; empty when
/// the page has none (the table then falls back to English).
#[cfg(feature = "hydrate")]
pub fn catalog(key: &str) -> std::vec::IntoIter<&'static str> {
    use wasm_bindgen::JsCast;
    thread_local! {
        static CATALOG: Option<js_sys::Object> = document()
            .get_element_by_id(CATALOG_ID)
            .and_then(|e| e.text_content())
            .and_then(|json| js_sys::JSON::parse(&json).ok())
            .and_then(|v| v.dyn_into::<js_sys::Object>().ok());
    }
    let strings: Vec<&'static str> = CATALOG.with(|catalog| {
        catalog
            .as_ref()
            .and_then(|c| js_sys::Reflect::get(c, &key.into()).ok())
            .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
            .map(|a| {
                a.iter()
                    // Each table is read once per page (its `OnceLock`): leaking is bounded.
                    .map(|s| &*String::leak(s.as_string().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    });
    strings.into_iter()
}

/// On the server: the cookie, else `Accept-Language`.
#[cfg(feature = "ssr")]
pub fn detect() -> Locale {
    use_context::<http::request::Parts>()
        .map(|p| request_locale(&p.headers))
        .unwrap_or_default()
}

/// In the browser: what the server wrote into `<html lang>`.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn detect() -> Locale {
    document()
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Locale::parse(&l))
        .unwrap_or_default()
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn detect() -> Locale {
    Locale::default()
}

/// The language a request asks for: the `tm_lang` cookie, else `Accept-Language`.
#[cfg(feature = "ssr")]
pub fn request_locale(headers: &http::HeaderMap) -> Locale {
    crate::ssr::session::cookie(headers, domain::locale::LOCALE_COOKIE)
        .and_then(Locale::parse)
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Locale::negotiate)
        })
        .unwrap_or_default()
}

/// The `Set-Cookie` value that makes `locale` this browser's language for a year.
#[cfg(feature = "ssr")]
pub fn locale_cookie(locale: Locale, secure: bool) -> http::HeaderValue {
    let mut c = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        domain::locale::LOCALE_COOKIE,
        locale.tag()
    );
    if secure {
        c.push_str("; Secure");
    }
    http::HeaderValue::from_str(&c).unwrap_or_else(|_| http::HeaderValue::from_static(""))
}

/// The signed-in person's time zone (UTC when signed out or unknown). Reads the account
/// resource, so call it inside the closure that renders the date.
pub fn time_zone() -> String {
    use_context::<crate::auth::Auth>()
        .and_then(|a| a.current())
        .map(|u| u.time_zone)
        .unwrap_or_else(|| "UTC".to_owned())
}

strings! {
    /// Words shared by several pages: roles and priorities as people read them.
    struct Shared {
        /// Viewer, commenter, editor, owner.
        roles: [&'static str; 4],
        /// Low, medium, high, urgent.
        priorities: [&'static str; 4],
    }
    static SHARED_EN, SHARED_DE;
    fn shared();
}

static SHARED_EN: Shared = Shared {
    roles: ["viewer", "commenter", "editor", "owner"],
    priorities: ["low", "medium", "high", "urgent"],
};

#[cfg(not(feature = "hydrate"))]
static SHARED_DE: Shared = Shared {
    roles: ["Leser", "Kommentator", "Bearbeiter", "Inhaber"],
    priorities: ["niedrig", "mittel", "hoch", "dringend"],
};

/// A role as the UI names it ("editor" / "Bearbeiter"); `Role::as_str` stays the API's value.
pub fn role_label(role: domain::workspace::Role) -> &'static str {
    use domain::workspace::Role;
    let roles = &shared().roles;
    match role {
        Role::Viewer => roles[0],
        Role::Commenter => roles[1],
        Role::Editor => roles[2],
        Role::Owner => roles[3],
    }
}

/// A priority as the UI names it ("high" / "hoch"); `Priority::as_str` stays the API's value.
pub fn priority_label(priority: domain::task::Priority) -> &'static str {
    use domain::task::Priority;
    let names = &shared().priorities;
    match priority {
        Priority::Low => names[0],
        Priority::Medium => names[1],
        Priority::High => names[2],
        Priority::Urgent => names[3],
    }
}

strings! {
    struct DateText {
        months: [&'static str; 12],
        months_short: [&'static str; 12],
        /// Monday first.
        weekdays_short: [&'static str; 7],
        /// {0} day, {1} month name: "Dec 1" / "1. Dez."
        day_month: &'static str,
        /// … and {2} the year: "Dec 1, 2027" / "1. Dez. 2027"
        day_month_year: &'static str,
        /// A 12-hour clock with AM/PM (else 24 hours, "14:05").
        clock_12h: bool,
        just_now: &'static str,
        minutes_ago: &'static str,
        hours_ago: &'static str,
        yesterday: &'static str,
    }
    static DATES_EN, DATES_DE;
    fn dates();
}

static DATES_EN: DateText = DateText {
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    months_short: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    weekdays_short: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    day_month: "{1} {0}",
    day_month_year: "{1} {0}, {2}",
    clock_12h: true,
    just_now: "just now",
    minutes_ago: "{0} min ago",
    hours_ago: "{0} h ago",
    yesterday: "yesterday",
};

#[cfg(not(feature = "hydrate"))]
static DATES_DE: DateText = DateText {
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    months_short: [
        "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
        "Dez.",
    ],
    weekdays_short: ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    day_month: "{0}. {1}",
    day_month_year: "{0}. {1} {2}",
    clock_12h: false,
    just_now: "gerade eben",
    minutes_ago: "vor {0} Min.",
    hours_ago: "vor {0} Std.",
    yesterday: "gestern",
};

impl DateText {
    fn day_month(&self, d: u32, month: &str, year: Option<i32>) -> String {
        match year {
            Some(y) => fill(self.day_month_year, &[&d, &month, &y]),
            None => fill(self.day_month, &[&d, &month]),
        }
    }

    fn clock(&self, h: u32, m: u32) -> String {
        if self.clock_12h {
            let (h12, half) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{h12}:{m:02} {half}")
        } else {
            format!("{h:02}:{m:02}")
        }
    }
}

/// "December" / "Dezember" (1-based).
pub fn month_name(m: u32) -> &'static str {
    dates()
        .months
        .get((m.max(1) - 1) as usize)
        .copied()
        .unwrap_or("")
}

/// "Mon" / "Mo": 0 = Monday … 6 = Sunday.
pub fn weekday_short(i: usize) -> &'static str {
    dates().weekdays_short.get(i).copied().unwrap_or("")
}

/// `YYYY-MM-DD` (or a longer RFC 3339 string) → (year, month, day).
fn ymd(text: &str) -> Option<(i32, u32, u32)> {
    let day = text.get(..10)?;
    let mut it = day.splitn(3, '-');
    let y = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// A calendar day, short: "Dec 1" / "1. Dez." (with the year when it is not `this_year`).
/// Takes `YYYY-MM-DD` or an RFC 3339 time (its date part, as stored).
pub fn short_date(text: &str, this_year: i32) -> String {
    let Some((y, m, d)) = ymd(text) else {
        return text.to_owned();
    };
    let t = dates();
    let name = t.months_short[(m - 1) as usize];
    t.day_month(d, name, (y != this_year).then_some(y))
}

/// A calendar day in full: "December 1, 2026" / "1. Dezember 2026".
pub fn long_date(text: &str) -> String {
    let Some((y, m, d)) = ymd(text) else {
        return text.to_owned();
    };
    let t = dates();
    t.day_month(d, t.months[(m - 1) as usize], Some(y))
}

/// A moment in the person's time zone: "Dec 1, 2026, 2:05 PM" / "1. Dez. 2026, 14:05".
pub fn date_time(rfc3339: &str, zone: &str) -> String {
    let Some(l) = local(rfc3339, zone) else {
        return rfc3339.to_owned();
    };
    let t = dates();
    format!(
        "{}, {}",
        t.day_month(l.day, t.months_short[(l.month - 1) as usize], Some(l.year)),
        t.clock(l.hour, l.minute)
    )
}

/// The day of a moment in the person's time zone, in full ("December 1, 2026").
pub fn local_day(rfc3339: &str, zone: &str) -> String {
    match local(rfc3339, zone) {
        Some(l) => long_date(&format!("{:04}-{:02}-{:02}", l.year, l.month, l.day)),
        None => long_date(rfc3339),
    }
}

/// "3 min ago", "yesterday", or the day — for `now_ms` (milliseconds since 1970).
pub fn ago(rfc3339: &str, now_ms: f64, zone: &str) -> String {
    let Some(at) = crate::pages::ws::dates::parse_ms(rfc3339) else {
        return rfc3339.to_owned();
    };
    let t = dates();
    let minutes = ((now_ms - at) / 60_000.0).floor() as i64;
    match minutes {
        i64::MIN..=0 => t.just_now.to_owned(),
        1..=59 => fill(t.minutes_ago, &[&minutes]),
        60..=1439 => fill(t.hours_ago, &[&(minutes / 60)]),
        1440..=2879 => t.yesterday.to_owned(),
        _ => match local(rfc3339, zone) {
            Some(l) => short_date(&format!("{:04}-{:02}-{:02}", l.year, l.month, l.day), 0),
            None => short_date(rfc3339, 0),
        },
    }
}

/// A moment's wall-clock reading in a time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Local {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

/// On the server: the IANA database of chrono-tz. An unknown zone reads as UTC.
#[cfg(feature = "ssr")]
pub fn local(rfc3339: &str, zone: &str) -> Option<Local> {
    use chrono::{Datelike, Timelike};
    let at = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let l = at.with_timezone(&tz);
    Some(Local {
        year: l.year(),
        month: l.month(),
        day: l.day(),
        hour: l.hour(),
        minute: l.minute(),
    })
}

/// In the browser: `Intl.DateTimeFormat` (no time zone data in the wasm). An unknown zone
/// reads as UTC.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn local(rfc3339: &str, zone: &str) -> Option<Local> {
    let ms = crate::pages::ws::dates::parse_ms(rfc3339)?;
    intl_parts(ms, zone).or_else(|| intl_parts(ms, "UTC"))
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn intl_parts(ms: f64, zone: &str) -> Option<Local> {
    use js_sys::{Array, Function, Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let options = Object::new();
    for (k, v) in [
        ("timeZone", zone),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("hourCycle", "h23"),
    ] {
        Reflect::set(&options, &k.into(), &v.into()).ok()?;
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    // An unknown zone throws a RangeError: caught here, not a panic.
    let format = Reflect::construct(
        &constructor,
        &Array::of2(&JsValue::from_str("en-US"), &options),
    )
    .ok()?;
    let to_parts: Function = Reflect::get(&format, &"formatToParts".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let parts: Array = to_parts
        .call1(&format, &js_sys::Date::new(&JsValue::from_f64(ms)))
        .ok()?
        .dyn_into()
        .ok()?;
    let mut l = Local {
        year: 0,
        month: 0,
        day: 0,
        hour: 0,
        minute: 0,
    };
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
        match kind.as_str() {
            "year" => l.year = value.parse().ok()?,
            "month" => l.month = value.parse().ok()?,
            "day" => l.day = value.parse().ok()?,
            "hour" => l.hour = value.parse::<u32>().ok()? % 24,
            "minute" => l.minute = value.parse().ok()?,
            _ => {}
        }
    }
    (l.month > 0).then_some(l)
}

/// Without a browser or a server (unit tests of this crate): UTC.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn local(rfc3339: &str, _zone: &str) -> Option<Local> {
    let (year, month, day) = ymd(rfc3339)?;
    let hour = rfc3339.get(11..13)?.parse().ok()?;
    let minute = rfc3339.get(14..16)?.parse().ok()?;
    Some(Local {
        year,
        month,
        day,
        hour,
        minute,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::reactive::owner::Owner;

    fn in_locale<T>(locale: Locale, f: impl FnOnce() -> T) -> T {
        let owner = Owner::new();
        owner.with(|| {
            provide_context(PageLocale(locale));
            f()
        })
    }

    #[test]
    fn templates_take_their_arguments() {
        assert_eq!(
            fill("Moved {0} to {1}.", &[&"A", &"Done"]),
            "Moved A to Done."
        );
        assert_eq!(fill("{1} before {0}", &[&1, &2]), "2 before 1");
        assert_eq!(fill("{{0}} is {0}", &[&"x"]), "{0}} is x");
        assert_eq!(fill("{5} missing, {x} kept", &[&"a"]), " missing, {x} kept");
        assert_eq!(fill("no args", &[]), "no args");
        assert_eq!(fill("unclosed {0", &[&"a"]), "unclosed {0");
        assert_eq!(plural(1, "1 card", "{0} cards"), "1 card");
        assert_eq!(fill(plural(3, "1 card", "{0} cards"), &[&3]), "3 cards");
    }

    #[test]
    fn days_read_in_each_language() {
        in_locale(Locale::En, || {
            assert_eq!(short_date("2026-12-01T23:59:59Z", 2026), "Dec 1");
            assert_eq!(short_date("2027-01-05", 2026), "Jan 5, 2027");
            assert_eq!(long_date("2026-03-09"), "March 9, 2026");
            assert_eq!(month_name(11), "November");
            assert_eq!(weekday_short(6), "Sun");
        });
        in_locale(Locale::De, || {
            assert_eq!(short_date("2026-12-01T23:59:59Z", 2026), "1. Dez.");
            assert_eq!(short_date("2027-01-05", 2026), "5. Jan. 2027");
            assert_eq!(long_date("2026-03-09"), "9. März 2026");
            assert_eq!(month_name(11), "November");
            assert_eq!(weekday_short(0), "Mo");
        });
        assert_eq!(short_date("not a date", 2026), "not a date");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn moments_are_shown_in_the_persons_time_zone() {
        in_locale(Locale::De, || {
            assert_eq!(
                date_time("2026-11-27T14:05:00Z", "Europe/Berlin"),
                "27. Nov. 2026, 15:05"
            );
            assert_eq!(
                date_time("2026-07-01T23:30:00Z", "Europe/Berlin"),
                "2. Juli 2026, 01:30",
                "summer time, and the next day"
            );
            assert_eq!(
                local_day("2026-11-27T03:00:00Z", "America/New_York"),
                "26. November 2026"
            );
        });
        in_locale(Locale::En, || {
            assert_eq!(
                date_time("2026-11-27T14:05:00Z", "Nowhere/Atlantis"),
                "Nov 27, 2026, 2:05 PM",
                "an unknown zone reads as UTC"
            );
        });
    }

    #[test]
    fn moments_read_in_each_language() {
        let now = crate::pages::ws::dates::parse_ms("2026-11-27T12:00:00Z").unwrap_or(0.0);
        in_locale(Locale::En, || {
            assert_eq!(ago("2026-11-27T11:59:40Z", now, "UTC"), "just now");
            assert_eq!(ago("2026-11-27T11:57:00Z", now, "UTC"), "3 min ago");
            assert_eq!(ago("2026-11-27T09:00:00Z", now, "UTC"), "3 h ago");
            assert_eq!(ago("2026-11-26T09:00:00Z", now, "UTC"), "yesterday");
            assert_eq!(ago("2026-11-20T09:00:00Z", now, "UTC"), "Nov 20, 2026");
            assert_eq!(
                date_time("2026-11-27T14:05:00Z", "UTC"),
                "Nov 27, 2026, 2:05 PM"
            );
            assert_eq!(
                date_time("2026-11-27T00:30:00Z", "UTC"),
                "Nov 27, 2026, 12:30 AM"
            );
        });
        in_locale(Locale::De, || {
            assert_eq!(ago("2026-11-27T11:57:00Z", now, "UTC"), "vor 3 Min.");
            assert_eq!(ago("2026-11-27T09:00:00Z", now, "UTC"), "vor 3 Std.");
            assert_eq!(ago("2026-11-26T09:00:00Z", now, "UTC"), "gestern");
            assert_eq!(
                date_time("2026-11-27T14:05:00Z", "UTC"),
                "27. Nov. 2026, 14:05"
            );
        });
    }

    fn round_trip<T: Strings + PartialEq + std::fmt::Debug>(value: T, en: T) {
        let mut out = Vec::new();
        value.put(&mut out);
        let leaked: Vec<&'static str> = out
            .into_iter()
            .map(|s| &*String::leak(s.into_owned()))
            .collect();
        let mut strings = leaked.into_iter();
        assert_eq!(T::take(&en, &mut strings), value);
        assert_eq!(strings.next(), None, "take reads exactly what put wrote");
        // A catalog that falls short gives English back.
        assert_eq!(T::take(&en, &mut std::iter::empty()), en);
    }

    #[test]
    fn every_kind_of_field_survives_the_catalog() {
        round_trip("Karte hinzufügen", "Add card");
        round_trip(["Mo", "Di"], ["Mon", "Tue"]);
        round_trip(true, false);
        round_trip(false, true);
        let de: &'static [(&'static str, &'static str)] =
            &[("task.created", "hat die Aufgabe erstellt"), ("a", "")];
        round_trip(de, &[]);
    }

    /// Every table declared in the source is in the catalog, and every German table is really
    /// German: a table the wasm cannot find renders in English and breaks hydration.
    #[test]
    fn the_catalog_has_every_table_in_every_language() {
        fn declared(dir: &std::path::Path, found: &mut usize) {
            for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    declared(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let source = std::fs::read_to_string(&path).expect("source is readable");
                    *found += source
                        .lines()
                        .filter(|l| {
                            l.trim_start().starts_with("strings! {")
                                || l.trim_start().starts_with("crate::i18n::strings! {")
                        })
                        .count();
                }
            }
        }
        let mut tables = 0;
        declared(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut tables,
        );
        assert!(tables > 20, "found only {tables} string tables");

        let parse = |locale| -> std::collections::BTreeMap<String, Vec<String>> {
            serde_json::from_str(catalog_json(locale)).expect("the catalog is JSON")
        };
        let (en, de) = (parse(Locale::En), parse(Locale::De));
        assert_eq!(de.len(), tables, "tables in the catalog: {:?}", de.keys());
        assert_eq!(en.keys().collect::<Vec<_>>(), de.keys().collect::<Vec<_>>());
        assert!(
            de.contains_key("app::pages::ws::board::Text"),
            "{:?}",
            de.keys()
        );
        for (key, words) in &de {
            assert_ne!(&en[key], words, "{key} is not translated");
        }
        assert!(catalog_json(Locale::De).contains("Karte"));
        assert!(!catalog_json(Locale::De).contains("</"));
    }
}
