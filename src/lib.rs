//! glossa: an annotated reader for geopolitical commentary.
//!
//! A guided tour, from the pure core outwards:

/// Command-line interface: `serve`, `import`.
pub mod cli;
/// Flags and environment.
pub mod config;
/// Corpus files to documents, and the import into the store.
pub mod corpus;
/// Digests of notes (CSV, Markdown, JSON-LD) for the pages and the command line.
pub mod digest;
/// Pure domain logic: footnotes, actors, Markdown, span rendering.
pub mod domain;
/// The one error type and its HTTP mapping.
pub mod error;
/// The annotated article as one self-contained HTML file.
pub mod export;
/// Router, pages, JSON API, static assets.
pub mod http;
/// Documents added and revised from the browser, through the importer's steps.
pub mod intake;
/// Restoring notes from exports and W3C collections.
pub mod interchange;
/// All SQL: documents, actors, settings; migrations embedded.
pub mod store;
