//! Signing in through the platform's identity provider in the cluster: OpenID Connect's
//! authorization code flow with PKCE (RFC 7636, S256). The provider's access token, which every
//! function already accepts through its JWKS, becomes the session cookie.
//!
//! - `GET /auth/login` makes a `state` and a code verifier, keeps both in a short-lived HttpOnly
//!   cookie (`todo_oidc`, SameSite=Lax so that it comes back with the provider's redirect; no
//!   server state, so any replica can finish the flow) and sends the browser to the provider's
//!   authorization endpoint with the verifier's S256 challenge.
//! - `GET /auth/callback?code&state` checks the state against the cookie, redeems the code with
//!   the verifier at the token endpoint, verifies the access token as the APIs will, and sets
//!   the session cookies ([`todo_kit::auth::browser`]).

use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use todo_kit::auth::browser;
use tokio::sync::OnceCell;

use crate::{SignIn, WebState};

/// The cookie that carries a sign-in in progress: `state.verifier`.
const FLOW_COOKIE: &str = "todo_oidc";
/// How long a person has to sign in at the provider.
const FLOW_TTL: Duration = Duration::from_secs(600);
/// The session's length when the provider does not say (`expires_in`).
const DEFAULT_SESSION: Duration = Duration::from_secs(3600);

/// What the flow needs to know about the client and the provider.
#[derive(Clone)]
pub struct OidcSettings {
    /// The provider (`AUTH_ISSUER`): its discovery document is at
    /// `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// This client's id at the provider.
    pub client_id: String,
    /// This client's secret, for a confidential client (PKCE alone for a public one).
    pub client_secret: Option<SecretString>,
    /// Where the provider sends the browser back: `https://<host>/auth/callback`.
    pub redirect_url: String,
    /// The scopes asked for (`openid` at least).
    pub scopes: String,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "[redacted]"))
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    authorization_endpoint: String,
    token_endpoint: String,
}

/// No Debug: it holds the user's access token.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// The flow against one provider.
#[derive(Debug)]
pub struct Oidc {
    settings: OidcSettings,
    http: reqwest::Client,
    discovery: OnceCell<Discovery>,
}

impl Oidc {
    /// A flow for `settings`; the provider is asked for its endpoints on first use.
    pub fn new(settings: OidcSettings) -> Self {
        Self {
            settings,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            discovery: OnceCell::new(),
        }
    }

    async fn discovery(&self) -> Result<&Discovery, String> {
        self.discovery
            .get_or_try_init(|| async {
                let url = format!(
                    "{}/.well-known/openid-configuration",
                    self.settings.issuer.trim_end_matches('/')
                );
                let answer = self.http.get(&url).send().await.map_err(|e| format!("{url}: {e}"))?;
                if !answer.status().is_success() {
                    return Err(format!("{url} answered {}", answer.status()));
                }
                answer.json::<Discovery>().await.map_err(|e| format!("{url}: {e}"))
            })
            .await
    }

    /// Redeems `code` with `verifier`: the provider's access token and its lifetime.
    async fn redeem(&self, code: &str, verifier: &str) -> Result<(String, Duration), String> {
        let endpoint = &self.discovery().await?.token_endpoint;
        // Built apart: the serializer must not live across an await (it is not Send).
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "authorization_code")
                .append_pair("code", code)
                .append_pair("redirect_uri", &self.settings.redirect_url)
                .append_pair("client_id", &self.settings.client_id)
                .append_pair("code_verifier", verifier);
            if let Some(secret) = &self.settings.client_secret {
                form.append_pair("client_secret", secret.expose_secret());
            }
            form.finish()
        };
        let answer = self
            .http
            .post(endpoint)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(|e| format!("{endpoint}: {e}"))?;
        if !answer.status().is_success() {
            let status = answer.status();
            let body: String = answer.text().await.unwrap_or_default().chars().take(200).collect();
            return Err(format!("the provider refused the code ({status}): {body}"));
        }
        let token: TokenAnswer = answer.json().await.map_err(|e| format!("{endpoint}: {e}"))?;
        let lifetime = token.expires_in.map_or(DEFAULT_SESSION, Duration::from_secs);
        Ok((token.access_token, lifetime))
    }
}

