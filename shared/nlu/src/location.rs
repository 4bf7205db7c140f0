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
    "to-do|todo|to-dos|todos|task|tasks|reminder|reminders|chore|chores|things-to-do list|lists",
    "to dos|do's list|lists?",
    "list|lists of things|stuff|items|tasks|chores to do|complete|accomplish|finish",
    "list|lists of <w> to do",
    "list|lists to do",
    "list|lists of to do|dos|to-dos|todos|tasks|chores|reminders",
    "list|lists of things|stuff|items|tasks|chores",
    "things to do list?",
];

/// A place said at `i`: where it ends, and the index of a day that owns it ("today's to do
/// list"), which stays free as the task's date.
fn place_at(m: &Message<'_>, i: usize) -> Option<(usize, Option<usize>)> {
    // "from list", "out of my shopping list", "off the wish list": any list a task leaves.
    if let Some(after) = m.at(i, "off|out of").or_else(|| m.at(i, "from|off|out")) {
        let start = m.at(after, "my|our|your|the").unwrap_or(after);
        for named in 0..=2 {
            let words = (start..start + named).all(|j| m.is_free_word(j) && m.at(j, "list|lists").is_none());
            if words && let Some(end) = m.at(start + named, "list|lists|wishlist|playlist") {
                return Some((end, None));
            }
        }
    }
    let after = m.at(i, "off of").or_else(|| m.at(i, PREPOSITIONS))?;
    // "on the list" may be the list just shown ("tick off everything on the list"), so "the"
    // makes a place only after words of moving.
    let the = m.at(after, "the").filter(|&next| {
        m.at(i, "from|off|to|onto|into").is_some() || m.at(next, "calendar|calender|agenda|planner").is_some()
    });
    let day = m.at(after, "today's|tomorrow's|tonight's");
    let owner = m.at(after, "my|our|your").or(the).or(day);
    let start = owner.unwrap_or(after);
    let day = day.map(|_| after);
    if let Some(end) = NAMED.iter().find_map(|pattern| m.at(start, pattern)) {
        return Some((end, day));
    }
    // "my current to do list", "my big project task list", "my google calendar": a list with
    // words of its own.
    if owner.is_some() {
        for skip in 1..=3 {
            let described = (start..start + skip).all(|j| m.is_free_word(j) && m.at(j, PREPOSITIONS).is_none());
            if !described {
                break;
            }
            if let Some(end) = NAMED.iter().find_map(|pattern| m.at(start + skip, pattern)) {
                return Some((end, day));
            }
        }
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
const PLACING: &str = "put|place|throw|toss|stick|pop|include|slap|chuck|drop|pencil|write|jot|add|enter|insert";

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

/// "on my to do list, add dishes", "to my task list please add paint kitchen", "on my to dos
/// remove mop kitchen": a place said first, before the command.
fn opens(m: &Message<'_>, end: usize) -> bool {
    m.at(end, ",|:|please|add|put|i|we|remove|delete|erase|mark|tick|check|cross")
        .is_some()
}

/// Where the words that put a task in the place at `i` start: "…, put on my list", "i need laundry
/// put on my list", "i need to do dishes, put it on my list", "cleaning needs to be on my list",
/// "mopping is on my list". They say nothing of the task.
fn put_there(m: &Message<'_>, i: usize) -> usize {
    let word = |j: usize| if j < i { m.word(j) } else { "" };
    let mut j = i;
    if j > 0 && listed_in("it this that them", word(j - 1)) {
        j -= 1;
    }
    let verb = j > 0 && listed_in(PUT, word(j - 1));
    if verb {
        j -= 1;
    } else if j > 0 && !listed_in("be is are go", word(j - 1)) {
        return i;
    }
    if j > 0 && listed_in("be go", word(j - 1)) {
        j -= 1;
    }
    if j > 1 && word(j - 1) == "to" && listed_in(NEEDS, word(j - 2)) {
        j -= 2;
    } else if j > 0 && (listed_in(NEEDS, word(j - 1)) || !verb && listed_in("is are", word(j - 1))) {
        j -= 1;
    }
    if j > 0 && (listed_in("so and then by", word(j - 1)) || m.kind(j - 1) == Some(Kind::Punct)) {
        j -= 1;
    }
    // Something must be left to be the task.
    if (0..j).any(|k| m.is_free_word(k)) { j } else { i }
}

/// Forms of the verbs that put a task somewhere.
const PUT: &str = "put putting add adding added place placed placing include included including list listed";
/// Words that say it must be so.
const NEEDS: &str = "needs need has have should must can could ought";

fn listed_in(list: &str, word: &str) -> bool {
    crate::message::listed(list, word)
}

/// The end of "my to do list", "my errand list", "the list of things to do", "my reminders" at
/// `i` (after an optional "on", "in", "of", "per"…), if one is there.
fn mention_at(m: &Message<'_>, i: usize) -> Option<usize> {
    let owner_at = m.at(i, "on|in|of|to|from|per|onto|into").unwrap_or(i);
    let start = m.at(owner_at, "my|our|your|the")?;
    for skip in 0..=3 {
        if !(start..start + skip).all(|j| m.is_free_word(j)) {
            break;
        }
        let at = start + skip;
        if let Some(end) = NAMED
            .iter()
            .find_map(|pattern| m.at(at, pattern))
            .or_else(|| m.at(at, OWNED))
            .or_else(|| m.at(at, "to-do's|list"))
        {
            return Some(end);
        }
    }
    None
}

/// Claims the first mention of the person's list ("on my to do list", "my errand list"); true
/// when there was one. For questions about the list, where it is what is asked about.
pub(crate) fn take_mention(m: &mut Message<'_>) -> bool {
    let found = (0..m.len()).find_map(|i| m.is_free(i).then(|| mention_at(m, i).map(|end| i..end)).flatten());
    found.map(|range| m.take(range)).is_some()
}

/// Claims the places a task is kept.
pub(crate) fn take(m: &mut Message<'_>) -> Places {
    // In a question the list is what is asked about: "what's on my list".
    let asking = m.first_free_word().is_some_and(|head| {
        m.at(
            head,
            "what|what's|which|how|how's|any|anything|is|are|do|does|did|show|list|display|view|see|tell|read|check|hear|know|confirm|repeat|speak|recite|review|let",
        )
        .is_some()
    });
    // "check off X from my list" is a completion, not a look at the list.
    let checking_off = m
        .first_free_word()
        .is_some_and(|head| m.at(head, "check off").is_some());
    if asking && !checking_off {
        return Places::default();
    }
    let mut places = Places::default();
    let mut i = 0;
    while i < m.len() {
        match place_at(m, i) {
            // Only after something ("to do list: buy milk" starts with it), and not "back on my
            // list", which is a reopen.
            Some((end, day))
                if ((0..i).any(|j| m.is_free_word(j)) || opens(m, end)) && (i == 0 || m.word(i - 1) != "back") =>
            {
                let leaving = matches!(m.word(i), "from" | "off" | "out");
                places.leaving |= leaving;
                places.arriving |= !leaving;
                let start = if leaving { i } else { put_there(m, i) };
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
            left("add haircut to my google calendar tomorrow").0,
            "add haircut tomorrow"
        );
        assert_eq!(left("add to my todos list mail the forms").0, "add mail the forms");
        assert_eq!(
            left("on my to dos remove mop kitchen"),
            ("remove mop kitchen".to_owned(), false)
        );
        assert_eq!(
            left("check off meet john from to do list"),
            ("check off meet john".to_owned(), true)
        );
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
