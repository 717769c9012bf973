//! Analysts and their browser sessions.

use super::Handle;
use crate::store::analysts::{Analyst, AnalystRecord, is_unique_violation};
use crate::store::{StoreError, StoreResult, Timestamp};

impl Handle {
    pub(in crate::store) async fn set_admin(&self, name: &str, admin: bool) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query("update analysts set admin = $2 where name = $1")
            .bind(name)
            .bind(i64::from(admin))
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await?;
        Ok(done.rows_affected() == 1)
    }

    pub(in crate::store) async fn is_admin(&self, analyst_id: i64) -> StoreResult<bool> {
        let admin: Option<bool> =
            sqlx::query_scalar("select admin <> 0 from analysts where id = $1")
                .bind(analyst_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(admin == Some(true))
    }

    pub(in crate::store) async fn create_analyst(
        &self,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<Analyst> {
        let mut tx = self.write().await?;
        let inserted = sqlx::query_as::<_, Analyst>(
            "insert into analysts (name, token_hash, created_at) values ($1, $2, $3) returning id, name",
        )
        .bind(name)
        .bind(token_hash)
        .bind(Timestamp::now())
        .fetch_one(&mut *tx)
        .await;
        let analyst = match inserted {
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict(format!(
                    "an analyst named {name:?} already exists"
                )));
            }
            other => other?,
        };
        self.commit(tx).await?;
        Ok(analyst)
    }

    pub(in crate::store) async fn list_analysts(&self) -> StoreResult<Vec<AnalystRecord>> {
        Ok(sqlx::query_as(
            "select a.name, a.created_at, a.revoked_at,
                    (select count(*) from annotations n where n.analyst_id = a.id) as notes
             from analysts a order by a.name",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub(in crate::store) async fn revoke_analyst(&self, name: &str) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "update analysts set revoked_at = $2 where name = $1 and revoked_at is null",
        )
        .bind(name)
        .bind(Timestamp::now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "delete from sessions where analyst_id = (select id from analysts where name = $1)",
        )
        .bind(name)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(done.rows_affected() == 1)
    }

    pub(in crate::store) async fn analyst_by_name(
        &self,
        name: &str,
    ) -> StoreResult<Option<Analyst>> {
        Ok(
            sqlx::query_as("select id, name from analysts where name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub(in crate::store) async fn analyst_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<Analyst>> {
        Ok(sqlx::query_as(
            "select id, name from analysts where token_hash = $1 and revoked_at is null",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub(in crate::store) async fn analyst_is_active(&self, id: i64) -> StoreResult<bool> {
        Ok(sqlx::query_scalar(
            "select exists (select 1 from analysts where id = $1 and revoked_at is null)",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    pub(in crate::store) async fn analyst_by_name_and_token(
        &self,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<Option<Analyst>> {
        Ok(sqlx::query_as(
            "select id, name from analysts where name = $1 and token_hash = $2 and revoked_at is null",
        )
        .bind(name)
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub(in crate::store) async fn create_session(
        &self,
        analyst_id: i64,
        id_hash: &str,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("insert into sessions (id_hash, analyst_id, created_at, expires_at) values ($1, $2, $3, $4)")
            .bind(id_hash)
            .bind(analyst_id)
            .bind(Timestamp::now())
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await?;
        Ok(())
    }

    pub(in crate::store) async fn analyst_by_session(
        &self,
        id_hash: &str,
    ) -> StoreResult<Option<Analyst>> {
        Ok(sqlx::query_as(
            "select a.id, a.name from sessions s join analysts a on a.id = s.analyst_id
             where s.id_hash = $1 and s.expires_at > $2 and a.revoked_at is null",
        )
        .bind(id_hash)
        .bind(Timestamp::now())
        .fetch_optional(&self.pool)
        .await?)
    }

    pub(in crate::store) async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("delete from sessions where id_hash = $1")
            .bind(id_hash)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await?;
        Ok(())
    }
}
