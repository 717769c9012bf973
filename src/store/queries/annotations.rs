//! Margin notes. Visibility is enforced in SQL (through [`NoteFilter`]), so a note never leaves
//! the store for someone who may not read it.

use sqlx::FromRow;

use super::history::record;
use super::search::push_visibility;
use super::{Conn, Handle, Tx};
use crate::domain::anchor::{Anchor, DocumentText};
use crate::domain::annotation::history::NoteState;
use crate::domain::annotation::history::RevisionKind;
use crate::domain::annotation::thread::{Ghost, missing_parents};
use crate::domain::annotation::{KeptFields, Note, NoteContent, Visibility};
use crate::domain::grades::{Credibility, Grades, Reliability};
use crate::domain::html::SafeHtml;
use crate::domain::markdown::render_untrusted;
use crate::domain::mentions::{MAX_MENTIONS, mentioned};
use crate::domain::reanchor::{AnchorStatus, reanchor};
use crate::store::annotations::{
    Conditional, Created, DocumentTextRow, NewNote, NoteFilter, OwnedNote, ReanchorCounts,
    RestoreSummary, RestoredNote, json_list,
};
use crate::store::{StoreError, StoreResult, Timestamp};
use std::collections::HashSet;

#[derive(FromRow)]
pub(super) struct NoteRow {
    id: String,
    slug: String,
    creator: String,
    analyst_id: i64,
    motivation: String,
    body: String,
    body_html: Option<String>,
    tags: String,
    visibility: String,
    start_cp: Option<i64>,
    end_cp: Option<i64>,
    exact: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    anchor_status: String,
    original_exact: String,
    created: Timestamp,
    modified: Timestamp,
    revision: i64,
    canonical: Option<String>,
    via: String,
    body_language: Option<String>,
    body_purpose: Option<String>,
    credibility: Option<i64>,
    source_reliability: Option<String>,
    parent_id: Option<String>,
    mentions: String,
    reply_seq: i64,
}

pub(super) const SELECT_NOTE: &str = "select n.id, d.slug, a.name as creator, n.analyst_id, n.motivation, n.body, n.body_html, n.tags,
        n.visibility, n.start_cp, n.end_cp, n.exact, n.prefix, n.suffix, n.anchor_status, n.original_exact, n.created, n.modified, n.revision,
        n.canonical, n.via, n.body_language, n.body_purpose, n.credibility, n.source_reliability,
        n.parent_id, n.mentions, n.reply_seq
    from annotations n join documents d on d.id = n.document_id join analysts a on a.id = n.analyst_id";

impl TryFrom<NoteRow> for OwnedNote {
    type Error = StoreError;

    fn try_from(r: NoteRow) -> StoreResult<OwnedNote> {
        let bad = |what: &str| StoreError::Malformed(format!("note {}: {what}", r.id));
        Ok(OwnedNote {
            analyst_id: r.analyst_id,
            note: Note {
                visibility: Visibility::parse(&r.visibility).ok_or_else(|| bad("visibility"))?,
                tags: serde_json::from_str(&r.tags).map_err(|_| bad("tags"))?,
                grades: Grades {
                    reliability: r
                        .source_reliability
                        .as_deref()
                        .map(|letter| Reliability::parse(letter).ok_or_else(|| bad("reliability")))
                        .transpose()?,
                    credibility: r
                        .credibility
                        .map(|n| Credibility::from_number(n).ok_or_else(|| bad("credibility")))
                        .transpose()?,
                },
                anchor: match (r.start_cp, r.end_cp) {
                    (Some(start), Some(end)) => Some(Anchor {
                        start: usize::try_from(start).map_err(|_| bad("start"))?,
                        end: usize::try_from(end).map_err(|_| bad("end"))?,
                        exact: r.exact.unwrap_or_default(),
                        prefix: r.prefix.unwrap_or_default(),
                        suffix: r.suffix.unwrap_or_default(),
                    }),
                    _ => None,
                },
                kept: KeptFields {
                    canonical: r.canonical,
                    via: serde_json::from_str(&r.via).map_err(|_| bad("via"))?,
                    body_language: r.body_language,
                    body_purpose: r.body_purpose,
                },
                status: AnchorStatus::parse(&r.anchor_status),
                mentions: serde_json::from_str(&r.mentions).map_err(|_| bad("mentions"))?,
                reply_to: r.parent_id,
                reply_seq: r.reply_seq,
                original_exact: r.original_exact,
                id: r.id,
                document_slug: r.slug,
                creator: r.creator,
                motivation: r.motivation,
                // Sanitised when the note was written; older rows are rendered now.
                body_html: r
                    .body_html
                    .map_or_else(|| render_untrusted(&r.body), SafeHtml::from_trusted),
                body: r.body,
                created: r.created.rfc3339(),
                modified: r.modified.rfc3339(),
                revision: r.revision,
            },
        })
    }
}

