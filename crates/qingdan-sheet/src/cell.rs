//! One cell's value, and its reading as text, an exact decimal, a whole
//! number or yes/no. Each reading says what is wrong in words a person
//! understands, naming the field; the caller adds the cell.
//!
//! A number cell holds a binary float. It becomes a [`Fixed`] through its
//! shortest round-trip decimal form (what Excel shows, `2.5`), never by
//! arithmetic, so `0.1` is exactly one tenth.

use std::fmt;

use qingdan_core::{FIXED_LIMIT, Fixed, FixedError};

use crate::layout::{NO, YES};

/// The largest whole part of a [`Fixed`] read from a cell.
const LIMIT: i64 = FIXED_LIMIT.hundredths() / 100;

/// A cell's value, as calamine read it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A text, trimmed; never empty (an empty text is no cell).
    Text(String),
    /// A number.
    Number(f64),
    /// A whole number (some writers store these apart).
    Int(i64),
    /// TRUE or FALSE.
    Bool(bool),
    /// A number Excel shows as a date or time (its cell has a date format).
    Date,
    /// A formula error such as `#DIV/0!`.
    Error(String),
}

impl Value {
    /// The value of a cell, or `None` for an empty cell or blank text.
    pub fn from_calamine(data: &calamine::DataRef<'_>) -> Option<Value> {
        use calamine::DataRef as D;
        let text = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| Value::Text(s.to_owned()))
        };
        match data {
            D::Empty => None,
            D::String(s) => text(s),
            D::SharedString(s) => text(s),
            D::Float(f) => Some(Value::Number(*f)),
            D::Int(i) => Some(Value::Int(*i)),
            D::Bool(b) => Some(Value::Bool(*b)),
            D::DateTime(_) | D::DateTimeIso(_) | D::DurationIso(_) => Some(Value::Date),
            D::Error(e) => Some(Value::Error(e.to_string())),
        }
    }
}

/// The bytes of text a cell's value keeps (its text, trimmed), before it
/// is copied.
pub(crate) fn text_len(data: &calamine::DataRef<'_>) -> usize {
    use calamine::DataRef as D;
    match data {
        D::String(s) => s.trim().len(),
        D::SharedString(s) => s.trim().len(),
        _ => 0,
    }
}

/// What is wrong with a cell's value; shown after the cell's name.
pub(crate) type Problem = String;

/// The cell as text: a text as it is, a number in its shortest form (an id
/// typed as `1.2` that Excel stored as a number is still `1.2`).
pub(crate) fn as_text(value: &Value, field: &str) -> Result<String, Problem> {
    match value {
        Value::Text(s) => Ok(s.clone()),
        Value::Int(i) => Ok(i.to_string()),
        Value::Number(f) if f.is_finite() => Ok(f.to_string()),
        other => Err(format!("{field}: expected text, found {}", Found(other))),
    }
}

/// The cell as an exact decimal with at most two places.
pub(crate) fn as_fixed(value: &Value, field: &str) -> Result<Fixed, Problem> {
    let (text, quoted) = match value {
        Value::Text(s) => (s.clone(), true),
        Value::Int(i) => (i.to_string(), false),
        Value::Number(f) => {
            let text = finite(*f, field)?;
            if f.abs() >= 1e15 {
                return Err(format!("{field} {text} is larger than {LIMIT}"));
            }
            (text, false)
        }
        other => {
            return Err(format!(
                "{field}: expected a number, found {}",
                Found(other)
            ));
        }
    };
    let shown = if quoted {
        format!("{text:?}")
    } else {
        text.clone()
    };
    text.parse::<Fixed>().map_err(|e| match e {
        FixedError::Syntax(_) => format!("{field} {shown} is not a number"),
        FixedError::TooPrecise(_) => format!("{field} {shown} has more than two decimal places"),
        FixedError::TooLarge(_) => format!("{field} {shown} is larger than {LIMIT}"),
    })
}

/// The cell as a whole number from `min` to `max`.
pub(crate) fn as_whole(value: &Value, field: &str, min: i64, max: i64) -> Result<i64, Problem> {
    let (text, shown) = match value {
        Value::Text(s) => (s.clone(), format!("{s:?}")),
        Value::Int(i) => (i.to_string(), i.to_string()),
        Value::Number(f) => {
            let text = finite(*f, field)?;
            if f.abs() >= 1e15 {
                return Err(format!("{field} {text} is out of range ({min} to {max})"));
            }
            (text.clone(), text)
        }
        other => {
            return Err(format!(
                "{field}: expected a whole number, found {}",
                Found(other)
            ));
        }
    };
    let whole = text.strip_prefix('+').unwrap_or(&text);
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole.strip_prefix('-').unwrap_or(whole)) {
        return Err(format!("{field} {shown} is not a whole number"));
    }
    match whole.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("{field} {shown} is out of range ({min} to {max})")),
    }
}

