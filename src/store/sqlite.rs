//! What only SQLite does: the file's PRAGMAs, one writer connection that every write
//! transaction runs on, `BEGIN IMMEDIATE`, a generation counter kept by triggers, and SQLite's
//! result codes for storage faults. The statements themselves are in `queries/`.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::error::DatabaseError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqlitePool, Transaction};

use super::{ImportLock, Shared, StorageFault, StoreError, StoreResult};

/// The statements shared with PostgreSQL, compiled against SQLite's pool.
#[path = "queries/mod.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend on purpose: one text, two concrete pools"
)]
mod queries;

mod group_commit;

type Db = sqlx::Sqlite;

/// The embedded migrations from `migrations/sqlite/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// An open SQLite database.
#[derive(Debug, Clone)]
pub(super) struct Handle {
    pub(super) pool: SqlitePool,
    /// The single connection every write transaction runs on.
    writer: SqlitePool,
    pub(super) writable: bool,
    shared: Arc<Shared>,
    /// New notes waiting for a group commit on `writer`.
    notes: Arc<group_commit::NoteQueue>,
}

impl Handle {
    /// Opens (creating if missing) the database file and applies pending migrations; a file
    /// that cannot be written is opened for reading only.
    pub(super) async fn open(path: &Path, shared: Arc<Shared>) -> StoreResult<Handle> {
        match open_read_write(path).await {
            Ok((pool, writer)) => Ok(Handle {
                pool,
                writer,
                writable: true,
                shared,
                notes: Arc::default(),
            }),
            Err(e) if cannot_write(&e) && path.exists() => {
                tracing::warn!(path = %path.display(), "the database is read-only; serving it for reading only");
                let pool = open_read_only(path).await?;
                Ok(Handle {
                    writer: pool.clone(),
                    pool,
                    writable: false,
                    shared,
                    notes: Arc::default(),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Reads the counter that triggers move on every write by any process
    /// (`migrations/sqlite/0006_generation.sql`).
    pub(super) async fn refresh_generation(&self) -> StoreResult<()> {
        let value = self.setting("generation").await?;
        let counter = value.and_then(|v| v.parse().ok()).unwrap_or(0);
        self.shared.set_database_generation(counter);
        Ok(())
    }

    /// Polls the counter four times a second until the pool is closed.
    pub(super) async fn watch_changes(&self) {
        let mut every = tokio::time::interval(Duration::from_millis(250));
        while !self.pool.is_closed() {
            every.tick().await;
            if let Err(e) = self.refresh_generation().await {
                tracing::warn!(error = %e, "cannot read the generation counter");
            }
        }
    }

    /// Stores a new note durably, sharing its commit with the notes that arrive meanwhile.
    pub(super) async fn insert_note_grouped(
        &self,
        note: super::annotations::NewNote,
    ) -> StoreResult<super::annotations::Created> {
        self.notes.insert(&self.writer, &self.shared, note).await
    }

    /// SQLite's single writer already puts imports in order.
    pub(super) async fn import_lock(&self) -> StoreResult<ImportLock> {
        Ok(ImportLock { _held: None })
    }
}

/// Opens (creating if missing) the database file for reading and writing and applies
/// pending migrations: a pool for reads and the single writer connection.
async fn open_read_write(path: &Path) -> StoreResult<(SqlitePool, SqlitePool)> {
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
    // A connection keeps 1 MiB of pages instead of SQLite's 2 MiB: nine connections kept
    // 18 MiB of pages that the kernel's page cache already holds for all of them.
    let pool = pool_options(8)
        .connect_with(options.clone().pragma("cache_size", CONNECTION_CACHE_KIB))
        .await?;
    MIGRATOR.run(&pool).await?;
    // One writer connection: writers queue here in order instead of contending for
    // SQLite's lock, whose busy handler sleeps for milliseconds at a time.
    // Its temporary files in memory: a savepoint copies every page it changes to a
    // statement journal, which SQLite otherwise creates, writes and deletes on disk once per
    // transaction.
    let writer = pool_options(1)
        .connect_with(
            options
                .pragma("cache_size", CONNECTION_CACHE_KIB)
                .pragma("temp_store", "memory"),
        )
        .await?;
    Ok((pool, writer))
}

/// Opens a database that cannot be written (a read-only file system), for reading only.
async fn open_read_only(path: &Path) -> StoreResult<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .read_only(true)
        .immutable(true);
    Ok(SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?)
}

/// SQLite's full-text clause: its FTS5 index over paragraphs.
mod full_text {
    use sqlx::QueryBuilder;

    use super::Db;
    use crate::domain::search::SearchQuery;
    use crate::store::search::NoteField;

    /// The query as an FTS5 `MATCH` expression.
    pub(super) fn compile(query: &SearchQuery) -> String {
        query.to_fts5()
    }

    /// The tables of a passage search with words: the full-text table drives the join, so that
    /// each hit is found and ranked once.
    pub(super) const MATCHED_PARAGRAPHS: &str =
        " from paragraphs_fts join paragraphs p on p.id = paragraphs_fts.rowid";

    /// Paragraphs `p` whose text matches (with `MATCHED_PARAGRAPHS`).
    pub(super) fn push_match(q: &mut QueryBuilder<Db>, compiled: &str) {
        q.push("paragraphs_fts match ")
            .push_bind(compiled.to_owned());
    }

    /// bm25 relevance, higher first (SQLite's rank is lower-is-better).
    pub(super) fn push_score(q: &mut QueryBuilder<Db>, _compiled: &str) {
        q.push("-paragraphs_fts.rank");
    }

    /// How many paragraphs match, counted by the index alone.
    pub(super) fn push_count_matches(q: &mut QueryBuilder<Db>, compiled: &str) {
        q.push(" from paragraphs_fts where paragraphs_fts match ")
            .push_bind(compiled.to_owned());
    }

    /// A page of matching paragraph ids and scores, best first (`id`, `score`), ranked by the
    /// index alone.
    pub(super) fn push_ranked_matches(
        q: &mut QueryBuilder<Db>,
        compiled: &str,
        limit: i64,
        offset: i64,
    ) {
        q.push(
            "select rowid as id, -rank as score from paragraphs_fts where paragraphs_fts match ",
        )
        .push_bind(compiled.to_owned())
        .push(" order by rank, rowid limit ")
        .push_bind(limit)
        .push(" offset ")
        .push_bind(offset);
    }

    /// The tables of a note search with words to match anywhere in the note.
    pub(super) const MATCHED_NOTES: &str =
        " from notes_fts join annotations n on n.id = notes_fts.note_id";

    /// Notes `n` whose body, tags or quote match (with `MATCHED_NOTES`).
    pub(super) fn push_note_match(q: &mut QueryBuilder<Db>, compiled: &str) {
        q.push("notes_fts match ").push_bind(compiled.to_owned());
    }

    /// bm25 relevance of a note, higher first; its body weighs most.
    pub(super) fn push_note_score(q: &mut QueryBuilder<Db>, _compiled: &str) {
        q.push("-bm25(notes_fts, 0, 4, 2, 1)");
    }

    /// Notes `n` whose `field` alone matches.
    pub(super) fn push_note_field_match(
        q: &mut QueryBuilder<Db>,
        field: NoteField,
        compiled: &str,
    ) {
        let column = match field {
            NoteField::Body => "body",
            NoteField::Quote => "quote",
        };
        q.push("n.id in (select note_id from notes_fts where notes_fts match ")
            .push_bind(format!("{{{column}}} : ({compiled})"))
            .push(")");
    }

    /// Joined after a note search's tables: each of the note's tags as `t.value`.
    pub(super) const NOTE_TAGS: &str = ", json_each(n.tags) t";

    /// `column` holds `needle` as it is, case included.
    pub(super) fn push_contains(q: &mut QueryBuilder<Db>, column: &str, needle: String) {
        q.push(format!("instr({column}, "))
            .push_bind(needle)
            .push(") > 0");
    }
}

/// Every connection's page cache (a negative `cache_size` is KiB).
const CONNECTION_CACHE_KIB: &str = "-1024";

/// The writer's page cache while an import batch is written: the batch's pages stay in
/// memory until its commit instead of spilling to the log (the import ran 17 % faster).
async fn bulk_write_begins(tx: &mut Transaction<'static, Db>) -> StoreResult<()> {
    sqlx::query("pragma cache_size = -32768")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Handle {
    /// Gives back the memory [`bulk_write_begins`] took; pages beyond the limit are freed.
    async fn bulk_write_ended(&self) {
        let reset = format!("pragma cache_size = {CONNECTION_CACHE_KIB}");
        if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(reset))
            .execute(&self.writer)
            .await
        {
            tracing::warn!(error = %e, "cannot shrink the writer's page cache after an import");
        }
    }
}

/// SQLite takes explicit values for its `integer primary key` columns as they are.
const OVERRIDING_IDENTITY: &str = "";

/// Nothing to do: SQLite's next id is always past the largest one stored.
async fn after_copying_identities(
    _tx: &mut Transaction<'static, Db>,
    _table: &str,
) -> StoreResult<()> {
    Ok(())
}

/// Starts a write transaction that takes the write lock at once, so concurrent writers
/// wait their turn instead of failing mid-way.
async fn begin_write(writer: &SqlitePool) -> Result<Transaction<'static, Db>, sqlx::Error> {
    writer.begin_with("BEGIN IMMEDIATE").await
}

fn pool_options(connections: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(connections)
        // A file does not drop a connection the way a server can: pinging it before each
        // use would only add a round trip to its thread.
        .test_before_acquire(false)
        // After SQLITE_FULL or an I/O error SQLite has already rolled the transaction back,
        // so sqlx's own rollback fails and the connection would stay "in a transaction" for
        // good, failing every later write. Such a connection is closed instead of reused.
        .after_release(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
}

/// SQLite's primary result code, for errors SQLite reported.
fn result_code(error: &sqlx::Error) -> Option<i32> {
    let e = error
        .as_database_error()?
        .try_downcast_ref::<sqlx::sqlite::SqliteError>()?;
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
fn cannot_write(error: &StoreError) -> bool {
    match error {
        StoreError::Sqlx(e) => matches!(result_code(e), Some(8 | 14)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[tokio::test]
    async fn opening_creates_the_file_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).await.unwrap();
        let pool = store.sqlite_pool().unwrap();
        let mode: String = sqlx::query_scalar("pragma journal_mode")
            .fetch_one(pool)
            .await
            .unwrap();
        let fk: i64 = sqlx::query_scalar("pragma foreign_keys")
            .fetch_one(pool)
            .await
            .unwrap();
        let sync: i64 = sqlx::query_scalar("pragma synchronous")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!((mode.as_str(), fk, sync), ("wal", 1, 2));
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
                super::MIGRATOR
                    .iter()
                    .filter(|m| m.version < 8)
                    .cloned()
                    .collect(),
            ),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before_page_notes.run(&pool).await.unwrap();
        for statement in [
            "insert into documents (id, slug, title, format, content_hash, analysis_hash, imported_at, updated_at)
             values (1, 'd', 'D', 'txt', 'h', 'a', 't', 't')",
            "insert into paragraphs (id, document_id, ordinal, kind, text) values (1, 1, 1, 'paragraph', 'Moscow and Seoul')",
            "insert into paragraphs (id, document_id, ordinal, kind, text) values (2, 1, 2, 'paragraph', 'Beijing watched.')",
            "insert into actors (id, name, kind) values ('RUS', 'Russia', 'state'), ('CHN', 'China', 'state')",
            "insert into mentions (paragraph_id, actor_id, start_cp, end_cp, matched)
             values (1, 'RUS', 0, 6, 'Moscow'), (2, 'CHN', 0, 7, 'Beijing')",
            "insert into analysts (id, name, token_hash, created_at) values (1, 'alice', 'x', '2026-01-01T00:00:00Z')",
            "insert into annotations (id, document_id, analyst_id, motivation, body, visibility, start_cp, end_cp,
               exact, prefix, suffix, document_version, created, modified, anchor_status, original_exact)
             values ('0123456789abcdef0123456789abcdef', 1, 1, 'commenting', 'Old note.', 'team', 0, 6,
               'Moscow', '', ' and Seoul', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'moved', 'Moscow'),
               ('fedcba9876543210fedcba9876543210', 1, 1, 'commenting', 'Second.', 'team', 18, 25,
               'Beijing', 'Seoul\n\n', ' watched.', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'exact', 'Beijing')",
        ] {
            sqlx::query(statement).execute(&pool).await.unwrap();
        }
        pool.close().await;

        let store = Store::open(&path).await.unwrap();
        let notes = store
            .list_notes(1, crate::store::annotations::NoteFilter::Team, 0, 10)
            .await
            .unwrap();
        assert_eq!(notes.len(), 2);
        let note = &notes[0];
        assert_eq!(
            note.anchor.as_ref().map(|a| a.exact.as_str()),
            Some("Moscow")
        );
        assert_eq!(note.status, crate::domain::reanchor::AnchorStatus::Moved);
        assert_eq!(note.kept, crate::domain::annotation::KeptFields::default());
        let search = |q: &str| {
            crate::store::search::NoteSearch::from(
                crate::domain::search::SearchQuery::parse(q).unwrap(),
            )
        };
        let team = crate::store::annotations::NoteFilter::Team;
        assert_eq!(
            store
                .search_notes(&search("old"), team, 0, 10)
                .await
                .unwrap()
                .total,
            1,
            "notes written before search existed are indexed"
        );
        assert_eq!(
            store
                .search_passages(&search("Seoul").query, 0, 10)
                .await
                .unwrap()
                .total,
            1,
            "and so are paragraphs"
        );
        for (actor, body) in [("RUS", "Old note."), ("CHN", "Second.")] {
            let found = store
                .search_notes(&search(&format!("actor:{actor}")), team, 0, 10)
                .await
                .unwrap();
            let bodies: Vec<&str> = found.hits.iter().map(|h| h.note.body.as_str()).collect();
            assert_eq!(
                bodies,
                vec![body],
                "paragraph offsets filled in for older paragraphs: {actor}"
            );
        }
        let generation = store.setting("generation").await.unwrap();
        sqlx::query("update annotations set body = 'Edited.'")
            .execute(store.sqlite_pool().unwrap())
            .await
            .unwrap();
        assert_ne!(
            store.setting("generation").await.unwrap(),
            generation,
            "the rebuilt table still moves the generation"
        );
    }
}
