//! Signing in through an identity provider: OpenID Connect's authorization code flow with PKCE,
//! against a local provider that speaks the protocol (discovery, authorize, token, JWKS) and
//! checks what a real one checks (the client, the redirect, the S256 challenge, one use per
//! code). The provider's ES256 access token becomes the session cookie, which the same
//! `Authenticator` the APIs use accepts through the JWKS.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use todo_kit::Authenticator;
use todo_kit::auth::AuthSettings;
use web::{Oidc, OidcSettings, SignIn, WebState};

const CLIENT: &str = "todo-web";

/// What the provider remembers of each code it handed out.
struct Grant {
    challenge: String,
    redirect: String,
}

#[derive(Clone)]
struct Provider {
    base: String,
    key: Arc<EncodingKey>,
    jwk: Arc<Jwk>,
    codes: Arc<Mutex<HashMap<String, Grant>>>,
}

async fn discovery(State(p): State<Provider>) -> Json<Value> {
    Json(json!({
        "issuer": p.base,
        "authorization_endpoint": format!("{}/authorize", p.base),
        "token_endpoint": format!("{}/token", p.base),
        "jwks_uri": format!("{}/jwks", p.base),
    }))
}

/// Signs "carol" in at once and sends the browser back with a code.
async fn authorize(State(p): State<Provider>, Query(q): Query<HashMap<String, String>>) -> Response {
    let ok = q.get("response_type").map(String::as_str) == Some("code")
        && q.get("client_id").map(String::as_str) == Some(CLIENT)
        && q.get("code_challenge_method").map(String::as_str) == Some("S256")
        && q.get("scope").is_some_and(|s| s.split(' ').any(|s| s == "openid"));
    if !ok {
        return (StatusCode::BAD_REQUEST, format!("bad authorization request: {q:?}")).into_response();
    }
    let code = format!("code-{}", p.codes.lock().unwrap().len());
    let redirect = q["redirect_uri"].clone();
    p.codes.lock().unwrap().insert(
        code.clone(),
        Grant {
            challenge: q["code_challenge"].clone(),
            redirect: redirect.clone(),
        },
    );
    let location = format!("{redirect}?code={code}&state={}", q["state"]);
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// Redeems a code once, for the verifier whose S256 hash is the challenge.
async fn token(State(p): State<Provider>, body: String) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let refuse = || (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant"}))).into_response();
    let Some(grant) = form.get("code").and_then(|code| p.codes.lock().unwrap().remove(code)) else {
        return refuse();
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if form.get("grant_type").map(String::as_str) != Some("authorization_code")
        || form.get("client_id").map(String::as_str) != Some(CLIENT)
        || form.get("redirect_uri") != Some(&grant.redirect)
        || URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge
    {
        return refuse();
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some("provider-key".into());
    let access = jsonwebtoken::encode(
        &header,
        &json!({"sub": "carol", "iss": p.base, "exp": now + 300, "iat": now}),
        &p.key,
    )
    .unwrap();
    Json(json!({"access_token": access, "token_type": "Bearer", "expires_in": 300})).into_response()
}

async fn jwks(State(p): State<Provider>) -> Json<JwkSet> {
    Json(JwkSet {
        keys: vec![(*p.jwk).clone()],
    })
}

/// The provider and the web function signing in through it; the web function's base URL.
async fn platform() -> (String, Provider) {
    use p256::pkcs8::EncodePrivateKey;
    let secret = p256::SecretKey::from_slice(&rand::random::<[u8; 32]>()).unwrap();
    let key = EncodingKey::from_ec_der(secret.to_pkcs8_der().unwrap().as_bytes());
    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::ES256).unwrap();
    jwk.common.key_id = Some("provider-key".into());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let provider = Provider {
        base: base.clone(),
        key: Arc::new(key),
        jwk: Arc::new(jwk),
        codes: Arc::default(),
    };
    let routes = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/jwks", get(jwks))
        .with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, routes).await });

    let auth = Arc::new(
        Authenticator::new(&AuthSettings {
            jwks_url: Some(format!("{base}/jwks")),
            issuer: Some(base.clone()),
            ..AuthSettings::default()
        })
        .unwrap(),
    );
    // The web function's own address is known once bound: its callback is at that address.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let web_url = format!("http://{}", listener.local_addr().unwrap());
    let oidc = Oidc::new(OidcSettings {
        issuer: base,
        client_id: CLIENT.into(),
        client_secret: None,
        redirect_url: format!("{web_url}/auth/callback"),
        scopes: "openid profile".into(),
    });
    let router = todo_kit::layers::standard_with(
        web::routes(WebState {
            sign_in: SignIn::Oidc(Arc::new(oidc)),
            auth,
        }),
        &todo_kit::limits::EdgeSettings::default(),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    (web_url, provider)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

/// Starts a sign-in: the provider's authorization URL and the flow cookie.
async fn start(http: &reqwest::Client, web: &str) -> (String, String) {
    let login = http.get(format!("{web}/auth/login")).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::FOUND);
    let flow = todo_testing::set_cookies(login.headers())
        .into_iter()
        .find(|c| c.0 == "todo_oidc")
        .expect("the flow cookie");
    assert!(
        flow.2.contains("HttpOnly") && flow.2.contains("SameSite=Lax"),
        "{flow:?}"
    );
    (location(&login), format!("todo_oidc={}", flow.1))
}

