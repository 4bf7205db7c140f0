//! Finds date and time expressions in a message ("tomorrow at 5pm", "next Friday", "in 2 hours",
//! "on Dec 3", "end of the week", "monday morning", "2026-12-01") and claims their tokens. This
//! step only says what was written; [`when`](crate::when) turns it into instants in the user's
//! zone, so the same parse serves due dates, time-of-day changes and list ranges.

use std::ops::Range;

use chrono::Weekday;

use crate::message::Message;
use crate::types::PartOfDay;

mod absolute;
mod clock;
mod relative;

/// Which week a weekday name points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WeekChoice {
    /// "friday": the next one after today.
    Coming,
    /// "this friday": the one in this week, or the coming one once it has passed.
    This,
    /// "next friday": the one in next week (weeks start on Monday).
    Next,
}

/// A day, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Day {
    Today,
    Tomorrow,
    AfterTomorrow,
    Weekday(Weekday, WeekChoice),
    /// A calendar date; without a year, the next one from today.
    Date {
        year: Option<i32>,
        month: u32,
        day: u32,
    },
    /// "the 15th": the next 15th from today.
    OfMonth(u32),
    /// "the 1st of next month".
    OfNextMonth(u32),
    /// "12/15", "3/12/2027": day and month in the order the user's zone writes them, unless one
    /// of them is over 12.
    Numeric {
        first: u32,
        second: u32,
        year: Option<i32>,
    },
    InDays(i64),
    InMonths(i64),
    EndOfWeek,
    EndOfMonth,
    Weekend {
        next: bool,
    },
    Week {
        next: bool,
    },
    Month {
        next: bool,
    },
}

/// A time of day, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Time {
    /// `pm` is `Some` when am/pm was given; `exact` when the hour cannot be 12 off ("14:30", "09:00").
    Clock {
        hour: u32,
        minute: u32,
        pm: Option<bool>,
        exact: bool,
    },
    Noon,
    Midnight,
    /// "eod", "end of day": the day without a time.
    EndOfDay,
}

/// "by friday" and "before friday" bound a range; for a due date "before" means the day before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Bound {
    #[default]
    None,
    Before,
    By,
    /// "after six pm", "after friday".
    After,
}

/// Everything the date expressions of one message said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct When {
    pub(crate) day: Option<Day>,
    pub(crate) time: Option<Time>,
    pub(crate) part: Option<PartOfDay>,
    /// "in 2 hours": minutes from now.
    pub(crate) offset_minutes: Option<i64>,
    pub(crate) bound: Bound,
    /// "coming up" (seven days), "in the next 3 days": a span from now, in minutes.
    pub(crate) upcoming: Option<i64>,
}

#[derive(Clone, Copy)]
enum Piece {
    Day(Day),
    Time(Time),
    Part(PartOfDay),
    DayPart(Day, PartOfDay),
    DayTime(Day, Time),
    Offset(i64),
    Upcoming(i64),
}

impl When {
    /// Adds a piece unless its slot is taken; a second date is left for someone else.
    fn absorb(&mut self, piece: Piece, bound: Bound) -> bool {
        let ok = match piece {
            Piece::Day(day) if self.day.is_none() && self.offset_minutes.is_none() => {
                self.day = Some(day);
                true
            }
            Piece::Time(time) if self.time.is_none() && self.offset_minutes.is_none() => {
                self.time = Some(time);
                true
            }
            Piece::Part(part) if self.part.is_none() => {
                self.part = Some(part);
                true
            }
            Piece::DayPart(day, part) if self.day.is_none() && self.part.is_none() => {
                (self.day, self.part) = (Some(day), Some(part));
                true
            }
            Piece::DayTime(day, time) if self.day.is_none() && self.time.is_none() => {
                (self.day, self.time) = (Some(day), Some(time));
                true
            }
            Piece::Offset(minutes) if *self == Self::default() => {
                self.offset_minutes = Some(minutes);
                true
            }
            Piece::Upcoming(minutes) if self.day.is_none() && self.upcoming.is_none() => {
                self.upcoming = Some(minutes);
                true
            }
            _ => false,
        };
        if ok && bound != Bound::None {
            self.bound = bound;
        }
        ok
    }
}

/// Finds and claims the date expressions among the free tokens of `range`.
pub(crate) fn take(message: &mut Message<'_>, range: Range<usize>) -> Option<When> {
    let mut when = When::default();
    let mut found = false;
    let end = range.end.min(message.len());
    let mut i = range.start;
    while i < end {
        // Words already claimed (a due time read as the new value) are not read again.
        match with_prefix(message, i).filter(|(stop, ..)| (i..*stop).all(|j| message.is_free(j))) {
            Some((stop, bound, piece)) if stop <= end && when.absorb(piece, bound) => {
                message.take(i..stop);
                found = true;
                i = stop;
            }
            _ => i += 1,
        }
    }
    found.then_some(when)
}

/// A piece at `i`, after an optional "due", "on", "at", "by", "before", "for"…
fn with_prefix(m: &Message<'_>, i: usize) -> Option<(usize, Bound, Piece)> {
    let mut j = m.at(i, "due").unwrap_or(i);
    let mut bound = Bound::None;
    let mut at = false;
    if let Some(next) = m.at(j, "no later than") {
        (j, bound) = (next, Bound::By);
    } else if let Some(next) = m.at(j, "by|until|till|til") {
        (j, bound) = (next, Bound::By);
    } else if let Some(next) = m.at(j, "before") {
        (j, bound) = (next, Bound::Before);
    } else if let Some(next) = m.at(j, "after").or_else(|| m.at(j, "later than")) {
        (j, bound) = (next, Bound::After);
    } else if let Some(next) = m.at(j, "at|around") {
        (j, at) = (next, true);
    } else if let Some(next) = m.at(j, "sometime|starting|beginning|on|for|from|over") {
        j = next;
    }
    let prefixed = j > i;
    let (end, piece) = piece(m, j, prefixed, at)?;
    Some((end, bound, piece))
}

fn piece(m: &Message<'_>, j: usize, prefixed: bool, at: bool) -> Option<(usize, Piece)> {
    absolute::iso(m, j)
        .or_else(|| absolute::numeric(m, j))
        .or_else(|| absolute::holiday(m, j))
        .or_else(|| relative::upcoming(m, j))
        .or_else(|| relative::relative(m, j))
        .or_else(|| relative::named_day(m, j))
        .or_else(|| relative::this_or_next(m, j))
        .or_else(|| relative::weekday(m, j, prefixed))
        .or_else(|| absolute::month_date(m, j))
        .or_else(|| absolute::day_of_month(m, j, prefixed))
        .or_else(|| clock::clock(m, j, at))
}

#[cfg(test)]
mod tests;
