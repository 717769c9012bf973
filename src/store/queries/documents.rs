//! Documents, their paragraphs, footnotes and mentions.

use std::collections::HashMap;

use sqlx::FromRow;

use super::{Db, Handle, Tx};
use crate::domain::actors::{Actor, ActorKind, Mention};
use crate::domain::document::{
    AnalysedDocument, Block, BlockKind, Footnote, FootnoteRef, Format, Metadata, ParsedDocument,
};
use crate::domain::html::SafeHtml;
use crate::store::annotations::ReanchorCounts;
use crate::store::documents::{
    ActorCount, DocumentRecord, DocumentState, DocumentSummary, NewDocument, Origin,
    ROWS_PER_INSERT, SaveOutcome, Saved, StoredDocument, VersionRecord, parse_style, style_name,
    to_usize,
};
use crate::store::{StoreError, StoreResult, Timestamp};

#[derive(FromRow)]
struct DocumentRow {
    id: i64,
    slug: String,
    title: String,
    author: Option<String>,
    published: Option<String>,
    source_url: Option<String>,
    language: Option<String>,
    tags: String,
    format: String,
    version: i64,
    updated_at: Timestamp,
    source_name: Option<String>,
}

#[derive(FromRow)]
struct ParagraphRow {
    id: i64,
    kind: String,
    text: String,
}

#[derive(FromRow)]
struct RangeRow {
    paragraph_id: i64,
    start_cp: i64,
    end_cp: i64,
    label: String,
    extra: Option<String>,
}

#[derive(FromRow)]
struct FootnoteRow {
    number: i64,
    label: String,
    content_html: Option<String>,
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    slug: String,
    title: String,
    author: Option<String>,
    published: Option<String>,
    source_url: Option<String>,
    version: i64,
    paragraphs: i64,
}

#[derive(FromRow)]
struct ActorCountRow {
    document_id: i64,
    id: String,
    name: String,
    mentions: i64,
}

#[derive(FromRow)]
struct ActorRow {
    id: String,
    name: String,
    kind: String,
    wikidata: Option<String>,
    affiliation: Option<String>,
    role: Option<String>,
    tone: i64,
}

impl Handle {
    pub(in crate::store) async fn document_states(
        &self,
    ) -> StoreResult<HashMap<String, DocumentState>> {
        let rows: Vec<(String, String, String, String)> =
            sqlx::query_as("select slug, analysis_hash, fingerprint, origin from documents")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(slug, analysis_hash, fingerprint, origin)| {
                let state = DocumentState {
                    analysis_hash,
                    fingerprint,
                    from_browser: origin == "browser",
                };
                (slug, state)
            })
            .collect())
    }

    pub(in crate::store) async fn set_fingerprints(
        &self,
        prints: &[(String, String)],
    ) -> StoreResult<()> {
        if prints.is_empty() {
            return Ok(());
        }
        let mut tx = self.write().await?;
        for (slug, print) in prints {
            sqlx::query("update documents set fingerprint = $2 where slug = $1")
                .bind(slug)
                .bind(print)
                .execute(&mut *tx)
                .await?;
        }
        self.commit(tx).await?;
        Ok(())
    }

    pub(in crate::store) async fn save_document(
        &self,
        doc: &NewDocument<'_>,
    ) -> StoreResult<SaveOutcome> {
        Ok(self.save_documents(std::slice::from_ref(doc)).await?[0])
    }

    pub(in crate::store) async fn save_documents(
        &self,
        docs: &[NewDocument<'_>],
    ) -> StoreResult<Vec<SaveOutcome>> {
        let now = Timestamp::now();
        let mut tx = self.write().await?;
        super::super::bulk_write_begins(&mut tx).await?;
        let saved = match save_all(&mut tx, docs, now).await {
            Ok(outcomes) => self.commit(tx).await.map(|()| outcomes),
            Err(e) => {
                // Rolled back here, so that the writer is free for what follows.
                drop(tx);
                Err(e)
            }
        };
        self.bulk_write_ended().await;
        saved
    }
}

#[derive(FromRow)]
struct NoteThenRow {
    annotation_id: String,
    author_id: i64,
    seq: i64,
    kind: String,
    author: String,
    state: String,
    at: Timestamp,
}

#[derive(FromRow)]
struct VersionRow {
    version: i64,
    imported_at: Timestamp,
    by_name: Option<String>,
    source_text: String,
    format: Option<String>,
    metadata: Option<String>,
    corrections: Option<String>,
}

#[derive(FromRow)]
struct RecordRow {
    id: i64,
    version: i64,
    origin: String,
    uploaded_by: Option<i64>,
    archived: bool,
    source_text: String,
    format: String,
    metadata: Option<String>,
    corrections: Option<String>,
}

