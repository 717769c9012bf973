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

    let dossier = app.get("/api/actors/rus?limit=200").await;
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
    let mentions = json["mentions"].as_array().unwrap();
    let sentences: std::collections::BTreeSet<(u64, u64)> = mentions
        .iter()
        .map(|m| {
            (
                m["paragraph"].as_u64().unwrap(),
                m["sentence"]["start"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(json["sentences_total"], sentences.len() as i64);
    assert!(
        sentences.len() as i64 > paragraphs_with_marks,
        "several sentences a paragraph"
    );
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
        let (from, to) = (
            m["sentence"]["start"].as_u64().unwrap() as usize,
            m["sentence"]["end"].as_u64().unwrap() as usize,
        );
        assert!(
            from <= start && end <= to,
            "the mention stands in its sentence"
        );
        let sentence: String = paragraph[from..to].iter().collect();
        assert!(
            sentence.ends_with(['.', '?', '!', '”'])
                && sentence.starts_with(|c: char| c.is_uppercase()),
            "a whole sentence: {sentence}"
        );
        if form == "Moscow" && m["paragraph"] == 3 {
            assert_eq!(
                sentence,
                "For Moscow, strained diplomatic and economic ties with Western powers has not only hindered the economy but has also significantly altered its geopolitical environment."
            );
        }
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
    assert_eq!(links.len(), sentences.len().min(25), "a page of sentences");
    assert!(
        select(&html, ".search-snippet")
            .iter()
            .any(|s| text(s) == "For Moscow, strained diplomatic and economic ties with Western powers has not only hindered the economy but has also significantly altered its geopolitical environment."),
        "each mention shows in its whole sentence"
    );
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
    let header: Vec<String> = select(&page, "#mention-strip .strip-table thead th")
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
    for row in select(&page, "#mention-strip .strip-table tbody tr") {
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
    assert_eq!(select(&page, "#mention-strip .strip-svg > title").len(), 1);
    assert_eq!(select(&page, "#mention-strip .strip-svg > desc").len(), 1);
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

/// The (row, column) → count cells of a co-occurrence matrix's table.
fn matrix_table(html: &scraper::Html, scope: &str) -> BTreeMap<(String, String), i64> {
    let header: Vec<String> = select(html, &format!("{scope} .strip-table thead th"))
        .iter()
        .map(text)
        .collect();
    let mut cells = BTreeMap::new();
    for row in select(html, &format!("{scope} .strip-table tbody tr")) {
        let name = text(&select_in(&row, "th")[0]);
        for (i, cell) in select_in(&row, "td").iter().enumerate() {
            if let Ok(n) = text(cell).parse::<i64>() {
                cells.insert((name.clone(), header[i + 1].clone()), n);
            }
        }
    }
    cells
}

#[tokio::test]
async fn the_co_occurrence_matrix_counts_sentences_naming_both_and_links_to_them() {
    let app = TestApp::with_seed_and(&[]).await;
    let page = app.get(&format!("/documents/{SEED}")).await.html();
    let in_document = matrix_table(&page, "#co-occurrence");
    let corpus_page = app.get("/actors").await.html();
    let in_corpus = matrix_table(&corpus_page, "#co-occurrence");
    assert_eq!(
        in_document, in_corpus,
        "one document: the corpus is that document"
    );

    // Counted per sentence: the dossier's pairs agree, and no pair is stronger than
    // North Korea–Russia and China–Russia.
    let russia = app.get("/api/actors/RUS").await.json();
    for other in russia["co_mentioned"].as_array().unwrap() {
        let name = other["name"].as_str().unwrap().to_owned();
        if let Some(count) = in_corpus.get(&("Russia".to_owned(), name.clone())) {
            assert_eq!(*count, other["sentences"].as_i64().unwrap(), "{name}");
            assert_eq!(in_corpus[&(name, "Russia".to_owned())], *count, "symmetric");
        }
    }
    let mut strongest: Vec<(&(String, String), &i64)> =
        in_corpus.iter().filter(|((a, b), _)| a < b).collect();
    strongest.sort_by(|a, b| b.1.cmp(a.1));
    let top: Vec<(&str, &str)> = strongest[..2]
        .iter()
        .map(|((a, b), _)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(top, [("North Korea", "Russia"), ("China", "Russia")]);
    let desc = text(&select(&corpus_page, "#matrix-desc")[0]);
    assert!(
        desc.contains("The strongest pairs: Russia and North Korea"),
        "{desc}"
    );

    // A sentence naming Russia twice and China once counts once for the pair: checked
    // against the seed's own sentences, split by hand where both are named.
    let pair_cell = select(
        &page,
        "#co-occurrence a[href=\"/search?q=actor%3ARUS%20actor%3APRK%20doc%3Arussia-north-korea-chinese-views\"]",
    );
    assert_eq!(
        pair_cell.len(),
        1,
        "a cell links to the pair's passages in the document"
    );
    let corpus_cell = select(
        &corpus_page,
        "#co-occurrence a[href=\"/search?q=actor%3ARUS%20actor%3APRK\"]",
    );
    assert_eq!(corpus_cell.len(), 1);
    let search = app
        .get("/api/search?q=actor%3ARUS%20actor%3APRK%20doc%3Arussia-north-korea-chinese-views")
        .await;
    assert_eq!(search.status, StatusCode::OK);
    assert!(search.json()["total"].as_i64().unwrap() > 0);
    for svg in select(&page, "svg.matrix-svg") {
        assert!(!select_in(&svg, "title").is_empty() && !select_in(&svg, "desc").is_empty());
    }
}

/// A commentary the tests have never seen elsewhere, naming people, places and outlets the
/// gazetteer lacks.
const UNSEEN: &str = "Kim Jong Un received Foreign Minister Sergey Lavrov at Panmunjom on Tuesday, KCNA reported.\n\nAccording to KCNA, Kim Jong Un praised Moscow. The Yonhap agency doubted it.\n\nHowever, analysts at the Asan Institute in Seoul said the visit changed little.\n";

#[tokio::test]
async fn names_the_gazetteer_lacks_are_listed_and_an_analyst_adds_them() {
    let app = TestApp::with_files(&[("unseen-visit.txt", UNSEEN)]).await;
    // The unseen text uses the gazetteer without its Kim Jong Un entry.
    let gazetteer = std::fs::read_to_string(app.corpus().join("actors.toml")).unwrap();
    let without_kim = remove_actor(&gazetteer, "kim-jong-un");
    std::fs::write(app.corpus().join("actors.toml"), &without_kim).unwrap();
    app.import().await;

    let report = app.get("/api/actors/unknown").await.json();
    let names: Vec<&str> = report["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    for expected in [
        "Kim Jong Un",
        "Sergey Lavrov",
        "Panmunjom",
        "KCNA",
        "Yonhap",
        "Asan Institute",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for common in [
        "However",
        "According",
        "Tuesday",
        "The",
        "Foreign Minister",
        "Foreign",
    ] {
        assert!(
            !names.contains(&common),
            "{common} is not a name: {names:?}"
        );
    }
    let kim = names.iter().position(|n| *n == "Kim Jong Un").unwrap();
    assert!(kim < 2, "the most used first: {names:?}");
    assert_eq!(report["names"][kim]["count"], 2);
    assert!(
        report["names"][kim]["examples"][0]["sentence"]
            .as_str()
            .unwrap()
            .starts_with("Kim Jong Un received Foreign Minister Sergey Lavrov")
    );
    let page = app.get("/actors/unknown").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        select(&page.html(), "form.add-form").is_empty(),
        "no forms for a reader"
    );

    // Signed in, an analyst adds Kim Jong Un as a person of North Korea, and KCNA as another
    // name of North Korea; refusals say what clashes.
    let token = app.add_analyst("alice").await;
    let signed_in = app
        .send("GET", "/actors/unknown", Some(&token), None, &[])
        .await;
    assert!(!select(&signed_in.html(), "form.add-form").is_empty());
    let added = app
        .post_form(
            "/actors/unknown",
            &token,
            &[
                ("text", "Kim Jong Un"),
                ("as", "actor"),
                ("kind", "person"),
                ("id", "kim-jong-un"),
                ("affiliation", "PRK"),
                ("role", "Supreme Leader"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let flash = text(&select(&added.html(), ".flash")[0]);
    assert!(
        flash.contains("Kim Jong Un is a new actor (kim-jong-un)"),
        "{flash}"
    );
    assert!(flash.contains("1 document matched again"), "{flash}");
    let clash = app
        .post_form(
            "/actors/unknown",
            &token,
            &[("text", "Seoul"), ("as", "alias"), ("actor", "PRK")],
        )
        .await;
    assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        clash.body.contains("already names South Korea"),
        "{}",
        clash.body
    );
    let bad_id = app
        .send(
            "POST",
            "/api/actors",
            Some(&token),
            Some(&serde_json::json!({"id": "yonhap", "name": "Yonhap", "kind": "organisation"})),
            &[],
        )
        .await;
    assert_eq!(bad_id.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_id.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("upper-case acronym")
    );
    let no_affiliation = app
        .send(
            "POST",
            "/api/actors",
            Some(&token),
            Some(&serde_json::json!({"id": "sergey-lavrov", "name": "Sergey Lavrov", "kind": "person", "affiliation": "RUSSIA"})),
            &[],
        )
        .await;
    assert_eq!(no_affiliation.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.send(
            "POST",
            "/api/actors/ATLANTIS/aliases",
            Some(&token),
            Some(&serde_json::json!({"alias": "KCNA"})),
            &[]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.send(
            "POST",
            "/api/actors/PRK/aliases",
            None,
            Some(&serde_json::json!({"alias": "KCNA"})),
            &[]
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    let alias = app
        .send(
            "POST",
            "/api/actors/PRK/aliases",
            Some(&token),
            Some(&serde_json::json!({"alias": "KCNA"})),
            &[],
        )
        .await;
    assert_eq!(alias.status, StatusCode::CREATED, "{}", alias.body);

    // Every document is matched again: the names are highlighted, and gone from the report.
    let doc = app.get("/documents/unseen-visit").await.html();
    let kim: Vec<String> = select(&doc, ".text mark.actor[data-actor=\"kim-jong-un\"]")
        .iter()
        .map(text)
        .collect();
    assert_eq!(kim, ["Kim Jong Un", "Kim Jong Un"]);
    assert_eq!(
        select(&doc, ".text mark.actor[data-actor=\"PRK\"]").len(),
        2,
        "KCNA twice"
    );
    let after = app.get("/api/actors/unknown").await.json();
    let left: Vec<&str> = after["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert!(
        !left.contains(&"Kim Jong Un") && !left.contains(&"KCNA"),
        "{left:?}"
    );
    assert!(left.contains(&"Sergey Lavrov"));
    assert_eq!(
        app.get("/api/actors/kim-jong-un").await.json()["affiliation"],
        "PRK"
    );

    // On SQLite the file is edited in place, its comments kept; on PostgreSQL instances
    // share the database, so the additions live there and the file is untouched.
    let file = std::fs::read_to_string(app.corpus().join("actors.toml")).unwrap();
    if app.store.backend_name() == "sqlite" {
        assert!(file.starts_with(without_kim.lines().next().unwrap()));
        assert!(file.contains("# --- States"), "comments kept");
        assert!(file.contains("id = \"kim-jong-un\""));
        assert!(file.contains("\"KCNA\""));
    } else {
        assert_eq!(file, without_kim);
        assert_eq!(app.store.gazetteer_additions().await.unwrap().len(), 2);
    }
    // A later import keeps the additions.
    app.import().await;
    assert_eq!(
        app.get("/api/actors/kim-jong-un").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_refused_name_keeps_the_form_and_says_what_to_fix() {
    let app = TestApp::with_files(&[("unseen-visit.txt", UNSEEN)]).await;
    let token = app.add_analyst("alice").await;

    // The form comes back as typed, open beside its name, with the reason and the focus there.
    let refused = app
        .post_form(
            "/actors/unknown",
            &token,
            &[
                ("text", "Panmunjom"),
                ("as", "actor"),
                ("kind", "state"),
                ("id", "PAN"),
                ("affiliation", "Mordor"),
                ("role", "<b>village</b>"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.html();
    let open: Vec<_> = select(&html, "details.add-name[open]");
    assert_eq!(open.len(), 1);
    assert!(
        text(&open[0]).contains("“Mordor” is not an actor id"),
        "{}",
        text(&open[0])
    );
    let field = |css: &str| {
        select(&html, css)
            .iter()
            .map(|e| e.value().attr("value").unwrap_or_default().to_owned())
            .find(|v| !v.is_empty())
            .unwrap_or_default()
    };
    assert_eq!(field("details[open] input[name=affiliation]"), "Mordor");
    assert_eq!(field("details[open] input[name=role]"), "<b>village</b>");
    assert_eq!(field("details[open] input[name=id]"), "PAN");
    assert_eq!(
        select(&html, "details[open] select[name=kind] option[selected]")
            .iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["state"]
    );
    assert_eq!(select(&html, "details[open] select[autofocus]").len(), 1);
    assert!(!refused.body.contains("<b>village</b>"), "escaped");

    // A form without its fields gets the page with a message, not a bare text answer.
    let unreadable = app
        .post_form("/actors/unknown", &token, &[("text", "Panmunjom")])
        .await;
    assert_eq!(unreadable.status, StatusCode::BAD_REQUEST);
    assert!(unreadable.header("content-type").starts_with("text/html"));

    // A long value is quoted short, and the page keeps its width.
    let long = "Z".repeat(5_000);
    let message = |page: &crate::helpers::Page| {
        page.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let too_long = app
        .send(
            "POST",
            "/api/actors/PRK/aliases",
            Some(&token),
            Some(&serde_json::json!({ "alias": long })),
            &[],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&too_long).len() < 300, "{}", message(&too_long));
    assert!(message(&too_long).contains("5000 characters"));

    for (body, fault) in [
        (serde_json::json!({ "alias": "X" }), "fewer than two"),
        (serde_json::json!({ "alias": "The" }), "common word"),
        (
            serde_json::json!({ "alias": "Rodong Sinmun", "wikidata": "Q1" }),
            "unknown field `wikidata`",
        ),
    ] {
        let answer = app
            .send(
                "POST",
                "/api/actors/PRK/aliases",
                Some(&token),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(message(&answer).contains(fault), "{}", message(&answer));
        assert!(!message(&answer).contains("NewAliasJson"));
    }
    let plain = app
        .request(
            axum::http::Request::post("/api/actors/PRK/aliases")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "text/plain")
                .body(axum::body::Body::from("{\"alias\": \"Rodong Sinmun\"}"))
                .unwrap(),
        )
        .await;
    assert_eq!(plain.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Ids are found whatever their case, and the answer names the actor.
    let lower = app
        .send(
            "POST",
            "/api/actors/prk/aliases",
            Some(&token),
            Some(&serde_json::json!({ "alias": "Rodong Sinmun" })),
            &[],
        )
        .await;
    assert_eq!(lower.status, StatusCode::CREATED, "{}", lower.body);
    assert!(message_of(&lower).contains("now names North Korea"));
    let person = app
        .send(
            "POST",
            "/api/actors",
            Some(&token),
            Some(&serde_json::json!({"id": "sergey-lavrov", "name": "Sergey Lavrov", "kind": "person", "affiliation": "rus"})),
            &[],
        )
        .await;
    assert_eq!(person.status, StatusCode::CREATED, "{}", person.body);
    assert_eq!(
        app.get("/api/actors/sergey-lavrov").await.json()["affiliation"],
        "RUS"
    );
    // With Lavrov known, his title is not left behind as a name of its own.
    let names = app.get("/api/actors/unknown").await.json();
    let left: Vec<&str> = names["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert!(!left.iter().any(|n| n.contains("Minister")), "{left:?}");
}

fn message_of(page: &crate::helpers::Page) -> String {
    page.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// `toml` without the `[[actor]]` table whose id is `id`.
fn remove_actor(toml: &str, id: &str) -> String {
    let marker = format!("id = \"{id}\"");
    let tables: Vec<&str> = toml.split("[[actor]]").collect();
    let mut out = tables[0].to_owned();
    for table in &tables[1..] {
        if !table.contains(&marker) {
            out.push_str("[[actor]]");
            out.push_str(table);
        }
    }
    out
}

#[tokio::test]
async fn dossier_pages_run_across_documents_in_order() {
    let app = TestApp::with_seed_and(&[(
        "a-first.txt",
        "Moscow spoke. Then Russia spoke twice, Russia said.\n\nNobody else. The Kremlin closed it.\n",
    )])
    .await;
    let all = app.get("/api/actors/RUS?limit=200").await.json();
    let key = |m: &serde_json::Value| {
        (
            m["document"].as_str().unwrap().to_owned(),
            m["paragraph"].as_u64().unwrap(),
            m["sentence"]["start"].as_u64().unwrap(),
        )
    };
    let mut sentences: Vec<(String, u64, u64)> = Vec::new();
    for m in all["mentions"].as_array().unwrap() {
        if sentences.last() != Some(&key(m)) {
            sentences.push(key(m));
        }
    }
    assert_eq!(all["sentences_total"], sentences.len() as i64);
    assert_eq!(sentences[0].0, "a-first", "documents in slug order");
    assert_eq!(
        sentences.iter().filter(|s| s.0 == "a-first").count(),
        3,
        "two mentions in one sentence are one sentence"
    );
    for (offset, limit) in [(0, 2), (2, 3), (3, 25), (40, 25)] {
        let page = app
            .get(&format!("/api/actors/RUS?limit={limit}&offset={offset}"))
            .await
            .json();
        let mut got: Vec<(String, u64, u64)> = Vec::new();
        for m in page["mentions"].as_array().unwrap() {
            if got.last() != Some(&key(m)) {
                got.push(key(m));
            }
        }
        let end = (offset + limit).min(sentences.len());
        let expected = sentences
            .get(offset.min(sentences.len())..end)
            .unwrap_or(&[]);
        assert_eq!(got, expected, "offset {offset}, limit {limit}");
    }
}
