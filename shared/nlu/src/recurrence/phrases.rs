//! The phrases of a repetition: "daily", "every other friday", "every mon, wed and fri", "on
//! tuesdays and thursdays", "once a week", "at the end of each month".

use chrono::Weekday;
use todo_domain::recurrence::Frequency;

use super::Repeat;
use crate::dates;
use crate::message::{Message, listed};
use crate::words;

/// Words that may follow a frequency adverb used as one ("water the plants daily at 8").
const ADVERB_FOLLOWERS: &str = "on at in for from until till and starting by with task todo thing reminder one item \
    event habit routine basis please then too also as , . ! ? ; : - # every";

/// A repetition starting at `i`.
pub(super) fn spec(m: &Message<'_>, i: usize) -> Option<(usize, Repeat)> {
    let word = m.word(i);
    // "quarterly report", "weekly review": an adverb before a noun describes it.
    let adjective = m.is_free_word(i + 1)
        && !listed(ADVERB_FOLLOWERS, m.word(i + 1))
        && words::weekday_plural(m.word(i + 1)).is_none();
    let simple = |freq, interval| (!adjective).then(|| (i + 1, Repeat::new(freq, interval)));
    let (end, repeat) = match word {
        "daily" | "everyday" | "nightly" => simple(Frequency::Daily, 1)?,
        "weekly" => simple(Frequency::Weekly, 1)?,
        "biweekly" | "bi-weekly" | "fortnightly" => simple(Frequency::Weekly, 2)?,
        "monthly" => simple(Frequency::Monthly, 1)?,
        "quarterly" => simple(Frequency::Monthly, 3)?,
        "yearly" | "annually" | "annual" => simple(Frequency::Yearly, 1)?,
        "weekdays" => (
            i + 1,
            weekly_on(&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]),
        ),
        "weekends" => (i + 1, weekly_on(&[Weekday::Sat, Weekday::Sun])),
        "once" => {
            let end = m.at(i, "once a|per|every")?;
            (end + 1, Repeat::new(unit(m.word(end))?, 1))
        }
        "on" if words::weekday_plural(m.word(i + 1)).is_some() || m.word(i + 1) == "weekdays" => spec(m, i + 1)?,
        "every" | "each" => every(m, i + 1)?,
        "at" | "the" | "end" | "on" | "last" => {
            // "at the end of each month", "on the last day of every month".
            let end = m
                .at(i, "at? the? end of every|each month")
                .or_else(|| m.at(i, "on? the? last day of every|each|the month"))?;
            let mut repeat = Repeat::new(Frequency::Monthly, 1);
            repeat.anchor = Some(dates::Day::EndOfMonth);
            (end, repeat)
        }
        _ => {
            let (end, days) = day_list(m, i, false)?;
            (end, weekly_on(&days))
        }
    };
    if !m.is_free(i) {
        return None;
    }
    let (end, repeat) = match words::part_of_day(m.word(end)).filter(|_| m.is_free(end)) {
        Some(part) => (
            end + 1,
            Repeat {
                part: Some(part),
                ..repeat
            },
        ),
        None => (end, repeat),
    };
    let mut repeat = repeat;
    if repeat.freq == Frequency::Weekly
        && repeat.by_day.is_empty()
        && let Some(on) = m.at(end, "on")
        && let Some((stop, days)) = day_list(m, on, true)
    {
        repeat.by_day = days;
        return Some((stop, repeat));
    }
    Some((end, repeat))
}

