//! Documents added and revised from the browser, through the corpus importer's own steps
//! (parse, find actors and voices, store, re-anchor notes): a submission is checked and
//! normalised ([`crate::domain::intake`]), prepared for a preview, and published as a new
//! document or a new version of one.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::corpus::SourceFormat;
use crate::corpus::formats::{parse_md, parse_txt_with};
use crate::corpus::metadata::parse_metadata;
use crate::domain::actors::Gazetteer;
use crate::domain::anchor::DocumentText;
use crate::domain::annotation::Note;
use crate::domain::document::{AnalysedDocument, Metadata};
use crate::domain::footnotes::MarkerCandidate;
use crate::domain::intake::{Corrections, MAX_CORRECTIONS};
use crate::domain::reanchor::{AnchorStatus, reanchor};
use crate::domain::slug::Slug;
use crate::domain::voices::Voices;

/// The bibliographic fields of the form, each optional: what the analyst knows that the text
/// may not state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFields {
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Where it was published: an http(s) URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// BCP 47 language tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl FormFields {
    /// The fields with blank values dropped and the rest trimmed.
    fn trimmed(&self) -> FormFields {
        let keep = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        FormFields {
            title: keep(&self.title),
            author: keep(&self.author),
            published: keep(&self.published),
            source: keep(&self.source),
            language: keep(&self.language),
            tags: self
                .tags
                .iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
        }
    }
}

/// What an analyst submits: the normalised text, its format, the form and corrections.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The text, already through [`crate::domain::intake::normalise`].
    pub text: String,
    /// `.txt` (one paragraph a line, bare footnote numbers) or `.md`.
    pub format: SourceFormat,
    /// The form's fields.
    pub fields: FormFields,
    /// How the analyst corrected the reading of a plain text.
    pub corrections: Corrections,
}

/// A field of a submission that is wrong, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {message}")]
pub struct SubmissionError {
    /// The field.
    pub field: &'static str,
    /// What to fix.
    pub message: String,
}

fn wrong(field: &'static str, message: impl Into<String>) -> SubmissionError {
    SubmissionError {
        field,
        message: message.into(),
    }
}

/// A submission parsed and analysed, ready to show or to store.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The document as it will be stored.
    pub analysed: AnalysedDocument,
    /// Its title: stated, or made from its slug.
    pub title: String,
    /// Whose views its sentences give.
    pub voices: Voices,
    /// Every number that could be a footnote marker, taken or not (plain text only).
    pub candidates: Vec<MarkerCandidate>,
    /// The paragraphs as the analyst's lines were read (after joins), for the candidates'
    /// offsets.
    pub lines: Vec<String>,
    /// The fields the text itself states (a Markdown front matter), by name.
    pub stated: Vec<&'static str>,
    /// Hash of the text, fields and corrections.
    pub content_hash: String,
    /// The fields, as stored with the version (JSON).
    pub fields_json: String,
    /// The corrections, as stored with the version (JSON).
    pub corrections_json: String,
    /// The slug, given or made from the title.
    pub slug: Slug,
}

/// Longest title, author or tag, in characters.
const MAX_FIELD_CHARS: usize = 300;
/// Most tags on a document.
const MAX_TAGS: usize = 32;

