//! Importing the corpus: detection on unseen documents, re-import, versions, bad files.

use glossa::corpus::import::import_corpus;
use indicatif::ProgressBar;

use crate::helpers::{SEED, TestApp, glossa_command, repo_corpus, run_ok, select, text};

#[tokio::test]
async fn an_unchanged_corpus_imports_as_a_no_op() {
    let app = TestApp::with_seed_and(&[]).await;
    let again = app.import().await;
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 1));
    assert!(again.problems.is_empty());
}

#[tokio::test]
async fn a_changed_document_gets_a_new_version_in_place() {
    let app = TestApp::with_files(&[("memo.txt", "Moscow said so.1\nBeijing agreed.2\n")]).await;
    let before = app.store.load_document("memo").await.unwrap().unwrap();
    app.write_files(&[(
        "memo.txt",
        "Moscow said so.1\nA new paragraph.\nBeijing agreed.2\n",
    )]);
    let report = app.import().await;
    assert_eq!((report.added, report.updated), (0, 1));
    let after = app.store.load_document("memo").await.unwrap().unwrap();
    assert_eq!(after.id, before.id, "the document keeps its row");
    assert_eq!(after.version, 2);
    assert_eq!(after.analysed.parsed.blocks.len(), 3);
    let versions = app
        .store
        .count_rows(glossa::store::Table::DocumentVersions)
        .await
        .unwrap();
    assert_eq!(versions, 2, "the old text is kept");
}

#[tokio::test]
async fn a_gazetteer_change_rematches_without_a_new_version() {
    let app = TestApp::with_files(&[("memo.txt", "Ankara and Moscow.\n")]).await;
    let gazetteer = std::fs::read_to_string(app.corpus().join("actors.toml")).unwrap()
        + "\n[[actor]]\nid = \"TUR\"\nname = \"Türkiye\"\nkind = \"state\"\naliases = [\"Ankara\", \"Turkey\"]\n";
    app.write_files(&[("actors.toml", &gazetteer)]);
    let report = app.import().await;
    assert_eq!(report.updated, 1);
    let doc = app.store.load_document("memo").await.unwrap().unwrap();
    assert_eq!(doc.version, 1);
    let ids: Vec<_> = doc.analysed.mentions[0]
        .iter()
        .map(|m| m.actor_id.as_str())
        .collect();
    assert_eq!(ids, vec!["TUR", "RUS"]);
}

#[tokio::test]
async fn bad_files_are_reported_and_the_rest_imported() {
    let app = TestApp::with_files(&[
        ("good.txt", "Fine text.\n"),
        ("Bad Name.txt", "x"),
        ("broken.md", "+++\ntitle = \"never closed\"\n"),
        ("unknown-key.md", "+++\ntitel = \"typo\"\n+++\nBody"),
        ("latin1.txt", ""),
    ])
    .await;
    std::fs::write(app.corpus().join("latin1.txt"), [0x52, 0xe9, 0x73]).unwrap();
    let report = import_corpus(&app.store, &app.corpus(), &ProgressBar::hidden())
        .await
        .unwrap();
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("Bad Name.txt") && p.contains("rename the file"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("broken.md") && p.contains("never closed"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("unknown-key.md") && p.contains("titel"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("latin1.txt") && p.contains("UTF-8"))
    );
    assert!(app.store.load_document("good").await.unwrap().is_some());
}

#[tokio::test]
async fn an_invalid_gazetteer_stops_the_import_with_a_message() {
    let app = TestApp::with_files(&[("memo.txt", "Text.\n")]).await;
    app.write_files(&[(
        "actors.toml",
        "[[actor]]\nid = \"russia\"\nname = \"Russia\"\nkind = \"state\"\n",
    )]);
    let err = import_corpus(&app.store, &app.corpus(), &ProgressBar::hidden())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("ISO 3166-1"), "{err}");
}

#[tokio::test]
async fn unseen_plain_text_with_tricky_numbers_gets_only_real_markers() {
    let source = "\
In 2020, Pyongyang spent $1.5 billion on version 2.0 of its programme.1 Article 5 was cited.
Between 2017–2018 the “2+2” talks stalled.2 Resolution 2397 passed on 22.12.2017.
The West Bank and West Africa are not the West.3 Kim Jong Un met Putin in June 2024.4 Then 1,000 more.
";
    let app = TestApp::with_files(&[("tricky.txt", source)]).await;
    let html = app.get("/documents/tricky").await.html();
    let markers: Vec<String> = select(&html, ".block sup.fn-ref a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(markers, vec!["1", "2", "3", "4"]);
    let p1 = text(&select(&html, "#p1")[0]);
    assert!(
        p1.contains(
            "In 2020, Pyongyang spent $1.5 billion on version 2.0 of its programme.1 Article 5"
        ),
        "{p1}"
    );
    let p2 = text(&select(&html, "#p2")[0]);
    assert!(
        p2.contains("2017–2018") && p2.contains("Resolution 2397 passed on 22.12.2017."),
        "{p2}"
    );
    let west: Vec<String> = select(&html, "#p3 mark[data-actor=WEST]")
        .iter()
        .map(text)
        .collect();
    assert_eq!(west, vec!["the West"]);
    let people: Vec<_> = select(&html, "#p3 mark.actor")
        .iter()
        .map(|m| m.value().attr("data-actor").unwrap().to_owned())
        .collect();
    assert_eq!(people, vec!["WEST", "kim-jong-un", "vladimir-putin"]);
    let seed = app.get(&format!("/documents/{SEED}")).await;
    assert_eq!(
        seed.status,
        axum::http::StatusCode::NOT_FOUND,
        "this corpus has no seed"
    );
}

#[tokio::test]
async fn a_same_size_edit_right_after_an_import_is_still_noticed() {
    let app = TestApp::with_files(&[("memo.txt", "Moscow said so.\nBeijing agreed.\n")]).await;
    app.write_files(&[("memo.txt", "Beijing agreed.\nMoscow said so.\n")]);
    let report = app.import().await;
    assert_eq!(
        report.updated, 1,
        "same size, maybe the same timestamp: the content hash decides"
    );
}

#[test]
fn migrate_brings_a_database_to_the_latest_schema_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("migrate.db");
    let latest = crate::backend::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap();
    for _ in 0..2 {
        let said = run_ok(glossa_command(&db, &repo_corpus()).arg("migrate"));
        let backend = format!("({})", crate::backend::NAME);
        assert!(
            said.contains(&backend) && said.contains(&format!("schema version {latest}")),
            "{said}"
        );
    }
}
