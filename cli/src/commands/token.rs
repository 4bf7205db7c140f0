//! `todo token`: mint a development token from the secret `todo serve` generated (or from
//! `AUTH_JWT_SECRET`). The token is printed alone on the last line, for `$(todo token | tail -1)`.

use anyhow::anyhow;
use todo_kit::settings::env_var;

use crate::args::{Global, TokenArgs};
use crate::dev_auth;

pub(super) fn run(global: &Global, args: &TokenArgs) -> anyhow::Result<()> {
    let secret = env_var("AUTH_JWT_SECRET")
        .or_else(|| dev_auth::existing_secret(&global.data_dir))
        .ok_or_else(|| {
            anyhow!(
                "no signing secret: run `todo serve` once (it creates {}) or set AUTH_JWT_SECRET",
                dev_auth::secret_path(&global.data_dir).display()
            )
        })?;
    let token = dev_auth::mint(&secret, &args.user, args.days)?;
    eprintln!("Token for user '{}', valid {} days:", args.user, args.days);
    println!("{token}");
    Ok(())
}
