//! A stored document laid out for reading: rendered paragraphs, footnotes with back-links,
//! and the actor legend. Pure, so the page, the API and later the export share it.

use std::collections::HashMap;

use super::actors::{Actor, ActorKind};
use super::anchor::{Anchor, DocumentText};
use super::annotation::thread::{Ghost, threads};
use super::annotation::{Note, Visibility};
use super::document::{AnalysedDocument, BlockKind, FootnoteRef};
use super::grades::Grades;
use super::html::SafeHtml;
use super::mentions::link_mentions;
use super::reanchor::AnchorStatus;
use super::spans::{self, Marker, MarkerKind, Span, SpanKind};
use super::voices::{Attribution, Claim, Voice, Voices};

/// A rendered, numbered block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphView {
    /// 1-based number; the element id is `p{number}`.
    pub number: usize,
    /// Block kind, which picks the element.
    pub kind: BlockKind,
    /// Rendered inline HTML.
    pub html: SafeHtml,
    /// Notes whose quote starts in this paragraph, in text order.
    pub notes: Vec<MarginNote>,
}

impl MarginNote {
    /// Whether the text changed under a note that still has a place (moved or fuzzy).
    pub fn text_changed(&self) -> bool {
        matches!(self.status, AnchorStatus::Moved | AnchorStatus::Fuzzy)
    }

    /// Whether only its author may read it.
    pub fn is_private(&self) -> bool {
        self.visibility == Visibility::Private
    }

    /// Whether it is on the whole document rather than a passage.
    pub fn is_page_note(&self) -> bool {
        self.quote.is_empty()
    }

    /// What the note is, for assistive technology: "Note by alice on “Pyongyang and Moscow”",
    /// "Reply by bob to alice". No number: on the page, numbers would change as notes are
    /// added, deleted or hidden.
    pub fn label(&self) -> String {
        match (&self.ghost, &self.answers) {
            (Some(ghost), _) => ghost.words().to_owned(),
            (None, Some(answers)) => format!("Reply by {} to {answers}", self.creator),
            (None, None) => format!("Note by {} {}", self.creator, self.on_what()),
        }
    }

    /// Whether it answers another note.
    pub fn is_reply(&self) -> bool {
        self.answers.is_some()
    }

    /// "2 replies", for a thread's first note; empty without replies.
    pub fn reply_count(&self) -> String {
        match self.replies.iter().filter(|r| r.ghost.is_none()).count() {
            0 => String::new(),
            1 => "1 reply".to_owned(),
            n => format!("{n} replies"),
        }
    }

    /// The replies shown at once; the others wait behind "more replies".
    pub fn first_replies(&self) -> &[MarginNote] {
        &self.replies[..self.replies.len().min(1)]
    }

    /// The replies after the first.
    pub fn later_replies(&self) -> &[MarginNote] {
        self.replies.get(1..).unwrap_or_default()
    }

    /// How far a reply is indented: its depth in the thread, at most 3.
    pub fn indent(&self) -> usize {
        self.depth.min(3)
    }

    /// The label with the note's number, where numbers are fixed and shown (the export's
    /// sidenotes, which are landmarks and need names that differ): "Note 3 by alice on …".
    pub fn numbered_label(&self) -> String {
        format!(
            "Note {} by {} {}",
            self.number,
            self.creator,
            self.on_what()
        )
    }

    fn on_what(&self) -> String {
        if self.is_page_note() {
            return "on the whole document".to_owned();
        }
        let words: Vec<&str> = self.quote.split_whitespace().take(6).collect();
        let more = if self.quote.split_whitespace().count() > 6 {
            "…"
        } else {
            ""
        };
        format!("on “{}{more}”", words.join(" "))
    }
}

