//! Parsing, writing back and stepping through rules, including the dates a month or year lacks.

use super::*;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test timestamps are valid RFC 3339")
        .with_timezone(&Utc)
}

fn rule(text: &str) -> Recurrence {
    text.parse().expect("test rules are valid")
}

fn rejection(text: &str) -> RecurrenceError {
    text.parse::<Recurrence>().expect_err("test rule should be rejected")
}

/// The first `n` occurrences, computed one step at a time as the task service does.
fn series(rule_text: &str, dtstart: &str, n: usize) -> Vec<DateTime<Utc>> {
    let recurrence = rule(rule_text);
    let dtstart = utc(dtstart);
    let mut occurrences = vec![dtstart];
    while occurrences.len() < n {
        let number = u32::try_from(occurrences.len()).expect("small series");
        let current = *occurrences.last().expect("series starts non-empty");
        match recurrence.next_occurrence(dtstart, current, number) {
            Some(next) => occurrences.push(next),
            None => break,
        }
    }
    occurrences
}

fn dates(occurrences: &[DateTime<Utc>]) -> Vec<String> {
    occurrences.iter().map(|at| at.format("%Y-%m-%d").to_string()).collect()
}

// --- parsing ---

#[test]
fn a_bare_frequency_parses_with_interval_one_and_no_end() {
    // Arrange / Act
    let recurrence = rule("FREQ=DAILY");

    // Assert
    assert_eq!(
        recurrence,
        Recurrence {
            frequency: Frequency::Daily,
            interval: 1,
            by_day: vec![],
            end: None
        }
    );
}

#[test]
fn every_frequency_is_recognised() {
    assert_eq!(rule("FREQ=DAILY").frequency, Frequency::Daily);
    assert_eq!(rule("FREQ=WEEKLY").frequency, Frequency::Weekly);
    assert_eq!(rule("FREQ=MONTHLY").frequency, Frequency::Monthly);
    assert_eq!(rule("FREQ=YEARLY").frequency, Frequency::Yearly);
}

#[test]
fn the_rrule_prefix_letter_case_and_whitespace_do_not_matter() {
    let recurrence = rule("  rrule: freq = weekly ; Interval=2 ; byday = we, mo ;count=3; ");

    assert_eq!(recurrence.frequency, Frequency::Weekly);
    assert_eq!(recurrence.interval, 2);
    assert_eq!(recurrence.by_day, vec![Weekday::Mon, Weekday::Wed]);
    assert_eq!(recurrence.end, Some(RecurrenceEnd::Count(3)));
}

#[test]
fn parts_may_come_in_any_order() {
    assert_eq!(
        rule("COUNT=2;BYDAY=FR;FREQ=WEEKLY"),
        rule("FREQ=WEEKLY;BYDAY=FR;COUNT=2")
    );
}

#[test]
fn byday_is_deduplicated_and_sorted_monday_first() {
    let recurrence = rule("FREQ=WEEKLY;BYDAY=SU,FR,MO,FR,SU");

    assert_eq!(recurrence.by_day, vec![Weekday::Mon, Weekday::Fri, Weekday::Sun]);
}

#[test]
fn interval_and_count_accept_their_whole_range() {
    assert_eq!(rule("FREQ=DAILY;INTERVAL=1").interval, 1);
    assert_eq!(rule("FREQ=DAILY;INTERVAL=999").interval, 999);
    assert_eq!(rule("FREQ=DAILY;COUNT=1").end, Some(RecurrenceEnd::Count(1)));
    assert_eq!(rule("FREQ=DAILY;COUNT=1000").end, Some(RecurrenceEnd::Count(1000)));
}

#[test]
fn a_date_only_until_means_the_end_of_that_day_in_utc() {
    let recurrence = rule("FREQ=DAILY;UNTIL=20270131");

    assert_eq!(recurrence.end, Some(RecurrenceEnd::Until(utc("2027-01-31T23:59:59Z"))));
}

