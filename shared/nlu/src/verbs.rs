//! Commands recognised by their leading verb: "add", "show", "find", "mark … as done",
//! "reschedule", "delete" (or "remove the due date", which is a change), "what's …?".

use crate::cues::cue;
use crate::dates;
use crate::intent::Cue;
use crate::message::{Message, listed};
use crate::refine::{add_or_update, delete_or_clear, explicit_reference, mark};
use crate::types::Intent;

mod asking;
mod change;
mod done;
mod removal;

/// Verbs after which "i want to" is only politeness.
const COMMANDS: &str = "add create delete remove show list find search complete finish mark reopen rename change update \
    edit move reschedule set make tag repeat cancel see view hear know check";
/// Phrases that start a new task, in the order tried.
const ADD_CUES: &[&str] = &[
    "note to self :?",
    "new task|todo|to-do|reminder|item|entry :?",
    "send|give me a|an reminder|notification|alert|heads-up to|about|for|that?",
    "send|give me a|an? notice|notification|reminder of|about",
    "give me a heads up",
    "put|pencil in",
    "i|we would|will need|want|like to? be|get reminded|notified to|about|of?",
    "make|set|create up? a|an new? task|todo|reminder|note|entry",
    "remind me to?",
    "notify|alert|ping|nudge|warn me to?",
    "tell|ask me to",
    "tell|remind me later to",
    "i'd|i would like to have|get a reminder made|set|created up?",
    "can|could|may i have|get a reminder made|set|created up?",
    "remember to|that",
    "don't forget to|about",
    "do not forget to|about",
    "don't let me forget to|about",
    "don't let me forget|miss",
    "do not let me forget|miss",
    "note|write|jot down :?",
    "note :",
    "you need|have|must|should to remind me to|about|of?",
    "i|we need|want to? be|get reminded|notified to|about|of?",
    "i'd|we'd like to? be|get reminded|notified to|about|of?",
    "i|we need|want a|an reminder|alarm|notification set|made? for|to|about|that?",
    "i'd|we'd like a|an reminder|alarm|notification set|made? for|to|about|that?",
    "i|we would like a|an reminder|alarm|notification set|made? for|to|about|that?",
    "how about a|an reminder",
    "i|we would like to? be|get reminded|notified to|about|of?",
    "i|we need|must|should|gotta to?",
    "i|we have|'ve got? to",
    "i've got to",
    "need|have|got to",
    "gotta|must",
    "todo|to-do :?",
    "task :",
];