/// A note as the margin shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarginNote {
    /// The note's id.
    pub id: String,
    /// Author's name.
    pub creator: String,
    /// Creation date, `YYYY-MM-DD`.
    pub created_date: String,
    /// Full creation time (RFC 3339).
    pub created: String,
    /// Motivation.
    pub motivation: String,
    /// Who may read it.
    pub visibility: Visibility,
    /// Tags.
    pub tags: Vec<String>,
    /// The body, rendered from Markdown and sanitised.
    pub body_html: SafeHtml,
    /// The quoted text.
    pub quote: String,
    /// Whether the viewer wrote it (and so may edit it).
    pub own: bool,
    /// The note's ETag, for conditional edits from the page.
    pub etag: String,
    /// The Markdown source, to edit it.
    pub body: String,
    /// 1-based number in text order (orphans last).
    pub number: usize,
    /// Whether its quote is in the current text (orphans are not).
    pub anchored: bool,
    /// How its anchor stands after the text changed.
    pub status: AnchorStatus,
    /// The author's quote, when the current one differs (a fuzzy match).
    pub original_quote: Option<String>,
    /// Text just before the quote, in the text the note was last anchored to.
    pub context_before: String,
    /// Text just after the quote.
    pub context_after: String,
    /// Last modification (RFC 3339).
    pub modified: String,
    /// The Admiralty grades of an assessing note.
    pub grades: Grades,
    /// Whether it was changed after it was written, so that it has a history to show.
    pub edited: bool,
    /// For a reply, whom it answers: "alice", or "a deleted note".
    pub answers: Option<String>,
    /// For a reply, the id of the note it answers.
    pub parent: Option<String>,
    /// For a reply, its depth in the thread (1: it answers the thread's first note).
    pub depth: usize,
    /// For the first note of a thread, its replies in reading order.
    pub replies: Vec<MarginNote>,
    /// Set when this stands in for a note the reader cannot see.
    pub ghost: Option<GhostKind>,
}

/// What stands in for a note that replies answer but the reader cannot see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GhostKind {
    /// Its author deleted it.
    Deleted,
    /// It is not shared with the reader.
    Unshared,
}

impl GhostKind {
    /// The placeholder's words.
    pub fn words(self) -> &'static str {
        match self {
            GhostKind::Deleted => "Deleted note",
            GhostKind::Unshared => "A note not shared with you",
        }
    }
}

impl MarginNote {
    /// The conventional badge ("C3") of an assessing note's grades.
    pub fn badge(&self) -> Option<String> {
        self.grades.badge()
    }

    /// The tags one per line, for the page's notes filter (a tag never holds a line break).
    pub fn tag_lines(&self) -> String {
        self.tags.join("\n")
    }
}

/// A footnote with the ids of the markers that cite it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FootnoteView {
    /// Footnote number; the element id is `fn-{number}`.
    pub number: u32,
    /// Sanitised reference text, or `None` when the source gives none.
    pub content: Option<SafeHtml>,
    /// Occurrences cited, so back-links point at `fr-{number}-{occurrence}`.
    pub occurrences: Vec<u32>,
}

/// One actor in the legend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegendEntry {
    /// Actor id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind of actor.
    pub kind: ActorKind,
    /// Palette slot, 1–8, or 0 for the neutral tone: the actor's, from the gazetteer.
    pub tone: u8,
    /// Mentions in this document.
    pub mentions: usize,
    /// Short description, e.g. "President, Russia".
    pub description: Option<String>,
}

/// A voice in the page's Voices panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceEntry {
    /// The voice's id.
    pub id: String,
    /// "Chinese analysts".
    pub label: String,
    /// The actor's display name, if the voice belongs to one.
    pub actor: Option<String>,
    /// Whether it speaks officially.
    pub official: bool,
    /// Sentences giving its view.
    pub claims: usize,
    /// Of those, the ones that name it.
    pub explicit: usize,
    /// The actor's palette slot, or 0.
    pub tone: u8,
}

/// A document ready for a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleView {
    /// Blocks in order.
    pub paragraphs: Vec<ParagraphView>,
    /// Footnotes in number order.
    pub footnotes: Vec<FootnoteView>,
    /// Actors named, most-mentioned first.
    pub legend: Vec<LegendEntry>,
    /// Notes whose quote is no longer in the text.
    pub orphans: Vec<MarginNote>,
    /// Notes on the whole document (page notes), oldest first.
    pub page_notes: Vec<MarginNote>,
    /// Whose views the document gives, in order of first claim.
    pub voices: Vec<VoiceEntry>,
}