/// A note row to insert.
struct NoteRowIn<'a> {
    id: &'a str,
    document_id: i64,
    analyst_id: i64,
    document_version: i64,
    content: &'a NoteContent,
    anchor: Option<&'a Anchor>,
    status: AnchorStatus,
    original_exact: &'a str,
    created: Timestamp,
    modified: Timestamp,
}

#[derive(FromRow)]
struct AnchorRow {
    id: String,
    start_cp: i64,
    end_cp: i64,
    exact: String,
    prefix: String,
    suffix: String,
    original_exact: String,
    anchor_status: String,
}

impl Handle {
    pub(in crate::store) async fn restore_notes(
        &self,
        notes: &[RestoredNote<'_>],
    ) -> StoreResult<RestoreSummary> {
        let mut summary = RestoreSummary::default();
        let mut added = Vec::new();
        let mut tx = self.write().await?;
        for restored in notes {
            let note = restored.note;
            let document: Option<(i64, i64)> =
                sqlx::query_as("select id, version from documents where slug = $1")
                    .bind(&note.slug)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (document_id, version) = document.ok_or_else(|| {
                StoreError::Conflict(format!(
                    "document {:?} is not in this database; import the corpus first",
                    note.slug
                ))
            })?;
            let analyst: Option<i64> =
                sqlx::query_scalar("select id from analysts where name = $1")
                    .bind(&note.creator)
                    .fetch_optional(&mut *tx)
                    .await?;
            let analyst_id = match analyst {
                Some(id) => id,
                None => {
                    summary.new_analysts += 1;
                    sqlx::query_scalar(
                        "insert into analysts (name, token_hash, created_at) values ($1, $2, $3) returning id",
                    )
                    .bind(&note.creator)
                    .bind(format!("no-token:{}", note.id))
                    .bind(Timestamp::now())
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            let row = NoteRowIn {
                id: note.id.as_str(),
                document_id,
                analyst_id,
                document_version: version,
                content: &note.content,
                anchor: restored.anchor.as_ref(),
                status: restored.status,
                original_exact: note
                    .original_quote
                    .as_deref()
                    .or(restored.anchor.as_ref().map(|a| a.exact.as_str()))
                    .unwrap_or_default(),
                created: Timestamp::parse(&note.created)?,
                modified: Timestamp::parse(&note.modified)?,
            };
            if insert_row(&mut tx, &row).await? == 1 {
                record(
                    &mut tx,
                    note.id.as_str(),
                    RevisionKind::Created,
                    Some(analyst_id),
                    None,
                )
                .await?;
                summary.added += 1;
                added.push(note.id.as_str());
            } else {
                summary.unchanged += 1;
            }
        }
        // Once every note is in, replies can be held to their threads, whatever the order.
        for id in added {
            narrow_thread(&mut tx, id, None).await?;
        }
        self.commit(tx).await?;
        Ok(summary)
    }

    pub(in crate::store) async fn document_text(
        &self,
        slug: &str,
    ) -> StoreResult<Option<DocumentTextRow>> {
        let Some((id, version)): Option<(i64, i64)> =
            sqlx::query_as("select id, version from documents where slug = $1")
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        if let Some(text) = self.shared.cached_text(id, version) {
            return Ok(Some(DocumentTextRow { id, version, text }));
        }
        let paragraphs: Vec<String> = sqlx::query_scalar(
            "select text from paragraphs where document_id = $1 order by ordinal",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let text = std::sync::Arc::new(DocumentText::new(&paragraphs));
        self.shared.cache_text(id, version, text.clone());
        Ok(Some(DocumentTextRow { id, version, text }))
    }

    pub(in crate::store) async fn list_notes(
        &self,
        document_id: i64,
        filter: NoteFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<Note>> {
        let sql = format!(
            "{SELECT_NOTE} where n.document_id = $1 and {}
             order by n.start_cp nulls first, n.end_cp nulls first, n.created, n.reply_seq, n.id
             limit $3 offset $4",
            filter.condition()
        );
        let rows: Vec<NoteRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(document_id)
            .bind(filter.analyst())
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| OwnedNote::try_from(r).map(|o| o.note))
            .collect()
    }

    pub(in crate::store) async fn count_notes(
        &self,
        document_id: i64,
        filter: NoteFilter,
    ) -> StoreResult<i64> {
        let sql = format!(
            "select count(*) from annotations n where n.document_id = $1 and {}",
            filter.condition()
        );
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(document_id)
            .bind(filter.analyst())
            .fetch_one(&self.pool)
            .await?)
    }

    pub(in crate::store) async fn note_counts(
        &self,
        filter: NoteFilter,
    ) -> StoreResult<std::collections::HashMap<String, i64>> {
        let sql = format!(
            "select d.slug, count(*) from annotations n join documents d on d.id = n.document_id
             where ($1 is null or n.document_id = $1) and {} group by d.slug",
            filter.condition()
        );
        let rows: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(None::<i64>)
            .bind(filter.analyst())
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().collect())
    }

    pub(in crate::store) async fn get_note(
        &self,
        document_id: i64,
        id: &str,
    ) -> StoreResult<Option<OwnedNote>> {
        let sql = format!("{SELECT_NOTE} where n.document_id = $1 and n.id = $2");
        let row: Option<NoteRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(document_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(OwnedNote::try_from).transpose()
    }

    pub(in crate::store) async fn thread_ghosts(
        &self,
        document_id: i64,
        notes: &[Note],
        filter: NoteFilter,
    ) -> StoreResult<Vec<Ghost>> {
        let mut known: HashSet<String> = notes.iter().map(|n| n.id.clone()).collect();
        let mut wanted = missing_parents(notes);
        let mut ghosts = Vec::new();
        // A thread deeper than this is not one people wrote.
        for _ in 0..64 {
            if wanted.is_empty() {
                break;
            }
            let mut next = Vec::new();
            for id in std::mem::take(&mut wanted) {
                if !known.insert(id.clone()) {
                    continue;
                }
                let ghost = self.ghost(document_id, id, filter).await?;
                if let Some(parent) = &ghost.reply_to {
                    next.push(parent.clone());
                }
                ghosts.push(ghost);
            }
            wanted = next;
        }
        Ok(ghosts)
    }

    async fn ghost(&self, document_id: i64, id: String, filter: NoteFilter) -> StoreResult<Ghost> {
        let unshared: Option<i64> = sqlx::query_scalar(
            "select analyst_id from annotations where id = $1 and document_id = $2",
        )
        .bind(&id)
        .bind(document_id)
        .fetch_optional(&self.pool)
        .await?;
        let mut ghost = Ghost {
            id,
            deleted: unshared.is_none(),
            reply_to: None,
            anchor: None,
        };
        if unshared.is_some() {
            return Ok(ghost);
        }
        let tombstone: Option<(String, String, i64)> = sqlx::query_as(
            "select state, visibility, author_id from note_revisions
             where annotation_id = $1 and document_id = $2 and kind = 'deleted'
             order by seq desc limit 1",
        )
        .bind(&ghost.id)
        .bind(document_id)
        .fetch_optional(&self.pool)
        .await?;
        if let Some((state, visibility, author)) = tombstone {
            let readable = Visibility::parse(&visibility).is_some_and(|v| filter.admits(v, author));
            if readable {
                let state: NoteState = serde_json::from_str(&state)
                    .map_err(|e| StoreError::Malformed(format!("revision state: {e}")))?;
                ghost.reply_to = state.reply_to;
                ghost.anchor = state.anchor;
            }
        }
        Ok(ghost)
    }

    pub(in crate::store) async fn replies_to(
        &self,
        ids: &[String],
        filter: NoteFilter,
    ) -> StoreResult<Vec<Note>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = sqlx::QueryBuilder::<super::Db>::new(
            "with recursive thread(id) as (select id from annotations where parent_id in (",
        );
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(id.as_str());
        }
        q.push(") union select a.id from annotations a join thread t on a.parent_id = t.id) ");
        q.push(SELECT_NOTE);
        q.push(" where n.id in (select id from thread) and ");
        push_visibility(&mut q, filter);
        q.push(" order by n.created, n.reply_seq, n.id");
        let rows: Vec<NoteRow> = q.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|r| OwnedNote::try_from(r).map(|o| o.note))
            .collect()
    }

