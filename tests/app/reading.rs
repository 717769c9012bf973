//! Reading and note-taking as analysts use them: page notes, the W3C fields a note keeps,
//! actor colours that mean the same actor everywhere, and the small things a reader notices.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use glossa::interchange::import_notes_file;
use serde_json::{Value, json};

use crate::helpers::{BASE_URL, SEED, TestApp, select, text};

fn container() -> String {
    format!("/api/documents/{SEED}/annotations/")
}

fn document_iri() -> String {
    format!("{BASE_URL}/documents/{SEED}")
}

const CANONICAL: &str = "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df";

/// The first example of the W3C model, a note on the whole document, with `canonical`,
/// `via` and a body in French.
fn page_note() -> Value {
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Sur l'ensemble du texte.", "language": "fr", "format": "text/markdown"},
        "target": document_iri(),
        "canonical": CANONICAL,
        "via": "https://other.example/annotations/17",
        "visibility": "public"
    })
}

/// `uri` as the browser of the analyst signed in with `session` sees it.
async fn get_signed_in(app: &TestApp, uri: &str, session: &str) -> scraper::Html {
    app.request(
        Request::get(uri)
            .header("cookie", format!("glossa_session={session}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .html()
}

/// The seed, alice, and alice's [`page_note`] as created.
async fn seed_with_page_note() -> (TestApp, String, crate::helpers::Page) {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let created = app
        .send("POST", &container(), Some(&alice), Some(&page_note()), &[])
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    (app, alice, created)
}

#[tokio::test]
async fn a_page_note_with_canonical_and_via_round_trips_through_the_api() {
    let (app, alice, created) = seed_with_page_note().await;
    let note = created.json();
    assert_eq!(
        note["target"],
        document_iri(),
        "a page note's target is the IRI"
    );
    assert_eq!(note["canonical"], CANONICAL);
    assert_eq!(note["via"], "https://other.example/annotations/17");
    assert_eq!(note["body"][0]["language"], "fr");
    assert!(note.get("anchorStatus").is_none());

    let id = note["id"].as_str().unwrap().to_owned();
    let path = id.trim_start_matches(BASE_URL);
    let read = app.send("GET", path, Some(&alice), None, &[]).await.json();
    assert_eq!(read, note, "read back unchanged");

    // A replacement may leave `canonical` out (it stays) but may not change it.
    let etag = created.header("etag").to_owned();
    let mut edit = page_note();
    edit.as_object_mut().unwrap().remove("canonical");
    edit["via"] = json!(["https://a.example/1", "https://b.example/2"]);
    let updated = app
        .send(
            "PUT",
            path,
            Some(&alice),
            Some(&edit),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    let updated_json = updated.json();
    assert_eq!(updated_json["canonical"], CANONICAL);
    assert_eq!(
        updated_json["via"],
        json!(["https://a.example/1", "https://b.example/2"])
    );
    let mut other = page_note();
    other["canonical"] = json!("urn:uuid:00000000-0000-0000-0000-000000000000");
    let refused = app
        .send(
            "PUT",
            path,
            Some(&alice),
            Some(&other),
            &[("if-match", updated.header("etag"))],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("canonical"), "{}", refused.body);

    // The other shapes of a whole-document target are page notes too.
    for target in [
        json!({"source": document_iri()}),
        json!({"id": document_iri(), "type": "Text"}),
    ] {
        let body = json!({"body": {"value": "x"}, "target": target});
        let page = app
            .send("POST", &container(), Some(&alice), Some(&body), &[])
            .await;
        assert_eq!(page.status, StatusCode::CREATED, "{target}: {}", page.body);
        assert_eq!(page.json()["target"], document_iri());
    }
}

#[tokio::test]
async fn page_notes_show_above_the_text_and_in_the_export_and_come_back_from_it() {
    let (app, _, created) = seed_with_page_note().await;
    let original = created.json();

    let page = app.get(&format!("/documents/{SEED}")).await.html();
    let shown = select(&page, ".page-notes article.note");
    assert_eq!(shown.len(), 1);
    assert!(text(&shown[0]).contains("Sur l'ensemble du texte."));
    assert!(
        select(&page, ".text article.note").is_empty(),
        "not in a margin"
    );

    let export = app
        .get(&format!("/documents/{SEED}/export.html?visibility=public"))
        .await
        .body;
    let exported = scraper::Html::parse_document(&export);
    assert_eq!(select(&exported, ".page-notes aside.sidenote").len(), 1);
    let file = app.dir.path().join("export.html");
    std::fs::write(&file, &export).unwrap();

    let fresh = TestApp::with_seed_and(&[]).await;
    let done = import_notes_file(&fresh.store, &file).await.unwrap();
    assert_eq!((done.restored.added, done.orphans), (1, 0));
    let id = original["id"]
        .as_str()
        .unwrap()
        .trim_start_matches(BASE_URL);
    let back = fresh.get(id).await.json();
    for field in [
        "id",
        "target",
        "canonical",
        "via",
        "body",
        "created",
        "modified",
        "creator",
        "motivation",
    ] {
        assert_eq!(
            back[field], original[field],
            "{field} survives the export and import"
        );
    }
}

#[tokio::test]
async fn fields_glossa_would_not_keep_are_refused_by_name() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    for (note, field) in [
        (
            json!({"target": document_iri(), "body": {"value": "x", "id": "urn:b:1"}}),
            "body.id",
        ),
        (
            json!({"target": {"source": document_iri(), "id": "urn:t:1"}}),
            "target.id",
        ),
        (
            json!({"target": document_iri(), "canonical": "no scheme"}),
            "canonical",
        ),
        (json!({"target": document_iri(), "via": [1]}), "via[0]"),
    ] {
        let page = app
            .send("POST", &container(), Some(&alice), Some(&note), &[])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{note}");
        assert!(
            page.body.contains(&format!("`{field}`")),
            "{field}: {}",
            page.body
        );
    }
}

#[tokio::test]
async fn an_actor_has_the_same_colour_in_every_document() {
    let other = "Moscow and Washington talk; Tokyo listens. Seoul, Beijing and Kyiv wait.\n";
    let app = TestApp::with_seed_and(&[("second.txt", other)]).await;
    let tone = |html: &scraper::Html, actor: &str| -> String {
        let marks = select(html, &format!("mark.actor[data-actor=\"{actor}\"]"));
        let classes = marks[0].value().attr("class").unwrap().to_owned();
        assert!(
            marks
                .iter()
                .all(|m| m.value().attr("class") == Some(classes.as_str())),
            "one colour per actor in a document"
        );
        classes
    };
    let seed = app.get(&format!("/documents/{SEED}")).await.html();
    let second = app.get("/documents/second").await.html();
    for actor in ["RUS", "USA", "JPN", "KOR", "CHN", "UKR"] {
        assert_eq!(tone(&seed, actor), tone(&second, actor), "{actor}");
    }
    assert_eq!(
        tone(&seed, "RUS"),
        "actor tone-1",
        "Russia's tone comes from actors.toml"
    );
}

#[tokio::test]
async fn the_actor_is_named_after_a_mention_only_when_the_words_do_not_say_it() {
    let app = TestApp::with_seed_and(&[]).await;
    let page = app.get(&format!("/documents/{SEED}")).await.html();
    for mark in select(&page, "mark.actor") {
        let words = text(&mark);
        if let Some(name) = mark.value().attr("data-name") {
            assert!(
                !words.starts_with(name) && !name.ends_with(words.as_str()),
                "{words:?} is labelled {name:?}, which repeats it"
            );
        }
    }
    let moscow = select(&page, "mark.actor[data-actor=\"RUS\"]")
        .into_iter()
        .find(|m| text(m) == "Moscow")
        .unwrap();
    assert_eq!(moscow.value().attr("data-name"), Some("Russia"));
    let russia = select(&page, "mark.actor[data-actor=\"RUS\"]")
        .into_iter()
        .find(|m| text(m) == "Russia")
        .unwrap();
    assert_eq!(russia.value().attr("data-name"), None, "no “Russia Russia”");
}

#[tokio::test]
async fn counts_read_as_english_and_paragraph_numbers_are_not_text() {
    let one = "One line with one footnote.1\n";
    let app = TestApp::with_seed_and(&[("one.txt", one)]).await;
    let page = app.get("/documents/one").await.html();
    let facts = text(&select(&page, ".doc-facts")[0]);
    assert!(facts.starts_with("1 paragraph · 1 footnote · "), "{facts}");
    let index = app.get("/").await.html();
    let all = text(&select(&index, ".document-list")[0]);
    assert!(
        all.contains("1 paragraph") && !all.contains("1 paragraphs"),
        "{all}"
    );
    assert!(
        all.contains("14 paragraphs") && all.contains("0 notes"),
        "{all}"
    );
    let number = &select(&page, "a.pnum")[0];
    assert_eq!(
        text(number),
        "",
        "the number is generated content, not copied text"
    );
    assert_eq!(number.value().attr("data-n"), Some("1"));
}

#[tokio::test]
async fn the_document_list_counts_the_notes_each_viewer_may_see() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    for visibility in ["public", "team", "private"] {
        let mut note = page_note();
        note["visibility"] = json!(visibility);
        note.as_object_mut().unwrap().remove("canonical");
        let page = app
            .send("POST", &container(), Some(&alice), Some(&note), &[])
            .await;
        assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    }
    let count = |html: scraper::Html| text(&select(&html, ".document-card .note-count")[0]);
    assert_eq!(count(app.get("/").await.html()), "1 note");
    app.open_session(&alice, "s-alice").await;
    assert_eq!(count(get_signed_in(&app, "/", "s-alice").await), "3 notes");
    let bob = app.add_analyst("bob").await;
    app.open_session(&bob, "s-bob").await;
    assert_eq!(
        count(get_signed_in(&app, "/", "s-bob").await),
        "2 notes",
        "alice's private note is not counted for bob"
    );
}

#[tokio::test]
async fn a_trailing_slash_redirects_and_sign_in_comes_back_to_the_page() {
    let app = TestApp::with_seed_and(&[]).await;
    let slash = app.get(&format!("/documents/{SEED}/")).await;
    assert_eq!(slash.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(slash.header("location"), format!("/documents/{SEED}"));
    assert_eq!(
        app.get("/documents/no-such-doc/").await.status,
        StatusCode::NOT_FOUND
    );

    let page = app.get(&format!("/documents/{SEED}")).await.html();
    let sign_in = select(&page, ".site-account a")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(sign_in, format!("/login?next=/documents/{SEED}"));
    let login = app.get(&sign_in).await.html();
    let next = select(&login, "input[name=next]")[0]
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    assert_eq!(next, format!("/documents/{SEED}"));
    for hostile in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let login = app
            .get(&format!(
                "/login?next={}",
                glossa::http::pages::url_encode(hostile)
            ))
            .await
            .html();
        let next = select(&login, "input[name=next]")[0]
            .value()
            .attr("value")
            .unwrap()
            .to_owned();
        assert_eq!(next, "/", "{hostile} is not followed");
    }
}

#[tokio::test]
async fn a_private_note_says_so_in_words() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let note = json!({"visibility": "private", "body": {"value": "Mine."},
        "target": {"source": document_iri(), "selector": {"type": "TextQuoteSelector", "exact": "Pyongyang and Moscow"}}});
    let page = app
        .send("POST", &container(), Some(&alice), Some(&note), &[])
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    app.open_session(&alice, "s-alice").await;
    let html = get_signed_in(&app, &format!("/documents/{SEED}"), "s-alice").await;
    let shown = &select(&html, "article.note.private")[0];
    assert!(
        text(shown).contains("Private: only its author sees it"),
        "{}",
        text(shown)
    );
    assert_eq!(
        select(&html, "article.note.private svg.lock[aria-hidden=true]").len(),
        1
    );
    let labels: Vec<String> = select(&html, "article.note")
        .iter()
        .map(|n| n.value().attr("aria-label").unwrap().to_owned())
        .collect();
    assert_eq!(labels, vec!["Note by alice on “Pyongyang and Moscow”"]);
}

#[tokio::test]
async fn bad_requests_get_json_errors_that_say_what_to_fix() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let patch = app
        .send("PATCH", &container(), Some(&alice), Some(&json!({})), &[])
        .await;
    assert_eq!(patch.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(patch.json()["error"]["code"], "method_not_allowed");
    assert!(patch.header("allow").contains("POST"));

    let broken = app
        .request(
            Request::post(container())
                .header("authorization", format!("Bearer {alice}"))
                .header("content-type", "application/ld+json")
                .body(Body::from("{\"target\": "))
                .unwrap(),
        )
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    let message = broken.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        message.matches("column").count(),
        1,
        "the position is given once: {message}"
    );

    for (note, field) in [
        (
            json!({"@context": "http://schema.org/", "target": document_iri()}),
            "@context",
        ),
        (
            json!({"target": document_iri(), "body": {"value": "\u{202E}gnp.exe"}}),
            "body.value",
        ),
    ] {
        let page = app
            .send("POST", &container(), Some(&alice), Some(&note), &[])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{note}");
        assert!(page.body.contains(&format!("`{field}`")), "{}", page.body);
    }
}
