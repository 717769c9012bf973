//! The W3C Web Annotation REST layer, driven through the real router.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{BASE_URL, SEED, TestApp, select, text};

const CONTAINER: &str = "/api/documents/russia-north-korea-chinese-views/annotations/";

fn doc_iri() -> String {
    format!("{BASE_URL}/documents/{SEED}")
}

fn note(exact: &str, body: &str, visibility: &str) -> Value {
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "commenting",
        "visibility": visibility,
        "body": [
            {"type": "TextualBody", "value": body, "format": "text/markdown"},
            {"type": "TextualBody", "value": "alliances", "purpose": "tagging"}
        ],
        "target": {"source": doc_iri(), "selector": {"type": "TextQuoteSelector", "exact": exact}}
    })
}

async fn app_with(names: &[&str]) -> (TestApp, Vec<String>) {
    let app = TestApp::with_seed_and(&[]).await;
    let mut tokens = Vec::new();
    for name in names {
        tokens.push(app.add_analyst(name).await);
    }
    (app, tokens)
}

fn path_of(id: &str) -> String {
    id.strip_prefix(BASE_URL).unwrap().to_owned()
}

#[tokio::test]
async fn creating_a_note_returns_201_with_location_etag_and_a_complete_annotation() {
    let (app, tokens) = app_with(&["alice"]).await;
    let page = app
        .send(
            "POST",
            CONTAINER,
            Some(&tokens[0]),
            Some(&note(
                "Comprehensive Strategic Partnership Agreement in June 2024",
                "A *treaty*.",
                "team",
            )),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    assert!(
        page.header("content-type")
            .starts_with("application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"")
    );
    let json = page.json();
    let id = json["id"].as_str().unwrap();
    assert!(id.starts_with(&format!("{BASE_URL}{CONTAINER}")), "{id}");
    assert_eq!(page.header("location"), id);
    assert!(!page.header("etag").is_empty());
    assert_eq!(json["creator"]["name"], "alice");
    assert_eq!(json["visibility"], "team");
    assert_eq!(json["target"]["source"], doc_iri());
    let selectors = json["target"]["selector"].as_array().unwrap();
    assert_eq!(selectors[0]["type"], "TextQuoteSelector");
    assert_eq!(selectors[1]["type"], "TextPositionSelector");
    let (start, end) = (
        selectors[1]["start"].as_u64().unwrap() as usize,
        selectors[1]["end"].as_u64().unwrap() as usize,
    );
    let doc = app.get(&format!("/api/documents/{SEED}")).await.json();
    let joined: Vec<String> = doc["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_owned())
        .collect();
    let chars: Vec<char> = joined.join("\n\n").chars().collect();
    assert_eq!(
        chars[start..end].iter().collect::<String>(),
        "Comprehensive Strategic Partnership Agreement in June 2024"
    );
    let again = app.get(&path_of(id)).await;
    assert_eq!(
        again.status,
        StatusCode::NOT_FOUND,
        "team notes are not shown to anonymous readers"
    );
    let mine = app
        .send("GET", &path_of(id), Some(&tokens[0]), None, &[])
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.header("etag"), page.header("etag"));
    assert!(
        mine.header("link")
            .contains("http://www.w3.org/ns/ldp#Resource")
    );
}

#[tokio::test]
async fn a_position_alone_is_completed_with_its_quote_and_a_disagreeing_pair_is_refused() {
    let (app, tokens) = app_with(&["alice"]).await;
    let mut by_position = note("", "x", "team");
    by_position["target"]["selector"] =
        json!({"type": "TextPositionSelector", "start": 26, "end": 35});
    let page = app
        .send("POST", CONTAINER, Some(&tokens[0]), Some(&by_position), &[])
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    assert_eq!(page.json()["target"]["selector"][0]["exact"], "Korea rel");
    let mut both = note("Pyongyang", "x", "team");
    both["target"]["selector"] = json!([{"type": "TextQuoteSelector", "exact": "Beijing"}, {"type": "TextPositionSelector", "start": 0, "end": 7}]);
    let page = app
        .send("POST", CONTAINER, Some(&tokens[0]), Some(&both), &[])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not match")
    );
}

#[tokio::test]
async fn validation_errors_name_what_to_fix_and_store_nothing() {
    let (app, tokens) = app_with(&["alice"]).await;
    let t = Some(tokens[0].as_str());
    let raw = |body: &'static str, content_type: &'static str| {
        axum::http::Request::post(CONTAINER)
            .header("authorization", format!("Bearer {}", tokens[0]))
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let page = app
        .request(raw("{\"motivation\": ", "application/json"))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(page.json()["error"]["code"], "invalid_json");
    assert!(
        page.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 1")
    );
    // serde_json alone keeps the last of two equal keys: this note would have been public.
    let page = app
        .request(raw(
            r#"{"visibility": "private", "visibility": "public", "body": {"value": "secret"}}"#,
            "application/json",
        ))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let message = page.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("\"visibility\" appears twice"),
        "{message}"
    );
    let page = app.request(raw("{}", "text/plain")).await;
    assert_eq!(page.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"target": {"source": doc_iri(), "selector": {"type": "TextQuoteSelector", "exact": "Moscow"}}, "owner": 2}),
            "owner",
        ),
        (
            json!({"body": {"value": 3}, "target": {"source": doc_iri(), "selector": {"type": "TextQuoteSelector", "exact": "Pyongyang and Moscow"}}}),
            "body.value",
        ),
        (
            json!({"target": {"source": doc_iri(), "selector": {"type": "TextQuoteSelector", "exact": "Moscow"}}}),
            "occurs",
        ),
        (
            json!({"target": {"source": doc_iri(), "selector": {"type": "TextQuoteSelector", "exact": "not in the text at all"}}}),
            "not in the document",
        ),
        (
            json!({"target": {"source": doc_iri(), "selector": {"type": "TextPositionSelector", "start": 5, "end": 999999}}}),
            "past the end",
        ),
        (
            json!({"target": {"source": "https://elsewhere.example/", "selector": {"type": "TextPositionSelector", "start": 0, "end": 3}}}),
            "target.source",
        ),
        (
            json!({"body": {"value": "x".repeat(20_001)}, "target": {"source": doc_iri(), "selector": {"type": "TextPositionSelector", "start": 0, "end": 3}}}),
            "20000",
        ),
        (
            json!({"body": (0..33).map(|i| json!({"value": format!("t{i}"), "purpose": "tagging"})).collect::<Vec<_>>(), "target": {"source": doc_iri(), "selector": {"type": "TextPositionSelector", "start": 0, "end": 3}}}),
            "32",
        ),
        (
            json!({"body": {"value": "t".repeat(65), "purpose": "tagging"}, "target": {"source": doc_iri(), "selector": {"type": "TextPositionSelector", "start": 0, "end": 3}}}),
            "64",
        ),
    ];
    for (body, hint) in cases {
        let page = app.send("POST", CONTAINER, t, Some(&body), &[]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let message = page.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(
            message.contains(hint),
            "{message:?} should mention {hint:?}"
        );
    }
    let huge = json!({"body": {"value": "x".repeat(300_000)}});
    assert_eq!(
        app.send("POST", CONTAINER, t, Some(&huge), &[])
            .await
            .status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let server_set = json!({"id": "http://evil/1", "creator": {"name": "mallory"}, "created": "1970-01-01T00:00:00Z",
        "target": {"source": doc_iri(), "selector": {"type": "TextPositionSelector", "start": 0, "end": 3}}});
    let page = app.send("POST", CONTAINER, t, Some(&server_set), &[]).await;
    assert_eq!(page.status, StatusCode::CREATED);
    let json = page.json();
    assert_ne!(json["id"], "http://evil/1");
    assert_eq!(json["creator"]["name"], "alice");
    assert_ne!(json["created"], "1970-01-01T00:00:00Z");
    let total = app.send("GET", CONTAINER, t, None, &[]).await.json()["total"].clone();
    assert_eq!(total, 1, "only the valid note was stored");
}

#[tokio::test]
async fn writes_need_valid_credentials_and_unknown_documents_are_404() {
    let (app, tokens) = app_with(&["alice"]).await;
    let body = note("Pyongyang and Moscow", "x", "team");
    let page = app.send("POST", CONTAINER, None, Some(&body), &[]).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.header("www-authenticate").starts_with("Bearer"));
    assert_eq!(
        app.send("POST", CONTAINER, Some("not-a-token"), Some(&body), &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let other = app
        .send(
            "POST",
            "/api/documents/nope/annotations/",
            Some(&tokens[0]),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    app.store.revoke_analyst("alice").await.unwrap();
    assert_eq!(
        app.send("POST", CONTAINER, Some(&tokens[0]), Some(&body), &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn visibility_and_ownership_rules_hold() {
    let (app, tokens) = app_with(&["alice", "bob"]).await;
    let (alice, bob) = (Some(tokens[0].as_str()), Some(tokens[1].as_str()));
    let mut ids = Vec::new();
    for (quote, visibility) in [
        ("Pyongyang and Moscow", "private"),
        ("Commentators in the West", "team"),
        ("sovereign right", "public"),
    ] {
        let page = app
            .send(
                "POST",
                CONTAINER,
                alice,
                Some(&note(quote, visibility, visibility)),
                &[],
            )
            .await;
        assert_eq!(page.status, StatusCode::CREATED);
        ids.push((
            path_of(page.json()["id"].as_str().unwrap()),
            page.header("etag").to_owned(),
        ));
    }
    for (token, expected, why) in [
        (alice, 3, "alice sees all hers"),
        (bob, 2, "bob sees team and public"),
        (None, 1, "anonymous readers see public"),
    ] {
        let total = app.send("GET", CONTAINER, token, None, &[]).await.json()["total"]
            .as_i64()
            .unwrap();
        assert_eq!(total, expected, "{why}");
    }
    let (private, private_etag) = &ids[0];
    let (team, team_etag) = &ids[1];
    assert_eq!(
        app.send("GET", private, bob, None, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let edit = note("Pyongyang and Moscow", "bob was here", "team");
    let page = app
        .send(
            "PUT",
            private,
            bob,
            Some(&edit),
            &[("if-match", private_etag)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::NOT_FOUND,
        "someone else's private note does not exist for bob"
    );
    let page = app
        .send("PUT", team, bob, Some(&edit), &[("if-match", team_etag)])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.send("DELETE", team, bob, None, &[("if-match", team_etag)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let html = app.get(&format!("/documents/{SEED}")).await.html();
    assert_eq!(
        select(&html, "article.note").len(),
        1,
        "the page shows anonymous readers only the public note"
    );
}

#[tokio::test]
async fn updates_and_deletes_need_a_current_etag() {
    let (app, tokens) = app_with(&["alice"]).await;
    let t = Some(tokens[0].as_str());
    let created = app
        .send(
            "POST",
            CONTAINER,
            t,
            Some(&note("Pyongyang and Moscow", "first", "team")),
            &[],
        )
        .await;
    let path = path_of(created.json()["id"].as_str().unwrap());
    let etag = created.header("etag").to_owned();
    let edit = note("Pyongyang and Moscow", "second", "public");
    assert_eq!(
        app.send("PUT", &path, t, Some(&edit), &[]).await.status,
        StatusCode::PRECONDITION_REQUIRED
    );
    assert_eq!(
        app.send("PUT", &path, t, Some(&edit), &[("if-match", "\"stale\"")])
            .await
            .status,
        StatusCode::PRECONDITION_FAILED
    );
    let updated = app
        .send("PUT", &path, t, Some(&edit), &[("if-match", &etag)])
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.json()["body"][0]["value"], "second");
    assert_eq!(updated.json()["visibility"], "public");
    assert_ne!(updated.header("etag"), etag);
    assert_eq!(
        app.send("DELETE", &path, t, None, &[("if-match", &etag)])
            .await
            .status,
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(
        app.send("DELETE", &path, t, None, &[]).await.status,
        StatusCode::PRECONDITION_REQUIRED
    );
    let new_etag = updated.header("etag").to_owned();
    assert_eq!(
        app.send("DELETE", &path, t, None, &[("if-match", &new_etag)])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.send("GET", &path, t, None, &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_replacement_whose_id_names_another_note_is_refused_and_changes_nothing() {
    let (app, tokens) = app_with(&["alice"]).await;
    let t = Some(tokens[0].as_str());
    let (first, second) = (
        note("Pyongyang and Moscow", "first", "team"),
        note("Pyongyang and Moscow", "second", "team"),
    );
    let first = app.send("POST", CONTAINER, t, Some(&first), &[]).await;
    let second = app
        .send("POST", CONTAINER, t, Some(&second), &[])
        .await
        .json();
    let path = path_of(first.json()["id"].as_str().unwrap());
    let etag = first.header("etag").to_owned();
    let mut wrong = second.clone();
    wrong["body"][0]["value"] = "meant for the second note".into();
    let refused = app
        .send("PUT", &path, t, Some(&wrong), &[("if-match", &etag)])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert_eq!(refused.json()["error"]["code"], "id_mismatch");
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains(second["id"].as_str().unwrap()),
        "{message}"
    );
    // An IRI that only ends in this note's id names a note elsewhere.
    let mut elsewhere = first.json();
    let own_id = path.rsplit('/').next().unwrap().to_owned();
    elsewhere["id"] = format!("{BASE_URL}/api/documents/other/annotations/{own_id}").into();
    let refused = app
        .send("PUT", &path, t, Some(&elsewhere), &[("if-match", &etag)])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let kept = app.send("GET", &path, t, None, &[]).await.json();
    assert_eq!(kept["body"][0]["value"], "first");
    // The note's own JSON, as read and edited, is taken.
    let mut own = kept.clone();
    own["body"][0]["value"] = "first, edited".into();
    let updated = app
        .send("PUT", &path, t, Some(&own), &[("if-match", &etag)])
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.json()["body"][0]["value"], "first, edited");
}

#[tokio::test]
async fn a_replacement_that_changes_nothing_is_no_edit_and_one_without_visibility_keeps_it() {
    let (app, tokens) = app_with(&["alice"]).await;
    let t = Some(tokens[0].as_str());
    let created = app
        .send(
            "POST",
            CONTAINER,
            t,
            Some(&note("Pyongyang and Moscow", "mine", "private")),
            &[],
        )
        .await;
    let url = created.json()["id"].as_str().unwrap().to_owned();
    let path = path_of(&url);
    let etag = created.header("etag").to_owned();
    let revisions = || async {
        app.send("GET", &format!("{path}/revisions"), t, None, &[])
            .await
            .json()["revisions"]
            .as_array()
            .unwrap()
            .len()
    };
    // Sent back as read: the same version, no revision, not marked edited.
    let same = app
        .send(
            "PUT",
            &path,
            t,
            Some(&created.json()),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.body);
    assert_eq!(same.header("etag"), etag);
    assert_eq!(same.json()["modified"], created.json()["modified"]);
    assert_eq!(revisions().await, 1);
    // Left out, the visibility stays private; `If-Match: *` overwrites whatever is current.
    let mut edit = note("Pyongyang and Moscow", "still mine", "private");
    edit.as_object_mut().unwrap().remove("visibility");
    let updated = app
        .send("PUT", &path, t, Some(&edit), &[("if-match", "*")])
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.json()["visibility"], "private");
    assert_eq!(updated.json()["body"][0]["value"], "still mine");
    assert_ne!(updated.header("etag"), etag);
    assert_eq!(revisions().await, 2);
    // A selection of white space alone quotes nothing: refused, naming the fix.
    let blank = json!({"body": {"value": "between"}, "target": {"source": doc_iri(),
        "selector": {"type": "TextPositionSelector", "start": 3, "end": 4}}});
    let refused = app.send("POST", CONTAINER, t, Some(&blank), &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("holds only white space"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn two_concurrent_edits_with_the_same_etag_let_exactly_one_win() {
    let (app, tokens) = app_with(&["alice"]).await;
    let t = tokens[0].clone();
    let created = app
        .send(
            "POST",
            CONTAINER,
            Some(&t),
            Some(&note("Pyongyang and Moscow", "v1", "team")),
            &[],
        )
        .await;
    let path = path_of(created.json()["id"].as_str().unwrap());
    let etag = created.header("etag").to_owned();
    let a = note("Pyongyang and Moscow", "edit A", "team");
    let b = note("Pyongyang and Moscow", "edit B", "team");
    let headers = [("if-match", etag.as_str())];
    let (ra, rb) = tokio::join!(
        app.send("PUT", &path, Some(&t), Some(&a), &headers),
        app.send("PUT", &path, Some(&t), Some(&b), &headers),
    );
    let mut statuses = vec![ra.status, rb.status];
    statuses.sort();
    assert_eq!(
        statuses,
        vec![StatusCode::OK, StatusCode::PRECONDITION_FAILED]
    );
}

#[tokio::test]
async fn the_container_speaks_the_annotation_protocol() {
    let (app, tokens) = app_with(&["alice"]).await;
    let t = Some(tokens[0].as_str());
    let empty = app.send("GET", CONTAINER, t, None, &[]).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.json()["total"], 0);
    for i in 0..105 {
        let mut body = note("", &format!("note {i}"), "team");
        body["target"]["selector"] =
            json!({"type": "TextPositionSelector", "start": i, "end": i + 3});
        let page = app.send("POST", CONTAINER, t, Some(&body), &[]).await;
        assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    }
    let page = app.send("GET", CONTAINER, t, None, &[]).await;
    let json = page.json();
    assert_eq!(
        json["type"],
        json!(["BasicContainer", "AnnotationCollection"])
    );
    assert_eq!(json["id"], format!("{BASE_URL}{CONTAINER}"));
    assert_eq!(json["total"], 105);
    assert_eq!(json["first"]["items"].as_array().unwrap().len(), 100);
    assert_eq!(
        json["first"]["partOf"]["id"],
        format!("{BASE_URL}{CONTAINER}")
    );
    assert_eq!(json["last"], format!("{BASE_URL}{CONTAINER}?page=1"));
    assert!(
        page.header("link").contains("ldp#BasicContainer")
            && page.header("link").contains("constrainedBy")
    );
    assert_eq!(
        page.header("vary"),
        "Accept, Prefer, Cookie, Authorization, Accept-Encoding"
    );
    assert_eq!(
        page.header("content-location"),
        format!("{BASE_URL}{CONTAINER}")
    );
    assert!(page.header("allow").contains("POST"));
    let etag = page.header("etag").to_owned();
    let cached = app
        .send("GET", CONTAINER, t, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    let second = app
        .send("GET", &format!("{CONTAINER}?page=1"), t, None, &[])
        .await
        .json();
    assert_eq!(second["type"], "AnnotationPage");
    assert_eq!(second["items"].as_array().unwrap().len(), 5);
    assert_eq!(second["prev"], format!("{BASE_URL}{CONTAINER}?page=0"));
    assert!(second.get("next").is_none());
    assert_eq!(
        app.send("GET", &format!("{CONTAINER}?page=9"), t, None, &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let head = app.send("HEAD", CONTAINER, t, None, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    let options = app.send("OPTIONS", CONTAINER, None, None, &[]).await;
    assert_eq!(options.header("allow"), "GET, HEAD, OPTIONS, POST");
    let id = json["first"]["items"][0]["id"].as_str().unwrap();
    let options = app.send("OPTIONS", &path_of(id), None, None, &[]).await;
    assert_eq!(options.header("allow"), "GET, HEAD, OPTIONS, PUT, DELETE");
    // The container is cached and revalidated like a page; one note, read to be edited
    // with its ETag, is never stored.
    assert_eq!(
        app.get(CONTAINER).await.header("cache-control"),
        "private, no-cache"
    );
    assert!(
        app.get(&path_of(id))
            .await
            .header("cache-control")
            .contains("no-store")
    );
}

#[tokio::test]
async fn notes_appear_in_the_page_margin_with_highlights_and_no_markup_from_their_text() {
    let (app, tokens) = app_with(&["alice"]).await;
    let xss =
        "<img src=x onerror=alert(1)> **bold** [x](javascript:alert(2)) <script>alert(3)</script>";
    let mut body = note("Pyongyang and Moscow have rapidly expanded", xss, "public");
    body["body"][1]["value"] = json!("\"><svg onload=alert(4)>");
    let page = app
        .send("POST", CONTAINER, Some(&tokens[0]), Some(&body), &[])
        .await;
    assert_eq!(page.status, StatusCode::CREATED);
    let id = page.json()["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let html = app.get(&format!("/documents/{SEED}")).await.html();
    crate::helpers::assert_inert(&html);
    let marks = select(
        &html,
        &format!("#p1 mark.note-highlight[data-annotation-id=\"{id}\"]"),
    );
    let marked: String = marks.iter().map(text).collect();
    assert_eq!(marked, "Pyongyang and Moscow have rapidly expanded");
    assert!(
        select(&html, "#p1 mark.note-highlight mark.actor[data-actor=RUS]").len() == 1,
        "actor marks nest inside"
    );
    let aside = select(
        &html,
        &format!(".margin[data-paragraph=\"1\"] article.note[data-annotation-id=\"{id}\"]"),
    );
    assert_eq!(aside.len(), 1);
    let shown = text(&aside[0]);
    assert!(
        shown.contains("alice") && shown.contains("<svg onload=alert(4)>"),
        "{shown}"
    );
    assert_eq!(select(&html, "article.note .note-body strong").len(), 1);
}

#[tokio::test]
async fn a_note_can_span_paragraphs_and_footnote_markers() {
    let (app, tokens) = app_with(&["alice"]).await;
    let mut body = note("", "spanning", "public");
    let doc = app.get(&format!("/api/documents/{SEED}")).await.json();
    let p1 = doc["paragraphs"][0]["text"]
        .as_str()
        .unwrap()
        .chars()
        .count();
    body["target"]["selector"] =
        json!({"type": "TextPositionSelector", "start": p1 - 20, "end": p1 + 12});
    let page = app
        .send("POST", CONTAINER, Some(&tokens[0]), Some(&body), &[])
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let html = app.get(&format!("/documents/{SEED}")).await.html();
    assert_eq!(select(&html, "#p1 mark.note-highlight").len(), 1);
    assert_eq!(select(&html, "#p2 mark.note-highlight").len(), 1);
    assert_eq!(
        select(&html, ".margin[data-paragraph=\"1\"] article.note").len(),
        1
    );
    let mut over_marker = note("against the other. Commentators", "over a marker", "public");
    over_marker["motivation"] = json!("questioning");
    let page = app
        .send("POST", CONTAINER, Some(&tokens[0]), Some(&over_marker), &[])
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let html = app.get(&format!("/documents/{SEED}")).await.html();
    let id = page.json()["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let inside = select(
        &html,
        &format!("mark.note-highlight[data-annotation-id=\"{id}\"] sup.fn-ref"),
    );
    assert_eq!(inside.len(), 1, "the marker sits inside the highlight");
}

#[tokio::test]
async fn the_openapi_description_covers_every_api_route() {
    let app = TestApp::with_seed_and(&[]).await;
    let json = app.get("/api/openapi.json").await.json();
    assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = json["paths"].as_object().unwrap();
    let expected = [
        ("/api/documents", vec!["get", "post"]),
        ("/api/documents/{slug}", vec!["get", "put"]),
        ("/api/documents/{slug}/archive", vec!["post"]),
        ("/api/documents/{slug}/restore", vec!["post"]),
        ("/api/documents/{slug}/reliability", vec!["put"]),
        ("/api/actors", vec!["get", "post"]),
        ("/api/actors/unknown", vec!["get"]),
        ("/api/actors/{id}", vec!["get"]),
        ("/api/actors/{id}/aliases", vec!["post"]),
        ("/api/search", vec!["get"]),
        ("/api/annotations", vec!["get"]),
        ("/api/tags/rename", vec!["post"]),
        (
            "/api/documents/{slug}/annotations/",
            vec!["get", "post", "options"],
        ),
        (
            "/api/documents/{slug}/annotations/{id}",
            vec!["get", "put", "delete", "options"],
        ),
        (
            "/api/documents/{slug}/annotations/{id}/revisions",
            vec!["get"],
        ),
        ("/api/documents/{slug}/voices", vec!["get"]),
        (
            "/api/documents/{slug}/voices/corrections",
            vec!["get", "post"],
        ),
        (
            "/api/documents/{slug}/voices/corrections/{id}",
            vec!["get", "delete"],
        ),
        ("/api/voices", vec!["get"]),
        ("/api/openapi.json", vec!["get"]),
    ];
    assert_eq!(
        paths.len(),
        expected.len(),
        "{:?}",
        paths.keys().collect::<Vec<_>>()
    );
    for (path, methods) in expected {
        for method in methods {
            assert!(
                paths[path].get(method).is_some(),
                "{method} {path} is described"
            );
        }
    }
}

#[tokio::test]
async fn a_note_sent_after_a_new_version_is_anchored_in_the_new_text() {
    let app =
        TestApp::with_files(&[("memo.txt", "Moscow signed the treaty with Pyongyang.\n")]).await;
    let token = app.add_analyst("alice").await;
    let container = "/api/documents/memo/annotations/";
    let quote = json!({
        "body": {"type": "TextualBody", "value": "Which treaty?"},
        "target": {"source": format!("{BASE_URL}/documents/memo"),
                   "selector": {"type": "TextQuoteSelector", "exact": "signed the treaty"}}
    });
    let start_of = |page: &crate::helpers::Page| {
        let json = page.json();
        let selectors = json["target"]["selector"].as_array().unwrap().clone();
        assert_eq!(selectors[1]["type"], "TextPositionSelector");
        selectors[1]["start"].as_u64().unwrap()
    };
    let first = app
        .send("POST", container, Some(&token), Some(&quote), &[])
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(start_of(&first), 7);
    // A new version moves the quote: glossa remembered the old one, and must not anchor
    // the next note in it.
    app.write_files(&[(
        "memo.txt",
        "A new first paragraph.\n\nMoscow signed the treaty with Pyongyang.\n",
    )]);
    app.import().await;
    let second = app
        .send("POST", container, Some(&token), Some(&quote), &[])
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    let moved = "A new first paragraph.".chars().count() as u64 + 2 + 7;
    assert_eq!(start_of(&second), moved);
    let listed = app
        .send("GET", container, Some(&token), None, &[])
        .await
        .json();
    let stored: Vec<u64> = listed["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["target"]["selector"][1]["start"].as_u64().unwrap())
        .collect();
    assert!(stored.contains(&moved), "{stored:?}");
}
