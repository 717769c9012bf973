//! Bringing the store up to date with the corpus directory.
//!
//! Each document is hashed together with the gazetteer and the analysis version; only those
//! whose hash differs from the stored one are parsed and written, each in its own
//! transaction, so an unchanged corpus costs one directory read and one query.

use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use super::{ANALYSIS_VERSION, FileProblem, SourceFile, analysis_hash, load_gazetteer, scan};
use crate::domain::actors::Gazetteer;
use crate::domain::document::AnalysedDocument;
use crate::domain::voices::Voices;
use crate::store::documents::{NewDocument, Origin, Saved};
use crate::store::{Store, StoreError};

const GAZETTEER_HASH_KEY: &str = "gazetteer_hash";
const ANALYSIS_KEY: &str = "analysis_version";
/// `current` while the actor totals sum the stored documents; `stale` from the moment an
/// import starts changing documents until it has summed them again, so an import that fails
/// half-way leaves the next one to finish the sums.
const TOTALS_KEY: &str = "actor_totals";

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
    let additions = store.gazetteer_additions().await?;
    let (gazetteer, gazetteer_hash) =
        load_gazetteer(dir, &additions).map_err(ImportError::Gazetteer)?;
    let scan = scan(dir).map_err(|source| ImportError::Directory {
        path: dir.display().to_string(),
        source,
    })?;
    let gazetteer_changed =
        store.setting(GAZETTEER_HASH_KEY).await?.as_deref() != Some(&gazetteer_hash);
    if gazetteer_changed {
        store.sync_actors(&gazetteer).await?;
    }
    let stored = store.document_states().await?;
    let analysis_changed = store.setting(ANALYSIS_KEY).await?.as_deref() != Some(ANALYSIS_VERSION);
    let mut report = ImportReport {
        problems: scan.problems,
        ..ImportReport::default()
    };
    progress.set_length(scan.entries.len() as u64);
    let mut totals_stale = store.setting(TOTALS_KEY).await?.as_deref() != Some("current");
    let mut refreshed_prints = Vec::new();
    // Batches keep memory flat: only one batch of files is held at a time.
    for batch in scan.entries.chunks(BATCH) {
        let mut changed = Vec::new();
        for entry in batch {
            let known = stored.get(entry.slug.as_str());
            if known.is_some_and(|k| k.from_browser) {
                report.problems.push(FileProblem {
                    path: entry.path.clone(),
                    message: format!(
                        "a document added in the browser already has the slug {:?}; the file is not imported over it: rename the file",
                        entry.slug.as_str()
                    ),
                });
                progress.inc(1);
                continue;
            }
            let trusted = !gazetteer_changed && !analysis_changed && !entry.recent;
            if trusted && known.is_some_and(|k| k.fingerprint == entry.fingerprint) {
                report.unchanged += 1;
                progress.inc(1);
                continue;
            }
            let file = match entry.load() {
                Ok(file) => file,
                Err(message) => {
                    report.problems.push(FileProblem {
                        path: entry.path.clone(),
                        message,
                    });
                    progress.inc(1);
                    continue;
                }
            };
            let content_hash = file.content_hash();
            let hash = analysis_hash(&content_hash, &gazetteer_hash);
            if known.is_some_and(|k| k.analysis_hash == hash) {
                report.unchanged += 1;
                progress.inc(1);
                refreshed_prints.push((entry.slug.to_string(), entry.fingerprint.clone()));
            } else {
                changed.push((file, content_hash, hash, entry));
            }
        }
        let analysed = analyse_in_parallel(changed.iter().map(|c| &c.0), &gazetteer);
        let mut docs = Vec::with_capacity(changed.len());
        for ((file, content_hash, hash, entry), analysed) in changed.iter().zip(&analysed) {
            progress.inc(1);
            let (analysed, title, voices) = match analysed {
                Ok(done) => done,
                Err(message) => {
                    report.problems.push(FileProblem {
                        path: file.path.clone(),
                        message: message.clone(),
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
            docs.push(NewDocument {
                slug: file.slug.as_str(),
                title,
                format: file.format.as_str(),
                content_hash,
                analysis_hash: hash,
                source_text: &file.text,
                fingerprint: &entry.fingerprint,
                analysed,
                voices,
                origin: Origin::Corpus,
            });
        }
        if !docs.is_empty() && !totals_stale {
            store.set_setting(TOTALS_KEY, "stale").await?;
            totals_stale = true;
        }
        let outcomes = store.save_documents(&docs).await?;
        for (doc, saved) in docs.iter().zip(outcomes) {
            match saved.saved {
                Saved::Added => report.added += 1,
                Saved::NewVersion(_) | Saved::Reanalysed => report.updated += 1,
            }
            let moved = saved.reanchored;
            if moved.moved + moved.fuzzy + moved.ambiguous + moved.orphan > 0 {
                report.warnings.push(format!(
                    "{}: notes re-anchored: {} exact, {} moved, {} fuzzy, {} ambiguous, {} orphaned",
                    doc.slug, moved.exact, moved.moved, moved.fuzzy, moved.ambiguous, moved.orphan
                ));
            }
        }
    }
    store.set_fingerprints(&refreshed_prints).await?;
    if totals_stale {
        store.refresh_actor_totals().await?;
        store.set_setting(TOTALS_KEY, "current").await?;
    }
    if analysis_changed {
        store.set_setting(ANALYSIS_KEY, ANALYSIS_VERSION).await?;
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

/// Documents written per transaction: one sync to disk per batch instead of per document.
const BATCH: usize = 200;

/// Parses and analyses files on every core, keeping their order.
fn analyse_in_parallel<'a>(
    files: impl Iterator<Item = &'a SourceFile>,
    gazetteer: &Gazetteer,
) -> Vec<Result<(AnalysedDocument, String, Voices), String>> {
    let files: Vec<&SourceFile> = files.collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let per_worker = files.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(per_worker)
            .map(|chunk| {
                let count = chunk.len();
                let handle = scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|file| Ok(super::finish(file.parse()?, &file.slug, gazetteer)))
                        .collect::<Vec<_>>()
                });
                (count, handle)
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|(count, h)| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("the analysis panicked".to_owned()); count])
            })
            .collect()
    })
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
