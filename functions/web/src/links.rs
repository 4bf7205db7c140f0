//! One-time sign-in links for the embedded platform, like a notebook server's token URL but spent
//! on first use: `todo serve` prints one at start, `todo web` prints a new one whenever wanted.
//!
//! A link carries a short-lived token: its claims (user, expiry, a random id) and an HMAC-SHA256
//! of them under the platform's secret, separated by the purpose [`LINK_AUDIENCE`]. It has two
//! parts, not a JWT's three, so no API takes it as a bearer token; its id is kept after use until
//! it expires, so the same link cannot sign a second browser in. Redeeming it sets the session cookies
//! ([`todo_kit::auth::browser`]) with a session token for the link's user and redirects to the page.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use todo_kit::auth::browser;

use crate::{SignIn, WebState};

/// The purpose a link's MAC is bound to: nothing but `/signin` takes it.
pub const LINK_AUDIENCE: &str = "todo-sign-in-link";
/// How long a printed link stays valid.
pub const LINK_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a browser stays signed in.
const SESSION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Debug, Serialize, Deserialize)]
struct LinkClaims {
    sub: String,
    exp: u64,
    jti: String,
}

fn mac(secret: &[u8], claims: &[u8]) -> Hmac<sha2::Sha256> {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(LINK_AUDIENCE.as_bytes());
    mac.update(&[0]);
    mac.update(claims);
    mac
}

/// `claims.mac`, both URL-safe base64.
fn sign(secret: &[u8], claims: &LinkClaims) -> Result<String, LinkError> {
    let claims = serde_json::to_vec(claims).map_err(|e| LinkError::Signing(e.to_string()))?;
    let tag = mac(secret, &claims).finalize().into_bytes();
    Ok(format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&claims),
        URL_SAFE_NO_PAD.encode(tag)
    ))
}

/// The claims of a token whose MAC is right and that has not expired.
fn verify(secret: &[u8], token: &str) -> Result<LinkClaims, LinkError> {
    let (claims, tag) = token.split_once('.').ok_or(LinkError::Invalid)?;
    let claims = URL_SAFE_NO_PAD.decode(claims).map_err(|_| LinkError::Invalid)?;
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| LinkError::Invalid)?;
    mac(secret, &claims)
        .verify_slice(&tag)
        .map_err(|_| LinkError::Invalid)?;
    let claims: LinkClaims = serde_json::from_slice(&claims).map_err(|_| LinkError::Invalid)?;
    if claims.exp <= unix_now() {
        return Err(LinkError::Invalid);
    }
    Ok(claims)
}

/// Why a link did not sign anyone in.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LinkError {
    /// Expired, forged, or not a link's token at all.
    #[error("This sign-in link is not valid or has expired.")]
    Invalid,
    /// Already used once.
    #[error("This sign-in link was already used.")]
    Used,
    /// The token could not be made.
    #[error("The link could not be signed: {0}")]
    Signing(String),
}

/// A sign-in link for `user` at `base_url` (`http://127.0.0.1:8080`), valid for [`LINK_TTL`].
///
/// # Errors
/// [`LinkError::Signing`] when the token cannot be encoded.
pub fn mint_link(secret: &[u8], user: &str, base_url: &str) -> Result<String, LinkError> {
    let claims = LinkClaims {
        sub: user.to_owned(),
        exp: unix_now() + LINK_TTL.as_secs(),
        jti: uuid::Uuid::new_v4().to_string(),
    };
    let token = sign(secret, &claims)?;
    Ok(format!("{}/signin?token={token}", base_url.trim_end_matches('/')))
}

/// Redeems links signed with the platform's secret, each once.
pub struct SignInLinks {
    secret: SecretString,
    /// The issuer and audience the session tokens carry (`AUTH_ISSUER`, `AUTH_AUDIENCE`).
    issuer: Option<String>,
    audience: Option<String>,
    /// Ids of used links, with their expiry (forgotten once expired: the token is refused then anyway).
    used: Mutex<HashMap<String, u64>>,
}

impl std::fmt::Debug for SignInLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInLinks")
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl SignInLinks {
    /// Links signed with `secret` (the platform's HS256 secret).
    pub fn new(secret: SecretString) -> Self {
        Self {
            secret,
            issuer: None,
            audience: None,
            used: Mutex::default(),
        }
    }

    /// Session tokens that carry the issuer and audience `stamp` names, as the platform's
    /// Authenticator requires where they are configured.
    #[must_use]
    pub fn stamped(mut self, stamp: todo_kit::auth::Stamp<'_>) -> Self {
        self.issuer = stamp.issuer.map(str::to_owned);
        self.audience = stamp.audience.map(str::to_owned);
        self
    }

    /// A new link for `user` at `base_url`.
    ///
    /// # Errors
    /// [`LinkError::Signing`] when the token cannot be encoded.
    pub fn link(&self, user: &str, base_url: &str) -> Result<String, LinkError> {
        mint_link(self.secret.expose_secret().as_bytes(), user, base_url)
    }

    /// The user a link's token signs in, spending it.
    ///
    /// # Errors
    /// [`LinkError::Invalid`] for a bad or expired token, [`LinkError::Used`] the second time.
    pub fn redeem(&self, token: &str) -> Result<String, LinkError> {
        let claims = verify(self.secret.expose_secret().as_bytes(), token)?;
        let now = unix_now();
        let mut used = self.used.lock().expect("the used-link set");
        used.retain(|_, expires| *expires > now);
        if used.insert(claims.jti, claims.exp).is_some() {
            return Err(LinkError::Used);
        }
        Ok(claims.sub)
    }

    /// A session token for `user`, for the cookie.
    fn session_token(&self, user: &str) -> Result<String, LinkError> {
        let stamp = todo_kit::auth::Stamp {
            issuer: self.issuer.as_deref(),
            audience: self.audience.as_deref(),
        };
        todo_kit::auth::mint_hs256_stamped(self.secret.expose_secret().as_bytes(), user, &[], SESSION_TTL, stamp)
            .map_err(|e| LinkError::Signing(e.to_string()))
    }
}

