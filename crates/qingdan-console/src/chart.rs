//! The reports' charts as geometry: values (exact decimal strings such as
//! `"87.50"`, read as whole hundredths, never as floats) become horizontal
//! bars with exact integer coordinates in the SVG's own units. Pure and
//! natively tested; [`crate::ui::reports`] draws the rectangles.
//!
//! Every chart here is of percentages (得分率, 失分率), so its scale is
//! 100.00 % — or the largest value when a bonus takes one past it — and
//! a bar's length is its value's share of the scale.

/// 100.00 %, in hundredths.
pub const FULL: i64 = 10_000;

/// The exact decimal `text` (`"87.50"`, `"-3.5"`, `"100"`) in whole
/// hundredths (`8750`); `None` when it is not such a number or has more
/// than two places.
pub fn hundredths(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || fraction.len() > 2 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    let value = whole.checked_mul(100)?.checked_add(fraction)?;
    Some(if negative { -value } else { value })
}

/// Where a chart's bars go, in SVG units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// The whole chart's width.
    pub width: i64,
    /// The column on the left that names each row.
    pub label: i64,
    /// Room on the right of the longest bar for its value.
    pub value: i64,
    /// From one row's top to the next's.
    pub row: i64,
    /// A bar's thickness (a pair's two bars are half as thick each).
    pub bar: i64,
}

impl Geometry {
    /// The charts' geometry: 720 wide, rows 24 high.
    pub const DEFAULT: Geometry = Geometry {
        width: 720,
        label: 200,
        value: 90,
        row: 24,
        bar: 16,
    };

    /// The length a bar may have at most (the scale's).
    pub fn span(&self) -> i64 {
        (self.width - self.label - self.value).max(1)
    }

    /// The chart's height for `rows` rows.
    pub fn height(&self, rows: usize) -> i64 {
        self.row * i64::try_from(rows).unwrap_or(i64::MAX / self.row.max(1))
    }

    /// The middle of row `index`, where its label's baseline goes.
    pub fn middle(&self, index: usize) -> i64 {
        self.top(index) + self.row / 2
    }

    fn top(&self, index: usize) -> i64 {
        self.row * i64::try_from(index).unwrap_or(0)
    }
}

/// One bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// Its left edge.
    pub x: i64,
    /// Its top edge.
    pub y: i64,
    /// Its length.
    pub width: i64,
    /// Its thickness.
    pub height: i64,
}

impl Bar {
    /// Where its value is written: just past its end.
    pub fn end(&self) -> i64 {
        self.x + self.width + 6
    }
}

/// The scale of a chart of `values` (hundredths): 100.00 %, or the
/// largest value when one is larger.
pub fn scale(values: impl IntoIterator<Item = i64>) -> i64 {
    values.into_iter().fold(FULL, i64::max)
}

/// The length of `value` on `scale`, from 0 (nothing, or below zero) to
/// the whole span; rounded down, so a larger value is never shorter.
fn length(value: i64, scale: i64, geometry: &Geometry) -> i64 {
    let span = i128::from(geometry.span());
    let clamped = i128::from(value.clamp(0, scale.max(1)));
    i64::try_from(span * clamped / i128::from(scale.max(1))).unwrap_or(0)
}

/// One bar per value (hundredths), a row each, on `scale`; `None` where a
/// row has no value (it keeps its row, empty).
pub fn bars(values: &[Option<i64>], scale: i64, geometry: &Geometry) -> Vec<Option<Bar>> {
    values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            value.map(|v| Bar {
                x: geometry.label,
                y: geometry.top(i) + (geometry.row - geometry.bar) / 2,
                width: length(v, scale, geometry),
                height: geometry.bar,
            })
        })
        .collect()
}

