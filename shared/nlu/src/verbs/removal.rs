//! Commands that take something away, said by their verb: "get rid of the gym", "move X to the
//! trash", "nix the milk", "i don't need the gym anymore", "we're not doing the garage sale
//! anymore", and "take the due date off X" or "take the #urgent tag off X" (a field
//! removed, not a task).

use crate::cues::cue;
use crate::intent::Cue;
use crate::message::{Message, listed};
use crate::types::Intent;

pub(super) fn removal_at(m: &mut Message<'_>, i: usize) -> Option<Cue> {
    // "take the due date off learn spanish": a field removed, not a task.
    if let Some(end) = m
        .at(i, "take|get the|its due date|deadline off|from|away")
        .or_else(|| m.at(i, "take|get the|its due|deadline off|from|away"))
    {
        m.take(i..end);
        let mut found = Cue::new(Intent::Update, 0.85);
        found.clear = Some(crate::types::Field::Due);
        return Some(found);
    }
    // "take the #urgent tag off the fence repair", "take the work label off X": a tag removed.
    if m.at(i, "take|get|remove").is_some()
        && let Some(tag_end) = (i + 1..(i + 5).min(m.len())).find_map(|j| m.at(j, "tag|tags|label|labels"))
        && let Some(off) = m.at(tag_end, "off|from")
        && m.is_free_word(off)
    {
        m.take(i..i + 1);
        m.take(tag_end..off);
        let mut found = Cue::new(Intent::Update, 0.85);
        found.removing = true;
        return Some(found);
    }
    // "move buying eggs to the trash", "put the gym in the bin".
    if m.at(i, "move|put|throw|send").is_some()
        && let Some(bin) = m.find(i + 1..m.len(), "to|in|into the? trash|bin|garbage")
    {
        m.take(i..i + 1);
        m.take(bin);
        return cue(Intent::Delete, 0.8);
    }
    if let Some(end) = m
        .at(i, "never mind about|with?")
        .or_else(|| m.at(i, "nix|axe|wipe|lose|skip").filter(|&end| m.is_free_word(end)))
        .or_else(|| m.at(i, "i|we|i've|we've decided|chose not to|against"))
    {
        m.take(i..end);
        return cue(Intent::Delete, 0.8);
    }
    if let Some(end) = m
        .at(i, "get rid of")
        .or_else(|| m.at(i, "throw away|out"))
        .or_else(|| m.at(i, "forget about"))
        .or_else(|| m.at(i, "i|we no longer need|have|want to?"))
        .or_else(|| {
            m.at(i, "forget")
                .filter(|&end| m.is_free_word(end) && !listed("it that to", m.word(end)))
        })
    {
        m.take(i..end);
        return cue(Intent::Delete, 0.85);
    }
    if let Some(end) = m
        .at(i, "i|we don't need|want")
        .or_else(|| m.at(i, "i|we do not need|want"))
        // "i will no longer be joining mom for lunch": a plan dropped.
        .or_else(|| {
            m.at(i, "i|we will no longer be")
                .or_else(|| m.at(i, "i'll|we'll no longer be"))
                .filter(|&end| m.word(end).ends_with("ing"))
        })
        // "we're not doing the garage sale anymore": only with "anymore", a plan dropped.
        .or_else(|| {
            m.at(i, "i'm|we're|i|we am|are? not doing|having|going|holding|attending")
                .filter(|&end| {
                    m.find(end..m.len(), "anymore")
                        .or_else(|| m.find(end..m.len(), "any more|longer"))
                        .is_some()
                })
        })
    {
        m.take(i..end);
        let len = m.len();
        if m.take_first(end..len, "anymore").is_none() {
            m.take_first(end..len, "any more|longer");
        }
        m.take_first(end..len, "delete|remove|drop|trash|bin|scrap");
        return cue(Intent::Delete, 0.75);
    }
    None
}
