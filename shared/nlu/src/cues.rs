//! Phrasings without a leading command verb: statements ("task 4 is done", "it should be due
//! friday"), list requests in a few words ("my tasks please"), "stop repeating", and, when nothing
//! else fits, a bare task ("asap fix the leaking tap", "buy cat food") or nothing understood.

use crate::intent::Cue;
use crate::message::{Message, listed};
use crate::normalise::Kind;
use crate::types::{Field, Intent};
use crate::{dates, filter, priority, recurrence};

pub(crate) fn cue(intent: Intent, confidence: f32) -> Option<Cue> {
    Some(Cue::new(intent, confidence))
}

/// Words that make a question about tasks.
pub(crate) const LIST_CUES: &str = "tasks task todo todos to-do list plate agenda due pending open outstanding left remaining \
    overdue late completed complete done finished finish urgent important priority tagged upcoming schedule \
    reminders reminder remind calendar planned plan plans appointments meetings events planner next doing deadline \
    deadlines undated ticked";

/// Verbs a to-do usually starts with: "buy cat food" is a task even without "add".
pub(crate) const TODO_VERBS: &str = "buy call email e-mail text phone ring pay book pick get order return renew clean fix send \
    write read wash water walk feed cook prepare prep submit review organise organize plan print post mail collect \
    visit meet study practice practise file sign apply register bake tidy vacuum iron mow sort empty charge replace \
    repair install backup back finish start research draft check ask invite reply respond learn go take bring";

/// Words that only glue a message together: "after all", "by the way".
pub(crate) fn take_fillers(m: &mut Message<'_>) {
    let len = m.len();
    for pattern in ["after all", "by the way", "btw"] {
        if let Some(found) = m.find(0..len, pattern).filter(|found| !m.is_free_word(found.end)) {
            m.take(found);
        }
    }
}

/// True when token `i` starts a clause: after a comma, "please", "and then"…
pub(crate) fn clause_start(m: &Message<'_>, i: usize) -> bool {
    i > 0 && m.is_free_word(i) && matches!(m.word(i - 1), "," | ";" | "." | "please" | "and" | "then" | "so" | "-")
}

/// Claims a later clause that repeats the command ("…, reopen it"), so it is not read as a name.
pub(crate) fn take_echoes(m: &mut Message<'_>, intent: Intent) {
    let verbs = match intent {
        Intent::Reopen => "reopen re-open uncheck unmark",
        Intent::Delete => "delete remove drop trash bin scrap",
        Intent::Complete => "complete finish tick check",
        _ => return,
    };
    for i in 1..m.len() {
        if clause_start(m, i) && listed(verbs, m.word(i)) {
            m.take(i..i + 1);
        }
    }
}

/// Days a person asks about the look of.
const OUTLOOK_DAYS: &str = "day today tomorrow tonight week weekend morning afternoon evening monday tuesday wednesday \
    thursday friday saturday sunday";

/// "how's my day looking", "what does tomorrow look like", "how is the week shaping up": a list of
/// what is due then. The day word stays for the date parser, except "my day" (today) and "my week"
/// or "the weekend" (this one), which the cue says as a date.
pub(crate) fn outlook(m: &mut Message<'_>) -> Option<Cue> {
    let first = m.first_free_word()?;
    // "what does the rest of my day look like", "what is my plan for the day".
    let asking = m.at(first, "what|what's|how|how's|hows|show|tell|give").is_some();
    let all = 0..m.len();
    if asking
        && let Some(day) = m
            .find(all.clone(), "the rest of my|the day")
            .or_else(|| m.find(all, "for the day"))
    {
        m.take(day);
        let mut found = Cue::new(Intent::List, 0.85);
        found.outlook = Some("today");
        return Some(found);
    }
    let asked = m
        .at(first, "how's|hows|what's")
        .or_else(|| m.at(first, "how|what is|does|will"))?;
    let owner = m.at(asked, "my|the").unwrap_or(asked);
    // "how's my list?", "how does my schedule look": the whole list.
    if owner > asked
        && let Some(end) = m.at(
            owner,
            "to? do? list|lists|tasks|todos|to-dos|schedule|agenda|calendar|plate",
        )
    {
        let end = m.at(end, "look|looks|looking like?").unwrap_or(end);
        if !(end..m.len()).any(|i| m.is_free_word(i)) {
            m.take(first..end);
            return Some(Cue::new(Intent::List, 0.85));
        }
    }
    let day = if listed(OUTLOOK_DAYS, m.word(owner)) {
        owner
    } else {
        m.at(asked, "this").filter(|&i| listed(OUTLOOK_DAYS, m.word(i)))?
    };
    let looks = m
        .at(day + 1, "look|looks|looking|shaping|like like|up?")
        .or_else(|| m.at(day + 1, "gonna|going to? look like?"))?;
    let mut found = Cue::new(Intent::List, 0.85);
    let said = match m.word(day) {
        "day" => Some("today"),
        "week" if owner > asked => Some("this week"),
        "weekend" if owner > asked => Some("this weekend"),
        _ => None,
    };
    if said.is_some() {
        found.outlook = said;
        m.take(first..day + 1);
    } else {
        m.take(first..owner);
    }
    m.take(day + 1..looks);
    Some(found)
}

