//! Resolves a [`TaskRef`] against the user's tasks and the conversation. It never guesses: when
//! two tasks fit a title equally well it returns [`Resolution::Ambiguous`] with a question
//! listing them, so no action changes the wrong task.
//!
//! Numbers: "task 3" is the task whose id is 3 (the id `todo list` prints) when no list was shown
//! or the last list has fewer than 3 rows, and the 3rd task of the last list otherwise; when both
//! readings exist and differ, the user is asked which. Without a list or a task with that id, it is
//! the 3rd of the candidates ordered by creation time (oldest first). Positions ("the second one") only
//! exist in a list shown, so without one the user is asked to list first. Pass the candidates the
//! action applies to (for example only pending tasks when completing): they are what titles and
//! selections match.

use std::fmt::Write as _;

use crate::context::Context;
use crate::fuzzy;
use crate::target::{Candidate, Resolution, TaskRef};
use crate::types::{ListFilter, Status};
use crate::when;

/// Below this, a title match is not a match.
const MIN_SCORE: f32 = 0.6;
/// Candidates this close to the best score tie with it.
const TIE: f32 = 0.05;
/// Of a title's telling words, the share a longer reference must hold: more than half, so
/// "called the bank" does not pick "call mom".
const MIN_COVERAGE: f32 = 0.55;