#[test]
fn a_date_time_until_is_read_as_utc_in_any_letter_case() {
    assert_eq!(
        rule("FREQ=DAILY;UNTIL=20270131T083000Z").end,
        Some(RecurrenceEnd::Until(utc("2027-01-31T08:30:00Z")))
    );
    assert_eq!(
        rule("freq=daily;until=20270131t083000z").end,
        Some(RecurrenceEnd::Until(utc("2027-01-31T08:30:00Z")))
    );
}

#[test]
fn an_empty_rule_is_rejected() {
    for input in ["", "   ", "RRULE:", ";;", " ; "] {
        assert_eq!(rejection(input), RecurrenceError::Empty, "input {input:?}");
    }
}

#[test]
fn a_rule_without_freq_is_rejected() {
    assert_eq!(rejection("INTERVAL=2;COUNT=3"), RecurrenceError::MissingFrequency);
}

#[test]
fn an_unsupported_frequency_is_named_in_the_rejection() {
    let error = rejection("FREQ=HOURLY");

    assert_eq!(error, RecurrenceError::UnsupportedFrequency("HOURLY".into()));
    assert_eq!(
        error.to_string(),
        "unsupported FREQ 'HOURLY': use DAILY, WEEKLY, MONTHLY or YEARLY"
    );
    assert_eq!(rejection("FREQ="), RecurrenceError::UnsupportedFrequency(String::new()));
}

#[test]
fn count_and_until_together_are_rejected() {
    let error = rejection("FREQ=DAILY;COUNT=3;UNTIL=20270101");

    assert_eq!(error, RecurrenceError::CountAndUntil);
    assert_eq!(error.to_string(), "COUNT and UNTIL cannot both be set");
}

#[test]
fn byday_is_rejected_unless_the_rule_is_weekly() {
    for freq in ["DAILY", "MONTHLY", "YEARLY"] {
        let error = rejection(&format!("FREQ={freq};BYDAY=MO"));
        assert_eq!(error, RecurrenceError::ByDayRequiresWeekly);
        assert_eq!(error.to_string(), "BYDAY is only supported with FREQ=WEEKLY");
    }
}

#[test]
fn an_interval_outside_1_to_999_is_rejected() {
    for value in ["0", "1000", "-1", "+2", "two", "", "99999999999"] {
        assert_eq!(
            rejection(&format!("FREQ=DAILY;INTERVAL={value}")),
            RecurrenceError::InvalidInterval(value.to_uppercase()),
            "INTERVAL={value}"
        );
    }
    assert!(
        rejection("FREQ=DAILY;INTERVAL=0")
            .to_string()
            .starts_with("INTERVAL must be between 1 and 999")
    );
}

#[test]
fn a_count_outside_1_to_1000_is_rejected() {
    for value in ["0", "1001", "-3", "x"] {
        assert_eq!(
            rejection(&format!("FREQ=DAILY;COUNT={value}")),
            RecurrenceError::InvalidCount(value.to_uppercase())
        );
    }
}

#[test]
fn malformed_until_values_are_rejected() {
    for value in [
        "2027-01-31",
        "20270231",
        "2027013",
        "20270131T250000Z",
        "20270131T235960Z",
        "20270131T120000",
        "20270131T1200Z",
        "20270131X120000Z",
        "+0270131",
    ] {
        assert_eq!(
            rejection(&format!("FREQ=DAILY;UNTIL={value}")),
            RecurrenceError::InvalidUntil(value.to_uppercase()),
            "UNTIL={value}"
        );
    }
}

