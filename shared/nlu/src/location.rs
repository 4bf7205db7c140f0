//! Where a task is kept, said around it: "from my list", "off of my to do list", "on my
//! calendar", "to the list of things to do". Such words name no task and no field, so they are
//! claimed before anything else reads the message; and whether they say the task leaves ("from",
//! "off") tells "take X off my list" (gone) from "put X on my list" (added).

use crate::message::Message;
use crate::normalise::Kind;

/// Words before the place.
const PREPOSITIONS: &str = "from|off|on|onto|to|in|into";
/// Lists that need "my", "our" or "your" before them to be a place: "to schedule" is a verb.
const OWNED: &str =
    "list|lists|todos|to-dos|tasks|reminders|calendar|calender|agenda|planner|schedule|todolist|tasklist";
/// Lists that are a place with or without "my": "to do list", "list of things to do".
const NAMED: &[&str] = &[
    "calendar|calender|agenda|planner",
    "to do list|lists",
    "to-do|todo|task|tasks|reminder|reminders|chore|chores|things-to-do list|lists",
    "list|lists of things|stuff|items|tasks|chores to do|complete|accomplish|finish",
    "list|lists of to do|dos|to-dos|todos|tasks|chores|reminders",
    "list|lists of things|stuff|items|tasks|chores",
    "things to do list?",
];

/// A place said at `i`: where it ends, and the index of a day that owns it ("today's to do
/// list"), which stays free as the task's date.
fn place_at(m: &Message<'_>, i: usize) -> Option<(usize, Option<usize>)> {
    let after = m.at(i, "off of").or_else(|| m.at(i, PREPOSITIONS))?;
    // "on the list" may be the list just shown ("tick off everything on the list"), so "the"
    // makes a place only after words of moving.
    let the = m
        .at(after, "the")
        .filter(|_| m.at(i, "from|off|to|onto|into").is_some());
    let day = m.at(after, "today's|tomorrow's|tonight's");
    let owner = m.at(after, "my|our|your").or(the).or(day);
    let start = owner.unwrap_or(after);
    let day = day.map(|_| after);
    if let Some(end) = NAMED.iter().find_map(|pattern| m.at(start, pattern)) {
        return Some((end, day));
    }
    if owner.is_some() {
        // "my to list": a word lost in "my to do list".
        return m
            .at(start, OWNED)
            .or_else(|| m.at(start, "to list"))
            .map(|end| (end, day));
    }
    None
}

/// Verbs that only put a task in its place: "throw mopping onto my list", "place laundry on my
/// to do list", "include a stop at the pharmacy to the list of things to do".
const PLACING: &str = "put|place|throw|toss|stick|pop|include|slap|chuck|drop|pencil|write|jot|add|get";

/// What the places said: whether one said the task leaves ("from", "off"), as in "take X off my
/// list", or arrives ("on", "to"), as in "put X on my list".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Places {
    pub(crate) leaving: bool,
    pub(crate) arriving: bool,
}

/// After a place where a task arrives, the first free word when it is only a placing verb: "throw
/// mopping onto my list" adds "mopping". It is claimed; `None` when there is none.
pub(crate) fn take_placing_verb(m: &mut Message<'_>) -> Option<usize> {
    let head = m.first_free_word()?;
    let end = m.at(head, PLACING).filter(|&end| m.is_free_word(end))?;
    m.take(head..end);
    Some(head)
}

/// Claims the places a task is kept.
pub(crate) fn take(m: &mut Message<'_>) -> Places {
    // In a question the list is what is asked about: "what's on my list".
    let asking = m.first_free_word().is_some_and(|head| {
        m.at(
            head,
            "what|what's|which|how|how's|any|anything|is|are|do|does|did|show|list|display|view|see|give|get|tell|read|check|hear|know|confirm|repeat|speak|recite|review|let",
        )
        .is_some()
    });
    if asking {
        return Places::default();
    }
    let mut places = Places::default();
    let mut i = 0;
    while i < m.len() {
        match place_at(m, i) {
            // Only after something ("to do list: buy milk" starts with it), and not "back on my
            // list", which is a reopen.
            Some((end, day)) if (0..i).any(|j| m.is_free_word(j)) && (i == 0 || m.word(i - 1) != "back") => {
                let leaving = matches!(m.word(i), "from" | "off");
                places.leaving |= leaving;
                places.arriving |= !leaving;
                // "wash the dog, put on list of things to do": the verb went with the place.
                let verb = i >= 2 && m.at(i - 1, PLACING).is_some() && m.kind(i - 2) == Some(Kind::Punct);
                let start = if verb { i - 2 } else { i };
                match day {
                    Some(day) => {
                        m.take(start..day);
                        m.take(day + 1..end);
                    }
                    None => m.take(start..end),
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    fn left(text: &str) -> (String, bool) {
        let mut m = Message::new(text);
        let leaving = take(&mut m).leaving;
        let words: Vec<&str> = m.free_in(0..m.len()).into_iter().map(|i| m.word(i)).collect();
        (words.join(" "), leaving)
    }

    #[test]
    fn places_in_many_words_are_claimed() {
        for (text, rest) in [
            ("add clean the bathroom to my task list", "add clean the bathroom"),
            ("please put lawn mowing on my list of to dos", "please put lawn mowing"),
            (
                "include a stop at the pharmacy to the list of things to do",
                "include a stop at the pharmacy",
            ),
            (
                "please put my acupuncture appointment on my to list",
                "please put my acupuncture appointment",
            ),
            (
                "add a doctor's visit to the calendar for friday",
                "add a doctor's visit for friday",
            ),
            (
                "put washing the dishes on my list of tasks to accomplish",
                "put washing the dishes",
            ),
        ] {
            assert_eq!(left(text), (rest.to_owned(), false), "{text}");
        }
        assert_eq!(
            left("take watering the plants off of my to do list"),
            ("take watering the plants".to_owned(), true)
        );
    }

    #[test]
    fn a_verb_or_a_shown_list_is_not_a_place() {
        assert_eq!(
            left("remind me to schedule the review").0,
            "remind me to schedule the review"
        );
        assert_eq!(
            left("tick off everything on the list").0,
            "tick off everything on the list"
        );
        assert_eq!(left("what's on my list").0, "what's on my list");
        assert_eq!(left("put it back on my list").0, "put it back on my list");
    }
}
