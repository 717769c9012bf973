//! Analysts and their browser sessions.

use sqlx::FromRow;

use super::{Store, StoreResult, Timestamp, on_backend};

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
    pub created_at: Timestamp,
    /// When their token was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
    /// Notes they wrote.
    pub notes: i64,
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

impl Store {
    /// Adds an analyst with the hash of their token.
    pub async fn create_analyst(&self, name: &str, token_hash: &str) -> StoreResult<Analyst> {
        on_backend!(self, db => db.create_analyst(name, token_hash).await)
    }

    /// Gives or takes an analyst's admin role (archiving any document); false when there is
    /// no such analyst.
    pub async fn set_admin(&self, name: &str, admin: bool) -> StoreResult<bool> {
        on_backend!(self, db => db.set_admin(name, admin).await)
    }

    /// Whether the analyst has the admin role.
    pub async fn is_admin(&self, analyst_id: i64) -> StoreResult<bool> {
        on_backend!(self, read db => db.is_admin(analyst_id).await)
    }

    /// Every analyst, by name.
    pub async fn list_analysts(&self) -> StoreResult<Vec<AnalystRecord>> {
        on_backend!(self, read db => db.list_analysts().await)
    }

    /// Revokes an analyst's token and ends their sessions; their notes stay.
    /// Returns false when no active analyst has that name.
    pub async fn revoke_analyst(&self, name: &str) -> StoreResult<bool> {
        on_backend!(self, db => db.revoke_analyst(name).await)
    }

    /// The analyst with this name, active or revoked.
    pub async fn analyst_by_name(&self, name: &str) -> StoreResult<Option<Analyst>> {
        on_backend!(self, read db => db.analyst_by_name(name).await)
    }

    /// The active analyst holding this token hash.
    pub async fn analyst_by_token(&self, token_hash: &str) -> StoreResult<Option<Analyst>> {
        on_backend!(self, read db => db.analyst_by_token(token_hash).await)
    }

    /// The analyst holding this token hash, from memory when the token was seen before.
    /// Only for a write that checks the token again as it commits, as a new note's does
    /// ([`NewNote::token_hash`](super::annotations::NewNote::token_hash)): a token revoked
    /// since, on this instance or another, is refused there.
    pub async fn analyst_by_token_remembered(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<Analyst>> {
        if let Some(analyst) = self.shared.remembered_token(token_hash) {
            return Ok(Some(analyst));
        }
        let analyst = self.analyst_by_token(token_hash).await?;
        if let Some(analyst) = &analyst {
            self.shared.remember_token(token_hash, analyst.clone());
        }
        Ok(analyst)
    }

    /// Forgets a token remembered by [`Store::analyst_by_token_remembered`].
    pub fn forget_token(&self, token_hash: &str) {
        self.shared.forget_token(token_hash);
    }

    /// Whether the analyst with this id may still sign in (not revoked).
    pub async fn analyst_is_active(&self, id: i64) -> StoreResult<bool> {
        on_backend!(self, read db => db.analyst_is_active(id).await)
    }

    /// The active analyst named `name` whose token hash matches.
    pub async fn analyst_by_name_and_token(
        &self,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<Option<Analyst>> {
        on_backend!(self, read db => db.analyst_by_name_and_token(name, token_hash).await)
    }

    /// Starts a session; `id_hash` is the hash of the cookie value.
    pub async fn create_session(
        &self,
        analyst_id: i64,
        id_hash: &str,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        on_backend!(self, db => db.create_session(analyst_id, id_hash, expires_at).await)
    }

    /// The analyst of an unexpired session.
    pub async fn analyst_by_session(&self, id_hash: &str) -> StoreResult<Option<Analyst>> {
        on_backend!(self, read db => db.analyst_by_session(id_hash).await)
    }

    /// Ends a session.
    pub async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        on_backend!(self, db => db.delete_session(id_hash).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

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
            .create_session(
                alice.id,
                "s1",
                Timestamp::parse("2999-01-01T00:00:00Z").unwrap(),
            )
            .await
            .unwrap();
        store
            .create_session(
                alice.id,
                "old",
                Timestamp::parse("2000-01-01T00:00:00Z").unwrap(),
            )
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
