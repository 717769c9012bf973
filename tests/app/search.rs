//! Search as a reader uses it: the words found in any form, marked in snippets that link to
//! their paragraph, filters that narrow, pages, and hostile input answered with a 400 that
//! says what to fix — never a 500 — on both backends.

use axum::http::StatusCode;

use crate::helpers::{SEED, TestApp, select, text};

/// The seed's paragraphs, as the API gives them.
async fn paragraphs(app: &TestApp) -> Vec<String> {
    app.get(&format!("/api/documents/{SEED}")).await.json()["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_owned())
        .collect()
}

fn encode(q: &str) -> String {
    glossa::http::pages::url_encode(q)
}

#[tokio::test]
async fn moscow_sanctions_finds_the_paragraphs_and_marks_the_words_in_any_form() {
    let app = TestApp::with_seed_and(&[]).await;
    let texts = paragraphs(&app).await;
    let found = app
        .get(&format!("/api/search?q={}", encode("Moscow sanctions")))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let json = found.json();
    let hits = json["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{json}");
    assert_eq!(json["total"].as_i64().unwrap() as usize, hits.len());
    let expected = texts
        .iter()
        .filter(|t| t.contains("Moscow") && t.to_lowercase().contains("sanction"))
        .count();
    assert_eq!(
        hits.len(),
        expected,
        "every paragraph with both words, no other"
    );
    for hit in hits {
        let n = hit["paragraph"].as_u64().unwrap() as usize;
        let paragraph: Vec<char> = texts[n - 1].chars().collect();
        let words: Vec<String> = hit["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let (start, end) = (
                    m["start"].as_u64().unwrap() as usize,
                    m["end"].as_u64().unwrap() as usize,
                );
                paragraph[start..end]
                    .iter()
                    .collect::<String>()
                    .to_lowercase()
            })
            .collect();
        assert!(words.iter().any(|w| w == "moscow"), "{words:?}");
        assert!(
            words
                .iter()
                .all(|w| w == "moscow" || w.starts_with("sanction")),
            "{words:?}"
        );
        assert_eq!(
            hit["url"].as_str().unwrap(),
            format!("/documents/{SEED}?q=Moscow%20sanctions#p{n}")
        );
        assert!(
            hit["actors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["id"] == "RUS")
        );
    }
}

#[tokio::test]
async fn the_search_page_groups_hits_marks_words_and_links_to_the_paragraph() {
    let app = TestApp::with_seed_and(&[
        ("memo.txt", "The Moscow régime answered.\n"),
        (
            "memo.toml",
            "title = \"A memo on régimes\"\npublished = \"2031-02-01\"\n",
        ),
    ])
    .await;
    let page = app.get("/search?q=moscow+regime").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let groups = select(&html, ".search-document h2");
    assert_eq!(groups.len(), 1, "only the memo has both words");
    assert_eq!(text(&groups[0]).trim(), "A memo on régimes");
    let marks: Vec<String> = select(&html, "mark.search-hit").iter().map(text).collect();
    assert_eq!(
        marks,
        vec!["Moscow", "régime"],
        "accents folded, the word shown as written"
    );
    let link = select(&html, ".search-hit-link")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(
        link,
        "/documents/memo?q=moscow%2Bregime#p1".replace("%2B", "%20")
    );
    assert_eq!(
        text(&select(&html, ".search-summary")[0]),
        "1 passage and 0 notes"
    );
    assert_eq!(
        select(&html, "#search-q")[0].value().attr("value"),
        Some("moscow regime")
    );

    let everywhere = app.get("/search?q=Moscow").await.html();
    let documents = select(&everywhere, ".search-document");
    assert_eq!(documents.len(), 2, "hits grouped by document");
}

