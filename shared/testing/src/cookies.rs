//! The cookies a response sets, as the browser tests and the sign-in tests read them.

/// `(name, value, attributes)` of each `Set-Cookie` in `headers` (attributes as sent, after the
/// first `;`).
pub fn set_cookies(headers: &http::HeaderMap) -> Vec<(String, String, String)> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let (pair, attributes) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=')?;
            Some((name.to_owned(), value.to_owned(), attributes.to_owned()))
        })
        .collect()
}
