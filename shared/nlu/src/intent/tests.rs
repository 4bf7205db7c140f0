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

#[test]
fn words_for_a_kind_of_entry_are_not_a_new_title() {
    let title = |text: &str| understand(text, &ctx()).slots.title;
    assert_eq!(
        title("i need to add the chore of vacuuming to my task list").as_deref(),
        Some("Vacuuming")
    );
    assert_eq!(
        title("add event baseball practice five pm tonight").as_deref(),
        Some("Baseball practice")
    );
    assert_eq!(
        title("add an event called team dinner friday").as_deref(),
        Some("Team dinner")
    );
    assert_eq!(
        title("can you tell me on tuesday to give jane a call").as_deref(),
        Some("Give jane a call")
    );
    // A repeating event with no name is asked about; a name that starts with "event" stays.
    assert_eq!(title("create a repeating event on mondays at seven pm"), None);
    assert_eq!(
        title("add the event planning meeting").as_deref(),
        Some("The event planning meeting")
    );
}

#[test]
fn asking_what_there_is_to_do_lists_what_is_pending() {
    for text in [
        "what do i need to do",
        "what should i be doing",
        "refresh my memory please",
    ] {
        let understood = understand(text, &ctx());
        assert_eq!(understood.intent, Intent::List, "{text}");
        assert_eq!(
            understood.slots.filter.and_then(|f| f.status),
            Some(crate::Status::Pending),
            "{text}"
        );
    }
}

#[test]
fn a_level_said_twice_or_denied_changes_the_priority_once() {
    let understood = understand("rent is super urgent, flag it as urgent", &ctx());
    assert_eq!(understood.slots.priority, Some(crate::Priority::Urgent));
    assert!(
        matches!(understood.target, Some(TaskRef::Title { ref text, .. }) if text == "rent"),
        "{understood:?}"
    );
    let understood = understand("call aunt may isn't that important, make it low", &ctx());
    assert_eq!(understood.slots.priority, Some(crate::Priority::Low));
    assert_eq!(
        intent("alter lunch event to repeat every friday"),
        Intent::SetRecurrence
    );
}

#[test]
fn reminders_set_up_for_a_task_that_exists() {
    let understood = understand(
        "can you remind my next meeting with my boss one hour before it will happen",
        &ctx(),
    );
    assert_eq!(
        (understood.intent, understood.slots.reminder_minutes),
        (Intent::Update, Some(60))
    );
    assert!(
        matches!(understood.target, Some(TaskRef::Title { ref text, next: true, .. }) if text == "meeting with my boss")
    );
    let understood = understand("remind me of meeting five minutes before time", &ctx());
    assert_eq!(
        (understood.intent, understood.slots.reminder_minutes),
        (Intent::Update, Some(5))
    );
    let understood = understand("activate a one week notification before my anniversary please", &ctx());
    assert_eq!(
        (understood.intent, understood.slots.reminder_minutes),
        (Intent::Update, Some(7 * 24 * 60))
    );
    assert_eq!(
        intent("i will no longer be joining mom for lunch tomorrow"),
        Intent::Delete
    );
}

#[test]
fn requests_around_a_new_task_are_not_its_title() {
    let title = |text: &str| understand(text, &ctx()).slots.title;
    assert_eq!(
        title("i want to do laundry at eight pm create reminder").as_deref(),
        Some("Do laundry")
    );
    assert_eq!(
        title("send me a reminder to pick up my dog from the groomer tomorrow at one pm").as_deref(),
        Some("Pick up my dog from the groomer")
    );
    assert_eq!(
        title("note to self: renew the library books").as_deref(),
        Some("Renew the library books")
    );
    assert_eq!(
        title("can you put in lee's birthday on the twenty second of june").as_deref(),
        Some("Lee's birthday")
    );
    assert_eq!(
        title("don't forget to pay the school fees, they're due monday").as_deref(),
        Some("Pay the school fees")
    );
    assert_eq!(
        title("Remind me to have lunch at 12 p.m. tomorrow.").as_deref(),
        Some("Have lunch")
    );
    assert_eq!(
        title("fixing the shower rail needs doing").as_deref(),
        Some("Fixing the shower rail")
    );
}

#[test]
fn marking_a_calendar_or_a_date_writes_something_down() {
    for text in [
        "please mark my calendar for a holiday in cuba on april two",
        "will you mark that i have a meeting with tom at three tomorrow",
        "mark april twenty as my brother's birthday",
    ] {
        assert_eq!(intent(text), Intent::Add, "{text}");
    }
    assert_eq!(intent("mark the report as done"), Intent::Complete);
    assert_eq!(intent("the gutters still need doing"), Intent::Reopen);
}

#[test]
fn questions_about_what_is_planned_are_lists() {
    for text in [
        "do i have anything booked for tomorrow",
        "are there any reminders set for today",
        "is there any program for tomorrow evening",
        "anything without a deadline?",
        "what do i have to do on monday",
    ] {
        assert_eq!(intent(text), Intent::List, "{text}");
    }
    let understood = understand("when is my next meeting", &ctx());
    assert_eq!(
        (understood.slots.limit, understood.slots.search.as_deref()),
        (Some(1), Some("meeting"))
    );
    assert_eq!(
        understand("anything to do with the bike?", &ctx())
            .slots
            .search
            .as_deref(),
        Some("bike")
    );
}

