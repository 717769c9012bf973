//! All SQL lives here, behind one [`Store`] that runs on SQLite (embedded, the default) or
//! PostgreSQL (several instances on one database).
//!
//! The statements are written once, in `queries/`, in the SQL both databases speak (`$n`
//! placeholders, `returning`, order kept in columns, instants as [`Timestamp`]), and compiled
//! once per backend against its concrete pool: `sqlite.rs` and `postgres.rs` each include
//! them, beside what only that database does (SQLite's PRAGMAs, single writer and result
//! codes; PostgreSQL's SQLSTATEs, `LISTEN/NOTIFY` and advisory locks). The types callers see
//! are defined once, in this module's area files.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

pub mod actors;
pub mod analysts;
pub mod annotations;
pub mod copy;
pub mod documents;
pub mod grades;
pub mod history;
pub mod postgres;
pub mod search;
pub mod sqlite;
pub mod tags;
mod timestamp;
pub mod voices;

pub use timestamp::Timestamp;

/// A storage failure; mapped to a generic 500 at the HTTP edge and logged, unless it is a
/// [`StorageFault`].
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
    /// The failure of a transaction that several requests shared (SQLite's group commit).
    #[error(transparent)]
    Shared(Arc<StoreError>),
}

/// A storage fault a client should hear about in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFault {
    /// The disk is full (`SQLITE_FULL`, SQLSTATE `53100`).
    Full,
    /// The database cannot be written (`SQLITE_READONLY`, a read-only file system, a
    /// read-only transaction `25006` on a PostgreSQL standby).
    ReadOnly,
    /// Another writer held the lock for longer than the busy timeout.
    Busy,
    /// The database server cannot be reached, or is shutting down or starting up.
    Unavailable,
}

impl StoreError {
    /// The storage fault behind this error, if it is one.
    pub fn fault(&self) -> Option<StorageFault> {
        match self {
            StoreError::Sqlx(e) => sqlite::fault(e).or_else(|| postgres::fault(e)),
            StoreError::Shared(e) => e.fault(),
            _ => None,
        }
    }

    /// Whether a database server dropped the connection mid-way (a restart, a failover), so
    /// a read may be tried again at once on a fresh one; not when no connection could be had.
    pub fn connection_lost(&self) -> bool {
        match self {
            StoreError::Sqlx(e) => postgres::connection_lost(e),
            StoreError::Shared(e) => e.connection_lost(),
            _ => false,
        }
    }
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Where the data lives: `--database-url`, or the older `--db` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file (`sqlite://PATH`, `sqlite:PATH` or a bare path).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://…` or `postgresql://…`).
    Postgres(String),
}

impl DatabaseUrl {
    /// Reads a database URL or a bare SQLite path.
    pub fn parse(text: &str) -> Result<DatabaseUrl, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the database URL is empty".into());
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(text.to_owned()));
        }
        if let Some(path) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err("an sqlite:// URL needs a file path, e.g. sqlite://glossa.db".into());
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = text.split_once("://") {
            return Err(format!(
                "glossa cannot use a {scheme}:// database; give sqlite://PATH, a file path, or postgres://…"
            ));
        }
        // A mistyped URL must not become a file named after it (its password included).
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("postgres") || text.contains('@') {
            return Err(
                "this looks like a PostgreSQL URL without its \"://\"; write postgres://USER@HOST/DATABASE (or, for a file whose name has an @, sqlite://PATH)".into(),
            );
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(text)))
    }

    /// The URL as logs may show it: a PostgreSQL password (in the user part or as a
    /// `password=` parameter) is left out.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => path.display().to_string(),
            DatabaseUrl::Postgres(url) => postgres::redact(url),
        }
    }
}

/// Settings for a PostgreSQL pool (SQLite's are fixed: one writer, eight readers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// Connections per instance.
    pub max_connections: u32,
    /// Longest a statement may run before PostgreSQL cancels it.
    pub statement_timeout: std::time::Duration,
}

