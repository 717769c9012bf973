//! Actors across the corpus as an analyst reads them: the gazetteer at `/actors`, and each
//! actor's dossier — its forms (counted as the page marks them), the actors named beside it,
//! the notes on it (visibility respected) and every paragraph that names it — on both backends.

use std::collections::BTreeMap;

use axum::http::StatusCode;

use crate::helpers::{SEED, TestApp, select, text};
use crate::search::write_note;

#[tokio::test]
async fn the_dossier_counts_the_forms_the_page_marks_and_lists_every_paragraph() {
    let app = TestApp::with_seed_and(&[]).await;
    let page = app.get(&format!("/documents/{SEED}")).await.html();
    let mut marked: BTreeMap<String, i64> = BTreeMap::new();
    for mark in select(&page, ".text mark.actor[data-actor=\"RUS\"]") {
        *marked.entry(text(&mark)).or_default() += 1;
    }
    assert!(
        marked.contains_key("Moscow") && marked.contains_key("Russian"),
        "{marked:?}"
    );

    let dossier = app.get("/api/actors/rus").await;
    assert_eq!(dossier.status, StatusCode::OK, "{}", dossier.body);
    let json = dossier.json();
    assert_eq!(json["id"], "RUS", "ids compare without case");
    let forms: BTreeMap<String, i64> = json["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["text"].as_str().unwrap().to_owned(),
                f["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        forms, marked,
        "the forms are what the page marks, counted the same"
    );
    let co: Vec<&str> = json["co_mentioned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        &co[..2],
        ["PRK", "CHN"],
        "North Korea and China most often beside Russia"
    );
    let paragraphs_with_marks = select(&page, ".text .block")
        .iter()
        .filter(|b| !select_in(b, "mark.actor[data-actor=\"RUS\"]").is_empty())
        .count() as i64;
    assert_eq!(json["paragraphs_total"], paragraphs_with_marks);
    let mentions = json["mentions"].as_array().unwrap();
    assert_eq!(mentions.len() as i64, forms.values().sum::<i64>());
    let texts: Vec<String> = app.get(&format!("/api/documents/{SEED}")).await.json()["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_owned())
        .collect();
    for m in mentions {
        let paragraph: Vec<char> = texts[m["paragraph"].as_u64().unwrap() as usize - 1]
            .chars()
            .collect();
        let (start, end) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        let form: String = paragraph[start..end].iter().collect();
        assert!(
            forms.contains_key(&form),
            "code points point at a form: {form}"
        );
    }

    // The page: forms, the people of a state, pairs linking to their passages, paragraphs
    // linking into the reader with the mention marked.
    let html = app.get("/actors/RUS").await.html();
    let rows: Vec<String> = select(&html, ".dossier table tbody tr")
        .iter()
        .map(text)
        .collect();
    assert!(
        rows.iter()
            .any(|r| r == &format!("Moscow{}", forms["Moscow"])),
        "{rows:?}"
    );
    assert!(text(&html.root_element()).contains("Vladimir Putin"));
    let pair = select(&html, "a[href=\"/search?q=actor%3ARUS%20actor%3APRK\"]");
    assert_eq!(pair.len(), 1);
    let links = select(&html, ".search-hit-link");
    assert_eq!(links.len() as i64, paragraphs_with_marks);
    assert!(
        links[0]
            .value()
            .attr("href")
            .unwrap()
            .starts_with(&format!("/documents/{SEED}#p"))
    );
    assert!(!select(&html, ".search-snippet mark").is_empty());
    assert_eq!(
        app.get("/actors/rus").await.status,
        StatusCode::PERMANENT_REDIRECT
    );
    let missing = app.get("/actors/ATLANTIS").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("/actors"));
    assert_eq!(
        app.get("/api/actors/RUS?limit=0").await.status,
        StatusCode::BAD_REQUEST
    );

    // /actors lists the gazetteer by kind, each linked to its dossier.
    let list = app.get("/actors").await.html();
    let headings: Vec<String> = select(&list, ".actor-group h2").iter().map(text).collect();
    assert_eq!(headings[0], "States");
    assert_eq!(select(&list, "a[href=\"/actors/RUS\"]").len(), 1);
}

fn select_in<'a>(element: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    element
        .select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

#[tokio::test]
async fn a_dossier_shows_only_the_notes_the_viewer_may_read() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    write_note(
        &app,
        &alice,
        "Pyongyang and Moscow",
        "Team view.",
        &[],
        "team",
    )
    .await;
    write_note(
        &app,
        &alice,
        "irked Beijing",
        "Not about Russia.",
        &[],
        "team",
    )
    .await;
    write_note(&app, &alice, "Moscow have", "Alice's own.", &[], "private").await;
    let notes = |token: Option<String>| {
        let app = &app;
        async move {
            let page = app
                .send("GET", "/actors/RUS", token.as_deref(), None, &[])
                .await;
            let html = page.html();
            let section = select(&html, "section[aria-labelledby=\"notes-title\"] li");
            section.iter().map(text).collect::<Vec<_>>()
        }
    };
    assert_eq!(notes(Some(alice.clone())).await.len(), 2);
    let for_bob = notes(Some(bob.clone())).await;
    assert_eq!(for_bob.len(), 1, "{for_bob:?}");
    assert!(for_bob[0].contains("Pyongyang and Moscow"));
    assert!(
        notes(None).await.is_empty(),
        "readers see public notes only"
    );
}

