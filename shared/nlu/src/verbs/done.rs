//! A task reported done by its verb: "i'm done with the laundry", "i finished the report", "tick
//! the report", "check off buy milk", "complete task 3", "task completed buy gum".

use crate::cues::cue;
use crate::intent::Cue;
use crate::message::Message;
use crate::types::Intent;

pub(super) fn done_at(m: &mut Message<'_>, i: usize) -> Option<Cue> {
    let done_with = [
        "i'm|we're all? done|finished with",
        "all done|finished with",
        "i'm|we're through with",
        "through with",
        "i|we am|are done|finished with",
        "done|finished with",
        "i'm|we're|i|we am|are? all set with",
        "all set with",
    ];
    // "task completed buy gum", "done: buy gum": a log line, the task named after it.
    let logged = m
        .at(i, "task|item|todo|to-do completed|done|finished :|-?")
        .filter(|&end| m.is_free_word(end) && m.at(end, "<n>").is_none());
    if let Some(end) = done_with.iter().find_map(|p| m.at(i, p)).or(logged) {
        m.take(i..end);
        return cue(Intent::Complete, 0.85);
    }
    let did = [
        "i|we|i've|we've just? finished|completed|did|done|finish|sorted",
        "i|we have just? finished|completed|done",
    ];
    if let Some(end) = did.iter().find_map(|p| m.at(i, p)) {
        m.take(i..end);
        return cue(Intent::Complete, 0.8);
    }
    // "tick the report", "strike the laundry": done, with or without "off".
    if let Some(end) = m.at(i, "tick|strike").filter(|&end| m.is_free_word(end)) {
        m.take(i..end);
        let len = m.len();
        m.take_first(end..len, "off");
        return cue(Intent::Complete, 0.85);
    }
    if m.at(i, "check|tick|cross|strike").is_some()
        && let Some(off) = m.find(i + 1..(i + 8).min(m.len()), "off|out")
    {
        m.take(i..i + 1);
        m.take(off);
        return cue(Intent::Complete, 0.9);
    }
    if let Some(end) = m.at(i, "complete|finish|finished|completed|done|close") {
        m.take(i..end);
        return cue(Intent::Complete, 0.9);
    }
    None
}
