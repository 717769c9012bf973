//! Digests as the people handed them read them: the CSV opened by Python's csv module (as a
//! spreadsheet would), with its columns, a row per note the viewer may read and formula
//! payloads inert; the Markdown grouped by document and paragraph; on both backends.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{BASE_URL, SEED, TestApp};

fn seed_target(quote: &str) -> Value {
    json!({
        "source": format!("{BASE_URL}/documents/{SEED}"),
        "selector": {"type": "TextQuoteSelector", "exact": quote}
    })
}

async fn write(app: &TestApp, token: &str, note: Value) {
    let created = app
        .send(
            "POST",
            &format!("/api/documents/{SEED}/annotations/"),
            Some(token),
            Some(&note),
            &[],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
}

/// The CSV's rows as Python's csv module reads them (`utf-8-sig` drops a byte order mark),
/// each a map from column to cell, with the header first.
fn python_rows(csv: &[u8]) -> (Vec<String>, Vec<serde_json::Map<String, Value>>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.csv");
    std::fs::write(&file, csv).unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import csv, json, sys\n\
             with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:\n\
             \x20   rows = list(csv.reader(f, strict=True))\n\
             print(json.dumps(rows))",
        )
        .arg(&file)
        .output()
        .expect("python3 runs (.ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    let header = rows[0].clone();
    let maps = rows[1..]
        .iter()
        .map(|row| {
            assert_eq!(row.len(), header.len(), "{row:?}");
            header
                .iter()
                .cloned()
                .zip(row.iter().map(|c| Value::String(c.clone())))
                .collect()
        })
        .collect();
    (header, maps)
}

#[tokio::test]
async fn digests_open_cleanly_hold_what_the_viewer_may_read_and_keep_formulas_inert() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    write(
        &app,
        &alice,
        json!({"motivation": "assessing", "credibility": 3, "sourceReliability": "C",
               "body": [{"type": "TextualBody", "value": "=HYPERLINK(\"http://evil.example\",\"click\")\n\nSecond *paragraph*, with \"quotes\".", "format": "text/markdown"},
                        {"type": "TextualBody", "value": "-2+3", "purpose": "tagging"},
                        {"type": "TextualBody", "value": "sanctions", "purpose": "tagging"}],
               "target": seed_target("irked Beijing")}),
    )
    .await;
    write(
        &app,
        &alice,
        json!({"visibility": "private", "body": {"type": "TextualBody", "value": "Only mine."},
               "target": seed_target("hinted")}),
    )
    .await;
    write(
        &app,
        &bob,
        json!({"visibility": "public", "body": {"type": "TextualBody", "value": "@SUM(A1:A9)"},
               "target": seed_target("Chinese Foreign Ministry")}),
    )
    .await;
    write(
        &app,
        &bob,
        json!({"body": {"type": "TextualBody", "value": "+1 on the whole piece"},
               "target": format!("{BASE_URL}/documents/{SEED}")}),
    )
    .await;

    // Alice's digest of the seed: her own private note too, and every column.
    let page = app
        .send(
            "GET",
            &format!("/documents/{SEED}/notes.csv"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.header("content-type").starts_with("text/csv"));
    assert!(
        page.header("content-disposition")
            .contains(&format!("{SEED}-notes.csv"))
    );
    let (header, rows) = python_rows(page.body.as_bytes());
    assert_eq!(header, glossa::domain::digest::CSV_COLUMNS);
    assert_eq!(rows.len(), 4);
    let by_body = |start: &str| {
        rows.iter()
            .find(|r| r["body"].as_str().unwrap().contains(start))
            .unwrap_or_else(|| panic!("no row with {start}: {rows:?}"))
    };
    let graded = by_body("HYPERLINK");
    assert!(
        graded["body"].as_str().unwrap().starts_with("'=HYPERLINK"),
        "{graded:?}"
    );
    assert!(
        graded["body"]
            .as_str()
            .unwrap()
            .contains("Second paragraph, with \"quotes\"."),
        "the body is plain text: {graded:?}"
    );
    assert_eq!(graded["tags"], "'-2+3; sanctions");
    assert_eq!(graded["quote"], "irked Beijing");
    assert_eq!(graded["motivation"], "assessing");
    assert_eq!(graded["source_reliability"], "C");
    assert_eq!(graded["credibility"], "3");
    assert_eq!(graded["author"], "alice");
    assert_eq!(graded["visibility"], "team");
    assert!(!graded["paragraph"].as_str().unwrap().is_empty());
    assert!(
        graded["link"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{BASE_URL}/documents/{SEED}#note-"))
    );
    assert_eq!(by_body("@SUM")["body"], "'@SUM(A1:A9)");
    let whole = by_body("on the whole piece");
    assert_eq!(whole["body"], "'+1 on the whole piece");
    assert_eq!(whole["paragraph"], "");
    assert_eq!(whole["quote"], "");
    assert_eq!(by_body("Only mine.")["visibility"], "private");

    // Bob does not get Alice's private note; a reader signed out gets the public note only.
    let bobs = app
        .send(
            "GET",
            &format!("/documents/{SEED}/notes.csv"),
            Some(&bob),
            None,
            &[],
        )
        .await;
    assert_eq!(python_rows(bobs.body.as_bytes()).1.len(), 3);
    let public = app.get(&format!("/documents/{SEED}/notes.csv")).await;
    let (_, public_rows) = python_rows(public.body.as_bytes());
    assert_eq!(public_rows.len(), 1);
    assert_eq!(public_rows[0]["author"], "bob");

    // For spreadsheet programs: a byte order mark first.
    let excel = app
        .send(
            "GET",
            &format!("/documents/{SEED}/notes.csv?bom=1"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert!(excel.body.starts_with('\u{feff}'));
    assert_eq!(python_rows(excel.body.as_bytes()).1.len(), 4);

    // /notes.csv takes /notes's query.
    let found = app
        .send(
            "GET",
            &format!(
                "/notes.csv?q={}",
                glossa::http::pages::url_encode("credibility:1-3")
            ),
            Some(&alice),
            None,
            &[],
        )
        .await;
    let (_, found_rows) = python_rows(found.body.as_bytes());
    assert_eq!(found_rows.len(), 1);
    assert_eq!(found_rows[0]["credibility"], "3");
    let bad = app
        .send("GET", "/notes.csv?q=credibility:9", Some(&alice), None, &[])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("credibility:"), "{}", bad.body);
    let missing = app.get("/documents/no-such/notes.md").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Markdown: by document, then paragraph; quotes as block quotes; links back.
    let md = app
        .send(
            "GET",
            &format!("/documents/{SEED}/notes.md"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(md.header("content-type").starts_with("text/markdown"));
    let text = md.body;
    assert!(
        text.starts_with("# Notes on Russia–North Korea ties"),
        "{text}"
    );
    assert!(
        text.contains("4 notes · the notes alice may read."),
        "{text}"
    );
    assert!(text.contains("### The whole document"), "{text}");
    assert!(text.contains("> irked Beijing"), "{text}");
    assert!(text.contains("**C3** (Source reliability C"), "{text}");
    assert!(text.contains(&format!(
        "[open in glossa](<{BASE_URL}/documents/{SEED}#note-"
    )));
    let paragraphs: Vec<i64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("### ¶ "))
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(paragraphs.windows(2).all(|w| w[0] < w[1]), "{paragraphs:?}");
    assert_eq!(text.matches("### The whole document").count(), 1);

    // The pages offer the downloads: a search's notes, …
    let search = app
        .send("GET", "/search?q=sanctions", Some(&alice), None, &[])
        .await
        .html();
    let found: Vec<String> = crate::helpers::select(&search, ".search-notes .digest-links a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(found[0], "/notes.csv?q=sanctions", "{found:?}");
    // … and the notes list's.
    let notes_page = app
        .send("GET", "/notes?q=tag:sanctions", Some(&alice), None, &[])
        .await
        .html();
    let hrefs: Vec<String> = crate::helpers::select(&notes_page, ".digest-links a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(
        hrefs,
        [
            "/notes.csv?q=tag%3Asanctions",
            "/notes.csv?q=tag%3Asanctions&bom=1",
            "/notes.md?q=tag%3Asanctions"
        ]
    );
}
