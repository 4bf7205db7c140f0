use chrono_tz::Europe::Berlin;

use super::*;
use crate::types::Priority;

fn filter(text: &str, known_tags: &[&str]) -> (ListFilter, Option<String>) {
    let ctx = Context::new("2026-11-26T15:00:00Z".parse().expect("an instant"), Berlin)
        .with_known_tags(known_tags.iter().copied());
    let mut message = Message::new(text);
    let len = message.len();
    let found = take(&mut message, 0..len, &ctx);
    (found, take_list_text(&mut message, 0..len))
}

#[test]
fn status_words_narrow_the_list() {
    assert_eq!(filter("what's pending", &[]).0.status, Some(Status::Pending));
    assert_eq!(filter("what's left to do", &[]).0.status, Some(Status::Pending));
    assert_eq!(filter("what have i completed", &[]).0.status, Some(Status::Completed));
    assert_eq!(filter("show my tasks", &[]).0, ListFilter::default());
}

#[test]
fn overdue_means_pending_and_late() {
    let (found, _) = filter("anything overdue?", &[]);
    assert!(found.overdue);
    assert_eq!(found.status, Some(Status::Pending));
}

#[test]
fn priorities_tags_and_dates_combine() {
    let (found, text) = filter("show important #work tasks due this week", &[]);
    assert_eq!(found.priorities, [Priority::High]);
    assert_eq!(found.tags, ["work"]);
    assert!(found.due.is_some());
    assert_eq!(text, None);
}

#[test]
fn a_known_tag_filters_and_an_unknown_word_is_text() {
    assert_eq!(filter("show my work tasks", &["work"]).0.tags, ["work"]);
    assert_eq!(filter("show my work tasks", &[]).1.as_deref(), Some("work"));
}

#[test]
fn done_ones_included_to_be_done_and_ticked_off() {
    let (found, text) = filter("show my to-do list including the checked-off items", &[]);
    assert_eq!((found.status, text), (None, None));
    let (found, text) = filter("which tasks have i ticked off?", &[]);
    assert_eq!((found.status, text), (Some(Status::Completed), None));
    let (found, _) = filter("what are the jobs to be done today", &[]);
    assert_eq!(found.status, Some(Status::Pending));
}

#[test]
fn parts_of_a_day_and_after_a_time_narrow_the_range() {
    let at = |s: &str| Some(s.parse().expect("an instant"));
    let (found, _) = filter("what is my schedule for tomorrow morning", &[]);
    let due = found.due.expect("a range");
    assert_eq!(
        (due.from, due.to),
        (at("2026-11-27T04:00:00Z"), at("2026-11-27T11:00:00Z"))
    );
    let (found, text) = filter("give me today's calendar events after six pm", &[]);
    let due = found.due.expect("a range");
    assert_eq!(
        (due.from, due.to, text),
        (at("2026-11-26T17:00:00Z"), at("2026-11-26T23:00:00Z"), None)
    );
    let (found, _) = filter("what's due after friday", &[]);
    let due = found.due.expect("a range");
    assert_eq!((due.from, due.to), (at("2026-11-27T23:00:00Z"), None));
    // "tonight" takes in the evening; a reference keeps the whole day ("tonight's dinner").
    let (found, _) = filter("what do i have on tonight", &[]);
    let due = found.due.expect("a range");
    assert_eq!(
        (due.from, due.to),
        (at("2026-11-26T16:00:00Z"), at("2026-11-27T04:00:00Z"))
    );
    let ctx = Context::new("2026-11-26T15:00:00Z".parse().expect("an instant"), Berlin);
    let mut said = Message::new("tonight");
    let tonight = dates::take(&mut said, 0..1).expect("a date");
    let day = when::to_range(&tonight, ctx.now, ctx.tz).expect("a range");
    assert_eq!(
        (day.from, day.to),
        (at("2026-11-25T23:00:00Z"), at("2026-11-26T23:00:00Z"))
    );
    // A day said wins over "coming up".
    let (found, _) = filter("what's coming up this week", &[]);
    assert_eq!(found.due.expect("a range").to, at("2026-11-29T23:00:00Z"));
}

#[test]
fn overdue_or_due_today_is_everything_due_before_the_day_ends() {
    let (found, text) = filter(
        "show me high and urgent priority tasks that are due today or overdue",
        &[],
    );
    assert!(found.overdue);
    let due = found.due.expect("a range");
    assert_eq!(
        (due.from, due.to),
        (None, Some("2026-11-26T23:00:00Z".parse().expect("an instant")))
    );
    assert_eq!(text, None);
}

#[test]
fn tasks_with_or_without_a_due_date() {
    for text in [
        "list the tasks with no due date",
        "show undated tasks",
        "which tasks don't have a deadline",
    ] {
        let (found, rest) = filter(text, &[]);
        assert_eq!((found.has_due, rest), (Some(false), None), "{text}");
    }
    assert_eq!(filter("which tasks have a deadline", &[]).0.has_due, Some(true));
    assert_eq!(filter("what is due today", &[]).0.has_due, None);
}

#[test]
fn a_part_of_the_day_said_apart_and_a_time_bound_narrow_the_day() {
    let at = |s: &str| Some(s.parse().expect("an instant"));
    let (found, text) = filter("what does my morning look like tomorrow", &[]);
    let due = found.due.expect("a range");
    assert_eq!(
        (due.from, due.to, text),
        (at("2026-11-27T04:00:00Z"), at("2026-11-27T11:00:00Z"), None)
    );
    let (found, _) = filter("what reminders do i have scheduled before noon tomorrow", &[]);
    let due = found.due.expect("a range");
    assert_eq!(
        (due.from, due.to),
        (at("2026-11-26T23:00:00Z"), at("2026-11-27T11:00:00Z"))
    );
    let (found, _) = filter("show everything, the done ones too", &[]);
    assert_eq!(found.status, None);
    let (found, _) = filter("what did i already tick off?", &[]);
    assert_eq!(found.status, Some(Status::Completed));
}

#[test]
fn calendar_words_frame_a_question_and_search_nothing() {
    let search = |text: &str| {
        let mut message = Message::new(text);
        let len = message.len();
        take_search_text(&mut message, 0..len)
    };
    assert_eq!(
        search("is my daughter's birthday on my calendar").as_deref(),
        Some("daughter's birthday")
    );
    assert_eq!(
        search("is there an event titled anniversary dinner").as_deref(),
        Some("anniversary dinner")
    );
    assert_eq!(search("is my calendar free").as_deref(), None);
    // A name stays a name.
    assert_eq!(
        search("do i have any meetings with mark").as_deref(),
        Some("meetings mark")
    );
}

#[test]
fn between_two_hours_is_that_span_of_the_day() {
    let at = |s: &str| Some(s.parse().expect("an instant"));
    let (found, text) = filter("how many meetings do i have between 10 and 3", &[]);
    let due = found.due.expect("a range");
    assert_eq!(
        (due.from, due.to),
        (at("2026-11-26T09:00:00Z"), at("2026-11-26T14:00:00Z"))
    );
    assert_eq!(text, None, "meetings frame a list; the chat narrows to them");
    let (found, _) = filter("anything on saturday between two and four pm", &[]);
    let due = found.due.expect("a range");
    assert_eq!(
        (due.from, due.to),
        (at("2026-11-28T13:00:00Z"), at("2026-11-28T15:00:00Z"))
    );
    let (found, _) = filter("what do i have between noon and one", &[]);
    let due = found.due.expect("a range");
    assert_eq!(
        (due.from, due.to),
        (at("2026-11-26T11:00:00Z"), at("2026-11-26T12:00:00Z"))
    );
}
