//! Bringing the store up to date with the corpus directory.
//!
//! Each document is hashed together with the gazetteer and the analysis version; only those
//! whose hash differs from the stored one are parsed and written, each in its own
//! transaction, so an unchanged corpus costs one directory read and one query.

use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use super::{FileProblem, analysis_hash, load_gazetteer, scan};
use crate::store::documents::{NewDocument, Saved};
use crate::store::{Store, StoreError};

const GAZETTEER_HASH_KEY: &str = "gazetteer_hash";

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Documents new to the store.
    pub added: usize,
    /// Documents whose text or analysis changed.
    pub updated: usize,
    /// Documents already current.
    pub unchanged: usize,
    /// Files that could not be imported, with the reason.
    pub problems: Vec<FileProblem>,
    /// Warnings about imported files.
    pub warnings: Vec<String>,
    /// Bytes of source text parsed.
    pub bytes_parsed: usize,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} updated, {} unchanged, {} failed in {:.2?}",
            self.added,
            self.updated,
            self.unchanged,
            self.problems.len(),
            self.elapsed
        )
    }
}

/// Why a whole import could not run.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The corpus directory cannot be read.
    #[error("cannot read the corpus directory {path}: {source}")]
    Directory {
        /// The directory.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The gazetteer is invalid; nothing is imported until it is fixed.
    #[error("{0}")]
    Gazetteer(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports every new or changed document of `dir` into `store`. A file that cannot be
/// parsed is reported and skipped; the others are still imported.
pub async fn import_corpus(
    store: &Store,
    dir: &Path,
    progress: &ProgressBar,
) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    let (gazetteer, gazetteer_hash) = load_gazetteer(dir).map_err(ImportError::Gazetteer)?;
    let scan = scan(dir).map_err(|source| ImportError::Directory {
        path: dir.display().to_string(),
        source,
    })?;
    let gazetteer_changed =
        store.setting(GAZETTEER_HASH_KEY).await?.as_deref() != Some(&gazetteer_hash);
    if gazetteer_changed {
        store.sync_actors(&gazetteer).await?;
    }
    let stored = store.analysis_hashes().await?;
    let mut report = ImportReport {
        problems: scan.problems,
        ..ImportReport::default()
    };
    progress.set_length(scan.files.len() as u64);
    for file in &scan.files {
        progress.inc(1);
        let content_hash = file.content_hash();
        let hash = analysis_hash(&content_hash, &gazetteer_hash);
        if stored.get(file.slug.as_str()) == Some(&hash) {
            report.unchanged += 1;
            continue;
        }
        progress.set_message(file.slug.to_string());
        let analysed = match file.analyse(&gazetteer) {
            Ok(analysed) => analysed,
            Err(message) => {
                report.problems.push(FileProblem {
                    path: file.path.clone(),
                    message,
                });
                continue;
            }
        };
        report.bytes_parsed += file.text.len();
        for warning in &analysed.parsed.warnings {
            report
                .warnings
                .push(format!("{}: {warning}", file.path.display()));
        }
        let title = analysed
            .parsed
            .meta
            .title
            .clone()
            .unwrap_or_else(|| title_from_slug(file.slug.as_str()));
        let saved = store
            .save_document(&NewDocument {
                slug: file.slug.as_str(),
                title: &title,
                format: file.format.as_str(),
                content_hash: &content_hash,
                analysis_hash: &hash,
                source_text: &file.text,
                analysed: &analysed,
            })
            .await?;
        match saved.saved {
            Saved::Added => report.added += 1,
            Saved::NewVersion(_) | Saved::Reanalysed => report.updated += 1,
        }
        let moved = saved.reanchored;
        if moved.moved + moved.fuzzy + moved.ambiguous + moved.orphan > 0 {
            report.warnings.push(format!(
                "{}: notes re-anchored: {} exact, {} moved, {} fuzzy, {} ambiguous, {} orphaned",
                file.path.display(),
                moved.exact,
                moved.moved,
                moved.fuzzy,
                moved.ambiguous,
                moved.orphan
            ));
        }
    }
    if gazetteer_changed {
        store.prune_actors(&gazetteer).await?;
        store
            .set_setting(GAZETTEER_HASH_KEY, &gazetteer_hash)
            .await?;
    }
    progress.finish_and_clear();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// "russia-north-korea-views" → "Russia north korea views", for documents without a title.
pub fn title_from_slug(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
