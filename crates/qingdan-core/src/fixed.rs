//! `Fixed`: an exact decimal with two places, for points, weights and percentages.
//!
//! Scores must agree to the last digit between the browser and the server, so
//! no binary floating point is used anywhere. A `Fixed` is a count of
//! hundredths in an `i64`. In JSON it is written as a string with two places
//! (`"2.50"`); on input it is read from a JSON integer (`2`) or a decimal
//! string with at most two places (`"2.5"`). A JSON number with a fraction
//! (`2.5`) is refused, because it has already passed through a float.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact decimal with two places (a count of hundredths).
///
/// ```
/// use qingdan_core::Fixed;
/// let tenth: Fixed = "0.1".parse().unwrap();
/// let sum: Fixed = std::iter::repeat(tenth).take(94).sum();
/// assert_eq!(sum.to_string(), "9.40");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fixed(i64);

/// The largest magnitude a `Fixed` read from input may have (one billion),
/// so that sums and products over any template stay far from overflow.
pub const FIXED_LIMIT: Fixed = Fixed(100_000_000_000);

impl Fixed {
    /// Zero.
    pub const ZERO: Fixed = Fixed(0);
    /// One hundred (the top of a percentage).
    pub const HUNDRED: Fixed = Fixed(10_000);

    /// The value with this many hundredths.
    pub const fn from_hundredths(hundredths: i64) -> Fixed {
        Fixed(hundredths)
    }

    /// A whole number.
    pub const fn from_int(value: i64) -> Fixed {
        Fixed(value * 100)
    }

    /// The count of hundredths.
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// `self × numerator ÷ denominator`, rounded half away from zero to a
    /// hundredth. `denominator` must not be zero.
    pub fn mul_div(self, numerator: i64, denominator: i64) -> Fixed {
        Fixed::from_ratio(
            i128::from(self.0) * i128::from(numerator),
            i128::from(denominator),
        )
    }

    /// `numerator ÷ denominator` hundredths, rounded half away from zero.
    /// `denominator` must not be zero.
    pub(crate) fn from_ratio(numerator: i128, denominator: i128) -> Fixed {
        Fixed(div_round(numerator, denominator))
    }

    /// `self × factor`, rounded half away from zero to a hundredth.
    pub fn times(self, factor: Fixed) -> Fixed {
        self.mul_div(factor.0, 100)
    }

    /// `self ÷ whole × 100` as a percentage rounded to a hundredth of a
    /// percent; `None` when `whole` is zero.
    pub fn percent_of(self, whole: Fixed) -> Option<Fixed> {
        (whole.0 != 0).then(|| Fixed(div_round(i128::from(self.0) * 10_000, i128::from(whole.0))))
    }

    /// The smaller of two values.
    pub fn min(self, other: Fixed) -> Fixed {
        std::cmp::min(self, other)
    }

    /// `self - other`, but never below zero.
    pub fn saturating_sub_to_zero(self, other: Fixed) -> Fixed {
        Fixed((self.0 - other.0).max(0))
    }

