//! Finds which task a message points at and turns it into a [`TaskRef`]: an id ("3f2a9c1e"), a
//! number ("task 3", "#3", "number three"), a position ("the second one", "the last one"), a
//! pronoun ("it", "that one"), the last list ("them"), several tasks ("my morning meetings",
//! "all completed tasks") or words of a title ("the groceries task"). An explicit number or id
//! wins over a title, and a title over a pronoun: in "I don't need the passport task, delete
//! it", "it" is the passport task.

use std::ops::Range;

use crate::context::Context;
use crate::message::{Message, listed};
use crate::normalise::Kind;
use crate::target::TaskRef;
use crate::types::{Intent, Status};
use crate::{dates, filter, fuzzy, when, words};

/// Words around a task's name that are not part of it.
const REF_LEADING: &str = "the my a an this that our your task tasks todo to-do item one reminder entry thing called \
    named titled about to for with from i i'm me done of on something anything list";
const REF_TRAILING: &str = "task tasks todo to-do item one reminder entry thing please thanks anymore again too now \
    yet , . ! ? ; : - off 's by until till a an something anything is are was instead i";
/// A task's fields, which name no task after a possessive: "the report's priority".
const FIELDS: &str = "priority deadline due date time name title description note notes tags tag label labels \
    reminder repetition recurrence schedule";
/// Words that say "several tasks".
const MANY: &str = "all every everything each";
/// Words of a several-task target that only frame it.
const SELECTION_FRAME: &str = "all every everything each my the of tasks task todos todo items item ones stuff things \
    that are which is in with that's thats 's";

/// Finds and claims the reference in `range`.
pub(crate) fn take(m: &mut Message<'_>, range: Range<usize>, ctx: &Context, intent: Intent) -> Option<TaskRef> {
    let range = range.start..range.end.min(m.len());
    if let Some(found) = explicit(m, range.clone(), ctx.last_listed.len()) {
        take_pronoun(m, range);
        return Some(found);
    }
    // "close one of my tasks": one task, not named yet, not all of them.
    if let Some(found) = m.find(
        range.clone(),
        "one|any|some of my|our|the tasks|todos|to-dos|items|reminders|things",
    ) {
        m.take(found);
    }
    if let Some(found) = selection(m, range.clone(), ctx, intent) {
        return Some(found);
    }
    let pronoun = take_pronoun(m, range.clone());
    // "thursday's lunch": in a reference, the day's is a day ("monday's meeting" in a new title
    // stays a name).
    let possessive_day = m.free_in(range.clone()).into_iter().find(|&i| {
        m.word(i)
            .strip_suffix("'s")
            .is_some_and(|day| words::weekday(day).is_some())
    });
    let day_of = possessive_day.and_then(|i| {
        let day = m.word(i).trim_end_matches("'s").to_owned();
        m.take(i..i + 1);
        filter::due_range(&day, ctx)
    });
    let said = dates::take(m, range.clone());
    // A time alone ("my 3pm meeting") is that time on any day; with a day, the day as well.
    let at = said
        .filter(|said| said.time.is_some())
        .and_then(|said| when::time_of(&said));
    let when = said
        .filter(|said| said.day.is_some() || at.is_none())
        .and_then(|said| when::to_range(&said, ctx.now, ctx.tz))
        .or(day_of);
    // "the next event", "my next meeting with my boss"; "next friday" is a date, claimed above.
    let leading_next = m
        .free_in(range.clone())
        .first()
        .copied()
        .filter(|&first| m.at(first, "next|upcoming").is_some() && m.is_free_word(first + 1))
        .map(|first| first..first + 1);
    let next = m
        .find(range.clone(), "the|my|our next|upcoming")
        .or(leading_next)
        .is_some_and(|found| {
            m.take(found.clone());
            true
        });
    match title_words(m, range) {
        Some(text) => Some(TaskRef::Title { text, when, at, next }),
        None if pronoun => Some(TaskRef::Pronoun),
        None => None,
    }
}

/// The task a whole text names ("the dentist", "task 5"), read as a reference for `intent`.
pub(crate) fn named_by(text: &str, ctx: &Context, intent: Intent) -> Option<TaskRef> {
    let mut m = Message::new(text);
    let len = m.len();
    take(&mut m, 0..len, ctx, intent)
}

/// A UUID, or a prefix of one with at least 8 hex digits and a digit among them.
fn is_id(word: &str) -> bool {
    let hex = word.chars().filter(char::is_ascii_hexdigit).count();
    word.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && hex >= 8
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().any(|c| c.is_ascii_alphabetic() || c == '-')
}

