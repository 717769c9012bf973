//! Pure domain logic: no I/O, no HTTP, no SQL. Everything here is unit-tested directly.

/// Gazetteer of actors and the matcher that finds them in text.
pub mod actors;
/// Anchoring notes: document text, selectors, resolution.
pub mod anchor;
/// W3C Web Annotation model: parsing and JSON-LD.
pub mod annotation;
/// A document laid out for reading.
pub mod article;
/// Which actors are named together, sentence by sentence.
pub mod cooccurrence;
/// Digests of notes: CSV and Markdown.
pub mod digest;
/// The parsed document model shared by importers, store and renderer.
pub mod document;
/// Bare footnote-number detection in plain text.
pub mod footnotes;
/// The Admiralty grades: source reliability A–F and information credibility 1–6.
pub mod grades;
/// `SafeHtml` and escaping.
pub mod html;
/// Text brought in from the browser: checked, normalised, corrected.
pub mod intake;
/// Markdown to blocks, and sanitised Markdown rendering.
pub mod markdown;
/// The co-occurrence matrix: who is named with whom, as a picture.
pub mod matrix;
/// `@name` mentions of analysts in notes.
pub mod mentions;
/// Names in a text that the gazetteer does not know.
pub mod names;
/// Re-anchoring notes after the text changed.
pub mod reanchor;
/// The search language: parsed, checked, compiled for each full-text engine.
pub mod search;
/// Splitting paragraphs into sentences.
pub mod sentences;
/// Document slugs.
pub mod slug;
/// Ranges over text to nested HTML.
pub mod spans;
/// The mention strip: which paragraph names which actor, as a picture.
pub mod strip;
/// Code point offsets.
pub mod text;
/// An actor's mentions month by month, as a picture.
pub mod timeline;
/// Two versions of a document's text compared.
pub mod versions;
/// Voices: who says what, sentence by sentence.
pub mod voices;
/// Counts in words ("1 footnote", "20 footnotes").
pub mod wording;
