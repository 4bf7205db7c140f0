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
