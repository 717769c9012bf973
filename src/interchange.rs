//! Reading notes back in: `glossa notes import FILE` restores the notes of an exported HTML
//! file or of a W3C `AnnotationCollection` into a database, ids, selectors, bodies, tags,
//! creators, timestamps and visibility included.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::domain::anchor::{Anchor, DocumentText, anchor_at, resolve};
use crate::domain::annotation::{
    ImportedNote, annotation_items, embedded_collection, parse_imported,
};
use crate::domain::reanchor::AnchorStatus;
use crate::store::Store;
use crate::store::annotations::{RestoreSummary, RestoredNote};

/// What an import did, including notes that no longer anchor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotesImport {
    /// Written, kept, new authors.
    pub restored: RestoreSummary,
    /// Notes whose quote is not in the current text: imported, listed as orphans.
    pub orphans: usize,
}

/// Reads a file (an export or JSON-LD) and restores its notes: all of them, or none with an
/// error that names what is wrong.
pub async fn import_notes_file(store: &Store, path: &Path) -> Result<NotesImport, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let json = if text.trim_start().starts_with('<') {
        embedded_collection(&text)
            .ok_or("this HTML file has no embedded glossa annotations (is it a glossa export?)")?
    } else {
        text.as_str()
    };
    let value: Value = serde_json::from_str(json).map_err(|e| format!("not valid JSON: {e}"))?;
    let notes = annotation_items(&value)?
        .into_iter()
        .enumerate()
        .map(|(i, item)| parse_imported(item).map_err(|e| format!("annotation {}: {e}", i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut texts: HashMap<String, std::sync::Arc<DocumentText>> = HashMap::new();
    let mut restored = Vec::with_capacity(notes.len());
    let mut orphans = 0;
    for note in &notes {
        if !texts.contains_key(&note.slug) {
            let row = store
                .document_text(&note.slug)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| {
                    format!(
                        "document {:?} is not in this database; import the corpus first",
                        note.slug
                    )
                })?;
            texts.insert(note.slug.clone(), row.text);
        }
        let (anchor, anchored) = anchor_for(note, &texts[&note.slug]);
        orphans += usize::from(!anchored);
        let status = if anchored {
            AnchorStatus::Exact
        } else {
            AnchorStatus::Orphan
        };
        restored.push(RestoredNote {
            note,
            anchor,
            status,
        });
    }
    let summary = store
        .restore_notes(&restored)
        .await
        .map_err(|e| e.to_string())?;
    Ok(NotesImport {
        restored: summary,
        orphans,
    })
}

/// The note's anchor in the current text, or, when it no longer fits, the one it was
/// exported with, so the orphan still shows the words it was written on. A page note has
/// none, and always fits.
fn anchor_for(note: &ImportedNote, text: &DocumentText) -> (Option<Anchor>, bool) {
    let Some(selectors) = &note.content.selectors else {
        return (None, true);
    };
    if let Ok(anchor) = resolve(text, selectors) {
        return (Some(anchor), true);
    }
    let quote = selectors.quote.clone().unwrap_or_default();
    let (start, end) = selectors
        .position
        .filter(|(s, e)| s < e)
        .unwrap_or((0, quote.exact.chars().count().max(1)));
    let fallback = if quote.exact.is_empty() {
        anchor_at(text, start, end)
    } else {
        Anchor {
            start,
            end,
            exact: quote.exact,
            prefix: quote.prefix.unwrap_or_default(),
            suffix: quote.suffix.unwrap_or_default(),
        }
    };
    (Some(fallback), false)
}
