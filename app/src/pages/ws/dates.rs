//! Dates without a date library (the wasm bundle stays small): RFC 3339 strings in UTC, days as
//! `YYYY-MM-DD`.

/// `YYYY-MM-DD` of an RFC 3339 UTC time.
pub fn day_of(rfc3339: &str) -> Option<&str> {
    rfc3339
        .get(..10)
        .filter(|d| d.as_bytes().get(4) == Some(&b'-'))
}

pub fn parse_day(day: &str) -> Option<(i32, u32, u32)> {
    let mut it = day.splitn(3, '-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.get(..2)?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Milliseconds since 1970 of an RFC 3339 UTC time (`Z`; fractions ignored).
pub fn parse_ms(rfc3339: &str) -> Option<f64> {
    let (y, m, d) = parse_day(day_of(rfc3339)?)?;
    let time = rfc3339.get(11..19)?;
    let mut hms = time.split(':').map(|p| p.parse::<u32>().ok());
    let (h, min, sec) = (hms.next()??, hms.next()??, hms.next()??);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy as i32;
    let days = era as i64 * 146_097 + doe as i64 - 719_468;
    Some(((days * 86_400 + (h * 3600 + min * 60 + sec) as i64) * 1000) as f64)
}

/// 0 = Monday … 6 = Sunday.
pub fn weekday(y: i32, m: u32, d: u32) -> u32 {
    // Sakamoto's method gives 0 = Sunday.
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let sunday0 = (y + y / 4 - y / 100 + y / 400 + T[(m - 1) as usize] + d as i32).rem_euclid(7);
    ((sunday0 + 6) % 7) as u32
}

pub fn prev_month(y: i32, m: u32) -> (i32, u32) {
    if m == 1 {
        (y - 1, 12)
    } else {
        (y, m - 1)
    }
}

pub fn next_month(y: i32, m: u32) -> (i32, u32) {
    if m == 12 {
        (y + 1, 1)
    } else {
        (y, m + 1)
    }
}

/// A due date picked as a day is stored as the end of that day, UTC.
pub fn day_to_due(day: &str) -> Option<String> {
    parse_day(day).map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}T23:59:59Z"))
}

/// A start date picked as a day is stored as the start of that day, UTC.
pub fn day_to_start(day: &str) -> Option<String> {
    parse_day(day).map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}T00:00:00Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_to_unix_milliseconds() {
        assert_eq!(parse_ms("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            parse_ms("2026-11-27T01:09:56.123Z"),
            Some(1_795_741_796_000.0)
        );
        assert_eq!(parse_ms("2000-02-29T12:00:00Z"), Some(951_825_600_000.0));
        assert_eq!(parse_ms("nonsense"), None);
    }

    #[test]
    fn calendar_arithmetic() {
        assert_eq!(weekday(2026, 11, 26), 3, "a Thursday");
        assert_eq!(weekday(2026, 11, 30), 0, "a Monday");
        assert_eq!(weekday(2000, 1, 1), 5, "a Saturday");
        assert_eq!(days_in_month(2028, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(
            day_to_due("2026-12-01").as_deref(),
            Some("2026-12-01T23:59:59Z")
        );
        assert_eq!(day_to_due("2026-13-01"), None);
    }
}
