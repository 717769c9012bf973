//! SQLite's storage, made for real: every connection syncs fully; a full disk (a small tmpfs), a read-only file system
//! (a tmpfs remounted read-only), a corrupt database file, and a missing one.
//!
//! The tmpfs tests need root and `mount` (CI runs as root). Elsewhere they report a skip,
//! unless `GLOSSA_REQUIRE_TOOLS=1` makes that a failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::helpers::{
    TestApp, cli_add_analyst, glossa_command, http_request, repo_corpus, start_server,
};

struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            assert!(
                std::env::var("GLOSSA_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "cannot mount a tmpfs (root needed) but GLOSSA_REQUIRE_TOOLS=1"
            );
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        }
        ok.then(|| Tmpfs(dir.to_owned()))
    }

    fn remount_read_only(&self) {
        let status = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[tokio::test]
async fn every_pooled_connection_syncs_fully() {
    let app = TestApp::with_seed_and(&[]).await;
    let mut held = Vec::new();
    for _ in 0..8 {
        let mut conn = app.store.sqlite_pool().unwrap().acquire().await.unwrap();
        let level: i64 = sqlx::query_scalar("pragma synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let journal: String = sqlx::query_scalar("pragma journal_mode")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(
            (level, journal.as_str()),
            (2, "wal"),
            "FULL = 2 on every connection"
        );
        held.push(conn);
    }
}

fn request(host: &str, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let bearer = format!("Bearer {token}");
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];
    http_request(host, method, path, &headers, body).expect("the server answers")
}

const NOTES: &str = "/api/documents/russia-north-korea-chinese-views/annotations/";

fn note(text: &str) -> String {
    serde_json::json!({"body": {"value": text}, "target": {"source": "http://glossa.faults/documents/russia-north-korea-chinese-views",
        "selector": {"type": "TextPositionSelector", "start": 0, "end": 20}}})
    .to_string()
}

#[test]
fn a_full_disk_answers_507_keeps_serving_reads_and_recovers_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_mount) = Tmpfs::mount(dir.path(), "3m") else {
        return;
    };
    let db = dir.path().join("full.db");
    let token = cli_add_analyst(&db, &repo_corpus(), "alice");
    let server = start_server(&db, &repo_corpus(), &["--base-url", "http://glossa.faults"]);
    let filler = dir.path().join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    while file.write_all(&[0u8; 16 * 1024]).is_ok() {}
    drop(file);
    let body = "x".repeat(15_000);
    let mut saved = 0;
    let mut refused = None;
    for _ in 0..400 {
        let (status, answer) = request(&server.host, "POST", NOTES, &token, &note(&body));
        match status {
            201 => saved += 1,
            _ => {
                refused = Some((status, answer));
                break;
            }
        }
    }
    let (status, answer) = refused.expect("the disk filled up");
    assert_eq!(status, 507, "{answer}");
    assert!(
        answer.contains("insufficient_storage") && answer.contains("disk is full"),
        "{answer}"
    );
    let (status, page) = request(
        &server.host,
        "GET",
        "/documents/russia-north-korea-chinese-views",
        &token,
        "",
    );
    assert!(
        status == 200 && page.contains("fn-ref"),
        "reads are still served"
    );
    let (_, listing) = request(&server.host, "GET", NOTES, &token, "");
    let total = serde_json::from_str::<serde_json::Value>(&listing).unwrap()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(total, saved, "no partial write");
    for _ in 0..10 {
        let (status, answer) = request(&server.host, "POST", NOTES, &token, &note(&body));
        assert_eq!(
            status, 507,
            "every write on a full disk says so, none fails otherwise: {answer}"
        );
    }
    std::fs::remove_file(&filler).unwrap();
    for i in 0..10 {
        let (status, answer) = request(
            &server.host,
            "POST",
            NOTES,
            &token,
            &note(&format!("space is back {i}")),
        );
        assert_eq!(status, 201, "writes work again without a restart: {answer}");
    }
}

#[test]
fn a_read_only_database_serves_reads_refuses_writes_and_reports_degraded() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mount) = Tmpfs::mount(dir.path(), "16m") else {
        return;
    };
    let db = dir.path().join("ro.db");
    let token = cli_add_analyst(&db, &repo_corpus(), "alice");
    let imported = glossa_command(&db, &repo_corpus())
        .arg("import")
        .output()
        .unwrap();
    assert!(imported.status.success());
    mount.remount_read_only();
    let server = start_server(&db, &repo_corpus(), &["--base-url", "http://glossa.faults"]);
    let (status, page) = request(
        &server.host,
        "GET",
        "/documents/russia-north-korea-chinese-views",
        &token,
        "",
    );
    assert!(status == 200 && page.contains("fn-ref"), "reads are served");
    let (status, answer) = request(&server.host, "POST", NOTES, &token, &note("x"));
    assert_eq!(status, 503, "{answer}");
    assert!(answer.contains("read_only"), "{answer}");
    let (status, health) = request(&server.host, "GET", "/healthz", &token, "");
    assert_eq!(status, 503);
    assert!(health.starts_with("degraded"), "{health}");
}

#[test]
fn a_corrupt_database_stops_the_start_with_one_line_and_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corrupt.db");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&db, &garbage).unwrap();
    let before = Sha256::digest(std::fs::read(&db).unwrap());
    for args in [vec!["import"], vec!["serve", "--addr", "127.0.0.1:0"]] {
        let out = glossa_command(&db, &repo_corpus())
            .args(&args)
            .env("RUST_LOG", "off")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} must fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("corrupt.db") && stderr.contains("not a database"),
            "{stderr}"
        );
    }
    assert_eq!(
        Sha256::digest(std::fs::read(&db).unwrap()),
        before,
        "the file is left as it was"
    );
}

#[test]
fn a_missing_database_is_created_with_a_log_line_giving_its_full_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = glossa_command(Path::new("new.db"), &repo_corpus())
        .arg("import")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let full = dir.path().join("new.db");
    assert!(
        stderr.contains("creating a new, empty database")
            && stderr.contains(full.to_str().unwrap()),
        "{stderr}"
    );
}
