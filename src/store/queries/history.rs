//! Notes' histories: a revision written in the transaction of every change, read back, and an
//! earlier one restored; a deleted note's revisions purged only at its author's request.

use sqlx::FromRow;

use super::annotations::{fetch_note, missed, narrow_thread, rendered};
use super::{Conn, Handle};
use crate::domain::annotation::history::{NoteState, RevisionKind};
use crate::domain::annotation::{Note, Visibility};
use crate::store::annotations::Conditional;
use crate::store::history::{Purge, StoredHistory, StoredRevision};
use crate::store::{StoreError, StoreResult, Timestamp};

/// Appends a revision holding the note `id`'s state now; `by` is who made the change (none:
/// a re-import).
pub(super) async fn record(
    conn: &mut Conn,
    id: &str,
    kind: RevisionKind,
    by: Option<i64>,
    restored_from: Option<i64>,
) -> StoreResult<()> {
    let owned = fetch_note(conn, id).await?;
    let state = serde_json::to_string(&NoteState::of(&owned.note))
        .map_err(|e| StoreError::Malformed(e.to_string()))?;
    sqlx::query(
        "insert into note_revisions (annotation_id, seq, document_id, author_id, analyst_id, kind,
           restored_from, visibility, state, at)
         select n.id, (select coalesce(max(r.seq), 0) + 1 from note_revisions r where r.annotation_id = n.id),
           n.document_id, n.analyst_id, $2, $3, $4, n.visibility, $5, $6
         from annotations n where n.id = $1",
    )
    .bind(id)
    .bind(by)
    .bind(kind.as_str())
    .bind(restored_from)
    .bind(state)
    .bind(Timestamp::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct RevisionRow {
    #[sqlx(default)]
    annotation_id: String,
    seq: i64,
    kind: String,
    by_name: Option<String>,
    restored_from: Option<i64>,
    state: String,
    at: Timestamp,
}

#[derive(FromRow)]
struct OwnerRow {
    author_id: i64,
    author: String,
    slug: String,
}

impl RevisionRow {
    fn revision(self) -> StoreResult<StoredRevision> {
        Ok(StoredRevision {
            seq: self.seq,
            kind: RevisionKind::parse(&self.kind)
                .ok_or_else(|| StoreError::Malformed(format!("revision kind {:?}", self.kind)))?,
            by: self.by_name,
            restored_from: self.restored_from,
            state: serde_json::from_str(&self.state)
                .map_err(|e| StoreError::Malformed(format!("revision state: {e}")))?,
            at: self.at.rfc3339(),
        })
    }
}

impl Handle {
    pub(in crate::store) async fn document_histories(
        &self,
        document_id: i64,
    ) -> StoreResult<std::collections::HashMap<String, Vec<StoredRevision>>> {
        let rows: Vec<RevisionRow> = sqlx::query_as(
            "select r.annotation_id, r.seq, r.kind, a.name as by_name, r.restored_from, r.state, r.at
             from note_revisions r left join analysts a on a.id = r.analyst_id
             where r.document_id = $1 order by r.annotation_id, r.seq",
        )
        .bind(document_id)
        .fetch_all(&self.pool)
        .await?;
        let mut histories: std::collections::HashMap<String, Vec<StoredRevision>> =
            std::collections::HashMap::new();
        for row in rows {
            let id = row.annotation_id.clone();
            histories.entry(id).or_default().push(row.revision()?);
        }
        Ok(histories)
    }

    pub(in crate::store) async fn note_history(
        &self,
        id: &str,
    ) -> StoreResult<Option<StoredHistory>> {
        let owner: Option<OwnerRow> = sqlx::query_as(
            "select r.author_id, a.name as author, d.slug from note_revisions r
             join analysts a on a.id = r.author_id join documents d on d.id = r.document_id
             where r.annotation_id = $1 order by r.seq desc limit 1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(owner) = owner else {
            return Ok(None);
        };
        let rows: Vec<RevisionRow> = sqlx::query_as(
            "select r.seq, r.kind, a.name as by_name, r.restored_from, r.state, r.at
             from note_revisions r left join analysts a on a.id = r.analyst_id
             where r.annotation_id = $1 order by r.seq",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let deleted: Option<i64> =
            sqlx::query_scalar("select revision from annotations where id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let revisions = rows
            .into_iter()
            .map(RevisionRow::revision)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(StoredHistory {
            id: id.to_owned(),
            slug: owner.slug,
            author_id: owner.author_id,
            author: owner.author,
            deleted: deleted.is_none(),
            revisions,
        }))
    }

    pub(in crate::store) async fn restore_revision(
        &self,
        id: &str,
        seq: i64,
        revision: i64,
    ) -> StoreResult<Conditional<Note>> {
        let mut tx = self.write().await?;
        let state: Option<String> = sqlx::query_scalar(
            "select state from note_revisions where annotation_id = $1 and seq = $2",
        )
        .bind(id)
        .bind(seq)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(state) = state else {
            return Ok(Conditional::Missing);
        };
        let state: NoteState = serde_json::from_str(&state)
            .map_err(|e| StoreError::Malformed(format!("revision state: {e}")))?;
        // The content comes back; the passage stays where the current text has it, and a
        // reply stays in its thread.
        let (html, mentions) = rendered(&mut tx, &state.body).await?;
        // A reply comes back no wider than the note it answers is now.
        let parent: Option<String> = sqlx::query_scalar(
            "select p.visibility from annotations n join annotations p on p.id = n.parent_id
             where n.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let visibility = match parent.as_deref().and_then(Visibility::parse) {
            Some(parent) if parent.reach() < state.visibility().reach() => parent,
            _ => state.visibility(),
        };
        let done = sqlx::query(
            "update annotations set motivation = $3, body = $4, tags = $5, visibility = $6,
               credibility = $7, source_reliability = $8, body_html = $9, modified = $10,
               revision = revision + 1, mentions = $11
             where id = $1 and revision = $2",
        )
        .bind(id)
        .bind(revision)
        .bind(&state.motivation)
        .bind(&state.body)
        .bind(serde_json::to_string(&state.tags).map_err(|e| StoreError::Malformed(e.to_string()))?)
        .bind(visibility.as_str())
        .bind(state.credibility.map(i64::from))
        .bind(state.source_reliability.as_deref())
        .bind(html.as_str())
        .bind(Timestamp::now())
        .bind(mentions)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return missed(&mut tx, id).await;
        }
        let author = fetch_note(&mut tx, id).await?.analyst_id;
        record(&mut tx, id, RevisionKind::Restored, Some(author), Some(seq)).await?;
        narrow_thread(&mut tx, id, Some(author)).await?;
        let note = fetch_note(&mut tx, id).await?.note;
        self.commit(tx).await?;
        Ok(Conditional::Done(note))
    }

    pub(in crate::store) async fn purge_note(&self, id: &str) -> StoreResult<Purge> {
        let mut tx = self.write().await?;
        let live: Option<i64> =
            sqlx::query_scalar("select revision from annotations where id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if live.is_some() {
            return Ok(Purge::NoteExists);
        }
        let gone = sqlx::query("delete from note_revisions where annotation_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        self.commit(tx).await?;
        Ok(if gone == 0 {
            Purge::Missing
        } else {
            Purge::Purged(gone)
        })
    }
}
