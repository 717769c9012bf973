//! Exporting the seed article with 1,000 notes, beside a reference measured in the same run:
//! serialising the same 1,000 notes as the W3C collection alone (the data without the article).
//!
//! Run: `cargo bench --bench export`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use glossa::corpus::formats::parse_txt;
use glossa::domain::actors::Gazetteer;
use glossa::domain::anchor::{DocumentText, anchor_at};
use glossa::domain::annotation::{Iris, Note, Visibility};
use glossa::domain::document::{AnalysedDocument, Metadata};
use glossa::domain::grades::{CREDIBILITIES, Grades, RELIABILITIES};
use glossa::domain::markdown::render_untrusted;
use glossa::domain::reanchor::AnchorStatus;
use glossa::export::{Judgements, collection, export_html};
use glossa::store::documents::StoredDocument;
use glossa::store::grades::DocumentGrading;

const SEED: &str = include_str!("../corpus/russia-north-korea-chinese-views.txt");
const GAZETTEER: &str = include_str!("../corpus/actors.toml");
const SLUG: &str = "russia-north-korea-chinese-views";

fn seed() -> StoredDocument {
    let gazetteer = Gazetteer::parse(GAZETTEER).expect("bundled gazetteer is valid");
    let mut parsed = parse_txt(SEED, Metadata::default());
    parsed.meta.title = Some("Russia–North Korea ties".into());
    StoredDocument {
        id: 1,
        slug: SLUG.into(),
        title: "Russia–North Korea ties".into(),
        format: "txt".into(),
        version: 1,
        updated_at: "2026-01-01T00:00:00Z".into(),
        analysed: AnalysedDocument::analyse(parsed, &gazetteer),
        actors: gazetteer.actors().to_vec(),
    }
}

/// 1,000 notes spread over the text, of varying length, some overlapping.
pub fn notes(doc: &StoredDocument, count: usize) -> Vec<Note> {
    let texts = doc.analysed.parsed.paragraph_texts();
    let text = DocumentText::new(&texts);
    (0..count)
        .map(|i| {
            let start = (i * 7919) % (text.len() - 120);
            let end = start + 5 + (i * 31) % 90;
            let anchor = anchor_at(&text, start, end);
            Note {
                status: AnchorStatus::Exact,
                original_exact: anchor.exact.clone(),
                id: format!("{i:032x}"),
                document_slug: SLUG.into(),
                creator: if i % 2 == 0 { "alice".into() } else { "bob".into() },
                motivation: ["commenting", "questioning", "assessing"][i % 3].into(),
                body_html: render_untrusted(&format!("Note {i}: *check* the **source** and compare with [the record](https://example.org/{i}).")),
                body: format!("Note {i}: *check* the **source** and compare with [the record](https://example.org/{i})."),
                tags: vec!["sanctions".into(), format!("t{}", i % 10)],
                // Every assessing note graded, as analysts who grade would.
                grades: if i % 3 == 2 {
                    Grades {
                        reliability: RELIABILITIES.get(i % 6).copied(),
                        credibility: CREDIBILITIES.get(i % 6).copied(),
                    }
                } else {
                    Grades::default()
                },
                visibility: Visibility::Team,
                anchor: Some(anchor),
                created: "2026-01-01T00:00:00Z".into(),
                modified: "2026-01-01T00:00:00Z".into(),
                revision: 1,
                kept: Default::default(),
                reply_to: None,
                mentions: Vec::new(),
                reply_seq: 0,
            }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let doc = seed();
    let notes = notes(&doc, 1_000);
    let iris = Iris::new("http://127.0.0.1:8080");
    let now = time::OffsetDateTime::now_utc();
    let gazetteer = Gazetteer::parse(GAZETTEER).expect("bundled gazetteer is valid");
    let voices = doc.analysed.voices(&gazetteer);
    let mut group = c.benchmark_group("export");
    group.sample_size(30);
    group.bench_function("reference: the 1,000 notes as JSON-LD only", |b| {
        b.iter(|| serde_json::to_string(&collection(black_box(&notes), &iris, SLUG)))
    });
    group.bench_function("export_html (seed, 1,000 notes)", |b| {
        b.iter(|| {
            export_html(
                black_box(&doc),
                black_box(&notes),
                &voices,
                Judgements {
                    corrections: &[],
                    grading: &DocumentGrading::default(),
                    histories: None,
                    ghosts: &[],
                },
                &iris,
                now,
                "team",
            )
        })
    });
    group.finish();
}

criterion_group!(export, benches);
criterion_main!(export);
