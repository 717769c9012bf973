//! Bringing the store up to date with the corpus directory.
//!
//! Each document is hashed together with the gazetteer and the analysis version; only those
//! whose hash differs from the stored one are parsed and written, a batch per transaction,
//! so an unchanged corpus costs one directory read and one query.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use super::{
    ANALYSIS_VERSION, FileProblem, SourceEntry, SourceFile, analysis_hash, load_gazetteer, scan,
};
use crate::domain::actors::Gazetteer;
use crate::domain::document::AnalysedDocument;
use crate::domain::voices::Voices;
use crate::store::documents::{DocumentState, NewDocument, Origin, Saved};
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
    /// The analysis of a batch stopped (a panic outside any one file).
    #[error("the analysis stopped: {0}")]
    Analysis(String),
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
    let context = Arc::new(BatchContext {
        entries: scan.entries,
        stored,
        gazetteer,
        gazetteer_hash: gazetteer_hash.clone(),
        trust_fingerprints: !gazetteer_changed && !analysis_changed,
        progress: progress.clone(),
    });
    // A two-stage pipeline: the next batch is read and analysed on the other cores while
    // this one is written, so the writer (the bottleneck) never waits for the analysis.
    // Only two batches are held at a time, which keeps memory flat.
    let batches = context.entries.len().div_ceil(BATCH);
    let mut next = (batches > 0).then(|| prepare_in_background(&context, 0));
    for index in 0..batches {
        let Some(pending) = next.take() else { break };
        let prepared = pending
            .await
            .map_err(|e| ImportError::Analysis(e.to_string()))?;
        if index + 1 < batches {
            next = Some(prepare_in_background(&context, index + 1));
        }
        report.problems.extend(prepared.problems);
        report.unchanged += prepared.unchanged;
        refreshed_prints.extend(prepared.refreshed_prints);
        let mut docs = Vec::with_capacity(prepared.changed.len());
        for changed in &prepared.changed {
            context.progress.inc(1);
            let (analysed, title, voices) = match &changed.analysed {
                Ok(done) => done,
                Err(message) => {
                    report.problems.push(FileProblem {
                        path: changed.file.path.clone(),
                        message: message.clone(),
                    });
                    continue;
                }
            };
            report.bytes_parsed += changed.file.text.len();
            for warning in &analysed.parsed.warnings {
                report
                    .warnings
                    .push(format!("{}: {warning}", changed.file.path.display()));
            }
            docs.push(NewDocument {
                slug: changed.file.slug.as_str(),
                title,
                format: changed.file.format.as_str(),
                content_hash: &changed.content_hash,
                analysis_hash: &changed.analysis_hash,
                source_text: &changed.file.text,
                fingerprint: &changed.fingerprint,
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
        store.prune_actors(&context.gazetteer).await?;
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

/// What every batch of one import shares.
struct BatchContext {
    entries: Vec<SourceEntry>,
    stored: HashMap<String, DocumentState>,
    gazetteer: Gazetteer,
    gazetteer_hash: String,
    /// False when the gazetteer or the analysis changed: every file is then read and hashed.
    trust_fingerprints: bool,
    progress: ProgressBar,
}

/// A changed file, analysed and ready to be written.
struct ChangedFile {
    file: SourceFile,
    content_hash: String,
    analysis_hash: String,
    fingerprint: String,
    analysed: Result<(AnalysedDocument, String, Voices), String>,
}

/// One batch, read and analysed.
#[derive(Default)]
struct PreparedBatch {
    changed: Vec<ChangedFile>,
    unchanged: usize,
    problems: Vec<FileProblem>,
    /// Files whose content is unchanged but whose size or time moved.
    refreshed_prints: Vec<(String, String)>,
}

fn prepare_in_background(
    context: &Arc<BatchContext>,
    index: usize,
) -> tokio::task::JoinHandle<PreparedBatch> {
    let context = Arc::clone(context);
    tokio::task::spawn_blocking(move || prepare_batch(&context, index))
}

/// Reads the files of batch `index` that may have changed, and analyses those that did.
fn prepare_batch(context: &BatchContext, index: usize) -> PreparedBatch {
    let start = index * BATCH;
    let batch = &context.entries[start..(start + BATCH).min(context.entries.len())];
    let mut prepared = PreparedBatch::default();
    let mut files = Vec::new();
    for entry in batch {
        let known = context.stored.get(entry.slug.as_str());
        if known.is_some_and(|k| k.from_browser) {
            prepared.problems.push(FileProblem {
                path: entry.path.clone(),
                message: format!(
                    "a document added in the browser already has the slug {:?}; the file is not imported over it: rename the file",
                    entry.slug.as_str()
                ),
            });
            context.progress.inc(1);
            continue;
        }
        let trusted = context.trust_fingerprints && !entry.recent;
        if trusted && known.is_some_and(|k| k.fingerprint == entry.fingerprint) {
            prepared.unchanged += 1;
            context.progress.inc(1);
            continue;
        }
        let file = match entry.load() {
            Ok(file) => file,
            Err(message) => {
                prepared.problems.push(FileProblem {
                    path: entry.path.clone(),
                    message,
                });
                context.progress.inc(1);
                continue;
            }
        };
        let content_hash = file.content_hash();
        let hash = analysis_hash(&content_hash, &context.gazetteer_hash);
        if known.is_some_and(|k| k.analysis_hash == hash) {
            prepared.unchanged += 1;
            context.progress.inc(1);
            prepared
                .refreshed_prints
                .push((entry.slug.to_string(), entry.fingerprint.clone()));
        } else {
            files.push((file, content_hash, hash, entry.fingerprint.clone()));
        }
    }
    let analysed = analyse_in_parallel(files.iter().map(|f| &f.0), &context.gazetteer);
    prepared.changed = files
        .into_iter()
        .zip(analysed)
        .map(
            |((file, content_hash, analysis_hash, fingerprint), analysed)| ChangedFile {
                file,
                content_hash,
                analysis_hash,
                fingerprint,
                analysed,
            },
        )
        .collect();
    prepared
}

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
                    yield_to_the_writer();
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

/// Lowers the calling thread's priority (on Linux, a nice value is per thread). The import's
/// one SQLite writer is its critical path: with the analysis of the next batch competing for
/// the cores at equal priority, the writer and the thread that builds its statements got
/// about two thirds of a core each. The analysis only has to finish before the writer does,
/// and uses what they leave.
fn yield_to_the_writer() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; a failure leaves the priority as it was,
    // which is harmless.
    unsafe {
        let thread = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, 10);
    }
}

/// "russia-north-korea-views" → "Russia north korea views", for documents without a title.
pub fn title_from_slug(slug: &str) -> String {
    // "trail-" and "a--b" are valid slugs; their title has no stray or doubled spaces.
    let words = slug
        .split('-')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