/// Which task (or tasks) `reference` means, given the conversation and the user's tasks.
pub fn resolve(reference: &TaskRef, ctx: &Context, candidates: &[Candidate]) -> Resolution {
    let by_id = |id: &str| candidates.iter().find(|c| c.id == id);
    let unique = |candidate: Option<&Candidate>, missing: &str| match candidate {
        Some(candidate) => Resolution::Unique {
            id: candidate.id.clone(),
        },
        None => not_found(missing),
    };
    match reference {
        TaskRef::Id { id } => {
            let id = id.to_lowercase();
            let matching: Vec<&Candidate> = candidates
                .iter()
                .filter(|c| c.id.to_lowercase() == id || c.id.to_lowercase().starts_with(&id))
                .collect();
            pick(matching, ctx, &format!("I can't find a task with id {id}."))
        }
        TaskRef::Number { number } if !ctx.last_listed.is_empty() => {
            let listed = listed_at(ctx, i64::from(*number)).and_then(|id| by_id(id));
            match (listed, by_id(&number.to_string())) {
                (Some(listed), Some(with_id)) if listed.id != with_id.id => {
                    both_readings(*number, with_id, listed, ctx)
                }
                (Some(listed), _) => unique(Some(listed), ""),
                (None, Some(with_id)) => unique(Some(with_id), ""),
                (None, None) => not_found(&format!(
                    "The last list had {} tasks, and no task has the id {number}.",
                    ctx.last_listed.len()
                )),
            }
        }
        TaskRef::Number { number } if by_id(&number.to_string()).is_some() => unique(by_id(&number.to_string()), ""),
        TaskRef::Number { number } => {
            let mut ordered: Vec<&Candidate> = candidates.iter().collect();
            ordered.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
            let index = usize::try_from(*number).ok().and_then(|n| n.checked_sub(1));
            unique(
                index.and_then(|i| ordered.get(i).copied()),
                &format!("You have no task {number}."),
            )
        }
        TaskRef::Position { .. } if ctx.last_listed.is_empty() => {
            not_found("Which list do you mean? Ask me to show your tasks first.")
        }
        TaskRef::Position { position } => match listed_at(ctx, i64::from(*position)) {
            Some(id) => unique(by_id(id), "That task no longer exists."),
            None => not_found(&format!("The last list had only {} tasks.", ctx.last_listed.len())),
        },
        TaskRef::Pronoun => {
            let only_listed = (ctx.last_listed.len() == 1).then(|| ctx.last_listed[0].as_str());
            match ctx.last_mentioned.as_deref().or(only_listed) {
                Some(id) => unique(by_id(id), "That task no longer exists."),
                None => not_found("Which task do you mean? Say its name or number."),
            }
        }
        TaskRef::LastList => {
            let ids: Vec<String> = ctx
                .last_listed
                .iter()
                .filter(|id| by_id(id).is_some())
                .cloned()
                .collect();
            if ids.is_empty() {
                not_found("Which tasks do you mean? Ask me to show them first.")
            } else {
                Resolution::Many { ids }
            }
        }
        TaskRef::Title { text, when, at, next } => {
            let in_range = |c: &&Candidate| {
                when.is_none_or(|range| c.due_at.is_some_and(|due| range.contains(due)))
                    && at.is_none_or(|at| c.due_at.is_some_and(|due| when::local_parts(ctx.tz, due).1 == at))
                    && (!next || c.status == Status::Pending && c.due_at.is_some_and(|due| due >= ctx.now))
            };
            let by_words = |pool: &dyn Fn(&&Candidate) -> bool| {
                let scored: Vec<(&Candidate, f32)> = candidates
                    .iter()
                    .filter(pool)
                    .map(|c| (c, fuzzy::title_score(text, &c.title)))
                    .filter(|(_, score)| *score >= MIN_SCORE)
                    .collect();
                if !scored.is_empty() {
                    return scored;
                }
                // The words say more than a title: the task most of whose words they hold.
                candidates
                    .iter()
                    .filter(pool)
                    .map(|c| (c, fuzzy::coverage(text, &c.title)))
                    .filter(|(_, score)| *score > MIN_COVERAGE)
                    .collect()
            };
            let mut scored = by_words(&in_range);
            // "booked the restaurant for friday", "went to the gym this morning": a time said of
            // a task without a due time cannot contradict it, and may be when it was done.
            if scored.is_empty() && (when.is_some() || at.is_some()) && !*next {
                scored = by_words(&|c: &&Candidate| c.due_at.is_none());
            }
            // "the event this afternoon", "the next thing on my calendar": the time chooses.
            let timed = when.is_some() || at.is_some() || *next;
            if scored.is_empty() && timed && fuzzy::only_kind_words(text) {
                scored = candidates.iter().filter(in_range).map(|c| (c, 1.0)).collect();
            }
            if *next && let Some(soonest) = scored.iter().filter_map(|(c, _)| c.due_at).min() {
                scored.retain(|(c, _)| c.due_at == Some(soonest));
            }
            let best = scored.iter().map(|(_, score)| *score).fold(0.0, f32::max);
            let exact: Vec<&Candidate> = scored
                .iter()
                .filter(|(c, _)| same_words(&c.title, text))
                .map(|(c, _)| *c)
                .collect();
            let top = if exact.is_empty() {
                scored
                    .iter()
                    .filter(|(_, score)| best - score <= TIE)
                    .map(|(c, _)| *c)
                    .collect()
            } else {
                exact
            };
            pick(top, ctx, &format!("I can't find a task called \"{text}\"."))
        }
        TaskRef::Selection { filter, part_of_day } => {
            let mut selected: Vec<&Candidate> = candidates
                .iter()
                .filter(|c| selects(filter, c, ctx))
                .filter(|c| {
                    part_of_day.is_none_or(|part| {
                        c.due_at
                            .is_some_and(|due| when::in_part(part, when::local_parts(ctx.tz, due).1))
                    })
                })
                .collect();
            selected.sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.created_at.cmp(&b.created_at)));
            if selected.is_empty() {
                not_found("No task matches that.")
            } else {
                Resolution::Many {
                    ids: selected.into_iter().map(|c| c.id.clone()).collect(),
                }
            }
        }
    }
}

/// True when `text` names `title` by its own words, not only by saying more around them.
pub fn names_title(text: &str, title: &str) -> bool {
    fuzzy::title_score(text, title) >= MIN_SCORE
}

