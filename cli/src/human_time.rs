//! Human due dates for the CLI: `tomorrow 5pm`, `in 3 days`, `friday`, `2026-12-01`.
//!
//! People type due dates the way they say them, while the API wants an exact
//! instant. This module turns one into the other without I/O: the caller passes
//! the user's current local time, so results are deterministic and testable,
//! and local times keep the user's UTC offset. RFC 3339 timestamps pass
//! through unchanged for scripts.

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Weekday};

/// Shown whenever input is not understood, so the user sees what does work.
const EXAMPLES: &str = "2026-12-01, 2026-12-01 17:00, today, tonight, tomorrow 5pm, friday, \
next monday 10:00, 17:00, 5:30pm, in 3 days, in 2 hours, in 30 min, end of week, next week, \
or an RFC 3339 timestamp such as 2026-12-01T17:00:00+01:00";

/// A day without a time means "by the end of that day".
const END_OF_DAY: NaiveTime = hm(23, 59);
const TONIGHT: NaiveTime = hm(20, 0);
const NOON: NaiveTime = hm(12, 0);
/// `next week` means the start of next week's working day.
const WORKDAY_START: NaiveTime = hm(9, 0);

/// Why a due date was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum HumanTimeError {
    #[error("no due date given; try {}", EXAMPLES)]
    Empty,
    #[error("could not understand '{input}' as a due date; try {}", EXAMPLES)]
    NotUnderstood { input: String },
    #[error("'{input}' is not a valid due date: {reason}")]
    Invalid { input: String, reason: String },
}

/// Parses a human due date relative to `now` (the user's local time, with its offset).
///
/// Days without a time mean 23:59 that day; a time without a day means the
/// next time the clock shows it (today, or tomorrow if it has passed).
///
/// # Errors
/// [`HumanTimeError`] when the input is empty, not understood, or names an
/// impossible date or time (`31:00`, `2026-02-30`, `in -3 days`).
pub(crate) fn parse_human_time(
    input: &str,
    now: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>, HumanTimeError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(HumanTimeError::Empty);
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(&trimmed.to_ascii_uppercase()) {
        return Ok(instant);
    }
    let owned_words = words(trimmed);
    let words: Vec<&str> = owned_words.iter().map(String::as_str).collect();
    let context = Context { input: trimmed, now };
    let today = now.date_naive();
    let days_into_week = u64::from(today.weekday().num_days_from_monday());
    match words.as_slice() {
        ["in", amount, unit] => context.after(amount, unit),
        ["end", "of", "week"] | ["end", "of", "the", "week"] => {
            context.at(context.add_days(today, 6 - days_into_week)?, END_OF_DAY)
        }
        ["next", "week"] => context.at(context.add_days(today, 7 - days_into_week)?, WORKDAY_START),
        _ => context.day_and_time(&words),
    }
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

/// What every step needs: the original input (for errors) and the reference time.
struct Context<'a> {
    input: &'a str,
    now: DateTime<FixedOffset>,
}

