//! Analysts' corrections of attributions, and laying them over the rules' claims.

use sqlx::FromRow;

use super::annotations::{AnchoredTable, reanchor_rows};
use super::{Handle, Tx};
use crate::domain::anchor::Anchor;
use crate::domain::reanchor::AnchorStatus;
use crate::domain::voices::corrections::{
    Outcome, Placement, RuleClaim, Verdict, followers, overlay, place,
};
use crate::domain::voices::{Attribution, Voice};
use crate::store::annotations::ReanchorCounts;
use crate::store::voices::StoredCorrection;
use crate::store::{StoreError, StoreResult, Timestamp};

#[derive(FromRow)]
struct CorrectionRow {
    id: String,
    slug: String,
    creator: String,
    voice_id: Option<String>,
    voice_label: Option<String>,
    voice_actor: Option<String>,
    voice_official: Option<i64>,
    start_cp: i64,
    end_cp: i64,
    exact: String,
    prefix: String,
    suffix: String,
    anchor_status: String,
    original_exact: String,
    paragraph: Option<i64>,
    outcome: String,
    rule_voice_label: Option<String>,
    created: Timestamp,
    modified: Timestamp,
}

const SELECT_CORRECTION: &str = "select vc.id, d.slug, a.name as creator, vc.voice_id,
        vc.voice_label, vc.voice_actor, vc.voice_official, vc.start_cp, vc.end_cp, vc.exact,
        vc.prefix, vc.suffix, vc.anchor_status, vc.original_exact,
        (select max(p.ordinal) from paragraphs p
          where p.document_id = vc.document_id and p.start_cp <= vc.start_cp) as paragraph,
        vc.outcome, vc.rule_voice_label, vc.created, vc.modified
    from voice_corrections vc join documents d on d.id = vc.document_id
    join analysts a on a.id = vc.analyst_id";

fn offset(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl From<CorrectionRow> for StoredCorrection {
    fn from(r: CorrectionRow) -> StoredCorrection {
        StoredCorrection {
            voice: voice(r.voice_id, r.voice_label, r.voice_actor, r.voice_official),
            anchor: Anchor {
                start: offset(r.start_cp),
                end: offset(r.end_cp),
                exact: r.exact,
                prefix: r.prefix,
                suffix: r.suffix,
            },
            status: AnchorStatus::parse(&r.anchor_status),
            original_exact: r.original_exact,
            paragraph: r.paragraph.unwrap_or(1),
            id: r.id,
            slug: r.slug,
            creator: r.creator,
            outcome: r.outcome,
            rule_voice: r.rule_voice_label,
            created: r.created.rfc3339(),
            modified: r.modified.rfc3339(),
        }
    }
}

fn voice(
    id: Option<String>,
    label: Option<String>,
    actor: Option<String>,
    official: Option<i64>,
) -> Option<Voice> {
    Some(Voice {
        id: id?,
        label: label?,
        actor,
        official: official? != 0,
    })
}

#[derive(FromRow)]
struct RuleRow {
    paragraph_id: i64,
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
    attribution: String,
    confidence: i64,
    rule: String,
}

#[derive(FromRow)]
struct PlacementRow {
    id: String,
    start_cp: i64,
    end_cp: i64,
    anchor_status: String,
    voice_id: Option<String>,
    voice_label: Option<String>,
    voice_actor: Option<String>,
    voice_official: Option<i64>,
}

impl Handle {
    pub(in crate::store) async fn correct_voice(
        &self,
        document_id: i64,
        version: i64,
        analyst_id: i64,
        id: &str,
        anchor: &Anchor,
        verdict: &Verdict,
    ) -> StoreResult<StoredCorrection> {
        let now = Timestamp::now();
        let mut tx = self.write().await?;
        let current: Option<i64> =
            sqlx::query_scalar("select version from documents where id = $1")
                .bind(document_id)
                .fetch_optional(&mut *tx)
                .await?;
        if current != Some(version) {
            return Err(StoreError::Conflict(
                "the document changed while the correction was made; reload it and correct the sentence again".into(),
            ));
        }
        // Earlier corrections of the sentence are kept: the newest holds, the others are
        // listed as overruled, and taking the newest back brings the one before it back.
        let (voice_id, label, actor, official) = match verdict {
            Verdict::Says(v) => (
                Some(v.id.clone()),
                Some(v.label.clone()),
                v.actor.clone(),
                Some(i64::from(v.official)),
            ),
            Verdict::NoOne => (None, None, None, None),
        };
        sqlx::query(
            "insert into voice_corrections (id, document_id, analyst_id, voice_id, voice_label,
               voice_actor, voice_official, start_cp, end_cp, exact, prefix, suffix,
               original_exact, anchor_status, document_version, seq, created, modified)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $10, 'exact', $13,
               (select coalesce(max(seq), 0) + 1 from voice_corrections where document_id = $2),
               $14, $14)",
        )
        .bind(id)
        .bind(document_id)
        .bind(analyst_id)
        .bind(voice_id)
        .bind(label)
        .bind(actor)
        .bind(official)
        .bind(anchor.start as i64)
        .bind(anchor.end as i64)
        .bind(&anchor.exact)
        .bind(&anchor.prefix)
        .bind(&anchor.suffix)
        .bind(version)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        apply_corrections(&mut tx, document_id).await?;
        let row: CorrectionRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_CORRECTION} where vc.id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(row.into())
    }

    pub(in crate::store) async fn delete_correction(
        &self,
        document_id: i64,
        id: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let deleted =
            sqlx::query("delete from voice_corrections where document_id = $1 and id = $2")
                .bind(document_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if deleted == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        apply_corrections(&mut tx, document_id).await?;
        self.commit(tx).await?;
        Ok(true)
    }

    pub(in crate::store) async fn document_corrections(
        &self,
        document_id: i64,
        id: Option<&str>,
    ) -> StoreResult<Vec<StoredCorrection>> {
        let rows: Vec<CorrectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_CORRECTION} where vc.document_id = $1 and ($2 is null or vc.id = $2)
             order by vc.seq desc, vc.id desc"
        )))
        .bind(document_id)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(StoredCorrection::from).collect())
    }
}

