//! Dates said relative to today: "tomorrow", "in 2 hours", "next friday", "this weekend", "end
//! of the month", "in the next 3 days", "monday morning".

use super::{Day, Piece, Time, WeekChoice};
use crate::message::Message;
use crate::types::PartOfDay;
use crate::words;

/// "in the next 3 days", "over the coming week", "next 48 hours": a span from now.
pub(super) fn upcoming(m: &Message<'_>, j: usize) -> Option<(usize, Piece)> {
    let start = m.at(j, "in|within|over|during? the next|coming|following")?;
    let (amount, unit_at) = match words::number(m.word(start)) {
        Some(amount) => (i64::from(amount), start + 1),
        None => (1, start),
    };
    let minutes = match m.word(unit_at).trim_end_matches('s') {
        "hour" => 60,
        "day" => 24 * 60,
        "week" => 7 * 24 * 60,
        _ => return None,
    };
    (amount > 1 || m.word(unit_at).ends_with('s') || m.word(start - 1) != "next")
        .then_some((unit_at + 1, Piece::Upcoming(amount * minutes)))
}

/// "in 2 hours", "in a week", "in half an hour", "3 days from now".
pub(super) fn relative(m: &Message<'_>, j: usize) -> Option<(usize, Piece)> {
    if let Some(end) = m.at(j, "in half an? hour") {
        return Some((end, Piece::Offset(30)));
    }
    let (amount, unit_at, from_now) = if let Some(end) = m.at(j, "in a? couple of?") {
        (2, end, false)
    } else if m.at(j, "in").is_some() {
        (i64::from(words::number(m.word(j + 1))?), j + 2, false)
    } else {
        (i64::from(words::number(m.word(j))?), j + 1, true)
    };
    let piece = match m.word(unit_at).trim_end_matches('s') {
        "minute" => Piece::Offset(amount),
        "hour" | "h" => Piece::Offset(amount * 60),
        "day" => Piece::Day(Day::InDays(amount)),
        "week" => Piece::Day(Day::InDays(amount * 7)),
        "fortnight" => Piece::Day(Day::InDays(amount * 14)),
        "month" => Piece::Day(Day::InMonths(amount)),
        "year" => Piece::Day(Day::InMonths(amount * 12)),
        _ => return None,
    };
    let end = if from_now {
        m.at(unit_at + 1, "from now|later")?
    } else {
        unit_at + 1
    };
    m.is_free(unit_at).then_some((end, piece))
}

/// "today", "tonight", "tomorrow (morning)", "the day after tomorrow".
pub(super) fn named_day(m: &Message<'_>, j: usize) -> Option<(usize, Piece)> {
    if let Some(end) = m.at(j, "the? day after tomorrow") {
        return Some(with_part(m, end, Day::AfterTomorrow));
    }
    if let Some(end) = m.at(j, "later? today") {
        return Some(with_part(m, end, Day::Today));
    }
    if let Some(end) = m.at(j, "tonight") {
        return Some((end, Piece::DayPart(Day::Today, PartOfDay::Night)));
    }
    if let Some(end) = m.at(j, "today's") {
        return Some((end, Piece::Day(Day::Today)));
    }
    if let Some(end) = m.at(j, "tonight's") {
        return Some((end, Piece::DayPart(Day::Today, PartOfDay::Night)));
    }
    let end = m.at(j, "tomorrow|tomorrow's")?;
    Some(with_part(m, end, Day::Tomorrow))
}

/// A day followed by "morning", "afternoon", "evening" or "night".
pub(super) fn with_part(m: &Message<'_>, end: usize, day: Day) -> (usize, Piece) {
    match words::part_of_day(m.word(end)).filter(|_| m.is_free(end)) {
        Some(part) => (end + 1, Piece::DayPart(day, part)),
        None => (end, Piece::Day(day)),
    }
}

