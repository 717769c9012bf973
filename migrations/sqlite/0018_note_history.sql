-- Every state of every note, append-only (src/domain/annotation/history.rs): a revision per
-- creation, edit, re-anchoring by a new version of the text, restoration and deletion, each
-- written in the same transaction as the change itself, so a note and its history never
-- disagree. A deleted note's revisions stay (its tombstone) until its author purges them, so
-- there is no foreign key to annotations; author_id and visibility say who may read them then.
create table note_revisions (
    annotation_id text not null,
    seq           integer not null check (seq >= 1),
    document_id   integer not null references documents (id) on delete cascade,
    author_id     integer not null references analysts (id) on delete restrict,
    analyst_id    integer references analysts (id) on delete restrict,  -- who; null: a re-import
    kind          text not null
        check (kind in ('created', 'edited', 'reanchored', 'restored', 'deleted')),
    restored_from integer,
    visibility    text not null check (visibility in ('private', 'team', 'public')),
    state         text not null,  -- JSON: motivation, body, tags, visibility, grades, anchor
    at            text not null,
    primary key (annotation_id, seq)
);
create index note_revisions_by_document on note_revisions (document_id);

-- The notes written before history was kept: their present state is their first revision.
insert into note_revisions (annotation_id, seq, document_id, author_id, analyst_id, kind,
                            visibility, state, at)
select id, 1, document_id, analyst_id, analyst_id, 'created', visibility,
       json_object('motivation', motivation, 'body', body, 'tags', json(tags),
                   'visibility', visibility, 'credibility', credibility,
                   'sourceReliability', source_reliability,
                   'anchor', case when start_cp is null then null
                             else json_object('start', start_cp, 'end', end_cp, 'exact', exact) end,
                   'anchorStatus', anchor_status),
       modified
from annotations;
