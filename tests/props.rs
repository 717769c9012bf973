//! Property tests of the pure core: the footnote detector, the actor matcher, the span
//! renderer and the anchor resolver never panic, never invent, and round-trip exactly.
//!
//! `PROPTEST_CASES=20000 cargo test --test props` runs a longer campaign.

use glossa::domain::actors::Gazetteer;
use glossa::domain::anchor::{DocumentText, Quote, Selectors, resolve};
use glossa::domain::document::FormatStyle;
use glossa::domain::footnotes::detect_markers;
use glossa::domain::spans::{Marker, MarkerKind, Span, SpanKind, render};
use proptest::prelude::*;

const GAZETTEER: &str = include_str!("../corpus/actors.toml");

/// Text made of the characters that matter here: digits, punctuation, quotes, dashes,
/// letters, names, combining marks, flags and emoji.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "1",
        "2",
        "3",
        "12",
        "2024",
        "1.5",
        ".",
        ",",
        ";",
        ":",
        "!",
        "?",
        "”",
        "’",
        "\"",
        "'",
        ")",
        " ",
        "\n",
        "–",
        "-",
        "a",
        "Z",
        "é",
        "e\u{301}",
        "Russia",
        "Moscow",
        "the West",
        "West Bank",
        "Sino",
        "US",
        "us",
        "North Korea",
        "🇺🇦",
        "👩‍👩‍👧",
        "😀",
        "<",
        ">",
        "&",
        "\u{202e}",
        "\u{200b}",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|p| p.concat())
}

fn well_nested(html: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(top) if top == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else {
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            stack.push(name);
        }
        rest = &rest[close + 1..];
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("left open: {stack:?}"))
    }
}

fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

proptest! {
    #[test]
    fn footnote_markers_are_never_invented(paragraphs in prop::collection::vec(tricky_text(), 1..5)) {
        let (detected, count) = detect_markers(&paragraphs);
        let mut next = 1;
        for (original, found) in paragraphs.iter().zip(&detected) {
            let mut rebuilt: Vec<char> = found.text.chars().collect();
            for r in found.refs.iter().rev() {
                prop_assert_eq!(r.number, next + found.refs.iter().filter(|x| x.offset < r.offset || (x.offset == r.offset && x.number < r.number)).count() as u32);
                for (k, digit) in r.number.to_string().chars().enumerate() {
                    rebuilt.insert(r.offset + k, digit);
                }
            }
            prop_assert_eq!(rebuilt.into_iter().collect::<String>(), original.clone(), "removing markers only removes their digits");
            next += found.refs.len() as u32;
        }
        prop_assert_eq!(next - 1, count);
    }

    #[test]
    fn mentions_are_slices_of_the_text_in_order(text in tricky_text()) {
        let gazetteer = Gazetteer::parse(GAZETTEER).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let mut last_end = 0;
        for m in gazetteer.find_mentions(&text) {
            prop_assert!(m.start < m.end && m.end <= chars.len() && m.start >= last_end);
            prop_assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.matched.clone());
            prop_assert!(gazetteer.get(&m.actor_id).is_some());
            last_end = m.end;
        }
    }

    #[test]
    fn rendered_spans_are_well_formed_and_keep_the_text(
        text in tricky_text(),
        ranges in prop::collection::vec((0usize..70, 0usize..70, 0u8..4), 0..12),
        markers in prop::collection::vec(0usize..70, 0..4),
    ) {
        let len = text.chars().count();
        let spans: Vec<Span> = ranges.iter().map(|&(a, b, kind)| Span {
            start: a.min(b),
            end: a.max(b),
            kind: match kind {
                0 => SpanKind::Note { id: "n".into() },
                1 => SpanKind::Actor { actor_id: "RUS".into(), tone: 1, label: "<Russia>".into(), name: Some("<Russia>".into()) },
                2 => SpanKind::Format(FormatStyle::Link("https://e.org/?a=<b>".into())),
                _ => SpanKind::Format(FormatStyle::Emphasis),
            },
        }).collect();
        let markers: Vec<Marker> = markers.iter().enumerate().map(|(i, &at)| Marker {
            at: at.min(len),
            number: i as u32 + 1,
            kind: MarkerKind::Footnote { occurrence: 1, tip: false },
        }).collect();
        let html = render(&text, &spans, &markers).into_string();
        prop_assert!(well_nested(&html).is_ok(), "{:?}: {}", well_nested(&html), html);
        prop_assert!(!html.contains("<a href=\"https://e.org/?a=<b>"), "attributes are escaped");
        let expected_digits: usize = markers.iter().map(|m| m.number.to_string().len()).sum();
        prop_assert_eq!(text_of(&html).chars().count(), len + expected_digits, "text is kept, markers add their digits");
    }

    #[test]
    fn anchors_round_trip_exactly(paragraphs in prop::collection::vec(tricky_text(), 1..4), a in 0usize..200, b in 0usize..200) {
        let text = DocumentText::new(&paragraphs);
        let (start, end) = (a.min(b).min(text.len()), a.max(b).min(text.len()));
        match resolve(&text, &Selectors { position: Some((start, end)), quote: None }) {
            Ok(anchor) => {
                prop_assert_eq!(text.slice(start, end), anchor.exact.as_str());
                let by_quote = resolve(&text, &Selectors {
                    quote: Some(Quote { exact: anchor.exact.clone(), prefix: Some(anchor.prefix.clone()), suffix: Some(anchor.suffix.clone()) }),
                    position: Some((start, end)),
                }).unwrap();
                prop_assert_eq!((by_quote.start, by_quote.end), (start, end));
            }
            // Refused only for an empty selection, one that splits a character, or one of white
            // space alone (which quotes nothing a reader can see).
            Err(_) => prop_assert!(start == end || !text.is_boundary(start) || !text.is_boundary(end)
                || text.slice(start, end).trim().is_empty()),
        }
        let _ = resolve(&text, &Selectors { quote: Some(Quote { exact: paragraphs[0].clone(), prefix: None, suffix: None }), position: None });
    }
}
