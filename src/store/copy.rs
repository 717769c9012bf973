//! Moving a whole database to another backend (SQLite to PostgreSQL, or back): every table,
//! row for row with its ids, into an empty database, then checked.

use super::{Store, StoreError, StoreResult, Table, Timestamp, on_backend};

/// How a column is read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Text,
    Time,
}

/// One value of a copied row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Time(Option<Timestamp>),
}

/// A table to copy: its name, whether its `id` is an identity column, and its columns.
pub(crate) struct TableSpec {
    pub(crate) name: &'static str,
    pub(crate) identity: bool,
    pub(crate) columns: &'static [(&'static str, Kind)],
}

use Kind::{Int, Text, Time};

/// Every table, parents before children so foreign keys hold at every insert.
pub(crate) const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "sources",
        identity: true,
        columns: &[("id", Int), ("key", Text), ("name", Text)],
    },
    TableSpec {
        name: "analysts",
        identity: true,
        columns: &[
            ("id", Int),
            ("name", Text),
            ("token_hash", Text),
            ("created_at", Time),
            ("revoked_at", Time),
            ("admin", Int),
        ],
    },
    TableSpec {
        name: "documents",
        identity: true,
        columns: &[
            ("id", Int),
            ("slug", Text),
            ("title", Text),
            ("author", Text),
            ("published", Text),
            ("source_url", Text),
            ("language", Text),
            ("tags", Text),
            ("format", Text),
            ("content_hash", Text),
            ("analysis_hash", Text),
            ("version", Int),
            ("imported_at", Time),
            ("updated_at", Time),
            ("fingerprint", Text),
            ("source_id", Int),
            ("origin", Text),
            ("uploaded_by", Int),
            ("archived_at", Time),
            ("archived_by", Int),
        ],
    },
    TableSpec {
        name: "document_versions",
        identity: false,
        columns: &[
            ("document_id", Int),
            ("version", Int),
            ("content_hash", Text),
            ("source_text", Text),
            ("imported_at", Time),
            ("format", Text),
            ("metadata", Text),
            ("corrections", Text),
            ("published_by", Int),
        ],
    },
    TableSpec {
        name: "paragraphs",
        identity: true,
        columns: &[
            ("id", Int),
            ("document_id", Int),
            ("ordinal", Int),
            ("kind", Text),
            ("text", Text),
            ("start_cp", Int),
        ],
    },
    TableSpec {
        name: "paragraph_formats",
        identity: false,
        columns: &[
            ("paragraph_id", Int),
            ("start_cp", Int),
            ("end_cp", Int),
            ("style", Text),
            ("href", Text),
            ("ordinal", Int),
        ],
    },
    TableSpec {
        name: "footnotes",
        identity: false,
        columns: &[
            ("document_id", Int),
            ("number", Int),
            ("label", Text),
            ("content_html", Text),
        ],
    },
    TableSpec {
        name: "footnote_refs",
        identity: false,
        columns: &[
            ("paragraph_id", Int),
            ("number", Int),
            ("occurrence", Int),
            ("offset_cp", Int),
        ],
    },
    TableSpec {
        name: "actors",
        identity: false,
        columns: &[
            ("id", Text),
            ("name", Text),
            ("kind", Text),
            ("wikidata", Text),
            ("affiliation", Text),
            ("role", Text),
            ("tone", Int),
        ],
    },
    TableSpec {
        name: "actor_aliases",
        identity: false,
        columns: &[
            ("alias", Text),
            ("actor_id", Text),
            ("rule", Text),
            ("ordinal", Int),
        ],
    },
    TableSpec {
        name: "mentions",
        identity: false,
        columns: &[
            ("paragraph_id", Int),
            ("actor_id", Text),
            ("start_cp", Int),
            ("end_cp", Int),
            ("matched", Text),
            ("sentence_start_cp", Int),
            ("sentence_end_cp", Int),
        ],
    },
    TableSpec {
        name: "co_mentions",
        identity: false,
        columns: &[
            ("document_id", Int),
            ("actor_a", Text),
            ("actor_b", Text),
            ("sentences", Int),
            ("paragraphs", Int),
        ],
    },
    TableSpec {
        name: "document_actors",
        identity: false,
        columns: &[
            ("document_id", Int),
            ("actor_id", Text),
            ("mentions", Int),
            ("sentences", Int),
        ],
    },
    TableSpec {
        name: "document_forms",
        identity: false,
        columns: &[
            ("document_id", Int),
            ("actor_id", Text),
            ("matched", Text),
            ("mentions", Int),
        ],
    },
    TableSpec {
        name: "actor_totals",
        identity: false,
        columns: &[
            ("actor_id", Text),
            ("mentions", Int),
            ("documents", Int),
            ("sentences", Int),
        ],
    },
    TableSpec {
        name: "form_totals",
        identity: false,
        columns: &[("actor_id", Text), ("matched", Text), ("mentions", Int)],
    },
    TableSpec {
        name: "timeline_totals",
        identity: false,
        columns: &[
            ("actor_id", Text),
            ("period", Text),
            ("mentions", Int),
            ("documents", Int),
        ],
    },
    TableSpec {
        name: "pair_totals",
        identity: false,
        columns: &[
            ("actor_a", Text),
            ("actor_b", Text),
            ("sentences", Int),
            ("paragraphs", Int),
        ],
    },
    TableSpec {
        name: "name_candidates",
        identity: false,
        columns: &[
            ("paragraph_id", Int),
            ("start_cp", Int),
            ("end_cp", Int),
            ("text", Text),
            ("sentence_initial", Int),
            ("sentence_start_cp", Int),
            ("sentence_end_cp", Int),
        ],
    },
    TableSpec {
        name: "gazetteer_additions",
        identity: true,
        columns: &[
            ("id", Int),
            ("actor_id", Text),
            ("alias", Text),
            ("name", Text),
            ("kind", Text),
            ("affiliation", Text),
            ("role", Text),
            ("added_by", Text),
            ("added_at", Time),
        ],
    },
    TableSpec {
        name: "settings",
        identity: false,
        columns: &[("key", Text), ("value", Text)],
    },
    TableSpec {
        name: "sessions",
        identity: false,
        columns: &[
            ("id_hash", Text),
            ("analyst_id", Int),
            ("created_at", Time),
            ("expires_at", Time),
        ],
    },
    TableSpec {
        name: "annotations",
        identity: false,
        columns: &[
            ("id", Text),
            ("document_id", Int),
            ("analyst_id", Int),
            ("motivation", Text),
            ("body", Text),
            ("tags", Text),
            ("visibility", Text),
            ("start_cp", Int),
            ("end_cp", Int),
            ("exact", Text),
            ("prefix", Text),
            ("suffix", Text),
            ("document_version", Int),
            ("created", Time),
            ("modified", Time),
            ("revision", Int),
            ("body_html", Text),
            ("anchor_status", Text),
            ("original_exact", Text),
            ("canonical", Text),
            ("via", Text),
            ("body_language", Text),
            ("body_purpose", Text),
            ("credibility", Int),
            ("source_reliability", Text),
            ("parent_id", Text),
            ("mentions", Text),
            ("reply_seq", Int),
        ],
    },
    TableSpec {
        name: "note_revisions",
        identity: false,
        columns: &[
            ("annotation_id", Text),
            ("seq", Int),
            ("document_id", Int),
            ("author_id", Int),
            ("analyst_id", Int),
            ("kind", Text),
            ("restored_from", Int),
            ("visibility", Text),
            ("state", Text),
            ("at", Time),
        ],
    },
    TableSpec {
        name: "source_grades",
        identity: false,
        columns: &[
            ("source_id", Int),
            ("reliability", Text),
            ("graded_by", Int),
            ("graded_at", Time),
        ],
    },
    TableSpec {
        name: "document_grades",
        identity: false,
        columns: &[
            ("document_id", Int),
            ("reliability", Text),
            ("graded_by", Int),
            ("graded_at", Time),
        ],
    },
    TableSpec {
        name: "voice_corrections",
        identity: false,
        columns: &[
            ("id", Text),
            ("document_id", Int),
            ("analyst_id", Int),
            ("voice_id", Text),
            ("voice_label", Text),
            ("voice_actor", Text),
            ("voice_official", Int),
            ("start_cp", Int),
            ("end_cp", Int),
            ("exact", Text),
            ("prefix", Text),
            ("suffix", Text),
            ("original_exact", Text),
            ("anchor_status", Text),
            ("document_version", Int),
            ("seq", Int),
            ("outcome", Text),
            ("rule_voice_label", Text),
            ("created", Time),
            ("modified", Time),
        ],
    },
    TableSpec {
        name: "claim_rows",
        identity: false,
        columns: &[
            ("document_id", Int),
            ("paragraph_id", Int),
            ("sentence_start", Int),
            ("sentence_end", Int),
            ("cue_start", Int),
            ("cue_end", Int),
            ("cue_text", Text),
            ("source_start", Int),
            ("source_end", Int),
            ("source_text", Text),
            ("voice_id", Text),
            ("voice_label", Text),
            ("voice_actor", Text),
            ("voice_official", Int),
            ("attribution", Text),
            ("confidence", Int),
            ("rule", Text),
            ("origin", Text),
            ("active", Int),
            ("correction_id", Text),
        ],
    },
    TableSpec {
        name: "idempotency_keys",
        identity: false,
        columns: &[
            ("analyst_id", Int),
            ("key", Text),
            ("request_hash", Text),
            ("annotation_id", Text),
            ("created_at", Time),
        ],
    },
];

/// What a copy moved, table by table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Rows written per table, in copy order.
    pub rows: Vec<(&'static str, usize)>,
}

impl Store {
    /// Copies every row of this database into `target`, which must hold no documents,
    /// analysts or notes yet, all in one transaction on the target. Ids are kept, so note
    /// IRIs, sessions and tokens work on the target as they did here.
    pub async fn copy_into(&self, target: &Store) -> StoreResult<CopyReport> {
        for table in [Table::Documents, Table::Analysts, Table::Annotations] {
            if target.count_rows(table).await? > 0 {
                return Err(StoreError::Conflict(format!(
                    "the target database already has {}; copy into an empty one",
                    table.name()
                )));
            }
        }
        let mut tables = Vec::with_capacity(TABLES.len());
        for spec in TABLES {
            let rows = on_backend!(self, read db => db.read_table(spec).await)?;
            tables.push((spec, rows));
        }
        on_backend!(target, db => db.write_tables(&tables).await)?;
        Ok(CopyReport {
            rows: tables
                .iter()
                .map(|(spec, rows)| (spec.name, rows.len()))
                .collect(),
        })
    }
}
