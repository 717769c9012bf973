-- glossa on PostgreSQL: the schema SQLite reached through migrations/sqlite/0001–0009, in one
-- step. The same tables, columns and constraints, with 64-bit identity keys, real timestamps
-- (timestamptz) for instants, and text compared byte by byte (collate "C") so lists sort
-- exactly as they do on SQLite. Offsets (start_cp, end_cp, offset_cp) count Unicode code
-- points, as the W3C Web Annotation model counts them.

-- A document keeps its row for life: re-importing a changed file updates it and bumps version.
create table documents (
    id            bigint generated always as identity primary key,
    slug          text collate "C" not null unique,
    title         text collate "C" not null,
    author        text,
    published     text collate "C",        -- YYYY-MM-DD, as the source gives it
    source_url    text,
    language      text,
    tags          text not null default '[]',   -- JSON array of strings
    format        text not null check (format in ('txt', 'md')),
    content_hash  text not null,
    analysis_hash text not null,
    version       bigint not null default 1,
    imported_at   timestamptz not null,
    updated_at    timestamptz not null,
    fingerprint   text not null default ''
);

create table document_versions (
    document_id  bigint not null references documents (id) on delete restrict,
    version      bigint not null,
    content_hash text not null,
    source_text  text not null,
    imported_at  timestamptz not null,
    primary key (document_id, version)
);

create table paragraphs (
    id          bigint generated always as identity primary key,
    document_id bigint not null references documents (id) on delete cascade,
    ordinal     bigint not null check (ordinal >= 1),
    kind        text not null,
    text        text not null,
    unique (document_id, ordinal)
);

create table paragraph_formats (
    paragraph_id bigint not null references paragraphs (id) on delete cascade,
    start_cp     bigint not null,
    end_cp       bigint not null,
    style        text not null,
    href         text,
    ordinal      bigint not null default 0,
    check (start_cp < end_cp)
);
create index paragraph_formats_by_paragraph on paragraph_formats (paragraph_id);

create table footnotes (
    document_id  bigint not null references documents (id) on delete cascade,
    number       bigint not null check (number >= 1),
    label        text not null,
    content_html text,
    primary key (document_id, number)
);

create table footnote_refs (
    paragraph_id bigint not null references paragraphs (id) on delete cascade,
    number       bigint not null,
    occurrence   bigint not null,
    offset_cp    bigint not null
);
create index footnote_refs_by_paragraph on footnote_refs (paragraph_id);

create table actors (
    id          text collate "C" primary key,
    name        text collate "C" not null,
    kind        text not null check (kind in ('state', 'organisation', 'bloc', 'person', 'group')),
    wikidata    text,
    affiliation text,
    role        text,
    tone        bigint not null default 0 check (tone between 0 and 8)
);

create table actor_aliases (
    alias    text collate "C" primary key,
    actor_id text collate "C" not null references actors (id) on delete cascade,
    rule     text not null,
    ordinal  bigint not null default 0
);

create table mentions (
    paragraph_id bigint not null references paragraphs (id) on delete cascade,
    actor_id     text collate "C" not null references actors (id) on delete restrict,
    start_cp     bigint not null,
    end_cp       bigint not null,
    matched      text not null,
    check (start_cp < end_cp)
);
create index mentions_by_paragraph on mentions (paragraph_id);
create index mentions_by_actor on mentions (actor_id);

create table settings (
    key   text primary key,
    value text not null
);

create table analysts (
    id         bigint generated always as identity primary key,
    name       text collate "C" not null unique,
    token_hash text not null unique,
    created_at timestamptz not null,
    revoked_at timestamptz
);

create table sessions (
    id_hash    text primary key,
    analyst_id bigint not null references analysts (id) on delete cascade,
    created_at timestamptz not null,
    expires_at timestamptz not null
);
create index sessions_by_analyst on sessions (analyst_id);

create table annotations (
    id               text collate "C" primary key,
    document_id      bigint not null references documents (id) on delete restrict,
    analyst_id       bigint not null references analysts (id) on delete restrict,
    motivation       text not null,
    body             text not null,
    tags             text not null default '[]',
    visibility       text not null check (visibility in ('private', 'team', 'public')),
    start_cp         bigint,
    end_cp           bigint,
    exact            text,
    prefix           text,
    suffix           text,
    document_version bigint not null,
    created          timestamptz not null,
    modified         timestamptz not null,
    revision         bigint not null default 1,
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
create index annotations_by_document on annotations (document_id, start_cp);
create index annotations_by_analyst on annotations (analyst_id);

create table idempotency_keys (
    analyst_id    bigint not null references analysts (id) on delete cascade,
    key           text not null,
    request_hash  text not null,
    annotation_id text not null,
    created_at    timestamptz not null,
    primary key (analyst_id, key)
);

-- Every instance caches rendered pages. A change to documents or notes, by any instance or
-- by `glossa import`, tells all of them at commit; the payload is only the table's name (one
-- notification per statement, merged by PostgreSQL within a transaction).
create function glossa_notify_change() returns trigger language plpgsql as $$
begin
    perform pg_notify('glossa_changes', tg_table_name);
    return null;
end;
$$;

create trigger documents_changed after insert or update or delete on documents
    for each statement execute function glossa_notify_change();
create trigger annotations_changed after insert or update or delete on annotations
    for each statement execute function glossa_notify_change();
