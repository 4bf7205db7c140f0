//! The arithmetic of the reports, without I/O: rates and trend buckets (percentiles are
//! `todo_kit::percentile`'s). Both stores hand over raw counts and durations and the numbers are
//! computed here, so PostgreSQL and SQLite can never round or interpolate differently.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};

use crate::range::DayRange;

/// `part / whole`, or `None` when `whole` is zero (a rate of nothing is unknown, not 0).
pub(crate) fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// How trend points are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// One point per UTC day.
    Day,
    /// One point per ISO week (Monday to Sunday).
    Week,
}

impl Bucket {
    /// The accepted `bucket` values.
    pub const NAMES: [&'static str; 2] = ["day", "week"];

    /// The bucket a query names.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "day" => Some(Self::Day),
            "week" => Some(Self::Week),
            _ => None,
        }
    }

    /// The first day of the bucket holding `day`.
    fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Self::Day => day,
            Self::Week => day
                .checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
                .unwrap_or(day),
        }
    }
}

/// Sums per-day `values` into one point per bucket of `days`, every bucket present (zero when
/// nothing happened). Days outside `days` are ignored.
pub(crate) fn buckets(days: &DayRange, bucket: Bucket, values: &[(NaiveDate, i64)]) -> Vec<(NaiveDate, i64)> {
    let mut points: BTreeMap<NaiveDate, i64> = days.iter().map(|d| (bucket.start(d), 0)).collect();
    for (day, value) in values {
        if (days.first..=days.last).contains(day)
            && let Some(point) = points.get_mut(&bucket.start(*day))
        {
            *point += value;
        }
    }
    points.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn a_rate_of_nothing_is_unknown() {
        assert_eq!(rate(1, 0), None);
        assert_eq!(rate(1, 4), Some(0.25));
    }

    #[test]
    fn weeks_start_on_monday_and_empty_buckets_are_zero() {
        // 2026-03-04 is a Wednesday; 2026-03-16 a Monday.
        let days = DayRange {
            first: day("2026-03-04"),
            last: day("2026-03-17"),
        };
        let values = [
            (day("2026-03-04"), 2),
            (day("2026-03-08"), 1),
            (day("2026-03-17"), 5),
            (day("2026-03-20"), 9),
        ];
        let weeks = buckets(&days, Bucket::Week, &values);
        assert_eq!(
            weeks,
            vec![(day("2026-03-02"), 3), (day("2026-03-09"), 0), (day("2026-03-16"), 5)]
        );
        let daily = buckets(&days, Bucket::Day, &values);
        assert_eq!(daily.len(), 14);
        assert_eq!(daily[0], (day("2026-03-04"), 2));
        assert_eq!(daily[1], (day("2026-03-05"), 0));
    }
}
