//! Source and document reliability grades.

use sqlx::FromRow;

use super::{Handle, Tx};
use crate::domain::document::Metadata;
use crate::domain::grades::Reliability;
use crate::store::grades::{DocumentGrading, GradeRecord, GradeScope, SourceRecord};
use crate::store::{StoreError, StoreResult, Timestamp};

#[derive(FromRow)]
struct GradeRow {
    reliability: String,
    by_name: Option<String>,
    graded_at: Timestamp,
}

impl GradeRow {
    fn record(self) -> StoreResult<GradeRecord> {
        Ok(GradeRecord {
            reliability: Reliability::parse(&self.reliability).ok_or_else(|| {
                StoreError::Malformed(format!("reliability {:?}", self.reliability))
            })?,
            by: self.by_name,
            at: self.graded_at.rfc3339(),
        })
    }
}

#[derive(FromRow)]
struct SourceRow {
    id: i64,
    name: String,
    documents: i64,
}

/// The key a source name is filed under: letter case and runs of white space do not make
/// another outlet.
fn source_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Files the document `document_id` under the source its metadata names (its outlet, or
/// failing one its author), and takes a grade from the metadata unless an analyst has set
/// one, which the corpus never overrides.
pub(super) async fn file_source(
    tx: &mut Tx,
    document_id: i64,
    meta: &Metadata,
    now: Timestamp,
) -> StoreResult<()> {
    let Some(name) = meta.source_name() else {
        sqlx::query("update documents set source_id = null where id = $1")
            .bind(document_id)
            .execute(&mut **tx)
            .await?;
        if let Some(reliability) = meta.reliability {
            grade_from_metadata(tx, GradeScope::Document, document_id, reliability, now).await?;
        }
        return Ok(());
    };
    let key = source_key(name);
    sqlx::query("insert into sources (key, name) values ($1, $2) on conflict (key) do nothing")
        .bind(&key)
        .bind(name.trim())
        .execute(&mut **tx)
        .await?;
    let source_id: i64 = sqlx::query_scalar("select id from sources where key = $1")
        .bind(&key)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query("update documents set source_id = $2 where id = $1")
        .bind(document_id)
        .bind(source_id)
        .execute(&mut **tx)
        .await?;
    if let Some(reliability) = meta.reliability {
        grade_from_metadata(tx, GradeScope::Source, source_id, reliability, now).await?;
    }
    Ok(())
}

/// The table holding grades of `scope`, and its key column.
fn grade_table(scope: GradeScope) -> (&'static str, &'static str) {
    match scope {
        GradeScope::Document => ("document_grades", "document_id"),
        GradeScope::Source => ("source_grades", "source_id"),
    }
}

/// Sets the metadata's grade of the document or source `owner`, unless an analyst's holds.
async fn grade_from_metadata(
    tx: &mut Tx,
    scope: GradeScope,
    owner: i64,
    reliability: Reliability,
    now: Timestamp,
) -> StoreResult<()> {
    let (table, key) = grade_table(scope);
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into {table} ({key}, reliability, graded_by, graded_at) values ($1, $2, null, $3)
         on conflict ({key}) do update set reliability = excluded.reliability,
           graded_at = excluded.graded_at
         where {table}.graded_by is null and {table}.reliability <> excluded.reliability"
    )))
    .bind(owner)
    .bind(reliability.letter())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Handle {
    pub(in crate::store) async fn document_grading(
        &self,
        document_id: i64,
    ) -> StoreResult<DocumentGrading> {
        let mut conn = self.pool.acquire().await?;
        grading_in(&mut conn, document_id).await
    }

    pub(in crate::store) async fn grade_reliability(
        &self,
        document_id: i64,
        scope: GradeScope,
        analyst_id: i64,
        reliability: Option<Reliability>,
    ) -> StoreResult<DocumentGrading> {
        let mut tx = self.write().await?;
        let (table, key) = grade_table(scope);
        let owner = match scope {
            GradeScope::Document => Some(document_id),
            GradeScope::Source => {
                sqlx::query_scalar::<_, Option<i64>>(
                    "select source_id from documents where id = $1",
                )
                .bind(document_id)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let owner = owner.ok_or_else(|| {
            StoreError::Conflict(
                "the document's metadata names no outlet or author, so there is no source record to grade; grade the document itself".to_owned(),
            )
        })?;
        match reliability {
            Some(reliability) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "insert into {table} ({key}, reliability, graded_by, graded_at)
                     values ($1, $2, $3, $4)
                     on conflict ({key}) do update set reliability = excluded.reliability,
                       graded_by = excluded.graded_by, graded_at = excluded.graded_at"
                )))
                .bind(owner)
                .bind(reliability.letter())
                .bind(analyst_id)
                .bind(Timestamp::now())
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "delete from {table} where {key} = $1"
                )))
                .bind(owner)
                .execute(&mut *tx)
                .await?;
            }
        }
        let grading = grading_in(&mut tx, document_id).await?;
        self.commit(tx).await?;
        Ok(grading)
    }
}

async fn grading_in(
    conn: &mut <super::Db as sqlx::Database>::Connection,
    document_id: i64,
) -> StoreResult<DocumentGrading> {
    let own: Option<GradeRow> = sqlx::query_as(
        "select g.reliability, a.name as by_name, g.graded_at from document_grades g
         left join analysts a on a.id = g.graded_by where g.document_id = $1",
    )
    .bind(document_id)
    .fetch_optional(&mut *conn)
    .await?;
    let source: Option<SourceRow> = sqlx::query_as(
        "select s.id, s.name, (select count(*) from documents o where o.source_id = s.id) as documents
         from documents d join sources s on s.id = d.source_id where d.id = $1",
    )
    .bind(document_id)
    .fetch_optional(&mut *conn)
    .await?;
    let source = match source {
        None => None,
        Some(row) => {
            let grade: Option<GradeRow> = sqlx::query_as(
                "select g.reliability, a.name as by_name, g.graded_at from source_grades g
                 left join analysts a on a.id = g.graded_by where g.source_id = $1",
            )
            .bind(row.id)
            .fetch_optional(&mut *conn)
            .await?;
            Some(SourceRecord {
                id: row.id,
                name: row.name,
                grade: grade.map(GradeRow::record).transpose()?,
                documents: row.documents,
            })
        }
    };
    Ok(DocumentGrading {
        own: own.map(GradeRow::record).transpose()?,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::source_key;

    #[test]
    fn an_outlet_is_one_source_whatever_its_case_and_spacing() {
        assert_eq!(source_key("  Carnegie   Endowment "), "carnegie endowment");
        assert_eq!(
            source_key("CARNEGIE Endowment"),
            source_key("Carnegie endowment")
        );
    }
}
