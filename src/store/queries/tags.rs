//! Tag counts and renames.

use sqlx::QueryBuilder;

use super::super::full_text;
use super::{Db, Handle};
use crate::store::annotations::{NoteFilter, json_list};
use crate::store::tags::{RenameScope, Renamed, TagCount, renamed_tags};
use crate::store::{StoreError, StoreResult, Timestamp};

/// The tag as it is written inside a note's JSON list of tags, quotes included.
fn json_needle(tag: &str) -> StoreResult<String> {
    serde_json::to_string(tag).map_err(|e| StoreError::Malformed(e.to_string()))
}

impl Handle {
    pub(in crate::store) async fn list_tags(
        &self,
        filter: NoteFilter,
        me: Option<i64>,
    ) -> StoreResult<Vec<TagCount>> {
        let mut q =
            QueryBuilder::<Db>::new("select t.value, count(*), sum(case when n.analyst_id = ");
        q.push_bind(me.unwrap_or(-1))
            .push(" then 1 else 0 end) from annotations n")
            .push(full_text::NOTE_TAGS)
            .push(" where ");
        super::search::push_visibility(&mut q, filter);
        q.push(" group by t.value order by count(*) desc, t.value");
        let rows: Vec<(String, i64, i64)> = q.build_query_as().fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(tag, notes, mine)| TagCount { tag, notes, mine })
            .collect())
    }

    pub(in crate::store) async fn rename_tag(
        &self,
        analyst: i64,
        from: &str,
        to: &str,
        scope: RenameScope,
    ) -> StoreResult<Renamed> {
        let mut tx = self.write().await?;
        let mut q = QueryBuilder::<Db>::new(
            "select id, analyst_id, visibility, tags from annotations n where ",
        );
        full_text::push_contains(&mut q, "n.tags", json_needle(from)?);
        let rows: Vec<(String, i64, String, String)> =
            q.build_query_as().fetch_all(&mut *tx).await?;
        let mut carrying = Vec::new();
        let mut others = Vec::new();
        for (id, author, visibility, tags) in rows {
            let tags: Vec<String> = serde_json::from_str(&tags)
                .map_err(|_| StoreError::Malformed(format!("note {id}: tags")))?;
            if !tags.iter().any(|t| t == from) {
                continue;
            }
            if author == analyst {
                carrying.push((id, tags));
            } else if visibility != "private" {
                // Another analyst's private note is theirs alone: it keeps its tag, and is
                // neither counted nor betrayed by a refusal.
                others.push(author);
            }
        }
        if scope == RenameScope::Everyone && !others.is_empty() {
            let notes = others.len() as i64;
            others.sort_unstable();
            others.dedup();
            return Ok(Renamed::OthersUseIt {
                notes,
                authors: others.len() as i64,
            });
        }
        if carrying.is_empty() {
            return Ok(Renamed::NoSuchTag);
        }
        let now = Timestamp::now();
        for (id, tags) in &carrying {
            sqlx::query(
                "update annotations set tags = $2, modified = $3, revision = revision + 1
                 where id = $1",
            )
            .bind(id)
            .bind(json_list(&renamed_tags(tags, from, to))?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await?;
        Ok(Renamed::Done {
            notes: carrying.len() as u64,
        })
    }
}
