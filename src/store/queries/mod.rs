//! The statements, written once in the SQL that SQLite and PostgreSQL both speak and compiled
//! once per backend: `sqlite.rs` and `postgres.rs` each include this module, so `Db` and
//! `Handle` here are that backend's. Nothing in these files may depend on which one it is.

use sqlx::Transaction;

use super::{Db, Handle, begin_write};
use crate::store::{StoreResult, Table};

mod actors;
mod analysts;
pub(super) mod annotations;
mod copy;
mod corrections;
mod documents;
mod grades;
mod history;
mod search;
mod tags;
mod voices;

/// A write transaction on this backend.
type Tx = Transaction<'static, Db>;

/// A connection on this backend; a [`Tx`] derefs to one, so helpers that take it run inside
/// the caller's transaction.
type Conn = <Db as sqlx::Database>::Connection;

impl Handle {
    /// Starts a write transaction.
    pub(super) async fn write(&self) -> StoreResult<Tx> {
        Ok(begin_write(&self.writer).await?)
    }

    /// Commits, then moves the generation so that no page rendered before is served again.
    pub(super) async fn commit(&self, tx: Tx) -> StoreResult<()> {
        tx.commit().await?;
        self.shared.committed();
        Ok(())
    }

    pub(in crate::store) async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    pub(in crate::store) async fn health(&self) -> Option<String> {
        if let Err(e) = sqlx::query_scalar::<_, i64>("select count(*) from documents")
            .fetch_one(&self.pool)
            .await
        {
            return Some(format!("reads fail: {e}"));
        }
        if !self.writable {
            return Some("the database is read-only: notes cannot be saved".into());
        }
        match self.write().await {
            Ok(tx) => tx
                .rollback()
                .await
                .err()
                .map(|e| format!("writes fail: {e}")),
            Err(e) => Some(format!("writes fail: {e}")),
        }
    }

    pub(in crate::store) async fn schema_version(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "select coalesce(max(version), 0) from _sqlx_migrations where success",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    pub(in crate::store) async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("select value from settings where key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub(in crate::store) async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "insert into settings (key, value) values ($1, $2)
             on conflict (key) do update set value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub(in crate::store) async fn count_rows(&self, table: Table) -> StoreResult<i64> {
        let sql = format!("select count(*) from {}", table.name());
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&self.pool)
            .await?)
    }
}
