//! Reader hot paths, each beside a reference measured in the same run:
//! - footnote detection vs. one plain copy of the same text into a `Vec<char>`;
//! - actor matching vs. a bare Aho–Corasick scan with the same patterns;
//! - laying out the seed article vs. pulldown-cmark rendering the same text as Markdown.
//!
//! Run: `cargo bench --bench reader`.

use std::hint::black_box;

use aho_corasick::{AhoCorasick, MatchKind};
use criterion::{Criterion, criterion_group, criterion_main};
use glossa::corpus::formats::parse_txt;
use glossa::domain::actors::Gazetteer;
use glossa::domain::article::{ArticleOptions, render_article};
use glossa::domain::document::{AnalysedDocument, Metadata};
use glossa::domain::footnotes::detect_markers;

const SEED: &str = include_str!("../corpus/russia-north-korea-chinese-views.txt");
const GAZETTEER: &str = include_str!("../corpus/actors.toml");

fn benches(c: &mut Criterion) {
    let lines: Vec<&str> = SEED.lines().filter(|l| !l.trim().is_empty()).collect();
    let gazetteer = Gazetteer::parse(GAZETTEER).expect("bundled gazetteer is valid");
    let parsed = parse_txt(SEED, Metadata::default());
    let analysed = AnalysedDocument::analyse(parsed.clone(), &gazetteer);
    let aliases: Vec<&str> = gazetteer
        .actors()
        .iter()
        .flat_map(|a| a.aliases.iter().map(|x| x.text.as_str()))
        .collect();
    let bare = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&aliases)
        .expect("patterns compile");

    let mut group = c.benchmark_group("footnotes");
    group.bench_function("reference: copy text to chars", |b| {
        b.iter(|| {
            black_box(&lines)
                .iter()
                .map(|l| l.chars().collect::<Vec<_>>().len())
                .sum::<usize>()
        })
    });
    group.bench_function("detect_markers (seed)", |b| {
        b.iter(|| detect_markers(black_box(&lines)))
    });
    group.finish();

    let mut group = c.benchmark_group("actors");
    group.bench_function("reference: bare aho-corasick scan", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| bare.find_iter(black_box(*l)).count())
                .sum::<usize>()
        })
    });
    group.bench_function("find_mentions (seed)", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| gazetteer.find_mentions(black_box(l)).len())
                .sum::<usize>()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("article");
    group.bench_function("reference: pulldown-cmark push_html of the seed", |b| {
        b.iter(|| {
            let mut html = String::new();
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new(black_box(SEED)),
            );
            html
        })
    });
    group.bench_function("render_article (seed, 0 notes)", |b| {
        b.iter(|| {
            render_article(
                black_box(&analysed),
                gazetteer.actors(),
                &[],
                ArticleOptions::PAGE,
            )
        })
    });
    group.finish();
}

criterion_group!(reader, benches);
criterion_main!(reader);
