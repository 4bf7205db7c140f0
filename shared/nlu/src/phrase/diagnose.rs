//! Why a typed phrase was refused, when the reason is more precise than "not understood": a clock
//! time out of range, a date that does not exist, an amount that is not a positive whole number.
//! These run only after the rules refused the text, so they never change what is accepted.

use chrono::NaiveDate;

use super::PhraseError;

const MAX_INTERVAL: u32 = 999;
const SHAPE: &str = "write times like 17:00, 5pm or 5:30pm";
const UNITS: &str = "day days week weeks month months year years";

/// The reason a due date is impossible, if one of its words says so.
pub(super) fn due(input: &str) -> Option<String> {
    let words = words(input);
    if let Some(reason) = after(&words) {
        return Some(reason);
    }
    words.iter().find_map(|word| date(word).or_else(|| clock(word)))
}

/// An interval out of range in "every 1000 weeks", "0 days", "-2 weeks".
pub(super) fn interval(input: &str) -> Option<PhraseError> {
    let words = words(input);
    let words = match words.as_slice() {
        [every, rest @ ..] if every == "every" => rest,
        all => all,
    };
    let [number, unit, ..] = words else { return None };
    let numeric = number.trim_start_matches(['-', '+']);
    let valid = number
        .parse::<u32>()
        .is_ok_and(|n| number.bytes().all(|b| b.is_ascii_digit()) && (1..=MAX_INTERVAL).contains(&n));
    let is_number = !numeric.is_empty() && numeric.bytes().all(|b| b.is_ascii_digit());
    (is_number && !valid && UNITS.split(' ').any(|u| u == unit)).then(|| PhraseError::InvalidInterval {
        input: input.to_owned(),
        number: (*number).to_owned(),
    })
}

/// Lower-cased words, with `2026-12-01t17:00` split in two and `5 pm` joined into `5pm`.
fn words(input: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in input.to_lowercase().replace(',', " ").split_whitespace() {
        if let (Some(date), Some("t"), Some(time)) = (word.get(..10), word.get(10..11), word.get(11..))
            && is_date_shaped(date)
        {
            words.push(date.to_owned());
            words.push(time.to_owned());
        } else if let Some(last) = words.last_mut()
            && (word == "am" || word == "pm")
            && last.ends_with(|c: char| c.is_ascii_digit())
        {
            last.push_str(word);
        } else {
            words.push(word.to_owned());
        }
    }
    words
}

/// "in -3 days", "in 0 days", "in 3 fortnights", "in 99999999999 weeks".
fn after(words: &[String]) -> Option<String> {
    let [first, amount, unit] = words else { return None };
    if first != "in" {
        return None;
    }
    let digits = !amount.is_empty() && amount.bytes().all(|b| b.is_ascii_digit());
    let count = amount.parse::<u64>().ok().filter(|_| digits);
    match count {
        Some(0) | None if !matches!(amount.as_str(), "a" | "an") => {
            return Some(format!("'{amount}' is not a positive whole number"));
        }
        _ => {}
    }
    let known = "min mins minute minutes h hr hrs hour hours day days week weeks fortnight fortnights month months \
        year years";
    if !known.split_whitespace().any(|u| u == unit) {
        return Some(format!(
            "unknown unit '{unit}': use minutes, hours, days, weeks, months or years"
        ));
    }
    // Any count the rules refused once the unit is known is too far: 100 years is under 2^40 min.
    count
        .is_some_and(|count| count >= 1 << 20)
        .then(|| "that is too far in the future".to_owned())
}

/// `2026-02-30`: shaped like a date, but no such day.
fn date(word: &str) -> Option<String> {
    if !is_date_shaped(word) {
        return None;
    }
    let field = |range: std::ops::Range<usize>| word.get(range)?.parse::<u32>().ok();
    let exists = (|| NaiveDate::from_ymd_opt(i32::try_from(field(0..4)?).ok()?, field(5..7)?, field(8..10)?))();
    exists.is_none().then(|| format!("there is no date {word}"))
}

/// `dddd-dd-dd`.
fn is_date_shaped(text: &str) -> bool {
    text.len() == 10
        && text.char_indices().all(|(index, c)| match index {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        })
}

/// A word shaped like a clock time whose fields are out of range: `31:00`, `17:60`, `13pm`.
fn clock(token: &str) -> Option<String> {
    let (body, meridiem) = match (token.strip_suffix("am"), token.strip_suffix("pm")) {
        (Some(body), _) | (_, Some(body)) => (body, true),
        _ => (token, false),
    };
    let clock_like = body.starts_with(|c: char| c.is_ascii_digit())
        && body.chars().all(|c| c.is_ascii_digit() || c == ':')
        && (meridiem || body.contains(':'));
    if !clock_like {
        return None;
    }
    let fields: Vec<&str> = body.split(':').collect();
    let (hour, minute, second) = match (fields.as_slice(), meridiem) {
        ([hour], true) => (*hour, "00", "00"),
        ([hour, minute], _) => (*hour, *minute, "00"),
        ([hour, minute, second], false) => (*hour, *minute, *second),
        _ => return Some(SHAPE.to_owned()),
    };
    if hour.len() > 2 || minute.len() != 2 || second.len() != 2 {
        return Some(SHAPE.to_owned());
    }
    let number = |text: &str| text.parse::<u32>().ok();
    let (Some(hour), Some(minute), Some(second)) = (number(hour), number(minute), number(second)) else {
        return Some(SHAPE.to_owned());
    };
    if meridiem && !(1..=12).contains(&hour) {
        Some(format!("hour {hour} is out of range 1-12 with am/pm"))
    } else if hour > 23 {
        Some(format!("hour {hour} is out of range 0-23"))
    } else if minute > 59 {
        Some(format!("minute {minute} is out of range 00-59"))
    } else if second > 59 {
        Some(format!("second {second} is out of range 00-59"))
    } else {
        None
    }
}
