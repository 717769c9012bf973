//! What only PostgreSQL does: a pool sized for several instances, SQLSTATEs mapped to the
//! same storage faults as SQLite's result codes, `LISTEN/NOTIFY` so every instance drops
//! cached pages when another one writes, and an advisory lock so one instance at a time
//! imports the corpus. The statements themselves are in `queries/`.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, Transaction};

use super::{ImportLock, PoolSettings, Shared, StorageFault, StoreResult};

/// The statements shared with SQLite, compiled against PostgreSQL's pool.
#[path = "queries/mod.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "compiled once per backend on purpose: one text, two concrete pools"
)]
mod queries;

type Db = sqlx::Postgres;

/// The embedded migrations from `migrations/postgres/`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The channel the triggers of `migrations/postgres/` notify on; the payload is only the
/// name of the table that changed.
const CHANNEL: &str = "glossa_changes";

/// The advisory lock key of the corpus import ("glossa" in ASCII).
const IMPORT_LOCK_KEY: i64 = 0x676c_6f73_7361;

/// A connected PostgreSQL database.
#[derive(Debug, Clone)]
pub(super) struct Handle {
    pub(super) pool: PgPool,
    /// The same pool: PostgreSQL takes concurrent writers itself.
    writer: PgPool,
    pub(super) writable: bool,
    shared: Arc<Shared>,
}

impl Handle {
    /// Connects and applies pending migrations (sqlx holds an advisory lock while it does,
    /// so instances starting together migrate once).
    pub(super) async fn connect(
        url: &str,
        settings: PoolSettings,
        shared: Arc<Shared>,
    ) -> StoreResult<Handle> {
        let timeout = settings.statement_timeout.as_millis().to_string();
        let options: PgConnectOptions = url
            .parse::<PgConnectOptions>()?
            .application_name("glossa")
            .options([("statement_timeout", timeout.as_str())]);
        // One connection first, so a refused connection or a bad password is reported as
        // itself rather than as the pool's time-out.
        options.connect().await?.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections.max(2))
            // While the database is down a request waits this long, then answers 503.
            .acquire_timeout(Duration::from_secs(3))
            .connect_with(options)
            .await?;
        // A role that may read and write but not create tables can run glossa once the
        // schema is current; migrating then needs the owner (`glossa migrate`).
        if !schema_is_current(&pool).await {
            MIGRATOR.run(&pool).await?;
        }
        Ok(Handle {
            writer: pool.clone(),
            pool,
            writable: true,
            shared,
        })
    }

    /// Instances are told of changes ([`Handle::watch_changes`]); there is no counter to read.
    pub(super) async fn refresh_generation(&self) -> StoreResult<()> {
        Ok(())
    }

    /// Listens for other instances' writes until the pool is closed. Every notification
    /// expires this instance's cached pages; so does a lost connection, because what was
    /// notified while it was down is gone.
    pub(super) async fn watch_changes(&self) {
        while !self.pool.is_closed() {
            let mut listener = match PgListener::connect_with(&self.pool).await {
                Ok(listener) => listener,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for changes; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen(CHANNEL).await {
                tracing::warn!(error = %e, "cannot listen for changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Anything may have changed before the listener was in place.
            self.flush();
            tracing::info!("listening for changes made by other instances");
            loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => self.shared.bump_database_generation(),
                    Ok(None) => {
                        tracing::warn!("lost the change notifications; cached pages dropped");
                        self.flush();
                    }
                    Err(e) => {
                        if !self.pool.is_closed() {
                            tracing::warn!(error = %e, "change notifications failed; reconnecting");
                            tokio::time::sleep(Duration::from_millis(500)).await;
                        }
                        break;
                    }
                }
            }
        }
    }

    fn flush(&self) {
        self.shared.bump_database_generation();
        self.shared.forget_texts();
    }

    /// Stores a new note in a transaction of its own: the server's many connections write
    /// concurrently, and it syncs commits that arrive together once (its own group commit).
    /// A plain note is one statement, so one round trip: its row and first revision, written
    /// only if its document version and its author's token are still current.
    pub(super) async fn insert_note(
        &self,
        new: &super::annotations::NewNote,
    ) -> StoreResult<super::annotations::Created> {
        use super::annotations::{Created, PlainNote};
        if let Some(plain) = PlainNote::of(new, super::Timestamp::now())? {
            let written: Option<String> = plain_note_statement(&plain, new)
                .fetch_optional(&self.writer)
                .await?;
            return Ok(match written {
                Some(_) => {
                    self.shared.committed();
                    Created::New(plain.note)
                }
                None => Created::TargetChanged,
            });
        }
        let mut tx = self.write().await?;
        let created = queries::annotations::insert_note_in(&mut tx, new).await?;
        // Only a new note is kept: anything else leaves no trace, not even a claimed key.
        if let super::annotations::Created::New(_) = created {
            self.commit(tx).await?;
        }
        Ok(created)
    }

    /// Takes the import's advisory lock on a connection of its own, which holds it until the
    /// guard drops and the connection closes (even if this process dies, the server then
    /// releases it).
    pub(super) async fn import_lock(&self) -> StoreResult<ImportLock> {
        let mut connection = self.pool.acquire().await?.detach();
        // An import elsewhere may take longer than any statement should.
        sqlx::query("set statement_timeout = 0")
            .execute(&mut connection)
            .await?;
        let free: bool = sqlx::query_scalar("select pg_try_advisory_lock($1)")
            .bind(IMPORT_LOCK_KEY)
            .fetch_one(&mut connection)
            .await?;
        if !free {
            tracing::info!("another instance is importing the corpus; waiting for it");
            sqlx::query("select pg_advisory_lock($1)")
                .bind(IMPORT_LOCK_KEY)
                .execute(&mut connection)
                .await?;
        }
        Ok(ImportLock {
            _held: Some(AdvisoryLock {
                _connection: connection,
            }),
        })
    }
}

