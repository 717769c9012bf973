//! The corpus directory: files → parsed, analysed documents → the store.
//!
//! A corpus is one flat directory of `.md` and `.txt` files (a `.txt` may have a `NAME.toml`
//! sidecar with its metadata) plus the actor gazetteer `actors.toml`. The slug of a document
//! is its file name without the extension.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::domain::actors::Gazetteer;
use crate::domain::document::{AnalysedDocument, ParsedDocument};
use crate::domain::slug::Slug;

pub mod formats;
pub mod gazetteer_file;
pub mod generate;
pub mod import;
pub mod metadata;

/// The gazetteer's file name inside the corpus directory.
pub const GAZETTEER_FILE: &str = "actors.toml";

/// Bumped whenever parsing or matching changes, so that every document is re-imported.
pub const ANALYSIS_VERSION: &str = "glossa-analysis-5";

/// A document's source format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Plain text, one paragraph per line.
    Txt,
    /// Markdown with TOML front matter.
    Md,
}

impl SourceFormat {
    /// The file extension and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Txt => "txt",
            SourceFormat::Md => "md",
        }
    }
}

/// One corpus document as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Slug from the file name.
    pub slug: Slug,
    /// Path of the document file.
    pub path: PathBuf,
    /// Format, from the extension.
    pub format: SourceFormat,
    /// The file's text.
    pub text: String,
    /// Sidecar metadata (`.txt` only).
    pub sidecar: Option<String>,
}

impl SourceFile {
    /// Hash of what the author wrote: the document and its sidecar.
    pub fn content_hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.text.as_bytes());
        hasher.update([0]);
        hasher.update(self.sidecar.as_deref().unwrap_or("").as_bytes());
        hex::encode(hasher.finalize())
    }

    /// Parses the file according to its format.
    pub fn parse(&self) -> Result<ParsedDocument, String> {
        match self.format {
            SourceFormat::Md => formats::parse_md(&self.text),
            SourceFormat::Txt => {
                let meta = match &self.sidecar {
                    Some(toml) => metadata::parse_metadata(toml)
                        .map_err(|e| format!("sidecar {}.toml: {e}", self.slug))?,
                    None => Default::default(),
                };
                Ok(formats::parse_txt(&self.text, meta))
            }
        }
    }
}

/// A parsed document made ready to store, whether it came from a corpus file or the browser:
/// its actors found, its title (the stated one, or one made from its slug: nothing is
/// invented), and whose views its sentences give.
pub fn finish(
    parsed: ParsedDocument,
    slug: &Slug,
    gazetteer: &Gazetteer,
) -> (AnalysedDocument, String, crate::domain::voices::Voices) {
    let analysed = AnalysedDocument::analyse(parsed, gazetteer);
    let title = analysed
        .parsed
        .meta
        .title
        .clone()
        .unwrap_or_else(|| import::title_from_slug(slug.as_str()));
    let voices = analysed.voices(gazetteer);
    (analysed, title, voices)
}

/// A corpus file that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file.
    pub path: PathBuf,
    /// What to fix.
    pub message: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// A corpus document found on disk, not read yet.
#[derive(Debug, Clone)]
pub struct SourceEntry {
    /// Slug from the file name.
    pub slug: Slug,
    /// Path of the document file.
    pub path: PathBuf,
    /// Format, from the extension.
    pub format: SourceFormat,
    /// The `.toml` sidecar beside a `.txt` file (its extension in any case).
    pub sidecar: Option<PathBuf>,
    /// Size and modification time of the file and its sidecar.
    pub fingerprint: String,
    /// Whether a file was modified so recently that a same-size edit in the same clock tick
    /// could hide behind an equal fingerprint (git's "racy" case): such files are hashed.
    pub recent: bool,
}