/// "what's next", "what should i do now", "what's left to do": a list of the pending tasks (the
/// chat shows them soonest due first).
pub(crate) fn next_up(m: &mut Message<'_>) -> Option<Cue> {
    let first = m.first_free_word()?;
    let end = [
        "what's|whats up? next",
        "what is up? next",
        "what should|do|can i|we do|tackle next|now|first",
        "what's|what is left to do",
        "what else is|do i have? left? to do",
    ]
    .iter()
    .find_map(|pattern| m.at(first, pattern))?;
    if (end..m.len())
        .any(|i| m.is_free_word(i) && !listed("? . ! please on my the list to-do todo tasks agenda", m.word(i)))
    {
        return None;
    }
    m.take(first..end);
    let mut found = Cue::new(Intent::List, 0.85);
    found.pending = true;
    Some(found)
}

/// "put task 3 back on my list": reopen.
pub(crate) fn back_on_the_list(m: &mut Message<'_>) -> Option<Cue> {
    let len = m.len();
    let found = m
        .find(0..len, "back on|to|onto my|the list|todos|todo")
        .or_else(|| m.find(0..len, "back on|to|onto my|the to do list"))
        .or_else(|| m.find(0..len, "back on|to|onto my|the to-do|task|reminder list"))
        .or_else(|| {
            m.find(
                0..len,
                "back on|to|onto|in|into my|the open|pending|active|current|unfinished tasks|todos|list|items",
            )
        })?;
    m.take(found);
    if let Some(head) = m.first_free_word() {
        m.take_at(head, "put|move|bring|add");
    }
    cue(Intent::Reopen, 0.8)
}

/// "i marked the laundry done by mistake", "the laundry is still open", "bring back the
/// laundry", "the laundry needs to be done again", "revert the laundry to incomplete": a task
/// that is not done after all.
pub(crate) fn not_done_after_all(m: &mut Message<'_>) -> Option<Cue> {
    let all = 0..m.len();
    let head = m.first_free_word()?;
    let mistake = m
        .find(all.clone(), "by mistake|accident")
        .or_else(|| m.find(all.clone(), "accidentally|mistakenly|wrongly"));
    if let Some(mistake) = mistake
        && let Some(marked) = m.find(all.clone(), "i|we? marked|completed|ticked|checked|finished|closed")
    {
        m.take(mistake);
        m.take(marked);
        let len = m.len();
        m.take_first(0..len, "oops|done|complete|completed|as");
        return cue(Intent::Reopen, 0.8);
    }
    let found = m
        .find_any(
            all.clone(),
            &[
                "is|are still open|pending|outstanding|undone|unfinished|incomplete",
                "needs|has to be done|finished|completed again",
                "should not be marked|ticked|checked done|complete|completed?",
                "shouldn't be marked|ticked|checked done|complete|completed?",
            ],
        )
        .or_else(|| m.at(head, "bring back").map(|end| head..end))
        .or_else(|| m.at(head, "redo|re-do").map(|end| head..end))
        .or_else(|| m.find(all.clone(), "i|we need|have to redo|re-do"));
    // Said at the end ("check if the pharmacy is still open tomorrow" is a task).
    let at_the_end = |found: &std::ops::Range<usize>| {
        (found.end..m.len()).all(|i| !m.is_free_word(i) || listed("yet again now still please back", m.word(i)))
    };
    if let Some(found) = found.filter(|found| found.start == head || at_the_end(found)) {
        m.take(found);
        let len = m.len();
        m.take_first(0..len, "back");
        return cue(Intent::Reopen, 0.75);
    }
    // "make the laundry active again", "revert the laundry to incomplete".
    let state = m.find(
        all.clone(),
        "to? active|pending|open|incomplete|undone|unfinished again?",
    )?;
    m.at(head, "make|set|turn|revert|switch|change")?;
    m.take(head..head + 1);
    m.take(state);
    cue(Intent::Reopen, 0.75)
}

