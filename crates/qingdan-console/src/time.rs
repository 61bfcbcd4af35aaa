//! Times as a person reads them: in the browser's own time zone, to the
//! minute; and today, the tracker's default "as of" day. The intake
//! stores and answers RFC 3339 in UTC; only the view turns it local.

/// `utc` (RFC 3339) in the browser's time zone, `2026-11-30 21:34`; the
/// text itself when it is not a time.
pub fn local(utc: &str) -> String {
    reading(utc).map_or_else(
        || utc.to_owned(),
        |(day, hour, minute)| format!("{day} {hour:02}:{minute:02}"),
    )
}

/// Today in the browser's time zone, `YYYY-MM-DD`.
#[cfg(target_arch = "wasm32")]
pub fn today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

/// Natively there is no browser time zone: today in UTC.
#[cfg(not(target_arch = "wasm32"))]
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// The day `days` after 1970-01-01, `YYYY-MM-DD` (Howard Hinnant's
/// `civil_from_days`).
#[cfg(not(target_arch = "wasm32"))]
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(target_arch = "wasm32")]
fn reading(utc: &str) -> Option<(String, u32, u32)> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(utc));
    if date.get_time().is_nan() {
        return None;
    }
    let day = format!(
        "{:04}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    );
    Some((day, date.get_hours(), date.get_minutes()))
}

/// Natively there is no browser time zone: UTC, as written.
#[cfg(not(target_arch = "wasm32"))]
fn reading(utc: &str) -> Option<(String, u32, u32)> {
    let (day, rest) = utc.split_once('T')?;
    let hour = rest.get(0..2)?.parse().ok()?;
    let minute = rest.get(3..5)?.parse().ok()?;
    crate::api::is_day(day).then(|| (day.to_owned(), hour, minute))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_reads_to_the_minute_and_anything_else_is_left_as_it_is() {
        assert_eq!(local("2026-11-30T13:34:28.698Z"), "2026-11-30 13:34");
        assert_eq!(local("not a time"), "not a time");
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn days_since_1970_are_calendar_days() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(20_513), "2026-03-01");
        assert_eq!(civil(11_016), "2000-02-29");
        assert!(crate::api::is_day(&today()));
    }
}