/// Re-anchors a document's corrections in its new text, inside the import's transaction.
pub(super) async fn reanchor_corrections(
    tx: &mut Tx,
    document_id: i64,
    version: i64,
    paragraphs: &[&str],
) -> StoreResult<ReanchorCounts> {
    reanchor_rows(
        tx,
        AnchoredTable::VoiceCorrections,
        document_id,
        version,
        paragraphs,
    )
    .await
}

/// Lays every correction of a document over the rules' claims (see
/// [`crate::domain::voices::corrections`]): the rules' claims are put back in force, then
/// each correction, newest first, confirms, replaces or withdraws the claim on its sentence.
pub(super) async fn apply_corrections(tx: &mut Tx, document_id: i64) -> StoreResult<()> {
    let corrections: Vec<PlacementRow> = sqlx::query_as(
        "select id, start_cp, end_cp, anchor_status, voice_id, voice_label, voice_actor,
           voice_official
         from voice_corrections where document_id = $1 order by seq desc, id desc",
    )
    .bind(document_id)
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query("delete from claim_rows where document_id = $1 and origin = 'analyst'")
        .bind(document_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "update claim_rows set active = 1, correction_id = null
         where document_id = $1 and (active = 0 or correction_id is not null)",
    )
    .bind(document_id)
    .execute(&mut **tx)
    .await?;
    if corrections.is_empty() {
        return Ok(());
    }
    let paragraphs: Vec<(i64, i64, i64)> = sqlx::query_as(
        "select id, start_cp, cast(length(text) as bigint) from paragraphs where document_id = $1 order by ordinal",
    )
    .bind(document_id)
    .fetch_all(&mut **tx)
    .await?;
    let index_of = |paragraph_id: i64| paragraphs.iter().position(|p| p.0 == paragraph_id);
    let blocks: Vec<(usize, usize)> = paragraphs
        .iter()
        .map(|&(_, start, len)| (offset(start), offset(len)))
        .collect();
    let rules: Vec<RuleRow> = sqlx::query_as(
        "select paragraph_id, sentence_start, sentence_end, cue_start, cue_end, cue_text,
           source_start, source_end, source_text, voice_id, voice_label, attribution,
           confidence, rule
         from claim_rows where document_id = $1 and origin = 'rules'",
    )
    .bind(document_id)
    .fetch_all(&mut **tx)
    .await?;
    let rule_claims: Vec<RuleClaim> = rules
        .iter()
        .map(|r| RuleClaim {
            paragraph: index_of(r.paragraph_id).unwrap_or(usize::MAX),
            sentence: offset(r.sentence_start)..offset(r.sentence_end),
            voice: r.voice_id.clone(),
            carried: Attribution::parse(&r.attribution).is_some_and(Attribution::is_carried),
        })
        .collect();
    let verdicts: Vec<Verdict> = corrections
        .iter()
        .map(|c| {
            voice(
                c.voice_id.clone(),
                c.voice_label.clone(),
                c.voice_actor.clone(),
                c.voice_official,
            )
            .map_or(Verdict::NoOne, Verdict::Says)
        })
        .collect();
    let placed: Vec<(Placement, &Verdict)> = corrections
        .iter()
        .zip(&verdicts)
        .map(|(c, verdict)| {
            let placement = AnchorStatus::parse(&c.anchor_status)
                .is_placed()
                .then(|| place(&blocks, offset(c.start_cp), offset(c.end_cp)))
                .flatten();
            (placement, verdict)
        })
        .collect();
    let decisions = overlay(&rule_claims, &placed);
    for ((correction, verdict), decision) in corrections.iter().zip(&verdicts).zip(&decisions) {
        let rule = decision.rule_claim.map(|i| &rules[i]);
        sqlx::query(
            "update voice_corrections set outcome = $2, rule_voice_label = $3 where id = $1",
        )
        .bind(&correction.id)
        .bind(decision.outcome.as_str())
        .bind(rule.map(|r| r.voice_label.clone()))
        .execute(&mut **tx)
        .await?;
        if let Some(rule) = rule
            && matches!(
                decision.outcome,
                Outcome::Confirmed | Outcome::Reassigned | Outcome::Removed
            )
        {
            sqlx::query(
                "update claim_rows set active = $4, correction_id = $5
                 where paragraph_id = $1 and sentence_start = $2 and origin = 'rules'
                   and sentence_end = $3",
            )
            .bind(rule.paragraph_id)
            .bind(rule.sentence_start)
            .bind(rule.sentence_end)
            .bind(i64::from(decision.outcome == Outcome::Confirmed))
            .bind(&correction.id)
            .execute(&mut **tx)
            .await?;
        }
        if let (Verdict::Says(voice), Some((paragraph, sentence))) = (verdict, &decision.sentence) {
            let cue = rule.filter(|r| r.cue_start.is_some());
            sqlx::query(
                "insert into claim_rows (document_id, paragraph_id, sentence_start, sentence_end,
                   cue_start, cue_end, cue_text, voice_id, voice_label, voice_actor,
                   voice_official, attribution, confidence, rule, origin, active, correction_id)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'analyst', 100, 'analyst',
                   'analyst', 1, $12)",
            )
            .bind(document_id)
            .bind(paragraphs[*paragraph].0)
            .bind(sentence.start as i64)
            .bind(sentence.end as i64)
            .bind(cue.and_then(|r| r.cue_start))
            .bind(cue.and_then(|r| r.cue_end))
            .bind(cue.and_then(|r| r.cue_text.clone()))
            .bind(&voice.id)
            .bind(&voice.label)
            .bind(&voice.actor)
            .bind(i64::from(voice.official))
            .bind(&correction.id)
            .execute(&mut **tx)
            .await?;
        }
    }
    // Sentences the rules carried on from a reassigned one speak with its new voice.
    for (j, k) in followers(&rule_claims, &decisions) {
        let (rule, correction) = (&rules[j], &corrections[k]);
        let Verdict::Says(voice) = &verdicts[k] else {
            continue;
        };
        sqlx::query(
            "update claim_rows set active = 0, correction_id = $4
             where paragraph_id = $1 and sentence_start = $2 and sentence_end = $3
               and origin = 'rules'",
        )
        .bind(rule.paragraph_id)
        .bind(rule.sentence_start)
        .bind(rule.sentence_end)
        .bind(&correction.id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "insert into claim_rows (document_id, paragraph_id, sentence_start, sentence_end,
               cue_start, cue_end, cue_text, source_start, source_end, source_text, voice_id,
               voice_label, voice_actor, voice_official, attribution, confidence, rule, origin,
               active, correction_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
               'analyst', 1, $18)",
        )
        .bind(document_id)
        .bind(rule.paragraph_id)
        .bind(rule.sentence_start)
        .bind(rule.sentence_end)
        .bind(rule.cue_start)
        .bind(rule.cue_end)
        .bind(&rule.cue_text)
        .bind(rule.source_start)
        .bind(rule.source_end)
        .bind(&rule.source_text)
        .bind(&voice.id)
        .bind(&voice.label)
        .bind(&voice.actor)
        .bind(i64::from(voice.official))
        .bind(&rule.attribution)
        .bind(rule.confidence)
        .bind(format!(
            "{}, from a sentence an analyst reassigned",
            rule.rule
        ))
        .bind(&correction.id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
