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
async fn the_document_list_comes_in_pages_that_lead_to_every_document() {
    let extra: Vec<(String, String)> = (1..=5)
        .map(|n| {
            (
                format!("brief-{n}.txt"),
                format!("Brief number {n} on Pyongyang.\n"),
            )
        })
        .collect();
    let extra: Vec<(&str, &str)> = extra
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let app = TestApp::with_seed_and(&extra).await;

    let whole = app.get("/api/documents").await.json();
    assert_eq!(whole["total"], 6);
    assert_eq!(whole["documents"].as_array().unwrap().len(), 6);
    assert_eq!(whole["next"], serde_json::Value::Null);

    let mut seen = Vec::new();
    let mut address = "/api/documents?limit=2".to_owned();
    loop {
        let page = app.get(&address).await;
        assert_eq!(page.status, StatusCode::OK, "{address}");
        let json = page.json();
        assert_eq!(json["total"], 6);
        assert_eq!(json["limit"], 2);
        assert!(json["documents"].as_array().unwrap().len() <= 2);
        seen.extend(
            json["documents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["slug"].as_str().unwrap().to_owned()),
        );
        match json["next"].as_str() {
            Some(next) => address = next.to_owned(),
            None => break,
        }
    }
    let listed: Vec<String> = whole["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, listed, "the pages, in order, are the whole list");

    let past_the_end = app.get("/api/documents?offset=50").await.json();
    assert_eq!(past_the_end["documents"].as_array().unwrap().len(), 0);
    for bad in [
        "limit=0",
        "limit=1001",
        "offset=-1",
        "limit=ten",
        "limit=2&limit=3",
    ] {
        let answer = app.get(&format!("/api/documents?{bad}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(answer.json()["error"]["code"], "bad_query", "{bad}");
    }
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
