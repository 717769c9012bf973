//! Acknowledged means durable: a 2xx is sent only after the commit, so killing the server
//! with SIGKILL at any moment loses no acknowledged note and duplicates none; clients retry
//! safely with `Idempotency-Key`; every pooled connection runs `synchronous = FULL`.
//!
//! The kill loop runs 100 times, or as many as fit in 2 minutes; set `GLOSSA_KILL_LOOPS` for
//! a longer campaign (e.g. `GLOSSA_KILL_LOOPS=2000 cargo test --test app kill`).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{
    BASE_URL, RunningServer, SEED, TestApp, cli_add_analyst, copy_corpus, http_request, open_store,
    start_server,
};
use glossa::store::annotations::NoteFilter;

#[tokio::test]
async fn an_idempotency_key_makes_a_retry_return_the_same_note() {
    let app = TestApp::with_seed_and(&[]).await;
    let token = app.add_analyst("alice").await;
    let container = format!("/api/documents/{SEED}/annotations/");
    let note = |body: &str| {
        json!({"body": {"value": body}, "target": {"source": format!("{BASE_URL}/documents/{SEED}"),
            "selector": {"type": "TextQuoteSelector", "exact": "Pyongyang and Moscow"}}})
    };
    let key = [("idempotency-key", "9b2f-retry-1")];
    let first = app
        .send("POST", &container, Some(&token), Some(&note("once")), &key)
        .await;
    let again = app
        .send("POST", &container, Some(&token), Some(&note("once")), &key)
        .await;
    assert_eq!(
        (first.status, again.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(first.json()["id"], again.json()["id"]);
    assert_eq!(
        first.header("idempotent-replayed"),
        "",
        "the first request wrote the note"
    );
    assert_eq!(
        again.header("idempotent-replayed"),
        "true",
        "the retry found it"
    );
    // The same note retried by a client that lays its JSON out anew, keys in another order.
    let relaid = format!(
        "{{ \"target\" : {{ \"selector\": {{ \"exact\": \"Pyongyang and Moscow\", \"type\": \"TextQuoteSelector\" }},\n  \"source\": \"{BASE_URL}/documents/{SEED}\" }},\n  \"body\": {{ \"value\": \"once\" }} }}"
    );
    let retried = app
        .request(
            axum::http::Request::post(&container)
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .header(key[0].0, key[0].1)
                .body(axum::body::Body::from(relaid))
                .unwrap(),
        )
        .await;
    assert_eq!(retried.status, StatusCode::CREATED, "{}", retried.body);
    assert_eq!(retried.json()["id"], first.json()["id"]);
    let total = app
        .send("GET", &container, Some(&token), None, &[])
        .await
        .json()["total"]
        .clone();
    assert_eq!(total, 1, "a retry never makes a second note");
    let other = app
        .send(
            "POST",
            &container,
            Some(&token),
            Some(&note("different")),
            &key,
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bob = app.add_analyst("bob").await;
    let bobs = app
        .send("POST", &container, Some(&bob), Some(&note("once")), &key)
        .await;
    assert_ne!(
        bobs.json()["id"],
        first.json()["id"],
        "keys belong to one analyst"
    );
    let path = first.json()["id"]
        .as_str()
        .unwrap()
        .strip_prefix(BASE_URL)
        .unwrap()
        .to_owned();
    let etag = first.header("etag").to_owned();
    app.send("DELETE", &path, Some(&token), None, &[("if-match", &etag)])
        .await;
    let replay = app
        .send("POST", &container, Some(&token), Some(&note("once")), &key)
        .await;
    assert_eq!(replay.status, StatusCode::CONFLICT);
    let bad = app
        .send(
            "POST",
            &container,
            Some(&token),
            Some(&note("x")),
            &[("idempotency-key", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // Two keys, or two credentials: which one was meant is not guessed.
    let two_keys = app
        .send(
            "POST",
            &container,
            Some(&token),
            Some(&note("x")),
            &[("idempotency-key", "b1"), ("idempotency-key", "b2")],
        )
        .await;
    assert_eq!(two_keys.status, StatusCode::BAD_REQUEST);
    assert_eq!(two_keys.json()["error"]["code"], "invalid_idempotency_key");
    let two_tokens = app
        .send(
            "POST",
            &container,
            Some(&token),
            Some(&note("x")),
            &[("authorization", "Bearer nope")],
        )
        .await;
    assert_eq!(two_tokens.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        two_tokens.json()["error"]["code"],
        "duplicate_authorization"
    );
}

fn start(db: &Path, corpus: &Path) -> RunningServer {
    // The write limit would slow the writers down; this test is about durability.
    start_server(
        db,
        corpus,
        &[
            "--base-url",
            "http://glossa.kill",
            "--writes-per-minute",
            "10000000",
        ],
    )
}

fn post(host: &str, path: &str, token: &str, key: &str, body: &str) -> Option<(u16, String)> {
    let bearer = format!("Bearer {token}");
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Idempotency-Key", key),
        ("Content-Type", "application/ld+json"),
    ];
    http_request(host, "POST", path, &headers, body)
}

#[derive(Debug, Clone)]
struct Attempt {
    key: String,
    body: String,
    acked_id: Option<String>,
}

fn note_json(text: &str) -> String {
    json!({"body": {"value": text}, "target": {"source": format!("http://glossa.kill/documents/{SEED}"),
        "selector": {"type": "TextPositionSelector", "start": 10, "end": 30}}})
    .to_string()
}

#[test]
fn acknowledged_notes_survive_kill_9_and_retries_never_duplicate() {
    let loops: usize = std::env::var("GLOSSA_KILL_LOOPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let budget = if std::env::var("GLOSSA_KILL_LOOPS").is_ok() {
        Duration::MAX
    } else {
        Duration::from_secs(120)
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("kill.db");
    let token = cli_add_analyst(&db, &corpus, "writer");
    let path = format!("/api/documents/{SEED}/annotations/");
    let attempts: Arc<Mutex<Vec<Attempt>>> = Arc::default();
    let started = Instant::now();
    let mut done = 0;
    while done < loops && started.elapsed() < budget {
        let server = start(&db, &corpus);
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (host, token, path, attempts) = (
                    server.host.clone(),
                    token.clone(),
                    path.clone(),
                    attempts.clone(),
                );
                std::thread::spawn(move || {
                    for n in 0.. {
                        let key = format!("loop{done}-w{w}-n{n}");
                        let text = format!("Note {key}: “quoted” ✓ 🇺🇦\nsecond line");
                        let outcome = post(&host, &path, &token, &key, &note_json(&text));
                        let acked_id = match &outcome {
                            Some((201, body)) => serde_json::from_str::<serde_json::Value>(body)
                                .ok()
                                .and_then(|v| v["id"].as_str().map(str::to_owned)),
                            _ => None,
                        };
                        let stop = outcome.is_none();
                        attempts.lock().unwrap().push(Attempt {
                            key,
                            body: text,
                            acked_id,
                        });
                        if stop {
                            break;
                        }
                    }
                })
            })
            .collect();
        // A pseudo-random moment between 20 and 200 ms, different every loop.
        std::thread::sleep(Duration::from_millis(20 + (done as u64 * 7919) % 180));
        drop(server);
        for writer in writers {
            writer.join().unwrap();
        }
        done += 1;
    }
    let acknowledged_during = attempts
        .lock()
        .unwrap()
        .iter()
        .filter(|a| a.acked_id.is_some())
        .count();
    eprintln!(
        "kill -9 loops: {done} in {:.1?}, {acknowledged_during} notes acknowledged",
        started.elapsed()
    );
    assert!(done >= 10, "only {done} loops ran");
    assert!(
        acknowledged_during >= done,
        "the writers wrote ({acknowledged_during} acknowledged)"
    );

    let server = start(&db, &corpus);
    let attempts = attempts.lock().unwrap().clone();
    let mut acknowledged = 0;
    for attempt in &attempts {
        acknowledged += usize::from(attempt.acked_id.is_some());
        let retry = post(
            &server.host,
            &path,
            &token,
            &attempt.key,
            &note_json(&attempt.body),
        );
        let (status, body) = retry.expect("the restarted server answers");
        assert_eq!(status, 201, "{}: {body}", attempt.key);
        let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        if let Some(acked) = &attempt.acked_id {
            assert_eq!(
                &id, acked,
                "a retry of an acknowledged note returns that note"
            );
        }
    }
    drop(server);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = open_store(&db).await;
        if let Some(pool) = store.sqlite_pool() {
            let integrity: String = sqlx::query_scalar("pragma integrity_check")
                .fetch_one(pool)
                .await
                .unwrap();
            assert_eq!(integrity, "ok");
        }
        let document = store.load_document(SEED).await.unwrap().unwrap();
        let notes = store
            .list_notes(document.id, NoteFilter::Everyone, 0, i64::MAX)
            .await
            .unwrap();
        assert_eq!(
            notes.len(),
            attempts.len(),
            "one note per key: nothing lost, nothing duplicated"
        );
        let stored: std::collections::HashMap<String, String> =
            notes.into_iter().map(|n| (n.id, n.body)).collect();
        for attempt in attempts.iter().filter(|a| a.acked_id.is_some()) {
            let id = attempt
                .acked_id
                .as_ref()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap();
            assert_eq!(
                stored.get(id),
                Some(&attempt.body),
                "acknowledged note {id} is stored byte for byte"
            );
        }
    });
    eprintln!(
        "{acknowledged} acknowledged notes of {} attempts, all stored",
        attempts.len()
    );
}

/// The ETag's revision number, `"id-N"` → N.
fn etag_revision(head: &str) -> Option<(String, i64)> {
    let etag = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("etag: ")
                .or_else(|| l.strip_prefix("ETag: "))
        })?
        .trim()
        .to_owned();
    let n = etag.trim_matches('"').rsplit('-').next()?.parse().ok()?;
    Some((etag, n))
}

