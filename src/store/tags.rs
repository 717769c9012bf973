//! Tags across the corpus: how often each is used, and renaming or merging them.

use super::annotations::NoteFilter;
use super::{Store, StoreResult, on_backend};

/// A tag and the notes that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCount {
    /// The tag as written.
    pub tag: String,
    /// Notes the viewer may see that carry it.
    pub notes: i64,
    /// Of those, the viewer's own.
    pub mine: i64,
}

/// Whose notes a rename changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameScope {
    /// The renaming analyst's own notes; other analysts' notes keep the old tag.
    Mine,
    /// Every team and public note with the tag, which is allowed only when every one of them
    /// is the renaming analyst's (nobody may change another analyst's notes; other analysts'
    /// private notes are theirs alone and keep their tags).
    Everyone,
}

/// What a rename did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Renamed {
    /// These many notes now carry the new tag instead (merged where they had both).
    Done { notes: u64 },
    /// The analyst has no note with the tag.
    NoSuchTag,
    /// A team-wide rename was refused: other analysts' team or public notes carry the tag.
    OthersUseIt { notes: i64, authors: i64 },
}

impl Store {
    /// Tags on the notes `filter` lets the viewer see, most used first; `me` counts the
    /// viewer's own.
    pub async fn list_tags(
        &self,
        filter: NoteFilter,
        me: Option<i64>,
    ) -> StoreResult<Vec<TagCount>> {
        on_backend!(self, read db => db.list_tags(filter, me).await)
    }

    /// Renames tag `from` to `to` on `analyst`'s notes (a merge when some already carry
    /// `to`: each note keeps one of it). Each changed note gets a new revision.
    pub async fn rename_tag(
        &self,
        analyst: i64,
        from: &str,
        to: &str,
        scope: RenameScope,
    ) -> StoreResult<Renamed> {
        on_backend!(self, db => db.rename_tag(analyst, from, to, scope).await)
    }
}

/// A note's tags after renaming `from` to `to`, each tag once, in their order.
pub fn renamed_tags(tags: &[String], from: &str, to: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = if tag == from { to } else { tag.as_str() };
        if !out.iter().any(|t| t == tag) {
            out.push(tag.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::renamed_tags;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn renaming_keeps_order_and_merges_duplicates() {
        assert_eq!(
            renamed_tags(&tags(&["a", "sanction", "b"]), "sanction", "sanctions"),
            tags(&["a", "sanctions", "b"])
        );
        assert_eq!(
            renamed_tags(
                &tags(&["sanctions", "x", "sanction"]),
                "sanction",
                "sanctions"
            ),
            tags(&["sanctions", "x"])
        );
        assert_eq!(renamed_tags(&tags(&["x"]), "y", "z"), tags(&["x"]));
    }
}
