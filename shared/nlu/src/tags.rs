//! Tags in a message: `#work`, "tag it home", "tagged errands", "with the tag work", "add the
//! work tag", "remove the home tag", "untag work", "to my shopping list". Tags come out as the
//! task model stores them: lower case, without `#`, 1 to 50 characters, no commas.

use std::ops::Range;

use crate::message::{Message, listed};
use crate::normalise::Kind;

/// Words that end a list of tags: they belong to the sentence, not to the tag list.
const NOT_TAGS: &str = "it this that them the a an and with as to from for on in at by due priority please \
    tomorrow today tonight task tasks one list remind reminder every daily weekly monthly tag tags";

/// Words before "list" that name the to-do list itself, not a tag: "my reminder list".
const PLAIN_LISTS: &str = "todo to-do task tasks shopping-list reminder reminders things \
    checklist main personal";

/// Tags to add and tags to remove.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TagChange {
    pub(crate) add: Vec<String>,
    pub(crate) remove: Vec<String>,
}

fn push(into: &mut Vec<String>, tag: &str) {
    let tag = tag.trim_start_matches('#').to_lowercase();
    let valid = (1..=50).contains(&tag.chars().count()) && !tag.contains(',');
    if valid && !into.contains(&tag) {
        into.push(tag);
    }
}

fn is_tag_word(m: &Message<'_>, i: usize) -> bool {
    m.is_free(i) && matches!(m.kind(i), Some(Kind::Word | Kind::Hashtag)) && !listed(NOT_TAGS, m.word(i))
}

/// Claims "x", "x and y", "x, y and z" at `i`; returns the tags and where the list ended.
fn tag_list(m: &mut Message<'_>, i: usize) -> Option<(Vec<String>, usize)> {
    if !is_tag_word(m, i) {
        return None;
    }
    let mut tags = vec![m.word(i).to_owned()];
    let mut end = i + 1;
    while let Some(next) = m.at(end, ",|and|&").map(|after| m.at(after, "and").unwrap_or(after)) {
        if !is_tag_word(m, next) || listed("due priority", m.word(next + 1)) {
            break;
        }
        tags.push(m.word(next).to_owned());
        end = next + 1;
    }
    m.take(i..end);
    Some((tags, end))
}

/// Finds and claims tag phrases in `range`. `removing` when the command removes ("remove the
/// home tag", "untag"); `claim_pronoun` claims the "it" of "tag it home" (when adding a task,
/// where "it" is not a reference).
pub(crate) fn take(m: &mut Message<'_>, range: Range<usize>, removing: bool, claim_pronoun: bool) -> TagChange {
    let mut change = TagChange::default();
    let end = range.end.min(m.len());
    for i in range.start..end {
        if !m.is_free(i) {
            continue;
        }
        fn into(change: &mut TagChange, removing: bool) -> &mut Vec<String> {
            if removing { &mut change.remove } else { &mut change.add }
        }
        if m.kind(i) == Some(Kind::Hashtag) && !m.word(i).starts_with(|c: char| c.is_ascii_digit()) {
            let tag = m.word(i).to_owned();
            m.take(i..i + 1);
            m.take_at(i + 1, "tag|label");
            if i > 0 {
                m.take_at(i - 1, "the|in");
            }
            push(into(&mut change, removing), &tag);
        } else if let Some(at) = m.at(i, "untag|untagged") {
            if let Some((tags, _)) = tag_list(m, at) {
                m.take(i..at);
                tags.iter().for_each(|tag| push(&mut change.remove, tag));
            }
        } else if let Some(at) = m.at(i, "tagged|labelled|labeled|tag|label|tags :? with|as?") {
            let verb = matches!(m.word(i), "tag" | "label");
            // "tag it home": the pronoun is the task being tagged.
            let pronoun = m.at(at, "it|this|that").filter(|_| verb);
            let list_at = pronoun.map_or(at, |after| m.at(after, "with|as").unwrap_or(after));
            // "tag the groceries task with shopping": the tags follow a later "with".
            // "tag prepare slides with work" too: a later "with" wins over the next word.
            let later = if verb && pronoun.is_none() {
                m.find(at..(at + 6).min(end), "with|as")
            } else {
                None
            };
            let list_at = later.as_ref().map_or(list_at, |with| with.end);
            if let Some((tags, _)) = tag_list(m, list_at) {
                m.take(i..at);
                if let Some(after) = pronoun {
                    m.take(after..list_at);
                    if claim_pronoun {
                        m.take(at..after);
                    }
                }
                if let Some(with) = later {
                    m.take(with);
                }
                tags.iter().for_each(|tag| push(into(&mut change, removing), tag));
            }
        } else if let Some(at) = m.at(i, "with the? tag|tags|label") {
            if let Some((tags, _)) = tag_list(m, at) {
                m.take(i..at);
                tags.iter().for_each(|tag| push(into(&mut change, removing), tag));
            }
        } else if let Some(end) = m.at(i, "the? <w> tag|label") {
            let word_at = end - 2;
            if is_tag_word(m, word_at) {
                let tag = m.word(word_at).to_owned();
                m.take(i..end);
                push(into(&mut change, removing), &tag);
            }
        } else if let Some((end, two)) = m
            .at(i, "to|on|onto|in my|the? <w> list")
            .map(|end| (end, false))
            .or_else(|| m.at(i, "to|on|onto|in my|the? <w> <w> list").map(|end| (end, true)))
        {
            // "to my shopping list", "to school supplies list": the list's name is a tag.
            let word = m.word(end - 2).to_owned();
            let before = end - 3;
            let named_in_two = is_tag_word(m, before) && !listed("my the our", m.word(before));
            if two && !named_in_two {
                continue;
            }
            m.take(i..end);
            let tag = if two {
                format!("{}-{word}", m.word(before))
            } else {
                word
            };
            if !listed(PLAIN_LISTS, &tag) && !listed("my the our your a do to-do things-to-do", &tag) {
                push(&mut change.add, &tag);
            }
        } else if let Some(end) = m.at(i, "to|on|onto my|the todo|to-do? list") {
            m.take(i..end);
        }
    }
    change
}

/// Tags a list request filters by: hashtags, "tagged x", "with tag x", and words that are one of
/// the user's tags ("show my work tasks").
pub(crate) fn take_for_filter(m: &mut Message<'_>, range: Range<usize>, known: &[String]) -> Vec<String> {
    let mut tags = take(m, range.clone(), false, true).add;
    for i in range.start..range.end.min(m.len()) {
        if is_tag_word(m, i) && known.iter().any(|tag| *tag == m.word(i)) {
            push(&mut tags, m.word(i));
            m.take(i..i + 1);
        }
    }
    tags
}

#[cfg(test)]
mod tests;
