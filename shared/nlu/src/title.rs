//! The free text left once everything else was claimed: a new task's title, a new title, or the
//! words naming a task. Fillers that only glued the sentence together ("a task to", trailing
//! "on", commas next to removed dates) are trimmed, and the user's own spelling and capitals
//! are kept.

use std::ops::Range;

use crate::message::{Message, listed};
use crate::normalise::Kind;

/// Words trimmed from the start of a new title.
pub(crate) const TITLE_LEADING: &str = "a an new task tasks todo to-do reminder item entry note to that called named titled for about my please is in : , ; - . and also then";
/// Words trimmed from the end of a new title.
pub(crate) const TITLE_TRAILING: &str = ", . ! ? ; : - – — and on at by for due with please to then also too thanks the a an in it it's that from added later again they're okay ok";

/// Claims the free tokens of `range` and returns them as typed, trimmed of `leading` and
/// `trailing` fillers; a quotation, when there is one, is the whole text.
pub(crate) fn take_text(m: &mut Message<'_>, range: Range<usize>, leading: &str, trailing: &str) -> Option<String> {
    let free = m.free_in(range);
    m.take_list(&free);
    if let Some(quoted) = free.iter().find(|&&i| m.kind(i) == Some(Kind::Quoted)) {
        return Some(m.raw(*quoted).trim().to_owned());
    }
    let separator = |i: usize| m.kind(i) == Some(Kind::Punct) && listed(", ; : - – — .", m.word(i));
    let kept_before = |i: usize, list: &[usize]| i > 0 && list.contains(&(i - 1));
    let mut kept: Vec<usize> = free.clone();
    kept.retain(|&i| !separator(i) || (kept_before(i, &free) && free.contains(&(i + 1))));
    // Brackets whose content was claimed ("(due Jan 31)") go too.
    let empty_pairs: Vec<usize> = kept
        .windows(2)
        .filter(|pair| m.word(pair[0]) == "(" && m.word(pair[1]) == ")")
        .flat_map(|pair| [pair[0], pair[1]])
        .collect();
    kept.retain(|i| !empty_pairs.contains(i));
    loop {
        let before = kept.len();
        if kept.first().is_some_and(|&i| listed(leading, m.word(i))) {
            let about = listed("about of", m.word(kept[0]));
            kept.remove(0);
            if about && kept.first().is_some_and(|&i| m.word(i) == "the") {
                kept.remove(0);
            }
        }
        if kept.last().is_some_and(|&i| listed(trailing, m.word(i))) {
            kept.pop();
        }
        if kept.len() == before {
            break;
        }
    }
    let mut text = String::new();
    for (n, &i) in kept.iter().enumerate() {
        if n > 0 && (kept[n - 1] + 1 != i || m.spaced(i)) {
            text.push(' ');
        }
        text.push_str(m.raw(i));
    }
    (!text.is_empty()).then_some(text)
}

/// Words that name no task on their own: "remind me to do something", "remind me later".
const VAGUE: &str = "do something this that thing things it stuff later again get done soon sometime myself me";

/// True when a title says nothing of the task: "Do something", "This", "That thing".
pub(crate) fn is_vague(title: &str) -> bool {
    title
        .split_whitespace()
        .all(|word| listed(VAGUE, &word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()))
}

/// `title` without vague words before its task: "do something renew my gym membership" (a
/// vague request completed by its answer) is "renew my gym membership".
pub(crate) fn without_vague_start(title: &str) -> &str {
    let clean = |word: &str| word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let words: Vec<&str> = title.split_whitespace().collect();
    let run = words.iter().take_while(|w| listed(VAGUE, &clean(w))).count();
    let says_nothing = words[..run].iter().any(|w| listed("something thing stuff", &clean(w)));
    if run == 0 || run == words.len() || !says_nothing {
        return title;
    }
    let skip: usize = words[..run].iter().map(|w| w.len()).sum();
    let start = title
        .char_indices()
        .scan(0, |seen, (i, c)| {
            if !c.is_whitespace() {
                *seen += c.len_utf8();
            }
            Some((i, *seen))
        })
        .find(|(_, seen)| *seen > skip)
        .map_or(title.len(), |(i, _)| i);
    title[start..].trim_start()
}

/// The first letter in upper case: "buy groceries" → "Buy groceries".
pub(crate) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(text: &str, claim: &[usize]) -> Option<String> {
        let mut message = Message::new(text);
        message.take_list(claim);
        let len = message.len();
        take_text(&mut message, 0..len, TITLE_LEADING, TITLE_TRAILING).map(|t| capitalise(&t))
    }

    #[test]
    fn fillers_around_the_title_are_trimmed() {
        assert_eq!(
            title("add a task to buy groceries", &[0]).as_deref(),
            Some("Buy groceries")
        );
    }

    #[test]
    fn commas_next_to_claimed_words_go_and_inner_ones_stay() {
        // "add" and "tomorrow" claimed.
        assert_eq!(
            title("add buy eggs, milk, tomorrow", &[0, 6]).as_deref(),
            Some("Buy eggs, milk")
        );
    }

    #[test]
    fn the_users_capitals_and_punctuation_are_kept() {
        assert_eq!(
            title("add Call John re: contract", &[0]).as_deref(),
            Some("Call John re: contract")
        );
        assert_eq!(
            title("add Order glasses (2 weeks)", &[0]).as_deref(),
            Some("Order glasses (2 weeks)")
        );
    }

    #[test]
    fn a_quotation_is_the_title() {
        assert_eq!(
            title("add 'Read chapter 3' for me", &[0]).as_deref(),
            Some("Read chapter 3")
        );
    }
}
