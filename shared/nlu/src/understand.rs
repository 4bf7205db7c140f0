//! The NLU's entry point: small talk first, then the intent, then the slots and target the
//! intent needs, then a confidence that drops when something the intent needs is missing.

use crate::context::Context;
use crate::intent::Cue;
use crate::message::Message;
use crate::target::TaskRef;
use crate::types::{Intent, Slots, Understanding};
use crate::{add, edit, extras, filter, intent, notes, order, references, smalltalk};

/// Understands one chat message in its conversation context. Pure and deterministic: the same
/// message and context always give the same result, and nothing is read from the clock or the
/// network.
pub fn understand(message: &str, ctx: &Context) -> Understanding {
    let mut m = Message::new(message);
    if let Some((intent, confidence)) = smalltalk::classify(&m) {
        return Understanding {
            intent,
            confidence,
            slots: Slots::default(),
            target: None,
            guessed: false,
        };
    }
    if let Some((intent, slots, target)) = notes::understand(message, ctx) {
        let confidence = confidence(0.85, intent, &slots, target.as_ref());
        return Understanding {
            intent,
            confidence,
            slots,
            target,
            guessed: false,
        };
    }
    let cue = intent::classify(&mut m);
    let len = m.len();
    let (intent, slots, target) = match cue.intent {
        Intent::Add => {
            let slots = add::slots(&mut m, ctx);
            reminder_for_a_task(message, &slots, ctx).unwrap_or((Intent::Add, slots, None))
        }
        Intent::List | Intent::Search => listing(&mut m, ctx, &cue),
        Intent::Complete | Intent::Reopen | Intent::Delete => (
            cue.intent,
            Slots::default(),
            references::take(&mut m, 0..len, ctx, cue.intent),
        ),
        Intent::Update | Intent::SetRecurrence => edit::understand(&mut m, ctx, &cue),
        other => (other, Slots::default(), None),
    };
    let confidence = confidence(cue.confidence, intent, &slots, target.as_ref());
    Understanding {
        intent,
        confidence,
        slots,
        target,
        guessed: cue.guessed,
    }
}

/// A message that said no verb, read as a change of the task it names: "the plumber can only
/// come on saturday now", "pull the vet appointment forward to tomorrow". `understood` is what
/// [`understand`] made of the same message: it reads such a message as an add, since it cannot
/// know the tasks; the chat, which does, takes this reading when the words name a task that
/// exists and say more than its title. `None` when words said what to do (`understood` was not
/// guessed), or it names no change.
pub fn as_change(message: &str, ctx: &Context, understood: &Understanding) -> Option<Understanding> {
    if !understood.guessed {
        return None;
    }
    let mut m = Message::new(message);
    intent::strip_padding(&mut m);
    let cue = Cue::new(Intent::Update, 0.6);
    let (intent, slots, target) = edit::understand(&mut m, ctx, &cue);
    let target = target.filter(|target| matches!(target, TaskRef::Title { .. }))?;
    let changes = slots.due.is_some() || slots.priority.is_some() || !slots.clear.is_empty();
    (intent == Intent::Update && changes).then(|| Understanding {
        intent,
        confidence: confidence(cue.confidence, intent, &slots, Some(&target)),
        slots,
        target: Some(target),
        guessed: false,
    })
}

/// A change or repetition said with a verb that can also create ("set lunch every day at twelve
/// thirty", "schedule the pool party for saturday"), read as a new task: the chat takes this
/// reading when no task has the name. `None` for other verbs or without a title.
pub fn as_add(message: &str, ctx: &Context) -> Option<Understanding> {
    let mut m = Message::new(message);
    intent::strip_padding(&mut m);
    let head = m.first_free_word()?;
    let end = m.at(head, "set|schedule|put|book|plan|arrange|create up?")?;
    m.take(head..end);
    let slots = add::slots(&mut m, ctx);
    slots.title.is_some().then(|| Understanding {
        intent: Intent::Add,
        confidence: confidence(0.7, Intent::Add, &slots, None),
        slots,
        target: None,
        guessed: false,
    })
}