/// After "every": "day", "other week", "2 weeks", "monday and friday", "weekday", "evening".
pub(super) fn every(m: &Message<'_>, j: usize) -> Option<(usize, Repeat)> {
    let word = m.word(j);
    if let Some(part) = words::part_of_day(word) {
        let mut repeat = Repeat::new(Frequency::Daily, 1);
        repeat.part = Some(part);
        return Some((j + 1, repeat));
    }
    if let Some(freq) = unit(word) {
        let single = m.at(j, "day|week|month|year").is_some();
        return single.then(|| (j + 1, Repeat::new(freq, 1)));
    }
    // "every 27th", "every 1st of the month": monthly, on that day.
    if let Some(day) = words::ordinal(word).filter(|_| {
        let next = m.word(j + 1);
        unit(next).is_none() && words::weekday_or_abbreviation(next).is_none() && !listed("other", word)
    }) && (word.starts_with(|c: char| c.is_ascii_digit()) || !matches!(word, "second"))
    {
        let end = m.at(j + 1, "of the|every|each? month").unwrap_or(j + 1);
        let mut repeat = Repeat::new(Frequency::Monthly, 1);
        repeat.anchor = Some(dates::Day::OfMonth(day));
        return Some((end, repeat));
    }
    // "every last day of the month".
    if let Some(end) = m.at(j, "last day of the|every|each? month") {
        let mut repeat = Repeat::new(Frequency::Monthly, 1);
        repeat.anchor = Some(dates::Day::EndOfMonth);
        return Some((end, repeat));
    }
    match word {
        "weekday" | "workday" | "weekdays" => {
            return Some((
                j + 1,
                weekly_on(&[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]),
            ));
        }
        "weekend" => return Some((j + 1, weekly_on(&[Weekday::Sat, Weekday::Sun]))),
        "single" => return every(m, j + 1),
        _ => {}
    }
    if let Some((end, days)) = day_list(m, j, true) {
        return Some((end, weekly_on(&days)));
    }
    if words::month(word).is_some() {
        return Some((j, Repeat::new(Frequency::Yearly, 1)));
    }
    let (interval, unit_at) = match word {
        "other" | "second" => (2, j + 1),
        // "every third day", "every 4th week": an ordinal counts the interval.
        _ if words::number(word).is_none()
            && words::ordinal(word).is_some_and(|n| (3..=31).contains(&n))
            && unit(m.word(j + 1)).is_some() =>
        {
            (words::ordinal(word)?, j + 1)
        }
        _ => (words::number(word).filter(|n| (1..=999).contains(n))?, j + 1),
    };
    if let Some((end, days)) = day_list(m, unit_at, true) {
        let mut repeat = weekly_on(&days);
        repeat.interval = interval;
        return Some((end, repeat));
    }
    Some((unit_at + 1, Repeat::new(unit(m.word(unit_at))?, interval)))
}

pub(super) fn unit(word: &str) -> Option<Frequency> {
    match word.trim_end_matches('s') {
        "day" => Some(Frequency::Daily),
        "week" => Some(Frequency::Weekly),
        "month" => Some(Frequency::Monthly),
        "year" => Some(Frequency::Yearly),
        _ => None,
    }
}

pub(super) fn weekly_on(days: &[Weekday]) -> Repeat {
    let mut repeat = Repeat::new(Frequency::Weekly, 1);
    repeat.by_day = days.to_vec();
    repeat.by_day.sort_by_key(Weekday::num_days_from_monday);
    repeat.by_day.dedup();
    repeat
}

/// "monday", "mon wed fri", "monday, wednesday and friday", "tuesdays and thursdays". Singular
/// names only count when `singular` (after "every"); plurals always.
pub(super) fn day_list(m: &Message<'_>, j: usize, singular: bool) -> Option<(usize, Vec<Weekday>)> {
    let day_at = |i: usize| {
        let word = m.word(i);
        let day =
            words::weekday_plural(word).or_else(|| singular.then(|| words::weekday_or_abbreviation(word)).flatten());
        day.filter(|_| m.is_free(i))
    };
    let mut days = vec![day_at(j)?];
    let mut end = j + 1;
    loop {
        let next = m
            .at(end, ",|and|&|/|+")
            .map_or(end, |after| m.at(after, "and").unwrap_or(after));
        match day_at(next) {
            Some(day) => {
                days.push(day);
                end = next + 1;
            }
            None => break,
        }
    }
    days.sort_by_key(Weekday::num_days_from_monday);
    days.dedup();
    Some((end, days))
}
