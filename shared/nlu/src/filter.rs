//! List requests: which tasks to show ("what's pending?", "overdue #work", "high priority tasks
//! due this week") and what a search looks for ("find anything mentioning john"). The same
//! filter narrows several-task targets ("delete all completed tasks").

use std::ops::Range;

use crate::context::Context;
use crate::message::{Message, listed};
use crate::normalise::Kind;
use crate::types::{DueRange, ListFilter, Status};
use crate::{dates, priority, tags, when};

/// Words of a list request that only frame it; anything else left over is text to match.
const LIST_FRAME: &str = "show me my all the a an tasks task todos todo to-do list lists items item stuff things thing \
    everything anything what what's which is are do does did i have has got get give on in for of plate going due to \
    need needs still how many much any there please display view see let can you could would that with be am it \
    agenda schedule up now at so far yet currently right just tell this these those there's i've ones one and or \
    doing lined else ahead that's thats which who whats calendar calender planner reminders reminder planned \
    scheduled booked happening coming day rest plan plans hear know look like looks appointments appointment \
    events event meetings my our ask asked remind told whether if read out loud consist content contents dictated \
    accomplish per to-do's points waiting next upcoming out sorted ordered sort order by date they them supposed \
    jobs job busy off i'm im including include includes lists priority priorities later put too already current \
    currently each set were made showing back included remember wanted before rundown sure we over running through \
    state added made again calander looking books overview according like will where when having free full \
    available dates important let's lets inside marked flagged pull";

/// Words of a search request that only frame it.
const SEARCH_FRAME: &str = "for tasks task todos todo containing contain contains mentioning mention mentions about \
    related regarding concerning to with the word words anything something everything my a an is there any where's \
    where called named titled one have i do did add added on in of find search look up that me please got which what \
    are was anywhere it stuff things thing there's whether if does when already reminder reminders list lists \
    day busy i'm im item items entry entries set booked planned going program programme need anything events \
    plans scheduled see check put create created request requested jot down aside time currently right i've \
    include included remember remembered be will look calendar calender calendars schedule schedules agenda diary \
    planner event events titled exists true noted marked added adding yet happening upcoming free full busy \
    available note";

/// "from monday through wednesday", "between the 3rd and the 5th": the end of a span whose start
/// was read already, when a second date follows "through", "to", "and"… right after it.
fn span_end(m: &mut Message<'_>, range: Range<usize>, ctx: &Context) -> Option<chrono::DateTime<chrono::Utc>> {
    let end = range.end.min(m.len());
    let joint = (range.start..end).find(|&i| {
        m.is_free(i) && m.at(i, "through|thru|till|until|to|and|-").is_some() && i > 0 && !m.is_free(i - 1)
    })?;
    let mut copy = m.clone();
    let second = dates::take(&mut copy, joint + 1..end).filter(|_| !copy.is_free(joint + 1))?;
    let to = when::to_list_range(&second, ctx.now, ctx.tz)?.to?;
    *m = copy;
    m.take(joint..joint + 1);
    Some(to)
}

/// Words that say a task has no due date.
const UNDATED: &str = "without no undated unscheduled not don't doesn't";

/// Finds and claims the filter words of `range`: status, overdue, priorities, tags and due range.
pub(crate) fn take(m: &mut Message<'_>, range: Range<usize>, ctx: &Context) -> ListFilter {
    let mut filter = ListFilter::default();
    if m.take_first(range.clone(), "overdue|late|missed|behind").is_some()
        || m.take_first(range.clone(), "past due").is_some()
    {
        filter.overdue = true;
        filter.status = Some(Status::Pending);
    }
    // "including the checked-off items", "the done ones too": done ones as well as the rest.
    let everything = m
        .find_any(
            range.clone(),
            &[
                "including|include|includes|plus the? completed|complete|done|finished|checked-off|ticked-off|crossed-off|checked|ticked|crossed off? ones|items|tasks|todos?",
                "the? completed|complete|done|finished ones|items|tasks|todos? too|also",
                "the? completed|complete|done|finished ones|items|tasks|todos? as well",
            ],
        )
        .is_some_and(|found| {
            m.take(found);
            true
        });
    let pending = [
        "not|n't|isn't|aren't yet? done|finished|completed|complete",
        "to be|get done|finished|completed|complete",
        "pending|open|outstanding|remaining|unfinished|incomplete|undone|active|left|still",
    ];
    while pending
        .iter()
        .any(|pattern| m.take_first(range.clone(), pattern).is_some())
    {
        filter.status = Some(Status::Pending);
    }
    if filter.status.is_none() && !everything {
        let done = [
            "completed|complete|done|finished|finish|closed|ticked|checked|crossed|checked-off|ticked-off|crossed-off off?",
            "tick|check|cross off",
        ];
        while let Some(found) = m.find_any(range.clone(), &done) {
            m.take(found);
            filter.status = Some(Status::Completed);
        }
    }
    // "tasks with no due date", "undated tasks", "the ones that have a deadline".
    let dated = m.find_any(
        range.clone(),
        &[
            "don't|doesn't have a|any? due? date|dates|deadline|deadlines",
            "do|does not have a|any? due? date|dates|deadline|deadlines",
            "with|without|has|have|having no|a|any? due? date|dates|deadline|deadlines",
            "no|without due? date|dates|deadline|deadlines",
            "undated|unscheduled",
            "not scheduled|dated",
        ],
    );
    if let Some(found) = dated {
        let without = found.clone().any(|i| listed(UNDATED, m.word(i)));
        filter.has_due = Some(!without);
        m.take(found);
    }
    filter.priorities = priority::take(m, range.clone(), true);
    filter.tags = tags::take_for_filter(m, range.clone(), &ctx.known_tags);
    let hours = take_hours(m, range.clone());
    if let Some(parsed) = dates::take(m, range.clone()) {
        filter.due = when::to_list_range(&parsed, ctx.now, ctx.tz);
        if let Some(to) = span_end(m, range.clone(), ctx) {
            filter.due = filter.due.map(|due| DueRange { to: Some(to), ..due });
        }
    }
    // "between 10 and 3", "between two and four pm today": those hours of the day said, or today.
    if let Some((from, to)) = hours {
        let day = filter.due.and_then(|due| due.from).map_or_else(
            || when::local_parts(ctx.tz, ctx.now).0,
            |from| when::local_parts(ctx.tz, from).0,
        );
        let at =
            |hour: u32| chrono::NaiveTime::from_hms_opt(hour.min(23), 0, 0).map(|time| when::local(ctx.tz, day, time));
        filter.due = Some(DueRange {
            from: at(from),
            to: at(to),
        });
    }
    // "what does my morning look like tomorrow": a part of the day said apart from its day.
    if let Some(due) = filter.due.as_mut()
        && let (Some(from), Some(to)) = (due.from, due.to)
        && to - from <= chrono::Duration::hours(25)
        && let Some(found) = m.find(range.clone(), "morning|afternoon|evening")
    {
        let part = crate::words::part_of_day(m.word(found.start)).unwrap_or(crate::types::PartOfDay::Morning);
        m.take(found);
        let (start, hours) = when::part_span(part);
        let start = when::local(ctx.tz, when::local_parts(ctx.tz, from).0, start);
        (due.from, due.to) = (Some(start), Some(start + chrono::Duration::hours(hours)));
    }
    // "due today or overdue": either, so everything due before the day ends.
    if filter.overdue
        && let Some(due) = filter.due.as_mut()
        && m.take_first(range, "or").is_some()
    {
        due.from = None;
    }
    filter
}

