//! The note model: what a client may set, what is stored, and field errors.

use crate::domain::anchor::{Anchor, Selectors};

/// The JSON-LD context of every annotation.
pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// Longest note body, in code points.
pub const MAX_BODY_LEN: usize = 20_000;
/// Most tags on one note.
pub const MAX_TAGS: usize = 32;
/// Longest tag, in code points.
pub const MAX_TAG_LEN: usize = 64;
/// Longest `canonical` or `via` IRI, in code points.
pub const MAX_IRI_LEN: usize = 2_000;

/// Why an analyst wrote a note (the W3C motivations).
pub const MOTIVATIONS: &[&str] = &[
    "commenting",
    "highlighting",
    "questioning",
    "tagging",
    "assessing",
    "bookmarking",
    "classifying",
    "describing",
    "editing",
    "identifying",
    "linking",
    "replying",
];

/// Who may read a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Only its author.
    Private,
    /// Every signed-in analyst.
    Team,
    /// Anyone who can read the document.
    Public,
}

impl Visibility {
    /// Stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Team => "team",
            Visibility::Public => "public",
        }
    }

    /// How widely it shares: private 0, team 1, public 2.
    pub fn reach(self) -> u8 {
        match self {
            Visibility::Private => 0,
            Visibility::Team => 1,
            Visibility::Public => 2,
        }
    }

    /// Inverse of [`Visibility::as_str`].
    pub fn parse(name: &str) -> Option<Visibility> {
        [Visibility::Private, Visibility::Team, Visibility::Public]
            .into_iter()
            .find(|v| v.as_str() == name)
    }
}

/// What a client may set on a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteContent {
    /// One of [`MOTIVATIONS`].
    pub motivation: String,
    /// Markdown body (may be empty, e.g. for a highlight).
    pub body: String,
    /// Tags, in the order given.
    pub tags: Vec<String>,
    /// The Admiralty grades of an assessing note.
    pub grades: crate::domain::grades::Grades,
    /// Who may read it.
    pub visibility: Visibility,
    /// Whether the client said who may read it; a reply that does not follows its thread.
    pub visibility_stated: bool,
    /// The passage it is written on; `None` for a note on the whole document (a page note,
    /// whose W3C target is the document's IRI alone) and for a reply.
    pub selectors: Option<Selectors>,
    /// The note this one answers (W3C motivation `replying`, target the note's IRI).
    pub reply_to: Option<NoteId>,
    /// Model fields glossa keeps as sent.
    pub kept: KeptFields,
}

/// W3C model fields glossa does not interpret but must not lose: the protocol says a
/// `canonical` IRI is kept without change, and a client reading a note back expects what it
/// sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptFields {
    /// `canonical`: the IRI every copy of this annotation shares.
    pub canonical: Option<String>,
    /// `via`: the IRIs this annotation was copied from.
    pub via: Vec<String>,
    /// `language` of the text body (a BCP 47 tag).
    pub body_language: Option<String>,
    /// `purpose` of the text body, when the client gave one.
    pub body_purpose: Option<String>,
}

/// A note's id: 32 lowercase hex digits. Parsed at the edge, so a value that exists is well
/// formed. Ids glossa makes are time-ordered (see [`NoteId::generate`]); ids from elsewhere
/// (an import of notes) need only be well formed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NoteId(String);

impl NoteId {
    /// Accepts exactly 32 lowercase hex digits.
    pub fn parse(text: &str) -> Option<NoteId> {
        (text.len() == 32
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| NoteId(text.to_owned()))
    }

    /// A new id: the milliseconds since 1970 in its first 48 bits, as UUIDv7 has them, then
    /// 80 random bits, so that no one guesses another note's id. Later notes sort later, so
    /// every index keyed by note id (the notes, their search rows, their revisions) grows at
    /// its right edge: a commit of many notes changes a few pages of each instead of one page
    /// per note, and that many fewer pages go through the write-ahead log.
    pub fn generate() -> Result<NoteId, getrandom::Error> {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| {
                u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
            });
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
        getrandom::fill(&mut bytes[6..])?;
        Ok(NoteId(hex::encode(bytes)))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for NoteId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A field that is wrong, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {message}")]
pub struct FieldError {
    /// Path of the field, e.g. `target.selector[0].start`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
    /// Machine-readable code.
    pub code: &'static str,
}

pub(super) fn invalid(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
        code: "invalid_field",
    }
}

pub(super) fn too_long(field: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
        code: "too_long",
    }
}

/// A stored note, ready to be written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Opaque id (32 hex digits).
    pub id: String,
    /// The document's slug.
    pub document_slug: String,
    /// The author's name.
    pub creator: String,
    /// One of [`MOTIVATIONS`].
    pub motivation: String,
    /// Markdown body.
    pub body: String,
    /// The body rendered and sanitised (see [`crate::domain::markdown::render_untrusted`]).
    pub body_html: crate::domain::html::SafeHtml,
    /// Tags.
    pub tags: Vec<String>,
    /// The Admiralty grades of an assessing note.
    pub grades: crate::domain::grades::Grades,
    /// Who may read it.
    pub visibility: Visibility,
    /// Where it sits in the current text; `None` for a page note and a reply.
    pub anchor: Option<Anchor>,
    /// The id of the note this one answers.
    pub reply_to: Option<String>,
    /// For a reply, its place among the replies to the same note (1, 2, …) in the order they
    /// were written; 0 for a note that answers none.
    pub reply_seq: i64,
    /// The analysts its body mentions (`@name`), as they were when it was written.
    pub mentions: Vec<String>,
    /// How the anchor stands in the current text.
    pub status: crate::domain::reanchor::AnchorStatus,
    /// The quote as its author chose it (differs from `anchor.exact` after a fuzzy match).
    pub original_exact: String,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339.
    pub modified: String,
    /// Bumped on every change; the ETag.
    pub revision: i64,
    /// Model fields kept as sent.
    pub kept: KeptFields,
}

impl Note {
    /// The strong ETag of this revision.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.revision)
    }

    /// The quoted words, empty for a page note.
    pub fn quote(&self) -> &str {
        self.anchor.as_ref().map_or("", |a| a.exact.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::NoteId;

    #[test]
    fn a_later_id_sorts_after_an_earlier_one_and_both_parse() {
        let earlier = NoteId::generate().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let later = NoteId::generate().unwrap();
        assert!(later.as_str() > earlier.as_str(), "{earlier} then {later}");
        assert_eq!(NoteId::parse(later.as_str()), Some(later.clone()));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let stamped = u128::from_str_radix(&later.as_str()[..12], 16).unwrap();
        assert!(
            now - stamped < 60_000,
            "the first 48 bits are the time in milliseconds"
        );
    }

    #[test]
    fn ids_made_in_the_same_millisecond_differ() {
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| NoteId::generate().unwrap().to_string())
            .collect();
        assert_eq!(ids.len(), 1000);
    }
}
