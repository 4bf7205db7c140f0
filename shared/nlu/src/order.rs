//! The order a list is asked in: "by priority", "soonest first", "in the order i added them",
//! "alphabetically". Said or not, a list has an order; these words choose it, in the task
//! API's own sort terms, and are claimed so they are not read as a priority filter ("sorted by
//! priority" is every task, most important first) or as words to look for.

use std::ops::Range;

use todo_domain::query::{Sort, SortField};

use crate::message::Message;

/// Words that introduce an order: "sorted by", "ordered by", "in order of".
const SORTED: &str = "sorted|sort|ordered|order|arranged|arrange|ranked|rank|listed|grouped";

/// The orders, each with the phrasings that ask for it; the first that matches wins.
const ORDERS: &[(SortField, bool, &[&str])] = &[
    (
        SortField::Priority,
        true,
        &[
            "by|of priority|priorities|importance|urgency",
            "most|more important|urgent|pressing first|1st",
            "highest|high|top priority|priorities first|1st",
            "priority order",
            "from most to least important|urgent",
        ],
    ),
    (
        SortField::Priority,
        false,
        &["lowest|low|least priority|priorities|important first|1st"],
    ),
    (
        SortField::CreatedAt,
        false,
        &[
            "oldest|older <w>? first|1st",
            "in the? order|sequence i|they|you added|created|made|entered|wrote|put|set|gave|listed them|it|those|these|in?",
            "in the? order|sequence they|it were|was added|created|made|entered|written",
            "in the? order|sequence of creation|entry",
            "by|of date|time added|created|entered",
            "by|of creation|entry date|time?",
            "first added|created first|1st",
        ],
    ),
    (
        SortField::CreatedAt,
        true,
        &[
            "newest|newer|recent <w>? first|1st",
            "latest first|1st",
            "most recent|recently added|created? first|1st",
            "recently added|created",
            "last added|created first|1st",
            "by newest|recency",
        ],
    ),
    (
        SortField::UpdatedAt,
        true,
        &[
            "recently changed|updated|edited|modified",
            "last changed|updated|edited|modified first|1st",
            "by|of last? change|update|edit|modification",
        ],
    ),
    (
        SortField::DueAt,
        true,
        &["latest|furthest|farthest|last due first|1st", "due last first|1st"],
    ),
    (
        SortField::DueAt,
        false,
        &[
            "by|of due|end date|dates|time|times",
            "by|of deadline|deadlines|date|dates|due|when",
            "soonest|earliest|nearest|closest due|deadline? first|1st",
            "due soonest|first first|1st?",
            "chronologically|chronological",
            "in chronological order",
        ],
    ),
    (
        SortField::Title,
        true,
        &["z to|through a", "reverse alphabetical|alphabetic order?"],
    ),
    (
        SortField::Title,
        false,
        &[
            "alphabetically|alphabetical|alphabetic|abc",
            "a to|through z",
            "by|of name|names|title|titles|letter",
        ],
    ),
];

/// Finds and claims the order asked for in `range`, with the word that introduces it.
pub(crate) fn take(m: &mut Message<'_>, range: Range<usize>) -> Option<Sort> {
    for (field, descending, phrasings) in ORDERS {
        let Some(found) = m.find_any(range.clone(), phrasings) else {
            continue;
        };
        m.take(found.clone());
        // "sorted by …", "in … order", "ordered from …".
        if found.start > 0 {
            let before = found.start - 1;
            if m.at(before, SORTED).is_some() || m.at(before, "in|from").is_some() {
                m.take(before..found.start);
                if before > 0 && m.at(before - 1, SORTED).is_some() {
                    m.take(before - 1..before);
                }
            }
        }
        m.take_first(range.clone(), "in|by order");
        m.take_first(range.clone(), "order");
        return Some(Sort {
            field: *field,
            descending: *descending,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(text: &str) -> Option<(SortField, bool, Vec<usize>)> {
        let mut m = Message::new(text);
        let len = m.len();
        let sort = take(&mut m, 0..len)?;
        Some((sort.field, sort.descending, m.free_in(0..len)))
    }

    #[test]
    fn priority_orders_put_the_most_important_first() {
        for text in [
            "show my tasks sorted by priority",
            "list everything by importance",
            "what do i have, most urgent first",
            "my tasks in order of priority",
            "show tasks highest priority first",
        ] {
            let (field, descending, _) = order(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((field, descending), (SortField::Priority, true), "{text}");
        }
        assert_eq!(
            order("show lowest priority first").map(|o| (o.0, o.1)),
            Some((SortField::Priority, false))
        );
    }

    #[test]
    fn creation_orders_read_oldest_and_newest() {
        for text in [
            "show my pending tasks in the order i added them",
            "list my tasks oldest first",
            "show tasks by date added",
            "my todos in order of creation",
        ] {
            assert_eq!(
                order(text).map(|o| (o.0, o.1)),
                Some((SortField::CreatedAt, false)),
                "{text}"
            );
        }
        for text in [
            "show my newest tasks first",
            "show the most recent first",
            "recently added tasks",
        ] {
            assert_eq!(
                order(text).map(|o| (o.0, o.1)),
                Some((SortField::CreatedAt, true)),
                "{text}"
            );
        }
    }

    #[test]
    fn due_title_and_change_orders() {
        assert_eq!(
            order("show my tasks by due date").map(|o| (o.0, o.1)),
            Some((SortField::DueAt, false))
        );
        assert_eq!(
            order("what's due, soonest first").map(|o| (o.0, o.1)),
            Some((SortField::DueAt, false))
        );
        assert_eq!(
            order("earliest due first").map(|o| (o.0, o.1)),
            Some((SortField::DueAt, false))
        );
        assert_eq!(
            order("latest due first").map(|o| (o.0, o.1)),
            Some((SortField::DueAt, true))
        );
        assert_eq!(
            order("list tasks alphabetically").map(|o| (o.0, o.1)),
            Some((SortField::Title, false))
        );
        assert_eq!(
            order("list tasks from z to a").map(|o| (o.0, o.1)),
            Some((SortField::Title, true))
        );
        assert_eq!(
            order("show recently changed tasks").map(|o| (o.0, o.1)),
            Some((SortField::UpdatedAt, true))
        );
    }

    #[test]
    fn the_order_words_are_claimed_and_nothing_else() {
        let (_, _, free) = order("show my tasks sorted by priority").expect("an order");
        assert_eq!(free, [0, 1, 2]);
        let (_, _, free) = order("show my pending tasks in the order i added them").expect("an order");
        assert_eq!(free, [0, 1, 2, 3]);
        assert_eq!(order("show my high priority tasks"), None);
        assert_eq!(order("what is due today"), None);
        assert_eq!(order("add buy milk"), None);
    }
}
