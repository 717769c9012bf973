//! Turning a block's text plus ranges into correctly nested HTML.
//!
//! Footnote markers, actor mentions, inline formatting and (later) note highlights are all
//! ranges over the same plain text. [`render`] cuts the text at every range boundary, and for
//! each piece opens exactly the ranges that cover it, outermost first. When ranges cross, the
//! inner one is closed and re-opened around the boundary, so the output always nests, and
//! every piece of text is escaped. Markers are zero-width insertions placed inside the ranges
//! that run across them, except links, because a marker is itself a link.

use std::cmp::Reverse;

use super::document::FormatStyle;
use super::html::{SafeHtml, escape_into};

/// What a range means, and therefore which element wraps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanKind {
    /// Inline formatting from the source.
    Format(FormatStyle),
    /// An actor mention.
    Actor {
        /// Gazetteer id, e.g. `RUS`.
        actor_id: String,
        /// Palette slot 1–8, or 0 for the neutral tone.
        tone: u8,
        /// Text label, e.g. "Russia (as “Moscow”)".
        label: String,
        /// The actor's name, when the words used do not already say it ("Russia" for
        /// "Moscow", nothing for "Russia" or "Russian"): what the page writes after the
        /// mention for readers who do not rely on colour.
        name: Option<String>,
    },
    /// The quote of an analyst's note.
    Note {
        /// The note's id.
        id: String,
    },
    /// A word a search found, numbered through the article (a word split by other ranges
    /// keeps its number on every piece).
    SearchHit {
        /// From 1.
        number: usize,
    },
    /// A sentence that gives a voice's view.
    Voice {
        /// The voice's id.
        id: String,
        /// What a screen reader hears before the sentence: "Chinese analysts (unofficial,
        /// China): ".
        said: String,
        /// The hover text: the voice and how it was found.
        title: String,
        /// Whether the voice speaks officially (a solid rule; unofficial voices a dashed one).
        official: bool,
        /// Carried from an earlier sentence rather than named in this one (a lighter rule).
        carried: bool,
        /// The actor's palette slot, or 0.
        tone: u8,
    },
    /// The reporting words of a claim ("argue", "according to").
    VoiceCue,
    /// The words naming who speaks.
    VoiceSource,
}

/// A range of code points `start..end` of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// What the range means.
    pub kind: SpanKind,
}

/// A zero-width marker inserted before code point `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    /// Insertion point.
    pub at: usize,
    /// Footnote or note number.
    pub number: u32,
    /// What it marks.
    pub kind: MarkerKind,
}

/// What a marker points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    /// A footnote citation, linking to `#fn-{number}`.
    Footnote {
        /// Which citation of this footnote it is, from 1; makes the back-link id unique.
        occurrence: u32,
        /// Whether the page has a `#fn-tip-{number}` popover to describe the link.
        tip: bool,
    },
    /// The end of a numbered note's quote, linking to its sidenote `#sn-{number}`.
    Note,
}

impl SpanKind {
    /// Ties between equal ranges: lower layers wrap higher ones.
    fn layer(&self) -> u8 {
        match self {
            SpanKind::Voice { .. } => 0,
            SpanKind::VoiceCue | SpanKind::VoiceSource => 6,
            SpanKind::Format(FormatStyle::Link(_)) => 0,
            SpanKind::Note { .. } => 1,
            SpanKind::Actor { .. } => 2,
            SpanKind::Format(FormatStyle::Code) => 4,
            SpanKind::Format(_) => 3,
            SpanKind::SearchHit { .. } => 5,
        }
    }

    fn is_link(&self) -> bool {
        matches!(self, SpanKind::Format(FormatStyle::Link(_)))
    }

    /// Opens the range's element; `first` is its first piece (a range split by another is
    /// opened again after the split).
    fn open(&self, out: &mut String, first: bool) {
        match self {
            SpanKind::Voice {
                id,
                said,
                title,
                official,
                carried,
                tone,
            } => {
                out.push_str("<span class=\"voice-claim ");
                out.push_str(if *official { "official" } else { "unofficial" });
                if *carried {
                    out.push_str(" carried");
                }
                if first {
                    out.push_str(" voice-start");
                }
                out.push_str(" tone-");
                out.push_str(&tone.to_string());
                out.push_str("\" data-voice=\"");
                escape_into(out, id);
                out.push_str("\" title=\"");
                escape_into(out, title);
                if first {
                    // Generated content, so what a screen reader hears never enters the
                    // text that selections and offsets count.
                    out.push_str("\" data-said=\"");
                    escape_into(out, said);
                }
                out.push_str("\">");
            }
            SpanKind::VoiceCue => out.push_str("<span class=\"voice-cue\">"),
            SpanKind::VoiceSource => out.push_str("<span class=\"voice-source\">"),
            SpanKind::Format(FormatStyle::Emphasis) => out.push_str("<em>"),
            SpanKind::Format(FormatStyle::Strong) => out.push_str("<strong>"),
            SpanKind::Format(FormatStyle::Strikethrough) => out.push_str("<del>"),
            SpanKind::Format(FormatStyle::Code) => out.push_str("<code>"),
            SpanKind::Format(FormatStyle::Link(href)) => {
                out.push_str("<a href=\"");
                escape_into(out, href);
                out.push_str("\" rel=\"nofollow noopener noreferrer\">");
            }
            SpanKind::Actor {
                actor_id,
                tone,
                label,
                name,
            } => {
                out.push_str("<mark class=\"actor tone-");
                out.push_str(&tone.to_string());
                out.push_str("\" data-actor=\"");
                escape_into(out, actor_id);
                out.push_str("\" title=\"");
                escape_into(out, label);
                if let Some(name) = name {
                    out.push_str("\" data-name=\"");
                    escape_into(out, name);
                }
                out.push_str("\">");
            }
            SpanKind::Note { id } => {
                out.push_str("<mark class=\"note-highlight\" data-annotation-id=\"");
                escape_into(out, id);
                out.push_str("\">");
            }
            SpanKind::SearchHit { number } => {
                out.push_str("<mark class=\"search-hit\" data-hit=\"");
                out.push_str(&number.to_string());
                out.push_str("\">");
            }
        }
    }