/// Ids, numbers, positions and "them".
fn explicit(m: &mut Message<'_>, range: Range<usize>, rows: usize) -> Option<TaskRef> {
    for i in range.clone() {
        if !m.is_free(i) {
            continue;
        }
        if m.kind(i) == Some(Kind::Word) && is_id(m.word(i)) {
            m.take(i..i + 1);
            take_before(m, i, "task|id|#");
            return Some(TaskRef::Id {
                id: m.word(i).to_owned(),
            });
        }
        if m.kind(i) == Some(Kind::Hashtag)
            && let Ok(number) = m.word(i).parse::<u32>()
        {
            m.take(i..i + 1);
            take_before(m, i, "task|number|item");
            return Some(TaskRef::Number { number });
        }
        if let Some(at) = m.at(i, "task|item|todo|entry|number|no|nr") {
            let at = m.at(at, "number|no|nr|#|.").unwrap_or(at);
            let number = words::number(m.word(at)).filter(|_| m.is_free(at) && !listed("a an couple", m.word(at)));
            if let Some(number) = number {
                m.take(i..at + 1);
                return Some(TaskRef::Number { number });
            }
        }
        if let Some((end, position)) = position(m, i, rows) {
            m.take(i..end);
            return Some(TaskRef::Position { position });
        }
        let last_list = [
            "all? of? them|those|these all?",
            "both of? them?",
            "everything|all on|in the|this|that list",
        ];
        if let Some(end) = last_list.iter().find_map(|p| m.at(i, p)) {
            m.take(i..end);
            return Some(TaskRef::LastList);
        }
    }
    let content: Vec<usize> = m.free_in(range).into_iter().filter(|&i| m.is_word_like(i)).collect();
    let filler = |i: &usize| listed(REF_LEADING, m.word(*i)) || listed(REF_TRAILING, m.word(*i));
    let real: Vec<usize> = content.iter().copied().filter(|i| !filler(i)).collect();
    if let [only] = real[..]
        && m.kind(only) == Some(Kind::Number)
    {
        let number = m.word(only).parse().ok()?;
        m.take_list(&content);
        return Some(TaskRef::Number { number });
    }
    None
}

fn take_before(m: &mut Message<'_>, i: usize, pattern: &str) {
    if i > 0 {
        m.take_at(i - 1, pattern);
    }
}

/// "the second one", "the 2nd task", "the last one", "second to last", "the top one", and "the
/// middle one" of a shown list of 3, 5… (`listed` rows).
fn position(m: &Message<'_>, i: usize, listed: usize) -> Option<(usize, i32)> {
    let the = m.at(i, "the");
    let j = the.unwrap_or(i);
    let word = m.word(j);
    let (mut end, position) = match word {
        "last" | "final" | "bottom" | "latest" | "newest" => (j + 1, -1),
        "penultimate" => (j + 1, -2),
        "top" => (j + 1, 1),
        "middle" if listed % 2 == 1 && listed > 1 && m.at(j + 1, "one|task|item|todo|entry").is_some() => {
            (j + 1, i32::try_from(listed.div_ceil(2)).ok()?)
        }
        _ => {
            let n = i32::try_from(words::ordinal(word)?).ok()?;
            match m.at(j + 1, "to|from? last") {
                Some(end) => (end, -n),
                None => (j + 1, n),
            }
        }
    };
    // "on the tenth", "by the 3rd", "saturday the 28th": a day of the month, not a place in the
    // list.
    let dated = i > 0
        && the.is_some()
        && (m.at(i - 1, "on|by|for|until|till|before|after").is_some() || words::weekday(m.word(i - 1)).is_some());
    if !m.is_free(j) || dated || m.at(end, "of|day|week|month|night|time").is_some() {
        return None;
    }
    let noun = m.at(end, "one|task|item|todo|entry|thing|reminder");
    if noun.is_none() && the.is_none() {
        return None;
    }
    end = noun.unwrap_or(end);
    end = m.at(end, "on|in the? list").unwrap_or(end);
    Some((end, position))
}