/// Saves a batch of documents in `tx`: first the documents' rows and versions, then the
/// paragraphs and everything found in them for the whole batch together (a statement per
/// thousand rows of a table, whichever documents they belong to, instead of a statement per
/// table and document), then what each document's notes and corrections need.
async fn save_all(
    tx: &mut Tx,
    docs: &[NewDocument<'_>],
    now: Timestamp,
) -> StoreResult<Vec<SaveOutcome>> {
    let heads = save_heads(tx, docs, now).await?;
    let blocks: Vec<(i64, &[Block])> = docs
        .iter()
        .zip(&heads)
        .map(|(doc, head)| (head.id, doc.analysed.parsed.blocks.as_slice()))
        .collect();
    let paragraph_ids = insert_paragraphs(tx, &blocks).await?;
    let mut rows = ContentRows::default();
    for ((doc, head), ids) in docs.iter().zip(&heads).zip(&paragraph_ids) {
        rows.add(head.id, doc.analysed, doc.voices, ids);
    }
    rows.insert(tx).await?;
    let mut outcomes = Vec::with_capacity(docs.len());
    for (doc, head) in docs.iter().zip(&heads) {
        outcomes.push(save_tail(tx, doc, head, now).await?);
    }
    Ok(outcomes)
}

/// A document's row as [`save_heads`] left it.
struct SavedHead {
    id: i64,
    version: i64,
    saved: Saved,
}

/// A stored document's id, content hash, version and origin.
type ExistingHead = (i64, String, i64, String);

/// Inserts or updates the documents' rows, clears what their earlier analysis stored, and
/// keeps each text as a version when it is new. New documents and versions are written a
/// thousand to a statement: a first import is almost all new documents.
async fn save_heads(
    tx: &mut Tx,
    docs: &[NewDocument<'_>],
    now: Timestamp,
) -> StoreResult<Vec<SavedHead>> {
    let mut existing: HashMap<String, ExistingHead> = HashMap::with_capacity(docs.len());
    for chunk in docs.chunks(ROWS_PER_INSERT) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "select slug, id, content_hash, version, origin from documents where slug in (",
        );
        let mut slugs = query.separated(", ");
        for doc in chunk {
            slugs.push_bind(doc.slug);
        }
        query.push(")");
        let rows: Vec<(String, i64, String, i64, String)> =
            query.build_query_as().fetch_all(&mut **tx).await?;
        existing.extend(
            rows.into_iter()
                .map(|(slug, id, hash, version, origin)| (slug, (id, hash, version, origin))),
        );
    }
    let mut tags = Vec::with_capacity(docs.len());
    for doc in docs {
        if let Some((_, _, _, origin)) = existing.get(doc.slug)
            && origin != doc.origin.as_str()
        {
            return Err(origin_conflict(doc.slug, origin));
        }
        tags.push(
            serde_json::to_string(&doc.analysed.parsed.meta.tags)
                .map_err(|e| StoreError::Malformed(e.to_string()))?,
        );
    }
    let added: Vec<(&NewDocument<'_>, &str)> = docs
        .iter()
        .zip(&tags)
        .filter(|(doc, _)| !existing.contains_key(doc.slug))
        .map(|(doc, tags)| (doc, tags.as_str()))
        .collect();
    let mut new_ids: HashMap<String, i64> = HashMap::with_capacity(added.len());
    for chunk in added.chunks(ROWS_PER_INSERT) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "insert into documents (slug, title, author, published, source_url, language, tags,
               format, content_hash, analysis_hash, version, imported_at, updated_at, fingerprint,
               origin, uploaded_by) ",
        );
        query.push_values(chunk, |mut row, (doc, tags)| {
            let meta = &doc.analysed.parsed.meta;
            row.push_bind(doc.slug)
                .push_bind(doc.title)
                .push_bind(meta.author.as_deref())
                .push_bind(meta.published.as_deref())
                .push_bind(meta.source.as_deref())
                .push_bind(meta.language.as_deref())
                .push_bind(*tags)
                .push_bind(doc.format)
                .push_bind(doc.content_hash)
                .push_bind(doc.analysis_hash)
                .push_bind(1_i64)
                .push_bind(now)
                .push_bind(now)
                .push_bind(doc.fingerprint)
                .push_bind(doc.origin.as_str())
                .push_bind(doc.origin.uploaded_by());
        });
        // RETURNING gives no order: each id is matched to its document by slug.
        query.push(" returning slug, id");
        let rows: Vec<(String, i64)> = query.build_query_as().fetch_all(&mut **tx).await?;
        new_ids.extend(rows);
    }
    let mut heads = Vec::with_capacity(docs.len());
    for (doc, tags) in docs.iter().zip(&tags) {
        let head = match existing.remove(doc.slug) {
            None => SavedHead {
                id: *new_ids.get(doc.slug).ok_or_else(|| {
                    StoreError::Malformed(format!("no id came back for {:?}", doc.slug))
                })?,
                version: 1,
                saved: Saved::Added,
            },
            Some((id, old_hash, old_version, _)) => {
                update_head(tx, doc, tags, id, &old_hash, old_version, now).await?
            }
        };
        heads.push(head);
    }
    let versions: Vec<(&NewDocument<'_>, &SavedHead)> = docs
        .iter()
        .zip(&heads)
        .filter(|(_, head)| head.saved != Saved::Reanalysed)
        .collect();
    for chunk in versions.chunks(ROWS_PER_INSERT) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "insert into document_versions (document_id, version, content_hash, source_text,
               imported_at, format, metadata, corrections, published_by) ",
        );
        query.push_values(chunk, |mut row, (doc, head)| {
            let (metadata, corrections) = match doc.origin {
                Origin::Corpus => (None, None),
                Origin::Browser {
                    metadata,
                    corrections,
                    ..
                } => (Some(metadata), Some(corrections)),
            };
            row.push_bind(head.id)
                .push_bind(head.version)
                .push_bind(doc.content_hash)
                .push_bind(doc.source_text)
                .push_bind(now)
                .push_bind(doc.format)
                .push_bind(metadata)
                .push_bind(corrections)
                .push_bind(doc.origin.uploaded_by());
        });
        query.build().execute(&mut **tx).await?;
    }
    Ok(heads)
}