#[test]
fn unknown_and_numbered_byday_values_are_rejected() {
    assert_eq!(
        rejection("FREQ=WEEKLY;BYDAY=MO,XX"),
        RecurrenceError::InvalidDay("XX".into())
    );
    assert_eq!(
        rejection("FREQ=WEEKLY;BYDAY=1MO"),
        RecurrenceError::InvalidDay("1MO".into())
    );
    assert_eq!(
        rejection("FREQ=WEEKLY;BYDAY="),
        RecurrenceError::InvalidDay(String::new())
    );
    assert_eq!(
        rejection("FREQ=WEEKLY;BYDAY=MO,,TU"),
        RecurrenceError::InvalidDay(String::new())
    );
}

#[test]
fn a_key_given_twice_is_rejected_even_with_the_same_value() {
    assert_eq!(
        rejection("FREQ=DAILY;FREQ=DAILY"),
        RecurrenceError::DuplicateKey("FREQ")
    );
    assert_eq!(
        rejection("FREQ=DAILY;interval=2;INTERVAL=3"),
        RecurrenceError::DuplicateKey("INTERVAL")
    );
    assert_eq!(
        rejection("FREQ=DAILY;COUNT=2;COUNT=2").to_string(),
        "COUNT is given more than once: each rule part may appear only once"
    );
}

#[test]
fn unknown_keys_are_rejected_rather_than_ignored() {
    let error = rejection("FREQ=MONTHLY;BYMONTHDAY=15");

    assert_eq!(error, RecurrenceError::UnknownKey("BYMONTHDAY".into()));
    assert!(error.to_string().contains("'BYMONTHDAY'"));
    assert!(error.to_string().contains("FREQ, INTERVAL, BYDAY, COUNT and UNTIL"));
}

#[test]
fn a_part_without_an_equals_sign_is_rejected() {
    assert_eq!(
        rejection("FREQ=DAILY;COUNT"),
        RecurrenceError::MalformedPart("COUNT".into())
    );
    assert_eq!(rejection("DAILY"), RecurrenceError::MalformedPart("DAILY".into()));
}

// --- display ---

#[test]
fn display_writes_the_canonical_form() {
    assert_eq!(
        rule("byday=we,mo;count=5;interval=2;freq=weekly").to_string(),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5"
    );
    assert_eq!(rule("RRULE:FREQ=DAILY;INTERVAL=1").to_string(), "FREQ=DAILY");
    assert_eq!(
        rule("FREQ=MONTHLY;UNTIL=20270131").to_string(),
        "FREQ=MONTHLY;UNTIL=20270131T235959Z"
    );
}

#[test]
fn parsing_what_display_wrote_gives_back_the_same_rule() {
    for text in [
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=3;COUNT=1000",
        "FREQ=WEEKLY;BYDAY=SU,SA,FR,TH,WE,TU,MO",
        "FREQ=WEEKLY;INTERVAL=999;BYDAY=FR;UNTIL=20270131T083000Z",
        "FREQ=MONTHLY;UNTIL=00010101",
        "FREQ=YEARLY;INTERVAL=4;COUNT=1",
    ] {
        let original = rule(text);
        assert_eq!(rule(&original.to_string()), original, "rule {text}");
    }
}

// --- next occurrence ---

#[test]
fn daily_adds_one_day_and_keeps_the_time_of_dtstart() {
    let recurrence = rule("FREQ=DAILY");
    let dtstart = utc("2026-03-02T09:15:00Z");

    let next = recurrence.next_occurrence(dtstart, utc("2026-03-05T18:00:00Z"), 4);

    assert_eq!(next, Some(utc("2026-03-06T09:15:00Z")));
}

#[test]
fn daily_with_an_interval_crosses_month_and_year_ends() {
    let occurrences = series("FREQ=DAILY;INTERVAL=3", "2026-12-26T08:00:00Z", 4);

    assert_eq!(
        dates(&occurrences),
        ["2026-12-26", "2026-12-29", "2027-01-01", "2027-01-04"]
    );
}

#[test]
fn daily_passes_through_a_leap_day() {
    let occurrences = series("FREQ=DAILY", "2028-02-28T08:00:00Z", 3);

    assert_eq!(dates(&occurrences), ["2028-02-28", "2028-02-29", "2028-03-01"]);
}

