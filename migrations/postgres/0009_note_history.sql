-- Every state of every note, append-only, as migrations/sqlite/0018_note_history.sql.
create table note_revisions (
    annotation_id text collate "C" not null,
    seq           bigint not null check (seq >= 1),
    document_id   bigint not null references documents (id) on delete cascade,
    author_id     bigint not null references analysts (id) on delete restrict,
    analyst_id    bigint references analysts (id) on delete restrict,
    kind          text not null
        check (kind in ('created', 'edited', 'reanchored', 'restored', 'deleted')),
    restored_from bigint,
    visibility    text not null check (visibility in ('private', 'team', 'public')),
    state         text not null,
    at            timestamptz not null,
    primary key (annotation_id, seq)
);
create index note_revisions_by_document on note_revisions (document_id);

insert into note_revisions (annotation_id, seq, document_id, author_id, analyst_id, kind,
                            visibility, state, at)
select id, 1, document_id, analyst_id, analyst_id, 'created', visibility,
       json_build_object('motivation', motivation, 'body', body, 'tags', tags::json,
                         'visibility', visibility, 'credibility', credibility,
                         'sourceReliability', source_reliability,
                         'anchor', case when start_cp is null then null
                                   else json_build_object('start', start_cp, 'end', end_cp, 'exact', exact) end,
                         'anchorStatus', anchor_status)::text,
       modified
from annotations;
