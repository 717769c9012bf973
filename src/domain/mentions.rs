//! `@name` mentions of analysts in a note's body. They are found in the sanitised HTML, so
//! what counts as a mention is exactly what a reader sees as text: not words inside code,
//! preformatted blocks or links, and not the middle of an e-mail address.

use std::ops::Range;

use super::html::SafeHtml;

/// Most analysts one note may mention; the rest stay plain text.
pub const MAX_MENTIONS: usize = 20;
/// Most distinct `@words` looked up as names in one note: unknown handles quoted in a note
/// do not use up the analysts it may mention, but the lookups stay bounded.
pub const MAX_CANDIDATES: usize = 200;
/// Longest analyst name (a slug).
const MAX_NAME: usize = 80;

/// The analyst names written as `@name` in a note's HTML, lowercased, in order of first
/// appearance, at most [`MAX_CANDIDATES`]. Which of them are analysts (at most
/// [`MAX_MENTIONS`]) is the store's to say.
pub fn mentioned(html: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (_, name) in mention_spans(html) {
        if names.len() == MAX_CANDIDATES {
            break;
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The HTML with every `@name` of `names` made a link to that analyst's notes, under `base`
/// (empty for links within glossa, the public URL for a file read elsewhere).
pub fn link_mentions(html: &SafeHtml, names: &[String], base: &str) -> SafeHtml {
    if names.is_empty() {
        return html.clone();
    }
    let text = html.as_str();
    let mut out = String::with_capacity(text.len() + 64 * names.len());
    let mut at = 0;
    for (range, name) in mention_spans(text) {
        if !names.contains(&name) {
            continue;
        }
        out.push_str(&text[at..range.start]);
        // A name is lowercase letters, digits and hyphens: nothing to escape.
        out.push_str(&format!(
            "<a class=\"mention\" href=\"{base}/notes?q=author%3A{name}\" title=\"Notes by {name}\">{}</a>",
            &text[range.clone()]
        ));
        at = range.end;
    }
    out.push_str(&text[at..]);
    SafeHtml::from_trusted(out)
}

/// The byte ranges of `@name` in the text of `html` (outside tags, links, code and
/// preformatted blocks), each with its name lowercased.
fn mention_spans(html: &str) -> Vec<(Range<usize>, String)> {
    let bytes = html.as_bytes();
    let mut spans = Vec::new();
    let mut skipped_depth = 0usize;
    let mut i = 0;
    let mut previous: u8 = b' ';
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let end = tag_end(bytes, i);
                let tag = &html[i + 1..end.saturating_sub(1).max(i + 1)];
                let (closing, name) = match tag.strip_prefix('/') {
                    Some(rest) => (true, rest),
                    None => (false, tag),
                };
                let name: String = name
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if matches!(name.as_str(), "a" | "code" | "pre") {
                    if closing {
                        skipped_depth = skipped_depth.saturating_sub(1);
                    } else {
                        skipped_depth += 1;
                    }
                }
                previous = b' ';
                i = end;
            }
            b'@' if skipped_depth == 0 && !joins_word(previous) && previous != b'@' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len()
                    && end - start < MAX_NAME
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'-')
                {
                    end += 1;
                }
                while end > start && bytes[end - 1] == b'-' {
                    end -= 1;
                }
                let follows = bytes.get(end).copied().unwrap_or(b' ');
                let whole = !(follows.is_ascii_alphanumeric() || follows == b'_');
                if end > start && bytes[start].is_ascii_alphanumeric() && whole {
                    spans.push((i..end, html[start..end].to_ascii_lowercase()));
                    previous = bytes[end - 1];
                    i = end;
                } else {
                    previous = b'@';
                    i += 1;
                }
            }
            byte => {
                previous = byte;
                i += 1;
            }
        }
    }
    spans
}

/// One past the `>` closing the tag that opens at `start`, quotes respected.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(start + 1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// A byte that makes an `@` after it part of a word (an e-mail address, `a.b@c`).
fn joins_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::markdown::render_untrusted;

    fn names(markdown: &str) -> Vec<String> {
        mentioned(render_untrusted(markdown).as_str())
    }

    #[test]
    fn mentions_are_names_in_text_only() {
        assert_eq!(
            names("@Alice, see this; cc @bob-smith. Thanks @bob-smith!"),
            ["alice", "bob-smith"]
        );
        assert!(names("write to carol@example.org").is_empty());
        assert!(names("`@dave` and\n\n```\n@erin\n```").is_empty());
        assert!(names("[@frank](https://example.org)").is_empty());
        assert!(names("an @ alone, @@x, @_y").is_empty());
        assert_eq!(names("**@gina** and (@hal)"), ["gina", "hal"]);
        assert_eq!(names("@ivan- ends a line"), ["ivan"]);
    }

    #[test]
    fn only_known_names_become_links_and_the_rest_is_unchanged() {
        let html = render_untrusted("Ask @alice and @nobody <b>now</b> & then");
        let linked = link_mentions(&html, &["alice".to_owned()], "");
        assert_eq!(
            linked.as_str(),
            "<p>Ask <a class=\"mention\" href=\"/notes?q=author%3Aalice\" title=\"Notes by alice\">@alice</a> and @nobody now &amp; then</p>\n"
        );
        let absolute = link_mentions(&html, &["alice".to_owned()], "https://g.example");
        assert!(
            absolute
                .as_str()
                .contains("href=\"https://g.example/notes?q=author%3Aalice\"")
        );
    }

    #[test]
    fn the_names_looked_up_are_bounded() {
        let body: String = (0..30).map(|i| format!("@n{i} ")).collect();
        assert_eq!(names(&body).len(), 30);
        let body: String = (0..250).map(|i| format!("@n{i} ")).collect();
        assert_eq!(names(&body).len(), MAX_CANDIDATES);
    }
}
