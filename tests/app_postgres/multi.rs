//! What only several instances on one PostgreSQL can show: a note written through one is in
//! the other's next page (its cache dropped by a notification), a session started on one is
//! good on the other and ends on both, idempotency keys hold across them, an instance killed
//! under write load loses no acknowledged note, a database restart turns into 503s and then
//! into service again without restarting glossa, and a whole SQLite database moves over.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::backend::PgServer;
use crate::helpers::{
    RunningServer, SEED, cli_add_analyst, copy_corpus, glossa_command, http_exchange,
    nginx_or_skip, run_ok, start_nginx, start_server_on,
};
use glossa::store::annotations::NoteFilter;

/// Starts `glossa serve` on `url` (a database URL, not a test path).
fn serve(url: &str, corpus: &std::path::Path) -> RunningServer {
    start_server_on(
        url,
        corpus,
        &[
            "--base-url",
            "http://glossa.team",
            "--writes-per-minute",
            "1000000",
        ],
    )
}

fn note(text: &str) -> String {
    json!({"body": {"value": text}, "target": {"source": format!("http://glossa.team/documents/{SEED}"),
        "selector": {"type": "TextQuoteSelector", "exact": "Pyongyang and Moscow"}}})
    .to_string()
}

fn post_note(host: &str, token: &str, key: &str, text: &str) -> Option<(u16, String)> {
    let bearer = format!("Bearer {token}");
    let path = format!("/api/documents/{SEED}/annotations/");
    http_exchange(
        host,
        "POST",
        &path,
        &[
            ("Authorization", bearer.as_str()),
            ("Idempotency-Key", key),
            ("Content-Type", "application/ld+json"),
        ],
        &note(text),
    )
    .map(|(status, _, body)| (status, body))
}

fn page(host: &str, cookie: Option<&str>) -> String {
    let cookie = cookie.map(|c| format!("glossa_session={c}"));
    let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("Cookie", c.as_str())).collect();
    let (status, _, body) =
        http_exchange(host, "GET", &format!("/documents/{SEED}"), &headers, "").expect("a page");
    assert_eq!(status, 200, "{body:.300}");
    body
}

