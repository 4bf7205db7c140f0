//! Dates written as dates: "2026-12-01", "12/15", "dec 3", "dec. 11", "the 5th of december", "the 15th",
//! "christmas eve", "the 1st of next month".

use super::{Day, Piece, Time};
use crate::message::{Message, listed};
use crate::words;

/// "2026-12-01" or "2026-12-01T14:30".
pub(super) fn iso(m: &Message<'_>, j: usize) -> Option<(usize, Piece)> {
    let word = m.word(j);
    let (date, time) = word.split_once('t').unwrap_or((word, ""));
    let mut parts = date.split('-').map(str::parse::<u32>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if !(2000..=2100).contains(&year) || date.len() != 10 {
        return None;
    }
    let day = Day::Date {
        year: i32::try_from(year).ok(),
        month,
        day,
    };
    if time.is_empty() {
        return Some((j + 1, Piece::Day(day)));
    }
    let (hour, minute) = time.split_once(':')?;
    let (hour, minute) = (hour.parse::<u32>().ok()?, minute.parse::<u32>().ok()?);
    (hour < 24 && minute < 60).then_some((
        j + 1,
        Piece::DayTime(
            day,
            Time::Clock {
                hour,
                minute,
                pm: None,
                exact: true,
            },
        ),
    ))
}

/// "12/15", "15/12", "12/15/2026".
pub(super) fn numeric(m: &Message<'_>, j: usize) -> Option<(usize, Piece)> {
    let mut parts = m.word(j).split('/');
    let (first, second, year) = (parts.next()?, parts.next()?, parts.next());
    let parse = |text: &str| {
        text.parse::<u32>()
            .ok()
            .filter(|n| (1..=31).contains(n) && text.len() <= 2)
    };
    let year = match year {
        Some(year) => Some(year.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))?),
        None => None,
    };
    let (first, second) = (parse(first)?, parse(second)?);
    (parts.next().is_none() && first.min(second) <= 12)
        .then_some((j + 1, Piece::Day(Day::Numeric { first, second, year })))
}

/// Holidays on fixed dates: "christmas eve", "new year's day", "halloween".
pub(super) fn holiday(m: &Message<'_>, j: usize) -> Option<(usize, Piece)> {
    const HOLIDAYS: &[(&str, u32, u32)] = &[
        ("christmas|xmas eve", 12, 24),
        ("christmas|xmas day?", 12, 25),
        ("boxing day", 12, 26),
        ("new year's|years eve", 12, 31),
        ("nye", 12, 31),
        ("new year's|years|year day?", 1, 1),
        ("valentine's|valentines day?", 2, 14),
        ("halloween", 10, 31),
    ];
    // "christmas tree" and "search for christmas" are not dates; "on christmas", "christmas eve" are.
    let deadline = j > 0 && listed("on by before until till at", m.word(j - 1));
    HOLIDAYS.iter().find_map(|(pattern, month, day)| {
        let end = m.at(j, pattern)?;
        let named = listed("day eve nye halloween", m.word(end - 1));
        (named || deadline && !m.is_free_word(end)).then_some((
            end,
            Piece::Day(Day::Date {
                year: None,
                month: *month,
                day: *day,
            }),
        ))
    })
}

/// "dec 3", "december 12th, 2027", "3 dec", "the 5th of december".
pub(super) fn month_date(m: &Message<'_>, j: usize) -> Option<(usize, Piece)> {
    let day_number = |i: usize| {
        let word = m.word(i);
        words::ordinal(word)
            .filter(|_| word.bytes().next().is_some_and(|b| b.is_ascii_digit()))
            .or_else(|| word.parse().ok().filter(|_| word.len() <= 2))
            .filter(|day| (1..=31).contains(day) && m.is_free(i))
    };
    // A day in digits, or said in words next to its month: "march twenty first", "may two".
    let day_at = |i: usize| {
        day_number(i)
            .map(|day| (day, i + 1))
            .or_else(|| words::spoken_day(m, i).filter(|_| m.is_free(i)))
    };
    let start = m.at(j, "the").unwrap_or(j);
    let (month, day, end) = if let Some(month) = words::month(m.word(start)).filter(|_| start == j) {
        // "dec. 11": an abbreviation's full stop.
        let at = m.at(j + 1, ".").unwrap_or(j + 1);
        let at = m.at(at, "the").unwrap_or(at);
        let (day, end) = day_at(at)?;
        (month, day, end)
    } else {
        let (day, day_end) = day_at(start)?;
        let month_at = m.at(day_end, "of").unwrap_or(day_end);
        (
            words::month(m.word(month_at)).filter(|_| m.is_free(month_at))?,
            day,
            month_at + 1,
        )
    };
    let year_at = m.at(end, ",").unwrap_or(end);
    let year = m
        .word(year_at)
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y) && m.is_free(year_at));
    let end = if year.is_some() { year_at + 1 } else { end };
    Some((end, Piece::Day(Day::Date { year, month, day })))
}

/// "on the 15th", "the 1st", "first of" (as in "first of every month").
pub(super) fn day_of_month(m: &Message<'_>, j: usize, prefixed: bool) -> Option<(usize, Piece)> {
    let start = m.at(j, "the").unwrap_or(j);
    let word = m.word(start);
    // "on the twelfth", "on the twenty first": said in words after "on the".
    if !word.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && prefixed
        && start > j
        // "the twenty first" ends in an ordinal; "the two" is no date.
        && let Some((day, end)) = words::spoken_day(m, start)
            .filter(|&(_, end)| words::number(word).is_none() || words::ordinal(m.word(end - 1)).is_some())
    {
        let of = m.at(end, "of");
        if m.at(end, "one|task|item|todo|entry").is_none() {
            return Some(which_month(m, end, of, day));
        }
    }
    let day = words::ordinal(word)?;
    let digits = word.bytes().next().is_some_and(|b| b.is_ascii_digit());
    let of = m.at(start + 1, "of");
    if m.at(start + 1, "one|task|item|todo|entry").is_some() || !(digits && (prefixed || start > j) || of.is_some()) {
        return None;
    }
    Some(which_month(m, start + 1, of, day))
}

/// "the 29th of this month", "the 1st of next month": the month said after "of"; without one, the
/// next such day.
fn which_month(m: &Message<'_>, end: usize, of: Option<usize>, day: u32) -> (usize, Piece) {
    let Some(of) = of else {
        return (end, Piece::Day(Day::OfMonth(day)));
    };
    if let Some(month_end) = m.at(of, "the? this|current month") {
        return (month_end, Piece::Day(Day::OfMonth(day)));
    }
    if let Some(month_end) = m.at(of, "the? next|following|coming month") {
        return (month_end, Piece::Day(Day::OfNextMonth(day)));
    }
    (of, Piece::Day(Day::OfMonth(day)))
}
