//! Fuzzing the chat message path's understanding: any message, and messages made of the words
//! the rules know (dates, priorities, references to listed tasks, recurrences), in any time zone
//! and after any list, is understood as something or as nothing: never a panic. The HTTP side of
//! `/api/chat` is fuzzed with every route in the CLI's tests. `PROPTEST_CASES` sets the cases.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use todo_nlu::{Context, parse_due, parse_repeat, understand};

fn words() -> impl Strategy<Value = String> {
    let vocabulary = vec![
        "add",
        "remind",
        "me",
        "to",
        "tomorrow",
        "at",
        "5pm",
        "every",
        "other",
        "monday",
        "delete",
        "it",
        "the",
        "second",
        "one",
        "task",
        "3",
        "#work",
        "urgent",
        "high",
        "priority",
        "done",
        "undo",
        "show",
        "my",
        "overdue",
        "in",
        "99999999",
        "days",
        "minutes",
        "2026-02-30",
        "25:61",
        "noon",
        "last",
        "week",
        "and",
        "then",
        "rename",
        "to",
        "\"",
        "'",
        "½",
        "日本",
        "\u{202e}",
        "\u{0}",
        "!!!",
        "?",
    ];
    prop::collection::vec(prop::sample::select(vocabulary), 0..12).prop_map(|w| w.join(" "))
}

proptest! {
    #[test]
    fn any_message_is_understood_or_not_but_never_panics(
        message in prop_oneof!["\\PC{0,80}", words()],
        tz in prop::sample::select(vec![chrono_tz::UTC, chrono_tz::Europe::Paris, chrono_tz::Pacific::Kiritimati, chrono_tz::America::St_Johns]),
        listed in prop::collection::vec("[0-9]{1,4}", 0..4),
    ) {
        let now = Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).single().expect("a time");
        let ctx = Context::new(now, tz).with_last_listed(listed);
        let _ = understand(&message, &ctx);
    }

    /// A field typed on its own (`--due`, `--every`) is a time, a rule or an error: the same
    /// words, plus the shapes the field parsers check themselves (clock fields, RRULE text).
    #[test]
    fn any_typed_due_date_or_repetition_is_a_value_or_an_error(
        text in prop_oneof!["\\PC{0,40}", words(), "[0-9:apm +-]{0,12}", "(RRULE:)?FREQ=[A-Z]{0,8}(;[A-Z]{2,8}=[A-Z0-9,]{0,10}){0,3}"],
        tz in prop::sample::select(vec![chrono_tz::UTC, chrono_tz::Europe::Paris, chrono_tz::Pacific::Kiritimati]),
    ) {
        let now = Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).single().expect("a time");
        let _ = parse_due(&text, now, tz);
        let _ = parse_repeat(&text, now, tz);
    }
}
