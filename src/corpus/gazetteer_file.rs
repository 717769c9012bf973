//! Writing additions into `actors.toml` the way a person would: the new alias at the end of
//! its actor's list, a new actor as a new `[[actor]]` table at the end, and every comment,
//! blank line and the order of the file kept.

use std::path::Path;

use indicatif::ProgressBar;
use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value, value};

use super::import::{ImportError, ImportReport, import_corpus};
use super::{GAZETTEER_FILE, gazetteer_text};
use crate::domain::actors::{Addition, AdditionError, Gazetteer};
use crate::store::{Store, StoreError};

/// Where an addition was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// In `actors.toml`.
    File,
    /// In the database: on PostgreSQL, where every instance must see it, or where the corpus
    /// directory is read-only.
    Database,
}

/// Why a name could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// The gazetteer refuses it.
    #[error(transparent)]
    Refused(#[from] AdditionError),
    /// This instance has no corpus directory to write to or to re-match.
    #[error(
        "this instance serves no corpus directory ({0}), so it cannot re-match documents; add names where glossa runs with its corpus"
    )]
    NoCorpus(String),
    /// The gazetteer in force cannot be read.
    #[error("{0}")]
    Gazetteer(String),
    /// Writing the file failed for another reason than its being read-only.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The re-import failed.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One edit of the gazetteer at a time in this process; across instances the import lock
/// orders them.
static EDITS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Adds a name to the gazetteer of corpus `dir` on behalf of `analyst` — in `actors.toml`
/// on SQLite when the directory is writable, else in the database. The documents still name
/// what they named until [`rematch`] runs.
pub async fn save_addition(
    store: &Store,
    dir: &Path,
    addition: &Addition,
    analyst: &str,
) -> Result<Kept, AddError> {
    if !dir.is_dir() {
        return Err(AddError::NoCorpus(dir.display().to_string()));
    }
    let _edit = EDITS.lock().await;
    let additions = store.gazetteer_additions().await?;
    let current = gazetteer_text(dir, &additions).map_err(AddError::Gazetteer)?;
    Gazetteer::parse(&current)
        .map_err(|e| AddError::Gazetteer(e.to_string()))?
        .check_addition(addition)?;
    let next = apply(&current, addition).map_err(AddError::Gazetteer)?;
    Gazetteer::parse(&next).map_err(|e| AdditionError::Invalid(e.0))?;
    // Instances sharing a PostgreSQL database share its additions, whatever their own files
    // say; and once additions live in the database they all do, so they keep one order.
    if additions.is_empty() && store.backend_name() == "sqlite" {
        let path = dir.join(GAZETTEER_FILE);
        match write_replacing(&path, &next) {
            Ok(()) => return Ok(Kept::File),
            Err(e) if read_only(&e) => {}
            Err(source) => {
                return Err(AddError::Write {
                    path: path.display().to_string(),
                    source,
                });
            }
        }
    }
    store.add_gazetteer_addition(addition, analyst).await?;
    Ok(Kept::Database)
}

/// Matches every document of `dir` against the gazetteer in force: the import, one at a time
/// in this process and, on PostgreSQL, across instances.
pub async fn rematch(store: &Store, dir: &Path) -> Result<ImportReport, AddError> {
    let _edit = EDITS.lock().await;
    let lock = store.import_lock().await?;
    let report = import_corpus(store, dir, &ProgressBar::hidden()).await?;
    drop(lock);
    Ok(report)
}

