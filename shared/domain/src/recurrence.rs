//! Repeating tasks: a small, validated subset of RFC 5545 `RRULE`.
//!
//! A recurring task stores its rule as text (`FREQ=WEEKLY;BYDAY=MO,WE`), so the
//! rule survives the database, the API and the event catalog unchanged, and
//! the next occurrence is computed here, without I/O, when one is completed.
//! Only what a todo list needs is supported (`FREQ`, `INTERVAL`, `BYDAY`,
//! `COUNT`, `UNTIL`). Anything else is rejected with a message naming the bad
//! part instead of being ignored, so a stored rule never means something other
//! than what its author wrote.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};

const MAX_INTERVAL: u32 = 999;
const MAX_COUNT: u32 = 1000;
/// `UNTIL` as written by [`Recurrence`]'s `Display`: RFC 5545's UTC form.
const UNTIL_FORMAT: &str = "%Y%m%dT%H%M%SZ";
/// Periods to try past skipped dates (the 31st, Feb 29) before giving up; valid
/// rules need a few, the cap stops odd hand-built ones from looping forever.
const MAX_PERIODS_TRIED: u32 = 1000;
/// The supported rule parts, in the order `from_str` destructures them.
const KEYS: [&str; 5] = ["FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL"];

/// How often a series repeats (RFC 5545 `FREQ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Frequency {
    const ALL: [Self; 4] = [Self::Daily, Self::Weekly, Self::Monthly, Self::Yearly];

    /// The RRULE value, the adverb for interval 1 and the plural unit.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Daily => ("DAILY", "daily", "days"),
            Self::Weekly => ("WEEKLY", "weekly", "weeks"),
            Self::Monthly => ("MONTHLY", "monthly", "months"),
            Self::Yearly => ("YEARLY", "yearly", "years"),
        }
    }
}

/// When a series stops: after a number of occurrences, or after an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecurrenceEnd {
    /// Total number of occurrences, the first one included (`COUNT`).
    Count(u32),
    /// Last instant an occurrence may fall on, inclusive (`UNTIL`).
    Until(DateTime<Utc>),
}

/// A parsed rule. Parse with [`str::parse`]; `Display` writes the canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    pub frequency: Frequency,
    /// Repeat every `interval` periods; 1..=999 when parsed.
    pub interval: u32,
    /// Weekly only: the days to repeat on, sorted Monday-first, no duplicates.
    pub by_day: Vec<Weekday>,
    pub end: Option<RecurrenceEnd>,
}

/// Why a rule was rejected; each message names the part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    #[error("the recurrence rule is empty: expected something like FREQ=WEEKLY;BYDAY=MO")]
    Empty,
    #[error("rule part '{0}' is not KEY=VALUE: write parts like FREQ=DAILY, separated by ';'")]
    MalformedPart(String),
    #[error("unknown rule part '{0}': supported parts are FREQ, INTERVAL, BYDAY, COUNT and UNTIL")]
    UnknownKey(String),
    #[error("{0} is given more than once: each rule part may appear only once")]
    DuplicateKey(&'static str),
    #[error("FREQ is required: use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")]
    MissingFrequency,
    #[error("unsupported FREQ '{0}': use DAILY, WEEKLY, MONTHLY or YEARLY")]
    UnsupportedFrequency(String),
    #[error("INTERVAL must be between 1 and 999, got '{0}'")]
    InvalidInterval(String),
    #[error("COUNT must be between 1 and 1000, got '{0}'")]
    InvalidCount(String),
    #[error("invalid UNTIL '{0}': use YYYYMMDD or YYYYMMDDTHHMMSSZ (UTC)")]
    InvalidUntil(String),
    #[error("invalid BYDAY day '{0}': use MO, TU, WE, TH, FR, SA or SU, without numeric prefixes")]
    InvalidDay(String),
    #[error("BYDAY is only supported with FREQ=WEEKLY")]
    ByDayRequiresWeekly,
    #[error("COUNT and UNTIL cannot both be set")]
    CountAndUntil,
}

impl FromStr for Recurrence {
    type Err = RecurrenceError;