    pub(in crate::store) async fn notes_by_id(
        &self,
        ids: &[String],
        filter: NoteFilter,
    ) -> StoreResult<Vec<Note>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = sqlx::QueryBuilder::<super::Db>::new(SELECT_NOTE);
        q.push(" where n.id in (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(id.as_str());
        }
        q.push(") and ");
        push_visibility(&mut q, filter);
        let rows: Vec<NoteRow> = q.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|r| OwnedNote::try_from(r).map(|o| o.note))
            .collect()
    }

    pub(in crate::store) async fn update_note(
        &self,
        id: &str,
        revision: i64,
        content: &NoteContent,
        anchor: Option<&Anchor>,
        document_version: i64,
    ) -> StoreResult<Conditional<Note>> {
        let mut tx = self.write().await?;
        let version_before: Option<i64> = sqlx::query_scalar(
            "select document_version from annotations where id = $1 and revision = $2",
        )
        .bind(id)
        .bind(revision)
        .fetch_optional(&mut *tx)
        .await?;
        let before = match version_before {
            Some(version) => Some((version, fetch_note(&mut tx, id).await?.note)),
            None => None,
        };
        let (html, mentions) = rendered(&mut tx, &content.body).await?;
        let done = sqlx::query(
            "update annotations set motivation = $3, body = $4, tags = $5, visibility = $6,
               start_cp = $7, end_cp = $8, exact = $9, prefix = $10, suffix = $11,
               document_version = $12, modified = $13, body_html = $14, anchor_status = 'exact',
               original_exact = coalesce($9, ''), revision = revision + 1, canonical = $15,
               via = $16, body_language = $17, body_purpose = $18, credibility = $19,
               source_reliability = $20, mentions = $21
             where id = $1 and revision = $2",
        )
        .bind(id)
        .bind(revision)
        .bind(&content.motivation)
        .bind(&content.body)
        .bind(json_list(&content.tags)?)
        .bind(content.visibility.as_str())
        .bind(anchor.map(|a| a.start as i64))
        .bind(anchor.map(|a| a.end as i64))
        .bind(anchor.map(|a| a.exact.as_str()))
        .bind(anchor.map(|a| a.prefix.as_str()))
        .bind(anchor.map(|a| a.suffix.as_str()))
        .bind(document_version)
        .bind(Timestamp::now())
        .bind(html.as_str())
        .bind(content.kept.canonical.as_deref())
        .bind(json_list(&content.kept.via)?)
        .bind(content.kept.body_language.as_deref())
        .bind(content.kept.body_purpose.as_deref())
        .bind(content.grades.credibility.map(|c| i64::from(c.number())))
        .bind(content.grades.reliability.map(Reliability::letter))
        .bind(mentions)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return missed(&mut tx, id).await;
        }
        let updated = fetch_note(&mut tx, id).await?;
        if let Some((version, before)) = before {
            let mut after = updated.note.clone();
            (after.revision, after.modified) = (before.revision, before.modified.clone());
            // Sending a note back as it is changes nothing: no new revision, no "edited".
            if after == before && version == document_version {
                tx.rollback().await?;
                return Ok(Conditional::Done(before));
            }
        }
        let author = updated.analyst_id;
        record(&mut tx, id, RevisionKind::Edited, Some(author), None).await?;
        narrow_thread(&mut tx, id, Some(author)).await?;
        let note = fetch_note(&mut tx, id).await?;
        self.commit(tx).await?;
        Ok(Conditional::Done(note.note))
    }

    pub(in crate::store) async fn delete_note(
        &self,
        id: &str,
        revision: i64,
    ) -> StoreResult<Conditional<()>> {
        let mut tx = self.write().await?;
        // The last state is kept as the deletion's revision: the note's tombstone.
        let author: Option<i64> = sqlx::query_scalar(
            "select analyst_id from annotations where id = $1 and revision = $2",
        )
        .bind(id)
        .bind(revision)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(author) = author {
            record(&mut tx, id, RevisionKind::Deleted, Some(author), None).await?;
        }
        let done = sqlx::query("delete from annotations where id = $1 and revision = $2")
            .bind(id)
            .bind(revision)
            .execute(&mut *tx)
            .await?;
        let outcome = if done.rows_affected() == 1 {
            Conditional::Done(())
        } else {
            missed(&mut tx, id).await?
        };
        self.commit(tx).await?;
        Ok(outcome)
    }
}

