//! The slots and target of a change to existing tasks ("move the dentist task to friday",
//! "rename task 2 to buy oat milk", "make it repeat every monday").
//!
//! A change usually reads "<verb> <which task> to|for|by|as|: <new value>": the first such
//! pivot word splits the message, so a date before it picks the task and one after it is the
//! new due time, and "the call with anna" stays a name. Without a pivot ("make it urgent") the
//! values are read first and the rest names the task.

use std::ops::Range;

use crate::context::Context;
use crate::intent::Cue;
use crate::message::{Message, listed};
use crate::normalise::Kind;
use crate::target::TaskRef;
use crate::title::{TITLE_TRAILING, capitalise, take_text};
use crate::types::{Due, Field, Intent, Priority, Slots};
use crate::{dates, extras, priority, recurrence, references, tags, when, words};

/// Words that end the task's name and start the new value.
const PIVOTS: &str = "to for as into by back forward : ,";

/// Which field a change names explicitly ("the due date of", "the priority of").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    Due,
    Priority,
    Title,
    Description,
    Reminder,
}

const FIELDS: &[(&str, Named)] = &[
    ("the? due date|time|day of|for|on|from?", Named::Due),
    ("the? deadline of|for|on|from?", Named::Due),
    ("the? date|time|day of|for|on|from", Named::Due),
    // "change the time", then which task and when: the field alone.
    ("the date|time|day", Named::Due),
    ("the? priority|prio of|for|on", Named::Priority),
    ("the? title|name of|for|on?", Named::Title),
    ("the? description|notes|details of|for|on|from?", Named::Description),
    ("the? reminder of|for|on|from", Named::Reminder),
];