/// How many of the notes on a document give one pair of grades.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeCount {
    /// The badge, e.g. "C3".
    pub badge: String,
    /// The badge in words.
    pub words: String,
    /// Notes that give it.
    pub count: usize,
}

impl ArticleView {
    /// The grades of the assessed passages among the notes shown, each badge with how many
    /// notes give it: the most reliable sources first, then the most credible claims.
    pub fn assessed(&self) -> Vec<GradeCount> {
        let mut counts: HashMap<Grades, usize> = HashMap::new();
        for note in self.shown_notes().filter(|n| !n.grades.is_empty()) {
            *counts.entry(note.grades).or_default() += 1;
        }
        let mut graded: Vec<(Grades, usize)> = counts.into_iter().collect();
        graded.sort_by_key(|(g, _)| {
            (
                g.reliability.is_none(),
                g.reliability,
                g.credibility.is_none(),
                g.credibility,
            )
        });
        graded
            .into_iter()
            .filter_map(|(grades, count)| {
                Some(GradeCount {
                    badge: grades.badge()?,
                    words: grades.words(),
                    count,
                })
            })
            .collect()
    }
}

impl ArticleView {
    /// The voices under their headings, official ones first; a heading without voices is
    /// left out.
    pub fn voice_groups(&self) -> Vec<(&'static str, Vec<&VoiceEntry>)> {
        [("Official", true), ("Unofficial", false)]
            .into_iter()
            .map(|(heading, official)| {
                (
                    heading,
                    self.voices
                        .iter()
                        .filter(|v| v.official == official)
                        .collect(),
                )
            })
            .filter(|(_, voices): &(&str, Vec<&VoiceEntry>)| !voices.is_empty())
            .collect()
    }

    /// The first note a reader meets: on the document, then beside the text, then orphaned.
    pub fn first_note_id(&self) -> Option<&str> {
        self.page_notes
            .iter()
            .chain(self.paragraphs.iter().flat_map(|p| &p.notes))
            .chain(&self.orphans)
            .map(|n| n.id.as_str())
            .next()
    }

    /// Every note shown, replies after the note they answer, placeholders left out.
    pub fn shown_notes(&self) -> impl Iterator<Item = &MarginNote> {
        self.page_notes
            .iter()
            .chain(self.paragraphs.iter().flat_map(|p| &p.notes))
            .chain(&self.orphans)
            .flat_map(|root| std::iter::once(root).chain(&root.replies))
            .filter(|note| note.ghost.is_none())
    }
}

/// How an article is laid out: for the live page or for the standalone export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArticleOptions {
    /// Footnote markers are described by `#fn-tip-{n}` popovers (the page has them).
    pub footnote_tips: bool,
    /// Notes are numbered, with a `[n]` link after each quote (the export's sidenotes).
    pub number_notes: bool,
}

impl ArticleOptions {
    /// The live reader page.
    pub const PAGE: ArticleOptions = ArticleOptions {
        footnote_tips: true,
        number_notes: false,
    };
    /// The standalone export.
    pub const EXPORT: ArticleOptions = ArticleOptions {
        footnote_tips: false,
        number_notes: true,
    };
}

/// A note and whether the viewer wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewedNote {
    /// The note.
    pub note: Note,
    /// Whether the viewer is its author.
    pub own: bool,
}

fn margin_note(
    viewed: &ViewedNote,
    number: usize,
    anchored: bool,
    base: Option<&str>,
) -> MarginNote {
    let note = &viewed.note;
    let anchor = note.anchor.as_ref();
    MarginNote {
        id: note.id.clone(),
        creator: note.creator.clone(),
        created_date: note.created.chars().take(10).collect(),
        created: note.created.clone(),
        motivation: note.motivation.clone(),
        visibility: note.visibility,
        tags: note.tags.clone(),
        body_html: match base {
            Some(base) => link_mentions(&note.body_html, &note.mentions, base),
            None => note.body_html.clone(),
        },
        quote: note.quote().to_owned(),
        own: viewed.own,
        etag: note.etag(),
        body: note.body.clone(),
        number,
        anchored,
        status: if anchored {
            note.status
        } else if note.status.is_placed() {
            AnchorStatus::Orphan
        } else {
            note.status
        },
        original_quote: anchor
            .filter(|a| a.exact != note.original_exact)
            .map(|_| note.original_exact.clone()),
        context_before: anchor.map(|a| a.prefix.clone()).unwrap_or_default(),
        context_after: anchor.map(|a| a.suffix.clone()).unwrap_or_default(),
        modified: note.modified.clone(),
        grades: note.grades,
        edited: note.revision > 1,
        answers: None,
        parent: None,
        depth: 0,
        replies: Vec::new(),
        ghost: None,
    }
}