#[test]
fn weekly_without_byday_adds_whole_weeks() {
    assert_eq!(
        dates(&series("FREQ=WEEKLY", "2026-12-24T08:00:00Z", 3)),
        ["2026-12-24", "2026-12-31", "2027-01-07"]
    );
    assert_eq!(
        dates(&series("FREQ=WEEKLY;INTERVAL=2", "2026-03-04T08:00:00Z", 3)),
        ["2026-03-04", "2026-03-18", "2026-04-01"]
    );
}

#[test]
fn weekly_byday_moves_to_the_next_listed_day_in_the_same_week() {
    let recurrence = rule("FREQ=WEEKLY;BYDAY=MO,WE,FR");
    let dtstart = utc("2026-03-02T07:00:00Z");

    let next = recurrence.next_occurrence(dtstart, dtstart, 1);

    assert_eq!(next, Some(utc("2026-03-04T07:00:00Z")));
}

#[test]
fn weekly_byday_wraps_to_the_first_listed_day_of_the_next_week() {
    let occurrences = series("FREQ=WEEKLY;BYDAY=MO,FR", "2026-03-02T07:00:00Z", 5);

    assert_eq!(
        dates(&occurrences),
        ["2026-03-02", "2026-03-06", "2026-03-09", "2026-03-13", "2026-03-16"]
    );
}