/// Reads an update or set-recurrence command.
pub(crate) fn understand(m: &mut Message<'_>, ctx: &Context, cue: &Cue) -> (Intent, Slots, Option<TaskRef>) {
    let len = m.len();
    let all = 0..len;
    // "the haircut is at 4pm, not 2pm", "friday instead of thursday": the time after "not" is
    // the one it had, neither the new one nor a way to name the task.
    if let Some(not) = m.find_any(all.clone(), &["not", "instead of", "rather than"])
        && dates::take(m, not.end..(not.end + 4).min(len)).is_some()
    {
        m.take(not);
    }
    // "lower the priority of …", "raise its priority": a level said as a direction.
    let relative = if m
        .take_first(all.clone(), "lower|decrease|reduce|drop the|its? priority|prio of?")
        .is_some()
    {
        Some(Priority::Low)
    } else if m
        .take_first(all.clone(), "raise|increase|boost|bump up? the|its? priority|prio of?")
        .is_some()
    {
        Some(Priority::High)
    } else {
        None
    };
    let named = FIELDS
        .iter()
        .find_map(|(pattern, field)| m.take_first(all.clone(), pattern).map(|_| *field));
    let mut slots = Slots {
        clear: cue.clear.into_iter().collect(),
        priority: relative,
        ..Slots::default()
    };
    // "update the milk task so it says buy oat milk": the new name after "says".
    let says = m
        .find(all.clone(), "so|so that it|that says|reads")
        .or_else(|| m.find(all.clone(), "so it says|reads"));
    if let Some(found) = &says {
        m.take(found.start..found.end - 1);
    }
    let literal = cue.rename || named == Some(Named::Title) || says.is_some();
    let describe = (cue.describe || named == Some(Named::Description)) && cue.clear.is_none();
    let tag_change = tags::take(m, all.clone(), cue.removing, false);
    (slots.tags_add, slots.tags_remove) = (tag_change.add, tag_change.remove);
    let (today, _) = when::local_parts(ctx.tz, ctx.now);
    if !literal {
        drop_old_repetition(m, today);
    }
    let repeat = if literal {
        None
    } else {
        recurrence::take(m, all.clone(), today)
    };
    // "make the bins a weekly thing": the words around the repetition name no task.
    if repeat.is_some() {
        m.take_first(
            all.clone(),
            "a|an daily|weekly|monthly|yearly|regular|recurring|repeating? thing|habit|routine|task|event",
        );
        m.take_first(all.clone(), "a|an daily|weekly|monthly|yearly");
    }
    slots.recurrence = repeat.map(|repeat| repeat.rule(ctx.tz));
    // A note's text follows "saying", "that says", "reading" or a colon: "add a note to the gym
    // saying bring a towel".
    let said = describe
        .then(|| {
            (0..len).find(|&i| {
                m.is_free(i) && (listed("saying reading :", m.word(i)) || m.at(i, "that|which says|reads").is_some())
            })
        })
        .flatten();
    if let Some(i) = said
        && m.at(i, "that|which").is_some()
    {
        m.take(i..i + 1);
    }
    let said = said.map(|i| if m.is_free(i) { i } else { i + 1 });
    // "should be called q4 report", "should say call the orthodontist": the new name follows.
    let named_as = literal
        .then(|| {
            (0..len).find(|&i| {
                m.is_free(i)
                    && (listed("called named renamed titled say read says reads", m.word(i))
                        // "buy paint should actually be buy primer".
                        || m.word(i) == "be" && i > 0 && listed("actually really instead", m.word(i - 1))
                        || cue.replacing && m.word(i) == "with")
            })
        })
        .flatten();
    let pivot = said
        .or(named_as)
        .or_else(|| (0..len).find(|&i| m.is_free(i) && listed(PIVOTS, m.word(i))))
        .or_else(|| (1..len).find(|&i| m.is_free(i) && m.word(i) == "due"));
    let mut pivot_word = pivot.map(|p| m.word(p).to_owned()).unwrap_or_default();
    // "move my meeting up by half an hour": earlier, as "forward".
    if pivot_word == "by"
        && let Some(p) = pivot
        && p > 0
        && m.at(p - 1, "up").is_some()
    {
        m.take(p - 1..p);
        pivot_word = "forward".to_owned();
    }
    let (left, right) = match pivot {
        Some(p) => {
            m.take(p..p + 1);
            (0..p, p + 1..len)
        }
        None => (all.clone(), all),
    };
    if literal || describe {
        if pivot.is_some()
            || m.free_in(right.clone())
                .iter()
                .any(|&i| m.kind(i) == Some(Kind::Quoted))
        {
            // "rename 'call ben' to 'call ben about the lease'": the quotation after the pivot
            // is the new value; one before it names the task.
            let quoted = right
                .clone()
                .chain(0..len)
                .find(|&i| m.is_free(i) && m.kind(i) == Some(Kind::Quoted));
            let range = quoted.map_or(right.clone(), |q| q..q + 1);
            if literal {
                slots.title =
                    take_text(m, range, "to as into : , say says read reads", TITLE_TRAILING).map(|t| capitalise(&t));
            } else {
                slots.description = extras::rest(m, range.clone());
                m.take(range);
            }
        }
    } else {
        read_values(m, right.clone(), ctx, &mut slots, named, &pivot_word);
        // "the haircut is at 4pm, not 2pm": after a comma only the old value; the new one is before.
        if pivot_word == "," && slots.due.is_none() && slots.priority.is_none() && slots.reminder_minutes.is_none() {
            read_values(m, left.clone(), ctx, &mut slots, named, "");
        }
    }
    // "rent is super urgent, flag it as urgent": the level said again is not part of the name.
    if slots.priority.is_some() {
        priority::take(m, left.clone(), false);
    }
    // Try the words before the pivot on a copy: when they name no task they are the value.
    let mut probe = m.clone();
    let mut target = references::take(&mut probe, left.clone(), ctx, cue.intent);
    if target.is_some() || pivot.is_none() {
        *m = probe;
    } else {
        // "set a due date of friday for task 2": the task comes after the pivot, the value before.
        target = references::take(m, right.clone(), ctx, cue.intent);
        if !literal && !describe {
            read_values(m, left, ctx, &mut slots, named, "");
        }
    }
    // What is left after "to", "as" or a colon is a new title ("change task 2 to buy oat milk");
    // after a comma it is only more said ("…, there's no rush").
    if pivot.is_some() && !literal && !describe && listed("to as into :", &pivot_word) {
        // "turn the gym into a weekly task": what is left names no new title.
        slots.title = take_text(m, right, "to as into : , and say says read reads", TITLE_TRAILING)
            .filter(|t| {
                !t.split_whitespace()
                    .all(|w| listed("a an task todo thing one reminder item", w))
            })
            .map(|t| capitalise(&t));
    }
    let changes = slots.title.is_some()
        || slots.description.is_some()
        || slots.priority.is_some()
        || !slots.tags_add.is_empty()
        || !slots.tags_remove.is_empty()
        || slots.reminder_minutes.is_some()
        || slots.clear.iter().any(|field| *field != Field::Recurrence);
    let repetition = slots.recurrence.is_some() || slots.clear.contains(&Field::Recurrence);
    let intent = match cue.intent {
        Intent::Update if repetition && !changes => Intent::SetRecurrence,
        Intent::SetRecurrence if !repetition && (changes || slots.due.is_some()) => Intent::Update,
        intent => intent,
    };
    (intent, slots, target)
}

