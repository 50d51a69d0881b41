//! Ordering keys for cards in a column: strings that sort like the cards, with a key between
//! any two neighbours, so a move writes one card, never renumbers the column.
//!
//! Keys are base-62 fractions in (0, 1) written with the digits `0-9A-Za-z` (ASCII order equals
//! digit order) and never end in `0`, so plain string comparison is numeric comparison.

const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn value(c: u8) -> Option<u32> {
    DIGITS.iter().position(|d| *d == c).map(|p| p as u32)
}

/// Whether `key` is a well-formed position key.
pub fn is_valid(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 256
        && key.bytes().all(|b| value(b).is_some())
        && !key.ends_with('0')
}

/// A key strictly between `before` and `after` (`None`: the start or end of the column).
/// Returns `None` when the bounds are malformed or not in order.
pub fn between(before: Option<&str>, after: Option<&str>) -> Option<String> {
    let a: Vec<u32> = match before {
        Some(k) if is_valid(k) => k.bytes().filter_map(value).collect(),
        Some(_) => return None,
        None => Vec::new(),
    };
    let b: Option<Vec<u32>> = match after {
        Some(k) if is_valid(k) => Some(k.bytes().filter_map(value).collect()),
        Some(_) => return None,
        None => None,
    };
    if let (Some(x), Some(y)) = (before, after) {
        if x >= y {
            return None;
        }
    }
    let digits = match (&b, a.is_empty()) {
        // Appending and prepending step the first digit that has room instead of halving the
        // gap to the end, so a column filled one card at a time grows its keys by one
        // character per 61 cards, not per 6.
        (None, false) => append_after(&a),
        (Some(b), true) => prepend_before(b),
        _ => midpoint(&a, b.as_deref()),
    };
    Some(
        digits
            .into_iter()
            .map(|d| char::from(DIGITS[d as usize]))
            .collect(),
    )
}

/// The shortest step up from `a`: its first digit below the top, plus one.
fn append_after(a: &[u32]) -> Vec<u32> {
    match a.iter().position(|d| *d < 61) {
        Some(i) => {
            let mut out = a[..i].to_vec();
            out.push(a[i] + 1);
            out
        }
        None => {
            let mut out = a.to_vec();
            out.push(1);
            out
        }
    }
}

/// The shortest step down from `b` that stays above zero.
fn prepend_before(b: &[u32]) -> Vec<u32> {
    let i = b.iter().position(|d| *d > 0).unwrap_or(b.len());
    let mut out = b[..i.min(b.len())].to_vec();
    match b.get(i) {
        Some(d) if *d > 1 => out.push(d - 1),
        _ => out.extend([0, 61]),
    }
    out
}

/// Digits of a fraction strictly between `a` and `b` (`None` = 1).
fn midpoint(a: &[u32], b: Option<&[u32]>) -> Vec<u32> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let da = a.get(i).copied().unwrap_or(0);
        let db = match b {
            Some(b) => b.get(i).copied().unwrap_or(0),
            None => 62,
        };
        if da == db {
            out.push(da);
            i += 1;
            continue;
        }
        if db - da > 1 {
            out.push((da + db) / 2);
            return out;
        }
        // Adjacent digits: keep `da` and go one level deeper, bounded above by 1.
        out.push(da);
        let rest = if i + 1 < a.len() { &a[i + 1..] } else { &[] };
        out.extend(midpoint(rest, None));
        return out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_keys_are_short_and_ordered() {
        let first = between(None, None).unwrap();
        let after = between(Some(&first), None).unwrap();
        let before = between(None, Some(&first)).unwrap();
        assert!(before < first && first < after, "{before} {first} {after}");
        assert_eq!(first.len(), 1);
    }

    #[test]
    fn refuses_disordered_or_malformed_bounds() {
        assert!(between(Some("b"), Some("a")).is_none());
        assert!(between(Some("a"), Some("a")).is_none());
        assert!(between(Some("a0"), None).is_none());
        assert!(between(Some("a-b"), None).is_none());
    }

    /// xorshift: a deterministic stream of pseudo-random numbers, no dependency.
    fn rng(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn random_moves_keep_a_strict_total_order() {
        for mut seed in [1u64, 42, 0xdead_beef, 987_654_321] {
            let mut keys: Vec<String> = Vec::new();
            for _ in 0..2_000 {
                let len = keys.len();
                // Sometimes remove a card (a move = remove + insert elsewhere).
                if len > 3 && rng(&mut seed).is_multiple_of(3) {
                    let at = (rng(&mut seed) as usize) % len;
                    keys.remove(at);
                    continue;
                }
                let len = keys.len();
                let at = (rng(&mut seed) as usize) % (len + 1);
                let before = if at == 0 {
                    None
                } else {
                    Some(keys[at - 1].as_str())
                };
                let after = keys.get(at).map(String::as_str);
                let key = between(before, after).expect("a key between neighbours");
                assert!(is_valid(&key), "{key}");
                keys.insert(at, key);
            }
            for pair in keys.windows(2) {
                assert!(pair[0] < pair[1], "{} !< {}", pair[0], pair[1]);
            }
        }
    }

    #[test]
    fn appends_and_prepends_keep_keys_short() {
        let mut last = between(None, None).unwrap();
        for _ in 0..10_000 {
            let next = between(Some(&last), None).unwrap();
            assert!(next > last && is_valid(&next), "{last} -> {next}");
            last = next;
        }
        assert!(
            last.len() <= 170,
            "10,000 appends made a {}-character key",
            last.len()
        );
        let mut first = between(None, None).unwrap();
        for _ in 0..10_000 {
            let next = between(None, Some(&first)).unwrap();
            assert!(next < first && is_valid(&next), "{next} -> {first}");
            first = next;
        }
        assert!(
            first.len() <= 170,
            "10,000 prepends made a {}-character key",
            first.len()
        );
    }

    #[test]
    fn repeated_inserts_at_one_spot_grow_slowly() {
        let mut lo = between(None, None).unwrap();
        let hi = between(Some(&lo), None).unwrap();
        for _ in 0..200 {
            lo = between(Some(&lo), Some(&hi)).unwrap();
        }
        assert!(lo.len() < 60, "{} characters after 200 inserts", lo.len());
    }
}
