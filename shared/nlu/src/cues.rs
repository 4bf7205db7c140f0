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
    reminders reminder remind calendar planned plan plans appointments meetings events planner next doing";

/// Verbs a to-do usually starts with: "buy cat food" is a task even without "add".
const TODO_VERBS: &str = "buy call email e-mail text phone ring pay book pick get order return renew clean fix send \
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
        .or_else(|| m.find(0..len, "back on|to|onto my|the to-do|task|reminder list"))?;
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
        .find(
            all.clone(),
            "is|are still open|pending|outstanding|undone|unfinished|incomplete",
        )
        .or_else(|| m.find(all.clone(), "needs|has to be done|finished|completed again"))
        .or_else(|| {
            m.find(
                all.clone(),
                "should not be marked|ticked|checked done|complete|completed?",
            )
        })
        .or_else(|| {
            m.find(
                all.clone(),
                "shouldn't be marked|ticked|checked done|complete|completed?",
            )
        })
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

/// Commands without a leading verb: "task 4 is done", "that one isn't done yet", "task 2 should
/// be urgent", "the rent task should repeat monthly".
pub(crate) fn statement(m: &mut Message<'_>) -> Option<Cue> {
    let all = 0..m.len();
    if let Some(found) = m
        .find(all.clone(), "is|was|are|'s not yet? done|finished|complete|completed")
        .or_else(|| {
            m.find(
                all.clone(),
                "isn't|wasn't|aren't|not yet? done|finished|complete|completed",
            )
        })
        .or_else(|| {
            m.find(
                all.clone(),
                "didn't|haven't|hasn't|never actually? finish|finished|complete|completed|do|done",
            )
        })
        .or_else(|| {
            m.find(
                all.clone(),
                "did|have|has not actually? finish|finished|complete|completed|do|done",
            )
        })
    {
        m.take(found);
        return cue(Intent::Reopen, 0.8);
    }
    // "the gym happens every friday", "the gym is every thursday from now on", "put the gym on
    // repeat": a repetition said of a task.
    let said_of_it = m
        .find(all.clone(), "happens|happen|occurs|occur|is|are|falls")
        .or_else(|| m.find(all.clone(), "will|should be"))
        .or_else(|| m.find(all.clone(), "from now on"))
        .or_else(|| m.find(all.clone(), "on repeat"))
        .filter(|found| {
            // The repetition follows what is said of the task: "every monday is gym day" adds.
            let mut copy = m.clone();
            let len = copy.len();
            found.start > 0 && crate::recurrence::take(&mut copy, found.end..len, chrono::NaiveDate::MIN).is_some()
        });
    if let Some(found) = said_of_it {
        m.take(found);
        let len = m.len();
        m.take_first(0..len, "from now on");
        m.take_first(0..len, "should|will|must");
        return cue(Intent::SetRecurrence, 0.75);
    }
    if m.find(all.clone(), "repeat|repeats|recur|recurs|recurring|repeating")
        .is_some()
    {
        m.take_first(all, "should|must|will|to|needs|has|have to?");
        return cue(Intent::SetRecurrence, 0.8);
    }
    if let Some(found) = m.find(all.clone(), "is|are|was|'s|got|been done|finished|complete|completed") {
        m.take(found);
        return cue(Intent::Complete, 0.8);
    }
    // "the laundry is no longer pending".
    if let Some(found) = m.find(all.clone(), "is|are no longer pending|open|outstanding|due") {
        m.take(found);
        return cue(Intent::Complete, 0.7);
    }
    // "buy milk is no longer needed", "the party isn't happening", "the gym can go".
    let dropped = m
        .find(
            all.clone(),
            "is|are no longer needed|necessary|required|relevant|happening",
        )
        .or_else(|| m.find(all.clone(), "is|are not needed|necessary|required|happening"))
        .or_else(|| m.find(all.clone(), "isn't|aren't needed|necessary|required|happening"))
        .or_else(|| m.find(all.clone(), "is|are|'s cancelled|canceled|off"))
        .or_else(|| m.find(all.clone(), "can go"));
    if let Some(found) = dropped.filter(|found| found.start > 0) {
        m.take(found);
        let len = m.len();
        m.take_first(0..len, "anymore|now");
        m.take_first(0..len, "any more|longer");
        return cue(Intent::Delete, 0.75);
    }
    if let Some(cue) = state_reported(m) {
        return Some(cue);
    }
    if let Some(cue) = plan_changed(m) {
        return Some(cue);
    }
    // "this item should be removed from the list": a delete said as a wish.
    if let Some(found) = m.find(
        all.clone(),
        "should|must|needs|has|will|can|could to? be removed|deleted|erased|cancelled|canceled|dropped|scrapped",
    ) {
        m.take(found);
        return cue(Intent::Delete, 0.75);
    }
    // "the report should be called q4 report", "the dentist task should say call the orthodontist":
    // a new name after "called" or "say".
    if let Some(found) = m
        .find(all.clone(), "should|must|needs|has|will|can|could to? be")
        .filter(|found| m.at(found.end, "called|named|renamed|titled").is_some())
        .or_else(|| m.find(all.clone(), "should|must|needs|has|will|can|could to? say|read"))
    {
        let keep_pivot = found.end - usize::from(m.at(found.end - 1, "say|read").is_some());
        m.take(found.start..keep_pivot);
        let mut renamed = Cue::new(Intent::Update, 0.75);
        renamed.rename = true;
        return Some(renamed);
    }
    // "update the milk task so it says buy oat milk".
    if let Some(found) = m.find(all.clone(), "so|so that it|that says|reads") {
        m.take(found.start..found.end - 1);
        let mut renamed = Cue::new(Intent::Update, 0.75);
        renamed.rename = true;
        return Some(renamed);
    }
    // "the report can wait until monday": a later time.
    if let Some(found) = m.find(all.clone(), "can|could|will wait") {
        m.take(found);
        return cue(Intent::Update, 0.7);
    }
    // "the report is urgent", "the gym is not important": a priority said of the task.
    if let Some(found) = m.find(all.clone(), "is|are|'s now|actually|really?").filter(|found| {
        found.start > 0 && {
            let mut copy = m.clone();
            let len = copy.len();
            !priority::take(&mut copy, found.end..len, false).is_empty()
        }
    }) {
        m.take(found);
        return cue(Intent::Update, 0.7);
    }
    if let Some(found) = m.find(
        all.clone(),
        "should|must|needs|has|will|can|could to? be done|finished|completed",
    ) {
        // "the report needs to be done by tuesday": the time it is due.
        m.take(found);
        return cue(Intent::Update, 0.75);
    }
    if let Some(found) = m.find(all.clone(), "should|must|needs|has|will|can|could to? be") {
        m.take(found);
        return cue(Intent::Update, 0.75);
    }
    // "the report is now due friday", "i want the report to be due on monday instead".
    if let Some(found) = m
        .find(all.clone(), "is|are|'s now|actually|really|also? due")
        .or_else(|| m.find(all.clone(), "to be due"))
    {
        m.take(found.start..found.end - 1);
        let len = m.len();
        if let Some(head) = m.first_free_word() {
            let wish = ["i|we want|need", "i|we would like", "i'd|we'd like"];
            if let Some(end) = wish.iter().find_map(|p| m.at(head, p)) {
                m.take(head..end);
            }
        }
        m.take_first(0..len, "instead");
        return cue(Intent::Update, 0.75);
    }
    let last = (0..m.len()).rev().find(|&i| m.is_free_word(i))?;
    if m.at(last, "done|finished|complete|completed").is_some() && last > 0 {
        m.take(last..last + 1);
        return cue(Intent::Complete, 0.7);
    }
    // "bills paid", "car washed": a short note of a deed done; the participle stays to find it.
    let words: Vec<usize> = (0..m.len()).filter(|&i| m.is_free_word(i)).collect();
    let noted = words.len() <= 4
        && words.len() >= 2
        && crate::fuzzy::is_past_form(m.word(last))
        && !listed(TODO_VERBS, m.word(words[0]))
        && !crate::fuzzy::is_past_form(m.word(words[0]));
    noted.then(|| Cue::new(Intent::Complete, 0.65))
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

/// "can we do the car wash saturday instead", "the meeting has been moved to monday", "the
/// meeting with justin has been changed, put it on friday": a new time for a task that exists.
fn plan_changed(m: &mut Message<'_>) -> Option<Cue> {
    let all = 0..m.len();
    let mut copy = m.clone();
    let len = copy.len();
    dates::take(&mut copy, 0..len)?;
    if let Some(found) = m.find(all.clone(), "instead") {
        m.take(found);
        if let Some(head) = m.first_free_word()
            && let Some(end) = m.at(head, "can|could|shall we|i do|have|make|move|put|take")
        {
            m.take(head..end);
        }
        return cue(Intent::Update, 0.7);
    }
    let found = m
        .find(
            all.clone(),
            "has|have been|got changed|moved|rescheduled|postponed|pushed|delayed|shifted",
        )
        .or_else(|| {
            m.find(
                all,
                "was|is|got changed|moved|rescheduled|postponed|pushed|delayed|shifted",
            )
        })?;
    m.take(found.clone());
    // "…, put it on friday": the task was named before.
    let rest = found.end..m.len();
    if let Some(again) = m.find(rest, "put|move|make|set it|that") {
        m.take(again);
    }
    cue(Intent::Update, 0.75)
}

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

/// Words that say a task's state without a past form: "the bathroom is clean now".
const DONE_STATES: &str = "clean ready sorted over handled paid";
/// Past forms that report a change of plan, not a deed: "the meeting has been moved".
const PLAN_CHANGES: &str = "changed moved rescheduled postponed delayed updated renamed shifted pushed cancelled canceled \
    planned scheduled";

/// "the car's been washed", "the permission slips are signed", "the fence isn't fixed yet": the
/// state a deed left, said of the task. The participle stays in the reference, so "the car's been
/// washed" finds "wash the car".
fn state_reported(m: &mut Message<'_>) -> Option<Cue> {
    let all = 0..m.len();
    let done = |m: &Message<'_>, i: usize| {
        let word = m.word(i);
        m.is_free_word(i)
            && !listed(PLAN_CHANGES, word)
            && (crate::fuzzy::is_past_form(word) || listed(DONE_STATES, word))
    };
    let undone = m
        .find(all.clone(), "isn't|aren't|wasn't|weren't|hasn't|haven't been?")
        .or_else(|| m.find(all.clone(), "is|are|was|were|has|have not been?"))
        .filter(|found| found.start > 0 && done(m, found.end));
    if let Some(found) = undone {
        m.take(found);
        let len = m.len();
        m.take_first(0..len, "yet");
        return cue(Intent::Reopen, 0.75);
    }
    let finished = m
        .find(all.clone(), "has|have|'s been|got")
        .or_else(|| m.find(all.clone(), "is|are|was|were|'s|got all? now|already?"))
        .filter(|found| found.start > 0 && done(m, found.end));
    // "the car's been washed": the "'s" is inside the word.
    let contracted = || {
        (1..m.len())
            .find(|&i| m.word(i - 1).ends_with("'s") && m.word(i) == "been" && done(m, i + 1))
            .map(|i| i..i + 1)
    };
    let found = finished.or_else(contracted)?;
    m.take(found);
    let len = m.len();
    m.take_first(0..len, "now|already|finally");
    cue(Intent::Complete, 0.7)
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
    // "today's schedule", "tomorrow's agenda": a list of what is due then.
    let listing = (0..len)
        .filter(|&i| copy.is_free_word(i))
        .all(|i| listed(LIST_CUES, copy.word(i)) || filter::is_list_word(copy.word(i)));
    if has_slot && rest > 0 && listing {
        return Cue::new(Intent::List, 0.6);
    }
    let todo_verb = words.first().is_some_and(|&i| listed(TODO_VERBS, m.word(i))) && words.len() >= 2;
    if has_slot && rest > 0 {
        Cue::new(Intent::Add, 0.55)
    } else if todo_verb {
        Cue::new(Intent::Add, 0.5)
    } else {
        Cue::new(Intent::Unknown, 0.2)
    }
}
