//! A browser's session: the web page signs a person in by setting two cookies, and every function
//! then takes the session cookie where an API client sends a bearer token.
//!
//! - `todo_session` (HttpOnly, SameSite=Strict) holds the same token a bearer header would: one
//!   the local sign-in link minted, or the identity provider's access token. Scripts cannot read it.
//! - `todo_csrf` (SameSite=Strict, readable by the page's scripts) holds a random value the page
//!   sends back in `X-CSRF-Token` with every write.
//!
//! A write (any method but GET, HEAD and OPTIONS) authenticated by the cookie is refused with 403
//! unless the header equals the cookie (double submit: another site can make the browser send
//! cookies but can neither read ours nor set the header) and, where the browser says where the
//! request came from (`Sec-Fetch-Site`), it came from this site. A bearer header is never
//! sent by a browser on its own, so requests carrying one need no such check.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue, Method};

use super::bearer_token;

/// The cookie that carries the session's token.
pub const SESSION_COOKIE: &str = "todo_session";
/// The cookie whose value a write repeats in [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "todo_csrf";
/// The header a cookie-authenticated write carries.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Where a request's token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential<'a> {
    /// `Authorization: Bearer`.
    Bearer(&'a str),
    /// The session cookie.
    Cookie(&'a str),
}

impl<'a> Credential<'a> {
    /// The token itself.
    pub fn token(self) -> &'a str {
        match self {
            Self::Bearer(token) | Self::Cookie(token) => token,
        }
    }
}

/// The request's token: the bearer header when there is one, else the session cookie.
pub fn credential(headers: &HeaderMap) -> Option<Credential<'_>> {
    bearer_token(headers)
        .map(Credential::Bearer)
        .or_else(|| cookie(headers, SESSION_COOKIE).map(Credential::Cookie))
}

/// The value of cookie `name`, if the request carries a non-empty one.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// Why a cookie-authenticated write was refused, or `None` when it may go on.
pub fn cross_site_refusal(method: &Method, headers: &HeaderMap) -> Option<&'static str> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        return Some("The browser says this request came from another site.");
    }
    let sent = headers.get(CSRF_HEADER).map(HeaderValue::as_bytes);
    match (sent, cookie(headers, CSRF_COOKIE)) {
        (Some(sent), Some(kept)) if constant_time_eq(sent, kept.as_bytes()) => None,
        (None, _) => Some("A write signed in by cookie must carry the X-CSRF-Token header."),
        _ => Some("The X-CSRF-Token header does not match this browser's todo_csrf cookie."),
    }
}

/// A new random value (32 bytes, URL-safe base64, 43 characters): for [`CSRF_COOKIE`], and for
/// a sign-in's state and PKCE code verifier.
pub fn random_value() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The two `Set-Cookie` values that sign a browser in for `max_age` seconds; `secure` when the
/// page is served over HTTPS.
pub fn sign_in_cookies(token: &str, csrf: &str, max_age: u64, secure: bool) -> [String; 2] {
    let secure = if secure { "; Secure" } else { "" };
    [
        format!("{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"),
        format!("{CSRF_COOKIE}={csrf}; Path=/; Max-Age={max_age}; SameSite=Strict{secure}"),
    ]
}

/// The two `Set-Cookie` values that sign a browser out.
pub fn sign_out_cookies(secure: bool) -> [String; 2] {
    sign_in_cookies("", "", 0, secure)
}

/// Whether `a` and `b` are equal, in a time that does not tell where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_bearer_header_wins_over_the_cookie_and_the_cookie_is_found_among_others() {
        let both = headers(&[
            ("authorization", "Bearer abc"),
            ("cookie", "theme=dark; todo_session=xyz"),
        ]);
        assert_eq!(credential(&both), Some(Credential::Bearer("abc")));
        let cookie_only = headers(&[("cookie", "a=1"), ("cookie", "theme=dark;todo_session=xyz ; b=2")]);
        assert_eq!(credential(&cookie_only), Some(Credential::Cookie("xyz")));
        assert_eq!(credential(&headers(&[("cookie", "todo_session=")])), None);
        assert_eq!(credential(&headers(&[("cookie", "not_todo_session=x")])), None);
    }

    #[test]
    fn a_cookie_write_needs_the_matching_header_and_reads_need_nothing() {
        let cookies = "todo_session=t; todo_csrf=secret-value";
        assert_eq!(cross_site_refusal(&Method::GET, &headers(&[("cookie", cookies)])), None);
        assert_eq!(
            cross_site_refusal(
                &Method::POST,
                &headers(&[("cookie", cookies), ("x-csrf-token", "secret-value")])
            ),
            None
        );
        assert!(cross_site_refusal(&Method::POST, &headers(&[("cookie", cookies)])).is_some());
        assert!(
            cross_site_refusal(
                &Method::DELETE,
                &headers(&[("cookie", cookies), ("x-csrf-token", "secret-valuf")])
            )
            .is_some()
        );
        assert!(
            cross_site_refusal(
                &Method::PATCH,
                &headers(&[("cookie", "todo_session=t"), ("x-csrf-token", "")])
            )
            .is_some(),
            "no cookie to match"
        );
        assert!(
            cross_site_refusal(
                &Method::POST,
                &headers(&[
                    ("cookie", cookies),
                    ("x-csrf-token", "secret-value"),
                    ("sec-fetch-site", "cross-site")
                ])
            )
            .is_some(),
            "the browser says it came from elsewhere"
        );
    }

    #[test]
    fn sign_in_cookies_keep_the_session_from_scripts_and_other_sites() {
        let [session, csrf] = sign_in_cookies("tok", "c", 60, true);
        assert_eq!(
            session,
            "todo_session=tok; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
        assert_eq!(csrf, "todo_csrf=c; Path=/; Max-Age=60; SameSite=Strict; Secure");
        assert!(sign_out_cookies(false)[0].contains("Max-Age=0"));
        assert_ne!(random_value(), random_value());
        assert_eq!(random_value().len(), 43);
    }
}
