use chrono::{DateTime, Utc};
use chrono_tz::Europe::Berlin;

use super::*;
use crate::types::{DueRange, PartOfDay, Priority};

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("an instant")
}

fn task(id: &str, title: &str, created: &str, due: Option<&str>) -> Candidate {
    Candidate {
        id: id.to_owned(),
        title: title.to_owned(),
        status: Status::Pending,
        due_at: due.map(utc),
        created_at: utc(created),
        tags: Vec::new(),
        priority: Priority::Medium,
    }
}

fn tasks() -> Vec<Candidate> {
    vec![
        task("a", "Buy groceries", "2026-11-01T10:00:00Z", None),
        task(
            "b",
            "Team meeting",
            "2026-11-02T10:00:00Z",
            Some("2026-11-27T08:00:00Z"),
        ),
        task(
            "c",
            "Meeting with Bob",
            "2026-11-03T10:00:00Z",
            Some("2026-11-27T15:00:00Z"),
        ),
        task("d", "Call mom", "2026-10-01T10:00:00Z", Some("2026-11-28T17:00:00Z")),
        task(
            "e",
            "Standup meeting",
            "2026-11-04T10:00:00Z",
            Some("2026-11-30T08:30:00Z"),
        ),
    ]
}

fn ctx() -> Context {
    Context::new(utc("2026-11-26T15:00:00Z"), Berlin)
}

fn title(text: &str) -> TaskRef {
    TaskRef::Title {
        text: text.to_owned(),
        when: None,
        at: None,
        next: false,
    }
}

fn unique(id: &str) -> Resolution {
    Resolution::Unique { id: id.to_owned() }
}

#[test]
fn a_number_is_a_position_in_the_last_list_shown() {
    let ctx = ctx().with_last_listed(["c", "a", "e"]);
    assert_eq!(resolve(&TaskRef::Number { number: 2 }, &ctx, &tasks()), unique("a"));
    let Resolution::NotFound { message } = resolve(&TaskRef::Number { number: 4 }, &ctx, &tasks()) else {
        panic!("not found")
    };
    assert!(message.contains("had 3 tasks"), "{message}");
}

/// Tasks whose ids are numbers, as task-api's are: "fix the sink" is #12, "buy milk" #2.
fn numbered() -> Vec<Candidate> {
    let mut tasks = tasks();
    for (task, id) in tasks.iter_mut().zip(["2", "12", "3", "5", "7"]) {
        task.id = id.to_owned();
    }
    tasks
}

#[test]
fn a_number_is_an_id_without_a_list_or_past_its_end() {
    let numbered = numbered();
    assert_eq!(
        resolve(&TaskRef::Number { number: 12 }, &ctx(), &numbered),
        unique("12")
    );
    let short = ctx().with_last_listed(["3", "5"]);
    assert_eq!(
        resolve(&TaskRef::Number { number: 12 }, &short, &numbered),
        unique("12")
    );
    let Resolution::NotFound { message } = resolve(&TaskRef::Number { number: 9 }, &short, &numbered) else {
        panic!("not found")
    };
    assert!(message.contains("had 2 tasks") && message.contains("id 9"), "{message}");
}

#[test]
fn a_number_that_is_both_an_id_and_a_position_is_asked_about_when_they_differ() {
    let numbered = numbered();
    // The 2nd listed is #12, and #2 exists too: ask, naming both.
    let listed = ctx().with_last_listed(["3", "12", "2"]);
    let Resolution::Ambiguous { candidates, question } = resolve(&TaskRef::Number { number: 2 }, &listed, &numbered)
    else {
        panic!("a question")
    };
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["2", "12"], "the id's reading first, then the list's");
    assert!(
        question.contains("#2") && question.contains("number 2 in the last list"),
        "{question}"
    );
    // Both readings are one task: no question.
    let agreeing = ctx().with_last_listed(["3", "2"]);
    assert_eq!(
        resolve(&TaskRef::Number { number: 2 }, &agreeing, &numbered),
        unique("2")
    );
    // No task has the id: the list's reading.
    assert_eq!(resolve(&TaskRef::Number { number: 1 }, &listed, &numbered), unique("3"));
}