/// Parses and analyses a submission as the corpus importer would; `slug` is the one asked
/// for, if any (else one is made from the title, or from the first words of the text).
pub fn prepare(
    submission: &Submission,
    slug: Option<&str>,
    gazetteer: &Gazetteer,
) -> Result<Prepared, SubmissionError> {
    let fields = submission.fields.trimmed();
    for (name, value) in [
        ("title", fields.title.as_deref()),
        ("author", fields.author.as_deref()),
    ]
    .into_iter()
    .chain(fields.tags.iter().map(|t| ("tags", Some(t.as_str()))))
    {
        if let Some(value) = value {
            if value.chars().count() > MAX_FIELD_CHARS {
                return Err(wrong(
                    name,
                    format!("is longer than {MAX_FIELD_CHARS} characters"),
                ));
            }
            if value.chars().any(char::is_control) {
                return Err(wrong(name, "holds a control character; remove it"));
            }
            // An override or isolate makes text display other than it reads.
            if value
                .chars()
                .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
            {
                return Err(wrong(
                    name,
                    "holds a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069); remove it",
                ));
            }
        }
    }
    if fields.tags.len() > MAX_TAGS {
        return Err(wrong("tags", format!("are more than {MAX_TAGS}")));
    }
    if let Some(tag) = fields.tags.iter().find(|t| t.contains(',')) {
        return Err(wrong(
            "tags",
            format!("{tag:?} holds a comma, which separates tags"),
        ));
    }
    if let Some(language) = &fields.language {
        let mut parts = language.split('-');
        let ok = parts.next().is_some_and(|p| {
            (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
        }) && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
        if !ok {
            return Err(wrong(
                "language",
                "must be a language tag such as en, zh-Hans or pt-BR",
            ));
        }
    }
    if fields
        .source
        .as_deref()
        .is_some_and(|s| s.chars().any(char::is_whitespace))
    {
        return Err(wrong(
            "source",
            "must be one http or https URL, without spaces",
        ));
    }
    if submission.corrections.len() > MAX_CORRECTIONS {
        return Err(wrong(
            "corrections",
            format!("are more than {MAX_CORRECTIONS}; publish, then revise"),
        ));
    }
    let form_meta = metadata_of(&fields)?;
    let (parsed, candidates, lines, stated) = match submission.format {
        SourceFormat::Txt => {
            let (parsed, candidates) =
                parse_txt_with(&submission.text, form_meta, &submission.corrections);
            let raw: Vec<&str> = submission
                .text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            (
                parsed,
                candidates,
                submission.corrections.join(&raw),
                Vec::new(),
            )
        }
        SourceFormat::Md => {
            let mut parsed = parse_md(&submission.text).map_err(|e| wrong("text", e))?;
            let stated = stated_fields(&parsed.meta);
            merge(&mut parsed.meta, form_meta);
            (parsed, Vec::new(), Vec::new(), stated)
        }
    };
    let slug = match slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(asked) => Slug::parse(asked).map_err(|e| wrong("slug", e.to_string()))?,
        None => crate::domain::intake::slug_for_title(
            parsed
                .meta
                .title
                .as_deref()
                .unwrap_or_else(|| first_words(&parsed.blocks)),
        ),
    };
    let (analysed, title, voices) = crate::corpus::finish(parsed, &slug, gazetteer);
    let fields_json = serde_json::to_string(&fields).map_err(|e| wrong("fields", e.to_string()))?;
    let corrections_json = serde_json::to_string(&submission.corrections)
        .map_err(|e| wrong("corrections", e.to_string()))?;
    let mut hasher = Sha256::new();
    for part in [&submission.text, &fields_json, &corrections_json] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.update(submission.format.as_str());
    Ok(Prepared {
        analysed,
        title,
        voices,
        candidates,
        lines,
        stated,
        content_hash: hex::encode(hasher.finalize()),
        fields_json,
        corrections_json,
        slug,
    })
}

/// The first six words of the text, to make a slug from when there is no title.
fn first_words(blocks: &[crate::domain::document::Block]) -> &str {
    let text = blocks.first().map_or("", |b| b.text.as_str());
    let end = text
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .nth(5)
        .map_or(text.len(), |(at, _)| at);
    &text[..end]
}

/// The form's fields as metadata, checked by the same rules as a corpus sidecar.
fn metadata_of(fields: &FormFields) -> Result<Metadata, SubmissionError> {
    let toml = toml::to_string(fields).map_err(|e| wrong("fields", e.to_string()))?;
    parse_metadata(&toml).map_err(|message| {
        let field = ["published", "source", "language", "title", "author", "tags"]
            .into_iter()
            .find(|f| message.contains(&format!("`{f}`")))
            .unwrap_or("fields");
        wrong(field, message.replace(&format!("`{field}` "), ""))
    })
}

/// What a Markdown front matter states.
fn stated_fields(meta: &Metadata) -> Vec<&'static str> {
    [
        ("title", meta.title.is_some()),
        ("author", meta.author.is_some()),
        ("published", meta.published.is_some()),
        ("source", meta.source.is_some()),
        ("language", meta.language.is_some()),
        ("tags", !meta.tags.is_empty()),
    ]
    .into_iter()
    .filter_map(|(name, stated)| stated.then_some(name))
    .collect()
}

