//! Commands said as statements about a task, without a leading verb: "task 4 is done", "that one
//! isn't done yet", "the report can wait until monday", "the gym happens every friday", "buy
//! milk is no longer needed", "the car's been washed", "the meeting has been moved to monday".

use crate::cues::{TODO_VERBS, cue};
use crate::intent::Cue;
use crate::message::{Message, listed};
use crate::types::Intent;
use crate::{dates, priority};

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
        // "i haven't actually posted the letter yet": any deed taken back; the verb stays to
        // find the task.
        .or_else(|| {
            m.find(all.clone(), "didn't|haven't|hasn't actually|really")
                .or_else(|| m.find(all.clone(), "did|have|has not actually|really"))
                .filter(|found| m.is_free_word(found.end))
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
    // "call grandma every sunday from now on", "water the orchid every 3 days instead of every
    // day", "the plants need watering every third day": said of a task that exists.
    let of_a_task = m
        .find(all.clone(), "from now on")
        .or_else(|| {
            m.find(all.clone(), "instead of")
                .or_else(|| m.find(all.clone(), "rather than"))
        })
        .or_else(|| {
            m.find(all.clone(), "need|needs")
                .filter(|found| m.word(found.end).ends_with("ing"))
                .map(|found| found.start..found.start + 1)
        })
        .filter(|found| {
            let mut copy = m.clone();
            let len = copy.len();
            found.start > 0 && crate::recurrence::take(&mut copy, 0..len, chrono::NaiveDate::MIN).is_some()
        });
    if let Some(found) = of_a_task {
        if !listed("instead rather", m.word(found.start)) {
            m.take(found);
        }
        return cue(Intent::SetRecurrence, 0.75);
    }
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
    // "the middle one is sorted", "task 3 can be ticked off", "that's the dentist sorted".
    let done = m
        .find(
            all.clone(),
            "is|are|was|'s|got|been done|finished|complete|completed|sorted|handled",
        )
        .or_else(|| {
            m.find(
                all.clone(),
                "can|may|could be ticked|checked|crossed|struck|marked off|done|complete|completed",
            )
        })
        .or_else(|| m.find(all.clone(), "can|may|could be marked as done|complete|completed"));
    if let Some(found) = done {
        m.take(found);
        return cue(Intent::Complete, 0.8);
    }
    let len = m.len();
    let last = (0..len).rev().find(|&i| m.is_free_word(i));
    let first = m.first_free_word().unwrap_or(0);
    let that_is = m.at(first, "that's|thats").or_else(|| m.at(first, "that 's|is"));
    if let (Some(start), Some(last)) = (that_is, last)
        && last > start
        && m.at(last, "sorted|done|finished|handled").is_some()
    {
        m.take(first..start);
        m.take(last..last + 1);
        return cue(Intent::Complete, 0.75);
    }
    // "the laundry is no longer pending".
    if let Some(found) = m.find(all.clone(), "is|are no longer pending|open|outstanding|due") {
        m.take(found);
        return cue(Intent::Complete, 0.7);
    }
    // "fixing the shower rail needs doing": a new task; "still needs doing" is one done too soon.
    if let Some(found) = m.find_any(
        all.clone(),
        &["still needs|need doing|done|finishing", "needs|need doing|finishing"],
    ) {
        let still = m.word(found.start) == "still";
        if found.start > 0 {
            m.take(found);
            return cue(if still { Intent::Reopen } else { Intent::Add }, 0.7);
        }
    }
    // "return the drill has no deadline anymore": the due date goes.
    let undated = m.find_any(
        all.clone(),
        &[
            "has|have no due? date|deadline|deadlines anymore|now?",
            "doesn't|don't|does|do not? have|need a|any due? date|deadline anymore|now?",
            "no longer has|have|needs|need a due? date|deadline",
        ],
    );
    if let Some(found) = undated.filter(|found| found.start > 0) {
        m.take(found);
        return Some(Cue {
            clear: Some(crate::types::Field::Due),
            ..Cue::new(Intent::Update, 0.75)
        });
    }
    // "buy milk is no longer needed", "the party isn't happening", "the gym can go".
    let dropped = m.find_any(
        all.clone(),
        &[
            "is|are no longer needed|necessary|required|relevant|happening",
            "is|are not needed|necessary|required|happening",
            "isn't|aren't needed|necessary|required|happening",
            "is|are|'s cancelled|canceled|off",
            "can go",
        ],
    );
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
    if let Some(cue) = corrected_name(m) {
        return Some(cue);
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
    if let Some(found) = m.find(
        all.clone(),
        "should|must|needs|has|will|can|could to? actually|really? be",
    ) {
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
        // "i'm bored", "we're tired": how a person is, not a deed.
        && !listed("i'm i we're we you're you he's she's they're am", m.word(words[0]))
        && !crate::fuzzy::is_past_form(m.word(words[0]));
    noted.then(|| Cue::new(Intent::Complete, 0.65))
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

/// "buy paint should actually be buy primer", "that's not 'email sarah', it's 'email sara'": a
/// name corrected. "should actually be" followed by a date or a level is a change of those
/// instead ("the meeting should actually be on friday").
fn corrected_name(m: &mut Message<'_>) -> Option<Cue> {
    let all = 0..m.len();
    let quoted: Vec<usize> = m
        .free_in(all.clone())
        .into_iter()
        .filter(|&i| m.kind(i) == Some(crate::normalise::Kind::Quoted))
        .collect();
    // The comma between the two stays, to split the name from the new one.
    if let [old, new] = quoted[..]
        && m.find(0..old, "not").is_some()
        && m.word(old + 1) == ","
        && (old + 2..new).all(|i| listed("it's it is but should be 's", m.word(i)))
    {
        m.take(0..old);
        m.take(old + 2..new);
        let mut renamed = Cue::new(Intent::Update, 0.75);
        renamed.rename = true;
        return Some(renamed);
    }
    let found = m.find(all, "should|must actually|really|instead be")?;
    let rest = found.end..m.len();
    let mut copy = m.clone();
    let valued = dates::take(&mut copy, rest.clone()).is_some()
        || !priority::take(&mut copy, rest.clone(), false).is_empty()
        || crate::recurrence::take(&mut copy, rest.clone(), chrono::NaiveDate::MIN).is_some();
    if valued || found.start == 0 || !rest.clone().any(|i| m.is_free_word(i)) {
        return None;
    }
    m.take(found.start..found.end - 1);
    let mut renamed = Cue::new(Intent::Update, 0.75);
    renamed.rename = true;
    Some(renamed)
}
