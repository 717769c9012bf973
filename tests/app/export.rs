//! The annotated export: one self-contained file, and notes that round-trip through it.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use glossa::interchange::import_notes_file;
use glossa::store::Table;
use serde_json::{Value, json};

use crate::helpers::{BASE_URL, SEED, TestApp, select, text};

const CONTAINER: &str = "/api/documents/russia-north-korea-chinese-views/annotations/";

/// A dozen notes from two analysts, of every visibility, some overlapping, one over a marker.
pub async fn annotated_seed() -> (TestApp, String, String) {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    let notes = [
        (
            &alice,
            "Pyongyang and Moscow",
            "Capitals as **metonyms**.",
            "public",
            "commenting",
            vec!["metonymy"],
        ),
        (
            &alice,
            "Moscow have rapidly expanded",
            "Overlaps the first note.",
            "public",
            "highlighting",
            vec![],
        ),
        (
            &alice,
            "against the other. Commentators",
            "Across footnote 1.",
            "team",
            "questioning",
            vec!["treaty", "article-4"],
        ),
        (
            &bob,
            "irked Beijing",
            "Source for *irked*?",
            "team",
            "questioning",
            vec!["sourcing"],
        ),
        (
            &bob,
            "sovereign right of the two countries",
            "Standard MFA line.",
            "public",
            "assessing",
            vec!["mfa"],
        ),
        (
            &alice,
            "unprecedented sanctions from the West",
            "Private reminder.",
            "private",
            "commenting",
            vec![],
        ),
        (
            &bob,
            "stalled talks between Pyongyang and Washington",
            "Since 2019.",
            "team",
            "commenting",
            vec!["talks"],
        ),
        (
            &alice,
            "develop an “all-round partnership”",
            "Quote marks in the source.",
            "public",
            "commenting",
            vec![],
        ),
        (
            &bob,
            "Sino-Russian cooperation",
            "Key phrase.",
            "public",
            "tagging",
            vec!["sino-russian"],
        ),
        (
            &alice,
            "Asian NATO",
            "A recurring trope.",
            "team",
            "commenting",
            vec!["nato"],
        ),
        (
            &bob,
            "President Vladimir Putin",
            "Sept 2024 address.",
            "private",
            "commenting",
            vec![],
        ),
        (
            &alice,
            "pivotal position to shape regional dynamics",
            "Conclusion.",
            "public",
            "assessing",
            vec!["conclusion"],
        ),
    ];
    let source = format!("{BASE_URL}/documents/{SEED}");
    for (token, quote, body, visibility, motivation, tags) in notes {
        let mut bodies =
            vec![json!({"type": "TextualBody", "value": body, "format": "text/markdown"})];
        bodies.extend(
            tags.iter()
                .map(|t| json!({"type": "TextualBody", "value": t, "purpose": "tagging"})),
        );
        let note = json!({"motivation": motivation, "visibility": visibility, "body": bodies,
            "target": {"source": source, "selector": {"type": "TextQuoteSelector", "exact": quote}}});
        let page = app
            .send("POST", CONTAINER, Some(token), Some(&note), &[])
            .await;
        assert_eq!(page.status, StatusCode::CREATED, "{quote}: {}", page.body);
    }
    (app, alice, bob)
}

fn is_external(url: &str) -> bool {
    !url.starts_with('#')
}