fn note_id(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Two instances on one fresh database whose analyst `alice` holds `token`.
struct Team {
    _dir: tempfile::TempDir,
    url: String,
    token: String,
    a: RunningServer,
    b: RunningServer,
}

fn two_instances() -> Team {
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("team.db");
    let token = cli_add_analyst(&db, &corpus, "alice");
    let url = crate::helpers::database_url(&db);
    let (a, b) = (serve(&url, &corpus), serve(&url, &corpus));
    Team {
        _dir: dir,
        url,
        token,
        a,
        b,
    }
}

#[test]
fn two_instances_share_notes_sessions_sign_outs_and_idempotency_keys() {
    let Team {
        _dir, token, a, b, ..
    } = two_instances();

    // B renders (and caches) the page; a note written through A is in B's next page.
    assert!(!page(&b.host, None).contains("Seen from both instances"));
    let (status, body) = post_note(&a.host, &token, "k-1", "Seen from both instances").unwrap();
    assert_eq!(status, 201, "{body}");
    let written = Instant::now();
    let first_id = note_id(&body);
    let team_view = |host: &str| {
        let bearer = format!("Bearer {token}");
        http_exchange(
            host,
            "GET",
            &format!("/api/documents/{SEED}/annotations/"),
            &[("Authorization", bearer.as_str())],
            "",
        )
        .unwrap()
        .2
    };
    while !team_view(&b.host).contains("Seen from both instances") {
        assert!(
            written.elapsed() < Duration::from_secs(1),
            "B still serves its stale container after 1 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    // The same key through B returns A's note, never a second one; so do eight retries sent
    // at once to both.
    let (status, body) = post_note(&b.host, &token, "k-1", "Seen from both instances").unwrap();
    assert_eq!((status, note_id(&body)), (201, first_id));
    let racers: Vec<_> = (0..8)
        .map(|n| {
            let host = if n % 2 == 0 {
                a.host.clone()
            } else {
                b.host.clone()
            };
            let token = token.clone();
            std::thread::spawn(move || {
                post_note(&host, &token, "race", "Sent twice at once").unwrap()
            })
        })
        .collect();
    let answers: Vec<(u16, String)> = racers.into_iter().map(|r| r.join().unwrap()).collect();
    assert!(
        answers.iter().all(|(status, _)| *status == 201),
        "{answers:?}"
    );
    let raced: std::collections::HashSet<String> =
        answers.iter().map(|(_, body)| note_id(body)).collect();
    assert_eq!(raced.len(), 1, "one note for one key: {raced:?}");

    // A session started on A is good on B; signing out on A ends it on B too.
    let form = format!("name=alice&token={token}");
    let (status, head, _) = http_exchange(
        &a.host,
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        &form,
    )
    .unwrap();
    assert_eq!(status, 303, "{head}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: glossa_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    assert!(
        page(&b.host, Some(&cookie)).contains("action=\"/logout\""),
        "signed in on B"
    );
    let (status, _, _) = http_exchange(
        &a.host,
        "POST",
        "/logout",
        &[
            ("Cookie", &format!("glossa_session={cookie}")),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Sec-Fetch-Site", "same-origin"),
        ],
        "",
    )
    .unwrap();
    assert_eq!(status, 303);
    assert!(
        !page(&b.host, Some(&cookie)).contains("action=\"/logout\""),
        "signed out on B"
    );
}

#[test]
fn an_instance_killed_under_write_load_loses_no_acknowledged_note() {
    let Team {
        _dir,
        url,
        token,
        a,
        b,
        ..
    } = two_instances();
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let host = if w % 2 == 0 {
                a.host.clone()
            } else {
                b.host.clone()
            };
            let (token, acknowledged) = (token.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                for n in 0..400 {
                    let text = format!("writer {w} note {n} ✓");
                    match post_note(&host, &token, &format!("w{w}-n{n}"), &text) {
                        Some((201, body)) => {
                            acknowledged.lock().unwrap().push((note_id(&body), text))
                        }
                        Some(_) => {}
                        None if w % 2 == 0 => break,
                        None => {}
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(400));
    drop(a);
    for writer in writers {
        writer.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 400,
        "B kept writing: {} acknowledged",
        acknowledged.len()
    );
    let stored = stored_notes(&url);
    for (id, text) in &acknowledged {
        let short = id.rsplit('/').next().unwrap();
        assert_eq!(
            stored.get(short),
            Some(text),
            "acknowledged note {id} is stored"
        );
    }
}

/// Every note of the seed in the database at `url`: id → body.
fn stored_notes(url: &str) -> std::collections::HashMap<String, String> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = glossa::store::DatabaseUrl::parse(url).unwrap();
        let store = glossa::store::Store::connect(&url, Default::default())
            .await
            .unwrap();
        let document = store.load_document(SEED).await.unwrap().unwrap();
        let notes = store
            .list_notes(document.id, NoteFilter::Everyone, 0, i64::MAX)
            .await
            .unwrap();
        store.close().await;
        notes.into_iter().map(|n| (n.id, n.body)).collect()
    })
}

#[test]
fn a_database_restart_turns_into_503s_then_service_resumes_without_restarting_glossa() {
    let Some(server) = PgServer::start(true) else {
        panic!("the shared server started, so this one can");
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let url = server.create_database();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_glossa"))
        .args(["analyst", "add", "alice", "--database-url", &url])
        .output()
        .unwrap();
    let token = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned();
    let glossa = serve(&url, &corpus);
    let mut acknowledged = Vec::new();
    let mut statuses = Vec::new();
    for n in 0..20 {
        let (status, body) =
            post_note(&glossa.host, &token, &format!("before-{n}"), "before").unwrap();
        assert_eq!(status, 201, "{body}");
        acknowledged.push(note_id(&body));
    }
    server.stop();
    for n in 0..3 {
        let (status, body) =
            post_note(&glossa.host, &token, &format!("during-{n}"), "during").unwrap();
        statuses.push(status);
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("database_unavailable"), "{body}");
        let (status, _, _) = http_exchange(&glossa.host, "GET", "/healthz", &[], "").unwrap();
        assert_eq!(status, 503, "health says the database is down");
    }
    server.start_again();
    let resumed = Instant::now();
    loop {
        match post_note(&glossa.host, &token, "after", "after") {
            Some((201, body)) => {
                acknowledged.push(note_id(&body));
                break;
            }
            other => assert!(
                resumed.elapsed() < Duration::from_secs(20),
                "not back 20 s after the restart: {other:?}"
            ),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let page = page(&glossa.host, None);
    assert!(page.contains("fn-ref"), "reads work again");
    let stored = stored_notes(&url);
    for id in &acknowledged {
        let short = id.rsplit('/').next().unwrap();
        assert!(stored.contains_key(short), "{id} survived the restart");
    }
}

#[test]
fn copy_moves_a_whole_sqlite_database_to_postgresql_which_then_serves_the_same_pages() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let sqlite = dir.path().join("source.db");
    let glossa = |args: &[&str]| {
        run_ok(
            std::process::Command::new(env!("CARGO_BIN_EXE_glossa"))
                .args(args)
                .args(["--base-url", "http://glossa.team", "--corpus"])
                .arg(&corpus),
        )
    };
    let source = sqlite.display().to_string();
    glossa(&["import", "--database-url", &source]);
    let token = glossa(&["analyst", "add", "alice", "--database-url", &source]);
    let token = token.lines().last().unwrap().trim().to_owned();
    let from_sqlite = serve(&source, &corpus);
    // Quoted notes of every visibility, and page notes, which sort apart (no position).
    let quoted = json!({"source": format!("http://glossa.team/documents/{SEED}"),
        "selector": {"type": "TextQuoteSelector", "exact": "Pyongyang and Moscow"}});
    let page = json!(format!("http://glossa.team/documents/{SEED}"));
    let mut first_note = None;
    for (n, (visibility, target)) in [
        ("public", &quoted),
        ("team", &page),
        ("private", &quoted),
        ("public", &page),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({"body": {"value": format!("A {visibility} note, *emphasised* — ✓ 🇺🇦")},
            "motivation": "questioning", "target": target, "visibility": visibility});
        let bearer = format!("Bearer {token}");
        let (status, _, answer) = http_exchange(
            &from_sqlite.host,
            "POST",
            &format!("/api/documents/{SEED}/annotations/"),
            &[
                ("Authorization", bearer.as_str()),
                ("Content-Type", "application/ld+json"),
                ("Idempotency-Key", &format!("c{n}")),
            ],
            &body.to_string(),
        )
        .unwrap();
        assert_eq!(status, 201, "{answer}");
        first_note.get_or_insert_with(|| {
            note_id(&answer)
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned()
        });
    }
    let first_note = first_note.unwrap();
    // An edit (so a history of two revisions) and a grade of the source.
    let bearer = format!("Bearer {token}");
    let note_path = format!("/api/documents/{SEED}/annotations/{first_note}");
    let (_, head, _) = http_exchange(
        &from_sqlite.host,
        "GET",
        &note_path,
        &[("Authorization", bearer.as_str())],
        "",
    )
    .unwrap();
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .unwrap()
        .trim()
        .to_owned();
    let edit = json!({"body": {"value": "Edited, graded."}, "motivation": "assessing", "credibility": 2,
        "target": quoted, "visibility": "public"});
    let (status, _, answer) = http_exchange(
        &from_sqlite.host,
        "PUT",
        &note_path,
        &[
            ("Authorization", bearer.as_str()),
            ("Content-Type", "application/ld+json"),
            ("If-Match", etag.as_str()),
        ],
        &edit.to_string(),
    )
    .unwrap();
    assert_eq!(status, 200, "{answer}");
    let (status, _, answer) = http_exchange(
        &from_sqlite.host,
        "PUT",
        &format!("/api/documents/{SEED}/reliability"),
        &[
            ("Authorization", bearer.as_str()),
            ("Content-Type", "application/json"),
        ],
        r#"{"reliability": "F"}"#,
    )
    .unwrap();
    assert_eq!(status, 200, "{answer}");
    // A correction of who says a sentence: the rules' claim it replaces and the analyst's
    // own claim move with it.
    let correction =
        json!({"target": quoted, "voice": {"label": "KCNA", "official": true, "actor": "PRK"}});
    let bearer = format!("Bearer {token}");
    let (status, _, answer) = http_exchange(
        &from_sqlite.host,
        "POST",
        &format!("/api/documents/{SEED}/voices/corrections"),
        &[
            ("Authorization", bearer.as_str()),
            ("Content-Type", "application/json"),
        ],
        &correction.to_string(),
    )
    .unwrap();
    assert_eq!(status, 201, "{answer}");
    let target = crate::backend::shared().create_database();
    let said = glossa(&["copy", "--from", &source, "--to", &target]);
    assert!(said.contains("annotations: 4 rows"), "{said}");
    assert!(said.contains("voice_corrections: 1 rows"), "{said}");
    assert!(said.contains("note_revisions: 5 rows"), "{said}");
    assert!(said.contains("document_grades: 1 rows"), "{said}");
    assert!(said.contains("checked 4 notes' JSON-LD"), "{said}");
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_glossa"))
        .args(["copy", "--from", &source, "--to", &target])
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "a second copy into a full database is refused"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("copy into an empty one"));
    let fresh = crate::backend::shared().create_database();
    for (from, to, says) in [
        (
            "/nowhere/glosa.db",
            fresh.as_str(),
            "there is no SQLite database at /nowhere/glosa.db",
        ),
        (fresh.as_str(), fresh.as_str(), "are the same database"),
        (fresh.as_str(), source.as_str(), "holds no documents"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_glossa"))
            .args(["copy", "--from", from, "--to", to])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && said.contains(says),
            "{from} → {to}: {said}"
        );
    }
    assert!(!std::path::Path::new("/nowhere/glosa.db").exists());

    let from_postgres = serve(&target, &corpus);
    let bearer = format!("Bearer {token}");
    for path in [
        "/".to_owned(),
        format!("/documents/{SEED}"),
        format!("/api/documents/{SEED}"),
        format!("/api/documents/{SEED}/annotations/"),
        format!("/api/documents/{SEED}/voices"),
        "/voices/kcna".to_owned(),
        format!("{note_path}/revisions"),
        format!("/documents/{SEED}/notes.csv"),
        format!("/documents/{SEED}/notes/{first_note}/history"),
        format!("/documents/{SEED}/export?visibility=mine"),
    ] {
        let get = |host: &str| {
            http_exchange(
                host,
                "GET",
                &path,
                &[("Authorization", bearer.as_str())],
                "",
            )
            .unwrap()
        };
        let (sqlite_status, _, sqlite_body) = get(&from_sqlite.host);
        let (postgres_status, _, postgres_body) = get(&from_postgres.host);
        assert_eq!(sqlite_status, postgres_status, "{path}");
        let local = |body: &str, host: &str| body.replace(host, "HOST");
        assert_eq!(
            local(&sqlite_body, &from_sqlite.host),
            local(&postgres_body, &from_postgres.host),
            "{path} reads the same from SQLite and PostgreSQL"
        );
    }
}

#[test]
fn two_instances_behind_the_example_nginx_config_serve_one_team_and_survive_one_dying() {
    let Some(nginx) = nginx_or_skip() else {
        return;
    };
    let Team {
        _dir: dir,
        url,
        token,
        a,
        b,
        ..
    } = two_instances();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let front = format!("127.0.0.1:{port}");
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/nginx-two-instances.conf"),
    )
    .unwrap();
    let config = example
        .replace("127.0.0.1:8081", &a.host)
        .replace("127.0.0.1:8082", &b.host)
        .replace("127.0.0.1:8080", &front)
        .replace(
            "/tmp/glossa-nginx",
            &dir.path().join("nginx").display().to_string(),
        );
    let config_file = dir.path().join("nginx.conf");
    std::fs::write(&config_file, config).unwrap();
    let _proxy = start_nginx(&nginx, &config_file, dir.path(), &front);

    let mut ids = Vec::new();
    for n in 0..6 {
        let (status, body) = post_note(
            &front,
            &token,
            &format!("p{n}"),
            &format!("Through nginx {n}"),
        )
        .unwrap();
        assert_eq!(status, 201, "{body}");
        ids.push(note_id(&body));
    }
    drop(a);
    for n in 0..6 {
        assert!(
            page(&front, None).contains("fn-ref"),
            "read {n} after A died"
        );
    }
    let (status, body) = post_note(&front, &token, "p0", "Through nginx 0").unwrap();
    assert_eq!(
        (status, note_id(&body)),
        (201, ids[0].clone()),
        "a retry after A died replays"
    );
    let (status, body) = post_note(&front, &token, "after", "After A died").unwrap();
    assert_eq!(status, 201, "{body}");
    ids.push(note_id(&body));
    let stored = stored_notes(&url);
    assert!(
        ids.iter()
            .all(|id| stored.contains_key(id.rsplit('/').next().unwrap()))
    );
}

#[test]
fn instances_importing_one_corpus_at_once_take_turns_and_the_work_is_done_once() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    for n in 0..40 {
        std::fs::write(
            corpus.join(format!("memo-{n}.txt")),
            format!("Memo {n}: Moscow and Pyongyang met again.1\nBeijing said little.2\n"),
        )
        .unwrap();
    }
    let db = dir.path().join("turns.db");
    let importers: Vec<_> = (0..3)
        .map(|_| glossa_command(&db, &corpus).arg("import").spawn_and_wait())
        .collect::<Vec<_>>()
        .into_iter()
        .map(|importer| importer.join().unwrap())
        .collect();
    let mut added = Vec::new();
    for out in &importers {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let said = String::from_utf8_lossy(&out.stdout);
        let count: usize = said
            .split_once("import: ")
            .and_then(|(_, rest)| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{said}"));
        added.push(count);
    }
    added.sort();
    assert_eq!(
        added,
        vec![0, 0, 41],
        "one importer adds everything, the others find it done"
    );
}

/// Starts a command on a thread of its own, so several run at once.
trait SpawnAndWait {
    fn spawn_and_wait(self) -> std::thread::JoinHandle<std::process::Output>;
}

impl SpawnAndWait for &mut std::process::Command {
    fn spawn_and_wait(self) -> std::thread::JoinHandle<std::process::Output> {
        let child = self
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::spawn(move || child.wait_with_output().unwrap())
    }
}

#[test]
fn a_role_that_may_only_read_and_write_runs_glossa_once_the_owner_has_migrated() {
    let server = crate::backend::shared();
    let url = server.create_database();
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    run_ok(
        std::process::Command::new(env!("CARGO_BIN_EXE_glossa"))
            .args(["--database-url", &url, "--corpus"])
            .arg(&corpus)
            .arg("import"),
    );
    let role = format!("reader_writer_{}", std::process::id());
    server.run_sql(
        &url,
        &format!(
            "create role {role} login; revoke create on schema public from public;
             grant select, insert, update, delete on all tables in schema public to {role};
             grant usage on all sequences in schema public to {role};"
        ),
    );
    let limited = url.replacen("postgres://postgres@", &format!("postgres://{role}@"), 1);
    let glossa = start_server_on(&limited, &corpus, &["--base-url", "http://glossa.team"]);
    assert!(page(&glossa.host, None).contains("fn-ref"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_glossa"))
        .args(["--database-url", &limited, "analyst", "add", "carol"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