/// A message made only of list words, with maybe a date or a priority: "my tasks please",
/// "tasks due friday", "todo list".
pub(crate) fn list_only(m: &Message<'_>) -> Option<Cue> {
    let first = m.first_free_word()?;
    if !(filter::is_list_word(m.word(first)) || listed(LIST_CUES, m.word(first))) {
        return None;
    }
    let mut copy = m.clone();
    let len = copy.len();
    dates::take(&mut copy, 0..len);
    priority::take(&mut copy, 0..len, true);
    let words: Vec<usize> = (0..len).filter(|&i| copy.is_free_word(i)).collect();
    let framing = words.iter().all(|&i| {
        let word = copy.word(i);
        let tag = copy.kind(i) == Some(Kind::Hashtag) && !word.starts_with(|c: char| c.is_ascii_digit());
        filter::is_list_word(word) || listed(LIST_CUES, word) || tag
    });
    let cued = words
        .iter()
        .any(|&i| listed("tasks task todo todos to-do list agenda plate", copy.word(i)))
        || words.len() == 1 && listed("pending overdue completed outstanding", copy.word(words[0]));
    let verb = words
        .first()
        .is_some_and(|&i| listed("add create new delete remove complete", copy.word(i)));
    (framing && cued && !verb).then(|| Cue::new(Intent::List, 0.75))
}

/// "stop repeating", "don't repeat task 2 anymore", "remove the recurrence".
pub(crate) fn stop_repeating(m: &mut Message<'_>) -> Option<Cue> {
    let len = m.len();
    if !recurrence::take_stop(m, 0..len) {
        return None;
    }
    if let Some(head) = m.first_free_word() {
        m.take_at(head, "make|set|have|let");
    }
    let mut found = Cue::new(Intent::SetRecurrence, 0.9);
    found.clear = Some(Field::Recurrence);
    Some(found)
}

/// "for the dentist appointment, note that it's dr. weber", "note on the gym: bring a towel": a
/// note for a task, said around its name. The comma or colon splits the name from the note.
pub(crate) fn note_for(m: &mut Message<'_>) -> Option<Cue> {
    let head = m.first_free_word()?;
    let all = 0..m.len();
    let said = if let Some(end) = m.at(head, "note|notes on|for|about") {
        m.take(head..end);
        true
    } else if m.at(head, "for|on|about|regarding|re").is_some()
        && let Some(note) = m
            .find(all.clone(), ", add|make|leave? a? note|notes that|:?")
            .or_else(|| m.find(all, ", add|make|leave? a? note|notes"))
    {
        m.take(head..head + 1);
        // The comma stays: it splits the name from the note.
        m.take(note.start + 1..note.end);
        true
    } else {
        false
    };
    said.then(|| {
        let mut found = Cue::new(Intent::Update, 0.8);
        found.describe = true;
        found
    })
}

/// No verb and no statement: a list request in few words ("my tasks please", "pending?"), a
/// bare task with a date or priority ("asap fix the leaking tap"), or nothing understood.
pub(crate) fn fallback(m: &mut Message<'_>) -> Cue {
    let words: Vec<usize> = (0..m.len()).filter(|&i| m.is_free_word(i)).collect();
    let framing = words
        .iter()
        .all(|&i| filter::is_list_word(m.word(i)) || listed(LIST_CUES, m.word(i)));
    if framing && words.iter().any(|&i| listed(LIST_CUES, m.word(i))) {
        return Cue::new(Intent::List, 0.7);
    }
    let mut copy = m.clone();
    let len = copy.len();
    let has_slot = dates::take(&mut copy, 0..len).is_some()
        || !priority::take(&mut copy, 0..len, false).is_empty()
        // Only whether there is a repetition matters here, not when it ends.
        || recurrence::take(&mut copy, 0..len, chrono::NaiveDate::MIN).is_some()
        || (0..len).any(|i| copy.kind(i) == Some(Kind::Hashtag));
    let rest = (0..len).filter(|&i| copy.is_free_word(i)).count();
    // "on the 11th.", "tomorrow?": a day on its own asks what is due then.
    let mut dated = m.clone();
    if rest == 0 && dates::take(&mut dated, 0..len).is_some() && (0..len).all(|i| !dated.is_free_word(i)) {
        return Cue::new(Intent::List, 0.6);
    }
    // "today's schedule", "tomorrow's agenda": a list of what is due then.
    let listing = (0..len)
        .filter(|&i| copy.is_free_word(i))
        .all(|i| listed(LIST_CUES, copy.word(i)) || filter::is_list_word(copy.word(i)));
    if has_slot && rest > 0 && listing {
        return Cue::new(Intent::List, 0.6);
    }
    let todo_verb = words.first().is_some_and(|&i| listed(TODO_VERBS, m.word(i))) && words.len() >= 2;
    let guess = |confidence| Cue {
        guessed: true,
        ..Cue::new(Intent::Add, confidence)
    };
    if has_slot && rest > 0 {
        guess(0.55)
    } else if todo_verb {
        guess(0.5)
    } else {
        Cue::new(Intent::Unknown, 0.2)
    }
}