#[test]
fn changes_said_loosely_find_their_task_and_value() {
    let understood = understand("make the dentist 11:30 instead", &ctx());
    assert!(
        matches!(understood.target, Some(TaskRef::Title { ref text, at: None, .. }) if text == "dentist"),
        "{understood:?}"
    );
    assert!(matches!(understood.slots.due, Some(Due::TimeOfDay { .. })));
    let understood = understand("give me a heads-up 2 days before the passport appointment", &ctx());
    assert_eq!(
        (understood.intent, understood.slots.reminder_minutes),
        (Intent::Update, Some(2 * 24 * 60))
    );
    assert_eq!(
        understand("add call mom tomorrow with a 30 minute reminder", &ctx())
            .slots
            .reminder_minutes,
        Some(30)
    );
    assert_eq!(intent("move call the insurance back to my open tasks"), Intent::Reopen);
    let understood = understand("remove thursday's lunch from my calendar", &ctx());
    assert!(matches!(understood.target, Some(TaskRef::Title { ref text, when: Some(_), .. }) if text == "lunch"));
}

#[test]
fn requests_for_a_reminder_in_other_words() {
    let title = |text: &str| understand(text, &ctx()).slots.title;
    assert_eq!(title("tell me later to call bill").as_deref(), Some("Call bill"));
    assert_eq!(
        title("send me notice of meeting wednesday nine am").as_deref(),
        Some("Meeting")
    );
    assert_eq!(
        title("write down that i am going to meet with jenny on the third okay").as_deref(),
        Some("Meet with jenny")
    );
    // Asked for without saying what: the chat asks.
    assert_eq!(title("i'd like to have a reminder made"), None);
    assert_eq!(intent("can i have a reminder set up"), Intent::Add);
}

#[test]
fn taking_an_entry_off_the_calendar_deletes_it() {
    for text in [
        "take off the doctor's appointment on march twentieth",
        "i want to take the 8am meeting with sam on monday off my calendar",
        "cancels lunch at the restaurant booked for friday",
        "dismiss my next event",
    ] {
        assert_eq!(intent(text), Intent::Delete, "{text}");
    }
    assert_eq!(intent("take out the trash tomorrow"), Intent::Add);
}

#[test]
fn calendar_removals_in_the_words_of_the_public_pools() {
    let target = |text: &str| match understand(text, &ctx()).target {
        Some(TaskRef::Title { text, .. }) => text,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(
        target("can you get rid of my trip to the zoo from my calendar"),
        "trip to the zoo"
    );
    assert_eq!(
        target("can you take out dentist appointment from my calendar"),
        "dentist appointment"
    );
    assert_eq!(
        target("hi olly please remove the birthday event on coming sunday"),
        "birthday event"
    );
    assert_eq!(
        target("remove the doctor's appointment i added to my calendar"),
        "doctor's appointment"
    );
    assert_eq!(
        intent("remove the board meeting and reschedule for wednesday"),
        Intent::Update
    );
    // "coming sunday" is the next sunday to come; "this coming friday" too.
    let when = |text: &str| match understand(text, &ctx()).slots.due {
        Some(Due::Day { date, .. }) => date.to_string(),
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(when("add dinner this coming friday"), "2026-11-27");
    assert_eq!(when("add brunch on coming sunday"), "2026-11-29");
}

#[test]
fn asking_what_was_to_be_remembered_lists_it() {
    for text in [
        "do you know what things i wanted to remember",
        "what things did i not want to forget",
        "what are the things that i wanted to keep in mind",
        "please play my list of reminders",
    ] {
        assert_eq!(intent(text), Intent::List, "{text}");
    }
    // The words that only frame the request filter nothing.
    let understood = understand("can you tell me the reminders i have set up", &ctx());
    assert_eq!(understood.slots.filter.and_then(|f| f.text), None);
    let understood = understand("did i jot down a time to see my accountant on my to do list", &ctx());
    assert_eq!(understood.slots.search.as_deref(), Some("accountant"));
}

#[test]
fn a_person_s_state_and_the_clock_are_not_tasks() {
    assert_eq!(intent("i'm bored"), Intent::Unknown);
    assert_eq!(intent("what time is it"), Intent::Unknown);
    assert_eq!(intent("bills paid"), Intent::Complete);
    assert_eq!(intent("tick off everything on the list"), Intent::Complete);
    assert_eq!(
        understand("add prepare slides for monday's meeting", &ctx())
            .slots
            .title
            .as_deref(),
        Some("Prepare slides for monday's meeting")
    );
    assert_eq!(
        understand("note down: renew the car insurance", &ctx())
            .slots
            .title
            .as_deref(),
        Some("Renew the car insurance")
    );
}

#[test]
fn done_said_as_a_state_or_a_permission() {
    for text in [
        "the middle one is sorted",
        "task 3 can be ticked off",
        "that's the dentist sorted",
        "rang the bank about the card",
        "check off meet john at 8 am from to do list",
    ] {
        assert_eq!(intent(text), Intent::Complete, "{text}");
    }
}
