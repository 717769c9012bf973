//! The real `glossa` binary: `import` prints its summary; `serve` imports, answers, and
//! shuts down cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{repo_corpus, run_ok};

fn glossa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_glossa"))
}

#[test]
fn import_prints_a_summary_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let run = || {
        glossa()
            .args(["import", "--db"])
            .arg(&db)
            .arg("--corpus")
            .arg(repo_corpus())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        out.contains("1 added, 0 updated, 0 unchanged, 0 failed"),
        "{out}"
    );
    let second = String::from_utf8_lossy(&run().stdout).into_owned();
    assert!(
        second.contains("0 added, 0 updated, 1 unchanged, 0 failed"),
        "{second}"
    );
}

#[test]
fn flags_fall_back_to_environment_variables() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.db");
    let out = glossa()
        .arg("import")
        .env("GLOSSA_DB", &db)
        .env("GLOSSA_CORPUS", repo_corpus())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.exists());
}

#[test]
fn an_explicit_database_beats_an_ambient_database_url_and_two_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mine.db");
    // Another program's DATABASE_URL must not redirect a command told where its data is.
    run_ok(
        glossa()
            .args(["import", "--db"])
            .arg(&db)
            .arg("--corpus")
            .arg(repo_corpus())
            .env("DATABASE_URL", "postgres://someone@127.0.0.1:1/theirs"),
    );
    assert!(db.exists());
    let both = glossa()
        .args(["migrate", "--db"])
        .arg(&db)
        .args(["--database-url", "postgres://u:secret@127.0.0.1:1/x"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&both.stderr);
    assert!(
        !both.status.success() && said.contains("keep one"),
        "{said}"
    );
    for mistyped in ["postgres//u:secret@127.0.0.1/x", "u:secret@127.0.0.1/x"] {
        let out = glossa()
            .args(["migrate", "--database-url", mistyped])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && said.contains("://"), "{said}");
        assert!(!said.contains("secret"), "{said}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no file named after a mistyped URL"
    );
}

#[test]
fn a_missing_corpus_directory_fails_the_import_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = glossa()
        .args(["import", "--corpus", "/nonexistent/corpus", "--db"])
        .arg(dir.path().join("x.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/corpus"), "{err}");
}