#[tokio::test]
async fn the_export_is_a_self_contained_download() {
    let (app, _, _) = annotated_seed().await;
    let page = app.get(&format!("/documents/{SEED}/export.html")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert_eq!(
        page.header("content-disposition"),
        "attachment; filename=\"russia-north-korea-chinese-views-annotated-public.html\""
    );
    let html = page.html();
    let csp = select(&html, "meta[http-equiv=Content-Security-Policy]");
    assert!(
        csp[0]
            .value()
            .attr("content")
            .unwrap()
            .starts_with("default-src 'none'")
    );
    assert_eq!(select(&html, "style").len(), 1, "CSS is inline");
    let scripts = select(&html, "script");
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].value().attr("type"), Some("application/ld+json"));
    for tag in [
        "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base", "form",
    ] {
        assert!(select(&html, tag).is_empty(), "the export has a <{tag}>");
    }
    for element in select(&html, "[href], [src], [srcset], [action], [data]") {
        for (name, value) in element.value().attrs() {
            if ["src", "srcset", "action", "data"].contains(&name) {
                panic!("{name}={value:?} would load something");
            }
            if name == "href" && is_external(value) {
                let in_text = element
                    .ancestors()
                    .filter_map(scraper::ElementRef::wrap)
                    .any(|a| {
                        a.value()
                            .classes()
                            .any(|c| ["block", "fn-content", "sn-body", "byline"].contains(&c))
                    });
                assert!(in_text, "link to {value} is not a citation inside the text");
            }
        }
    }
    let style = text(&select(&html, "style")[0]);
    assert!(
        !style.contains("url(") && !style.contains("@import"),
        "CSS loads nothing"
    );
}

#[tokio::test]
async fn the_export_holds_text_footnotes_actors_and_numbered_sidenotes() {
    let (app, _, _) = annotated_seed().await;
    let html = app
        .get(&format!("/documents/{SEED}/export.html"))
        .await
        .html();
    let line = text(&select(&html, ".export-line")[0]);
    assert!(
        line.contains("glossa 0.1.0") && line.contains("6 notes") && line.contains("11 actors"),
        "{line}"
    );
    assert_eq!(
        text(&select(&html, "h1")[0]),
        "Russia–North Korea ties: how Chinese commentators read them"
    );
    assert_eq!(select(&html, ".text p.block").len(), 14);
    assert_eq!(select(&html, "sup.fn-ref a").len(), 20);
    assert_eq!(select(&html, ".footnotes li").len(), 20);
    assert!(
        select(&html, "sup.fn-ref a[aria-describedby]").is_empty(),
        "no popovers in the export"
    );
    assert_eq!(select(&html, ".legend:not(.voices) li").len(), 11);
    let voices: Vec<String> = select(&html, ".voices li").iter().map(text).collect();
    assert!(
        voices
            .iter()
            .any(|v| v.contains("Chinese Foreign Ministry")),
        "the export lists the voices: {voices:?}"
    );
    assert_eq!(
        select(&html, ".voice-claim.voice-start").len(),
        voices
            .iter()
            .map(|v| v.rsplit(' ').next().unwrap().parse::<usize>().unwrap())
            .sum::<usize>(),
        "a rule at every sentence the panel counts"
    );
    assert!(select(&html, "mark.actor[data-actor=RUS]").len() > 10);
    let sidenotes = select(&html, "aside.sidenote");
    assert_eq!(
        sidenotes.len(),
        6,
        "a signed-out download holds the public notes only"
    );
    for (i, note) in sidenotes.iter().enumerate() {
        let n = i + 1;
        assert_eq!(note.value().id(), Some(format!("sn-{n}").as_str()));
        let back = select(&html, &format!("#sn-{n} a.sn-number"));
        assert_eq!(
            back[0].value().attr("href"),
            Some(format!("#nr-{n}").as_str())
        );
        let forth = select(&html, &format!("a.note-ref#nr-{n}"));
        assert_eq!(
            forth[0].value().attr("href"),
            Some(format!("#sn-{n}").as_str()),
            "note {n} is linked both ways"
        );
        let shown = text(note);
        assert!(shown.contains("alice") || shown.contains("bob"));
        assert!(shown.contains(&time::OffsetDateTime::now_utc().year().to_string()));
    }
    let first = text(&sidenotes[0]);
    assert!(
        first.contains("commenting")
            && first.contains("metonymy")
            && first.contains("Pyongyang and Moscow"),
        "{first}"
    );
    assert_eq!(
        select(&html, "#sn-1 .sn-body strong").len(),
        1,
        "Markdown bodies are rendered"
    );
    let in_p1 = select(&html, ".para:has(> #p1) > .sidenotes > aside.sidenote");
    assert_eq!(in_p1.len(), 2, "notes sit beside their paragraph");
}

