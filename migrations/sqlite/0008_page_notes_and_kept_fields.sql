-- Page notes and the W3C fields a note must not lose.
--
-- A page note (the W3C model's plain-IRI target) is on the whole document: its anchor columns
-- are null. SQLite cannot relax a check constraint in place, so the table is rebuilt; its
-- rows, index and generation triggers come back as they were.
--
-- canonical: the IRI every copy of the annotation shares (the protocol: kept without change);
-- via: JSON array of the IRIs it was copied from; body_language and body_purpose: the text
-- body's `language` and `purpose` when the client gave them.
create table annotations_rebuilt (
    id               text primary key,
    document_id      integer not null references documents (id) on delete restrict,
    analyst_id       integer not null references analysts (id) on delete restrict,
    motivation       text not null,
    body             text not null,
    tags             text not null default '[]',
    visibility       text not null check (visibility in ('private', 'team', 'public')),
    start_cp         integer,
    end_cp           integer,
    exact            text,
    prefix           text,
    suffix           text,
    document_version integer not null,
    created          text not null,
    modified         text not null,
    revision         integer not null default 1,
    body_html        text,
    anchor_status    text not null default 'exact'
        check (anchor_status in ('exact', 'moved', 'fuzzy', 'ambiguous', 'orphan')),
    original_exact   text not null default '',
    canonical        text,
    via              text not null default '[]',
    body_language    text,
    body_purpose     text,
    check ((start_cp is null) = (end_cp is null)),
    check ((start_cp is null) = (exact is null)),
    check (start_cp is null or start_cp < end_cp)
);

insert into annotations_rebuilt (id, document_id, analyst_id, motivation, body, tags, visibility,
    start_cp, end_cp, exact, prefix, suffix, document_version, created, modified, revision,
    body_html, anchor_status, original_exact)
select id, document_id, analyst_id, motivation, body, tags, visibility,
    start_cp, end_cp, exact, prefix, suffix, document_version, created, modified, revision,
    body_html, anchor_status, original_exact
from annotations;

drop table annotations;
alter table annotations_rebuilt rename to annotations;

create index annotations_by_document on annotations (document_id, start_cp);

create trigger generation_after_note_insert after insert on annotations
begin update settings set value = value + 1 where key = 'generation'; end;
create trigger generation_after_note_update after update on annotations
begin update settings set value = value + 1 where key = 'generation'; end;
create trigger generation_after_note_delete after delete on annotations
begin update settings set value = value + 1 where key = 'generation'; end;

-- An actor's colour, from the gazetteer: the same actor has the same colour in every
-- document (0 is the neutral tone shared by actors without one).
alter table actors add column tone integer not null default 0 check (tone between 0 and 8);

-- Make the next import write the tones: it re-syncs actors when the stored gazetteer hash differs.
delete from settings where key = 'gazetteer_hash';
