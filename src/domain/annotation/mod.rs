//! Margin notes as W3C Web Annotations, one concern per module: the model and its limits,
//! parsing what clients send, the JSON-LD glossa emits, containers and pages, and reading
//! notes back from exports.

pub mod classifying;
pub mod collection;
pub mod context;
pub mod history;
pub mod import;
pub mod jsonld;
pub mod model;
pub mod parse;
pub mod thread;

pub use collection::{
    CollectionLd, PageInfo, PageLd, collection_jsonld, found_collection_jsonld, found_page_jsonld,
    page_jsonld,
};
pub use import::{ImportedNote, annotation_items, embedded_collection, parse_imported};
pub use jsonld::{AnnotationLd, Iris, to_jsonld};
pub use model::{
    ANNO_CONTEXT, FieldError, KeptFields, MAX_BODY_LEN, MAX_TAG_LEN, MAX_TAGS, MOTIVATIONS, Note,
    NoteContent, NoteId, Visibility,
};
pub use parse::{TargetIris, check_tag, parse_note};
