//! Notes across the corpus as analysts narrow them: facets with counts, notes whose quote
//! names an actor, the `/notes` workspace, `/tags` with renames and merges, and
//! `GET /api/annotations` with Hypothesis's parameters — with three viewers, so that nobody's
//! private note is ever listed or counted for anyone else.

use axum::http::StatusCode;

use crate::helpers::{BASE_URL, SEED, TestApp, select, text};
use crate::search::write_note;

fn encode(q: &str) -> String {
    glossa::http::pages::url_encode(q)
}

/// Alice (a team note and a private one) and Bob (a public note), on the seed.
async fn two_analysts() -> (TestApp, String, String) {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    write_note(
        &app,
        &alice,
        "Pyongyang and Moscow",
        "Secondary sanctions on Rosoboronexport?",
        &["sanctions"],
        "team",
    )
    .await;
    write_note(
        &app,
        &alice,
        "high-level state visits",
        "My own worry: sanctioned banks.",
        &["sanctions", "banks"],
        "private",
    )
    .await;
    write_note(
        &app,
        &bob,
        "irked Beijing",
        "Beijing's view, in public.",
        &["china", "sanctions"],
        "public",
    )
    .await;
    (app, alice, bob)
}

async fn json(app: &TestApp, uri: &str, token: Option<&str>) -> serde_json::Value {
    let page = app.send("GET", uri, token, None, &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.body);
    page.json()
}

fn facet(json: &serde_json::Value, name: &str) -> Vec<(String, i64)> {
    json["facets"][name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_owned(),
                v["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn facets_count_every_hit_and_never_a_note_the_viewer_may_not_see() {
    let (app, alice, bob) = two_analysts().await;
    let found = json(
        &app,
        "/api/search?q=Moscow&limit=200&facets=documents,actors",
        None,
    )
    .await;
    let total = found["total"].as_i64().unwrap();
    assert_eq!(facet(&found, "documents"), vec![(SEED.to_owned(), total)]);
    let naming_china = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| {
            h["actors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == "CHN")
        })
        .count() as i64;
    assert!(
        facet(&found, "actors").contains(&("CHN".to_owned(), naming_china)),
        "{:?}",
        facet(&found, "actors")
    );

    // Tags of the notes: Alice counts her private "banks", Bob and readers never do.
    let tags = |token: Option<String>| {
        let app = &app;
        async move {
            facet(
                &json(app, "/api/search?q=sanction*&facets=tags", token.as_deref()).await,
                "tags",
            )
        }
    };
    assert_eq!(
        tags(Some(alice.clone())).await,
        vec![
            ("sanctions".into(), 3),
            ("banks".into(), 1),
            ("china".into(), 1)
        ]
    );
    assert_eq!(
        tags(Some(bob.clone())).await,
        vec![("sanctions".into(), 2), ("china".into(), 1)]
    );
    assert_eq!(
        tags(None).await,
        vec![("china".into(), 1), ("sanctions".into(), 1)]
    );

    // Facets are counted when asked for: none by default, every one with `all`.
    let plain = json(&app, "/api/search?q=Moscow", None).await;
    assert!(facet(&plain, "documents").is_empty());
    let every = json(&app, "/api/search?q=Moscow&facets=all", Some(&alice)).await;
    assert_eq!(facet(&every, "documents"), vec![(SEED.to_owned(), total)]);
    assert_eq!(
        facet(&every, "note_actors"),
        vec![("PRK".to_owned(), 1), ("RUS".to_owned(), 1)],
        "the one note with Moscow, quoting Pyongyang and Moscow"
    );
    let wrong = app
        .get("/api/search?q=Moscow&facets=documents,colours")
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("colours"), "{}", wrong.body);

    // On the page, a facet is a link that narrows the search to its count, and then a link
    // that takes the filter away again.
    let page = app.get("/search?q=Moscow").await.html();
    let link = select(&page, ".facets a.facet-value")
        .into_iter()
        .find(|a| text(a).starts_with("China"))
        .expect("an actor facet for China");
    let href = link.value().attr("href").unwrap().to_owned();
    assert_eq!(href, "/search?q=Moscow%20actor%3ACHN");
    let narrowed = app.get(&href).await.html();
    assert!(
        text(&select(&narrowed, ".search-summary")[0])
            .starts_with(&format!("{naming_china} passage")),
        "{}",
        text(&select(&narrowed, ".search-summary")[0])
    );
    let active = select(&narrowed, ".facets a.facet-value.active");
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].value().attr("href"), Some("/search?q=Moscow"));
}