impl Default for PoolSettings {
    fn default() -> PoolSettings {
        PoolSettings {
            max_connections: 16,
            statement_timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// The memory the document texts kept for anchoring may hold together.
const TEXT_CACHE_BYTES: usize = 4 << 20;

/// Document texts for anchoring, by document id, with the version each belongs to.
type TextCache = std::collections::HashMap<i64, (i64, Arc<crate::domain::anchor::DocumentText>)>;

/// What every backend shares with the store: the counters behind page caching and the
/// cache of document texts.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// Moves after every commit made through this store, so cached pages expire at once.
    local_writes: AtomicU64,
    /// Moves when another process changed the database (read from SQLite's counter, or
    /// heard from PostgreSQL's notifications).
    database_generation: AtomicI64,
    /// Document texts for anchoring: building one (grapheme boundaries included) costs more
    /// than saving a note.
    texts: std::sync::Mutex<TextCache>,
    /// The slugs of archived documents, with the generation they were read at: every
    /// signed-out request for a document asks, and they change only when something is
    /// written.
    archived: std::sync::Mutex<Option<(i64, Arc<std::collections::HashSet<String>>)>>,
    /// The document id each slug had when a note was last anchored in it.
    note_targets: std::sync::Mutex<std::collections::HashMap<String, i64>>,
    /// Analysts by token hash, for writes that check the token again as they commit.
    tokens: std::sync::Mutex<std::collections::HashMap<String, analysts::Analyst>>,
}

/// The most slugs and tokens remembered for writing notes; past it, memory starts afresh.
const REMEMBERED: usize = 4096;

/// Puts `key` in a map of at most [`REMEMBERED`] entries.
fn remember<V>(map: &std::sync::Mutex<std::collections::HashMap<String, V>>, key: &str, value: V) {
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= REMEMBERED && !map.contains_key(key) {
        map.clear();
    }
    map.insert(key.to_owned(), value);
}

impl Shared {
    fn committed(&self) {
        self.local_writes.fetch_add(1, Ordering::AcqRel);
    }

    fn set_database_generation(&self, value: i64) {
        self.database_generation.store(value, Ordering::Release);
    }

    fn bump_database_generation(&self) {
        self.database_generation.fetch_add(1, Ordering::AcqRel);
    }

    fn cached_text(
        &self,
        id: i64,
        version: i64,
    ) -> Option<Arc<crate::domain::anchor::DocumentText>> {
        let texts = self.texts.lock().unwrap_or_else(|e| e.into_inner());
        texts
            .get(&id)
            .filter(|(v, _)| *v == version)
            .map(|(_, text)| text.clone())
    }

    fn cache_text(&self, id: i64, version: i64, text: Arc<crate::domain::anchor::DocumentText>) {
        let mut texts = self.texts.lock().unwrap_or_else(|e| e.into_inner());
        texts.remove(&id);
        // A text holds about ten bytes per character: notes spread over a large corpus
        // once kept hundreds of them (~30 MB). Whichever texts go first, a miss costs one
        // read and one build.
        let mut held: usize = texts.values().map(|(_, t)| t.heap_bytes()).sum();
        let wanted = text.heap_bytes();
        while held + wanted > TEXT_CACHE_BYTES {
            let Some(&gone) = texts.keys().next() else {
                break;
            };
            if let Some((_, t)) = texts.remove(&gone) {
                held -= t.heap_bytes();
            }
        }
        texts.insert(id, (version, text));
    }

    fn forget_texts(&self) {
        self.texts.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The document `slug` last anchored a note, if its text is still held.
    fn remembered_target(&self, slug: &str) -> Option<annotations::DocumentTextRow> {
        let id = *self
            .note_targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(slug)?;
        let texts = self.texts.lock().unwrap_or_else(|e| e.into_inner());
        let (version, text) = texts.get(&id)?;
        Some(annotations::DocumentTextRow {
            id,
            version: *version,
            text: text.clone(),
        })
    }

    fn remember_target(&self, slug: &str, id: i64) {
        remember(&self.note_targets, slug, id);
    }

    fn remembered_token(&self, token_hash: &str) -> Option<analysts::Analyst> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.get(token_hash).cloned()
    }

    fn remember_token(&self, token_hash: &str, analyst: analysts::Analyst) {
        remember(&self.tokens, token_hash, analyst);
    }

    fn forget_token(&self, token_hash: &str) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.remove(token_hash);
    }
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(sqlite::Handle),
    Postgres(postgres::Handle),
}

/// The database, on either backend. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    shared: Arc<Shared>,
}

