//! A due date or a repetition typed on its own, as the CLI's `--due` and `--every` take them:
//! the whole text must be one date (or one repetition), read by the same rules as a chat message,
//! so "in 3 days", "end of the week" or "every other friday" mean the same thing wherever a person
//! types them. A word the rules do not use is an error that names it, never silently dropped.
//!
//! Scripts may pass exact values straight through: an RFC 3339 timestamp to [`parse_due`], a raw
//! `FREQ=…` rule to [`parse_repeat`].

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use todo_domain::recurrence::{Recurrence, RecurrenceError};

use crate::add::first_due;
use crate::context::Context;
use crate::dates;
use crate::message::Message;
use crate::recurrence;
use crate::types::Due;
use crate::when;

mod diagnose;

/// Shown when a due date is not understood, so the user sees what does work.
const DUE_EXAMPLES: &str = "2026-12-01, 2026-12-01 17:00, today, tonight, tomorrow 5pm, friday, \
next monday 10:00, 17:00, 5:30pm, in 3 days, in 2 hours, in 30 min, end of the week, next week, \
dec 24, the 15th, or an RFC 3339 timestamp such as 2026-12-01T17:00:00+01:00";

/// Shown when a repetition is not understood.
const REPEAT_EXAMPLES: &str = "day, 3 days, week, 2 weeks, other week, weekdays, weekend, mon,wed,fri, \
monday and thursday, 2 weeks on fri, month, 6 months, year, every evening, monthly until dec 31, \
daily for 10 times, or a raw rule such as FREQ=WEEKLY;BYDAY=MO";

/// Why a typed due date or repetition was refused; each message quotes the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhraseError {
    #[error("no due date given; try {DUE_EXAMPLES}")]
    EmptyDue,
    #[error("no repetition given; try {REPEAT_EXAMPLES}")]
    EmptyRepeat,
    #[error("could not understand '{input}' as a due date; try {DUE_EXAMPLES}")]
    DueNotUnderstood { input: String },
    #[error("could not understand '{input}' as a repetition; try {REPEAT_EXAMPLES}")]
    RepeatNotUnderstood { input: String },
    #[error("'{input}' is not a valid due date: {reason}")]
    InvalidDue { input: String, reason: String },
    #[error("'{number}' in '{input}' must be a whole number from 1 to 999")]
    InvalidInterval { input: String, number: String },
    /// A raw `FREQ=`/`RRULE:` rule the task model refused.
    #[error("invalid recurrence rule: {0}")]
    Rule(#[from] RecurrenceError),
}

/// A repetition typed on its own: the rule, and the first occurrence's due time as the phrase
/// places it ("every tuesday" typed on a Thursday is due next Tuesday, "every evening" at 19:00),
/// for a task given no due time of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatPhrase {
    pub recurrence: Recurrence,
    pub first_due: DateTime<Utc>,
}

/// The instant a typed due date means at `now` in the user's zone `tz`.
///
/// A day without a time is due at 23:59 that day; a time without a day at its next occurrence;
/// "in 2 hours" counts from now, "in 3 days" is that day. RFC 3339 timestamps keep their own
/// offset; `2026-12-01T17:00:30` without one is local.
///
/// # Errors
/// [`PhraseError`] when the text is empty, holds words that are not a date, or names an
/// impossible date or time (`31:00`, `2026-02-30`, `in 0 days`).
pub fn parse_due(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, PhraseError> {
    let input = text.trim();
    if input.is_empty() {
        return Err(PhraseError::EmptyDue);
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(&input.to_ascii_uppercase()) {
        return Ok(instant.with_timezone(&Utc));
    }
    if let Ok(local) = NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M:%S") {
        return Ok(when::local(tz, local.date(), local.time()));
    }
    // Alone, "mon" can only be a day; in a sentence it needs its "on".
    let due = whole_date(input, now, tz).or_else(|| whole_date(&format!("on {input}"), now, tz));
    match due {
        Some(Due::At { at } | Due::Day { at, .. }) => Ok(at),
        _ => Err(diagnose::due(input).map_or_else(
            || PhraseError::DueNotUnderstood {
                input: input.to_owned(),
            },
            |reason| PhraseError::InvalidDue {
                input: input.to_owned(),
                reason,
            },
        )),
    }
}

/// The repetition a typed phrase means at `now` in `tz`. A leading "every" may be left out
/// ("2 weeks", "mon,wed,fri"); an end may follow ("until dec 31", "for 10 times").
///
/// # Errors
/// [`PhraseError`] when the text is empty, not a repetition, has an interval outside 1..=999,
/// or is a raw rule the task model refuses.
pub fn parse_repeat(text: &str, now: DateTime<Utc>, tz: Tz) -> Result<RepeatPhrase, PhraseError> {
    let input = text.trim();
    if input.is_empty() {
        return Err(PhraseError::EmptyRepeat);
    }
    let ctx = Context::new(now, tz);
    let upper = input.to_ascii_uppercase();
    if upper.starts_with("FREQ=") || upper.starts_with("RRULE:") {
        let recurrence: Recurrence = input.parse()?;
        let repeat = recurrence::Repeat::of(&recurrence);
        let first_due = due_instant(first_due(None, Some(&repeat), &ctx), input)?;
        return Ok(RepeatPhrase { recurrence, first_due });
    }
    if let Some(reason) = diagnose::interval(input) {
        return Err(reason);
    }
    let phrase = |text: &str| {
        let mut message = Message::new(text);
        let all = 0..message.len();
        let (today, _) = when::local_parts(tz, now);
        let repeat = recurrence::take(&mut message, all.clone(), today)?;
        let time = dates::take(&mut message, all);
        all_used(&message).then_some((repeat, time))
    };
    let (repeat, time) = phrase(input)
        .or_else(|| phrase(&format!("every {input}")))
        .ok_or_else(|| PhraseError::RepeatNotUnderstood {
            input: input.to_owned(),
        })?;
    let first_due = due_instant(first_due(time, Some(&repeat), &ctx), input)?;
    Ok(RepeatPhrase {
        recurrence: repeat.recurrence(tz),
        first_due,
    })
}

/// The instant of a series' first due time (always a day or a moment).
fn due_instant(due: Option<Due>, input: &str) -> Result<DateTime<Utc>, PhraseError> {
    match due {
        Some(Due::At { at } | Due::Day { at, .. }) => Ok(at),
        _ => Err(PhraseError::RepeatNotUnderstood {
            input: input.to_owned(),
        }),
    }
}

/// The due time `text` names when all of it is one date expression.
fn whole_date(text: &str, now: DateTime<Utc>, tz: Tz) -> Option<Due> {
    let mut message = Message::new(text);
    let all = 0..message.len();
    let parsed = dates::take(&mut message, all)?;
    all_used(&message)
        .then(|| when::to_due(&parsed, now, tz, false))
        .flatten()
}

/// True when every token but punctuation was claimed.
fn all_used(message: &Message<'_>) -> bool {
    (0..message.len()).all(|i| !message.is_free_word(i))
}

#[cfg(test)]
mod tests;
