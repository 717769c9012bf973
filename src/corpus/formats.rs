//! Corpus file formats to [`ParsedDocument`]: `.txt` with bare footnote numbers, and `.md`
//! with TOML front matter and Markdown footnotes.

use crate::domain::document::{Block, Footnote, Metadata, ParsedDocument};
use crate::domain::footnotes::{MarkerCandidate, detect_markers_with, marker_candidates};
use crate::domain::intake::Corrections;
use crate::domain::markdown::parse_document;

use super::metadata::parse_metadata;

/// Plain text: one paragraph per line, blank lines ignored, footnote numbers detected.
///
/// A plain-text source carries no reference texts, so every footnote has `content: None`
/// and the reader says so instead of inventing one.
pub fn parse_txt(text: &str, meta: Metadata) -> ParsedDocument {
    parse_txt_with(text, meta, &Corrections::default()).0
}

/// [`parse_txt`] with an analyst's corrections (paragraphs joined, numbers taken as markers
/// or not), and every number that could have been a marker, taken or not.
pub fn parse_txt_with(
    text: &str,
    meta: Metadata,
    corrections: &Corrections,
) -> (ParsedDocument, Vec<MarkerCandidate>) {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let lines = corrections.join(&lines);
    let (detected, _) = detect_markers_with(&lines, |p, at| corrections.marker(&lines[p], at));
    let candidates = marker_candidates(&lines, &detected);
    let mut numbers: Vec<u32> = detected
        .iter()
        .flat_map(|d| d.refs.iter().map(|r| r.number))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let blocks = detected
        .into_iter()
        .map(|d| Block {
            footnote_refs: d.refs,
            ..Block::paragraph(d.text)
        })
        .collect();
    let footnotes = numbers
        .into_iter()
        .map(|number| Footnote {
            number,
            label: number.to_string(),
            content: None,
        })
        .collect();
    let parsed = ParsedDocument {
        meta,
        blocks,
        footnotes,
        warnings: Vec::new(),
    };
    (parsed, candidates)
}

/// Markdown with optional TOML front matter between `+++` lines.
pub fn parse_md(text: &str) -> Result<ParsedDocument, String> {
    let (front, body) = split_front_matter(text)?;
    let mut meta = match front {
        Some(toml) => parse_metadata(toml).map_err(|e| format!("front matter: {e}"))?,
        None => Metadata::default(),
    };
    let parsed = parse_document(body, meta.title.is_none());
    meta.title = meta.title.or(parsed.title);
    Ok(ParsedDocument {
        meta,
        blocks: parsed.blocks,
        footnotes: parsed.footnotes,
        warnings: parsed.warnings,
    })
}

fn split_front_matter(text: &str) -> Result<(Option<&str>, &str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        return Ok((None, text));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Ok((Some(&rest[..offset]), &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err("front matter opened with +++ is never closed by a +++ line".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txt_paragraphs_are_lines_and_markers_are_footnotes() {
        let doc = parse_txt(
            "First line.1\n\n  \nSecond line.2\r\nNo marker in 2024.",
            Metadata::default(),
        );
        assert_eq!(doc.blocks.len(), 3);
        assert_eq!(doc.blocks[0].text, "First line.");
        assert_eq!(doc.footnotes.len(), 2);
        assert!(doc.footnotes.iter().all(|f| f.content.is_none()));
    }

    #[test]
    fn md_front_matter_gives_metadata() {
        let doc = parse_md("+++\ntitle = \"T\"\nauthor = \"A\"\n+++\n# Ignored heading\n\nBody.[^1]\n\n[^1]: Ref.\n").unwrap();
        assert_eq!(doc.meta.title.as_deref(), Some("T"));
        assert_eq!(doc.blocks[0].text, "Ignored heading");
        assert_eq!(doc.blocks[1].footnote_refs.len(), 1);
    }

    #[test]
    fn md_without_front_matter_takes_its_title_from_the_heading() {
        let doc = parse_md("# Heading title\n\nBody.").unwrap();
        assert_eq!(doc.meta.title.as_deref(), Some("Heading title"));
        assert_eq!(doc.blocks.len(), 1);
    }

    #[test]
    fn broken_front_matter_is_reported() {
        assert!(
            parse_md("+++\ntitle = \"T\"\nBody")
                .unwrap_err()
                .contains("never closed")
        );
        assert!(
            parse_md("+++\ntitle = T\n+++\nBody")
                .unwrap_err()
                .contains("front matter")
        );
    }
}