/// Why a document of one origin cannot be saved over one of the other.
fn origin_conflict(slug: &str, stored_origin: &str) -> StoreError {
    StoreError::Conflict(format!(
        "{slug:?} is a document {}; {}",
        if stored_origin == "browser" {
            "added in the browser"
        } else {
            "of the corpus directory"
        },
        if stored_origin == "browser" {
            "a corpus file does not replace it: rename the file"
        } else {
            "change its file in the corpus directory instead"
        }
    ))
}

/// Updates a stored document's row to `doc` and clears what its earlier analysis stored; a
/// new text is a new version.
async fn update_head(
    tx: &mut Tx,
    doc: &NewDocument<'_>,
    tags: &str,
    id: i64,
    old_hash: &str,
    old_version: i64,
    now: Timestamp,
) -> StoreResult<SavedHead> {
    let meta = &doc.analysed.parsed.meta;
    let (version, saved) = if old_hash == doc.content_hash {
        (old_version, Saved::Reanalysed)
    } else {
        (old_version + 1, Saved::NewVersion(old_version + 1))
    };
    sqlx::query(
        "update documents set title = $2, author = $3, published = $4, source_url = $5,
           language = $6, tags = $7, format = $8, content_hash = $9, analysis_hash = $10,
           version = $11, updated_at = $12, fingerprint = $13
         where id = $1",
    )
    .bind(id)
    .bind(doc.title)
    .bind(&meta.author)
    .bind(&meta.published)
    .bind(&meta.source)
    .bind(&meta.language)
    .bind(tags)
    .bind(doc.format)
    .bind(doc.content_hash)
    .bind(doc.analysis_hash)
    .bind(version)
    .bind(now)
    .bind(doc.fingerprint)
    .execute(&mut **tx)
    .await?;
    for statement in [
        "delete from paragraphs where document_id = $1",
        "delete from footnotes where document_id = $1",
        "delete from co_mentions where document_id = $1",
        "delete from document_actors where document_id = $1",
        "delete from document_forms where document_id = $1",
    ] {
        sqlx::query(statement).bind(id).execute(&mut **tx).await?;
    }
    Ok(SavedHead { id, version, saved })
}

/// Files the document under its source, and moves its notes and corrections to a new text.
async fn save_tail(
    tx: &mut Tx,
    doc: &NewDocument<'_>,
    head: &SavedHead,
    now: Timestamp,
) -> StoreResult<SaveOutcome> {
    let SavedHead { id, version, saved } = *head;
    let meta = &doc.analysed.parsed.meta;
    // A new row has no source and no grade yet: only metadata that names one is filed.
    if saved != Saved::Added || meta.source_name().is_some() || meta.reliability.is_some() {
        super::grades::file_source(tx, id, meta, now).await?;
    }
    let reanchored = if let Saved::NewVersion(_) = saved {
        let texts = doc.analysed.parsed.paragraph_texts();
        super::corrections::reanchor_corrections(tx, id, version, &texts).await?;
        super::annotations::reanchor_notes(tx, id, version, &texts).await?
    } else {
        ReanchorCounts::default()
    };
    if saved != Saved::Added {
        super::corrections::apply_corrections(tx, id).await?;
    }
    Ok(SaveOutcome { saved, reanchored })
}

