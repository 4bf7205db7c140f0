//! A tokenised message plus which tokens a parser step has already claimed. Every extractor
//! (dates, tags, priority, the command words…) claims the tokens it understood, so the ones left
//! over are the free text: a title, a description or a reference to a task.
//!
//! Patterns are small strings, matched against normalised tokens: items separated by spaces,
//! alternatives by `|`, a trailing `?` makes an item optional; `<n>` matches a number and
//! `<w>` any word. `"mark|set (the)? task"` is written `"mark|set the? task"`.

use std::ops::Range;
use std::rc::Rc;

use crate::normalise::{Kind, Token, tokenise};

/// True when `word` is one of the space-separated words of `list`.
pub(crate) fn listed(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|entry| entry == word)
}

/// The message being understood. Tokens never change once cut, so they are shared and a clone
/// (used to try a reading without committing to it) only copies which tokens are claimed.
#[derive(Debug, Clone)]
pub(crate) struct Message<'a> {
    text: &'a str,
    tokens: Rc<[Token]>,
    used: Vec<bool>,
}

impl<'a> Message<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let tokens: Rc<[Token]> = tokenise(text).into();
        let used = vec![false; tokens.len()];
        Self { text, tokens, used }
    }

    /// The message as the user typed it.
    pub(crate) fn source(&self) -> &'a str {
        self.text
    }

    pub(crate) fn len(&self) -> usize {
        self.tokens.len()
    }

    pub(crate) fn token(&self, i: usize) -> Option<&Token> {
        self.tokens.get(i)
    }

    /// The normalised word at `i`, or "" past the end.
    pub(crate) fn word(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.norm.as_str())
    }

    pub(crate) fn kind(&self, i: usize) -> Option<Kind> {
        self.tokens.get(i).map(|t| t.kind)
    }

    /// The user's own text of token `i`.
    pub(crate) fn raw(&self, i: usize) -> &'a str {
        self.tokens.get(i).map_or("", |t| &self.text[t.start..t.end])
    }

    /// True when the user typed a space (or anything) between tokens `i - 1` and `i`.
    pub(crate) fn spaced(&self, i: usize) -> bool {
        i > 0 && self.tokens.get(i).is_some_and(|t| self.tokens[i - 1].end < t.start)
    }

    pub(crate) fn is_free(&self, i: usize) -> bool {
        self.used.get(i).is_some_and(|used| !used)
    }

    /// A free token that is a word, number, tag or quotation (not punctuation).
    pub(crate) fn is_free_word(&self, i: usize) -> bool {
        self.is_free(i) && self.kind(i).is_some_and(|k| k != Kind::Punct)
    }

    /// A word, number, hashtag or quotation, free or not.
    pub(crate) fn is_word_like(&self, i: usize) -> bool {
        self.kind(i).is_some_and(|k| k != Kind::Punct)
    }

    pub(crate) fn take(&mut self, range: Range<usize>) {
        for i in range {
            if let Some(used) = self.used.get_mut(i) {
                *used = true;
            }
        }
    }

    pub(crate) fn take_list(&mut self, indices: &[usize]) {
        for &i in indices {
            self.take(i..i + 1);
        }
    }

    /// Indices of free tokens in `range`.
    pub(crate) fn free_in(&self, range: Range<usize>) -> Vec<usize> {
        range.filter(|&i| self.is_free(i)).collect()
    }

    /// The first free word token.
    pub(crate) fn first_free_word(&self) -> Option<usize> {
        (0..self.len()).find(|&i| self.is_free_word(i))
    }

    /// Where `pattern` ends when it matches free tokens starting at `i`.
    pub(crate) fn at(&self, i: usize, pattern: &str) -> Option<usize> {
        self.match_rest(i, pattern)
    }

    /// The first match of `pattern` starting in `range`, as a token range.
    pub(crate) fn find(&self, range: Range<usize>, pattern: &str) -> Option<Range<usize>> {
        range.into_iter().find_map(|i| self.at(i, pattern).map(|end| i..end))
    }

    /// The first of `patterns`, in their order, that matches in `range`.
    pub(crate) fn find_any(&self, range: Range<usize>, patterns: &[&str]) -> Option<Range<usize>> {
        patterns.iter().find_map(|pattern| self.find(range.clone(), pattern))
    }

    /// Matches and claims `pattern` at `i`; returns where it ended.
    pub(crate) fn take_at(&mut self, i: usize, pattern: &str) -> Option<usize> {
        let end = self.at(i, pattern)?;
        self.take(i..end);
        Some(end)
    }

    /// Finds and claims the first match of `pattern` in `range`.
    pub(crate) fn take_first(&mut self, range: Range<usize>, pattern: &str) -> Option<Range<usize>> {
        let found = self.find(range, pattern)?;
        self.take(found.clone());
        Some(found)
    }

    /// Matches the items of `pattern` from token `i` on, without allocating: this runs for every
    /// pattern at every position, so it is the NLU's hot loop.
    fn match_rest(&self, i: usize, pattern: &str) -> Option<usize> {
        let pattern = pattern.trim_start();
        if pattern.is_empty() {
            return Some(i);
        }
        let (item, rest) = pattern.split_once(char::is_whitespace).unwrap_or((pattern, ""));
        let (alternatives, optional) = match item.strip_suffix('?') {
            Some(stem) => (stem, true),
            None => (item, false),
        };
        if self.item_matches(i, alternatives)
            && let Some(end) = self.match_rest(i + 1, rest)
        {
            return Some(end);
        }
        if optional { self.match_rest(i, rest) } else { None }
    }

    fn item_matches(&self, i: usize, alternatives: &str) -> bool {
        let Some(token) = self.tokens.get(i).filter(|_| self.is_free(i)) else {
            return false;
        };
        alternatives.split('|').any(|alternative| match alternative {
            "<n>" => token.kind == Kind::Number,
            "<w>" => matches!(token.kind, Kind::Word | Kind::Number),
            _ => matches!(token.kind, Kind::Word | Kind::Number | Kind::Punct) && token.norm == alternative,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_items_and_alternatives_match_with_backtracking() {
        let message = Message::new("mark the task as done");
        assert_eq!(message.at(0, "mark|set the? task"), Some(3));
        assert_eq!(message.at(0, "mark|set task"), None);
        assert_eq!(message.find(0..5, "as done|complete"), Some(3..5));
    }

    #[test]
    fn claimed_tokens_no_longer_match() {
        let mut message = Message::new("delete task 3");
        assert_eq!(message.take_at(1, "task <n>"), Some(3));
        assert_eq!(message.at(1, "task"), None);
        assert_eq!(message.free_in(0..3), [0]);
    }
}