#[test]
fn serve_is_the_default_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = glossa()
        .args(["--addr", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("serve.db"))
        .arg("--corpus")
        .arg(repo_corpus())
        .env("RUST_LOG", "glossa=info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = loop {
        assert!(Instant::now() < deadline, "server did not start");
        let line = lines.next().expect("server exited early").unwrap();
        if let Some(at) = line.find("serving http://") {
            break line[at + "serving ".len()..].trim().to_owned();
        }
    };
    let body = http_get(&format!("{url}healthz"));
    assert!(body.ends_with("ok: sqlite"), "{body}");
    let page = http_get(&format!("{url}documents/russia-north-korea-chinese-views"));
    assert!(
        page.contains("200 OK") && page.contains("fn-ref"),
        "the seed page is served"
    );
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

/// A minimal HTTP/1.0 GET, so the test needs no HTTP client crate.
fn http_get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(stream, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn analysts_are_added_listed_and_revoked_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("analysts.db");
    let run = |args: &[&str]| glossa().args(args).arg("--db").arg(&db).output().unwrap();
    let added = run(&["analyst", "add", "alice"]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let out = String::from_utf8_lossy(&added.stdout).into_owned();
    let token = out.lines().last().unwrap();
    assert_eq!(token.len(), 64, "256 random bits in hex: {out}");
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    let second = String::from_utf8_lossy(&run(&["analyst", "add", "bob"]).stdout).into_owned();
    assert_ne!(second.lines().last().unwrap(), token, "every token is new");
    let admin =
        String::from_utf8_lossy(&run(&["analyst", "add", "--admin", "root"]).stdout).into_owned();
    assert!(admin.contains("Added analyst root, an admin"), "{admin}");
    let duplicate = run(&["analyst", "add", "alice"]);
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
    let bad = run(&["analyst", "add", "Not A Name"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a valid analyst name"));
    let listed = String::from_utf8_lossy(&run(&["analyst", "list"]).stdout).into_owned();
    assert!(
        listed.contains("alice") && listed.contains("bob") && listed.contains("active"),
        "{listed}"
    );
    assert!(!listed.contains(token), "the token is never shown again");
    assert!(run(&["analyst", "revoke", "alice"]).status.success());
    let listed = String::from_utf8_lossy(&run(&["analyst", "list"]).stdout).into_owned();
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("alice") && l.contains("revoked")),
        "{listed}"
    );
    let unknown = run(&["analyst", "revoke", "carol"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("carol"));
}

#[test]
fn export_writes_the_annotated_file_and_notes_import_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("export.db");
    let fresh = dir.path().join("fresh.db");
    let run = |db: &std::path::Path, args: &[&str]| {
        glossa()
            .args(args)
            .arg("--db")
            .arg(db)
            .arg("--corpus")
            .arg(repo_corpus())
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    assert!(run(&db, &["import"]).status.success());
    let out = run(&db, &["export", "russia-north-korea-chinese-views"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let default_name = dir
        .path()
        .join("russia-north-korea-chinese-views-annotated-team.html");
    let html = std::fs::read_to_string(&default_name).unwrap();
    assert!(html.contains("0 notes") && html.contains("Content-Security-Policy"));
    let mine = run(
        &db,
        &[
            "export",
            "russia-north-korea-chinese-views",
            "--visibility",
            "mine",
        ],
    );
    assert!(!mine.status.success());
    assert!(String::from_utf8_lossy(&mine.stderr).contains("--analyst"));
    let missing = run(&db, &["export", "nope"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope"));
    let stdout = run(
        &db,
        &[
            "export",
            "russia-north-korea-chinese-views",
            "--out",
            "-",
            "--visibility",
            "public",
        ],
    );
    assert!(String::from_utf8_lossy(&stdout.stdout).starts_with("<!DOCTYPE html>"));
    assert!(run(&fresh, &["import"]).status.success());
    let restored = run(&fresh, &["notes", "import", default_name.to_str().unwrap()]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(
        String::from_utf8_lossy(&restored.stdout)
            .contains("0 added, 0 already present, 0 orphaned")
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{oops").unwrap();
    let refused = run(&fresh, &["notes", "import", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not valid JSON"));
}

/// `glossa notes export` in its three formats: another tool's assessing note (graded by MISP
/// tags alone) comes in by `notes import`, goes out as JSON-LD, comes back into a fresh
/// database with its grades, and both databases write the same CSV.
#[test]
fn notes_export_writes_digests_and_its_json_ld_imports_back_with_the_grades() {
    let dir = tempfile::tempdir().unwrap();
    let run = |db: &str, args: &[&str]| {
        let out = glossa()
            .args(args)
            .arg("--db")
            .arg(dir.path().join(db))
            .arg("--corpus")
            .arg(repo_corpus())
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let seed = "russia-north-korea-chinese-views";
    let from_tool = serde_json::json!([{
        "type": "Annotation",
        "id": "http://elsewhere.example/annotations/0123456789abcdef0123456789abcdef",
        "creator": {"type": "Person", "name": "carol"},
        "created": "2026-11-30T09:00:00Z",
        "modified": "2026-11-30T09:00:00Z",
        "motivation": "assessing",
        "visibility": "team",
        "body": [
            {"type": "TextualBody", "value": "One outlet; unconfirmed.", "format": "text/markdown"},
            {"type": "TextualBody", "value": "admiralty-scale:source-reliability=\"d\"", "purpose": "tagging"},
            {"type": "TextualBody", "value": "admiralty-scale:information-credibility=\"4\"", "purpose": "tagging"}
        ],
        "target": {"source": format!("http://127.0.0.1:8080/documents/{seed}"),
                   "selector": {"type": "TextQuoteSelector", "exact": "irked Beijing"}}
    }]);
    let incoming = dir.path().join("from-tool.json");
    std::fs::write(&incoming, from_tool.to_string()).unwrap();
    run("first.db", &["import"]);
    run("first.db", &["notes", "import", incoming.to_str().unwrap()]);

    let csv = run("first.db", &["notes", "export", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with(
        "document,paragraph,quote,body,tags,motivation,source_reliability,credibility,author"
    ));
    let row = lines.next().unwrap();
    assert!(
        row.contains(",irked Beijing,One outlet; unconfirmed.,,assessing,D,4,carol,"),
        "{row}"
    );
    assert!(lines.next().is_none());
    let md = run(
        "first.db",
        &["notes", "export", "--format", "md", "--document", seed],
    );
    assert!(
        md.contains("**D4** (Source reliability D: Not usually reliable; credibility 4: Doubtful)"),
        "{md}"
    );
    let none = run(
        "first.db",
        &[
            "notes",
            "export",
            "--format",
            "csv",
            "--query",
            "credibility:1-3",
        ],
    );
    assert_eq!(none.lines().count(), 1, "{none}");

    let jsonld = dir.path().join("notes.jsonld");
    run(
        "first.db",
        &[
            "notes",
            "export",
            "--format",
            "jsonld",
            "--out",
            jsonld.to_str().unwrap(),
        ],
    );
    run("second.db", &["import"]);
    let restored = run("second.db", &["notes", "import", jsonld.to_str().unwrap()]);
    assert!(restored.contains("1 added"), "{restored}");
    assert_eq!(
        run("second.db", &["notes", "export", "--format", "csv"]),
        csv
    );

    let refused = glossa()
        .args([
            "notes",
            "export",
            "--format",
            "csv",
            "--query",
            "credibility:0",
            "--db",
        ])
        .arg(dir.path().join("first.db"))
        .arg("--corpus")
        .arg(repo_corpus())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--query: credibility:"));
}