impl Context<'_> {
    fn invalid(&self, reason: impl Into<String>) -> HumanTimeError {
        HumanTimeError::Invalid {
            input: self.input.to_owned(),
            reason: reason.into(),
        }
    }

    fn too_far(&self) -> HumanTimeError {
        self.invalid("that is too far in the future")
    }

    fn at(&self, date: NaiveDate, time: NaiveTime) -> Result<DateTime<FixedOffset>, HumanTimeError> {
        date.and_time(time)
            .and_local_timezone(*self.now.offset())
            .single()
            .ok_or_else(|| self.too_far())
    }

    fn add_days(&self, date: NaiveDate, days: u64) -> Result<NaiveDate, HumanTimeError> {
        date.checked_add_days(Days::new(days)).ok_or_else(|| self.too_far())
    }

    /// `in 3 days`, `in an hour`, `in 30 min`: an exact span from now.
    fn after(&self, amount: &str, unit: &str) -> Result<DateTime<FixedOffset>, HumanTimeError> {
        let count = match amount {
            "a" | "an" => 1,
            digits if !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) => {
                digits.parse::<i64>().map_err(|_| self.too_far())?
            }
            _ => 0,
        };
        if count == 0 {
            return Err(self.invalid(format!("'{amount}' is not a positive whole number")));
        }
        let span = match unit {
            "min" | "mins" | "minute" | "minutes" => TimeDelta::try_minutes(count),
            "h" | "hr" | "hrs" | "hour" | "hours" => TimeDelta::try_hours(count),
            "day" | "days" => TimeDelta::try_days(count),
            "week" | "weeks" => TimeDelta::try_weeks(count),
            _ => {
                return Err(self.invalid(format!("unknown unit '{unit}': use minutes, hours, days or weeks")));
            }
        };
        span.and_then(|span| self.now.checked_add_signed(span))
            .ok_or_else(|| self.too_far())
    }

    /// A day, a time, or both in either order (`tomorrow at 5pm`, `5pm on friday`).
    fn day_and_time(&self, words: &[&str]) -> Result<DateTime<FixedOffset>, HumanTimeError> {
        if let Some((date, default_time)) = self.day(words)? {
            return self.at(date, default_time);
        }
        if let Some(time) = self.time(without_leading(words, "at"))? {
            let today = self.at(self.now.date_naive(), time)?;
            if today > self.now {
                return Ok(today);
            }
            return self.at(self.add_days(self.now.date_naive(), 1)?, time);
        }
        for split in 1..words.len() {
            let (left, right) = words.split_at(split);
            if let Some((date, _)) = self.day(left)?
                && let Some(time) = self.time(without_leading(right, "at"))?
            {
                return self.at(date, time);
            }
            if let Some(time) = self.time(without_leading(left, "at"))?
                && let Some((date, _)) = self.day(without_leading(right, "on"))?
            {
                return self.at(date, time);
            }
        }
        Err(HumanTimeError::NotUnderstood {
            input: self.input.to_owned(),
        })
    }

    /// A day and the time it means on its own, or `None` if `words` name no day.
    fn day(&self, words: &[&str]) -> Result<Option<(NaiveDate, NaiveTime)>, HumanTimeError> {
        let today = self.now.date_naive();
        let named_weekday = match words {
            [name] | ["next", name] => weekday(name),
            _ => None,
        };
        if let Some(target) = named_weekday {
            // Never today: "friday" said on a Friday means a week later.
            let from_monday = today.weekday().num_days_from_monday();
            let ahead = (target.num_days_from_monday() + 6 - from_monday) % 7 + 1;
            return Ok(Some((self.add_days(today, u64::from(ahead))?, END_OF_DAY)));
        }
        let day = match words {
            ["today"] => (today, END_OF_DAY),
            ["tonight"] => (today, TONIGHT),
            ["tomorrow"] => (self.add_days(today, 1)?, END_OF_DAY),
            [date] if is_date_shaped(date) => {
                let date = calendar_date(date).ok_or_else(|| self.invalid(format!("there is no date {date}")))?;
                (date, END_OF_DAY)
            }
            _ => return Ok(None),
        };
        Ok(Some(day))
    }

    /// A clock time (`17:00`, `5pm`, `5:30pm`, `12am`, `noon`), or `None` if `words` is not one.
    fn time(&self, words: &[&str]) -> Result<Option<NaiveTime>, HumanTimeError> {
        let [token] = words else { return Ok(None) };
        if *token == "noon" {
            return Ok(Some(NOON));
        }
        let (body, pm) = match (token.strip_suffix("am"), token.strip_suffix("pm")) {
            (Some(body), _) => (body, Some(false)),
            (_, Some(body)) => (body, Some(true)),
            _ => (*token, None),
        };
        let clock_like = body.starts_with(|c: char| c.is_ascii_digit())
            && body.chars().all(|c| c.is_ascii_digit() || c == ':')
            && (pm.is_some() || body.contains(':'));
        if !clock_like {
            return Ok(None);
        }
        let bad_shape = || self.invalid("write times like 17:00, 5pm or 5:30pm");
        let fields: Vec<&str> = body.split(':').collect();
        let (hour, minute, second) = match (fields.as_slice(), pm) {
            ([hour], Some(_)) => (*hour, "00", "00"),
            ([hour, minute], _) => (*hour, *minute, "00"),
            ([hour, minute, second], None) => (*hour, *minute, *second),
            _ => return Err(bad_shape()),
        };
        if hour.len() > 2 || minute.len() != 2 || second.len() != 2 {
            return Err(bad_shape());
        }
        let number = |text: &str| text.parse::<u32>().map_err(|_| bad_shape());
        let (mut hour, minute, second) = (number(hour)?, number(minute)?, number(second)?);
        if minute > 59 {
            return Err(self.invalid(format!("minute {minute} is out of range 00-59")));
        }
        if second > 59 {
            return Err(self.invalid(format!("second {second} is out of range 00-59")));
        }
        match pm {
            Some(_) if !(1..=12).contains(&hour) => {
                return Err(self.invalid(format!("hour {hour} is out of range 1-12 with am/pm")));
            }
            Some(pm) => hour = hour % 12 + if pm { 12 } else { 0 },
            None if hour > 23 => {
                return Err(self.invalid(format!("hour {hour} is out of range 0-23")));
            }
            None => {}
        }
        NaiveTime::from_hms_opt(hour, minute, second)
            .map(Some)
            .ok_or_else(bad_shape)
    }
}

