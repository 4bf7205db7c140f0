//! The kind of a miss, without its text: what the held-out part reports, so that reading its
//! output while tuning shows where the chat goes wrong (which intent, which field) but never the
//! phrasing that would let a rule be written for one held-out case.

/// The fields a miss can name, as `check` words them.
const FIELDS: [&str; 8] = [
    "title",
    "due",
    "priority",
    "tags",
    "repetition",
    "reminder",
    "description",
    "status",
];

/// A short, text-free name for why a case missed its effect (`check::effect`'s error).
pub(crate) fn of(why: &str) -> String {
    if why.starts_with("nothing was listed") {
        return "listed nothing".into();
    }
    if why.starts_with("listed ") {
        return "listed other tasks".into();
    }
    if why.ends_with("tasks were added, not one") {
        return if why.starts_with("0 ") {
            "added nothing".into()
        } else {
            "added several tasks".into()
        };
    }
    if why.starts_with("the last reply asks nothing") {
        return "asked nothing".into();
    }
    if why.starts_with("a task was added") {
        return "added a task".into();
    }
    if why.ends_with("is still there") {
        return "not deleted".into();
    }
    if why.ends_with("was deleted") {
        return "deleted a task".into();
    }
    if why.contains(" changed its ") {
        return format!(
            "changed another task's {}",
            named_fields(why.split(" changed its ").nth(1).unwrap_or_default())
        );
    }
    if why.contains(" is \"") && why.contains(", not ") {
        return "status not changed".into();
    }
    if let Some(rest) = why.split(" now has ").nth(1) {
        return format!("changed with wrong {}", named_fields(rest));
    }
    if let Some(rest) = why.strip_prefix("added '").and_then(|r| r.split("' with ").nth(1)) {
        return format!("added with wrong {}", named_fields(rest));
    }
    if why.contains("which is not among its tasks") {
        return "case names an unknown task".into();
    }
    "other".into()
}

/// The field words at the start of each `, `-separated part of a miss list, `+`-joined.
fn named_fields(list: &str) -> String {
    let mut named: Vec<&str> = list
        .split(", ")
        .filter_map(|part| {
            let word = part.split([' ', ':']).next().unwrap_or_default();
            let word = match word {
                "due_at" => "due",
                "recurrence" => "repetition",
                "remind_before_minutes" => "reminder",
                other => other,
            };
            FIELDS.iter().copied().find(|f| *f == word)
        })
        .collect();
    named.dedup();
    if named.is_empty() {
        "fields".into()
    } else {
        named.join("+")
    }
}

#[cfg(test)]
mod tests {
    use super::of;

    #[test]
    fn a_miss_is_named_by_its_fields_and_never_by_its_text() {
        assert_eq!(
            of(
                "added 'Buy milk tomorrow' with title 'Buy milk tomorrow' (expected 'Buy milk'), due None (expected Some(\"2026-11-27\"))"
            ),
            "added with wrong title+due"
        );
        assert_eq!(
            of("'report' now has priority \"medium\" (expected high)"),
            "changed with wrong priority"
        );
        assert_eq!(
            of("'gym' changed its status: \"pending\" -> \"completed\""),
            "changed another task's status"
        );
        assert_eq!(of("0 tasks were added, not one"), "added nothing");
        assert_eq!(of("'gym' is still there"), "not deleted");
        assert_eq!(of("listed {\"a\"}, expected {\"b\"}"), "listed other tasks");
        assert_eq!(of("'x' is \"pending\", not completed"), "status not changed");
    }
}