#[tokio::test]
async fn actor_finds_the_notes_whose_quote_names_the_actor() {
    let (app, alice, _) = two_analysts().await;
    let bodies = |q: &str| {
        let (app, alice, q) = (&app, alice.clone(), q.to_owned());
        async move {
            let found = json(app, &format!("/api/search?q={}", encode(&q)), Some(&alice)).await;
            let mut bodies: Vec<String> = found["notes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    n["annotation"]["body"][0]["value"]
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect();
            bodies.sort();
            bodies
        }
    };
    let moscow = vec!["Secondary sanctions on Rosoboronexport?".to_owned()];
    assert_eq!(bodies("actor:RUS").await, moscow, "Moscow is Russia");
    assert_eq!(bodies("actor:prk").await, moscow, "Pyongyang, any case");
    assert_eq!(
        bodies("actor:CHN").await,
        vec!["Beijing's view, in public."]
    );
    assert_eq!(bodies("actor:USA").await, Vec::<String>::new());
    assert_eq!(bodies("actor:RUS tag:banks").await, Vec::<String>::new());
}

#[tokio::test]
async fn the_notes_workspace_lists_filters_and_pages_what_the_viewer_may_see() {
    let (app, alice, bob) = two_analysts().await;
    let rows = |token: Option<String>, q: &str| {
        let (app, q) = (&app, q.to_owned());
        async move {
            let page = app
                .send(
                    "GET",
                    &format!("/notes?q={}", encode(&q)),
                    token.as_deref(),
                    None,
                    &[],
                )
                .await;
            assert_eq!(page.status, StatusCode::OK, "{q}: {}", page.body);
            let html = page.html();
            select(&html, ".notes-row")
                .iter()
                .map(text)
                .collect::<Vec<_>>()
        }
    };
    let carol = app.add_analyst("carol").await;
    assert_eq!(rows(Some(alice.clone()), "").await.len(), 3);
    assert_eq!(rows(Some(bob.clone()), "").await.len(), 2);
    assert_eq!(
        rows(Some(carol.clone()), "").await.len(),
        2,
        "a third analyst sees team and public notes, never alice's private one"
    );
    assert_eq!(rows(Some(carol.clone()), "worry").await.len(), 0);
    let public = rows(None, "").await;
    assert_eq!(public.len(), 1);
    assert!(public[0].contains("Beijing's view") && public[0].contains("irked Beijing"));
    assert_eq!(rows(Some(bob.clone()), "banks").await.len(), 0);
    assert_eq!(rows(Some(alice.clone()), "banks").await.len(), 1);
    assert_eq!(
        rows(Some(alice.clone()), "visibility:private").await.len(),
        1
    );
    assert_eq!(rows(Some(bob.clone()), "visibility:private").await.len(), 0);
    assert_eq!(rows(Some(alice.clone()), "author:bob").await.len(), 1);
    let page_note = serde_json::json!({"body": {"value": "On the whole piece."},
        "target": format!("{BASE_URL}/documents/{SEED}")});
    let made = app
        .send(
            "POST",
            &format!("/api/documents/{SEED}/annotations/"),
            Some(&bob),
            Some(&page_note),
            &[],
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(rows(Some(bob.clone()), "").await.len(), 3);
    assert_eq!(
        rows(Some(bob.clone()), "status:exact").await.len(),
        2,
        "a note on the whole document has no anchor to be exact"
    );
    let whole = rows(Some(bob.clone()), "piece").await;
    assert!(whole[0].contains("whole document"), "{whole:?}");

    // Each row links to the note in place and to its paragraph; tags link to their list.
    let page = app
        .send("GET", "/notes?q=author:bob", Some(&bob), None, &[])
        .await;
    let html = page.html();
    let hrefs: Vec<&str> = select(&html, ".notes-row a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        hrefs
            .iter()
            .any(|h| h.starts_with(&format!("/documents/{SEED}#note-")))
    );
    assert!(
        hrefs
            .iter()
            .any(|h| h.starts_with(&format!("/documents/{SEED}#p")))
    );
    assert!(hrefs.contains(&"/notes?q=tag%3Achina"), "{hrefs:?}");

    // The date fields fold into the query; bad input says what to fix.
    let dated = app.get("/notes?q=tag:china&after=2020-01-01&before=").await;
    assert_eq!(dated.status, StatusCode::SEE_OTHER);
    assert_eq!(
        dated.header("location"),
        "/notes?q=tag%3Achina%20after%3A2020-01-01"
    );
    let bad = app.get("/notes?q=motivation:shouting").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(text(&select(&bad.html(), ".search-error")[0]).contains("questioning"));
    assert_eq!(app.get("/notes?page=9").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_annotations_api_answers_hypothesis_style_searches_as_a_w3c_collection() {
    let (app, alice, bob) = two_analysts().await;
    let ids = |json: &serde_json::Value| -> Vec<String> {
        let items = json["first"]["items"]
            .as_array()
            .or(json["items"].as_array());
        items
            .map(|items| {
                items
                    .iter()
                    .map(|n| n["body"][0]["value"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let all = json(&app, "/api/annotations", Some(&bob)).await;
    assert_eq!(all["type"], serde_json::json!(["AnnotationCollection"]));
    assert_eq!(all["total"], 2, "bob never sees alice's private note");
    assert_eq!(all["first"]["type"], "AnnotationPage");
    assert_eq!(
        all["first"]["partOf"]["id"],
        format!("{BASE_URL}/api/annotations")
    );

    let tagged = json(
        &app,
        "/api/annotations?tag=sanctions&tag=banks",
        Some(&alice),
    )
    .await;
    assert_eq!(
        ids(&tagged),
        vec!["My own worry: sanctioned banks."],
        "tags AND"
    );
    let by_user = json(&app, "/api/annotations?user=acct:bob@glossa", Some(&alice)).await;
    assert_eq!(ids(&by_user), vec!["Beijing's view, in public."]);
    for uri in [format!("{BASE_URL}/documents/{SEED}"), SEED.to_owned()] {
        let on = json(
            &app,
            &format!("/api/annotations?uri={}", encode(&uri)),
            None,
        )
        .await;
        assert_eq!(on["total"], 1, "{uri}");
    }
    let in_body = json(&app, "/api/annotations?text=Beijing", Some(&alice)).await;
    assert_eq!(ids(&in_body), vec!["Beijing's view, in public."]);
    let in_quote = json(&app, "/api/annotations?quote=Pyongyang", Some(&alice)).await;
    assert_eq!(
        ids(&in_quote),
        vec!["Secondary sanctions on Rosoboronexport?"]
    );
    assert_eq!(
        json(&app, "/api/annotations?quote=Rosoboronexport", Some(&alice)).await["total"],
        0
    );
    let any = json(&app, "/api/annotations?any=sanction%20-banks", Some(&alice)).await;
    assert_eq!(any["total"], 2);

    // Paged as the W3C protocol pages a container.
    let paged = json(
        &app,
        "/api/annotations?sort=created&order=asc&limit=2",
        Some(&alice),
    )
    .await;
    assert_eq!(paged["total"], 3);
    assert_eq!(ids(&paged).len(), 2);
    let next = paged["first"]["next"].as_str().unwrap().to_owned();
    assert_eq!(
        next,
        format!("{BASE_URL}/api/annotations?sort=created&order=asc&limit=2&page=1")
    );
    let second = json(&app, next.strip_prefix(BASE_URL).unwrap(), Some(&alice)).await;
    assert_eq!(second["type"], "AnnotationPage");
    assert_eq!(second["startIndex"], 2);
    assert_eq!(ids(&second).len(), 1);
    let mut seen = ids(&paged);
    seen.extend(ids(&second));
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3, "no note twice, none missed");

    for (uri, says) in [
        ("/api/annotations?tags=x", "tag"),
        ("/api/annotations?limit=500", "limit"),
        ("/api/annotations?sort=id", "sort"),
        ("/api/annotations?user=a&user=b", "once"),
        ("/api/annotations?text=tag:x", "words only"),
        ("/api/annotations?any=%22", "quotation mark"),
    ] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{uri}: {}", page.body);
        assert_eq!(page.json()["error"]["code"], "bad_query");
        assert!(page.body.contains(says), "{uri}: {}", page.body);
    }
    let past = app
        .send("GET", "/api/annotations?page=3", Some(&alice), None, &[])
        .await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
}

async fn rename(
    app: &TestApp,
    token: Option<&str>,
    from: &str,
    to: &str,
    scope: &str,
) -> crate::helpers::Page {
    let body = serde_json::json!({"from": from, "to": to, "scope": scope});
    app.send("POST", "/api/tags/rename", token, Some(&body), &[])
        .await
}

#[tokio::test]
async fn tags_are_renamed_and_merged_in_ones_own_notes_only() {
    let (app, alice, bob) = two_analysts().await;
    let tags_of = |token: String, who: &str| {
        let (app, who) = (&app, who.to_owned());
        async move {
            let all = json(app, "/api/annotations?sort=created&order=asc", Some(&token)).await;
            all["first"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["creator"]["name"] == who.as_str())
                .map(|n| {
                    n["body"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|b| b["purpose"] == "tagging")
                        .map(|b| b["value"].as_str().unwrap().to_owned())
                        .collect::<Vec<_>>()
                })
                .collect::<std::collections::BTreeSet<_>>()
        }
    };
    // A team-wide rename of a tag Bob uses is refused, and changes nothing.
    let refused = rename(&app, Some(&alice), "sanctions", "sanction", "everyone").await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("1 shared note by 1 other analyst also carries"),
        "{}",
        refused.body
    );
    // Renaming in her own notes changes her two and leaves Bob's.
    let done = rename(&app, Some(&alice), "sanctions", "sanction", "mine").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["notes"], 2);
    assert_eq!(
        tags_of(alice.clone(), "alice").await,
        [
            vec!["sanction".to_owned()],
            vec!["sanction".to_owned(), "banks".to_owned()]
        ]
        .into()
    );
    assert_eq!(
        tags_of(bob.clone(), "bob").await,
        [vec!["china".to_owned(), "sanctions".to_owned()]].into()
    );
    // Merging into a tag the note already has keeps one of it; each rename is a new revision
    // (written, renamed, merged: 3), so a stale editor cannot overwrite it.
    let before = json(&app, "/api/annotations?tag=banks", Some(&alice)).await;
    let etag_before = before["first"]["items"][0]["id"].clone();
    let merged = rename(&app, Some(&alice), "banks", "sanction", "everyone").await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    assert_eq!(
        tags_of(alice.clone(), "alice").await,
        [vec!["sanction".to_owned()]].into(),
        "both notes now carry the one tag, once"
    );
    let note = app
        .send(
            "GET",
            etag_before
                .as_str()
                .unwrap()
                .strip_prefix(BASE_URL)
                .unwrap(),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert!(
        note.header("etag").ends_with("-3\""),
        "{}",
        note.header("etag")
    );

    // Bob's private note is his alone: a team-wide rename neither counts it nor is refused
    // because of it, and it keeps its tag.
    write_note(
        &app,
        &bob,
        "irked Beijing",
        "Mine only.",
        &["secret"],
        "private",
    )
    .await;
    write_note(
        &app,
        &alice,
        "irked Beijing",
        "Mine too.",
        &["secret"],
        "team",
    )
    .await;
    let unseen = rename(&app, Some(&alice), "secret", "open", "everyone").await;
    assert_eq!(unseen.status, StatusCode::OK, "{}", unseen.body);
    assert_eq!(unseen.json()["notes"], 1);
    assert_eq!(
        json(&app, "/api/annotations?tag=secret", Some(&bob)).await["total"],
        1,
        "bob's private note keeps its tag"
    );
    let comma = rename(&app, Some(&alice), "open", "a,b", "mine").await;
    assert_eq!(comma.status, StatusCode::BAD_REQUEST);
    assert!(comma.body.contains("comma"), "{}", comma.body);

    assert_eq!(
        rename(&app, Some(&alice), "nothing", "x", "mine")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        rename(&app, Some(&alice), "sanction", " ", "mine")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        rename(&app, Some(&alice), "sanction", "x", "all")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        rename(&app, None, "sanction", "x", "mine").await.status,
        StatusCode::UNAUTHORIZED
    );

    // /tags counts what the viewer may see.
    let listed = |token: Option<String>| {
        let app = &app;
        async move {
            let page = app.send("GET", "/tags", token.as_deref(), None, &[]).await;
            let html = page.html();
            select(&html, ".tag-table tbody tr")
                .iter()
                .map(text)
                .collect::<Vec<_>>()
        }
    };
    let for_bob = listed(Some(bob.clone())).await;
    assert!(for_bob.iter().any(|r| r == "sanction10"), "{for_bob:?}");
    assert_eq!(
        listed(None).await.len(),
        2,
        "china and sanctions, public only"
    );
}

#[tokio::test]
async fn a_search_that_finds_nothing_says_which_filter_names_nothing() {
    let app = TestApp::with_seed_and(&[]).await;
    let hints = |q: &str| {
        let (app, q) = (&app, q.to_owned());
        async move {
            let found = json(app, &format!("/api/search?q={}", encode(&q)), None).await;
            found["hints"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let unknown = hints("actor:RUSSIA doc:no-such-paper author:nobody").await;
    assert_eq!(unknown.len(), 3, "{unknown:?}");
    assert!(unknown[0].contains("No actor has the id “russia”"));
    assert!(unknown[1].contains("no-such-paper"));
    assert!(unknown[2].contains("nobody"));
    assert!(
        hints("Moscow actor:RUS").await.is_empty(),
        "known values found things"
    );
    let lower = hints("Moscow or Kremlin").await;
    assert!(lower[0].contains("write OR in capitals"), "{lower:?}");
    let page = app.get("/search?q=Actor:NOPE").await.html();
    assert!(text(&select(&page, ".search-hint")[0]).contains("“nope”"));
}

#[tokio::test]
async fn newest_first_puts_the_last_note_first_even_within_one_second() {
    let (app, alice, _) = two_analysts().await;
    let bodies = |json: &serde_json::Value| -> Vec<String> {
        json["first"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["body"][0]["value"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = json(
        &app,
        "/api/annotations?sort=created&order=desc",
        Some(&alice),
    )
    .await;
    assert_eq!(
        bodies(&all),
        vec![
            "Beijing's view, in public.",
            "My own worry: sanctioned banks.",
            "Secondary sanctions on Rosoboronexport?"
        ],
        "written in the reverse order, most within the same second"
    );
}
