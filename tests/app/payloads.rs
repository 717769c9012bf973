//! Hostile input at scale: a corpus of XSS payloads (`tests/payloads/xss.txt`: script
//! injection, event handlers, script URLs, and the mutation-XSS reproducers from ammonia's
//! advisories) goes through note bodies, tags, titles and corpus Markdown. The parsed pages
//! and exports hold no active content, no input gets a 5xx, and (in `browser.rs`) no payload
//! runs in Chromium.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{BASE_URL, SEED, TestApp, assert_inert};

/// The payloads, one per line.
pub fn payloads() -> Vec<&'static str> {
    include_str!("../payloads/xss.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
}

/// A Markdown document whose title, metadata, paragraphs and footnotes are payloads.
pub fn hostile_markdown() -> String {
    let all = payloads();
    let title = toml::Value::String(all[..4].join(" ")).to_string();
    let author = toml::Value::String(all[1].to_owned()).to_string();
    let tags = toml::Value::Array(
        all[2..6]
            .iter()
            .map(|p| toml::Value::String((*p).to_owned()))
            .collect(),
    )
    .to_string();
    let mut md = format!("+++\ntitle = {title}\nauthor = {author}\ntags = {tags}\n+++\n\n");
    for (i, payload) in all.iter().enumerate() {
        md.push_str(&format!("Paragraph {i} about Moscow: {payload}[^{i}]\n\n"));
    }
    for (i, payload) in all.iter().enumerate() {
        md.push_str(&format!("[^{i}]: Footnote {i}: {payload}\n"));
    }
    md
}

/// The seed and the hostile document, with every payload as a public note (and tag).
pub async fn hostile_app() -> (TestApp, String) {
    let app = TestApp::with_seed_and(&[("payloads.md", &hostile_markdown())]).await;
    let token = app.add_analyst("mallory").await;
    for (i, payload) in payloads().into_iter().enumerate() {
        let tag: String = payload
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect();
        let mut body = vec![json!({"value": payload})];
        if !tag.trim().is_empty() {
            body.push(json!({"value": tag, "purpose": "tagging"}));
        }
        let note = json!({"visibility": "public", "body": body,
            "target": {"source": format!("{BASE_URL}/documents/{SEED}"),
                "selector": {"type": "TextPositionSelector", "start": i * 10, "end": i * 10 + 8}}});
        let page = app
            .send(
                "POST",
                &format!("/api/documents/{SEED}/annotations/"),
                Some(&token),
                Some(&note),
                &[],
            )
            .await;
        assert!(
            page.status == StatusCode::CREATED || page.status == StatusCode::UNPROCESSABLE_ENTITY,
            "payload {i} got {}: {}",
            page.status,
            page.body
        );
    }
    (app, token)
}

#[tokio::test]
async fn no_payload_becomes_markup_in_pages_exports_or_the_api() {
    let (app, _) = hostile_app().await;
    for uri in [
        "/".to_owned(),
        format!("/documents/{SEED}"),
        "/documents/payloads".to_owned(),
        format!("/documents/{SEED}/export.html"),
        "/documents/payloads/export.html".to_owned(),
    ] {
        let page = app.get(&uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_inert(&page.html());
    }
    let json = app.get("/api/documents/payloads").await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(json.header("content-type").starts_with("application/json"));
    for payload in payloads() {
        for uri in [
            format!("/documents/{}", crate::pages::url_path(payload)),
            format!("/api/documents/{}", crate::pages::url_path(payload)),
        ] {
            let status = app.get(&uri).await.status;
            assert!(status.is_client_error(), "{uri}: {status}");
        }
    }
}