/// "this evening", "next week", "this weekend", "next friday", "end of the month", "coming up".
pub(super) fn this_or_next(m: &Message<'_>, j: usize) -> Option<(usize, Piece)> {
    if let Some(end) = m.at(j, "this morning|afternoon|evening") {
        let part = words::part_of_day(m.word(end - 1))?;
        return Some((end, Piece::DayPart(Day::Today, part)));
    }
    if let Some(end) = m.at(j, "in the morning|afternoon|evening") {
        return Some((end, Piece::Part(words::part_of_day(m.word(end - 1))?)));
    }
    if let Some(end) = m.at(j, "at night") {
        return Some((end, Piece::Part(PartOfDay::Night)));
    }
    if let Some(end) = m
        .at(j, "coming up|upcoming")
        .or_else(|| m.at(j, "soon").filter(|_| j > 0 && m.at(j - 1, "due").is_some()))
    {
        return Some((end, Piece::Upcoming(7 * 24 * 60)));
    }
    if let Some(end) = m
        .at(j, "the morning|afternoon|evening|night")
        .filter(|&end| !m.is_free_word(end))
    {
        return Some((end, Piece::Part(words::part_of_day(m.word(end - 1))?)));
    }
    if let Some(end) = m.at(j, "the? end of the? week|month|day") {
        let piece = match m.word(end - 1) {
            "week" => Piece::Day(Day::EndOfWeek),
            "month" => Piece::Day(Day::EndOfMonth),
            _ => Piece::Time(Time::EndOfDay),
        };
        return Some((end, piece));
    }
    if let Some(end) = m.at(j, "eow|eom|eod|cob") {
        let piece = match m.word(j) {
            "eow" => Piece::Day(Day::EndOfWeek),
            "eom" => Piece::Day(Day::EndOfMonth),
            _ => Piece::Time(Time::EndOfDay),
        };
        return Some((end, piece));
    }
    if let Some(end) = m.at(j, "the weekend") {
        return Some((end, Piece::Day(Day::Weekend { next: false })));
    }
    // "this coming friday", "the coming week": "coming" is the word that counts.
    let j = m
        .at(j, "this|the")
        .filter(|&after| m.at(after, "coming").is_some())
        .unwrap_or(j);
    let next = match m.word(j) {
        "this" => false,
        "next" | "coming" => true,
        _ => return None,
    };
    let day = match m.word(j + 1) {
        "week" => Day::Week { next },
        "weekend" => Day::Weekend { next },
        "month" => Day::Month { next },
        word => {
            let weekday = words::weekday_or_abbreviation(word)?;
            // "this coming sunday", "on coming sunday": the next one to come, not next week's.
            let choice = match m.word(j) {
                "coming" => WeekChoice::Coming,
                _ if next => WeekChoice::Next,
                _ => WeekChoice::This,
            };
            return Some(with_part(m, j + 2, Day::Weekday(weekday, choice)));
        }
    };
    m.is_free(j + 1).then_some((j + 2, Piece::Day(day)))
}

/// "friday", "monday morning"; abbreviations only after a preposition ("on sat").
pub(super) fn weekday(m: &Message<'_>, j: usize, prefixed: bool) -> Option<(usize, Piece)> {
    let word = m.word(j);
    // "sat 10am": an abbreviation right before a time is a day too.
    let before_time = m.at(j + 1, "at|morning|afternoon|evening|night|noon").is_some()
        || m.word(j + 1).starts_with(|c: char| c.is_ascii_digit());
    let weekday = match words::weekday(word) {
        Some(day) => day,
        None if prefixed || before_time => words::weekday_or_abbreviation(word)?,
        None => return None,
    };
    // "saturday this week", "friday next week": the week said after the day.
    if m.is_free(j)
        && let Some(end) = m.at(j + 1, "this|next week")
    {
        let choice = if m.word(j + 1) == "next" {
            WeekChoice::Next
        } else {
            WeekChoice::This
        };
        return Some(with_part(m, end, Day::Weekday(weekday, choice)));
    }
    // "saturday november 28th": the date that follows says the day; the weekday only repeats it.
    if m.is_free(j) {
        let after = m.at(j + 1, ",").unwrap_or(j + 1);
        if let Some((end, Piece::Day(day))) =
            super::absolute::month_date(m, after).filter(|_| m.at(after, "the").is_none())
        {
            return Some(with_part(m, end, day));
        }
    }
    // "saturday the 28th", "monday the thirtieth": the day of the month only repeats the weekday.
    let the = m.at(j + 1, "the").unwrap_or(j + 1);
    let clearly_a_date = the > j + 1 || m.word(the).starts_with(|c: char| c.is_ascii_digit());
    let day_of_month = words::ordinal(m.word(the))
        .map(|day| (day, the + 1))
        .or_else(|| words::spoken_day(m, the).filter(|_| the > j + 1 && words::number(m.word(the)).is_none()));
    let end = match day_of_month {
        Some((day, end)) if clearly_a_date && (1..=31).contains(&day) && m.is_free(the) => end,
        _ => j + 1,
    };
    m.is_free(j)
        .then(|| with_part(m, end, Day::Weekday(weekday, WeekChoice::Coming)))
}