/// The placeholder for a note replies answer that the reader cannot see.
fn ghost_note(ghost: &Ghost) -> MarginNote {
    MarginNote {
        id: ghost.id.clone(),
        creator: String::new(),
        created_date: String::new(),
        created: String::new(),
        motivation: String::new(),
        visibility: Visibility::Private,
        tags: Vec::new(),
        body_html: SafeHtml::default(),
        quote: String::new(),
        own: false,
        etag: String::new(),
        body: String::new(),
        number: 0,
        anchored: false,
        status: AnchorStatus::Exact,
        original_quote: None,
        context_before: String::new(),
        context_after: String::new(),
        modified: String::new(),
        grades: Grades::default(),
        edited: false,
        answers: None,
        parent: None,
        depth: 0,
        replies: Vec::new(),
        ghost: Some(if ghost.deleted {
            GhostKind::Deleted
        } else {
            GhostKind::Unshared
        }),
    }
}

/// Lays out `doc` with the `notes` the viewer may read; `actors` must include every actor
/// mentioned, their affiliations and the actors of its voices.
pub fn render_article(
    doc: &AnalysedDocument,
    actors: &[Actor],
    notes: &[ViewedNote],
    options: ArticleOptions,
) -> ArticleView {
    render_article_with(doc, actors, notes, options, Overlays::default())
}

/// What may be laid over a document's text besides its notes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overlays<'a> {
    /// A search's matches: `hits[i]` holds the code point ranges of the matches in paragraph
    /// `i`, numbered from 1 through the whole article.
    pub hits: &'a [Vec<std::ops::Range<usize>>],
    /// Whose view each sentence gives.
    pub voices: Option<&'a Voices>,
    /// The notes that shown replies answer but the reader cannot see.
    pub ghosts: &'a [Ghost],
    /// Where mentions link to (empty: glossa's own pages); `None` leaves them text, as in
    /// the export, whose only links out are its citations.
    pub mention_links: Option<&'a str>,
}

/// [`render_article`] with search matches and voices laid over the text.
pub fn render_article_with(
    doc: &AnalysedDocument,
    actors: &[Actor],
    notes: &[ViewedNote],
    options: ArticleOptions,
    overlays: Overlays<'_>,
) -> ArticleView {
    let hits = overlays.hits;
    let mut next_hit = 0;
    let by_id: HashMap<&str, &Actor> = actors.iter().map(|a| (a.id.as_str(), a)).collect();
    let legend = legend(doc, &by_id);
    let mut occurrences: HashMap<u32, u32> = HashMap::new();
    let mut cited: HashMap<u32, Vec<u32>> = HashMap::new();
    let placed = place_notes(doc, notes, &overlays, options.number_notes);
    let mut margins = placed.margins;
    let paragraphs = doc
        .parsed
        .blocks
        .iter()
        .zip(&doc.mentions)
        .enumerate()
        .map(|(i, (block, mentions))| {
            let mut markers = number_markers(
                &block.footnote_refs,
                &mut occurrences,
                &mut cited,
                options.footnote_tips,
            );
            markers.extend(placed.markers.iter().filter(|m| m.0 == i).map(|m| m.1));
            let mut ranges: Vec<Span> = block
                .formats
                .iter()
                .map(|f| Span {
                    start: f.start,
                    end: f.end,
                    kind: SpanKind::Format(f.style.clone()),
                })
                .collect();
            ranges.extend(mentions.iter().map(|m| Span {
                start: m.start,
                end: m.end,
                kind: SpanKind::Actor {
                    actor_id: m.actor_id.clone(),
                    tone: by_id.get(m.actor_id.as_str()).map_or(0, |a| a.tone),
                    label: mention_label(&m.actor_id, &m.matched, &by_id),
                    name: unsaid_name(&m.actor_id, &m.matched, &by_id),
                },
            }));
            ranges.extend(
                placed
                    .highlights
                    .iter()
                    .filter(|h| h.0 == i)
                    .map(|h| h.1.clone()),
            );
            if let Some(voices) = overlays.voices {
                ranges.extend(voice_ranges(voices, i, &by_id));
            }
            for hit in hits.get(i).into_iter().flatten() {
                next_hit += 1;
                ranges.push(Span {
                    start: hit.start,
                    end: hit.end,
                    kind: SpanKind::SearchHit { number: next_hit },
                });
            }
            ParagraphView {
                number: i + 1,
                kind: block.kind,
                html: spans::render(&block.text, &ranges, &markers),
                notes: std::mem::take(&mut margins[i]),
            }
        })
        .collect();
    let footnotes = doc
        .parsed
        .footnotes
        .iter()
        .map(|f| FootnoteView {
            number: f.number,
            content: f.content.clone(),
            occurrences: cited.remove(&f.number).unwrap_or_default(),
        })
        .collect();
    ArticleView {
        paragraphs,
        footnotes,
        legend,
        orphans: placed.orphans,
        page_notes: placed.page_notes,
        voices: overlays
            .voices
            .map(|v| voice_entries(v, &by_id))
            .unwrap_or_default(),
    }
}