/// A session-level advisory lock, released when its connection closes.
#[derive(Debug)]
pub struct AdvisoryLock {
    _connection: sqlx::PgConnection,
}

/// PostgreSQL's full-text clause: the paragraphs' generated tsvector under its GIN index.
mod full_text {
    use sqlx::QueryBuilder;

    use super::Db;
    use crate::domain::search::SearchQuery;
    use crate::store::search::NoteField;

    /// The query as a `to_tsquery` expression.
    pub(super) fn compile(query: &SearchQuery) -> String {
        query.to_tsquery()
    }

    /// The tables of a passage search with words (the GIN index finds the hits).
    pub(super) const MATCHED_PARAGRAPHS: &str = " from paragraphs p";

    /// The tables of a note search with words to match anywhere in the note.
    pub(super) const MATCHED_NOTES: &str = " from annotations n";

    /// How many paragraphs match (after `select count(*)`).
    pub(super) fn push_count_matches(q: &mut QueryBuilder<Db>, compiled: &str) {
        q.push(" from paragraphs p where ");
        push_match(q, compiled);
    }

    /// A page of matching paragraph ids and scores, best first (`id`, `score`).
    pub(super) fn push_ranked_matches(
        q: &mut QueryBuilder<Db>,
        compiled: &str,
        limit: i64,
        offset: i64,
    ) {
        q.push("select p.id, ");
        push_score(q, compiled);
        q.push(" as score from paragraphs p where ");
        push_match(q, compiled);
        q.push(" order by score desc, p.id limit ")
            .push_bind(limit)
            .push(" offset ")
            .push_bind(offset);
    }

    /// Paragraphs `p` whose text matches.
    pub(super) fn push_match(q: &mut QueryBuilder<Db>, compiled: &str) {
        q.push("p.search @@ to_tsquery('glossa', ")
            .push_bind(compiled)
            .push(")");
    }

    /// Cover-density relevance, higher first.
    pub(super) fn push_score(q: &mut QueryBuilder<Db>, compiled: &str) {
        q.push("ts_rank_cd(p.search, to_tsquery('glossa', ")
            .push_bind(compiled)
            .push("))::float8");
    }
    /// Notes `n` whose body, tags or quote match.
    pub(super) fn push_note_match(q: &mut QueryBuilder<Db>, compiled: &str) {
        q.push("n.search @@ to_tsquery('glossa', ")
            .push_bind(compiled.to_owned())
            .push(")");
    }

    /// Cover-density relevance of a note, higher first; its body weighs most.
    pub(super) fn push_note_score(q: &mut QueryBuilder<Db>, compiled: &str) {
        q.push("ts_rank_cd(n.search, to_tsquery('glossa', ")
            .push_bind(compiled.to_owned())
            .push("))::float8");
    }

