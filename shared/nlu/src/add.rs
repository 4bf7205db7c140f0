//! The slots of a new task: tags, description, repetition, reminder, priority and due time are
//! claimed first, and what is left is the title. A repeating task needs a due time in the task
//! model, so one without a date starts on its first occurrence ("every tuesday" said on a
//! Thursday is due next Tuesday).

use crate::context::Context;
use crate::dates::{self, When};
use crate::message::Message;
use crate::recurrence::{self, Repeat};
use crate::title::{TITLE_LEADING, TITLE_TRAILING, capitalise, is_vague, take_text, without_vague_start};
use crate::types::{Due, Slots};
use crate::{extras, priority, tags, when};

/// Reads the slots of an "add" command.
pub(crate) fn slots(m: &mut Message<'_>, ctx: &Context) -> Slots {
    let all = 0..m.len();
    let (today, _) = when::local_parts(ctx.tz, ctx.now);
    let tags = tags::take(m, all.clone(), false, true);
    let description = extras::take_description(m, all.clone());
    let repeat = recurrence::take(m, all.clone(), today);
    let reminder_minutes = extras::take_reminder(m, all.clone());
    let priority = priority::take(m, all.clone(), false).first().copied();
    let parsed = dates::take(m, all.clone());
    let due = first_due(parsed, repeat.as_ref(), ctx);
    crate::verbs::trim_chained(m);
    // "add the chore of vacuuming", "add event baseball practice", "add a to do to purchase a
    // sweater", "add todo item of all hands meeting", "an event with title X", "the event is X":
    // words that only say what kind of entry it is; "create a repeating event" and "add an
    // appointment" are then a task still to be named.
    // Repeated: "add an event … the event is X".
    for _ in 0..2 {
        let Some(first) = m.first_free_word() else {
            break;
        };
        let kind = m
            .at(first, "the|a|an? chore|job|errand|task|event of|called|named")
            .or_else(|| m.at(first, "a|an|the? event|events|appointment|entry called|named|titled"))
            .or_else(|| m.at(first, "a|an? new? to do|dos item|items? to|of|called|named|:?"))
            .or_else(|| {
                m.at(
                    first,
                    "a|an? new? todo|to-do|task|reminder item|items to|of|called|named|:?",
                )
            })
            .or_else(|| m.at(first, "a|an? new? todo|to-do|task|reminder|item of"))
            .or_else(|| m.at(first, "the? event|task|reminder|appointment|title|name is|:"))
            .or_else(|| m.at(first, "a|an? new? repeating|recurring? event|events|entry"));
        if let Some(end) = kind {
            m.take(first..end);
        }
        let entry = m.at(
            first,
            "a|an new? event|appointment|meeting|entry|reminder|task|item|todo|to-do",
        );
        if let Some(end) = entry.filter(|&end| !(end..m.len()).any(|i| m.is_free_word(i))) {
            m.take(first..end);
        }
    }
    if let Some(first) = m.first_free_word()
        && let Some(end) = m.at(first, "with|under the? title|tile|name|heading :?")
    {
        m.take(first..end);
    }
    // "do laundry at eight pm, create reminder", "a meeting on wednesday, send me a reminder":
    // the request said after the task.
    let len = m.len();
    let request = [
        "create|set|send|make|give|add me? a|an? reminder|reminders|notification|alert|alarm",
        "send|give me a|an? notification|alert|heads-up",
    ];
    if let Some(found) = m.find_any(1..len, &request) {
        m.take(found);
    }
    // "can you tell me on tuesday to give jane a call": the request, around the day taken out.
    let free = m.free_in(all.clone());
    if let [tell, me, to, _, ..] = free[..]
        && m.at(tell, "tell|remind|ask").is_some()
        && m.word(me) == "me"
        && m.word(to) == "to"
    {
        m.take_list(&[tell, me, to]);
    }
    // "remind me to do something" names no task: the chat asks which.
    let title = take_text(m, all, TITLE_LEADING, TITLE_TRAILING)
        .filter(|text| !is_vague(text))
        .map(|text| capitalise(without_vague_start(&text)));
    Slots {
        title,
        description,
        due,
        priority,
        tags_add: tags.add,
        recurrence: repeat.map(|repeat| repeat.rule(ctx.tz)),
        reminder_minutes,
        ..Slots::default()
    }
}

/// The due time of a new task; a repeating one without a date starts on its first occurrence,
/// at the time given (or the repetition's part of the day), or as a whole day.
pub(crate) fn first_due(parsed: Option<When>, repeat: Option<&Repeat>, ctx: &Context) -> Option<Due> {
    let Some(repeat) = repeat else {
        return parsed.and_then(|parsed| when::to_due(&parsed, ctx.now, ctx.tz, false));
    };
    let mut parsed = parsed.unwrap_or_default();
    if parsed.day.is_some() || parsed.offset_minutes.is_some() {
        return when::to_due(&parsed, ctx.now, ctx.tz, false);
    }
    parsed.part = parsed.part.or(repeat.part);
    let (today, _) = when::local_parts(ctx.tz, ctx.now);
    if let Some(date) = repeat.anchor.and_then(|anchor| when::resolve_day(anchor, today)) {
        return Some(match when::time_of(&parsed) {
            Some(time) => Due::At {
                at: when::local(ctx.tz, date, time),
            },
            None => Due::Day {
                date,
                at: when::end_of_day(ctx.tz, date),
            },
        });
    }
    let time = when::time_of(&parsed);
    let date = repeat.first_day(ctx.now, ctx.tz, time);
    Some(match time {
        Some(time) => Due::At {
            at: when::local(ctx.tz, date, time),
        },
        None => Due::Day {
            date,
            at: when::end_of_day(ctx.tz, date),
        },
    })
}