/// How a reader hears and sees a voice: "Chinese analysts (unofficial, China)".
fn voice_description(voice: &Voice, by_id: &HashMap<&str, &Actor>) -> String {
    let standing = if voice.official {
        "official"
    } else {
        "unofficial"
    };
    match voice
        .actor
        .as_deref()
        .map(|id| by_id.get(id).map_or(id, |a| a.name.as_str()))
    {
        Some(actor) if actor != voice.label => format!("{} ({standing}, {actor})", voice.label),
        _ => format!("{} ({standing})", voice.label),
    }
}

/// The sentence, cue and source ranges of paragraph `paragraph`'s claims.
fn voice_ranges(voices: &Voices, paragraph: usize, by_id: &HashMap<&str, &Actor>) -> Vec<Span> {
    let mut ranges = Vec::new();
    for claim in voices.claims.iter().filter(|c| c.paragraph == paragraph) {
        let Some(voice) = voices.voice(&claim.voice) else {
            continue;
        };
        let described = voice_description(voice, by_id);
        let how = match claim.attribution {
            Attribution::Explicit if claim.rule.contains("earlier group") => {
                "named in this sentence, its actor taken from an earlier group"
            }
            Attribution::Explicit => "named in this sentence",
            Attribution::Pronoun => "by a pronoun for a voice named just before",
            Attribution::Agentless => "carried to an unattributed “it is noted” or the like",
            Attribution::Implicit => "carried on from the sentences before",
            Attribution::Analyst => "given by an analyst",
        };
        let how = match &claim.correction {
            Some(c) if claim.attribution == Attribution::Analyst => c.describe(),
            Some(c) => format!("{how}; {}", c.describe()),
            None => how.to_owned(),
        };
        ranges.push(Span {
            start: claim.sentence.start,
            end: claim.sentence.end,
            kind: SpanKind::Voice {
                id: voice.id.clone(),
                said: format!("{described}: "),
                title: format!("{described} — {how}"),
                official: voice.official,
                carried: claim.attribution.is_carried(),
                tone: voice
                    .actor
                    .as_deref()
                    .and_then(|id| by_id.get(id))
                    .map_or(0, |a| a.tone),
            },
        });
        for (span, kind) in [
            (&claim.cue, SpanKind::VoiceCue),
            (&claim.source, SpanKind::VoiceSource),
        ] {
            if let Some(span) = span {
                ranges.push(Span {
                    start: span.start,
                    end: span.end,
                    kind,
                });
            }
        }
    }
    ranges
}

