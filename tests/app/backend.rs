//! This binary runs the suite on SQLite: a test's database is the file its path names.

use std::path::Path;

/// The backend's name, as glossa says it.
pub const NAME: &str = "sqlite";

/// The backend's migrations.
pub static MIGRATOR: &sqlx::migrate::Migrator = &glossa::store::sqlite::MIGRATOR;

/// The file itself.
pub fn database_url(db: &Path) -> String {
    db.display().to_string()
}
