//! The reader pages, as a browser receives them.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::helpers::{SEED, TestApp, assert_inert, select, text};

#[tokio::test]
async fn the_index_lists_the_seed_with_its_facts_and_most_named_actors() {
    let app = TestApp::with_seed_and(&[]).await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let links = select(&html, ".document-card h2 a");
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].value().attr("href"),
        Some("/documents/russia-north-korea-chinese-views")
    );
    assert_eq!(
        text(&links[0]),
        "Russia–North Korea ties: how Chinese commentators read them"
    );
    let meta = text(&select(&html, ".document-meta")[0]);
    assert!(meta.contains("14 paragraphs"), "{meta}");
    assert!(
        meta.contains("Date not stated") && meta.contains("Source not stated"),
        "{meta}"
    );
    let top: Vec<_> = select(&html, ".top-actors .actor-chip")
        .iter()
        .map(|c| c.value().attr("data-actor").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(top, vec!["RUS", "PRK", "CHN"]);
}

#[tokio::test]
async fn the_seed_reads_as_14_numbered_paragraphs_with_20_markers_in_order() {
    let app = TestApp::with_seed_and(&[]).await;
    let page = app.get(&format!("/documents/{SEED}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let paragraphs = select(&html, "p.block");
    assert_eq!(paragraphs.len(), 14);
    for (i, p) in paragraphs.iter().enumerate() {
        assert_eq!(p.value().id(), Some(format!("p{}", i + 1).as_str()));
    }
    let markers: Vec<String> = select(&html, "p.block sup.fn-ref a")
        .iter()
        .map(text)
        .collect();
    let expected: Vec<String> = (1..=20).map(|n| n.to_string()).collect();
    assert_eq!(markers, expected);
    for (n, a) in select(&html, "p.block sup.fn-ref a").iter().enumerate() {
        assert_eq!(
            a.value().attr("href"),
            Some(format!("#fn-{}", n + 1).as_str())
        );
    }
    let first = text(&paragraphs[0]);
    assert!(
        first.contains("against the other.1 Commentators"),
        "{first}"
    );
    let in_p9: Vec<String> = select(&html, "#p9 sup.fn-ref a").iter().map(text).collect();
    assert_eq!(in_p9, vec!["13", "14", "15"]);
    let twelve = text(&paragraphs[11]);
    assert!(
        twelve.starts_with("Nonetheless") && !twelve.contains("21"),
        "{twelve}"
    );
    let thirteen = text(&paragraphs[12]);
    assert!(
        thirteen.starts_with("Since 2017–2018, China"),
        "range stays text: {thirteen}"
    );
}

#[tokio::test]
async fn footnotes_say_the_source_gives_no_reference_text_and_link_back() {
    let app = TestApp::with_seed_and(&[]).await;
    let html = app.get(&format!("/documents/{SEED}")).await.html();
    let items = select(&html, "section.footnotes li");
    assert_eq!(items.len(), 20);
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        assert_eq!(item.value().id(), Some(format!("fn-{n}").as_str()));
        assert!(text(item).contains("The source gives no reference text for this footnote."));
        let back = select(&html, &format!("#fn-{n} a.fn-back"));
        assert_eq!(
            back[0].value().attr("href"),
            Some(format!("#fr-{n}-1").as_str())
        );
        assert_eq!(
            select(&html, &format!("sup#fr-{n}-1")).len(),
            1,
            "back-link target exists"
        );
        let tip = select(&html, &format!("#fn-tip-{n}"));
        assert_eq!(tip[0].value().attr("popover"), Some("manual"));
        assert!(text(&tip[0]).contains("no reference text"));
    }
}

#[tokio::test]
async fn aliases_resolve_to_their_actors_and_name_them() {
    let app = TestApp::with_seed_and(&[]).await;
    let html = app.get(&format!("/documents/{SEED}")).await.html();
    let cases = [
        ("Moscow", "RUS", "Russia (as “Moscow”)"),
        ("Pyongyang", "PRK", "North Korea (as “Pyongyang”)"),
        ("Beijing", "CHN", "China (as “Beijing”)"),
        ("Washington", "USA", "United States (as “Washington”)"),
        (
            "Vladimir Putin",
            "vladimir-putin",
            "Vladimir Putin, President, Russia",
        ),
        ("the West", "WEST", "the West"),
        ("Sino", "CHN", "China (as “Sino”)"),
        ("North Korean", "PRK", "North Korea (as “North Korean”)"),
    ];
    for (words, actor, label) in cases {
        let marks = select(&html, &format!("mark.actor[data-actor=\"{actor}\"]"));
        let hit = marks.iter().find(|m| text(m) == words);
        let hit = hit.unwrap_or_else(|| panic!("no mark for {words:?}"));
        assert_eq!(hit.value().attr("title"), Some(label), "label of {words:?}");
    }
    assert!(
        select(&html, "mark.actor")
            .iter()
            .all(|m| m.value().attr("title").is_some_and(|t| !t.is_empty())),
        "every highlight has a text label"
    );
}

#[tokio::test]
async fn the_legend_lists_each_actor_with_its_mention_count() {
    let app = TestApp::with_seed_and(&[]).await;
    let html = app.get(&format!("/documents/{SEED}")).await.html();
    let entries = select(&html, ".legend-entry");
    let first: Vec<(String, String)> = entries
        .iter()
        .take(3)
        .map(|e| {
            (
                e.value().attr("data-actor").unwrap_or_default().to_owned(),
                text(&select_in(e, ".count")),
            )
        })
        .collect();
    assert_eq!(first[0].0, "RUS");
    for entry in &entries {
        let id = entry.value().attr("data-actor").unwrap_or_default();
        let count: usize = text(&select_in(entry, ".count")).parse().unwrap();
        let marks = select(&html, &format!("mark.actor[data-actor=\"{id}\"]")).len();
        assert_eq!(count, marks, "legend count of {id}");
        assert!(
            select_in_all(entry, "input.actor-toggle").len() == 1,
            "toggle for {id}"
        );
    }
}

fn select_in<'a>(element: &scraper::ElementRef<'a>, css: &str) -> scraper::ElementRef<'a> {
    select_in_all(element, css)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {css}"))
}