fn voice_entries(voices: &Voices, by_id: &HashMap<&str, &Actor>) -> Vec<VoiceEntry> {
    voices
        .voices
        .iter()
        .map(|voice| {
            let claims: Vec<&Claim> = voices
                .claims
                .iter()
                .filter(|c| c.voice == voice.id)
                .collect();
            let actor = voice.actor.as_deref().and_then(|id| by_id.get(id));
            VoiceEntry {
                id: voice.id.clone(),
                label: voice.label.clone(),
                actor: actor
                    .map(|a| a.name.clone())
                    .or_else(|| voice.actor.clone()),
                official: voice.official,
                explicit: claims
                    .iter()
                    .filter(|c| !c.attribution.is_carried())
                    .count(),
                claims: claims.len(),
                tone: actor.map_or(0, |a| a.tone),
            }
        })
        .collect()
}

/// Notes laid over the text.
struct PlacedNotes {
    /// Highlight spans, with the index of their paragraph.
    highlights: Vec<(usize, Span)>,
    /// `[n]` markers after each quote, with their paragraph (numbered notes only).
    markers: Vec<(usize, Marker)>,
    /// Notes per paragraph: beside the paragraph where the quote starts.
    margins: Vec<Vec<MarginNote>>,
    /// Notes whose quote is no longer where it was.
    orphans: Vec<MarginNote>,
    /// Notes on the whole document.
    page_notes: Vec<MarginNote>,
}

fn place_notes(
    doc: &AnalysedDocument,
    notes: &[ViewedNote],
    overlays: &Overlays<'_>,
    numbered: bool,
) -> PlacedNotes {
    let texts = doc.parsed.paragraph_texts();
    let text = DocumentText::new(&texts);
    let mut placed = PlacedNotes {
        highlights: Vec::new(),
        markers: Vec::new(),
        margins: vec![Vec::new(); texts.len()],
        orphans: Vec::new(),
        page_notes: Vec::new(),
    };
    let base = overlays.mention_links;
    let ghosts = overlays.ghosts;
    let ids: Vec<&str> = notes
        .iter()
        .map(|v| v.note.id.as_str())
        .chain(ghosts.iter().map(|g| g.id.as_str()))
        .collect();
    let parents: Vec<Option<&str>> = notes
        .iter()
        .map(|v| v.note.reply_to.as_deref())
        .chain(ghosts.iter().map(|g| g.reply_to.as_deref()))
        .collect();
    let written: Vec<(&str, i64)> = notes
        .iter()
        .map(|v| (v.note.created.as_str(), v.note.reply_seq))
        .chain(ghosts.iter().map(|_| ("", 0)))
        .collect();
    let creators: HashMap<&str, &str> = notes
        .iter()
        .map(|v| (v.note.id.as_str(), v.note.creator.as_str()))
        .collect();
    // A thread is placed where its first note is; a reply is shown inside its thread.
    let mut in_text = Vec::new();
    let mut orphans = Vec::new();
    let mut on_page = Vec::new();
    for thread in threads(&parents, &ids, &written) {
        let replies: Vec<MarginNote> = thread
            .replies
            .iter()
            .map(|&(i, depth)| {
                let mut reply = match notes.get(i) {
                    Some(viewed) => margin_note(viewed, 0, true, base),
                    None => ghost_note(&ghosts[i - notes.len()]),
                };
                reply.depth = depth;
                reply.parent = parents[i].map(str::to_owned);
                let unshared = |p: &str| ghosts.iter().any(|g| g.id == p && !g.deleted);
                reply.answers = Some(match parents[i] {
                    Some(p) if creators.contains_key(p) => creators[p].to_owned(),
                    Some(p) if unshared(p) => "a note not shared with you".to_owned(),
                    _ => "a deleted note".to_owned(),
                });
                reply
            })
            .collect();
        match notes.get(thread.root) {
            Some(viewed) => match viewed.note.anchor.as_ref() {
                None => on_page.push((viewed.note.created.as_str(), Root::Note(viewed), replies)),
                Some(anchor) => match locate(&text, &viewed.note, anchor) {
                    Some(range) => in_text.push((range, Root::Note(viewed), replies)),
                    None => orphans.push((Root::Note(viewed), replies)),
                },
            },
            None if replies.is_empty() => {}
            None => {
                let ghost = &ghosts[thread.root - notes.len()];
                let range = ghost.anchor.as_ref().and_then(|a| {
                    let fits = a.start < a.end
                        && a.end <= text.len()
                        && text.slice(a.start, a.end) == a.exact;
                    fits.then_some((a.start, a.end))
                });
                match range {
                    Some(range) => in_text.push((range, Root::Ghost(ghost), replies)),
                    None => on_page.push(("", Root::Ghost(ghost), replies)),
                }
            }
        }
    }
    // Notes are numbered in the order they are shown: on the document, in the text, orphaned.
    let mut number = 0;
    let mut next_number = |root: &Root<'_>| match root {
        Root::Note(_) => {
            number += 1;
            number
        }
        Root::Ghost(_) => 0,
    };
    on_page.sort_by(|a, b| a.0.cmp(b.0));
    placed.page_notes = on_page
        .into_iter()
        .map(|(_, root, replies)| {
            let number = next_number(&root);
            root.margin_note(number, true, base, replies)
        })
        .collect();
    in_text.sort_by_key(|((start, end), _, _)| (*start, *end));
    for ((start, end), root, replies) in in_text {
        let number = next_number(&root);
        let pieces = text.paragraph_ranges(start, end);
        if let Root::Note(viewed) = root {
            for &(paragraph, start, end) in &pieces {
                let kind = SpanKind::Note {
                    id: viewed.note.id.clone(),
                };
                placed
                    .highlights
                    .push((paragraph, Span { start, end, kind }));
            }
            if let (true, Some(&(paragraph, _, end))) = (numbered, pieces.last()) {
                placed.markers.push((
                    paragraph,
                    Marker {
                        at: end,
                        number: number as u32,
                        kind: MarkerKind::Note,
                    },
                ));
            }
        }
        placed.margins[text.paragraph_at(start)]
            .push(root.margin_note(number, true, base, replies));
    }
    placed.orphans = orphans
        .into_iter()
        .map(|(root, replies)| {
            let number = next_number(&root);
            root.margin_note(number, false, base, replies)
        })
        .collect();
    placed
}