    /// Accepts an optional `RRULE:` prefix, any letter case and whitespace around parts.
    ///
    /// # Errors
    /// A [`RecurrenceError`] naming the part that is missing, unknown,
    /// repeated, out of range or inconsistent with the others.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let trimmed = input.trim();
        let body = match trimmed.get(..6) {
            Some(prefix) if prefix.eq_ignore_ascii_case("RRULE:") => &trimmed[6..],
            _ => trimmed,
        };
        // One slot per supported key, in `KEYS` order; a filled slot means a duplicate.
        let mut values: [Option<String>; KEYS.len()] = Default::default();
        let pieces = body.split(';').map(str::trim).filter(|part| !part.is_empty());
        for part in pieces {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| RecurrenceError::MalformedPart(part.to_owned()))?;
            let index = KEYS
                .iter()
                .position(|known| known.eq_ignore_ascii_case(key.trim()))
                .ok_or_else(|| RecurrenceError::UnknownKey(key.trim().to_owned()))?;
            let value = value.trim().to_ascii_uppercase();
            if values[index].replace(value).is_some() {
                return Err(RecurrenceError::DuplicateKey(KEYS[index]));
            }
        }
        if values.iter().all(Option::is_none) {
            return Err(RecurrenceError::Empty);
        }
        let [frequency, interval, by_day, count, until] = values;
        let frequency = parse_frequency(&frequency.ok_or(RecurrenceError::MissingFrequency)?)?;
        let interval = match interval {
            Some(text) => parse_number(text, MAX_INTERVAL, RecurrenceError::InvalidInterval)?,
            None => 1,
        };
        let by_day = by_day.as_deref().map(parse_by_day).transpose()?;
        let count = count
            .map(|text| parse_number(text, MAX_COUNT, RecurrenceError::InvalidCount))
            .transpose()?;
        let until = until.as_deref().map(parse_until).transpose()?;
        if by_day.is_some() && frequency != Frequency::Weekly {
            return Err(RecurrenceError::ByDayRequiresWeekly);
        }
        let end = match (count, until) {
            (Some(_), Some(_)) => return Err(RecurrenceError::CountAndUntil),
            (Some(count), None) => Some(RecurrenceEnd::Count(count)),
            (None, Some(until)) => Some(RecurrenceEnd::Until(until)),
            (None, None) => None,
        };
        let by_day = by_day.unwrap_or_default();
        Ok(Self {
            frequency,
            interval,
            by_day,
            end,
        })
    }
}

fn parse_frequency(value: &str) -> Result<Frequency, RecurrenceError> {
    Frequency::ALL
        .into_iter()
        .find(|frequency| frequency.names().0 == value)
        .ok_or_else(|| RecurrenceError::UnsupportedFrequency(value.to_owned()))
}

/// Plain digits only: `u32::from_str` would also take `+5`, which RFC 5545 does not.
fn parse_number(text: String, max: u32, error: fn(String) -> RecurrenceError) -> Result<u32, RecurrenceError> {
    let digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    match text.parse() {
        Ok(number) if digits && (1..=max).contains(&number) => Ok(number),
        _ => Err(error(text)),
    }
}

