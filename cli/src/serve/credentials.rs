//! How `todo serve` authenticates: the configured `AUTH_*` settings, or else a development secret
//! kept in the data directory and a token for user `local` beside it, which the client commands
//! pick up.

use std::path::Path;
use std::sync::Arc;

use secrecy::SecretString;
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;

use crate::dev_auth;

/// The user `todo serve` signs its own token and the page's links for.
pub(super) const LOCAL_USER: &str = "local";

/// The server's authentication.
pub(super) struct Credentials {
    /// The settings, with the development secret when none was configured.
    pub(super) settings: AuthSettings,
    pub(super) auth: Arc<Authenticator>,
    /// The token written for [`LOCAL_USER`], when the secret is the development one.
    pub(super) token: Option<String>,
}

/// Reads the settings, and without `AUTH_JWT_SECRET` loads (or creates) the development secret in
/// `data_dir` and writes a token for [`LOCAL_USER`] there.
///
/// # Errors
/// When the secret or the token cannot be read or written, or the settings cannot work.
pub(super) fn load(data_dir: &Path) -> anyhow::Result<Credentials> {
    let mut settings = AuthSettings::from_env();
    let secret = match &settings.jwt_secret {
        Some(_) => None,
        None => {
            let secret = dev_auth::load_or_create_secret(data_dir)?;
            settings.jwt_secret = Some(SecretString::from(secret.clone()));
            Some(secret)
        }
    };
    let auth = Arc::new(Authenticator::new(&settings)?);
    let token = match &secret {
        Some(secret) => {
            let token = dev_auth::mint(secret, LOCAL_USER, 30, settings.stamp())?;
            dev_auth::write_private(&dev_auth::token_path(data_dir), &token)?;
            Some(token)
        }
        None => None,
    };
    Ok(Credentials { settings, auth, token })
}