/// The new values after the pivot: a shift, reminder, priority, due time, description.
fn read_values(
    m: &mut Message<'_>,
    range: Range<usize>,
    ctx: &Context,
    slots: &mut Slots,
    named: Option<Named>,
    pivot: &str,
) {
    if listed("by back forward", pivot) || m.find(range.clone(), "back|forward|earlier|later").is_some() {
        let backwards = pivot == "forward" || m.take_first(range.clone(), "forward|earlier").is_some();
        m.take_first(range.clone(), "back|later");
        slots.due = take_shift(m, range.clone(), backwards);
    }
    slots.reminder_minutes = extras::take_reminder(m, range.clone());
    if let Some(level) = priority::take(m, range.clone(), named == Some(Named::Priority)).first() {
        slots.priority = Some(*level);
    }
    if slots.due.is_none()
        && let Some(parsed) = dates::take(m, range.clone()).or_else(|| bare_hour(m, range.clone(), pivot))
    {
        slots.due = when::to_due(&parsed, ctx.now, ctx.tz, true);
    }
    // "to start half an hour earlier": the verb of the moved time says nothing more.
    if matches!(slots.due, Some(Due::Shift { .. })) {
        let free = m.free_in(range.clone());
        if let Some(&first) = free.iter().find(|&&i| m.is_free_word(i))
            && m.at(first, "start|begin|be|happen|finish|end").is_some()
        {
            m.take(first..first + 1);
        }
    }
    slots.description = extras::take_description(m, range);
}

/// "every 3 days instead of every day", "from every monday to every monday and thursday": the
/// repetition a task had is claimed, so it is neither the new one nor part of the name.
fn drop_old_repetition(m: &mut Message<'_>, today: chrono::NaiveDate) {
    let len = m.len();
    let old = m
        .find(0..len, "instead of")
        .or_else(|| m.find(0..len, "rather than"))
        .map(|found| (found, len))
        .or_else(|| {
            let from = m.find(0..len, "from")?;
            let to = (from.end..len).find(|&i| m.is_free(i) && m.word(i) == "to")?;
            Some((from, to))
        });
    let Some((found, end)) = old else {
        return;
    };
    let mut copy = m.clone();
    if recurrence::take(&mut copy, found.end..end, today).is_some() && !copy.is_free(found.end) {
        *m = copy;
        m.take(found);
    }
}

/// "change lunch to 2", "from 3:30 to 4": a number alone after "to" is the new hour, as "at 2".
fn bare_hour(m: &mut Message<'_>, range: Range<usize>, pivot: &str) -> Option<dates::When> {
    let words: Vec<usize> = m.free_in(range).into_iter().filter(|&i| m.is_free_word(i)).collect();
    let [only] = words[..] else {
        return None;
    };
    let hour = m
        .word(only)
        .parse::<u32>()
        .ok()
        .filter(|hour| pivot == "to" && m.kind(only) == Some(Kind::Number) && (1..=23).contains(hour))?;
    m.take(only..only + 1);
    Some(dates::When {
        time: Some(dates::Time::Clock {
            hour,
            minute: 0,
            pm: None,
            exact: hour > 12,
        }),
        ..dates::When::default()
    })
}

/// "2 days", "an hour", "a week": how far to move the due time.
fn take_shift(m: &mut Message<'_>, range: Range<usize>, backwards: bool) -> Option<Due> {
    let end = range.end.min(m.len());
    let sign = if backwards { -1 } else { 1 };
    // "half an hour", "a quarter of an hour", "an hour and a half".
    let fractions: [(&str, i64); 4] = [
        ("an|one hour and a half", 90),
        ("half an|a? hour", 30),
        ("a? quarter of an? hour", 15),
        ("a? quarter hour", 15),
    ];
    for i in range.start..end {
        if let Some((stop, minutes)) = fractions.iter().find_map(|(p, n)| m.at(i, p).map(|stop| (stop, *n)))
            && stop <= end
        {
            m.take(i..stop);
            return Some(Due::Shift {
                days: 0,
                minutes: minutes * sign,
            });
        }
    }
    for i in range.start..end {
        let Some(amount) = words::number(m.word(i)).filter(|_| m.is_free(i) && m.is_free(i + 1)) else {
            continue;
        };
        let amount = i64::from(amount) * if backwards { -1 } else { 1 };
        let (days, minutes) = match m.word(i + 1).trim_end_matches('s') {
            "minute" => (0, amount),
            "hour" => (0, amount * 60),
            "day" => (amount, 0),
            "week" => (amount * 7, 0),
            _ => continue,
        };
        m.take(i..i + 2);
        return Some(Due::Shift { days, minutes });
    }
    None
}
