//! A note for a task that exists, said with the field's name somewhere in it: "attach a note to
//! the gym: bring a towel", "gym notes: bring a towel", "the gym's description is leg day",
//! "put bring a towel in the notes for the gym", "update the gym notes to bring a towel",
//! "describe the gym as leg day". Where the name of the field stands decides which words are the
//! task and which the note, so these are read apart from the pivot-based change reader.

use crate::context::Context;
use crate::extras::rest;
use crate::intent::strip_padding;
use crate::message::{Message, listed};
use crate::normalise::Kind;
use crate::references;
use crate::target::TaskRef;
use crate::types::{Intent, Slots};

/// The names of the field.
const FIELD: &str = "note notes description details comment comments";
/// Verbs that write a note.
const WRITING: &str = "add attach include put write leave pin stick update change set edit make jot";
/// Verbs that start a new task: with them the note is for the task being added, unless the
/// field follows at once ("add a note to the gym: …").
const ADDING: &str = "add create new remind jot";

/// The change a note command asks for, if the message is one.
pub(crate) fn understand(text: &str, ctx: &Context) -> Option<(Intent, Slots, Option<TaskRef>)> {
    let mut m = Message::new(text);
    strip_padding(&mut m);
    let len = m.len();
    let head = m.first_free_word()?;
    // "note to self: renew the library books", "note down: …" are new tasks.
    if m.at(head, "note|notes to self").is_some() || m.at(head, "note|jot|write down").is_some() {
        return None;
    }
    if m.at(head, "describe").is_some() {
        let as_at = (head + 1..len).find(|&i| m.word(i) == "as")?;
        return described(&mut m, head + 1..as_at, as_at + 1, ctx);
    }
    let field = (head..len).find(|&i| m.is_free_word(i) && listed(FIELD, m.word(i)))?;
    let verb = listed(WRITING, m.word(head));
    if listed(ADDING, m.word(head)) {
        // "add milk, notes: oat" adds a task with a note; "add a note to X" and "add to X's
        // notes" write on X.
        let right_after = m
            .at(head + 1, "a|an|some|the|more? note|notes|details|description|comment")
            .is_some()
            || m.at(head + 1, "to|on").is_some();
        if !right_after {
            return None;
        }
    }
    // The task before the field ("gym notes: …", "the gym's description is …") or between it
    // and the note ("a note to the gym: …"), where "to" is only a preposition.
    let before = words(&m, head + usize::from(verb)..field);
    // "set the description of task 5 to …": the task follows "of", and "to" brings the note.
    let bare_to = !before.is_empty() || m.at(field + 1, "of|for").is_some();
    let said = said_at(&m, field + 1..len, bare_to);
    let (name, note_start) = match said {
        Some((marker, start)) => {
            let name = if before.is_empty() {
                words(&m, field + 1..marker)
            } else {
                before
            };
            (name, start)
        }
        None => {
            // "put bring a towel in the notes for the gym", "write it in the gym notes".
            let into = (head + 1..field).find(|&i| m.at(i, "in|into|to|on").is_some())?;
            if !verb {
                return None;
            }
            let note = rest(&m, head + 1..into)?;
            let mut name = words(&m, into + 1..field);
            name.extend(words(&m, field + 1..len));
            return change(&name, note, ctx);
        }
    };
    if !verb && said.is_some_and(|(marker, _)| marker == field + 1) && name.is_empty() {
        return None;
    }
    let note = rest(&m, note_start..len)?;
    change(&name, note, ctx)
}

/// Where the note starts after the field: after ":", "saying", "that says", "reading", "is",
/// "are", "should be", "to" or "as". Returns the marker's index and the note's first token.
fn said_at(m: &Message<'_>, range: std::ops::Range<usize>, bare_to: bool) -> Option<(usize, usize)> {
    for i in range {
        if m.kind(i) == Some(Kind::Punct) && m.word(i) == ":" {
            return Some((i, i + 1));
        }
        let end = m
            .at(i, "saying|reading")
            .or_else(|| m.at(i, "is|are|as").filter(|_| bare_to))
            .or_else(|| m.at(i, "that|which says|reads|said"))
            .or_else(|| m.at(i, "should|must|will|can be|say|read"))
            .or_else(|| m.at(i, "to read|say|be"))
            .or_else(|| m.at(i, "to").filter(|_| bare_to));
        if let Some(end) = end {
            return Some((i, end));
        }
    }
    None
}

/// The telling words of `range`: no articles, prepositions or possessive endings.
fn words(m: &Message<'_>, range: std::ops::Range<usize>) -> Vec<String> {
    range
        .filter(|&i| m.is_free_word(i) && !listed("a an the to on for of in into my some more", m.word(i)))
        .map(|i| m.word(i).trim_end_matches("'s").to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// "describe the gym as leg day".
fn described(
    m: &mut Message<'_>,
    name: std::ops::Range<usize>,
    note_start: usize,
    ctx: &Context,
) -> Option<(Intent, Slots, Option<TaskRef>)> {
    let note = rest(m, note_start..m.len())?;
    let name = words(m, name);
    change(&name, note, ctx)
}

/// The change: `note` as the description of the task `name` names.
fn change(name: &[String], note: String, ctx: &Context) -> Option<(Intent, Slots, Option<TaskRef>)> {
    if name.is_empty() {
        return None;
    }
    let target = references::named_by(&name.join(" "), ctx, Intent::Update)?;
    let slots = Slots {
        description: Some(note),
        ..Slots::default()
    };
    Some((Intent::Update, slots, Some(target)))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn note(text: &str) -> Option<(String, String)> {
        let ctx = Context::new(
            Utc.with_ymd_and_hms(2026, 11, 26, 15, 0, 0).unwrap(),
            chrono_tz::Europe::Berlin,
        );
        let (_, slots, target) = understand(text, &ctx)?;
        let name = match target? {
            TaskRef::Title { text, .. } => text,
            TaskRef::Number { number } => format!("#{number}"),
            other => format!("{other:?}"),
        };
        Some((name, slots.description?))
    }

    #[test]
    fn the_field_name_tells_the_task_from_the_note() {
        let towel = |name: &str| Some((name.to_owned(), "bring a towel".to_owned()));
        assert_eq!(note("attach a note to the gym: bring a towel"), towel("gym"));
        assert_eq!(note("gym notes: bring a towel"), towel("gym"));
        assert_eq!(note("put bring a towel in the notes for the gym"), towel("gym"));
        assert_eq!(note("write bring a towel in the gym notes"), towel("gym"));
        assert_eq!(note("update the gym notes to bring a towel"), towel("gym"));
        assert_eq!(note("the note on the gym should be bring a towel"), towel("gym"));
        assert_eq!(note("include a note on the gym that says bring a towel"), towel("gym"));
        assert_eq!(note("add to the gym description: bring a towel"), towel("gym"));
        assert_eq!(note("set the description of task 5 to bring a towel"), towel("#5"));
        assert_eq!(
            note("the gym's description is leg day"),
            Some(("gym".to_owned(), "leg day".to_owned()))
        );
        assert_eq!(
            note("describe the gym as leg day with anna"),
            Some(("gym".to_owned(), "leg day with anna".to_owned()))
        );
    }

    #[test]
    fn a_new_task_with_a_note_is_not_a_note_for_another() {
        assert_eq!(note("add call mom, notes: ask about christmas"), None);
        assert_eq!(note("buy a notebook for my notes"), None);
        assert_eq!(note("show my tasks"), None);
    }
}
