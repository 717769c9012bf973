//! Voices: whose view each sentence gives, as the API serves them.

use axum::http::StatusCode;

use crate::helpers::{SEED, TestApp, select, text};

/// The characters `start..end` of `text`, counted in code points.
fn slice(text: &str, start: i64, end: i64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[tokio::test]
async fn the_seed_names_its_official_and_unofficial_voices_with_their_sentences() {
    let app = TestApp::with_seed_and(&[]).await;
    let answer = app.get(&format!("/api/documents/{SEED}/voices")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let json = answer.json();
    let voices = json["voices"].as_array().unwrap();
    let find = |label: &str| {
        voices
            .iter()
            .find(|v| v["label"] == label)
            .unwrap_or_else(|| panic!("no voice {label}: {json}"))
    };
    for (label, actor, official) in [
        ("Chinese Foreign Ministry", "CHN", true),
        ("Chinese analysts", "CHN", false),
        ("Chinese observers", "CHN", false),
        ("Chinese commentators", "CHN", false),
        ("Western commentators", "WEST", false),
        ("Russia", "RUS", true),
        ("Vladimir Putin", "RUS", true),
    ] {
        let voice = find(label);
        assert_eq!(voice["actor"], actor, "{label}");
        assert_eq!(voice["official"], official, "{label}");
        assert!(!voice["claims"].as_array().unwrap().is_empty());
    }

    // Offsets are code points of the paragraph's text, as everywhere else: the sentence, cue
    // and source read what the document says.
    let document = app.get(&format!("/api/documents/{SEED}")).await.json();
    let paragraph = |n: i64| {
        document["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["number"] == n)
            .map(|p| p["text"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no paragraph {n}"))
    };
    let putin = &find("Vladimir Putin")["claims"][0];
    let text = paragraph(putin["paragraph"].as_i64().unwrap());
    let sentence = slice(
        &text,
        putin["start"].as_i64().unwrap(),
        putin["end"].as_i64().unwrap(),
    );
    assert!(
        sentence.starts_with("President Vladimir Putin in a public address"),
        "{sentence}"
    );
    assert_eq!(putin["attribution"], "explicit");
    assert_eq!(putin["source"]["text"], "President Vladimir Putin");
    assert_eq!(
        slice(
            &text,
            putin["cue"]["start"].as_i64().unwrap(),
            putin["cue"]["end"].as_i64().unwrap()
        ),
        putin["cue"]["text"].as_str().unwrap()
    );
    let carried: Vec<&str> = voices
        .iter()
        .flat_map(|v| v["claims"].as_array().unwrap())
        .map(|c| c["attribution"].as_str().unwrap())
        .filter(|a| *a != "explicit")
        .collect();
    for how in ["pronoun", "agentless", "implicit"] {
        assert!(carried.contains(&how), "{how} missing: {carried:?}");
    }
    // The author's own sentences give no voice.
    let noteworthy = voices
        .iter()
        .flat_map(|v| v["claims"].as_array().unwrap())
        .any(|c| {
            let text = paragraph(c["paragraph"].as_i64().unwrap());
            slice(
                &text,
                c["start"].as_i64().unwrap(),
                c["end"].as_i64().unwrap(),
            )
            .starts_with("It is noteworthy")
        });
    assert!(!noteworthy);

    let missing = app.get("/api/documents/no-such-document/voices").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn each_voice_has_a_page_and_actors_list_their_voices() {
    let app = TestApp::with_seed_and(&[]).await;
    let index = app.get("/voices").await;
    assert_eq!(index.status, StatusCode::OK);
    let html = index.html();
    let official: Vec<String> = select(&html, "#voices-Official + table tbody th")
        .iter()
        .map(text)
        .collect();
    assert!(
        official.contains(&"Chinese Foreign Ministry".to_owned()),
        "{official:?}"
    );
    assert!(
        official.contains(&"Vladimir Putin".to_owned()),
        "{official:?}"
    );
    let unofficial: Vec<String> = select(&html, "#voices-Unofficial + table tbody th")
        .iter()
        .map(text)
        .collect();
    assert!(
        unofficial.contains(&"Chinese analysts".to_owned()),
        "{unofficial:?}"
    );

    // A voice's page: its sentences by document, who speaks and the cue marked, each a link
    // to its paragraph.
    let page = app.get("/voices/chn-foreign-ministry").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = page.html();
    let marked: Vec<String> = select(
        &html,
        ".voice-sentence .voice-source, .voice-sentence .voice-cue",
    )
    .iter()
    .map(text)
    .collect();
    assert_eq!(marked, ["The Chinese Foreign Ministry", "asserting"]);
    let link = select(&html, ".voice-sentence a")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(link, format!("/documents/{SEED}#p2"));
    assert!(text(&select(&html, ".byline")[0]).contains("official"));
    let carried = app.get("/voices/chn-analysts").await.html();
    assert!(
        select(&carried, ".voice-sentence .tag-chip")
            .iter()
            .any(|chip| text(chip).contains("carried")),
        "carried sentences say so"
    );
    assert_eq!(
        app.get("/voices/nobody-at-all").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/voices/chn-analysts?page=9").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/voices/chn-analysts?page=x").await.status,
        StatusCode::BAD_REQUEST
    );

    // China's dossier tells its officials from its analysts.
    let dossier = app.get("/api/actors/CHN").await.json();
    let voices: Vec<(String, bool)> = dossier["voices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_owned(),
                v["official"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        voices.contains(&("chn-foreign-ministry".to_owned(), true)),
        "{voices:?}"
    );
    assert!(
        voices.contains(&("chn-analysts".to_owned(), false)),
        "{voices:?}"
    );
    let page = app.get("/actors/CHN").await.html();
    assert!(
        select(&page, "#voices-title + p + ul a")
            .iter()
            .any(|a| a.value().attr("href") == Some("/voices/chn-analysts"))
    );
}

#[tokio::test]
async fn search_finds_what_a_voice_says_and_official_or_unofficial_views() {
    let app = TestApp::with_seed_and(&[]).await;
    let search = |q: &str| {
        let q = q.replace(' ', "+");
        let app = &app;
        async move { app.get(&format!("/api/search?q={q}")).await }
    };
    let ministry = search("voice:chn-foreign-ministry").await;
    assert_eq!(ministry.status, StatusCode::OK, "{}", ministry.body);
    let json = ministry.json();
    let paragraphs: Vec<i64> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["paragraph"].as_i64().unwrap())
        .collect();
    assert_eq!(paragraphs, [2], "{json}");
    let official = search("official:yes").await.json();
    let unofficial = search("official:no").await.json();
    let count = |j: &serde_json::Value| j["hits"].as_array().unwrap().len();
    assert!(count(&official) >= 2 && count(&unofficial) > count(&official));
    // With words, the voice narrows the passages (paragraphs) they are found in.
    let putin = search("sanctions voice:vladimir-putin").await.json();
    assert_eq!(putin["hits"][0]["paragraph"], 8, "{putin}");
    let west = search("sanctions voice:west-commentators").await.json();
    assert_eq!(count(&west), 0, "{west}");
    let bad = search("official:maybe").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("official: takes yes or no")
    );
    let nobody = app.get("/search?q=voice:nobody").await;
    assert!(
        nobody
            .body
            .contains("No sentence gives the view of a voice “nobody”"),
        "{}",
        nobody.body
    );
}

#[tokio::test]
async fn a_document_opened_from_a_filtered_search_marks_only_the_paragraphs_found() {
    let app = TestApp::with_seed_and(&[]).await;
    let found = app
        .get("/api/search?q=Moscow+voice:chn-analysts")
        .await
        .json();
    let mut listed: Vec<i64> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["paragraph"].as_i64().unwrap())
        .collect();
    listed.sort_unstable();
    let page = app
        .get(&format!("/documents/{SEED}?q=Moscow+voice:chn-analysts"))
        .await
        .html();
    let mut marked: Vec<i64> = select(&page, ".text p.block")
        .iter()
        .filter(|p| !select_in(p, "mark.search-hit").is_empty())
        .map(|p| p.value().attr("id").unwrap()[1..].parse().unwrap())
        .collect();
    marked.dedup();
    assert_eq!(marked, listed);
    // One standing at a time; ids in other cases find the voice's page; a person's dossier
    // lists the voice they speak in.
    let twice = app.get("/api/search?q=official:yes+official:no").await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    let upper = app.get("/voices/CHN-Analysts").await;
    assert_eq!(upper.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(upper.header("location"), "/voices/chn-analysts");
    let putin = app.get("/api/actors/vladimir-putin").await.json();
    assert_eq!(putin["voices"][0]["id"], "vladimir-putin", "{putin}");
}

fn select_in<'a>(element: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    element
        .select(&scraper::Selector::parse(css).unwrap())
        .collect()
}
