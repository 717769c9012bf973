//! Group commit for new notes on SQLite.
//!
//! A commit with `synchronous=FULL` waits for the disk, and every statement sqlx runs is a
//! round trip to the connection's own thread. So notes are not written one transaction each:
//! one task owns the writer connection while it writes, and takes every note that queued while
//! the previous commit was on its way to disk into the next transaction. Each caller hears
//! back only after the commit that holds its note returned.
//!
//! Plain notes (no idempotency key, not a reply, mentioning no one) are written in runs: up
//! to [`MAX_RUN`] of them in one prepared statement list, one hand-off to the connection's
//! thread and one savepoint, with `begin` and `commit` folded into the first and last run.
//! Glossa already knows every column it writes, so nothing is read back. If a run fails, it
//! is undone and its notes are written again one at a time, each in its own savepoint, so
//! that a note that fails is rolled back alone. Other notes take the general path
//! ([`insert_note_in`]) inside the same transaction.
//!
//! The caller may have taken the document's version and the author's token from memory
//! instead of reading them: each note's insert checks both, and a note whose document or
//! token changed meanwhile is not written ([`Created::TargetChanged`]).

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, Encode, Executor, Row, Sqlite, SqliteConnection, SqlitePool, Type};
use tokio::sync::{mpsc, oneshot};

use super::queries::annotations::insert_note_in;
use crate::domain::annotation::Note;
use crate::domain::annotation::history::RevisionKind;
use crate::domain::grades::Reliability;
use crate::store::annotations::{Created, NewNote, PlainNote};
use crate::store::{Shared, StoreError, StoreResult, Timestamp};

/// The most notes one transaction takes; the rest wait for the next.
const MAX_BATCH: usize = 512;

/// The most plain notes written by one statement list: one hand-off to the connection's
/// thread for them all instead of one each.
const MAX_RUN: usize = 16;

/// How many notes may wait for the writer before callers wait to queue.
const QUEUE_DEPTH: usize = 4096;

/// The columns a plain note's row is inserted with, as they appear in its `values` row.
const NOTE_COLUMNS: &str = "id, document_id, analyst_id, motivation, body, tags, visibility,
    start_cp, end_cp, exact, prefix, suffix, document_version, created, modified, body_html,
    anchor_status, original_exact, canonical, via, body_language, body_purpose, credibility,
    source_reliability";

/// How many values [`NOTE_COLUMNS`] takes; four more follow in each row for the checks.
const NOTE_VALUES: usize = 24;

/// Where the statements for plain notes open and close their savepoint.
#[derive(Clone, Copy)]
enum Savepoint {
    /// A run of notes, undone together if it fails.
    Run,
    /// One note written alone.
    Note,
}

/// The queue of notes waiting for the writer; the task behind it starts with the first note.
#[derive(Debug, Default)]
pub(super) struct NoteQueue {
    sender: OnceLock<mpsc::Sender<Waiting>>,
}

/// A note and the caller waiting to hear how it went.
struct Waiting {
    note: NewNote,
    answer: oneshot::Sender<StoreResult<Created>>,
}

impl NoteQueue {
    /// Queues `note` for the writer behind `writer` and waits until its transaction committed
    /// (or failed).
    pub(super) async fn insert(
        &self,
        writer: &SqlitePool,
        shared: &Arc<Shared>,
        note: NewNote,
    ) -> StoreResult<Created> {
        let sender = self.sender.get_or_init(|| {
            let (sender, queue) = mpsc::channel(QUEUE_DEPTH);
            // The task holds no sender: it ends when the last handle on this store is gone.
            tokio::spawn(serve(writer.clone(), shared.clone(), queue));
            sender
        });
        let (answer, answered) = oneshot::channel();
        sender
            .send(Waiting { note, answer })
            .await
            .map_err(|_| StoreError::Sqlx(sqlx::Error::PoolClosed))?;
        answered
            .await
            .map_err(|_| StoreError::Sqlx(sqlx::Error::PoolClosed))?
    }
}

