//! Times as a person reads them: in the browser's own time zone, to the
//! minute. What is stored and signed stays RFC 3339 in UTC; only the view
//! turns it local.

/// A clock reading in local time, as [`local`] shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// The year.
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
    /// 0–23.
    pub hour: u32,
    /// 0–59.
    pub minute: u32,
}

impl std::fmt::Display for LocalTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute
        )
    }
}

/// `utc` (RFC 3339) in the browser's time zone, `2026-11-30 21:34`; the
/// text itself when it is not a time.
pub fn local(utc: &str) -> String {
    reading(utc).map_or_else(|| utc.to_owned(), |t| t.to_string())
}

/// `utc` (RFC 3339) as a local day, `2026-11-30`; the text itself when it
/// is not a time.
pub fn local_day(utc: &str) -> String {
    reading(utc).map_or_else(
        || utc.to_owned(),
        |t| format!("{:04}-{:02}-{:02}", t.year, t.month, t.day),
    )
}

/// Today in the browser's time zone.
pub fn today() -> Option<chrono::NaiveDate> {
    let t = reading(&crate::web::now())?;
    chrono::NaiveDate::from_ymd_opt(t.year, t.month, t.day)
}

#[cfg(target_arch = "wasm32")]
fn reading(utc: &str) -> Option<LocalTime> {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(utc));
    if date.get_time().is_nan() {
        return None;
    }
    Some(LocalTime {
        year: i32::try_from(date.get_full_year()).ok()?,
        month: date.get_month() + 1,
        day: date.get_date(),
        hour: date.get_hours(),
        minute: date.get_minutes(),
    })
}

/// Natively (the app's unit tests) there is no browser time zone: UTC.
#[cfg(not(target_arch = "wasm32"))]
fn reading(utc: &str) -> Option<LocalTime> {
    use chrono::{Datelike, Timelike};
    let t = chrono::DateTime::parse_from_rfc3339(utc).ok()?.to_utc();
    Some(LocalTime {
        year: t.year(),
        month: t.month(),
        day: t.day(),
        hour: t.hour(),
        minute: t.minute(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_reads_to_the_minute_and_anything_else_is_left_as_it_is() {
        assert_eq!(local("2026-11-30T13:34:28.698Z"), "2026-11-30 13:34");
        assert_eq!(local_day("2026-11-30T23:59:00Z"), "2026-11-30");
        assert_eq!(local("not a time"), "not a time");
    }
}
