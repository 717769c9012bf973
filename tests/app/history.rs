//! A note's history as its readers and author use it: every change kept as a revision (who,
//! when, what), a word diff between two, a restore that is a new revision, a re-import that
//! moves the passage, a deletion that leaves a tombstone, and a purge only the author may ask
//! for, confirmed — on both backends.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{BASE_URL, TestApp, select, text};

const MEMO: &str = "Officials in Seoul say Moscow hinted at closer ties with Pyongyang.\n\nA second paragraph about the Kremlin.\n";

fn memo_target() -> Value {
    json!({"source": format!("{BASE_URL}/documents/memo"),
           "selector": {"type": "TextQuoteSelector", "exact": "Moscow hinted"}})
}

/// Replaces the note at `url` with `note`, from the revision it is at.
async fn edit(app: &TestApp, token: &str, url: &str, note: Value) -> Value {
    let current = app.send("GET", url, Some(token), None, &[]).await;
    let etag = current.header("etag").to_owned();
    let done = app
        .send("PUT", url, Some(token), Some(&note), &[("if-match", &etag)])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    done.json()
}

async fn revisions(app: &TestApp, token: Option<&str>, url: &str) -> (StatusCode, Value) {
    let page = app
        .send("GET", &format!("{url}/revisions"), token, None, &[])
        .await;
    let status = page.status;
    (
        status,
        if status == StatusCode::OK {
            page.json()
        } else {
            Value::Null
        },
    )
}

