//! Markdown in, numbered blocks and sanitised HTML out.
//!
//! Corpus Markdown becomes [`Block`]s of plain text plus formatting ranges, so that actor
//! mentions, footnote markers and note highlights can all be laid over the same text by
//! [`super::spans`]. Nothing the source writes as HTML reaches a page: raw HTML blocks and
//! inline tags are dropped (their text between the tags is kept), and links survive only with
//! an `http`, `https` or `mailto` target.
//!
//! Footnote definitions, which are whole blocks of Markdown with no offsets to keep, are
//! rendered by pulldown-cmark and then cleaned by ammonia with a small allow-list; so are
//! analysts' note bodies later, through [`render_untrusted`].

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::document::{Block, BlockKind, Footnote, FootnoteRef, Format, FormatStyle};
use super::html::SafeHtml;

/// Blocks, footnotes and an optional level-1 title parsed from a Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownDocument {
    /// Text of a leading `# Title`, which is taken out of the blocks.
    pub title: Option<String>,
    /// Numbered blocks in reading order.
    pub blocks: Vec<Block>,
    /// Footnotes numbered in first-use order.
    pub footnotes: Vec<Footnote>,
    /// Things the author should know about (unused definitions, dropped HTML).
    pub warnings: Vec<String>,
}

/// The one parser configuration every Markdown caller uses.
pub fn parser(markdown: &str) -> Parser<'_> {
    let options = Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS;
    Parser::new_ext(markdown, options)
}

/// A note's Markdown as the words a reader sees, for snippets: markup dropped, link text
/// kept (not the address), blocks and line breaks as single spaces.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for event in parser(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak | Event::Rule => space(&mut out),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::FootnoteDefinition,
            ) => space(&mut out),
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

/// Parses a document body (front matter already removed). With `take_title`, a leading
/// level-1 heading becomes the title instead of a block.
pub fn parse_document(markdown: &str, take_title: bool) -> MarkdownDocument {
    let mut builder = BlockBuilder {
        title_wanted: take_title,
        ..BlockBuilder::default()
    };
    let mut definition: Option<(String, Vec<Event<'_>>)> = None;
    let mut definitions = HashMap::new();
    for event in parser(markdown) {
        if let Some((label, events)) = definition.as_mut() {
            match event {
                Event::End(TagEnd::FootnoteDefinition) => {
                    definitions.insert(std::mem::take(label), std::mem::take(events));
                    definition = None;
                }
                Event::FootnoteReference(inner) => {
                    events.push(Event::Text(format!("[^{inner}]").into()));
                }
                other => events.push(other),
            }
            continue;
        }
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                definition = Some((label.to_string(), Vec::new()));
            }
            other => builder.event(other),
        }
    }
    builder.finish(definitions)
}

/// Renders untrusted Markdown (a footnote, a note body) to HTML that keeps text structure and
/// safe links and nothing else.
pub fn render_untrusted(markdown: &str) -> SafeHtml {
    render_events(parser(markdown))
}

fn render_events<'a>(events: impl Iterator<Item = Event<'a>>) -> SafeHtml {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, links_made_safe(events).into_iter());
    SafeHtml::from_trusted(SANITISER.clean(&html).to_string())
}

/// Links, decided before any HTML exists: a link whose target is not [`is_safe_link`]
/// becomes its plain text (ammonia would leave an `<a>` without `href`, which is not valid
/// HTML and reads as a link that goes nowhere), links written as raw HTML lose their tags
/// for the same reason (links are written in Markdown, where the target is checked), and bare
/// `http(s)` URLs in text become links. Other raw HTML is left to ammonia's allow-list.
fn links_made_safe<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut links: Vec<bool> = Vec::new();
    let mut in_code_block = false;
    let finder = {
        let mut finder = linkify::LinkFinder::new();
        finder.kinds(&[linkify::LinkKind::Url]);
        finder
    };
    // The parser splits text at every possible delimiter (`_`, `*`); URLs are found in whole runs.
    for event in pulldown_cmark::TextMergeStream::new(events) {
        match event {
            Event::Start(Tag::Link { ref dest_url, .. }) => {
                let keep = is_safe_link(dest_url);
                links.push(keep);
                if keep {
                    out.push(event);
                }
            }
            Event::End(TagEnd::Link) => {
                if links.pop().unwrap_or(false) {
                    out.push(event);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                out.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                out.push(event);
            }
            Event::Html(html) => out.push(Event::Html(without_link_tags(&html).into())),
            Event::InlineHtml(html) => out.push(Event::InlineHtml(without_link_tags(&html).into())),
            Event::Text(text) if links.is_empty() && !in_code_block => {
                for span in finder.spans(&text) {
                    let piece: CowStr<'a> = span.as_str().to_owned().into();
                    if span.kind().is_some() && is_safe_link(span.as_str()) {
                        out.push(Event::Start(Tag::Link {
                            link_type: pulldown_cmark::LinkType::Autolink,
                            dest_url: piece.clone(),
                            title: "".into(),
                            id: "".into(),
                        }));
                        out.push(Event::Text(piece));
                        out.push(Event::End(TagEnd::Link));
                    } else {
                        out.push(Event::Text(piece));
                    }
                }
            }
            other => out.push(other),
        }
    }
    out
}

