//! A question or request about the person's list that reads as something else: "will an oil change
//! be on my to-do list tomorrow", "when is babysitting on my to do list", "read to me my to do
//! list". It is a list, or a search for what is left once the list is named.

use crate::intent::Cue;
use crate::message::{Message, listed};
use crate::types::Intent;

/// How a question about the list starts: "when is babysitting on my to do list", "read to me my
/// to do list", "does my errand list have goodwill on it", "check my to do list for carpet".
const LIST_QUESTIONS: &[&str] = &[
    "what|what's|which|when|whether|is|are|does|do|did|have|has|will|was|were|read|tell|hear|iterate|say|repeat|check|look|see|recite|list",
    "at|by what",
    "let's|lets? go over|through",
    "remind me of|about",
    "can|could|may i hear|see|get|have",
    "i|we need|want my|the",
    "i|we want|'d to? hear|see|know|read",
    "i|we would like to hear|see|know|read",
    "i wonder",
    "let me|us know|see|hear",
];
/// Of which these ask whether something is there: the rest of the words are a search.
const YES_NO: &str = "is are does do did have has will was were whether check look see at by when";

/// A question or request about the person's list that reads as something else ("will an oil
/// change be on my to-do list tomorrow" is not an add): a list, or a search for what is left.
pub(crate) fn about_the_list(m: &mut Message<'_>) -> Option<Cue> {
    let head = m.first_free_word()?;
    let end = LIST_QUESTIONS.iter().find_map(|pattern| m.at(head, pattern))?;
    // "i want to add a doctor's visit to the calendar" asks for nothing.
    let putting = (end..m.len()).any(|i| listed("add put include insert create place throw schedule jot", m.word(i)));
    if putting && !listed(YES_NO, m.word(head)) {
        return None;
    }
    let mut copy = m.clone();
    if !crate::location::take_mention(&mut copy) {
        return None;
    }
    *m = copy;
    let mut found = Cue::new(Intent::List, 0.8);
    found.existence = listed(YES_NO, m.word(head)) || m.find(end..m.len(), "whether|if").is_some();
    if m.at(
        head,
        "what|what's|which|read|tell|hear|iterate|say|repeat|recite|list|go|let's|lets|can|could|may|i|let|remind",
    )
    .is_some()
    {
        m.take(head..end);
    }
    Some(found)
}