#[test]
fn without_a_list_a_number_counts_tasks_by_creation_time() {
    // "d" was created first.
    assert_eq!(resolve(&TaskRef::Number { number: 1 }, &ctx(), &tasks()), unique("d"));
    assert_eq!(resolve(&TaskRef::Number { number: 3 }, &ctx(), &tasks()), unique("b"));
}

#[test]
fn positions_need_a_list_and_count_from_either_end() {
    let ctx_with_list = ctx().with_last_listed(["c", "a", "e"]);
    assert_eq!(
        resolve(&TaskRef::Position { position: -1 }, &ctx_with_list, &tasks()),
        unique("e")
    );
    assert_eq!(
        resolve(&TaskRef::Position { position: 1 }, &ctx_with_list, &tasks()),
        unique("c")
    );
    assert!(matches!(
        resolve(&TaskRef::Position { position: 1 }, &ctx(), &tasks()),
        Resolution::NotFound { .. }
    ));
}

#[test]
fn a_pronoun_is_the_task_mentioned_last() {
    assert_eq!(
        resolve(&TaskRef::Pronoun, &ctx().with_last_mentioned("d"), &tasks()),
        unique("d")
    );
    assert_eq!(
        resolve(&TaskRef::Pronoun, &ctx().with_last_listed(["b"]), &tasks()),
        unique("b")
    );
    assert!(matches!(
        resolve(&TaskRef::Pronoun, &ctx(), &tasks()),
        Resolution::NotFound { .. }
    ));
}

#[test]
fn a_title_matches_despite_typos_and_plurals() {
    assert_eq!(resolve(&title("grocries"), &ctx(), &tasks()), unique("a"));
    assert_eq!(resolve(&title("groceries"), &ctx(), &tasks()), unique("a"));
    assert_eq!(resolve(&title("call mom"), &ctx(), &tasks()), unique("d"));
    assert!(matches!(
        resolve(&title("dentist"), &ctx(), &tasks()),
        Resolution::NotFound { .. }
    ));
}

#[test]
fn an_ambiguous_title_asks_which_one_instead_of_guessing() {
    let Resolution::Ambiguous { candidates, question } = resolve(&title("meeting"), &ctx(), &tasks()) else {
        panic!("ambiguous")
    };
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["b", "c", "e"]);
    assert!(question.starts_with("Which one do you mean?"), "{question}");
    assert!(
        question.contains("1. Team meeting (due Fri 27 Nov 09:00)"),
        "{question}"
    );
    assert!(question.contains("Meeting with Bob"), "{question}");
}

#[test]
fn an_exact_title_wins_over_partial_matches() {
    let mut tasks = tasks();
    tasks.push(task("f", "Meeting", "2026-11-05T10:00:00Z", None));
    assert_eq!(resolve(&title("meeting"), &ctx(), &tasks), unique("f"));
}

#[test]
fn a_date_narrows_a_title_to_one_task() {
    let tomorrow = DueRange {
        from: Some(utc("2026-11-26T23:00:00Z")),
        to: Some(utc("2026-11-27T23:00:00Z")),
    };
    let reference = TaskRef::Title {
        text: "meeting".to_owned(),
        when: Some(tomorrow),
        at: None,
        next: false,
    };
    assert!(
        matches!(resolve(&reference, &ctx(), &tasks()), Resolution::Ambiguous { candidates, .. } if candidates.len() == 2)
    );
}

#[test]
fn morning_meetings_select_pending_meetings_due_in_the_local_morning() {
    let filter = ListFilter {
        status: Some(Status::Pending),
        text: Some("meeting".to_owned()),
        ..ListFilter::default()
    };
    let reference = TaskRef::Selection {
        filter,
        part_of_day: Some(PartOfDay::Morning),
    };
    // b is due 09:00 and e 09:30 Berlin time; c is due 16:00.
    assert_eq!(
        resolve(&reference, &ctx(), &tasks()),
        Resolution::Many {
            ids: vec!["b".to_owned(), "e".to_owned()]
        }
    );
}

