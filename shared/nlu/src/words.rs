//! Small closed word classes shared by the extractors: numbers said as words, ordinals,
//! weekdays, months and parts of the day.

use chrono::Weekday;

use crate::types::PartOfDay;

/// "three" → 3, "a" → 1, "couple" → 2, and digits.
pub(crate) fn number(word: &str) -> Option<u32> {
    let value = match word {
        "a" | "an" | "one" => 1,
        "two" | "couple" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "fifteen" => 15,
        "twenty" => 20,
        "thirty" => 30,
        _ => {
            return word
                .parse()
                .ok()
                .filter(|_| word.len() <= 6 && word.bytes().all(|b| b.is_ascii_digit()));
        }
    };
    Some(value)
}

/// "second" → 2, "3rd" → 3, "21st" → 21.
pub(crate) fn ordinal(word: &str) -> Option<u32> {
    let value = match word {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        _ => {
            let digits = ["st", "nd", "rd", "th"]
                .iter()
                .find_map(|suffix| word.strip_suffix(suffix))?;
            return digits.parse().ok().filter(|n| (1..=31).contains(n));
        }
    };
    Some(value)
}

/// Ordinal words past "tenth".
const ORDINALS: [&str; 21] = [
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "thirtieth",
    "",
];
/// Number words past "twelve" that a day of the month can be.
const TEENS: [&str; 7] = [
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

/// A day of the month said in words, and where it ends: "third", "twenty first", "twenty-first",
/// "thirty first", "two", "twenty five". Only read next to a month, where a number is a day.
pub(crate) fn spoken_day(m: &crate::message::Message<'_>, i: usize) -> Option<(u32, usize)> {
    let unit = |word: &str| -> Option<u32> {
        ordinal(word)
            .filter(|_| !word.starts_with(|c: char| c.is_ascii_digit()))
            .or_else(|| number(word).filter(|n| (1..=9).contains(n) && !matches!(word, "a" | "an" | "couple")))
    };
    let word = m.word(i);
    if let Some((tens, rest)) = word.split_once('-') {
        let base = match tens {
            "twenty" => 20,
            "thirty" => 30,
            _ => return None,
        };
        return unit(rest).map(|n| (base + n, i + 1)).filter(|(day, _)| *day <= 31);
    }
    let base = match word {
        "twenty" => 20,
        "thirty" => 30,
        _ => {
            let day = unit(word)
                .or_else(|| number(word).filter(|n| (10..=12).contains(n)))
                .or_else(|| TEENS.iter().position(|t| *t == word).map(|p| p as u32 + 13))
                .or_else(|| {
                    ORDINALS
                        .iter()
                        .position(|o| !o.is_empty() && *o == word)
                        .map(|p| p as u32 + 11)
                })?;
            return Some((day, i + 1));
        }
    };
    match unit(m.word(i + 1)) {
        Some(n) if base + n <= 31 => Some((base + n, i + 2)),
        _ => Some((base, i + 1)),
    }
}

/// A weekday's full name.
pub(crate) fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// A weekday's full name or abbreviation ("mon", "tues", "thu"…). Abbreviations are ordinary
/// words too ("sat", "wed"), so callers accept them only after "on", "every", "next" and such.
pub(crate) fn weekday_or_abbreviation(word: &str) -> Option<Weekday> {
    weekday(word).or(match word {
        "mon" => Some(Weekday::Mon),
        "tue" | "tues" => Some(Weekday::Tue),
        "wed" | "weds" => Some(Weekday::Wed),
        "thu" | "thur" | "thurs" => Some(Weekday::Thu),
        "fri" => Some(Weekday::Fri),
        "sat" => Some(Weekday::Sat),
        "sun" => Some(Weekday::Sun),
        _ => None,
    })
}

/// "mondays" → Monday: the plural that means "every Monday".
pub(crate) fn weekday_plural(word: &str) -> Option<Weekday> {
    word.strip_suffix('s').and_then(weekday)
}

/// A month's name or abbreviation, 1-based.
pub(crate) fn month(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = word.trim_end_matches('.');
    let index = NAMES
        .iter()
        .position(|name| word.len() >= 3 && name.starts_with(word))?;
    u32::try_from(index + 1).ok()
}

/// "morning", "evening"…; "tonight" and "night" are both night.
pub(crate) fn part_of_day(word: &str) -> Option<PartOfDay> {
    Some(match word {
        "morning" => PartOfDay::Morning,
        "afternoon" => PartOfDay::Afternoon,
        "evening" => PartOfDay::Evening,
        "night" | "tonight" => PartOfDay::Night,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_ordinals_and_names_are_recognised() {
        assert_eq!(number("three"), Some(3));
        assert_eq!(number("12"), Some(12));
        assert_eq!(ordinal("2nd"), Some(2));
        assert_eq!(ordinal("thirty"), None);
        assert_eq!(weekday_or_abbreviation("thurs"), Some(Weekday::Thu));
        assert_eq!(weekday_plural("mondays"), Some(Weekday::Mon));
        assert_eq!(month("dec"), Some(12));
        assert_eq!(month("mar"), Some(3));
        assert_eq!(month("ma"), None);
    }
}
