//! The session store over TLS, as managed Redis and Valkey (DigitalOcean) are reached: a
//! `rediss://` server whose certificate comes from a CA of its own. `scripts/redis-tls.sh` (run by
//! `scripts/services.sh`) starts one on 127.0.0.1:16380 (`TEST_REDISS_URL`) and writes its CA to
//! `target/redis-tls/ca.crt` (`REDIS_TLS_CA`). Every conformance case runs on it (`on_rediss`);
//! here, that the CA is what makes the connection trusted, and that the binary takes it from
//! `SESSION_STORE_CA_PEM`. Without that server these tests fail, never skip.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use session_api::SessionSettings;
use session_api::model::SessionError;
use session_api::store::{RedisSessionStore, SessionStore};

use super::RedisGuard;

const BINARY: &str = env!("CARGO_BIN_EXE_session-api");

fn rediss_url() -> String {
    std::env::var("TEST_REDISS_URL").unwrap_or_else(|_| "rediss://127.0.0.1:16380".into())
}

fn ca_path() -> String {
    std::env::var("REDIS_TLS_CA")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/redis-tls/ca.crt").into())
}

/// Fails the test, saying how to start the TLS Redis (in CI, that the CI must).
fn missing(what: &str) -> ! {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what}: in CI, scripts/services.sh (make services) must start the TLS Redis (scripts/redis-tls.sh)");
    }
    panic!("{what}: start it with `bash scripts/redis-tls.sh` (or `make services`)");
}

/// The CA's PEM, once the TLS Redis is known to listen.
fn ca_pem() -> String {
    let url = rediss_url();
    let address = url
        .trim_start_matches("rediss://")
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    if std::net::TcpStream::connect(address).is_err() {
        missing(&format!("no TLS Redis listens at {url}"));
    }
    let path = ca_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| missing(&format!("cannot read the TLS Redis's CA {path} ({e})")))
}

/// A store on the TLS Redis under a fresh prefix; the keys go when the guard drops.
pub(crate) async fn rediss_store(settings: SessionSettings) -> (Arc<dyn SessionStore>, RedisGuard) {
    let pem = ca_pem();
    let prefix = format!("test:{}:", uuid::Uuid::new_v4().simple());
    let store = RedisSessionStore::connect_with_ca(&rediss_url(), settings, &prefix, Some(&pem))
        .await
        .unwrap_or_else(|e| panic!("the TLS Redis at {} must take us with its CA ({e})", rediss_url()));
    let client = redis::Client::build_with_tls(
        rediss_url(),
        redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(pem.into_bytes()),
        },
    )
    .ok();
    (Arc::new(store), RedisGuard { prefix, client })
}

#[tokio::test]
async fn without_its_ca_a_rediss_server_is_refused_as_untrusted() {
    let _ = ca_pem();
    let started = Instant::now();
    let refused = RedisSessionStore::connect(&rediss_url(), SessionSettings::default(), "test:untrusted:").await;
    let Err(SessionError::Unavailable(message)) = refused else {
        panic!("a certificate from an unknown CA must be refused: {refused:?}");
    };
    assert!(
        message.contains("not trusted") && message.contains("SESSION_STORE_CA_PEM"),
        "the error says what is wrong and what to set: {message}"
    );
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_ca_is_refused_where_no_tls_would_use_it() {
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    for url in ["redis://127.0.0.1:6379", "memory://"] {
        let refused = session_api::store::connect_with_ca(url, SessionSettings::default(), "test:", Some(pem)).await;
        assert!(
            matches!(&refused, Err(SessionError::Invalid(m)) if m.contains("SESSION_STORE_CA_PEM")),
            "{url}: {:?}",
            refused.err()
        );
    }
    let not_pem =
        session_api::store::connect_with_ca(&rediss_url(), SessionSettings::default(), "test:", Some("ca.crt")).await;
    assert!(matches!(not_pem, Err(SessionError::Invalid(_))), "{:?}", not_pem.err());
}

/// session-api started as its manifest starts it: `SESSION_STORE` and `SESSION_STORE_CA_PEM`.
fn start_binary(ca_pem: Option<&str>, port: u16) -> std::process::Child {
    let mut command = Command::new(BINARY);
    command
        .env("SESSION_STORE", rediss_url())
        .env("SESSION_KEY_PREFIX", format!("test:{}:", uuid::Uuid::new_v4().simple()))
        .env("AUTH_JWT_SECRET", "0123456789abcdef0123456789abcdef-tls-test")
        .env("PORT", port.to_string())
        .env("HOST", "127.0.0.1")
        .env("BACKGROUND_WORK", "trigger")
        .env("RUST_LOG", "warn")
        .env_remove("EVENT_BUS")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    match ca_pem {
        Some(pem) => command.env("SESSION_STORE_CA_PEM", pem),
        None => command.env_remove("SESSION_STORE_CA_PEM"),
    };
    command.spawn().expect("start session-api")
}

fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    probe.local_addr().expect("addr").port()
}

/// Whether `GET /readyz` answers 200.
async fn ready(port: u16) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    let request = format!("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    answer.starts_with(b"HTTP/1.1 200")
}

#[tokio::test]
async fn the_binary_trusts_the_ca_of_session_store_ca_pem_and_nothing_else() {
    let pem = ca_pem();

    // With the CA: it connects and becomes ready.
    let port = free_port();
    let mut child = start_binary(Some(&pem), port);
    let mut up = false;
    for _ in 0..250 {
        if ready(port).await {
            up = true;
            break;
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    let _ = child.kill();
    let output = child.wait_with_output().expect("wait");
    assert!(
        up,
        "session-api with SESSION_STORE_CA_PEM never became ready: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Without it: it refuses to start, and says why.
    let mut child = start_binary(None, free_port());
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it must not start: {stderr}");
    assert!(
        stderr.contains("not trusted") && stderr.contains("SESSION_STORE_CA_PEM"),
        "{stderr}"
    );
}