    /// Notes `n` whose `field` alone matches (no index of its own: the other conditions narrow
    /// first).
    pub(super) fn push_note_field_match(
        q: &mut QueryBuilder<Db>,
        field: NoteField,
        compiled: &str,
    ) {
        let column = match field {
            NoteField::Body => "n.body",
            NoteField::Quote => "coalesce(n.exact, '')",
        };
        q.push(format!(
            "to_tsvector('glossa', {column}) @@ to_tsquery('glossa', "
        ))
        .push_bind(compiled.to_owned())
        .push(")");
    }

    /// Joined after a note search's tables: each of the note's tags as `t.value`.
    pub(super) const NOTE_TAGS: &str =
        " cross join lateral jsonb_array_elements_text(n.tags::jsonb) as t(value)";

    /// `column` holds `needle` as it is, case included.
    pub(super) fn push_contains(q: &mut QueryBuilder<Db>, column: &str, needle: String) {
        q.push(format!("strpos({column}, "))
            .push_bind(needle)
            .push(") > 0");
    }
}

/// Identity columns refuse explicit values unless told otherwise.
/// The server sizes its own buffers: an import needs nothing of a connection.
async fn bulk_write_begins(_tx: &mut Transaction<'static, Db>) -> StoreResult<()> {
    Ok(())
}

impl Handle {
    async fn bulk_write_ended(&self) {}
}

const OVERRIDING_IDENTITY: &str = "overriding system value";

/// Moves the identity sequence of `table` past the ids just copied into it.
async fn after_copying_identities(
    tx: &mut Transaction<'static, Db>,
    table: &str,
) -> StoreResult<()> {
    let sql = format!(
        "select setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) from {table}"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether every embedded migration has been applied.
async fn schema_is_current(pool: &PgPool) -> bool {
    let applied: Result<Vec<i64>, _> =
        sqlx::query_scalar("select version from _sqlx_migrations where success")
            .fetch_all(pool)
            .await;
    applied.is_ok_and(|applied| MIGRATOR.iter().all(|m| applied.contains(&m.version)))
}

/// Starts a write transaction; PostgreSQL's own locks order concurrent writers.
async fn begin_write(writer: &PgPool) -> Result<Transaction<'static, Db>, sqlx::Error> {
    writer.begin().await
}

/// The storage fault behind an error, by SQLSTATE or by a lost connection.
pub(super) fn fault(error: &sqlx::Error) -> Option<StorageFault> {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => {
            Some(StorageFault::Unavailable)
        }
        sqlx::Error::Database(e) => {
            let e = e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?;
            sqlstate_fault(e.code())
        }
        _ => None,
    }
}

/// Whether the server dropped a connection that was in use: an I/O error, or the server
/// shutting down or terminating the session.
pub(super) fn connection_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(e) => e
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            .is_some_and(|e| matches!(e.code(), "57P01" | "57P02") || e.code().starts_with("08")),
        _ => false,
    }
}

fn sqlstate_fault(code: &str) -> Option<StorageFault> {
    match code {
        // disk_full; insufficient_resources in general (out of memory, too many files).
        "53100" | "53000" | "53200" => Some(StorageFault::Full),
        // read_only_sql_transaction: a standby, or default_transaction_read_only.
        "25006" => Some(StorageFault::ReadOnly),
        // lock_not_available, deadlock, serialization failure, a statement cancelled by the
        // statement timeout: try again.
        "55P03" | "40P01" | "40001" | "57014" => Some(StorageFault::Busy),
        // too_many_connections, admin/crash shutdown, cannot_connect_now, connection exceptions.
        "53300" | "57P01" | "57P02" | "57P03" => Some(StorageFault::Unavailable),
        code if code.starts_with("08") => Some(StorageFault::Unavailable),
        _ => None,
    }
}

/// A PostgreSQL URL without its password, whether in the user part or a `password=` parameter.
pub(super) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (rest, query) = rest
        .split_once('?')
        .map_or((rest, None), |(r, q)| (r, Some(q)));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{user}@{host}")
        }
        None => authority.to_owned(),
    };
    let query = query.map(|q| {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|pair| !pair.to_ascii_lowercase().starts_with("password="))
            .collect();
        kept.join("&")
    });
    match query.filter(|q| !q.is_empty()) {
        Some(q) => format!("{scheme}://{authority}{path}?{q}"),
        None => format!("{scheme}://{authority}{path}"),
    }
}