/// Writes batches until every sender is gone: each takes all notes waiting, up to
/// [`MAX_BATCH`].
async fn serve(writer: SqlitePool, shared: Arc<Shared>, mut queue: mpsc::Receiver<Waiting>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (notes, answers): (Vec<NewNote>, Vec<_>) = batch
            .drain(..)
            .map(|waiting| (waiting.note, waiting.answer))
            .unzip();
        let outcomes = match writer.acquire().await {
            Ok(mut conn) => write_batch(&mut conn, &notes).await,
            Err(e) => every_one_failed(notes.len(), e.into()),
        };
        if outcomes.iter().any(|o| matches!(o, Ok(Created::New(_)))) {
            shared.committed();
        }
        for (answer, outcome) in answers.into_iter().zip(outcomes) {
            // A caller that went away still has its note kept; there is no one to tell.
            let _ = answer.send(outcome);
        }
    }
}

fn every_one_failed(count: usize, error: StoreError) -> Vec<StoreResult<Created>> {
    let error = Arc::new(error);
    (0..count)
        .map(|_| Err(StoreError::Shared(error.clone())))
        .collect()
}

/// Writes `notes` in one transaction and commits; one outcome per note, in order. Plain
/// notes go in runs of up to [`MAX_RUN`], each run one statement list in one savepoint; a
/// run that fails is undone and its notes written again one at a time, each in its own
/// savepoint, so that a note that fails is rolled back alone. If the transaction itself is
/// lost (the lock not had, the disk full, the commit refused) no note of it is kept and every
/// note not yet committed fails with that error.
async fn write_batch(conn: &mut SqliteConnection, notes: &[NewNote]) -> Vec<StoreResult<Created>> {
    let now = Timestamp::now();
    let mut plain: Vec<Option<StoreResult<PlainNote>>> = notes
        .iter()
        .map(|note| PlainNote::of(note, now).transpose())
        .collect();
    let mut outcomes: Vec<StoreResult<Created>> = Vec::with_capacity(notes.len());
    let mut open = false;
    let mut i = 0;
    while i < notes.len() {
        let run = plain[i..]
            .iter()
            .take(MAX_RUN)
            .take_while(|p| matches!(p, Some(Ok(_))))
            .count();
        if run > 1 {
            let last = i + run == notes.len();
            let span = i..i + run;
            match write_run(conn, &notes[span.clone()], &plain[span.clone()], open, last).await {
                Ok(written) => {
                    open = !last;
                    for p in &mut plain[span] {
                        if let Some(Ok(p)) = p.take() {
                            outcomes.push(Ok(created(p.note, &written)));
                        }
                    }
                    i += run;
                    continue;
                }
                // The run is undone, and its notes are written one at a time below.
                Err(e) => match sqlx::raw_sql("rollback to run; release run")
                    .execute(&mut *conn)
                    .await
                {
                    Ok(_) => open = true,
                    Err(_) => return transaction_lost(conn, outcomes, notes.len(), e).await,
                },
            }
        }
        let last = i + 1 == notes.len();
        let outcome = match plain[i].take() {
            Some(Err(refused)) => Err(refused),
            prepared => match write_note(conn, &notes[i], prepared, open, last).await {
                Ok((created, committed)) => {
                    open = !committed;
                    Ok(created)
                }
                Err(e) => {
                    if sqlx::raw_sql("rollback to note; release note")
                        .execute(&mut *conn)
                        .await
                        .is_ok()
                    {
                        open = true;
                        Err(e)
                    } else {
                        return transaction_lost(conn, outcomes, notes.len(), e).await;
                    }
                }
            },
        };
        outcomes.push(outcome);
        i += 1;
    }
    if open && let Err(e) = conn.execute("commit").await {
        return transaction_lost(conn, outcomes, notes.len(), e.into()).await;
    }
    outcomes
}

/// The transaction is gone or its commit failed: nothing of it is kept, so the notes it
/// created and the notes not yet written fail with `error`. What did not depend on it (a
/// replayed note, a refused one) stands.
async fn transaction_lost(
    conn: &mut SqliteConnection,
    mut outcomes: Vec<StoreResult<Created>>,
    count: usize,
    error: StoreError,
) -> Vec<StoreResult<Created>> {
    // SQLite may already have rolled back (a full disk does); then this fails harmlessly.
    let _ = conn.execute("rollback").await;
    let error = Arc::new(error);
    for outcome in &mut outcomes {
        if matches!(outcome, Ok(Created::New(_))) {
            *outcome = Err(StoreError::Shared(error.clone()));
        }
    }
    outcomes.resize_with(count, || Err(StoreError::Shared(error.clone())));
    outcomes
}

