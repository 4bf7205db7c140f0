//! `todo token`: mint a development token from the secret `todo serve` generated (or from
//! `AUTH_JWT_SECRET`), carrying `AUTH_ISSUER` and `AUTH_AUDIENCE` when they are set (as a cluster
//! with an identity provider requires of every token). The token is printed alone on the last
//! line, for `$(todo token | tail -1)`.
//! `todo web`: a new one-time sign-in link to the web page, signed with the same secret.

use anyhow::anyhow;
use todo_kit::settings::env_var;

use crate::args::{Global, TokenArgs, WebArgs};
use crate::dev_auth;

pub(super) fn run(global: &Global, args: &TokenArgs) -> anyhow::Result<()> {
    let secret = secret(global)?;
    let settings = todo_kit::auth::AuthSettings::from_env();
    let token = dev_auth::mint(&secret, &args.user, args.days, settings.stamp())?;
    eprintln!("Token for user '{}', valid {} days:", args.user, args.days);
    println!("{token}");
    Ok(())
}

pub(super) fn web(global: &Global, args: &WebArgs) -> anyhow::Result<()> {
    let secret = secret(global)?;
    let link = web::mint_link(secret.as_bytes(), &args.user, &global.api)?;
    eprintln!(
        "Open this link to sign '{}' in to the web page (once, within {} hours):",
        args.user,
        web::LINK_TTL.as_secs() / 3600
    );
    println!("{link}");
    Ok(())
}

/// The secret `todo serve` signs with: `AUTH_JWT_SECRET`, or the one it keeps in the data directory.
fn secret(global: &Global) -> anyhow::Result<String> {
    env_var("AUTH_JWT_SECRET")
        .or_else(|| dev_auth::existing_secret(&global.data_dir))
        .ok_or_else(|| {
            anyhow!(
                "no signing secret: run `todo serve` once (it creates {}) or set AUTH_JWT_SECRET",
                dev_auth::secret_path(&global.data_dir).display()
            )
        })
}