#[tokio::test]
async fn a_person_signs_in_through_the_provider_with_pkce_and_the_session_cookie_works() {
    let (web, provider) = platform().await;
    let http = client();

    // Act: the browser's round trip.
    let (authorize_url, flow) = start(&http, &web).await;
    assert!(
        authorize_url.starts_with(&format!("{}/authorize?", provider.base)),
        "{authorize_url}"
    );
    assert!(authorize_url.contains("code_challenge_method=S256"), "{authorize_url}");
    let back = http.get(&authorize_url).send().await.unwrap();
    let callback = location(&back);
    assert!(
        callback.starts_with(&format!("{web}/auth/callback?code=")),
        "{callback}"
    );
    let signed_in = http.get(&callback).header(header::COOKIE, &flow).send().await.unwrap();

    // Assert
    assert_eq!(
        signed_in.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        signed_in.text().await
    );
    assert_eq!(location(&signed_in), "/");
    let cookies = todo_testing::set_cookies(signed_in.headers());
    let session = cookies.iter().find(|c| c.0 == "todo_session").expect("a session");
    assert!(
        session.2.contains("HttpOnly") && session.2.contains("Max-Age=300"),
        "{session:?}"
    );
    let csrf = cookies.iter().find(|c| c.0 == "todo_csrf").expect("a CSRF cookie");
    assert!(
        cookies.iter().any(|c| c.0 == "todo_oidc" && c.2.contains("Max-Age=0")),
        "the flow cookie is forgotten"
    );
    let me: Value = http
        .get(format!("{web}/auth/me"))
        .header(
            header::COOKIE,
            format!("todo_session={}; todo_csrf={}", session.1, csrf.1),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me, json!({"user": "carol", "sign_in": "oidc"}));

    // The same answer a second time: the provider redeems a code once.
    let replayed = http.get(&callback).header(header::COOKIE, &flow).send().await.unwrap();
    assert_eq!(replayed.status(), StatusCode::BAD_GATEWAY);
}

#[tokio::test]
async fn answers_that_are_not_this_browsers_are_refused() {
    let (web, _provider) = platform().await;
    let http = client();

    // Another browser's answer (no flow cookie), and an answer with another state.
    let (authorize_url, flow) = start(&http, &web).await;
    let callback = location(&http.get(&authorize_url).send().await.unwrap());
    let without_cookie = http.get(&callback).send().await.unwrap();
    assert_eq!(without_cookie.status(), StatusCode::BAD_REQUEST);
    let (other_url, other_flow) = start(&http, &web).await;
    let other_callback = location(&http.get(&other_url).send().await.unwrap());
    let crossed = http
        .get(&other_callback)
        .header(header::COOKIE, &flow)
        .send()
        .await
        .unwrap();
    assert_eq!(
        crossed.status(),
        StatusCode::BAD_REQUEST,
        "the state names another sign-in"
    );

    // A verifier that is not the one the challenge was made from: the provider refuses the code.
    let (state, _) = other_flow.trim_start_matches("todo_oidc=").split_once('.').unwrap();
    let forged = format!("todo_oidc={state}.{}", "v".repeat(43));
    let refused = http
        .get(&other_callback)
        .header(header::COOKIE, forged)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_GATEWAY);
    assert!(
        todo_testing::set_cookies(refused.headers())
            .iter()
            .all(|c| c.0 != "todo_session"),
        "no session"
    );

    // The provider's error is shown, escaped.
    let error = http
        .get(format!("{web}/auth/callback?error=%3Cscript%3Ealert(1)%3C/script%3E"))
        .send()
        .await
        .unwrap();
    assert_eq!(error.status(), StatusCode::FORBIDDEN);
    let page = error.text().await.unwrap();
    assert!(page.contains("&lt;script&gt;") && !page.contains("<script>"), "{page}");
}
