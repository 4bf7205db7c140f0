//! Repetition phrases ("every Monday", "daily", "every 2 weeks", "every weekday", "monthly on the
//! 1st", "yearly", "until Dec 31", "for 10 days") turned into the task model's RRULE subset:
//! FREQ, INTERVAL, BYDAY (weekly only), COUNT and UNTIL, written in its canonical order.
//!
//! The model has no BYMONTHDAY: a monthly (or yearly) series repeats on its first due date's day,
//! so "monthly on the 1st" is `FREQ=MONTHLY` with the due date set to the next 1st; this module
//! leaves "on the 1st" for the date parser, which makes it the due date.

use std::ops::Range;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use todo_domain::recurrence::{Frequency, Recurrence, RecurrenceEnd};

use crate::dates;
use crate::message::Message;
use crate::types::PartOfDay;
use crate::when;
use crate::words;

mod phrases;

/// A repetition found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repeat {
    pub(crate) freq: Frequency,
    pub(crate) interval: u32,
    /// Weekly only, Monday first.
    pub(crate) by_day: Vec<Weekday>,
    pub(crate) count: Option<u32>,
    /// The last local day of the series.
    pub(crate) until: Option<NaiveDate>,
    /// "every evening": the time of day the occurrences fall on.
    pub(crate) part: Option<PartOfDay>,
    /// "at the end of each month": the day the first occurrence falls on.
    pub(crate) anchor: Option<dates::Day>,
}

impl Repeat {
    pub(super) fn new(freq: Frequency, interval: u32) -> Self {
        Self {
            freq,
            interval,
            by_day: Vec::new(),
            count: None,
            until: None,
            part: None,
            anchor: None,
        }
    }

    /// A repetition with `rule`'s period and days (its end does not move the first day).
    pub(crate) fn of(rule: &Recurrence) -> Self {
        Self {
            by_day: rule.by_day.clone(),
            ..Self::new(rule.frequency, rule.interval)
        }
    }

    /// The rule in the task model's terms. `UNTIL` is the end of the last day in the user's
    /// zone, in UTC.
    pub(crate) fn recurrence(&self, tz: Tz) -> Recurrence {
        let end = match (self.count, self.until) {
            (Some(count), _) => Some(RecurrenceEnd::Count(count)),
            (None, Some(until)) => Some(RecurrenceEnd::Until(when::local(tz, until, when::LAST_SECOND))),
            (None, None) => None,
        };
        Recurrence {
            frequency: self.freq,
            interval: self.interval,
            by_day: self.by_day.clone(),
            end,
        }
    }

    /// The canonical RRULE, as the task model writes it back.
    pub(crate) fn rule(&self, tz: Tz) -> String {
        self.recurrence(tz).to_string()
    }

    /// The first local day on or after `today` the series falls on, with a time of day that
    /// must still be ahead of `now` on that day.
    pub(crate) fn first_day(&self, now: DateTime<Utc>, tz: Tz, time: Option<NaiveTime>) -> NaiveDate {
        let (today, clock) = when::local_parts(tz, now);
        (0..8)
            .map(|ahead| today + Days::new(ahead))
            .find(|date| {
                let listed = self.by_day.is_empty() || self.by_day.contains(&date.weekday());
                listed && (*date > today || time.is_none_or(|time| time > clock))
            })
            .unwrap_or(today)
    }
}

/// Finds and claims a repetition in `range`, with its end ("for 10 days", "until dec 31") and
/// the words that only announce it ("repeat", "recurring").
pub(crate) fn take(m: &mut Message<'_>, range: Range<usize>, today: NaiveDate) -> Option<Repeat> {
    let end = range.end.min(m.len());
    let best = (range.start..end)
        .filter_map(|i| phrases::spec(m, i).map(|(stop, repeat)| (i, stop, repeat)))
        .filter(|(_, stop, _)| *stop <= end)
        .max_by_key(|(i, stop, repeat)| (stop - i, repeat.by_day.len(), usize::MAX - i))?;
    let (mut start, stop, mut repeat) = best;
    // "on every tuesday": the "on" belongs to the repetition, not to the title.
    if start > range.start && m.word(start) == "every" && m.at(start - 1, "on|at").is_some() && m.is_free(start - 1) {
        start -= 1;
    }
    m.take(start..stop);
    // "biweekly team sync on thursdays": the adjective gives the interval of the day list.
    if repeat.freq == Frequency::Weekly
        && repeat.interval == 1
        && !repeat.by_day.is_empty()
        && let Some(adverb) = m.find(range.start..end, "biweekly|bi-weekly|fortnightly")
    {
        m.take(adverb);
        repeat.interval = 2;
    }
    take_end(m, range.start..end, &mut repeat, today);
    for i in range.start..end {
        if m.at(i, "repeat|repeats|repeating|recur|recurs|recurring|repeated|repetitive")
            .is_some()
        {
            m.take(i..i + 1);
        }
    }
    Some(repeat)
}

