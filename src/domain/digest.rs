//! Digests of notes for people who will not open the reader: CSV for spreadsheets (RFC 4180,
//! one row per note, cells that a spreadsheet would run as a formula made inert) and Markdown
//! (grouped by document and paragraph, quotes as block quotes, links back).

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::annotation::Note;
use super::annotation::thread::threads;
use super::markdown::plain_text;

/// A note with what the digest says of its place.
#[derive(Debug, Clone, Copy)]
pub struct DigestNote<'a> {
    /// The note.
    pub note: &'a Note,
    /// Its document's title.
    pub title: &'a str,
    /// The paragraph its quote starts in, from 1; none for a note on the whole document or
    /// one whose passage is gone.
    pub paragraph: Option<i64>,
    /// Its address in the reader.
    pub link: &'a str,
    /// Its document's address in the reader.
    pub document_link: &'a str,
    /// For a reply, the address of the note it answers.
    pub in_reply_to: Option<&'a str>,
}

/// The CSV header, in column order.
pub const CSV_COLUMNS: [&str; 15] = [
    "document",
    "paragraph",
    "quote",
    "body",
    "tags",
    "motivation",
    "source_reliability",
    "credibility",
    "author",
    "created",
    "modified",
    "visibility",
    "anchor_status",
    "link",
    "in_reply_to",
];

