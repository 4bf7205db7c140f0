//! Query-string parameters, decoded and checked against each route's list, so a misspelt
//! parameter is refused with its name instead of silently ignored.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use todo_kit::Problem;
use todo_kit::problem::InvalidParam;

/// The decoded `name=value` pairs of a query string.
pub(super) type RawParams = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// A 400 listing what is wrong with the query.
pub(super) fn invalid_query(errors: Vec<InvalidParam>) -> Problem {
    let mut problem = Problem::bad_request("invalid-query", "Some query parameters cannot be used.");
    problem.invalid_params = errors;
    problem
}

pub(super) fn invalid(name: &str, reason: impl Into<String>) -> InvalidParam {
    InvalidParam {
        name: name.to_owned(),
        reason: reason.into(),
    }
}

/// The parameters by name; unknown or repeated ones are refused.
///
/// # Errors
/// A 400 problem naming each unusable parameter.
pub(super) fn params(raw: RawParams, allowed: &[&str]) -> Result<HashMap<String, String>, Problem> {
    let Query(pairs) =
        raw.map_err(|e| Problem::bad_request("invalid-query", format!("The query string cannot be read: {e}")))?;
    let mut found = HashMap::new();
    let mut errors = Vec::new();
    for (name, value) in pairs {
        if !allowed.contains(&name.as_str()) {
            errors.push(invalid(&name, format!("unknown parameter; use {}", allowed.join(", "))));
            continue;
        }
        match found.entry(name) {
            Entry::Occupied(entry) => errors.push(invalid(entry.key(), "given more than once")),
            Entry::Vacant(entry) => {
                entry.insert(value);
            }
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(invalid_query(errors))
    }
}