fn select_in_all<'a>(element: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    element
        .select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

#[tokio::test]
async fn unknown_and_hostile_slugs_get_an_html_404() {
    let app = TestApp::with_seed_and(&[]).await;
    for uri in [
        "/documents/no-such-document",
        "/documents/..%2F..%2Fetc%2Fpasswd",
        "/documents/a%00b",
        "/documents/%2e%2e",
        "/documents/UPPER",
        "/no/such/page",
    ] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            page.header("content-type").starts_with("text/html"),
            "{uri}"
        );
        let html = page.html();
        assert_eq!(text(&select(&html, "h1")[0]), "Not Found");
        // Made from the error alone, the page cannot tell a signed-in analyst to sign in.
        assert!(select(&html, ".site-account").is_empty(), "{uri}");
    }
    let token = app.add_analyst("alice").await;
    let signed_in = app
        .send(
            "GET",
            "/documents/no-such-document",
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::NOT_FOUND);
    assert!(!signed_in.body.contains("Sign in"), "{}", signed_in.body);
    let long = format!("/documents/{}", "a".repeat(4096));
    assert_eq!(app.get(&long).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn hostile_titles_and_markdown_never_become_markup() {
    let hostile = r#"+++
title = "<script>alert('title')</script> \" onmouseover=\"x"
author = "<img src=x onerror=alert(1)>"
tags = ["<b>bold</b>", "\"><svg onload=alert(1)>"]
+++
Text with <script>alert(1)</script> and <img src=x onerror="alert(2)"> and <a href="javascript:alert(3)">a</a>.

<iframe src="https://evil.example"></iframe>

<style>body{display:none}</style>

[js](javascript:alert(4)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==) [vb](vbscript:x) <javascript:alert(6)> ![img](https://evil.example/x.png) [ok](https://example.org/a?b=1&c=2)

<base href="//evil.example"><meta http-equiv="refresh" content="0;url=https://evil.example"><form action="https://evil.example"><input></form>

Cited.[^x]

[^x]: <script>alert(7)</script><svg><animate onbegin=alert(8) attributeName=x></svg> [l](javascript:alert(9)) <math><mtext><table><mglyph><style><img src=x onerror=alert(10)>
"#;
    let app = TestApp::with_files(&[("hostile.md", hostile)]).await;
    let page = app.get("/documents/hostile").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    assert_inert(&html);
    let h1 = text(&select(&html, "h1#doc-title")[0]);
    assert_eq!(h1, "<script>alert('title')</script> \" onmouseover=\"x");
    let title = text(&select(&html, "title")[0]);
    assert!(
        title.starts_with("<script>alert('title')</script>"),
        "{title}"
    );
    let links: Vec<_> = select(&html, ".text a[href]")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert!(
        links.contains(&"https://example.org/a?b=1&c=2".to_owned()),
        "{links:?}"
    );
    assert!(
        links
            .iter()
            .all(|l| l.starts_with("https://") || l.starts_with('#')),
        "{links:?}"
    );
    let index = app.get("/").await.html();
    assert_inert(&index);
}

#[tokio::test]
async fn markdown_documents_show_metadata_formatting_and_reference_texts() {
    let md = "+++\ntitle = \"Seoul and Tokyo\"\nauthor = \"A. Analyst\"\npublished = 2025-03-01\nsource = \"https://example.org/article\"\nlanguage = \"en\"\ntags = [\"alliances\"]\n+++\n\n*Seoul* and **Tokyo** met in Washington.[^w] Kyiv watched.[^k]\n\n## The Kremlin view\n\nThe Kremlin said little.[^w]\n\n[^w]: Reported by *wire services*.\n[^k]: See [the record](https://example.org/record).\n";
    let app = TestApp::with_files(&[("seoul-tokyo.md", md)]).await;
    let html = app.get("/documents/seoul-tokyo").await.html();
    assert_eq!(text(&select(&html, "h1#doc-title")[0]), "Seoul and Tokyo");
    let byline = text(&select(&html, ".byline")[0]);
    assert!(
        byline.contains("A. Analyst") && byline.contains("2025-03-01"),
        "{byline}"
    );
    assert_eq!(
        select(&html, ".byline a")[0].value().attr("href"),
        Some("https://example.org/article")
    );
    assert_eq!(
        select(
            &html,
            "#p1 em mark.actor[data-actor=KOR], #p1 mark.actor[data-actor=KOR] em"
        )
        .len(),
        1
    );
    assert_eq!(select(&html, "h2#p2 mark.actor[data-actor=RUS]").len(), 1);
    let markers: Vec<String> = select(&html, ".block sup.fn-ref a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(markers, vec!["1", "2", "1"]);
    assert_eq!(
        select(&html, "sup#fr-1-2").len(),
        1,
        "second citation of footnote 1"
    );
    let back: Vec<_> = select(&html, "#fn-1 a.fn-back")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(back, vec!["#fr-1-1", "#fr-1-2"]);
    assert_eq!(
        text(&select(&html, "#fn-1 .fn-content em")[0]),
        "wire services"
    );
    assert_eq!(
        select(&html, "#fn-2 .fn-content a")[0].value().attr("href"),
        Some("https://example.org/record")
    );
}

#[tokio::test]
async fn static_assets_are_cached_by_version_and_revalidate() {
    let app = TestApp::with_seed_and(&[]).await;
    let html = app.get("/").await.html();
    let css = select(&html, "link[rel=stylesheet]")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert!(css.starts_with("/static/reader.css?v="), "{css}");
    let page = app.get(&css).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/css"));
    assert!(page.header("cache-control").contains("max-age=31536000"));
    let etag = page.header("etag").to_owned();
    let again = app
        .request(
            Request::get(&css)
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        app.get("/static/../Cargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/static/nothing.js").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn every_response_carries_security_headers() {
    let app = TestApp::with_seed_and(&[]).await;
    for uri in [
        "/",
        &format!("/documents/{SEED}"),
        "/api/actors",
        "/missing",
    ] {
        let page = app.get(uri).await;
        let csp = page.header("content-security-policy");
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{uri}: {csp}"
        );
        assert_eq!(page.header("x-content-type-options"), "nosniff", "{uri}");
    }
}

/// Percent-encodes a string for one URL path segment.
pub fn url_path(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn cached_pages_revalidate_with_304_and_never_cross_viewers() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    let uri = format!("/documents/{SEED}");
    let first = app.get(&uri).await;
    let etag = first.header("etag").to_owned();
    assert!(first.header("cache-control").contains("no-cache"));
    let again = app
        .request(
            Request::get(&uri)
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let note = |visibility: &str, text: &str| {
        serde_json::json!({"visibility": visibility, "body": {"value": text},
            "target": {"source": format!("{}/documents/{SEED}", crate::helpers::BASE_URL), "selector": {"type": "TextQuoteSelector", "exact": "Pyongyang and Moscow"}}})
    };
    let container = format!("/api/documents/{SEED}/annotations/");
    let revalidate = |etag: String| {
        Request::get(&uri)
            .header("if-none-match", etag)
            .body(Body::empty())
            .unwrap()
    };
    let created = app
        .send(
            "POST",
            &container,
            Some(&alice),
            Some(&note("private", "alice only")),
            &[],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let same = app.request(revalidate(etag.clone())).await;
    assert_eq!(
        same.status,
        StatusCode::NOT_MODIFIED,
        "a private note leaves the anonymous page as it was"
    );
    let public = app
        .send(
            "POST",
            &container,
            Some(&alice),
            Some(&note("public", "for everyone")),
            &[],
        )
        .await;
    assert_eq!(public.status, StatusCode::CREATED);
    let stale = app.request(revalidate(etag)).await;
    assert_eq!(
        stale.status,
        StatusCode::OK,
        "a public note changes the page and its ETag"
    );
    assert!(stale.body.contains("for everyone"));
    for _ in 0..2 {
        let mine = app.send("GET", &uri, Some(&alice), None, &[]).await;
        assert!(mine.body.contains("alice only"));
        let theirs = app.send("GET", &uri, Some(&bob), None, &[]).await;
        assert!(
            !theirs.body.contains("alice only"),
            "bob never gets alice's cached page"
        );
        assert!(
            !app.get(&uri).await.body.contains("alice only"),
            "nor does an anonymous reader"
        );
    }
}

#[tokio::test]
async fn a_large_corpus_is_listed_a_hundred_documents_a_page() {
    let files: Vec<(String, String)> = (0..205)
        .map(|i| {
            (
                format!("d{i:03}.md"),
                format!("---\ntitle: Commentary {i:03}\npublished: 2026-01-01\n---\nMoscow and Seoul, part {i}.\n"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let app = TestApp::with_files(&files).await;
    let mut seen = Vec::new();
    for number in 1..=3 {
        let html = app.get(&format!("/?page={number}")).await.html();
        let titles: Vec<String> = select(&html, ".document-card h2 a")
            .iter()
            .map(text)
            .collect();
        assert_eq!(
            titles.len(),
            if number < 3 { 100 } else { 5 },
            "page {number}"
        );
        let summary = text(&select(&html, ".search-summary")[0]);
        assert!(
            summary.contains(&format!(
                "205 documents, newest first, on 3 pages; this is page {number}."
            )),
            "{summary}"
        );
        let next = select(&html, ".pager a[rel=next]");
        assert_eq!(next.len(), usize::from(number < 3), "page {number}");
        // A keyboard user reaches the next page before the hundred documents, not after.
        let early: Vec<_> = select(&html, ".search-summary a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        let mut expected = Vec::new();
        if number > 1 {
            expected.push(format!("/?page={}", number - 1));
        }
        if number < 3 {
            expected.push(format!("/?page={}", number + 1));
        }
        assert_eq!(early, expected, "page {number}");
        // Every listed document names Moscow: its most-named actors are counted on every page.
        assert!(select(&html, ".document-card").iter().all(|card| {
            card.select(&scraper::Selector::parse(".actor-chip[data-actor=RUS]").unwrap())
                .next()
                .is_some()
        }));
        seen.extend(titles);
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 205, "every document once, none twice");
    assert_eq!(app.get("/?page=4").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/?page=0").await.status, StatusCode::BAD_REQUEST);
    let twice = app.get("/?page=2&page=3").await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert!(
        twice.header("content-type").starts_with("text/html"),
        "{}",
        twice.header("content-type")
    );
    assert_eq!(
        app.get("/").await.html().html(),
        app.get("/?page=1").await.html().html()
    );
}