impl Handle {
    pub(in crate::store) async fn publish_document(
        &self,
        doc: &NewDocument<'_>,
        expect: Option<i64>,
    ) -> StoreResult<SaveOutcome> {
        let mut tx = self.write().await?;
        let existing: Option<(i64, String, Option<Timestamp>)> =
            sqlx::query_as("select version, origin, archived_at from documents where slug = $1")
                .bind(doc.slug)
                .fetch_optional(&mut *tx)
                .await?;
        match (expect, existing) {
            (None, None) => {}
            (None, Some(_)) => {
                return Err(StoreError::Conflict(format!(
                    "a document already has the slug {:?}; choose another",
                    doc.slug
                )));
            }
            (Some(_), None) => {
                return Err(StoreError::Conflict(format!(
                    "there is no document {:?} to revise",
                    doc.slug
                )));
            }
            (Some(_), Some((_, origin, _))) if origin != "browser" => {
                return Err(StoreError::Conflict(format!(
                    "{:?} comes from the corpus directory: change its file there, or a corpus import would undo the change",
                    doc.slug
                )));
            }
            (Some(_), Some((_, _, Some(_)))) => {
                return Err(StoreError::Conflict(format!(
                    "{:?} is archived; restore it before revising it",
                    doc.slug
                )));
            }
            (Some(expected), Some((version, _, None))) if expected != version => {
                return Err(StoreError::Conflict(format!(
                    "{:?} is at version {version} now, not {expected}: someone revised it meanwhile; look at that version first",
                    doc.slug
                )));
            }
            (Some(_), Some(_)) => {}
        }
        let mut outcomes = save_all(&mut tx, std::slice::from_ref(doc), Timestamp::now()).await?;
        self.commit(tx).await?;
        outcomes
            .pop()
            .ok_or_else(|| StoreError::Malformed("a published document was not saved".into()))
    }

    pub(in crate::store) async fn archived_slugs(
        &self,
    ) -> StoreResult<std::collections::HashSet<String>> {
        let slugs: Vec<String> =
            sqlx::query_scalar("select slug from documents where archived_at is not null")
                .fetch_all(&self.pool)
                .await?;
        Ok(slugs.into_iter().collect())
    }

