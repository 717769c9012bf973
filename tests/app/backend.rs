//! This binary runs the suite on SQLite: a test's database is the file its path names.

use std::path::Path;

/// The file itself.
pub fn database_url(db: &Path) -> String {
    db.display().to_string()
}
