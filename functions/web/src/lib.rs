//! web: the platform's page in the browser. Serves the single page of `web/assets/` (embedded in
//! the binary: nothing to install or download) at `/`, and signs people in with a session cookie
//! the APIs accept in place of a bearer token (`todo_kit::auth::browser`).
//!
//! - `GET /`, `GET /assets/{path}`: the page and its scripts and styles ([`assets`]), under a
//!   Content-Security-Policy that allows this origin's scripts only.
//! - `GET /signin?token=…`: a one-time sign-in link ([`links`]): `todo serve` prints one at start
//!   and `todo web` prints a new one; it sets the cookies and goes to the page.
//! - `GET /auth/login`, `GET /auth/callback`: OpenID Connect with PKCE in the cluster ([`oidc`]).
//! - `GET /auth/me`, `POST /auth/logout`: who is signed in and how one signs in ([`session`]).

mod assets;
pub mod function;
pub mod links;
pub mod oidc;
mod session;
pub mod settings;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::settings::ConfigError;

pub use function::{FUNCTION, start};
pub use links::{LINK_AUDIENCE, LINK_TTL, SignInLinks, mint_link};
pub use oidc::{Oidc, OidcSettings};

/// How people sign in.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// One-time links for the local user (`todo serve`).
    Links(Arc<SignInLinks>),
    /// OpenID Connect with PKCE against the platform's identity provider (the cluster).
    Oidc(Arc<Oidc>),
}

impl SignIn {
    /// How people sign in by the environment: through the identity provider when
    /// `OIDC_CLIENT_ID` is set, else by links signed with the platform's `AUTH_JWT_SECRET` (whose
    /// session tokens carry the issuer and audience `auth` requires); `None` with neither.
    ///
    /// # Errors
    /// An incomplete provider setting ([`OidcSettings::from_env`]).
    pub fn from_env(auth: &AuthSettings) -> Result<Option<Self>, ConfigError> {
        if let Some(settings) = OidcSettings::from_env()? {
            return Ok(Some(Self::Oidc(Arc::new(Oidc::new(settings)))));
        }
        Ok(auth
            .jwt_secret
            .clone()
            .map(|secret| Self::Links(Arc::new(SignInLinks::new(secret).stamped(auth.stamp())))))
    }

    /// The name the page shows its sign-in screen by (`link` or `oidc`).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Links(_) => "link",
            Self::Oidc(_) => "oidc",
        }
    }
}

/// What the routes need.
#[derive(Debug, Clone)]
pub struct WebState {
    /// How people sign in.
    pub sign_in: SignIn,
    /// Verifies the session cookie's token, as every API does.
    pub auth: Arc<Authenticator>,
}

impl FromRef<WebState> for Arc<Authenticator> {
    fn from_ref(state: &WebState) -> Self {
        state.auth.clone()
    }
}

/// `response` with `cookies` set (`Set-Cookie` values) and kept out of caches.
pub(crate) fn with_cookies<'a>(
    mut response: axum::response::Response,
    cookies: impl IntoIterator<Item = &'a String>,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The routes with the probes (always ready: the page depends on nothing; the identity provider
/// is asked when someone signs in, and says so then) and the metrics, without the standard
/// middleware, for the kit's runtime.
pub fn unlayered(state: WebState) -> Router {
    todo_kit::metrics::track_http(FUNCTION.name, routes(state))
        .merge(todo_kit::health::router(todo_kit::health::always_ready()))
        .merge(todo_kit::metrics::router())
}

/// The page and the sign-in routes.
pub fn routes(state: WebState) -> Router {
    Router::new()
        .route("/", get(assets::page))
        .route("/assets/{*path}", get(assets::asset))
        .route("/signin", get(links::sign_in))
        .route("/auth/login", get(oidc::login))
        .route("/auth/callback", get(oidc::callback))
        .route("/auth/me", get(session::me))
        .route("/auth/logout", post(session::sign_out))
        .with_state(state)
}