/// A plain note's row and first revision in one statement (see [`Handle::insert_note`]).
const PLAIN_NOTE: &str = "with written as (
      insert into annotations (id, document_id, analyst_id, motivation, body, tags, visibility,
        start_cp, end_cp, exact, prefix, suffix, document_version, created, modified, body_html,
        anchor_status, original_exact, canonical, via, body_language, body_purpose, credibility,
        source_reliability, parent_id, mentions, reply_seq)
      select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17,
        $18, $19, $20, $21, $22, $23, null, '[]', 0
      where exists (select 1 from documents where id = $2 and version = $13)
        and exists (select 1 from analysts where id = $3 and revoked_at is null
                      and ($24 = '' or token_hash = $24))
      returning id
    ), revision as (
      insert into note_revisions (annotation_id, seq, document_id, author_id, analyst_id, kind,
        restored_from, visibility, state, at)
      select id, 1, $2, $3, $3, $25, null, $7, $26, $14 from written
    )
    select id from written";

fn plain_note_statement<'q>(
    plain: &'q super::annotations::PlainNote,
    new: &'q super::annotations::NewNote,
) -> sqlx::query::QueryScalar<'q, Db, String, sqlx::postgres::PgArguments> {
    use crate::domain::annotation::history::RevisionKind;
    use crate::domain::grades::Reliability;
    let note = &plain.note;
    let anchor = new.anchor.as_ref();
    sqlx::query_scalar(PLAIN_NOTE)
        .bind(note.id.as_str())
        .bind(new.document.id)
        .bind(new.analyst.id)
        .bind(note.motivation.as_str())
        .bind(note.body.as_str())
        .bind(plain.tags.as_str())
        .bind(note.visibility.as_str())
        .bind(anchor.map(|a| a.start as i64))
        .bind(anchor.map(|a| a.end as i64))
        .bind(anchor.map(|a| a.exact.as_str()))
        .bind(anchor.map(|a| a.prefix.as_str()))
        .bind(anchor.map(|a| a.suffix.as_str()))
        .bind(new.document.version)
        .bind(plain.at)
        .bind(note.body_html.as_str())
        .bind(note.status.as_str())
        .bind(note.original_exact.as_str())
        .bind(note.kept.canonical.as_deref())
        .bind(plain.via.as_str())
        .bind(note.kept.body_language.as_deref())
        .bind(note.kept.body_purpose.as_deref())
        .bind(note.grades.credibility.map(|c| i64::from(c.number())))
        .bind(note.grades.reliability.map(Reliability::letter))
        .bind(new.token_hash.as_deref().unwrap_or(""))
        .bind(RevisionKind::Created.as_str())
        .bind(plain.state.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_map_to_the_same_faults_as_sqlite() {
        for (code, fault) in [
            ("53100", Some(StorageFault::Full)),
            ("25006", Some(StorageFault::ReadOnly)),
            ("40P01", Some(StorageFault::Busy)),
            ("57014", Some(StorageFault::Busy)),
            ("57P01", Some(StorageFault::Unavailable)),
            ("08006", Some(StorageFault::Unavailable)),
            ("23505", None),
            ("42P01", None),
        ] {
            assert_eq!(sqlstate_fault(code), fault, "{code}");
        }
        assert_eq!(
            fault(&sqlx::Error::PoolTimedOut),
            Some(StorageFault::Unavailable)
        );
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://glossa:s3cret@db.example:5432/glossa"),
            "postgres://glossa@db.example:5432/glossa"
        );
        assert_eq!(
            redact("postgres://glossa:p@ss@db/glossa?sslmode=require"),
            "postgres://glossa@db/glossa?sslmode=require"
        );
        assert_eq!(redact("postgres:///glossa"), "postgres:///glossa");
        assert_eq!(
            redact("postgres://glossa@db/glossa?password=QueryPw99&sslmode=require"),
            "postgres://glossa@db/glossa?sslmode=require"
        );
        assert_eq!(
            redact("postgresql://u@db/g?PASSWORD=x"),
            "postgresql://u@db/g"
        );
    }
}
