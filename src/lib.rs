//! glossa: an annotated reader for geopolitical commentary.
//!
//! A guided tour, from the pure core outwards:

/// Pure domain logic: footnotes, actors, Markdown, span rendering.
pub mod domain;
/// Corpus files to documents, and the import into the store.
pub mod corpus;
/// All SQL: documents, actors, settings; migrations embedded.
pub mod store;
