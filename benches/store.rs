//! The store and the page renderer under load, each beside a reference in the same run:
//! - laying out the seed with 0, 100 and 2,000 notes vs. with none (the ratio is the cost of
//!   the notes);
//! - creating a note through the store (one durable transaction) vs. a bare durable insert on
//!   the same database file.
//!
//! - importing 500 generated documents into a fresh database (MB/s) vs. reading and hashing
//!   the same files.
//!
//! Run: `cargo bench --bench store`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use glossa::corpus::import::import_corpus;
use glossa::domain::actors::Gazetteer;
use glossa::domain::anchor::{DocumentText, anchor_at};
use glossa::domain::annotation::{Note, NoteContent, Visibility};
use glossa::domain::article::{ArticleOptions, ViewedNote, render_article};
use glossa::domain::document::{AnalysedDocument, Metadata};
use glossa::domain::grades::Grades;
use glossa::domain::markdown::render_untrusted;
use glossa::domain::reanchor::AnchorStatus;
use glossa::store::Store;
use glossa::store::annotations::NewNote;

const SEED: &str = include_str!("../corpus/russia-north-korea-chinese-views.txt");
const GAZETTEER: &str = include_str!("../corpus/actors.toml");

fn notes(doc: &AnalysedDocument, count: usize) -> Vec<ViewedNote> {
    let texts = doc.parsed.paragraph_texts();
    let text = DocumentText::new(&texts);
    (0..count)
        .map(|i| {
            let start = (i * 7919) % (text.len() - 120);
            let anchor = anchor_at(&text, start, start + 5 + (i * 31) % 90);
            ViewedNote {
                own: i % 2 == 0,
                note: Note {
                    id: format!("{i:032x}"),
                    document_slug: "seed".into(),
                    creator: "alice".into(),
                    motivation: "commenting".into(),
                    body: "A *short* note.".into(),
                    body_html: render_untrusted("A *short* note."),
                    tags: vec!["t".into()],
                    grades: Grades::default(),
                    visibility: Visibility::Team,
                    status: AnchorStatus::Exact,
                    original_exact: anchor.exact.clone(),
                    anchor: Some(anchor),
                    created: "2026-01-01T00:00:00Z".into(),
                    modified: "2026-01-01T00:00:00Z".into(),
                    revision: 1,
                    kept: Default::default(),
                    reply_to: None,
                    mentions: Vec::new(),
                    reply_seq: 0,
                },
            }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let gazetteer = Gazetteer::parse(GAZETTEER).expect("bundled gazetteer");
    let doc = AnalysedDocument::analyse(
        glossa::corpus::formats::parse_txt(SEED, Metadata::default()),
        &gazetteer,
    );

    let mut group = c.benchmark_group("page");
    for count in [0, 100, 2_000] {
        let notes = notes(&doc, count);
        group.bench_function(format!("render_article (seed, {count} notes)"), |b| {
            b.iter(|| {
                render_article(
                    black_box(&doc),
                    gazetteer.actors(),
                    black_box(&notes),
                    ArticleOptions::PAGE,
                )
            })
        });
    }
    group.finish();

    let dir = tempfile::tempdir().expect("a temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("corpus dir");
    std::fs::write(corpus.join("actors.toml"), GAZETTEER).expect("gazetteer");
    let mut bytes = 0;
    for (name, text) in glossa::corpus::generate::generate(500, 7) {
        bytes += text.len();
        std::fs::write(corpus.join(name), text).expect("write");
    }
    let mut group = c.benchmark_group("import");
    group
        .sample_size(10)
        .throughput(criterion::Throughput::Bytes(bytes as u64));
    group.bench_function("reference: read and hash the same 500 files", |b| {
        b.iter(|| {
            for entry in std::fs::read_dir(&corpus).expect("dir") {
                let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
                black_box(<sha2::Sha256 as sha2::Digest>::digest(bytes));
            }
        })
    });
    let mut run = 0;
    group.bench_function(
        "import_corpus (500 generated documents, fresh database)",
        |b| {
            b.iter_custom(|iterations| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iterations {
                    run += 1;
                    let db = dir.path().join(format!("import-{run}.db"));
                    let store = runtime.block_on(Store::open(&db)).expect("store");
                    let started = std::time::Instant::now();
                    let report = runtime
                        .block_on(import_corpus(
                            &store,
                            &corpus,
                            &indicatif::ProgressBar::hidden(),
                        ))
                        .expect("import");
                    total += started.elapsed();
                    assert_eq!(report.added, 500, "{report}");
                    runtime.block_on(store.close());
                }
                total
            })
        },
    );
    group.finish();

    let db = dir.path().join("notes.db");
    let store = runtime.block_on(Store::open(&db)).expect("store");
    runtime
        .block_on(import_corpus(
            &store,
            &corpus,
            &indicatif::ProgressBar::hidden(),
        ))
        .expect("import");
    let analyst = runtime
        .block_on(store.create_analyst("bench", "hash"))
        .expect("analyst");
    let document = runtime
        .block_on(store.document_text("generated-00000"))
        .expect("text")
        .expect("doc");
    let anchor = anchor_at(&document.text, 0, 12);
    let content = NoteContent {
        motivation: "commenting".into(),
        body: "A note.".into(),
        tags: vec![],
        grades: Grades::default(),
        visibility: Visibility::Team,
        visibility_stated: true,
        selectors: Some(Default::default()),
        reply_to: None,
        kept: Default::default(),
    };
    runtime
        .block_on(
            sqlx::query("create table raw (id integer primary key, body text)")
                .execute(store.sqlite_pool().expect("SQLite")),
        )
        .expect("table");
    let mut group = c.benchmark_group("notes");
    group.bench_function(
        "reference: one durable insert (same file, same settings)",
        |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let mut tx = store
                        .sqlite_pool()
                        .expect("SQLite")
                        .begin_with("BEGIN IMMEDIATE")
                        .await
                        .expect("tx");
                    sqlx::query("insert into raw (body) values ($1)")
                        .bind("A note.")
                        .execute(&mut *tx)
                        .await
                        .expect("insert");
                    tx.commit().await.expect("commit");
                })
            })
        },
    );
    let mut n = 0u64;
    group.bench_function("insert_note through the store", |b| {
        b.iter(|| {
            n += 1;
            runtime
                .block_on(store.insert_note(NewNote {
                    document: document.clone(),
                    slug: "generated-00000".to_owned(),
                    analyst: analyst.clone(),
                    id: format!("{n:032x}"),
                    content: content.clone(),
                    anchor: Some(anchor.clone()),
                    idempotency: None,
                    token_hash: None,
                }))
                .expect("note")
        })
    });
    group.finish();
}

criterion_group!(store, benches);
criterion_main!(store);
