//! All SQL lives here. Queries are runtime-checked (`query_as` + `FromRow`) with `$n`
//! placeholders so that a PostgreSQL store can follow; every write runs in an explicit
//! `BEGIN IMMEDIATE` transaction so concurrent writers wait instead of failing mid-way.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqlitePool, Transaction};

pub mod actors;
pub mod analysts;
pub mod annotations;
pub mod documents;

/// The embedded migrations from `migrations/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A storage failure; mapped to a generic 500 at the HTTP edge and logged.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database said no.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// A migration failed.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique name or key is already taken.
    #[error("{0}")]
    Conflict(String),
    /// Stored data that cannot be decoded.
    #[error("stored data is malformed: {0}")]
    Malformed(String),
}

/// A storage fault a client should hear about in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFault {
    /// The disk is full (`SQLITE_FULL`).
    Full,
    /// The database cannot be written (`SQLITE_READONLY`, a read-only file system).
    ReadOnly,
    /// Another writer held the lock for longer than the busy timeout.
    Busy,
}

impl StoreError {
    /// SQLite's primary result code, for errors SQLite reported.
    fn sqlite_code(&self) -> Option<i32> {
        let StoreError::Sqlx(sqlx::Error::Database(e)) = self else {
            return None;
        };
        // Extended result codes keep the primary code in the low byte.
        Some(e.code()?.parse::<i32>().ok()? & 0xff)
    }

    /// The storage fault behind this error, if it is one.
    pub fn fault(&self) -> Option<StorageFault> {
        match self.sqlite_code()? {
            13 => Some(StorageFault::Full),
            8 => Some(StorageFault::ReadOnly),
            5 | 6 => Some(StorageFault::Busy),
            _ => None,
        }
    }
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Document texts for anchoring, by document id, with the version each belongs to.
type TextCache =
    std::collections::HashMap<i64, (i64, std::sync::Arc<crate::domain::anchor::DocumentText>)>;

/// The database: a pool of SQLite connections in WAL mode.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// The single connection every write transaction runs on.
    writer: SqlitePool,
    writable: bool,
    /// Moves after every commit made through this store, so cached pages expire at once.
    local_writes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The database's own counter (see `migrations/0006_generation.sql`), as last read by
    /// [`Store::refresh_generation`]: it catches writes made by other processes.
    database_generation: std::sync::Arc<std::sync::atomic::AtomicI64>,
    /// Document texts for anchoring, by document id, with the version they belong to:
    /// building one (grapheme boundaries included) costs more than saving a note.
    texts: std::sync::Arc<std::sync::Mutex<TextCache>>,
}

impl Store {
    /// Opens (creating if missing) the database at `path` and applies pending migrations.
    /// A database that cannot be written (a read-only file system) is opened read-only, so
    /// reading goes on while writes answer 503; [`Store::is_writable`] says which.
    pub async fn open(path: &Path) -> StoreResult<Store> {
        match Store::open_read_write(path).await {
            // SQLITE_READONLY, or SQLITE_CANTOPEN when the WAL files cannot be created.
            Err(e) if matches!(e.sqlite_code(), Some(8 | 14)) && path.exists() => {
                tracing::warn!(path = %path.display(), "the database is read-only; serving it for reading only");
                Store::open_read_only(path).await
            }
            other => other,
        }
    }

