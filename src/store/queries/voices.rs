//! Voices as stored.

use sqlx::FromRow;

use super::Handle;
use crate::domain::text::cp_byte_index;
use crate::store::StoreResult;
use crate::store::voices::{
    StoredClaim, StoredClaimCorrection, StoredSpan, VoicePage, VoiceSummary,
};

#[derive(FromRow)]
struct ClaimRow {
    slug: String,
    title: String,
    ordinal: i64,
    sentence: String,
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
    correction_id: Option<String>,
    corrected_by: Option<String>,
    correction_outcome: Option<String>,
    rule_voice_label: Option<String>,
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
            sentence: row.sentence,
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
            correction: row.correction_id.map(|id| StoredClaimCorrection {
                id,
                by: row.corrected_by.unwrap_or_default(),
                outcome: row.correction_outcome.unwrap_or_default(),
                rule_voice: row.rule_voice_label,
            }),
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

/// A claim's sentence, cut from its paragraph by the database: for a page of claims from
/// many paragraphs. A whole paragraph sent with each of its claims was 5 GB copied to render
/// a paragraph of 20,000 sentences.
const SENTENCE_CUT: &str = "substr(p.text, cast(c.sentence_start + 1 as integer),
    cast(c.sentence_end - c.sentence_start as integer)) as sentence";

/// A claim's columns after its slug, title, paragraph number and sentence.
const CLAIM_COLUMNS: &str = "c.sentence_start, c.sentence_end,
    c.cue_start, c.cue_end, c.cue_text, c.source_start, c.source_end, c.source_text,
    c.voice_id, c.voice_label, c.voice_actor, c.voice_official, c.attribution, c.confidence,
    c.rule, c.correction_id, ca.name as corrected_by, vc.outcome as correction_outcome,
    vc.rule_voice_label";

/// Who corrected each claim, joined after `claims c`.
const CORRECTION_JOIN: &str = "left join voice_corrections vc on vc.id = c.correction_id
    left join analysts ca on ca.id = vc.analyst_id";

impl Handle {
    pub(in crate::store) async fn document_claims(
        &self,
        slug: &str,
    ) -> StoreResult<Option<Vec<StoredClaim>>> {
        let known: Option<i64> = sqlx::query_scalar("select id from documents where slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        let Some(document_id) = known else {
            return Ok(None);
        };
        // Only constant text is formatted in: the slug is bound. The sentences are cut here,
        // each paragraph read once: in SQL, every claim would read its paragraph again and
        // walk it to the sentence, which made a paragraph of 20,000 sentences take seconds.
        let rows: Vec<ClaimRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select d.slug, d.title, p.ordinal, '' as sentence, {CLAIM_COLUMNS} from claims c
             join paragraphs p on p.id = c.paragraph_id
             join documents d on d.id = p.document_id
             {CORRECTION_JOIN}
             where d.slug = $1
             order by p.ordinal, c.sentence_start"
        )))
        .bind(slug)
        .fetch_all(&self.pool)
        .await?;
        let paragraphs: Vec<(i64, String)> = sqlx::query_as(
            "select p.ordinal, p.text from paragraphs p
             where p.document_id = $1
               and exists (select 1 from claims c where c.paragraph_id = p.id)
             order by p.ordinal",
        )
        .bind(document_id)
        .fetch_all(&self.pool)
        .await?;
        let mut claims: Vec<StoredClaim> = rows.into_iter().map(StoredClaim::from).collect();
        let mut paragraphs = paragraphs.iter().peekable();
        let mut cut: Option<(i64, &str, Vec<usize>)> = None;
        for claim in &mut claims {
            while let Some((ordinal, text)) = paragraphs.next_if(|(o, _)| *o <= claim.paragraph) {
                cut = Some((*ordinal, text, cp_byte_index(text)));
            }
            if let Some((ordinal, text, at)) = &cut
                && *ordinal == claim.paragraph
            {
                let byte = |cp: i64| at[usize::try_from(cp).unwrap_or(0).min(at.len() - 1)];
                let (start, end) = (byte(claim.start), byte(claim.end));
                claim.sentence = text[start..end.max(start)].to_owned();
            }
        }
        Ok(Some(claims))
    }

    pub(in crate::store) async fn voices(
        &self,
        actor: Option<&str>,
    ) -> StoreResult<Vec<VoiceSummary>> {
        let Some(actor) = actor else {
            let rows: Vec<VoiceRow> = sqlx::query_as(
                "select voice_id, min(voice_label) as label, min(voice_actor) as actor,
                   max(voice_official) as official, count(*) as claims,
                   count(distinct document_id) as documents
                 from claims group by voice_id order by count(*) desc, voice_id",
            )
            .fetch_all(&self.pool)
            .await?;
            return Ok(rows.into_iter().map(VoiceSummary::from).collect());
        };
        // An actor's voices, and a person's own: a few ids from the index, then each voice
        // counted on its own index, never a scan of every claim.
        let mut ids: Vec<String> =
            sqlx::query_scalar("select distinct voice_id from claims where voice_actor = $1")
                .bind(actor)
                .fetch_all(&self.pool)
                .await?;
        if !ids.iter().any(|id| id == actor) {
            ids.push(actor.to_owned());
        }
        let mut voices = Vec::new();
        for id in ids {
            if let Some(voice) = self.voice_summary(&id).await? {
                voices.push(voice);
            }
        }
        voices.sort_by(|a, b| b.claims.cmp(&a.claims).then_with(|| a.id.cmp(&b.id)));
        Ok(voices)
    }

    pub(in crate::store) async fn voice_labelled(
        &self,
        label: &str,
    ) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "select voice_id from claims where lower(voice_label) = lower($1) order by voice_id limit 1",
        )
        .bind(label)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// One voice's label, actor, standing and counts; none if no claim has it.
    pub(in crate::store) async fn voice_summary(
        &self,
        id: &str,
    ) -> StoreResult<Option<VoiceSummary>> {
        let first: Option<(String, Option<String>, i64)> = sqlx::query_as(
            "select voice_label, voice_actor, voice_official from claims where voice_id = $1 limit 1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((label, actor, official)) = first else {
            return Ok(None);
        };
        let (claims, documents): (i64, i64) = sqlx::query_as(
            "select count(*), count(distinct document_id) from claims where voice_id = $1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(Some(VoiceSummary {
            id: id.to_owned(),
            label,
            actor,
            official: official != 0,
            claims,
            documents,
        }))
    }

    pub(in crate::store) async fn voice_page(
        &self,
        id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Option<VoicePage>> {
        let Some(voice) = self.voice_summary(id).await? else {
            return Ok(None);
        };
        let rows: Vec<ClaimRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select d.slug, d.title, p.ordinal, {SENTENCE_CUT}, {CLAIM_COLUMNS} from claims c
             join paragraphs p on p.id = c.paragraph_id
             join documents d on d.id = p.document_id
             {CORRECTION_JOIN}
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
            voice,
            claims: rows.into_iter().map(StoredClaim::from).collect(),
        }))
    }
}
