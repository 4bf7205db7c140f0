//! The web function's settings: how the page signs people in through the identity provider.
//! With `OIDC_CLIENT_ID` unset there is no provider, and `todo serve` signs the local user in by
//! link instead.

use todo_kit::settings::common::AUTH_ISSUER;
use todo_kit::settings::{ConfigError, Setting};

use crate::OidcSettings;

/// `OIDC_CLIENT_ID`: this client's id at the provider (`AUTH_ISSUER`).
pub const OIDC_CLIENT_ID: Setting = Setting::optional(
    "OIDC_CLIENT_ID",
    "the web page's client id at the identity provider (AUTH_ISSUER); unset: sign-in links",
);
/// `OIDC_CLIENT_SECRET`: for a confidential client.
pub const OIDC_CLIENT_SECRET: Setting = Setting::optional(
    "OIDC_CLIENT_SECRET",
    "the client's secret, when the provider registered a confidential client (PKCE alone otherwise)",
)
.secret();
/// `OIDC_REDIRECT_URL`: where the provider sends the browser back.
pub const OIDC_REDIRECT_URL: Setting = Setting::optional(
    "OIDC_REDIRECT_URL",
    "the page's callback as registered at the provider, e.g. https://todo.example.com/auth/callback",
);
/// `OIDC_SCOPES`.
pub const OIDC_SCOPES: Setting = Setting::optional("OIDC_SCOPES", "the scopes asked of the provider, space-separated")
    .default_value("openid profile");

/// Every setting of this module.
pub const OIDC: &[Setting] = &[OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URL, OIDC_SCOPES];

impl OidcSettings {
    /// The provider's settings from the environment, `None` when `OIDC_CLIENT_ID` is unset.
    ///
    /// # Errors
    /// [`ConfigError::Missing`] for a client id without `AUTH_ISSUER` or `OIDC_REDIRECT_URL`.
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        let Some(client_id) = OIDC_CLIENT_ID.value() else {
            return Ok(None);
        };
        Ok(Some(Self {
            issuer: AUTH_ISSUER.require()?,
            client_id,
            client_secret: OIDC_CLIENT_SECRET.secret_value(),
            redirect_url: OIDC_REDIRECT_URL.require()?,
            scopes: OIDC_SCOPES.value().unwrap_or_default(),
        }))
    }
}
