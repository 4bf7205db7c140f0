//! Priority words: "urgent", "asap", "high priority", "important", "low priority", "whenever",
//! "no rush", "p1"… mapped to the task model's four levels. Bare "high" or "low" only count after
//! "to", "as" or "be" ("change it to high"), or anywhere in a list request ("show high tasks"),
//! because elsewhere they are ordinary words of a title.

use std::ops::Range;

use crate::message::Message;
use crate::types::Priority;

/// Phrases in the order tried (longer first), with the level they mean.
const PHRASES: &[(&str, Priority)] = &[
    ("as soon as possible", Priority::Urgent),
    ("top|highest|max|maximum priority|prio", Priority::Urgent),
    ("very|super|extremely|really|most important", Priority::Urgent),
    ("very|super|extremely|really urgent", Priority::Urgent),
    ("priority|prio :? urgent|1", Priority::Urgent),
    ("urgent|urgently|asap|critical|p1|p0|emergency", Priority::Urgent),
    ("! ! !", Priority::Urgent),
    ("high|higher priority|prio", Priority::High),
    ("priority|prio :? high|2", Priority::High),
    ("important|p2|prioritize|prioritise", Priority::High),
    ("medium|normal|regular|average|default priority|prio", Priority::Medium),
    ("priority|prio :? medium|normal|3", Priority::Medium),
    ("p3", Priority::Medium),
    ("low|lower|lowest priority|prio", Priority::Low),
    ("priority|prio :? low|4", Priority::Low),
    (
        "isn't|aren't|not that|so|very|really|too? urgent|important",
        Priority::Low,
    ),
    ("no rush|hurry", Priority::Low),
    ("when i get a|the chance|time", Priority::Low),
    ("when|if i have time", Priority::Low),
    (
        "whenever|someday|eventually|p4|deprioritize|deprioritise",
        Priority::Low,
    ),
];

/// Finds and claims priority phrases in `range`, in the order written. `lenient` accepts the
/// bare level names anywhere.
pub(crate) fn take(m: &mut Message<'_>, range: Range<usize>, lenient: bool) -> Vec<Priority> {
    let mut found = Vec::new();
    let end = range.end.min(m.len());
    let mut i = range.start;
    while i < end {
        let phrase = PHRASES
            .iter()
            .find_map(|(pattern, level)| Some((m.at(i, pattern)?, *level)));
        let bare = || {
            let level = match m.word(i) {
                "high" => Priority::High,
                "low" => Priority::Low,
                "medium" | "normal" => Priority::Medium,
                "urgent" => Priority::Urgent,
                _ => return None,
            };
            let after_verb = i > 0 && matches!(m.word(i - 1), "to" | "as" | "be" | "is" | "priority");
            (m.is_free(i) && (lenient || after_verb)).then_some((i + 1, level))
        };
        match phrase.or_else(bare) {
            Some((stop, level)) if stop <= end => {
                m.take(i..stop);
                if !found.contains(&level) {
                    found.push(level);
                }
                i = stop;
            }
            _ => i += 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(text: &str, lenient: bool) -> Vec<Priority> {
        let mut message = Message::new(text);
        let len = message.len();
        take(&mut message, 0..len, lenient)
    }

    #[test]
    fn phrases_map_to_levels() {
        assert_eq!(levels("call the bank asap", false), [Priority::Urgent]);
        assert_eq!(levels("renew passport, high priority", false), [Priority::High]);
        assert_eq!(levels("organise the shelf whenever", false), [Priority::Low]);
        assert_eq!(levels("fix bike, no rush", false), [Priority::Low]);
        assert_eq!(levels("this is important", false), [Priority::High]);
        assert_eq!(levels("call aunt may isn't that important", false), [Priority::Low]);
    }

    #[test]
    fn bare_level_names_need_a_verb_before_them_outside_lists() {
        assert!(levels("buy high heels", false).is_empty());
        assert_eq!(levels("change it to low", false), [Priority::Low]);
        assert_eq!(
            levels("show high and urgent tasks", true),
            [Priority::High, Priority::Urgent]
        );
    }
}