/// True when `text` holds every word of `title` that tells it apart, in some form: "pull the vet
/// appointment forward" holds "vet appointment"; "call barney stinson" does not hold "call
/// barney's office".
pub fn covers(text: &str, title: &str) -> bool {
    fuzzy::coverage(text, title) >= 0.9
}

/// A title said as written, but for case and apostrophes ("moms birthday" is "mom's birthday").
fn same_words(title: &str, said: &str) -> bool {
    let plain = |text: &str| -> String { text.trim().chars().filter(|&c| c != '\'' && c != '’').collect() };
    plain(title).eq_ignore_ascii_case(&plain(said))
}

/// "task 2" when the task with id 2 is not the 2nd of the last list: the question names both.
fn both_readings(number: u32, with_id: &Candidate, listed: &Candidate, ctx: &Context) -> Resolution {
    let (by_id, in_list) = (describe(with_id, ctx), describe(listed, ctx));
    let question = format!(
        "Task {number} could be #{} “{by_id}” or number {number} in the last list, “{in_list}”. \
         Which one do you mean? 1. #{} {by_id} 2. {in_list}",
        with_id.id, with_id.id
    );
    Resolution::Ambiguous {
        candidates: vec![with_id.clone(), listed.clone()],
        question,
    }
}

/// The id at a 1-based position of the last list; negative counts from the end.
fn listed_at(ctx: &Context, position: i64) -> Option<&String> {
    let len = i64::try_from(ctx.last_listed.len()).ok()?;
    let index = if position < 0 { len + position } else { position - 1 };
    usize::try_from(index).ok().and_then(|i| ctx.last_listed.get(i))
}

fn not_found(message: &str) -> Resolution {
    Resolution::NotFound {
        message: message.to_owned(),
    }
}

/// One candidate is the answer, several are a question, none is a message.
fn pick(found: Vec<&Candidate>, ctx: &Context, missing: &str) -> Resolution {
    match found[..] {
        [] => not_found(missing),
        [only] => Resolution::Unique { id: only.id.clone() },
        _ => {
            let mut sorted = found;
            sorted.sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.created_at.cmp(&b.created_at)));
            let mut question = String::from("Which one do you mean?");
            for (n, candidate) in sorted.iter().enumerate() {
                let _ = write!(question, " {}. {}", n + 1, describe(candidate, ctx));
            }
            Resolution::Ambiguous {
                candidates: sorted.into_iter().cloned().collect(),
                question,
            }
        }
    }
}

/// "Team meeting (due Fri 27 Nov 10:00)", "Old task (done)".
fn describe(candidate: &Candidate, ctx: &Context) -> String {
    let mut text = candidate.title.clone();
    if let Some(due) = candidate.due_at {
        let local = due.with_timezone(&ctx.tz);
        let _ = write!(text, " (due {})", local.format("%a %-d %b %H:%M"));
    }
    if candidate.status == Status::Completed {
        text += " (done)";
    }
    text
}

/// True when a filter selects a candidate.
pub(crate) fn selects(filter: &ListFilter, c: &Candidate, ctx: &Context) -> bool {
    let text_matches = filter.text.as_deref().is_none_or(|text| {
        fuzzy::title_score(text, &c.title) >= MIN_SCORE || c.tags.iter().any(|tag| fuzzy::title_score(text, tag) >= 1.0)
    });
    filter.status.is_none_or(|status| c.status == status)
        && (filter.priorities.is_empty() || filter.priorities.contains(&c.priority))
        && filter.tags.iter().all(|tag| c.tags.contains(tag))
        && filter
            .due
            .is_none_or(|range| c.due_at.is_some_and(|due| range.contains(due)))
        && (!filter.overdue || c.status == Status::Pending && c.due_at.is_some_and(|due| due < ctx.now))
        && filter.has_due.is_none_or(|has| c.due_at.is_some() == has)
        && text_matches
}

#[cfg(test)]
mod tests;
