//! The CLI's table of typed due dates and repetitions, read by the chat's rules. Where the two
//! once disagreed the phrase now means what a person means by it: "in 3 days" is that day (not
//! 72 hours from now), "end of the week" is Friday, "next week" is next Monday, each by the end
//! of the day.

use chrono_tz::Europe::Berlin;
use chrono_tz::Tz;

use super::*;

/// A Wednesday morning in Berlin (UTC+1 until the end of March).
const NOW: &str = "2026-03-11T10:30:00+01:00";

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test timestamps are valid RFC 3339")
        .with_timezone(&Utc)
}

fn due_at(input: &str, now: &str, tz: Tz) -> DateTime<Utc> {
    parse_due(input, instant(now), tz).unwrap_or_else(|error| panic!("{input:?} should parse: {error}"))
}

fn rejection(input: &str) -> PhraseError {
    parse_due(input, instant(NOW), Berlin).expect_err("input should be rejected")
}

fn assert_all(inputs: &[&str], expected: &str) {
    for input in inputs {
        assert_eq!(due_at(input, NOW, Berlin), instant(expected), "input {input:?}");
    }
}

#[test]
fn rfc3339_timestamps_pass_through_with_their_own_offset() {
    assert_all(
        &[
            "2026-12-01T17:00:00+01:00",
            "2026-12-01T16:00:00Z",
            " 2026-12-01t16:00:00z ",
        ],
        "2026-12-01T16:00:00Z",
    );
    assert_eq!(
        due_at("2026-12-01T17:00:00-05:00", NOW, Berlin),
        instant("2026-12-01T22:00:00Z")
    );
}

#[test]
fn a_date_alone_means_the_end_of_that_day_in_local_time() {
    assert_all(
        &["2026-12-01", "  2026-12-01 ", "dec 1", "on the 1st of december"],
        "2026-12-01T23:59:00+01:00",
    );
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
    assert_eq!(
        due_at("2026-12-01T17:00:30", NOW, Berlin),
        instant("2026-12-01T17:00:30+01:00")
    );
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
    assert_all(&["12am", "00:00", "24:00"], "2026-03-12T00:00:00+01:00");
    // "midnight" closes the day it is said on, as in the chat.
    assert_all(&["midnight"], "2026-03-11T23:59:00+01:00");
}