#[tokio::test]
async fn filters_narrow_and_pages_follow() {
    let many: String = (1..=45).map(|n| format!("Moscow, line {n}.\n")).collect();
    let app = TestApp::with_seed_and(&[("many.txt", many.as_str())]).await;
    let total = |q: &str| {
        let app = &app;
        let q = q.to_owned();
        async move {
            let page = app.get(&format!("/api/search?q={}", encode(&q))).await;
            assert_eq!(page.status, StatusCode::OK, "{q}: {}", page.body);
            page.json()["total"].as_i64().unwrap()
        }
    };
    let korea = total("actor:PRK").await;
    let korea_and_china = total("actor:PRK actor:CHN").await;
    assert!(korea > 0 && korea_and_china > 0 && korea_and_china <= korea);
    assert_eq!(total("actor:prk").await, korea, "ids compare without case");
    assert!(
        total("actor:vladimir-putin").await > 0,
        "persons' ids are slugs"
    );
    assert_eq!(
        total(&format!("Moscow doc:{SEED}")).await + 45,
        total("Moscow").await
    );
    assert_eq!(total("Moscow doc:many").await, 45);
    assert_eq!(total("Moscow doc:some-other-document").await, 0);
    assert!(total("Moscow OR Beijing").await >= total("Moscow").await);
    assert!(total("Moscow -Beijing").await < total("Moscow").await);
    assert!(total("sanction*").await >= total("sanctions").await);
    assert_eq!(total("tag:sanctions").await, 0, "passages have no tags");

    let all = app.get("/api/search?q=Moscow&limit=200").await.json();
    let second = app
        .get("/api/search?q=Moscow&limit=1&offset=1")
        .await
        .json();
    assert_eq!(second["hits"].as_array().unwrap().len(), 1);
    assert_eq!(second["hits"][0]["paragraph"], all["hits"][1]["paragraph"]);
    for bad in [
        "limit=0",
        "limit=201",
        "offset=-1",
        "limit=abc",
        "limit=5&limit=6",
        "offset=99999999999999999999",
        "q=a",
    ] {
        let page = app.get(&format!("/api/search?q=Moscow&{bad}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(
            page.json()["error"]["code"],
            "bad_query",
            "{bad}: JSON, as every API error"
        );
    }
    let past = app.get("/search?q=line+doc:many&page=9").await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
    assert!(
        text(&select(&past.html(), ".search-error")[0]).contains("There is no page 9"),
        "{:.300}",
        past.body
    );
    let paged = app.get("/search?q=line+doc:many&page=2").await;
    assert_eq!(paged.status, StatusCode::OK);
    let html = paged.html();
    assert_eq!(
        text(&select(&html, ".search-summary")[0]),
        "45 passages and 0 notes · page 2 of 3"
    );
    assert_eq!(select(&html, ".search-hit-item").len(), 20);
    let next = select(&html, ".pager a[rel=next]")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(next, "/search?q=line%20doc%3Amany&page=3");
    assert_eq!(
        app.get("/search?q=the&page=zero").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn hostile_and_random_searches_get_results_or_a_400_that_says_what_to_fix() {
    let app = TestApp::with_seed_and(&[]).await;
    let mut inputs: Vec<String> = [
        "multi-agent",
        "don't",
        "AND",
        "\"",
        "*",
        "(",
        ")",
        "NEAR(a b)",
        "a:b:c",
        "col:val",
        "\"unclosed",
        "'; drop table paragraphs; --",
        "Moscow\u{0}",
        "\u{202e}Moscow",
        "^",
        "a*b*",
        "OR",
        "-",
        "--",
        "NOT",
        "'",
        "\\",
        ":*",
        "!!",
        "<->",
        "@@",
        "\"\"",
        "\" \"",
        "* *",
        "Mosc\u{301}ow",
        "🇺🇦",
        "日本",
        "عربي",
        "x".repeat(501).as_str(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // 2,000 random strings over all of Unicode's planes, made the same way every run.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..2000 {
        let len = (next() % 24) as usize;
        let s: String = (0..len)
            .filter_map(|_| {
                let pick = next();
                let c = match pick % 4 {
                    0 => (pick >> 8) % 0x80,
                    1 => b"\"*():-'\\ ^!&|<>@"[((pick >> 8) % 16) as usize] as u64,
                    2 => (pick >> 8) % 0x3000,
                    _ => (pick >> 8) % 0x11_0000,
                };
                char::from_u32(c as u32)
            })
            .collect();
        inputs.push(s);
    }
    for input in &inputs {
        for path in ["/api/search?q=", "/search?q="] {
            let page = app.get(&format!("{path}{}", encode(input))).await;
            assert!(
                page.status == StatusCode::OK || page.status == StatusCode::BAD_REQUEST,
                "{input:?} at {path}: {} {:.300}",
                page.status,
                page.body
            );
            if page.status == StatusCode::BAD_REQUEST && path.starts_with("/api") {
                let json = page.json();
                assert_eq!(json["error"]["code"], "bad_query", "{input:?}");
                assert!(json["error"]["message"].as_str().unwrap().len() > 20);
            }
        }
    }
}

#[tokio::test]
async fn a_document_opened_from_a_search_marks_every_match_inside_the_other_highlights() {
    let app = TestApp::with_seed_and(&[]).await;
    let texts = paragraphs(&app).await;
    let occurrences: usize = texts.iter().map(|t| t.matches("Moscow").count()).sum();
    let page = app.get(&format!("/documents/{SEED}?q=Moscow#p1")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let marks = select(&html, "mark.search-hit");
    let numbers: std::collections::BTreeSet<&str> = marks
        .iter()
        .map(|m| m.value().attr("data-hit").unwrap())
        .collect();
    assert_eq!(numbers.len(), occurrences, "every Moscow, numbered once");
    assert!(marks.iter().all(|m| text(m) == "Moscow"));
    assert!(
        !select(&html, "mark.actor mark.search-hit").is_empty(),
        "a match inside an actor's highlight nests in it"
    );
    let bar = text(&select(&html, ".search-bar")[0]);
    assert!(
        bar.contains(&format!("{occurrences} matches for “Moscow”")),
        "{bar}"
    );

    let phrase = app
        .get(&format!(
            "/documents/{SEED}?q={}",
            encode("\"all-round partnership\"")
        ))
        .await
        .html();
    let marked: Vec<String> = select(&phrase, "mark.search-hit")
        .iter()
        .map(text)
        .collect();
    assert!(
        !marked.is_empty()
            && marked
                .iter()
                .all(|m| m.to_lowercase().contains("all")
                    || m.to_lowercase().contains("partnership")),
        "{marked:?}"
    );
    let numbers: std::collections::BTreeSet<&str> = select(&phrase, "mark.search-hit")
        .iter()
        .map(|m| m.value().attr("data-hit").unwrap())
        .collect();
    let phrases = texts
        .iter()
        .map(|t| t.matches("all-round partnership").count())
        .sum::<usize>();
    assert_eq!(
        numbers.len(),
        phrases,
        "a phrase is marked where its words follow one another, once"
    );

    let plain = app.get(&format!("/documents/{SEED}")).await;
    assert!(select(&plain.html(), "mark.search-hit, .search-bar").is_empty());
    let broken = app.get(&format!("/documents/{SEED}?q=%22open")).await;
    assert_eq!(
        broken.status,
        StatusCode::OK,
        "the text is still worth reading"
    );
    let html = broken.html();
    assert!(text(&select(&html, ".search-bar")[0]).contains("could not run"));
    assert!(select(&html, "mark.search-hit").is_empty());
    assert_eq!(select(&html, ".block").len(), texts.len());
}

/// A note on the seed, by `token`, with tags.
pub async fn write_note(
    app: &TestApp,
    token: &str,
    quote: &str,
    body: &str,
    tags: &[&str],
    visibility: &str,
) {
    let mut bodies = vec![serde_json::json!({"value": body, "purpose": "commenting"})];
    bodies.extend(
        tags.iter()
            .map(|t| serde_json::json!({"value": t, "purpose": "tagging"})),
    );
    let note = serde_json::json!({
        "body": bodies, "visibility": visibility, "motivation": "questioning",
        "target": {"source": format!("{}/documents/{SEED}", crate::helpers::BASE_URL),
            "selector": {"type": "TextQuoteSelector", "exact": quote}}});
    let page = app
        .send(
            "POST",
            &format!("/api/documents/{SEED}/annotations/"),
            Some(token),
            Some(&note),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
}

#[tokio::test]
async fn notes_are_found_by_words_and_filters_and_nobody_sees_another_analysts_private_note() {
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
        &["china"],
        "public",
    )
    .await;

    let found = |token: Option<&str>, q: &str| {
        let (app, token, q) = (&app, token.map(str::to_owned), q.to_owned());
        async move {
            let page = app
                .send(
                    "GET",
                    &format!("/api/search?q={}", encode(&q)),
                    token.as_deref(),
                    None,
                    &[],
                )
                .await;
            assert_eq!(page.status, StatusCode::OK, "{q}: {}", page.body);
            let json = page.json();
            let bodies: Vec<String> = json["notes"]
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
            assert_eq!(
                json["notes_total"].as_u64().unwrap() as usize,
                bodies.len(),
                "{q}"
            );
            bodies
        }
    };
    // By a tag, by a word of the body (in any form), by a word of the quote.
    assert_eq!(
        found(Some(&alice), "tag:sanctions").await.len(),
        2,
        "alice sees her private note"
    );
    assert_eq!(
        found(Some(&bob), "tag:sanctions").await,
        vec!["Secondary sanctions on Rosoboronexport?"],
        "bob sees the team note, not alice's private one, not even as a count"
    );
    assert!(
        found(None, "tag:sanctions").await.is_empty(),
        "readers see public notes only"
    );
    assert_eq!(found(Some(&bob), "rosoboronexport").await.len(), 1);
    assert_eq!(found(Some(&alice), "sanction").await.len(), 2);
    assert_eq!(found(Some(&bob), "sanction").await.len(), 1);
    assert_eq!(
        found(None, "Beijing").await,
        vec!["Beijing's view, in public."]
    );
    assert_eq!(
        found(Some(&bob), "\"state visits\"").await.len(),
        0,
        "the private note's quote stays private"
    );
    assert_eq!(found(Some(&alice), "\"state visits\"").await.len(), 1);
    // Filters on notes.
    assert_eq!(found(Some(&bob), "author:bob").await.len(), 1);
    assert_eq!(found(Some(&bob), "author:alice").await.len(), 1);
    assert_eq!(found(Some(&alice), "motivation:questioning").await.len(), 3);
    assert_eq!(found(Some(&alice), "status:orphan").await.len(), 0);
    assert_eq!(
        found(Some(&alice), "tag:sanctions tag:banks").await.len(),
        1
    );
    assert_eq!(
        found(Some(&alice), "tag:sanction").await.len(),
        0,
        "a tag is matched whole"
    );
    assert_eq!(
        found(Some(&alice), "tag:sanctions after:2099").await.len(),
        0
    );
    assert_eq!(
        found(Some(&alice), "tag:sanctions before:2099").await.len(),
        2
    );
    assert_eq!(
        found(Some(&alice), &format!("tag:sanctions doc:{SEED}"))
            .await
            .len(),
        2
    );

    // The page lists the notes a signed-in reader may see, linked in place, tags shown.
    let page = app
        .send("GET", "/search?q=tag:sanctions", Some(&bob), None, &[])
        .await;
    let html = page.html();
    let notes = select(&html, ".search-note");
    assert_eq!(notes.len(), 1);
    let link = select(&html, ".search-note a.search-hit-link")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert!(
        link.starts_with(&format!("/documents/{SEED}#note-")),
        "{link}"
    );
    assert!(text(&notes[0]).contains("sanctions"));
    assert_eq!(
        text(&select(&html, ".search-summary")[0]),
        "0 passages and 1 note"
    );
}
