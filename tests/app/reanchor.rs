//! Notes survive corpus edits: every golden edit re-anchors in the import's transaction,
//! gets the right status, and no note is ever lost.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{BASE_URL, TestApp, select, text};

const V1: &str = "\
Pyongyang and Moscow have rapidly expanded their cooperation in trade.
Commentators in the West have speculated that the ties irked Beijing.
Chinese observers speculate that the “all-round partnership” is a slogan.
";
const CONTAINER: &str = "/api/documents/memo/annotations/";

async fn with_note(quote: &str) -> (TestApp, String, String) {
    let app = TestApp::with_files(&[("memo.txt", V1)]).await;
    let token = app.add_analyst("alice").await;
    let note = json!({"visibility": "team", "body": {"value": "Note body"},
        "target": {"source": format!("{BASE_URL}/documents/memo"), "selector": {"type": "TextQuoteSelector", "exact": quote}}});
    let page = app
        .send("POST", CONTAINER, Some(&token), Some(&note), &[])
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let path = page.json()["id"]
        .as_str()
        .unwrap()
        .strip_prefix(BASE_URL)
        .unwrap()
        .to_owned();
    (app, token, path)
}

async fn edit_and_import(app: &TestApp, v2: &str) -> String {
    app.write_files(&[("memo.txt", v2)]);
    let report = app.import().await;
    assert_eq!(report.updated, 1);
    report.warnings.join("\n")
}

async fn note(app: &TestApp, token: &str, path: &str) -> Value {
    let page = app.send("GET", path, Some(token), None, &[]).await;
    assert_eq!(page.status, StatusCode::OK, "the note still exists");
    page.json()
}

#[tokio::test]
async fn the_golden_edit_set_loses_no_note() {
    let q = "the ties irked Beijing";
    let lines: Vec<&str> = V1.lines().collect();
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "text inserted before the quote",
            V1.replace("Commentators in", "Indeed, commentators in"),
            q,
            "moved",
        ),
        (
            "a paragraph inserted",
            format!("A new first paragraph.\n{V1}"),
            q,
            "moved",
        ),
        (
            "paragraphs reordered",
            format!("{}\n{}\n{}\n", lines[1], lines[0], lines[2]),
            q,
            "moved",
        ),
        (
            "a typo fixed inside the quote",
            V1.replace("irked", "irk’d"),
            q,
            "fuzzy",
        ),
        (
            "the quote reflowed",
            V1.replace("the ties irked", "the ties\nirked"),
            q,
            "fuzzy",
        ),
        (
            "smart quotes made straight",
            V1.replace(['“', '”'], "\""),
            "the “all-round partnership”",
            "fuzzy",
        ),
        (
            "the quoted sentence deleted",
            V1.replace(
                "Commentators in the West have speculated that the ties irked Beijing.",
                "Commentators spoke.",
            ),
            q,
            "orphan",
        ),
        (
            "the whole paragraph deleted",
            format!("{}\n{}\n", lines[0], lines[2]),
            q,
            "orphan",
        ),
        (
            "the quote duplicated",
            format!("{}\n{}\n{}\n{}\n", lines[0], lines[1], lines[1], lines[2]),
            q,
            "ambiguous",
        ),
        (
            "text changed only after the quote",
            V1.replace("is a slogan", "is only a slogan"),
            q,
            "exact",
        ),
    ];
    for (name, v2, quote, expected) in cases {
        let (app, token, path) = with_note(quote).await;
        let before = note(&app, &token, &path).await;
        let warnings = edit_and_import(&app, &v2).await;
        let after = note(&app, &token, &path).await;
        assert_eq!(after["anchorStatus"], expected, "{name}: {warnings}");
        assert_eq!(after["body"], before["body"], "{name}: the body is kept");
        let total = app
            .send("GET", CONTAINER, Some(&token), None, &[])
            .await
            .json()["total"]
            .clone();
        assert_eq!(total, 1, "{name}: no note is deleted");
        let selectors = &after["target"]["selector"];
        if expected == "orphan" {
            // Its old position covers other words now: the quote alone says what it was on.
            assert_eq!(
                selectors["type"], "TextQuoteSelector",
                "{name}: {selectors}"
            );
            assert_eq!(selectors["exact"], quote, "{name}");
        } else {
            assert_eq!(selectors[1]["type"], "TextPositionSelector", "{name}");
        }
        let html = app
            .send("GET", "/documents/memo", Some(&token), None, &[])
            .await
            .html();
        if ["exact", "moved", "fuzzy"].contains(&expected) {
            let doc = app.get("/api/documents/memo").await.json();
            let joined: Vec<&str> = doc["paragraphs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["text"].as_str().unwrap())
                .collect();
            let chars: Vec<char> = joined.join("\n\n").chars().collect();
            let (s, e) = (
                selectors[1]["start"].as_u64().unwrap() as usize,
                selectors[1]["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                chars[s..e].iter().collect::<String>(),
                selectors[0]["exact"].as_str().unwrap(),
                "{name}"
            );
            assert!(
                !select(&html, "mark.note-highlight").is_empty(),
                "{name}: highlighted"
            );
            if expected != "exact" {
                assert!(
                    text(&select(&html, "article.note")[0])
                        .contains("Text changed since this note was written"),
                    "{name}"
                );
            }
            if expected == "fuzzy" {
                assert_eq!(
                    after["originalQuote"], quote,
                    "{name}: the original quote is kept beside the new one"
                );
            }
        } else {
            let panel = text(&select(&html, ".orphans")[0]);
            assert!(
                panel.contains(quote),
                "{name}: the orphan shows the words it was written on"
            );
            assert!(
                select(&html, "mark.note-highlight").is_empty(),
                "{name}: never guessed"
            );
        }
    }
}

#[tokio::test]
async fn re_importing_the_old_version_makes_orphans_exact_again() {
    let (app, token, path) = with_note("the ties irked Beijing").await;
    let lines: Vec<&str> = V1.lines().collect();
    edit_and_import(&app, &format!("{}\n{}\n", lines[0], lines[2])).await;
    assert_eq!(note(&app, &token, &path).await["anchorStatus"], "orphan");
    edit_and_import(&app, V1).await;
    let back = note(&app, &token, &path).await;
    assert_eq!(back["anchorStatus"], "exact");
    let versions = app
        .store
        .count_rows(glossa::store::Table::DocumentVersions)
        .await
        .unwrap();
    assert_eq!(versions, 3, "every version's text is kept");
}

#[tokio::test]
async fn the_author_re_attaches_an_orphan_to_a_new_selection() {
    let (app, token, path) = with_note("the ties irked Beijing").await;
    edit_and_import(
        &app,
        &V1.replace("the ties irked Beijing", "relations annoyed China"),
    )
    .await;
    let orphan = app.send("GET", &path, Some(&token), None, &[]).await;
    assert_eq!(orphan.json()["anchorStatus"], "orphan");
    let mut body = orphan.json();
    body["target"]["selector"] =
        json!({"type": "TextQuoteSelector", "exact": "relations annoyed China"});
    let etag = orphan.header("etag").to_owned();
    let page = app
        .send(
            "PUT",
            &path,
            Some(&token),
            Some(&body),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.json()["anchorStatus"], "exact");
    assert!(
        page.json().get("originalQuote").is_none(),
        "the new selection is the author's quote now"
    );
}
