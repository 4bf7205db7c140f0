use chrono_tz::Europe::Berlin;

use super::*;
use crate::{Context, Due, TaskRef, understand};

fn ctx() -> Context {
    Context::new("2026-11-26T15:00:00Z".parse().expect("an instant"), Berlin)
}

fn intent(text: &str) -> Intent {
    understand(text, &ctx()).intent
}

#[test]
fn polite_padding_is_claimed_at_both_ends() {
    let mut message = Message::new("could you please add milk thanks");
    strip_padding(&mut message);
    assert_eq!(message.first_free_word(), Some(3));
    assert!(!message.is_free(5));
}

#[test]
fn the_hackathon_examples_are_understood() {
    assert_eq!(intent("Add a task to buy groceries"), Intent::Add);
    assert_eq!(intent("Show me all my tasks"), Intent::List);
    assert_eq!(intent("What's pending?"), Intent::List);
    assert_eq!(intent("Mark task 3 as complete"), Intent::Complete);
    assert_eq!(intent("Delete the meeting task"), Intent::Delete);
    assert_eq!(intent("Change task 1 to 'Call mom tonight'"), Intent::Update);
    assert_eq!(intent("I need to remember to pay bills"), Intent::Add);
    assert_eq!(intent("What have I completed?"), Intent::List);
    let reschedule = understand("Reschedule my morning meetings to 2 PM", &ctx());
    assert_eq!(reschedule.intent, Intent::Update);
    assert!(matches!(reschedule.slots.due, Some(Due::TimeOfDay { .. })));
    assert!(matches!(reschedule.target, Some(TaskRef::Selection { .. })));
}

#[test]
fn words_of_other_intents_inside_a_new_title_do_not_change_the_intent() {
    assert_eq!(intent("add cancel netflix subscription"), Intent::Add);
    assert_eq!(intent("add delete old photos from phone"), Intent::Add);
    assert_eq!(intent("add a task to update my cv"), Intent::Add);
}

#[test]
fn statements_without_a_verb_are_understood() {
    assert_eq!(intent("task 4 is done"), Intent::Complete);
    assert_eq!(intent("that one isn't done yet"), Intent::Reopen);
    assert_eq!(intent("task 2 should be urgent"), Intent::Update);
    assert_eq!(intent("task 4 repeats every other week"), Intent::SetRecurrence);
}

#[test]
fn unknown_messages_have_low_confidence() {
    let unknown = understand("what's the weather like", &ctx());
    assert_eq!(unknown.intent, Intent::Unknown);
    assert!(unknown.confidence < 0.5);
    assert!(understand("Mark task 3 as complete", &ctx()).confidence >= 0.85);
}

#[test]
fn understanding_is_deterministic() {
    let first = understand("remind me to call mom tomorrow at 6 #family", &ctx());
    for _ in 0..3 {
        assert_eq!(understand("remind me to call mom tomorrow at 6 #family", &ctx()), first);
    }
}

#[test]
fn deeds_and_dropped_plans_said_in_everyday_words() {
    assert_eq!(intent("i went to the gym this morning"), Intent::Complete);
    assert_eq!(intent("spoke to the landlord about the heating"), Intent::Complete);
    assert_eq!(intent("all set with the visa forms"), Intent::Complete);
    assert_eq!(intent("we're not doing the garage sale anymore"), Intent::Delete);
    // "i got to" is "i have to"; without "anymore", not doing something is no delete.
    assert_ne!(intent("i got to call the bank"), Intent::Complete);
    assert_ne!(intent("i'm not doing the dishes tonight"), Intent::Delete);
}
