//! `--every` phrases for the CLI: `day`, `2 weeks`, `weekdays`, `mon,wed,fri`.
//!
//! Users say how often a task repeats in words, while tasks store an RFC 5545
//! rule ([`Recurrence`]). This module maps the common phrases onto rules
//! without I/O, and lets anyone who needs more pass a raw `FREQ=...` rule
//! straight through to the rule parser.

use chrono::Weekday;

use todo_tasks::domain::recurrence::{Frequency, Recurrence, RecurrenceError};

/// Shown whenever a phrase is not understood, so the user sees what does work.
const EXAMPLES: &str = "day, 3 days, week, 2 weeks, other week, weekdays, weekend, mon,wed,fri, \
monday and thursday, 2 weeks on fri, month, 6 months, year, or a raw rule such as \
FREQ=WEEKLY;BYDAY=MO";

const MAX_INTERVAL: u32 = 999;

const WORKING_DAYS: [Weekday; 5] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
const WEEKEND: [Weekday; 2] = [Weekday::Sat, Weekday::Sun];

/// Why an `--every` phrase was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EveryError {
    #[error("no repeat given; try {}", EXAMPLES)]
    Empty,
    #[error("could not understand '{input}' as a repeat; try {}", EXAMPLES)]
    NotUnderstood { input: String },
    #[error("'{number}' in '{input}' must be a whole number from 1 to 999")]
    InvalidNumber { input: String, number: String },
    /// A raw `FREQ=`/`RRULE:` rule that the rule parser rejected.
    #[error("invalid recurrence rule: {0}")]
    Rule(#[from] RecurrenceError),
}

/// Turns a phrase like "day", "daily", "2 weeks", "weekday", "mon,wed,fri",
/// "monday", "month", "year", or a raw RRULE ("FREQ=...") into a Recurrence.
///
/// Letter case does not matter, a leading `every` is ignored, day lists may
/// be separated by commas, spaces or `and`, and `N weeks on <days>` combines
/// an interval with days. The result never has an end (COUNT/UNTIL).
///
/// # Errors
/// [`EveryError`] when the phrase is empty or not understood, when a number
/// is not 1..=999, or when a raw rule is invalid.
pub(crate) fn parse_every(input: &str) -> Result<Recurrence, EveryError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(EveryError::Empty);
    }
    let upper = trimmed.to_ascii_uppercase();
    if upper.starts_with("FREQ=") || upper.starts_with("RRULE:") {
        return Ok(trimmed.parse()?);
    }
    let lower = trimmed.to_lowercase().replace(',', " ");
    let words: Vec<&str> = lower
        .split_whitespace()
        .filter(|word| !matches!(*word, "and" | "&"))
        .collect();
    let words = match words.as_slice() {
        ["every", rest @ ..] => rest,
        all => all,
    };
    let not_understood = || EveryError::NotUnderstood {
        input: trimmed.to_owned(),
    };
    let (head, on_days) = match words.iter().position(|word| *word == "on") {
        Some(at) => (&words[..at], Some(&words[at + 1..])),
        None => (words, None),
    };
    let (frequency, interval, mut by_day) = match period(trimmed, head)? {
        Some(period) => period,
        None if on_days.is_none() => (Frequency::Weekly, 1, day_list(head).ok_or_else(not_understood)?),
        None => return Err(not_understood()),
    };
    if let Some(on_days) = on_days {
        // `on <days>` only makes sense after a plain weekly period.
        if frequency != Frequency::Weekly || !by_day.is_empty() {
            return Err(not_understood());
        }
        by_day = day_list(on_days).ok_or_else(not_understood)?;
    }
    by_day.sort_by_key(Weekday::num_days_from_monday);
    by_day.dedup();
    Ok(Recurrence {
        frequency,
        interval,
        by_day,
        end: None,
    })
}