/// Writes a run of plain notes with one statement list inside the savepoint `run`,
/// beginning the transaction when `open` is false and committing it when `last`; returns
/// the ids of the notes written (the others' targets changed).
async fn write_run(
    conn: &mut SqliteConnection,
    notes: &[NewNote],
    plain: &[Option<StoreResult<PlainNote>>],
    open: bool,
    last: bool,
) -> StoreResult<HashSet<String>> {
    let mut arguments = Bound::default();
    let written: Vec<(&PlainNote, &NewNote)> = plain
        .iter()
        .zip(notes)
        .filter_map(|(p, new)| match p {
            Some(Ok(p)) => Some((p, new)),
            _ => None,
        })
        .collect();
    bind_plain(written.iter().copied(), &mut arguments);
    let statements = plain_statements(Savepoint::Run, written.len(), open, last);
    written_ids(conn, sqlx::query_with(statements, arguments.finish()?)).await
}

/// Runs plain notes' statements; the ids their inserts returned.
async fn written_ids(
    conn: &mut SqliteConnection,
    statements: sqlx::query::Query<'_, Sqlite, SqliteArguments>,
) -> StoreResult<HashSet<String>> {
    let rows = conn.fetch_all(statements).await?;
    rows.iter()
        .map(|row| Ok(row.try_get::<String, _>(0)?))
        .collect()
}

/// Writes one note inside the batch's transaction (beginning it when `open` is false);
/// returns what it did and whether its statements also committed the transaction.
async fn write_note(
    conn: &mut SqliteConnection,
    note: &NewNote,
    plain: Option<StoreResult<PlainNote>>,
    open: bool,
    last: bool,
) -> StoreResult<(Created, bool)> {
    if let Some(plain) = plain {
        let plain = plain?;
        let mut arguments = Bound::default();
        bind_plain([(&plain, note)], &mut arguments);
        let statements = plain_statements(Savepoint::Note, 1, open, last);
        let written = written_ids(conn, sqlx::query_with(statements, arguments.finish()?)).await?;
        return Ok((created(plain.note, &written), last));
    }
    if !open {
        conn.execute("begin immediate").await?;
    }
    conn.execute("savepoint note").await?;
    let created = insert_note_in(conn, note).await?;
    // Anything but a new note is undone, so that a key it claimed is not kept.
    let end = if let Created::New(_) = created {
        "release note"
    } else {
        "rollback to note; release note"
    };
    sqlx::raw_sql(end).execute(&mut *conn).await?;
    Ok((created, false))
}

/// What writing a plain note did, by whether its id was among those written.
fn created(note: Note, written: &HashSet<String>) -> Created {
    if written.contains(&note.id) {
        Created::New(note)
    } else {
        Created::TargetChanged
    }
}

/// The statement list for `count` plain notes (1 ..= [`MAX_RUN`]) in one savepoint, by
/// whether a transaction is already open and whether the notes end the batch: one `insert`
/// for their rows and one for their first revisions, whatever their number.
///
/// Each row is written only if its document is still at the version the note was anchored
/// in and its author still holds the token (the rows written return their ids); a revision
/// only if its row was written. One statement for all rows matters beyond the round trips:
/// the search index (filled by trigger) flushes at the start of every statement that writes
/// to it, so it now flushes once per run instead of once per note; and SQLite copies every
/// page a savepoint changes, once per savepoint. Built once, because sqlx keeps one prepared
/// statement per text.
fn plain_statements(savepoint: Savepoint, count: usize, open: bool, last: bool) -> &'static str {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        let mut texts = Vec::with_capacity(8 * MAX_RUN);
        for name in ["run", "note"] {
            for open in [false, true] {
                for last in [false, true] {
                    for count in 1..=MAX_RUN {
                        let mut text = String::new();
                        if !open {
                            text.push_str("begin immediate;");
                        }
                        text.push_str(&format!("savepoint {name};"));
                        text.push_str(&plain_inserts(count));
                        text.push_str(&format!("release {name};"));
                        if last {
                            text.push_str("commit;");
                        }
                        texts.push(text);
                    }
                }
            }
        }
        texts
    });
    let index = ((savepoint as usize * 2 + usize::from(open)) * 2 + usize::from(last)) * MAX_RUN
        + count.clamp(1, MAX_RUN)
        - 1;
    &texts[index]
}

