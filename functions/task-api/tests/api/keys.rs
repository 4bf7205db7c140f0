//! Signing keys generated at test time (RSA, P-256, Ed25519) with their public JWKs, and a small
//! axum server that publishes them as a JWKS document and counts how often it is fetched.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

/// A private key and the public JWK that verifies it.
pub(crate) struct SigningKey {
    pub(crate) algorithm: Algorithm,
    pub(crate) kid: &'static str,
    pub(crate) encoding: EncodingKey,
    pub(crate) jwk: Jwk,
}

impl SigningKey {
    fn new(algorithm: Algorithm, kid: &'static str, encoding: EncodingKey) -> Self {
        let mut jwk = Jwk::from_encoding_key(&encoding, algorithm).expect("a JWK for the key");
        jwk.common.key_id = Some(kid.to_owned());
        Self {
            algorithm,
            kid,
            encoding,
            jwk,
        }
    }

    /// A token for `sub` valid for an hour, signed by this key and naming `kid`.
    pub(crate) fn token(&self, sub: &str, kid: Option<&str>) -> String {
        let now = chrono::Utc::now().timestamp();
        sign(
            &self.encoding,
            self.algorithm,
            kid,
            &json!({"sub": sub, "exp": now + 3600, "iat": now}),
        )
    }
}

pub(crate) fn sign(key: &EncodingKey, algorithm: Algorithm, kid: Option<&str>, claims: &Value) -> String {
    let header = Header {
        kid: kid.map(str::to_owned),
        ..Header::new(algorithm)
    };
    encode(&header, claims, key).expect("sign a token")
}

fn rsa_key(kid: &'static str) -> SigningKey {
    use rsa::pkcs1::EncodeRsaPrivateKey;
    let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key");
    let der = private.to_pkcs1_der().expect("PKCS#1 DER");
    SigningKey::new(Algorithm::RS256, kid, EncodingKey::from_rsa_der(der.as_bytes()))
}

pub(crate) fn ec_key(kid: &'static str) -> SigningKey {
    use p256::pkcs8::EncodePrivateKey;
    let secret = p256::SecretKey::from_slice(&rand::random::<[u8; 32]>()).expect("a P-256 key");
    let der = secret.to_pkcs8_der().expect("PKCS#8 DER");
    SigningKey::new(Algorithm::ES256, kid, EncodingKey::from_ec_der(der.as_bytes()))
}

fn ed_key(kid: &'static str) -> SigningKey {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let private = ed25519_dalek::SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let der = private.to_pkcs8_der().expect("PKCS#8 DER");
    // The DER carries the public key too (PKCS#8 v2), which `Jwk::from_encoding_key` does not
    // read, so the JWK is written out by hand.
    let jwk = serde_json::from_value(json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(private.verifying_key().as_bytes()),
    }))
    .expect("an OKP JWK");
    SigningKey {
        algorithm: Algorithm::EdDSA,
        kid,
        encoding: EncodingKey::from_ed_der(der.as_bytes()),
        jwk,
    }
}

/// The published keys, and an EC key that is not published.
pub(crate) struct Keys {
    pub(crate) rsa: SigningKey,
    pub(crate) ec: SigningKey,
    pub(crate) ed: SigningKey,
    pub(crate) unpublished: SigningKey,
}

/// RSA key generation is slow in debug builds: once per test binary.
pub(crate) static KEYS: LazyLock<Keys> = LazyLock::new(|| Keys {
    rsa: rsa_key("rsa-1"),
    ec: ec_key("ec-1"),
    ed: ed_key("ed-1"),
    unpublished: ec_key("ec-1"),
});

/// A JWKS endpoint publishing `keys`, and how often it was fetched.
pub(crate) struct JwksServer {
    pub(crate) url: String,
    pub(crate) hits: Arc<AtomicUsize>,
    /// What it serves: replaced by [`JwksServer::publish`] (a key rotation).
    document: Arc<std::sync::RwLock<serde_json::Value>>,
    task: tokio::task::JoinHandle<()>,
}

impl JwksServer {
    /// Serves `keys` from now on.
    pub(crate) fn publish(&self, keys: &[&SigningKey]) {
        *self.document.write().expect("document") = document(keys);
    }
}

fn document(keys: &[&SigningKey]) -> serde_json::Value {
    let set = JwkSet {
        keys: keys.iter().map(|k| k.jwk.clone()).collect(),
    };
    serde_json::to_value(&set).expect("JWKS as JSON")
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(crate) async fn spawn_jwks(keys: &[&SigningKey]) -> JwksServer {
    let document = Arc::new(std::sync::RwLock::new(document(keys)));
    let hits = Arc::new(AtomicUsize::new(0));
    let (counter, served) = (hits.clone(), document.clone());
    let router = Router::new().route(
        "/.well-known/jwks.json",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let document = served.read().expect("document").clone();
            async move { axum::Json(document) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().expect("address")
    );
    let task = tokio::spawn(async move {
        axum::serve(listener, router).await.expect("JWKS server");
    });
    JwksServer {
        url,
        hits,
        document,
        task,
    }
}