/// The intent said by the verb at `i`, claiming the words that said it.
pub(crate) fn at_head(m: &mut Message<'_>, i: usize) -> Option<Cue> {
    let soft = [
        "i|we want to",
        "i|we wanna",
        "i'd|we'd like to",
        "i|we would like to",
        "let me|us",
        "let's|lets",
    ];
    if let Some(end) = soft.iter().find_map(|p| m.at(i, p)) {
        if listed(COMMANDS, m.word(end)) || m.at(end, "need|have to").or_else(|| m.at(end, "get rid of")).is_some() {
            m.take(i..end);
            return at_head(m, end);
        }
        if m.at(i, "let me|us|let's|lets").is_none() {
            m.take(i..end);
            chained_add_cues(m, end);
            return cue(Intent::Add, 0.7);
        }
    }
    if let Some(end) = m.at(i, "i|we need to").filter(|&end| listed(COMMANDS, m.word(end))) {
        m.take(i..end);
        return at_head(m, end);
    }
    if let Some(end) = m.at(i, "how do|can|should i|we").or_else(|| m.at(i, "how to")) {
        m.take(i..end);
        return cue(Intent::Help, 0.85);
    }
    if let Some(cue) = undo(m, i) {
        return Some(cue);
    }
    if let Some(end) = m
        .at(
            i,
            "reopen|re-open|uncheck|untick|unmark|uncomplete|undo|unfinish|restore|unarchive",
        )
        .or_else(|| m.at(i, "re open"))
    {
        m.take(i..end);
        // "unmark the laundry as done": the state it leaves names no task.
        if let Some(state) = m.find(end..m.len(), "as done|complete|completed|finished") {
            m.take(state);
        }
        return cue(Intent::Reopen, 0.9);
    }
    if let Some(found) = new_entry(m, i) {
        return Some(found);
    }
    // "activate a one week notification before my anniversary": a reminder set up.
    if m.at(i, "activate|enable|schedule|arrange|configure").is_some()
        && m.find(
            i + 1..(i + 6).min(m.len()),
            "notification|notifications|reminder|reminders|alert|alarm",
        )
        .is_some()
    {
        m.take(i..i + 1);
        return cue(Intent::Add, 0.8);
    }
    // "remind my next meeting with my boss one hour before": "remind" without "me".
    if m.at(i, "remind").is_some() && m.at(i + 1, "my|our|the|about").is_some() {
        m.take(i..i + 1);
        m.take_at(i + 1, "about");
        return cue(Intent::Add, 0.8);
    }
    if let Some(end) = m.at(i, "mark|put down :?") {
        m.take(i..end);
        return cue(Intent::Add, 0.85);
    }
    if m.at(i, "mark|flag|set").is_some() {
        return Some(mark(m, i));
    }
    if let Some(end) = m
        .at(i, "search|find|locate|lookup|grep")
        .or_else(|| m.at(i, "look for|up|through"))
    {
        m.take(i..end);
        return cue(Intent::Search, 0.9);
    }
    if let Some(found) = removal::removal_at(m, i) {
        return Some(found);
    }
    if let Some(found) = asking::question_at(m, i) {
        return Some(found);
    }
    if let Some(end) = m.at(i, "i|we have|'ve got? a|an") {
        let mut copy = m.clone();
        let len = copy.len();
        if dates::take(&mut copy, end..len).is_some() {
            m.take(i..end);
            return cue(Intent::Add, 0.6);
        }
    }
    if let Some(end) = m.at(i, "ad").filter(|_| i == 0 && m.is_free_word(1)) {
        m.take(i..end);
        return cue(Intent::Add, 0.8);
    }
    if let Some(end) = m.at(i, "jot|note|write|mark|put down :?") {
        m.take(i..end);
        return cue(Intent::Add, 0.85);
    }
    if let Some(end) = m.at(i, "add|create|insert|put|jot|append") {
        // "jot buy printer paper down": the particle after the task.
        if m.at(i, "jot|put").is_some()
            && let Some(last) = (end..m.len()).rev().find(|&j| m.is_free_word(j))
            && last > end
            && m.word(last) == "down"
        {
            m.take(last..last + 1);
        }
        return Some(add_or_update(m, i, end));
    }
    if let Some(end) = m.at(i, "remind me about|of the?") {
        m.take(i..end);
        return if explicit_reference(m, end) {
            cue(Intent::Update, 0.8)
        } else {
            cue(Intent::Add, 0.85)
        };
    }
    if let Some(end) = ADD_CUES.iter().find_map(|p| m.at(i, p)) {
        m.take(i..end);
        chained_add_cues(m, end);
        return cue(Intent::Add, 0.85);
    }
    if let Some(end) = m.at(i, "schedule") {
        m.take(i..end);
        return cue(Intent::Add, 0.8);
    }
    if let Some(end) = m.at(
        i,
        "delete|remove|erase|trash|cancel|cancels|scrap|discard|ditch|drop|kill|nuke|clear|bin|dump|purge|dismiss",
    ) {
        // "remove the board meeting and reschedule for wednesday": moved, not gone.
        if let Some(and) = m.find(end..m.len(), "and|to reschedule|move|postpone|push|shift it?") {
            m.take(i..end);
            m.take(and);
            return cue(Intent::Update, 0.8);
        }
        return Some(delete_or_clear(m, i, end));
    }
    // "take off the doctor's appointment on march twentieth": gone, with no list named.
    if let Some(end) = m.at(i, "take|strike|knock off|away").filter(|&end| m.is_free_word(end)) {
        m.take(i..end);
        return cue(Intent::Delete, 0.8);
    }
    if let Some(found) = done::done_at(m, i) {
        return Some(found);
    }
    if let Some(found) = change::change_at(m, i) {
        return Some(found);
    }
    past_deed(m, i)
}

