//! ETags are task versions: `ETag: "7"`. `If-Match` makes a write conditional on the version the
//! caller last read, so two people editing one task cannot silently overwrite each other.

use axum::http::{HeaderMap, HeaderValue, header};
use todo_kit::Problem;

/// The ETag header value of a version.
pub(crate) fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// The version an `If-Match` header requires: `None` without the header or for `*`.
///
/// # Errors
/// A 400 problem when the header is not a single version ETag.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let tag = text.strip_prefix("W/").unwrap_or(text);
    let tag = tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(tag);
    tag.parse::<i64>().map(Some).map_err(|_| {
        Problem::bad_request(
            "invalid-if-match",
            format!("If-Match must be the task's ETag, e.g. \"3\"; got '{text}'"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(header::IF_MATCH, HeaderValue::from_str(value).expect("header"));
        map
    }

    #[test]
    fn if_match_accepts_strong_weak_and_bare_versions() {
        assert_eq!(if_match(&headers("\"3\"")).ok(), Some(Some(3)));
        assert_eq!(if_match(&headers("W/\"4\"")).ok(), Some(Some(4)));
        assert_eq!(if_match(&headers("5")).ok(), Some(Some(5)));
        assert_eq!(if_match(&headers("*")).ok(), Some(None));
        assert_eq!(if_match(&HeaderMap::new()).ok(), Some(None));
    }

    #[test]
    fn if_match_refuses_what_is_not_a_version() {
        assert!(if_match(&headers("\"abc\"")).is_err());
    }
}