/// The first note of a thread: one the reader sees, or a placeholder for one they cannot.
enum Root<'a> {
    Note(&'a ViewedNote),
    Ghost(&'a Ghost),
}

impl Root<'_> {
    fn margin_note(
        &self,
        number: usize,
        anchored: bool,
        base: Option<&str>,
        replies: Vec<MarginNote>,
    ) -> MarginNote {
        let mut note = match self {
            Root::Note(viewed) => margin_note(viewed, number, anchored, base),
            Root::Ghost(ghost) => ghost_note(ghost),
        };
        note.replies = replies;
        note
    }
}

/// Where a placed note's quote is in the current text. The import re-anchors notes in the
/// same transaction as the text, so a placed anchor always fits; the check is a guard, and a
/// note that fails it is listed with the orphans rather than highlighting the wrong words.
fn locate(text: &DocumentText, note: &Note, anchor: &Anchor) -> Option<(usize, usize)> {
    let fits = anchor.end <= text.len() && text.slice(anchor.start, anchor.end) == anchor.exact;
    (note.status.is_placed() && fits).then_some((anchor.start, anchor.end))
}

fn number_markers(
    refs: &[FootnoteRef],
    occurrences: &mut HashMap<u32, u32>,
    cited: &mut HashMap<u32, Vec<u32>>,
    tip: bool,
) -> Vec<Marker> {
    refs.iter()
        .map(|r| {
            let occurrence = occurrences.entry(r.number).or_insert(0);
            *occurrence += 1;
            cited.entry(r.number).or_default().push(*occurrence);
            Marker {
                at: r.offset,
                number: r.number,
                kind: MarkerKind::Footnote {
                    occurrence: *occurrence,
                    tip,
                },
            }
        })
        .collect()
}

fn legend(doc: &AnalysedDocument, by_id: &HashMap<&str, &Actor>) -> Vec<LegendEntry> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for m in doc.mentions.iter().flatten() {
        *counts.entry(m.actor_id.as_str()).or_insert(0) += 1;
    }
    let mut entries: Vec<LegendEntry> = counts
        .into_iter()
        .map(|(id, mentions)| {
            let actor = by_id.get(id);
            LegendEntry {
                id: id.to_owned(),
                name: actor.map_or_else(|| id.to_owned(), |a| a.name.clone()),
                kind: actor.map_or(ActorKind::Group, |a| a.kind),
                tone: actor.map_or(0, |a| a.tone),
                mentions,
                description: actor.and_then(|a| describe(a, by_id)),
            }
        })
        .collect();
    entries.sort_by(|a, b| {
        b.mentions
            .cmp(&a.mentions)
            .then_with(|| a.name.cmp(&b.name))
    });
    entries
}