/// Claims "between 10 and 3", "from two to four pm", "between noon and one": the hours, 24-hour,
/// end after start. Without am or pm an hour up to 6 is in the afternoon, as for a due time.
fn take_hours(m: &mut Message<'_>, range: Range<usize>) -> Option<(u32, u32)> {
    let end = range.end.min(m.len());
    for start in range.start..end {
        if m.at(start, "between|from").is_none() {
            continue;
        }
        let Some((first, pm_first, after_first)) = hour_at(m, start + 1) else {
            continue;
        };
        let Some(and) = m.at(after_first, "and|to|until|till|-") else {
            continue;
        };
        let Some((second, pm_second, stop)) = hour_at(m, and) else {
            continue;
        };
        let meridiem = |hour: u32, pm: Option<bool>| match pm {
            Some(true) if hour < 12 => hour + 12,
            Some(false) if hour == 12 => 0,
            Some(_) => hour,
            None if hour <= 6 => hour + 12,
            None => hour,
        };
        // "two and four pm": the pm said last is for both.
        let from = meridiem(first, pm_first.or(pm_second.filter(|_| first <= second)));
        let mut to = meridiem(second, pm_second);
        if to <= from {
            to += 12;
        }
        m.take(start..stop);
        return Some((from, to.min(24)));
    }
    None
}

/// An hour said at `i` ("10", "four", "noon", "3pm"), whether am or pm was said, and where it ends.
fn hour_at(m: &Message<'_>, i: usize) -> Option<(u32, Option<bool>, usize)> {
    if !m.is_free(i) {
        return None;
    }
    let hour = match m.word(i) {
        "noon" | "midday" => return Some((12, Some(true), i + 1)),
        word => crate::words::number(word).filter(|hour| (1..=12).contains(hour))?,
    };
    let pm = match m.word(i + 1) {
        "pm" | "p.m" => Some(true),
        "am" | "a.m" => Some(false),
        _ => None,
    };
    Some((hour, pm, i + 1 + usize::from(pm.is_some())))
}

/// The due range a date phrase ("today", "this week") means in the context.
pub(crate) fn due_range(phrase: &str, ctx: &Context) -> Option<crate::types::DueRange> {
    let mut said = Message::new(phrase);
    let len = said.len();
    let parsed = dates::take(&mut said, 0..len)?;
    when::to_range(&parsed, ctx.now, ctx.tz)
}

/// The free words of `range` that are not `frame` words, lower case; claims them all.
pub(crate) fn take_text(m: &mut Message<'_>, range: Range<usize>, frame: &str) -> Option<String> {
    let free = m.free_in(range);
    m.take_list(&free);
    let words: Vec<String> = free
        .into_iter()
        .filter(|&i| m.is_word_like(i) && !listed(frame, m.word(i)))
        .map(|i| m.raw(i).to_lowercase())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Text left in a list request.
pub(crate) fn take_list_text(m: &mut Message<'_>, range: Range<usize>) -> Option<String> {
    take_text(m, range, LIST_FRAME)
}

/// What a search looks for.
pub(crate) fn take_search_text(m: &mut Message<'_>, range: Range<usize>) -> Option<String> {
    let quoted = m
        .free_in(range.clone())
        .into_iter()
        .find(|&i| m.kind(i) == Some(Kind::Quoted));
    if let Some(quoted) = quoted {
        let text = m.raw(quoted).to_lowercase();
        m.take_list(&m.free_in(range));
        return Some(text);
    }
    take_text(m, range, SEARCH_FRAME)
}

/// True when `word` is one of the words that frame a list request.
pub(crate) fn is_list_word(word: &str) -> bool {
    listed(LIST_FRAME, word)
}

#[cfg(test)]
mod tests;