impl SourceEntry {
    /// Reads the file (and its sidecar).
    pub fn load(&self) -> Result<SourceFile, String> {
        let mut text = read_utf8(&self.path)?;
        // The same rules as a text pasted in the browser: a byte order mark is not part of
        // the text, and a control character is refused by where it is.
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        if let Some((line, code)) = crate::domain::intake::first_control(&text) {
            return Err(format!(
                "holds a control character (U+{code:04X}) on line {line}; remove it"
            ));
        }
        // An empty file is more often a save gone wrong than a document: taken as a new
        // version, it would leave every note on the document without its text.
        if text.trim().is_empty() {
            return Err(
                "is empty, so it is not imported and a document already stored under its slug \
                 is left as it is; add its text or remove the file"
                    .to_owned(),
            );
        }
        let sidecar = match &self.sidecar {
            Some(path) => Some(read_utf8(path).map_err(|e| {
                format!(
                    "its sidecar {}: {e}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                )
            })?),
            None => None,
        };
        Ok(SourceFile {
            slug: self.slug.clone(),
            path: self.path.clone(),
            format: self.format,
            text,
            sidecar,
        })
    }
}

/// What a scan of the corpus directory found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Usable document files, sorted by slug.
    pub entries: Vec<SourceEntry>,
    /// Files skipped, with the reason.
    pub problems: Vec<FileProblem>,
}

/// Lists every document in `dir` without reading it. Symbolic links and subdirectories are
/// skipped so that nothing outside the corpus directory is ever read.
pub fn scan(dir: &Path) -> std::io::Result<Scan> {
    let mut scan = Scan::default();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.sort();
    let mut sidecars = sidecars_by_stem(&paths);
    let mut found = Vec::new();
    for path in paths {
        // Hidden files are an editor's or a file system's, not the author's: `.draft.txt.swp`,
        // macOS's `._report.txt` beside every file copied from its disks.
        if path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let format = match extension.as_deref() {
            Some("txt") => SourceFormat::Txt,
            Some("md") => SourceFormat::Md,
            _ => continue,
        };
        let sidecar = match format {
            SourceFormat::Txt => path
                .file_stem()
                .and_then(|stem| sidecars.remove(stem.to_string_lossy().as_ref())),
            SourceFormat::Md => None,
        };
        let sidecar = match sidecar.as_deref() {
            None | Some([]) => None,
            Some([one]) => Some(one.clone()),
            Some(several) => {
                let names = several
                    .iter()
                    .map(|p| format!("`{}`", p.file_name().unwrap_or_default().to_string_lossy()))
                    .collect::<Vec<_>>()
                    .join(" and ");
                scan.problems.push(FileProblem {
                    message: format!(
                        "{names} are both its sidecar, so it is not imported and a document \
                         already stored under its slug is left as it is; keep one"
                    ),
                    path,
                });
                continue;
            }
        };
        match entry(&path, format, sidecar) {
            Ok(entry) => found.push(entry),
            Err(message) => scan.problems.push(FileProblem { path, message }),
        }
    }
    // A sidecar no `.txt` file claimed is metadata that would silently not apply.
    let mut unclaimed: Vec<PathBuf> = sidecars.into_values().flatten().collect();
    unclaimed.sort();
    for path in unclaimed {
        let beside_markdown = ["md", "MD", "Md", "mD"]
            .iter()
            .any(|ext| path.with_extension(ext).is_file());
        let message = if beside_markdown {
            "is beside a Markdown file, which takes its metadata from its front matter, so it \
             is not read; move its fields into the front matter"
        } else {
            "names no `.txt` document beside it, so it is not read; give it its document's \
             name (`NAME.txt` and `NAME.toml`)"
        };
        scan.problems.push(FileProblem {
            path,
            message: message.to_owned(),
        });
    }
    // Files that give one slug are all left out: which of them is the document is the
    // author's call, and keeping one by name order could replace a document that has been
    // read and annotated for months with a draft that sorts before it.
    let mut files_per_slug: HashMap<&str, Vec<&Path>> = HashMap::new();
    for entry in &found {
        files_per_slug
            .entry(entry.slug.as_str())
            .or_default()
            .push(&entry.path);
    }
    let mut shared: HashMap<String, String> = HashMap::new();
    for (slug, paths) in files_per_slug.into_iter().filter(|(_, p)| p.len() > 1) {
        let mut names: Vec<String> = paths
            .iter()
            .map(|p| format!("`{}`", p.file_name().unwrap_or_default().to_string_lossy()))
            .collect();
        let last = names.pop().unwrap_or_default();
        shared.insert(slug.to_owned(), format!("{} and {last}", names.join(", ")));
    }
    for entry in found {
        match shared.get(entry.slug.as_str()) {
            Some(names) => scan.problems.push(FileProblem {
                message: format!(
                    "{names} give the same slug, `{}`, so none of them is imported and a document \
                     already stored under it is left as it is; rename or remove all but one",
                    entry.slug
                ),
                path: entry.path,
            }),
            None => scan.entries.push(entry),
        }
    }
    Ok(scan)
}

