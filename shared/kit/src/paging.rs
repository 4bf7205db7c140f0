//! The query of a paged list route: `limit` and one cursor parameter, nothing else. Every bad or
//! unknown parameter is reported at once, as problem+json with its name.

use crate::problem::{InvalidParam, Problem};

/// How a route pages.
#[derive(Debug, Clone, Copy)]
pub struct Paging<'a> {
    /// `limit` when absent.
    pub default_limit: usize,
    /// Largest `limit` accepted.
    pub max_limit: usize,
    /// The cursor parameter's name, e.g. `cursor` or `before`.
    pub cursor: &'a str,
    /// What a valid cursor is, for the error.
    pub cursor_rule: &'a str,
}

impl Paging<'_> {
    /// The limit and cursor of a raw query string (values are not percent-decoded: neither
    /// numbers nor cursors need it).
    ///
    /// # Errors
    /// A 400 problem naming every parameter that is malformed or unknown.
    pub fn parse<C>(&self, query: &str, cursor_of: impl Fn(&str) -> Option<C>) -> Result<(usize, Option<C>), Problem> {
        let (mut limit, mut cursor, mut errors) = (self.default_limit, None, Vec::new());
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if name == "limit" {
                match value.parse::<usize>() {
                    Ok(n) if (1..=self.max_limit).contains(&n) => limit = n,
                    _ => errors.push(InvalidParam {
                        name: "limit".into(),
                        reason: format!("must be a whole number from 1 to {}", self.max_limit),
                    }),
                }
            } else if name == self.cursor {
                match cursor_of(value) {
                    Some(value) => cursor = Some(value),
                    None => errors.push(InvalidParam {
                        name: self.cursor.into(),
                        reason: self.cursor_rule.into(),
                    }),
                }
            } else {
                errors.push(InvalidParam {
                    name: name.to_owned(),
                    reason: format!("unknown parameter; use limit and {}", self.cursor),
                });
            }
        }
        if errors.is_empty() {
            return Ok((limit, cursor));
        }
        let mut problem = Problem::bad_request("invalid-query", "Some query parameters cannot be used.");
        problem.invalid_params = errors;
        Err(problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGING: Paging<'static> = Paging {
        default_limit: 20,
        max_limit: 100,
        cursor: "before",
        cursor_rule: "must be a whole number",
    };

    #[test]
    fn a_query_gives_its_limit_and_cursor_or_every_mistake() {
        let number = |v: &str| v.parse::<u64>().ok();
        assert_eq!(PAGING.parse("", number).ok(), Some((20, None)));
        assert_eq!(PAGING.parse("limit=5&before=9", number).ok(), Some((5, Some(9))));
        let problem = PAGING.parse("limit=0&before=x&sort=id", number).expect_err("refused");
        let names: Vec<&str> = problem.invalid_params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["limit", "before", "sort"]);
        assert_eq!(
            problem.invalid_params[2].reason,
            "unknown parameter; use limit and before"
        );
    }
}
