use chrono_tz::Europe::Berlin;

use super::*;
use crate::types::{Due, Field};

fn ctx() -> Context {
    Context::new("2026-11-26T15:00:00Z".parse().expect("an instant"), Berlin)
}

/// `as_change` of a message, given what `understand` made of it.
fn change_of(message: &str) -> Option<Understanding> {
    as_change(message, &ctx(), &understand(message, &ctx()))
}

#[test]
fn a_statement_without_a_verb_also_reads_as_a_change_of_the_task_it_names() {
    let change = change_of("pull the vet appointment forward to tomorrow").expect("a change");
    assert_eq!(change.intent, Intent::Update);
    assert!(matches!(change.slots.due, Some(Due::Day { .. })), "{change:?}");
    assert!(matches!(change.target, Some(TaskRef::Title { ref text, .. }) if text.contains("vet appointment")));
    // The new time comes before the comma; the one after "not" is the old one.
    let change = change_of("the haircut is at 4pm, not 2pm").expect("a change");
    assert_eq!(
        change.slots.due,
        Some(Due::TimeOfDay {
            time: "16:00:00".parse().expect("a time")
        })
    );
}

#[test]
fn a_verb_said_or_nothing_to_change_reads_no_change() {
    assert_eq!(change_of("add buy milk tomorrow"), None);
    assert_eq!(change_of("show my tasks"), None);
    assert_eq!(change_of("hello"), None);
}

#[test]
fn a_task_without_a_deadline_any_more_loses_its_due_date() {
    let understood = understand("return the drill has no deadline anymore", &ctx());
    assert_eq!(understood.intent, Intent::Update);
    assert_eq!(understood.slots.clear, [Field::Due]);
    assert!(matches!(understood.target, Some(TaskRef::Title { ref text, .. }) if text == "return the drill"));
}

fn title_of(text: &str) -> Option<String> {
    understand(text, &ctx()).slots.title
}

fn due_of(text: &str) -> Option<Due> {
    understand(text, &ctx()).slots.due
}

fn time(text: &str) -> Due {
    Due::TimeOfDay {
        time: text.parse().expect("a time"),
    }
}

#[test]
fn words_that_only_name_the_kind_of_entry_are_not_its_title() {
    for (text, title) in [
        ("add a to do to purchase a nice sweater", "Purchase a nice sweater"),
        ("create to do read a book tonight", "Read a book"),
        ("create to do to go running in the park", "Go running in the park"),
        ("add todo item of all hands meeting on monday", "All hands meeting"),
        ("add to my todos list mail the forms by saturday", "Mail the forms"),
        ("add haircut to my google calendar tomorrow at 2 30", "Haircut"),
        (
            "Pencil in a table for 2 at Mcdonald's for 15:45 on March 7th",
            "Table for 2 at Mcdonald's",
        ),
        ("jot buy printer paper down", "Buy printer paper"),
        (
            "add an event on my calendar with tile Appointment with Dr. Jafarnia on Wednesday",
            "Appointment with Dr. Jafarnia",
        ),
        (
            "Sure. Please add an event to my calendar. The event is Dentist appointment on the 9th.",
            "Dentist appointment",
        ),
    ] {
        assert_eq!(title_of(text).as_deref(), Some(title), "{text}");
    }
    // An entry with nothing to call it is asked about.
    assert_eq!(title_of("Great. Add a new event to my calendar."), None);
    assert_eq!(title_of("add a task"), None);
}

#[test]
fn a_time_is_changed_by_an_hour_alone_or_a_span() {
    assert_eq!(due_of("change lunch appt to 2"), Some(time("14:00:00")));
    assert_eq!(
        due_of("change my dentist appointment from 3:30 to 4"),
        Some(time("16:00:00"))
    );
    assert_eq!(
        due_of("reschedule the 2 pm class to half past 2"),
        Some(time("14:30:00"))
    );
    let earlier = Some(Due::Shift { days: 0, minutes: -30 });
    assert_eq!(due_of("change recital to start half an hour earlier"), earlier);
    assert_eq!(due_of("move my meeting up by half an hour"), earlier);
    let moved = understand("bring forward my 4 o'clock appointment 2 hours", &ctx());
    assert_eq!(moved.slots.due, Some(Due::Shift { days: 0, minutes: -120 }));
    assert!(
        matches!(moved.target, Some(TaskRef::Title { at: Some(_), .. })),
        "{moved:?}"
    );
    // Not a time: a new title.
    assert_eq!(title_of("change task 2 to buy milk").as_deref(), Some("Buy milk"));
}