#[test]
fn ids_match_whole_or_by_prefix() {
    let mut tasks = tasks();
    tasks.push(task(
        "3f2a9c1e-0000-4000-8000-000000000001",
        "Pay rent",
        "2026-11-06T10:00:00Z",
        None,
    ));
    let reference = TaskRef::Id {
        id: "3f2a9c1e".to_owned(),
    };
    assert_eq!(
        resolve(&reference, &ctx(), &tasks),
        unique("3f2a9c1e-0000-4000-8000-000000000001")
    );
}

#[test]
fn the_last_list_is_every_listed_task_that_still_exists() {
    let ctx = ctx().with_last_listed(["a", "gone", "d"]);
    assert_eq!(
        resolve(&TaskRef::LastList, &ctx, &tasks()),
        Resolution::Many {
            ids: vec!["a".to_owned(), "d".to_owned()]
        }
    );
}

#[test]
fn overdue_selects_pending_tasks_due_before_now() {
    let mut tasks = tasks();
    tasks.push(task(
        "late",
        "Old thing",
        "2026-11-06T10:00:00Z",
        Some("2026-11-20T10:00:00Z"),
    ));
    let filter = ListFilter {
        overdue: true,
        status: Some(Status::Pending),
        ..ListFilter::default()
    };
    let reference = TaskRef::Selection {
        filter,
        part_of_day: None,
    };
    assert_eq!(
        resolve(&reference, &ctx(), &tasks),
        Resolution::Many {
            ids: vec!["late".to_owned()]
        }
    );
}

#[test]
fn a_time_a_next_or_only_a_kind_of_entry_picks_by_the_due_time() {
    let reference = |text: &str, at: Option<&str>, next: bool| TaskRef::Title {
        text: text.to_owned(),
        when: None,
        at: at.map(|at| at.parse().expect("a time")),
        next,
    };
    let unique = |r: Resolution| match r {
        Resolution::Unique { id } => id,
        other => panic!("not one task: {other:?}"),
    };
    // "my 4pm meeting": Meeting with Bob is due 16:00 in Berlin.
    assert_eq!(
        unique(resolve(
            &reference("meeting", Some("16:00:00"), false),
            &ctx(),
            &tasks()
        )),
        "c"
    );
    // "my next meeting": the soonest of the three.
    assert_eq!(
        unique(resolve(&reference("meeting", None, true), &ctx(), &tasks())),
        "b"
    );
    // "the next event": no title says event, so the soonest of all.
    assert_eq!(unique(resolve(&reference("event", None, true), &ctx(), &tasks())), "b");
    // Without a time, a kind of entry names nothing.
    assert!(matches!(
        resolve(&reference("event", None, false), &ctx(), &tasks()),
        Resolution::NotFound { .. }
    ));
}

#[test]
fn a_title_said_without_its_apostrophe_is_the_same_title() {
    let mut all = tasks();
    all.push(task("f", "mom's birthday", "2026-11-05T10:00:00Z", None));
    all.push(task("g", "buy mom's birthday present", "2026-11-06T10:00:00Z", None));
    assert!(matches!(
        resolve(&title("moms birthday"), &ctx(), &all),
        Resolution::Unique { id } if id == "f"
    ));
}

#[test]
fn a_time_said_of_a_task_without_a_due_time_does_not_rule_it_out() {
    let reference = TaskRef::Title {
        text: "booked the restaurant".to_owned(),
        when: Some(DueRange {
            from: Some(utc("2026-11-26T23:00:00Z")),
            to: Some(utc("2026-11-27T23:00:00Z")),
        }),
        at: None,
        next: false,
    };
    let mut all = tasks();
    all.push(task(
        "f",
        "book the restaurant for friday",
        "2026-11-05T10:00:00Z",
        None,
    ));
    assert!(matches!(resolve(&reference, &ctx(), &all), Resolution::Unique { id } if id == "f"));
}
