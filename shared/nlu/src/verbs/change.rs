//! A change to a task, said by its verb: "rename X to Y", "replace X with Y", "fix the typo in X",
//! "tag X work", "lower the priority of X", "move X to friday", "repeat X every monday".

use crate::cues::cue;
use crate::intent::Cue;
use crate::message::Message;
use crate::types::Intent;

pub(super) fn change_at(m: &mut Message<'_>, i: usize) -> Option<Cue> {
    // "fix the typo in buy mlik, it should be buy milk": the name after the comma.
    if let Some(end) = m.at(i, "fix|correct the? typo|spelling|misspelling in|on|of") {
        m.take(i..end);
        if let Some(said) = m.find(end..m.len(), "it|that should|must be|read|say") {
            m.take(said);
        }
        let mut found = Cue::new(Intent::Update, 0.85);
        found.rename = true;
        return Some(found);
    }
    // "replace buy milk with buy oat milk".
    if let Some(end) = m
        .at(i, "replace|swap")
        .filter(|&end| m.find(end..m.len(), "with").is_some())
    {
        m.take(i..end);
        let mut found = Cue::new(Intent::Update, 0.8);
        found.rename = true;
        found.replacing = true;
        return Some(found);
    }
    if let Some(end) = m.at(i, "rename|retitle").or_else(|| m.at(i, "call it")) {
        m.take(i..end);
        let mut found = Cue::new(Intent::Update, 0.9);
        found.rename = true;
        return Some(found);
    }
    if m.at(i, "tag|label|untag|prioritize|prioritise|deprioritize|deprioritise")
        .is_some()
    {
        return cue(Intent::Update, 0.85);
    }
    // "lower the priority of …": the priority parser reads the whole phrase.
    if m.at(
        i,
        "lower|raise|increase|decrease|reduce|boost|drop|bump up? the|its? priority|prio",
    )
    .is_some()
    {
        return cue(Intent::Update, 0.85);
    }
    if let Some(end) = m.at(
        i,
        "change|edit|update|modify|alter|amend|move|reschedule|postpone|push|delay|bump|lower|raise|make|give|adjust|shift|bring|have|turn|switch",
    ) {
        m.take(i..end);
        return cue(Intent::Update, 0.85);
    }
    if m.at(i, "repeat|recur").is_some() {
        return cue(Intent::SetRecurrence, 0.9);
    }
    None
}