/// Things a person sets up that are tasks themselves: "set up a meeting with nick" adds "meeting
/// with nick".
const EVENTS: &str = "meeting meetings appointment appointments event call lunch dinner date session class";
/// Entries that are only the container of a task: "set a reminder for X" adds "X".
const ENTRIES: &str = "reminder reminders alarm task todo to-do note entry item notification alert";

/// "set a reminder for the gym class", "set up a meeting with nick", "make me a repeating reminder
/// to stretch", "set reminder for tennis": a new entry. A reminder set "for task 3" or "for it"
/// changes that task instead. "daily", "weekly"… stay for the repetition.
fn new_entry(m: &mut Message<'_>, i: usize) -> Option<Cue> {
    let article = m
        .at(
            i,
            "set|create|make|schedule|arrange|organise|organize|book up? me|us? a|an new?",
        )
        .or_else(|| m.at(i, "give|get me|us a|an new?"));
    let end = article.or_else(|| m.at(i, "set|create|make|book|schedule|arrange up? me|us?"))?;
    let noun = (end..(end + 3).min(m.len())).find(|&j| listed(ENTRIES, m.word(j)) || listed(EVENTS, m.word(j)))?;
    // "set task 7 to high priority", "make task 2 urgent": a task that exists.
    // Without "a": "set reminder for …", "book appointment for …", but not "set task 7 …".
    let bare = listed("reminder reminders alarm notification alert", m.word(noun))
        || listed(EVENTS, m.word(noun)) && m.at(i, "book|schedule|arrange").is_some();
    if explicit_reference(m, noun) || article.is_none() && !bare {
        return None;
    }
    // "a monthly reminder", "a two day notification before …" (the offset is read later).
    let kind = |j: usize| {
        let word = m.word(j);
        listed("repeating recurring daily weekly monthly yearly quick", word)
            || crate::words::number(word).is_some()
            || listed("minute minutes hour hours day days week weeks", word)
    };
    let between_are_kinds = (end..noun).all(kind);
    if !between_are_kinds {
        return None;
    }
    if listed(EVENTS, m.word(noun)) && m.at(i, "give|get").is_none() {
        // "book appointment for friday", but "set meeting to 3pm" moves one.
        if article.is_none() && m.at(i, "make|book|schedule|arrange").is_none() {
            return None;
        }
        m.take(i..end);
        return cue(Intent::Add, 0.8);
    }
    m.take(i..end);
    // "a two day notification before …": the offset's words are the reminder's to read.
    if (end..noun).any(|j| crate::words::number(m.word(j)).is_some()) {
        return cue(Intent::Add, 0.85);
    }
    for j in end..noun {
        if listed("repeating recurring quick", m.word(j)) {
            m.take(j..j + 1);
        }
    }
    m.take(noun..noun + 1);
    let chained = CHAINED.iter().any(|p| m.at(noun + 1, p).is_some());
    let after = if chained {
        noun + 1
    } else {
        m.at(noun + 1, "set|made|created? for|to|about|that|so")
            .unwrap_or(noun + 1)
    };
    m.take(noun + 1..after);
    chained_add_cues(m, after);
    if explicit_reference(m, after) {
        return cue(Intent::Update, 0.8);
    }
    cue(Intent::Add, 0.85)
}

/// Words that may follow "undo" and still mean the last change, not a task.
const LAST_CHANGE: &str = "that it this the last latest previous change action one thing step please";

/// "undo", "undo that", "take that back", "revert the last change": the last change, whatever it
/// was. "undo task 3" names a task, so it is a reopen.
fn undo(m: &mut Message<'_>, i: usize) -> Option<Cue> {
    let end = m
        .at(i, "undo|revert|reverse")
        .or_else(|| m.at(i, "take it|that back"))?;
    let rest = m.free_in(end..m.len());
    let only_the_last = rest
        .iter()
        .all(|&j| !m.is_free_word(j) || listed(LAST_CHANGE, m.word(j)));
    if !only_the_last {
        return None;
    }
    m.take(i..m.len());
    cue(Intent::Undo, 0.9)
}

