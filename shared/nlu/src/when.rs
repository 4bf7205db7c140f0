//! Turns a parsed date expression into instants in the user's time zone: a due time ([`Due`]) or
//! a span of due times ([`DueRange`]). Wall-clock times are converted with the zone's rules for
//! that day, so "tomorrow at 9" is right across a DST change; a time that does not exist (the
//! spring gap) moves forward by the gap, and an ambiguous one (the autumn repeat) takes the
//! first occurrence.

use chrono::{DateTime, Datelike, Days, Duration, Months, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use crate::dates::{Bound, Day, Time, When};
use crate::types::{Due, DueRange, PartOfDay};

mod calendar;

pub use calendar::END_OF_DAY;
pub(crate) use calendar::{
    LAST_SECOND, end_of_day, in_part, local, local_parts, part_span, part_time, resolve_day, start_of,
};
use calendar::{NOON, first_of_month, last_of_month, monday_of, resolve_day_in};

/// The local time a time expression means; `guess` when the hour could be am or pm.
fn resolve_time(when: &When) -> Option<(NaiveTime, bool)> {
    let time = match when.time {
        Some(Time::Clock {
            hour,
            minute,
            pm,
            exact,
        }) => {
            let hour = match pm {
                Some(true) if hour < 12 => hour + 12,
                Some(false) if hour == 12 => 0,
                _ if exact || hour == 12 => hour,
                _ => match when.part {
                    Some(PartOfDay::Morning) => hour,
                    Some(_) => hour + 12,
                    None if hour <= 6 => hour + 12,
                    None => return Some((NaiveTime::from_hms_opt(hour, minute, 0)?, true)),
                },
            };
            NaiveTime::from_hms_opt(hour, minute, 0)?
        }
        Some(Time::Noon) => NOON,
        Some(Time::Midnight) => END_OF_DAY,
        Some(Time::EndOfDay) => return None,
        None => part_time(when.part?),
    };
    Some((time, false))
}

/// The local time a parsed expression names, if any.
pub(crate) fn time_of(when: &When) -> Option<NaiveTime> {
    resolve_time(when).map(|(time, _)| time)
}

/// A due time from a parsed expression. With `time_of_day`, a time without a day stays a time
/// of day (a reschedule that keeps each task's date); otherwise it is its next occurrence.
pub(crate) fn to_due(when: &When, now: DateTime<Utc>, tz: Tz, time_of_day: bool) -> Option<Due> {
    if let Some(minutes) = when.offset_minutes {
        return Some(Due::At {
            at: now + Duration::minutes(minutes),
        });
    }
    let (today, clock_now) = local_parts(tz, now);
    let day = match when.day {
        Some(day) => Some(resolve_day_in(day, today, tz)?),
        None if when.time == Some(Time::EndOfDay) => Some(today),
        None => None,
    };
    // "before friday" is due thursday; "before the end of the month" is due at the end.
    let period_end = matches!(
        when.day,
        Some(Day::EndOfWeek | Day::EndOfMonth | Day::Week { .. } | Day::Month { .. })
    );
    let day = match (day, when.bound) {
        (Some(date), Bound::Before) if !period_end => Some(date - Days::new(1)),
        (day, _) => day,
    };
    let time = resolve_time(when);
    match (day, time) {
        (Some(date), Some((time, _))) => Some(Due::At {
            at: local(tz, date, time),
        }),
        (Some(date), None) => Some(Due::Day {
            date,
            at: end_of_day(tz, date),
        }),
        (None, Some((time, _))) if time_of_day => Some(Due::TimeOfDay { time }),
        (None, Some((time, guess))) => {
            let tomorrow = today + Days::new(1);
            let at = if time > clock_now {
                local(tz, today, time)
            } else if guess && time + Duration::hours(12) > clock_now && time.hour() < 12 {
                local(tz, today, time + Duration::hours(12))
            } else {
                local(tz, tomorrow, time)
            };
            Some(Due::At { at })
        }
        (None, None) => None,
    }
}

/// A span of due times from a parsed expression: a day is that whole day, "this week" Monday to
/// Monday, "this weekend" Saturday and Sunday, "coming up" the next seven days, "by friday"
/// everything until Friday ends and "before friday" everything until it starts; "after six pm"
/// the rest of that day, "after friday" everything from Saturday on. A part of a day is the
/// whole day here, so "tonight's dinner" finds a dinner at 19:00 or at 22:00.
pub(crate) fn to_range(when: &When, now: DateTime<Utc>, tz: Tz) -> Option<DueRange> {
    // A day said is more precise than "coming up": "what's coming up this week".
    if let Some(minutes) = when.upcoming.filter(|_| when.day.is_none()) {
        return Some(DueRange {
            from: Some(now),
            to: Some(now + Duration::minutes(minutes)),
        });
    }
    if let Some(minutes) = when.offset_minutes {
        return Some(DueRange {
            from: Some(now),
            to: Some(now + Duration::minutes(minutes)),
        });
    }
    let (today, _) = local_parts(tz, now);
    let (first, last) = match when.day {
        Some(Day::Week { next }) => {
            let monday = monday_of(today) + Days::new(if next { 7 } else { 0 });
            (monday, monday + Days::new(6))
        }
        Some(Day::Month { next }) => {
            let first = first_of_month(today).checked_add_months(Months::new(u32::from(next)))?;
            (first, last_of_month(first))
        }
        Some(Day::Weekend { next }) => {
            let saturday = resolve_day(Day::Weekend { next }, today)?;
            let saturday = if saturday.weekday() == Weekday::Sun {
                saturday - Days::new(1)
            } else {
                saturday
            };
            (saturday, saturday + Days::new(1))
        }
        Some(day) => {
            let date = resolve_day_in(day, today, tz)?;
            (date, date)
        }
        None if when.time.is_some() || when.part.is_some() => (today, today),
        None => return None,
    };
    let (from, to) = (start_of(tz, first), start_of(tz, last + Days::new(1)));
    Some(match when.bound {
        Bound::None => DueRange {
            from: Some(from),
            to: Some(to),
        },
        // "by 5pm tomorrow", "before noon tomorrow": up to that time of that day.
        Bound::By | Bound::Before if first == last && when.time.is_some() => DueRange {
            from: Some(from),
            to: resolve_time(when).map(|(time, _)| local(tz, first, time)),
        },
        Bound::By => DueRange {
            from: None,
            to: Some(to),
        },
        Bound::Before => DueRange {
            from: None,
            to: Some(from),
        },
        Bound::After => match resolve_time(when).filter(|_| first == last) {
            Some((time, _)) => DueRange {
                from: Some(local(tz, first, time)),
                to: Some(to),
            },
            None => DueRange {
                from: Some(to),
                to: None,
            },
        },
    })
}

/// The span a list asks for: [`to_range`], with a part of a single day narrowed to its hours
/// ("what's on tomorrow morning").
pub(crate) fn to_list_range(when: &When, now: DateTime<Utc>, tz: Tz) -> Option<DueRange> {
    let range = to_range(when, now, tz)?;
    let (Some(part), None, Some(from), Some(to)) = (when.part, when.time, range.from, range.to) else {
        return Some(range);
    };
    if to - from > Duration::hours(25) || when.bound != Bound::None {
        return Some(range);
    }
    let (start, hours) = part_span(part);
    let from = local(tz, local_parts(tz, from).0, start);
    Some(DueRange {
        from: Some(from),
        to: Some(from + Duration::hours(hours)),
    })
}

impl Due {
    /// The due time this gives a task that is due at `current` (if at all), at `now` in `tz`:
    /// a time of day keeps the task's local date (or takes the next occurrence when it has no
    /// due time); a shift needs a current due time.
    pub fn apply(&self, current: Option<DateTime<Utc>>, now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        match *self {
            Self::At { at } | Self::Day { at, .. } => Some(at),
            Self::TimeOfDay { time } => match current {
                Some(current) => Some(local(tz, local_parts(tz, current).0, time)),
                None => {
                    let when = When {
                        time: Some(Time::Clock {
                            hour: time.hour(),
                            minute: time.minute(),
                            pm: None,
                            exact: true,
                        }),
                        ..When::default()
                    };
                    match to_due(&when, now, tz, false)? {
                        Self::At { at } => Some(at),
                        _ => None,
                    }
                }
            },
            Self::Shift { days, minutes } => {
                let (date, time) = local_parts(tz, current?);
                let date = date.checked_add_signed(Duration::days(days))?;
                Some(local(tz, date, time) + Duration::minutes(minutes))
            }
        }
    }
}

#[cfg(test)]
mod tests;
