//! Voices as stored.

use sqlx::FromRow;

use super::Handle;
use crate::store::StoreResult;
use crate::store::voices::{StoredClaim, StoredSpan, VoicePage, VoiceSummary};

#[derive(FromRow)]
struct ClaimRow {
    slug: String,
    title: String,
    ordinal: i64,
    text: String,
    sentence_start: i64,
    sentence_end: i64,
    cue_start: Option<i64>,
    cue_end: Option<i64>,
    cue_text: Option<String>,
    source_start: Option<i64>,
    source_end: Option<i64>,
    source_text: Option<String>,
    voice_id: String,
    voice_label: String,
    voice_actor: Option<String>,
    voice_official: i64,
    attribution: String,
    confidence: i64,
    rule: String,
}

fn span(start: Option<i64>, end: Option<i64>, text: Option<String>) -> Option<StoredSpan> {
    Some(StoredSpan {
        start: start?,
        end: end?,
        text: text?,
    })
}

impl From<ClaimRow> for StoredClaim {
    fn from(row: ClaimRow) -> StoredClaim {
        StoredClaim {
            slug: row.slug,
            title: row.title,
            paragraph: row.ordinal,
            text: row.text,
            start: row.sentence_start,
            end: row.sentence_end,
            cue: span(row.cue_start, row.cue_end, row.cue_text),
            source: span(row.source_start, row.source_end, row.source_text),
            voice_id: row.voice_id,
            voice_label: row.voice_label,
            voice_actor: row.voice_actor,
            official: row.voice_official != 0,
            attribution: row.attribution,
            confidence: row.confidence,
            rule: row.rule,
        }
    }
}

#[derive(FromRow)]
struct VoiceRow {
    voice_id: String,
    label: String,
    actor: Option<String>,
    official: i64,
    claims: i64,
    documents: i64,
}

impl From<VoiceRow> for VoiceSummary {
    fn from(row: VoiceRow) -> VoiceSummary {
        VoiceSummary {
            id: row.voice_id,
            label: row.label,
            actor: row.actor,
            official: row.official != 0,
            claims: row.claims,
            documents: row.documents,
        }
    }
}

/// A voice's actor and standing are the same in every claim (its id is made from them); its
/// label may be worded apart in different documents, and the first in sort order is shown.
const VOICE_SUMMARY: &str = "select c.voice_id, min(c.voice_label) as label,
    min(c.voice_actor) as actor, max(c.voice_official) as official,
    count(*) as claims, count(distinct p.document_id) as documents
    from claims c join paragraphs p on p.id = c.paragraph_id";

const CLAIM_COLUMNS: &str = "d.slug, d.title, p.ordinal, p.text, c.sentence_start, c.sentence_end,
    c.cue_start, c.cue_end, c.cue_text, c.source_start, c.source_end, c.source_text,
    c.voice_id, c.voice_label, c.voice_actor, c.voice_official, c.attribution, c.confidence,
    c.rule";

impl Handle {
    pub(in crate::store) async fn document_claims(
        &self,
        slug: &str,
    ) -> StoreResult<Option<Vec<StoredClaim>>> {
        let known: Option<i64> = sqlx::query_scalar("select id from documents where slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        if known.is_none() {
            return Ok(None);
        }
        // Only constant text is formatted in: the slug is bound.
        let rows: Vec<ClaimRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {CLAIM_COLUMNS} from claims c
             join paragraphs p on p.id = c.paragraph_id
             join documents d on d.id = p.document_id
             where d.slug = $1
             order by p.ordinal, c.sentence_start"
        )))
        .bind(slug)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(rows.into_iter().map(StoredClaim::from).collect()))
    }

    pub(in crate::store) async fn voices(
        &self,
        actor: Option<&str>,
    ) -> StoreResult<Vec<VoiceSummary>> {
        // Only constant text is formatted in: the actor is bound.
        let rows: Vec<VoiceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{VOICE_SUMMARY}
             where ($1 is null or c.voice_actor = $1 or c.voice_id = $1)
             group by c.voice_id
             order by count(*) desc, c.voice_id"
        )))
        .bind(actor)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(VoiceSummary::from).collect())
    }

    pub(in crate::store) async fn voice_page(
        &self,
        id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Option<VoicePage>> {
        let voice: Option<VoiceRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{VOICE_SUMMARY} where c.voice_id = $1 group by c.voice_id"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(voice) = voice else {
            return Ok(None);
        };
        let rows: Vec<ClaimRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select {CLAIM_COLUMNS} from claims c
             join paragraphs p on p.id = c.paragraph_id
             join documents d on d.id = p.document_id
             where c.voice_id = $1
             order by d.slug, p.ordinal, c.sentence_start
             limit $2 offset $3"
        )))
        .bind(id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(VoicePage {
            voice: voice.into(),
            claims: rows.into_iter().map(StoredClaim::from).collect(),
        }))
    }
}
