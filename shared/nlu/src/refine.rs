//! Commands whose verb alone does not settle the intent: "mark" (done, not done or a priority),
//! "add" (a task, or a tag or note for an existing one), "delete" (a task, or a field of one),
//! and questions (a list, a search, or nothing about tasks).

use crate::cues::LIST_CUES;
use crate::intent::Cue;
use crate::message::{Message, listed};
use crate::normalise::Kind;
use crate::types::{Field, Intent};
use crate::verbs::chained_add_cues;
use crate::{dates, priority};

const REOPEN_TAILS: &[&str] = &[
    "back? as|to? not|un yet? done|complete|completed|finished",
    "back? as|to? incomplete|undone|unfinished|pending|open|outstanding|uncompleted|todo|active|unchecked",
];

const DONE_TAIL: &str = "as|to? done|complete|completed|finished|closed|checked|ticked|finish";

/// Words that make a request a search.
const SEARCH_CUES: &str = "about containing contain contains mentioning mention mentions related regarding concerning \
    called named titled word";

/// "mark … as done", "mark it as not done", "set task 3 back to open", "mark task 2 as high".
pub(super) fn mark(m: &mut Message<'_>, i: usize) -> Cue {
    let set = m.word(i) == "set";
    m.take(i..i + 1);
    let rest = i + 1..m.len();
    if let Some(tail) = REOPEN_TAILS.iter().find_map(|p| m.find(rest.clone(), p)) {
        m.take(tail);
        return Cue::new(Intent::Reopen, 0.9);
    }
    if let Some(tail) = m.find(rest, DONE_TAIL) {
        m.take(tail);
        return Cue::new(Intent::Complete, 0.9);
    }
    if set || has_priority(m) {
        return Cue::new(Intent::Update, 0.8);
    }
    // "mark my calendar for a holiday in cuba", "mark that i have a meeting with tom", "mark
    // april twenty as my brother's birthday": something written down, not a task done.
    let first = i + 1;
    let dated = {
        let mut copy = m.clone();
        let len = copy.len();
        crate::dates::take(&mut copy, first..len)
            .is_some_and(|_| (first..len).any(|j| !copy.is_free(j) && m.is_free(j)))
    };
    if let Some(end) = m
        .at(first, "my|the calendar|diary|agenda|planner for|with|that?")
        .or_else(|| m.at(first, "that|down"))
    {
        m.take(first..end);
        return Cue::new(Intent::Add, 0.8);
    }
    if dated && let Some(as_) = m.find(first..m.len(), "as") {
        m.take(as_);
        return Cue::new(Intent::Add, 0.75);
    }
    Cue::new(Intent::Complete, 0.6)
}

pub(super) fn has_priority(m: &Message<'_>) -> bool {
    let mut copy = m.clone();
    let len = copy.len();
    !priority::take(&mut copy, 0..len, false).is_empty()
}

pub(super) fn has_search_cue(m: &Message<'_>) -> bool {
    (0..m.len()).any(|i| m.is_free(i) && listed(SEARCH_CUES, m.word(i)))
}

pub(super) fn list_or_search(m: &Message<'_>, confidence: f32) -> Cue {
    Cue::new(
        if has_search_cue(m) {
            Intent::Search
        } else {
            Intent::List
        },
        confidence,
    )
}

/// A question is a search, a list request, or not about tasks at all ("what time is it").
pub(super) fn question(m: &Message<'_>) -> Cue {
    if has_search_cue(m) {
        return Cue::new(Intent::Search, 0.85);
    }
    let mut copy = m.clone();
    let len = copy.len();
    // "what did i already tick off?": the done ones.
    let tasky = (0..len).any(|i| m.is_free(i) && (listed(LIST_CUES, m.word(i)) || m.kind(i) == Some(Kind::Hashtag)))
        || m.find(0..len, "tick|check|cross off").is_some()
        || dates::take(&mut copy, 0..len).is_some()
        || !priority::take(&mut copy, 0..len, false).is_empty();
    if tasky {
        Cue::new(Intent::List, 0.85)
    } else {
        Cue::new(Intent::Unknown, 0.3)
    }
}

