//! Reading and writing whole tables, for moving a database between backends.

use sqlx::Row;

use super::Handle;
use crate::store::copy::{Kind, TableSpec, Value};
use crate::store::{StoreResult, Timestamp};

/// Bound parameters per statement, under both databases' limits.
const PARAMETERS_PER_INSERT: usize = 30_000;

impl Handle {
    pub(in crate::store) async fn read_table(
        &self,
        spec: &TableSpec,
    ) -> StoreResult<Vec<Vec<Value>>> {
        let columns: Vec<&str> = spec.columns.iter().map(|(name, _)| *name).collect();
        let sql = format!("select {} from {}", columns.join(", "), spec.name);
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                spec.columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, kind))| {
                        Ok(match kind {
                            Kind::Int => Value::Int(row.try_get(i)?),
                            Kind::Text => Value::Text(row.try_get(i)?),
                            Kind::Time => Value::Time(row.try_get::<Option<Timestamp>, _>(i)?),
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// Writes every table in one transaction: a copy lands whole or not at all.
    pub(in crate::store) async fn write_tables(
        &self,
        tables: &[(&TableSpec, Vec<Vec<Value>>)],
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        for (spec, rows) in tables {
            let columns: Vec<&str> = spec.columns.iter().map(|(name, _)| *name).collect();
            let conflict = if spec.name == "settings" {
                " on conflict (key) do update set value = excluded.value"
            } else {
                ""
            };
            let identity = if spec.identity {
                super::super::OVERRIDING_IDENTITY
            } else {
                ""
            };
            for chunk in rows.chunks((PARAMETERS_PER_INSERT / columns.len()).max(1)) {
                let mut query = sqlx::QueryBuilder::new(format!(
                    "insert into {} ({}) {identity} ",
                    spec.name,
                    columns.join(", ")
                ));
                query.push_values(chunk, |mut separated, row| {
                    for value in row {
                        match value {
                            Value::Int(v) => separated.push_bind(*v),
                            Value::Text(v) => separated.push_bind(v.clone()),
                            Value::Time(v) => separated.push_bind(*v),
                        };
                    }
                });
                query.push(conflict);
                query.build().execute(&mut *tx).await?;
            }
            if spec.identity {
                super::super::after_copying_identities(&mut tx, spec.name).await?;
            }
        }
        self.commit(tx).await?;
        Ok(())
    }
}