    /// True when the value is greater than zero.
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

/// Integer division rounding half away from zero; the result is clamped into
/// `i64` (inputs are bounded by [`FIXED_LIMIT`], so it never is in practice).
fn div_round(numerator: i128, denominator: i128) -> i64 {
    let (n, d) = if denominator < 0 {
        (-numerator, -denominator)
    } else {
        (numerator, denominator)
    };
    let q = if n >= 0 {
        (n + d / 2) / d
    } else {
        (n - d / 2) / d
    };
    q.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

impl std::ops::Add for Fixed {
    type Output = Fixed;
    fn add(self, rhs: Fixed) -> Fixed {
        Fixed(self.0.saturating_add(rhs.0))
    }
}

impl std::ops::AddAssign for Fixed {
    fn add_assign(&mut self, rhs: Fixed) {
        *self = *self + rhs;
    }
}

impl std::ops::Sub for Fixed {
    type Output = Fixed;
    fn sub(self, rhs: Fixed) -> Fixed {
        Fixed(self.0.saturating_sub(rhs.0))
    }
}

impl std::iter::Sum for Fixed {
    fn sum<I: Iterator<Item = Fixed>>(iter: I) -> Fixed {
        iter.fold(Fixed::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Fixed {
    /// Always two places: `2.00`, `-0.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Why a text is not a `Fixed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixedError {
    /// Not of the form `123`, `-1.5` or `0.25`.
    #[error("{0:?} is not a decimal number such as 2, 0.5 or 1.25")]
    Syntax(String),
    /// More than two places after the point.
    #[error("{0:?} has more than two decimal places")]
    TooPrecise(String),
    /// Larger than [`FIXED_LIMIT`].
    #[error("{0:?} is larger than 1000000000")]
    TooLarge(String),
}

impl FromStr for Fixed {
    type Err = FixedError;

    fn from_str(text: &str) -> Result<Fixed, FixedError> {
        let syntax = || FixedError::Syntax(text.to_owned());
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) if !f.is_empty() => (w, f),
            Some(_) => return Err(syntax()),
            None => (digits, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(frac) {
            return Err(syntax());
        }
        if frac.len() > 2 {
            return Err(FixedError::TooPrecise(text.to_owned()));
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 10 {
            return Err(FixedError::TooLarge(text.to_owned()));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| syntax())?
        };
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| syntax())?;
        let magnitude = whole * 100 + frac;
        if magnitude > FIXED_LIMIT.0 {
            return Err(FixedError::TooLarge(text.to_owned()));
        }
        Ok(Fixed(if negative { -magnitude } else { magnitude }))
    }
}

impl Serialize for Fixed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Writes a checklist's number as people write it in one: a whole number as
/// a JSON integer (`3`), any other as the shortest decimal string (`"1.5"`),
/// so a checklist read and written again is the same JSON, digest and all.
/// (Score sheets keep two places: `"3.00"`.)
pub(crate) fn as_written<S: Serializer>(value: &Fixed, serializer: S) -> Result<S::Ok, S::Error> {
    if value.0 % 100 == 0 {
        serializer.serialize_i64(value.0 / 100)
    } else {
        let text = value.to_string();
        serializer.serialize_str(text.trim_end_matches('0'))
    }
}

/// [`as_written`] for an optional number (only called when it is there).
pub(crate) fn as_written_some<S: Serializer>(
    value: &Option<Fixed>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => as_written(value, serializer),
        None => serializer.serialize_none(),
    }
}

impl<'de> Deserialize<'de> for Fixed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fixed, D::Error> {
        deserializer.deserialize_any(FixedVisitor)
    }
}

struct FixedVisitor;

impl Visitor<'_> for FixedVisitor {
    type Value = Fixed;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a whole number or a decimal string with at most two places, such as 2 or \"0.5\"",
        )
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Fixed, E> {
        if v.unsigned_abs() > (FIXED_LIMIT.0 / 100) as u64 {
            return Err(E::custom(FixedError::TooLarge(v.to_string())));
        }
        Ok(Fixed::from_int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Fixed, E> {
        match i64::try_from(v) {
            Ok(v) => self.visit_i64(v),
            Err(_) => Err(E::custom(FixedError::TooLarge(v.to_string()))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Fixed, E> {
        Err(E::custom(format_args!(
            "the number {v} has a fraction and would pass through binary floating point; write it as a string, \"{v}\""
        )))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Fixed, E> {
        v.parse().map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        for (text, printed) in [
            ("2", "2.00"),
            ("0.5", "0.50"),
            ("0.05", "0.05"),
            ("-1.25", "-1.25"),
            ("007.10", "7.10"),
        ] {
            assert_eq!(
                text.parse::<Fixed>().unwrap().to_string(),
                printed,
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_two_place_decimal() {
        for text in [
            "",
            ".5",
            "5.",
            "1.234",
            "1e3",
            "+1",
            "1,5",
            "五",
            "99999999999",
        ] {
            assert!(text.parse::<Fixed>().is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn json_floats_are_refused_with_a_hint() {
        let err = serde_json::from_str::<Fixed>("2.5")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"2.5\""), "{err}");
        assert_eq!(
            serde_json::from_str::<Fixed>("3").unwrap(),
            Fixed::from_int(3)
        );
        assert_eq!(
            serde_json::from_str::<Fixed>("\"0.1\"").unwrap(),
            Fixed::from_hundredths(10)
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        let one = Fixed::from_int(1);
        assert_eq!(one.mul_div(1, 3).to_string(), "0.33");
        assert_eq!(one.mul_div(2, 3).to_string(), "0.67");
        assert_eq!(Fixed::from_hundredths(1).mul_div(1, 2).to_string(), "0.01");
        assert_eq!(
            Fixed::from_int(2)
                .percent_of(Fixed::from_int(3))
                .unwrap()
                .to_string(),
            "66.67"
        );
        assert_eq!(Fixed::ZERO.percent_of(Fixed::ZERO), None);
    }
}
