//! The embedded mode's development credentials: a random HS256 secret kept in the data
//! directory (mode 0600), and tokens minted from it, so a person never has to set up auth to try
//! the product, and `todo` commands authenticate without flags.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use rand::RngCore;

/// The file holding the signing secret.
pub(crate) fn secret_path(data_dir: &Path) -> PathBuf {
    data_dir.join("dev-secret")
}

/// The file holding the token of user `local`.
pub(crate) fn token_path(data_dir: &Path) -> PathBuf {
    data_dir.join("local.token")
}

/// Reads the secret, creating a random one on first use.
///
/// # Errors
/// Fails when the data directory cannot be written.
pub(crate) fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<String> {
    let path = secret_path(data_dir);
    if let Ok(secret) = std::fs::read_to_string(&path) {
        let secret = secret.trim().to_owned();
        if secret.len() >= todo_kit::auth::MIN_SECRET_BYTES {
            return Ok(secret);
        }
    }
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &secret)?;
    Ok(secret)
}

/// Reads the secret if the server created one.
pub(crate) fn existing_secret(data_dir: &Path) -> Option<String> {
    std::fs::read_to_string(secret_path(data_dir))
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Mints a token for `user` valid for `days`, with the issuer and audience the platform's
/// settings require (`AUTH_ISSUER`, `AUTH_AUDIENCE`; none by default).
///
/// # Errors
/// Fails only if signing fails.
pub(crate) fn mint(secret: &str, user: &str, days: u64, stamp: todo_kit::auth::Stamp<'_>) -> anyhow::Result<String> {
    Ok(todo_kit::auth::mint_hs256_stamped(
        secret.as_bytes(),
        user,
        &[],
        Duration::from_secs(days * 86_400),
        stamp,
    )?)
}

/// Writes a file readable only by its owner.
///
/// # Errors
/// Fails when the file cannot be written.
pub(crate) fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("Failed to create {}", dir.display()))?;
    }
    std::fs::write(path, contents).with_context(|| format!("Failed to write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("Failed to restrict {}", path.display()))?;
    }
    Ok(())
}