fn kinds(history: &Value) -> Vec<String> {
    history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_change_is_a_revision_that_can_be_compared_restored_and_purged() {
    let app = TestApp::with_files(&[("memo.txt", MEMO)]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    let created = app
        .send(
            "POST",
            "/api/documents/memo/annotations/",
            Some(&alice),
            Some(&json!({"body": {"type": "TextualBody", "value": "Moscow hinted at closer ties, officials say."},
                         "target": memo_target()})),
            &[],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let url = format!("/api/documents/memo/annotations/{id}");
    let history_page = format!("/documents/memo/notes/{id}/history");

    edit(
        &app,
        &alice,
        &url,
        json!({"body": {"type": "TextualBody", "value": "Moscow denied closer ties, officials say."},
               "target": memo_target()}),
    )
    .await;
    edit(
        &app,
        &alice,
        &url,
        json!({"motivation": "assessing", "credibility": 4,
               "body": [{"type": "TextualBody", "value": "Moscow denied closer ties, officials say."},
                        {"type": "TextualBody", "value": "denial", "purpose": "tagging"}],
               "target": memo_target()}),
    )
    .await;
    let (status, history) = revisions(&app, Some(&bob), &url).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a team note's history is the team's to read"
    );
    assert_eq!(kinds(&history), ["created", "edited", "edited"]);
    assert_eq!(history["revisions"][1]["by"], "alice");
    assert_eq!(history["revisions"][1]["changes"], json!(["the text"]));
    assert_eq!(
        history["revisions"][2]["changes"],
        json!([
            "tags: none → denial",
            "motivation: commenting → assessing",
            "grades: none → 4"
        ])
    );
    assert_eq!(
        history["revisions"][0]["state"]["body"],
        "Moscow hinted at closer ties, officials say."
    );

    // The note says it was edited and links its history; the page compares any two.
    let doc = app
        .send("GET", "/documents/memo", Some(&bob), None, &[])
        .await
        .html();
    let link = select(&doc, &format!("#note-{id} a.note-history"));
    assert_eq!(link[0].value().attr("href"), Some(history_page.as_str()));
    let compared = app
        .send(
            "GET",
            &format!("{history_page}?from=1&to=2"),
            Some(&bob),
            None,
            &[],
        )
        .await;
    assert_eq!(compared.status, StatusCode::OK);
    let compared = compared.html();
    let removed: Vec<String> = select(&compared, ".history-diff del")
        .iter()
        .map(text)
        .collect();
    let added: Vec<String> = select(&compared, ".history-diff ins")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        (removed, added),
        (
            vec!["[removed: hinted at]".to_owned()],
            vec!["[added: denied]".to_owned()]
        )
    );
    assert_eq!(select(&compared, "ol.revisions > li").len(), 3);
    assert!(
        select(&compared, ".restore-form").is_empty(),
        "only the author may restore"
    );
    assert_eq!(
        app.send(
            "GET",
            &format!("{history_page}?from=1&to=9"),
            Some(&bob),
            None,
            &[]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Only the author restores; a restore is a new revision, and the passage stays.
    let refused = app
        .post_form(
            &history_page,
            &bob,
            &[("action", "restore"), ("revision", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let restored = app
        .post_form(
            &history_page,
            &alice,
            &[("action", "restore"), ("revision", "1")],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    assert_eq!(
        restored.header("location"),
        format!("{history_page}?restored=1")
    );
    let note = app.send("GET", &url, Some(&alice), None, &[]).await.json();
    assert_eq!(
        note["body"][0]["value"],
        "Moscow hinted at closer ties, officials say."
    );
    assert_eq!(note["motivation"], "commenting");
    assert_eq!(note["credibility"], Value::Null);
    let (_, history) = revisions(&app, Some(&alice), &url).await;
    assert_eq!(kinds(&history), ["created", "edited", "edited", "restored"]);
    assert_eq!(history["revisions"][3]["restored_from"], 1);
    let page = app
        .send(
            "GET",
            &format!("{history_page}?restored=1"),
            Some(&alice),
            None,
            &[],
        )
        .await
        .html();
    assert_eq!(
        text(&select(&page, ".history-status")[0]),
        "Revision 1 restored, as a new revision (4)."
    );

    // A new version of the text moves the passage: a revision by no analyst.
    app.write_files(&[("memo.txt", &format!("A new first paragraph.\n\n{MEMO}"))]);
    app.import().await;
    let (_, history) = revisions(&app, Some(&alice), &url).await;
    assert_eq!(kinds(&history).last().unwrap(), "reanchored");
    assert_eq!(history["revisions"][4]["by"], Value::Null);
    assert!(
        history["revisions"][4]["changes"][0]
            .as_str()
            .unwrap()
            .starts_with("passage: “Moscow hinted” (exact) → “Moscow hinted” (moved)"),
        "{history}"
    );

    // The export carries the history when asked for it, and only then.
    let plain = app
        .send(
            "GET",
            "/documents/memo/export.html",
            Some(&alice),
            None,
            &[],
        )
        .await
        .html();
    assert!(select(&plain, ".sn-history").is_empty());
    let with_history = app
        .send(
            "GET",
            "/documents/memo/export.html?history=1",
            Some(&alice),
            None,
            &[],
        )
        .await
        .html();
    let lines: Vec<String> = select(&with_history, ".sn-history li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(
        lines[1].starts_with("Revision 2 · edited · by alice · "),
        "{lines:?}"
    );
    assert!(lines[1].ends_with("— changed: the text"), "{lines:?}");
    assert!(
        lines[4].contains("reanchored · by a new version of the text"),
        "{lines:?}"
    );

    // Made private: the team no longer reads it, nor its history.
    edit(
        &app,
        &alice,
        &url,
        json!({"visibility": "private", "body": {"type": "TextualBody", "value": "Mine now."},
               "target": memo_target()}),
    )
    .await;
    assert_eq!(
        revisions(&app, Some(&bob), &url).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(revisions(&app, None, &url).await.0, StatusCode::NOT_FOUND);

    // Purging needs a deleted note and a confirmation.
    let early = app
        .post_form(
            &history_page,
            &alice,
            &[("action", "purge"), ("confirm", "purge")],
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    let current = app.send("GET", &url, Some(&alice), None, &[]).await;
    let etag = current.header("etag").to_owned();
    let deleted = app
        .send("DELETE", &url, Some(&alice), None, &[("if-match", &etag)])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let (status, tombstone) = revisions(&app, Some(&alice), &url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tombstone["deleted"], true);
    assert_eq!(kinds(&tombstone).last().unwrap(), "deleted");
    assert_eq!(
        tombstone["revisions"].as_array().unwrap().last().unwrap()["state"]["body"],
        "Mine now."
    );
    let page = app
        .send("GET", &history_page, Some(&alice), None, &[])
        .await
        .html();
    assert!(text(&select(&page, ".history-where")[0]).contains("This note was deleted"));
    assert!(
        select(&page, ".restore-form").is_empty(),
        "a deleted note is not restored"
    );
    let unconfirmed = app
        .post_form(&history_page, &alice, &[("action", "purge")])
        .await;
    assert_eq!(unconfirmed.status, StatusCode::BAD_REQUEST);
    let purged = app
        .post_form(
            &history_page,
            &alice,
            &[("action", "purge"), ("confirm", "purge")],
        )
        .await;
    assert_eq!(purged.status, StatusCode::SEE_OTHER, "{}", purged.body);
    assert_eq!(
        revisions(&app, Some(&alice), &url).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn sharing_a_note_does_not_share_what_it_said_while_private() {
    let app = TestApp::with_files(&[("memo.txt", MEMO)]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    let created = app
        .send(
            "POST",
            "/api/documents/memo/annotations/",
            Some(&alice),
            Some(&json!({"visibility": "private",
                         "body": {"type": "TextualBody", "value": "Draft: my source inside the ministry says so."},
                         "target": memo_target()})),
            &[],
        )
        .await;
    let url = created.json()["id"].as_str().unwrap().replace(BASE_URL, "");
    edit(
        &app,
        &alice,
        &url,
        json!({"visibility": "team", "body": {"type": "TextualBody", "value": "Officials say so."},
               "target": memo_target()}),
    )
    .await;
    let (status, shared) = revisions(&app, Some(&bob), &url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shared["left_out"], 1);
    assert_eq!(kinds(&shared), ["edited"]);
    assert!(!shared.to_string().contains("inside the ministry"));
    let (_, own) = revisions(&app, Some(&alice), &url).await;
    assert_eq!(kinds(&own), ["created", "edited"]);
    let id = url.rsplit('/').next().unwrap();
    let page = app
        .send(
            "GET",
            &format!("/documents/memo/notes/{id}/history"),
            Some(&bob),
            None,
            &[],
        )
        .await;
    assert!(!page.body.contains("inside the ministry"));
    assert!(
        page.body
            .contains("1 earlier revision was shared less widely")
    );
    let export = app
        .send(
            "GET",
            "/documents/memo/export.html?history=1",
            Some(&bob),
            None,
            &[],
        )
        .await;
    assert!(!export.body.contains("inside the ministry"));
}
