//! The JSON read API.

use axum::http::StatusCode;

use crate::helpers::{SEED, TestApp};

#[tokio::test]
async fn the_document_list_gives_facts_and_top_actors() {
    let app = TestApp::with_seed_and(&[]).await;
    let page = app.get("/api/documents").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("application/json"));
    let json = page.json();
    let doc = &json["documents"][0];
    assert_eq!(doc["slug"], SEED);
    assert_eq!(doc["paragraphs"], 14);
    assert_eq!(doc["author"], serde_json::Value::Null);
    assert_eq!(doc["top_actors"][0]["id"], "RUS");
}

#[tokio::test]
async fn a_document_gives_paragraph_text_markers_and_mentions_in_code_points() {
    let app = TestApp::with_seed_and(&[]).await;
    let json = app.get(&format!("/api/documents/{SEED}")).await.json();
    assert_eq!(json["offset_unit"], "unicode-code-point");
    let paragraphs = json["paragraphs"].as_array().unwrap();
    assert_eq!(paragraphs.len(), 14);
    let numbers: Vec<u64> = paragraphs
        .iter()
        .flat_map(|p| {
            p["footnote_refs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["number"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(numbers, (1..=20).collect::<Vec<u64>>());
    for p in paragraphs {
        let chars: Vec<char> = p["text"].as_str().unwrap().chars().collect();
        for m in p["mentions"].as_array().unwrap() {
            let (start, end) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            let words: String = chars[start..end].iter().collect();
            assert_eq!(words, m["text"].as_str().unwrap());
        }
        for r in p["footnote_refs"].as_array().unwrap() {
            let at = r["offset"].as_u64().unwrap() as usize;
            assert!(
                matches!(chars[at - 1], '.' | '”' | ','),
                "marker {} follows {:?}",
                r["number"],
                chars[at - 1]
            );
        }
    }
    let first = paragraphs[0]["text"].as_str().unwrap();
    assert!(
        first.contains("against the other. Commentators"),
        "marker digits are removed from the text"
    );
    assert_eq!(json["footnotes"].as_array().unwrap().len(), 20);
    assert!(
        json["footnotes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["html"].is_null())
    );
    assert_eq!(json["actors"][0]["id"], "RUS");
}

#[tokio::test]
async fn the_actor_list_gives_aliases_and_counts() {
    let app = TestApp::with_seed_and(&[]).await;
    let json = app.get("/api/actors").await.json();
    let actors = json["actors"].as_array().unwrap();
    let russia = actors.iter().find(|a| a["id"] == "RUS").unwrap();
    assert_eq!(russia["name"], "Russia");
    assert_eq!(russia["kind"], "state");
    assert_eq!(russia["documents"], 1);
    assert!(
        russia["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "Moscow")
    );
    let putin = actors.iter().find(|a| a["id"] == "vladimir-putin").unwrap();
    assert_eq!(putin["affiliation"], "RUS");
    assert_eq!(putin["mentions"], 1);
    for id in [
        "RUS", "PRK", "CHN", "USA", "GBR", "FRA", "KOR", "JPN", "UKR", "EU", "NATO", "UN", "ASEAN",
        "WEST",
    ] {
        assert!(
            actors.iter().any(|a| a["id"] == id),
            "gazetteer covers {id}"
        );
    }
}

#[tokio::test]
async fn api_errors_are_json_envelopes_with_a_message_to_act_on() {
    let app = TestApp::with_seed_and(&[]).await;
    for uri in [
        "/api/documents/no-such-doc",
        "/api/documents/..%2Fetc",
        "/api/nothing-here",
    ] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            page.header("content-type").starts_with("application/json"),
            "{uri}"
        );
        let json = page.json();
        assert_eq!(json["error"]["code"], "not_found", "{uri}");
        assert!(!json["error"]["message"].as_str().unwrap().is_empty());
    }
    let json = app.get("/api/documents/no-such-doc").await.json();
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no-such-doc")
    );
}