/// No Debug: the token is a live sign-in link.
#[derive(Deserialize)]
pub(crate) struct SignInQuery {
    #[serde(default)]
    token: String,
}

/// `GET /signin?token=…`: sets the session cookies and goes to the page, or says why not.
pub(crate) async fn sign_in(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let SignIn::Links(links) = &state.sign_in else {
        return page(
            StatusCode::NOT_FOUND,
            "Sign-in link refused",
            "This platform signs in through its identity provider.",
        );
    };
    let signed_in = links
        .redeem(&query.token)
        .and_then(|user| links.session_token(&user).map(|token| (user, token)));
    match signed_in {
        Ok((user, token)) => {
            tracing::info!(target: "audit", event = "sign_in", actor = %user, method = "link", "signed in by link");
            let cookies =
                browser::sign_in_cookies(&token, &browser::random_value(), SESSION_TTL.as_secs(), https(&headers));
            let response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            crate::with_cookies(response, &cookies)
        }
        Err(error) => refusal_page(&error),
    }
}

/// Whether the browser reached us over HTTPS (directly or through our gateway).
pub(crate) fn https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"))
}

fn refusal_page(error: &LinkError) -> Response {
    let status = match error {
        LinkError::Signing(_) => StatusCode::INTERNAL_SERVER_ERROR,
        LinkError::Invalid | LinkError::Used => StatusCode::FORBIDDEN,
    };
    page(
        status,
        "Sign-in link refused",
        &format!("{error} Run `todo web` for a new link."),
    )
}

/// A small page that says why a sign-in did not happen (`message` is escaped).
pub(crate) fn page(status: StatusCode, title: &str, message: &str) -> Response {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><main><h1>{title}</h1><p>{message}</p><p><a href=\"/\">Back to the page</a></p></main></body></html>",
        title = escape(title),
        message = escape(message),
    );
    let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::assets::PAGE_CSP),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    const SECRET: &str = "a-secret-of-at-least-thirty-two-bytes!";

    fn token_of(link: &str) -> &str {
        link.split_once("token=").expect("a token").1
    }

    #[test]
    fn a_link_signs_its_user_in_once() {
        let links = SignInLinks::new(SecretString::from(SECRET));
        let link = links.link("local", "http://127.0.0.1:8080/").unwrap();
        assert!(link.starts_with("http://127.0.0.1:8080/signin?token="), "{link}");
        assert_eq!(links.redeem(token_of(&link)), Ok("local".to_owned()));
        assert_eq!(links.redeem(token_of(&link)), Err(LinkError::Used));
        let another = links.link("local", "http://x").unwrap();
        assert_eq!(
            links.redeem(token_of(&another)),
            Ok("local".to_owned()),
            "each link once"
        );
    }

    #[test]
    fn forged_expired_and_ordinary_tokens_are_not_links() {
        let links = SignInLinks::new(SecretString::from(SECRET));
        let forged = mint_link(b"another-secret-of-at-least-32-bytes!!", "local", "http://x").unwrap();
        assert_eq!(links.redeem(token_of(&forged)), Err(LinkError::Invalid));
        let session = todo_kit::auth::mint_hs256(SECRET.as_bytes(), "local", Duration::from_secs(60)).unwrap();
        assert_eq!(
            links.redeem(&session),
            Err(LinkError::Invalid),
            "an API token is no link"
        );
        let expired = sign(
            SECRET.as_bytes(),
            &LinkClaims {
                sub: "local".into(),
                exp: unix_now() - 1,
                jti: "x".into(),
            },
        )
        .unwrap();
        assert_eq!(links.redeem(&expired), Err(LinkError::Invalid));
        let link = links.link("local", "http://x").unwrap();
        let (claims, tag) = token_of(&link).split_once('.').unwrap();
        let mut raised: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        raised["sub"] = "admin".into();
        let tampered = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(raised.to_string()));
        assert_eq!(
            links.redeem(&tampered),
            Err(LinkError::Invalid),
            "the claims are signed"
        );
        assert_eq!(links.redeem(""), Err(LinkError::Invalid));
    }

    #[tokio::test]
    async fn the_session_token_passes_an_authenticator_that_requires_an_issuer_and_audience() {
        let settings = todo_kit::auth::AuthSettings {
            jwt_secret: Some(SecretString::from(SECRET)),
            issuer: Some("https://id.example.com/realms/todo".into()),
            audience: Some("evolution-of-todo".into()),
            ..todo_kit::auth::AuthSettings::default()
        };
        let authenticator = todo_kit::Authenticator::new(&settings).unwrap();
        let stamped = SignInLinks::new(SecretString::from(SECRET)).stamped(settings.stamp());
        let verified = authenticator
            .verify_claims(&stamped.session_token("carol").unwrap())
            .await
            .unwrap();
        assert_eq!(verified.user_id, "carol");
        let bare = SignInLinks::new(SecretString::from(SECRET));
        assert!(
            authenticator
                .verify_claims(&bare.session_token("carol").unwrap())
                .await
                .is_err(),
            "without the stamp the same Authenticator refuses it"
        );
    }
}