fn without_leading<'w, 'a>(words: &'w [&'a str], word: &str) -> &'w [&'a str] {
    match words {
        [first, rest @ ..] if *first == word => rest,
        _ => words,
    }
}

/// `2026-12-01` as a date, if that day exists.
fn calendar_date(text: &str) -> Option<NaiveDate> {
    let field = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    NaiveDate::from_ymd_opt(i32::try_from(field(0..4)?).ok()?, field(5..7)?, field(8..10)?)
}

/// `dddd-dd-dd`; whether it is a real date is checked later, to give a precise error.
fn is_date_shaped(text: &str) -> bool {
    text.len() == 10
        && text.char_indices().all(|(index, c)| match index {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        })
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// A `NaiveTime` constant; the arguments are literals, so a bad one fails the build.
const fn hm(hour: u32, minute: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, minute, 0) {
        Some(time) => time,
        None => panic!("invalid constant time"),
    }
}

#[cfg(test)]
mod fuzz {
    //! Any text, and text made of the words the parser knows, gives a time or an error: never a
    //! panic (an overflow of a far date, a slice inside a character).
    use proptest::prelude::*;

    use super::*;

    fn words() -> impl Strategy<Value = String> {
        let vocabulary = vec![
            "in",
            "at",
            "on",
            "next",
            "tomorrow",
            "today",
            "tonight",
            "monday",
            "friday",
            "noon",
            "midnight",
            "pm",
            "am",
            "days",
            "weeks",
            "hours",
            "minutes",
            "999999999",
            "-1",
            "0",
            "12:60",
            "25:00",
            "2026-02-30",
            "+99:99",
            "½",
            "ｔｏｍｏｒｒｏｗ",
            "\u{0}",
        ];
        prop::collection::vec(prop::sample::select(vocabulary), 0..6).prop_map(|w| w.join(" "))
    }