/// "it", "that", "this one", "that task", "the same one". "that"/"this" before a word of a
/// name ("this report") are determiners, not pronouns.
fn take_pronoun(m: &mut Message<'_>, range: Range<usize>) -> bool {
    let mut found = false;
    for i in range.clone() {
        if let Some(end) = m
            .at(i, "the? same one|task")
            .or_else(|| m.at(i, "that|this one|task|item|thing"))
        {
            m.take(i..end);
            found = true;
        } else if m.at(i, "it").is_some() {
            m.take(i..i + 1);
            found = true;
        } else if m.at(i, "that|this").is_some() {
            let next_is_name = m.is_free_word(i + 1) && !listed(REF_TRAILING, m.word(i + 1)) && i + 1 < range.end;
            if !next_is_name {
                m.take(i..i + 1);
                found = true;
            }
        }
    }
    found
}

/// Several tasks: "all …", "every …", "my … meetings", "completed tasks".
/// Plurals that name tasks as a group.
const COLLECTIONS: &str = "tasks todos to-dos items ones things reminders entries";

fn selection(m: &mut Message<'_>, range: Range<usize>, ctx: &Context, intent: Intent) -> Option<TaskRef> {
    let content: Vec<usize> = m
        .free_in(range.clone())
        .into_iter()
        .filter(|&i| m.is_word_like(i))
        .collect();
    let many = content.iter().any(|&i| listed(MANY, m.word(i)));
    let last = content
        .iter()
        .rev()
        .find(|&&i| !listed("please now again", m.word(i)))?;
    // "the shopping tasks", "my morning meetings": a plural that names tasks as a group. A plural
    // that ends a title ("prepare slides", "pay bills") names one task.
    let grouped = listed(COLLECTIONS, m.word(*last))
        || content
            .iter()
            .any(|&i| listed("my our", m.word(i)) || words::part_of_day(m.word(i)).is_some());
    let plural = grouped && fuzzy::stem(m.word(*last)) != m.word(*last) && m.kind(*last) == Some(Kind::Word);
    let the = content.iter().any(|&i| m.word(i) == "the");
    if !(many || plural && !the) {
        return None;
    }
    let part = content
        .iter()
        .find_map(|&i| words::part_of_day(m.word(i)).map(|part| (i, part)));
    if let Some((i, _)) = part {
        m.take(i..i + 1);
    }
    let mut filter = filter::take(m, range.clone(), ctx);
    filter.text = filter::take_text(m, range, SELECTION_FRAME).map(|text| {
        let words: Vec<String> = text.split_whitespace().map(fuzzy::stem).collect();
        words.join(" ")
    });
    if filter.status.is_none() {
        filter.status = match intent {
            Intent::Complete | Intent::Update | Intent::SetRecurrence => Some(Status::Pending),
            Intent::Reopen => Some(Status::Completed),
            _ => None,
        };
    }
    Some(TaskRef::Selection {
        filter,
        part_of_day: part.map(|(_, part)| part),
    })
}

/// The words naming a task, lower case, without articles and "task".
fn title_words(m: &mut Message<'_>, range: Range<usize>) -> Option<String> {
    let free = m.free_in(range);
    m.take_list(&free);
    let text = |i: usize| {
        if m.kind(i) == Some(Kind::Hashtag) {
            m.word(i).to_owned()
        } else {
            m.raw(i).to_lowercase()
        }
    };
    let mut kept: Vec<String> = free.into_iter().filter(|&i| m.is_word_like(i)).map(text).collect();
    // "the report's priority": the task is the owner, the rest is the field being changed.
    if let Some(owner) = kept
        .iter()
        .position(|w| w.ends_with("'s") && w.len() > 2)
        .filter(|&at| kept[at + 1..].iter().all(|w| listed(FIELDS, w)) && at + 1 < kept.len())
    {
        kept.truncate(owner + 1);
        if let Some(last) = kept.last_mut() {
            last.truncate(last.len() - 2);
        }
    }
    // "change the report priority to low", "move the report due date": the field after the name.
    while kept.len() > 1 && kept.last().is_some_and(|w| listed("priority prio deadline", w)) {
        kept.pop();
    }
    if kept.len() > 2 && kept[kept.len() - 2] == "due" && listed("date time", &kept[kept.len() - 1]) {
        kept.truncate(kept.len() - 2);
    }
    loop {
        let before = kept.len();
        if kept.first().is_some_and(|w| listed(REF_LEADING, w)) {
            kept.remove(0);
        }
        if kept.last().is_some_and(|w| listed(REF_TRAILING, w)) {
            kept.pop();
        }
        if kept.len() == before {
            break;
        }
    }
    (!kept.is_empty()).then(|| kept.join(" "))
}

#[cfg(test)]
mod tests;
