//! The actor gazetteer as stored.

use super::{Store, StoreResult, on_backend};
use crate::domain::actors::{Actor, Addition, AliasRule, Gazetteer};

/// An actor with how often the corpus names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRecord {
    /// The actor.
    pub actor: Actor,
    /// Mentions across all documents.
    pub mentions: i64,
    /// Documents that name it.
    pub documents: i64,
}

pub(super) fn rule_name(rule: AliasRule) -> &'static str {
    match rule {
        AliasRule::Anywhere => "anywhere",
        AliasRule::NotBeforeName => "not_before_name",
        AliasRule::BeforeHyphenOnly => "before_hyphen_only",
    }
}

pub(super) fn parse_rule(name: &str) -> AliasRule {
    match name {
        "not_before_name" => AliasRule::NotBeforeName,
        "before_hyphen_only" => AliasRule::BeforeHyphenOnly,
        _ => AliasRule::Anywhere,
    }
}

impl Store {
    /// Inserts or updates every actor of the gazetteer and replaces all aliases.
    /// Actors no longer in the gazetteer are removed later by [`Store::prune_actors`], once
    /// documents have been re-matched and no mention refers to them.
    pub async fn sync_actors(&self, gazetteer: &Gazetteer) -> StoreResult<()> {
        on_backend!(self, db => db.sync_actors(gazetteer).await)
    }

    /// Deletes actors that are neither in `gazetteer` nor mentioned anywhere.
    pub async fn prune_actors(&self, gazetteer: &Gazetteer) -> StoreResult<u64> {
        on_backend!(self, db => db.prune_actors(gazetteer).await)
    }

    /// The gazetteer additions kept in the database, in the order they were made.
    pub async fn gazetteer_additions(&self) -> StoreResult<Vec<Addition>> {
        on_backend!(self, read db => db.gazetteer_additions().await)
    }

    /// Keeps a gazetteer addition made by `analyst` in the database.
    pub async fn add_gazetteer_addition(
        &self,
        addition: &Addition,
        analyst: &str,
    ) -> StoreResult<()> {
        on_backend!(self, db => db.add_gazetteer_addition(addition, analyst).await)
    }

    /// Sums what every document says of its actors into the corpus's totals, which the
    /// actor pages read; the import calls it after changing documents.
    pub async fn refresh_actor_totals(&self) -> StoreResult<()> {
        on_backend!(self, db => db.refresh_actor_totals().await)
    }

    /// Every stored actor with its aliases and mention counts, most-named first.
    pub async fn list_actors(&self) -> StoreResult<Vec<ActorRecord>> {
        on_backend!(self, read db => db.list_actors().await)
    }
}

/// A form in which the corpus names an actor, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The text as it stands in the documents ("Moscow", "the Kremlin").
    pub text: String,
    /// Mentions in that form.
    pub count: i64,
}

/// An actor named beside another, and in how many sentences and paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoMention {
    /// The other actor's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its palette slot.
    pub tone: u8,
    /// Sentences naming both.
    pub sentences: i64,
    /// Paragraphs naming both.
    pub paragraphs: i64,
}

/// A sentence that names an actor, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionedIn {
    /// The document's slug.
    pub slug: String,
    /// The document's title.
    pub title: String,
    /// The paragraph number, from 1.
    pub paragraph: i64,
    /// The paragraph's text.
    pub text: String,
    /// The sentence, as a code point range of `text`.
    pub sentence: std::ops::Range<usize>,
    /// The mentions of the actor in the sentence, as code point ranges of `text`.
    pub mentions: Vec<std::ops::Range<usize>>,
}

/// One page of the sentences that name an actor, in document, paragraph and sentence order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MentionPage {
    /// This page's sentences.
    pub sentences: Vec<MentionedIn>,
    /// Sentences naming the actor in all.
    pub total: i64,
}

/// A name no alias covers, as the report of unknown names lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// The words.
    pub text: String,
    /// Times the corpus uses it.
    pub count: i64,
    /// Documents using it.
    pub documents: i64,
    /// Up to two sentences using it.
    pub examples: Vec<MentionedIn>,
}

/// One page of the unknown names, most used first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnknownNames {
    /// This page's names.
    pub names: Vec<UnknownName>,
    /// Names in all.
    pub total: i64,
}

impl Store {
    /// The forms in which the corpus names actor `id`, most used first.
    pub async fn actor_forms(&self, id: &str) -> StoreResult<Vec<Form>> {
        on_backend!(self, read db => db.actor_forms(id).await)
    }

    /// The actors named in the same sentences (then paragraphs) as `id`, most often first.
    pub async fn co_mentioned(&self, id: &str, limit: i64) -> StoreResult<Vec<CoMention>> {
        on_backend!(self, read db => db.co_mentioned(id, limit).await)
    }

    /// How often the corpus names `id` in each month of publication (`YYYY-MM`; `YYYY` where
    /// a document gives only its year), in order, and in undated documents last.
    pub async fn actor_timeline(
        &self,
        id: &str,
    ) -> StoreResult<Vec<crate::domain::timeline::Period>> {
        on_backend!(self, read db => db.actor_timeline(id).await)
    }

    /// A page of the sentences naming `id`.
    pub async fn actor_mentions(
        &self,
        id: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<MentionPage> {
        on_backend!(self, read db => db.actor_mentions(id, offset, limit).await)
    }

    /// Every pair of actors named together in the corpus, with the sentences and paragraphs
    /// naming both.
    pub async fn corpus_pairs(&self) -> StoreResult<Vec<crate::domain::cooccurrence::Pair>> {
        on_backend!(self, read db => db.corpus_pairs().await)
    }

    /// A page of the names no alias covers, most used first; a single word seen only at the
    /// start of sentences is left out.
    pub async fn unknown_names(&self, offset: i64, limit: i64) -> StoreResult<UnknownNames> {
        on_backend!(self, read db => db.unknown_names(offset, limit).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "[[actor]]\nid = \"RUS\"\nname = \"Russia\"\nkind = \"state\"\naliases = [\"Moscow\"]\n[[actor]]\nid = \"CHN\"\nname = \"China\"\nkind = \"state\"\n";

    #[tokio::test]
    async fn actors_sync_list_and_prune() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("g.db")).await.unwrap();
        store
            .sync_actors(&Gazetteer::parse(TWO).unwrap())
            .await
            .unwrap();
        let listed = store.list_actors().await.unwrap();
        assert_eq!(listed.len(), 2);
        let russia = listed.iter().find(|a| a.actor.id == "RUS").unwrap();
        assert_eq!(russia.actor.aliases.len(), 2);
        assert_eq!(russia.mentions, 0);

        let only_china =
            Gazetteer::parse("[[actor]]\nid = \"CHN\"\nname = \"China\"\nkind = \"state\"\n")
                .unwrap();
        store.sync_actors(&only_china).await.unwrap();
        assert_eq!(store.prune_actors(&only_china).await.unwrap(), 1);
        let ids: Vec<_> = store
            .list_actors()
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.actor.id)
            .collect();
        assert_eq!(ids, vec!["CHN".to_string()]);
    }
}