/// Two bars per row (the gap: the unit's own figure above, the
/// inspectors' below), each half as thick as a single bar.
pub fn pairs(
    values: &[(Option<i64>, Option<i64>)],
    scale: i64,
    geometry: &Geometry,
) -> Vec<(Option<Bar>, Option<Bar>)> {
    let half = geometry.bar / 2;
    let first_y = |i: usize| geometry.top(i) + (geometry.row - 2 * half) / 2;
    values
        .iter()
        .enumerate()
        .map(|(i, (upper, lower))| {
            let at = |value: Option<i64>, y: i64| {
                value.map(|v| Bar {
                    x: geometry.label,
                    y,
                    width: length(v, scale, geometry),
                    height: half,
                })
            };
            (at(*upper, first_y(i)), at(*lower, first_y(i) + half))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_decimals_read_as_hundredths_and_nothing_else_does() {
        assert_eq!(hundredths("87.50"), Some(8750));
        assert_eq!(hundredths("87.5"), Some(8750));
        assert_eq!(hundredths("100"), Some(10_000));
        assert_eq!(hundredths("0.01"), Some(1));
        assert_eq!(hundredths("-3.25"), Some(-325));
        for bad in ["", "-", ".5", "1.234", "1e3", "8 7", "NaN", "1.2.3", "+1"] {
            assert_eq!(hundredths(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bars_are_as_long_as_their_share_of_the_scale_in_exact_units() {
        let g = Geometry::DEFAULT;
        assert_eq!(g.span(), 430);
        let values = [Some(10_000), Some(8750), None, Some(0), Some(3333)];
        let drawn = bars(&values, scale(values.iter().flatten().copied()), &g);
        assert_eq!(
            drawn[0],
            Some(Bar {
                x: 200,
                y: 4,
                width: 430,
                height: 16
            })
        );
        // 430 × 87.50 % = 376.25, rounded down.
        assert_eq!(drawn[1].map(|b| (b.y, b.width)), Some((28, 376)));
        assert_eq!(drawn[2], None, "a row without a value stays empty");
        assert_eq!(drawn[3].map(|b| b.width), Some(0));
        assert_eq!(drawn[4].map(|b| (b.y, b.width)), Some((100, 143)));
        assert_eq!(g.height(values.len()), 120);
        assert_eq!(g.middle(1), 36);
    }

    #[test]
    fn a_larger_value_is_never_a_shorter_bar_and_the_scale_grows_past_full() {
        let g = Geometry::DEFAULT;
        let values: Vec<Option<i64>> = [10_250, 9_999, 9_998, 5_000, 1]
            .into_iter()
            .map(Some)
            .collect();
        let s = scale(values.iter().flatten().copied());
        assert_eq!(s, 10_250, "a bonus past 100 % is the scale");
        let widths: Vec<i64> = bars(&values, s, &g)
            .into_iter()
            .map(|b| b.map_or(-1, |b| b.width))
            .collect();
        assert_eq!(widths[0], g.span(), "the largest fills the span");
        assert!(widths.windows(2).all(|w| w[0] >= w[1]), "{widths:?}");
        // Nothing below zero or past the span, whatever is given.
        let odd = bars(&[Some(-500), Some(50_000)], FULL, &g);
        assert_eq!(odd[0].map(|b| b.width), Some(0));
        assert_eq!(odd[1].map(|b| b.width), Some(g.span()));
    }

    #[test]
    fn a_pair_is_two_half_bars_one_above_the_other_in_its_row() {
        let g = Geometry::DEFAULT;
        let drawn = pairs(&[(Some(9000), Some(7500)), (None, Some(10_000))], FULL, &g);
        let (upper, lower) = drawn[0];
        assert_eq!(
            upper,
            Some(Bar {
                x: 200,
                y: 4,
                width: 387,
                height: 8
            })
        );
        assert_eq!(
            lower,
            Some(Bar {
                x: 200,
                y: 12,
                width: 322,
                height: 8
            })
        );
        assert_eq!(drawn[1].0, None);
        assert_eq!(drawn[1].1.map(|b| (b.y, b.width)), Some((36, 430)));
    }
}