static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(HashSet::from([
            "p",
            "br",
            "em",
            "strong",
            "del",
            "code",
            "pre",
            "a",
            "ul",
            "ol",
            "li",
            "blockquote",
            "sup",
            "sub",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
        ]))
        .clean_content_tags(HashSet::from(["script", "style"]))
        .tag_attributes(HashMap::from([("a", HashSet::from(["href"]))]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("nofollow noopener noreferrer"))
        .strip_comments(true);
    builder
});

/// Raw HTML without its `<a …>` and `</a>` tags (the text between them stays).
fn without_link_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tag = &rest[at + 1..];
        let name = tag.strip_prefix('/').unwrap_or(tag);
        let is_link = name.len() > 1
            && name[..1].eq_ignore_ascii_case("a")
            && name[1..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/');
        match (is_link, tag.find('>')) {
            (true, Some(end)) => rest = &tag[end + 1..],
            _ => {
                out.push('<');
                rest = tag;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a corpus link target may become a link: absolute `http`, `https` or `mailto`.
pub fn is_safe_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    !url.chars().any(char::is_control)
        && ["http://", "https://", "mailto:"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
}

/// Containers that decide what kind of block a paragraph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Quote,
    Item,
}

#[derive(Default)]
struct BlockBuilder {
    blocks: Vec<Block>,
    current: Option<Block>,
    current_len: usize,
    containers: Vec<Container>,
    formats: Vec<(usize, Option<FormatStyle>)>,
    title: Option<String>,
    title_wanted: bool,
    collecting_title: bool,
    in_html_block: bool,
    numbers: HashMap<String, u32>,
    labels: Vec<String>,
    dropped_html: usize,
}

impl BlockBuilder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) if !self.in_html_block => self.push_text(&text),
            Event::Code(code) => {
                let start = self.current_len;
                self.push_text(&code);
                self.add_format(start, FormatStyle::Code);
            }
            Event::SoftBreak => self.push_text(" "),
            Event::HardBreak => self.push_text("\n"),
            Event::TaskListMarker(done) => self.push_text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(label) => self.footnote_reference(label),
            Event::Html(_) | Event::InlineHtml(_) => self.dropped_html += 1,
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.open_block(self.contained_kind()),
            Tag::Heading { level, .. } => {
                if level == HeadingLevel::H1 && self.title_wanted && self.blocks.is_empty() {
                    self.title_wanted = false;
                    self.collecting_title = true;
                }
                self.open_block(BlockKind::Heading((level as u8).max(2)));
            }
            Tag::CodeBlock(_) => self.open_block(BlockKind::Code),
            Tag::BlockQuote(_) => self.containers.push(Container::Quote),
            Tag::Item => self.containers.push(Container::Item),
            Tag::TableHead | Tag::TableRow => self.open_block(BlockKind::Paragraph),
            Tag::HtmlBlock => self.in_html_block = true,
            Tag::Emphasis => self
                .formats
                .push((self.current_len, Some(FormatStyle::Emphasis))),
            Tag::Strong => self
                .formats
                .push((self.current_len, Some(FormatStyle::Strong))),
            Tag::Strikethrough => self
                .formats
                .push((self.current_len, Some(FormatStyle::Strikethrough))),
            Tag::Link { dest_url, .. } => {
                let style =
                    is_safe_link(&dest_url).then(|| FormatStyle::Link(dest_url.to_string()));
                self.formats.push((self.current_len, style));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableHead | TagEnd::TableRow => {
                self.close_block()
            }
            TagEnd::CodeBlock => {
                if let Some(block) = self.current.as_mut() {
                    let trimmed = block.text.trim_end_matches('\n').len();
                    block.text.truncate(trimmed);
                }
                self.close_block();
            }
            TagEnd::TableCell => self.push_text(" | "),
            TagEnd::BlockQuote(_) => {
                self.containers.pop();
            }
            TagEnd::Item => {
                self.close_block();
                self.containers.pop();
            }
            TagEnd::HtmlBlock => self.in_html_block = false,
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                if let Some((start, Some(style))) = self.formats.pop() {
                    self.add_format(start, style);
                }
            }
            _ => {}
        }
    }

    fn contained_kind(&self) -> BlockKind {
        match self.containers.last() {
            Some(Container::Item) => BlockKind::ListItem,
            Some(Container::Quote) => BlockKind::Quote,
            None => BlockKind::Paragraph,
        }
    }

    fn open_block(&mut self, kind: BlockKind) {
        self.close_block();
        let mut block = Block::paragraph(String::new());
        block.kind = kind;
        self.current = Some(block);
        self.current_len = 0;
    }

    fn close_block(&mut self) {
        let Some(mut block) = self.current.take() else {
            return;
        };
        if block.kind == BlockKind::Paragraph && block.text.ends_with(" | ") {
            block.text.truncate(block.text.len() - 3);
        }
        if self.collecting_title {
            self.collecting_title = false;
            self.title = Some(block.text.trim().to_owned());
        } else if !block.text.trim().is_empty() || !block.footnote_refs.is_empty() {
            self.blocks.push(block);
        }
        self.current_len = 0;
    }

    fn block(&mut self) -> &mut Block {
        if self.current.is_none() {
            self.open_block(self.contained_kind());
        }
        self.current
            .get_or_insert_with(|| Block::paragraph(String::new()))
    }

    fn push_text(&mut self, text: &str) {
        self.block().text.push_str(text);
        self.current_len += text.chars().count();
    }

    fn add_format(&mut self, start: usize, style: FormatStyle) {
        let end = self.current_len;
        if start < end {
            self.block().formats.push(Format { start, end, style });
        }
    }

    fn footnote_reference(&mut self, label: CowStr<'_>) {
        let next = self.numbers.len() as u32 + 1;
        let number = *self.numbers.entry(label.to_string()).or_insert_with(|| {
            self.labels.push(label.to_string());
            next
        });
        let offset = self.current_len;
        self.block()
            .footnote_refs
            .push(FootnoteRef { offset, number });
    }

    fn finish(mut self, mut definitions: HashMap<String, Vec<Event<'_>>>) -> MarkdownDocument {
        self.close_block();
        let mut warnings = Vec::new();
        let footnotes = self
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| Footnote {
                number: i as u32 + 1,
                label: label.clone(),
                content: definitions
                    .remove(label)
                    .map(|events| render_events(events.into_iter())),
            })
            .collect();
        let mut unused: Vec<_> = definitions.into_keys().collect();
        unused.sort();
        for label in unused {
            warnings.push(format!("footnote [^{label}] is defined but never cited"));
        }
        if self.dropped_html > 0 {
            warnings.push(format!(
                "{} piece(s) of raw HTML were left out; write Markdown instead",
                self.dropped_html
            ));
        }
        MarkdownDocument {
            title: self.title,
            blocks: self.blocks,
            footnotes,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_text_keeps_the_words_a_reader_sees() {
        assert_eq!(
            super::plain_text(
                "Beijing watches **Moscow**;\nsee the [report](https://x.test/a).\n\n- one\n- `two`"
            ),
            "Beijing watches Moscow; see the report. one two"
        );
    }

    use super::*;

    #[test]
    fn paragraphs_keep_plain_text_and_formatting_ranges() {
        let doc = parse_document(
            "# Title\n\nSome *stressed* and **bold** `code` [link](https://e.org).\n",
            true,
        );
        assert_eq!(doc.title.as_deref(), Some("Title"));
        assert_eq!(doc.blocks.len(), 1);
        let block = &doc.blocks[0];
        assert_eq!(block.text, "Some stressed and bold code link.");
        let styles: Vec<_> = block
            .formats
            .iter()
            .map(|f| (f.start, f.end, f.style.clone()))
            .collect();
        assert_eq!(
            styles,
            vec![
                (5, 13, FormatStyle::Emphasis),
                (18, 22, FormatStyle::Strong),
                (23, 27, FormatStyle::Code),
                (28, 32, FormatStyle::Link("https://e.org".into())),
            ]
        );
    }

    #[test]
    fn footnotes_are_numbered_in_first_use_order_with_sanitised_definitions() {
        let doc = parse_document(
            "B first.[^b] A second.[^a] B again.[^b] Missing.[^none]\n\n[^a]: Alpha <script>x()</script>[bad](javascript:alert(1))\n[^b]: *Beta* [ok](https://e.org)\n[^unused]: Never cited.\n",
            false,
        );
        let refs: Vec<_> = doc.blocks[0]
            .footnote_refs
            .iter()
            .map(|r| (r.offset, r.number))
            .collect();
        assert_eq!(
            doc.blocks[0].text,
            "B first. A second. B again. Missing.[^none]"
        );
        assert_eq!(refs, vec![(8, 1), (18, 2), (27, 1)]);
        assert_eq!(doc.footnotes.len(), 2);
        assert_eq!(doc.footnotes[0].label, "b");
        let a = doc.footnotes[1].content.as_ref().unwrap().as_str();
        assert!(!a.contains("script") && !a.contains("javascript"), "{a}");
        assert!(a.contains("Alpha"), "{a}");
        let b = doc.footnotes[0].content.as_ref().unwrap().as_str();
        assert!(
            b.contains("<em>Beta</em>") && b.contains(r#"rel="nofollow noopener noreferrer""#),
            "{b}"
        );
        assert_eq!(
            doc.warnings,
            vec!["footnote [^unused] is defined but never cited".to_string()]
        );
    }

    #[test]
    fn raw_html_and_unsafe_links_never_become_markup() {
        let doc = parse_document(
            "<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b> [a](javascript:alert(1)) [b](data:text/html,x) [c](JaVaScRiPt:x) <img src=x onerror=alert(1)>\n",
            false,
        );
        assert_eq!(doc.blocks.len(), 1);
        assert_eq!(doc.blocks[0].text, "Text bold a b c ");
        assert!(doc.blocks[0].formats.is_empty());
        assert_eq!(doc.warnings.len(), 1);
    }

    #[test]
    fn lists_quotes_headings_and_code_become_numbered_blocks() {
        let doc = parse_document(
            "Intro\n\n## Part\n\n> Quoted\n\n- one\n- two\n\n```\nlet x;\n```\n",
            false,
        );
        let kinds: Vec<_> = doc
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (BlockKind::Paragraph, "Intro"),
                (BlockKind::Heading(2), "Part"),
                (BlockKind::Quote, "Quoted"),
                (BlockKind::ListItem, "one"),
                (BlockKind::ListItem, "two"),
                (BlockKind::Code, "let x;"),
            ]
        );
    }

    #[test]
    fn untrusted_markdown_is_sanitised() {
        let html = render_untrusted(
            "<img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href=\"https://ok.org\" onclick=\"x\">ok</a> <style>*{}</style>",
        )
        .into_string();
        assert!(
            !html.contains("onerror") && !html.contains("javascript") && !html.contains("onclick"),
            "{html}"
        );
        assert!(!html.contains("<img") && !html.contains("<style"), "{html}");
        assert!(
            !html.contains("<a") && html.contains("ok"),
            "a link written as raw HTML is its text: {html}"
        );
    }

    #[test]
    fn refused_links_become_their_text_and_bare_urls_become_links() {
        let cases = [
            ("[click](javascript:alert(1))", "<p>click</p>\n"),
            ("[x](/local) and [y](data:text/html,z)", "<p>x and y</p>\n"),
            (
                "See https://example.org/a_(b)?q=1.",
                "<p>See <a href=\"https://example.org/a_(b)?q=1\" rel=\"nofollow noopener noreferrer\">https://example.org/a_(b)?q=1</a>.</p>\n",
            ),
            (
                "[named](https://e.org) stays",
                "<p><a href=\"https://e.org\" rel=\"nofollow noopener noreferrer\">named</a> stays</p>\n",
            ),
            (
                "`https://in.code` stays code",
                "<p><code>https://in.code</code> stays code</p>\n",
            ),
            (
                "javascript:alert(1) is text",
                "<p>javascript:alert(1) is text</p>\n",
            ),
        ];
        for (markdown, html) in cases {
            assert_eq!(render_untrusted(markdown).as_str(), html, "{markdown}");
        }
    }

    #[test]
    fn safe_links_are_absolute_web_or_mail() {
        for ok in [
            "https://e.org",
            "http://e.org/x",
            "mailto:a@b.org",
            "HTTPS://E.ORG",
        ] {
            assert!(is_safe_link(ok), "{ok}");
        }
        for bad in [
            "javascript:x",
            "data:text/html,x",
            "//evil.org",
            "/local",
            "#frag",
            "vbscript:x",
            "https://e.org/\n",
        ] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }
}