/// Killing the server while an analyst edits a note loses nothing of its history: each edit
/// is in the history whole, with the note, or not at all; an acknowledged edit always is.
#[test]
fn an_edit_killed_mid_way_is_in_the_history_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("history-kill.db");
    let token = cli_add_analyst(&db, &corpus, "writer");
    let bearer = format!("Bearer {token}");
    let server = start(&db, &corpus);
    let (status, body) = post(
        &server.host,
        &format!("/api/documents/{SEED}/annotations/"),
        &token,
        "history-first",
        &note_json("first words"),
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");
    let iri = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!(
        "/api/documents/{SEED}/annotations/{}",
        iri.rsplit('/').next().unwrap()
    );
    drop(server);

    let started = Instant::now();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut attempted: Vec<String> = vec!["first words".to_owned()];
    let mut loops = 0;
    while loops < 30 && started.elapsed() < Duration::from_secs(60) {
        let server = start(&db, &corpus);
        let host = server.host.clone();
        let (bearer, path) = (bearer.clone(), path.clone());
        let writer = std::thread::spawn(move || {
            let mut tried = Vec::new();
            let mut acked = Vec::new();
            for n in 0.. {
                let Some((_, head, _)) = crate::helpers::http_exchange(
                    &host,
                    "GET",
                    &path,
                    &[("Authorization", bearer.as_str())],
                    "",
                ) else {
                    break;
                };
                let Some((etag, _)) = etag_revision(&head) else {
                    break;
                };
                let text = format!("edit {loops}-{n}: “words” ✓");
                tried.push(text.clone());
                let outcome = http_request(
                    &host,
                    "PUT",
                    &path,
                    &[
                        ("Authorization", bearer.as_str()),
                        ("If-Match", etag.as_str()),
                        ("Content-Type", "application/ld+json"),
                    ],
                    &note_json(&text),
                );
                match outcome {
                    Some((200, _)) => acked.push(text),
                    Some(_) => {}
                    None => break,
                }
            }
            (tried, acked)
        });
        std::thread::sleep(Duration::from_millis(20 + (loops as u64 * 7919) % 180));
        drop(server);
        let (tried, acked) = writer.join().unwrap();
        attempted.extend(tried);
        acknowledged.extend(acked);
        loops += 1;
    }
    assert!(
        loops >= 5 && !acknowledged.is_empty(),
        "{loops} loops, {} edits",
        acknowledged.len()
    );

    let server = start(&db, &corpus);
    let auth = [("Authorization", bearer.as_str())];
    let (_, head, note) =
        crate::helpers::http_exchange(&server.host, "GET", &path, &auth, "").unwrap();
    let (_, revision) = etag_revision(&head).unwrap();
    let note: serde_json::Value = serde_json::from_str(&note).unwrap();
    let (status, history) =
        http_request(&server.host, "GET", &format!("{path}/revisions"), &auth, "").unwrap();
    assert_eq!(status, 200, "{history}");
    let history: serde_json::Value = serde_json::from_str(&history).unwrap();
    let revisions = history["revisions"].as_array().unwrap();
    let bodies: Vec<&str> = revisions
        .iter()
        .map(|r| r["state"]["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        revisions.len() as i64,
        revision,
        "one revision per change the note took, no more, no fewer"
    );
    assert_eq!(bodies.last().copied(), note["body"][0]["value"].as_str());
    assert!(bodies.iter().all(|b| attempted.iter().any(|a| a == b)));
    for edit in &acknowledged {
        assert!(
            bodies.contains(&edit.as_str()),
            "acknowledged edit {edit:?} is in the history"
        );
    }
    eprintln!(
        "history kill -9 loops: {loops}, {} edits acknowledged, {} revisions",
        acknowledged.len(),
        revisions.len()
    );
}
