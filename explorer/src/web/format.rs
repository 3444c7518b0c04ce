//! How numbers, amounts, addresses and times read on the pages.

use maud::{html, Markup};

/// `1234567` → `1 234 567` (thin spaces keep long amounts, and gas, readable and
/// unambiguous).
pub fn amount(value: u128) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(digit);
    }
    out
}

/// An amount with its denom, e.g. `49 500 ustake`.
pub fn coin(value: u128, denom: &str) -> String {
    if denom.is_empty() {
        amount(value)
    } else {
        format!("{} {denom}", amount(value))
    }
}

/// Short for axis labels: `950`, `1.2k`, `3.4M`.
pub fn compact(value: f64) -> String {
    let (scaled, suffix) = match value.abs() {
        v if v >= 1e9 => (value / 1e9, "G"),
        v if v >= 1e6 => (value / 1e6, "M"),
        v if v >= 1e3 => (value / 1e3, "k"),
        _ => (value, ""),
    };
    let text = if scaled.fract() == 0.0 || scaled.abs() >= 100.0 {
        format!("{scaled:.0}")
    } else {
        format!("{scaled:.1}")
    };
    format!("{text}{suffix}")
}

/// `wasm1abcdefgh…uvwxyz`: the prefix and the tail tell accounts apart.
pub fn short(address: &str) -> String {
    if address.len() <= 20 {
        return address.to_string();
    }
    format!("{}…{}", &address[..10], &address[address.len() - 6..])
}

/// A transaction hash shortened to its first 10 characters.
pub fn short_hash(hash: &str) -> &str {
    hash.get(..10).unwrap_or(hash)
}

/// `2026-12-03 17:50:07 UTC` from unix seconds.
pub fn time(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// `17:50` from unix seconds (chart labels).
pub fn clock(unix: i64) -> String {
    let seconds = unix.rem_euclid(86_400);
    format!("{:02}:{:02}", seconds / 3600, seconds / 60 % 60)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`, public domain).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A link to a provider's or a client's page, shown shortened.
pub fn account(address: &str, provider: bool) -> Markup {
    let href = if provider {
        format!("/provider/{address}")
    } else {
        format!("/account/{address}")
    };
    html! { a.addr href=(href) title=(address) { (short(address)) } }
}

/// A link to a task's page.
pub fn task(id: u64) -> Markup {
    html! { a href={ "/task/" (id) } { "#" (id) } }
}

/// A status as a coloured badge.
pub fn status(status: &str) -> Markup {
    html! { span class={ "badge s-" (status) } { (status) } }
}

/// `first_response` → `first response`.
pub fn words(name: &str) -> String {
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_group_thousands() {
        assert_eq!(amount(0), "0");
        assert_eq!(amount(999), "999");
        assert_eq!(amount(49_500), "49\u{2009}500");
        assert_eq!(amount(1_234_567), "1\u{2009}234\u{2009}567");
    }

    #[test]
    fn times_are_utc_dates() {
        assert_eq!(time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(time(1_796_319_007), "2026-12-03 17:30:07 UTC");
        assert_eq!(time(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(clock(1_796_319_007), "17:30");
    }

    #[test]
    fn compact_numbers_for_axes() {
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(1_200.0), "1.2k");
        assert_eq!(compact(3_400_000.0), "3.4M");
        assert_eq!(compact(0.5), "0.5");
    }

    #[test]
    fn long_addresses_keep_prefix_and_tail() {
        let address = "wasm1qyqszqgpqyqszqgpqyqszqgpqyqszqgp0a1b2c";
        assert_eq!(short(address), "wasm1qyqsz…0a1b2c");
        assert_eq!(short("wasm1short"), "wasm1short");
    }
}
