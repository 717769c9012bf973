//! What only SQLite does: the file's PRAGMAs, one writer connection that every write
//! transaction runs on, `BEGIN IMMEDIATE`, and SQLite's result codes for storage faults.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqlitePool, Transaction};

use super::{StorageFault, StoreResult};

/// The embedded migrations from `migrations/sqlite/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Opens (creating if missing) the database file for reading and writing and applies
/// pending migrations: a pool for reads and the single writer connection.
pub(super) async fn open_read_write(path: &Path) -> StoreResult<(SqlitePool, SqlitePool)> {
    if !path.exists() {
        let shown = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        tracing::info!(path = %shown.display(), "creating a new, empty database");
    }
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: an acknowledged write survives power loss, not only a process crash.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = pool_options(8).connect_with(options.clone()).await?;
    MIGRATOR.run(&pool).await?;
    // One writer connection: writers queue here in order instead of contending for
    // SQLite's lock, whose busy handler sleeps for milliseconds at a time.
    let writer = pool_options(1).connect_with(options).await?;
    Ok((pool, writer))
}

/// Opens a database that cannot be written (a read-only file system), for reading only.
pub(super) async fn open_read_only(path: &Path) -> StoreResult<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .read_only(true)
        .immutable(true);
    Ok(SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?)
}

/// Starts a write transaction that takes the write lock at once, so concurrent writers
/// wait their turn instead of failing mid-way.
pub(super) async fn begin_write(
    writer: &SqlitePool,
) -> Result<Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    writer.begin_with("BEGIN IMMEDIATE").await
}

fn pool_options(connections: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(connections)
        // After SQLITE_FULL or an I/O error SQLite has already rolled the transaction back,
        // so sqlx's own rollback fails and the connection would stay "in a transaction" for
        // good, failing every later write. Such a connection is closed instead of reused.
        .after_release(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
}

/// SQLite's primary result code, for errors SQLite reported.
fn result_code(error: &sqlx::Error) -> Option<i32> {
    let sqlx::Error::Database(e) = error else {
        return None;
    };
    // Extended result codes keep the primary code in the low byte.
    Some(e.code()?.parse::<i32>().ok()? & 0xff)
}

/// The storage fault behind an error SQLite reported, if it is one.
pub(super) fn fault(error: &sqlx::Error) -> Option<StorageFault> {
    match result_code(error)? {
        13 => Some(StorageFault::Full),
        8 => Some(StorageFault::ReadOnly),
        5 | 6 => Some(StorageFault::Busy),
        _ => None,
    }
}

/// Whether opening failed because the file cannot be written: `SQLITE_READONLY`, or
/// `SQLITE_CANTOPEN` when the WAL files cannot be created next to it.
pub(super) fn cannot_write(error: &super::StoreError) -> bool {
    match error {
        super::StoreError::Sqlx(e) => matches!(result_code(e), Some(8 | 14)),
        _ => false,
    }
}
