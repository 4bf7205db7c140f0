//! Sign-in and cookie-authenticated writes over plain HTTP: a link signs in once and is no bearer
//! token; the session cookie reads; a write by cookie needs the matching `X-CSRF-Token` and must
//! not come from another site, and a refused write changes nothing.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::{Value, json};

use super::sign_in_link;
use crate::harness::Platform;

#[tokio::test]
async fn a_link_signs_in_once_and_cookie_writes_need_their_cross_site_proof() {
    let platform = Platform::start(None);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = &platform.url;

    // The page is served with a policy that runs only its own scripts.
    let page = http.get(format!("{url}/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe"), "{csp}");
    let me = http.get(format!("{url}/auth/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(me.json::<Value>().await.unwrap()["sign_in"], "link");

    // The link: once, and never as a bearer token.
    let link = sign_in_link(&platform, "local");
    let link_token = link.split_once("token=").unwrap().1.to_owned();
    let as_bearer = http
        .get(format!("{url}/api/tasks"))
        .bearer_auth(&link_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        as_bearer.status(),
        StatusCode::UNAUTHORIZED,
        "a link is not an API token"
    );
    let signed_in = http.get(&link).send().await.unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()[LOCATION], "/");
    let set = todo_testing::set_cookies(signed_in.headers());
    let session = set.iter().find(|c| c.0 == "todo_session").expect("session cookie");
    let csrf = set.iter().find(|c| c.0 == "todo_csrf").expect("csrf cookie");
    assert!(
        session.2.contains("HttpOnly") && session.2.contains("SameSite=Strict"),
        "{session:?}"
    );
    assert!(
        !csrf.2.contains("HttpOnly") && csrf.2.contains("SameSite=Strict"),
        "{csrf:?}"
    );
    let again = http.get(&link).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::FORBIDDEN, "a link signs in once");
    assert!(again.text().await.unwrap().contains("already used"));

    let jar = format!("todo_session={}; todo_csrf={}", session.1, csrf.1);
    let me = http
        .get(format!("{url}/auth/me"))
        .header(COOKIE, &jar)
        .send()
        .await
        .unwrap();
    assert_eq!(me.json::<Value>().await.unwrap()["user"], "local");
    let read = http
        .get(format!("{url}/api/tasks"))
        .header(COOKIE, &jar)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK, "the cookie reads");

    // Writes by cookie: refused without the header, with a wrong one, or from another site.
    let create = |extra: Vec<(&'static str, String)>| {
        let mut request = http
            .post(format!("{url}/api/tasks"))
            .header(COOKIE, &jar)
            .json(&json!({"title": "Forged"}));
        for (name, value) in extra {
            request = request.header(name, value);
        }
        request.send()
    };
    for (extra, why) in [
        (vec![], "no header"),
        (vec![("x-csrf-token", "not-the-cookie".to_owned())], "a wrong header"),
        (
            vec![
                ("x-csrf-token", csrf.1.clone()),
                ("sec-fetch-site", "cross-site".to_owned()),
            ],
            "another site",
        ),
    ] {
        let refused = create(extra).await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{why}");
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(
            problem["type"], "https://evolution-of-todo.dev/problems/cross-site",
            "{problem}"
        );
    }
    let token = platform.local_token();
    let listed: Value = http
        .get(format!("{url}/api/tasks"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]), "a refused write changed nothing");
    let made = create(vec![
        ("x-csrf-token", csrf.1.clone()),
        ("sec-fetch-site", "same-origin".to_owned()),
    ])
    .await
    .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);

    // Signing out forgets both cookies (a write too).
    let out = http
        .post(format!("{url}/auth/logout"))
        .header(COOKIE, &jar)
        .header("x-csrf-token", &csrf.1)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert!(
        todo_testing::set_cookies(out.headers())
            .iter()
            .all(|c| c.1.is_empty() && c.2.contains("Max-Age=0"))
    );
}
