//! The platform's own tokens against its own settings, and secrets kept out of `Debug`.

use std::time::Duration;

use secrecy::SecretString;

use super::*;

#[tokio::test]
async fn the_platforms_own_tokens_carry_the_issuer_and_audience_it_requires() {
    let secret = "a-very-secret-signing-key-of-32-bytes-or-more";
    let settings = AuthSettings {
        jwt_secret: Some(SecretString::from(secret)),
        issuer: Some("https://id.example.com/realms/todo".into()),
        audience: Some("evolution-of-todo".into()),
        ..AuthSettings::default()
    };
    let authenticator = Authenticator::new(&settings).unwrap();
    let ttl = Duration::from_secs(60);
    let stamped = mint_hs256_stamped(secret.as_bytes(), "ops", &["admin"], ttl, settings.stamp()).unwrap();
    let verified = authenticator.verify_claims(&stamped).await.unwrap();
    assert_eq!(
        (verified.user_id.as_str(), verified.roles.as_slice()),
        ("ops", &["admin".to_owned()][..])
    );
    let bare = mint_hs256_with_roles(secret.as_bytes(), "ops", &["admin"], ttl).unwrap();
    assert!(authenticator.verify_claims(&bare).await.is_err(), "no iss, no aud");
    let elsewhere = Stamp {
        issuer: Some("https://elsewhere.example.com"),
        audience: Some("evolution-of-todo"),
    };
    let foreign = mint_hs256_stamped(secret.as_bytes(), "ops", &[], ttl, elsewhere).unwrap();
    assert!(authenticator.verify_claims(&foreign).await.is_err(), "another issuer");
}

#[test]
fn neither_the_settings_nor_the_authenticator_show_the_secret() {
    let secret = "a-very-secret-signing-key-of-32-bytes-or-more";
    let settings = AuthSettings {
        jwt_secret: Some(SecretString::from(secret)),
        ..AuthSettings::default()
    };
    let authenticator = Authenticator::new(&settings).unwrap();
    for shown in [
        format!("{settings:?}"),
        format!("{authenticator:?}"),
        format!("{authenticator:#?}"),
    ] {
        assert!(!shown.contains(secret), "{shown}");
        assert!(!shown.contains("a-very-secret"), "{shown}");
    }
}
