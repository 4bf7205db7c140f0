//! web's description: what `knative/`, `keda/` and `todo functions` are checked against, and how
//! the binary starts.

use std::sync::Arc;

use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use todo_kit::function::{EventDelivery, Function, Http, Parts};
use todo_kit::settings::common;

use crate::{SignIn, WebState};

/// web as a deployable function: the page and its sign-in, behind the same gateway as the APIs
/// the page calls (same origin, so the session cookie reaches them).
pub const FUNCTION: Function = Function {
    name: "web",
    summary: "the page in the browser (tasks, live updates, chat, analytics, webhooks) and its sign-in",
    http: Http::Public(&["/", "/assets", "/signin", "/auth"]),
    consumes: &[],
    delivery: EventDelivery::Events,
    publishes: &[],
    settings: &[crate::settings::OIDC, common::AUTH, common::SERVER, common::TELEMETRY],
    periodic: &[],
};

/// Reads how people sign in: through the identity provider (`OIDC_CLIENT_ID`, the cluster's
/// staging and prod) or by one-time links signed with `AUTH_JWT_SECRET` (dev).
///
/// # Errors
/// A bad setting, or neither way of signing in configured.
pub async fn start() -> anyhow::Result<Parts> {
    let auth_settings = AuthSettings::from_env();
    let auth = Arc::new(Authenticator::new(&auth_settings)?);
    let Some(sign_in) = SignIn::from_env(&auth_settings)? else {
        anyhow::bail!(
            "web cannot sign anyone in: set OIDC_CLIENT_ID (with AUTH_ISSUER and OIDC_REDIRECT_URL) for an \
             identity provider, or AUTH_JWT_SECRET for sign-in links (`todo web` prints one)"
        );
    };
    Ok(Parts {
        routes: crate::unlayered(WebState { sign_in, auth }),
        ..Parts::default()
    })
}