    pub(in crate::store) async fn set_archived(
        &self,
        document_id: i64,
        by: Option<i64>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "update documents set archived_at = case when $2 is null then null else $3 end,
               archived_by = $2
             where id = $1",
        )
        .bind(document_id)
        .bind(by)
        .bind(Timestamp::now())
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    pub(in crate::store) async fn document_versions(
        &self,
        document_id: i64,
    ) -> StoreResult<Vec<VersionRecord>> {
        let rows: Vec<VersionRow> = sqlx::query_as(
            "select v.version, v.imported_at, a.name as by_name, v.source_text, v.format, v.metadata,
                    v.corrections
             from document_versions v left join analysts a on a.id = v.published_by
             where v.document_id = $1 order by v.version",
        )
        .bind(document_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| VersionRecord {
                version: r.version,
                at: r.imported_at,
                by: r.by_name,
                source_text: r.source_text,
                format: r.format,
                fields: r.metadata,
                corrections: r.corrections,
            })
            .collect())
    }

    /// Instants are kept to the second: a revision in the very second the next version was
    /// stored belongs to the version before, unless it is that version's re-anchoring.
    pub(in crate::store) async fn notes_before(
        &self,
        document_id: i64,
        before: Timestamp,
    ) -> StoreResult<Vec<(String, i64, crate::store::history::StoredRevision)>> {
        let rows: Vec<NoteThenRow> = sqlx::query_as(
            "select r.annotation_id, r.author_id, r.seq, r.kind, a.name as author, r.state, r.at
             from note_revisions r join analysts a on a.id = r.author_id
             where r.document_id = $1 and (r.at < $2 or (r.at = $2 and r.kind <> 'reanchored'))
               and r.seq = (select max(l.seq) from note_revisions l
                            where l.annotation_id = r.annotation_id
                              and (l.at < $2 or (l.at = $2 and l.kind <> 'reanchored')))
             order by r.annotation_id",
        )
        .bind(document_id)
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .filter(|row| row.kind != "deleted")
            .map(|row| {
                let kind = crate::domain::annotation::history::RevisionKind::parse(&row.kind)
                    .ok_or_else(|| {
                        StoreError::Malformed(format!("revision kind {:?}", row.kind))
                    })?;
                let state = serde_json::from_str(&row.state)
                    .map_err(|e| StoreError::Malformed(format!("revision state: {e}")))?;
                Ok((
                    row.annotation_id,
                    row.author_id,
                    crate::store::history::StoredRevision {
                        seq: row.seq,
                        kind,
                        by: Some(row.author),
                        restored_from: None,
                        state,
                        at: row.at.rfc3339(),
                    },
                ))
            })
            .collect()
    }

    pub(in crate::store) async fn document_record(
        &self,
        slug: &str,
    ) -> StoreResult<Option<DocumentRecord>> {
        let row: Option<RecordRow> = sqlx::query_as(
            "select d.id, d.version, d.origin, d.uploaded_by, d.archived_at is not null as archived,
                    v.source_text, coalesce(v.format, d.format) as format, v.metadata, v.corrections
             from documents d join document_versions v on v.document_id = d.id and v.version = d.version
             where d.slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| DocumentRecord {
            id: r.id,
            version: r.version,
            from_browser: r.origin == "browser",
            uploaded_by: r.uploaded_by,
            archived: r.archived,
            source_text: r.source_text,
            format: r.format,
            fields: r.metadata,
            corrections: r.corrections,
        }))
    }

    /// Documents not archived, newest first, `limit` from `offset`, each with the three
    /// actors it names most; only the listed documents' mentions are counted.
    pub(in crate::store) async fn list_documents(
        &self,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<DocumentSummary>> {
        const LISTED: &str = "select d.id from documents d where d.archived_at is null
             order by d.published desc nulls last, d.title, d.id limit $1 offset $2";
        let rows: Vec<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select d.id, d.slug, d.title, d.author, d.published, d.source_url, d.version,
                    (select count(*) from paragraphs p where p.document_id = d.id) as paragraphs
             from documents d
             where d.id in ({LISTED})
             order by d.published desc nulls last, d.title, d.id"
        )))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let counts: Vec<ActorCountRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select p.document_id, a.id, a.name, count(*) as mentions
             from mentions m
             join paragraphs p on p.id = m.paragraph_id
             join actors a on a.id = m.actor_id
             where p.document_id in ({LISTED})
             group by p.document_id, a.id, a.name
             order by p.document_id, mentions desc, a.name"
        )))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let mut top: HashMap<i64, Vec<ActorCount>> = HashMap::new();
        for row in counts {
            let list = top.entry(row.document_id).or_default();
            if list.len() < 3 {
                list.push(ActorCount {
                    id: row.id,
                    name: row.name,
                    mentions: row.mentions,
                });
            }
        }
        Ok(rows
            .into_iter()
            .map(|r| DocumentSummary {
                top_actors: top.remove(&r.id).unwrap_or_default(),
                slug: r.slug,
                title: r.title,
                author: r.author,
                published: r.published,
                source: r.source_url,
                paragraphs: r.paragraphs,
                version: r.version,
            })
            .collect())
    }

    pub(in crate::store) async fn count_listed_documents(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("select count(*) from documents where archived_at is null")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    pub(in crate::store) async fn load_document(
        &self,
        slug: &str,
    ) -> StoreResult<Option<StoredDocument>> {
        let Some(row): Option<DocumentRow> = sqlx::query_as(
            "select id, slug, title, author, published, source_url, language, tags, format,
                    version, updated_at,
                    (select s.name from sources s where s.id = documents.source_id) as source_name
             from documents where slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let blocks = self.load_blocks(row.id).await?;
        let footnotes = self.load_footnotes(row.id).await?;
        let actors = self.load_mentioned_actors(row.id).await?;
        let tags: Vec<String> =
            serde_json::from_str(&row.tags).map_err(|e| StoreError::Malformed(e.to_string()))?;
        let meta = Metadata {
            title: Some(row.title.clone()),
            outlet: row
                .source_name
                .filter(|name| Some(name) != row.author.as_ref()),
            reliability: None,
            author: row.author,
            published: row.published,
            source: row.source_url,
            language: row.language,
            tags,
        };
        let (blocks, mentions) = blocks;
        Ok(Some(StoredDocument {
            id: row.id,
            slug: row.slug,
            title: row.title,
            format: row.format,
            version: row.version,
            updated_at: row.updated_at.rfc3339(),
            analysed: AnalysedDocument::with_mentions(
                ParsedDocument {
                    meta,
                    blocks,
                    footnotes,
                    warnings: Vec::new(),
                },
                mentions,
            ),
            actors,
        }))
    }

    async fn load_blocks(&self, document_id: i64) -> StoreResult<(Vec<Block>, Vec<Vec<Mention>>)> {
        let paragraphs: Vec<ParagraphRow> = sqlx::query_as(
            "select id, kind, text from paragraphs where document_id = $1 order by ordinal",
        )
        .bind(document_id)
        .fetch_all(&self.pool)
        .await?;
        let index: HashMap<i64, usize> = paragraphs
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let mut blocks: Vec<Block> = paragraphs
            .into_iter()
            .map(|p| Block {
                kind: BlockKind::parse(&p.kind),
                ..Block::paragraph(p.text)
            })
            .collect();
        let mut mentions = vec![Vec::new(); blocks.len()];
        let ranges = |sql: &'static str| {
            sqlx::query_as::<_, RangeRow>(sql)
                .bind(document_id)
                .fetch_all(&self.pool)
        };
        for r in ranges(
            "select f.paragraph_id, f.start_cp, f.end_cp, f.style as label, f.href as extra
             from paragraph_formats f join paragraphs p on p.id = f.paragraph_id
             where p.document_id = $1 order by f.paragraph_id, f.ordinal",
        )
        .await?
        {
            let block = &mut blocks[index[&r.paragraph_id]];
            block.formats.push(Format {
                start: to_usize(r.start_cp)?,
                end: to_usize(r.end_cp)?,
                style: parse_style(&r.label, r.extra)?,
            });
        }
        for r in ranges(
            "select f.paragraph_id, f.offset_cp as start_cp, f.number as end_cp, '' as label, null as extra
             from footnote_refs f join paragraphs p on p.id = f.paragraph_id
             where p.document_id = $1 order by f.paragraph_id, f.offset_cp, f.number",
        )
        .await?
        {
            blocks[index[&r.paragraph_id]].footnote_refs.push(FootnoteRef {
                offset: to_usize(r.start_cp)?,
                number: u32::try_from(r.end_cp).map_err(|e| StoreError::Malformed(e.to_string()))?,
            });
        }
        for r in ranges(
            "select m.paragraph_id, m.start_cp, m.end_cp, m.actor_id as label, m.matched as extra
             from mentions m join paragraphs p on p.id = m.paragraph_id
             where p.document_id = $1 order by m.paragraph_id, m.start_cp",
        )
        .await?
        {
            mentions[index[&r.paragraph_id]].push(Mention {
                start: to_usize(r.start_cp)?,
                end: to_usize(r.end_cp)?,
                actor_id: r.label,
                matched: r.extra.unwrap_or_default(),
            });
        }
        Ok((blocks, mentions))
    }

    async fn load_footnotes(&self, document_id: i64) -> StoreResult<Vec<Footnote>> {
        let rows: Vec<FootnoteRow> = sqlx::query_as(
            "select number, label, content_html from footnotes where document_id = $1 order by number",
        )
        .bind(document_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Footnote {
                    number: u32::try_from(r.number)
                        .map_err(|e| StoreError::Malformed(e.to_string()))?,
                    label: r.label,
                    // Sanitised by the importer before it was stored.
                    content: r.content_html.map(SafeHtml::from_trusted),
                })
            })
            .collect()
    }

    async fn load_mentioned_actors(&self, document_id: i64) -> StoreResult<Vec<Actor>> {
        let rows: Vec<ActorRow> = sqlx::query_as(
            "select id, name, kind, wikidata, affiliation, role, tone from actors
             where id in (select m.actor_id from mentions m join paragraphs p on p.id = m.paragraph_id
                          where p.document_id = $1)
                or id in (select a.affiliation from actors a
                          join mentions m on m.actor_id = a.id
                          join paragraphs p on p.id = m.paragraph_id
                          where p.document_id = $1)",
        )
        .bind(document_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Actor {
                    kind: ActorKind::parse(&r.kind)
                        .ok_or_else(|| StoreError::Malformed(format!("actor kind {}", r.kind)))?,
                    id: r.id,
                    name: r.name,
                    wikidata: r.wikidata,
                    affiliation: r.affiliation,
                    role: r.role,
                    aliases: Vec::new(),
                    tone: u8::try_from(r.tone).unwrap_or(0),
                })
            })
            .collect()
    }
}

