//! Hostile traffic: rate limits keyed on who is asking, panics that become a generic 500,
//! slow clients that cannot hold the server, and a cap on connections.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use glossa::http::limits::Limits;
use glossa::http::{AppState, router};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use crate::helpers::{BASE_URL, SEED, TestApp, repo_corpus, start_server};

#[tokio::test]
async fn writes_beyond_the_limit_get_429_with_retry_after() {
    let app = TestApp::with_seed_and(&[]).await;
    let token = app.add_analyst("alice").await;
    let other = app.add_analyst("bob").await;
    let limited =
        router(AppState::new(app.store.clone(), BASE_URL, false).with_limits(Limits::new(3)));
    let post = |token: &str| {
        let note = json!({"body": {"value": "x"}, "target": {"source": format!("{BASE_URL}/documents/{SEED}"),
            "selector": {"type": "TextPositionSelector", "start": 0, "end": 5}}});
        Request::post(format!("/api/documents/{SEED}/annotations/"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(note.to_string()))
            .unwrap()
    };
    for _ in 0..3 {
        assert_eq!(
            limited
                .clone()
                .oneshot(post(&token))
                .await
                .unwrap()
                .status(),
            StatusCode::CREATED
        );
    }
    let refused = limited.clone().oneshot(post(&token)).await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    let body: serde_json::Value =
        serde_json::from_slice(&refused.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(
        limited.oneshot(post(&other)).await.unwrap().status(),
        StatusCode::CREATED,
        "limits are per analyst"
    );
}

#[tokio::test]
async fn failed_sign_ins_are_limited_per_name_and_bad_tokens_per_peer() {
    let app = TestApp::with_seed_and(&[]).await;
    let token = app.add_analyst("alice").await;
    let login = |name: &str, token: &str| {
        Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("name={name}&token={token}")))
            .unwrap()
    };
    for _ in 0..5 {
        assert_eq!(
            app.request(login("alice", "guess")).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = app.request(login("alice", &token)).await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right token waits"
    );
    assert!(!locked.header("retry-after").is_empty());
    assert_eq!(
        app.request(login("bob", "guess")).await.status,
        StatusCode::UNAUTHORIZED,
        "other names are not locked"
    );
    for _ in 0..20 {
        assert_eq!(
            app.send("GET", "/api/actors", Some("bad-token"), None, &[])
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = app
        .send("GET", "/api/actors", Some("bad-token"), None, &[])
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown or revoked token"),
        "{}",
        limited.json()
    );
    assert_eq!(
        app.send("GET", "/api/actors", Some(&token), None, &[])
            .await
            .status,
        StatusCode::OK,
        "a valid token from the same address is not refused for others' failures"
    );
}

#[tokio::test]
async fn a_panicking_handler_answers_a_generic_500() {
    async fn boom() -> &'static str {
        panic!("secret internal detail")
    }
    let app = Router::new()
        .route("/boom", get(boom))
        .layer(glossa::http::catch_panics());
    let response = app
        .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        body.contains("\"code\":\"internal\"") && !body.contains("secret"),
        "{body}"
    );
}

fn healthz(host: &str) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // A connection over the cap may be closed before the request is written.
    let _ = write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    (response, started.elapsed())
}

fn closed_by_server(stream: &mut TcpStream) -> bool {
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 64];
    matches!(stream.read(&mut buf), Ok(0) | Err(_))
        && stream
            .write_all(b"X-More: 1\r\n")
            .and_then(|_| stream.read(&mut buf))
            .map_or(true, |n| n == 0)
}

#[test]
fn a_slowloris_of_300_sockets_leaves_healthz_answering_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(
        &dir.path().join("slow.db"),
        &repo_corpus(),
        &["--header-timeout", "2"],
    );
    let mut slow = Vec::new();
    for i in 0..300 {
        let mut stream = TcpStream::connect(&server.host).unwrap();
        if i % 2 == 0 {
            write!(stream, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").unwrap();
        }
        slow.push(stream);
    }
    for round in 0..3 {
        for (i, stream) in slow.iter_mut().enumerate().filter(|(i, _)| i % 2 == 0) {
            let _ = write!(stream, "{round}{i}");
        }
        let (response, took) = healthz(&server.host);
        assert!(
            response.starts_with("HTTP/1.1 200") && response.contains("\r\n\r\nok: "),
            "{response}"
        );
        assert!(
            took < Duration::from_secs(1),
            "healthz took {took:?} under a slowloris"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_millis(2500));
    let still_open = slow
        .iter_mut()
        .map(closed_by_server)
        .filter(|closed| !closed)
        .count();
    assert_eq!(
        still_open, 0,
        "slow connections are closed after the header timeout"
    );
}

#[test]
fn connections_beyond_the_cap_are_closed_until_others_leave() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_server(
        &dir.path().join("cap.db"),
        &repo_corpus(),
        &["--max-connections", "4", "--header-timeout", "1"],
    );
    let idle: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(&server.host).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let (refused, _) = healthz(&server.host);
    assert!(
        refused.is_empty(),
        "a fifth connection is closed at once: {refused:?}"
    );
    std::thread::sleep(Duration::from_millis(1500));
    let (response, _) = healthz(&server.host);
    assert!(
        response.contains("\r\n\r\nok: "),
        "the idle ones timed out and freed their places: {response:?}"
    );
    drop(idle);
}