/// The cell as yes or no.
pub(crate) fn as_bool(value: &Value, field: &str) -> Result<bool, Problem> {
    let no_bool = || match value {
        Value::Text(s) => format!("{field} {s:?} is not yes or no (是 or 否)"),
        other => format!(
            "{field}: expected yes or no (是 or 否), found {}",
            Found(other)
        ),
    };
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Int(1) => Ok(true),
        Value::Int(0) => Ok(false),
        Value::Number(f) if *f == 1.0 => Ok(true),
        Value::Number(f) if *f == 0.0 => Ok(false),
        Value::Text(s) => {
            let s = s.to_lowercase();
            if YES.contains(&s.as_str()) {
                Ok(true)
            } else if NO.contains(&s.as_str()) {
                Ok(false)
            } else {
                Err(no_bool())
            }
        }
        _ => Err(no_bool()),
    }
}

/// A float's shortest round-trip decimal form, or why it has none.
fn finite(f: f64, field: &str) -> Result<String, Problem> {
    if !f.is_finite() {
        return Err(format!("{field} is not a finite number"));
    }
    // Beyond 10^15 the decimal form is long and certainly out of range;
    // show it in scientific notation.
    Ok(if f.abs() >= 1e15 {
        format!("{f:e}")
    } else {
        f.to_string()
    })
}

/// A value as an error message shows it.
struct Found<'a>(&'a Value);

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Number(n) if n.is_finite() => write!(f, "the number {n}"),
            Value::Number(_) => f.write_str("a number that is not finite"),
            Value::Int(i) => write!(f, "the number {i}"),
            Value::Bool(true) => f.write_str("TRUE"),
            Value::Bool(false) => f.write_str("FALSE"),
            Value::Date => f.write_str(
                "a date (Excel took what was typed for a date: format the cell as text and type it again)",
            ),
            Value::Error(e) => write!(f, "the error {e}"),
        }
    }
}

/// The name of a cell, `E7`, from zero-based row and column.
pub(crate) fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.reverse();
    let letters: String = letters.into_iter().collect();
    format!("{letters}{}", u64::from(row) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 4), "E7");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn floats_become_exact_decimals_through_their_shortest_form() {
        let fixed = |f: f64| as_fixed(&Value::Number(f), "points").map(|x| x.to_string());
        assert_eq!(fixed(0.1).unwrap(), "0.10");
        assert_eq!(fixed(2.5).unwrap(), "2.50");
        assert_eq!(fixed(-0.0).unwrap(), "0.00");
        assert_eq!(fixed(1e9).unwrap(), "1000000000.00");
        // 0.1 + 0.2 in binary is not 0.3: refused, not rounded.
        assert_eq!(
            fixed(0.1 + 0.2).unwrap_err(),
            "points 0.30000000000000004 has more than two decimal places"
        );
        assert_eq!(
            fixed(1e300).unwrap_err(),
            "points 1e300 is larger than 1000000000"
        );
        assert_eq!(
            fixed(f64::NAN).unwrap_err(),
            "points is not a finite number"
        );
        assert_eq!(
            as_fixed(&Value::Text("五".into()), "points").unwrap_err(),
            "points \"五\" is not a number"
        );
        assert_eq!(
            as_fixed(&Value::Bool(true), "points").unwrap_err(),
            "points: expected a number, found TRUE"
        );
    }

    #[test]
    fn whole_numbers_are_checked_for_fractions_and_range() {
        let whole = |v: Value| as_whole(&v, "target", 0, i64::from(u32::MAX));
        assert_eq!(whole(Value::Number(4.0)), Ok(4));
        assert_eq!(whole(Value::Text("+7".into())), Ok(7));
        assert_eq!(
            whole(Value::Number(3.5)).unwrap_err(),
            "target 3.5 is not a whole number"
        );
        assert_eq!(
            whole(Value::Text("-1".into())).unwrap_err(),
            "target \"-1\" is out of range (0 to 4294967295)"
        );
        assert_eq!(
            whole(Value::Text("99999999999999999999".into())).unwrap_err(),
            "target \"99999999999999999999\" is out of range (0 to 4294967295)"
        );
    }

    #[test]
    fn yes_and_no_in_several_spellings() {
        for yes in [
            Value::Bool(true),
            Value::Number(1.0),
            Value::Text("是".into()),
            Value::Text("Yes".into()),
            Value::Text("TRUE".into()),
        ] {
            assert_eq!(as_bool(&yes, "required"), Ok(true), "{yes:?}");
        }
        for no in [
            Value::Bool(false),
            Value::Int(0),
            Value::Text("否".into()),
            Value::Text("no".into()),
        ] {
            assert_eq!(as_bool(&no, "required"), Ok(false), "{no:?}");
        }
        assert_eq!(
            as_bool(&Value::Text("也许".into()), "required").unwrap_err(),
            "required \"也许\" is not yes or no (是 or 否)"
        );
    }
}