/// The form's fields over what the text states: the analyst's word wins.
fn merge(meta: &mut Metadata, form: Metadata) {
    meta.title = form.title.or(meta.title.take());
    meta.author = form.author.or(meta.author.take());
    meta.published = form.published.or(meta.published.take());
    meta.source = form.source.or(meta.source.take());
    meta.language = form.language.or(meta.language.take());
    if !form.tags.is_empty() {
        meta.tags = form.tags;
    }
}

/// A stored version read again as it was published: a browser version with its fields and
/// corrections, a corpus version as its file (its sidecar is not kept per version).
pub fn reread(
    version: &crate::store::documents::VersionRecord,
    format: &str,
    slug: &Slug,
    gazetteer: &Gazetteer,
) -> Result<AnalysedDocument, String> {
    let format = version.format.as_deref().unwrap_or(format);
    let parsed = match (&version.fields, format) {
        (Some(fields), _) => {
            let submission = Submission {
                text: version.source_text.clone(),
                format: if format == "md" {
                    SourceFormat::Md
                } else {
                    SourceFormat::Txt
                },
                fields: serde_json::from_str(fields).map_err(|e| e.to_string())?,
                corrections: version
                    .corrections
                    .as_deref()
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| e.to_string())?
                    .unwrap_or_default(),
            };
            return prepare(&submission, Some(slug.as_str()), gazetteer)
                .map(|p| p.analysed)
                .map_err(|e| e.to_string());
        }
        (None, "md") => parse_md(&version.source_text)?,
        (None, _) => crate::corpus::formats::parse_txt(&version.source_text, Metadata::default()),
    };
    Ok(crate::corpus::finish(parsed, slug, gazetteer).0)
}

/// What re-anchoring a document's notes in a new text would do, before it is done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    /// Notes by status: exact, moved, fuzzy, ambiguous, orphan.
    pub counts: crate::store::annotations::ReanchorCounts,
    /// The notes that would lose their passage (orphans) or find several (ambiguous), that
    /// the analyst may read, with their quotes.
    pub lost: Vec<LostNote>,
    /// How many other such notes there are, private to other analysts.
    pub unseen: usize,
    /// Notes that had lost their passage before and still have none (in `counts.orphan`, not
    /// in `lost`).
    pub already_orphaned: usize,
}

/// A note that a new text would orphan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostNote {
    /// Its id.
    pub id: String,
    /// Its author.
    pub creator: String,
    /// The words it was written on.
    pub quote: String,
    /// Orphan or ambiguous.
    pub status: AnchorStatus,
}

/// Re-anchors every note of a document in `paragraphs` without storing anything; `readable`
/// says which notes the analyst may see listed.
pub fn audit(notes: &[Note], paragraphs: &[&str], readable: impl Fn(&Note) -> bool) -> Audit {
    let text = DocumentText::new(paragraphs);
    let mut audit = Audit::default();
    for note in notes {
        let Some(anchor) = &note.anchor else {
            continue;
        };
        let outcome = reanchor(&text, anchor, &note.original_exact);
        let counts = &mut audit.counts;
        match outcome.status {
            AnchorStatus::Exact => counts.exact += 1,
            AnchorStatus::Moved => counts.moved += 1,
            AnchorStatus::Fuzzy => counts.fuzzy += 1,
            AnchorStatus::Ambiguous => counts.ambiguous += 1,
            AnchorStatus::Orphan => counts.orphan += 1,
        }
        if outcome.status == AnchorStatus::Orphan && note.status == AnchorStatus::Orphan {
            audit.already_orphaned += 1;
        } else if matches!(
            outcome.status,
            AnchorStatus::Orphan | AnchorStatus::Ambiguous
        ) {
            if readable(note) {
                audit.lost.push(LostNote {
                    id: note.id.clone(),
                    creator: note.creator.clone(),
                    quote: note.original_exact.clone(),
                    status: outcome.status,
                });
            } else {
                audit.unseen += 1;
            }
        }
    }
    audit
}