fn parse_by_day(value: &str) -> Result<Vec<Weekday>, RecurrenceError> {
    let mut days = value
        .split(',')
        .map(str::trim)
        .map(|code| {
            std::iter::successors(Some(Weekday::Mon), |day| Some(day.succ()))
                .take(7)
                .find(|day| weekday_code(*day) == code)
                .ok_or_else(|| RecurrenceError::InvalidDay(code.to_owned()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    days.sort_by_key(Weekday::num_days_from_monday);
    days.dedup();
    Ok(days)
}

/// `YYYYMMDD` (the end of that day, UTC) or `YYYYMMDDTHHMMSSZ`.
fn parse_until(value: &str) -> Result<DateTime<Utc>, RecurrenceError> {
    let digits = |range: std::ops::Range<usize>| {
        value
            .get(range)
            .filter(|text| text.bytes().all(|byte| byte.is_ascii_digit()))?
            .parse::<u32>()
            .ok()
    };
    let instant = || {
        let year = i32::try_from(digits(0..4)?).ok()?;
        let date = NaiveDate::from_ymd_opt(year, digits(4..6)?, digits(6..8)?)?;
        let time = match value.get(8..)? {
            "" => NaiveTime::from_hms_opt(23, 59, 59)?,
            rest if rest.len() == 8 && rest.starts_with('T') && rest.ends_with('Z') => {
                NaiveTime::from_hms_opt(digits(9..11)?, digits(11..13)?, digits(13..15)?)?
            }
            _ => return None,
        };
        Some(date.and_time(time).and_utc())
    };
    instant().ok_or_else(|| RecurrenceError::InvalidUntil(value.to_owned()))
}

fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

impl fmt::Display for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FREQ={}", self.frequency.names().0)?;
        if self.interval != 1 {
            write!(f, ";INTERVAL={}", self.interval)?;
        }
        if !self.by_day.is_empty() {
            let codes: Vec<&str> = self.by_day.iter().map(|day| weekday_code(*day)).collect();
            write!(f, ";BYDAY={}", codes.join(","))?;
        }
        match &self.end {
            Some(RecurrenceEnd::Count(count)) => write!(f, ";COUNT={count}"),
            Some(RecurrenceEnd::Until(until)) => write!(f, ";UNTIL={}", until.format(UNTIL_FORMAT)),
            None => Ok(()),
        }
    }
}

impl Recurrence {
    /// The occurrence after `current`, for a series whose first occurrence is
    /// `dtstart` and where `current` is occurrence number `current_number`
    /// (1-based). `None` when the series is over (COUNT reached, or the next
    /// one would be after UNTIL).
    ///
    /// Every occurrence keeps dtstart's UTC time of day. Daily, weekly,
    /// monthly and yearly steps count from `current`; weekly `BYDAY` weeks are
    /// numbered from dtstart's week (weeks start on Monday), so only weeks
    /// 0, interval, 2 × interval… hold occurrences. Dates a month or year lacks
    /// (the 31st, Feb 29) are skipped, as RFC 5545 says, never clamped. An
    /// `interval` of 0 (only possible when built by hand) counts as 1.
    pub fn next_occurrence(
        &self,
        dtstart: DateTime<Utc>,
        current: DateTime<Utc>,
        current_number: u32,
    ) -> Option<DateTime<Utc>> {
        if matches!(self.end, Some(RecurrenceEnd::Count(count)) if current_number >= count) {
            return None;
        }
        let interval = self.interval.max(1);
        let (date, day) = (current.date_naive(), dtstart.day());
        let next_date = match self.frequency {
            Frequency::Daily => date.checked_add_days(Days::new(u64::from(interval)))?,
            Frequency::Weekly if self.by_day.is_empty() => date.checked_add_days(Days::new(7 * u64::from(interval)))?,
            Frequency::Weekly => self.next_listed_day(dtstart, current, interval)?,
            Frequency::Monthly => months_later(date.year(), date.month0(), interval.into(), day)?,
            Frequency::Yearly => months_later(date.year(), dtstart.month0(), 12 * i64::from(interval), day)?,
        };
        let next = next_date.and_time(dtstart.time()).and_utc();
        match &self.end {
            Some(RecurrenceEnd::Until(until)) if next > *until => None,
            _ => Some(next),
        }
    }

    /// Weekly with `BYDAY`: the earliest listed day after `current` in the
    /// grid week holding (or last before) current's week, or in the grid week after it.
    fn next_listed_day(&self, dtstart: DateTime<Utc>, current: DateTime<Utc>, interval: u32) -> Option<NaiveDate> {
        let start_monday = monday_of(dtstart.date_naive())?;
        let week = (monday_of(current.date_naive())? - start_monday).num_days() / 7;
        let interval = i64::from(interval);
        let grid_week = week.div_euclid(interval) * interval;
        [grid_week, grid_week + interval]
            .into_iter()
            .filter_map(|week| start_monday.checked_add_signed(TimeDelta::try_weeks(week)?))
            .flat_map(|monday| {
                self.by_day
                    .iter()
                    .filter_map(move |day| monday.checked_add_days(Days::new(u64::from(day.num_days_from_monday()))))
            })
            .filter(|date| date.and_time(dtstart.time()).and_utc() > current)
            .min()
    }

    /// Human description: "daily", "every 3 days", "weekly on Mon, Wed",
    /// "every 2 weeks on Fri", "monthly", "yearly", plus ", 5 times" or
    /// ", until 2027-01-31".
    pub fn describe(&self) -> String {
        let (_, adverb, unit) = self.frequency.names();
        let mut text = match self.interval {
            1 => adverb.to_owned(),
            interval => format!("every {interval} {unit}"),
        };
        if !self.by_day.is_empty() {
            let names: Vec<String> = self.by_day.iter().map(ToString::to_string).collect();
            text += &format!(" on {}", names.join(", "));
        }
        match &self.end {
            Some(RecurrenceEnd::Count(1)) => text += ", once",
            Some(RecurrenceEnd::Count(count)) => text += &format!(", {count} times"),
            Some(RecurrenceEnd::Until(until)) => text += &format!(", until {}", until.format("%Y-%m-%d")),
            None => {}
        }
        text
    }
}

fn monday_of(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
}

/// Day `day` of the first month `step`, 2 × `step`… months after `year`/`month0`
/// that has such a day.
fn months_later(year: i32, month0: u32, step: i64, day: u32) -> Option<NaiveDate> {
    let start = i64::from(year) * 12 + i64::from(month0);
    (1..=MAX_PERIODS_TRIED).find_map(|n| {
        let index = start + step * i64::from(n);
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        NaiveDate::from_ymd_opt(year, u32::try_from(index.rem_euclid(12)).ok()? + 1, day)
    })
}

#[cfg(test)]
mod tests;