#[test]
fn weekly_byday_with_an_interval_skips_the_weeks_in_between() {
    let occurrences = series("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "2026-03-03T07:00:00Z", 5);

    assert_eq!(
        dates(&occurrences),
        ["2026-03-03", "2026-03-05", "2026-03-17", "2026-03-19", "2026-03-31"]
    );
}

#[test]
fn weekly_byday_treats_sunday_as_the_last_day_of_the_week() {
    // 2026-03-08 is a Sunday; with weeks starting on Monday its week has no later day.
    let occurrences = series("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU", "2026-03-08T07:00:00Z", 4);

    assert_eq!(
        dates(&occurrences),
        ["2026-03-08", "2026-03-16", "2026-03-22", "2026-03-30"]
    );
}

#[test]
fn weekly_byday_starting_on_an_unlisted_day_counts_its_week_as_week_zero() {
    // dtstart is a Wednesday; Monday of week 0 is before it, so week 2's Monday comes next.
    let occurrences = series("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "2026-03-04T07:00:00Z", 3);

    assert_eq!(dates(&occurrences), ["2026-03-04", "2026-03-16", "2026-03-30"]);
}

#[test]
fn weekly_byday_from_an_off_grid_week_jumps_to_the_next_grid_week() {
    let recurrence = rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR");
    let dtstart = utc("2026-03-02T07:00:00Z");

    // 2026-03-10 is in week 1, which holds no occurrences when INTERVAL=2.
    let next = recurrence.next_occurrence(dtstart, utc("2026-03-10T07:00:00Z"), 2);

    assert_eq!(next, Some(utc("2026-03-16T07:00:00Z")));
}

#[test]
fn weekly_byday_crosses_the_year_end() {
    let occurrences = series("FREQ=WEEKLY;BYDAY=TH,SU", "2026-12-24T07:00:00Z", 4);

    assert_eq!(
        dates(&occurrences),
        ["2026-12-24", "2026-12-27", "2026-12-31", "2027-01-03"]
    );
}

#[test]
fn monthly_keeps_the_day_of_month_and_crosses_the_year_end() {
    let occurrences = series("FREQ=MONTHLY", "2026-11-15T12:00:00Z", 3);

    assert_eq!(dates(&occurrences), ["2026-11-15", "2026-12-15", "2027-01-15"]);
}

#[test]
fn monthly_skips_months_without_that_day_instead_of_clamping() {
    let occurrences = series("FREQ=MONTHLY", "2027-01-31T12:00:00Z", 5);

    assert_eq!(
        dates(&occurrences),
        ["2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31", "2027-08-31"]
    );
}

#[test]
fn monthly_on_the_29th_lands_on_february_only_in_leap_years() {
    assert_eq!(
        dates(&series("FREQ=MONTHLY", "2027-01-29T12:00:00Z", 2)),
        ["2027-01-29", "2027-03-29"]
    );
    assert_eq!(
        dates(&series("FREQ=MONTHLY", "2028-01-29T12:00:00Z", 2)),
        ["2028-01-29", "2028-02-29"]
    );
}

#[test]
fn monthly_with_an_interval_counts_months_from_the_current_one() {
    let occurrences = series("FREQ=MONTHLY;INTERVAL=5", "2026-10-30T12:00:00Z", 4);

    // 2027-03-30, then 2027-08-30, then 2028-01-30 (five months each).
    assert_eq!(
        dates(&occurrences),
        ["2026-10-30", "2027-03-30", "2027-08-30", "2028-01-30"]
    );
}

#[test]
fn monthly_with_an_interval_skips_a_short_month_by_another_interval() {
    // Aug 31 + 6 months is February: skipped, the next candidate is Aug 31 again.
    let occurrences = series("FREQ=MONTHLY;INTERVAL=6", "2026-08-31T12:00:00Z", 3);

    assert_eq!(dates(&occurrences), ["2026-08-31", "2027-08-31", "2028-08-31"]);
}

#[test]
fn yearly_keeps_month_and_day() {
    assert_eq!(
        dates(&series("FREQ=YEARLY", "2026-12-31T23:00:00Z", 3)),
        ["2026-12-31", "2027-12-31", "2028-12-31"]
    );
    assert_eq!(
        dates(&series("FREQ=YEARLY;INTERVAL=2", "2026-03-01T08:00:00Z", 3)),
        ["2026-03-01", "2028-03-01", "2030-03-01"]
    );
}

#[test]
fn yearly_on_february_29_only_falls_in_leap_years() {
    assert_eq!(
        dates(&series("FREQ=YEARLY", "2024-02-29T08:00:00Z", 3)),
        ["2024-02-29", "2028-02-29", "2032-02-29"]
    );
    // 2096 + 4 = 2100 is not a leap year, so the next one is 2104.
    assert_eq!(
        dates(&series("FREQ=YEARLY;INTERVAL=4", "2096-02-29T08:00:00Z", 2)),
        ["2096-02-29", "2104-02-29"]
    );
}

#[test]
fn the_series_ends_exactly_when_count_is_reached() {
    let recurrence = rule("FREQ=DAILY;COUNT=3");
    let dtstart = utc("2026-03-02T08:00:00Z");

    assert_eq!(
        recurrence.next_occurrence(dtstart, utc("2026-03-03T08:00:00Z"), 2),
        Some(utc("2026-03-04T08:00:00Z"))
    );
    assert_eq!(
        recurrence.next_occurrence(dtstart, utc("2026-03-04T08:00:00Z"), 3),
        None
    );
    assert_eq!(series("FREQ=DAILY;COUNT=3", "2026-03-02T08:00:00Z", 10).len(), 3);
}

#[test]
fn a_count_of_one_has_no_next_occurrence() {
    let recurrence = rule("FREQ=WEEKLY;COUNT=1");
    let dtstart = utc("2026-03-02T08:00:00Z");

    assert_eq!(recurrence.next_occurrence(dtstart, dtstart, 1), None);
}

#[test]
fn an_occurrence_exactly_at_until_is_included() {
    let recurrence = rule("FREQ=DAILY;UNTIL=20260304T080000Z");
    let dtstart = utc("2026-03-02T08:00:00Z");

    assert_eq!(
        recurrence.next_occurrence(dtstart, utc("2026-03-03T08:00:00Z"), 2),
        Some(utc("2026-03-04T08:00:00Z"))
    );
    assert_eq!(
        recurrence.next_occurrence(dtstart, utc("2026-03-04T08:00:00Z"), 3),
        None
    );
}

#[test]
fn an_occurrence_one_second_after_until_is_excluded() {
    let recurrence = rule("FREQ=DAILY;UNTIL=20260304T075959Z");
    let dtstart = utc("2026-03-02T08:00:00Z");

    assert_eq!(
        recurrence.next_occurrence(dtstart, utc("2026-03-03T08:00:00Z"), 2),
        None
    );
}

#[test]
fn a_date_only_until_includes_occurrences_later_that_day() {
    let occurrences = series("FREQ=WEEKLY;UNTIL=20260316", "2026-03-02T22:30:00Z", 10);

    assert_eq!(dates(&occurrences), ["2026-03-02", "2026-03-09", "2026-03-16"]);
}

#[test]
fn every_next_occurrence_is_strictly_after_the_current_one() {
    for text in [
        "FREQ=DAILY;INTERVAL=2",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=SA",
        "FREQ=MONTHLY;INTERVAL=7",
        "FREQ=YEARLY",
    ] {
        let occurrences = series(text, "2027-01-31T23:59:59Z", 40);
        assert_eq!(occurrences.len(), 40, "rule {text}");
        assert!(occurrences.windows(2).all(|pair| pair[0] < pair[1]), "rule {text}");
    }
}

#[test]
fn a_hand_built_zero_interval_counts_as_one() {
    let recurrence = Recurrence {
        frequency: Frequency::Daily,
        interval: 0,
        by_day: vec![],
        end: None,
    };
    let dtstart = utc("2026-03-02T08:00:00Z");

    assert_eq!(
        recurrence.next_occurrence(dtstart, dtstart, 1),
        Some(utc("2026-03-03T08:00:00Z"))
    );
}

#[test]
fn a_hand_built_unsorted_byday_still_picks_the_earliest_later_day() {
    let recurrence = Recurrence {
        frequency: Frequency::Weekly,
        interval: 1,
        by_day: vec![Weekday::Fri, Weekday::Tue],
        end: None,
    };
    let dtstart = utc("2026-03-02T08:00:00Z");

    assert_eq!(
        recurrence.next_occurrence(dtstart, dtstart, 1),
        Some(utc("2026-03-03T08:00:00Z"))
    );
}

// --- describe ---

#[test]
fn describe_uses_an_adverb_for_interval_one_and_a_count_otherwise() {
    assert_eq!(rule("FREQ=DAILY").describe(), "daily");
    assert_eq!(rule("FREQ=DAILY;INTERVAL=3").describe(), "every 3 days");
    assert_eq!(rule("FREQ=WEEKLY").describe(), "weekly");
    assert_eq!(rule("FREQ=WEEKLY;INTERVAL=2").describe(), "every 2 weeks");
    assert_eq!(rule("FREQ=MONTHLY").describe(), "monthly");
    assert_eq!(rule("FREQ=MONTHLY;INTERVAL=6").describe(), "every 6 months");
    assert_eq!(rule("FREQ=YEARLY").describe(), "yearly");
    assert_eq!(rule("FREQ=YEARLY;INTERVAL=10").describe(), "every 10 years");
}

#[test]
fn describe_lists_weekdays_and_the_end_of_the_series() {
    assert_eq!(rule("FREQ=WEEKLY;BYDAY=WE,MO").describe(), "weekly on Mon, Wed");
    assert_eq!(
        rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR").describe(),
        "every 2 weeks on Fri"
    );
    assert_eq!(rule("FREQ=DAILY;COUNT=5").describe(), "daily, 5 times");
    assert_eq!(rule("FREQ=DAILY;COUNT=1").describe(), "daily, once");
    assert_eq!(
        rule("FREQ=MONTHLY;UNTIL=20270131T120000Z").describe(),
        "monthly, until 2027-01-31"
    );
}