/// Runs the same call on whichever backend the store holds. With `read`, a PostgreSQL read
/// whose connection was dropped (a restarted server, a failover) is tried once more on a
/// fresh one.
macro_rules! on_backend {
    ($store:expr, $db:ident => $call:expr) => {
        match &$store.backend {
            $crate::store::Backend::Sqlite($db) => $call,
            $crate::store::Backend::Postgres($db) => $call,
        }
    };
    ($store:expr, read $db:ident => $call:expr) => {
        match &$store.backend {
            $crate::store::Backend::Sqlite($db) => $call,
            $crate::store::Backend::Postgres($db) => match $call {
                Err(e) if e.connection_lost() => $call,
                done => done,
            },
        }
    };
}
pub(crate) use on_backend;

impl Store {
    /// Opens (creating if missing) the SQLite database at `path` and applies pending migrations.
    /// A database that cannot be written (a read-only file system) is opened read-only, so
    /// reading goes on while writes answer 503; [`Store::is_writable`] says which.
    pub async fn open(path: &std::path::Path) -> StoreResult<Store> {
        let shared = Arc::new(Shared::default());
        let handle = sqlite::Handle::open(path, shared.clone()).await?;
        Ok(Store {
            backend: Backend::Sqlite(handle),
            shared,
        })
    }

    /// Connects to the database at `url` and applies pending migrations.
    pub async fn connect(url: &DatabaseUrl, settings: PoolSettings) -> StoreResult<Store> {
        match url {
            DatabaseUrl::Sqlite(path) => Store::open(path).await,
            DatabaseUrl::Postgres(url) => {
                let shared = Arc::new(Shared::default());
                let handle = postgres::Handle::connect(url, settings, shared.clone()).await?;
                Ok(Store {
                    backend: Backend::Postgres(handle),
                    shared,
                })
            }
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// A number that changes whenever a document or a note may have changed: at once for
    /// writes made through this store, and, for other processes' writes, as soon as
    /// [`Store::watch_changes`] has heard of them.
    pub fn generation(&self) -> i64 {
        let local = self.shared.local_writes.load(Ordering::Acquire) as i64;
        let database = self.shared.database_generation.load(Ordering::Acquire);
        database.wrapping_mul(1 << 32).wrapping_add(local)
    }

    /// Follows writes made by other processes (`glossa import`, other instances) until the
    /// store is closed: SQLite's counter is read four times a second; PostgreSQL tells every
    /// listening instance at once, and a listener that lost its connection flushes all
    /// caches when it is back, since what was said meanwhile is lost.
    pub async fn watch_changes(&self) {
        on_backend!(self, db => db.watch_changes().await)
    }

    /// Reads SQLite's generation counter once (PostgreSQL instances are told instead).
    pub async fn refresh_generation(&self) -> StoreResult<()> {
        on_backend!(self, db => db.refresh_generation().await)
    }

    /// Closes every connection. On SQLite the WAL is then checkpointed into the database
    /// file and removed, so the file holds everything, even on a read-only copy.
    pub async fn close(&self) {
        on_backend!(self, db => db.close().await)
    }

    /// Whether the database was opened for writing.
    pub fn is_writable(&self) -> bool {
        on_backend!(self, db => db.writable)
    }

    /// `None` when reads and writes work; otherwise what is wrong. Reads a row, and checks
    /// that a write transaction can start.
    pub async fn health(&self) -> Option<String> {
        on_backend!(self, db => db.health().await)
    }

    /// The latest migration applied to the database.
    pub async fn schema_version(&self) -> StoreResult<i64> {
        on_backend!(self, read db => db.schema_version().await)
    }

    /// How many migrations this build knows for the store's backend.
    pub fn known_migrations(&self) -> usize {
        match self.backend {
            Backend::Sqlite(_) => sqlite::MIGRATOR.iter().count(),
            Backend::Postgres(_) => postgres::MIGRATOR.iter().count(),
        }
    }

    /// Reads a setting.
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        on_backend!(self, read db => db.setting(key).await)
    }

    /// Writes a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        on_backend!(self, db => db.set_setting(key, value).await)
    }