/// A whole message read as the answer to "which task?" for a command of `intent`: "the second
/// one", "2nd", "the milk one", "it", "buy milk". `None` when it names no task.
pub fn reference(message: &str, ctx: &Context, intent: Intent) -> Option<TaskRef> {
    let mut m = Message::new(message);
    intent::strip_padding(&mut m);
    let len = m.len();
    references::take(&mut m, 0..len, ctx, intent)
}

/// "remind me 30 minutes before the dentist", "notify me an hour before my 2 pm appointment": a
/// reminder said without a due time of its own, or before a task named after "before", is for a
/// task that exists: a change of its reminder, not a new task.
fn reminder_for_a_task(message: &str, slots: &Slots, ctx: &Context) -> Option<(Intent, Slots, Option<TaskRef>)> {
    let minutes = slots.reminder_minutes?;
    let own_time = slots.due.is_some() || slots.recurrence.is_some();
    if own_time && !extras::reminder_before_a_task(message) {
        return None;
    }
    let target = references::named_by(slots.title.as_deref()?, ctx, Intent::Update)?;
    let change = Slots {
        reminder_minutes: Some(minutes),
        ..Slots::default()
    };
    Some((Intent::Update, change, Some(target)))
}

/// A list request's filter, or a search's words; a search for nothing but filters is a list.
fn listing(m: &mut Message<'_>, ctx: &Context, cue: &Cue) -> (Intent, Slots, Option<TaskRef>) {
    let len = m.len();
    let mut order = order::take(m, 0..len);
    let mut found = filter::take(m, 0..len, ctx);
    // "when is my next meeting": the soonest still to come.
    let limit = cue.soonest.then(|| {
        order = Some(crate::types::Sort {
            field: crate::types::SortField::DueAt,
            descending: false,
        });
        if found.due.is_none() {
            found.due = Some(crate::types::DueRange {
                from: Some(ctx.now),
                to: None,
            });
        }
        1
    });
    if cue.dated && found.has_due.is_none() {
        found.has_due = Some(true);
    }
    if cue.pending && found.status.is_none() {
        found.status = Some(crate::types::Status::Pending);
    }
    if let Some(when) = cue.outlook.filter(|_| found.due.is_none()) {
        found.due = filter::due_range(when, ctx);
    }
    // "what meetings do i have today": the kind of entry, when the rest is a list request.
    // ("appointments" and "events" are what people call any entry; a question whether there is
    // one is a search.)
    if cue.intent == Intent::List
        && !cue.existence
        && let Some(kind_at) = m.find(0..len, "meeting|meetings|call|calls|birthday|birthdays")
    {
        found.kind = Some(crate::fuzzy::stem(m.word(kind_at.start)));
        m.take(kind_at);
    }
    let searching = cue.intent == Intent::Search || cue.existence;
    if searching && let Some(search) = filter::take_search_text(m, 0..len) {
        let filter = (!found.is_empty()).then_some(found);
        return (
            Intent::Search,
            Slots {
                search: Some(search),
                filter,
                order,
                limit,
                ..Slots::default()
            },
            None,
        );
    }
    found.text = filter::take_list_text(m, 0..len);
    (
        Intent::List,
        Slots {
            filter: Some(found),
            order,
            limit,
            ..Slots::default()
        },
        None,
    )
}

/// The cue's confidence, halved when the intent lacks what it needs, rounded to 2 decimals.
fn confidence(base: f32, intent: Intent, slots: &Slots, target: Option<&TaskRef>) -> f32 {
    let acts_on_tasks = matches!(
        intent,
        Intent::Complete | Intent::Reopen | Intent::Delete | Intent::Update | Intent::SetRecurrence
    );
    let changes = slots.changes();
    let mut confidence = base;
    if intent == Intent::Add && slots.title.is_none()
        || acts_on_tasks && target.is_none()
        || matches!(intent, Intent::Update | Intent::SetRecurrence) && !changes
    {
        confidence *= 0.5;
    }
    if matches!(target, Some(TaskRef::Title { .. })) {
        confidence *= 0.95;
    }
    (confidence.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
