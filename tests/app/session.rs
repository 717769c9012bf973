//! Signing in from the browser, sessions, cross-site protection, and sign-in-only reading.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use glossa::http::{AppState, router};
use serde_json::json;

use crate::helpers::{BASE_URL, SEED, TestApp, select};

fn login(name: &str, token: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request
        .body(Body::from(format!(
            "name={name}&token={token}&next=%2Fdocuments%2F{SEED}"
        )))
        .unwrap()
}

fn session_of(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_renews_the_session() {
    let app = TestApp::with_seed_and(&[]).await;
    let token = app.add_analyst("alice").await;
    let bad = app.request(login("alice", "wrong", None)).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(
        select(&bad.html(), "[role=alert]").len() == 1,
        "the page says what went wrong"
    );
    let first = app.request(login("alice", &token, None)).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(first.header("location"), format!("/documents/{SEED}"));
    let cookie = first.header("set-cookie").to_owned();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie} lacks {flag}");
    }
    assert!(!cookie.contains("Secure"), "plain http base URL");
    let session = session_of(&cookie);
    let page = app
        .request(
            Request::get("/")
                .header("cookie", &session)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(page.body.contains("Signed in as"), "the session works");
    let again = app.request(login("alice", &token, Some(&session))).await;
    let renewed = session_of(again.header("set-cookie"));
    assert_ne!(renewed, session, "a new session id at every sign-in");
    let old = app
        .request(
            Request::get("/")
                .header("cookie", &session)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(!old.body.contains("Signed in as"), "the old session ended");
    let logout = app
        .request(
            Request::post("/logout")
                .header("cookie", &renewed)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert!(logout.header("set-cookie").contains("Max-Age=0"));
    let after = app
        .request(
            Request::get("/")
                .header("cookie", &renewed)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        !after.body.contains("Signed in as"),
        "logout ends the session on the server"
    );
    let offsite = app
        .request(
            Request::get("/login?next=https://evil.example/")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        offsite.body.contains("value=\"/\""),
        "sign-in never redirects to another site"
    );
}

#[tokio::test]
async fn cookies_are_secure_when_the_base_url_is_https() {
    let app = TestApp::with_seed_and(&[]).await;
    let token = app.add_analyst("alice").await;
    let secure = router(AppState::new(
        app.store.clone(),
        "https://glossa.example",
        false,
    ));
    let response = tower::ServiceExt::oneshot(secure, login("alice", &token, None))
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn cookie_authenticated_writes_from_other_sites_are_refused() {
    let app = TestApp::with_seed_and(&[]).await;
    let token = app.add_analyst("alice").await;
    let session = session_of(
        app.request(login("alice", &token, None))
            .await
            .header("set-cookie"),
    );
    let note = json!({"target": {"source": format!("{BASE_URL}/documents/{SEED}"), "selector": {"type": "TextQuoteSelector", "exact": "Pyongyang and Moscow"}}});
    let container = format!("/api/documents/{SEED}/annotations/");
    let post = |headers: Vec<(&'static str, &'static str)>, content_type: &'static str| {
        let mut request = Request::post(&container)
            .header("cookie", &session)
            .header("content-type", content_type);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.body(Body::from(note.to_string())).unwrap()
    };
    let cases = [
        (
            vec![("sec-fetch-site", "cross-site")],
            "application/json",
            StatusCode::FORBIDDEN,
        ),
        (
            vec![("origin", "https://evil.example")],
            "application/json",
            StatusCode::FORBIDDEN,
        ),
        (vec![], "application/json", StatusCode::FORBIDDEN),
        (
            vec![("sec-fetch-site", "same-origin")],
            "text/plain",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            vec![("sec-fetch-site", "same-origin")],
            "application/x-www-form-urlencoded",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            vec![("origin", "http://glossa.test")],
            "application/ld+json",
            StatusCode::CREATED,
        ),
        (
            vec![("sec-fetch-site", "same-origin")],
            "application/json; charset=utf-8",
            StatusCode::CREATED,
        ),
    ];
    for (headers, content_type, expected) in cases {
        let shown = format!("{headers:?} {content_type}");
        let page = app.request(post(headers, content_type)).await;
        assert_eq!(page.status, expected, "{shown}: {}", page.body);
    }
    let cross = app
        .request(
            Request::post("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site")
                .body(Body::from(format!("name=alice&token={token}")))
                .unwrap(),
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN, "login CSRF is refused");
}

#[tokio::test]
async fn require_sign_in_closes_reading_to_anonymous_visitors() {
    let app = TestApp::with_seed_and(&[]).await;
    let token = app.add_analyst("alice").await;
    let closed = router(AppState::new(app.store.clone(), BASE_URL, true));
    let get = |uri: &str, auth: Option<&str>| {
        let mut request = Request::get(uri);
        if let Some(token) = auth {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        tower::ServiceExt::oneshot(closed.clone(), request.body(Body::empty()).unwrap())
    };
    let page = get(&format!("/documents/{SEED}"), None).await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers()["location"],
        format!("/login?next=/documents/{SEED}")
    );
    assert_eq!(
        get("/", None).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let container = format!("/api/documents/{SEED}/annotations/");
    assert_eq!(
        get(&container, None).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&container, Some(&token)).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        get(&format!("/documents/{SEED}"), Some(&token))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(get("/login", None).await.unwrap().status(), StatusCode::OK);
    for uri in [
        "/api/documents",
        "/api/actors",
        &format!("/api/documents/{SEED}"),
    ] {
        assert_eq!(
            get(uri, None).await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
        assert_eq!(
            get(uri, Some(&token)).await.unwrap().status(),
            StatusCode::OK,
            "{uri}"
        );
    }
}
