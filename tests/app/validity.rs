//! Pages validate with the Nu HTML Checker (vnu), the checker browsers' makers use.
//!
//! vnu needs Java and `vnu.jar` (`.ci/run` installs both). Where they are missing the test
//! says so and passes, unless `GLOSSA_REQUIRE_TOOLS=1`, which CI sets so that a missing
//! checker fails instead of hiding a regression.

use std::path::PathBuf;
use std::process::Command;

use crate::helpers::{SEED, TestApp};

fn vnu_jar() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let tools = std::env::var_os("GLOSSA_TOOLS_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".cache/glossa-tools"));
    std::env::var_os("VNU_JAR")
        .map(PathBuf::from)
        .into_iter()
        .chain([tools.join("node_modules/vnu-jar/build/dist/vnu.jar")])
        .find(|p| p.is_file())
        .filter(|_| Command::new("java").arg("-version").output().is_ok())
}

#[tokio::test]
async fn pages_are_valid_html() {
    let Some(jar) = vnu_jar() else {
        assert!(
            std::env::var("GLOSSA_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "vnu.jar or java is missing but GLOSSA_REQUIRE_TOOLS=1"
        );
        eprintln!("skipped: vnu.jar or java not found (set VNU_JAR, or run .ci/run)");
        return;
    };
    let md = "+++\ntitle = \"Formats <b>and</b> \\\"quotes\\\"\"\nsource = \"https://example.org/?a=1&b=2\"\n+++\n\nOne *two* **three** `four` [five](https://e.org).[^a] ~~six~~\n\n## Heading with Moscow\n\n> Quoted Beijing.[^a]\n\n- item Seoul\n- item Tokyo\n\n```\ncode <b>\n```\n\n| a | b |\n|---|---|\n| Kyiv | x |\n\n<div onclick=\"x\">raw</div>\n\n[^a]: Note with [link](https://e.org) and <script>x</script>.\n";
    let app = TestApp::with_seed_and(&[("formats.md", md)]).await;
    let token = app.add_analyst("alice").await;
    let source = format!("{}/documents/{SEED}", crate::helpers::BASE_URL);
    for (quote, body) in [
        (
            "Pyongyang and Moscow",
            "**Capitals** as metonyms.\n\n- one\n- two",
        ),
        (
            "against the other. Commentators",
            "<script>x</script> `code`",
        ),
        ("Moscow have", "Overlapping note."),
        (
            "high-level state visits",
            "[click](javascript:alert(1)) and [data](data:text/html,x) and ![img](https://e.org/i.png)",
        ),
        (
            "mutual assistance",
            &format!(
                "See https://example.org/{}end for more.",
                "long-path-".repeat(20)
            ),
        ),
        (
            "irked Beijing",
            "<a href=\"javascript:x\">raw link</a> <iframe src=x></iframe>",
        ),
        (
            "expanding influence in the Korean Peninsula",
            "Same author, same paragraph: names must still differ.",
        ),
        ("", "A note on the whole document."),
    ] {
        let target = if quote.is_empty() {
            serde_json::json!(source)
        } else {
            serde_json::json!({"source": source, "selector": {"type": "TextQuoteSelector", "exact": quote}})
        };
        // The page note is private, so the signed-in page shows how a private note looks.
        let visibility = if quote.is_empty() {
            "private"
        } else {
            "public"
        };
        let note = serde_json::json!({"visibility": visibility, "body": [{"value": body}, {"value": "tag <b>", "purpose": "tagging"}],
            "target": target});
        let page = app
            .send(
                "POST",
                &format!("/api/documents/{SEED}/annotations/"),
                Some(&token),
                Some(&note),
                &[],
            )
            .await;
        assert_eq!(
            page.status,
            axum::http::StatusCode::CREATED,
            "{}",
            page.body
        );
    }
    // A correction with a hostile new voice: the panel lists it, the sentence carries it.
    let correction = serde_json::json!({"voice": {"label": "<b>Voice</b> & \"co\"", "official": false},
        "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": "irked Beijing"}}});
    let page = app
        .send(
            "POST",
            &format!("/api/documents/{SEED}/voices/corrections"),
            Some(&token),
            Some(&correction),
            &[],
        )
        .await;
    assert_eq!(
        page.status,
        axum::http::StatusCode::CREATED,
        "{}",
        page.body
    );
    // A graded source, and an assessing note edited once, so that the page shows grades and
    // the note has a history with a diff to check.
    let graded = app
        .send(
            "PUT",
            &format!("/api/documents/{SEED}/reliability"),
            Some(&token),
            Some(&serde_json::json!({"reliability": "F"})),
            &[],
        )
        .await;
    assert_eq!(graded.status, axum::http::StatusCode::OK, "{}", graded.body);
    let assessing = |body: &str| {
        serde_json::json!({"motivation": "assessing", "credibility": 3, "sourceReliability": "C",
            "body": [{"value": body}, {"value": "tag", "purpose": "tagging"}],
            "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": "Chinese Foreign Ministry"}}})
    };
    let created = app
        .send(
            "POST",
            &format!("/api/documents/{SEED}/annotations/"),
            Some(&token),
            Some(&assessing("<b>Plausible</b> & \"sourced\"")),
            &[],
        )
        .await;
    assert_eq!(
        created.status,
        axum::http::StatusCode::CREATED,
        "{}",
        created.body
    );
    let assessed_url = created.json()["id"]
        .as_str()
        .unwrap()
        .replace(crate::helpers::BASE_URL, "");
    let etag = created.header("etag").to_owned();
    let edited = app
        .send(
            "PUT",
            &assessed_url,
            Some(&token),
            Some(&assessing("<i>Less</i> plausible & \"unsourced\"")),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(edited.status, axum::http::StatusCode::OK, "{}", edited.body);
    let history = format!(
        "/documents/{SEED}/notes/{}/history?from=1&to=2",
        assessed_url.rsplit('/').next().unwrap()
    );
    // A thread: two replies to the assessing note, one mentioning its author, so that the
    // page and /notes show nested notes, a folded reply and a mention link.
    for body in ["@alice <b>Why</b> & \"how\"?", "A second reply."] {
        let reply = serde_json::json!({"body": {"value": body},
            "target": format!("{}{assessed_url}", crate::helpers::BASE_URL)});
        let replied = app
            .send(
                "POST",
                &format!("/api/documents/{SEED}/annotations/"),
                Some(&token),
                Some(&reply),
                &[],
            )
            .await;
        assert_eq!(
            replied.status,
            axum::http::StatusCode::CREATED,
            "{}",
            replied.body
        );
    }
    app.open_session(&token, "session-1").await;
    let signed_in = app
        .request(
            axum::http::Request::get(format!("/documents/{SEED}"))
                .header("cookie", "glossa_session=session-1")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(signed_in.body.contains("note-editor") && signed_in.body.contains("Signed in as"));
    assert!(signed_in.body.contains("voice-editor") && signed_in.body.contains("correction-undo"));
    assert!(
        signed_in.body.contains("more-replies") && signed_in.body.contains("class=\"mention\"")
    );
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let path = dir.path().join("signed-in.html");
    std::fs::write(&path, &signed_in.body).unwrap();
    files.push(path);
    // A document from the browser with two versions, archived: its form, versions, old
    // version and archived page; and the form's preview of a hostile text.
    let hostile_text = "<b>Bold</b> & \"quoted\" claims.1 Resolution 2270.\nSecond line.2\n";
    let browser_doc =
        serde_json::json!({"text": hostile_text, "slug": "from-browser", "title": "<i>T</i> & co"});
    for (method, uri) in [
        ("POST", "/api/documents"),
        ("PUT", "/api/documents/from-browser"),
    ] {
        let sent = app
            .send(method, uri, Some(&token), Some(&browser_doc), &[])
            .await;
        assert!(sent.status.is_success(), "{}", sent.body);
        if method == "POST" {
            let mut second = browser_doc.clone();
            second["text"] =
                serde_json::json!("A new first line.\n<b>Bold</b> & \"quoted\" claims.1\n");
            let revised = app
                .send(
                    "PUT",
                    "/api/documents/from-browser",
                    Some(&token),
                    Some(&second),
                    &[],
                )
                .await;
            assert!(revised.status.is_success(), "{}", revised.body);
        }
    }
    let archived = app
        .send(
            "POST",
            "/api/documents/from-browser/archive",
            Some(&token),
            Some(&serde_json::json!({})),
            &[],
        )
        .await;
    assert!(archived.status.is_success(), "{}", archived.body);
    let boundary = "validity-boundary";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n{hostile_text}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n<script>x</script>\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\npreview\r\n--{boundary}--\r\n"
    );
    let preview = app
        .request(
            axum::http::Request::post("/documents/new")
                .header("cookie", "glossa_session=session-1")
                .header("origin", crate::helpers::BASE_URL)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(axum::body::Body::from(form))
                .unwrap(),
        )
        .await;
    assert!(preview.body.contains("intake-summary"), "{}", preview.body);
    let path = dir.path().join("signed-in-intake-preview.html");
    std::fs::write(&path, &preview.body).unwrap();
    files.push(path);
    for (name, uri) in [
        ("signed-in-intake", "/documents/new"),
        ("signed-in-revise", "/documents/from-browser/revise"),
        ("signed-in-versions", "/documents/from-browser/versions"),
        ("signed-in-version", "/documents/from-browser/v/1"),
        ("signed-in-archived", "/documents/from-browser"),
        ("signed-in-notes", "/notes?q=tag:tag"),
        ("signed-in-tags", "/tags"),
        ("signed-in-unknown", "/actors/unknown"),
        ("signed-in-history", history.as_str()),
        ("signed-in-search", "/search?q=tag"),
    ] {
        let page = app
            .request(
                axum::http::Request::get(uri)
                    .header("cookie", "glossa_session=session-1")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(page.body.contains("Signed in as"), "{uri}");
        let path = dir.path().join(format!("{name}.html"));
        std::fs::write(&path, page.body).unwrap();
        files.push(path);
    }
    for (name, uri) in [
        ("index", "/".to_owned()),
        ("seed", format!("/documents/{SEED}")),
        ("formats", "/documents/formats".to_owned()),
        ("not-found", "/documents/nope".to_owned()),
        ("login", "/login".to_owned()),
        ("export", format!("/documents/{SEED}/export.html")),
        ("search", "/search?q=Moscow+sanctions".to_owned()),
        ("search-empty", "/search".to_owned()),
        ("search-error", "/search?q=%22open".to_owned()),
        ("search-in-text", format!("/documents/{SEED}?q=Moscow")),
        ("search-facets", "/search?q=Moscow+actor:RUS".to_owned()),
        ("search-hint", "/search?q=actor:nobody".to_owned()),
        ("notes", "/notes".to_owned()),
        ("notes-empty", "/notes?q=zzzz".to_owned()),
        ("tags", "/tags".to_owned()),
        ("actors", "/actors".to_owned()),
        ("actor", "/actors/RUS".to_owned()),
        ("person", "/actors/vladimir-putin".to_owned()),
        ("unknown", "/actors/unknown".to_owned()),
        ("voices", "/voices".to_owned()),
        ("voice", "/voices/chn-foreign-ministry".to_owned()),
        ("voice-carried", "/voices/chn-analysts".to_owned()),
    ] {
        let page = app.get(&uri).await;
        let path = dir.path().join(format!("{name}.html"));
        std::fs::write(&path, page.body).unwrap();
        files.push(path);
    }
    let out = Command::new("java")
        .args(["-Djava.net.useSystemProxies=false", "-jar"])
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu"])
        .args(&files)
        .output()
        .unwrap();
    let messages = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && messages.trim().is_empty(),
        "vnu errors:\n{messages}"
    );
}
