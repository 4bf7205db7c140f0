//! Bearer-token authentication (or the same token in a browser's session cookie, [`browser`]): HS256 with a shared secret (`AUTH_JWT_SECRET`) and/or keys from a
//! JWKS endpoint (`AUTH_JWKS_URL`: RS256, ES256, EdDSA). The user id is the token's `sub`.
//!
//! JWKS keys are cached; an unknown `kid` triggers at most one refresh per cooldown, so a flood
//! of forged tokens cannot turn into a flood of requests to the identity provider.
//!
//! [`AuthSettings`] configure an [`Authenticator`], which verifies tokens ([`authenticator`]) with
//! keys from the secret or the JWKS endpoint ([`jwks`]) and remembers recent ones ([`verified`]);
//! [`AuthUser`] is the verified caller of a request ([`user`]); [`mint`] signs the platform's own.

mod authenticator;
pub mod browser;
mod error;
mod jwks;
mod mint;
mod settings;
#[cfg(test)]
mod tests;
mod user;
mod verified;

pub use authenticator::{Authenticator, MIN_SECRET_BYTES, Verified};
pub use error::AuthError;
pub use mint::{mint_hs256, mint_hs256_stamped, mint_hs256_with_roles};
pub use settings::{AuthSettings, Stamp};
pub use user::{ADMIN_ROLE, AuthUser, bearer_token};
pub use verified::{VERIFIED_CAPACITY, VERIFIED_TTL};
