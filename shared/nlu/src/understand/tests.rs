use chrono_tz::Europe::Berlin;

use super::*;
use crate::types::{Due, Field};

fn ctx() -> Context {
    Context::new("2026-11-26T15:00:00Z".parse().expect("an instant"), Berlin)
}

#[test]
fn a_statement_without_a_verb_also_reads_as_a_change_of_the_task_it_names() {
    let change = as_change("pull the vet appointment forward to tomorrow", &ctx()).expect("a change");
    assert_eq!(change.intent, Intent::Update);
    assert!(matches!(change.slots.due, Some(Due::Day { .. })), "{change:?}");
    assert!(matches!(change.target, Some(TaskRef::Title { ref text, .. }) if text.contains("vet appointment")));
    // The new time comes before the comma; the one after "not" is the old one.
    let change = as_change("the haircut is at 4pm, not 2pm", &ctx()).expect("a change");
    assert_eq!(
        change.slots.due,
        Some(Due::TimeOfDay {
            time: "16:00:00".parse().expect("a time")
        })
    );
}

#[test]
fn a_verb_said_or_nothing_to_change_reads_no_change() {
    assert_eq!(as_change("add buy milk tomorrow", &ctx()), None);
    assert_eq!(as_change("show my tasks", &ctx()), None);
    assert_eq!(as_change("hello", &ctx()), None);
}

#[test]
fn a_task_without_a_deadline_any_more_loses_its_due_date() {
    let understood = understand("return the drill has no deadline anymore", &ctx());
    assert_eq!(understood.intent, Intent::Update);
    assert_eq!(understood.slots.clear, [Field::Due]);
    assert!(matches!(understood.target, Some(TaskRef::Title { ref text, .. }) if text == "return the drill"));
}