/// `GET /auth/login`: to the provider, with a fresh state and code challenge.
pub(crate) async fn login(State(state): State<WebState>, headers: HeaderMap) -> Response {
    let SignIn::Oidc(oidc) = &state.sign_in else {
        return refusal(
            StatusCode::NOT_FOUND,
            "Sign in with the link `todo serve` printed (or `todo web`).",
        );
    };
    let discovery = match oidc.discovery().await {
        Ok(discovery) => discovery,
        Err(error) => {
            tracing::error!(%error, "the identity provider cannot be reached");
            return refusal(
                StatusCode::BAD_GATEWAY,
                "The identity provider cannot be reached; try again in a moment.",
            );
        }
    };
    let flow_state = browser::random_value();
    let verifier = browser::random_value();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", &oidc.settings.client_id)
        .append_pair("redirect_uri", &oidc.settings.redirect_url)
        .append_pair("scope", &oidc.settings.scopes)
        .append_pair("state", &flow_state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let separator = if discovery.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    let location = format!("{}{separator}{}", discovery.authorization_endpoint, query.finish());
    let secure = if crate::links::https(&headers) { "; Secure" } else { "" };
    let flow = format!(
        "{FLOW_COOKIE}={flow_state}.{verifier}; Path=/auth; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        FLOW_TTL.as_secs()
    );
    let response = (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
    crate::with_cookies(response, [&flow])
}

#[derive(Debug, Deserialize)]
pub(crate) struct Callback {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: Option<String>,
}

/// `GET /auth/callback`: the provider's answer; signs the browser in.
pub(crate) async fn callback(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(answer): Query<Callback>,
) -> Response {
    let SignIn::Oidc(oidc) = &state.sign_in else {
        return refusal(StatusCode::NOT_FOUND, "This platform signs in by link.");
    };
    if let Some(error) = answer.error {
        return refusal(StatusCode::FORBIDDEN, &format!("The identity provider said: {error}."));
    }
    let Some((kept_state, verifier)) = browser::cookie(&headers, FLOW_COOKIE).and_then(|v| v.split_once('.')) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            "This sign-in was not started here, or took longer than 10 minutes; sign in again.",
        );
    };
    if answer.state.is_empty() || !browser::constant_time_eq(answer.state.as_bytes(), kept_state.as_bytes()) {
        return refusal(
            StatusCode::BAD_REQUEST,
            "This sign-in answer does not belong to this browser.",
        );
    }
    let (token, lifetime) = match oidc.redeem(&answer.code, verifier).await {
        Ok(redeemed) => redeemed,
        Err(error) => {
            tracing::warn!(%error, "the authorization code was not redeemed");
            return refusal(
                StatusCode::BAD_GATEWAY,
                "The identity provider did not accept this sign-in; sign in again.",
            );
        }
    };
    let user = match state.auth.verify(&token).await {
        Ok(user) => user,
        Err(error) => {
            tracing::warn!(%error, "the provider's access token is not one the APIs accept");
            return refusal(
                StatusCode::FORBIDDEN,
                "The identity provider's token is not accepted by this platform.",
            );
        }
    };
    tracing::info!(target: "audit", event = "sign_in", actor = %user, method = "oidc", "signed in by the identity provider");
    let secure = crate::links::https(&headers);
    let cookies = browser::sign_in_cookies(&token, &browser::random_value(), lifetime.as_secs(), secure);
    let forget_flow = format!(
        "{FLOW_COOKIE}=; Path=/auth; Max-Age=0; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    );
    let response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    crate::with_cookies(response, cookies.iter().chain([&forget_flow]))
}

fn refusal(status: StatusCode, reason: &str) -> Response {
    crate::links::page(status, "Sign-in refused", reason)
}
