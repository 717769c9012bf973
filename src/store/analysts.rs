//! Analysts and their browser sessions.

use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, now_rfc3339};

/// A signed-in analyst.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Analyst {
    /// Row id.
    pub id: i64,
    /// Unique name.
    pub name: String,
}

/// An analyst as `glossa analyst list` shows them.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AnalystRecord {
    /// Unique name.
    pub name: String,
    /// When they were added.
    pub created_at: String,
    /// When their token was revoked, if it was.
    pub revoked_at: Option<String>,
    /// Notes they wrote.
    pub notes: i64,
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

impl Store {
    /// Adds an analyst with the hash of their token.
    pub async fn create_analyst(&self, name: &str, token_hash: &str) -> StoreResult<Analyst> {
        let mut tx = self.write().await?;
        let inserted = sqlx::query_as::<_, Analyst>(
            "insert into analysts (name, token_hash, created_at) values ($1, $2, $3) returning id, name",
        )
        .bind(name)
        .bind(token_hash)
        .bind(now_rfc3339())
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

    /// Every analyst, by name.
    pub async fn list_analysts(&self) -> StoreResult<Vec<AnalystRecord>> {
        Ok(sqlx::query_as(
            "select a.name, a.created_at, a.revoked_at,
                    (select count(*) from annotations n where n.analyst_id = a.id) as notes
             from analysts a order by a.name",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Revokes an analyst's token and ends their sessions; their notes stay.
    /// Returns false when no active analyst has that name.
    pub async fn revoke_analyst(&self, name: &str) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "update analysts set revoked_at = $2 where name = $1 and revoked_at is null",
        )
        .bind(name)
        .bind(now_rfc3339())
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

    /// The analyst with this name, active or revoked.
    pub async fn analyst_by_name(&self, name: &str) -> StoreResult<Option<Analyst>> {
        Ok(
            sqlx::query_as("select id, name from analysts where name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The active analyst holding this token hash.
    pub async fn analyst_by_token(&self, token_hash: &str) -> StoreResult<Option<Analyst>> {
        Ok(sqlx::query_as(
            "select id, name from analysts where token_hash = $1 and revoked_at is null",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The active analyst named `name` whose token hash matches.
    pub async fn analyst_by_name_and_token(
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

    /// Starts a session; `id_hash` is the hash of the cookie value.
    pub async fn create_session(
        &self,
        analyst_id: i64,
        id_hash: &str,
        expires_at: &str,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("insert into sessions (id_hash, analyst_id, created_at, expires_at) values ($1, $2, $3, $4)")
            .bind(id_hash)
            .bind(analyst_id)
            .bind(now_rfc3339())
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await?;
        Ok(())
    }

    /// The analyst of an unexpired session.
    pub async fn analyst_by_session(&self, id_hash: &str) -> StoreResult<Option<Analyst>> {
        Ok(sqlx::query_as(
            "select a.id, a.name from sessions s join analysts a on a.id = s.analyst_id
             where s.id_hash = $1 and s.expires_at > $2 and a.revoked_at is null",
        )
        .bind(id_hash)
        .bind(now_rfc3339())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Ends a session.
    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("delete from sessions where id_hash = $1")
            .bind(id_hash)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn analysts_tokens_sessions_and_revocation() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).await.unwrap();
        let alice = store.create_analyst("alice", "h1").await.unwrap();
        assert!(matches!(
            store.create_analyst("alice", "h2").await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            store.analyst_by_token("h1").await.unwrap(),
            Some(alice.clone())
        );
        assert_eq!(
            store
                .analyst_by_name_and_token("alice", "h1")
                .await
                .unwrap(),
            Some(alice.clone())
        );
        assert_eq!(
            store.analyst_by_name_and_token("bob", "h1").await.unwrap(),
            None
        );
        store
            .create_session(alice.id, "s1", "2999-01-01T00:00:00Z")
            .await
            .unwrap();
        store
            .create_session(alice.id, "old", "2000-01-01T00:00:00Z")
            .await
            .unwrap();
        assert_eq!(
            store.analyst_by_session("s1").await.unwrap(),
            Some(alice.clone())
        );
        assert_eq!(
            store.analyst_by_session("old").await.unwrap(),
            None,
            "expired"
        );
        assert!(store.revoke_analyst("alice").await.unwrap());
        assert!(!store.revoke_analyst("alice").await.unwrap());
        assert_eq!(store.analyst_by_token("h1").await.unwrap(), None);
        assert_eq!(store.analyst_by_session("s1").await.unwrap(), None);
        let listed = store.list_analysts().await.unwrap();
        assert!(listed[0].revoked_at.is_some());
        store.delete_session("s1").await.unwrap();
    }
}
