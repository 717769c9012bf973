//! Admiralty grades as analysts give them: a source's reliability (A–F) for a document or for
//! every document of its outlet, and a claim's credibility (1–6) in an assessing note; shown
//! in the page, the notes list and the export, written in the JSON-LD (glossa's context and
//! the MISP machine tags), found by `reliability:` and `credibility:` — on both backends.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{BASE_URL, SEED, TestApp, select, text};

fn seed_target(quote: &str) -> Value {
    json!({
        "source": format!("{BASE_URL}/documents/{SEED}"),
        "selector": {"type": "TextQuoteSelector", "exact": quote}
    })
}

fn encode(q: &str) -> String {
    glossa::http::pages::url_encode(q)
}

/// Badges shown under `css`, as a sighted reader sees them.
fn badges(html: &scraper::Html, css: &str) -> Vec<String> {
    select(html, &format!("{css} .grade span[aria-hidden]"))
        .iter()
        .map(text)
        .collect()
}

async fn reliability(app: &TestApp, slug: &str) -> Value {
    app.get(&format!("/api/documents/{slug}")).await.json()["reliability"].clone()
}

#[tokio::test]
async fn an_analyst_grades_the_seed_source_and_a_claim_and_the_grades_show_everywhere() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let grade_url = format!("/api/documents/{SEED}/reliability");

    // The seed names no outlet or author: no source record, and nothing graded yet.
    let before = reliability(&app, SEED).await;
    assert_eq!(before["grade"], Value::Null, "{before}");
    assert_eq!(before["source"], Value::Null, "{before}");

    // Refusals say what to fix, and change nothing.
    for (token, body, status) in [
        (None, json!({"reliability": "F"}), StatusCode::UNAUTHORIZED),
        (
            Some(&alice),
            json!({"reliability": "F", "scope": "source"}),
            StatusCode::CONFLICT,
        ),
        (
            Some(&alice),
            json!({"reliability": "B2"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (Some(&alice), json!({}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let answer = app
            .send(
                "PUT",
                &grade_url,
                token.map(String::as_str),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert!(
            !answer.json()["error"]["message"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
    assert_eq!(reliability(&app, SEED).await["grade"], Value::Null);

    // F: reliability cannot be judged, since the text names no one.
    let graded = app
        .send(
            "PUT",
            &grade_url,
            Some(&alice),
            Some(&json!({"reliability": "F"})),
            &[],
        )
        .await;
    assert_eq!(graded.status, StatusCode::OK, "{}", graded.body);
    let now = reliability(&app, SEED).await;
    assert_eq!(now["grade"], "F");
    assert_eq!(now["words"], "Reliability cannot be judged");
    assert_eq!(now["from"], "document");
    assert_eq!(now["document"]["set_by"], "alice");

    // A claim marked C3 in an assessing note.
    let note = json!({
        "motivation": "assessing",
        "credibility": 3,
        "sourceReliability": "C",
        "body": [{"type": "TextualBody", "value": "Plausible, but only one outlet says so.", "format": "text/markdown"},
                 {"type": "TextualBody", "value": "sanctions", "purpose": "tagging"}],
        "target": seed_target("irked Beijing"),
    });
    let created = app
        .send(
            "POST",
            &format!("/api/documents/{SEED}/annotations/"),
            Some(&alice),
            Some(&note),
            &[],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let ld = created.json();
    assert_eq!(
        ld["@context"],
        json!([
            "http://www.w3.org/ns/anno.jsonld",
            format!("{BASE_URL}/ns/glossa.jsonld")
        ])
    );
    assert_eq!(ld["sourceReliability"], "C");
    assert_eq!(ld["credibility"], 3);
    let tags: Vec<&str> = ld["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["purpose"] == "tagging")
        .map(|b| b["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        [
            "sanctions",
            "admiralty-scale:source-reliability=\"c\"",
            "admiralty-scale:information-credibility=\"3\""
        ]
    );
    // What a client read back and sends again keeps its grades, and adds no tag.
    let id = ld["id"].as_str().unwrap().rsplit('/').next().unwrap();
    let note_url = format!("/api/documents/{SEED}/annotations/{id}");
    let read = app.send("GET", &note_url, Some(&alice), None, &[]).await;
    let etag = read.header("etag").to_owned();
    let again = app
        .send(
            "PUT",
            &note_url,
            Some(&alice),
            Some(&read.json()),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.json()["body"], read.json()["body"]);
    assert_eq!(again.json()["credibility"], 3);
    // A client that changes the property and sends back the MISP tag it read gets its change.
    let mut changed = again.json();
    changed["credibility"] = json!(5);
    let etag = again.header("etag").to_owned();
    let regraded = app
        .send(
            "PUT",
            &note_url,
            Some(&alice),
            Some(&changed),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(regraded.status, StatusCode::OK, "{}", regraded.body);
    assert_eq!(regraded.json()["credibility"], 5);
    let mut back = regraded.json();
    back["credibility"] = json!(3);
    let etag = regraded.header("etag").to_owned();
    let restored = app
        .send(
            "PUT",
            &note_url,
            Some(&alice),
            Some(&back),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(restored.json()["credibility"], 3);

    // Another tool's note, graded by MISP tags alone: credibility 2, no reliability.
    let misp = json!({
        "motivation": "assessing",
        "body": [{"type": "TextualBody", "value": "admiralty-scale:information-credibility=\"2\"", "purpose": "tagging"}],
        "target": seed_target("hinted"),
    });
    let from_misp = app
        .send(
            "POST",
            &format!("/api/documents/{SEED}/annotations/"),
            Some(&alice),
            Some(&misp),
            &[],
        )
        .await;
    assert_eq!(from_misp.status, StatusCode::CREATED, "{}", from_misp.body);
    assert_eq!(from_misp.json()["credibility"], 2);
    assert_eq!(from_misp.json()["sourceReliability"], Value::Null);

    // Grades on a note that does not assess, off the scale, or said twice two ways: 422.
    for (bad, field) in [
        (
            json!({"motivation": "commenting", "credibility": 3}),
            "credibility",
        ),
        (
            json!({"motivation": "assessing", "credibility": 7}),
            "credibility",
        ),
        (
            json!({"motivation": "assessing", "credibility": "3"}),
            "credibility",
        ),
        (
            json!({"motivation": "assessing", "sourceReliability": "G"}),
            "sourceReliability",
        ),
        (
            json!({"motivation": "assessing",
                   "body": [{"type": "TextualBody", "value": "admiralty-scale:information-credibility=\"2\"", "purpose": "tagging"},
                            {"type": "TextualBody", "value": "admiralty-scale:information-credibility=\"5\"", "purpose": "tagging"}]}),
            "body[1].value",
        ),
    ] {
        let mut body = bad.clone();
        body["target"] = seed_target("irked Beijing");
        let refused = app
            .send(
                "POST",
                &format!("/api/documents/{SEED}/annotations/"),
                Some(&alice),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let message = refused.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(field), "{bad}: {message}");
    }

    // The page: the source's grade with who set it, the assessed passages, the note's badge.
    let page = app
        .send(
            "GET",
            &format!("/documents/{SEED}"),
            Some(&alice),
            None,
            &[],
        )
        .await
        .html();
    let line = text(&select(&page, ".source-grade-line")[0]);
    assert!(
        line.contains("Reliability cannot be judged") && line.contains("set by alice"),
        "{line}"
    );
    assert_eq!(badges(&page, ".source-grade-line"), ["F"]);
    assert_eq!(badges(&page, ".assessed"), ["C3", "2"]);
    let assessed = text(&select(&page, ".assessed")[0]);
    assert!(assessed.contains("\u{a0}×\u{a0}1"), "{assessed}");
    assert_eq!(badges(&page, &format!("#note-{id}")), ["C3"]);
    let words = select(&page, &format!("#note-{id} .grade"))[0]
        .value()
        .attr("data-words")
        .unwrap()
        .to_owned();
    assert_eq!(
        words,
        "Source reliability C: Fairly reliable; credibility 3: Possibly true"
    );

    // Search: credibility:1-3 finds both assessed notes; reliability takes the note's own
    // grade, or else the document's (F).
    for (q, expected) in [
        ("credibility:1-3", 2),
        ("credibility:3", 1),
        ("credibility:4-6", 0),
        ("reliability:C", 1),
        ("reliability:F", 1),
        ("reliability:A-B", 0),
        ("reliability:C-F credibility:2", 1),
    ] {
        let found = app
            .send(
                "GET",
                &format!("/notes?q={}", encode(q)),
                Some(&alice),
                None,
                &[],
            )
            .await;
        assert_eq!(found.status, StatusCode::OK, "{q}");
        let rows = select(&found.html(), ".notes-row").len();
        assert_eq!(rows, expected, "{q}");
    }
    let listed = app
        .send(
            "GET",
            &format!("/notes?q={}", encode("credibility:3")),
            Some(&alice),
            None,
            &[],
        )
        .await
        .html();
    assert_eq!(badges(&listed, ".notes-row"), ["C3"]);
    let bad = app
        .send("GET", "/notes?q=credibility:9", Some(&alice), None, &[])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("1 (confirmed) to 6"), "{}", bad.body);
    // Passages: the seed's source is graded F.
    for (q, found) in [
        ("Moscow reliability:F", true),
        ("Moscow reliability:A-E", false),
    ] {
        let json = app
            .get(&format!("/api/search?q={}", encode(q)))
            .await
            .json();
        assert_eq!(json["total"].as_i64().unwrap() > 0, found, "{q}: {json}");
    }

    // The export carries the source's grade and the badges, with their words in print.
    let export = app
        .send(
            "GET",
            &format!("/documents/{SEED}/export.html"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(export.status, StatusCode::OK);
    let html = scraper::Html::parse_document(&export.body);
    let grade_line = text(&select(&html, ".export-grade")[0]);
    assert!(
        grade_line.contains("F Reliability cannot be judged, set by alice")
            && grade_line.contains("C3\u{a0}×\u{a0}1"),
        "{grade_line}"
    );
    assert!(
        export
            .body
            .contains("(Source reliability C: Fairly reliable; credibility 3: Possibly true)")
    );
    // …and its notes read back with their grades, as `glossa notes import` reads them.
    let collection: Value = serde_json::from_str(
        glossa::domain::annotation::embedded_collection(&export.body).unwrap(),
    )
    .unwrap();
    let items = glossa::domain::annotation::annotation_items(&collection).unwrap();
    let grades: Vec<Option<String>> = items
        .iter()
        .map(|item| {
            glossa::domain::annotation::parse_imported(item)
                .unwrap()
                .content
                .grades
                .badge()
        })
        .collect();
    assert!(grades.contains(&Some("C3".to_owned())), "{grades:?}");
    assert!(grades.contains(&Some("2".to_owned())), "{grades:?}");

    // glossa's context defines the properties it adds.
    let context = app.get("/ns/glossa.jsonld").await;
    assert_eq!(context.status, StatusCode::OK);
    assert!(
        context
            .header("content-type")
            .starts_with("application/ld+json")
    );
    let terms = &context.json()["@context"];
    assert_eq!(terms["credibility"]["@type"], "xsd:integer");
    assert!(terms["sourceReliability"].is_string());
}

const OUTLET_A: &str =
    "title = \"Brief one\"\noutlet = \"Carnegie Endowment\"\nreliability = \"B\"\n";
const OUTLET_B: &str = "title = \"Brief two\"\noutlet = \"carnegie   endowment\"\n";
const TEXT: &str = "Moscow has hinted at closer ties with Pyongyang.\n";

#[tokio::test]
async fn an_outlet_is_graded_once_for_all_its_documents_and_a_document_may_differ() {
    let app = TestApp::with_files(&[
        ("one.txt", TEXT),
        ("one.toml", OUTLET_A),
        ("two.txt", TEXT),
        ("two.toml", OUTLET_B),
    ])
    .await;
    let alice = app.add_analyst("alice").await;

    // The metadata's grade belongs to the outlet, which both documents come from.
    for slug in ["one", "two"] {
        let graded = reliability(&app, slug).await;
        assert_eq!(graded["grade"], "B", "{slug}: {graded}");
        assert_eq!(graded["from"], "source");
        assert_eq!(graded["source"]["name"], "Carnegie Endowment");
        assert_eq!(graded["source"]["documents"], 2);
        assert_eq!(graded["source"]["grade"]["set_by"], Value::Null);
    }

    // An analyst grades the outlet C: both documents follow, and a re-import of the corpus
    // (whose metadata still says B) does not undo an analyst's grade.
    let outlet = app
        .send(
            "PUT",
            "/api/documents/two/reliability",
            Some(&alice),
            Some(&json!({"reliability": "C", "scope": "source"})),
            &[],
        )
        .await;
    assert_eq!(outlet.status, StatusCode::OK, "{}", outlet.body);
    app.write_files(&[(
        "one.txt",
        "Moscow has hinted at closer ties with Pyongyang again.\n",
    )]);
    app.import().await;
    for slug in ["one", "two"] {
        let graded = reliability(&app, slug).await;
        assert_eq!(graded["grade"], "C", "{slug}: {graded}");
        assert_eq!(graded["source"]["grade"]["set_by"], "alice");
    }

    // One document graded A on its own; the other keeps its outlet's C.
    app.send(
        "PUT",
        "/api/documents/one/reliability",
        Some(&alice),
        Some(&json!({"reliability": "A"})),
        &[],
    )
    .await;
    assert_eq!(reliability(&app, "one").await["grade"], "A");
    assert_eq!(reliability(&app, "one").await["from"], "document");
    assert_eq!(reliability(&app, "two").await["grade"], "C");
    let page = app
        .send("GET", "/documents/one", Some(&alice), None, &[])
        .await
        .html();
    let line = text(&select(&page, ".source-grade-line")[0]);
    assert!(
        line.contains("for this document (its source, Carnegie Endowment, is graded C)"),
        "{line}"
    );
    // Search by the grade that holds for each document.
    for (q, slugs) in [
        ("reliability:A", vec!["one"]),
        ("reliability:C", vec!["two"]),
    ] {
        let json = app
            .get(&format!("/api/search?q={}", encode(&format!("Moscow {q}"))))
            .await
            .json();
        let found: Vec<&str> = json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                h["document"]
                    .as_str()
                    .unwrap_or_else(|| h["slug"].as_str().unwrap())
            })
            .collect();
        assert_eq!(found, slugs, "{q}: {json}");
    }

    // Taking the document's grade back lets the outlet's hold again.
    let cleared = app
        .send(
            "PUT",
            "/api/documents/one/reliability",
            Some(&alice),
            Some(&json!({"reliability": null})),
            &[],
        )
        .await;
    assert_eq!(cleared.json()["grade"], "C");
    assert_eq!(cleared.json()["from"], "source");
}