/// Why a change conditional on a note's revision matched no row: the note moved on (stale),
/// or there is no such note.
pub(super) async fn missed<T>(tx: &mut Tx, id: &str) -> StoreResult<Conditional<T>> {
    let exists: Option<i64> = sqlx::query_scalar("select revision from annotations where id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(if exists.is_some() {
        Conditional::Stale
    } else {
        Conditional::Missing
    })
}

/// Creates a note inside the caller's transaction: claims its idempotency key, checks the
/// note it answers, inserts it with its first revision and reads it back. Anything but
/// [`Created::New`] must be rolled back by the caller, so that a claimed key is released.
/// Whether the document version a new note was anchored in is still the current one, and
/// its author still active, with the token they were recognised by (`$4`, or `''` when
/// their credentials were read from the database for this request).
pub(in crate::store) const STILL_CURRENT: &str =
    "select exists (select 1 from documents where id = $1 and version = $2)
        and exists (select 1 from analysts where id = $3 and revoked_at is null
                      and ($4 = '' or token_hash = $4))";

pub(in crate::store) async fn insert_note_in(
    conn: &mut Conn,
    new: &NewNote,
) -> StoreResult<Created> {
    let now = Timestamp::now();
    let analyst_id = new.analyst.id;
    let id = new.id.as_str();
    let current: bool = sqlx::query_scalar(STILL_CURRENT)
        .bind(new.document.id)
        .bind(new.document.version)
        .bind(analyst_id)
        .bind(new.token_hash.as_deref().unwrap_or(""))
        .fetch_one(&mut *conn)
        .await?;
    if !current {
        return Ok(Created::TargetChanged);
    }
    if let Some(key) = &new.idempotency {
        // Claiming the key first makes a concurrent retry (on another instance) wait for
        // this transaction and then replay its note, instead of creating a second one.
        let claimed = sqlx::query(
            "insert into idempotency_keys (analyst_id, key, request_hash, annotation_id, created_at)
             values ($1, $2, $3, $4, $5) on conflict (analyst_id, key) do nothing",
        )
        .bind(analyst_id)
        .bind(&key.key)
        .bind(&key.request_hash)
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if claimed == 0 {
            let (hash, annotation_id): (String, String) = sqlx::query_as(
                "select request_hash, annotation_id from idempotency_keys where analyst_id = $1 and key = $2",
            )
            .bind(analyst_id)
            .bind(&key.key)
            .fetch_one(&mut *conn)
            .await?;
            if hash != key.request_hash {
                return Ok(Created::KeyReused);
            }
            let sql = format!("{SELECT_NOTE} where n.id = $1");
            let row: Option<NoteRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&annotation_id)
                .fetch_optional(&mut *conn)
                .await?;
            return Ok(match row {
                Some(row) => Created::Replayed(OwnedNote::try_from(row)?.note),
                None => Created::ReplayedDeleted,
            });
        }
    }
    let mut content = std::borrow::Cow::Borrowed(&new.content);
    if let Some(parent) = &content.reply_to {
        match lock_parent(conn, new.document.id, parent.as_str()).await? {
            // The parent may have been narrowed since the caller read it.
            Parent::Open(readers) if content.visibility.reach() > readers.reach() => {
                content.to_mut().visibility = readers;
            }
            Parent::Open(_) => {}
            Parent::Deleted => return Ok(Created::ParentDeleted),
            Parent::Missing => return Ok(Created::ParentMissing),
        }
    }
    let anchor = new.anchor.as_ref();
    let row = NoteRowIn {
        id,
        document_id: new.document.id,
        analyst_id,
        document_version: new.document.version,
        content: &content,
        anchor,
        status: AnchorStatus::Exact,
        original_exact: anchor.map_or("", |a| a.exact.as_str()),
        created: now,
        modified: now,
    };
    if insert_row(conn, &row).await? == 0 {
        return Err(StoreError::Conflict(format!(
            "a note with id {id} already exists"
        )));
    }
    record(conn, id, RevisionKind::Created, Some(analyst_id), None).await?;
    let note = fetch_note(conn, id).await?;
    Ok(Created::New(note.note))
}

