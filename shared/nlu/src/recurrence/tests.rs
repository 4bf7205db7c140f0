use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Berlin;

use super::*;

fn repeat(text: &str) -> Option<Repeat> {
    let mut message = Message::new(text);
    let len = message.len();
    take(&mut message, 0..len, "2026-11-26".parse().expect("a date"))
}

fn rule(text: &str) -> String {
    repeat(text)
        .unwrap_or_else(|| panic!("no repetition in {text:?}"))
        .rule(Berlin)
}

#[test]
fn phrases_become_canonical_rrules() {
    let cases = [
        ("every monday", "FREQ=WEEKLY;BYDAY=MO"),
        ("daily", "FREQ=DAILY"),
        ("every day", "FREQ=DAILY"),
        ("every other day", "FREQ=DAILY;INTERVAL=2"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("fortnightly", "FREQ=WEEKLY;INTERVAL=2"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every weekend", "FREQ=WEEKLY;BYDAY=SA,SU"),
        ("on tuesdays and thursdays", "FREQ=WEEKLY;BYDAY=TU,TH"),
        ("every fri, mon and wed", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        ("every other friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("monthly", "FREQ=MONTHLY"),
        ("quarterly", "FREQ=MONTHLY;INTERVAL=3"),
        ("yearly", "FREQ=YEARLY"),
        ("once a week", "FREQ=WEEKLY"),
        ("daily for 10 days", "FREQ=DAILY;COUNT=10"),
        ("every week 4 times", "FREQ=WEEKLY;COUNT=4"),
        (
            "every saturday until december 31",
            "FREQ=WEEKLY;BYDAY=SA;UNTIL=20261231T225959Z",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(rule(text), expected, "{text}");
    }
}

#[test]
fn every_rule_written_is_accepted_by_the_task_model_unchanged() {
    for text in [
        "every monday",
        "every other friday",
        "daily for 10 days",
        "every saturday until december 31",
        "every weekday",
        "quarterly",
        "yearly",
    ] {
        let written = rule(text);
        let parsed = todo_domain::recurrence::Recurrence::from_str(&written).expect("a valid rule");
        assert_eq!(parsed.to_string(), written);
    }
}

#[test]
fn monthly_on_a_day_leaves_the_day_for_the_due_date() {
    // The task model has no BYMONTHDAY: a monthly series repeats on its first due date's day.
    let mut message = Message::new("pay rent monthly on the 1st");
    let len = message.len();
    assert_eq!(
        take(&mut message, 0..len, NaiveDate::MIN)
            .map(|r| r.rule(Berlin))
            .as_deref(),
        Some("FREQ=MONTHLY")
    );
    let left: Vec<&str> = message.free_in(0..len).into_iter().map(|i| message.word(i)).collect();
    assert_eq!(left, ["pay", "rent", "on", "the", "1st"]);
}

#[test]
fn frequency_adverbs_before_a_noun_are_adjectives() {
    assert!(repeat("weekly review").is_none());
    assert!(repeat("finish quarterly report").is_none());
    assert_eq!(rule("make it a daily task"), "FREQ=DAILY");
    assert_eq!(
        rule("biweekly team sync on thursdays"),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    );
}

#[test]
fn unsupported_frequencies_give_no_rule() {
    assert!(repeat("every hour").is_none());
    assert!(repeat("call mom").is_none());
}

#[test]
fn stopping_is_recognised_in_several_phrasings() {
    for text in [
        "stop repeating the gym task",
        "don't repeat task 2 anymore",
        "turn off repeat for it",
    ] {
        let mut message = Message::new(text);
        let len = message.len();
        assert!(take_stop(&mut message, 0..len), "{text}");
    }
}

#[test]
fn the_first_occurrence_is_the_first_listed_day_still_ahead() {
    let now: DateTime<Utc> = "2026-11-26T15:00:00Z".parse().expect("an instant"); // Thursday 16:00 in Berlin
    let weekdays = repeat("every weekday").expect("a rule");
    let nine_thirty = "09:30:00".parse().ok();
    assert_eq!(
        weekdays.first_day(now, Berlin, nine_thirty),
        "2026-11-27".parse::<NaiveDate>().expect("a date")
    );
    assert_eq!(
        weekdays.first_day(now, Berlin, None),
        "2026-11-26".parse::<NaiveDate>().expect("a date")
    );
    let tuesdays = repeat("every tuesday").expect("a rule");
    assert_eq!(
        tuesdays.first_day(now, Berlin, None),
        "2026-12-01".parse::<NaiveDate>().expect("a date")
    );
}

#[test]
fn an_ordinal_counts_the_interval() {
    assert_eq!(rule("every third day"), "FREQ=DAILY;INTERVAL=3");
    assert_eq!(rule("every 4th week"), "FREQ=WEEKLY;INTERVAL=4");
}