    fn close(&self, out: &mut String) {
        out.push_str(match self {
            SpanKind::Format(FormatStyle::Emphasis) => "</em>",
            SpanKind::Format(FormatStyle::Strong) => "</strong>",
            SpanKind::Format(FormatStyle::Strikethrough) => "</del>",
            SpanKind::Format(FormatStyle::Code) => "</code>",
            SpanKind::Format(FormatStyle::Link(_)) => "</a>",
            SpanKind::Actor { .. } | SpanKind::Note { .. } | SpanKind::SearchHit { .. } => {
                "</mark>"
            }
            SpanKind::Voice { .. } | SpanKind::VoiceCue | SpanKind::VoiceSource => "</span>",
        });
    }
}

/// Renders `text` with its ranges and markers as nested HTML.
///
/// Ranges that are empty or reach past the text are ignored rather than trusted.
pub fn render(text: &str, spans: &[Span], markers: &[Marker]) -> SafeHtml {
    let byte_at = super::text::cp_byte_index(text);
    let len = byte_at.len() - 1;
    let mut order: Vec<usize> = (0..spans.len())
        .filter(|&i| spans[i].start < spans[i].end && spans[i].end <= len)
        .collect();
    order.sort_by_key(|&i| {
        (
            spans[i].start,
            Reverse(spans[i].end),
            spans[i].kind.layer(),
            i,
        )
    });
    let mut markers: Vec<Marker> = markers.iter().copied().filter(|m| m.at <= len).collect();
    markers.sort_by_key(|m| (m.at, m.number));

    let mut cuts: Vec<usize> = order
        .iter()
        .flat_map(|&i| [spans[i].start, spans[i].end])
        .chain(markers.iter().map(|m| m.at))
        .chain([0, len])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();

    let mut out = String::with_capacity(text.len() * 2);
    let mut open: Vec<usize> = Vec::new();
    let mut opened = vec![false; spans.len()];
    let mut next_marker = 0;
    // The spans covering the current cut, in `order`: a sweep, because looking at every span
    // at every cut made a paragraph of 40,000 mentions take five seconds.
    let mut covering: Vec<usize> = Vec::new();
    let mut next_start = 0;
    for (n, &at) in cuts.iter().enumerate() {
        covering.retain(|&i| at < spans[i].end);
        while let Some(&i) = order.get(next_start).filter(|&&i| spans[i].start <= at) {
            if at < spans[i].end {
                covering.push(i);
            }
            next_start += 1;
        }
        if markers.get(next_marker).is_some_and(|m| m.at == at) {
            let across: Vec<usize> = covering
                .iter()
                .copied()
                .filter(|&i| spans[i].start < at && !spans[i].kind.is_link())
                .collect();
            reopen(&mut out, spans, &mut open, &mut opened, across);
            while let Some(marker) = markers.get(next_marker).filter(|m| m.at == at) {
                write_marker(&mut out, marker);
                next_marker += 1;
            }
        }
        reopen(&mut out, spans, &mut open, &mut opened, covering.clone());
        if let Some(&next) = cuts.get(n + 1) {
            escape_into(&mut out, &text[byte_at[at]..byte_at[next]]);
        }
    }
    reopen(&mut out, spans, &mut open, &mut opened, Vec::new());
    SafeHtml::from_trusted(out)
}

/// Moves from the open stack to `wanted` (both outermost first): closes what no longer
/// matches, innermost first, then opens the rest.
fn reopen(
    out: &mut String,
    spans: &[Span],
    open: &mut Vec<usize>,
    opened: &mut [bool],
    wanted: Vec<usize>,
) {
    let keep = open.iter().zip(&wanted).take_while(|(a, b)| a == b).count();
    for &i in open[keep..].iter().rev() {
        spans[i].kind.close(out);
    }
    for &i in &wanted[keep..] {
        spans[i].kind.open(out, !opened[i]);
        opened[i] = true;
    }
    *open = wanted;
}

