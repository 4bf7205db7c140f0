use chrono_tz::Europe::Berlin;

use super::*;
use crate::types::PartOfDay;

fn reference(text: &str, intent: Intent) -> Option<TaskRef> {
    let ctx = Context::new("2026-11-26T15:00:00Z".parse().expect("an instant"), Berlin);
    let mut message = Message::new(text);
    let len = message.len();
    take(&mut message, 0..len, &ctx, intent)
}

fn title(text: &str) -> TaskRef {
    TaskRef::Title {
        text: text.to_owned(),
        when: None,
        at: None,
        next: false,
    }
}

#[test]
fn numbers_in_every_form() {
    for text in ["task 3", "task #3", "#3", "number 3", "task number three", "no. 3", "3"] {
        assert_eq!(
            reference(text, Intent::Complete),
            Some(TaskRef::Number { number: 3 }),
            "{text}"
        );
    }
}

#[test]
fn ids_are_whole_uuids_or_hex_prefixes_with_a_digit() {
    let uuid = "7d4e1f20-5b6a-4c3d-9e8f-0a1b2c3d4e5f";
    assert_eq!(
        reference(&format!("task {uuid}"), Intent::Delete),
        Some(TaskRef::Id { id: uuid.to_owned() })
    );
    assert_eq!(
        reference("3f2a9c1e", Intent::Delete),
        Some(TaskRef::Id {
            id: "3f2a9c1e".to_owned()
        })
    );
    assert_eq!(reference("the deadbeef task", Intent::Delete), Some(title("deadbeef")));
}

#[test]
fn positions_count_from_the_start_or_the_end() {
    assert_eq!(
        reference("the second one", Intent::Complete),
        Some(TaskRef::Position { position: 2 })
    );
    assert_eq!(
        reference("the 2nd task", Intent::Complete),
        Some(TaskRef::Position { position: 2 })
    );
    assert_eq!(
        reference("the last one", Intent::Complete),
        Some(TaskRef::Position { position: -1 })
    );
    assert_eq!(
        reference("the second to last one", Intent::Complete),
        Some(TaskRef::Position { position: -2 })
    );
}

#[test]
fn pronouns_and_the_last_list() {
    assert_eq!(reference("it", Intent::Delete), Some(TaskRef::Pronoun));
    assert_eq!(reference("that one", Intent::Delete), Some(TaskRef::Pronoun));
    assert_eq!(reference("them all", Intent::Complete), Some(TaskRef::LastList));
    assert_eq!(
        reference("everything on the list", Intent::Complete),
        Some(TaskRef::LastList)
    );
}

#[test]
fn a_name_wins_over_a_pronoun() {
    assert_eq!(
        reference("the passport task, it", Intent::Delete),
        Some(title("passport"))
    );
    assert_eq!(reference("this report", Intent::Delete), Some(title("report")));
}

#[test]
fn names_lose_articles_and_the_word_task() {
    assert_eq!(
        reference("the groceries task", Intent::Delete),
        Some(title("groceries"))
    );
    assert_eq!(
        reference("the task called buy milk", Intent::Delete),
        Some(title("buy milk"))
    );
    assert_eq!(
        reference("my dentist appointment", Intent::Delete),
        Some(title("dentist appointment"))
    );
    assert_eq!(
        reference("the 'Buy milk' task", Intent::Delete),
        Some(title("buy milk"))
    );
}

#[test]
fn a_date_next_to_a_name_narrows_it() {
    let Some(TaskRef::Title { text, when, .. }) = reference("tomorrow's meeting", Intent::Delete) else {
        panic!("a title reference");
    };
    assert_eq!(text, "meeting");
    assert!(when.is_some());
}

#[test]
fn plural_and_all_select_several_tasks() {
    let morning_meetings = reference("my morning meetings", Intent::Update);
    let Some(TaskRef::Selection { filter, part_of_day }) = morning_meetings else {
        panic!("a selection")
    };
    assert_eq!(filter.text.as_deref(), Some("meeting"));
    assert_eq!(filter.status, Some(Status::Pending));
    assert_eq!(part_of_day, Some(PartOfDay::Morning));
    let Some(TaskRef::Selection { filter, .. }) = reference("all completed tasks", Intent::Delete) else {
        panic!("a selection")
    };
    assert_eq!((filter.status, filter.text), (Some(Status::Completed), None));
    // "the groceries" is one task with a plural name.
    assert_eq!(reference("the groceries", Intent::Delete), Some(title("groceries")));
}

#[test]
fn a_tag_is_not_a_number() {
    assert_eq!(reference("#work", Intent::Delete), Some(title("work")));
}

#[test]
fn a_time_alone_is_that_time_on_any_day_and_next_is_the_soonest() {
    let Some(TaskRef::Title { text, when, at, next }) = reference("my 3pm meeting", Intent::Update) else {
        panic!("a title reference");
    };
    assert_eq!(
        (text.as_str(), when, at.map(|t| t.to_string()), next),
        ("meeting", None, Some("15:00:00".to_owned()), false)
    );
    let Some(TaskRef::Title { text, next, .. }) = reference("the next event", Intent::Delete) else {
        panic!("a title reference");
    };
    assert_eq!((text.as_str(), next), ("event", true));
    // "saturday the 28th" is a day, not the 28th row of a list.
    let Some(TaskRef::Title { text, when, .. }) =
        reference("the dinner with june on saturday the 28th at 7pm", Intent::Delete)
    else {
        panic!("a title reference");
    };
    assert_eq!(text, "dinner with june");
    assert!(when.is_some());
}

#[test]
fn the_middle_one_of_a_list_with_a_middle() {
    let ctx = |rows: usize| {
        Context::new("2026-11-26T15:00:00Z".parse().expect("an instant"), Berlin)
            .with_last_listed((0..rows).map(|n| format!("id{n}")))
    };
    let take_with = |rows: usize| {
        let mut message = Message::new("the middle one");
        let len = message.len();
        take(&mut message, 0..len, &ctx(rows), Intent::Complete)
    };
    assert_eq!(take_with(3), Some(TaskRef::Position { position: 2 }));
    assert_eq!(take_with(5), Some(TaskRef::Position { position: 3 }));
    assert!(!matches!(take_with(4), Some(TaskRef::Position { .. })));
}

#[test]
fn one_of_my_tasks_names_none_yet() {
    assert_eq!(reference("one of my tasks", Intent::Complete), None);
    assert_eq!(
        reference("one of my tasks the gas bill one", Intent::Complete),
        Some(title("gas bill"))
    );
}