/// "called the plumber", "i just paid the rent": a past form at the head reports a task done. The
/// verb stays in the reference, so "called the plumber" finds "call the plumber" and not "pay the
/// plumber".
fn past_deed(m: &mut Message<'_>, i: usize) -> Option<Cue> {
    let verb = m
        .at(i, "i|we have just|already|finally|now|also?")
        .or_else(|| m.at(i, "i|we|i've|we've just|already|finally|now|also?"))
        .or_else(|| m.at(i, "just|already|finally|also"))
        .unwrap_or(i);
    // "i got to remove fishing" is "i have to"; "went to the gym" reports a deed.
    let reported = crate::fuzzy::is_past_form(m.word(verb))
        && m.is_free_word(verb + 1)
        && !(m.word(verb + 1) == "to" && listed("got had used", m.word(verb)));
    if !reported {
        return None;
    }
    // "finished my tax return": a verb that only says "done" names no task.
    let generic = listed("finished completed did done sorted", m.word(verb));
    m.take(i..if generic { verb + 1 } else { verb });
    let len = m.len();
    if let Some(last) = (0..len).rev().find(|&j| m.is_free_word(j))
        && listed("finally already today now too", m.word(last))
        && last > verb + 1
    {
        m.take(last..last + 1);
    }
    cue(Intent::Complete, 0.7)
}

/// "cross X off my list" (done) and "take|scratch X off my list" (gone), once the list was claimed.
pub(crate) fn taken_off(m: &mut Message<'_>, i: usize) -> Option<Cue> {
    let (end, intent) = if let Some(end) = m.at(i, "cross|strike|tick|check off?") {
        (end, Intent::Complete)
    } else {
        // "get rid of my trip to the zoo from my calendar", "take out the event from my calendar".
        let verb = m.at(i, "get rid of").or_else(|| m.at(i, "take|get out|away"));
        (
            verb.or_else(|| m.at(i, "take|scratch|knock|wipe|strike|get|move|drop"))?,
            Intent::Delete,
        )
    };
    m.is_free_word(end).then(|| m.take(i..end))?;
    cue(intent, 0.85)
}

/// True when a request to be reminded starts at `i` ("remind me to", "don't forget to"), which
/// makes the message an add wherever it stands.
pub(crate) fn is_add_request(m: &Message<'_>, i: usize) -> bool {
    m.is_free_word(i)
        && [
            "remind me to",
            "remember to",
            "don't forget to",
            "do not forget to",
            "don't let me forget to",
            "i|we need|have|must|gotta to",
        ]
        .iter()
        .any(|p| m.at(i, p).is_some())
}

/// "remind me to" after "i need to": one command said twice.
pub(super) fn chained_add_cues(m: &mut Message<'_>, at: usize) {
    // Each may follow another: "set up a reminder so i don't forget to …".
    let mut at = at;
    while let Some(end) = CHAINED.iter().find_map(|p| m.at(at, p)) {
        m.take(at..end);
        at = end;
    }
}

/// The same at the first free word, once dates were claimed: "remind me tomorrow at 3pm i have a
/// doctors appointment".
pub(crate) fn trim_chained(m: &mut Message<'_>) {
    let Some(mut head) = m.first_free_word() else {
        return;
    };
    // Past the words a title drops anyway: "an item that i need to clean the kitchen".
    while listed("a an new item task reminder entry note", m.word(head)) {
        match (head + 1..m.len()).find(|&i| m.is_free_word(i)) {
            Some(next) => head = next,
            None => return,
        }
    }
    chained_add_cues(m, head);
}

/// What may follow a request to be reminded and is still only the request.
const CHAINED: &[&str] = &[
    "have|get a reminder made|set|created up?",
    "remember|remind me? to",
    "not forget to",
    "remind|tell|alert|notify me to",
    "remind me about|of",
    "alert|notify|remind|tell me when it's time to",
    "alert|notify|remind|tell me when it is time to",
    "so|that? i|we don't|won't forget to|about?",
    "so|that? i|we do not|will not forget to|about?",
    "be|get reminded|notified to|about|of?",
    "that? i|we have|'ve got? a|an",
    "that? i've|we've got a|an",
    "that? i|we need|have|must|should to",
    "that? i|we am|are going|gonna to?",
    "that? i'm|we're going|gonna to?",
    "that? there's|there is a|an",
    "for me|us|myself to|that?",
];