#[test]
fn an_hour_that_could_be_either_half_of_the_day_is_the_next_one_ahead() {
    // "10:30" typed at 10:30 is tonight's; "14:30" or "09:00" can only mean one time.
    assert_all(&["10:30", "at 10:30"], "2026-03-11T22:30:00+01:00");
    assert_all(&["14:30"], "2026-03-11T14:30:00+01:00");
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
fn in_hours_and_minutes_count_from_now_and_in_days_is_that_day() {
    assert_all(&["in 2 hours", "in 2 hrs", "in 2 h"], "2026-03-11T12:30:00+01:00");
    assert_all(
        &["in 30 minutes", "in 30 min", "in 30 mins"],
        "2026-03-11T11:00:00+01:00",
    );
    assert_all(&["in an hour"], "2026-03-11T11:30:00+01:00");
    assert_all(
        &["in 3 days", "in three days", "3 days from now"],
        "2026-03-14T23:59:00+01:00",
    );
    assert_all(&["in 0 days"], "2026-03-11T23:59:00+01:00");
    assert_all(&["in 1 week", "in a week", "IN 1 WEEK"], "2026-03-18T23:59:00+01:00");
    assert_all(&["in 2 weeks", "in a fortnight"], "2026-03-25T23:59:00+01:00");
}

#[test]
fn a_weekday_name_means_its_next_date_and_never_today() {
    assert_all(&["monday", "mon"], "2026-03-16T23:59:00+01:00");
    assert_all(&["fri", "friday", "this friday"], "2026-03-13T23:59:00+01:00");
    assert_all(&["thursday", "thu", "thurs"], "2026-03-12T23:59:00+01:00");
    assert_all(&["tuesday", "tues"], "2026-03-17T23:59:00+01:00");
    // NOW is a Wednesday.
    assert_all(&["wednesday", "wed"], "2026-03-18T23:59:00+01:00");
    assert_all(&["sat"], "2026-03-14T23:59:00+01:00");
    assert_all(&["sunday"], "2026-03-15T23:59:00+01:00");
}

#[test]
fn next_and_a_weekday_is_that_day_in_next_week() {
    assert_all(&["next monday", "Next Monday"], "2026-03-16T23:59:00+01:00");
    assert_all(&["next friday", "next fri"], "2026-03-20T23:59:00+01:00");
}

#[test]
fn a_weekday_name_takes_a_time() {
    assert_all(
        &["monday 10:00", "monday at 10am", "10am on monday"],
        "2026-03-16T10:00:00+01:00",
    );
    assert_all(&["friday at 5:30pm", "friday, 17:30"], "2026-03-13T17:30:00+01:00");
}

#[test]
fn end_of_the_week_is_the_coming_friday_at_the_end_of_the_day() {
    assert_all(
        &["end of week", "End of the week", "by the end of the week"],
        "2026-03-13T23:59:00+01:00",
    );
    assert_eq!(
        due_at("end of week", "2026-03-16T08:00:00+01:00", Berlin),
        instant("2026-03-20T23:59:00+01:00")
    );
}

#[test]
fn next_week_is_monday_of_next_week_at_the_end_of_the_day() {
    assert_all(&["next week"], "2026-03-16T23:59:00+01:00");
    assert_eq!(
        due_at("next week", "2026-03-16T08:00:00+01:00", Berlin),
        instant("2026-03-23T23:59:00+01:00")
    );
}

#[test]
fn end_of_the_month_is_its_last_day() {
    assert_all(&["end of month", "end of the month"], "2026-03-31T23:59:00+02:00");
}

#[test]
fn relative_days_roll_over_the_end_of_the_year() {
    // A Thursday evening on New Year's Eve.
    let now = "2026-12-31T22:00:00+01:00";

    assert_eq!(due_at("tomorrow", now, Berlin), instant("2027-01-01T23:59:00+01:00"));
    assert_eq!(due_at("in 3 hours", now, Berlin), instant("2027-01-01T01:00:00+01:00"));
    assert_eq!(due_at("9pm", now, Berlin), instant("2027-01-01T21:00:00+01:00"));
    assert_eq!(due_at("friday", now, Berlin), instant("2027-01-01T23:59:00+01:00"));
    assert_eq!(due_at("next week", now, Berlin), instant("2027-01-04T23:59:00+01:00"));
}

#[test]
fn relative_days_roll_over_month_ends_and_leap_days() {
    let new_york = chrono_tz::America::New_York;
    let now = "2026-02-28T18:00:00-05:00";

    assert_eq!(due_at("tomorrow", now, new_york), instant("2026-03-01T23:59:00-05:00"));
    assert_eq!(due_at("in 2 days", now, new_york), instant("2026-03-02T23:59:00-05:00"));
    assert_eq!(due_at("5pm", now, new_york), instant("2026-03-01T17:00:00-05:00"));
    assert_eq!(
        due_at("tomorrow", "2028-02-28T18:00:00-05:00", new_york),
        instant("2028-02-29T23:59:00-05:00")
    );
}

#[test]
fn local_times_follow_the_zone_across_a_daylight_saving_change() {
    // Berlin moves to summer time on Sunday 29 March 2026.
    let now = "2026-03-28T10:00:00+01:00";

    assert_eq!(
        due_at("tomorrow 9am", now, Berlin),
        instant("2026-03-29T09:00:00+02:00")
    );
    assert_eq!(due_at("monday", now, Berlin), instant("2026-03-30T23:59:00+02:00"));
    assert_eq!(due_at("in 2 hours", now, Berlin), instant("2026-03-28T12:00:00+01:00"));
}

#[test]
fn empty_or_unknown_input_is_rejected_with_examples_of_what_works() {
    let now = instant(NOW);
    let due = |text: &str| parse_due(text, now, Berlin).expect_err("refused");
    let repeat = |text: &str| parse_repeat(text, now, Berlin).expect_err("refused");
    assert_eq!(due("   "), PhraseError::EmptyDue);
    assert_eq!(repeat("  "), PhraseError::EmptyRepeat);
    assert_eq!(
        due("blursday"),
        PhraseError::DueNotUnderstood {
            input: "blursday".into()
        }
    );
    assert_eq!(
        repeat("blursdays"),
        PhraseError::RepeatNotUnderstood {
            input: "blursdays".into()
        }
    );
    for (error, quoted, forms) in [
        (due(""), "", &["tomorrow 5pm", "in 3 days", "next week"][..]),
        (due("blursday"), "'blursday'", &["in 3 days", "next week"][..]),
        (repeat(""), "", &["2 weeks"][..]),
        (
            repeat("blursdays"),
            "'blursdays'",
            &["3 days", "weekdays", "mon,wed,fri", "month", "year", "FREQ="][..],
        ),
    ] {
        let message = error.to_string();
        assert!(message.contains(quoted), "{message}");
        for form in forms {
            assert!(message.contains(form), "{message} should mention {form}");
        }
    }
}

#[test]
fn a_date_with_words_that_are_not_a_date_is_refused_whole() {
    for input in [
        "next",
        "tomorrow tomorrow",
        "5",
        "tomorrow at",
        "in 3",
        "at",
        "tomorrow buy milk",
        "friday or so",
    ] {
        assert!(
            matches!(rejection(input), PhraseError::DueNotUnderstood { .. }),
            "input {input:?}: {:?}",
            rejection(input)
        );
    }
}

/// Each input is refused as an invalid due date for exactly this reason.
fn assert_invalid(cases: &[(&str, &str)]) {
    for (input, reason) in cases {
        let expected = PhraseError::InvalidDue {
            input: (*input).into(),
            reason: (*reason).into(),
        };
        assert_eq!(rejection(input), expected, "input {input:?}");
    }
}

#[test]
fn out_of_range_clock_times_are_rejected_with_the_reason() {
    assert_invalid(&[
        ("31:00", "hour 31 is out of range 0-23"),
        ("25:00", "hour 25 is out of range 0-23"),
        ("17:60", "minute 60 is out of range 00-59"),
        ("17:00:61", "second 61 is out of range 00-59"),
        ("13pm", "hour 13 is out of range 1-12 with am/pm"),
        ("0am", "hour 0 is out of range 1-12 with am/pm"),
        ("tomorrow 31:00", "hour 31 is out of range 0-23"),
        ("5:3pm", "write times like 17:00, 5pm or 5:30pm"),
        ("123:00", "write times like 17:00, 5pm or 5:30pm"),
        ("5:30:00pm", "write times like 17:00, 5pm or 5:30pm"),
    ]);
}

#[test]
fn impossible_dates_are_rejected() {
    assert_invalid(&[("2026-02-30", "there is no date 2026-02-30")]);
    assert!(matches!(rejection("2026-13-01 17:00"), PhraseError::InvalidDue { .. }));
}

#[test]
fn relative_amounts_must_be_positive_whole_numbers_with_a_known_unit() {
    assert_invalid(&[
        ("in -3 days", "'-3' is not a positive whole number"),
        ("in +3 days", "'+3' is not a positive whole number"),
        (
            "in 3 lightyears",
            "unknown unit 'lightyears': use minutes, hours, days, weeks, months or years",
        ),
        ("in 99999999999 weeks", "that is too far in the future"),
        (
            "in 99999999999999999999 days",
            "'99999999999999999999' is not a positive whole number",
        ),
    ]);
}

#[test]
fn invalid_messages_quote_the_input_and_the_reason() {
    assert_eq!(
        rejection("31:00").to_string(),
        "'31:00' is not a valid due date: hour 31 is out of range 0-23"
    );
}

mod repeat {
    use super::*;

    fn every(input: &str) -> RepeatPhrase {
        parse_repeat(input, instant(NOW), Berlin).unwrap_or_else(|error| panic!("{input:?} should parse: {error}"))
    }

    fn rejection(input: &str) -> PhraseError {
        parse_repeat(input, instant(NOW), Berlin).expect_err("input should be rejected")
    }

    fn assert_all(inputs: &[&str], expected_rule: &str) {
        for input in inputs {
            assert_eq!(every(input).recurrence.to_string(), expected_rule, "input {input:?}");
        }
    }

    #[test]
    fn day_and_daily_repeat_every_day() {
        assert_all(
            &[
                "day",
                "daily",
                "every day",
                "Every Day",
                "  DAILY  ",
                "1 day",
                "everyday",
            ],
            "FREQ=DAILY",
        );
    }

    #[test]
    fn a_number_of_days_sets_the_interval() {
        assert_all(&["3 days", "every 3 days", "every three days"], "FREQ=DAILY;INTERVAL=3");
        assert_all(&["every other day"], "FREQ=DAILY;INTERVAL=2");
    }

    #[test]
    fn week_and_weekly_repeat_every_week() {
        assert_all(&["week", "weekly", "every week", "1 week"], "FREQ=WEEKLY");
        assert_all(
            &[
                "2 weeks",
                "every 2 weeks",
                "every other week",
                "biweekly",
                "fortnightly",
            ],
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
            &["monday", "mon", "every monday", "Mondays", "on mondays"],
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
            ],
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        );
        assert_all(&["monday and thursday", "thu and mon"], "FREQ=WEEKLY;BYDAY=MO,TH");
        assert_all(
            &["tuesdays & thursdays", "tuesdays and thursdays"],
            "FREQ=WEEKLY;BYDAY=TU,TH",
        );
    }

    #[test]
    fn a_weekly_period_takes_days_after_on() {
        assert_all(
            &["2 weeks on fri", "every other week on fridays", "every other friday"],
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
        );
        assert_all(
            &[
                "weekly on mon and thu",
                "weekly on mon,thu",
                "every week on monday and thursday",
            ],
            "FREQ=WEEKLY;BYDAY=MO,TH",
        );
    }

    #[test]
    fn month_and_year_phrases_set_the_frequency_and_interval() {
        assert_all(&["month", "monthly", "every month"], "FREQ=MONTHLY");
        assert_all(&["6 months", "every 6 months"], "FREQ=MONTHLY;INTERVAL=6");
        assert_all(&["quarterly", "every 3 months"], "FREQ=MONTHLY;INTERVAL=3");
        assert_all(&["year", "yearly", "annually", "every year"], "FREQ=YEARLY");
        assert_all(
            &["2 years", "every 2 years", "every other year"],
            "FREQ=YEARLY;INTERVAL=2",
        );
    }

    #[test]
    fn the_largest_interval_is_accepted() {
        assert_eq!(every("999 days").recurrence.interval, 999);
    }

    #[test]
    fn an_end_may_follow_as_a_count_or_a_last_day() {
        assert_all(&["daily for 10 times", "every day, 10 times"], "FREQ=DAILY;COUNT=10");
        // The last day is kept whole: 23:59:59 in Berlin is 22:59:59 UTC.
        assert_all(
            &["weekly until dec 31", "every week until 2026-12-31"],
            "FREQ=WEEKLY;UNTIL=20261231T225959Z",
        );
    }

    #[test]
    fn the_first_due_time_is_the_first_occurrence_the_phrase_names() {
        // NOW is Wednesday 11 March, 10:30.
        assert_eq!(every("every monday").first_due, instant("2026-03-16T23:59:00+01:00"));
        assert_eq!(every("every evening").first_due, instant("2026-03-11T19:00:00+01:00"));
        assert_eq!(every("every morning").first_due, instant("2026-03-12T09:00:00+01:00"));
        assert_eq!(every("weekdays at 9am").first_due, instant("2026-03-12T09:00:00+01:00"));
        assert_eq!(
            every("FREQ=WEEKLY;BYDAY=FR").first_due,
            instant("2026-03-13T23:59:00+01:00")
        );
        assert_eq!(every("daily").first_due, instant("2026-03-11T23:59:00+01:00"));
    }

    #[test]
    fn raw_rules_go_to_the_rule_parser() {
        assert_all(&["FREQ=WEEKLY;BYDAY=MO;COUNT=3"], "FREQ=WEEKLY;BYDAY=MO;COUNT=3");
        // A date alone keeps its whole day, as the task model reads it.
        assert_all(
            &["rrule:freq=daily;until=20270131", "freq=daily;UNTIL=20270131"],
            "FREQ=DAILY;UNTIL=20270131T235959Z",
        );
    }

    #[test]
    fn invalid_raw_rules_report_the_rule_error() {
        let error = rejection("FREQ=HOURLY");

        assert_eq!(
            error,
            PhraseError::Rule(RecurrenceError::UnsupportedFrequency("HOURLY".into()))
        );
        assert_eq!(
            error.to_string(),
            "invalid recurrence rule: unsupported FREQ 'HOURLY': use DAILY, WEEKLY, MONTHLY or YEARLY"
        );
        assert_eq!(rejection("RRULE:"), PhraseError::Rule(RecurrenceError::Empty));
    }

    #[test]
    fn phrases_without_an_end_never_set_one() {
        for input in ["day", "2 weeks", "weekdays", "mon,fri", "month", "year"] {
            assert_eq!(every(input).recurrence.end, None, "input {input:?}");
        }
    }

    #[test]
    fn phrases_that_combine_badly_are_not_understood() {
        for input in [
            "every",
            "hour",
            "every hour",
            "mon, blursday",
            "on",
            "weekly monthly",
            "daily buy milk",
        ] {
            assert!(
                matches!(rejection(input), PhraseError::RepeatNotUnderstood { .. }),
                "input {input:?}: {:?}",
                parse_repeat(input, instant(NOW), Berlin)
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
            ("every 99999999999 years", "99999999999"),
        ] {
            assert_eq!(
                rejection(input),
                PhraseError::InvalidInterval {
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
