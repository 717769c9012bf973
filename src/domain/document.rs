//! The parsed form of a corpus document: what importers produce and the store keeps.
//!
//! Every offset is a code point offset into its block's plain `text` (see [`super::text`]).

use super::html::SafeHtml;

/// Bibliographic metadata from Markdown front matter or a `.txt` sidecar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Display title; documents without one are titled from their slug.
    pub title: Option<String>,
    /// Author as given by the source.
    pub author: Option<String>,
    /// The publication or institution that published it; with the author, it names the
    /// document's source record, which its reliability grade belongs to.
    pub outlet: Option<String>,
    /// The source's Admiralty reliability as the corpus gives it, until an analyst grades it.
    pub reliability: Option<crate::domain::grades::Reliability>,
    /// Publication date, `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Where the text was published (an `http`/`https` URL).
    pub source: Option<String>,
    /// BCP 47 language tag, e.g. `en`.
    pub language: Option<String>,
    /// Free-form tags.
    pub tags: Vec<String>,
}

impl Metadata {
    /// The name of the document's source record: its outlet, or failing one its author.
    pub fn source_name(&self) -> Option<&str> {
        self.outlet.as_deref().or(self.author.as_deref())
    }
}

/// What kind of block a paragraph is; every kind is numbered and annotatable alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// An ordinary paragraph.
    Paragraph,
    /// A section heading, level 2–6 (level 1 is the title).
    Heading(u8),
    /// A paragraph inside a block quote.
    Quote,
    /// One item of a list.
    ListItem,
    /// A code or preformatted block.
    Code,
}

impl BlockKind {
    /// Stable name used in storage and the JSON API.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Paragraph => "paragraph",
            BlockKind::Heading(2) => "heading2",
            BlockKind::Heading(3) => "heading3",
            BlockKind::Heading(4) => "heading4",
            BlockKind::Heading(5) => "heading5",
            BlockKind::Heading(_) => "heading6",
            BlockKind::Quote => "quote",
            BlockKind::ListItem => "item",
            BlockKind::Code => "code",
        }
    }

    /// Inverse of [`BlockKind::as_str`]; unknown names read as paragraphs.
    pub fn parse(name: &str) -> BlockKind {
        match name {
            "heading2" => BlockKind::Heading(2),
            "heading3" => BlockKind::Heading(3),
            "heading4" => BlockKind::Heading(4),
            "heading5" => BlockKind::Heading(5),
            "heading6" => BlockKind::Heading(6),
            "quote" => BlockKind::Quote,
            "item" => BlockKind::ListItem,
            "code" => BlockKind::Code,
            _ => BlockKind::Paragraph,
        }
    }
}

/// Inline formatting carried over from Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatStyle {
    /// `*text*`
    Emphasis,
    /// `**text**`
    Strong,
    /// `~~text~~`
    Strikethrough,
    /// `` `text` ``
    Code,
    /// A link whose target passed the scheme allow-list.
    Link(String),
}

/// A formatted range of a block's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The formatting.
    pub style: FormatStyle,
}

/// A footnote marker: footnote `number` is cited just before code point `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FootnoteRef {
    /// Position of the marker in the block's text.
    pub offset: usize,
    /// Footnote number, 1-based, in first-use order.
    pub number: u32,
}

/// A footnote of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footnote {
    /// 1-based number in first-use order.
    pub number: u32,
    /// The label the source used (`[^label]` in Markdown, the digits in plain text).
    pub label: String,
    /// Sanitised reference text, or `None` when the source gives none.
    pub content: Option<SafeHtml>,
}

/// One numbered block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What kind of block this is.
    pub kind: BlockKind,
    /// Plain text; offsets count code points into it.
    pub text: String,
    /// Inline formatting ranges.
    pub formats: Vec<Format>,
    /// Footnote markers, in text order.
    pub footnote_refs: Vec<FootnoteRef>,
}

impl Block {
    /// A plain paragraph with no formatting or markers.
    pub fn paragraph(text: impl Into<String>) -> Block {
        Block {
            kind: BlockKind::Paragraph,
            text: text.into(),
            formats: Vec::new(),
            footnote_refs: Vec::new(),
        }
    }
}

/// A corpus document after parsing, before actor matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedDocument {
    /// Metadata from front matter or sidecar.
    pub meta: Metadata,
    /// The numbered blocks, in reading order.
    pub blocks: Vec<Block>,
    /// Footnotes in number order.
    pub footnotes: Vec<Footnote>,
    /// Problems worth telling the author about; reported at import, not stored.
    pub warnings: Vec<String>,
}

impl ParsedDocument {
    /// Every block's plain text, in order: what the document text is made of.
    pub fn paragraph_texts(&self) -> Vec<&str> {
        self.blocks.iter().map(|b| b.text.as_str()).collect()
    }
}