/// The two inserts of [`plain_statements`] for `count` notes.
fn plain_inserts(count: usize) -> String {
    let rows = |width: usize| {
        let row = format!("({})", vec!["?"; width].join(", "));
        vec![row; count].join(", ")
    };
    let columns = (1..=NOTE_VALUES)
        .map(|i| format!("v.column{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (document, version, analyst, token) = (
        NOTE_VALUES + 1,
        NOTE_VALUES + 2,
        NOTE_VALUES + 3,
        NOTE_VALUES + 4,
    );
    format!(
        "insert into annotations ({NOTE_COLUMNS}, parent_id, mentions, reply_seq)
         select {columns}, null, '[]', 0 from (values {notes}) as v
         where exists (select 1 from documents
                       where id = v.column{document} and version = v.column{version})
           and exists (select 1 from analysts where id = v.column{analyst} and revoked_at is null
                         and (v.column{token} = '' or token_hash = v.column{token}))
         returning id;
         insert into note_revisions (annotation_id, seq, document_id, author_id, analyst_id, kind,
           restored_from, visibility, state, at)
         select v.column1, 1, v.column2, v.column3, v.column3, v.column4, null, v.column5,
           v.column6, v.column7
         from (values {revisions}) as v
         where exists (select 1 from annotations where id = v.column1);",
        notes = rows(NOTE_VALUES + 4),
        revisions = rows(7),
    )
}

/// Adds the arguments of [`plain_inserts`] for `notes`, each a plain note and its request:
/// every row's values first, then every revision's.
fn bind_plain<'n>(
    notes: impl IntoIterator<Item = (&'n PlainNote, &'n NewNote)> + Clone,
    a: &mut Bound,
) {
    for (plain, new) in notes.clone() {
        let (note, now) = (&plain.note, plain.at);
        let anchor = new.anchor.as_ref();
        a.add(note.id.clone());
        a.add(new.document.id);
        a.add(new.analyst.id);
        a.add(note.motivation.clone());
        a.add(note.body.clone());
        a.add(plain.tags.clone());
        a.add(note.visibility.as_str());
        a.add(anchor.map(|a| a.start as i64));
        a.add(anchor.map(|a| a.end as i64));
        a.add(anchor.map(|a| a.exact.clone()));
        a.add(anchor.map(|a| a.prefix.clone()));
        a.add(anchor.map(|a| a.suffix.clone()));
        a.add(new.document.version);
        a.add(now);
        a.add(now);
        a.add(note.body_html.as_str().to_owned());
        a.add(note.status.as_str());
        a.add(note.original_exact.clone());
        a.add(note.kept.canonical.clone());
        a.add(plain.via.clone());
        a.add(note.kept.body_language.clone());
        a.add(note.kept.body_purpose.clone());
        a.add(note.grades.credibility.map(|c| i64::from(c.number())));
        a.add(note.grades.reliability.map(Reliability::letter));
        a.add(new.document.id);
        a.add(new.document.version);
        a.add(new.analyst.id);
        a.add(new.token_hash.clone().unwrap_or_default());
    }
    for (plain, new) in notes {
        let note = &plain.note;
        a.add(note.id.clone());
        a.add(new.document.id);
        a.add(new.analyst.id);
        a.add(RevisionKind::Created.as_str());
        a.add(note.visibility.as_str());
        a.add(plain.state.clone());
        a.add(plain.at);
    }
}

/// Arguments added in order; the first value that cannot be encoded is kept as the error.
#[derive(Default)]
struct Bound {
    arguments: SqliteArguments,
    error: Option<sqlx::error::BoxDynError>,
}

