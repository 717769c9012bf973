//! All SQL lives here. Queries are runtime-checked (`query_as` + `FromRow`) with `$n`
//! placeholders, ids come back through `returning` and order is kept in columns, so the
//! same statements serve a PostgreSQL store; what only SQLite does (its PRAGMAs, the single
//! writer connection, `BEGIN IMMEDIATE`, its result codes) lives in [`sqlite`].

use std::path::Path;

use sqlx::{SqlitePool, Transaction};

pub mod actors;
pub mod analysts;
pub mod annotations;
pub mod documents;
pub mod sqlite;

pub use sqlite::MIGRATOR;

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
    /// The storage fault behind this error, if it is one.
    pub fn fault(&self) -> Option<StorageFault> {
        match self {
            StoreError::Sqlx(e) => sqlite::fault(e),
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
    /// The database's own counter (see `migrations/sqlite/0006_generation.sql`), as last read by
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
        match sqlite::open_read_write(path).await {
            Ok((pool, writer)) => {
                let mut store = Store::with_pool(pool, true);
                store.writer = writer;
                Ok(store)
            }
            Err(e) if sqlite::cannot_write(&e) && path.exists() => {
                tracing::warn!(path = %path.display(), "the database is read-only; serving it for reading only");
                Ok(Store::with_pool(sqlite::open_read_only(path).await?, false))
            }
            Err(e) => Err(e),
        }
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

    /// Starts a write transaction on the writer connection.
    async fn write(&self) -> StoreResult<Transaction<'static, sqlx::Sqlite>> {
        Ok(sqlite::begin_write(&self.writer).await?)
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

    #[tokio::test]
    async fn notes_written_before_page_notes_existed_survive_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let before_page_notes = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(
                MIGRATOR.iter().filter(|m| m.version < 8).cloned().collect(),
            ),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before_page_notes.run(&pool).await.unwrap();
        for statement in [
            "insert into documents (id, slug, title, format, content_hash, analysis_hash, imported_at, updated_at)
             values (1, 'd', 'D', 'txt', 'h', 'a', 't', 't')",
            "insert into paragraphs (id, document_id, ordinal, kind, text) values (1, 1, 1, 'paragraph', 'Moscow and Seoul')",
            "insert into analysts (id, name, token_hash, created_at) values (1, 'alice', 'x', 't')",
            "insert into annotations (id, document_id, analyst_id, motivation, body, visibility, start_cp, end_cp,
               exact, prefix, suffix, document_version, created, modified, anchor_status, original_exact)
             values ('0123456789abcdef0123456789abcdef', 1, 1, 'commenting', 'Old note.', 'team', 0, 6,
               'Moscow', '', ' and Seoul', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'moved', 'Moscow')",
        ] {
            sqlx::query(statement).execute(&pool).await.unwrap();
        }
        pool.close().await;

        let store = Store::open(&path).await.unwrap();
        let notes = store
            .list_notes(1, annotations::NoteFilter::Team, 0, 10)
            .await
            .unwrap();
        assert_eq!(notes.len(), 1);
        let note = &notes[0];
        assert_eq!(
            note.anchor.as_ref().map(|a| a.exact.as_str()),
            Some("Moscow")
        );
        assert_eq!(note.status, crate::domain::reanchor::AnchorStatus::Moved);
        assert_eq!(note.kept, crate::domain::annotation::KeptFields::default());
        let generation = store.setting("generation").await.unwrap();
        sqlx::query("update annotations set body = 'Edited.'")
            .execute(store.pool())
            .await
            .unwrap();
        assert_ne!(
            store.setting("generation").await.unwrap(),
            generation,
            "the rebuilt table still moves the generation"
        );
    }
}