fn read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Writes `text` to `path` through a file beside it that replaces it whole, so a crash leaves
/// the old gazetteer or the new one, never half of one.
fn write_replacing(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let temporary = path.with_extension(format!("toml.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// `toml_text` with `addition` made. The text must already be a valid gazetteer; the caller
/// checks the result with the gazetteer's own validation.
pub fn apply(toml_text: &str, addition: &Addition) -> Result<String, String> {
    let mut doc: DocumentMut = toml_text
        .parse()
        .map_err(|e| format!("actors.toml cannot be read: {e}"))?;
    if doc.get("actor").is_none() {
        doc.insert("actor", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let actors = doc
        .get_mut("actor")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or("actors.toml: `actor` is not a list of [[actor]] tables")?;
    match addition {
        Addition::Alias { actor_id, alias } => {
            let table = actors
                .iter_mut()
                .find(|t| t.get("id").and_then(Item::as_str) == Some(actor_id))
                .ok_or_else(|| format!("actors.toml has no actor `{actor_id}`"))?;
            match table.get_mut("aliases") {
                Some(item) => {
                    let list = item
                        .as_array_mut()
                        .ok_or_else(|| format!("the aliases of `{actor_id}` are not a list"))?;
                    push_string(list, alias);
                }
                None => {
                    let mut list = Array::new();
                    list.push(alias.as_str());
                    table.insert("aliases", value(list));
                }
            }
        }
        Addition::Actor {
            id,
            name,
            kind,
            affiliation,
            role,
            aliases,
        } => {
            let mut table = Table::new();
            table.insert("id", value(id.as_str()));
            table.insert("name", value(name.as_str()));
            table.insert("kind", value(kind.as_str()));
            if let Some(affiliation) = affiliation {
                table.insert("affiliation", value(affiliation.as_str()));
            }
            if let Some(role) = role {
                table.insert("role", value(role.as_str()));
            }
            if !aliases.is_empty() {
                let list: Array = aliases.iter().map(String::as_str).collect();
                table.insert("aliases", value(list));
            }
            actors.push(table);
        }
    }
    Ok(doc.to_string())
}

/// Appends `text` to `list` written the way the list already is: after the last element,
/// with the same space before it.
fn push_string(list: &mut Array, text: &str) {
    let trailing = list.trailing().as_str().map(str::to_owned);
    list.push(text);
    if let Some(Value::String(added)) = list.iter_mut().last() {
        added.decor_mut().set_prefix(" ");
    }
    if let Some(trailing) = trailing {
        list.set_trailing(trailing);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actors::{ActorKind, Gazetteer};

    const FILE: &str = "# The gazetteer.\n\n# --- States\n\n[[actor]]\nid = \"RUS\"\nname = \"Russia\"\nkind = \"state\"\naliases = [\"Moscow\",\n  \"the Kremlin\"]  # metonyms\n\n[[actor]]\nid = \"CHN\"\nname = \"China\"\nkind = \"state\"\n";

    #[test]
    fn an_alias_joins_its_actor_and_the_comments_stay() {
        let out = apply(
            FILE,
            &Addition::Alias {
                actor_id: "RUS".into(),
                alias: "Russian Federation".into(),
            },
        )
        .unwrap();
        assert!(
            out.starts_with("# The gazetteer.\n\n# --- States\n"),
            "{out}"
        );
        assert!(
            out.contains("\"the Kremlin\", \"Russian Federation\"]  # metonyms"),
            "{out}"
        );
        let china = apply(
            &out,
            &Addition::Alias {
                actor_id: "CHN".into(),
                alias: "Beijing".into(),
            },
        )
        .unwrap();
        let gazetteer = Gazetteer::parse(&china).unwrap();
        assert!(
            gazetteer
                .get("CHN")
                .unwrap()
                .aliases
                .iter()
                .any(|a| a.text == "Beijing")
        );
        assert!(
            gazetteer
                .get("RUS")
                .unwrap()
                .aliases
                .iter()
                .any(|a| a.text == "Russian Federation")
        );
    }

    #[test]
    fn a_new_actor_goes_last() {
        let out = apply(
            FILE,
            &Addition::Actor {
                id: "kim-jong-un".into(),
                name: "Kim Jong Un".into(),
                kind: ActorKind::Person,
                affiliation: Some("PRK".into()),
                role: Some("Supreme Leader".into()),
                aliases: vec!["Kim Jong-un".into()],
            },
        )
        .unwrap();
        assert!(out.starts_with(FILE.trim_end()), "{out}");
        assert!(
            out.trim_end().ends_with("aliases = [\"Kim Jong-un\"]"),
            "{out}"
        );
        let ids: Vec<String> = Gazetteer::parse(&out.replace("\"PRK\"", "\"CHN\""))
            .unwrap()
            .actors()
            .iter()
            .map(|a| a.id.clone())
            .collect();
        assert_eq!(ids, ["RUS", "CHN", "kim-jong-un"]);
    }

    #[test]
    fn an_empty_gazetteer_gets_its_first_actor() {
        let out = apply(
            "# nothing yet\n",
            &Addition::Actor {
                id: "KCNA".into(),
                name: "KCNA".into(),
                kind: ActorKind::Organisation,
                affiliation: None,
                role: None,
                aliases: Vec::new(),
            },
        )
        .unwrap();
        assert!(out.contains("# nothing yet\n"), "{out}");
        assert_eq!(Gazetteer::parse(&out).unwrap().actors().len(), 1);
    }
}