/// `day`, `daily`, `3 days`, `other week`, `weekdays`, `weekend`…, or `None`
/// when `words` name no period (they may still be a list of days).
fn period(input: &str, words: &[&str]) -> Result<Option<(Frequency, u32, Vec<Weekday>)>, EveryError> {
    let period = match words {
        ["weekday" | "weekdays"] => (Frequency::Weekly, 1, WORKING_DAYS.to_vec()),
        ["weekend" | "weekends"] => (Frequency::Weekly, 1, WEEKEND.to_vec()),
        ["daily"] => (Frequency::Daily, 1, Vec::new()),
        ["weekly"] => (Frequency::Weekly, 1, Vec::new()),
        ["monthly"] => (Frequency::Monthly, 1, Vec::new()),
        ["yearly" | "annually"] => (Frequency::Yearly, 1, Vec::new()),
        [unit] => match frequency_unit(unit) {
            Some(frequency) => (frequency, 1, Vec::new()),
            None => return Ok(None),
        },
        [number, unit] => match frequency_unit(unit) {
            Some(frequency) => (frequency, interval(input, number)?, Vec::new()),
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    Ok(Some(period))
}

fn frequency_unit(word: &str) -> Option<Frequency> {
    match word {
        "day" | "days" => Some(Frequency::Daily),
        "week" | "weeks" => Some(Frequency::Weekly),
        "month" | "months" => Some(Frequency::Monthly),
        "year" | "years" => Some(Frequency::Yearly),
        _ => None,
    }
}

/// The `N` of `N weeks`; `other` means 2.
fn interval(input: &str, number: &str) -> Result<u32, EveryError> {
    if number == "other" {
        return Ok(2);
    }
    let digits_only = !number.is_empty() && number.bytes().all(|byte| byte.is_ascii_digit());
    number
        .parse::<u32>()
        .ok()
        .filter(|value| digits_only && (1..=MAX_INTERVAL).contains(value))
        .ok_or_else(|| EveryError::InvalidNumber {
            input: input.to_owned(),
            number: number.to_owned(),
        })
}

/// Every word a day name, or `None`.
fn day_list(words: &[&str]) -> Option<Vec<Weekday>> {
    if words.is_empty() {
        return None;
    }
    words.iter().map(|word| weekday(word)).collect()
}

/// Full names, plurals (`mondays`), three-letter and RRULE two-letter forms.
fn weekday(word: &str) -> Option<Weekday> {
    let word = word
        .strip_suffix('s')
        .filter(|stem| stem.ends_with("day"))
        .unwrap_or(word);
    Some(match word {
        "monday" | "mon" | "mo" => Weekday::Mon,
        "tuesday" | "tue" | "tues" | "tu" => Weekday::Tue,
        "wednesday" | "wed" | "we" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" | "th" => Weekday::Thu,
        "friday" | "fri" | "fr" => Weekday::Fri,
        "saturday" | "sat" | "sa" => Weekday::Sat,
        "sunday" | "sun" | "su" => Weekday::Sun,
        _ => return None,
    })
}

#[cfg(test)]
mod fuzz {
    //! Any text, and text made of the words the parser knows, is a recurrence or an error: never a
    //! panic.
    use proptest::prelude::*;

    use super::*;

    fn words() -> impl Strategy<Value = String> {
        let vocabulary = vec![
            "every",
            "day",
            "days",
            "week",
            "weeks",
            "month",
            "year",
            "weekday",
            "monday",
            "and",
            "other",
            "2",
            "0",
            "4294967296",
            "-3",
            "until",
            "for",
            "times",
            "at",
            "9am",
            "31st",
            "last",
            "\u{202e}",
        ];
        prop::collection::vec(prop::sample::select(vocabulary), 0..7).prop_map(|w| w.join(" "))
    }

    proptest! {
        #[test]
        fn any_text_is_a_recurrence_or_an_error(text in prop_oneof!["\\PC{0,40}", words()]) {
            let _ = parse_every(&text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every(input: &str) -> Recurrence {
        parse_every(input).unwrap_or_else(|error| panic!("{input:?} should parse: {error}"))
    }

    fn rejection(input: &str) -> EveryError {
        parse_every(input).expect_err("input should be rejected")
    }

    fn rule(text: &str) -> Recurrence {
        text.parse().expect("test rules are valid")
    }

    fn assert_all(inputs: &[&str], expected_rule: &str) {
        let expected = rule(expected_rule);
        for input in inputs {
            assert_eq!(every(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn day_and_daily_repeat_every_day() {
        assert_all(
            &["day", "daily", "every day", "Every Day", "  DAILY  ", "1 day"],
            "FREQ=DAILY",
        );
    }

    #[test]
    fn a_number_of_days_sets_the_interval() {
        assert_all(&["3 days", "every 3 days", "every 3 day"], "FREQ=DAILY;INTERVAL=3");
        assert_all(&["every other day"], "FREQ=DAILY;INTERVAL=2");
    }

    #[test]
    fn week_and_weekly_repeat_every_week() {
        assert_all(&["week", "weekly", "every week", "1 week"], "FREQ=WEEKLY");
        assert_all(
            &["2 weeks", "every 2 weeks", "every other week"],
            "FREQ=WEEKLY;INTERVAL=2",
        );
    }

    #[test]
    fn weekdays_mean_monday_to_friday_and_weekend_means_saturday_and_sunday() {
        assert_all(
            &["weekday", "weekdays", "every weekday"],
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        );
        assert_all(&["weekend", "every weekend", "weekends"], "FREQ=WEEKLY;BYDAY=SA,SU");
    }

    #[test]
    fn a_single_day_name_repeats_weekly_on_that_day() {
        assert_all(
            &["monday", "mon", "every monday", "Mondays", "MO"],
            "FREQ=WEEKLY;BYDAY=MO",
        );
        assert_all(&["thurs", "thu", "thursday"], "FREQ=WEEKLY;BYDAY=TH");
        assert_all(&["sun"], "FREQ=WEEKLY;BYDAY=SU");
    }

    #[test]
    fn day_lists_may_use_commas_spaces_or_and() {
        assert_all(
            &[
                "mon,wed,fri",
                "mon, wed, fri",
                "every mon wed fri",
                "monday, wednesday and friday",
                "fri,mon,wed,mon",
            ],
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        );
        assert_all(&["monday and thursday", "thu and mon"], "FREQ=WEEKLY;BYDAY=MO,TH");
        assert_all(&["tuesdays & thursdays"], "FREQ=WEEKLY;BYDAY=TU,TH");
    }

    #[test]
    fn a_weekly_period_takes_days_after_on() {
        assert_all(
            &["2 weeks on fri", "every other week on friday"],
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
        );
        assert_all(&["week on mon and thu", "weekly on mon,thu"], "FREQ=WEEKLY;BYDAY=MO,TH");
    }

    #[test]
    fn month_and_year_phrases_set_the_frequency_and_interval() {
        assert_all(&["month", "monthly", "every month"], "FREQ=MONTHLY");
        assert_all(&["6 months", "every 6 months"], "FREQ=MONTHLY;INTERVAL=6");
        assert_all(&["year", "yearly", "annually", "every year"], "FREQ=YEARLY");
        assert_all(
            &["2 years", "every 2 years", "every other year"],
            "FREQ=YEARLY;INTERVAL=2",
        );
    }

    #[test]
    fn the_largest_interval_is_accepted() {
        assert_eq!(every("999 days").interval, 999);
    }

    #[test]
    fn raw_rules_go_to_the_rule_parser() {
        assert_all(&["FREQ=WEEKLY;BYDAY=MO;COUNT=3"], "FREQ=WEEKLY;BYDAY=MO;COUNT=3");
        assert_all(
            &["rrule:freq=daily;until=20270131", "freq=daily;UNTIL=20270131"],
            "FREQ=DAILY;UNTIL=20270131",
        );
    }

    #[test]
    fn invalid_raw_rules_report_the_rule_error() {
        let error = rejection("FREQ=HOURLY");

        assert_eq!(
            error,
            EveryError::Rule(RecurrenceError::UnsupportedFrequency("HOURLY".into()))
        );
        assert_eq!(
            error.to_string(),
            "invalid recurrence rule: unsupported FREQ 'HOURLY': use DAILY, WEEKLY, MONTHLY or YEARLY"
        );
        assert_eq!(rejection("RRULE:"), EveryError::Rule(RecurrenceError::Empty));
    }

    #[test]
    fn phrases_never_set_an_end() {
        for input in ["day", "2 weeks", "weekdays", "mon,fri", "month", "year"] {
            assert_eq!(every(input).end, None, "input {input:?}");
        }
    }

    #[test]
    fn empty_input_is_rejected_with_examples() {
        assert_eq!(rejection(""), EveryError::Empty);
        assert_eq!(rejection("  "), EveryError::Empty);
        assert!(rejection("").to_string().contains("2 weeks"));
    }

    #[test]
    fn unknown_phrases_are_rejected_with_the_accepted_forms() {
        let error = rejection("fortnightly");

        assert_eq!(
            error,
            EveryError::NotUnderstood {
                input: "fortnightly".into()
            }
        );
        let message = error.to_string();
        assert!(message.contains("'fortnightly'"), "{message}");
        for form in ["3 days", "weekdays", "mon,wed,fri", "month", "year", "FREQ="] {
            assert!(message.contains(form), "{message} should mention {form}");
        }
    }

    #[test]
    fn phrases_that_combine_badly_are_not_understood() {
        for input in [
            "every",
            "hour",
            "mon, blursday",
            "2 mondays",
            "3 days on monday",
            "weekdays on monday",
            "week on",
            "on monday",
            "month on fri",
            "weekly monthly",
        ] {
            assert!(
                matches!(rejection(input), EveryError::NotUnderstood { .. }),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn numbers_outside_1_to_999_are_rejected_and_named() {
        for (input, number) in [
            ("0 days", "0"),
            ("1000 weeks", "1000"),
            ("-2 weeks", "-2"),
            ("+2 weeks", "+2"),
            ("two months", "two"),
            ("99999999999 years", "99999999999"),
        ] {
            assert_eq!(
                rejection(input),
                EveryError::InvalidNumber {
                    input: input.into(),
                    number: number.into()
                },
                "input {input:?}"
            );
        }
        assert_eq!(
            rejection("0 days").to_string(),
            "'0' in '0 days' must be a whole number from 1 to 999"
        );
    }
}
