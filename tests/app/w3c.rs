//! Every annotation, container and page the API emits passes the W3C Web Annotation test
//! suite's MUST assertions (`tests/w3c-annotation/`, checked by `scripts/validate_annotation.py`).
//!
//! Needs python3 with `jsonschema`, `referencing` and `rfc3339-validator` (`.ci/run` installs
//! them). Without them the test reports a skip, unless `GLOSSA_REQUIRE_TOOLS=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{BASE_URL, SEED, TestApp};

fn validator_present() -> bool {
    Command::new("python3")
        .args(["-c", "import jsonschema, referencing, rfc3339_validator"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn validate(test_file: &str, files: &[PathBuf]) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("scripts/validate_annotation.py"))
        .arg(root.join("tests/w3c-annotation"))
        .arg(root.join("tests/w3c-annotation").join(test_file))
        .args(files)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn emitted_annotations_containers_and_pages_pass_the_w3c_must_assertions() {
    if !validator_present() {
        assert!(
            std::env::var("GLOSSA_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "python3 jsonschema is missing but GLOSSA_REQUIRE_TOOLS=1"
        );
        eprintln!("skipped: python3 with jsonschema, referencing, rfc3339-validator not found");
        return;
    }
    let app = TestApp::with_seed_and(&[]).await;
    let token = app.add_analyst("alice").await;
    let container = format!("/api/documents/{SEED}/annotations/");
    let source = format!("{BASE_URL}/documents/{SEED}");
    let shapes = [
        json!({"motivation": "commenting", "body": {"type": "TextualBody", "value": "A comment", "format": "text/markdown"},
               "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": "Pyongyang and Moscow"}}}),
        json!({"motivation": "highlighting", "target": {"source": source, "selector": {"type": "TextPositionSelector", "start": 0, "end": 9}}}),
        json!({"motivation": "tagging", "visibility": "public", "body": [{"type": "TextualBody", "value": "sanctions", "purpose": "tagging"}, {"type": "TextualBody", "value": "alliances", "purpose": "tagging"}],
               "target": {"source": source, "selector": [{"type": "TextQuoteSelector", "exact": "UN sanctions"}, {"type": "TextPositionSelector", "start": 4040, "end": 4052}]}}),
        json!({"motivation": "questioning", "body": {"value": "Who says? 🇺🇦 “quotes” <b>"}, "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": "Chinese observers contend"}}}),
        json!({"motivation": "assessing", "visibility": "private", "body": {"value": "Low confidence."}, "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": "Sino-Russian cooperation"}}}),
        json!({"motivation": "commenting", "body": {"type": "TextualBody", "value": "On the whole piece.", "language": "en"}, "target": source,
               "canonical": "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df", "via": ["https://other.example/anno/1", "https://other.example/anno/2"]}),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut annotations = Vec::new();
    for (i, shape) in shapes.iter().enumerate() {
        let mut shape = shape.clone();
        if i == 2 {
            let text = app.get(&format!("/api/documents/{SEED}")).await.json();
            let joined: Vec<String> = text["paragraphs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["text"].as_str().unwrap().to_owned())
                .collect();
            let chars: Vec<char> = joined.join("\n\n").chars().collect();
            let at = (0..chars.len())
                .find(|&k| chars[k..].starts_with(&"UN sanctions".chars().collect::<Vec<_>>()[..]))
                .unwrap();
            shape["target"]["selector"][1] =
                json!({"type": "TextPositionSelector", "start": at, "end": at + 12});
        }
        let created = app
            .send("POST", &container, Some(&token), Some(&shape), &[])
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = created.json()["id"]
            .as_str()
            .unwrap()
            .strip_prefix(BASE_URL)
            .unwrap()
            .to_owned();
        for (n, body) in [
            (0, created.body.clone()),
            (1, app.send("GET", &id, Some(&token), None, &[]).await.body),
        ] {
            let path = dir.path().join(format!("annotation-{i}-{n}.json"));
            std::fs::write(&path, body).unwrap();
            annotations.push(path);
        }
    }
    // A reply: motivation replying, its target the IRI of the note it answers.
    let first = std::fs::read_to_string(&annotations[0]).unwrap();
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    let reply = json!({"body": {"value": "Agreed, @alice."}, "target": first["id"]});
    let created = app
        .send("POST", &container, Some(&token), Some(&reply), &[])
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["target"], first["id"]);
    let path = dir.path().join("reply.json");
    std::fs::write(&path, &created.body).unwrap();
    annotations.push(path);
    // Corrections of attributions are annotations too (motivation classifying): one giving
    // a sentence a voice, one saying it reports no one, as created and as read back.
    let corrections = format!("/api/documents/{SEED}/voices/corrections");
    for (i, voice) in [
        json!({"label": "KCNA", "official": true, "actor": "PRK"}),
        json!(null),
    ]
    .into_iter()
    .enumerate()
    {
        let quote = ["expanded their cooperation", "Chinese observers contend"][i];
        let body = json!({"motivation": "classifying", "voice": voice,
            "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": quote}}});
        let created = app
            .send("POST", &corrections, Some(&token), Some(&body), &[])
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = created
            .header("location")
            .strip_prefix(BASE_URL)
            .unwrap()
            .to_owned();
        for (n, body) in [(0, created.body.clone()), (1, app.get(&id).await.body)] {
            let path = dir.path().join(format!("correction-{i}-{n}.json"));
            std::fs::write(&path, body).unwrap();
            annotations.push(path);
        }
    }
    let (ok, report) = validate("annotations/annotationMusts.test", &annotations);
    assert!(
        ok && report.contains("MUST-failures=0") && !report.contains("MUST-failures=1"),
        "{report}"
    );
    assert_eq!(
        report.matches("54 assertions").count(),
        annotations.len(),
        "{report}"
    );

    let collection = dir.path().join("collection.json");
    std::fs::write(
        &collection,
        app.send("GET", &container, Some(&token), None, &[])
            .await
            .body,
    )
    .unwrap();
    let (ok, report) = validate(
        "collections/collectionMusts.test",
        std::slice::from_ref(&collection),
    );
    assert!(ok, "{report}");
    let export = app
        .send(
            "GET",
            &format!("/documents/{SEED}/export.html?visibility=mine"),
            Some(&token),
            None,
            &[],
        )
        .await
        .body;
    let embedded: serde_json::Value =
        serde_json::from_str(glossa::domain::annotation::embedded_collection(&export).unwrap())
            .unwrap();
    let embedded_path = dir.path().join("embedded-collection.json");
    std::fs::write(&embedded_path, embedded.to_string()).unwrap();
    let (ok, report) = validate(
        "collections/collectionMusts.test",
        std::slice::from_ref(&embedded_path),
    );
    assert!(ok, "the export's embedded collection: {report}");
    let mut embedded_items = Vec::new();
    for (i, item) in embedded["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let path = dir.path().join(format!("embedded-{i}.json"));
        std::fs::write(&path, item.to_string()).unwrap();
        embedded_items.push(path);
    }
    assert_eq!(
        embedded_items.len(),
        shapes.len() + 1,
        "the notes and the reply"
    );
    let (ok, report) = validate("annotations/annotationMusts.test", &embedded_items);
    assert!(ok, "the export's annotations: {report}");
    let page = dir.path().join("page.json");
    std::fs::write(
        &page,
        app.send(
            "GET",
            &format!("{container}?page=0"),
            Some(&token),
            None,
            &[],
        )
        .await
        .body,
    )
    .unwrap();
    let (ok, report) = validate(
        "collections/pages/pageMusts.test",
        std::slice::from_ref(&page),
    );
    assert!(ok, "{report}");
}