#[tokio::test]
async fn the_mention_strip_marks_every_paragraph_and_actor_the_text_marks() {
    let app = TestApp::with_seed_and(&[]).await;
    let page = app.get(&format!("/documents/{SEED}")).await.html();
    let names: BTreeMap<String, String> = select(&page, ".legend-entry")
        .iter()
        .map(|entry| {
            (
                entry.value().attr("data-actor").unwrap().to_owned(),
                text(&select_in(entry, ".legend-name")[0]),
            )
        })
        .collect();
    let mut in_text: BTreeMap<(String, usize), usize> = BTreeMap::new();
    let blocks = select(&page, ".text .block");
    for (i, block) in blocks.iter().enumerate() {
        for mark in select_in(block, "mark.actor") {
            let id = mark.value().attr("data-actor").unwrap();
            *in_text.entry((names[id].clone(), i + 1)).or_default() += 1;
        }
    }
    let header: Vec<String> = select(&page, ".strip-table thead th")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        header.len(),
        1 + blocks.len(),
        "a column per paragraph: {header:?}"
    );
    assert_eq!(blocks.len(), 14);
    let mut in_strip: BTreeMap<(String, usize), usize> = BTreeMap::new();
    for row in select(&page, ".strip-table tbody tr") {
        let name = text(&select_in(&row, "th")[0]);
        for (i, cell) in select_in(&row, "td").iter().enumerate() {
            if let Ok(count) = text(cell).parse::<usize>() {
                in_strip.insert((name.clone(), i + 1), count);
            }
        }
    }
    assert_eq!(
        in_strip, in_text,
        "the table behind the picture counts what the text marks"
    );
    let dots = select(&page, ".strip-svg a circle.strip-mark");
    assert_eq!(
        dots.len(),
        in_text.len(),
        "a dot for each paragraph and actor"
    );
    let first = select(&page, ".strip-svg a")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert!(first.starts_with("#p"), "{first}");
    assert_eq!(select(&page, ".strip-svg > title").len(), 1);
    assert_eq!(select(&page, ".strip-svg > desc").len(), 1);
    let export = app
        .get(&format!("/documents/{SEED}/export.html"))
        .await
        .html();
    assert_eq!(
        select(&export, ".strip-svg a circle.strip-mark").len(),
        dots.len()
    );
    assert_eq!(
        select(&export, "details.strip[open]").len(),
        1,
        "open in the export"
    );
}

#[tokio::test]
async fn the_timeline_counts_mentions_by_month_with_undated_documents_apart() {
    let dated = "+++\ntitle = \"Later\"\npublished = \"2024-06-20\"\n+++\n\nMoscow and Moscow again; Pyongyang too.\n";
    let app = TestApp::with_seed_and(&[("later.md", dated)]).await;
    let html = app.get("/actors/RUS").await.html();
    let rows: Vec<String> = select(&html, ".timeline tbody tr")
        .iter()
        .map(text)
        .collect();
    let seed_mentions: i64 = app.get("/api/actors/RUS").await.json()["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_i64().unwrap())
        .sum::<i64>()
        - 2;
    assert_eq!(
        rows,
        vec!["2024-0621".to_owned(), format!("undated{seed_mentions}1")],
        "the dated month first, then the undated seed"
    );
    let bars = select(&html, ".timeline-svg rect.timeline-bar");
    assert_eq!(bars.len(), 2);
    assert!(bars[1].value().attr("class").unwrap().contains("undated"));
    assert_eq!(select(&html, ".timeline-svg > title").len(), 1);
}