/// One `insert` per thousand rows of `rows`, each built only when the iterator reaches it.
fn inserts<'r, T>(
    table_and_columns: &'static str,
    rows: &'r [T],
    bind: impl Fn(&mut sqlx::query_builder::Separated<'_, Db, &'static str>, &'r T) + Copy + 'r,
) -> impl Iterator<Item = sqlx::QueryBuilder<Db>> + 'r {
    rows.chunks(ROWS_PER_INSERT).map(move |chunk| {
        let mut query = sqlx::QueryBuilder::<Db>::new(format!("insert into {table_and_columns} "));
        query.push_values(chunk, |mut separated, row| bind(&mut separated, row));
        query
    })
}

/// Runs `statements` in order, building each next one's arguments while the database runs the
/// one before: the two take turns on different threads instead of waiting for each other.
async fn execute_overlapped(
    tx: &mut Tx,
    mut statements: impl Iterator<Item = sqlx::QueryBuilder<Db>>,
) -> StoreResult<()> {
    let mut next = statements.next();
    while let Some(mut current) = next {
        // `join!` polls the statement first, which hands it to the database, then builds.
        let (done, following) = tokio::join!(current.build().execute(&mut **tx), async {
            statements.next()
        });
        done?;
        next = following;
    }
    Ok(())
}