/// The `.toml` files of a corpus listing (extension in any case) by their stem, the
/// gazetteer and hidden files aside.
fn sidecars_by_stem(paths: &[PathBuf]) -> HashMap<String, Vec<PathBuf>> {
    let mut sidecars: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for path in paths {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let is_toml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if !is_toml || name == GAZETTEER_FILE || name.starts_with('.') {
            continue;
        }
        if let Some(stem) = path.file_stem() {
            sidecars
                .entry(stem.to_string_lossy().into_owned())
                .or_default()
                .push(path.clone());
        }
    }
    sidecars
}

fn entry(
    path: &Path,
    format: SourceFormat,
    sidecar: Option<PathBuf>,
) -> Result<SourceEntry, String> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let slug = Slug::parse(stem).map_err(|e| format!("{e}; rename the file"))?;
    let meta = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if !meta.file_type().is_file() {
        return Err("not a regular file (symbolic links are not followed)".to_owned());
    }
    let recent = |m: &std::fs::Metadata| {
        m.modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_none_or(|age| age < std::time::Duration::from_secs(2))
    };
    let stamp = |m: &std::fs::Metadata| {
        let modified = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        format!("{}:{modified}", m.len())
    };
    let sidecar_meta = match &sidecar {
        Some(sidecar) => {
            let meta = std::fs::symlink_metadata(sidecar).map_err(|e| e.to_string())?;
            if !meta.file_type().is_file() {
                return Err(format!(
                    "its sidecar `{}` is not a regular file (symbolic links are not followed); \
                     put the file itself there",
                    sidecar.file_name().unwrap_or_default().to_string_lossy()
                ));
            }
            Some(meta)
        }
        None => None,
    };
    Ok(SourceEntry {
        slug,
        path: path.to_owned(),
        format,
        sidecar,
        fingerprint: format!(
            "{}|{}",
            stamp(&meta),
            sidecar_meta.as_ref().map(stamp).unwrap_or_default()
        ),
        recent: recent(&meta) || sidecar_meta.as_ref().is_some_and(recent),
    })
}

fn read_utf8(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        // The byte and the line say which encoding it was saved in (0xE9 is Latin-1's é) and
        // where to look.
        let bytes = e.as_bytes();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        format!(
            "not valid UTF-8: byte {at} (0x{:02X}, line {line}); save the file as UTF-8",
            bytes.get(at).copied().unwrap_or_default()
        )
    })
}

/// Loads the gazetteer of `dir` (an empty one when the corpus has none) with `additions`
/// made in the browser and kept in the database applied on top, in order.
pub fn load_gazetteer(
    dir: &Path,
    additions: &[crate::domain::actors::Addition],
) -> Result<(Gazetteer, String), String> {
    let text = gazetteer_text(dir, additions)?;
    let gazetteer = Gazetteer::parse(&text)
        .map_err(|e| format!("{}: {e}", dir.join(GAZETTEER_FILE).display()))?;
    let hash = hex::encode(Sha256::digest(text.as_bytes()));
    Ok((gazetteer, hash))
}

/// The text of the gazetteer in force: `actors.toml` with `additions` made.
pub fn gazetteer_text(
    dir: &Path,
    additions: &[crate::domain::actors::Addition],
) -> Result<String, String> {
    let path = dir.join(GAZETTEER_FILE);
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(path = %path.display(), "no actor gazetteer; no actors will be highlighted");
            String::new()
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    for addition in additions {
        text = gazetteer_file::apply(&text, addition)?;
    }
    Ok(text)
}