#[test]
fn a_corrected_name_is_a_rename() {
    for (text, old, new) in [
        (
            "rename 'call ben' to 'call ben about the lease'",
            "call ben",
            "Call ben about the lease",
        ),
        ("buy paint should actually be buy primer", "buy paint", "Buy primer"),
        (
            "that's not 'email sarah', it's 'email sara'",
            "email sarah",
            "Email sara",
        ),
    ] {
        let understood = understand(text, &ctx());
        assert_eq!(understood.intent, Intent::Update, "{text}");
        assert_eq!(understood.slots.title.as_deref(), Some(new), "{text}");
        assert!(
            matches!(understood.target, Some(TaskRef::Title { ref text, .. }) if text == old),
            "{understood:?}"
        );
    }
    // A date after "should actually be" moves the task.
    let moved = understand("the meeting should actually be on friday", &ctx());
    assert!(moved.slots.title.is_none() && moved.slots.due.is_some(), "{moved:?}");
}

#[test]
fn a_repetition_said_of_a_task_that_exists() {
    for (text, rule, name) in [
        (
            "call grandma every sunday from now on",
            "FREQ=WEEKLY;BYDAY=SU",
            "call grandma",
        ),
        (
            "water the orchid every 3 days instead of every day",
            "FREQ=DAILY;INTERVAL=3",
            "water the orchid",
        ),
        (
            "change the gym from every day to mondays, wednesdays and fridays",
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            "gym",
        ),
        (
            "make the bins a weekly thing on tuesdays",
            "FREQ=WEEKLY;BYDAY=TU",
            "bins",
        ),
        (
            "the plants need watering every third day, set that up",
            "FREQ=DAILY;INTERVAL=3",
            "plants watering",
        ),
    ] {
        let understood = understand(text, &ctx());
        assert_eq!(understood.intent, Intent::SetRecurrence, "{text}");
        assert_eq!(understood.slots.recurrence.as_deref(), Some(rule), "{text}");
        assert!(
            matches!(understood.target, Some(TaskRef::Title { ref text, .. }) if text == name),
            "{understood:?}"
        );
    }
}

#[test]
fn list_questions_in_more_words() {
    for text in [
        "I'm wondering what my schedule looks like on March 7th.",
        "Can you tell me what I have on the 10th.",
        "On the 11th.",
        "Pull up my calendar and let's view Monday.",
        "Please check Saturday this week on my calendar.",
        "Do I have anything scheduled for the 1st of next month?",
        "what do i have from monday through wednesday",
        "what's inside my todo list",
        "how's my list?",
        "show me everything marked urgent",
    ] {
        let understood = understand(text, &ctx());
        assert_eq!(understood.intent, Intent::List, "{text}");
        let filter = understood.slots.filter.expect("a filter");
        assert_eq!(filter.text, None, "{text}");
    }
    let span = understand("what do i have from monday through wednesday", &ctx());
    let due = span.slots.filter.and_then(|f| f.due).expect("a span");
    assert_eq!(due.to, Some("2026-12-02T23:00:00Z".parse().expect("an instant")));
}

#[test]
fn a_when_question_looks_for_tasks_with_a_time() {
    for (text, words) in [
        ("when do i meet with charles", "meet charles"),
        ("when's my haircut", "haircut"),
        ("when is my physio", "physio"),
        ("at what time is laundry on my to do list", "laundry"),
    ] {
        let understood = understand(text, &ctx());
        assert_eq!(understood.intent, Intent::Search, "{text}");
        assert_eq!(understood.slots.search.as_deref(), Some(words), "{text}");
        assert_eq!(understood.slots.filter.and_then(|f| f.has_due), Some(true), "{text}");
    }
}

#[test]
fn tags_taken_off_and_deeds_taken_back() {
    let untagged = understand("take the #urgent tag off the fence repair", &ctx());
    assert_eq!(untagged.intent, Intent::Update);
    assert_eq!(untagged.slots.tags_remove, ["urgent"]);
    let reopened = understand("oops, i haven't actually posted the letter to the council yet", &ctx());
    assert_eq!(reopened.intent, Intent::Reopen);
    let asked = understand("i want to get rid of a task", &ctx());
    assert_eq!((asked.intent, asked.target), (Intent::Delete, None));
}