/// Inserts the paragraphs of several documents (`(document id, blocks)`) and returns each
/// document's paragraph ids in paragraph order. The database assigns the ids (`returning`),
/// so nothing depends on holding a lock while counting them.
async fn insert_paragraphs(
    tx: &mut Tx,
    documents: &[(i64, &[Block])],
) -> StoreResult<Vec<Vec<i64>>> {
    let separator = crate::domain::anchor::PARAGRAPH_SEPARATOR.chars().count();
    let mut ids: Vec<Vec<i64>> = documents.iter().map(|(_, b)| vec![0; b.len()]).collect();
    let position: HashMap<i64, usize> = documents
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let mut rows = Vec::new();
    for (document_id, blocks) in documents {
        let mut start = 0;
        for (i, block) in blocks.iter().enumerate() {
            rows.push((*document_id, i as i64 + 1, block, start as i64));
            start += block.text.chars().count() + separator;
        }
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "insert into paragraphs (document_id, ordinal, kind, text, start_cp) ",
        );
        query.push_values(chunk, |mut row, (document_id, ordinal, block, start)| {
            row.push_bind(*document_id)
                .push_bind(*ordinal)
                .push_bind(block.kind.as_str())
                .push_bind(block.text.as_str())
                .push_bind(*start);
        });
        query.push(" returning id, document_id, ordinal");
        let inserted: Vec<(i64, i64, i64)> = query.build_query_as().fetch_all(&mut **tx).await?;
        for (id, document_id, ordinal) in inserted {
            let slot = position
                .get(&document_id)
                .and_then(|&d| ids.get_mut(d))
                .zip(usize::try_from(ordinal - 1).ok())
                .and_then(|(paragraphs, i)| paragraphs.get_mut(i))
                .ok_or_else(|| {
                    StoreError::Malformed(format!("paragraph {ordinal} of document {document_id}"))
                })?;
            *slot = id;
        }
    }
    Ok(ids)
}