/// Finds and claims "stop repeating", "don't repeat … anymore", "remove the recurrence".
pub(crate) fn take_stop(m: &mut Message<'_>, range: Range<usize>) -> bool {
    const STOP: &str = "stop|quit|don't|dont|doesn't|shouldn't|no|not|never|remove|cancel|clear|end";
    const WHAT: &str = "repeating|recurring|repeat|recur|recurrence|repetition|repeats";
    let found = m
        .find(range.clone(), &format!("{STOP} longer? the? {WHAT}"))
        .or_else(|| m.find(range.clone(), &format!("turn|switch off the? {WHAT}")))
        .or_else(|| m.find(range.clone(), &format!("disable the? {WHAT}")))
        .or_else(|| stop_from(m, range.clone()));
    if let Some(found) = &found {
        m.take(found.clone());
        if let Some(more) = m.find(range.clone(), "anymore").or_else(|| m.find(range, "any more")) {
            m.take(more);
        }
    }
    found.is_some()
}

/// "stop the laundry task from repeating": claims "stop" and returns "from repeating".
fn stop_from(m: &mut Message<'_>, range: Range<usize>) -> Option<Range<usize>> {
    let from = m.find(range, "from repeating|recurring")?;
    let stop = (from.start.saturating_sub(6)..from.start).find(|&i| m.at(i, "stop|prevent|keep").is_some())?;
    m.take(stop..stop + 1);
    Some(from)
}

/// "for 10 days", "4 times", "until december 31".
fn take_end(m: &mut Message<'_>, range: Range<usize>, repeat: &mut Repeat, today: NaiveDate) {
    for i in range.clone() {
        if let Some(end) = m.at(i, "for? <n>|two|three|four|five|six|seven|eight|nine|ten|twelve <w>") {
            let number_at = if m.word(i) == "for" { i + 1 } else { i };
            let Some(n) = words::number(m.word(number_at)) else {
                continue;
            };
            let unit_word = m.word(end - 1);
            let count = match phrases::unit(unit_word) {
                _ if unit_word == "times" || unit_word == "occurrences" => Some(n),
                Some(freq) if freq == repeat.freq && m.word(i) == "for" => {
                    let per_period = u32::try_from(repeat.by_day.len().max(1)).unwrap_or(1);
                    Some(n / repeat.interval.max(1) * per_period)
                }
                _ => None,
            };
            if let Some(count) = count.filter(|c| (1..=1000).contains(c)) {
                repeat.count = Some(count);
                m.take(i..end);
                return;
            }
        }
        // "until june": through the end of that month.
        if let Some(after) = m.at(i, "until|till|through|thru")
            && let Some(month) = words::month(m.word(after)).filter(|_| {
                let next = m.word(after + 1);
                m.is_free(after) && words::number(next).is_none() && words::ordinal(next).is_none()
            })
        {
            let year = if month >= today.month() {
                today.year()
            } else {
                today.year() + 1
            };
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)
            };
            repeat.until = next.and_then(|first| first.pred_opt());
            m.take(i..after + 1);
            return;
        }
        if let Some(after) = m.at(i, "until|till|through|thru")
            && let Some(when) = dates::take(m, after..(after + 5).min(range.end))
        {
            m.take(i..after);
            repeat.until = when.day.and_then(|day| when::resolve_day(day, today));
            return;
        }
    }
}

#[cfg(test)]
mod tests;
