//! Times of day: "5pm", "14:30", "at 6", "at 5:30 pm", "noon", "midnight", and said in words as
//! speech-to-text writes them: "at five pm", "seven thirty", "four hundred pm", "twelve o'clock",
//! "at 2 30", "4 00 pm", "half past 10", "quarter to five".

use super::{Piece, Time};
use crate::message::Message;

/// "5pm", "14:30", "at 6", "at 5:30 pm", "noon", "midnight", "eod".
pub(super) fn clock(m: &Message<'_>, j: usize, at: bool) -> Option<(usize, Piece)> {
    let word = m.word(j);
    match word {
        "noon" | "midday" | "lunchtime" => return Some((j + 1, Piece::Time(Time::Noon))),
        "lunch" if at => return Some((j + 1, Piece::Time(Time::Noon))),
        "midnight" => return Some((j + 1, Piece::Time(Time::Midnight))),
        _ => {}
    }
    let (hour, minute, colon) = match word.split_once([':', '.']) {
        Some((hour, minute)) if minute.len() == 2 && (word.contains(':') || at) => {
            (hour.parse::<u32>().ok()?, minute.parse::<u32>().ok()?, true)
        }
        Some(_) => return None,
        None if word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit()) => (word.parse::<u32>().ok()?, 0, false),
        None => return spoken(m, j, at).or_else(|| past(m, j)),
    };
    // "2 30", "4 00 pm": a time as speech-to-text writes "2:30", when "at" or am/pm says so.
    let split = split_minutes(m, j, word, at);
    let (minute, after) = match split {
        Some(minute) => (minute, j + 2),
        None => (minute, j + 1),
    };
    let colon = colon || split.is_some();
    let meridiem = m
        .at(after, "am|pm|a.m.|p.m.")
        .map(|end| (end, m.word(after).starts_with('p')));
    // "my 4 o'clock appointment": o'clock says it is a time.
    let oclock = m.at(after, "o'clock|oclock").or_else(|| m.at(after, "o clock"));
    if hour > 24 || minute > 59 || !(colon || at || meridiem.is_some() || oclock.is_some()) {
        return None;
    }
    let (end, pm) = match meridiem {
        Some((end, pm)) if (1..=12).contains(&hour) => (end, Some(pm)),
        Some(_) => return None,
        None => (oclock.unwrap_or(after), None),
    };
    let exact = pm.is_some() || hour == 0 || hour >= 13 || (colon && word.starts_with('0'));
    Some((
        end,
        Piece::Time(Time::Clock {
            hour: hour % 24,
            minute,
            pm,
            exact,
        }),
    ))
}

/// The hours said as words.
const HOURS: [&str; 12] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
];

/// Minutes said after an hour word, longest first: "seven thirty", "four forty five", "nine oh
/// five", and the military "four hundred", "seven hundred and forty five".
const MINUTES: &[(&str, u32)] = &[
    ("hundred and? forty five", 45),
    ("hundred and? thirty", 30),
    ("hundred and? fifteen", 15),
    ("hundred hours?", 0),
    ("oh|o five", 5),
    ("fifty five", 55),
    ("forty five", 45),
    ("forty-five", 45),
    ("thirty five", 35),
    ("twenty five", 25),
    ("fifty", 50),
    ("forty", 40),
    ("thirty", 30),
    ("twenty", 20),
    ("fifteen", 15),
    ("ten", 10),
];

/// "at five", "five pm", "seven thirty pm", "twelve o'clock": an hour word with its minutes, when
/// "at", am/pm or o'clock says it is a time.
fn spoken(m: &Message<'_>, j: usize, at: bool) -> Option<(usize, Piece)> {
    let hour = HOURS.iter().position(|h| *h == m.word(j))? as u32 + 1;
    let (after, minute) = MINUTES
        .iter()
        .find_map(|(pattern, minute)| m.at(j + 1, pattern).map(|end| (end, *minute)))
        .unwrap_or((j + 1, 0));
    let meridiem = m
        .at(after, "am|pm|a.m.|p.m.")
        .map(|end| (end, m.word(after).starts_with('p')));
    let clock = m.at(after, "o'clock|oclock").or_else(|| m.at(after, "o clock"));
    // "ten in the morning", "seven at night": the part of the day says it is a time (and is read
    // on its own).
    let part = m
        .at(after, "in the morning|afternoon|evening")
        .or_else(|| m.at(after, "at night|tonight"));
    if !(at || meridiem.is_some() || clock.is_some() || part.is_some()) {
        return None;
    }
    let end = meridiem.map(|(end, _)| end).or(clock).unwrap_or(after);
    Some((end, said_time(hour, minute, meridiem)))
}

/// The minutes of "2 30" or "4 00 pm": a hour of one or two digits, then two digits of minutes,
/// read as a time only after "at" or before am/pm (elsewhere "2 30" may be two numbers).
fn split_minutes(m: &Message<'_>, j: usize, hour: &str, at: bool) -> Option<u32> {
    let next = m.word(j + 1);
    let two_digits = next.len() == 2 && next.bytes().all(|b| b.is_ascii_digit()) && m.is_free(j + 1);
    let minute = next.parse::<u32>().ok().filter(|minute| two_digits && *minute < 60)?;
    let hour_ok = hour.parse::<u32>().is_ok_and(|hour| hour <= 23);
    let said = at || m.at(j + 2, "am|pm|a.m.|p.m.").is_some();
    (hour_ok && said).then_some(minute)
}

/// "half past 10", "a quarter past two", "quarter to 5 pm": minutes said around the hour; the
/// words say it is a time, so no "at" is needed.
fn past(m: &Message<'_>, j: usize) -> Option<(usize, Piece)> {
    let start = m.at(j, "a").unwrap_or(j);
    let (after, minute, before) = if let Some(end) = m.at(start, "half past|after") {
        (end, 30, false)
    } else if let Some(end) = m.at(start, "quarter past|after") {
        (end, 15, false)
    } else {
        (m.at(start, "quarter to|till|til")?, 45, true)
    };
    let word = m.word(after);
    let hour = HOURS
        .iter()
        .position(|h| *h == word)
        .map(|p| p as u32 + 1)
        .or_else(|| {
            word.parse::<u32>()
                .ok()
                .filter(|h| (1..=12).contains(h) && m.kind(after) == Some(crate::normalise::Kind::Number))
        })
        .filter(|_| m.is_free(after))?;
    let hour = if before {
        if hour == 1 { 12 } else { hour - 1 }
    } else {
        hour
    };
    let meridiem = m
        .at(after + 1, "am|pm|a.m.|p.m.")
        .map(|end| (end, m.word(after + 1).starts_with('p')));
    let end = meridiem
        .map(|(end, _)| end)
        .or_else(|| m.at(after + 1, "o'clock|oclock"))
        .unwrap_or(after + 1);
    Some((end, said_time(hour, minute, meridiem)))
}

/// A time said in words or figures, exact when am or pm was said (`meridiem`: where it ends and
/// whether it was pm).
fn said_time(hour: u32, minute: u32, meridiem: Option<(usize, bool)>) -> Piece {
    Piece::Time(Time::Clock {
        hour,
        minute,
        pm: meridiem.map(|(_, pm)| pm),
        exact: meridiem.is_some(),
    })
}
