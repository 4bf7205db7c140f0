//! The time range of a query, parsed and checked without I/O.
//!
//! `from` and `to` are RFC 3339 timestamps or `YYYY-MM-DD` dates (UTC). A date as `from` means
//! the start of that day; as `to` it means the whole day is included. The range is half open,
//! `[from, to)`. Without parameters it is the last 30 UTC days, today included.
//!
//! Task numbers are counted with the exact timestamps; the per-day counters (sessions, messages,
//! intents, notifications) count every UTC day the range touches ([`TimeRange::days`]). With date
//! parameters, or the default, both agree exactly.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use todo_kit::problem::InvalidParam;

/// The longest range a query may span.
pub const MAX_DAYS: i64 = 366;

/// Days in the default range.
pub const DEFAULT_DAYS: u64 = 30;

/// A half-open range of time, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    /// Inclusive start.
    pub from: DateTime<Utc>,
    /// Exclusive end.
    pub to: DateTime<Utc>,
}

/// The UTC days from `first` to `last`, both included; empty when `first > last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    /// The first day.
    pub first: NaiveDate,
    /// The last day.
    pub last: NaiveDate,
}

impl DayRange {
    /// Every day of the range, in order.
    pub fn iter(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let last = self.last;
        self.first.iter_days().take_while(move |d| *d <= last)
    }

    /// The start of the first day.
    pub fn start(&self) -> DateTime<Utc> {
        start_of(self.first)
    }

    /// The start of the day after the last one.
    pub fn end(&self) -> DateTime<Utc> {
        start_of(self.last.checked_add_days(Days::new(1)).unwrap_or(self.last))
    }
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

impl TimeRange {
    /// The UTC days this range touches.
    pub fn days(&self) -> DayRange {
        let first = self.from.date_naive();
        if self.to <= self.from {
            // Empty: a range whose last day is before its first.
            return DayRange {
                first,
                last: first.pred_opt().unwrap_or(first),
            };
        }
        let last = (self.to - TimeDelta::microseconds(1)).date_naive();
        DayRange { first, last }
    }

    /// The same range widened to whole UTC days, as trends count.
    pub fn whole_days(&self) -> TimeRange {
        let days = self.days();
        if days.first > days.last {
            return TimeRange {
                from: days.start(),
                to: days.start(),
            };
        }
        TimeRange {
            from: days.start(),
            to: days.end(),
        }
    }

    /// Parses the `from` and `to` query values, defaulting to the last [`DEFAULT_DAYS`] days
    /// ending at `now`.
    ///
    /// # Errors
    /// Every invalid parameter with its reason: unreadable values, `from` after `to`, or a range
    /// longer than [`MAX_DAYS`] days.
    pub fn parse(from: Option<&str>, to: Option<&str>, now: DateTime<Utc>) -> Result<Self, Vec<InvalidParam>> {
        let mut errors = Vec::new();
        let to = match to.map(|v| parse_bound(v, Bound::End)) {
            None => Some(now),
            Some(Ok(to)) => Some(to),
            Some(Err(reason)) => {
                errors.push(invalid("to", reason));
                None
            }
        };
        let from = match from.map(|v| parse_bound(v, Bound::Start)) {
            Some(Ok(from)) => Some(from),
            Some(Err(reason)) => {
                errors.push(invalid("from", reason));
                None
            }
            None => to.map(default_from),
        };
        let (Some(from), Some(to)) = (from, to) else {
            return Err(errors);
        };
        if from > to {
            return Err(vec![invalid(
                "from",
                format!("must not be after to ({})", to.to_rfc3339()),
            )]);
        }
        if to - from > TimeDelta::days(MAX_DAYS) {
            return Err(vec![invalid(
                "to",
                format!("the range spans more than {MAX_DAYS} days; ask for a shorter one"),
            )]);
        }
        Ok(Self { from, to })
    }
}

/// The start of the default range ending at `to`: the start of the day 29 days before `to`'s.
fn default_from(to: DateTime<Utc>) -> DateTime<Utc> {
    let last = (to - TimeDelta::microseconds(1)).date_naive();
    start_of(last.checked_sub_days(Days::new(DEFAULT_DAYS - 1)).unwrap_or(last))
}

#[derive(Clone, Copy)]
enum Bound {
    Start,
    End,
}

fn parse_bound(value: &str, bound: Bound) -> Result<DateTime<Utc>, String> {
    // A '+' of an offset arrives as a space when the client did not percent-encode it.
    let value = value.trim().replace(' ', "+");
    if let Ok(time) = DateTime::parse_from_rfc3339(&value) {
        return Ok(time.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(&value, "%Y-%m-%d")
        .map_err(|_| format!("'{value}' is neither an RFC 3339 timestamp nor a YYYY-MM-DD date"))?;
    Ok(match bound {
        Bound::Start => start_of(day),
        Bound::End => start_of(day.checked_add_days(Days::new(1)).unwrap_or(day)),
    })
}

fn invalid(name: &str, reason: impl Into<String>) -> InvalidParam {
    InvalidParam {
        name: name.to_owned(),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-10T15:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn dates_cover_whole_days_and_the_default_is_thirty_days() {
        let range = TimeRange::parse(Some("2026-03-01"), Some("2026-03-02"), now()).expect("valid");
        assert_eq!(range.from.to_rfc3339(), "2026-03-01T00:00:00+00:00");
        assert_eq!(range.to.to_rfc3339(), "2026-03-03T00:00:00+00:00");
        assert_eq!(range.days().iter().count(), 2);

        let default = TimeRange::parse(None, None, now()).expect("valid");
        assert_eq!(default.from.to_rfc3339(), "2026-02-09T00:00:00+00:00");
        assert_eq!(default.to, now());
        assert_eq!(default.days().iter().count(), 30);
    }

    #[test]
    fn bad_ranges_name_the_field() {
        let reversed = TimeRange::parse(Some("2026-03-05"), Some("2026-03-01"), now()).expect_err("reversed");
        assert_eq!(reversed[0].name, "from");
        let long = TimeRange::parse(Some("2025-01-01"), Some("2026-03-01"), now()).expect_err("too long");
        assert_eq!(long[0].name, "to");
        let garbage = TimeRange::parse(Some("yesterday"), Some("soon"), now()).expect_err("garbage");
        assert_eq!(garbage.len(), 2);
        let offset = TimeRange::parse(Some("2026-03-01T10:00:00 01:00"), None, now()).expect("space for plus");
        assert_eq!(offset.from.to_rfc3339(), "2026-03-01T09:00:00+00:00");
    }

    #[test]
    fn an_empty_range_touches_no_day() {
        let range = TimeRange::parse(Some("2026-03-01T10:00:00Z"), Some("2026-03-01T10:00:00Z"), now()).expect("ok");
        assert_eq!(range.days().iter().count(), 0);
    }
}
