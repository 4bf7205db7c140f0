//! Times of day: "5pm", "14:30", "at 6", "at 5:30 pm", "noon", "midnight".

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
        None if word.len() <= 2 => (word.parse::<u32>().ok()?, 0, false),
        None => return None,
    };
    let meridiem = m
        .at(j + 1, "am|pm|a.m.|p.m.")
        .map(|end| (end, m.word(j + 1).starts_with('p')));
    if hour > 24 || minute > 59 || !(colon || at || meridiem.is_some()) {
        return None;
    }
    let (end, pm) = match meridiem {
        Some((end, pm)) if (1..=12).contains(&hour) => (end, Some(pm)),
        Some(_) => return None,
        None => (m.at(j + 1, "o'clock").unwrap_or(j + 1), None),
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
