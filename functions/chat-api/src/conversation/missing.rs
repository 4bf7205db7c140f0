//! Commands that say what to do but not to which task ("delete", "mark as done") or not what task
//! ("remind me"). The chat asks for what is missing instead of apologising, and reads the answer
//! as the rest of the command: "delete" then "the dentist one" is "delete the dentist one". An
//! answer that is a command of its own ("show my tasks", "no") is taken as that instead.

use todo_nlu::{self as nlu, Intent, Understanding};

/// The confidence of a command said with its own words ("show …", "add …"); a bare task ("walk
/// the dog") that only looks like an add stays below it, so it can answer "which task?".
const COMMAND: f32 = 0.7;

/// True when `u` lacks only its task or its title: the command is clear enough to ask about.
/// Its confidence was halved for what is missing, so the bar is half the usual one.
pub(super) fn asks(u: &Understanding, threshold: f32) -> bool {
    lacks_something(u) && u.confidence * 2.0 >= threshold
}

fn lacks_something(u: &Understanding) -> bool {
    missing(u) > 0
}

/// How many of its parts a command lacks: a new task's title; the task acted on; for a change,
/// also the change ("change the due date" lacks both the task and the date).
fn missing(u: &Understanding) -> usize {
    match u.intent {
        Intent::Add => usize::from(u.slots.title.is_none()),
        Intent::Complete | Intent::Reopen | Intent::Delete => usize::from(u.target.is_none()),
        Intent::Update | Intent::SetRecurrence => usize::from(u.target.is_none()) + usize::from(!u.slots.changes()),
        _ => 0,
    }
}

/// The command `original` completed by `answer`, with the text it was read from; `None` when the
/// answer stands on its own (another command, a "no") or does not complete it.
pub(super) fn completed(
    original: &str,
    answer: &str,
    alone: &Understanding,
    ctx: &nlu::Context,
    threshold: f32,
) -> Option<(Understanding, String)> {
    let before = nlu::understand(original, ctx);
    let asked = before.intent;
    let text = format!("{original} {answer}");
    let combined = nlu::understand(&text, ctx);
    let whole = !lacks_something(&combined) && combined.confidence >= threshold;
    // One word that completes the command is its answer ("urgent" to "which priority?"), though
    // alone it would list the urgent tasks.
    let one_word = answer.split_whitespace().count() == 1 && combined.intent == asked && whole;
    let stands_alone = matches!(alone.intent, Intent::Deny | Intent::Confirm | Intent::Greeting | Intent::Help)
        // Another command, said as one ("show my tasks"); a bare task ("walk the dog") is not.
        || alone.intent != asked
            && !lacks_something(alone)
            && alone.confidence >= threshold
            && alone.confidence >= COMMAND
            && !one_word;
    if stands_alone {
        return None;
    }
    // "change the due date" then "the gas bill": the task is known now, the date still asked for.
    let closer = missing(&combined) < missing(&before) && asks(&combined, threshold);
    (combined.intent == asked && (whole || closer)).then_some((combined, text))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn ctx() -> nlu::Context {
        nlu::Context::new(
            Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap(),
            chrono_tz::Europe::Berlin,
        )
    }

    fn complete(original: &str, answer: &str) -> Option<String> {
        let alone = nlu::understand(answer, &ctx());
        completed(original, answer, &alone, &ctx(), 0.5).map(|(_, text)| text)
    }

    #[test]
    fn a_bare_command_is_asked_about() {
        for bare in ["delete", "remind me", "mark as done", "reopen"] {
            assert!(asks(&nlu::understand(bare, &ctx()), 0.5), "{bare}");
        }
        assert!(!asks(&nlu::understand("sing me a song", &ctx()), 0.5));
        assert!(!asks(&nlu::understand("delete the milk task", &ctx()), 0.5));
    }

    #[test]
    fn the_answer_completes_the_command() {
        assert_eq!(
            complete("delete", "the dentist one").as_deref(),
            Some("delete the dentist one")
        );
        assert_eq!(
            complete("remind me", "to call the bank tomorrow at 10").as_deref(),
            Some("remind me to call the bank tomorrow at 10")
        );
        assert_eq!(
            complete("mark as done", "task 3").as_deref(),
            Some("mark as done task 3")
        );
    }

    #[test]
    fn a_bare_task_answers_the_question_even_if_it_could_be_an_add() {
        assert_eq!(
            complete("mark as done", "walk the dog").as_deref(),
            Some("mark as done walk the dog")
        );
    }

    #[test]
    fn a_change_asks_for_its_task_then_its_value() {
        let after_task = complete("change the due date", "the electricity bill");
        assert_eq!(after_task.as_deref(), Some("change the due date the electricity bill"));
        let text = after_task.expect("the task answered");
        assert_eq!(
            complete(&text, "friday").as_deref(),
            Some("change the due date the electricity bill friday")
        );
        assert_eq!(
            complete("change the priority of the grant application", "urgent").as_deref(),
            Some("change the priority of the grant application urgent")
        );
    }

    #[test]
    fn an_answer_that_is_its_own_command_is_not_glued_on() {
        for answer in ["show my tasks", "no", "never mind", "help"] {
            assert_eq!(complete("delete", answer), None, "{answer}");
        }
    }
}