fn write_marker(out: &mut String, marker: &Marker) {
    let n = marker.number;
    match marker.kind {
        MarkerKind::Footnote { occurrence, tip } => {
            let described = if tip {
                format!(" aria-describedby=\"fn-tip-{n}\"")
            } else {
                String::new()
            };
            out.push_str(&format!(
                "<sup class=\"fn-ref\" id=\"fr-{n}-{occurrence}\"><a href=\"#fn-{n}\" role=\"doc-noteref\"{described}>{n}</a></sup>"
            ));
        }
        MarkerKind::Note => out.push_str(&format!(
            "<a class=\"note-ref\" id=\"nr-{n}\" href=\"#sn-{n}\">[{n}]</a>"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(start: usize, end: usize, id: &str) -> Span {
        Span {
            start,
            end,
            kind: SpanKind::Actor {
                actor_id: id.into(),
                tone: 1,
                label: id.into(),
                name: None,
            },
        }
    }

    fn fmt(start: usize, end: usize, style: FormatStyle) -> Span {
        Span {
            start,
            end,
            kind: SpanKind::Format(style),
        }
    }

    fn marker(at: usize, number: u32) -> Marker {
        Marker {
            at,
            number,
            kind: MarkerKind::Footnote {
                occurrence: 1,
                tip: true,
            },
        }
    }

    const A: &str = r#"<mark class="actor tone-1" data-actor="A" title="A">"#;
    const B: &str = r#"<mark class="actor tone-1" data-actor="B" title="B">"#;

    fn sup(n: u32) -> String {
        format!(
            r##"<sup class="fn-ref" id="fr-{n}-1"><a href="#fn-{n}" role="doc-noteref" aria-describedby="fn-tip-{n}">{n}</a></sup>"##
        )
    }

    #[test]
    fn span_table() {
        let cases: Vec<(&str, Vec<Span>, Vec<Marker>, String)> = vec![
            ("plain", vec![], vec![], "plain".into()),
            (
                "a<b>&\"'",
                vec![],
                vec![],
                "a&lt;b&gt;&amp;&quot;&#39;".into(),
            ),
            (
                "Moscow said",
                vec![actor(0, 6, "A")],
                vec![],
                format!("{A}Moscow</mark> said"),
            ),
            (
                "disjoint spans",
                vec![actor(9, 14, "B"), actor(0, 8, "A")],
                vec![],
                format!("{A}disjoint</mark> {B}spans</mark>"),
            ),
            (
                "nested inside",
                vec![actor(0, 13, "A"), actor(7, 13, "B")],
                vec![],
                format!("{A}nested {B}inside</mark></mark>"),
            ),
            (
                "crossing ranges",
                vec![actor(0, 10, "A"), actor(5, 15, "B")],
                vec![],
                format!("{A}cross{B}ing r</mark></mark>{B}anges</mark>"),
            ),
            (
                "equal ranges",
                vec![fmt(0, 5, FormatStyle::Emphasis), actor(0, 5, "A")],
                vec![],
                format!("{A}<em>equal</em></mark> ranges"),
            ),
            (
                "other. Next",
                vec![],
                vec![marker(6, 1)],
                format!("other.{} Next", sup(1)),
            ),
            (
                "Russia.",
                vec![actor(0, 6, "A")],
                vec![marker(7, 1)],
                format!("{A}Russia</mark>.{}", sup(1)),
            ),
            (
                "marker inside a mention",
                vec![actor(0, 23, "A")],
                vec![marker(6, 2)],
                format!("{A}marker{} inside a mention</mark>", sup(2)),
            ),
            (
                "linked text here",
                vec![fmt(
                    0,
                    16,
                    FormatStyle::Link("https://e.org/?a=1&b=\"".into()),
                )],
                vec![marker(6, 3)],
                format!(
                    r#"<a href="https://e.org/?a=1&amp;b=&quot;" rel="nofollow noopener noreferrer">linked</a>{}<a href="https://e.org/?a=1&amp;b=&quot;" rel="nofollow noopener noreferrer"> text here</a>"#,
                    sup(3)
                ),
            ),
            (
                "🇺🇦 Kyiv",
                vec![actor(3, 7, "A")],
                vec![],
                format!("🇺🇦 {A}Kyiv</mark>"),
            ),
            (
                "short",
                vec![actor(2, 99, "A"), actor(3, 3, "B")],
                vec![],
                "short".into(),
            ),
        ];
        for (text, spans, markers, expected) in cases {
            assert_eq!(
                render(text, &spans, &markers).as_str(),
                expected,
                "for {text:?}"
            );
        }
    }

    #[test]
    fn three_way_overlap_stays_well_nested() {
        let spans = vec![
            actor(0, 6, "A"),
            fmt(2, 9, FormatStyle::Strong),
            fmt(4, 12, FormatStyle::Emphasis),
        ];
        let html = render("abcdefghijkl", &spans, &[marker(5, 1)]).into_string();
        assert_eq!(
            html,
            format!(
                "{A}ab<strong>cd<em>e{}f</em></strong></mark><strong><em>ghi</em></strong><em>jkl</em>",
                sup(1)
            )
        );
    }
}