/// "task 3", "#3", "it", "that" right after `at`: an existing task rather than a new one.
pub(super) fn explicit_reference(m: &Message<'_>, at: usize) -> bool {
    m.at(at, "task|number|item <n>").is_some()
        || m.at(at, "it|that|this").is_some()
        || m.kind(at) == Some(Kind::Hashtag) && m.word(at).bytes().all(|b| b.is_ascii_digit())
}

/// "add milk" adds; "add the work tag to the report task" and "add a note to task 4" update.
pub(super) fn add_or_update(m: &mut Message<'_>, i: usize, end: usize) -> Cue {
    if let Some(after) = m.at(end, "a|the? note|notes|description|comment|details to|on|for") {
        m.take(i..after);
        let mut found = Cue::new(Intent::Update, 0.85);
        found.describe = true;
        return found;
    }
    let window = end..(end + 6).min(m.len());
    let tagging = window
        .clone()
        .any(|j| listed("tag tags label", m.word(j)) || m.kind(j) == Some(Kind::Hashtag));
    let onto = window.clone().find(|&j| m.at(j, "to|on|onto").is_some() && j > end);
    // "add the work tag to the report", "add the errands tag to pick up dry cleaning": a tag said
    // with "tag" before "to" is for a task that exists.
    let named_tag = onto.is_some_and(|j| (end..j).any(|k| listed("tag tags label", m.word(k))));
    if tagging && onto.is_some_and(|j| named_tag || explicit_reference(m, j + 1) || m.at(j + 1, "the|my").is_some()) {
        m.take(i..end);
        return Cue::new(Intent::Update, 0.85);
    }
    m.take(i..end);
    chained_add_cues(m, end);
    Cue::new(Intent::Add, 0.9)
}

/// "delete task 3" deletes; "remove the due date", "remove the home tag" update.
pub(super) fn delete_or_clear(m: &mut Message<'_>, i: usize, end: usize) -> Cue {
    let window = end..(end + 5).min(m.len());
    // Claimed words ("from my reminders" is where the task is kept) name no field.
    // "remove the date", "remove its deadline"; "remove dinner date scheduled for friday" names a
    // task.
    // "delete all tasks without a due date": which tasks, not a field.
    let which = m
        .find(
            window.clone(),
            "with|without|have|has|having no|a|any? due? date|deadline",
        )
        .is_some();
    let field = window
        .clone()
        .filter(|&j| m.is_free(j) && !which)
        .find_map(|j| match m.word(j) {
            "date" if j > end && !listed("the its due", m.word(j - 1)) => None,
            "deadline" | "date" => Some(Field::Due),
            "due" if m.word(j + 1) == "date" => Some(Field::Due),
            "description" | "note" | "notes" | "details" => Some(Field::Description),
            "reminder" | "reminders" | "alert" | "alarm" => Some(Field::Reminder),
            _ => None,
        });
    let tags = window.clone().filter(|&j| m.is_free(j)).any(|j| {
        listed("tag tags label labels", m.word(j))
            || m.kind(j) == Some(Kind::Hashtag) && !m.word(j).starts_with(char::is_numeric)
    });
    let verb = m.word(i).to_owned();
    m.take(i..end);
    if let Some(field) = field {
        let mut found = Cue::new(Intent::Update, 0.85);
        found.clear = Some(field);
        return found;
    }
    if tags {
        let mut found = Cue::new(Intent::Update, 0.85);
        found.removing = true;
        if m.find(window, "all tags").is_some() {
            found.clear = Some(Field::Tags);
        }
        return found;
    }
    Cue::new(Intent::Delete, if verb == "cancel" { 0.8 } else { 0.9 })
}
