//! The embedded page: `web/assets/` compiled in by `build.rs`. Each file answers with its type,
//! an ETag (a browser revalidates and gets a 304) and, for the page itself, the
//! Content-Security-Policy that lets only this origin's scripts, styles and connections run.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use todo_kit::Problem;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// What the page may load and where it may connect: its own origin, nothing inline.
pub(crate) const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; \
     img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

/// `GET /`: the page.
pub(crate) async fn page(headers: HeaderMap) -> Response {
    match serve("index.html", &headers) {
        Some(mut response) => {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
            response
        }
        None => Problem::not_found("This build has no web page (web/assets/index.html).").into_response(),
    }
}

/// `GET /assets/{path}`: a script, style or image of the page.
pub(crate) async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    serve(&path, &headers)
        .unwrap_or_else(|| Problem::not_found(format!("The page has no asset '{path}'.")).into_response())
}

fn serve(path: &str, headers: &HeaderMap) -> Option<Response> {
    let index = ASSETS.iter().position(|(name, _)| *name == path)?;
    let (name, bytes) = ASSETS[index];
    let etag = etags()[index].as_str();
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|sent| sent.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type(name))], bytes).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::ETAG, HeaderValue::from_str(etag).ok()?);
    Some(response)
}

/// The ETag of each asset, in the order of [`ASSETS`].
fn etags() -> &'static [String] {
    static ETAGS: OnceLock<Vec<String>> = OnceLock::new();
    ETAGS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|(_, bytes)| {
                let digest = Sha256::digest(bytes);
                let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
                format!("\"{hex}\"")
            })
            .collect()
    })
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_its_scripts_are_embedded_with_their_types() {
        assert!(
            ASSETS.iter().any(|(name, _)| *name == "index.html"),
            "web/assets/index.html is embedded"
        );
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("js/tasks.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
        assert_eq!(etags().len(), ASSETS.len());
    }
}
