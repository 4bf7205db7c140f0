//! Questions and requests to see the list, said by their first words: "read me my list", "repeat
//! my list back to me", "what did i want to remember", "check if X is on my list", "tell me the
//! meetings i have", "when is my next appointment", "am i free on sunday", "what's due today?",
//! "what do i need to do".

use crate::cues::cue;
use crate::dates;
use crate::intent::Cue;
use crate::message::Message;
use crate::refine::{list_or_search, question};
use crate::types::Intent;

use super::at_head;

pub(super) fn question_at(m: &mut Message<'_>, i: usize) -> Option<Cue> {
    if let Some(end) = m.at(i, "read|tell me? out? my|the to do list|lists?").or_else(|| {
        m.at(
            i,
            "read|tell me? out? my|the to-do|todo|task|reminder? list|lists|tasks|todos|to-dos|reminders|agenda",
        )
    }) {
        m.take(i..i + 1);
        let _ = end;
        return Some(list_or_search(m, 0.85));
    }
    // "repeat my list back to me", "read back my reminders": the list, not a repetition.
    if m.at(
        i,
        "repeat|read|recite|say|tell|speak|iterate|describe|state|go|walk|run|inform|play|confirm|review",
    )
    .is_some()
        && m.find(i + 1..(i + 7).min(m.len()), "list|lists|reminders|tasks|todos|back")
            .is_some()
        && m.find(
            i + 1..m.len(),
            "every|each|daily|weekly|monthly|yearly|weekday|weekdays",
        )
        .is_none()
    {
        m.take(i..i + 1);
        let len = m.len();
        m.take_first(i..len, "back");
        return Some(list_or_search(m, 0.85));
    }
    // "what did i want to remember", "remind me what i asked you to remember": the list.
    if m.find(i..m.len(), "remember|remembered|reminded|recall|forget|mind")
        .is_some()
        && (m.at(i, "what|what's|which|recall").is_some()
            || m.at(i, "do|can|could you know|recall|tell").is_some()
            || m.at(i, "remind me what|of").is_some()
            || m.at(i, "i|we wanted|want|had|asked to? remember").is_some())
    {
        let len = m.len();
        m.take(i..len);
        return cue(Intent::List, 0.8);
    }
    // "what do i need to do", "what should i be doing", "refresh my memory": what is still to do.
    let to_do = m.at(i, "what|what's|whats|anything|something").is_some()
        && m.find_any(
            i + 1..m.len(),
            &[
                "need|have|got|ought to do|finish|tackle",
                "should|must|can|could i|we do|tackle|be doing",
                "to be done",
            ],
        )
        .is_some()
        && m.find(i..m.len(), "list|tasks|todos|calendar|schedule").is_none()
        && {
            // "what do i have to do on monday" is a list of monday's.
            let mut copy = m.clone();
            let len = copy.len();
            dates::take(&mut copy, i..len).is_none()
        };
    if to_do || m.at(i, "refresh|jog my memory").is_some() {
        let len = m.len();
        m.take(i..len);
        let mut found = Cue::new(Intent::List, 0.8);
        found.pending = true;
        return Some(found);
    }
    // "anything to do with the bike?", "anything about taxes": a search.
    if let Some(end) = m
        .at(i, "anything|something to do with")
        .or_else(|| m.at(i, "anything|something about|regarding|concerning"))
        .or_else(|| m.at(i, "anything|something related to"))
    {
        m.take(i..end);
        return cue(Intent::Search, 0.8);
    }
    // "check if buying a light bulb is on my list", "confirm that …": a search.
    if let Some(end) = m.at(i, "check|confirm|see|verify if|whether|that") {
        m.take(i..end);
        return cue(Intent::Search, 0.85);
    }
    // "tell me what's on the schedule", "let me know what i have to do today": the question.
    if let Some(end) = m
        .at(i, "tell|show me")
        .or_else(|| m.at(i, "let me|us know"))
        .filter(|&end| m.at(end, "what|what's|which|how|when|if|whether").is_some())
    {
        m.take(i..end);
        return at_head(m, end);
    }
    if let Some(end) = m.at(
        i,
        "check|review|open|hear my|the calendar|calender|schedule|agenda|list|lists|tasks|todos|reminders|planner",
    ) {
        m.take(i..i + 1);
        let _ = end;
        return Some(list_or_search(m, 0.85));
    }
    // "tell me the meetings i have for the week".
    if let Some(end) = m.at(
        i,
        "tell|show|give me the|my|all meetings|appointments|events|reminders|tasks|todos|schedule|plans|agenda",
    ) {
        m.take(i..end - 1);
        return Some(list_or_search(m, 0.85));
    }
    if let Some(end) = m
        .at(i, "show|list|display|view|see|fetch|print|hear|know")
        .or_else(|| m.at(i, "give|get|pull|bring me|up"))
        // "give me a heads-up 2 days before …" asks for a reminder.
        .filter(|&end| {
            m.at(end, "a|an heads-up|heads|reminder|notification|alert|nudge|ping|shout")
                .is_none()
        })
    {
        m.take(i..end);
        return Some(list_or_search(m, 0.9));
    }
    // "when is my next appointment with dr smith": a search for what is asked about.
    if let Some(end) = m
        .at(i, "when|where is|are|was|'s")
        .or_else(|| m.at(i, "when's|where's"))
        .or_else(|| m.at(i, "at? what time is|are|'s"))
        // "when do i meet with charles": the rest names the task.
        .or_else(|| {
            m.at(i, "when do|does|will|did|shall i|we")
                .or_else(|| m.at(i, "what time do|does|will|did|shall i|we"))
                .filter(|&end| m.is_free_word(end))
        })
        // "what time is it": the clock, not a task.
        .filter(|&end| {
            m.at(end, "it|now")
                .is_none_or(|after| after < m.len() && m.is_free_word(after))
        })
    {
        // A time is asked, so tasks that have one answer it.
        let dated = m.at(i, "when|when's|at|what").is_some();
        m.take(i..end);
        let len = m.len();
        let mut found = Cue::new(Intent::List, 0.8);
        found.existence = true;
        found.dated = dated;
        // "when is my next meeting": the soonest one only.
        found.soonest = m.take_first(end..len, "my|the next").is_some();
        return Some(found);
    }
    // "am i free on sunday", "am i busy tomorrow": what is due then.
    if let Some(end) = m.at(i, "am i|we free|available|busy|booked") {
        m.take(i..end);
        return cue(Intent::List, 0.8);
    }
    if m.at(
        i,
        "what|what's|what're|which|any|anything|how|where|where's|when|is|are",
    )
    .is_some()
        || m.at(i, "do|did|does|have|got i|we|you").is_some()
    {
        let mut found = question(m);
        found.existence = m.at(i, "is|are|any|anything|do|did|have|got").is_some();
        return Some(found);
    }
    None
}