    proptest! {
        #[test]
        fn any_text_is_a_time_or_an_error(text in prop_oneof!["\\PC{0,40}", words()]) {
            let now = DateTime::parse_from_rfc3339("2026-03-11T10:30:00+01:00").expect("now");
            let _ = parse_human_time(&text, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Wednesday morning in a UTC+1 zone.
    const NOW: &str = "2026-03-11T10:30:00+01:00";

    fn instant(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).expect("test timestamps are valid RFC 3339")
    }

    fn parse_at(input: &str, now: &str) -> DateTime<FixedOffset> {
        parse_human_time(input, instant(now)).unwrap_or_else(|error| panic!("{input:?} should parse: {error}"))
    }

    fn parse(input: &str) -> DateTime<FixedOffset> {
        parse_at(input, NOW)
    }

    fn rejection(input: &str) -> HumanTimeError {
        parse_human_time(input, instant(NOW)).expect_err("input should be rejected")
    }

    fn assert_all(inputs: &[&str], expected: &str) {
        for input in inputs {
            assert_eq!(parse(input), instant(expected), "input {input:?}");
        }
    }

    #[test]
    fn rfc3339_timestamps_pass_through_with_their_own_offset() {
        assert_eq!(parse("2026-12-01T17:00:00+01:00"), instant("2026-12-01T17:00:00+01:00"));
        assert_eq!(parse("2026-12-01T16:00:00Z"), instant("2026-12-01T16:00:00Z"));
        assert_eq!(parse(" 2026-12-01t16:00:00z "), instant("2026-12-01T16:00:00Z"));
        assert_eq!(parse("2026-12-01T17:00:00-05:00").offset().local_minus_utc(), -5 * 3600);
    }

    #[test]
    fn a_date_alone_means_the_end_of_that_day_in_local_time() {
        assert_all(&["2026-12-01", "  2026-12-01 "], "2026-12-01T23:59:00+01:00");
    }

    #[test]
    fn a_date_with_a_time_is_local_time() {
        assert_all(
            &[
                "2026-12-01 17:00",
                "2026-12-01T17:00",
                "2026-12-01 5pm",
                "2026-12-01 at 17:00",
            ],
            "2026-12-01T17:00:00+01:00",
        );
        assert_eq!(parse("2026-12-01T17:00:30"), instant("2026-12-01T17:00:30+01:00"));
    }

    #[test]
    fn today_tonight_and_tomorrow_have_their_own_default_times() {
        assert_all(&["today", "TODAY"], "2026-03-11T23:59:00+01:00");
        assert_all(&["tonight"], "2026-03-11T20:00:00+01:00");
        assert_all(&["tomorrow", " Tomorrow "], "2026-03-12T23:59:00+01:00");
    }

    #[test]
    fn a_day_word_takes_a_time_with_or_without_at_and_in_either_order() {
        assert_all(
            &[
                "tomorrow 17:00",
                "tomorrow at 5pm",
                "Tomorrow At 5 PM",
                "5pm tomorrow",
                "at 5pm tomorrow",
            ],
            "2026-03-12T17:00:00+01:00",
        );
        assert_all(&["today 9am", "today at 09:00"], "2026-03-11T09:00:00+01:00");
        assert_all(&["tonight 9:30pm"], "2026-03-11T21:30:00+01:00");
    }

    #[test]
    fn a_time_alone_is_today_while_it_is_still_ahead() {
        assert_all(&["5pm", "17:00", "at 17:00", "5 pm"], "2026-03-11T17:00:00+01:00");
        assert_all(&["12pm", "noon"], "2026-03-11T12:00:00+01:00");
        assert_all(&["10:31"], "2026-03-11T10:31:00+01:00");
    }

    #[test]
    fn a_time_alone_that_has_passed_or_is_now_means_tomorrow() {
        assert_all(&["9am", "09:00"], "2026-03-12T09:00:00+01:00");
        assert_all(&["10:30"], "2026-03-12T10:30:00+01:00");
        assert_all(&["12am", "0:00", "00:00"], "2026-03-12T00:00:00+01:00");
    }

    #[test]
    fn twelve_hour_times_convert_as_on_a_clock() {
        assert_all(&["tomorrow 12am"], "2026-03-12T00:00:00+01:00");
        assert_all(&["tomorrow 12:15am"], "2026-03-12T00:15:00+01:00");
        assert_all(&["tomorrow 12pm"], "2026-03-12T12:00:00+01:00");
        assert_all(&["tomorrow 1am"], "2026-03-12T01:00:00+01:00");
        assert_all(&["tomorrow 5:30pm"], "2026-03-12T17:30:00+01:00");
        assert_all(&["tomorrow 11:59pm"], "2026-03-12T23:59:00+01:00");
    }

    #[test]
    fn in_amount_unit_adds_an_exact_span_to_now() {
        assert_all(&["in 3 days"], "2026-03-14T10:30:00+01:00");
        assert_all(&["in 2 hours", "in 2 hrs", "in 2 h"], "2026-03-11T12:30:00+01:00");
        assert_all(
            &["in 30 minutes", "in 30 min", "in 30 mins"],
            "2026-03-11T11:00:00+01:00",
        );
        assert_all(&["in 1 week", "in a week", "IN 1 WEEK"], "2026-03-18T10:30:00+01:00");
        assert_all(&["in 2 weeks"], "2026-03-25T10:30:00+01:00");
        assert_all(&["in an hour"], "2026-03-11T11:30:00+01:00");
    }

    #[test]
    fn a_weekday_name_means_its_next_date_and_never_today() {
        assert_all(&["monday", "mon", "Next Monday"], "2026-03-16T23:59:00+01:00");
        assert_all(&["fri", "friday", "next fri"], "2026-03-13T23:59:00+01:00");
        assert_all(&["thursday", "thu", "thurs"], "2026-03-12T23:59:00+01:00");
        assert_all(&["tuesday", "tues"], "2026-03-17T23:59:00+01:00");
        // NOW is a Wednesday.
        assert_all(&["wednesday", "wed"], "2026-03-18T23:59:00+01:00");
        assert_all(&["sat"], "2026-03-14T23:59:00+01:00");
        assert_all(&["sunday"], "2026-03-15T23:59:00+01:00");
    }

    #[test]
    fn a_weekday_name_takes_a_time() {
        assert_all(
            &["monday 10:00", "monday at 10am", "10am on monday"],
            "2026-03-16T10:00:00+01:00",
        );
        assert_all(&["next friday at 5:30pm", "friday, 17:30"], "2026-03-13T17:30:00+01:00");
    }

    #[test]
    fn end_of_week_is_the_coming_sunday_at_the_end_of_the_day() {
        assert_all(&["end of week", "End of the week"], "2026-03-15T23:59:00+01:00");
        assert_eq!(
            parse_at("end of week", "2026-03-15T08:00:00+01:00"),
            instant("2026-03-15T23:59:00+01:00")
        );
        assert_eq!(
            parse_at("end of week", "2026-03-16T08:00:00+01:00"),
            instant("2026-03-22T23:59:00+01:00")
        );
    }

    #[test]
    fn next_week_is_monday_of_next_week_at_nine() {
        assert_all(&["next week"], "2026-03-16T09:00:00+01:00");
        assert_eq!(
            parse_at("next week", "2026-03-15T22:00:00+01:00"),
            instant("2026-03-16T09:00:00+01:00")
        );
        assert_eq!(
            parse_at("next week", "2026-03-16T08:00:00+01:00"),
            instant("2026-03-23T09:00:00+01:00")
        );
    }

    #[test]
    fn relative_days_roll_over_the_end_of_the_year() {
        // A Thursday evening on New Year's Eve.
        let now = "2026-12-31T22:00:00+01:00";

        assert_eq!(parse_at("tomorrow", now), instant("2027-01-01T23:59:00+01:00"));
        assert_eq!(parse_at("in 3 hours", now), instant("2027-01-01T01:00:00+01:00"));
        assert_eq!(parse_at("9pm", now), instant("2027-01-01T21:00:00+01:00"));
        assert_eq!(parse_at("friday", now), instant("2027-01-01T23:59:00+01:00"));
        assert_eq!(parse_at("end of week", now), instant("2027-01-03T23:59:00+01:00"));
        assert_eq!(parse_at("next week", now), instant("2027-01-04T09:00:00+01:00"));
    }

    #[test]
    fn relative_days_roll_over_month_ends_and_leap_days() {
        let now = "2026-02-28T18:00:00-05:00";

        assert_eq!(parse_at("tomorrow", now), instant("2026-03-01T23:59:00-05:00"));
        assert_eq!(parse_at("in 2 days", now), instant("2026-03-02T18:00:00-05:00"));
        assert_eq!(parse_at("5pm", now), instant("2026-03-01T17:00:00-05:00"));
        assert_eq!(
            parse_at("tomorrow", "2028-02-28T18:00:00-05:00"),
            instant("2028-02-29T23:59:00-05:00")
        );
    }

    #[test]
    fn local_results_keep_the_offset_of_now() {
        let result = parse_at("tomorrow 9am", "2026-07-01T12:00:00-07:00");

        assert_eq!(result, instant("2026-07-02T09:00:00-07:00"));
        assert_eq!(result.offset().local_minus_utc(), -7 * 3600);
    }

    #[test]
    fn empty_input_is_rejected() {
        assert_eq!(rejection(""), HumanTimeError::Empty);
        assert_eq!(rejection("   "), HumanTimeError::Empty);
        assert!(rejection("").to_string().contains("tomorrow 5pm"));
    }

    #[test]
    fn unknown_words_are_rejected_with_examples() {
        let error = rejection("blursday");

        assert_eq!(
            error,
            HumanTimeError::NotUnderstood {
                input: "blursday".into()
            }
        );
        let message = error.to_string();
        assert!(message.contains("'blursday'"), "{message}");
        assert!(
            message.contains("in 3 days") && message.contains("next week"),
            "{message}"
        );
    }

    #[test]
    fn phrases_that_combine_badly_are_not_understood() {
        for input in [
            "next",
            "tomorrow tomorrow",
            "5",
            "tomorrow at",
            "in 3",
            "end of month",
            "at",
        ] {
            assert!(
                matches!(rejection(input), HumanTimeError::NotUnderstood { .. }),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn out_of_range_clock_times_are_rejected_with_the_reason() {
        for (input, reason) in [
            ("31:00", "hour 31 is out of range 0-23"),
            ("24:00", "hour 24 is out of range 0-23"),
            ("17:60", "minute 60 is out of range 00-59"),
            ("17:00:61", "second 61 is out of range 00-59"),
            ("13pm", "hour 13 is out of range 1-12 with am/pm"),
            ("0am", "hour 0 is out of range 1-12 with am/pm"),
            ("tomorrow 31:00", "hour 31 is out of range 0-23"),
            ("5:3pm", "write times like 17:00, 5pm or 5:30pm"),
            ("123:00", "write times like 17:00, 5pm or 5:30pm"),
            ("5:30:00pm", "write times like 17:00, 5pm or 5:30pm"),
        ] {
            assert_eq!(
                rejection(input),
                HumanTimeError::Invalid {
                    input: input.into(),
                    reason: reason.into()
                },
                "input {input:?}"
            );
        }
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(
            rejection("2026-02-30"),
            HumanTimeError::Invalid {
                input: "2026-02-30".into(),
                reason: "there is no date 2026-02-30".into()
            }
        );
        assert!(matches!(rejection("2026-13-01 17:00"), HumanTimeError::Invalid { .. }));
    }

    #[test]
    fn relative_amounts_must_be_positive_whole_numbers_with_a_known_unit() {
        for (input, reason) in [
            ("in -3 days", "'-3' is not a positive whole number"),
            ("in 0 days", "'0' is not a positive whole number"),
            ("in three days", "'three' is not a positive whole number"),
            ("in +3 days", "'+3' is not a positive whole number"),
            (
                "in 3 fortnights",
                "unknown unit 'fortnights': use minutes, hours, days or weeks",
            ),
            ("in 99999999999 weeks", "that is too far in the future"),
            ("in 99999999999999999999 days", "that is too far in the future"),
        ] {
            assert_eq!(
                rejection(input),
                HumanTimeError::Invalid {
                    input: input.into(),
                    reason: reason.into()
                },
                "input {input:?}"
            );
        }
    }

    #[test]
    fn invalid_messages_quote_the_input_and_the_reason() {
        assert_eq!(
            rejection("31:00").to_string(),
            "'31:00' is not a valid due date: hour 31 is out of range 0-23"
        );
    }
}