impl Bound {
    fn add<'q, T: Encode<'q, Sqlite> + Type<Sqlite> + 'q>(&mut self, value: T) {
        if self.error.is_none()
            && let Err(e) = self.arguments.add(value)
        {
            self.error = Some(e);
        }
    }

    fn finish(self) -> StoreResult<SqliteArguments> {
        match self.error {
            Some(e) => Err(StoreError::Sqlx(sqlx::Error::Encode(e))),
            None => Ok(self.arguments),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sqlx::Connection;
    use sqlx::sqlite::SqliteConnectOptions;

    use super::*;
    use crate::domain::anchor::anchor_at;
    use crate::domain::annotation::history::NoteState;
    use crate::domain::annotation::{KeptFields, NoteContent, NoteId, Visibility};
    use crate::domain::grades::{Credibility, Grades};
    use crate::store::annotations::IdempotencyKey;
    use crate::store::{StorageFault, Store};

    async fn seeded(dir: &tempfile::TempDir) -> (Store, NewNote) {
        let store = Store::open(&dir.path().join("g.db")).await.unwrap();
        let pool = store.sqlite_pool().unwrap();
        for statement in [
            "insert into documents (id, slug, title, format, content_hash, analysis_hash, imported_at, updated_at)
             values (1, 'd', 'D', 'txt', 'h', 'a', 't', 't')",
            "insert into paragraphs (id, document_id, ordinal, kind, text)
             values (1, 1, 1, 'paragraph', 'Moscow and Pyongyang signed a treaty.')",
        ] {
            sqlx::query(statement).execute(pool).await.unwrap();
        }
        let analyst = store.create_analyst("alice", "hash").await.unwrap();
        let document = store.document_text("d").await.unwrap().unwrap();
        let anchor = anchor_at(&document.text, 0, 6);
        let note = NewNote {
            document,
            slug: "d".into(),
            analyst,
            id: String::new(),
            content: NoteContent {
                motivation: "assessing".into(),
                body: "A *treaty* of sorts.".into(),
                tags: vec!["treaty".into(), "DPRK".into()],
                grades: Grades {
                    reliability: Reliability::parse("B"),
                    credibility: Some(Credibility::Confirmed),
                },
                visibility: Visibility::Team,
                visibility_stated: true,
                selectors: None,
                reply_to: None,
                kept: KeptFields {
                    canonical: Some("urn:uuid:1".into()),
                    via: vec!["https://example.org/a/1".into()],
                    body_language: Some("en".into()),
                    body_purpose: Some("commenting".into()),
                },
            },
            anchor: Some(anchor),
            idempotency: None,
            token_hash: None,
        };
        (store, note)
    }

    fn with_id(note: &NewNote) -> NewNote {
        let mut note = note.clone();
        note.id = NoteId::generate().unwrap().to_string();
        note
    }

    async fn connection(dir: &tempfile::TempDir, busy: Duration) -> SqliteConnection {
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("g.db"))
            .foreign_keys(true)
            .busy_timeout(busy);
        SqliteConnection::connect_with(&options).await.unwrap()
    }

    fn new_note(outcome: &StoreResult<Created>) -> &Note {
        match outcome {
            Ok(Created::New(note)) => note,
            other => panic!("expected a new note, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn notes_written_together_read_back_as_they_were_answered() {
        let dir = tempfile::tempdir().unwrap();
        let (store, template) = seeded(&dir).await;
        let mut tasks = Vec::new();
        for _ in 0..40 {
            let (store, note) = (store.clone(), with_id(&template));
            tasks.push(tokio::spawn(async move { store.insert_note(note).await }));
        }
        for task in tasks {
            let answered = task.await.unwrap();
            let answered = new_note(&answered);
            let stored = store.get_note(1, &answered.id).await.unwrap().unwrap();
            assert_eq!(&stored.note, answered);
            let history = store.note_history(&answered.id).await.unwrap().unwrap();
            assert_eq!(history.revisions.len(), 1);
            assert_eq!(history.revisions[0].state, NoteState::of(answered));
            assert_eq!(history.revisions[0].by.as_deref(), Some("alice"));
        }
    }

    #[tokio::test]
    async fn a_failing_note_fails_alone_and_the_rest_of_its_batch_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (store, template) = seeded(&dir).await;
        let first = with_id(&template);
        let mut missing_document = with_id(&template);
        missing_document.document.id = 99;
        let taken = first.clone();
        let mut reply = with_id(&template);
        reply.content.reply_to = NoteId::parse(&first.id);
        reply.anchor = None;
        let mut keyed = with_id(&template);
        keyed.idempotency = Some(IdempotencyKey {
            key: "k1".into(),
            request_hash: "h1".into(),
        });
        let mut replayed = with_id(&template);
        replayed.idempotency = keyed.idempotency.clone();
        let last = with_id(&template);
        let batch = [first, missing_document, taken, reply, keyed, replayed, last];
        let mut conn = connection(&dir, Duration::from_secs(5)).await;
        let outcomes = write_batch(&mut conn, &batch).await;

        assert_eq!(outcomes[1].as_ref().ok(), Some(&Created::TargetChanged));
        assert!(outcomes[2].is_err(), "{:?}", outcomes[2]);
        assert_eq!(
            new_note(&outcomes[3]).reply_to.as_deref(),
            Some(batch[0].id.as_str())
        );
        assert_eq!(new_note(&outcomes[4]).id, batch[4].id);
        match &outcomes[5] {
            Ok(Created::Replayed(note)) => assert_eq!(note.id, batch[4].id),
            other => panic!("expected the keyed note replayed, got {other:?}"),
        }
        for i in [0, 3, 4, 6] {
            let answered = new_note(&outcomes[i]);
            let stored = store.get_note(1, &answered.id).await.unwrap().unwrap();
            assert_eq!(&stored.note, answered);
        }
        let count: i64 = sqlx::query_scalar("select count(*) from annotations")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(count, 4);
        // No transaction was left open on the connection.
        conn.execute("begin immediate; rollback").await.unwrap();
    }

    #[tokio::test]
    async fn a_note_whose_document_or_token_changed_is_not_written_and_its_run_is() {
        let dir = tempfile::tempdir().unwrap();
        let (store, template) = seeded(&dir).await;
        let mut remembered = with_id(&template);
        remembered.token_hash = Some("hash".into());
        let mut old_version = with_id(&template);
        old_version.document.version = 0;
        let mut revoked_token = with_id(&template);
        revoked_token.token_hash = Some("another hash".into());
        let batch = [
            with_id(&template),
            old_version,
            remembered,
            revoked_token,
            with_id(&template),
        ];
        let mut conn = connection(&dir, Duration::from_secs(5)).await;
        let outcomes = write_batch(&mut conn, &batch).await;
        for i in [1, 3] {
            assert_eq!(outcomes[i].as_ref().ok(), Some(&Created::TargetChanged));
            assert!(store.get_note(1, &batch[i].id).await.unwrap().is_none());
        }
        for i in [0, 2, 4] {
            let stored = store.get_note(1, &batch[i].id).await.unwrap().unwrap();
            assert_eq!(&stored.note, new_note(&outcomes[i]));
            let history = store.note_history(&batch[i].id).await.unwrap().unwrap();
            assert_eq!(history.revisions.len(), 1);
        }
        let revisions: i64 = sqlx::query_scalar("select count(*) from note_revisions")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(revisions, 3, "no revision without its note");
        sqlx::query("update analysts set revoked_at = 'now'")
            .execute(&mut conn)
            .await
            .unwrap();
        let after = [with_id(&template)];
        let outcomes = write_batch(&mut conn, &after).await;
        assert_eq!(outcomes[0].as_ref().ok(), Some(&Created::TargetChanged));
    }

    #[tokio::test]
    async fn a_batch_that_cannot_have_the_lock_fails_whole_and_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (store, template) = seeded(&dir).await;
        let mut holder = connection(&dir, Duration::from_secs(5)).await;
        holder.execute("begin immediate").await.unwrap();
        let mut conn = connection(&dir, Duration::from_millis(50)).await;
        let batch = [with_id(&template), with_id(&template), with_id(&template)];
        let outcomes = write_batch(&mut conn, &batch).await;
        for outcome in &outcomes {
            let error = outcome.as_ref().unwrap_err();
            assert_eq!(error.fault(), Some(StorageFault::Busy), "{error}");
        }
        holder.execute("rollback").await.unwrap();
        let count: i64 = sqlx::query_scalar("select count(*) from annotations")
            .fetch_one(store.sqlite_pool().unwrap())
            .await
            .unwrap();
        assert_eq!(count, 0);
        let outcomes = write_batch(&mut conn, &batch).await;
        assert!(outcomes.iter().all(|o| matches!(o, Ok(Created::New(_)))));
    }
}