#[tokio::test]
async fn the_export_follows_the_page_visibility_rules() {
    let (app, alice, _) = annotated_seed().await;
    app.open_session(&alice, "s-alice").await;
    let export = |visibility: &'static str| {
        let app = &app;
        async move {
            app.request(
                Request::get(format!("/documents/{SEED}/export.html{visibility}"))
                    .header("cookie", "glossa_session=s-alice")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .html()
        }
    };
    let bodies = |html: &scraper::Html| -> Vec<String> {
        select(html, "aside.sidenote .sn-body")
            .iter()
            .map(text)
            .collect()
    };
    let header = |html: &scraper::Html| text(&select(html, ".export-line")[0]);
    let default = export("").await;
    assert_eq!(
        bodies(&default).len(),
        10,
        "by default: what every analyst may see, public and team notes"
    );
    assert!(
        !bodies(&default)
            .iter()
            .any(|n| n.contains("Private reminder"))
    );
    assert!(
        header(&default).contains("public and team notes, no private notes"),
        "{}",
        header(&default)
    );
    let mine = export("?visibility=mine").await;
    let notes = bodies(&mine);
    assert_eq!(notes.len(), 11, "public + team + alice's private note");
    assert!(notes.iter().any(|n| n.contains("Private reminder")));
    assert!(
        !notes.iter().any(|n| n.contains("Sept 2024 address")),
        "bob's private note stays out"
    );
    assert!(
        header(&mine).contains("and alice's private notes"),
        "{}",
        header(&mine)
    );
    let public = export("?visibility=public").await;
    assert!(
        header(&public).contains("public notes only"),
        "{}",
        header(&public)
    );
    assert!(bodies(&public).len() < 10);
    let bad = app
        .request(
            Request::get(format!(
                "/documents/{SEED}/export.html?visibility=everything"
            ))
            .header("cookie", "glossa_session=s-alice")
            .body(Body::empty())
            .unwrap(),
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn orphaned_notes_get_their_own_section() {
    let (app, alice, _) = annotated_seed().await;
    let seed = std::fs::read_to_string(app.corpus().join(format!("{SEED}.txt"))).unwrap();
    app.write_files(&[(
        &format!("{SEED}.txt"),
        &seed.replace("Asian NATO", "Asian alliance"),
    )]);
    app.import().await;
    let export = app
        .request(
            Request::get(format!("/documents/{SEED}/export.html"))
                .header("authorization", format!("Bearer {alice}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let html = export.html();
    let orphans = select(&html, ".orphans aside.sidenote");
    assert_eq!(orphans.len(), 1);
    assert!(
        text(&orphans[0]).contains("Asian NATO"),
        "the orphan shows the words it was written on"
    );
    assert!(
        select(&html, ".orphans a.sn-number").is_empty(),
        "an orphan has no quote to link to"
    );
}

fn items(collection: &Value) -> Vec<Value> {
    collection["first"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn embedded(html: &str) -> Value {
    serde_json::from_str(glossa::domain::annotation::embedded_collection(html).unwrap()).unwrap()
}

#[tokio::test]
async fn notes_round_trip_through_the_export_into_a_fresh_database() {
    let (app, alice, _) = annotated_seed().await;
    let export = app
        .request(
            Request::get(format!("/documents/{SEED}/export.html?visibility=mine"))
                .header("authorization", format!("Bearer {alice}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .body;
    let original = embedded(&export);
    assert_eq!(items(&original).len(), 11);
    let file = app.dir.path().join("export.html");
    std::fs::write(&file, &export).unwrap();

    let fresh = TestApp::with_seed_and(&[]).await;
    let done = import_notes_file(&fresh.store, &file).await.unwrap();
    assert_eq!(
        (
            done.restored.added,
            done.restored.unchanged,
            done.orphans,
            done.restored.new_analysts
        ),
        (11, 0, 0, 2)
    );
    let again = import_notes_file(&fresh.store, &file).await.unwrap();
    assert_eq!(
        (again.restored.added, again.restored.unchanged),
        (0, 11),
        "importing twice changes nothing"
    );

    let alice_there = fresh.store.analyst_by_name("alice").await.unwrap().unwrap();
    let restored = fresh
        .store
        .list_notes(
            1,
            glossa::store::annotations::NoteFilter::Viewer(alice_there.id),
            0,
            100,
        )
        .await
        .unwrap();
    let iris = glossa::domain::annotation::Iris::new(BASE_URL);
    let restored: Vec<Value> = restored
        .iter()
        .map(|n| serde_json::to_value(glossa::domain::annotation::to_jsonld(n, &iris)).unwrap())
        .collect();
    assert_eq!(
        restored,
        items(&original),
        "ids, selectors, bodies, tags, creators, timestamps and visibility"
    );
}

#[tokio::test]
async fn notes_that_no_longer_match_are_imported_as_orphans() {
    let (app, alice, _) = annotated_seed().await;
    let collection = app
        .send("GET", CONTAINER, Some(&alice), None, &[])
        .await
        .body;
    let file = app.dir.path().join("collection.jsonld");
    std::fs::write(&file, collection).unwrap();
    let fresh = TestApp::with_seed_and(&[]).await;
    let seed = std::fs::read_to_string(fresh.corpus().join(format!("{SEED}.txt"))).unwrap();
    fresh.write_files(&[(
        &format!("{SEED}.txt"),
        &seed.replace("irked Beijing", "annoyed Beijing"),
    )]);
    fresh.import().await;
    let done = import_notes_file(&fresh.store, &file).await.unwrap();
    assert_eq!(
        (done.restored.added, done.orphans),
        (11, 1),
        "nothing is dropped"
    );
    let html = fresh
        .request(
            Request::get(format!("/documents/{SEED}"))
                .header(
                    "authorization",
                    format!("Bearer {}", fresh.add_analyst("carol").await),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .html();
    assert!(text(&select(&html, ".orphans")[0]).contains("irked Beijing"));
}

#[tokio::test]
async fn bad_files_are_refused_whole_with_a_message() {
    let (app, alice, _) = annotated_seed().await;
    let good = app
        .send("GET", CONTAINER, Some(&alice), None, &[])
        .await
        .json();
    let fresh = TestApp::with_files(&[("other.txt", "Other text.\n")]).await;
    let mut broken_item = good.clone();
    broken_item["first"]["items"][3]["visibility"] = json!("secret");
    let mut missing_creator = good.clone();
    missing_creator["first"]["items"][5]
        .as_object_mut()
        .unwrap()
        .remove("creator");
    let cases: Vec<(String, &str)> = vec![
        ("{ not json".into(), "not valid JSON"),
        (
            "<html><body>no data</body></html>".into(),
            "no embedded glossa annotations",
        ),
        (json!({"type": "Something"}).to_string(), "expected a W3C"),
        (good.to_string(), "not in this database"),
        (broken_item.to_string(), "annotation 4: `visibility`"),
        (missing_creator.to_string(), "annotation 6: `creator.name`"),
    ];
    for (i, (content, hint)) in cases.into_iter().enumerate() {
        let file = fresh.dir.path().join(format!("bad-{i}.json"));
        std::fs::write(&file, content).unwrap();
        let err = import_notes_file(&fresh.store, &file).await.unwrap_err();
        assert!(err.contains(hint), "{err:?} should mention {hint:?}");
    }
    let stored = fresh.store.count_rows(Table::Annotations).await.unwrap();
    assert_eq!(stored, 0, "nothing is half-imported");
    let seeded = TestApp::with_seed_and(&[]).await;
    let file = seeded.dir.path().join("broken.json");
    std::fs::write(&file, broken_item.to_string()).unwrap();
    assert!(import_notes_file(&seeded.store, &file).await.is_err());
    let stored = seeded.store.count_rows(Table::Annotations).await.unwrap();
    assert_eq!(stored, 0, "a bad item stops the whole file");
}

#[tokio::test]
async fn unknown_documents_and_hostile_slugs_have_no_export() {
    let app = TestApp::with_seed_and(&[]).await;
    for uri in [
        "/documents/nope/export.html",
        "/documents/..%2F..%2Fetc/export.html",
        "/documents/a%00b/export.html",
    ] {
        assert_eq!(app.get(uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
}