/// Everything found in a batch's paragraphs, row by row, to be inserted table by table.
#[derive(Default)]
struct ContentRows<'a> {
    formats: Vec<FormatRow<'a>>,
    refs: Vec<(i64, i64, i64, i64)>,
    mentions: Vec<MentionRow<'a>>,
    names: Vec<(i64, &'a crate::domain::names::NameCandidate, i64, i64)>,
    tallies: Vec<(i64, crate::domain::cooccurrence::Tally)>,
    pairs: Vec<(i64, crate::domain::cooccurrence::Pair)>,
    claims: Vec<(
        i64,
        i64,
        &'a crate::domain::voices::Claim,
        &'a crate::domain::voices::Voice,
    )>,
    footnotes: Vec<(i64, &'a Footnote)>,
}

/// A format: paragraph, span, style, link target, and its place among the paragraph's.
type FormatRow<'a> = (i64, i64, i64, &'static str, Option<&'a str>, i64);

/// A mention: paragraph, actor, span, the words matched, and its sentence's span.
type MentionRow<'a> = (i64, &'a str, i64, i64, &'a str, Option<i64>, Option<i64>);

impl<'a> ContentRows<'a> {
    /// Adds a document's rows; `ids` are its paragraphs' ids, in order.
    fn add(
        &mut self,
        document_id: i64,
        analysed: &'a AnalysedDocument,
        voices: &'a crate::domain::voices::Voices,
        ids: &[i64],
    ) {
        let parsed = &analysed.parsed;
        let mut seen: HashMap<u32, i64> = HashMap::new();
        let sentence_of = |bounds: &[std::ops::Range<usize>], at: usize| {
            crate::domain::sentences::sentence_at(bounds, at)
                .and_then(|i| bounds.get(i))
                .map(|s| (s.start as i64, s.end as i64))
        };
        for (i, ((block, found), &paragraph_id)) in parsed
            .blocks
            .iter()
            .zip(&analysed.mentions)
            .zip(ids)
            .enumerate()
        {
            let bounds = analysed.sentences.get(i).map_or(&[][..], Vec::as_slice);
            for (ordinal, f) in block.formats.iter().enumerate() {
                let (style, href) = style_name(&f.style);
                self.formats.push((
                    paragraph_id,
                    f.start as i64,
                    f.end as i64,
                    style,
                    href,
                    ordinal as i64,
                ));
            }
            for r in &block.footnote_refs {
                let occurrence = seen.entry(r.number).or_insert(0);
                *occurrence += 1;
                self.refs
                    .push((paragraph_id, r.number as i64, *occurrence, r.offset as i64));
            }
            for m in found {
                let sentence = sentence_of(bounds, m.start);
                self.mentions.push((
                    paragraph_id,
                    m.actor_id.as_str(),
                    m.start as i64,
                    m.end as i64,
                    m.matched.as_str(),
                    sentence.map(|s| s.0),
                    sentence.map(|s| s.1),
                ));
            }
            for n in analysed.names.get(i).into_iter().flatten() {
                let (start, end) = sentence_of(bounds, n.start).unwrap_or((0, n.end as i64));
                self.names.push((paragraph_id, n, start, end));
            }
        }
        self.tallies
            .extend(analysed.tallies().into_iter().map(|t| (document_id, t)));
        self.pairs
            .extend(analysed.pairs().into_iter().map(|p| (document_id, p)));
        self.claims.extend(voices.claims.iter().filter_map(|c| {
            Some((
                document_id,
                *ids.get(c.paragraph)?,
                c,
                voices.voice(&c.voice)?,
            ))
        }));
        self.footnotes
            .extend(parsed.footnotes.iter().map(|f| (document_id, f)));
    }

    async fn insert(&self, tx: &mut Tx) -> StoreResult<()> {
        let forms: Vec<(i64, &str, &str, i64)> = self
            .tallies
            .iter()
            .flat_map(|(document_id, t)| {
                t.forms
                    .iter()
                    .map(|(form, n)| (*document_id, t.actor_id.as_str(), form.as_str(), *n as i64))
            })
            .collect();
        let statements = inserts(
            "paragraph_formats (paragraph_id, start_cp, end_cp, style, href, ordinal)",
            &self.formats,
            |q, f| {
                q.push_bind(f.0)
                    .push_bind(f.1)
                    .push_bind(f.2)
                    .push_bind(f.3)
                    .push_bind(f.4)
                    .push_bind(f.5);
            },
        )
        .chain(inserts(
            "footnote_refs (paragraph_id, number, occurrence, offset_cp)",
            &self.refs,
            |q, r| {
                q.push_bind(r.0)
                    .push_bind(r.1)
                    .push_bind(r.2)
                    .push_bind(r.3);
            },
        ))
        .chain(inserts(
            "mentions (paragraph_id, actor_id, start_cp, end_cp, matched, sentence_start_cp, sentence_end_cp)",
            &self.mentions,
            |q, m| {
                q.push_bind(m.0)
                    .push_bind(m.1)
                    .push_bind(m.2)
                    .push_bind(m.3)
                    .push_bind(m.4)
                    .push_bind(m.5)
                    .push_bind(m.6);
            },
        ))
        .chain(inserts(
            "name_candidates (paragraph_id, start_cp, end_cp, text, sentence_initial, sentence_start_cp, sentence_end_cp)",
            &self.names,
            |q, (paragraph_id, n, start, end)| {
                q.push_bind(*paragraph_id)
                    .push_bind(n.start as i64)
                    .push_bind(n.end as i64)
                    .push_bind(n.text.as_str())
                    .push_bind(i64::from(n.sentence_initial))
                    .push_bind(*start)
                    .push_bind(*end);
            },
        ))
        .chain(inserts(
            "document_actors (document_id, actor_id, mentions, sentences)",
            &self.tallies,
            |q, (document_id, t)| {
                q.push_bind(*document_id)
                    .push_bind(t.actor_id.as_str())
                    .push_bind(t.mentions as i64)
                    .push_bind(t.sentences as i64);
            },
        ))
        .chain(inserts(
            "document_forms (document_id, actor_id, matched, mentions)",
            &forms,
            |q, f| {
                q.push_bind(f.0)
                    .push_bind(f.1)
                    .push_bind(f.2)
                    .push_bind(f.3);
            },
        ))
        .chain(inserts(
            "co_mentions (document_id, actor_a, actor_b, sentences, paragraphs)",
            &self.pairs,
            |q, (document_id, pair)| {
                q.push_bind(*document_id)
                    .push_bind(pair.a.as_str())
                    .push_bind(pair.b.as_str())
                    .push_bind(pair.sentences as i64)
                    .push_bind(pair.paragraphs as i64);
            },
        ))
        .chain(inserts(
            "claim_rows (document_id, paragraph_id, sentence_start, sentence_end, cue_start, cue_end, cue_text,
                     source_start, source_end, source_text, voice_id, voice_label, voice_actor,
                     voice_official, attribution, confidence, rule)",
            &self.claims,
            |q, (document_id, paragraph_id, claim, voice)| {
                let span = |s: &'a Option<crate::domain::voices::Span>| {
                    s.as_ref()
                        .map(|s| (s.start as i64, s.end as i64, s.text.as_str()))
                };
                let cue = span(&claim.cue);
                let source = span(&claim.source);
                q.push_bind(*document_id)
                    .push_bind(*paragraph_id)
                    .push_bind(claim.sentence.start as i64)
                    .push_bind(claim.sentence.end as i64)
                    .push_bind(cue.map(|c| c.0))
                    .push_bind(cue.map(|c| c.1))
                    .push_bind(cue.map(|c| c.2))
                    .push_bind(source.map(|c| c.0))
                    .push_bind(source.map(|c| c.1))
                    .push_bind(source.map(|c| c.2))
                    .push_bind(voice.id.as_str())
                    .push_bind(voice.label.as_str())
                    .push_bind(voice.actor.as_deref())
                    .push_bind(i64::from(voice.official))
                    .push_bind(claim.attribution.as_str())
                    .push_bind(i64::from(claim.confidence))
                    .push_bind(claim.rule.as_str());
            },
        ))
        .chain(inserts(
            "footnotes (document_id, number, label, content_html)",
            &self.footnotes,
            |q, (document_id, f)| {
                q.push_bind(*document_id)
                    .push_bind(f.number as i64)
                    .push_bind(f.label.as_str())
                    .push_bind(f.content.as_ref().map(|c| c.as_str()));
            },
        ));
        execute_overlapped(tx, statements).await
    }
}