    async fn open_read_only(path: &Path) -> StoreResult<Store> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .read_only(true)
            .immutable(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Store::with_pool(pool, false))
    }

    async fn open_read_write(path: &Path) -> StoreResult<Store> {
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
        let mut store = Store::with_pool(pool, true);
        store.writer = writer;
        Ok(store)
    }

    fn with_pool(pool: SqlitePool, writable: bool) -> Store {
        Store {
            writer: pool.clone(),
            pool,
            writable,
            local_writes: std::sync::Arc::default(),
            database_generation: std::sync::Arc::default(),
            texts: std::sync::Arc::default(),
        }
    }

    fn cached_text(
        &self,
        id: i64,
        version: i64,
    ) -> Option<std::sync::Arc<crate::domain::anchor::DocumentText>> {
        let texts = self.texts.lock().unwrap_or_else(|e| e.into_inner());
        texts
            .get(&id)
            .filter(|(v, _)| *v == version)
            .map(|(_, text)| text.clone())
    }

    fn cache_text(
        &self,
        id: i64,
        version: i64,
        text: std::sync::Arc<crate::domain::anchor::DocumentText>,
    ) {
        let mut texts = self.texts.lock().unwrap_or_else(|e| e.into_inner());
        if texts.len() > 256 {
            texts.clear();
        }
        texts.insert(id, (version, text));
    }

    /// Commits, then moves the generation so that no page rendered before is served again.
    async fn commit(&self, tx: Transaction<'static, sqlx::Sqlite>) -> StoreResult<()> {
        tx.commit().await?;
        self.local_writes
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Ok(())
    }

    /// A number that changes whenever a document or a note may have changed: at once for
    /// writes made through this store, and, for other processes' writes, as soon as
    /// [`Store::refresh_generation`] has read the database's counter.
    pub fn generation(&self) -> i64 {
        let local = self.local_writes.load(std::sync::atomic::Ordering::Acquire) as i64;
        let database = self
            .database_generation
            .load(std::sync::atomic::Ordering::Acquire);
        database.wrapping_mul(1 << 32).wrapping_add(local)
    }

    /// Reads the database's generation counter, which triggers move on every write by any
    /// process; the server calls this a few times a second.
    pub async fn refresh_generation(&self) -> StoreResult<()> {
        let value: Option<String> = self.setting("generation").await?;
        let counter = value.and_then(|v| v.parse().ok()).unwrap_or(0);
        self.database_generation
            .store(counter, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// Closes every connection, so SQLite checkpoints the WAL into the database file and
    /// removes it: the file then holds everything, even on a read-only copy.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// Whether the database was opened for writing.
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// `None` when reads and writes work; otherwise what is wrong. Reads a row, and checks
    /// that the write lock can be taken.
    pub async fn health(&self) -> Option<String> {
        if let Err(e) = sqlx::query_scalar::<_, i64>("select count(*) from documents")
            .fetch_one(&self.pool)
            .await
        {
            return Some(format!("reads fail: {e}"));
        }
        if !self.writable {
            return Some("the database is read-only: notes cannot be saved".into());
        }
        match self.write().await {
            Ok(tx) => tx
                .rollback()
                .await
                .err()
                .map(|e| format!("writes fail: {e}")),
            Err(e) => Some(format!("writes fail: {e}")),
        }
    }

    /// The connection pool, for tests and health checks.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a write transaction that takes the write lock at once.
    async fn write(&self) -> StoreResult<Transaction<'static, sqlx::Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// The latest migration applied to the database.
    pub async fn schema_version(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "select coalesce(max(version), 0) from _sqlx_migrations where success",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Reads a setting.
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("select value from settings where key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Writes a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "insert into settings (key, value) values ($1, $2)
             on conflict (key) do update set value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(())
    }
}

fn pool_options(connections: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(connections)
        // After SQLITE_FULL or an I/O error SQLite has already rolled the transaction back,
        // so sqlx's own rollback fails and the connection would stay "in a transaction" for
        // good, failing every later write. Such a connection is closed instead of reused.
        .after_release(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
}

/// Current UTC time as RFC 3339, the format of every stored timestamp.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opening_creates_the_file_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).await.unwrap();
        let mode: String = sqlx::query_scalar("pragma journal_mode")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let fk: i64 = sqlx::query_scalar("pragma foreign_keys")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let sync: i64 = sqlx::query_scalar("pragma synchronous")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!((mode.as_str(), fk, sync), ("wal", 1, 2));
    }

    #[tokio::test]
    async fn settings_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).await.unwrap();
        assert_eq!(store.setting("k").await.unwrap(), None);
        store.set_setting("k", "v1").await.unwrap();
        store.set_setting("k", "v2").await.unwrap();
        assert_eq!(store.setting("k").await.unwrap().as_deref(), Some("v2"));
    }
}
