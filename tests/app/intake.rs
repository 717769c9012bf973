//! Documents from the browser, through the API: a preview that stores nothing, publishing
//! with a slug made from the title, every refusal with the field to fix, a revision whose
//! audit says which notes keep their passage before anything changes, and the rules between
//! browser documents and corpus files — on both backends.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{BASE_URL, SEED, TestApp, repo_corpus, select};

fn seed_text() -> String {
    std::fs::read_to_string(repo_corpus().join(format!("{SEED}.txt"))).unwrap()
}

async fn post(app: &TestApp, token: Option<&str>, uri: &str, body: &Value) -> (StatusCode, Value) {
    let page = app.send("POST", uri, token, Some(body), &[]).await;
    let status = page.status;
    (
        status,
        serde_json::from_str(&page.body).unwrap_or(Value::Null),
    )
}

async fn put(app: &TestApp, token: &str, uri: &str, body: &Value) -> (StatusCode, Value) {
    let page = app.send("PUT", uri, Some(token), Some(body), &[]).await;
    let status = page.status;
    (
        status,
        serde_json::from_str(&page.body).unwrap_or(Value::Null),
    )
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

/// A multipart upload of `bytes` as `file_name`, with `fields`.
fn multipart(token: &str, file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> Request<Body> {
    let boundary = "glossa-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/api/documents?preview=true")
        .header("authorization", format!("Bearer {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn a_pasted_commentary_is_previewed_published_and_read() {
    let app = TestApp::with_files(&[]).await;
    let alice = app.add_analyst("alice").await;
    let text = seed_text();

    // The preview says what glossa found, and stores nothing.
    let (status, preview) = post(
        &app,
        Some(&alice),
        "/api/documents?preview=true",
        &json!({"text": text, "title": "Russia–North Korea ties: Chinese views"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["paragraphs"].as_array().unwrap().len(), 14);
    assert_eq!(preview["markers"].as_array().unwrap().len(), 20);
    let first = &preview["markers"][0];
    assert_eq!(
        (first["number"].as_str(), first["paragraph"].as_u64()),
        (Some("1"), Some(1))
    );
    assert!(
        first["before"]
            .as_str()
            .unwrap()
            .ends_with("against the other."),
        "{first}"
    );
    assert!(
        preview["actors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == "RUS")
    );
    assert_eq!(preview["slug"], "russia-north-korea-ties-chinese-views");
    assert_eq!(
        app.get("/api/documents").await.json()["documents"]
            .as_array()
            .map_or(0, Vec::len),
        0
    );

    // Publishing stores it under that slug, readable at once; the same title again is
    // numbered rather than overwriting.
    let body = json!({"text": text, "title": "Russia–North Korea ties: Chinese views",
                      "author": "Not stated", "tags": ["korea"]});
    let (status, published) = post(&app, Some(&alice), "/api/documents", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{published}");
    let page = app
        .get("/documents/russia-north-korea-ties-chinese-views")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert_eq!(select(&html, ".text .row").len(), 14);
    assert_eq!(
        select(&html, "a.fn-ref, sup a[href^='#fn-']")
            .len()
            .max(select(&html, "[id^='fnref-']").len()),
        20
    );
    let (status, again) = post(&app, Some(&alice), "/api/documents", &body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["slug"], "russia-north-korea-ties-chinese-views-2");
    // A slug asked for must be free.
    let mut taken = body.clone();
    taken["slug"] = json!("russia-north-korea-ties-chinese-views");
    let (status, refused) = post(&app, Some(&alice), "/api/documents", &taken).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");

    // An analyst can annotate it like any document.
    let note = json!({"body": {"value": "Check this."},
        "target": {"source": format!("{BASE_URL}/documents/russia-north-korea-ties-chinese-views"),
                   "selector": {"type": "TextQuoteSelector", "exact": "irked Beijing"}}});
    let (status, _) = post(
        &app,
        Some(&alice),
        "/api/documents/russia-north-korea-ties-chinese-views/annotations/",
        &note,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_to_fix() {
    let app = TestApp::with_files(&[]).await;
    let alice = app.add_analyst("alice").await;
    let cases = [
        (
            json!({"title": "No text"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`text` is required",
        ),
        (
            json!({"text": "  \n "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the text is empty",
        ),
        (
            json!({"text": "a\u{7}b"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "control character",
        ),
        (
            json!({"text": "Words.", "format": "pdf"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`format`",
        ),
        (
            json!({"text": "Words.", "published": "June 2024"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`published`",
        ),
        (
            json!({"text": "Words.", "source": "javascript:alert(1)"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`source`",
        ),
        (
            json!({"text": "Words.", "slug": "Not A Slug"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`slug`",
        ),
        (
            json!({"text": "Words.", "colour": "red"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown field `colour`",
        ),
        (
            json!({"text": "Words.", "title": "x".repeat(301)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`title`",
        ),
        (
            json!({"text": "Words.", "author": "\u{202E}evil"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`author` holds a bidirectional",
        ),
        (
            json!({"text": "Words.", "tags": ["a,b"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`tags`",
        ),
        (
            json!({"text": "Words.", "tags": vec!["t"; 33]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`tags` are more than 32",
        ),
        (
            json!({"text": "Words.", "language": "not a lang!!"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`language`",
        ),
        (
            json!({"text": "Words.", "source": "http://x y"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`source`",
        ),
    ];
    for (body, status, words) in cases {
        let (got, answer) = post(&app, Some(&alice), "/api/documents", &body).await;
        assert_eq!(got, status, "{body} → {answer}");
        assert!(message(&answer).contains(words), "{body} → {answer}");
    }
    // Signed out: 401. Over the size limit: 413 before the body is read whole.
    let (status, _) = post(&app, None, "/api/documents", &json!({"text": "Words."})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let huge = json!({"text": "word ".repeat(2_200_000)});
    let (status, answer) = post(&app, Some(&alice), "/api/documents", &huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    // 100,000 tiny paragraphs are refused, quickly.
    let tiny = json!({"text": "a.\n".repeat(100_000)});
    let (status, answer) = post(&app, Some(&alice), "/api/documents", &tiny).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(message(&answer).contains("paragraphs"));

    // An uploaded file: a byte order mark, CRLF and decomposed accents are normalised; a
    // byte that is not UTF-8 is named by its offset; only .txt and .md are taken.
    let upload = app
        .request(multipart(
            &alice,
            "memo.txt",
            b"\xEF\xBB\xBFCafe\xCC\x81 talks.1\r\nSecond line.\r\n",
            &[],
        ))
        .await;
    assert_eq!(upload.status, StatusCode::OK, "{}", upload.body);
    let preview = upload.json();
    assert_eq!(
        preview["paragraphs"],
        json!(["Caf\u{e9} talks.", "Second line."])
    );
    assert_eq!(preview["markers"].as_array().unwrap().len(), 1);
    let latin1 = app
        .request(multipart(&alice, "memo.txt", b"Caf\xE9 talks.", &[]))
        .await;
    assert_eq!(latin1.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(latin1.body.contains("offset 3 (0xE9)"), "{}", latin1.body);
    let pdf = app
        .request(multipart(&alice, "memo.pdf", b"%PDF", &[]))
        .await;
    assert_eq!(pdf.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(pdf.body.contains(".txt or .md"));
}

#[tokio::test]
async fn markers_can_be_corrected_and_markdown_states_its_own_fields() {
    let app = TestApp::with_files(&[]).await;
    let alice = app.add_analyst("alice").await;
    // "in 2024.1" is a marker by the rules; "Resolution 2270" is not. The analyst refuses
    // the first, so the rules no longer see "text.2" as next in sequence: they take it by
    // hand. The preview shows both choices.
    let text = "Sanctions tightened in 2024.1 Resolution 2270 still binds.\nLater text.2\n";
    let (_, rules) = post(
        &app,
        Some(&alice),
        "/api/documents?preview=true",
        &json!({"text": text}),
    )
    .await;
    assert_eq!(rules["markers"].as_array().unwrap().len(), 2);
    let corrected = json!({"text": text, "corrections": {"markers": [
        {"line": "Sanctions tightened in 2024.1 Resolution 2270 still binds.", "offset": 28, "marker": false},
        {"line": "Later text.2", "offset": 11, "marker": true}]}});
    let (status, preview) = post(
        &app,
        Some(&alice),
        "/api/documents?preview=true",
        &corrected,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let numbers: Vec<&str> = preview["markers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["2"]);
    assert!(
        preview["rejectedMarkers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["number"] == "1")
    );
    assert!(
        preview["paragraphs"][0]
            .as_str()
            .unwrap()
            .contains("in 2024.1 Resolution")
    );
    // A line that runs on into the next is joined when the analyst says so; the join is kept
    // with the document, so a new version that gives no corrections is read the same way.
    let broken = json!({"text": "A sentence broken\nby the PDF.\n", "slug": "broken",
                        "corrections": {"joins": ["A sentence broken"]}});
    let (status, _) = post(&app, Some(&alice), "/api/documents", &broken).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, revised) = put(
        &app,
        &alice,
        "/api/documents/broken",
        &json!({"text": "A sentence broken\nby the PDF.\nA new line.\n"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{revised}");
    assert_eq!(
        revised["paragraphs"],
        json!(["A sentence broken by the PDF.", "A new line."])
    );
    let joined = json!({"text": "A sentence broken\nby the PDF.\n", "corrections": {"joins": ["A sentence broken"]}});
    let (_, preview) = post(&app, Some(&alice), "/api/documents?preview=true", &joined).await;
    assert_eq!(
        preview["paragraphs"],
        json!(["A sentence broken by the PDF."])
    );

    // Markdown's front matter states its title; the form's fields go over it.
    let md =
        "+++\ntitle = \"Stated title\"\n+++\n\nBody with a note.[^1]\n\n[^1]: The reference.\n";
    let (_, preview) = post(
        &app,
        Some(&alice),
        "/api/documents?preview=true",
        &json!({"text": md, "format": "md"}),
    )
    .await;
    assert_eq!(preview["title"], "Stated title");
    assert_eq!(preview["stated"], json!(["title"]));
    assert_eq!(preview["markers"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_revision_shows_its_audit_first_and_corpus_files_never_replace_browser_documents() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let text = "Moscow hinted at closer ties with Pyongyang.\nBeijing said little.\n";
    let (status, _) = post(
        &app,
        Some(&alice),
        "/api/documents",
        &json!({"text": text, "slug": "memo"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let target = |exact: &str| {
        json!({"body": {"value": "n"}, "target": {"source": format!("{BASE_URL}/documents/memo"),
        "selector": {"type": "TextQuoteSelector", "exact": exact}}})
    };
    for exact in ["closer ties", "Beijing said little"] {
        let (status, _) = post(
            &app,
            Some(&alice),
            "/api/documents/memo/annotations/",
            &target(exact),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    // The edited text keeps one passage and drops the other: the audit says so before
    // anything is stored.
    let edited =
        json!({"text": "A new first line.\nMoscow hinted at closer ties with Pyongyang.\n"});
    let (status, preview) = put(&app, &alice, "/api/documents/memo?preview=true", &edited).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let audit = &preview["audit"];
    assert_eq!(
        (audit["moved"].as_u64(), audit["orphan"].as_u64()),
        (Some(1), Some(1)),
        "{audit}"
    );
    assert_eq!(audit["lost"][0]["quote"], "Beijing said little");
    assert_eq!(app.get("/api/documents/memo").await.json()["version"], 1);
    let (status, done) = put(&app, &alice, "/api/documents/memo", &edited).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["audit"]["orphan"], 1);
    assert_eq!(app.get("/api/documents/memo").await.json()["version"], 2);
    // Both versions are kept: the first reads as it did, with its notes where they were
    // then, and the changes are listed paragraph by paragraph.
    let versions = app
        .send(
            "GET",
            "/documents/memo/versions?from=1&to=2",
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(versions.status, StatusCode::OK);
    let html = versions.html();
    let added = select(&html, ".version-diff li.added");
    assert!(crate::helpers::text(&added[0]).contains("A new first line."));
    let removed = select(&html, ".version-diff li.removed");
    assert!(crate::helpers::text(&removed[0]).contains("Beijing said little."));
    let first = app
        .send("GET", "/documents/memo/v/1", Some(&alice), None, &[])
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let html = first.html();
    let paragraphs: Vec<String> = select(&html, ".version-text")
        .iter()
        .map(|p| crate::helpers::text(p))
        .collect();
    assert!(
        paragraphs[1].contains("Beijing said little."),
        "{paragraphs:?}"
    );
    let notes: Vec<String> = select(&html, ".version-notes li")
        .iter()
        .map(|n| crate::helpers::text(n))
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("“Beijing said little”")),
        "{notes:?}"
    );
    assert_eq!(select(&html, "mark.note-highlight").len(), 2);
    let current = app
        .send("GET", "/documents/memo/v/2", Some(&alice), None, &[])
        .await;
    assert!(current.status.is_redirection());
    let missing = app
        .send("GET", "/documents/memo/v/9", Some(&alice), None, &[])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // A revision from an old version is refused, its preview too (a form left open while
    // someone published), as is one of a corpus document.
    let stale = json!({"text": "Other.\n", "baseVersion": 1});
    let (status, answer) = put(&app, &alice, "/api/documents/memo", &stale).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    let (status, _) = put(&app, &alice, "/api/documents/memo?preview=true", &stale).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, answer) = put(
        &app,
        &alice,
        &format!("/api/documents/{SEED}"),
        &json!({"text": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(message(&answer).contains("corpus directory"));

    // A corpus file with a browser document's slug is reported, not imported over it.
    app.write_files(&[("memo.txt", "A file that would replace it.\n")]);
    let report = app.import().await;
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.message.contains("added in the browser")),
        "{:?}",
        report.problems
    );
    let memo = app.get("/api/documents/memo").await.json();
    assert_eq!(memo["version"], 2);
    assert!(
        memo["paragraphs"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("A new first line")
    );
}

#[tokio::test]
async fn archiving_hides_a_document_from_lists_and_search_and_restoring_brings_it_back() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    let admin = app.add_analyst("root").await;
    assert!(app.store.set_admin("root", true).await.unwrap());
    let text = "Pyongyang welcomed the delegation warmly.\n";
    let (status, _) = post(
        &app,
        Some(&alice),
        "/api/documents",
        &json!({"text": text, "slug": "visit"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let slugs = |app_list: Value| -> Vec<String> {
        app_list["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(slugs(app.get("/api/documents").await.json()).contains(&"visit".to_owned()));

    // Only the analyst who added it (or an admin) may archive it.
    let (status, _) = post(&app, Some(&bob), "/api/documents/visit/archive", &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, done) = post(
        &app,
        Some(&alice),
        "/api/documents/visit/archive",
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(!slugs(app.get("/api/documents").await.json()).contains(&"visit".to_owned()));
    let found = app.get("/api/search?q=delegation").await.json();
    assert_eq!(found["total"], 0, "{found}");
    for hidden in [
        "/documents/visit",
        "/documents/visit/versions",
        "/documents/visit/v/1",
        "/documents/visit/export.html",
        "/documents/visit/notes.csv",
        "/api/documents/visit",
        "/api/documents/visit/annotations/",
        "/api/documents/visit/voices",
    ] {
        assert_eq!(
            app.get(hidden).await.status,
            StatusCode::NOT_FOUND,
            "{hidden}"
        );
    }
    let page = app
        .send("GET", "/documents/visit", Some(&alice), None, &[])
        .await
        .html();
    assert_eq!(select(&page, ".archived-note").len(), 1);
    // A note on it: an analyst may still write one; a stranger's token is refused.
    let note = json!({"body": {"value": "Still read."}, "target": {
        "source": format!("{BASE_URL}/documents/visit"),
        "selector": {"type": "TextPositionSelector", "start": 0, "end": 9}}});
    let (status, body) = post(&app, Some(&bob), "/api/documents/visit/annotations/", &note).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = post(
        &app,
        Some("not-a-token"),
        "/api/documents/visit/annotations/",
        &note,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // Signed out, a write to it is refused as one to a slug that does not exist: the
    // archived slug does not show.
    for slug in ["visit", "never-added"] {
        let (status, body) = post(
            &app,
            None,
            &format!("/api/documents/{slug}/annotations/"),
            &note,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{slug}: {body}");
    }
    // Restored, it is back everywhere; an admin may archive a corpus document too.
    let (status, _) = post(
        &app,
        Some(&admin),
        "/api/documents/visit/restore",
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(slugs(app.get("/api/documents").await.json()).contains(&"visit".to_owned()));
    assert_eq!(app.get("/api/search?q=delegation").await.json()["total"], 1);
    let (status, _) = post(
        &app,
        Some(&alice),
        &format!("/api/documents/{SEED}/archive"),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(
        &app,
        Some(&admin),
        &format!("/api/documents/{SEED}/archive"),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_cookie_session_publishes_only_from_glossa_s_own_pages() {
    let app = TestApp::with_files(&[]).await;
    let token = app.add_analyst("alice").await;
    app.open_session(&token, "session-x").await;
    let body = json!({"text": "Words of a commentary.", "slug": "from-a-form"}).to_string();
    let send = |origin: &str| {
        Request::post("/api/documents")
            .header("cookie", "glossa_session=session-x")
            .header("origin", origin)
            .header("content-type", "application/json")
            .body(Body::from(body.clone()))
            .unwrap()
    };
    let foreign = app.request(send("https://evil.example")).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN, "{}", foreign.body);
    assert!(app.get("/documents/from-a-form").await.status == StatusCode::NOT_FOUND);
    let own = app.request(send(BASE_URL)).await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);

    // On the page, a file that cannot be taken is refused beside the form, which keeps what
    // was typed.
    let boundary = "page-boundary";
    let mut form = Vec::new();
    form.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nMy typed title\r\n").as_bytes());
    form.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\npreview\r\n"
        )
        .as_bytes(),
    );
    form.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"old.txt\"\r\n\r\n").as_bytes());
    form.extend_from_slice(b"Caf\xE9 talks.");
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let page = app
        .request(
            Request::post("/documents/new")
                .header("cookie", "glossa_session=session-x")
                .header("origin", BASE_URL)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(form))
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.html();
    let refusal = crate::helpers::text(&select(&html, ".form-error")[0]);
    assert!(refusal.contains("offset 3 (0xE9)"), "{refusal}");
    assert!(
        !refusal.contains('`'),
        "the page names fields by their labels: {refusal}"
    );
    assert_eq!(
        select(&html, "#intake-title")[0].value().attr("value"),
        Some("My typed title")
    );
    assert!(page.body.contains("Signed in as <strong>alice</strong>"));
}

#[tokio::test]
async fn an_upload_over_the_limit_is_413_and_the_page_keeps_its_form() {
    let app = TestApp::with_files(&[]).await;
    let token = app.add_analyst("alice").await;
    app.open_session(&token, "session-big").await;
    let boundary = "big-boundary";
    let mut form = Vec::new();
    form.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nTyped title\r\n"
        )
        .as_bytes(),
    );
    form.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"archive.txt\"\r\n\r\n").as_bytes());
    form.extend(std::iter::repeat_n(b'a', 7 * 1024 * 1024));
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let send = |uri: &str, auth: (&str, String)| {
        Request::post(uri)
            .header(auth.0, auth.1)
            .header("origin", BASE_URL)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(form.clone()))
            .unwrap()
    };

    let api = app
        .request(send(
            "/api/documents",
            ("authorization", format!("Bearer {token}")),
        ))
        .await;
    assert_eq!(api.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", api.body);
    assert_eq!(api.json()["error"]["code"], "too_large");
    assert!(
        api.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 2097152 bytes (2 MiB)"),
        "{}",
        api.body
    );

    let page = app
        .request(send(
            "/documents/new",
            ("cookie", "glossa_session=session-big".to_owned()),
        ))
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    let html = page.html();
    assert!(
        crate::helpers::text(&select(&html, ".form-error")[0]).contains("choose a smaller file"),
        "{}",
        page.body
    );
    assert_eq!(
        select(&html, "form.intake-form").len(),
        1,
        "the form, to try again"
    );
    assert!(page.body.contains("Signed in as <strong>alice</strong>"));
    assert_eq!(
        app.get("/api/documents").await.json()["total"],
        0,
        "nothing stored"
    );
}

#[tokio::test]
async fn a_bad_preview_or_content_type_on_the_document_api_gets_a_json_error_that_says_what_it_takes()
 {
    let app = TestApp::with_files(&[]).await;
    let token = app.add_analyst("alice").await;
    let (status, answer) = post(
        &app,
        Some(&token),
        "/api/documents?preview=maybe",
        &json!({"text": "Words."}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["code"], "bad_query");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("true or false")
    );

    let plain = app
        .request(
            Request::post("/api/documents")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "text/plain")
                .body(Body::from("Words."))
                .unwrap(),
        )
        .await;
    assert_eq!(plain.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let message = plain.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("document") && message.contains("multipart/form-data"),
        "{message}"
    );
}

#[tokio::test]
async fn a_document_added_in_the_browser_counts_in_the_actors_tallies() {
    let app = TestApp::with_seed_and(&[]).await;
    let token = app.add_analyst("alice").await;
    let before = app.get("/api/actors/RUS").await.json();
    assert_eq!(before["documents"], 1);
    let (status, _) = post(
        &app,
        Some(&token),
        "/api/documents",
        &json!({"text": "Moscow and Pyongyang met again. Moscow said little.\n", "slug": "visit"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let after = app.get("/api/actors/RUS").await.json();
    assert_eq!(after["documents"], 2, "{after}");
    assert_eq!(
        after["mentions_total"].as_i64().unwrap(),
        before["mentions_total"].as_i64().unwrap() + 2
    );
    let with = |json: &Value, id: &str| {
        json["co_mentioned"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["sentences"].as_i64().unwrap())
            .unwrap_or(0)
    };
    assert_eq!(with(&after, "PRK"), with(&before, "PRK") + 1);
}