/// Inserts a note unless its id is taken; returns how many rows were written (0 or 1).
async fn insert_row(conn: &mut Conn, row: &NoteRowIn<'_>) -> StoreResult<u64> {
    let (html, mentions) = rendered(conn, &row.content.body).await?;
    let done = sqlx::query(
        "insert into annotations (id, document_id, analyst_id, motivation, body, tags, visibility,
           start_cp, end_cp, exact, prefix, suffix, document_version, created, modified, body_html,
           anchor_status, original_exact, canonical, via, body_language, body_purpose, credibility,
           source_reliability, parent_id, mentions, reply_seq)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
           $19, $20, $21, $22, $23, $24, $25, $26,
           case when $25 is null then 0
                else (select coalesce(max(s.reply_seq), 0) + 1 from annotations s where s.parent_id = $25) end)
         on conflict (id) do nothing",
    )
    .bind(row.id)
    .bind(row.document_id)
    .bind(row.analyst_id)
    .bind(&row.content.motivation)
    .bind(&row.content.body)
    .bind(json_list(&row.content.tags)?)
    .bind(row.content.visibility.as_str())
    .bind(row.anchor.map(|a| a.start as i64))
    .bind(row.anchor.map(|a| a.end as i64))
    .bind(row.anchor.map(|a| a.exact.as_str()))
    .bind(row.anchor.map(|a| a.prefix.as_str()))
    .bind(row.anchor.map(|a| a.suffix.as_str()))
    .bind(row.document_version)
    .bind(row.created)
    .bind(row.modified)
    .bind(html.as_str())
    .bind(row.status.as_str())
    .bind(row.original_exact)
    .bind(row.content.kept.canonical.as_deref())
    .bind(json_list(&row.content.kept.via)?)
    .bind(row.content.kept.body_language.as_deref())
    .bind(row.content.kept.body_purpose.as_deref())
    .bind(
        row.content
            .grades
            .credibility
            .map(|c| i64::from(c.number())),
    )
    .bind(row.content.grades.reliability.map(Reliability::letter))
    .bind(row.content.reply_to.as_ref().map(|p| p.as_str()))
    .bind(mentions)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// A body rendered and sanitised, with the analysts it mentions that exist (a JSON array).