/// "President, Russia" for a person; nothing for others.
fn describe(actor: &Actor, by_id: &HashMap<&str, &Actor>) -> Option<String> {
    let affiliation = actor
        .affiliation
        .as_deref()
        .map(|id| by_id.get(id).map_or(id, |a| a.name.as_str()));
    match (actor.role.as_deref(), affiliation) {
        (Some(role), Some(of)) => Some(format!("{role}, {of}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

/// The text label of a mention: the actor it resolves to, and the words used when they
/// differ ("Russia (as “Moscow”)").
fn mention_label(actor_id: &str, matched: &str, by_id: &HashMap<&str, &Actor>) -> String {
    let Some(actor) = by_id.get(actor_id) else {
        return actor_id.to_owned();
    };
    let mut label = actor.name.clone();
    if let Some(description) = describe(actor, by_id) {
        label = format!("{label}, {description}");
    }
    if matched != actor.name && !actor.name.ends_with(matched) {
        label = format!("{label} (as “{matched}”)");
    }
    label
}

/// The actor's name when the words used do not already say it: "Moscow" and "DPRK" need
/// it, "Russia", "Russian" and "Putin" (for "Vladimir Putin") do not.
fn unsaid_name(actor_id: &str, matched: &str, by_id: &HashMap<&str, &Actor>) -> Option<String> {
    let actor = by_id.get(actor_id)?;
    let said = matched.starts_with(&actor.name) || actor.name.ends_with(matched);
    (!said).then(|| actor.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actors::Gazetteer;
    use crate::domain::document::{Block, Footnote, Metadata, ParsedDocument};

    fn article(text: &str, refs: Vec<FootnoteRef>) -> ArticleView {
        let gazetteer = Gazetteer::parse(
            "[[actor]]\nid = \"RUS\"\nname = \"Russia\"\nkind = \"state\"\naliases = [\"Moscow\"]\n[[actor]]\nid = \"vladimir-putin\"\nname = \"Vladimir Putin\"\nkind = \"person\"\naffiliation = \"RUS\"\nrole = \"President\"\naliases = [\"Putin\"]\n",
        )
        .unwrap();
        let parsed = ParsedDocument {
            meta: Metadata::default(),
            blocks: vec![Block {
                footnote_refs: refs,
                ..Block::paragraph(text)
            }],
            footnotes: vec![Footnote {
                number: 1,
                label: "1".into(),
                content: None,
            }],
            warnings: vec![],
        };
        let doc = AnalysedDocument::analyse(parsed, &gazetteer);
        render_article(&doc, gazetteer.actors(), &[], ArticleOptions::PAGE)
    }

    #[test]
    fn aliases_are_labelled_with_their_actor() {
        let view = article(
            "Moscow and Russia and Putin.",
            vec![FootnoteRef {
                offset: 28,
                number: 1,
            }],
        );
        let html = view.paragraphs[0].html.as_str();
        assert!(
            html.contains(
                r#"data-actor="RUS" title="Russia (as “Moscow”)" data-name="Russia">Moscow</mark>"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"title="Russia">Russia</mark>"#), "{html}");
        assert!(
            html.contains(r#"title="Vladimir Putin, President, Russia">Putin</mark>"#),
            "{html}"
        );
        assert!(html.ends_with(r##"Putin</mark>.<sup class="fn-ref" id="fr-1-1"><a href="#fn-1" role="doc-noteref" aria-describedby="fn-tip-1">1</a></sup>"##), "{html}");
        assert_eq!(view.footnotes[0].occurrences, vec![1]);
        let legend: Vec<_> = view
            .legend
            .iter()
            .map(|e| (e.id.as_str(), e.mentions, e.tone))
            .collect();
        assert_eq!(legend, vec![("RUS", 2, 1), ("vladimir-putin", 1, 2)]);
    }
}