/// A cell a spreadsheet would read as a formula (`= + - @`, or a tab or carriage return
/// before one) gets a leading apostrophe, so that it shows as the text it is (OWASP's advice
/// against CSV injection).
pub fn inert_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The notes as CSV: a header row, then a row per note; with `bom`, a UTF-8 byte order mark
/// first, which spreadsheet programs need to read UTF-8.
pub fn csv(notes: &[DigestNote<'_>], bom: bool) -> Result<String, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS)?;
    for item in notes {
        let note = item.note;
        let paragraph = item.paragraph.map(|n| n.to_string()).unwrap_or_default();
        let body = plain_text(&note.body);
        let tags = note.tags.join("; ");
        let reliability = note.grades.reliability.map_or("", |r| r.letter());
        let credibility = note
            .grades
            .credibility
            .map(|c| c.number().to_string())
            .unwrap_or_default();
        let cells: [&str; 15] = [
            item.title,
            &paragraph,
            note.quote(),
            &body,
            &tags,
            &note.motivation,
            reliability,
            &credibility,
            &note.creator,
            &note.created,
            &note.modified,
            note.visibility.as_str(),
            if note.anchor.is_some() {
                note.status.as_str()
            } else {
                ""
            },
            item.link,
            item.in_reply_to.unwrap_or_default(),
        ];
        writer.write_record(cells.iter().map(|cell| inert_cell(cell).into_owned()))?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    let text = String::from_utf8(bytes)
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
    Ok(if bom { format!("\u{feff}{text}") } else { text })
}

/// Inline text made literal in Markdown: its inline markup escaped, its line breaks folded,
/// and a start that would open a block (a heading, list, quote or rule) escaped, so that a
/// quote or a title cannot turn into a link, a heading or raw HTML.
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    let lead = out.len() - out.trim_start().len();
    let digits = out[lead..].chars().take_while(char::is_ascii_digit).count();
    let marker = lead + digits;
    let opens_block = match out[marker..].chars().next() {
        Some('.' | ')') => digits > 0,
        Some('#' | '-' | '+' | '>' | '=') => digits == 0,
        _ => false,
    };
    if opens_block {
        out.insert(marker, '\\');
    }
    out
}

/// A note's body as it may stand in a digest: its words and line breaks, every line made
/// literal, so that no note can open a code fence, a heading, an image or a link that runs
/// over the rest of the digest.
fn body_markdown(body: &str) -> String {
    body.lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!("{}  ", literal(line))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where in its document a note sits, for grouping: a paragraph, the whole document, or a
/// passage no longer in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    WholeDocument,
    Paragraph(i64),
    Gone,
}

fn place(item: &DigestNote<'_>) -> Place {
    match (item.paragraph, &item.note.anchor) {
        (Some(n), _) => Place::Paragraph(n),
        (None, None) => Place::WholeDocument,
        (None, Some(_)) => Place::Gone,
    }
}

/// The notes as Markdown under `heading`, with `about` (where and when it was made) below it:
/// a section per document (in title order), a subsection per paragraph (in text order), and
/// each note with its quote as a block quote, who wrote it, how, its grades and a link back.
pub fn markdown(notes: &[DigestNote<'_>], heading: &str, about: &str) -> String {
    let mut documents: BTreeMap<(&str, &str), Vec<&DigestNote<'_>>> = BTreeMap::new();
    for item in notes {
        documents
            .entry((item.title, item.document_link))
            .or_default()
            .push(item);
    }
    let mut out = format!("# {}\n\n{}\n", literal(heading), literal(about));
    if notes.is_empty() {
        out.push_str("\nNo notes.\n");
    }
    for ((title, document_link), mut items) in documents {
        items.sort_by(|a, b| {
            (
                place(a),
                a.note.anchor.as_ref().map(|x| x.start),
                &a.note.created,
            )
                .cmp(&(
                    place(b),
                    b.note.anchor.as_ref().map(|x| x.start),
                    &b.note.created,
                ))
        });
        out.push_str(&format!("\n## [{}](<{document_link}>)\n", literal(title)));
        // Replies follow the note they answer, wherever that note is listed.
        let found = threads(
            &items
                .iter()
                .map(|i| i.note.reply_to.as_deref())
                .collect::<Vec<_>>(),
            &items.iter().map(|i| i.note.id.as_str()).collect::<Vec<_>>(),
            &items
                .iter()
                .map(|i| (i.note.created.as_str(), i.note.reply_seq))
                .collect::<Vec<_>>(),
        );
        let creators: std::collections::HashMap<&str, &str> = items
            .iter()
            .map(|i| (i.note.id.as_str(), i.note.creator.as_str()))
            .collect();
        let mut current = None;
        for thread in found {
            let item = items[thread.root];
            let here = place(item);
            if current != Some(here) {
                current = Some(here);
                out.push_str(&match here {
                    Place::WholeDocument => "\n### The whole document\n".to_owned(),
                    Place::Paragraph(n) => format!("\n### ¶ {n}\n"),
                    Place::Gone => "\n### Passages no longer in the text\n".to_owned(),
                });
            }
            out.push_str(&note_markdown(item, None));
            for (reply, _) in thread.replies {
                let reply = items[reply];
                let answers = reply
                    .note
                    .reply_to
                    .as_deref()
                    .and_then(|p| creators.get(p).copied())
                    .unwrap_or("a deleted note");
                out.push_str(&note_markdown(reply, Some(answers)));
            }
        }
    }
    out
}

/// A note in Markdown; `answers` names whom a reply answers.
fn note_markdown(item: &DigestNote<'_>, answers: Option<&str>) -> String {
    let note = item.note;
    let mut out = String::from("\n");
    if !note.quote().is_empty() {
        out.push_str(&format!("> {}\n\n", literal(note.quote())));
    }
    let author = format!("**{}**", literal(&note.creator));
    let mut line = vec![
        match answers.or(note.reply_to.as_ref().map(|_| "a note not in this digest")) {
            Some(answers) => format!("↳ {author} replying to {}", literal(answers)),
            None => author,
        },
        note.motivation.clone(),
    ];
    if let Some(badge) = note.grades.badge() {
        line.push(format!("**{badge}** ({})", note.grades.words()));
    }
    line.push(note.visibility.as_str().to_owned());
    line.push(note.created.chars().take(10).collect());
    line.push(format!("[open in glossa](<{}>)", item.link));
    out.push_str(&line.join(" · "));
    out.push_str("\n\n");
    if !note.body.trim().is_empty() {
        out.push_str(body_markdown(note.body.trim()).as_str());
        out.push_str("\n\n");
    }
    if !note.tags.is_empty() {
        let tags: Vec<String> = note
            .tags
            .iter()
            .map(|t| format!("`{}`", t.replace('`', "'")))
            .collect();
        out.push_str(&format!("Tags: {}\n", tags.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::anchor::Anchor;
    use crate::domain::annotation::{KeptFields, Visibility};
    use crate::domain::grades::{Credibility, Grades, Reliability};
    use crate::domain::reanchor::AnchorStatus;

    fn note(id: &str, body: &str, quote: Option<&str>) -> Note {
        Note {
            id: id.into(),
            document_slug: "d".into(),
            creator: "alice".into(),
            motivation: "assessing".into(),
            body: body.into(),
            body_html: crate::domain::markdown::render_untrusted(body),
            tags: vec!["=cmd".into(), "sanctions".into()],
            grades: Grades {
                reliability: Reliability::parse("C"),
                credibility: Credibility::from_number(3),
            },
            visibility: Visibility::Team,
            anchor: quote.map(|q| Anchor {
                start: 0,
                end: q.chars().count(),
                exact: q.into(),
                prefix: String::new(),
                suffix: String::new(),
            }),
            status: AnchorStatus::Exact,
            original_exact: quote.unwrap_or_default().into(),
            created: "2026-12-04T10:00:00Z".into(),
            modified: "2026-12-04T10:00:00Z".into(),
            revision: 1,
            kept: KeptFields::default(),
            reply_to: None,
            mentions: Vec::new(),
            reply_seq: 0,
        }
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_inert() {
        for payload in ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(inert_cell(payload).starts_with('\''), "{payload:?}");
        }
        assert_eq!(inert_cell("Moscow"), "Moscow");
        assert_eq!(inert_cell("a=b"), "a=b");
    }

    #[test]
    fn csv_has_its_columns_a_row_per_note_and_quotes_what_needs_it() {
        let hostile = note(
            "a",
            "=HYPERLINK(\"http://x\")\n\nTwo, \"quoted\" lines",
            Some("-10 missiles"),
        );
        let items = [DigestNote {
            note: &hostile,
            title: "Ties, \"new\"",
            paragraph: Some(3),
            link: "http://h/documents/d#note-a",
            document_link: "http://h/documents/d",
            in_reply_to: None,
        }];
        let text = csv(&items, false).unwrap();
        let mut lines = text.split("\r\n");
        assert_eq!(lines.next().unwrap(), CSV_COLUMNS.join(","));
        let row = lines.next().unwrap();
        assert!(
            row.starts_with("\"Ties, \"\"new\"\"\",3,'-10 missiles,"),
            "{row}"
        );
        assert!(
            row.contains("\"'=HYPERLINK(\"\"http://x\"\") Two, \"\"quoted\"\" lines\""),
            "{row}"
        );
        assert!(
            row.contains(",'=cmd; sanctions,assessing,C,3,alice,"),
            "{row}"
        );
        assert!(csv(&items, true).unwrap().starts_with('\u{feff}'));
    }

    #[test]
    fn literal_text_cannot_open_a_block_or_make_markup() {
        assert_eq!(literal("# Title"), "\\# Title");
        assert_eq!(literal("1. Point"), "1\\. Point");
        assert_eq!(literal("- item"), "\\- item");
        assert_eq!(literal("*bold* <b>"), "\\*bold\\* &lt;b>");
        assert_eq!(
            body_markdown("```\nopen fence\n# Heading\n![x](http://e/x.png)"),
            "\\`\\`\\`  \nopen fence  \n\\# Heading  \n!\\[x\\](http://e/x.png)  "
        );
        assert_eq!(
            literal("From http://h on 2026-12-04."),
            "From http://h on 2026-12-04."
        );
    }

    #[test]
    fn markdown_groups_by_document_and_paragraph_and_keeps_quotes_literal() {
        let on_passage = note(
            "a",
            "**Plausible.** <script>x</script>",
            Some("[link](javascript:x) # not a heading"),
        );
        let on_document = note("b", "Overall weak.", None);
        let mut reply = note("c", "I disagree.", None);
        reply.reply_to = Some("a".into());
        reply.created = "2026-12-04T09:00:00Z".into();
        let items = [
            DigestNote {
                note: &reply,
                title: "Ties",
                paragraph: None,
                link: "http://h/documents/d#note-c",
                document_link: "http://h/documents/d",
                in_reply_to: Some("http://h/documents/d#note-a"),
            },
            DigestNote {
                note: &on_passage,
                title: "Ties",
                paragraph: Some(2),
                link: "http://h/documents/d#note-a",
                document_link: "http://h/documents/d",
                in_reply_to: None,
            },
            DigestNote {
                note: &on_document,
                title: "Ties",
                paragraph: None,
                link: "http://h/documents/d#note-b",
                document_link: "http://h/documents/d",
                in_reply_to: None,
            },
        ];
        let md = markdown(&items, "Notes on Ties", "From http://h");
        let whole = md.find("### The whole document").unwrap();
        let paragraph = md.find("### ¶ 2").unwrap();
        assert!(whole < paragraph, "{md}");
        // A reply follows the note it answers, in that note's paragraph.
        let reply_at = md.find("↳ **alice** replying to alice").unwrap();
        assert!(reply_at > md.find("Plausible").unwrap(), "{md}");
        assert!(reply_at > paragraph, "{md}");
        assert_eq!(md.matches("I disagree.").count(), 1, "{md}");
        assert!(md.contains("## [Ties](<http://h/documents/d>)"), "{md}");
        assert!(
            md.contains("> \\[link\\](javascript:x) # not a heading"),
            "{md}"
        );
        assert!(
            md.contains(
                "**C3** (Source reliability C: Fairly reliable; credibility 3: Possibly true)"
            ),
            "{md}"
        );
        assert!(md.contains("\\*\\*Plausible.\\*\\* &lt;script>"), "{md}");
        assert!(
            md.contains("[open in glossa](<http://h/documents/d#note-a>)"),
            "{md}"
        );
        assert!(md.contains("Tags: `=cmd`, `sanctions`"), "{md}");
    }
}