    /// Holds the corpus import lock until the guard is dropped: on PostgreSQL one instance
    /// imports a changed corpus while the others wait, then find nothing left to do. SQLite
    /// needs none (its single writer already orders imports).
    pub async fn import_lock(&self) -> StoreResult<ImportLock> {
        on_backend!(self, db => db.import_lock().await)
    }

    /// The SQLite pool, for inspecting the file (PRAGMAs, integrity) in tools and tests.
    pub fn sqlite_pool(&self) -> Option<&sqlx::SqlitePool> {
        match &self.backend {
            Backend::Sqlite(db) => Some(&db.pool),
            Backend::Postgres(_) => None,
        }
    }

    /// How many rows a table holds, for checking a copy or an import.
    pub async fn count_rows(&self, table: Table) -> StoreResult<i64> {
        on_backend!(self, read db => db.count_rows(table).await)
    }
}

/// The tables whose rows [`Store::count_rows`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Documents.
    Documents,
    /// Every version of every document's text.
    DocumentVersions,
    /// Paragraphs of current versions.
    Paragraphs,
    /// Actor mentions.
    Mentions,
    /// Analysts.
    Analysts,
    /// Notes.
    Annotations,
}

impl Table {
    /// Every table, in the order a copy checks them.
    pub const ALL: [Table; 6] = [
        Table::Documents,
        Table::DocumentVersions,
        Table::Paragraphs,
        Table::Mentions,
        Table::Analysts,
        Table::Annotations,
    ];

    /// The table's name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Documents => "documents",
            Table::DocumentVersions => "document_versions",
            Table::Paragraphs => "paragraphs",
            Table::Mentions => "mentions",
            Table::Analysts => "analysts",
            Table::Annotations => "annotations",
        }
    }
}

/// The corpus import lock, released when dropped.
#[derive(Debug)]
pub struct ImportLock {
    _held: Option<postgres::AdvisoryLock>,
}

/// Current UTC time as RFC 3339, to the second.
pub fn now_rfc3339() -> String {
    Timestamp::now().rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_texts_kept_for_anchoring_stay_within_their_budget() {
        let shared = Shared::default();
        let paragraph = "Pyongyang and Moscow signed a treaty. ".repeat(300);
        let mut last = 0;
        for id in 0..200 {
            let text = Arc::new(crate::domain::anchor::DocumentText::new(&[&paragraph]));
            shared.cache_text(id, 1, text);
            last = id;
        }
        let texts = shared.texts.lock().unwrap();
        let held: usize = texts.values().map(|(_, t)| t.heap_bytes()).sum();
        assert!(held <= TEXT_CACHE_BYTES, "{held} bytes held");
        assert!(texts.len() > 1, "more than one text fits");
        drop(texts);
        assert!(shared.cached_text(last, 1).is_some(), "the newest is kept");
        assert!(
            shared.cached_text(last, 2).is_none(),
            "another version is not"
        );
    }

    #[test]
    fn database_urls_choose_the_backend_or_say_what_is_wrong() {
        let sqlite = |p: &str| Ok(DatabaseUrl::Sqlite(PathBuf::from(p)));
        assert_eq!(DatabaseUrl::parse("glossa.db"), sqlite("glossa.db"));
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/g.db"),
            sqlite("data/g.db")
        );
        assert_eq!(DatabaseUrl::parse("sqlite:g.db?mode=rwc"), sqlite("g.db"));
        assert_eq!(
            DatabaseUrl::parse(" postgres://u@h/db "),
            Ok(DatabaseUrl::Postgres("postgres://u@h/db".into()))
        );
        assert!(DatabaseUrl::parse("postgresql:///db").is_ok());
        for (bad, says) in [
            ("", "empty"),
            ("sqlite://", "needs a file path"),
            ("mysql://u@h/db", "cannot use a mysql:// database"),
            ("postgres//glossa:pw@host/db", "without its \"://\""),
            ("glossa:pw@host/db", "without its \"://\""),
        ] {
            let said = DatabaseUrl::parse(bad).unwrap_err();
            assert!(said.contains(says), "{bad:?}: {said}");
            assert!(!said.contains("pw"), "{bad:?} leaks its password: {said}");
        }
    }
}
