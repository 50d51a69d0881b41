//! The UI's language, its strings and its dates.
//!
//! **Which language.** The server decides before the first byte: the `tm_lang` cookie (the
//! account's language, set at sign-in and when the preference is saved; or a visitor's pick on
//! the start pages) and otherwise the best match of `Accept-Language` (see
//! [`domain::locale`]). It writes it into `<html lang>`, and the browser reads it back from
//! there when it hydrates, so both sides render the same words. Changing language reloads the
//! page; strings are chosen once per render, not kept as signals.
//!
//! **Strings.** Each module keeps its strings in one struct with a `static` per language and a
//! `text()` that picks one with [`pick`]:
//!
//! ```text
//! struct Text { add: &'static str, moved: &'static str }
//! static EN: Text = Text { add: "Add card", moved: "Moved {0} to {1}." };
//! static DE: Text = Text { add: "Karte hinzufügen", moved: "„{0}“ nach {1} verschoben." };
//! fn text() -> &'static Text { crate::i18n::pick(&EN, &DE) }
//! // fill(t.moved, &[&title, &column])
//! ```
//!
//! Messages with arguments are templates for [`fill`] (`{0}`, `{1}`…), never closures: a `fn`
//! pointer in a `static` keeps its code in the entry bundle. A struct literal must name every field, so a language that misses a string does not
//! compile, and adding a language adds a parameter to [`pick`], which finds every table.
//! Tables live beside the code that uses them, so each page's words travel in its own chunk.
//!
//! **Dates.** Days (due dates) are calendar days and shown as stored. Moments (comments,
//! notifications, sessions) are shown in the person's time zone: converted with the IANA
//! database on the server (chrono-tz) and by the browser's `Intl` in wasm, then formatted here
//! by the same Rust code on both sides.

use leptos::prelude::*;

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

/// The string table of the page's language.
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

/// Words shared by several pages: roles and priorities as people read them.
struct Shared {
    /// Viewer, commenter, editor, owner.
    roles: [&'static str; 4],
    /// Low, medium, high, urgent.
    priorities: [&'static str; 4],
}

static SHARED_EN: Shared = Shared {
    roles: ["viewer", "commenter", "editor", "owner"],
    priorities: ["low", "medium", "high", "urgent"],
};

static SHARED_DE: Shared = Shared {
    roles: ["Leser", "Kommentator", "Bearbeiter", "Inhaber"],
    priorities: ["niedrig", "mittel", "hoch", "dringend"],
};

/// A role as the UI names it ("editor" / "Bearbeiter"); `Role::as_str` stays the API's value.
pub fn role_label(role: domain::workspace::Role) -> &'static str {
    use domain::workspace::Role;
    let roles = &pick(&SHARED_EN, &SHARED_DE).roles;
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
    let names = &pick(&SHARED_EN, &SHARED_DE).priorities;
    match priority {
        Priority::Low => names[0],
        Priority::Medium => names[1],
        Priority::High => names[2],
        Priority::Urgent => names[3],
    }
}

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

fn dates() -> &'static DateText {
    pick(&DATES_EN, &DATES_DE)
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
}