/// Mentions become links when shown, not here: a link's address depends on where it is read.
pub(super) async fn rendered(conn: &mut Conn, body: &str) -> StoreResult<(SafeHtml, String)> {
    let html = render_untrusted(body);
    let mut known = Vec::new();
    for name in mentioned(html.as_str()) {
        if known.len() == MAX_MENTIONS {
            break;
        }
        let exists: Option<i64> = sqlx::query_scalar("select id from analysts where name = $1")
            .bind(&name)
            .fetch_optional(&mut *conn)
            .await?;
        if exists.is_some() {
            known.push(name);
        }
    }
    Ok((html, json_list(&known)?))
}

/// Whether the note a reply answers can take it.
enum Parent {
    /// It stands, read by these.
    Open(Visibility),
    /// Its author deleted it: its thread takes no new replies.
    Deleted,
    /// There is no such note on this document.
    Missing,
}

/// Checks the note a reply answers and locks it until the reply is committed, so that a
/// deletion running at the same time either waits for the reply or is seen by it.
async fn lock_parent(conn: &mut Conn, document_id: i64, id: &str) -> StoreResult<Parent> {
    let readers: Option<String> = sqlx::query_scalar(
        "update annotations set revision = revision where id = $1 and document_id = $2
         returning visibility",
    )
    .bind(id)
    .bind(document_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(readers) = readers {
        let readers = Visibility::parse(&readers)
            .ok_or_else(|| StoreError::Malformed(format!("note {id}: visibility")))?;
        return Ok(Parent::Open(readers));
    }
    let tombstone: Option<i64> = sqlx::query_scalar(
        "select seq from note_revisions where annotation_id = $1 and document_id = $2
           and kind = 'deleted' limit 1",
    )
    .bind(id)
    .bind(document_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(if tombstone.is_some() {
        Parent::Deleted
    } else {
        Parent::Missing
    })
}

/// Keeps a thread's promise after note `id` changed who may read it: the note is read no more
/// widely than the note it answers, and its replies, at any depth, no more widely than it.
/// Each reply narrowed gets a revision by `by`.
pub(super) async fn narrow_thread(tx: &mut Tx, id: &str, by: Option<i64>) -> StoreResult<()> {
    let own: Option<(String, Option<String>)> = sqlx::query_as(
        "select n.visibility, p.visibility from annotations n
         left join annotations p on p.id = n.parent_id where n.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((own, parent)) = own else {
        return Ok(());
    };
    let reach = |name: &str| Visibility::parse(name).map_or(0, Visibility::reach);
    let mut readers = own;
    if let Some(parent) = parent.filter(|p| reach(p) < reach(&readers)) {
        narrow(tx, id, &parent, by).await?;
        readers = parent;
    }
    // `union` rather than `union all`: a cycle, which only a hand-made import could write,
    // ends the walk instead of running forever.
    let replies: Vec<(String, String)> = sqlx::query_as(
        "with recursive thread(id) as (
           select id from annotations where parent_id = $1
           union
           select a.id from annotations a join thread t on a.parent_id = t.id
         )
         select n.id, n.visibility from annotations n where n.id in (select id from thread)
         order by n.created, n.id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    for (reply, visibility) in replies {
        if reply != id && reach(&visibility) > reach(&readers) {
            narrow(tx, &reply, &readers, by).await?;
        }
    }
    Ok(())
}

async fn narrow(tx: &mut Tx, id: &str, readers: &str, by: Option<i64>) -> StoreResult<()> {
    sqlx::query(
        "update annotations set visibility = $2, revision = revision + 1, modified = $3
         where id = $1",
    )
    .bind(id)
    .bind(readers)
    .bind(Timestamp::now())
    .execute(&mut **tx)
    .await?;
    record(tx, id, RevisionKind::Edited, by, None).await
}

pub(super) async fn fetch_note(conn: &mut Conn, id: &str) -> StoreResult<OwnedNote> {
    let sql = format!("{SELECT_NOTE} where n.id = $1");
    let row: NoteRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    row.try_into()
}

/// Re-anchors every note of a document in the new text, inside the import's transaction, so
/// the document and its notes change together or not at all. No note is deleted: one that
/// cannot be placed keeps its old anchor and becomes an orphan (or ambiguous).
pub(super) async fn reanchor_notes(
    tx: &mut Tx,
    document_id: i64,
    version: i64,
    paragraphs: &[&str],
) -> StoreResult<ReanchorCounts> {
    reanchor_rows(tx, AnchoredTable::Notes, document_id, version, paragraphs).await
}

/// The tables whose rows are anchored to a document's text like a note.
#[derive(Debug, Clone, Copy)]
pub(super) enum AnchoredTable {
    /// Margin notes.
    Notes,
    /// Analysts' corrections of attributions.
    VoiceCorrections,
}

impl AnchoredTable {
    fn name(self) -> &'static str {
        match self {
            AnchoredTable::Notes => "annotations",
            AnchoredTable::VoiceCorrections => "voice_corrections",
        }
    }
}

/// Re-anchors the rows of `table` for a document, as [`reanchor_notes`] does for notes.
pub(super) async fn reanchor_rows(
    tx: &mut Tx,
    table: AnchoredTable,
    document_id: i64,
    version: i64,
    paragraphs: &[&str],
) -> StoreResult<ReanchorCounts> {
    let anchored = table;
    let table = table.name();
    // Only a table name of our own is formatted in.
    let rows: Vec<AnchorRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select id, start_cp, end_cp, exact, prefix, suffix, original_exact, anchor_status
         from {table} where document_id = $1 and start_cp is not null"
    )))
    .bind(document_id)
    .fetch_all(&mut **tx)
    .await?;
    let text = DocumentText::new(paragraphs);
    let mut counts = ReanchorCounts::default();
    for row in rows {
        let old = Anchor {
            start: usize::try_from(row.start_cp).unwrap_or(0),
            end: usize::try_from(row.end_cp).unwrap_or(0),
            exact: row.exact.clone(),
            prefix: row.prefix,
            suffix: row.suffix,
        };
        let outcome = reanchor(&text, &old, &row.original_exact);
        match outcome.status {
            AnchorStatus::Exact => counts.exact += 1,
            AnchorStatus::Moved => counts.moved += 1,
            AnchorStatus::Fuzzy => counts.fuzzy += 1,
            AnchorStatus::Ambiguous => counts.ambiguous += 1,
            AnchorStatus::Orphan => counts.orphan += 1,
        }
        let anchor = outcome.anchor.unwrap_or(old);
        let moved = anchor.start as i64 != row.start_cp
            || anchor.end as i64 != row.end_cp
            || anchor.exact != row.exact
            || outcome.status.as_str() != row.anchor_status;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "update {table} set anchor_status = $2, start_cp = $3, end_cp = $4, exact = $5,
               prefix = $6, suffix = $7, document_version = $8
             where id = $1"
        )))
        .bind(&row.id)
        .bind(outcome.status.as_str())
        .bind(anchor.start as i64)
        .bind(anchor.end as i64)
        .bind(&anchor.exact)
        .bind(&anchor.prefix)
        .bind(&anchor.suffix)
        .bind(version)
        .execute(&mut **tx)
        .await?;
        // A note whose passage the new text moved gets a revision saying so.
        if moved && matches!(anchored, AnchoredTable::Notes) {
            record(tx, &row.id, RevisionKind::Reanchored, None, None).await?;
        }
    }
    Ok(counts)
}