/// A parsed document with the actors each block names: what the store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysedDocument {
    /// The parsed document.
    pub parsed: ParsedDocument,
    /// For each block, the actors it names, in text order.
    pub mentions: Vec<Vec<super::actors::Mention>>,
    /// For each block, its sentences as code point ranges; a code block has none.
    pub sentences: Vec<Vec<std::ops::Range<usize>>>,
    /// For each block, the name-like words that no actor's alias covers.
    pub names: Vec<Vec<super::names::NameCandidate>>,
}

impl AnalysedDocument {
    /// Finds the actors named in every block. Text inside code spans and code blocks is
    /// quoted material, not prose, so it names no one.
    pub fn analyse(parsed: ParsedDocument, gazetteer: &super::actors::Gazetteer) -> Self {
        let mentions = parsed
            .blocks
            .iter()
            .map(|block| {
                if block.kind == BlockKind::Code {
                    return Vec::new();
                }
                let mut found = gazetteer.find_mentions(&block.text);
                found.retain(|m| !block.is_code_at(m.start..m.end));
                found
            })
            .collect();
        AnalysedDocument::with_mentions(parsed, mentions)
    }

    /// The analysis of a document whose mentions are already known (as stored): its
    /// sentences and the names no mention covers.
    pub fn with_mentions(
        parsed: ParsedDocument,
        mentions: Vec<Vec<super::actors::Mention>>,
    ) -> Self {
        let sentences: Vec<Vec<std::ops::Range<usize>>> = parsed
            .blocks
            .iter()
            .map(|block| match block.kind {
                BlockKind::Code => Vec::new(),
                _ => super::sentences::split(&block.text),
            })
            .collect();
        let names = parsed
            .blocks
            .iter()
            .zip(&sentences)
            .zip(&mentions)
            .map(|((block, bounds), found)| {
                let mut names = super::names::find_names(&block.text, bounds, found);
                names.retain(|n| !block.is_code_at(n.start..n.end));
                names
            })
            .collect();
        AnalysedDocument {
            parsed,
            mentions,
            sentences,
            names,
        }
    }

    /// How often the document names each actor, in mentions, sentences and forms.
    pub fn tallies(&self) -> Vec<super::cooccurrence::Tally> {
        super::cooccurrence::tallies(&self.mentions, &self.sentences)
    }

    /// Whose view each sentence gives: voices and their claims, by the rules of
    /// [`super::voices`].
    pub fn voices(&self, gazetteer: &super::actors::Gazetteer) -> super::voices::Voices {
        let paragraphs: Vec<super::voices::Paragraph<'_>> = self
            .parsed
            .blocks
            .iter()
            .zip(&self.sentences)
            .zip(&self.mentions)
            .map(|((block, sentences), mentions)| super::voices::Paragraph {
                text: &block.text,
                sentences,
                mentions,
            })
            .collect();
        let mut voices = super::voices::attribute(&paragraphs, gazetteer);
        // Words in code are quoted material: a cue or a source in them reports no one.
        voices.claims.retain(|claim| {
            let block = &self.parsed.blocks[claim.paragraph];
            [&claim.cue, &claim.source]
                .into_iter()
                .flatten()
                .all(|span| !block.is_code_at(span.start..span.end))
        });
        voices
            .voices
            .retain(|v| voices.claims.iter().any(|c| c.voice == v.id));
        voices
    }

    /// The pairs of actors the document names together, by sentence and by paragraph.
    pub fn pairs(&self) -> Vec<super::cooccurrence::Pair> {
        super::cooccurrence::pairs(&self.mentions, &self.sentences)
    }
}

impl Block {
    /// Whether any of `range` is code: the whole block, or a code span.
    fn is_code_at(&self, range: std::ops::Range<usize>) -> bool {
        self.kind == BlockKind::Code
            || self
                .formats
                .iter()
                .any(|f| f.style == FormatStyle::Code && f.start < range.end && range.start < f.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actors::Gazetteer;

    #[test]
    fn words_in_code_report_no_one() {
        let gazetteer = Gazetteer::parse(include_str!("../../corpus/actors.toml")).unwrap();
        let text = "The parser prints `Chinese analysts argue that Russia wins` on start. Chinese analysts argue that the ties are thin.";
        let code_start = text.chars().position(|c| c == '`').unwrap();
        let code_end = code_start + "`Chinese analysts argue that Russia wins`".chars().count();
        let block = Block {
            formats: vec![Format {
                start: code_start,
                end: code_end,
                style: FormatStyle::Code,
            }],
            ..Block::paragraph(text)
        };
        let parsed = ParsedDocument {
            meta: Metadata::default(),
            blocks: vec![block],
            footnotes: Vec::new(),
            warnings: Vec::new(),
        };
        let voices = AnalysedDocument::analyse(parsed, &gazetteer).voices(&gazetteer);
        assert_eq!(voices.claims.len(), 1, "{voices:?}");
        assert!(voices.claims[0].sentence.start > code_end);
        assert_eq!(voices.voices.len(), 1);
    }
}