/// The hash that decides whether a stored document is current: its content, the
/// gazetteer it was matched against, and the analysis code.
pub fn analysis_hash(content_hash: &str, gazetteer_hash: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [content_hash, gazetteer_hash, ANALYSIS_VERSION] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_give_one_slug_are_all_left_out_and_each_names_the_others() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["brief.md", "brief.txt", "other.txt", "notes.pdf"] {
            std::fs::write(dir.path().join(name), "A paragraph.\n").unwrap();
        }
        let scan = scan(dir.path()).unwrap();
        let slugs: Vec<&str> = scan.entries.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["other"]);
        let problems: Vec<_> = scan.problems.iter().map(|p| p.path.clone()).collect();
        assert_eq!(
            problems,
            [dir.path().join("brief.md"), dir.path().join("brief.txt")]
        );
        for problem in &scan.problems {
            assert!(
                problem
                    .message
                    .starts_with("`brief.md` and `brief.txt` give the same slug, `brief`,"),
                "{}",
                problem.message
            );
        }
    }

    #[test]
    fn a_file_not_in_utf8_is_refused_naming_the_byte_and_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("latin.txt"),
            b"First line.\nCaf\xe9 talks.\n",
        )
        .unwrap();
        let scan = scan(dir.path()).unwrap();
        let problem = scan.entries[0].load().unwrap_err();
        assert_eq!(
            problem,
            "not valid UTF-8: byte 15 (0xE9, line 2); save the file as UTF-8"
        );
    }

    #[test]
    fn a_sidecar_is_found_in_any_case_and_one_that_cannot_apply_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("brief.txt", "A paragraph.\n"),
            ("brief.TOML", "title = \"The brief\"\n"),
            ("twice.txt", "A paragraph.\n"),
            ("twice.toml", "title = \"One\"\n"),
            ("twice.Toml", "title = \"Two\"\n"),
            ("essay.md", "An essay.\n"),
            ("essay.toml", "title = \"Lost\"\n"),
            ("breif.toml", "title = \"A typo\"\n"),
            ("actors.toml", "# the gazetteer\n"),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let scan = scan(dir.path()).unwrap();
        let slugs: Vec<&str> = scan.entries.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["brief", "essay"]);
        let loaded = scan.entries[0].load().unwrap();
        assert_eq!(loaded.sidecar.as_deref(), Some("title = \"The brief\"\n"));
        let problems: Vec<(String, &str)> = scan
            .problems
            .iter()
            .map(|p| {
                let name = p.path.file_name().unwrap().to_string_lossy().into_owned();
                (name, p.message.as_str())
            })
            .collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(problems[0].0, "twice.txt");
        assert!(
            problems[0]
                .1
                .starts_with("`twice.Toml` and `twice.toml` are both its sidecar")
        );
        assert_eq!(problems[1].0, "breif.toml");
        assert!(
            problems[1]
                .1
                .starts_with("names no `.txt` document beside it")
        );
        assert_eq!(problems[2].0, "essay.toml");
        assert!(problems[2].1.starts_with("is beside a Markdown file"));
    }

    #[test]
    fn hidden_files_are_skipped_and_extensions_read_in_any_case() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "._brief.txt",
            ".draft.md",
            "notes.TXT",
            "trail-.Md",
            "plain.txt",
        ] {
            std::fs::write(dir.path().join(name), "A paragraph.\n").unwrap();
        }
        let scan = scan(dir.path()).unwrap();
        let slugs: Vec<&str> = scan.entries.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["notes", "plain", "trail-"]);
        std::fs::write(dir.path().join("plain.txt"), " \n\n \n").unwrap();
        let refused = scan.entries[1].load().unwrap_err();
        assert!(refused.starts_with("is empty"), "{refused}");
        assert!(scan.problems.is_empty(), "{:?}", scan.problems);
        assert_eq!(import::title_from_slug("trail-"), "Trail");
        assert_eq!(import::title_from_slug("a--b-"), "A b");
    }

    #[test]
    fn a_file_loses_its_byte_order_mark_and_a_control_character_is_refused_by_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("marked.txt"), "\u{feff}Moscow said so.\r\n").unwrap();
        std::fs::write(dir.path().join("bell.txt"), "A line.\nA bell \u{7} here.\n").unwrap();
        let scan = scan(dir.path()).unwrap();
        let load = |slug: &str| {
            scan.entries
                .iter()
                .find(|e| e.slug.as_str() == slug)
                .unwrap()
                .load()
        };
        assert_eq!(load("marked").unwrap().text, "Moscow said so.\r\n");
        assert_eq!(
            load("bell").unwrap_err(),
            "holds a control character (U+0007) on line 2; remove it"
        );
    }
}
