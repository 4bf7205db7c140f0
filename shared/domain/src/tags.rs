//! Tags: normalised to lower case and trimmed, without duplicates, in the order first given.

use crate::FieldErrors;
use crate::limits::{TAG_MAX, TAGS_MAX};

/// Normalises tags and records every rule they break against `field`.
///
/// A leading `#` is dropped (`#Work` and `work` are the same tag); duplicates after
/// normalisation are removed rather than rejected, since they mean the same thing.
pub fn normalise_tags(raw: &[String], field: &str, errors: &mut FieldErrors) -> Vec<String> {
    let mut tags: Vec<String> = Vec::with_capacity(raw.len());
    for (index, tag) in raw.iter().enumerate() {
        let tag = tag.trim().trim_start_matches('#').trim().to_lowercase();
        let length = tag.chars().count();
        if length == 0 {
            errors.add(format!("{field}[{index}]"), "a tag cannot be blank");
        } else if length > TAG_MAX {
            errors.add(
                format!("{field}[{index}]"),
                format!("a tag has at most {TAG_MAX} characters, this one has {length}"),
            );
        } else if tag.chars().any(|c| c.is_control() || c == ',') {
            errors.add(
                format!("{field}[{index}]"),
                "a tag cannot contain commas or control characters",
            );
        } else if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > TAGS_MAX {
        errors.add(field, format!("a task has at most {TAGS_MAX} tags, got {}", tags.len()));
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn tags_are_lower_cased_trimmed_and_deduplicated() {
        let mut errors = FieldErrors::default();
        let tags = normalise_tags(&strings(&[" Work", "#home", "WORK", "home "]), "tags", &mut errors);
        assert!(errors.is_empty());
        assert_eq!(tags, strings(&["work", "home"]));
    }

    #[test]
    fn every_bad_tag_is_reported_with_its_position() {
        let mut errors = FieldErrors::default();
        let long = "x".repeat(51);
        normalise_tags(&strings(&["ok", " ", &long, "a,b"]), "tags", &mut errors);
        let fields: Vec<&str> = errors.as_slice().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["tags[1]", "tags[2]", "tags[3]"]);
    }

    #[test]
    fn more_than_twenty_distinct_tags_are_rejected() {
        let mut errors = FieldErrors::default();
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        normalise_tags(&many, "tags", &mut errors);
        assert_eq!(errors.as_slice().len(), 1);
        assert_eq!(errors.as_slice()[0].field, "tags");
    }
}
